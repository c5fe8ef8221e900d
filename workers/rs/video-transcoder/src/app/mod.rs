//! The job ([`job`]): one `video.uploaded` to one result event, over the ports ([`ports`]).

pub mod job;
pub mod ports;
