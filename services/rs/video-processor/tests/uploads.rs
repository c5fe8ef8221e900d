//! Uploads against the run's real PostgreSQL and NATS: limits answered before a byte is
//! stored, resumable chunks with their checksums, the whole file checked on completion and
//! `video.uploaded` relayed once from the outbox.

mod support;

use std::time::Duration;

use edu_video::store::ObjectStore;
use serde_json::{Value, json};
use support::{MAX_BYTES, MAX_CHUNK, content, service, service_with, sha};
use uuid::Uuid;

async fn problem(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "status {status}"
    );
    (status, response.json().await.unwrap())
}

async fn stored_files(service: &support::Service) -> Vec<String> {
    let store = edu_video::store::FsObjectStore::new(service.store.path());
    let mut all = store.list("uploads").await.unwrap();
    all.extend(store.list("videos").await.unwrap());
    all
}

#[tokio::test]
async fn returns_413_and_415_problems_before_any_byte_is_stored() {
    let service = service().await;
    let mut too_big = service.declaration(b"x", "video/mp4");
    too_big["size_bytes"] = json!(MAX_BYTES + 1);
    let avi = service.declaration(b"x", "video/x-msvideo");

    let (big_status, big) = problem(service.declare(&too_big).await).await;
    let (type_status, wrong_type) = problem(service.declare(&avi).await).await;

    assert_eq!(big_status, 413, "{big}");
    assert_eq!(type_status, 415, "{wrong_type}");
    let rows: i64 = service
        .database
        .client()
        .await
        .query_one("SELECT count(*) FROM videos", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0);
    assert!(stored_files(&service).await.is_empty());
}

#[tokio::test]
async fn returns_403_to_a_teacher_of_another_course_and_401_without_a_token() {
    let service = service().await;
    let stranger = service.token_of(Uuid::new_v4(), "teacher");
    let response = service
        .http
        .post(service.app.url("/videos"))
        .bearer_auth(stranger)
        .json(&service.declaration(b"x", "video/mp4"))
        .send()
        .await
        .unwrap();
    let anonymous = service
        .http
        .post(service.app.url("/videos"))
        .json(&service.declaration(b"x", "video/mp4"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn an_interrupted_upload_resumes_from_the_offset_the_service_reports() {
    let service = service().await;
    let file = content(2_500_000);
    let video = service.new_upload(&file).await;
    let first = &file[..1_000_000];
    assert_eq!(
        service
            .put_chunk(video, 0, first, &sha(first))
            .await
            .status(),
        200
    );

    // The client lost track: it asks where to go on.
    let standing = service.read(video).await;
    let resume = usize::try_from(standing["received_bytes"].as_u64().unwrap()).unwrap();
    for (i, part) in file[resume..].chunks(MAX_CHUNK).enumerate() {
        let offset = resume + i * MAX_CHUNK;
        let response = service.put_chunk(video, offset, part, &sha(part)).await;
        assert_eq!(response.status(), 200);
    }

    assert_eq!(resume, 1_000_000);
    assert_eq!(service.read(video).await["received_bytes"], 2_500_000);
    assert_eq!(service.complete(video).await.status(), 200);
}

#[tokio::test]
async fn returns_409_for_a_wrong_offset_and_422_for_a_bad_checksum_storing_nothing() {
    let service = service().await;
    let file = content(300_000);
    let video = service.new_upload(&file).await;
    let first = &file[..100_000];
    service.put_chunk(video, 0, first, &sha(first)).await;

    let second = &file[100_000..200_000];
    let (gap_status, gap) = problem(
        service
            .put_chunk(video, 150_000, second, &sha(second))
            .await,
    )
    .await;
    let (bad_status, bad) =
        problem(service.put_chunk(video, 100_000, second, &sha(b"x")).await).await;
    let replay = service.put_chunk(video, 0, first, &sha(first)).await;
    let replay_offset = replay.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(replay.status(), 409);

    assert_eq!(gap_status, 409, "{gap}");
    assert_eq!(bad_status, 422, "{bad}");
    assert_eq!(replay_offset, "100000");
    assert_eq!(service.read(video).await["received_bytes"], 100_000);
    let part =
        std::fs::metadata(service.store.path().join(format!("uploads/{video}.part"))).unwrap();
    assert_eq!(part.len(), 100_000);
}

#[tokio::test]
async fn returns_413_for_a_chunk_past_the_declared_size_before_reading_it() {
    let service = service().await;
    let file = content(1_000);
    let video = service.new_upload(&file).await;
    let longer = content(1_001);
    let (status, body) = problem(service.put_chunk(video, 0, &longer, &sha(&longer)).await).await;
    assert_eq!(status, 413, "{body}");
    assert!(stored_files(&service).await.is_empty());
}

#[tokio::test]
async fn completing_checks_the_whole_file_and_relays_video_uploaded_once() {
    let mut service = service().await;
    let file = content(2_200_000);
    let video = service.new_upload(&file).await;
    service.send_all(video, &file, 700_000).await;
    let done = service.complete(video).await;
    assert_eq!(done.status(), 200);
    let again = service.complete(video).await;
    assert_eq!(again.status(), 200);
    service.start_background();

    let messages = service.wait_for_messages(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(service.messages().await.len(), 1, "published once");
    let message = &messages[0];
    assert_eq!(
        message.subject.as_str(),
        format!("{}.video.uploaded", service.subjects)
    );
    let envelope: Value = serde_json::from_slice(&message.payload).unwrap();
    assert_eq!(envelope["type"], "video.uploaded");
    assert_eq!(envelope["aggregate_id"], video.to_string());
    assert_eq!(envelope["version"], 2);
    let payload = &envelope["video_uploaded"];
    assert_eq!(payload["size_bytes"], "2200000");
    assert_eq!(payload["sha256"], sha(&file));
    assert_eq!(payload["object_key"], format!("videos/{video}/original"));
    assert_eq!(
        message.headers.get("Nats-Msg-Id").unwrap().as_str(),
        envelope["id"].as_str().unwrap()
    );
    assert_eq!(service.read(video).await["status"], "processing");
    let original = std::fs::read(
        service
            .store
            .path()
            .join(format!("videos/{video}/original")),
    )
    .unwrap();
    assert_eq!(original, file);
}

#[tokio::test]
async fn a_file_that_is_not_the_declared_one_is_refused_and_starts_again() {
    let service = service().await;
    let declared = content(10_000);
    let video = service.new_upload(&declared).await;
    let mut other = declared.clone();
    other[5_000] ^= 0xff;
    service.send_all(video, &other, 4_000).await;

    let (status, body) = problem(service.complete(video).await).await;

    assert_eq!(status, 422, "{body}");
    let after = service.read(video).await;
    assert_eq!(after["status"], "uploading");
    assert_eq!(after["received_bytes"], 0);
    assert!(stored_files(&service).await.is_empty());
    let outbox: i64 = service
        .database
        .client()
        .await
        .query_one("SELECT count(*) FROM outbox", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(outbox, 0);
}

#[tokio::test]
async fn a_completed_upload_goes_to_the_bus_at_once_not_at_the_next_poll() {
    // The repository wakes the relay after each commit that wrote an outbox row: with polls a
    // minute apart, only the wake-up can publish `video.uploaded` within the test's 10 s.
    let mut service = service_with(&[("EDU_OUTBOX_POLL_MS", "60000")]).await;
    service.start_background();
    tokio::time::sleep(Duration::from_millis(300)).await; // the relay idles until its next poll
    let file = content(300_000);
    let video = service.new_upload(&file).await;
    service.send_all(video, &file, 300_000).await;

    assert_eq!(service.complete(video).await.status(), 200);

    let messages = service.wait_for_messages(1, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 1, "the event waited for the poll");
    let envelope: Value = serde_json::from_slice(&messages[0].payload).unwrap();
    assert_eq!(envelope["type"], "video.uploaded");
    assert_eq!(envelope["aggregate_id"], video.to_string());
}
