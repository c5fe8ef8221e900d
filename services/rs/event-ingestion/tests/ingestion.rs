//! event-ingestion against the run's real NATS: what is published, exactly once, what is
//! refused and why, and that nothing is acknowledged while JetStream cannot store it.

mod support;

use std::time::Duration;

use edu_proto_gen::edu::events::v1::{LearningEvent, LearningEventBatch};
use prost::Message;
use serde_json::{Value, json};
use support::{NatsProxy, OTHER_USER, USER, heartbeat, service, token_for};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn post_json(url: &str, token: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn ids(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_mixed_batch_publishes_the_valid_events_once_and_reports_the_others() {
    let service = service(None, &[]).await;
    let mut bad_id = heartbeat(USER);
    bad_id["id"] = json!("not-a-uuid");
    let mut late = heartbeat(USER);
    late["occurred_at"] = json!("2020-01-01T00:00:00Z");
    let events = vec![heartbeat(USER), bad_id, heartbeat(USER), late];
    let body = json!({ "events": events });

    let response = post_json(&service.url(), &token_for(USER), &body).await;

    assert_eq!(response.status(), 202);
    let report: Value = response.json().await.unwrap();
    let expected = [
        events[0]["id"].as_str().unwrap(),
        events[2]["id"].as_str().unwrap(),
    ];
    assert_eq!(ids(&report, "accepted"), expected);
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["index"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(rejected[0], (1, "id is not a UUID".to_owned()));
    assert_eq!(rejected[1].0, 3);
    assert!(rejected[1].1.contains("occurred_at"), "{rejected:?}");
    let messages = service.messages().await;
    assert_eq!(messages.len(), 2);
    let stored = LearningEvent::decode(messages[0].payload.clone()).unwrap();
    assert_eq!(stored.id, expected[0]);
    assert!(stored.received_at.is_some(), "stamped by the server");
    assert_eq!(
        messages[0].subject.as_str(),
        format!("{}.lesson.heartbeat", service.subjects)
    );
}

#[tokio::test]
async fn a_retried_batch_is_reported_as_duplicates_and_stored_once() {
    let service = service(None, &[]).await;
    let body = json!({ "events": [heartbeat(USER), heartbeat(USER), heartbeat(USER)] });
    let first: Value = post_json(&service.url(), &token_for(USER), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&first, "accepted").len(), 3);

    let again = post_json(&service.url(), &token_for(USER), &body).await;

    assert_eq!(again.status(), 202);
    let again: Value = again.json().await.unwrap();
    assert_eq!(ids(&again, "accepted"), Vec::<String>::new());
    assert_eq!(ids(&again, "duplicates"), ids(&first, "accepted"));
    assert_eq!(service.stored().await, 3);
}

#[tokio::test]
async fn while_nats_is_down_nothing_is_acknowledged_and_a_retry_after_stores_each_once() {
    let proxy = NatsProxy::start().await;
    let service = service(Some(&proxy.url), &[("EDU_EVENTS_ACK_TIMEOUT_MS", "500")]).await;
    let body = json!({ "events": [heartbeat(USER), heartbeat(USER)] });
    proxy.cut();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let refused = post_json(&service.url(), &token_for(USER), &body).await;

    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = refused.json().await.unwrap();
    assert!(problem.get("accepted").is_none(), "{problem}");
    proxy.restore();
    let mut answer = None;
    for _ in 0..100 {
        let response = post_json(&service.url(), &token_for(USER), &body).await;
        if response.status() == 202 {
            answer = Some(response.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answer = answer.expect("accepted once NATS is back");
    let reported = ids(&answer, "accepted").len() + ids(&answer, "duplicates").len();
    assert_eq!(reported, 2);
    assert_eq!(service.stored().await, 2, "each event stored exactly once");
}

#[tokio::test]
async fn an_event_of_another_user_is_rejected_and_a_batch_of_only_those_is_422() {
    let service = service(None, &[]).await;
    let mixed = json!({ "events": [heartbeat(USER), heartbeat(OTHER_USER)] });
    let report: Value = post_json(&service.url(), &token_for(USER), &mixed)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&report, "accepted").len(), 1);
    assert_eq!(report["rejected"][0]["index"], 1);
    assert_eq!(
        report["rejected"][0]["reason"],
        "user_id is not the signed-in user"
    );

    let theirs = json!({ "events": [heartbeat(OTHER_USER)] });
    let refused = post_json(&service.url(), &token_for(USER), &theirs).await;

    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "events[0]");
    assert_eq!(service.stored().await, 1);
    let unsigned = reqwest::Client::new()
        .post(service.url())
        .json(&mixed)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
}

#[tokio::test]
async fn a_protobuf_batch_is_accepted_like_a_json_one() {
    let service = service(None, &[]).await;
    let json_event = heartbeat(USER);
    let body = json!({ "events": [json_event] }).to_string();
    let events = event_ingestion::http::json_mapping::candidates(body.as_bytes())
        .unwrap()
        .into_iter()
        .map(|candidate| match candidate {
            event_ingestion::app::ingest::Candidate::Read(event) => event,
            other @ event_ingestion::app::ingest::Candidate::Unreadable { .. } => {
                panic!("{other:?}")
            }
        })
        .collect();
    let batch = LearningEventBatch { events };

    let response = reqwest::Client::new()
        .post(service.url())
        .bearer_auth(token_for(USER))
        .header("content-type", "application/x-protobuf")
        .body(batch.encode_to_vec())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 202);
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        ids(&report, "accepted"),
        [json_event["id"].as_str().unwrap()]
    );
    assert_eq!(service.stored().await, 1);
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    let service = service(None, &[("EDU_EVENTS_MAX_BODY_BYTES", "2048")]).await;
    let address = service.app.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
         authorization: Bearer {}\r\ncontent-length: 10000000\r\n\r\n",
        token_for(USER)
    );
    stream.write_all(head.as_bytes()).await.unwrap();

    // Not a byte of the body was sent: the answer can only come from the declared length.
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");

    let too_many: Vec<Value> = (0..3).map(|_| heartbeat(USER)).collect();
    let small = service_with_small_batches().await;
    let refused = post_json(
        &small.url(),
        &token_for(USER),
        &json!({ "events": too_many }),
    )
    .await;
    assert_eq!(refused.status(), 413);
    assert_eq!(small.stored().await, 0);
}

async fn service_with_small_batches() -> support::Service {
    service(
        None,
        &[
            ("EDU_EVENTS_MAX_BATCH", "2"),
            ("EDU_EVENTS_MAX_IN_FLIGHT", "2"),
        ],
    )
    .await
}

/// The stream deleted under a running service (an operator's mistake, or a NATS that came back
/// without its store): the batch in flight is refused 503 — never acknowledged — and the
/// client's retry finds the stream made again and stores it; readiness says so meanwhile.
#[tokio::test]
async fn a_stream_deleted_while_serving_is_made_again_and_nothing_acked_is_lost() {
    let service = service(None, &[]).await;
    let first = json!({ "events": [heartbeat(USER)] });
    let stored = post_json(&service.url(), &token_for(USER), &first).await;
    assert_eq!(stored.status(), 202);
    service
        .jetstream
        .delete_stream(&service.stream)
        .await
        .unwrap();

    let batch = json!({ "events": [heartbeat(USER), heartbeat(USER)] });
    let refused = post_json(&service.url(), &token_for(USER), &batch).await;
    assert_eq!(
        refused.status(),
        503,
        "acknowledged with no stream to hold it"
    );
    assert!(refused.headers().contains_key("retry-after"));

    let retried = post_json(&service.url(), &token_for(USER), &batch).await;
    assert_eq!(retried.status(), 202);
    let report: Value = retried.json().await.unwrap();
    assert_eq!(ids(&report, "accepted").len(), 2);
    assert_eq!(
        service.stored().await,
        2,
        "the new stream holds the retried batch"
    );

    service
        .jetstream
        .delete_stream(&service.stream)
        .await
        .unwrap();
    let ready = reqwest::get(service.app.url("/ready")).await.unwrap();
    assert_eq!(ready.status(), 200, "readiness makes the stream again");
    assert!(service.jetstream.get_stream(&service.stream).await.is_ok());
}
