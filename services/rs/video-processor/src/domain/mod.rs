//! No I/O, times passed in: what an upload may be and what a chunk, a completion or a result
//! event changes ([`video`]); playback URLs' signatures ([`signing`]); `Range` headers
//! ([`range`]); caption tracks ([`captions`]).

pub mod captions;
pub mod range;
pub mod signing;
pub mod video;
