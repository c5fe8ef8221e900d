//! Time as a port, like `edu.common.clock`: code asks a [`Clock`], tests give it a fake one
//! (`edu_testing::FakeClock`) instead of sleeping or reading the real time.

use std::time::{Instant, SystemTime};

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Wall-clock time (timestamps, expiry).
    fn now(&self) -> SystemTime;
    /// A monotonic instant (timeouts, durations).
    fn monotonic(&self) -> Instant;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn monotonic(&self) -> Instant {
        Instant::now()
    }
}
