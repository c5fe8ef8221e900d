//! What the video-processor service and the video-transcoder worker share (issue 25):
//!
//! - [`events`]: `video.uploaded`, `video.transcoding_progressed`, `video.transcoded` and
//!   `video.transcoding_failed` as `edu.events.v1.EventEnvelope`s in the protobuf JSON mapping
//!   (what `edu.events.codec` reads and writes), both ways.
//! - [`store`]: the object-store port and its filesystem adapter (`EDU_VIDEO_STORE_DIR`);
//!   [`s3`]: the S3-compatible adapter (`EDU_VIDEO_S3_URL`), signed by [`sigv4`];
//!   [`store::open`] picks one. [`conformance`]: the behavioural suite both pass.
//! - [`keys`]: where a video's original, renditions and poster lie in the store.
//! - [`hex`]: lower-case hex, for SHA-256 digests.
//! - [`test_media`]: the test clips ffmpeg generates for the tests and the benchmark.

pub mod conformance;
pub mod events;
pub mod hex;
pub mod keys;
pub mod s3;
pub mod sigv4;
pub mod store;
pub mod test_media;
