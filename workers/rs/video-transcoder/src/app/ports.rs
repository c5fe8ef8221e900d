//! What a job needs from outside: the media tools (ffprobe/ffmpeg: `adapters::ffmpeg`), the
//! bus its events go to (JetStream: `adapters::jetstream`), and the object store
//! (`edu_video::store`).

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use edu_proto_gen::edu::events::v1::EventEnvelope;
use tokio::sync::watch;

use crate::domain::ladder::Rung;

/// What ffprobe says about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
    pub has_audio: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The file is the problem (not a video, truncated, no video stream): the reason a
    /// teacher reads. Trying again changes nothing.
    #[error("{0}")]
    Refused(String),
    /// The tools are (ffmpeg missing, killed, out of disk): try again.
    #[error("{0}")]
    Unavailable(String),
}

pub type MediaFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, MediaError>> + Send + 'a>>;

pub trait Media: Send + Sync + std::fmt::Debug {
    fn probe<'a>(&'a self, input: &'a Path) -> MediaFuture<'a, Probe>;

    /// One JPEG frame at `at_ms`, at most 720 lines high.
    fn poster<'a>(&'a self, input: &'a Path, at_ms: u64, output: &'a Path) -> MediaFuture<'a, ()>;

    /// Every rung into `<out>/<height>p/index.m3u8` + segments, decoding the input once; the
    /// percent done goes to `progress` as it moves.
    fn transcode<'a>(
        &'a self,
        input: &'a Path,
        probe: Probe,
        rungs: &'a [Rung],
        out: &'a Path,
        progress: watch::Sender<u32>,
    ) -> MediaFuture<'a, ()>;
}

pub type BusFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where the job's events go; a publish returns once the bus durably has it.
pub trait Bus: Send + Sync + std::fmt::Debug {
    fn publish(&self, envelope: EventEnvelope) -> BusFuture<'_>;
}
