//! Where a video's files lie in the object store. Keys are `/`-separated, relative, and made
//! only from a video's UUID and fixed names, so no caller-supplied text becomes a path.

use uuid::Uuid;

/// Everything of one video lies under this prefix.
pub fn video_prefix(video: Uuid) -> String {
    format!("videos/{video}")
}

/// The chunks of an upload in progress, appended in order.
pub fn upload_part(video: Uuid) -> String {
    format!("uploads/{video}.part")
}

/// The verified original.
pub fn original(video: Uuid) -> String {
    format!("videos/{video}/original")
}

/// The HLS ladder's folder: `master.m3u8`, `poster.jpg`, one folder per rendition.
pub fn hls_prefix(video: Uuid) -> String {
    format!("videos/{video}/hls")
}

pub fn master_playlist(video: Uuid) -> String {
    format!("videos/{video}/hls/master.m3u8")
}

pub fn poster(video: Uuid) -> String {
    format!("videos/{video}/hls/poster.jpg")
}

/// Written last by the transcoder: the ladder is complete (its content is the `video.transcoded`
/// payload, so a redelivered job answers the same event without transcoding again).
pub fn ladder_done(video: Uuid) -> String {
    format!("videos/{video}/hls/done.json")
}

/// A rendition's folder name (`480p`).
pub fn rendition_name(height: u32) -> String {
    format!("{height}p")
}

pub fn rendition_playlist(video: Uuid, height: u32) -> String {
    format!("videos/{video}/hls/{height}p/index.m3u8")
}

/// A file a playback URL may name under a video's HLS folder: `master.m3u8`, `poster.jpg`, or
/// `<height>p/index.m3u8` / `<height>p/segment_<n>.ts`. Anything else (`..`, other folders,
/// absolute paths) is refused.
pub fn is_hls_file(relative: &str) -> bool {
    match relative.split('/').collect::<Vec<_>>().as_slice() {
        ["master.m3u8" | "poster.jpg"] => true,
        [folder, file] => {
            let height = folder.strip_suffix('p').unwrap_or("");
            !height.is_empty()
                && height.len() <= 4
                && height.bytes().all(|b| b.is_ascii_digit())
                && (*file == "index.m3u8" || is_segment(file))
        }
        _ => false,
    }
}

fn is_segment(file: &str) -> bool {
    file.strip_prefix("segment_")
        .and_then(|rest| rest.strip_suffix(".ts"))
        .is_some_and(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_ladders_own_file_names_are_hls_files() {
        for ok in [
            "master.m3u8",
            "poster.jpg",
            "480p/index.m3u8",
            "240p/segment_000.ts",
        ] {
            assert!(is_hls_file(ok), "{ok}");
        }
        for bad in [
            "../original",
            "480p/../../original",
            "/etc/passwd",
            "done.json",
            "480p/x.ts",
            "p/index.m3u8",
            "480p/segment_.ts",
            "480p/sub/index.m3u8",
            "",
        ] {
            assert!(!is_hls_file(bad), "{bad}");
        }
    }

    #[test]
    fn a_videos_files_lie_under_its_prefix() {
        let id = Uuid::from_u128(1);
        let prefix = video_prefix(id);
        for key in [
            original(id),
            master_playlist(id),
            poster(id),
            ladder_done(id),
            rendition_playlist(id, 240),
        ] {
            assert!(key.starts_with(&prefix), "{key}");
        }
        assert!(hls_prefix(id).starts_with(&prefix));
        assert!(!upload_part(id).starts_with(&prefix));
    }
}
