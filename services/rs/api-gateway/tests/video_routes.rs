//! video-processor's paths through the real gateway (issue 25): an upload's chunk (1 MiB, under
//! the body cap) reaches it whole, and a `Range` request for the original comes back 206 with
//! its `Content-Range`, the bytes streamed as the upstream sent them.

mod support;

use api_gateway::domain::routing::DEFAULT_ROUTES;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, put};
use support::{USER, platform, token_for};

const ORIGINAL: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const CHUNK_BYTES: usize = 1 << 20;

/// A stand-in for video-processor: counts a chunk's bytes, answers one byte range.
async fn fake_video_processor() -> edu_testing::TestApp {
    let router = Router::new()
        .route(
            "/videos/{id}/content",
            put(|headers: HeaderMap, body: Bytes| async move {
                axum::Json(serde_json::json!({
                    "received_bytes": body.len(),
                    "chunk_sha256": headers.get("chunk-sha256").and_then(|v| v.to_str().ok()),
                    "all_a": body.iter().all(|b| *b == b'a'),
                }))
            }),
        )
        .route(
            "/play/{expires}/{signature}/{id}/original",
            get(|headers: HeaderMap| async move {
                let range = headers
                    .get(header::RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("bytes="))
                    .and_then(|v| v.split_once('-'))
                    .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
                match range {
                    Some((start, end)) => (
                        StatusCode::PARTIAL_CONTENT,
                        [
                            (
                                header::CONTENT_RANGE,
                                format!("bytes {start}-{end}/{}", ORIGINAL.len()),
                            ),
                            (header::ACCEPT_RANGES, "bytes".to_owned()),
                        ],
                        ORIGINAL[start..=end].to_vec(),
                    )
                        .into_response(),
                    None => ORIGINAL.to_vec().into_response(),
                }
            }),
        );
    edu_testing::spawn_app(router).await
}

#[tokio::test]
async fn an_upload_chunk_and_a_byte_range_pass_through_to_the_video_processor() {
    let videos = fake_video_processor().await;
    let p = platform(&[
        ("EDU_GATEWAY_ROUTES", DEFAULT_ROUTES.to_owned()),
        ("EDU_VIDEO_PROCESSOR_SERVICE_URL", videos.url("")),
        // The gateway's default body cap: web's 1 MiB chunks must pass under it.
        ("EDU_MAX_REQUEST_BODY_BYTES", "2097152".to_owned()),
    ])
    .await;
    let client = reqwest::Client::new();
    let video = "6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10";
    let chunk = client
        .put(p.gateway.url(&format!("/videos/{video}/content?offset=0")))
        .bearer_auth(token_for(USER, 600.0))
        .header("chunk-sha256", "ab12")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(vec![b'a'; CHUNK_BYTES])
        .send()
        .await
        .unwrap();
    assert_eq!(chunk.status(), StatusCode::OK);
    let echoed: serde_json::Value = chunk.json().await.unwrap();
    assert_eq!(echoed["received_bytes"], CHUNK_BYTES);
    assert_eq!(echoed["chunk_sha256"], "ab12");
    assert_eq!(echoed["all_a"], true);

    let ranged = client
        .get(
            p.gateway
                .url(&format!("/play/1765000000/c2ln/{video}/original")),
        )
        .header(header::RANGE, "bytes=10-15")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        ranged.headers()[header::CONTENT_RANGE],
        format!("bytes 10-15/{}", ORIGINAL.len())
    );
    assert_eq!(ranged.headers()[header::ACCEPT_RANGES], "bytes");
    assert_eq!(&ranged.bytes().await.unwrap()[..], b"abcdef");
}
