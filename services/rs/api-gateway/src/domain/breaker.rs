//! A circuit breaker per upstream: after `failures` consecutive failures (no connection, a
//! timeout, a 502/503/504) the circuit opens and requests are answered 503 at once for
//! `open_for`; then one trial request goes through (half-open) and its outcome closes or
//! re-opens the circuit.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { trial_in_flight: bool },
}

/// May a request go to the upstream now, and if not, for how long is the circuit open?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Go,
    Refused { retry_after: Duration },
}

#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
    failures: u32,
    open_for: Duration,
}

impl Breaker {
    pub fn new(failures: u32, open_for: Duration) -> Self {
        Self {
            state: Mutex::new(State::Closed { failures: 0 }),
            failures: failures.max(1),
            open_for,
        }
    }

    pub fn admit(&self, now: Instant) -> Admission {
        let mut state = self.state.lock().expect("breaker lock poisoned");
        match *state {
            State::Closed { .. } => Admission::Go,
            State::Open { until } if now < until => Admission::Refused {
                retry_after: until - now,
            },
            State::Open { .. }
            | State::HalfOpen {
                trial_in_flight: false,
            } => {
                *state = State::HalfOpen {
                    trial_in_flight: true,
                };
                Admission::Go
            }
            State::HalfOpen {
                trial_in_flight: true,
            } => Admission::Refused {
                retry_after: Duration::from_secs(1),
            },
        }
    }

    pub fn record(&self, succeeded: bool, now: Instant) {
        let mut state = self.state.lock().expect("breaker lock poisoned");
        *state = match (*state, succeeded) {
            (_, true) => State::Closed { failures: 0 },
            (State::Closed { failures }, false) if failures + 1 < self.failures => State::Closed {
                failures: failures + 1,
            },
            (_, false) => {
                tracing::warn!(open_ms = self.open_for.as_millis(), "circuit opened");
                State::Open {
                    until: now + self.open_for,
                }
            }
        };
    }

    pub fn is_open(&self, now: Instant) -> bool {
        matches!(*self.state.lock().expect("breaker lock poisoned"), State::Open { until } if now < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_consecutive_failures_and_refuses_until_the_time_is_up() {
        let breaker = Breaker::new(3, Duration::from_secs(5));
        let t0 = Instant::now();
        for _ in 0..2 {
            breaker.record(false, t0);
        }
        assert_eq!(breaker.admit(t0), Admission::Go);
        breaker.record(false, t0);
        assert_eq!(
            breaker.admit(t0 + Duration::from_secs(1)),
            Admission::Refused {
                retry_after: Duration::from_secs(4)
            }
        );
    }

    #[test]
    fn a_success_in_between_resets_the_count() {
        let breaker = Breaker::new(2, Duration::from_secs(5));
        let t0 = Instant::now();
        breaker.record(false, t0);
        breaker.record(true, t0);
        breaker.record(false, t0);
        assert_eq!(breaker.admit(t0), Admission::Go);
    }

    #[test]
    fn half_open_lets_one_trial_through_and_its_outcome_decides() {
        let breaker = Breaker::new(1, Duration::from_secs(5));
        let t0 = Instant::now();
        breaker.record(false, t0);
        let later = t0 + Duration::from_secs(6);
        assert_eq!(breaker.admit(later), Admission::Go);
        assert!(matches!(breaker.admit(later), Admission::Refused { .. }));
        breaker.record(false, later);
        assert!(breaker.is_open(later));
        let much_later = later + Duration::from_secs(6);
        assert_eq!(breaker.admit(much_later), Admission::Go);
        breaker.record(true, much_later);
        assert_eq!(breaker.admit(much_later), Admission::Go);
        assert_eq!(breaker.admit(much_later), Admission::Go);
    }
}
