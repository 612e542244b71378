//! SplitMix64 (Steele, Lea and Flood, 2014): a small generator fully
//! determined by its seed. The sample dataset, the synthetic survey
//! answers, the benchmarks' data and query points and some tests are made
//! with it, so that a seed always makes the same data everywhere. Not for
//! anything that must be unpredictable.

/// A SplitMix64 generator; its state is the seed advanced once per number.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed` (any value, zero included).
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`, from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// A number below `n`, by remainder: the bias, under `n` in 2⁶⁴, does
    /// not matter for the small `n` this is used with.
    ///
    /// # Panics
    ///
    /// If `n` is zero.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // The first outputs of the reference implementation from state 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn units_spread_over_the_interval_and_bounds_reach_every_value() {
        let mut rng = SplitMix64::new(2026);
        let mut halves = [0_u32; 2];
        let mut seen = [false; 9];
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u), "{u}");
            halves[usize::from(u >= 0.5)] += 1;
            seen[rng.below(9) as usize] = true;
        }
        // About 5,000 each; far outside that would mean a broken draw.
        assert!(
            halves.iter().all(|&n| (4_500..5_500).contains(&n)),
            "{halves:?}"
        );
        assert!(seen.iter().all(|&s| s), "{seen:?}");
    }
}
