//! How far a job is, from ffmpeg's `-progress` lines, and when that is worth an event.

use std::time::Duration;

/// Percent done (0-99: 100 is `video.transcoded`'s to say) after `out_time_us` of `duration_ms`.
pub fn percent(out_time_us: u64, duration_ms: u64) -> u32 {
    if duration_ms == 0 {
        return 0;
    }
    let done = out_time_us / 10 / duration_ms.max(1);
    u32::try_from(done.min(99)).unwrap_or(99)
}

/// `out_time_us=…` of one `-progress` line (`out_time_ms` is microseconds too, a known ffmpeg
/// misnomer); `None` for other lines and `N/A`.
pub fn out_time_us(line: &str) -> Option<u64> {
    let (key, value) = line.trim().split_once('=')?;
    matches!(key, "out_time_us" | "out_time_ms")
        .then(|| value.parse().ok())
        .flatten()
}

/// Whether a progress event is due: at least `step` percent more than the last one sent and
/// at least `every` since it.
pub fn due(
    last_sent: Option<u32>,
    now_percent: u32,
    since_last: Duration,
    every: Duration,
) -> bool {
    match last_sent {
        None => now_percent > 0,
        Some(last) => now_percent >= last + 10 && since_last >= every,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_follows_the_output_time_and_stops_short_of_100() {
        assert_eq!(percent(1_500_000, 3_000), 50);
        assert_eq!(percent(0, 3_000), 0);
        assert_eq!(percent(9_000_000, 3_000), 99);
        assert_eq!(percent(1_000, 0), 0);
    }

    #[test]
    fn only_out_time_lines_are_read() {
        assert_eq!(out_time_us("out_time_us=1234567"), Some(1_234_567));
        assert_eq!(out_time_us("out_time_ms=42\n"), Some(42));
        assert_eq!(out_time_us("out_time_us=N/A"), None);
        assert_eq!(out_time_us("frame=10"), None);
        assert_eq!(out_time_us("progress=end"), None);
    }

    #[test]
    fn events_go_out_every_ten_percent_and_not_too_often() {
        let second = Duration::from_secs(1);
        assert!(due(None, 3, Duration::ZERO, second));
        assert!(!due(None, 0, Duration::ZERO, second));
        assert!(!due(Some(10), 19, second, second));
        assert!(due(Some(10), 20, second, second));
        assert!(!due(Some(10), 50, Duration::from_millis(10), second));
    }
}
