//! eduplatform's search (issue 23, ADR 0025): the catalogue's full-text search.
//!
//! An index of published courses ([`domain::catalogue`]) kept up to date from course and
//! enrolment events off JetStream ([`adapters::jetstream`] feeding [`app::indexing`]), queried
//! with typo tolerance, prefix matching, facets and highlights, ranked by a configured blend of
//! text relevance, popularity and freshness ([`domain::ranking`], [`app::searching`]). The
//! engine is tantivy behind the [`app::ports::SearchIndex`] port ([`adapters::tantivy_index`]),
//! or Meilisearch when `EDU_MEILISEARCH_URL` is set ([`adapters::meilisearch`]).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod http;
pub mod rebuild;
pub mod settings;
#[cfg(test)]
pub mod testing;

use std::sync::Arc;

use edu_common::clock::SystemClock;
use edu_common::health::{Check, CheckFuture, FnCheck};

use crate::adapters::course_http::HttpCourseDirectory;
use crate::adapters::jetstream::EventFeed;
use crate::adapters::meilisearch::MeilisearchIndex;
use crate::adapters::tantivy_index::TantivyIndex;
use crate::app::indexing::Indexer;
use crate::app::ports::SearchIndex;
use crate::app::searching::Search;
use crate::settings::SearchSettings;

/// The running service: its router and the task feeding the index (aborted on drop).
#[derive(Debug)]
pub struct Started {
    pub router: axum::Router,
    pub feed: tokio::task::JoinHandle<()>,
}

impl Drop for Started {
    fn drop(&mut self) {
        self.feed.abort();
    }
}

/// The whole service from its settings: index, course directory, event feed, router.
pub async fn start(settings: SearchSettings) -> Result<Started, String> {
    let index: Arc<dyn SearchIndex> = match settings.meilisearch.clone() {
        Some(config) => Arc::new(
            tokio::task::spawn_blocking(move || MeilisearchIndex::open(config))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?,
        ),
        None => {
            Arc::new(TantivyIndex::open(settings.index_dir.as_deref()).map_err(|e| e.to_string())?)
        }
    };
    let fresh = index.is_fresh().map_err(|e| e.to_string())?;
    let directory = Arc::new(
        HttpCourseDirectory::new(&settings.course_service_url, settings.course_timeout)
            .map_err(|e| e.to_string())?,
    );
    let indexer = Indexer::new(index.clone(), directory);
    let feed = Arc::new(EventFeed::connect(settings.feed.clone(), fresh).await?);
    let running = feed.clone();
    let task = tokio::spawn(async move { running.run(&indexer).await });
    let mut checks: Vec<Box<dyn Check>> =
        vec![Box::new(FnCheck::new("nats", move || -> CheckFuture {
            let feed = feed.clone();
            Box::pin(async move { feed.ready() })
        }))];
    if let Some(config) = &settings.meilisearch {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| e.to_string())?;
        let url = config.url.clone();
        checks.push(Box::new(FnCheck::new(
            "meilisearch",
            move || -> CheckFuture {
                let (http, url) = (http.clone(), url.clone());
                Box::pin(async move { adapters::meilisearch::health(&http, &url).await })
            },
        )));
    }
    let search = Search::new(index, Arc::new(SystemClock), settings.ranking);
    Ok(Started {
        router: http::router(search, checks),
        feed: task,
    })
}

/// [`start`] for `main`: the feed runs until the process ends.
pub async fn build(settings: SearchSettings) -> Result<axum::Router, String> {
    let started = start(settings).await?;
    let router = started.router.clone();
    // The process ends with the server; the feed task ends with it.
    std::mem::forget(started);
    Ok(router)
}
