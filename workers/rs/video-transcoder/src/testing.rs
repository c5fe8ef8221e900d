//! Hand-written doubles for the unit tests: media tools that write small files instead of
//! running ffmpeg, and a bus that records what it was given.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use edu_proto_gen::edu::events::v1::EventEnvelope;
use tokio::sync::watch;

use crate::app::ports::{Bus, BusFuture, Media, MediaError, MediaFuture, Probe};
use crate::domain::ladder::Rung;

#[derive(Debug)]
pub struct FakeMedia {
    pub probe: Mutex<Result<Probe, MediaError>>,
    pub transcode_error: Mutex<Option<MediaError>>,
    pub transcodes: AtomicUsize,
}

impl FakeMedia {
    pub fn of(width: u32, height: u32) -> Self {
        Self {
            probe: Mutex::new(Ok(Probe {
                duration_ms: 3_000,
                width,
                height,
                has_audio: true,
            })),
            transcode_error: Mutex::new(None),
            transcodes: AtomicUsize::new(0),
        }
    }
}

impl Media for FakeMedia {
    fn probe<'a>(&'a self, _input: &'a Path) -> MediaFuture<'a, Probe> {
        let probe = self.probe.lock().unwrap().clone();
        Box::pin(async move { probe })
    }

    fn poster<'a>(&'a self, _input: &'a Path, _at: u64, output: &'a Path) -> MediaFuture<'a, ()> {
        Box::pin(async move {
            tokio::fs::write(output, b"\xff\xd8jpeg")
                .await
                .map_err(|e| MediaError::Unavailable(e.to_string()))
        })
    }

    fn transcode<'a>(
        &'a self,
        _input: &'a Path,
        _probe: Probe,
        rungs: &'a [Rung],
        out: &'a Path,
        progress: watch::Sender<u32>,
    ) -> MediaFuture<'a, ()> {
        self.transcodes.fetch_add(1, Ordering::SeqCst);
        let error = self.transcode_error.lock().unwrap().clone();
        Box::pin(async move {
            if let Some(error) = error {
                return Err(error);
            }
            for rung in rungs {
                let folder = out.join(format!("{}p", rung.height));
                tokio::fs::create_dir_all(&folder).await.unwrap();
                tokio::fs::write(folder.join("segment_000.ts"), [0x47_u8; 188])
                    .await
                    .unwrap();
                tokio::fs::write(folder.join("index.m3u8"), "#EXTM3U\nsegment_000.ts\n")
                    .await
                    .unwrap();
            }
            let _ = progress.send(50);
            tokio::task::yield_now().await;
            Ok(())
        })
    }
}

#[derive(Debug, Default)]
pub struct FakeBus {
    pub published: Mutex<Vec<EventEnvelope>>,
    pub down: Mutex<bool>,
}

impl FakeBus {
    pub fn kinds(&self) -> Vec<String> {
        self.published
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.r#type.clone())
            .collect()
    }
}

impl Bus for FakeBus {
    fn publish(&self, envelope: EventEnvelope) -> BusFuture<'_> {
        let down = *self.down.lock().unwrap();
        if !down {
            self.published.lock().unwrap().push(envelope);
        }
        Box::pin(async move {
            if down {
                Err("NATS is down".into())
            } else {
                Ok(())
            }
        })
    }
}
