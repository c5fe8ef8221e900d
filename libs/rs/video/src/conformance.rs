//! The behaviour every [`ObjectStore`] adapter shows, as one suite both adapters run:
//! the filesystem adapter in its unit tests, the S3 adapter against a real S3 server in
//! `tests/s3_store.rs`. [`object_store_suite!`](crate::object_store_suite) makes one
//! `#[tokio::test]` per behaviour from an async function returning `(guard, store)`; each
//! behaviour takes an empty store and panics (with what differed) when the adapter is wrong.
//!
//! Compiled into the library (not `cfg(test)`) so that integration tests can share it; it
//! has no dependencies of its own.

use std::path::PathBuf;

use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::store::{ObjectStore, StoreError};

fn sha(bytes: &[u8]) -> String {
    crate::hex::encode(&Sha256::digest(bytes))
}

async fn range(store: &dyn ObjectStore, key: &str, start: u64, length: u64) -> Vec<u8> {
    let mut stream = store.read_range(key, start, length).await.unwrap();
    let mut all = Vec::new();
    while let Some(chunk) = stream.next().await {
        all.extend_from_slice(&chunk.unwrap());
    }
    all
}

async fn write(store: &dyn ObjectStore, key: &str, offset: u64, bytes: &'static [u8]) {
    store
        .write_at(key, offset, Bytes::from_static(bytes))
        .await
        .unwrap();
}

/// A scratch folder of this process for local files (`put_file`, `fetch_to`).
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "edu-video-conformance-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Bytes that differ at every position (so an off-by-one shows).
fn pattern(length: usize, seed: u8) -> Vec<u8> {
    (0..length)
        .map(|i| u8::try_from(i % 251).unwrap() ^ seed)
        .collect()
}

pub async fn a_part_written_again_at_an_offset_is_cut_there(store: &dyn ObjectStore) {
    write(store, "u/p", 0, b"hello").await;
    write(store, "u/p", 5, b" world").await;
    write(store, "u/p", 5, b"!").await;

    assert_eq!(
        store.get("u/p").await.unwrap(),
        Bytes::from_static(b"hello!")
    );
    assert_eq!(store.size("u/p").await.unwrap(), Some(6));
    assert_eq!(store.size("u/none").await.unwrap(), None);
}

pub async fn a_write_inside_an_earlier_chunk_cuts_it_there(store: &dyn ObjectStore) {
    write(store, "u/p", 0, b"abc").await;
    write(store, "u/p", 3, b"def").await;
    write(store, "u/p", 6, b"ghi").await;
    assert_eq!(range(store, "u/p", 2, 5).await, b"cdefg");
    assert_eq!(store.sha256("u/p", 9).await.unwrap(), sha(b"abcdefghi"));
    assert_eq!(store.sha256("u/p", 4).await.unwrap(), sha(b"abcd"));

    write(store, "u/p", 4, b"X").await;

    assert_eq!(
        store.get("u/p").await.unwrap(),
        Bytes::from_static(b"abcdX")
    );
    assert_eq!(store.size("u/p").await.unwrap(), Some(5));
    assert_eq!(range(store, "u/p", 3, 100).await, b"dX");
}

pub async fn a_write_from_zero_starts_the_part_again(store: &dyn ObjectStore) {
    write(store, "u/p", 0, b"first").await;
    write(store, "u/p", 5, b" try").await;
    write(store, "u/p", 0, b"").await;
    assert_eq!(store.size("u/p").await.unwrap(), Some(0));
    write(store, "u/p", 0, b"again").await;
    assert_eq!(
        store.get("u/p").await.unwrap(),
        Bytes::from_static(b"again")
    );
}

pub async fn a_write_past_the_end_reads_zeros_in_between(store: &dyn ObjectStore) {
    write(store, "u/p", 0, b"ab").await;
    write(store, "u/p", 4, b"cd").await;
    assert_eq!(
        store.get("u/p").await.unwrap(),
        Bytes::from_static(b"ab\0\0cd")
    );
}

pub async fn a_write_at_an_offset_of_a_whole_object_keeps_its_start(store: &dyn ObjectStore) {
    store
        .put("u/p", Bytes::from_static(b"0123456789"))
        .await
        .unwrap();
    write(store, "u/p", 4, b"ab").await;
    assert_eq!(
        store.get("u/p").await.unwrap(),
        Bytes::from_static(b"0123ab")
    );
    assert_eq!(store.list("u").await.unwrap(), ["u/p"]);
}

pub async fn ranges_hashes_renames_lists_and_deletes(store: &dyn ObjectStore) {
    store
        .put("v/1/a", Bytes::from_static(b"0123456789"))
        .await
        .unwrap();
    store
        .put("v/1/h/b", Bytes::from_static(b"x"))
        .await
        .unwrap();

    let middle = range(store, "v/1/a", 2, 3).await;
    let first = range(store, "v/1/a", 0, 1).await;
    let tail = range(store, "v/1/a", 8, 10).await;
    let past = range(store, "v/1/a", 20, 5).await;
    let digest = store.sha256("v/1/a", 10).await.unwrap();
    let prefix_digest = store.sha256("v/1/a", 3).await.unwrap();
    store.rename("v/1/a", "v/1/c").await.unwrap();
    let listed = store.list("v").await.unwrap();
    store.delete_prefix("v/1/h").await.unwrap();
    store.delete("v/1/none").await.unwrap();

    assert_eq!(middle, b"234");
    assert_eq!(first, b"0");
    assert_eq!(tail, b"89");
    assert_eq!(past, b"");
    assert_eq!(
        digest,
        "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882"
    );
    assert_eq!(prefix_digest, sha(b"012"));
    assert_eq!(listed, ["v/1/c", "v/1/h/b"]);
    assert_eq!(store.list("v").await.unwrap(), ["v/1/c"]);
    assert_eq!(
        store.get("v/1/c").await.unwrap(),
        Bytes::from_static(b"0123456789")
    );
    assert!(matches!(
        store.get("v/1/a").await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn a_put_replaces_the_object_whole(store: &dyn ObjectStore) {
    store
        .put("v/k", Bytes::from_static(b"long first"))
        .await
        .unwrap();
    store
        .put("v/k", Bytes::from_static(b"short"))
        .await
        .unwrap();
    assert_eq!(
        store.get("v/k").await.unwrap(),
        Bytes::from_static(b"short")
    );
    store.put("v/k", Bytes::new()).await.unwrap();
    assert_eq!(store.size("v/k").await.unwrap(), Some(0));
    assert_eq!(store.get("v/k").await.unwrap(), Bytes::new());
}

pub async fn a_part_renamed_is_one_object_and_the_part_is_gone(store: &dyn ObjectStore) {
    write(store, "uploads/1.part", 0, b"chunk one, ").await;
    write(store, "uploads/1.part", 11, b"chunk two, ").await;
    write(store, "uploads/1.part", 22, b"the end").await;
    assert_eq!(store.list("uploads").await.unwrap(), ["uploads/1.part"]);

    store
        .rename("uploads/1.part", "videos/1/original")
        .await
        .unwrap();

    let whole: &[u8] = b"chunk one, chunk two, the end";
    assert_eq!(store.get("videos/1/original").await.unwrap(), whole);
    assert_eq!(
        store.size("videos/1/original").await.unwrap(),
        Some(whole.len() as u64)
    );
    assert_eq!(store.size("uploads/1.part").await.unwrap(), None);
    assert_eq!(store.list("uploads").await.unwrap(), Vec::<String>::new());
    assert_eq!(store.list("videos").await.unwrap(), ["videos/1/original"]);
}

/// Chunks of 5 MiB and more (S3's multipart parts) between small ones, renamed into one object.
pub async fn a_part_of_large_and_small_chunks_renamed_keeps_every_byte(store: &dyn ObjectStore) {
    let sizes = [(5 << 20) + 1, 1 << 20, 5 << 20, 3, 6 << 20, 10];
    let mut whole = Vec::new();
    for (seed, size) in sizes.into_iter().enumerate() {
        let chunk = pattern(size, u8::try_from(seed).unwrap());
        store
            .write_at(
                "uploads/2.part",
                whole.len() as u64,
                Bytes::from(chunk.clone()),
            )
            .await
            .unwrap();
        whole.extend_from_slice(&chunk);
    }
    let total = whole.len() as u64;
    assert_eq!(
        store.sha256("uploads/2.part", total).await.unwrap(),
        sha(&whole)
    );

    store
        .rename("uploads/2.part", "videos/2/original")
        .await
        .unwrap();

    assert_eq!(store.size("videos/2/original").await.unwrap(), Some(total));
    assert_eq!(
        store.sha256("videos/2/original", total).await.unwrap(),
        sha(&whole)
    );
    let at = (5 << 20) - 2;
    assert_eq!(
        range(store, "videos/2/original", at, 8).await,
        &whole[usize::try_from(at).unwrap()..usize::try_from(at).unwrap() + 8]
    );
    assert_eq!(store.size("uploads/2.part").await.unwrap(), None);
}

pub async fn a_local_file_goes_in_and_out_whole(store: &dyn ObjectStore) {
    let dir = scratch();
    let local = dir.join("local.bin");
    let back = dir.join("back.bin");
    let big = dir.join("big.bin");
    let big_back = dir.join("big-back.bin");
    let large = pattern((17 << 20) + 5, 7);
    tokio::fs::write(&local, b"clip").await.unwrap();
    tokio::fs::write(&big, &large).await.unwrap();

    store.put_file("v/2/original", &local).await.unwrap();
    store.fetch_to("v/2/original", &back).await.unwrap();
    store.put_file("v/3/original", &big).await.unwrap();
    store.fetch_to("v/3/original", &big_back).await.unwrap();
    let small_back = tokio::fs::read(&back).await.unwrap();
    let large_back = tokio::fs::read(&big_back).await.unwrap();
    let _ = tokio::fs::remove_dir_all(&dir).await;

    assert_eq!(small_back, b"clip");
    assert_eq!(large_back.len(), large.len());
    assert!(large_back == large, "the large file came back different");
}

pub async fn missing_objects_are_not_found_and_deleting_them_is_fine(store: &dyn ObjectStore) {
    let dir = scratch();
    let target = dir.join("out.bin");
    assert!(matches!(
        store.get("v/none").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.read_range("v/none", 0, 1).await.err(),
        Some(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.sha256("v/none", 1).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.rename("v/none", "v/other").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.fetch_to("v/none", &target).await,
        Err(StoreError::NotFound(_))
    ));
    let _ = tokio::fs::remove_dir_all(&dir).await;
    store.delete("v/none").await.unwrap();
    store.delete_prefix("v/none").await.unwrap();
    assert_eq!(store.list("v").await.unwrap(), Vec::<String>::new());
    assert_eq!(store.size("v/other").await.unwrap(), None);
}

pub async fn a_deleted_part_is_gone(store: &dyn ObjectStore) {
    write(store, "uploads/3.part", 0, b"abc").await;
    write(store, "uploads/3.part", 3, b"def").await;
    store.delete("uploads/3.part").await.unwrap();
    assert_eq!(store.size("uploads/3.part").await.unwrap(), None);
    assert_eq!(store.list("uploads").await.unwrap(), Vec::<String>::new());
}

pub async fn keys_that_leave_their_place_are_refused(store: &dyn ObjectStore) {
    for bad in ["", "../x", "a/../../x", "/etc/passwd", "a//b", "a/", "a\\b"] {
        assert!(
            matches!(store.get(bad).await, Err(StoreError::BadKey(_))),
            "get {bad:?}"
        );
        assert!(
            matches!(
                store.put(bad, Bytes::from_static(b"x")).await,
                Err(StoreError::BadKey(_))
            ),
            "put {bad:?}"
        );
    }
}

/// One `#[tokio::test]` per behaviour of [`crate::conformance`], each on a store from
/// `$make` (an async fn returning `(guard, store)`; the guard lives as long as the test).
#[macro_export]
macro_rules! object_store_suite {
    ($make:path) => {
        $crate::object_store_suite!(@tests $make;
            a_part_written_again_at_an_offset_is_cut_there,
            a_write_inside_an_earlier_chunk_cuts_it_there,
            a_write_from_zero_starts_the_part_again,
            a_write_past_the_end_reads_zeros_in_between,
            a_write_at_an_offset_of_a_whole_object_keeps_its_start,
            ranges_hashes_renames_lists_and_deletes,
            a_put_replaces_the_object_whole,
            a_part_renamed_is_one_object_and_the_part_is_gone,
            a_part_of_large_and_small_chunks_renamed_keeps_every_byte,
            a_local_file_goes_in_and_out_whole,
            missing_objects_are_not_found_and_deleting_them_is_fine,
            a_deleted_part_is_gone,
            keys_that_leave_their_place_are_refused,
        );
    };
    (@tests $make:path; $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let (_guard, store) = $make().await;
                $crate::conformance::$name(&*store).await;
            }
        )+
    };
}
