//! Caption tracks against the real service (PostgreSQL, the filesystem store, identity's keys,
//! fakes of course and enrollment over HTTP): the teacher's `WebVTT` file stored under the video's
//! prefix and linked, signed, for enrolled students only; broken files refused with a
//! problem+json a person can act on, never a 500.

mod support;

use serde_json::Value;
use support::{Service, content, service};
use uuid::Uuid;

const VTT: &str = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello, captions.\n";

async fn put_captions(
    service: &Service,
    video: Uuid,
    language: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    service
        .http
        .put(
            service
                .app
                .url(&format!("/videos/{video}/captions/{language}")),
        )
        .bearer_auth(service.teacher_token())
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_enrolled_student_gets_the_track_signed_others_get_403() {
    let service = service().await;
    let video = service.uploaded(&content(2_000)).await;
    let stored = put_captions(&service, video, "en", "text/vtt", VTT.into()).await;
    assert_eq!(stored.status(), 200);
    let stored: Value = stored.json().await.unwrap();
    assert_eq!(stored["captions"][0]["language"], "en");
    assert_eq!(stored["captions"][0]["label"], "English");
    let student = Uuid::new_v4();
    service.enrol(student, "active");

    let links = service
        .playback(video, &service.token_of(student, "student"))
        .await;
    let stranger = service
        .playback(video, &service.token_of(Uuid::new_v4(), "student"))
        .await;

    assert_eq!(stranger.status(), 403);
    assert_eq!(links.status(), 200);
    let links: Value = links.json().await.unwrap();
    let track = &links["captions"][0];
    assert_eq!(
        (&track["language"], &track["label"]),
        (&"en".into(), &"English".into())
    );
    let url = track["url"].as_str().unwrap();
    assert!(url.ends_with(&format!("/{video}/captions/en.vtt")), "{url}");
    let file = service.http.get(service.app.url(url)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "text/vtt; charset=utf-8");
    assert_eq!(file.text().await.unwrap(), VTT);
    let on_disk = service
        .store
        .path()
        .join(format!("videos/{video}/captions/en.vtt"));
    assert_eq!(std::fs::read_to_string(on_disk).unwrap(), VTT);

    let tampered = url.replace("/captions/en.vtt", "/original");
    let refused = service
        .http
        .get(service.app.url(&tampered))
        .send()
        .await
        .unwrap();
    problem(refused, 403).await;
}

#[tokio::test]
async fn broken_files_are_413_415_422_and_nothing_is_stored() {
    let service = service().await;
    let video = service.uploaded(&content(2_000)).await;
    let srt = b"1\n00:00:00,000 --> 00:00:02,000\nHello\n".to_vec();
    let latin1 = b"WEBVTT\n\n00:00.000 --> 00:01.000\nCaf\xe9\n".to_vec();
    let mut huge = VTT.as_bytes().to_vec();
    huge.resize(600 * 1024, b'a');

    let not_webvtt = problem(
        put_captions(&service, video, "en", "text/vtt", srt).await,
        422,
    )
    .await;
    let not_utf8 = problem(
        put_captions(&service, video, "en", "text/vtt", latin1).await,
        422,
    )
    .await;
    let bad_language = problem(
        put_captions(&service, video, "english!", "text/vtt", VTT.into()).await,
        422,
    )
    .await;
    let wrong_type = problem(
        put_captions(&service, video, "en", "application/x-subrip", VTT.into()).await,
        415,
    )
    .await;
    let too_big = problem(
        put_captions(&service, video, "en", "text/vtt", huge).await,
        413,
    )
    .await;

    assert!(
        not_webvtt["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("WEBVTT"),
        "{not_webvtt}"
    );
    assert!(
        not_utf8["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8"),
        "{not_utf8}"
    );
    assert_eq!(
        bad_language["errors"][0]["field"], "language",
        "{bad_language}"
    );
    assert!(
        wrong_type["detail"].as_str().unwrap().contains("WebVTT"),
        "{wrong_type}"
    );
    assert!(
        too_big["detail"].as_str().unwrap().contains("512 KiB"),
        "{too_big}"
    );
    assert!(
        !service
            .store
            .path()
            .join(format!("videos/{video}/captions"))
            .exists()
    );
    let links: Value = service
        .playback(video, &service.teacher_token())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(links["captions"], serde_json::json!([]));
}

#[tokio::test]
async fn only_the_videos_teacher_adds_a_track() {
    let service = service().await;
    let video = service.uploaded(&content(2_000)).await;
    let other = service.token_of(Uuid::new_v4(), "teacher");
    let refused = service
        .http
        .put(service.app.url(&format!("/videos/{video}/captions/en")))
        .bearer_auth(other)
        .header("Content-Type", "text/vtt")
        .body(VTT)
        .send()
        .await
        .unwrap();
    let anonymous = service
        .http
        .put(service.app.url(&format!("/videos/{video}/captions/en")))
        .header("Content-Type", "text/vtt")
        .body(VTT)
        .send()
        .await
        .unwrap();
    problem(refused, 404).await;
    problem(anonymous, 401).await;
}
