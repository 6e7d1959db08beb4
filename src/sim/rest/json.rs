//! Writing a DTO as the exact bytes Flink's REST server would send.
//!
//! `serde_json::to_string` already matches Flink for every value in the captured responses. It
//! differs in one place: a finite `double` at or above 10^7, or below 10^-3, which Java's
//! `Double.toString` (and so Jackson) writes in scientific notation (`1.2345678E7`, `5.0E-4`)
//! while `serde_json` writes `12345678.0` and `0.0005`. An `accumulated-busy-time` summed over a
//! few hours, or a checkpoint-size percentile above 10 MB, reaches that range. [`to_flink_json`]
//! uses [`FlinkFormatter`], which writes doubles the Java way and is compact otherwise.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// Java's `Double.toString` writes plain decimals only for magnitudes in [10^-3, 10^7).
const PLAIN_MIN: f64 = 1e-3;
/// See [`PLAIN_MIN`].
const PLAIN_MAX: f64 = 1e7;

/// A compact `serde_json` formatter mirroring Jackson's `WriterBasedJsonGenerator` output:
/// finite doubles are written as Java's `Double.toString` does.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlinkFormatter;

impl Formatter for FlinkFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(java_double_string(value).as_bytes())
    }
}

/// Serialises `value` compactly, byte for byte as Flink 2.3's REST server writes it.
///
/// # Errors
/// Whatever `serde_json` reports for a value it cannot write (for example a map with non-string
/// keys); none of the DTOs in this module can fail.
///
/// # Panics
/// Never in practice: `serde_json` only writes UTF-8, which is asserted.
pub fn to_flink_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut bytes = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, FlinkFormatter);
    value.serialize(&mut serializer)?;
    Ok(String::from_utf8(bytes).expect("serde_json writes only UTF-8"))
}

/// Java's `Double.toString(value)` for a finite `value`: the shortest digits that round-trip,
/// as a plain decimal with at least one fractional digit inside [10^-3, 10^7), otherwise as
/// `d.dddE±n` with at least one digit after the point.
///
/// # Panics
/// If `value` is not finite: Jackson writes those as strings, see `JsonDouble`.
#[must_use]
pub fn java_double_string(value: f64) -> String {
    assert!(value.is_finite(), "java_double_string called with {value}");
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_string();
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, e.g. "-1.2345678e7" or "5e-4".
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always has an 'e'");
    let exponent: i32 = exponent.parse().expect("`{:e}` writes an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(unsigned) => ("-", unsigned),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    assert!(!digits.is_empty(), "no digits in {scientific}");
    let magnitude = value.abs();
    let body = if (PLAIN_MIN..PLAIN_MAX).contains(&magnitude) {
        plain_decimal(&digits, exponent)
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{first}.{rest}E{exponent}")
    };
    format!("{sign}{body}")
}

/// `0.d1d2…dn × 10^(exponent+1)` written without an exponent, e.g. ("12345", 2) → "123.45".
fn plain_decimal(digits: &str, exponent: i32) -> String {
    assert!(
        (-3..7).contains(&exponent),
        "exponent {exponent} outside the plain range"
    );
    if exponent < 0 {
        let zeros = "0".repeat(usize::try_from(-exponent - 1).expect("exponent is negative"));
        return format!("0.{zeros}{digits}");
    }
    let integer_len = usize::try_from(exponent + 1).expect("exponent is non-negative");
    if digits.len() <= integer_len {
        let zeros = "0".repeat(integer_len - digits.len());
        format!("{digits}{zeros}.0")
    } else {
        let (integer, fraction) = digits.split_at(integer_len);
        format!("{integer}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rest::JsonDouble;

    /// Doubles in Java's plain range print as `serde_json` prints them.
    #[test]
    fn java_double_plain_range_matches_serde_json() {
        for value in [
            6645.0,
            18.5,
            0.002,
            0.998,
            1243.0,
            0.001,
            9_999_999.5,
            123.456,
            -42.0,
        ] {
            let expected = serde_json::to_string(&value).unwrap();
            assert_eq!(java_double_string(value), expected, "value {value}");
        }
        assert_eq!(java_double_string(0.0), "0.0");
        assert_eq!(java_double_string(-0.0), "-0.0");
    }

    /// Outside [10^-3, 10^7) Java switches to `d.dddE±n`, which `serde_json` does not.
    #[test]
    fn java_double_scientific_range_uses_java_notation() {
        assert_eq!(java_double_string(1e7), "1.0E7");
        assert_eq!(java_double_string(12_345_678.0), "1.2345678E7");
        assert_eq!(java_double_string(-1.5e15), "-1.5E15");
        assert_eq!(java_double_string(1.234e17), "1.234E17");
        assert_eq!(java_double_string(0.0005), "5.0E-4");
        assert_eq!(java_double_string(0.000_123_4), "1.234E-4");
        assert_eq!(
            java_double_string(1.797_693_134_862_315_7e308),
            "1.7976931348623157E308"
        );
    }

    /// The Flink writer is compact JSON and quotes NaN like Jackson.
    #[test]
    fn to_flink_json_is_compact_and_java_formatted() {
        let values = vec![JsonDouble::new(1e7), JsonDouble::NAN, JsonDouble::new(0.5)];
        assert_eq!(to_flink_json(&values).unwrap(), "[1.0E7,\"NaN\",0.5]");
    }
}
