//! A clock tests move by hand: no sleeping, no reading the real time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use edu_common::clock::Clock;

/// Starts at a fixed instant and moves only when told to; clones share the same time.
#[derive(Debug, Clone)]
pub struct FakeClock {
    state: Arc<Mutex<(SystemTime, Instant)>>,
}

impl FakeClock {
    /// A clock at `start` (wall time).
    pub fn at(start: SystemTime) -> Self {
        Self {
            state: Arc::new(Mutex::new((start, Instant::now()))),
        }
    }

    /// A clock at 2026-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self::at(SystemTime::UNIX_EPOCH + Duration::from_hours(490_896))
    }

    /// Moves both the wall clock and the monotonic clock forward.
    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().expect("fake clock lock poisoned");
        state.0 += by;
        state.1 += by;
    }
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        self.state.lock().expect("fake clock lock poisoned").0
    }

    fn monotonic(&self) -> Instant {
        self.state.lock().expect("fake clock lock poisoned").1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_stands_still_until_advanced_and_clones_share_it() {
        let clock = FakeClock::new();
        let twin = clock.clone();
        let (wall, mono) = (clock.now(), clock.monotonic());
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), wall);
        twin.advance(Duration::from_secs(90));
        assert_eq!(
            clock.now().duration_since(wall).unwrap(),
            Duration::from_secs(90)
        );
        assert_eq!(clock.monotonic() - mono, Duration::from_secs(90));
    }
}
