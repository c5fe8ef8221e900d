//! The whole path with the real worker: a clip generated here (3 s of colour bars and a tone,
//! 640×480) uploaded in chunks over HTTP, completed, relayed as `video.uploaded`, transcoded by
//! video-transcoder with Debian's ffmpeg into the same object store, its result consumed — and
//! then played: ffprobe reads each rendition through the student's signed links (heights and
//! durations). A truncated upload ends as failed with the reason on the teacher's page.

mod support;

use std::process::Command;
use std::time::Duration;

use edu_common::settings::VariableSource;
use edu_common::shutdown::Shutdown;
use edu_testing::backends::{Backend, url};
use edu_video::test_media::TestClip;
use serde_json::Value;
use support::{Service, service};
use uuid::Uuid;
use video_transcoder::settings::TranscoderSettings;

/// (height, duration in seconds) of what `url` serves, as ffprobe reads it over HTTP (off the
/// runtime's threads: the server answering it runs on them; 10 s per read at most).
async fn probe(url: &str) -> (u64, f64) {
    let target = url.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-rw_timeout",
                "10000000",
                "-print_format",
                "json",
            ])
            .args(["-show_format", "-show_streams", &target])
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        output.status.success(),
        "{url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let height = json["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == "video")
        .and_then(|s| s["height"].as_u64())
        .unwrap();
    let seconds = json["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    (height, seconds)
}

/// The transcoder on the service's stream, subjects and object store, until dropped.
fn start_transcoder(service: &Service, stop: &Shutdown) -> tokio::task::JoinHandle<()> {
    let settings = TranscoderSettings::read(&VariableSource::from_pairs([
        ("EDU_ENVIRONMENT", "test".to_owned()),
        ("EDU_NATS_URL", url(Backend::Nats)),
        ("EDU_EVENTS_STREAM", service.stream.clone()),
        ("EDU_EVENTS_SUBJECT_PREFIX", service.subjects.clone()),
        (
            "EDU_VIDEO_STORE_DIR",
            service.store.path().display().to_string(),
        ),
        (
            "EDU_VIDEO_WORK_DIR",
            service.store.path().join("..work").display().to_string(),
        ),
        (
            "EDU_VIDEO_TRANSCODER_DURABLE",
            format!("vt-{}", Uuid::new_v4().simple()),
        ),
        ("EDU_TRANSCODE_FETCH_WAIT_MS", "200".to_owned()),
    ]))
    .unwrap();
    let transcoder = video_transcoder::build(&settings);
    let stop = stop.clone();
    tokio::spawn(async move { transcoder.jetstream.run(&transcoder.job, stop).await })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_clip_is_transcoded_and_plays_through_the_signed_links() {
    let mut service = service().await;
    service.start_background();
    let stop = Shutdown::new();
    let worker = start_transcoder(&service, &stop);
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("clip.mp4");
    TestClip::new(640, 480, 3)
        .write(&file)
        .expect("ffmpeg makes the clip");
    let bytes = std::fs::read(&file).unwrap();
    let video = service.new_upload(&bytes).await;
    service.send_all(video, &bytes, 64 * 1024).await;
    assert_eq!(service.complete(video).await.status(), 200);

    let ready = service
        .wait_for_status(video, "ready", Duration::from_mins(2))
        .await;

    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["progress_percent"], 100);
    let heights: Vec<u64> = ready["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["height"].as_u64().unwrap())
        .collect();
    assert_eq!(heights, [240, 480]);
    let student = Uuid::new_v4();
    service.enrol(student, "active");
    let links: Value = service
        .playback(video, &service.token_of(student, "student"))
        .await
        .json()
        .await
        .unwrap();
    let master = service
        .app
        .url(links["master_playlist_url"].as_str().unwrap());
    let (_, master_seconds) = probe(&master).await;
    assert!((master_seconds - 3.0).abs() < 0.3, "{master_seconds}");
    for height in [240, 480] {
        let rendition = master.replace("master.m3u8", &format!("{height}p/index.m3u8"));
        let (probed, seconds) = probe(&rendition).await;
        assert_eq!(probed, height);
        assert!((seconds - 3.0).abs() < 0.3, "{height}p: {seconds}");
    }
    let poster = reqwest::get(service.app.url(links["poster_url"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(poster.status(), 200);
    assert_eq!(poster.headers()["content-type"], "image/jpeg");
    stop.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_upload_ends_failed_with_its_reason_on_the_teachers_page() {
    let mut service = service().await;
    service.start_background();
    let stop = Shutdown::new();
    let worker = start_transcoder(&service, &stop);
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("clip.mp4");
    TestClip::new(640, 480, 3)
        .write(&file)
        .expect("ffmpeg makes the clip");
    let bytes = std::fs::read(&file).unwrap();
    let truncated = &bytes[..bytes.len() / 2];
    let video = service.uploaded(truncated).await;

    let failed = service
        .wait_for_status(video, "failed", Duration::from_mins(1))
        .await;

    assert_eq!(failed["status"], "failed", "{failed}");
    let reason = failed["failure_reason"].as_str().unwrap();
    assert!(reason.contains("truncated or damaged"), "{reason}");
    let links = service.playback(video, &service.teacher_token()).await;
    let links: Value = links.json().await.unwrap();
    assert!(links["master_playlist_url"].is_null());
    stop.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
}
