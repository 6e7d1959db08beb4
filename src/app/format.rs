//! Formatting of figures the way Flink's web UI prints them.

use super::fixed::{d1, d2};
use crate::sim::SimTime;

/// Bytes as Flink's UI shows them: `6.48 KB`, `102 B`.
pub fn bytes(value: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    if value < 1_024 {
        return format!("{value} B");
    }
    let mut size = value as f64;
    let mut unit = 0;
    while size >= 1_024.0 && unit < UNITS.len() - 1 {
        size /= 1_024.0;
        unit += 1;
    }
    format!("{} {}", d2(size), UNITS[unit])
}

/// A duration in milliseconds as Flink's UI shows it: `1m 0s 0ms`, `5s 12ms`, `22ms`.
pub fn duration_ms(ms: u64) -> String {
    let (h, m, s, rest) = (
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms % 1_000,
    );
    if h > 0 {
        format!("{h}h {m}m {s}s")
    } else if m > 0 {
        format!("{m}m {s}s {rest}ms")
    } else if s > 0 {
        format!("{s}s {rest}ms")
    } else {
        format!("{rest}ms")
    }
}

/// Simulated time as `mm:ss.mmm` (or `h:mm:ss`).
pub fn sim_clock(time: SimTime) -> String {
    let ms = time.as_ms();
    let (h, m, s, rest) = (
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms % 1_000,
    );
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{rest:03}")
    } else {
        format!("{m:02}:{s:02}.{rest:03}")
    }
}

/// A rate with a unit: `1.2k/s`.
pub fn rate(per_second: f64) -> String {
    if per_second >= 1_000_000.0 {
        format!("{}M/s", d1(per_second / 1e6))
    } else if per_second >= 1_000.0 {
        format!("{}k/s", d1(per_second / 1e3))
    } else {
        format!("{}/s", d1(per_second))
    }
}
