//! Wall time → simulated time, the Bevy-style fixed clock the page drives the engine with.
//!
//! Each animation frame reports how much wall time passed; the clock turns it into simulated
//! time at the chosen speed, capping a single frame's wall time (a throttled or background tab
//! must not make the page simulate minutes at once). The engine's trace never depends on the
//! frame rate: commands carry the simulated instant they were applied at, and the engine
//! processes events in (time, seq) order however the time is sliced.

use crate::sim::SimDuration;

use crate::run::speed::SPEEDS_MILLI;

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
