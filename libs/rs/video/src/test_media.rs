//! Test media made by ffmpeg on the spot (issue 25: a few seconds of a test pattern and a tone,
//! never downloaded or committed): the one way the tests, the transcode benchmark and the
//! pipeline tests make a clip.

use std::io;
use std::path::Path;
use std::process::Command;

/// A clip to generate: lavfi `pattern` (`testsrc`, `testsrc2`, `smptebars`...) at
/// `width`×`height`, 25 frames a second, with a 440 Hz tone, `seconds` long, as MP4 (H.264/AAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestClip<'a> {
    pub pattern: &'a str,
    pub width: u32,
    pub height: u32,
    pub seconds: u32,
}

impl TestClip<'static> {
    /// `seconds` of `testsrc` at `width`×`height`.
    #[must_use]
    pub const fn new(width: u32, height: u32, seconds: u32) -> Self {
        Self {
            pattern: "testsrc",
            width,
            height,
            seconds,
        }
    }
}

impl TestClip<'_> {
    /// The ffmpeg arguments that write this clip to `path` (what [`Self::write`] runs).
    #[must_use]
    pub fn arguments(&self, path: &Path) -> Vec<String> {
        let source = format!(
            "{}=size={}x{}:rate=25",
            self.pattern, self.width, self.height
        );
        let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        args.extend(["-f".into(), "lavfi".into(), "-i".into(), source]);
        args.extend(
            [
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000",
                "-t",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        args.push(self.seconds.to_string());
        args.extend(
            [
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        args.push(path.to_string_lossy().into_owned());
        args
    }

    /// Runs `ffmpeg` (from `PATH`; Debian's package, `.ci/run` installs it) to write the clip to
    /// `path`.
    ///
    /// # Errors
    /// ffmpeg could not run, or it failed (its exit status in the message).
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let status = Command::new("ffmpeg")
            .args(self.arguments(path))
            .status()
            .map_err(|e| io::Error::new(e.kind(), format!("ffmpeg could not run: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "ffmpeg could not make the test clip {}: {status}",
                path.display()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_size_and_length_reach_ffmpeg() {
        let args = TestClip {
            pattern: "smptebars",
            width: 640,
            height: 480,
            seconds: 3,
        }
        .arguments(Path::new("/tmp/c.mp4"));
        let after = |flag: &str| {
            let at = args.iter().position(|a| a == flag).unwrap();
            args[at + 1].clone()
        };
        assert_eq!(args[7], "smptebars=size=640x480:rate=25");
        assert_eq!(after("-t"), "3");
        assert_eq!(after("-c:v"), "libx264");
        assert_eq!(args.last().unwrap(), "/tmp/c.mp4");
    }
}
