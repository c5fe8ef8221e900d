//! The object-store port over an S3-compatible server (AWS S3, `MinIO`, Ceph, moto):
//! `EDU_VIDEO_S3_URL` and its bucket, region and access key, selected instead of the
//! filesystem adapter when the URL is set. Plain HTTP/1.1 through reqwest, path-style
//! addressing (`<url>/<bucket>/<key>`), every request signed with `SigV4` ([`crate::sigv4`]) over
//! the SHA-256 of its body. The secret key is never logged (`Debug` redacts it).
//!
//! # Keys and errors
//!
//! A key is an object key, validated like the filesystem adapter's paths (no `..`, no empty
//! segments); `.chunk-` is reserved (see below). A 404 is [`StoreError::NotFound`]; any other
//! answer that is not a success is [`StoreError::Io`] naming the key, the method, the status
//! and S3's error code and message.
//!
//! # Upload parts: one object per chunk
//!
//! S3 cannot write into an object at an offset, so [`ObjectStore::write_at`] keeps an upload's
//! part as one object per chunk beside the part's key: `<key>.chunk-<offset, 20 digits>`. A
//! write at `offset` deletes the chunks that start after it (last first, so what is left is
//! always a gap-free prefix), cuts the chunk that spans it (its first bytes written again: a
//! chunk is at most what one request carried), and puts the new chunk; a write past the end
//! puts a chunk of zeros first, as a file would read. `size`, `get`, `read_range` and `sha256`
//! read across the chunks in order; `list` names the part once, by its key.
//! A plain object and chunks under one key: the plain object is what readers see; `write_at` on a
//! plain object first copies it (server-side) into chunk 0 and deletes it.
//!
//! [`ObjectStore::rename`] of a part makes the one object under the new key with a multipart
//! upload: a chunk of at least 5 MiB (S3's smallest part but the last) is copied server-side
//! (`UploadPartCopy`); smaller chunks are read and sent on in parts of at least 5 MiB. A part of
//! one chunk is a server-side `CopyObject`. Then the chunks are deleted.
//!
//! # Atomicity and durability, honestly
//!
//! Every single PUT, copy and completed multipart upload is atomic per object and durable when
//! S3 answers 200 (readers see the old object or the new one, never half). A *rename* is a copy
//! then a delete, not one atomic move: a crash between leaves both keys, each whole (the
//! processor's completion finds the part and does it again). A `write_at` is several requests;
//! a crash inside one leaves the part as a gap-free prefix of what was written, and the owner's
//! `received` count says how much of it counts (as with a file cut by `set_len`).
//! `delete_prefix` deletes object by object: a crash leaves some. `CopyObject` copies at most
//! 5 GiB (video-processor's limit is 2 GiB); `put_file` sends files over 16 MiB as a multipart
//! upload in 8 MiB parts, smaller ones in one PUT.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::sigv4::{self, Credentials};
use crate::store::{ByteStream, ObjectStore, StoreError, StoreFuture, check_key};

/// The infix of a part's chunk objects (refused in keys).
pub const CHUNK_MARK: &str = ".chunk-";
/// S3's smallest multipart part (all but the last).
pub const MIN_PART_BYTES: u64 = 5 << 20;
/// `put_file` sends larger files as a multipart upload, in parts of [`PUT_PART_BYTES`].
pub const SINGLE_PUT_BYTES: u64 = 16 << 20;
pub const PUT_PART_BYTES: usize = 8 << 20;

/// Where the store is: `EDU_VIDEO_S3_URL` (`http://127.0.0.1:9000`), `EDU_VIDEO_S3_BUCKET`,
/// `EDU_VIDEO_S3_REGION`, `EDU_VIDEO_S3_ACCESS_KEY_ID` / `EDU_VIDEO_S3_SECRET_ACCESS_KEY`.
#[derive(Debug, Clone)]
pub struct S3Config {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub credentials: Credentials,
    /// Per request (`EDU_VIDEO_S3_TIMEOUT_MS`).
    pub timeout: Duration,
}

impl S3Config {
    /// The S3 store's settings from `EDU_VIDEO_S3_*`, read through `get(name without the EDU_
    /// prefix, default)` (a service's `SettingsReader::string`): `None` without
    /// `EDU_VIDEO_S3_URL` (the filesystem store), else every problem as (variable, why).
    /// Bucket `videos` and region `us-east-1` by default; the access key is required.
    pub fn from_variables(
        mut get: impl FnMut(&str, &str) -> String,
    ) -> Result<Option<Self>, Vec<(String, String)>> {
        let endpoint = get("VIDEO_S3_URL", "").trim().to_owned();
        if endpoint.is_empty() {
            return Ok(None);
        }
        let bucket = get("VIDEO_S3_BUCKET", "videos").trim().to_owned();
        let region = get("VIDEO_S3_REGION", "us-east-1").trim().to_owned();
        let access_key_id = get("VIDEO_S3_ACCESS_KEY_ID", "").trim().to_owned();
        let secret_access_key = get("VIDEO_S3_SECRET_ACCESS_KEY", "");
        let session_token = get("VIDEO_S3_SESSION_TOKEN", "");
        let timeout = get("VIDEO_S3_TIMEOUT_MS", "30000");
        let mut problems = Vec::new();
        let mut problem = |variable: &str, why: &str| {
            problems.push((format!("EDU_{variable}"), why.to_owned()));
        };
        match reqwest::Url::parse(&endpoint) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {}
            _ => problem(
                "VIDEO_S3_URL",
                "an http(s):// URL of the S3 server is needed",
            ),
        }
        if bucket.is_empty() {
            problem("VIDEO_S3_BUCKET", "a bucket name is needed");
        }
        if access_key_id.is_empty() || secret_access_key.trim().is_empty() {
            problem(
                "VIDEO_S3_ACCESS_KEY_ID / EDU_VIDEO_S3_SECRET_ACCESS_KEY",
                "both must be set when EDU_VIDEO_S3_URL is",
            );
        }
        let timeout = match timeout.trim().parse::<u64>() {
            Ok(ms) if ms > 0 => Duration::from_millis(ms),
            _ => {
                problem("VIDEO_S3_TIMEOUT_MS", "a positive number of milliseconds");
                Duration::from_secs(30)
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut credentials = Credentials::new(access_key_id, secret_access_key);
        credentials.session_token = Some(session_token).filter(|t| !t.trim().is_empty());
        Ok(Some(Self {
            endpoint,
            bucket,
            region,
            credentials,
            timeout,
        }))
    }
}

#[derive(Clone)]
pub struct S3ObjectStore {
    http: reqwest::Client,
    config: Arc<S3Config>,
    /// `host[:port]` as signed.
    host: String,
    /// The endpoint without a trailing `/`.
    base: String,
}

impl fmt::Debug for S3ObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3ObjectStore")
            .field("endpoint", &self.base)
            .field("bucket", &self.config.bucket)
            .field("region", &self.config.region)
            .finish_non_exhaustive()
    }
}

/// One chunk object of a part: its key, where it starts in the part, its length.
#[derive(Debug, Clone)]
struct Chunk {
    key: String,
    start: u64,
    len: u64,
}

impl Chunk {
    fn end(&self) -> u64 {
        self.start + self.len
    }
}

/// How a key is stored.
enum Layout {
    Plain(u64),
    Chunked(Vec<Chunk>),
    Missing,
}

fn chunk_key(key: &str, offset: u64) -> String {
    format!("{key}{CHUNK_MARK}{offset:020}")
}

fn failure(key: &str, message: impl Into<String>) -> StoreError {
    StoreError::Io {
        key: key.to_owned(),
        source: io::Error::other(message.into()),
    }
}

/// The text of the first `<name>` element of an XML answer, unescaped.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(&xml[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl S3ObjectStore {
    pub fn new(config: S3Config) -> Result<Self, String> {
        let url = reqwest::Url::parse(&config.endpoint)
            .map_err(|e| format!("EDU_VIDEO_S3_URL {:?}: {e}", config.endpoint))?;
        let host = url
            .host_str()
            .ok_or_else(|| format!("EDU_VIDEO_S3_URL {:?} names no host", config.endpoint))?;
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        if config.bucket.is_empty() {
            return Err("EDU_VIDEO_S3_BUCKET is empty".into());
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| format!("the S3 client: {e}"))?;
        Ok(Self {
            http,
            base: config.endpoint.trim_end_matches('/').to_owned(),
            host,
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &S3Config {
        &self.config
    }

    /// Makes the bucket (tests and `edu dev`; production buckets are made by their owners).
    /// An existing bucket of ours is fine.
    pub async fn create_bucket(&self) -> Result<(), StoreError> {
        let bucket = self.config.bucket.clone();
        let answer = self
            .send(Method::PUT, None, &[], &[], Bytes::new())
            .await
            .map_err(|e| failure(&bucket, e))?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        let body = answer.text().await.unwrap_or_default();
        if body.contains("BucketAlreadyOwnedByYou") {
            return Ok(());
        }
        Err(failure(
            &bucket,
            format!("S3 answered {status} to PUT (create bucket): {body}"),
        ))
    }

    /// Sends a signed request for `key` (the bucket itself when `None`).
    async fn send(
        &self,
        method: Method,
        key: Option<&str>,
        query: &[(&str, &str)],
        extra: &[(&str, String)],
        body: Bytes,
    ) -> Result<reqwest::Response, String> {
        let path = match key {
            Some(key) => sigv4::encode_path(&format!("/{}/{key}", self.config.bucket)),
            None => sigv4::encode_path(&format!("/{}", self.config.bucket)),
        };
        let payload = sigv4::sha256_hex(&body);
        let date = sigv4::amz_date_now();
        let mut headers: Vec<(&str, &str)> = vec![
            ("host", &self.host),
            ("x-amz-content-sha256", &payload),
            ("x-amz-date", &date),
        ];
        if let Some(token) = &self.config.credentials.session_token {
            headers.push(("x-amz-security-token", token));
        }
        headers.extend(extra.iter().map(|(name, value)| (*name, value.as_str())));
        let authorization = sigv4::authorization(
            &self.config.credentials,
            &sigv4::Scope {
                region: &self.config.region,
                service: "s3",
                amz_date: &date,
            },
            &sigv4::Request {
                method: method.as_str(),
                path: &path,
                query,
                headers: &headers,
                payload_sha256: &payload,
            },
        );
        let query_string = sigv4::canonical_query(query);
        let url = if query_string.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{query_string}", self.base)
        };
        let mut request = self.http.request(method.clone(), url);
        for (name, value) in &headers {
            if *name != "host" {
                request = request.header(*name, *value);
            }
        }
        request
            .header("authorization", authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{method} failed: {e}"))
    }

    /// The answer when it is a success; 404 as `NotFound`, anything else as an error with S3's
    /// code and message.
    async fn checked(
        &self,
        method: Method,
        key: &str,
        query: &[(&str, &str)],
        extra: &[(&str, String)],
        body: Bytes,
    ) -> Result<reqwest::Response, StoreError> {
        let answer = self
            .send(method.clone(), Some(key), query, extra, body)
            .await
            .map_err(|e| failure(key, e))?;
        let status = answer.status();
        if status.is_success() {
            return Ok(answer);
        }
        if status == StatusCode::NOT_FOUND {
            return Err(StoreError::NotFound(key.to_owned()));
        }
        let text = answer.text().await.unwrap_or_default();
        Err(failure(key, describe(&method, status, &text)))
    }

    async fn head(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self
            .checked(Method::HEAD, key, &[], &[], Bytes::new())
            .await
        {
            Ok(answer) => Ok(Some(
                answer
                    .headers()
                    .get(reqwest::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            )),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every object key starting with `prefix`, with its size, in key order.
    async fn list_raw(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("list-type", "2"), ("prefix", prefix)];
            if let Some(token) = &token {
                query.push(("continuation-token", token));
            }
            let answer = self
                .send(Method::GET, None, &query, &[], Bytes::new())
                .await
                .map_err(|e| failure(prefix, e))?;
            let status = answer.status();
            let text = answer
                .text()
                .await
                .map_err(|e| failure(prefix, e.to_string()))?;
            if !status.is_success() {
                return Err(failure(prefix, describe(&Method::GET, status, &text)));
            }
            for contents in text.split("<Contents>").skip(1) {
                let key = element(contents, "Key").map(unescape);
                let size = element(contents, "Size").and_then(|s| s.trim().parse().ok());
                if let (Some(key), Some(size)) = (key, size) {
                    found.push((key, size));
                }
            }
            let truncated = element(&text, "IsTruncated") == Some("true");
            token = element(&text, "NextContinuationToken").map(unescape);
            if !truncated || token.is_none() {
                break;
            }
        }
        found.sort();
        Ok(found)
    }

    async fn chunks(&self, key: &str) -> Result<Vec<Chunk>, StoreError> {
        let marker = format!("{key}{CHUNK_MARK}");
        let mut chunks: Vec<Chunk> = self
            .list_raw(&marker)
            .await?
            .into_iter()
            .filter_map(|(raw, len)| {
                let start = raw.strip_prefix(&marker)?.parse().ok()?;
                Some(Chunk {
                    key: raw,
                    start,
                    len,
                })
            })
            .collect();
        chunks.sort_by_key(|c| c.start);
        Ok(chunks)
    }

    async fn layout(&self, key: &str) -> Result<Layout, StoreError> {
        if let Some(size) = self.head(key).await? {
            return Ok(Layout::Plain(size));
        }
        let chunks = self.chunks(key).await?;
        Ok(if chunks.is_empty() {
            Layout::Missing
        } else {
            Layout::Chunked(chunks)
        })
    }

    async fn put_raw(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.checked(Method::PUT, key, &[], &[], bytes).await?;
        Ok(())
    }

    async fn delete_raw(&self, key: &str) -> Result<(), StoreError> {
        match self
            .checked(Method::DELETE, key, &[], &[], Bytes::new())
            .await
        {
            Ok(_) | Err(StoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn copy_source(&self, key: &str) -> String {
        sigv4::encode_path(&format!("/{}/{key}", self.config.bucket))
    }

    async fn copy_raw(&self, from: &str, to: &str) -> Result<(), StoreError> {
        let answer = self
            .checked(
                Method::PUT,
                to,
                &[],
                &[("x-amz-copy-source", self.copy_source(from))],
                Bytes::new(),
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => StoreError::NotFound(from.to_owned()),
                e => e,
            })?;
        // A copy may fail after its 200 has begun: the error is then in the body.
        let text = answer
            .text()
            .await
            .map_err(|e| failure(to, e.to_string()))?;
        if text.contains("<Error>") {
            return Err(failure(to, describe(&Method::PUT, StatusCode::OK, &text)));
        }
        Ok(())
    }

    /// Bytes `[from, to)` of the raw object `key`.
    async fn get_range_raw(&self, key: &str, from: u64, to: u64) -> Result<Bytes, StoreError> {
        if from >= to {
            return Ok(Bytes::new());
        }
        let range = format!("bytes={from}-{}", to - 1);
        self.checked(Method::GET, key, &[], &[("range", range)], Bytes::new())
            .await?
            .bytes()
            .await
            .map_err(|e| failure(key, e.to_string()))
    }

    /// The pieces (raw key, from, to) that make bytes `[start, start + length)` of `key`.
    async fn pieces(
        &self,
        key: &str,
        start: u64,
        length: u64,
    ) -> Result<VecDeque<(String, u64, u64)>, StoreError> {
        let end = start.saturating_add(length);
        let mut pieces = VecDeque::new();
        match self.layout(key).await? {
            Layout::Missing => return Err(StoreError::NotFound(key.to_owned())),
            Layout::Plain(size) => {
                if start < size.min(end) {
                    pieces.push_back((key.to_owned(), start, size.min(end)));
                }
            }
            Layout::Chunked(chunks) => {
                for chunk in chunks {
                    let from = start.max(chunk.start);
                    let to = end.min(chunk.end());
                    if from < to {
                        pieces.push_back((chunk.key, from - chunk.start, to - chunk.start));
                    }
                }
            }
        }
        Ok(pieces)
    }

    async fn stream(&self, key: &str, start: u64, length: u64) -> Result<ByteStream, StoreError> {
        let pieces = self.pieces(key, start, length).await?;
        let store = self.clone();
        let state = (store, pieces, None::<reqwest::Response>);
        let stream =
            futures_util::stream::unfold(state, |(store, mut pieces, mut current)| async move {
                loop {
                    if let Some(answer) = current.as_mut() {
                        match answer.chunk().await {
                            Ok(Some(bytes)) => return Some((Ok(bytes), (store, pieces, current))),
                            Ok(None) => {}
                            Err(e) => {
                                return Some((
                                    Err(io::Error::other(e)),
                                    (store, VecDeque::new(), None),
                                ));
                            }
                        }
                    }
                    let (raw, from, to) = pieces.pop_front()?;
                    let range = format!("bytes={from}-{}", to - 1);
                    match store
                        .checked(Method::GET, &raw, &[], &[("range", range)], Bytes::new())
                        .await
                    {
                        Ok(answer) => current = Some(answer),
                        Err(e) => {
                            return Some((
                                Err(io::Error::other(e.to_string())),
                                (store, VecDeque::new(), None),
                            ));
                        }
                    }
                }
            });
        Ok(Box::pin(stream))
    }

    async fn write_at_(&self, key: &str, offset: u64, bytes: Bytes) -> Result<(), StoreError> {
        check_key(key, CHUNK_MARK)?;
        let mut chunks = self.chunks(key).await?;
        if let Some(size) = self.head(key).await? {
            // A plain object becomes chunk 0 (stale chunks beside it go first).
            for chunk in chunks.iter().rev() {
                self.delete_raw(&chunk.key).await?;
            }
            let first = chunk_key(key, 0);
            self.copy_raw(key, &first).await?;
            self.delete_raw(key).await?;
            chunks = vec![Chunk {
                key: first,
                start: 0,
                len: size,
            }];
        }
        // Chunks after the offset go, the last first: what is left stays a gap-free prefix.
        for chunk in chunks.iter().rev().filter(|c| c.start > offset) {
            self.delete_raw(&chunk.key).await?;
        }
        let mut end = 0;
        for chunk in chunks.iter().filter(|c| c.start < offset) {
            if chunk.end() > offset {
                let kept = self
                    .get_range_raw(&chunk.key, 0, offset - chunk.start)
                    .await?;
                self.put_raw(&chunk.key, kept).await?;
                end = offset;
            } else {
                end = end.max(chunk.end());
            }
        }
        if end < offset {
            let gap = usize::try_from(offset - end).map_err(|_| failure(key, "gap too large"))?;
            self.put_raw(&chunk_key(key, end), Bytes::from(vec![0_u8; gap]))
                .await?;
        }
        self.put_raw(&chunk_key(key, offset), bytes).await
    }

    async fn put_(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        check_key(key, CHUNK_MARK)?;
        self.put_raw(key, bytes).await
    }

    async fn put_file_(&self, key: &str, path: &Path) -> Result<(), StoreError> {
        check_key(key, CHUNK_MARK)?;
        let local = |e: io::Error| StoreError::Io {
            key: key.to_owned(),
            source: e,
        };
        let size = tokio::fs::metadata(path).await.map_err(local)?.len();
        if size <= SINGLE_PUT_BYTES {
            let bytes = tokio::fs::read(path).await.map_err(local)?;
            return self.put_raw(key, Bytes::from(bytes)).await;
        }
        let mut file = tokio::fs::File::open(path).await.map_err(local)?;
        let mut upload = self.start_upload(key).await?;
        let result = async {
            loop {
                let mut part = Vec::with_capacity(PUT_PART_BYTES);
                let read = (&mut file)
                    .take(PUT_PART_BYTES as u64)
                    .read_to_end(&mut part)
                    .await
                    .map_err(local)?;
                if read == 0 {
                    break;
                }
                self.upload_part(&mut upload, Bytes::from(part)).await?;
            }
            self.complete_upload(&upload).await
        }
        .await;
        self.abort_on_error(&upload, result).await
    }

    async fn fetch_to_(&self, key: &str, target: &Path) -> Result<(), StoreError> {
        check_key(key, CHUNK_MARK)?;
        let mut stream = self.stream(key, 0, u64::MAX).await?;
        let local = |e: io::Error| StoreError::Io {
            key: key.to_owned(),
            source: e,
        };
        let mut file = tokio::fs::File::create(target).await.map_err(local)?;
        while let Some(bytes) = futures_util::StreamExt::next(&mut stream).await {
            file.write_all(&bytes.map_err(local)?)
                .await
                .map_err(local)?;
        }
        file.flush().await.map_err(local)
    }

    async fn size_(&self, key: &str) -> Result<Option<u64>, StoreError> {
        check_key(key, CHUNK_MARK)?;
        Ok(match self.layout(key).await? {
            Layout::Plain(size) => Some(size),
            Layout::Chunked(chunks) => chunks.last().map(Chunk::end),
            Layout::Missing => None,
        })
    }

    async fn get_(&self, key: &str) -> Result<Bytes, StoreError> {
        check_key(key, CHUNK_MARK)?;
        let mut stream = self.stream(key, 0, u64::MAX).await?;
        let mut all = BytesMut::new();
        while let Some(bytes) = futures_util::StreamExt::next(&mut stream).await {
            all.extend_from_slice(&bytes.map_err(|e| StoreError::Io {
                key: key.to_owned(),
                source: e,
            })?);
        }
        Ok(all.freeze())
    }

    async fn read_range_(
        &self,
        key: &str,
        start: u64,
        length: u64,
    ) -> Result<ByteStream, StoreError> {
        check_key(key, CHUNK_MARK)?;
        self.stream(key, start, length).await
    }

    async fn sha256_(&self, key: &str, length: u64) -> Result<String, StoreError> {
        check_key(key, CHUNK_MARK)?;
        let mut stream = self.stream(key, 0, length).await?;
        let mut hasher = Sha256::new();
        while let Some(bytes) = futures_util::StreamExt::next(&mut stream).await {
            hasher.update(bytes.map_err(|e| StoreError::Io {
                key: key.to_owned(),
                source: e,
            })?);
        }
        Ok(crate::hex::encode(&hasher.finalize()))
    }

    async fn rename_(&self, from: &str, to: &str) -> Result<(), StoreError> {
        check_key(from, CHUNK_MARK)?;
        check_key(to, CHUNK_MARK)?;
        match self.layout(from).await? {
            Layout::Missing => Err(StoreError::NotFound(from.to_owned())),
            Layout::Plain(_) => {
                self.copy_raw(from, to).await?;
                self.delete_(from).await
            }
            Layout::Chunked(chunks) => {
                if let [only] = chunks.as_slice() {
                    self.copy_raw(&only.key, to).await?;
                } else {
                    self.concatenate(&chunks, to).await?;
                }
                for chunk in chunks.iter().rev() {
                    self.delete_raw(&chunk.key).await?;
                }
                Ok(())
            }
        }
    }

    /// One object `to` of the chunks, by a multipart upload.
    async fn concatenate(&self, chunks: &[Chunk], to: &str) -> Result<(), StoreError> {
        let mut upload = self.start_upload(to).await?;
        let result = async {
            let mut buffer = BytesMut::new();
            for chunk in chunks {
                if buffer.is_empty() && chunk.len >= MIN_PART_BYTES {
                    self.upload_part_copy(&mut upload, &chunk.key).await?;
                    continue;
                }
                buffer.extend_from_slice(&self.get_range_raw(&chunk.key, 0, chunk.len).await?);
                if buffer.len() as u64 >= MIN_PART_BYTES {
                    self.upload_part(&mut upload, buffer.split().freeze())
                        .await?;
                }
            }
            if !buffer.is_empty() || upload.parts.is_empty() {
                self.upload_part(&mut upload, buffer.freeze()).await?;
            }
            self.complete_upload(&upload).await
        }
        .await;
        self.abort_on_error(&upload, result).await
    }

    async fn start_upload(&self, key: &str) -> Result<Upload, StoreError> {
        let answer = self
            .checked(Method::POST, key, &[("uploads", "")], &[], Bytes::new())
            .await?;
        let text = answer
            .text()
            .await
            .map_err(|e| failure(key, e.to_string()))?;
        let id = element(&text, "UploadId")
            .map(unescape)
            .ok_or_else(|| failure(key, format!("no UploadId in {text}")))?;
        Ok(Upload {
            key: key.to_owned(),
            id,
            parts: Vec::new(),
        })
    }

    async fn upload_part(&self, upload: &mut Upload, bytes: Bytes) -> Result<(), StoreError> {
        let number = (upload.parts.len() + 1).to_string();
        let answer = self
            .checked(
                Method::PUT,
                &upload.key,
                &[("partNumber", &number), ("uploadId", &upload.id)],
                &[],
                bytes,
            )
            .await?;
        let etag = answer
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| failure(&upload.key, "a part without an ETag"))?
            .to_owned();
        upload.parts.push(etag);
        Ok(())
    }

    async fn upload_part_copy(&self, upload: &mut Upload, source: &str) -> Result<(), StoreError> {
        let number = (upload.parts.len() + 1).to_string();
        let answer = self
            .checked(
                Method::PUT,
                &upload.key,
                &[("partNumber", &number), ("uploadId", &upload.id)],
                &[("x-amz-copy-source", self.copy_source(source))],
                Bytes::new(),
            )
            .await?;
        let text = answer
            .text()
            .await
            .map_err(|e| failure(&upload.key, e.to_string()))?;
        let etag = element(&text, "ETag")
            .map(unescape)
            .ok_or_else(|| failure(&upload.key, format!("no ETag in {text}")))?;
        upload.parts.push(etag);
        Ok(())
    }

    async fn complete_upload(&self, upload: &Upload) -> Result<(), StoreError> {
        let mut body = String::from("<CompleteMultipartUpload>");
        for (index, etag) in upload.parts.iter().enumerate() {
            let etag = etag.replace('&', "&amp;").replace('"', "&quot;");
            let _ = write!(
                body,
                "<Part><PartNumber>{}</PartNumber><ETag>{etag}</ETag></Part>",
                index + 1
            );
        }
        body.push_str("</CompleteMultipartUpload>");
        let answer = self
            .checked(
                Method::POST,
                &upload.key,
                &[("uploadId", &upload.id)],
                &[],
                Bytes::from(body),
            )
            .await?;
        // S3 may answer 200 and then report an error in the body.
        let text = answer
            .text()
            .await
            .map_err(|e| failure(&upload.key, e.to_string()))?;
        if text.contains("<Error>") {
            return Err(failure(
                &upload.key,
                describe(&Method::POST, StatusCode::OK, &text),
            ));
        }
        Ok(())
    }

    async fn abort_on_error(
        &self,
        upload: &Upload,
        result: Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if result.is_err() {
            let _ = self
                .checked(
                    Method::DELETE,
                    &upload.key,
                    &[("uploadId", &upload.id)],
                    &[],
                    Bytes::new(),
                )
                .await;
        }
        result
    }

    async fn delete_(&self, key: &str) -> Result<(), StoreError> {
        check_key(key, CHUNK_MARK)?;
        self.delete_raw(key).await?;
        for chunk in self.chunks(key).await?.iter().rev() {
            self.delete_raw(&chunk.key).await?;
        }
        Ok(())
    }

    async fn delete_prefix_(&self, prefix: &str) -> Result<(), StoreError> {
        check_key(prefix, CHUNK_MARK)?;
        for (raw, _) in self.list_raw(&format!("{prefix}/")).await?.iter().rev() {
            self.delete_raw(raw).await?;
        }
        Ok(())
    }

    async fn list_(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        check_key(prefix, CHUNK_MARK)?;
        let keys: BTreeSet<String> = self
            .list_raw(&format!("{prefix}/"))
            .await?
            .into_iter()
            .map(|(raw, _)| match raw.find(CHUNK_MARK) {
                Some(at) => raw[..at].to_owned(),
                None => raw,
            })
            .collect();
        Ok(keys.into_iter().collect())
    }
}

/// A multipart upload in progress: its key, id and the `ETag`s of the parts sent so far.
struct Upload {
    key: String,
    id: String,
    parts: Vec<String>,
}

fn describe(method: &Method, status: StatusCode, body: &str) -> String {
    let code = element(body, "Code").unwrap_or("no error code");
    let message = element(body, "Message").unwrap_or("");
    format!("S3 answered {status} to {method}: {code} {message}")
        .trim_end()
        .to_owned()
}

impl ObjectStore for S3ObjectStore {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_keys_sort_by_offset() {
        assert_eq!(
            chunk_key("uploads/1.part", 5),
            "uploads/1.part.chunk-00000000000000000005"
        );
        assert!(chunk_key("k", 9) < chunk_key("k", 10));
    }

    #[test]
    fn xml_elements_are_read_and_unescaped() {
        let xml = "<Error><Code>NoSuchKey</Code><Message>a &amp; b</Message></Error>";
        assert_eq!(element(xml, "Code"), Some("NoSuchKey"));
        assert_eq!(unescape(element(xml, "Message").unwrap()), "a & b");
        assert_eq!(element(xml, "Key"), None);
        assert_eq!(
            describe(&Method::PUT, StatusCode::FORBIDDEN, xml),
            "S3 answered 403 Forbidden to PUT: NoSuchKey a &amp; b"
        );
    }

    fn variables(pairs: &[(&str, &str)]) -> Result<Option<S3Config>, Vec<(String, String)>> {
        S3Config::from_variables(|name, default| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(default, |(_, v)| v)
                .to_owned()
        })
    }

    #[test]
    fn without_a_url_the_store_is_the_filesystem_and_with_one_its_key_is_required() {
        assert!(variables(&[]).unwrap().is_none());
        let config = variables(&[
            ("VIDEO_S3_URL", "http://127.0.0.1:9000"),
            ("VIDEO_S3_ACCESS_KEY_ID", "id"),
            ("VIDEO_S3_SECRET_ACCESS_KEY", "secret"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (config.bucket.as_str(), config.region.as_str()),
            ("videos", "us-east-1")
        );
        assert_eq!(config.credentials.session_token, None);
        let problems = variables(&[
            ("VIDEO_S3_URL", "minio:9000"),
            ("VIDEO_S3_BUCKET", " "),
            ("VIDEO_S3_TIMEOUT_MS", "0"),
        ])
        .unwrap_err();
        let named: Vec<&str> = problems.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(
            named,
            [
                "EDU_VIDEO_S3_URL",
                "EDU_VIDEO_S3_BUCKET",
                "EDU_VIDEO_S3_ACCESS_KEY_ID / EDU_VIDEO_S3_SECRET_ACCESS_KEY",
                "EDU_VIDEO_S3_TIMEOUT_MS"
            ]
        );
    }

    #[test]
    fn the_secret_is_not_in_the_stores_debug_output() {
        let store = S3ObjectStore::new(S3Config {
            endpoint: "http://127.0.0.1:9000/".into(),
            bucket: "videos".into(),
            region: "us-east-1".into(),
            credentials: Credentials::new("id", "very-secret-key"),
            timeout: Duration::from_secs(5),
        })
        .unwrap();
        let shown = format!("{store:?} {:?}", store.config());
        assert!(!shown.contains("very-secret-key"), "{shown}");
        assert_eq!(store.host, "127.0.0.1:9000");
    }
}
