//! Adapters, named for their technology: the tantivy index ([`tantivy_index`]) or, when
//! `EDU_MEILISEARCH_URL` is set, Meilisearch ([`meilisearch`]), the course
//! service over HTTP ([`course_http`]), the event envelope's JSON ([`envelope`]) and the
//! JetStream consumer that feeds the indexer ([`jetstream`]).

pub mod course_http;
pub mod envelope;
pub mod jetstream;
pub mod meilisearch;
pub mod tantivy_index;
