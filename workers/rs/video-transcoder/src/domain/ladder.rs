//! The HLS ladder: 240p, 480p and 720p, only those at or below the source's height (never an
//! upscale); a source under 240 lines gets one rendition at its own height. Widths keep the
//! source's aspect ratio, rounded to even numbers (H.264 wants them even).

use std::fmt::Write;

/// The heights we offer and each one's video bit rate (bits per second).
pub const RUNGS: [(u32, u32); 3] = [(240, 400_000), (480, 1_400_000), (720, 2_800_000)];

/// Audio bit rate of every rendition (AAC stereo).
pub const AUDIO_BITRATE: u32 = 96_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rung {
    pub height: u32,
    pub width: u32,
    pub video_bitrate: u32,
    /// What the master playlist declares: video + audio + 10 % for the container.
    pub bandwidth: u32,
}

fn even(value: u64) -> u32 {
    let value = u32::try_from(value).unwrap_or(u32::MAX);
    (value - value % 2).max(2)
}

fn rung(height: u32, source_width: u32, source_height: u32, video_bitrate: u32) -> Rung {
    let width = (u64::from(source_width) * u64::from(height) + u64::from(source_height) / 2)
        / u64::from(source_height.max(1));
    Rung {
        height: even(u64::from(height)),
        width: even(width),
        video_bitrate,
        bandwidth: (video_bitrate + AUDIO_BITRATE) / 10 * 11,
    }
}

/// The renditions of a `width` × `height` source, lowest first; empty for a source without
/// size.
pub fn ladder(width: u32, height: u32) -> Vec<Rung> {
    if width == 0 || height == 0 {
        return Vec::new();
    }
    let fitting: Vec<Rung> = RUNGS
        .iter()
        .filter(|(h, _)| *h <= height)
        .map(|&(h, bitrate)| rung(h, width, height, bitrate))
        .collect();
    if fitting.is_empty() {
        vec![rung(height, width, height, RUNGS[0].1)]
    } else {
        fitting
    }
}

/// The master playlist over `rungs` (each in `<height>p/index.m3u8`).
pub fn master_playlist(rungs: &[Rung]) -> String {
    let mut text = String::from("#EXTM3U\n#EXT-X-VERSION:3\n");
    for r in rungs {
        let _ = write!(
            text,
            "#EXT-X-STREAM-INF:BANDWIDTH={},RESOLUTION={}x{}\n{}p/index.m3u8\n",
            r.bandwidth, r.width, r.height, r.height
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heights(width: u32, height: u32) -> Vec<u32> {
        ladder(width, height).iter().map(|r| r.height).collect()
    }

    #[test]
    fn only_rungs_at_or_below_the_source_are_made() {
        assert_eq!(heights(1920, 1080), [240, 480, 720]);
        assert_eq!(heights(1280, 720), [240, 480, 720]);
        assert_eq!(heights(640, 480), [240, 480]);
        assert_eq!(heights(854, 479), [240]);
        assert_eq!(heights(320, 240), [240]);
    }

    #[test]
    fn a_tiny_source_gets_one_rendition_at_its_own_height() {
        let tiny = ladder(160, 121);
        assert_eq!(tiny.len(), 1);
        assert_eq!((tiny[0].width, tiny[0].height), (160, 120));
        assert!(ladder(0, 480).is_empty());
    }

    #[test]
    fn widths_keep_the_aspect_ratio_and_are_even() {
        let wide = ladder(1920, 1080);
        assert_eq!(
            wide.iter().map(|r| r.width).collect::<Vec<_>>(),
            [426, 852, 1280]
        );
        let portrait = ladder(1080, 1920);
        assert_eq!(portrait[0].width, 134);
        assert!(
            portrait
                .iter()
                .all(|r| r.width % 2 == 0 && r.height % 2 == 0)
        );
    }

    #[test]
    fn the_master_playlist_names_each_rendition_with_its_bandwidth_and_size() {
        let text = master_playlist(&ladder(640, 480));
        assert_eq!(
            text,
            "#EXTM3U\n#EXT-X-VERSION:3\n\
             #EXT-X-STREAM-INF:BANDWIDTH=545600,RESOLUTION=320x240\n240p/index.m3u8\n\
             #EXT-X-STREAM-INF:BANDWIDTH=1645600,RESOLUTION=640x480\n480p/index.m3u8\n"
        );
    }
}
