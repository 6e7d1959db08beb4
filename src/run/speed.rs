//! Playback speeds: how many simulated seconds pass per wall-clock second, as the page offers
//! them and links carry them (`speed=10`).

/// Speeds offered, in thousandths (0.1× … 1000×).
pub const SPEEDS_MILLI: [u64; 11] = [
    100, 250, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000,
];

/// A speed multiplier as the page and links write it: `0.25`, `1`, `1000` (the exact decimal of
/// the thousandths, without trailing zeros).
pub fn speed_label(speed_milli: u64) -> String {
    crate::sim::time::decimal_milli(speed_milli)
}

/// Parses a speed given as a multiplier (`"1000"`, `"0.25"`, `"100x"`); only offered speeds.
pub fn parse_speed(text: &str) -> Result<u64, String> {
    let trimmed = text.trim().trim_end_matches(['x', '×']);
    let milli = crate::sim::time::parse_decimal_milli(trimmed)
        .ok_or_else(|| format!("speed '{text}' is not a number; use 0.1 … 1000"))?;
    if !SPEEDS_MILLI.contains(&milli) {
        let offered: Vec<String> = SPEEDS_MILLI.iter().map(|s| speed_label(*s)).collect();
        return Err(format!(
            "speed {text} is not offered; use one of {}",
            offered.join(", ")
        ));
    }
    Ok(milli)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_labels_are_exact_decimals() {
        let labels: Vec<String> = SPEEDS_MILLI.iter().map(|s| speed_label(*s)).collect();
        assert_eq!(labels.first().map(String::as_str), Some("0.1"));
        assert_eq!(labels.last().map(String::as_str), Some("1000"));
        assert!(labels.contains(&"1".to_string()));
        assert_eq!(speed_label(1_500), "1.5");
        assert_eq!(speed_label(10), "0.01");
        for speed in SPEEDS_MILLI {
            assert_eq!(parse_speed(&speed_label(speed)), Ok(speed));
        }
    }

    #[test]
    fn speeds_parse_and_reject_nonsense() {
        assert_eq!(parse_speed("1000"), Ok(1_000_000));
        assert_eq!(parse_speed("0.25"), Ok(250));
        assert_eq!(parse_speed("100x"), Ok(100_000));
        assert!(parse_speed("3")
            .unwrap_err()
            .contains("0.25, 0.5, 1, 2, 5, 10"));
        assert!(parse_speed("fast").is_err());
        assert!(parse_speed("NaN").is_err());
    }
}
