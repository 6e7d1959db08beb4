//! Simulated time: integer microseconds since the simulation started.
//!
//! The engine never reads a clock; every instant arrives as a [`SimTime`] argument. Arithmetic is
//! saturating or asserted, never floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An instant of simulated time, in microseconds since the simulation started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// A span of simulated time, in microseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of the simulation.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable instant, used as "never".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// An instant `ms` milliseconds after the start.
    pub const fn from_ms(ms: u64) -> SimTime {
        SimTime(ms * 1_000)
    }

    /// Microseconds since the start.
    pub const fn as_us(self) -> u64 {
        self.0
    }

    /// Whole milliseconds since the start (rounded down).
    pub const fn as_ms(self) -> u64 {
        self.0 / 1_000
    }

    /// This instant plus `duration`, saturating at [`SimTime::MAX`].
    #[must_use]
    pub const fn add(self, duration: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(duration.0))
    }

    /// The time elapsed from `earlier` to `self`.
    ///
    /// # Panics
    /// If `earlier` is after `self`.
    #[must_use]
    pub fn since(self, earlier: SimTime) -> SimDuration {
        assert!(
            earlier <= self,
            "time went backwards: {earlier:?} > {self:?}"
        );
        SimDuration(self.0 - earlier.0)
    }

    /// The time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `us` microseconds.
    pub const fn from_us(us: u64) -> SimDuration {
        SimDuration(us)
    }

    /// A span of `ms` milliseconds.
    pub const fn from_ms(ms: u64) -> SimDuration {
        SimDuration(ms * 1_000)
    }

    /// A span of `s` seconds.
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s * 1_000_000)
    }

    /// Microseconds.
    pub const fn as_us(self) -> u64 {
        self.0
    }

    /// Whole milliseconds (rounded down).
    pub const fn as_ms(self) -> u64 {
        self.0 / 1_000
    }

    /// This span times `factor`, saturating.
    #[must_use]
    pub const fn mul(self, factor: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(factor))
    }
}

impl fmt::Display for SimDuration {
    /// Formats the span in the largest unit that represents it exactly, as Flink prints
    /// durations in its configuration (`10 s`, `1500 ms`, `2 min`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if us == 0 {
            return write!(f, "0 ms");
        }
        const UNITS: [(u64, &str); 5] = [
            (86_400_000_000, "d"),
            (3_600_000_000, "h"),
            (60_000_000, "min"),
            (1_000_000, "s"),
            (1_000, "ms"),
        ];
        for (size, name) in UNITS {
            if us.is_multiple_of(size) {
                return write!(f, "{} {name}", us / size);
            }
        }
        write!(f, "{us} us")
    }
}

/// Why a duration text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a duration: {reason} (write e.g. 500 ms, 10 s, 2 min, 1 h)")]
pub struct DurationParseError {
    /// The text that was given.
    pub text: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

/// Parses a duration the way Flink's `TimeUtils.parseDuration` does: an integer followed by an
/// optional unit (`us`, `ms`, `s`, `min`, `h`, `d` and their long forms); no unit means
/// milliseconds. Whitespace between number and unit is allowed.
pub fn parse_duration(text: &str) -> Result<SimDuration, DurationParseError> {
    let error = |reason| DurationParseError {
        text: text.to_string(),
        reason,
    };
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    if digits_end == 0 {
        return Err(error("it must start with a whole number"));
    }
    let number: u64 = trimmed[..digits_end]
        .parse()
        .map_err(|_| error("the number is too large"))?;
    let unit = trimmed[digits_end..].trim().to_ascii_lowercase();
    let unit_us: u64 = match unit.as_str() {
        "us" | "µs" | "micro" | "micros" | "microsecond" | "microseconds" => 1,
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000_000,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000_000,
        "h" | "hour" | "hours" => 3_600_000_000,
        "d" | "day" | "days" => 86_400_000_000,
        _ => return Err(error("the unit is not one of us, ms, s, min, h, d")),
    };
    number
        .checked_mul(unit_us)
        .map(SimDuration)
        .ok_or_else(|| error("the value is too large"))
}

/// Thousandths as the shortest exact decimal: `250` → `0.25`, `1500` → `1.5`, `3000` → `3`. The
/// inverse of [`parse_decimal_milli`], and what `{}` prints for `milli as f64 / 1000.0`, without
/// linking Rust's float formatting into the page.
pub fn decimal_milli(milli: u64) -> String {
    let (whole, fraction) = (milli / 1_000, milli % 1_000);
    if fraction == 0 {
        whole.to_string()
    } else {
        let digits = format!("{fraction:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Parses a non-negative decimal (`"0.3"`, `"2"`, `".25"`, `"1.0005"`) into thousandths, rounding
/// half up at the fourth decimal, as `(x * 1000).round()` would. Written out instead of
/// `str::parse::<f64>` so the page does not carry the float parser's tables (about 8 KB of gzip);
/// every decimal setting is kept in thousandths anyway. `None` for anything else (signs,
/// exponents, `inf`, several dots, more than 15 integer digits).
pub fn parse_decimal_milli(text: &str) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    if whole.len() > 15 {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut fraction_digits = fraction.bytes().map(|b| u64::from(b - b'0'));
    let mut milli = whole * 1_000;
    for scale in [100, 10, 1] {
        milli += fraction_digits.next().unwrap_or(0) * scale;
    }
    if fraction_digits.next().is_some_and(|d| d >= 5) {
        milli += 1;
    }
    Some(milli)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flink_duration_forms() {
        assert_eq!(parse_duration("10 s"), Ok(SimDuration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(SimDuration::from_secs(10)));
        assert_eq!(parse_duration("10000"), Ok(SimDuration::from_secs(10)));
        assert_eq!(parse_duration("90s"), Ok(SimDuration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(SimDuration::from_secs(600)));
        assert_eq!(parse_duration("2h"), Ok(SimDuration::from_secs(7_200)));
        assert_eq!(parse_duration(" 1 min "), Ok(SimDuration::from_secs(60)));
        assert_eq!(parse_duration("100 us"), Ok(SimDuration::from_us(100)));
        assert_eq!(parse_duration("1 d"), Ok(SimDuration::from_secs(86_400)));
    }

    #[test]
    fn rejects_bad_durations_with_reason() {
        assert!(parse_duration("").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("-5 s").is_err());
        assert!(parse_duration("1.5 s").is_err());
        assert!(parse_duration("5 fortnights").is_err());
        assert!(parse_duration("99999999999999999999").is_err());
        assert!(parse_duration("9999999999999 d").is_err());
    }

    #[test]
    fn display_uses_largest_exact_unit() {
        assert_eq!(SimDuration::from_secs(10).to_string(), "10 s");
        assert_eq!(SimDuration::from_ms(1_500).to_string(), "1500 ms");
        assert_eq!(SimDuration::from_secs(120).to_string(), "2 min");
        assert_eq!(SimDuration::from_us(100).to_string(), "100 us");
        assert_eq!(SimDuration::ZERO.to_string(), "0 ms");
        for d in [1u64, 999, 1_000, 1_500_000, 3_600_000_000] {
            let d = SimDuration(d);
            assert_eq!(parse_duration(&d.to_string()), Ok(d));
        }
    }

    #[test]
    fn time_arithmetic_saturates_and_asserts_order() {
        assert_eq!(SimTime::MAX.add(SimDuration(1)), SimTime::MAX);
        assert_eq!(SimTime(5).since(SimTime(2)), SimDuration(3));
        assert_eq!(SimTime(2).saturating_since(SimTime(5)), SimDuration::ZERO);
        let result = std::panic::catch_unwind(|| SimTime(2).since(SimTime(5)));
        assert!(result.is_err());
    }

    #[test]
    fn decimals_parse_into_thousandths_like_rounding_a_float() {
        for (text, milli) in [
            ("0.3", Some(300)),
            ("2", Some(2_000)),
            (".25", Some(250)),
            ("1.", Some(1_000)),
            ("0.0005", Some(1)),
            ("0.0004999", Some(0)),
            ("0.3333", Some(333)),
            ("0.9996", Some(1_000)),
            ("1000", Some(1_000_000)),
            ("", None),
            (".", None),
            ("-1", None),
            ("1e3", None),
            ("inf", None),
            ("1.2.3", None),
            ("0,5", None),
            ("1234567890123456", None),
        ] {
            assert_eq!(parse_decimal_milli(text), milli, "{text:?}");
        }
        for (milli, text) in [
            (0, "0"),
            (3, "0.003"),
            (250, "0.25"),
            (1_500, "1.5"),
            (3_000, "3"),
        ] {
            assert_eq!(decimal_milli(milli), text);
            assert_eq!(decimal_milli(milli), format!("{}", milli as f64 / 1_000.0));
            assert_eq!(parse_decimal_milli(text), Some(milli));
        }
        // Agrees with rounding the float for ordinary inputs.
        for n in 0..20_000u64 {
            let text = format!("{}.{:04}", n / 10_000, n % 10_000);
            let float = (text.parse::<f64>().unwrap() * 1_000.0).round() as u64;
            let exact = parse_decimal_milli(&text).unwrap();
            assert!(
                exact.abs_diff(float) <= 1 && (exact == float || n % 10 == 5),
                "{text}: {exact} vs {float}"
            );
        }
    }
}
