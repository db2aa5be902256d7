//! A log-bucketed histogram of non-negative durations in bounded memory,
//! for the means and percentiles of waits and sojourn times.
//!
//! A launch-day run can push hundreds of millions of customers through a
//! station, so keeping the samples is out of the question; the histogram
//! keeps a fixed array of counters instead and answers any quantile to
//! within 0.4% relative error. Buckets are logarithmic in the power of two
//! and linear inside it (128 sub-buckets per octave, the layout of
//! HdrHistogram), so the bucket of a value is read straight off the bits of
//! its f64 representation: exponent and top seven mantissa bits, no `ln`.

use std::fmt;

/// Sub-buckets per power of two, as a bit count: 2^7 = 128.
const SUB_BUCKET_BITS: u32 = 7;
/// Smallest bucketed power of two: 2^-20 s ≈ 0.95 µs.
const MIN_EXPONENT: i32 = -20;
/// One past the largest bucketed power of two: 2^40 s ≈ 35 000 years.
const MAX_EXPONENT: i32 = 40;
/// Shift that leaves exponent and top sub-bucket bits of an f64.
const SHIFT: u32 = 52 - SUB_BUCKET_BITS;
/// Bit pattern of 2^MIN_EXPONENT, the lower edge of bucket 1. For positive
/// doubles the bit pattern is monotone in the value, so bucket boundaries
/// are fixed offsets in bit space.
const LOW_BITS: u64 = ((1023 + MIN_EXPONENT) as u64) << 52;
/// Bit pattern of the largest double below 2^MAX_EXPONENT.
const HIGH_BITS: u64 = (((1023 + MAX_EXPONENT) as u64) << 52) - 1;
/// Slot 0 counts exact zeros; slots 1..SLOTS are the log buckets.
const SLOTS: usize = (((MAX_EXPONENT - MIN_EXPONENT) as usize) << SUB_BUCKET_BITS) + 1;

/// Histogram of non-negative durations (s) with quantiles accurate to
/// [`LogHistogram::MAX_RELATIVE_ERROR`] in fixed memory (about 60 KiB).
///
/// - Range: values in [2^-20 s, 2^40 s) (about 1 µs to 35 000 years) land
///   in 60 × 128 log-linear buckets; smaller positive values go to the
///   lowest bucket and larger ones to the top bucket. Reported quantiles
///   are clamped to the exact [min, max], so even out-of-range values are
///   reported sensibly when they are the extremes.
/// - Exact zeros get their own counter. In a queue most customers wait
///   exactly 0 s, and a bucket would report them as "about 1 µs";
///   counting them apart keeps a median wait of 0 exactly 0.
/// - Count, sum, min and max are tracked exactly, so `mean` is exact.
/// - `clear` only zeroes the range of buckets touched since the last
///   clear, so per-interval histograms cost little to reset.
#[derive(Clone)]
pub struct LogHistogram {
    counts: Box<[u64; SLOTS]>,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    /// Lowest and highest slot touched since the last clear (lowest >
    /// highest when empty).
    lowest: usize,
    highest: usize,
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for LogHistogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogHistogram")
            .field("count", &self.count)
            .field("zeros", &self.zeros())
            .field("mean", &self.mean())
            .field("min", &self.min())
            .field("max", &self.max())
            .finish_non_exhaustive()
    }
}

impl LogHistogram {
    /// Worst-case relative error of a reported quantile, 1/256 ≈ 0.39%.
    ///
    /// A bucket spans [b, b + 2^e/128) with b >= 2^e, so its width is at
    /// most 1/128 of any value in it; reporting the midpoint is therefore
    /// off by at most half a width, 1/256 of the true value. (Values
    /// outside the bucketed range are only clamped, not bounded.)
    pub const MAX_RELATIVE_ERROR: f64 = 1.0 / 256.0;

    /// An empty histogram. Allocates its fixed bucket array once (7681
    /// counters); nothing allocates afterwards.
    pub fn new() -> Self {
        let counts: Box<[u64; SLOTS]> =
            vec![0u64; SLOTS].into_boxed_slice().try_into().expect("vector has exactly SLOTS elements");
        Self { counts, count: 0, sum: 0.0, min: f64::INFINITY, max: f64::NEG_INFINITY, lowest: SLOTS, highest: 0 }
    }

    /// Records one duration (s).
    ///
    /// Durations cannot be negative, so a negative or NaN value means a bug
    /// in the engine: debug builds panic on it, release builds count it as
    /// 0 s rather than corrupt the statistics. Branch-free apart from that
    /// debug check: the slot comes from the value's bits, and the zero
    /// case is a conditional move.
    #[inline]
    pub fn record(&mut self, value: f64) {
        debug_assert!(value >= 0.0, "a duration cannot be negative or NaN (got {value})");
        let value = if value > 0.0 { value } else { 0.0 };
        let bits = value.to_bits().clamp(LOW_BITS, HIGH_BITS);
        let bucket = ((bits - LOW_BITS) >> SHIFT) as usize + 1;
        let slot = if value > 0.0 { bucket } else { 0 };
        self.counts[slot] += 1;
        self.lowest = self.lowest.min(slot);
        self.highest = self.highest.max(slot);
        self.count += 1;
        self.sum += value;
        // Plain selects compile to single minsd/maxsd instructions; neither
        // operand can be NaN here, so f64::min's NaN handling is not needed.
        self.min = if value < self.min { value } else { self.min };
        self.max = if value > self.max { value } else { self.max };
    }

    /// Number of recorded values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of recorded values that were exactly 0 s.
    pub fn zeros(&self) -> u64 {
        self.counts[0]
    }

    /// Exact sum of the recorded values (s).
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Exact mean (s); NaN when empty.
    pub fn mean(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.sum / self.count as f64 }
    }

    /// Smallest recorded value (s); NaN when empty.
    pub fn min(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.min }
    }

    /// Largest recorded value (s); NaN when empty.
    pub fn max(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.max }
    }

    /// Number of counters, fixed at construction whatever is recorded.
    pub fn bucket_count(&self) -> usize {
        self.counts.len()
    }

    /// The q-quantile (s) by the nearest-rank definition: the smallest
    /// recorded x with at least ceil(q·n) observations <= x (q <= 0 gives
    /// the minimum, q >= 1 the maximum). Reported as the midpoint of x's
    /// bucket, clamped to [min, max], hence within
    /// [`Self::MAX_RELATIVE_ERROR`] of the exact sample quantile; exactly
    /// 0 when x is 0, and exact for the first and last ranks (the tracked
    /// min and max). NaN when empty or q is NaN.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 || q.is_nan() {
            return f64::NAN;
        }
        let n = self.count as f64;
        let rank = (q * n).ceil().clamp(1.0, n) as u64;
        // The extremes are known exactly.
        if rank == 1 {
            return self.min;
        }
        if rank == self.count {
            return self.max;
        }
        let mut seen = 0;
        for slot in self.lowest..=self.highest {
            seen += self.counts[slot];
            if seen >= rank {
                return self.representative(slot);
            }
        }
        self.max
    }

    /// Fraction of recorded values <= x seconds (the empirical CDF), e.g.
    /// the share of customers served within a target time. Each bucket's
    /// values are taken to sit at its reported representative, so this is
    /// consistent with [`Self::quantile`]: `fraction_at_most(quantile(q))`
    /// is at least q. Exact below the minimum and from the maximum up. NaN
    /// when empty or x is NaN.
    pub fn fraction_at_most(&self, x: f64) -> f64 {
        if self.count == 0 || x.is_nan() {
            return f64::NAN;
        }
        if x < self.min {
            return 0.0;
        }
        if x >= self.max {
            return 1.0;
        }
        let mut at_most = 0;
        for slot in self.lowest..=self.highest {
            if self.representative(slot) > x {
                break;
            }
            at_most += self.counts[slot];
        }
        at_most as f64 / self.count as f64
    }

    /// Forgets everything recorded, keeping the allocation. Only the
    /// touched range of buckets is zeroed, so clearing a per-interval
    /// histogram costs in proportion to the spread of its values.
    pub fn clear(&mut self) {
        if self.lowest <= self.highest {
            self.counts[self.lowest..=self.highest].fill(0);
        }
        self.count = 0;
        self.sum = 0.0;
        self.min = f64::INFINITY;
        self.max = f64::NEG_INFINITY;
        self.lowest = SLOTS;
        self.highest = 0;
    }

    /// Adds everything recorded in `other`, as if its values had been
    /// recorded here (quantiles then match exactly; the sum may differ in
    /// the last bits from recording one by one).
    pub fn merge(&mut self, other: &LogHistogram) {
        if other.count == 0 {
            return;
        }
        for slot in other.lowest..=other.highest {
            self.counts[slot] += other.counts[slot];
        }
        self.lowest = self.lowest.min(other.lowest);
        self.highest = self.highest.max(other.highest);
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The value reported for a slot: 0 for the zero slot, otherwise the
    /// bucket midpoint clamped to the exact [min, max].
    fn representative(&self, slot: usize) -> f64 {
        if slot == 0 {
            return 0.0;
        }
        let lower = f64::from_bits(LOW_BITS + (((slot - 1) as u64) << SHIFT));
        let upper = f64::from_bits(LOW_BITS + ((slot as u64) << SHIFT));
        (0.5 * (lower + upper)).clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Exp1};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Nearest-rank quantile of a sorted sample, the definition the
    /// histogram approximates.
    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        let n = sorted.len() as f64;
        let rank = (q * n).ceil().clamp(1.0, n) as usize;
        sorted[rank - 1]
    }

    const QS: [f64; 12] = [0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0];

    fn assert_quantiles_close(h: &LogHistogram, sorted: &[f64]) {
        for q in QS {
            let exact = exact_quantile(sorted, q);
            let got = h.quantile(q);
            let err = if exact == 0.0 { got.abs() } else { (got / exact - 1.0).abs() };
            assert!(err <= LogHistogram::MAX_RELATIVE_ERROR * (1.0 + 1e-12), "q={q}: {got} vs exact {exact}");
            assert!(err <= 0.01);
        }
    }

    #[test]
    fn quantiles_of_one_to_a_hundred_thousand_are_within_0_4_percent() {
        let mut h = LogHistogram::new();
        let values: Vec<f64> = (1..=100_000).map(f64::from).collect();
        for &v in &values {
            h.record(v);
        }
        assert_quantiles_close(&h, &values);
        assert_eq!(h.count(), 100_000);
        assert_eq!(h.sum(), 5_000_050_000.0);
        assert_eq!(h.mean(), 50_000.5);
        assert_eq!((h.min(), h.max()), (1.0, 100_000.0));
        assert_eq!(h.quantile(1.0), 100_000.0);
        assert_eq!(h.quantile(0.0), 1.0);
    }

    #[test]
    fn quantiles_of_exponential_samples_are_within_0_4_percent() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut h = LogHistogram::new();
        let mut values: Vec<f64> = (0..200_000)
            .map(|_| {
                let e: f64 = Exp1.sample(&mut rng);
                30.0 * e
            })
            .collect();
        for &v in &values {
            h.record(v);
        }
        values.sort_by(f64::total_cmp);
        assert_quantiles_close(&h, &values);
        let exact_mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((h.mean() / exact_mean - 1.0).abs() < 1e-12);
    }

    #[test]
    fn exact_zeros_are_counted_apart_and_reported_as_zero() {
        let mut h = LogHistogram::new();
        for _ in 0..700 {
            h.record(0.0);
        }
        for i in 1..=300 {
            h.record(f64::from(i));
        }
        assert_eq!(h.zeros(), 700);
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile(0.7), 0.0);
        // Rank 703 is the third positive value.
        assert!((h.quantile(0.703) - 3.0).abs() <= 3.0 / 256.0);
        assert_eq!(h.min(), 0.0);
        assert_eq!(h.fraction_at_most(0.0), 0.7);
        assert_eq!(h.fraction_at_most(-1.0), 0.0);
        assert_eq!(h.fraction_at_most(300.0), 1.0);
    }

    #[test]
    fn out_of_range_values_are_clamped_into_the_end_buckets() {
        let mut h = LogHistogram::new();
        h.record(1e-9);
        h.record(1e-8);
        h.record(1e15);
        // The extremes are exact; the middle value shares the lowest bucket
        // [2^-20, 2^-20 (1 + 1/128)) with the minimum and reads as its midpoint.
        assert_eq!(h.quantile(0.0), 1e-9);
        assert_eq!(h.quantile(0.5), 2f64.powi(-20) * (1.0 + 1.0 / 256.0));
        assert_eq!(h.quantile(1.0), 1e15);
        assert_eq!(h.count(), 3);
    }

    #[test]
    fn empty_histogram_reports_nan() {
        let h = LogHistogram::new();
        assert_eq!(h.count(), 0);
        assert!(h.mean().is_nan() && h.min().is_nan() && h.max().is_nan());
        assert!(h.quantile(0.5).is_nan());
        assert!(h.fraction_at_most(1.0).is_nan());
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn negative_and_nan_values_count_as_zero_in_release_builds() {
        let mut h = LogHistogram::new();
        h.record(-1.0);
        h.record(f64::NAN);
        assert_eq!(h.zeros(), 2);
        assert_eq!(h.sum(), 0.0);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "a duration cannot be negative")]
    fn negative_values_panic_in_debug_builds() {
        LogHistogram::new().record(-1.0);
    }

    #[test]
    fn clear_then_reuse_behaves_like_a_new_histogram() {
        let mut h = LogHistogram::new();
        for i in 0..10_000 {
            h.record(f64::from(i) * 0.37);
        }
        h.clear();
        assert_eq!(h.count(), 0);
        assert!(h.quantile(0.5).is_nan());
        assert!(h.counts.iter().all(|&c| c == 0));
        for v in [5.0, 1.0, 3.0] {
            h.record(v);
        }
        assert_eq!(h.count(), 3);
        assert_eq!((h.min(), h.max(), h.mean()), (1.0, 5.0, 3.0));
        assert!((h.quantile(0.5) / 3.0 - 1.0).abs() <= LogHistogram::MAX_RELATIVE_ERROR);
        assert_eq!(h.zeros(), 0);
    }

    #[test]
    fn merge_equals_recording_both_streams() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let (mut a, mut b, mut both) = (LogHistogram::new(), LogHistogram::new(), LogHistogram::new());
        for i in 0..50_000 {
            let e: f64 = Exp1.sample(&mut rng);
            let v = if i % 3 == 0 { 0.0 } else { e * if i % 2 == 0 { 1.0 } else { 1e4 } };
            if i % 2 == 0 {
                a.record(v)
            } else {
                b.record(v)
            }
            both.record(v);
        }
        a.merge(&b);
        assert_eq!(a.count(), both.count());
        assert_eq!(a.zeros(), both.zeros());
        assert_eq!((a.min(), a.max()), (both.min(), both.max()));
        assert!((a.sum() / both.sum() - 1.0).abs() < 1e-12);
        assert!(a.counts.iter().zip(both.counts.iter()).all(|(x, y)| x == y));
        for q in QS {
            assert_eq!(a.quantile(q), both.quantile(q));
        }
        // Merging an empty histogram changes nothing.
        let before = a.quantile(0.9);
        a.merge(&LogHistogram::new());
        assert_eq!(a.quantile(0.9), before);
    }

    #[test]
    fn memory_is_fixed_whatever_the_count() {
        let mut h = LogHistogram::new();
        let buckets = h.bucket_count();
        assert_eq!(buckets, 60 * 128 + 1);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..1_000_000 {
            let e: f64 = Exp1.sample(&mut rng);
            h.record(e * 1e3);
        }
        assert_eq!(h.bucket_count(), buckets);
        assert_eq!(std::mem::size_of::<LogHistogram>(), std::mem::size_of_val(&h));
    }

    #[test]
    fn bucket_edges_follow_powers_of_two_and_sub_buckets() {
        let mut h = LogHistogram::new();
        h.record(1.0);
        h.record(1.0 + 1.0 / 128.0);
        h.record(2.0);
        // Three distinct buckets: [1, 1+1/128), [1+1/128, 1+2/128), [2, 2+1/64).
        assert_eq!(h.highest - h.lowest, 128);
        assert_eq!(h.counts[h.lowest], 1);
        assert_eq!(h.counts[h.lowest + 1], 1);
    }

    #[test]
    fn fraction_at_most_is_consistent_with_quantile() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut h = LogHistogram::new();
        for _ in 0..10_000 {
            let e: f64 = Exp1.sample(&mut rng);
            h.record(e);
        }
        for q in QS {
            assert!(h.fraction_at_most(h.quantile(q)) >= q);
        }
        let exact_share = 1.0 - (-1.0f64).exp();
        assert!((h.fraction_at_most(1.0) - exact_share).abs() < 0.02);
    }
}
