//! JetStream: the durable pull consumer `video-transcoder` of `<prefix>.video.uploaded` on
//! stream `EVENTS` (one job at a time: `max_ack_pending` 1 per worker, so two workers share the
//! load), and the publisher of the results (`<prefix>.<type>`, `Nats-Msg-Id` = the event id,
//! done once JetStream acknowledged).
//!
//! A job in progress tells JetStream so (`+WPI`) every third of `ack_wait`, so a long transcode
//! is not redelivered to another worker; a worker killed mid-job stops telling, and the job is
//! delivered again after `ack_wait` (and starts over: see `app::job`). Deliveries are counted by
//! JetStream; the last one allowed (`max_deliver`) ends as failed rather than stuck.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::context::Context;
use async_nats::jetstream::message::{AckKind, PublishMessage};
use async_nats::jetstream::stream;
use edu_common::shutdown::Shutdown;
use edu_proto_gen::edu::events::v1::EventEnvelope;
use edu_video::events;
use futures_util::StreamExt;
use tokio::sync::OnceCell;

use crate::app::job::{Job, Settle, Verdict};
use crate::app::ports::{Bus, BusFuture};

#[derive(Debug, Clone)]
pub struct JetStreamSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    pub durable: String,
    /// How long a delivery may go without an ack or a progress signal before redelivery.
    pub ack_wait: Duration,
    /// Deliveries of one job at most (the last ends as failed).
    pub max_deliver: i64,
    pub retry_delay: Duration,
    pub fetch_wait: Duration,
    pub publish_timeout: Duration,
    pub dead_letter_stream: String,
    pub dead_letter_prefix: String,
}

/// A result's subject (`<prefix>.<type>`) and body, as published (and as `video-transcoder
/// pact-messages` prints them).
pub fn outgoing(prefix: &str, envelope: &EventEnvelope) -> Result<(String, Vec<u8>), String> {
    let body = events::to_json(envelope).map_err(|e| e.to_string())?;
    Ok((format!("{prefix}.{}", envelope.r#type), body))
}

#[derive(Debug)]
pub struct JetStream {
    settings: JetStreamSettings,
    context: OnceCell<Context>,
}

impl JetStream {
    pub fn new(settings: JetStreamSettings) -> Self {
        Self {
            settings,
            context: OnceCell::new(),
        }
    }

    async fn context(&self) -> Result<&Context, String> {
        self.context
            .get_or_try_init(|| async {
                let client = async_nats::ConnectOptions::new()
                    .name("video-transcoder")
                    .retry_on_initial_connect()
                    .connection_timeout(Duration::from_secs(2))
                    .connect(self.settings.nats_url.as_str())
                    .await
                    .map_err(|e| format!("{}: {e}", self.settings.nats_url))?;
                Ok(async_nats::jetstream::new(client))
            })
            .await
    }

    async fn events_stream(&self, context: &Context) -> Result<stream::Stream, String> {
        context
            .get_or_create_stream(stream::Config {
                name: self.settings.stream.clone(),
                subjects: vec![format!("{}.>", self.settings.subject_prefix)],
                ..stream::Config::default()
            })
            .await
            .map_err(|e| format!("stream {}: {e}", self.settings.stream))
    }

    pub async fn consumer(&self) -> Result<PullConsumer, String> {
        let context = self.context().await?;
        let stream = self.events_stream(context).await?;
        let s = &self.settings;
        stream
            .get_or_create_consumer(
                &s.durable,
                pull::Config {
                    durable_name: Some(s.durable.clone()),
                    filter_subject: format!("{}.{}", s.subject_prefix, events::UPLOADED),
                    deliver_policy: DeliverPolicy::All,
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: s.ack_wait,
                    max_deliver: s.max_deliver,
                    max_ack_pending: 1,
                    ..pull::Config::default()
                },
            )
            .await
            .map_err(|e| format!("consumer {}: {e}", s.durable))
    }

    async fn publish_(&self, envelope: EventEnvelope) -> Result<(), String> {
        let (subject, body) = outgoing(&self.settings.subject_prefix, &envelope)?;
        let context = self.context().await?;
        let message = PublishMessage::build()
            .payload(body.into())
            .message_id(envelope.id.clone());
        let ack = context
            .send_publish(subject, message)
            .await
            .map_err(|e| e.to_string())?;
        tokio::time::timeout(self.settings.publish_timeout, ack.into_future())
            .await
            .map_err(|_| "no acknowledgement from JetStream in time".to_owned())?
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Runs jobs until `stop`; a job in flight at `stop` is handed back (nak) and starts over on
    /// the next worker.
    pub async fn run(&self, job: &Job, stop: Shutdown) {
        let mut pause = Duration::from_millis(200);
        while !stop.is_triggered() {
            let fetched = tokio::select! {
                () = stop.wait() => break,
                fetched = self.one(job, &stop) => fetched,
            };
            match fetched {
                Ok(()) => pause = Duration::from_millis(200),
                Err(error) => {
                    tracing::warn!(%error, "the job consumer failed; trying again");
                    tokio::select! {
                        () = stop.wait() => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Fetches at most one job and runs it to its settlement.
    pub async fn one(&self, job: &Job, stop: &Shutdown) -> Result<(), String> {
        let consumer = self.consumer().await?;
        let mut batch = consumer
            .fetch()
            .max_messages(1)
            .expires(self.settings.fetch_wait)
            .messages()
            .await
            .map_err(|e| format!("fetching: {e}"))?;
        let Some(message) = batch.next().await else {
            return Ok(());
        };
        let message = message.map_err(|e| format!("a fetch failed: {e}"))?;
        let delivered = message.info().map_or(1, |info| info.delivered);
        let last_attempt = delivered >= self.settings.max_deliver;
        let message = Arc::new(message);
        let keep_alive = {
            let message = message.clone();
            let every = (self.settings.ack_wait / 3).max(Duration::from_millis(100));
            async move {
                loop {
                    tokio::time::sleep(every).await;
                    if let Err(error) = message.ack_with(AckKind::Progress).await {
                        tracing::warn!(%error, "could not tell JetStream the job is in progress");
                    }
                }
            }
        };
        let settle = tokio::select! {
            settle = job.handle(&message.payload, last_attempt) => settle,
            () = keep_alive => unreachable!("the keep-alive loop never ends"),
            () = stop.wait() => Settle::Retry("the worker is stopping".into()),
        };
        let ack = match &settle {
            Settle::Done(Verdict::Unreadable(reason)) => self.dead_letter(&message, reason).await,
            Settle::Done(_) => AckKind::Ack,
            Settle::Retry(_) => AckKind::Nak(Some(self.settings.retry_delay)),
        };
        tracing::info!(subject = %message.subject, delivered, ?settle, "a job settled");
        message
            .ack_with(ack)
            .await
            .map_err(|e| format!("settling a job: {e}"))
    }

    async fn dead_letter(&self, message: &async_nats::jetstream::Message, reason: &str) -> AckKind {
        let Ok(context) = self.context().await else {
            return AckKind::Nak(Some(self.settings.retry_delay));
        };
        let subject = format!("{}.{}", self.settings.dead_letter_prefix, message.subject);
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Edu-Original-Subject", message.subject.as_str());
        headers.insert(
            "Edu-Reason",
            reason.chars().take(1000).collect::<String>().as_str(),
        );
        let published = async {
            context
                .get_or_create_stream(stream::Config {
                    name: self.settings.dead_letter_stream.clone(),
                    subjects: vec![format!("{}.>", self.settings.dead_letter_prefix)],
                    ..stream::Config::default()
                })
                .await
                .map_err(|e| e.to_string())?;
            context
                .publish_with_headers(subject.clone(), headers, message.payload.clone())
                .await
                .map_err(|e| e.to_string())?
                .await
                .map_err(|e| e.to_string())
        };
        match published.await {
            Ok(_) => {
                tracing::error!(original = %message.subject, %subject, %reason, "DEAD-LETTERED an unreadable job");
                AckKind::Ack
            }
            Err(error) => {
                tracing::warn!(%error, "could not dead-letter; handed back");
                AckKind::Nak(Some(self.settings.retry_delay))
            }
        }
    }
}

impl Bus for JetStream {
    fn publish(&self, envelope: EventEnvelope) -> BusFuture<'_> {
        Box::pin(self.publish_(envelope))
    }
}
