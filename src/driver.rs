//! Wall time → simulated time, the Bevy-style fixed clock the page drives the engine with.
//!
//! Each animation frame reports how much wall time passed; the clock turns it into simulated
//! time at the chosen speed, capping a single frame's wall time (a throttled or background tab
//! must not make the page simulate minutes at once). The engine's trace never depends on the
//! frame rate: commands carry the simulated instant they were applied at, and the engine
//! processes events in (time, seq) order however the time is sliced.

use crate::sim::SimDuration;

/// Speeds offered, in thousandths (0.25× … 1000×).
pub const SPEEDS_MILLI: [u64; 10] = [
    250, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000,
];

/// A speed multiplier as the page and links write it: `0.25`, `1`, `1000` (the exact decimal of
/// the thousandths, without trailing zeros).
pub fn speed_label(speed_milli: u64) -> String {
    crate::sim::time::decimal_milli(speed_milli)
}
/// The longest wall time one frame may account for.
pub const FRAME_WALL_US_MAX: u64 = 100_000;
/// Most engine events processed in one frame; beyond it the page falls behind and says so.
pub const EVENTS_PER_FRAME_MAX: u64 = 300_000;

/// The clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    speed_milli: u64,
    /// Wall microseconds × speed not yet turned into simulated microseconds (thousandths).
    remainder: u64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            speed_milli: 1_000,
            remainder: 0,
        }
    }
}

impl Clock {
    /// The speed in thousandths (1000 is real time).
    pub fn speed_milli(&self) -> u64 {
        self.speed_milli
    }

    /// Sets the speed; values outside the offered range are clamped.
    pub fn set_speed_milli(&mut self, speed_milli: u64) {
        self.speed_milli = speed_milli.clamp(SPEEDS_MILLI[0], SPEEDS_MILLI[SPEEDS_MILLI.len() - 1]);
        self.remainder = 0;
    }

    /// Simulated time to add for a frame that took `wall_us` of wall time.
    pub fn frame(&mut self, wall_us: u64) -> SimDuration {
        let scaled = wall_us.min(FRAME_WALL_US_MAX) * self.speed_milli + self.remainder;
        self.remainder = scaled % 1_000;
        SimDuration(scaled / 1_000)
    }

    /// Parses a speed given as a multiplier (`"1000"`, `"0.25"`, `"100x"`).
    pub fn parse_speed(text: &str) -> Result<u64, String> {
        let trimmed = text.trim().trim_end_matches(['x', '×']);
        let milli = crate::sim::time::parse_decimal_milli(trimmed)
            .ok_or_else(|| format!("speed '{text}' is not a number; use 0.25 … 1000"))?;
        let allowed = SPEEDS_MILLI.contains(&milli);
        if !allowed {
            return Err(format!("speed {text} is not offered; use one of 0.25, 0.5, 1, 2, 5, 10, 50, 100, 500, 1000"));
        }
        Ok(milli)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_labels_are_exact_decimals() {
        let labels: Vec<String> = SPEEDS_MILLI.iter().map(|s| speed_label(*s)).collect();
        assert_eq!(labels.first().map(String::as_str), Some("0.25"));
        assert_eq!(labels.last().map(String::as_str), Some("1000"));
        assert!(labels.contains(&"1".to_string()));
        assert_eq!(speed_label(1_500), "1.5");
        assert_eq!(speed_label(10), "0.01");
        for speed in SPEEDS_MILLI {
            let text = speed_label(speed);
            assert_eq!(
                crate::sim::time::parse_decimal_milli(&text),
                Some(speed),
                "{text}"
            );
        }
    }

    #[test]
    fn frames_scale_and_cap_wall_time() {
        let mut clock = Clock::default();
        assert_eq!(clock.frame(16_667), SimDuration(16_667));
        clock.set_speed_milli(1_000_000);
        assert_eq!(clock.frame(16_000), SimDuration(16_000_000));
        assert_eq!(
            clock.frame(5_000_000),
            SimDuration(100_000_000),
            "a stalled tab counts one capped frame"
        );
        clock.set_speed_milli(250);
        let total: u64 = (0..4).map(|_| clock.frame(1).0).sum();
        assert_eq!(total, 1, "sub-microsecond remainders carry over");
    }

    #[test]
    fn speeds_parse_and_reject_nonsense() {
        assert_eq!(Clock::parse_speed("1000"), Ok(1_000_000));
        assert_eq!(Clock::parse_speed("0.25"), Ok(250));
        assert_eq!(Clock::parse_speed("100x"), Ok(100_000));
        assert!(Clock::parse_speed("3").is_err());
        assert!(Clock::parse_speed("fast").is_err());
        assert!(Clock::parse_speed("NaN").is_err());
        let mut clock = Clock::default();
        clock.set_speed_milli(u64::MAX);
        assert_eq!(clock.speed_milli(), 1_000_000);
    }
}
