//! Restart strategies (Flink's `RestartBackoffTimeStrategy` implementations).
//!
//! Given the failure instants, decide whether to restart and after what backoff. Exponential
//! delay follows Flink 1.19+: the backoff starts at `initial-backoff`, is multiplied by
//! `backoff-multiplier` per failure up to `max-backoff`, resets after `reset-backoff-threshold`
//! without failures, and gets ± `jitter-factor` of jitter from the seeded RNG.

use crate::sim::config::RestartStrategyConfig;
use crate::sim::rng::SimRng;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// The state of the restart strategy across failures.
#[derive(Clone, Debug)]
pub struct RestartBackoff {
    config: RestartStrategyConfig,
    current_backoff_us: u64,
    last_failure: Option<SimTime>,
    attempts: u32,
    recent_failures: VecDeque<SimTime>,
}

impl RestartBackoff {
    /// A fresh strategy.
    pub fn new(config: RestartStrategyConfig) -> RestartBackoff {
        RestartBackoff {
            config,
            current_backoff_us: 0,
            last_failure: None,
            attempts: 0,
            recent_failures: VecDeque::new(),
        }
    }

    /// Registers a failure at `now`; returns the backoff before restarting, or `None` when the
    /// strategy gives up (the job fails).
    pub fn on_failure(&mut self, now: SimTime, rng: &mut SimRng) -> Option<SimDuration> {
        let since_last = self.last_failure.map(|last| now.saturating_since(last));
        self.last_failure = Some(now);
        match self.config {
            RestartStrategyConfig::ExponentialDelay {
                initial_backoff,
                max_backoff,
                multiplier_milli,
                reset_threshold,
                jitter_milli,
                attempts_before_reset,
            } => {
                let reset = since_last.is_none_or(|gap| gap >= reset_threshold);
                if reset {
                    self.current_backoff_us = initial_backoff.0;
                    self.attempts = 0;
                } else {
                    let grown =
                        u128::from(self.current_backoff_us) * u128::from(multiplier_milli) / 1_000;
                    self.current_backoff_us = grown.min(u128::from(max_backoff.0)) as u64;
                }
                self.attempts += 1;
                if self.attempts > attempts_before_reset {
                    return None;
                }
                let jitter = self.current_backoff_us * u64::from(jitter_milli) / 1_000;
                let offset = rng.between(0, 2 * jitter);
                let backoff = (self.current_backoff_us + offset).saturating_sub(jitter);
                assert!(
                    backoff <= max_backoff.0 + jitter,
                    "backoff above max plus jitter"
                );
                Some(SimDuration(backoff))
            }
            RestartStrategyConfig::FixedDelay { attempts, delay } => {
                self.attempts += 1;
                (self.attempts <= attempts).then_some(delay)
            }
            RestartStrategyConfig::FailureRate {
                max_failures_per_interval,
                interval,
                delay,
            } => {
                while self
                    .recent_failures
                    .front()
                    .is_some_and(|t| now.saturating_since(*t) > interval)
                {
                    self.recent_failures.pop_front();
                }
                self.recent_failures.push_back(now);
                assert!(self.recent_failures.len() <= max_failures_per_interval as usize + 1);
                (self.recent_failures.len() <= max_failures_per_interval as usize).then_some(delay)
            }
            RestartStrategyConfig::None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::RngStream;

    #[test]
    fn exponential_delay_grows_by_one_and_a_half_within_jitter() {
        let mut strategy = RestartBackoff::new(RestartStrategyConfig::exponential_default());
        let mut rng = SimRng::new(1, RngStream::Coordination);
        let mut now = SimTime::ZERO;
        let expected = [1.0, 1.5, 2.25, 3.375, 5.0625, 7.59375];
        for base in expected {
            let backoff = strategy.on_failure(now, &mut rng).unwrap().0 as f64 / 1e6;
            assert!(
                (backoff - base).abs() <= base * 0.1 + 1e-6,
                "{backoff} vs {base}"
            );
            now = now.add(SimDuration::from_secs(2));
        }
        // Capped at one minute (plus jitter).
        for _ in 0..20 {
            let backoff = strategy.on_failure(now, &mut rng).unwrap();
            assert!(backoff <= SimDuration::from_secs(66));
            now = now.add(SimDuration::from_secs(2));
        }
        // An hour without failures resets the backoff.
        now = now.add(SimDuration::from_secs(3_600));
        assert!(strategy.on_failure(now, &mut rng).unwrap() <= SimDuration::from_ms(1_100));
    }

    #[test]
    fn fixed_delay_gives_up_after_its_attempts() {
        let config = RestartStrategyConfig::FixedDelay {
            attempts: 2,
            delay: SimDuration::from_secs(3),
        };
        let mut strategy = RestartBackoff::new(config);
        let mut rng = SimRng::new(1, RngStream::Coordination);
        assert_eq!(
            strategy.on_failure(SimTime(0), &mut rng),
            Some(SimDuration::from_secs(3))
        );
        assert_eq!(
            strategy.on_failure(SimTime(1), &mut rng),
            Some(SimDuration::from_secs(3))
        );
        assert_eq!(strategy.on_failure(SimTime(2), &mut rng), None);
    }

    #[test]
    fn failure_rate_counts_failures_inside_the_interval() {
        let config = RestartStrategyConfig::FailureRate {
            max_failures_per_interval: 2,
            interval: SimDuration::from_secs(60),
            delay: SimDuration::from_secs(1),
        };
        let mut strategy = RestartBackoff::new(config);
        let mut rng = SimRng::new(1, RngStream::Coordination);
        let s = |secs| SimTime::ZERO.add(SimDuration::from_secs(secs));
        assert!(strategy.on_failure(s(0), &mut rng).is_some());
        assert!(strategy.on_failure(s(30), &mut rng).is_some());
        assert!(
            strategy.on_failure(s(100), &mut rng).is_some(),
            "the first two left the window"
        );
        assert!(strategy.on_failure(s(110), &mut rng).is_some());
        assert!(
            strategy.on_failure(s(120), &mut rng).is_none(),
            "a third within a minute"
        );
        let mut none = RestartBackoff::new(RestartStrategyConfig::None);
        assert!(none.on_failure(s(0), &mut rng).is_none());
    }
}
