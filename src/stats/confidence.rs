//! Inference across independent replications: running moments, Student-t
//! confidence intervals and the Bonferroni correction.
//!
//! Each replication of a scenario yields one number per metric (mean wait,
//! 95th percentile sojourn, ...). Replications are independent and, for
//! the averages a simulation reports, close to normal, so the classical
//! Student-t interval applies: mean ± t(1 - α/2, n - 1) · s / √n.

use crate::special::student_t_quantile;

/// Running count, mean and variance by Welford's algorithm: one pass, no
/// stored values, and none of the cancellation of Σx² - n·mean².
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningMoments {
    n: u64,
    mean: f64,
    /// Sum of squared deviations from the running mean.
    m2: f64,
}

impl RunningMoments {
    /// No observations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sample mean; NaN with no observations.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// Sample variance with Bessel's correction (divides by n - 1), the
    /// unbiased estimator; NaN with fewer than two observations.
    pub fn variance(&self) -> f64 {
        if self.n < 2 { f64::NAN } else { self.m2 / (self.n - 1) as f64 }
    }

    /// Sample standard deviation, √variance; NaN with fewer than two
    /// observations.
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }
}

/// A two-sided confidence interval for a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfidenceInterval {
    /// Sample mean (NaN with no values).
    pub mean: f64,
    /// Half the interval's width (NaN with fewer than two values).
    pub half_width: f64,
    /// mean - half_width.
    pub lower: f64,
    /// mean + half_width.
    pub upper: f64,
    /// Number of values the interval was computed from.
    pub n: usize,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

impl ConfidenceInterval {
    /// Student-t interval for the mean of `values` (independent, roughly
    /// normal) at confidence `level` in (0, 1):
    /// mean ± t(½ + level/2, n - 1) · s / √n.
    ///
    /// With fewer than two values the spread is unknown, so `half_width`,
    /// `lower` and `upper` are NaN (the mean is still given for n = 1 and
    /// NaN for n = 0), and [`contains`](Self::contains) is false. A level
    /// outside (0, 1) likewise gives a NaN half-width. Identical values give
    /// a zero-width interval.
    pub fn student_t(values: &[f64], level: f64) -> ConfidenceInterval {
        let mut moments = RunningMoments::new();
        for &v in values {
            moments.push(v);
        }
        let n = values.len();
        let mean = moments.mean();
        let half_width = if n >= 2 && level > 0.0 && level < 1.0 {
            let t = student_t_quantile(0.5 + 0.5 * level, (n - 1) as f64);
            t * moments.std_dev() / (n as f64).sqrt()
        } else {
            f64::NAN
        };
        ConfidenceInterval { mean, half_width, lower: mean - half_width, upper: mean + half_width, n, level }
    }

    /// Whether `x` lies in [lower, upper]; false when the interval is
    /// undefined (NaN bounds) or x is NaN.
    pub fn contains(&self, x: f64) -> bool {
        x >= self.lower && x <= self.upper
    }
}

/// The per-comparison confidence level that gives family-wise confidence
/// `level` over `comparisons` simultaneous intervals (Bonferroni):
/// 1 - (1 - level) / comparisons. Conservative (the family covers with
/// probability at least `level`) whatever the dependence between the
/// intervals. Zero or one comparison returns `level` unchanged.
pub fn bonferroni_level(level: f64, comparisons: usize) -> f64 {
    if comparisons <= 1 {
        return level;
    }
    1.0 - (1.0 - level) / comparisons as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn running_moments_match_the_two_pass_formulas() {
        let mut m = RunningMoments::new();
        assert!(m.mean().is_nan() && m.variance().is_nan());
        m.push(2.0);
        assert_eq!(m.mean(), 2.0);
        assert!(m.variance().is_nan());
        for x in [4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            m.push(x);
        }
        assert_eq!(m.count(), 8);
        assert_eq!(m.mean(), 5.0);
        assert!((m.variance() - 32.0 / 7.0).abs() < 1e-14);
        assert!((m.std_dev() - (32.0f64 / 7.0).sqrt()).abs() < 1e-14);
    }

    #[test]
    fn running_moments_survive_a_large_offset() {
        let mut m = RunningMoments::new();
        for x in [1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0] {
            m.push(x);
        }
        assert!((m.variance() - 30.0).abs() < 1e-6);
    }

    #[test]
    fn student_t_interval_matches_a_hand_computed_example() {
        // Mean 3, s² = 2.5, t(0.975, 4) = 2.7764451051977944 (30-digit value).
        let ci = ConfidenceInterval::student_t(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95);
        let expected = 2.776_445_105_197_794_4 * (2.5f64 / 5.0).sqrt();
        assert_eq!(ci.mean, 3.0);
        assert!((ci.half_width - expected).abs() < 1e-12, "{}", ci.half_width);
        assert!((ci.half_width - 1.963_243_161_477_557_7).abs() < 1e-13);
        assert_eq!((ci.lower, ci.upper), (3.0 - ci.half_width, 3.0 + ci.half_width));
        assert_eq!((ci.n, ci.level), (5, 0.95));
        assert!(ci.contains(1.1) && ci.contains(4.9) && !ci.contains(5.0));
    }

    #[test]
    fn fewer_than_two_values_give_an_undefined_interval() {
        let one = ConfidenceInterval::student_t(&[4.0], 0.95);
        assert_eq!(one.mean, 4.0);
        assert!(one.half_width.is_nan() && one.lower.is_nan() && one.upper.is_nan());
        assert!(!one.contains(4.0));
        let none = ConfidenceInterval::student_t(&[], 0.95);
        assert_eq!(none.n, 0);
        assert!(none.mean.is_nan() && none.half_width.is_nan());
    }

    #[test]
    fn identical_values_give_a_zero_width_interval() {
        let ci = ConfidenceInterval::student_t(&[2.5, 2.5, 2.5], 0.99);
        assert_eq!(ci.half_width, 0.0);
        assert!(ci.contains(2.5));
    }

    #[test]
    fn ninety_five_percent_intervals_cover_the_true_mean_about_95_percent_of_the_time() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
        let trials = 2000;
        let mut covered = 0;
        for _ in 0..trials {
            let sample: Vec<f64> = (0..10)
                .map(|_| {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    7.0 + 3.0 * z
                })
                .collect();
            if ConfidenceInterval::student_t(&sample, 0.95).contains(7.0) {
                covered += 1;
            }
        }
        let rate = f64::from(covered) / f64::from(trials);
        assert!((0.93..=0.97).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn bonferroni_level_splits_the_error_rate() {
        assert!((bonferroni_level(0.95, 10) - 0.995).abs() < 1e-15);
        assert_eq!(bonferroni_level(0.95, 1), 0.95);
        assert_eq!(bonferroni_level(0.95, 0), 0.95);
        // Wider than the single interval.
        let values = [1.0, 2.0, 4.0, 3.0];
        let single = ConfidenceInterval::student_t(&values, 0.95);
        let family = ConfidenceInterval::student_t(&values, bonferroni_level(0.95, 5));
        assert!(family.half_width > single.half_width);
    }
}
