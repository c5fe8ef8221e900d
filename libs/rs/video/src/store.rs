//! The object-store port and its filesystem adapter; [`crate::s3`] is the S3-compatible one,
//! [`open`] picks between them from [`StoreConfig`].
//!
//! Keys are relative `/`-separated names (`videos/<id>/original`). Every whole-object write is
//! atomic (a temporary file renamed into place), so a reader never sees half an object and a
//! crash leaves either the old object or the new one. Only an upload's part file is written in
//! place, chunk by chunk ([`ObjectStore::write_at`]), and its owner (the database row's
//! `received`) says how much of it counts. The S3 adapter keeps the same promises per object
//! (its module docs say where a rename or a part's write is several requests).
//!
//! Both adapters pass one behavioural suite, [`crate::conformance`].

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

/// Refuses keys with `..`, absolute parts, empty segments, `\\` or the adapter's `reserved`
/// infix (its temporary files, its chunk objects).
pub(crate) fn check_key(key: &str, reserved: &str) -> Result<(), StoreError> {
    let bad = || StoreError::BadKey(key.to_owned());
    if key.is_empty() || key.contains('\\') || key.contains(reserved) {
        return Err(bad());
    }
    if key.split('/').any(str::is_empty)
        || !Path::new(key)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(bad());
    }
    Ok(())
}

/// Which adapter: files under a folder (`EDU_VIDEO_STORE_DIR`, the default) or an
/// S3-compatible server (when `EDU_VIDEO_S3_URL` is set).
#[derive(Debug, Clone)]
pub enum StoreConfig {
    Filesystem(PathBuf),
    S3(crate::s3::S3Config),
}

impl StoreConfig {
    /// Files under `store_dir`, or the S3 bucket of `EDU_VIDEO_S3_*` when its URL is set
    /// ([`crate::s3::S3Config::from_variables`]), with every problem found as (variable, why).
    pub fn from_variables(
        store_dir: PathBuf,
        get: impl FnMut(&str, &str) -> String,
    ) -> (Self, Vec<(String, String)>) {
        match crate::s3::S3Config::from_variables(get) {
            Ok(Some(s3)) => (Self::S3(s3), Vec::new()),
            Ok(None) => (Self::Filesystem(store_dir), Vec::new()),
            Err(problems) => (Self::Filesystem(store_dir), problems),
        }
    }

    /// What a log line may say about the store (never a secret).
    pub fn describe(&self) -> String {
        match self {
            Self::Filesystem(root) => format!("files under {}", root.display()),
            Self::S3(config) => format!(
                "S3 bucket {} at {} ({})",
                config.bucket, config.endpoint, config.region
            ),
        }
    }
}

/// The adapter `config` names; an unusable S3 URL is an error naming it.
pub fn open(config: &StoreConfig) -> Result<std::sync::Arc<dyn ObjectStore>, String> {
    Ok(match config {
        StoreConfig::Filesystem(root) => std::sync::Arc::new(FsObjectStore::new(root)),
        StoreConfig::S3(s3) => std::sync::Arc::new(crate::s3::S3ObjectStore::new(s3.clone())?),
    })
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
        check_key(key, TEMPORARY_SUFFIX)?;
        Ok(self.root.join(key))
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
    use super::*;

    #[allow(clippy::unused_async)] // the suite awaits every store's maker
    async fn fs_store() -> (tempfile::TempDir, Box<dyn ObjectStore>) {
        let dir = tempfile::tempdir().unwrap();
        let store = FsObjectStore::new(dir.path());
        (dir, Box::new(store))
    }

    crate::object_store_suite!(fs_store);

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

    #[test]
    fn the_configured_adapter_is_opened() {
        let fs = StoreConfig::Filesystem("/srv/videos".into());
        assert_eq!(fs.describe(), "files under /srv/videos");
        assert!(open(&fs).unwrap().local_path("a").is_some());
        let s3 = StoreConfig::S3(crate::s3::S3Config {
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "videos".into(),
            region: "eu-west-1".into(),
            credentials: crate::sigv4::Credentials::new("id", "secret-value"),
            timeout: std::time::Duration::from_secs(5),
        });
        assert_eq!(
            s3.describe(),
            "S3 bucket videos at http://127.0.0.1:9000 (eu-west-1)"
        );
        assert!(open(&s3).unwrap().local_path("a").is_none());
        let broken = StoreConfig::S3(crate::s3::S3Config {
            endpoint: "not a url".into(),
            ..match s3 {
                StoreConfig::S3(c) => c,
                StoreConfig::Filesystem(_) => unreachable!(),
            }
        });
        assert!(open(&broken).unwrap_err().contains("EDU_VIDEO_S3_URL"));
    }
}
