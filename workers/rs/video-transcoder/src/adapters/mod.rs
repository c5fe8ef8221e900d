//! `ffmpeg` (Debian's ffprobe/ffmpeg as child processes), `jetstream` (the durable consumer of
//! `video.uploaded` and the publisher of the results).

pub mod ffmpeg;
pub mod jetstream;
