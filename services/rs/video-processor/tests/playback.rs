//! Playback against the real service: signed, expiring links for the teacher and enrolled
//! students (asked of enrollment over HTTP), byte ranges of the original, the ladder once the
//! transcoder's result arrives over JetStream, and 403 for anything expired or tampered.

mod support;

use std::time::Duration;

use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_proto_gen::edu::events::v1::{VideoRendition, VideoTranscoded, VideoTranscodingFailed};
use edu_video::events;
use serde_json::Value;
use support::{Service, content, service};
use uuid::Uuid;

async fn links(service: &Service, video: Uuid, token: &str) -> Value {
    let response = service.playback(video, token).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn get(service: &Service, path: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = service.http.get(service.app.url(path));
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    request.send().await.unwrap()
}

/// Publishes a transcoder result on the test's subjects, as the transcoder would.
async fn publish(service: &Service, video: Uuid, payload: Payload) {
    let envelope = events::envelope(
        &Uuid::new_v4().to_string(),
        std::time::SystemTime::now(),
        &video.to_string(),
        3,
        payload,
    )
    .unwrap();
    let kind = envelope.r#type.clone();
    service
        .jetstream
        .publish(
            format!("{}.{kind}", service.subjects),
            events::to_json(&envelope).unwrap().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_enrolled_student_reads_byte_ranges_of_the_original_others_get_403() {
    let service = service().await;
    let file = content(50_000);
    let video = service.uploaded(&file).await;
    let student = Uuid::new_v4();
    let revoked = Uuid::new_v4();
    service.enrol(student, "active");
    service.enrol(revoked, "revoked");

    let mine = links(&service, video, &service.token_of(student, "student")).await;
    let stranger = service
        .playback(video, &service.token_of(Uuid::new_v4(), "student"))
        .await;
    let refunded = service
        .playback(video, &service.token_of(revoked, "student"))
        .await;

    assert_eq!(stranger.status(), 403);
    assert_eq!(refunded.status(), 403);
    assert!(mine["master_playlist_url"].is_null(), "not transcoded yet");
    let original = mine["original_url"].as_str().unwrap();
    let part = get(&service, original, Some("bytes=1000-1999")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 1000-1999/50000");
    assert_eq!(part.headers()["content-type"], "video/mp4");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &file[1000..2000]);
    let whole = get(&service, original, None).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.bytes().await.unwrap().len(), 50_000);
    let beyond = get(&service, original, Some("bytes=50000-")).await;
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()["content-range"], "bytes */50000");
}

/// The same link with the signature's first character changed.
fn flip_signature(path: &str) -> String {
    let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    let first = if parts[3].starts_with('A') { "B" } else { "A" };
    parts[3].replace_range(0..1, first);
    parts.join("/")
}

#[tokio::test]
async fn an_expired_or_tampered_link_is_a_403_problem() {
    let service = service().await;
    let video = service.uploaded(&content(10_000)).await;
    let mine = links(&service, video, &service.teacher_token()).await;
    let original = mine["original_url"].as_str().unwrap().to_owned();
    let expires = mine["expires_at"].as_u64().unwrap();
    let other = service.uploaded(&content(10_001)).await;

    let tampered = [
        original.replace(&expires.to_string(), &(expires + 3_600).to_string()),
        original.replace(&video.to_string(), &other.to_string()),
        original.replace("/original", "/hls/master.m3u8"),
        flip_signature(&original),
    ];
    for path in &tampered {
        let response = get(&service, path, None).await;
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    assert_eq!(get(&service, &original, None).await.status(), 200);
    service.clock.advance(Duration::from_secs(3_601));
    let too_late = get(&service, &original, None).await;
    assert_eq!(too_late.status(), 403);
    let body: Value = too_late.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("expired"),
        "{body}"
    );
}

#[tokio::test]
async fn the_transcoders_result_makes_the_ladder_playable_and_a_failure_shows_its_reason() {
    let mut service = service().await;
    let ready = service.uploaded(&content(10_000)).await;
    let broken = service.uploaded(&content(10_002)).await;
    service.start_background();
    assert_eq!(service.wait_ready().await, 200);
    let hls = std::path::Path::new(service.store.path()).join(format!("videos/{ready}/hls"));
    std::fs::create_dir_all(hls.join("240p")).unwrap();
    std::fs::write(hls.join("master.m3u8"), "#EXTM3U\n240p/index.m3u8\n").unwrap();
    std::fs::write(hls.join("240p/index.m3u8"), "#EXTM3U\nsegment_000.ts\n").unwrap();
    std::fs::write(hls.join("240p/segment_000.ts"), [0x47_u8; 188]).unwrap();
    publish(
        &service,
        ready,
        Payload::VideoTranscoded(VideoTranscoded {
            video_id: ready.to_string(),
            renditions: vec![VideoRendition {
                height: 240,
                width: 320,
                bandwidth: 400_000,
                playlist_key: format!("videos/{ready}/hls/240p/index.m3u8"),
            }],
            master_playlist_key: format!("videos/{ready}/hls/master.m3u8"),
            poster_key: format!("videos/{ready}/hls/poster.jpg"),
            duration_ms: 3_000,
            source_height: 240,
        }),
    )
    .await;
    publish(
        &service,
        broken,
        Payload::VideoTranscodingFailed(VideoTranscodingFailed {
            video_id: broken.to_string(),
            reason: "The file is not a playable video: moov atom not found.".into(),
        }),
    )
    .await;

    let done = service
        .wait_for_status(ready, "ready", Duration::from_secs(10))
        .await;
    let failed = service
        .wait_for_status(broken, "failed", Duration::from_secs(10))
        .await;

    assert_eq!(done["status"], "ready", "{done}");
    assert_eq!(done["renditions"][0]["height"], 240);
    assert_eq!(done["duration_ms"], 3_000);
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(
        failed["failure_reason"],
        "The file is not a playable video: moov atom not found."
    );
    let mine = links(&service, ready, &service.teacher_token()).await;
    let master = mine["master_playlist_url"].as_str().unwrap();
    let playlist = get(&service, master, None).await;
    assert_eq!(playlist.status(), 200);
    assert_eq!(
        playlist.headers()["content-type"],
        "application/vnd.apple.mpegurl"
    );
    // The playlists' relative URLs resolve under the same signed prefix.
    let segment = master.replace("master.m3u8", "240p/segment_000.ts");
    let segment = get(&service, &segment, None).await;
    assert_eq!(segment.status(), 200);
    assert_eq!(segment.headers()["content-type"], "video/mp2t");
    let escape = master.replace("master.m3u8", "../original");
    assert_ne!(get(&service, &escape, None).await.status(), 200);
}

#[tokio::test]
async fn health_and_ready_answer_once_the_consumer_is_in_place() {
    let mut service = service().await;
    assert_eq!(get(&service, "/health", None).await.status(), 200);
    service.start_background();
    assert_eq!(service.wait_ready().await, 200);
}
