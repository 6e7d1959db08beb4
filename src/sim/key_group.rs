//! Flink's key → key group → subtask assignment, bit for bit.
//!
//! Mirrors `KeyGroupRangeAssignment` and `MathUtils.murmurHash` of Flink: the key's Java
//! `String.hashCode` (over UTF-16 code units, 32-bit wrap-around) is murmur-mixed, reduced
//! modulo the max parallelism to a key group, and key groups are split into contiguous ranges,
//! one per subtask. Pure functions only.

/// Flink's lower bound for the default max parallelism.
pub const DEFAULT_LOWER_BOUND_MAX_PARALLELISM: u32 = 128;
/// Flink's upper bound for any max parallelism (`Short.MAX_VALUE + 1`).
pub const UPPER_BOUND_MAX_PARALLELISM: u32 = 32_768;

/// Java's `String.hashCode`: `h = 31 * h + c` over UTF-16 code units, wrapping at 32 bits.
pub fn java_string_hash(key: &str) -> i32 {
    key.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Flink's `MathUtils.murmurHash(int)`: one murmur3 round plus finalisation, made non-negative.
pub fn murmur_hash(code: i32) -> i32 {
    let mut code = code.wrapping_mul(0xcc9e_2d51_u32 as i32);
    code = code.rotate_left(15);
    code = code.wrapping_mul(0x1b87_3593);
    code = code.rotate_left(13);
    code = code.wrapping_mul(5).wrapping_add(0xe654_6b64_u32 as i32);
    code ^= 4;
    code ^= ((code as u32) >> 16) as i32;
    code = code.wrapping_mul(0x85eb_ca6b_u32 as i32);
    code ^= ((code as u32) >> 13) as i32;
    code = code.wrapping_mul(0xc2b2_ae35_u32 as i32);
    code ^= ((code as u32) >> 16) as i32;
    if code >= 0 {
        code
    } else if code != i32::MIN {
        -code
    } else {
        0
    }
}

/// `computeDefaultMaxParallelism`: `min(max(roundUpToPowerOfTwo(p + p/2), 128), 32768)`.
pub fn default_max_parallelism(parallelism: u32) -> u32 {
    assert!(parallelism > 0, "parallelism must be positive");
    let wanted = (parallelism + parallelism / 2).next_power_of_two();
    wanted.clamp(
        DEFAULT_LOWER_BOUND_MAX_PARALLELISM,
        UPPER_BOUND_MAX_PARALLELISM,
    )
}

/// `assignToKeyGroup` for a `String` key: `murmurHash(key.hashCode()) % maxParallelism`.
pub fn key_group_for_key(key: &str, max_parallelism: u32) -> u32 {
    key_group_for_hash(java_string_hash(key), max_parallelism)
}

/// `computeKeyGroupForKeyHash`.
pub fn key_group_for_hash(hash: i32, max_parallelism: u32) -> u32 {
    assert!(max_parallelism > 0, "max parallelism must be positive");
    let mixed = murmur_hash(hash);
    debug_assert!(mixed >= 0);
    mixed as u32 % max_parallelism
}

/// `computeOperatorIndexForKeyGroup`: `keyGroup * parallelism / maxParallelism`.
pub fn subtask_for_key_group(max_parallelism: u32, parallelism: u32, key_group: u32) -> u32 {
    assert!(
        key_group < max_parallelism,
        "key group {key_group} >= max {max_parallelism}"
    );
    assert!(
        parallelism <= max_parallelism,
        "parallelism above max parallelism"
    );
    (u64::from(key_group) * u64::from(parallelism) / u64::from(max_parallelism)) as u32
}

/// `computeKeyGroupRangeForOperatorIndex`: the inclusive key-group range of `subtask`.
pub fn key_group_range(max_parallelism: u32, parallelism: u32, subtask: u32) -> (u32, u32) {
    assert!(
        subtask < parallelism,
        "subtask {subtask} out of {parallelism}"
    );
    assert!(
        parallelism <= max_parallelism,
        "parallelism above max parallelism"
    );
    let (max_p, p, i) = (
        u64::from(max_parallelism),
        u64::from(parallelism),
        u64::from(subtask),
    );
    let start = (i * max_p).div_ceil(p);
    let end = ((i + 1) * max_p - 1) / p;
    (start as u32, end as u32)
}

/// `assignKeyToParallelOperator` for a `String` key.
pub fn subtask_for_key(key: &str, max_parallelism: u32, parallelism: u32) -> u32 {
    subtask_for_key_group(
        max_parallelism,
        parallelism,
        key_group_for_key(key, max_parallelism),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of FLINK.md §2, computed with real Java 17.
    #[test]
    fn matches_the_published_java_table() {
        let table = [
            ("user1", 111_578_566, 93, 2),
            ("user2", 111_578_567, 2, 0),
            ("user3", 111_578_568, 97, 2),
            ("user4", 111_578_569, 40, 0),
            ("user5", 111_578_570, 49, 1),
            ("user6", 111_578_571, 98, 2),
            ("user7", 111_578_572, 68, 1),
            ("user8", 111_578_573, 46, 1),
            ("user9", 111_578_574, 30, 0),
            ("user10", -836_031_702, 59, 1),
        ];
        for (key, hash, key_group, subtask) in table {
            assert_eq!(java_string_hash(key), hash, "{key}");
            assert_eq!(key_group_for_key(key, 128), key_group, "{key}");
            assert_eq!(subtask_for_key(key, 128, 3), subtask, "{key}");
        }
    }

    #[test]
    fn integer_keys_match_flink() {
        // Integer.hashCode(i) == i: FLINK.md says keys 1, 2, 3 land in key groups 86, 127, 113.
        assert_eq!(key_group_for_hash(1, 128), 86);
        assert_eq!(key_group_for_hash(2, 128), 127);
        assert_eq!(key_group_for_hash(3, 128), 113);
    }

    #[test]
    fn ranges_for_three_subtasks() {
        assert_eq!(key_group_range(128, 3, 0), (0, 42));
        assert_eq!(key_group_range(128, 3, 1), (43, 85));
        assert_eq!(key_group_range(128, 3, 2), (86, 127));
        assert_eq!(default_max_parallelism(3), 128);
        assert_eq!(default_max_parallelism(100), 256);
        assert_eq!(default_max_parallelism(30_000), 32_768);
    }

    #[test]
    fn java_hash_uses_utf16_units() {
        // "😀" is a surrogate pair (0xD83D, 0xDE00): 31 * 0xD83D + 0xDE00.
        assert_eq!(java_string_hash("😀"), 31 * 0xD83D + 0xDE00);
        assert_eq!(java_string_hash(""), 0);
        assert!(murmur_hash(i32::MIN) >= 0);
    }

    /// Property tests (native only: proptest is a native dev-dependency).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// Ranges tile `0..max` without gaps or overlaps, and the operator index of every key
            /// group is the subtask whose range holds it.
            #[test]
            fn ranges_partition_key_groups(p in 1u32..=512, extra in 0u32..2048) {
                let max_p = (p + extra).clamp(p.max(1), UPPER_BOUND_MAX_PARALLELISM);
                let mut next = 0;
                for subtask in 0..p {
                    let (start, end) = key_group_range(max_p, p, subtask);
                    prop_assert_eq!(start, next);
                    prop_assert!(end + 1 >= start);
                    for kg in [start, end] {
                        if kg <= end {
                            prop_assert_eq!(subtask_for_key_group(max_p, p, kg), subtask);
                        }
                    }
                    next = end + 1;
                }
                prop_assert_eq!(next, max_p);
            }

            /// Every key lands in a key group below the max parallelism, deterministically.
            #[test]
            fn key_groups_are_in_range(key in ".{0,24}", max_p in 1u32..=32_768) {
                let kg = key_group_for_key(&key, max_p);
                prop_assert!(kg < max_p);
                prop_assert_eq!(kg, key_group_for_key(&key, max_p));
            }
        }
    }
}
