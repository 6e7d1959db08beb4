//! The trace hash: FNV-1a (64-bit) over every processed event, fed as little-endian words.
//!
//! Identical natively and in wasm, cheap enough to run on every event (a few multiplies), and
//! printed as `trace-hash: <16 hex digits>`.

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
    /// Feeds one 64-bit word (its 8 little-endian bytes, FNV-1a).
    #[inline]
    pub fn word(&mut self, word: u64) {
        let mut h = self.0;
        for byte in word.to_le_bytes() {
            h = (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        }
        self.0 = h;
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
        trace.word(u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(trace.value(), fnv1a64(b"abcdefgh"));
    }
}
