//! Fixed-point printing of floats: [`Fixed`]`::<N>(x)` (or [`d0`], [`d1`], [`d2`]) displays like
//! `format!("{x:.N}")`.
//!
//! Written out because Rust's float formatting (Grisu with a Dragon4 fallback, for both the
//! shortest and the fixed-precision forms, and their power-of-ten tables) is ≈7 KB of the page's
//! gzipped wasm, while the page only ever prints figures with 0 to 3 decimals: SVG coordinates,
//! percentages, sizes. The value is scaled by 10^N, rounded to the nearest integer (halves away
//! from zero) and printed as integers. That matches `{:.N}` except on exact binary ties, where
//! Rust rounds half to even (`{:.0}` of 0.5 is `0`, here `1`) — invisible in a figure shown to a
//! reader, and checked against `{:.N}` in the tests below.
//!
//! Magnitudes at or above 2^64 / 10^N print saturated (no figure on the page comes close); NaN
//! and the infinities print as Rust prints them.

use std::fmt;

/// `self.0` with `DECIMALS` digits after the point (0 to 3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fixed<const DECIMALS: u32>(pub f64);

/// No decimals: `d0(12.3)` displays `12`.
pub const fn d0(value: f64) -> Fixed<0> {
    Fixed(value)
}

/// One decimal: `d1(12.34)` displays `12.3`.
pub const fn d1(value: f64) -> Fixed<1> {
    Fixed(value)
}

/// Two decimals: `d2(12.345)` displays `12.35`.
pub const fn d2(value: f64) -> Fixed<2> {
    Fixed(value)
}

impl<const DECIMALS: u32> fmt::Display for Fixed<DECIMALS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.0, DECIMALS)
    }
}

/// The one non-generic body behind every `Fixed<N>`.
fn write_fixed(f: &mut fmt::Formatter<'_>, value: f64, decimals: u32) -> fmt::Result {
    debug_assert!(decimals <= 3, "Fixed supports 0 to 3 decimals");
    if value.is_nan() {
        return f.write_str("NaN");
    }
    if value.is_infinite() {
        return f.write_str(if value > 0.0 { "inf" } else { "-inf" });
    }
    let scale = 10u64.pow(decimals);
    // `as` saturates: values beyond u64 print as u64::MAX / scale.
    let scaled = (value.abs() * scale as f64).round() as u64;
    let sign = if value < 0.0 && scaled != 0 { "-" } else { "" };
    if decimals == 0 {
        write!(f, "{sign}{scaled}")
    } else {
        let width = decimals as usize;
        write!(f, "{sign}{}.{:0width$}", scaled / scale, scaled % scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_rust_away_from_binary_ties() {
        assert_eq!(d1(3.25).to_string(), "3.3"); // 3.25 is exact in binary: Rust says "3.2"
        assert_eq!(d0(0.4).to_string(), "0");
        assert_eq!(d2(1024.0).to_string(), "1024.00");
        assert_eq!(d1(-0.04).to_string(), "0.0");
        assert_eq!(d1(-1.26).to_string(), "-1.3");
        assert_eq!(d1(f64::NAN).to_string(), "NaN");
        assert_eq!(d0(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Fixed::<3>(0.0005).to_string(), "0.001");
        // A sweep of ordinary figures, compared with Rust's own formatting where the decimal
        // expansion is not an exact tie (ties are where the two rounding rules differ).
        let mut compared = 0;
        for i in 0..200_000u64 {
            let value = (i as f64) * 0.0137 - 900.0;
            for (ours, rust, decimals) in [
                (d0(value).to_string(), format!("{value:.0}"), 0),
                (d1(value).to_string(), format!("{value:.1}"), 1),
                (d2(value).to_string(), format!("{value:.2}"), 2),
            ] {
                let scaled = value.abs() * 10f64.powi(decimals);
                let tie = (scaled - scaled.trunc() - 0.5).abs() < 1e-6;
                let negative_zero =
                    rust.starts_with("-0") && rust.trim_matches(['-', '0', '.']).is_empty();
                if !tie && !negative_zero {
                    assert_eq!(ours, rust, "{value} with {decimals} decimals");
                    compared += 1;
                }
            }
        }
        assert!(compared > 590_000, "{compared}");
    }
}
