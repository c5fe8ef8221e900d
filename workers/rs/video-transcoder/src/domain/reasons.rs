//! What a teacher reads when a file cannot be transcoded: ffmpeg's last words in a sentence
//! that says what to do, never a stack of log lines.

/// The longest reason we send (the event and the page stay small).
pub const MAX_REASON: usize = 300;

/// The last non-empty line of a tool's error output, trimmed of ffmpeg's `[component @ 0x…]`
/// prefixes and of the file's path.
pub fn last_words(stderr: &str, path: &str) -> String {
    let line = stderr
        .lines()
        .map(str::trim)
        .rev()
        .find(|line| !line.is_empty())
        .unwrap_or("");
    let line = match line.strip_prefix('[') {
        Some(rest) => rest.split_once("] ").map_or(line, |(_, after)| after),
        None => line,
    };
    let line = line.replace(path, "the file");
    let line = line.trim_start_matches("the file: ").trim();
    line.chars().take(MAX_REASON).collect()
}

/// The reason for a file ffprobe could not read.
pub fn unreadable(stderr: &str, path: &str) -> String {
    let words = last_words(stderr, path);
    let hint = if stderr.contains("moov atom not found")
        || stderr.contains("End of file")
        || stderr.contains("Invalid data found")
        || stderr.contains("EBML header parsing failed")
    {
        "it looks truncated or damaged; upload the complete file again"
    } else {
        "upload an MP4, WebM or QuickTime video"
    };
    bounded(format!(
        "The file is not a playable video ({words}): {hint}."
    ))
}

pub fn bounded(reason: String) -> String {
    if reason.chars().count() <= MAX_REASON {
        reason
    } else {
        let mut cut: String = reason.chars().take(MAX_REASON - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_mp4_is_named_so_with_what_to_do() {
        let stderr = "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d5c1a2b3c0] moov atom not found\n\
                      /tmp/w/abc/original: Invalid data found when processing input\n";
        let reason = unreadable(stderr, "/tmp/w/abc/original");
        assert_eq!(
            reason,
            "The file is not a playable video (Invalid data found when processing input): \
             it looks truncated or damaged; upload the complete file again."
        );
    }

    #[test]
    fn other_failures_keep_ffmpegs_last_line_without_the_path() {
        let reason = unreadable("/x/in: Unknown format\n\n", "/x/in");
        assert!(reason.contains("(Unknown format)"), "{reason}");
        assert!(!reason.contains("/x/in"));
        assert!(unreadable("", "p").starts_with("The file is not a playable video ()"));
    }

    #[test]
    fn long_reasons_are_cut() {
        let reason = bounded("x".repeat(1_000));
        assert_eq!(reason.chars().count(), MAX_REASON);
        assert!(reason.ends_with('…'));
    }
}
