//! The rules, as plain values and functions (no I/O): who may take part in a course's Q&A
//! ([`access`]), what a post is and who sees it ([`posts`]), what a moderation decision does to
//! a post ([`moderation`]), and how one WebSocket connection delivers a course's feed with
//! acks, resume, gap filling and a bounded buffer ([`session`]).

pub mod access;
pub mod moderation;
pub mod posts;
pub mod session;
