//! `cargo run --release -p video-transcoder --bin transcode-bench -- [seconds] [WxH] [source]`:
//! generates a clip with ffmpeg (`seconds`, 60 by default, `WxH` 1280x720, lavfi `source`
//! `testsrc2` with a tone), then runs the worker's own media adapter on it — probe, poster, the
//! whole ladder in one ffmpeg run — and prints the wall time per media minute.

use std::path::Path;
use std::time::Instant;

use edu_video::test_media::TestClip;
use tokio::sync::watch;
use video_transcoder::adapters::ffmpeg::Ffmpeg;
use video_transcoder::app::ports::Media;
use video_transcoder::domain::ladder::ladder;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds: u32 = args.first().and_then(|s| s.parse().ok()).unwrap_or(60);
    let size = args.get(1).cloned().unwrap_or_else(|| "1280x720".into());
    let source = args.get(2).cloned().unwrap_or_else(|| "testsrc2".into());
    let folder = std::env::temp_dir().join(format!("transcode-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let clip = folder.join("clip.mp4");
    let (width, height) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .expect("the size is WxH, e.g. 1280x720");
    TestClip {
        pattern: &source,
        width,
        height,
        seconds,
    }
    .write(&clip)
    .expect("ffmpeg makes the clip");
    let media = Ffmpeg {
        ffmpeg: "ffmpeg".into(),
        ffprobe: "ffprobe".into(),
        threads: std::env::var("EDU_TRANSCODE_THREADS")
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0),
        preset: std::env::var("EDU_TRANSCODE_PRESET").unwrap_or_else(|_| "veryfast".into()),
    };
    let started = Instant::now();
    let probe = media.probe(&clip).await.expect("the clip probes");
    let rungs = ladder(probe.width, probe.height);
    let out = folder.join("hls");
    media
        .poster(&clip, 1_000, &folder.join("poster.jpg"))
        .await
        .expect("a poster");
    let (progress, _) = watch::channel(0);
    media
        .transcode(&clip, probe, &rungs, &out, progress)
        .await
        .expect("the ladder");
    let elapsed = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss, reason = "milliseconds of a short clip")]
    let media_seconds = probe.duration_ms as f64 / 1_000.0;
    let media_minutes = media_seconds / 60.0;
    println!(
        "{size} {source} {:.1} s of media, rungs {:?}, preset {}: {elapsed:.1} s wall = {:.1} s per media minute",
        media_seconds,
        rungs.iter().map(|r| r.height).collect::<Vec<_>>(),
        media.preset,
        elapsed / media_minutes
    );
    let _ = std::fs::remove_dir_all(Path::new(&folder));
}
