//! The trace hash: FNV-1a (64-bit) over every processed event, one 64-bit word at a time
//! (`h = (h ^ word) · prime`, FNV-1a with 8-byte symbols: one multiply per word instead of eight,
//! which matters on the engine's hot path).
//!
//! Identical natively and in wasm and printed as `trace-hash: <16 hex digits>`.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over bytes.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME)
    })
}

/// A running trace hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(FNV_OFFSET)
    }
}

impl TraceHash {
    /// Feeds one 64-bit word.
    #[inline]
    pub fn word(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(FNV_PRIME);
    }

    /// A hash that continues from `value` (a resumed run).
    pub fn from_value(value: u64) -> TraceHash {
        TraceHash(value)
    }

    /// The hash so far.
    pub fn value(self) -> u64 {
        self.0
    }

    /// The hash as 16 lowercase hex digits.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_fnv1a_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let mut trace = TraceHash::default();
        trace.word(u64::from(b'a'));
        assert_eq!(
            trace.value(),
            fnv1a64(b"a"),
            "a one-byte word is FNV-1a of that byte"
        );
        trace.word(7);
        assert_ne!(trace.value(), fnv1a64(b"a"));
    }
}
