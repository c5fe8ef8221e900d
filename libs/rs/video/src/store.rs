//! The object-store port and its filesystem adapter.
//!
//! Keys are relative `/`-separated names (`videos/<id>/original`). Every whole-object write is
//! atomic (a temporary file renamed into place), so a reader never sees half an object and a
//! crash leaves either the old object or the new one. Only an upload's part file is written in
//! place, chunk by chunk ([`ObjectStore::write_at`]), and its owner (the database row's
//! `received`) says how much of it counts.
//!
//! An S3-compatible adapter would implement the same trait (multipart uploads for the part
//! file); it is not built yet (the crate READMEs list it).

use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no object {0}")]
    NotFound(String),
    #[error("{0:?} is not a valid object key")]
    BadKey(String),
    #[error("the object store failed on {key}: {source}")]
    Io {
        key: String,
        #[source]
        source: io::Error,
    },
}

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A byte range of an object, read as it is sent.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

pub trait ObjectStore: Send + Sync + Debug {
    /// Cuts the object `key` (made when missing) to `offset` bytes and writes `bytes` there;
    /// durable (fsync) when it returns. For an upload's part file.
    fn write_at<'a>(&'a self, key: &'a str, offset: u64, bytes: Bytes) -> StoreFuture<'a, ()>;

    /// Stores `bytes` as `key`, replacing it atomically.
    fn put<'a>(&'a self, key: &'a str, bytes: Bytes) -> StoreFuture<'a, ()>;

    /// Stores the local file `path` as `key`, atomically.
    fn put_file<'a>(&'a self, key: &'a str, path: &'a Path) -> StoreFuture<'a, ()>;

    /// Copies `key` to the local file `path` (for tools such as ffmpeg that read files).
    fn fetch_to<'a>(&'a self, key: &'a str, path: &'a Path) -> StoreFuture<'a, ()>;

    /// The object's size, `None` when there is none.
    fn size<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<u64>>;

    /// The whole object in memory (small ones: playlists, markers).
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Bytes>;

    /// `length` bytes of `key` from `start`, streamed.
    fn read_range<'a>(
        &'a self,
        key: &'a str,
        start: u64,
        length: u64,
    ) -> StoreFuture<'a, ByteStream>;

    /// SHA-256 of the first `length` bytes of `key`, lower-case hex (read in 1 MiB steps).
    fn sha256<'a>(&'a self, key: &'a str, length: u64) -> StoreFuture<'a, String>;

    /// Moves `from` to `to` (replacing `to`), atomically.
    fn rename<'a>(&'a self, from: &'a str, to: &'a str) -> StoreFuture<'a, ()>;

    /// Deletes `key`; nothing to delete is fine.
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;

    /// Deletes every object under `prefix` (a folder); nothing to delete is fine.
    fn delete_prefix<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, ()>;

    /// Every object key under `prefix`, sorted.
    fn list<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<String>>;

    /// A local file a tool may read `key` from directly, when the store has one (the
    /// filesystem adapter); `None` means fetch it with [`ObjectStore::fetch_to`].
    fn local_path(&self, key: &str) -> Option<std::path::PathBuf> {
        let _ = key;
        None
    }
}

/// The store as files under a root folder (`EDU_VIDEO_STORE_DIR`); a key is a relative path.
#[derive(Debug, Clone)]
pub struct FsObjectStore {
    root: PathBuf,
}

const TEMPORARY_SUFFIX: &str = ".tmp-";

impl FsObjectStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`; keys with `..`, absolute parts or empty segments are refused.
    pub fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        let bad = || StoreError::BadKey(key.to_owned());
        if key.is_empty() || key.contains('\\') || key.contains(TEMPORARY_SUFFIX) {
            return Err(bad());
        }
        let relative = Path::new(key);
        if key.split('/').any(str::is_empty)
            || !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(bad());
        }
        Ok(self.root.join(relative))
    }

    fn io(key: &str) -> impl Fn(io::Error) -> StoreError + '_ {
        move |source| {
            if source.kind() == io::ErrorKind::NotFound {
                StoreError::NotFound(key.to_owned())
            } else {
                StoreError::Io {
                    key: key.to_owned(),
                    source,
                }
            }
        }
    }

    async fn parent_made(path: &Path, key: &str) -> Result<(), StoreError> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(Self::io(key))?;
        }
        Ok(())
    }

    fn temporary(path: &Path) -> PathBuf {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(
            "{TEMPORARY_SUFFIX}{}",
            uuid::Uuid::new_v4().simple()
        ));
        path.with_file_name(name)
    }

    async fn write_at_(&self, key: &str, offset: u64, bytes: Bytes) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        Self::parent_made(&path, key).await?;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .await
            .map_err(Self::io(key))?;
        file.set_len(offset).await.map_err(Self::io(key))?;
        file.seek(io::SeekFrom::Start(offset))
            .await
            .map_err(Self::io(key))?;
        file.write_all(&bytes).await.map_err(Self::io(key))?;
        file.sync_data().await.map_err(Self::io(key))
    }

    async fn put_(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        Self::parent_made(&path, key).await?;
        let temporary = Self::temporary(&path);
        let written = async {
            let mut file = tokio::fs::File::create(&temporary).await?;
            file.write_all(&bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&temporary, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&temporary).await;
        }
        written.map_err(Self::io(key))
    }

    async fn put_file_(&self, key: &str, source: &Path) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        Self::parent_made(&path, key).await?;
        let temporary = Self::temporary(&path);
        let copied = async {
            tokio::fs::copy(source, &temporary).await?;
            tokio::fs::File::open(&temporary).await?.sync_all().await?;
            tokio::fs::rename(&temporary, &path).await
        }
        .await;
        if copied.is_err() {
            let _ = tokio::fs::remove_file(&temporary).await;
        }
        copied.map_err(Self::io(key))
    }

    async fn fetch_to_(&self, key: &str, target: &Path) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        tokio::fs::copy(&path, target)
            .await
            .map(|_| ())
            .map_err(Self::io(key))
    }

    async fn size_(&self, key: &str) -> Result<Option<u64>, StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() => Ok(Some(meta.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Self::io(key)(e)),
        }
    }

    async fn get_(&self, key: &str) -> Result<Bytes, StoreError> {
        let path = self.path_of(key)?;
        tokio::fs::read(&path)
            .await
            .map(Bytes::from)
            .map_err(Self::io(key))
    }

    async fn read_range_(
        &self,
        key: &str,
        start: u64,
        length: u64,
    ) -> Result<ByteStream, StoreError> {
        let path = self.path_of(key)?;
        let mut file = tokio::fs::File::open(&path).await.map_err(Self::io(key))?;
        file.seek(io::SeekFrom::Start(start))
            .await
            .map_err(Self::io(key))?;
        let stream = tokio_util::io::ReaderStream::with_capacity(file.take(length), 64 * 1024);
        Ok(Box::pin(stream))
    }

    async fn sha256_(&self, key: &str, length: u64) -> Result<String, StoreError> {
        let path = self.path_of(key)?;
        let file = tokio::fs::File::open(&path).await.map_err(Self::io(key))?;
        let mut reader = file.take(length);
        let mut hasher = Sha256::new();
        let mut buffer = vec![0_u8; 1 << 20];
        loop {
            let read = reader.read(&mut buffer).await.map_err(Self::io(key))?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        Ok(crate::hex::encode(&hasher.finalize()))
    }

    async fn rename_(&self, from: &str, to: &str) -> Result<(), StoreError> {
        let source = self.path_of(from)?;
        let target = self.path_of(to)?;
        Self::parent_made(&target, to).await?;
        tokio::fs::rename(&source, &target)
            .await
            .map_err(Self::io(from))
    }

    async fn delete_(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Self::io(key)(e)),
            _ => Ok(()),
        }
    }

    async fn delete_prefix_(&self, prefix: &str) -> Result<(), StoreError> {
        let path = self.path_of(prefix)?;
        match tokio::fs::remove_dir_all(&path).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Self::io(prefix)(e)),
            _ => Ok(()),
        }
    }

    async fn list_(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let base = self.path_of(prefix)?;
        let mut found = Vec::new();
        let mut folders = vec![base];
        while let Some(folder) = folders.pop() {
            let mut entries = match tokio::fs::read_dir(&folder).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Self::io(prefix)(e)),
            };
            while let Some(entry) = entries.next_entry().await.map_err(Self::io(prefix))? {
                let path = entry.path();
                let kind = entry.file_type().await.map_err(Self::io(prefix))?;
                if kind.is_dir() {
                    folders.push(path);
                } else if let Ok(relative) = path.strip_prefix(&self.root) {
                    found.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

impl ObjectStore for FsObjectStore {
    fn write_at<'a>(&'a self, key: &'a str, offset: u64, bytes: Bytes) -> StoreFuture<'a, ()> {
        Box::pin(self.write_at_(key, offset, bytes))
    }

    fn put<'a>(&'a self, key: &'a str, bytes: Bytes) -> StoreFuture<'a, ()> {
        Box::pin(self.put_(key, bytes))
    }

    fn put_file<'a>(&'a self, key: &'a str, path: &'a Path) -> StoreFuture<'a, ()> {
        Box::pin(self.put_file_(key, path))
    }

    fn fetch_to<'a>(&'a self, key: &'a str, path: &'a Path) -> StoreFuture<'a, ()> {
        Box::pin(self.fetch_to_(key, path))
    }

    fn size<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<u64>> {
        Box::pin(self.size_(key))
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Bytes> {
        Box::pin(self.get_(key))
    }

    fn read_range<'a>(
        &'a self,
        key: &'a str,
        start: u64,
        length: u64,
    ) -> StoreFuture<'a, ByteStream> {
        Box::pin(self.read_range_(key, start, length))
    }

    fn sha256<'a>(&'a self, key: &'a str, length: u64) -> StoreFuture<'a, String> {
        Box::pin(self.sha256_(key, length))
    }

    fn rename<'a>(&'a self, from: &'a str, to: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.rename_(from, to))
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.delete_(key))
    }

    fn delete_prefix<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.delete_prefix_(prefix))
    }

    fn list<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(self.list_(prefix))
    }

    fn local_path(&self, key: &str) -> Option<PathBuf> {
        self.path_of(key).ok()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn store() -> (tempfile::TempDir, FsObjectStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = FsObjectStore::new(dir.path());
        (dir, store)
    }

    async fn read_all(mut stream: ByteStream) -> Vec<u8> {
        let mut all = Vec::new();
        while let Some(chunk) = stream.next().await {
            all.extend_from_slice(&chunk.unwrap());
        }
        all
    }

    #[test]
    fn keys_that_leave_the_root_are_refused() {
        let store = FsObjectStore::new("/srv/videos");
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "a/",
            "a\\b",
            "a/b.tmp-1",
        ] {
            assert!(
                matches!(store.path_of(bad), Err(StoreError::BadKey(_))),
                "{bad}"
            );
        }
        assert_eq!(
            store.path_of("videos/1/original").unwrap(),
            Path::new("/srv/videos/videos/1/original")
        );
    }

    #[tokio::test]
    async fn a_part_file_written_again_at_an_offset_is_cut_there() {
        let (_dir, store) = store();
        store
            .write_at("u/p", 0, Bytes::from_static(b"hello"))
            .await
            .unwrap();
        store
            .write_at("u/p", 5, Bytes::from_static(b" world"))
            .await
            .unwrap();
        store
            .write_at("u/p", 5, Bytes::from_static(b"!"))
            .await
            .unwrap();

        assert_eq!(
            store.get("u/p").await.unwrap(),
            Bytes::from_static(b"hello!")
        );
        assert_eq!(store.size("u/p").await.unwrap(), Some(6));
        assert_eq!(store.size("u/none").await.unwrap(), None);
    }

    #[tokio::test]
    async fn ranges_hashes_renames_lists_and_deletes() {
        let (_dir, store) = store();
        store
            .put("v/1/a", Bytes::from_static(b"0123456789"))
            .await
            .unwrap();
        store
            .put("v/1/h/b", Bytes::from_static(b"x"))
            .await
            .unwrap();

        let range = read_all(store.read_range("v/1/a", 2, 3).await.unwrap()).await;
        let digest = store.sha256("v/1/a", 10).await.unwrap();
        store.rename("v/1/a", "v/1/c").await.unwrap();
        let listed = store.list("v").await.unwrap();
        store.delete_prefix("v/1/h").await.unwrap();
        store.delete("v/1/none").await.unwrap();

        assert_eq!(range, b"234");
        assert_eq!(
            digest,
            "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882"
        );
        assert_eq!(listed, ["v/1/c", "v/1/h/b"]);
        assert_eq!(store.list("v").await.unwrap(), ["v/1/c"]);
        assert!(matches!(
            store.get("v/1/a").await,
            Err(StoreError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn a_local_file_goes_in_and_out_whole() {
        let (dir, store) = store();
        let local = dir.path().join("local.bin");
        tokio::fs::write(&local, b"clip").await.unwrap();
        store.put_file("v/2/original", &local).await.unwrap();
        let back = dir.path().join("back.bin");
        store.fetch_to("v/2/original", &back).await.unwrap();

        assert_eq!(tokio::fs::read(&back).await.unwrap(), b"clip");
    }
}
