//! The media tools as child processes: `ffprobe` (JSON) to read a file, one `ffmpeg` run that
//! decodes the input once and writes every rung (split → scale → H.264/AAC → HLS, 4 s segments
//! starting on forced keyframes), another for the poster. Progress comes from `-progress
//! pipe:1`; a run longer than its time limit is killed (`kill_on_drop`) and the job is retried.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::watch;

use crate::app::ports::{Media, MediaError, MediaFuture, Probe};
use crate::domain::ladder::{AUDIO_BITRATE, Rung};
use crate::domain::{progress, reasons};

/// Segment length of every rendition, seconds.
pub const SEGMENT_SECONDS: u32 = 4;

#[derive(Debug, Clone)]
pub struct Ffmpeg {
    pub ffmpeg: PathBuf,
    pub ffprobe: PathBuf,
    /// `-threads` (0: ffmpeg decides).
    pub threads: u32,
    /// x264's preset (`veryfast` by default: `EDU_TRANSCODE_PRESET`).
    pub preset: String,
}

fn unavailable(tool: &Path, error: &std::io::Error) -> MediaError {
    MediaError::Unavailable(format!("{} cannot run: {error}", tool.display()))
}

/// Reads ffprobe's JSON: the first video stream's size, any audio, the duration.
pub fn parse_probe(json: &str) -> Result<Probe, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| format!("ffprobe said: {e}"))?;
    let streams = value["streams"].as_array().cloned().unwrap_or_default();
    let video = streams
        .iter()
        .find(|s| s["codec_type"] == "video" && s["disposition"]["attached_pic"] != 1);
    let has_audio = streams.iter().any(|s| s["codec_type"] == "audio");
    let dimension = |stream: Option<&Value>, key: &str| {
        stream
            .and_then(|s| s[key].as_u64())
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    let seconds = |v: &Value| v.as_str().and_then(|t| t.parse::<f64>().ok());
    let duration = seconds(&value["format"]["duration"])
        .or_else(|| video.and_then(|s| seconds(&s["duration"])))
        .unwrap_or(0.0);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative duration in seconds, far below u64::MAX milliseconds"
    )]
    let duration_ms = (duration.max(0.0) * 1_000.0).round() as u64;
    Ok(Probe {
        duration_ms,
        width: dimension(video, "width"),
        height: dimension(video, "height"),
        has_audio,
    })
}

/// The ffmpeg arguments that make every rung from `input` into `out` in one run.
pub fn transcode_args(
    input: &Path,
    rungs: &[Rung],
    has_audio: bool,
    out: &Path,
    threads: u32,
    preset: &str,
) -> Vec<String> {
    let mut args: Vec<String> = [
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-nostats",
        "-progress",
        "pipe:1",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if threads > 0 {
        args.extend(["-threads".into(), threads.to_string()]);
    }
    args.extend(["-i".into(), input.display().to_string()]);
    let mut graph = format!("[0:v:0]split={}", rungs.len());
    for i in 0..rungs.len() {
        let _ = write!(graph, "[v{i}]");
    }
    for (i, rung) in rungs.iter().enumerate() {
        let _ = write!(
            graph,
            ";[v{i}]scale={}:{},setsar=1,format=yuv420p[o{i}]",
            rung.width, rung.height
        );
    }
    args.extend(["-filter_complex".into(), graph]);
    for (i, rung) in rungs.iter().enumerate() {
        let folder = out.join(format!("{}p", rung.height));
        args.extend(["-map".into(), format!("[o{i}]")]);
        if has_audio {
            args.extend(["-map".into(), "0:a:0".into()]);
        }
        let rate = rung.video_bitrate;
        args.extend(
            [
                "-c:v",
                "libx264",
                "-preset",
                preset,
                "-profile:v",
                "main",
                "-b:v",
                &rate.to_string(),
                "-maxrate",
                &(rate / 100 * 107).to_string(),
                "-bufsize",
                &(rate / 2 * 3).to_string(),
                "-force_key_frames",
                &format!("expr:gte(t,n_forced*{SEGMENT_SECONDS})"),
                "-sc_threshold",
                "0",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        if has_audio {
            args.extend(
                [
                    "-c:a",
                    "aac",
                    "-b:a",
                    &AUDIO_BITRATE.to_string(),
                    "-ac",
                    "2",
                ]
                .iter()
                .map(|s| (*s).to_owned()),
            );
        }
        args.extend(
            [
                "-f",
                "hls",
                "-hls_time",
                &SEGMENT_SECONDS.to_string(),
                "-hls_playlist_type",
                "vod",
                "-hls_segment_filename",
                &folder.join("segment_%03d.ts").display().to_string(),
                &folder.join("index.m3u8").display().to_string(),
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
    }
    args
}

/// How long a run may take for `duration_ms` of media: 2 min + 20× real time.
pub fn time_limit(duration_ms: u64) -> Duration {
    Duration::from_mins(2) + Duration::from_millis(duration_ms.saturating_mul(20))
}

async fn tail_of(stderr: Option<tokio::process::ChildStderr>) -> String {
    let mut text = String::new();
    if let Some(mut stderr) = stderr {
        let _ = stderr.read_to_string(&mut text).await;
    }
    let start = text.len().saturating_sub(8_192);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    text[start..].to_owned()
}

impl Ffmpeg {
    async fn probe_(&self, input: &Path) -> Result<Probe, MediaError> {
        let output = Command::new(&self.ffprobe)
            .args([
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
            ])
            .arg(input)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| unavailable(&self.ffprobe, &e))?;
        let path = input.display().to_string();
        if !output.status.success() {
            return Err(MediaError::Refused(reasons::unreadable(
                &String::from_utf8_lossy(&output.stderr),
                &path,
            )));
        }
        let probe = parse_probe(&String::from_utf8_lossy(&output.stdout))
            .map_err(|why| MediaError::Refused(reasons::unreadable(&why, &path)))?;
        if probe.width == 0 || probe.height == 0 {
            return Err(MediaError::Refused(
                "The file has no video picture to show; upload a video with a picture.".into(),
            ));
        }
        if probe.duration_ms == 0 {
            return Err(MediaError::Refused(
                "The file's length cannot be read: it looks truncated or damaged; upload the complete file again.".into(),
            ));
        }
        Ok(probe)
    }

    async fn poster_(&self, input: &Path, at_ms: u64, output: &Path) -> Result<(), MediaError> {
        let seconds = format!("{}.{:03}", at_ms / 1_000, at_ms % 1_000);
        let result = Command::new(&self.ffmpeg)
            .args([
                "-hide_banner",
                "-nostdin",
                "-y",
                "-loglevel",
                "error",
                "-ss",
                &seconds,
                "-i",
            ])
            .arg(input)
            .args([
                "-frames:v",
                "1",
                "-vf",
                "scale=-2:'min(720,ih)'",
                "-q:v",
                "3",
            ])
            .arg(output)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output_of = tokio::time::timeout(Duration::from_mins(2), result)
            .await
            .map_err(|_| MediaError::Unavailable("the poster took over 2 minutes".into()))?
            .map_err(|e| unavailable(&self.ffmpeg, &e))?;
        if !output_of.status.success() || tokio::fs::metadata(output).await.is_err() {
            return Err(MediaError::Refused(reasons::bounded(format!(
                "No picture could be taken from the file ({}): it looks damaged; upload it again.",
                reasons::last_words(
                    &String::from_utf8_lossy(&output_of.stderr),
                    &input.display().to_string()
                )
            ))));
        }
        Ok(())
    }

    async fn transcode_(
        &self,
        input: &Path,
        probe: Probe,
        rungs: &[Rung],
        out: &Path,
        progress_to: watch::Sender<u32>,
    ) -> Result<(), MediaError> {
        for rung in rungs {
            tokio::fs::create_dir_all(out.join(format!("{}p", rung.height)))
                .await
                .map_err(|e| MediaError::Unavailable(format!("{}: {e}", out.display())))?;
        }
        let args = transcode_args(
            input,
            rungs,
            probe.has_audio,
            out,
            self.threads,
            &self.preset,
        );
        let mut child = Command::new(&self.ffmpeg)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| unavailable(&self.ffmpeg, &e))?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let read_progress = async {
            let Some(stdout) = stdout else { return };
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(us) = progress::out_time_us(&line) {
                    let _ = progress_to.send(progress::percent(us, probe.duration_ms));
                }
            }
        };
        let run = async {
            let ((), stderr) = tokio::join!(read_progress, tail_of(stderr));
            (child.wait().await, stderr)
        };
        let (status, stderr) = tokio::time::timeout(time_limit(probe.duration_ms), run)
            .await
            .map_err(|_| {
                MediaError::Unavailable(format!(
                    "ffmpeg ran over its time limit of {:?}",
                    time_limit(probe.duration_ms)
                ))
            })?;
        let status = status.map_err(|e| unavailable(&self.ffmpeg, &e))?;
        if status.success() {
            return Ok(());
        }
        if status.code().is_none() {
            return Err(MediaError::Unavailable("ffmpeg was killed".into()));
        }
        Err(MediaError::Refused(reasons::bounded(format!(
            "The video could not be converted ({}): upload it again, or as MP4 (H.264).",
            reasons::last_words(&stderr, &input.display().to_string())
        ))))
    }
}

impl Media for Ffmpeg {
    fn probe<'a>(&'a self, input: &'a Path) -> MediaFuture<'a, Probe> {
        Box::pin(self.probe_(input))
    }

    fn poster<'a>(&'a self, input: &'a Path, at_ms: u64, output: &'a Path) -> MediaFuture<'a, ()> {
        Box::pin(self.poster_(input, at_ms, output))
    }

    fn transcode<'a>(
        &'a self,
        input: &'a Path,
        probe: Probe,
        rungs: &'a [Rung],
        out: &'a Path,
        progress: watch::Sender<u32>,
    ) -> MediaFuture<'a, ()> {
        Box::pin(self.transcode_(input, probe, rungs, out, progress))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ladder::ladder;

    #[test]
    fn the_probe_reads_the_first_picture_stream_audio_and_duration() {
        let json = r#"{"streams": [
            {"codec_type": "audio"},
            {"codec_type": "video", "width": 640, "height": 480, "duration": "2.9"}
        ], "format": {"duration": "3.000000"}}"#;
        assert_eq!(
            parse_probe(json).unwrap(),
            Probe {
                duration_ms: 3_000,
                width: 640,
                height: 480,
                has_audio: true
            }
        );
        let cover_only = r#"{"streams": [{"codec_type": "video", "width": 300, "height": 300,
            "disposition": {"attached_pic": 1}}], "format": {"duration": "10"}}"#;
        assert_eq!(parse_probe(cover_only).unwrap().height, 0);
        assert!(parse_probe("nope").is_err());
    }

    #[test]
    fn one_run_decodes_once_and_writes_every_rung_with_or_without_audio() {
        let rungs = ladder(640, 480);
        let args = transcode_args(
            Path::new("/in"),
            &rungs,
            true,
            Path::new("/out"),
            2,
            "veryfast",
        );
        let text = args.join(" ");
        assert_eq!(args.iter().filter(|a| *a == "-i").count(), 1);
        assert!(text.contains("[0:v:0]split=2[v0][v1]"), "{text}");
        assert!(text.contains("[v1]scale=640:480"), "{text}");
        assert!(
            text.contains("/out/240p/segment_%03d.ts /out/240p/index.m3u8"),
            "{text}"
        );
        assert!(text.contains("/out/480p/index.m3u8"), "{text}");
        assert_eq!(args.iter().filter(|a| *a == "0:a:0").count(), 2);
        assert!(text.contains("-threads 2"));
        let silent = transcode_args(
            Path::new("/in"),
            &rungs,
            false,
            Path::new("/out"),
            0,
            "veryfast",
        );
        assert!(!silent.iter().any(|a| a == "0:a:0" || a == "aac"));
        assert!(!silent.iter().any(|a| a == "-threads"));
    }

    #[test]
    fn the_time_limit_grows_with_the_media() {
        assert_eq!(time_limit(0), Duration::from_mins(2));
        assert_eq!(time_limit(60_000), Duration::from_mins(22));
    }
}
