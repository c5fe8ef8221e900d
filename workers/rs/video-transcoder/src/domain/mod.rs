//! No I/O: which renditions a source gets and how they are announced ([`ladder`]), how far a
//! job is ([`progress`]), and what a teacher reads when ffmpeg refuses a file ([`reasons`]).

pub mod ladder;
pub mod progress;
pub mod reasons;
