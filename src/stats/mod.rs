//! Streaming statistics gathered by the simulation engine, and the
//! inference drawn from them across replications.
//!
//! Three kinds of statistic, one per file:
//! - [`LogHistogram`]: the distribution of per-customer durations (waits,
//!   sojourns) in fixed memory, for means and percentiles;
//! - [`TimeWeighted`]: time averages of piecewise-constant quantities
//!   (queue length, busy servers, customers in system);
//! - [`RunningMoments`] and [`ConfidenceInterval`]: mean, variance and
//!   Student-t intervals over independent replications, with
//!   [`bonferroni_level`] for families of simultaneous intervals.
//!
//! The first two are updated once or more per simulated event, so their
//! update methods are `#[inline]`, branch-light and never allocate; reading
//! results (quantiles, means) is the slow side and happens once per
//! reporting interval. All times are in seconds.

mod confidence;
mod histogram;
mod time_weighted;

pub use confidence::{ConfidenceInterval, RunningMoments, bonferroni_level};
pub use histogram::LogHistogram;
pub use time_weighted::TimeWeighted;

/// `a / b`, or NaN when there is nothing to divide by (a share of no
/// requests is undefined, not zero, and CSV writes it as missing).
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}
