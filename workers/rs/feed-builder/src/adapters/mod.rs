//! Adapters, named for their technology: the event envelope's JSON ([`envelope`]), the
//! JetStream consumer that feeds the builder ([`jetstream`]), the Redis store with its Lua
//! scripts ([`redis_store`]) and the feed document web reads ([`feed_document`]).

pub mod envelope;
pub mod feed_document;
pub mod jetstream;
pub mod redis_store;
