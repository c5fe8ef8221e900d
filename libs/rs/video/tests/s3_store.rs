//! The object-store suite (`edu_video::conformance`) against a real S3-compatible server: the
//! rust-integration layer's `s3` (`moto_server` on a free 127.0.0.1 port, or your own via
//! `EDU_S3_URL`), passed as `EDU_TEST_S3_URL`. Without it every test here fails saying how to
//! run it; none skips. Each test has a bucket of its own.

use std::time::Duration;

use edu_testing::backends::{Backend, url};
use edu_video::object_store_suite;
use edu_video::s3::{S3Config, S3ObjectStore};
use edu_video::sigv4::Credentials;
use edu_video::store::ObjectStore;

async fn s3_store() -> ((), Box<dyn ObjectStore>) {
    let store = S3ObjectStore::new(S3Config {
        endpoint: url(Backend::S3),
        bucket: format!("edu-test-{}", uuid::Uuid::new_v4().simple()),
        region: "us-east-1".into(),
        credentials: Credentials::new("edu-test", "edu-test-secret"),
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    store.create_bucket().await.unwrap();
    ((), Box::new(store))
}

object_store_suite!(s3_store);

#[tokio::test]
async fn an_answer_other_than_404_is_an_error_naming_the_key() {
    // A bucket that was never made: a listing is not a missing object, so its 404 is an error
    // naming the prefix and S3's code.
    let store = S3ObjectStore::new(S3Config {
        endpoint: url(Backend::S3),
        bucket: format!("edu-none-{}", uuid::Uuid::new_v4().simple()),
        region: "us-east-1".into(),
        credentials: Credentials::new("edu-test", "edu-test-secret"),
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    let error = store.list("videos").await.unwrap_err().to_string();
    assert!(error.contains("videos/"), "{error}");
    assert!(error.contains("NoSuchBucket"), "{error}");
}
