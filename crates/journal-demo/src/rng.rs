//! Deterministic randomness and ids. A tiny SplitMix64 generator written here (not a crate's
//! `StdRng`, whose algorithm may change between versions) so that the same seed gives the same demo
//! forever; ids are name-based UUIDs (version 8 layout) derived from the seed and a stable key.

use uuid::Uuid;

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, good enough for plausible demo data.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the bytes, then mixed: a stable 64-bit hash of a key.
fn hash64(salt: u64, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ mix(salt);
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    mix(h)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: mix(seed) }
    }

    /// An independent stream for one thing (a lesson, a student…): its draws do not depend on how
    /// many draws other things made, so history before a date is the same whatever "today" is.
    pub fn for_key(seed: u64, key: &str) -> Self {
        Rng::new(hash64(seed, key.as_bytes()))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n); n must be > 0 (callers pass non-empty lengths).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in [lo, hi] inclusive.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A deterministic UUID for the thing named `key` of kind `kind` in the demo made from `seed`.
pub fn demo_id(seed: u64, kind: &str, key: &str) -> Uuid {
    let full = format!("{kind}\u{1f}{key}");
    let hi = hash64(seed, full.as_bytes());
    let lo = hash64(seed ^ 0x5DEE_CE66_D1CE_4E5B, full.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    // Version 8 (custom) and the RFC 4122 variant, so the id is a well-formed UUID.
    bytes[6] = (bytes[6] & 0x0F) | 0x80;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    Uuid::from_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_ids() {
        let a: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b, "the generator must be a pure function of the seed");
        assert_eq!(demo_id(1, "user", "teacher"), demo_id(1, "user", "teacher"));
        assert_ne!(
            demo_id(1, "user", "teacher"),
            demo_id(2, "user", "teacher"),
            "another seed gives other ids"
        );
        assert_eq!(
            demo_id(1, "x", "y").get_version_num(),
            8,
            "ids are version-8 UUIDs"
        );
    }

    #[test]
    fn bounded_draws_stay_in_range() {
        let mut r = Rng::new(42);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7, "below(n) is < n");
            let v = r.range(-3, 3);
            assert!((-3..=3).contains(&v), "range is inclusive: {v}");
            let u = r.unit();
            assert!((0.0..1.0).contains(&u), "unit is in [0,1): {u}");
        }
    }
}
