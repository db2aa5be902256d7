//! Probability distributions of durations: service times, patience times
//! and first-arrival times of a population, all in seconds.
//!
//! A [`TimeDistribution`] is built once per scenario by a validating
//! constructor and then sampled once or more per simulated event, so the
//! split of work is deliberate: constructors check every parameter and
//! precompute whatever a draw needs (the rand_distr samplers, the sorted
//! values of an empirical list), and [`TimeDistribution::sample`] is a
//! single `match` with no allocation and no recomputed parameter. The
//! analytic side (mean, variance, squared coefficient of variation, CDF,
//! quantile) serves queueing formulas such as Pollaczek–Khinchine, reports,
//! and the arrival generator, which inverts order statistics through
//! [`TimeDistribution::quantile`] and therefore needs it monotone and
//! accurate out to p = 1e-12 and 1 - 1e-12.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Weibull};

use crate::special::{inverse_regularized_gamma_p, ln_gamma, normal_cdf, normal_quantile, regularized_gamma_p};
use crate::units::MAX_DURATION;

/// Smallest coefficient of variation accepted by [`TimeDistribution::gamma`]:
/// shape 1/cv² = 1e6. Beyond it the incomplete-gamma evaluations behind
/// `cdf` and `quantile` need O(√shape) terms and become slow, while the
/// distribution is indistinguishable from a deterministic one.
const GAMMA_MIN_CV: f64 = 1e-3;

/// Largest coefficient of variation accepted by the lognormal and gamma
/// constructors. Larger values put essentially all the mass at 0 with the
/// mean carried by draws too rare to ever appear in a simulation.
const MAX_CV: f64 = 1e3;

/// Smallest Weibull shape accepted: below it Γ(1 + 2/shape), and with it
/// the variance, overflows an f64.
const WEIBULL_MIN_SHAPE: f64 = 0.02;

/// Tolerance on the end probabilities of an empirical CDF (0 at the first
/// point, 1 at the last): values this close are snapped to 0 and 1, so
/// that rounded decimal input is accepted.
const CDF_END_TOLERANCE: f64 = 1e-9;

/// Why a distribution could not be built. Every message names the
/// offending parameter, states the allowed range and shows the value given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A scalar parameter lies outside its allowed range.
    #[error("{param} must be {allowed} (got {value})")]
    OutOfRange {
        /// Parameter name as written in a scenario (`mean`, `cv`, ...).
        param: &'static str,
        /// The allowed range, e.g. "> 0 s".
        allowed: &'static str,
        /// The value given.
        value: f64,
    },
    /// A uniform distribution with its bounds the wrong way round.
    #[error("min must be <= max (got min {min} s, max {max} s)")]
    UniformBounds {
        /// Lower bound given, in seconds.
        min: f64,
        /// Upper bound given, in seconds.
        max: f64,
    },
    /// An empirical list of durations with nothing in it.
    #[error("values must hold at least one duration (got none)")]
    NoValues,
    /// An empirical duration that is negative, too long or NaN.
    #[error("values[{index}] must be >= 0 s and <= 36600d (got {value})")]
    BadValue {
        /// Zero-based position in the list.
        index: usize,
        /// The value given, in seconds.
        value: f64,
    },
    /// An empirical CDF with fewer than two points.
    #[error("cdf needs at least 2 points (got {count})")]
    TooFewPoints {
        /// Number of points given.
        count: usize,
    },
    /// An empirical CDF point whose duration is negative, too long, or
    /// below the previous point's.
    #[error("cdf[{index}] duration must be >= 0 s, <= 36600d and >= the previous point's (got {x} s)")]
    BadCdfDuration {
        /// Zero-based position of the point.
        index: usize,
        /// The duration given, in seconds.
        x: f64,
    },
    /// An empirical CDF point whose probability is outside [0, 1] or below
    /// the previous point's.
    #[error("cdf[{index}] probability must be in [0, 1] and >= the previous point's (got {p})")]
    BadCdfProbability {
        /// Zero-based position of the point.
        index: usize,
        /// The probability given.
        p: f64,
    },
    /// An empirical CDF that does not run from 0 to 1.
    #[error("cdf probabilities must run from 0 at the first point to 1 at the last (got {first} to {last})")]
    BadCdfEnds {
        /// Probability at the first point.
        first: f64,
        /// Probability at the last point.
        last: f64,
    },
}

/// Checks `value > 0` and finite (NaN fails the first test, so its message
/// reads "must be > 0 (got NaN)").
fn positive(param: &'static str, allowed: &'static str, value: f64) -> Result<f64, DistError> {
    if value > 0.0 && value.is_finite() { Ok(value) } else { Err(DistError::OutOfRange { param, allowed, value }) }
}

/// Checks a duration parameter (a mean, a value, a bound, a scale): above
/// 0 (or at least 0 with `zero_allowed`) and at most [`MAX_DURATION`], the
/// longest duration a scenario may write. With that bound and the limits
/// on `cv` and the Weibull shape, every draw is a finite number of seconds
/// (the heaviest tail allowed, Weibull of shape 0.02, stays below 1e90 s).
fn duration(param: &'static str, value: f64, zero_allowed: bool) -> Result<f64, DistError> {
    let low_ok = if zero_allowed { value >= 0.0 } else { value > 0.0 };
    if low_ok && value <= MAX_DURATION {
        return Ok(value);
    }
    let allowed = if zero_allowed { ">= 0 s and <= 36600d" } else { "> 0 s and <= 36600d" };
    Err(DistError::OutOfRange { param, allowed, value })
}

/// A distribution of durations in seconds (service, patience or
/// first-arrival times), always non-negative.
///
/// Built only through the validating constructors, so every instance is
/// usable: sampling never fails and never allocates. Comparing two
/// distributions with `==` compares their parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeDistribution {
    kind: Kind,
}

/// The variants, with whatever each draw needs precomputed.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Exponential {
        mean: f64,
    },
    Deterministic {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
        width: f64,
    },
    LogNormal {
        mean: f64,
        cv: f64,
        mu: f64,
        sigma: f64,
        sampler: LogNormal<f64>,
    },
    Gamma {
        mean: f64,
        cv: f64,
        sampler: Gamma<f64>,
    },
    Weibull {
        shape: f64,
        scale: f64,
        sampler: Weibull<f64>,
    },
    /// Values sorted ascending: resampling does not care about order, and
    /// sorting makes the CDF and quantile binary searches.
    EmpiricalValues {
        sorted: Box<[f64]>,
        mean: f64,
        variance: f64,
    },
    /// Points (x, F(x)) with F running from exactly 0 to exactly 1.
    EmpiricalCdf {
        points: Box<[(f64, f64)]>,
        mean: f64,
        variance: f64,
    },
}

impl TimeDistribution {
    /// Exponential with the given mean (s): memoryless, squared coefficient
    /// of variation 1. Requires 0 < mean <= [`MAX_DURATION`].
    pub fn exponential(mean: f64) -> Result<Self, DistError> {
        let mean = duration("mean", mean, false)?;
        Ok(Self { kind: Kind::Exponential { mean } })
    }

    /// Always exactly `value` seconds. Requires 0 <= value <= [`MAX_DURATION`].
    pub fn deterministic(value: f64) -> Result<Self, DistError> {
        let value = duration("value", value, true)?;
        Ok(Self { kind: Kind::Deterministic { value } })
    }

    /// Uniform on [min, max] (s). Requires 0 <= min <= max <= [`MAX_DURATION`]; min = max
    /// is allowed and behaves as deterministic.
    pub fn uniform(min: f64, max: f64) -> Result<Self, DistError> {
        let min = duration("min", min, true)?;
        let max = duration("max", max, true)?;
        if min > max {
            return Err(DistError::UniformBounds { min, max });
        }
        Ok(Self { kind: Kind::Uniform { min, max, width: max - min } })
    }

    /// Lognormal with the given mean (s) and coefficient of variation
    /// cv = standard deviation / mean, the parameters a capacity planner
    /// measures. The underlying normal has σ² = ln(1 + cv²) and
    /// μ = ln(mean) - σ²/2. Requires 0 < mean <= [`MAX_DURATION`] and
    /// 0 < cv <= 1000.
    pub fn lognormal(mean: f64, cv: f64) -> Result<Self, DistError> {
        let mean = duration("mean", mean, false)?;
        let cv = positive("cv", "> 0 and <= 1000", cv)?;
        if cv > MAX_CV {
            return Err(DistError::OutOfRange { param: "cv", allowed: "> 0 and <= 1000", value: cv });
        }
        let sigma2 = (cv * cv).ln_1p();
        let sigma = sigma2.sqrt();
        let mu = mean.ln() - 0.5 * sigma2;
        let sampler = LogNormal::new(mu, sigma).map_err(|_| DistError::OutOfRange {
            param: "mean",
            allowed: "> 0 s",
            value: mean,
        })?;
        Ok(Self { kind: Kind::LogNormal { mean, cv, mu, sigma, sampler } })
    }

    /// Gamma with the given mean (s) and coefficient of variation: shape
    /// 1/cv², scale mean·cv². cv = 1 is the exponential, cv < 1 is
    /// Erlang-like, cv > 1 is more variable. Requires 0 < mean <=
    /// [`MAX_DURATION`] and 0.001 <= cv <= 1000 (below 0.001 use `deterministic`).
    pub fn gamma(mean: f64, cv: f64) -> Result<Self, DistError> {
        let mean = duration("mean", mean, false)?;
        if !(GAMMA_MIN_CV..=MAX_CV).contains(&cv) {
            return Err(DistError::OutOfRange { param: "cv", allowed: ">= 0.001 and <= 1000", value: cv });
        }
        let shape = 1.0 / (cv * cv);
        let scale = mean * cv * cv;
        let sampler = Gamma::new(shape, scale)
            .ok()
            .filter(|_| scale > 0.0 && scale.is_finite())
            .ok_or(DistError::OutOfRange { param: "mean", allowed: "> 0 s and representable", value: mean })?;
        Ok(Self { kind: Kind::Gamma { mean, cv, sampler } })
    }

    /// Weibull with the given shape k (dimensionless) and scale λ (s):
    /// F(x) = 1 - exp(-(x/λ)^k). k < 1 has a decreasing hazard (heavy
    /// tail), k = 1 is exponential, k > 1 an increasing one. Requires
    /// 0.02 <= shape < ∞ (below, the variance overflows) and
    /// 0 < scale <= [`MAX_DURATION`].
    pub fn weibull(shape: f64, scale: f64) -> Result<Self, DistError> {
        if !(shape >= WEIBULL_MIN_SHAPE && shape.is_finite()) {
            return Err(DistError::OutOfRange { param: "shape", allowed: ">= 0.02", value: shape });
        }
        let scale = duration("scale", scale, false)?;
        let sampler = Weibull::new(scale, shape).map_err(|_| DistError::OutOfRange {
            param: "scale",
            allowed: "> 0 s",
            value: scale,
        })?;
        Ok(Self { kind: Kind::Weibull { shape, scale, sampler } })
    }

    /// Resamples uniformly from a list of observed durations (s), each
    /// with probability 1/n (repeats count as often as they appear).
    /// Requires a non-empty list of values from 0 to [`MAX_DURATION`].
    pub fn empirical_values(values: Vec<f64>) -> Result<Self, DistError> {
        if values.is_empty() {
            return Err(DistError::NoValues);
        }
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| duration("values", **v, true).is_err()) {
            return Err(DistError::BadValue { index, value });
        }
        let mut sorted = values.into_boxed_slice();
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len() as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        // Population variance: the resampling distribution puts 1/n on each.
        let variance = sorted.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        Ok(Self { kind: Kind::EmpiricalValues { sorted, mean, variance } })
    }

    /// A piecewise-linear CDF through points (x seconds, F(x)), with
    /// linear interpolation between them: the density is uniform on each
    /// segment, a vertical step (two points with equal x) is an atom and a
    /// flat segment is a gap. Requires at least 2 points, x from 0 to
    /// [`MAX_DURATION`] and nondecreasing, F nondecreasing from 0 at the first point to 1 at
    /// the last (end values within 1e-9 of 0 and 1 are snapped).
    pub fn empirical_cdf(points: Vec<(f64, f64)>) -> Result<Self, DistError> {
        if points.len() < 2 {
            return Err(DistError::TooFewPoints { count: points.len() });
        }
        let mut previous = (0.0, 0.0);
        for (index, &(x, p)) in points.iter().enumerate() {
            if !(x >= previous.0 && x <= MAX_DURATION) {
                return Err(DistError::BadCdfDuration { index, x });
            }
            if !(p >= previous.1 && p <= 1.0) {
                return Err(DistError::BadCdfProbability { index, p });
            }
            previous = (x, p);
        }
        let mut points = points.into_boxed_slice();
        let last = points.len() - 1;
        let (first_p, last_p) = (points[0].1, points[last].1);
        if first_p > CDF_END_TOLERANCE || last_p < 1.0 - CDF_END_TOLERANCE {
            return Err(DistError::BadCdfEnds { first: first_p, last: last_p });
        }
        points[0].1 = 0.0;
        points[last].1 = 1.0;
        // Uniform within each segment: the law of total variance gives the
        // variance without the cancellation of E[X²] - E[X]².
        let segments = || points.windows(2).map(|w| (w[1].1 - w[0].1, w[0].0, w[1].0));
        let mean: f64 = segments().map(|(mass, a, b)| mass * 0.5 * (a + b)).sum();
        let variance: f64 = segments()
            .map(|(mass, a, b)| {
                let centre = 0.5 * (a + b) - mean;
                mass * (centre * centre + (b - a) * (b - a) / 12.0)
            })
            .sum();
        Ok(Self { kind: Kind::EmpiricalCdf { points, mean, variance } })
    }

    /// Draws one duration (s).
    ///
    /// One `match` on precomputed state: the exponential is rand_distr's
    /// `Exp1` ziggurat times the mean (about one 64-bit draw and a table
    /// lookup), the uniform and empirical list take one 64-bit draw, the
    /// lognormal, gamma and Weibull use prebuilt rand_distr samplers, and
    /// the empirical CDF inverts a uniform draw by binary search. Never
    /// allocates.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                e * mean
            }
            Kind::Deterministic { value } => *value,
            Kind::Uniform { min, width, .. } => min + width * rng.random::<f64>(),
            Kind::LogNormal { sampler, .. } => sampler.sample(rng),
            Kind::Gamma { sampler, .. } => sampler.sample(rng),
            Kind::Weibull { sampler, .. } => sampler.sample(rng),
            Kind::EmpiricalValues { sorted, .. } => {
                // Multiply-shift maps 64 random bits onto 0..n with a bias
                // below n / 2^64, far beneath any simulation's resolution.
                let index = ((u128::from(rng.next_u64()) * sorted.len() as u128) >> 64) as usize;
                sorted[index]
            }
            Kind::EmpiricalCdf { points, .. } => cdf_points_quantile(points, rng.random::<f64>()),
        }
    }

    /// Mean duration (s).
    pub fn mean(&self) -> f64 {
        match &self.kind {
            Kind::Exponential { mean } | Kind::LogNormal { mean, .. } | Kind::Gamma { mean, .. } => *mean,
            Kind::Deterministic { value } => *value,
            Kind::Uniform { min, max, .. } => 0.5 * (min + max),
            Kind::Weibull { shape, scale, .. } => scale * ln_gamma(1.0 + 1.0 / shape).exp(),
            Kind::EmpiricalValues { mean, .. } | Kind::EmpiricalCdf { mean, .. } => *mean,
        }
    }

    /// Variance (s²).
    pub fn variance(&self) -> f64 {
        match &self.kind {
            Kind::Exponential { mean } => mean * mean,
            Kind::Deterministic { .. } => 0.0,
            Kind::Uniform { width, .. } => width * width / 12.0,
            Kind::LogNormal { mean, cv, .. } | Kind::Gamma { mean, cv, .. } => (mean * cv) * (mean * cv),
            Kind::Weibull { .. } => {
                let mean = self.mean();
                mean * mean * self.scv()
            }
            Kind::EmpiricalValues { variance, .. } | Kind::EmpiricalCdf { variance, .. } => *variance,
        }
    }

    /// Squared coefficient of variation, variance / mean² (dimensionless):
    /// the service-time term of the Pollaczek–Khinchine formula,
    /// `E[W] = ρ/(1-ρ) · (1 + scv)/2 · E[S]`. 1 for the exponential, 0 for
    /// the deterministic, and 0 for any distribution with no spread
    /// (including one concentrated at 0, where the ratio is 0/0).
    pub fn scv(&self) -> f64 {
        match &self.kind {
            Kind::Exponential { .. } => 1.0,
            Kind::Deterministic { .. } => 0.0,
            Kind::LogNormal { cv, .. } | Kind::Gamma { cv, .. } => cv * cv,
            Kind::Weibull { shape, .. } => {
                // Γ(1 + 2/k) / Γ(1 + 1/k)² - 1, via expm1 so that nearly
                // deterministic shapes (large k) keep their accuracy.
                (ln_gamma(1.0 + 2.0 / shape) - 2.0 * ln_gamma(1.0 + 1.0 / shape)).exp_m1()
            }
            Kind::Uniform { .. } | Kind::EmpiricalValues { .. } | Kind::EmpiricalCdf { .. } => {
                let variance = self.variance();
                if variance > 0.0 {
                    let mean = self.mean();
                    variance / (mean * mean)
                } else {
                    0.0
                }
            }
        }
    }

    /// Cumulative distribution function P(X <= x) at x seconds. 0 below
    /// the support, 1 above it, NaN for NaN.
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        match &self.kind {
            Kind::Exponential { mean } => {
                if x <= 0.0 {
                    0.0
                } else {
                    -(-x / mean).exp_m1()
                }
            }
            Kind::Deterministic { value } => {
                if x >= *value {
                    1.0
                } else {
                    0.0
                }
            }
            Kind::Uniform { min, max, width } => {
                if x < *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else {
                    (x - min) / width
                }
            }
            Kind::LogNormal { mu, sigma, .. } => {
                if x <= 0.0 {
                    0.0
                } else {
                    normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Kind::Gamma { mean, cv, .. } => {
                let (shape, scale) = gamma_shape_scale(*mean, *cv);
                regularized_gamma_p(shape, x / scale)
            }
            Kind::Weibull { shape, scale, .. } => {
                if x <= 0.0 {
                    0.0
                } else {
                    -(-(x / scale).powf(*shape)).exp_m1()
                }
            }
            Kind::EmpiricalValues { sorted, .. } => sorted.partition_point(|v| *v <= x) as f64 / sorted.len() as f64,
            Kind::EmpiricalCdf { points, .. } => {
                // Last point with x_i <= x; interpolate towards the next.
                let i = points.partition_point(|pt| pt.0 <= x);
                if i == 0 {
                    0.0
                } else if i == points.len() {
                    1.0
                } else {
                    let (x0, p0) = points[i - 1];
                    let (x1, p1) = points[i];
                    p0 + (p1 - p0) * (x - x0) / (x1 - x0)
                }
            }
        }
    }

    /// Quantile (inverse CDF) at probability p in [0, 1], in seconds: the
    /// smallest x with P(X <= x) >= p. NaN for p outside [0, 1].
    ///
    /// Closed forms for the exponential (via ln_1p, exact near p = 0),
    /// uniform, Weibull and lognormal (through [`normal_quantile`], which
    /// works with 1 - p in the upper tail); a safeguarded Newton iteration
    /// for the gamma; binary searches for the empirical forms. The arrival
    /// generator inverts order statistics of millions of arrivals through
    /// this function, so it is nondecreasing in p and accurate in both
    /// tails. p = 1 gives the supremum of the support, which is +∞ for the
    /// exponential, lognormal, gamma and Weibull.
    pub fn quantile(&self, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        match &self.kind {
            Kind::Exponential { mean } => -mean * (-p).ln_1p(),
            Kind::Deterministic { value } => *value,
            Kind::Uniform { min, max, width } => {
                if p == 1.0 {
                    *max
                } else {
                    (min + width * p).min(*max)
                }
            }
            Kind::LogNormal { mu, sigma, .. } => (mu + sigma * normal_quantile(p)).exp(),
            Kind::Gamma { mean, cv, .. } => {
                let (shape, scale) = gamma_shape_scale(*mean, *cv);
                scale * inverse_regularized_gamma_p(shape, p)
            }
            Kind::Weibull { shape, scale, .. } => scale * (-(-p).ln_1p()).powf(1.0 / shape),
            Kind::EmpiricalValues { sorted, .. } => {
                // Nearest rank: the k-th smallest with k = ceil(p n), k >= 1.
                let n = sorted.len();
                let k = ((p * n as f64).ceil() as usize).clamp(1, n);
                sorted[k - 1]
            }
            Kind::EmpiricalCdf { points, .. } => cdf_points_quantile(points, p),
        }
    }

    /// One-line description for reports, e.g.
    /// "lognormal(mean 180 s, cv 0.8)". Numbers show at most six
    /// significant digits.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Exponential { mean } => format!("exponential(mean {} s)", num(*mean)),
            Kind::Deterministic { value } => format!("deterministic({} s)", num(*value)),
            Kind::Uniform { min, max, .. } => format!("uniform(min {} s, max {} s)", num(*min), num(*max)),
            Kind::LogNormal { mean, cv, .. } => format!("lognormal(mean {} s, cv {})", num(*mean), num(*cv)),
            Kind::Gamma { mean, cv, .. } => format!("gamma(mean {} s, cv {})", num(*mean), num(*cv)),
            Kind::Weibull { shape, scale, .. } => format!("weibull(shape {}, scale {} s)", num(*shape), num(*scale)),
            Kind::EmpiricalValues { sorted, mean, .. } => {
                format!("empirical({} values, mean {} s)", sorted.len(), num(*mean))
            }
            Kind::EmpiricalCdf { points, .. } => format!(
                "empirical cdf({} points, {} s to {} s)",
                points.len(),
                num(points[0].0),
                num(points[points.len() - 1].0)
            ),
        }
    }

    /// The same distribution with every duration multiplied by `factor`
    /// (for unit changes and load sweeps): means scale by `factor`,
    /// coefficients of variation and shapes are unchanged.
    ///
    /// # Panics
    /// If `factor` is not finite and > 0, or if scaling pushes a duration
    /// out of the f64 range (a programming error, not an input error).
    pub fn scaled(&self, factor: f64) -> Self {
        assert!(factor > 0.0 && factor.is_finite(), "scale factor must be finite and > 0 (got {factor})");
        let rebuilt = match &self.kind {
            Kind::Exponential { mean } => Self::exponential(mean * factor),
            Kind::Deterministic { value } => Self::deterministic(value * factor),
            Kind::Uniform { min, max, .. } => Self::uniform(min * factor, max * factor),
            Kind::LogNormal { mean, cv, .. } => Self::lognormal(mean * factor, *cv),
            Kind::Gamma { mean, cv, .. } => Self::gamma(mean * factor, *cv),
            Kind::Weibull { shape, scale, .. } => Self::weibull(*shape, scale * factor),
            Kind::EmpiricalValues { sorted, .. } => Self::empirical_values(sorted.iter().map(|v| v * factor).collect()),
            Kind::EmpiricalCdf { points, .. } => {
                Self::empirical_cdf(points.iter().map(|&(x, p)| (x * factor, p)).collect())
            }
        };
        rebuilt.unwrap_or_else(|e| panic!("scaling {} by {factor} left the f64 range: {e}", self.describe()))
    }
}

/// Gamma shape 1/cv² and scale mean·cv² (s).
fn gamma_shape_scale(mean: f64, cv: f64) -> (f64, f64) {
    let cv2 = cv * cv;
    (1.0 / cv2, mean * cv2)
}

/// Inverse of a piecewise-linear CDF: the smallest x with F(x) >= p.
fn cdf_points_quantile(points: &[(f64, f64)], p: f64) -> f64 {
    // First point with F >= p; the segment before it has F0 < p <= F1,
    // so F1 - F0 > 0 and the interpolation is well defined.
    let j = points.partition_point(|pt| pt.1 < p);
    if j == 0 {
        return points[0].0;
    }
    let Some(&(x1, p1)) = points.get(j) else { return points[points.len() - 1].0 };
    let (x0, p0) = points[j - 1];
    (x0 + (x1 - x0) * (p - p0) / (p1 - p0)).min(x1)
}

/// Formats a number with at most six significant digits, without trailing
/// zeros: 180 -> "180", 0.8 -> "0.8", 1/3 -> "0.333333".
fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    if (-4..12).contains(&magnitude) {
        let decimals = (5 - magnitude).max(0) as usize;
        let text = format!("{x:.decimals$}");
        if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
    } else {
        let text = format!("{x:.5e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if mantissa.contains('.') => {
                format!("{}e{exponent}", mantissa.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn all_kinds() -> Vec<TimeDistribution> {
        vec![
            TimeDistribution::exponential(180.0).unwrap(),
            TimeDistribution::deterministic(2.5).unwrap(),
            TimeDistribution::uniform(60.0, 300.0).unwrap(),
            TimeDistribution::lognormal(180.0, 0.8).unwrap(),
            TimeDistribution::lognormal(2.0, 3.0).unwrap(),
            TimeDistribution::gamma(10.0, 0.5).unwrap(),
            TimeDistribution::gamma(10.0, 2.0).unwrap(),
            TimeDistribution::weibull(1.5, 200.0).unwrap(),
            TimeDistribution::weibull(0.6, 30.0).unwrap(),
            TimeDistribution::empirical_values(vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]).unwrap(),
            TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (10.0, 0.5), (10.0, 0.7), (40.0, 1.0)]).unwrap(),
        ]
    }

    #[test]
    fn every_constructor_rejects_out_of_range_parameters_with_a_clear_message() {
        let err = |r: Result<TimeDistribution, DistError>| r.unwrap_err().to_string();
        assert_eq!(err(TimeDistribution::exponential(-3.0)), "mean must be > 0 s and <= 36600d (got -3)");
        assert_eq!(err(TimeDistribution::exponential(0.0)), "mean must be > 0 s and <= 36600d (got 0)");
        assert_eq!(err(TimeDistribution::exponential(f64::NAN)), "mean must be > 0 s and <= 36600d (got NaN)");
        assert_eq!(err(TimeDistribution::exponential(f64::INFINITY)), "mean must be > 0 s and <= 36600d (got inf)");
        assert_eq!(err(TimeDistribution::deterministic(-1.0)), "value must be >= 0 s and <= 36600d (got -1)");
        assert_eq!(err(TimeDistribution::uniform(-1.0, 2.0)), "min must be >= 0 s and <= 36600d (got -1)");
        assert_eq!(err(TimeDistribution::uniform(3.0, 2.0)), "min must be <= max (got min 3 s, max 2 s)");
        assert_eq!(err(TimeDistribution::uniform(1.0, f64::INFINITY)), "max must be >= 0 s and <= 36600d (got inf)");
        assert_eq!(err(TimeDistribution::lognormal(0.0, 1.0)), "mean must be > 0 s and <= 36600d (got 0)");
        assert_eq!(err(TimeDistribution::lognormal(1.0, -0.5)), "cv must be > 0 and <= 1000 (got -0.5)");
        assert_eq!(err(TimeDistribution::lognormal(1.0, 2000.0)), "cv must be > 0 and <= 1000 (got 2000)");
        assert_eq!(err(TimeDistribution::gamma(-1.0, 1.0)), "mean must be > 0 s and <= 36600d (got -1)");
        assert_eq!(err(TimeDistribution::gamma(1.0, 0.0)), "cv must be >= 0.001 and <= 1000 (got 0)");
        assert_eq!(err(TimeDistribution::weibull(0.0, 1.0)), "shape must be >= 0.02 (got 0)");
        assert_eq!(err(TimeDistribution::weibull(2.0, -1.0)), "scale must be > 0 s and <= 36600d (got -1)");
        assert_eq!(
            err(TimeDistribution::empirical_values(vec![])),
            "values must hold at least one duration (got none)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_values(vec![1.0, -2.0])),
            "values[1] must be >= 0 s and <= 36600d (got -2)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_values(vec![f64::NAN])),
            "values[0] must be >= 0 s and <= 36600d (got NaN)"
        );
        assert_eq!(err(TimeDistribution::empirical_cdf(vec![(1.0, 0.0)])), "cdf needs at least 2 points (got 1)");
        assert_eq!(
            err(TimeDistribution::empirical_cdf(vec![(5.0, 0.0), (4.0, 1.0)])),
            "cdf[1] duration must be >= 0 s, <= 36600d and >= the previous point's (got 4 s)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_cdf(vec![(-1.0, 0.0), (4.0, 1.0)])),
            "cdf[0] duration must be >= 0 s, <= 36600d and >= the previous point's (got -1 s)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (1.0, 0.6), (2.0, 0.5), (3.0, 1.0)])),
            "cdf[2] probability must be in [0, 1] and >= the previous point's (got 0.5)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (1.0, 1.5)])),
            "cdf[1] probability must be in [0, 1] and >= the previous point's (got 1.5)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_cdf(vec![(0.0, 0.1), (1.0, 1.0)])),
            "cdf probabilities must run from 0 at the first point to 1 at the last (got 0.1 to 1)"
        );
        assert_eq!(
            err(TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (1.0, 0.9)])),
            "cdf probabilities must run from 0 at the first point to 1 at the last (got 0 to 0.9)"
        );
    }

    #[test]
    fn boundary_parameters_are_accepted() {
        assert!(TimeDistribution::deterministic(0.0).is_ok());
        assert!(TimeDistribution::uniform(0.0, 0.0).is_ok());
        assert!(TimeDistribution::gamma(1.0, 0.001).is_ok());
        assert!(TimeDistribution::gamma(1.0, 1000.0).is_ok());
        assert!(TimeDistribution::weibull(0.02, 1.0).is_ok());
        assert!(TimeDistribution::empirical_values(vec![0.0]).is_ok());
        // Rounded end probabilities are snapped to 0 and 1.
        let d = TimeDistribution::empirical_cdf(vec![(0.0, 1e-12), (1.0, 0.999_999_999_9)]).unwrap();
        assert_eq!(d.cdf(1.0), 1.0);
    }

    #[test]
    fn durations_beyond_the_scenario_bound_are_refused_and_the_widest_allowed_sample_finite() {
        let err = |r: Result<TimeDistribution, DistError>| r.unwrap_err().to_string();
        let over = MAX_DURATION * 1.01;
        assert_eq!(
            err(TimeDistribution::exponential(1e18)),
            "mean must be > 0 s and <= 36600d (got 1000000000000000000)"
        );
        assert!(err(TimeDistribution::deterministic(over)).starts_with("value must be >= 0 s and <= 36600d"));
        assert!(err(TimeDistribution::uniform(0.0, over)).starts_with("max must be"));
        assert!(err(TimeDistribution::lognormal(over, 1.0)).starts_with("mean must be"));
        assert!(err(TimeDistribution::gamma(over, 1.0)).starts_with("mean must be"));
        assert!(err(TimeDistribution::weibull(1.0, over)).starts_with("scale must be"));
        assert!(err(TimeDistribution::empirical_values(vec![1.0, over])).starts_with("values[1] must be"));
        assert!(err(TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (over, 1.0)])).starts_with("cdf[1] duration"));
        // At the bounds every kind draws finite, non-negative times, with
        // the heaviest tails the constructors allow.
        let widest = [
            TimeDistribution::exponential(MAX_DURATION).unwrap(),
            TimeDistribution::lognormal(MAX_DURATION, 1000.0).unwrap(),
            TimeDistribution::gamma(MAX_DURATION, 1000.0).unwrap(),
            TimeDistribution::gamma(MAX_DURATION, 0.001).unwrap(),
            TimeDistribution::weibull(0.02, MAX_DURATION).unwrap(),
            TimeDistribution::uniform(0.0, MAX_DURATION).unwrap(),
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for d in &widest {
            assert!(d.mean().is_finite() && d.variance().is_finite(), "{}", d.describe());
            for _ in 0..100_000 {
                let x = d.sample(&mut rng);
                assert!(x.is_finite() && x >= 0.0, "{}: drew {x}", d.describe());
            }
        }
    }

    #[test]
    fn sample_moments_match_mean_and_variance() {
        let n = 200_000;
        for (i, d) in all_kinds().into_iter().enumerate() {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(42 + i as u64);
            let draws: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            assert!(draws.iter().all(|x| *x >= 0.0 && x.is_finite()), "{}", d.describe());
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
            // Standard errors: σ/√n for the mean, and √((m4 - s⁴)/n) for the
            // variance, estimated from the sample's fourth central moment m4
            // (the theoretical one is huge or infinite for heavy tails).
            let m4 = draws.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n as f64;
            let se_mean = (d.variance() / n as f64).sqrt();
            let se_var = ((m4 - var * var).max(0.0) / n as f64).sqrt();
            assert!((mean - d.mean()).abs() <= 4.0 * se_mean + 1e-12, "{}: mean {mean} vs {}", d.describe(), d.mean());
            assert!(
                (var - d.variance()).abs() <= 4.0 * se_var + 1e-12,
                "{}: variance {var} vs {} (standard error {se_var})",
                d.describe(),
                d.variance()
            );
        }
    }

    #[test]
    fn exponential_sampling_scales_the_unit_ziggurat_by_the_mean() {
        let d = TimeDistribution::exponential(7.0).unwrap();
        let mut a = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut b = Xoshiro256PlusPlus::seed_from_u64(5);
        for _ in 0..100 {
            let e: f64 = Exp1.sample(&mut b);
            assert_eq!(d.sample(&mut a), 7.0 * e);
        }
    }

    #[test]
    fn closed_form_moments_are_right() {
        let w = TimeDistribution::weibull(2.0, 1.0).unwrap();
        assert!((w.mean() - std::f64::consts::PI.sqrt() / 2.0).abs() < 1e-15);
        assert!((w.variance() - (1.0 - std::f64::consts::PI / 4.0)).abs() < 1e-15);
        let u = TimeDistribution::uniform(60.0, 300.0).unwrap();
        assert_eq!((u.mean(), u.variance()), (180.0, 4800.0));
        let l = TimeDistribution::lognormal(180.0, 0.8).unwrap();
        assert!((l.scv() - 0.64).abs() < 1e-15);
        assert!((l.quantile(0.5) - 180.0 / 1.64f64.sqrt()).abs() < 1e-12);
        let g = TimeDistribution::gamma(10.0, 0.5).unwrap();
        assert_eq!((g.mean(), g.variance(), g.scv()), (10.0, 25.0, 0.25));
        let e = TimeDistribution::empirical_values(vec![1.0, 2.0, 3.0, 6.0]).unwrap();
        assert_eq!((e.mean(), e.variance()), (3.0, 3.5));
        assert_eq!(TimeDistribution::deterministic(0.0).unwrap().scv(), 0.0);
        assert_eq!(TimeDistribution::exponential(3.0).unwrap().scv(), 1.0);
    }

    #[test]
    fn quantile_inverts_cdf_for_continuous_kinds() {
        for d in all_kinds() {
            if matches!(d.kind, Kind::Deterministic { .. } | Kind::EmpiricalValues { .. }) {
                continue;
            }
            for i in 1..200 {
                let p = f64::from(i) / 200.0;
                let x = d.quantile(p);
                // The atom of the empirical CDF (F jumps from 0.5 to 0.7 at
                // 10 s) makes cdf(quantile(p)) >= p rather than equal.
                assert!(d.cdf(x) >= p - 1e-12, "{}: cdf(quantile({p})) = {}", d.describe(), d.cdf(x));
                if !(0.5..=0.7).contains(&p) {
                    assert!((d.cdf(x) - p).abs() < 1e-12, "{}: cdf(quantile({p})) = {}", d.describe(), d.cdf(x));
                    let back = d.quantile(d.cdf(x));
                    assert!((back - x).abs() <= 1e-10 * x.max(1.0), "{}: {x} -> {back}", d.describe());
                }
            }
        }
    }

    #[test]
    fn quantile_is_monotone_and_finite_near_zero_and_one() {
        let probabilities = [
            0.0,
            1e-300,
            1e-15,
            1e-12,
            2e-12,
            1e-9,
            1e-6,
            0.5,
            1.0 - 1e-6,
            1.0 - 1e-9,
            1.0 - 2e-12,
            1.0 - 1e-12,
            1.0 - 1e-15,
        ];
        for d in all_kinds() {
            let xs: Vec<f64> = probabilities.iter().map(|&p| d.quantile(p)).collect();
            assert!(xs.iter().all(|x| x.is_finite() && *x >= 0.0), "{}: {xs:?}", d.describe());
            assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{}: {xs:?}", d.describe());
            // Strictly increasing between 1e-12 and 2e-12 and their mirror
            // images for the continuous unbounded kinds.
            if matches!(
                d.kind,
                Kind::Exponential { .. } | Kind::LogNormal { .. } | Kind::Gamma { .. } | Kind::Weibull { .. }
            ) {
                assert!(xs[3] < xs[4] && xs[10] < xs[11], "{}: {xs:?}", d.describe());
            }
            assert!(d.quantile(1.5).is_nan() && d.quantile(-0.1).is_nan());
        }
        // A fine sweep across the tails, as the arrival generator does it.
        for d in [TimeDistribution::gamma(600.0, 0.3).unwrap(), TimeDistribution::lognormal(600.0, 1.5).unwrap()] {
            let mut last = 0.0;
            for i in 0..=10_000 {
                let p = 1.0 - (-f64::from(i) * 0.0028).exp(); // up to 1 - 7e-13
                let x = d.quantile(p);
                assert!(x >= last, "{}: quantile({p}) = {x} < {last}", d.describe());
                last = x;
            }
        }
    }

    #[test]
    fn exponential_quantile_is_exact_in_both_tails() {
        let d = TimeDistribution::exponential(2.0).unwrap();
        assert!((d.quantile(1e-12) / 2e-12 - 1.0).abs() < 1e-11);
        assert!((d.quantile(1.0 - 1e-12) - 2.0 * 1e12f64.ln()).abs() < 1e-3);
        assert_eq!(d.quantile(1.0), f64::INFINITY);
        assert_eq!(d.quantile(0.0), 0.0);
    }

    #[test]
    fn empirical_cdf_interpolates_linearly_between_points() {
        let d = TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (10.0, 0.5), (10.0, 0.7), (40.0, 1.0)]).unwrap();
        assert_eq!(d.cdf(-1.0), 0.0);
        assert_eq!(d.cdf(5.0), 0.25);
        assert!((d.cdf(9.999) - 0.49995).abs() < 1e-12);
        assert_eq!(d.cdf(10.0), 0.7);
        assert_eq!(d.cdf(25.0), 0.85);
        assert_eq!(d.cdf(40.0), 1.0);
        assert_eq!(d.quantile(0.25), 5.0);
        assert_eq!(d.quantile(0.6), 10.0); // inside the atom at 10 s
        assert_eq!(d.quantile(0.85), 25.0);
        assert_eq!(d.quantile(1.0), 40.0);
        assert_eq!(d.quantile(0.0), 0.0);
        // Mean: 0.5·5 + 0.2·10 + 0.3·25.
        assert!((d.mean() - 12.0).abs() < 1e-12);
        // A flat segment is a gap in the support.
        let gap = TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (1.0, 0.5), (9.0, 0.5), (10.0, 1.0)]).unwrap();
        assert_eq!(gap.cdf(5.0), 0.5);
        assert_eq!(gap.quantile(0.5), 1.0);
        assert!((gap.quantile(0.75) - 9.5).abs() < 1e-12);
    }

    #[test]
    fn empirical_values_resample_the_list_and_use_nearest_rank_quantiles() {
        let d = TimeDistribution::empirical_values(vec![4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(d.cdf(2.5), 0.5);
        assert_eq!(d.quantile(0.5), 2.0);
        assert_eq!(d.quantile(0.51), 3.0);
        assert_eq!(d.quantile(0.0), 1.0);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut seen = [0u32; 5];
        for _ in 0..40_000 {
            seen[d.sample(&mut rng) as usize] += 1;
        }
        assert_eq!(seen[0], 0);
        assert!(seen[1..].iter().all(|&c| (9_500..10_500).contains(&c)), "{seen:?}");
    }

    #[test]
    fn describe_names_the_kind_and_its_parameters() {
        assert_eq!(TimeDistribution::lognormal(180.0, 0.8).unwrap().describe(), "lognormal(mean 180 s, cv 0.8)");
        assert_eq!(TimeDistribution::exponential(1.0 / 3.0).unwrap().describe(), "exponential(mean 0.333333 s)");
        assert_eq!(TimeDistribution::uniform(60.0, 300.0).unwrap().describe(), "uniform(min 60 s, max 300 s)");
        assert_eq!(TimeDistribution::weibull(1.5, 2e-7).unwrap().describe(), "weibull(shape 1.5, scale 2e-7 s)");
        assert_eq!(
            TimeDistribution::empirical_values(vec![1.0, 2.0]).unwrap().describe(),
            "empirical(2 values, mean 1.5 s)"
        );
        assert_eq!(
            TimeDistribution::empirical_cdf(vec![(0.0, 0.0), (600.0, 1.0)]).unwrap().describe(),
            "empirical cdf(2 points, 0 s to 600 s)"
        );
    }

    #[test]
    fn scaled_multiplies_every_duration() {
        for d in all_kinds() {
            let s = d.scaled(60.0);
            assert!((s.mean() / d.mean() - 60.0).abs() < 1e-12, "{}", d.describe());
            assert!((s.scv() - d.scv()).abs() < 1e-12, "{}", d.describe());
            for p in [0.1, 0.5, 0.9] {
                assert!((s.quantile(p) - 60.0 * d.quantile(p)).abs() <= 1e-9 * s.quantile(p), "{}", d.describe());
            }
        }
        assert_eq!(
            TimeDistribution::lognormal(3.0, 0.8).unwrap().scaled(60.0),
            TimeDistribution::lognormal(180.0, 0.8).unwrap()
        );
    }

    #[test]
    #[should_panic(expected = "scale factor must be finite and > 0")]
    fn scaled_rejects_a_non_positive_factor() {
        let _ = TimeDistribution::exponential(1.0).unwrap().scaled(0.0);
    }
}
