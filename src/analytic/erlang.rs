//! Erlang B (loss) and Erlang C (delay) formulas and the M/M/c queue.
//!
//! Poisson arrivals at rate λ, exponential service at rate μ per server and
//! `c` identical servers. Erlang B is the blocking probability when there is
//! no waiting room (M/M/c/c); Erlang C is the probability of having to wait
//! when the waiting room is unlimited (M/M/c). Both depend on λ and μ only
//! through the offered load `a = λ/μ` in erlangs.

use super::{AnalyticError, offered_load_of, require_positive, require_servers};

/// Erlang B blocking probability for `servers` servers and offered load
/// `a = λ/μ` erlangs: the fraction of arrivals an M/M/c/c loss system turns
/// away (which, by insensitivity, holds for any service-time distribution).
///
/// Evaluated by the recursion `B(0) = 1`, `B(k) = a·B(k−1) / (k + a·B(k−1))`
/// rather than the textbook ratio `(aᶜ/c!) / Σ aⁿ/n!`, whose factorials and
/// powers overflow for a few hundred servers. Every iterate lies in \[0, 1\],
/// so nothing can overflow, and the relative error of `B(k−1)` is multiplied
/// by `k / (k + a·B(k−1)) < 1` at each step, so rounding errors shrink rather
/// than accumulate. The cost is `O(servers)`; the loop stops early once the
/// value has underflowed to exactly zero.
///
/// Conventions outside the usual domain, chosen so that the function never
/// panics: `servers == 0` blocks everything (1.0); an infinite load gives the
/// limit 1.0; a negative or `NaN` load gives `NaN`. Use [`try_erlang_b`] to
/// get an error instead.
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    let a = offered_load;
    if a.is_nan() || a < 0.0 {
        return f64::NAN;
    }
    if a == f64::INFINITY {
        return 1.0;
    }
    let mut b = 1.0;
    for k in 1..=servers {
        let ab = a * b;
        b = ab / (f64::from(k) + ab);
        if b == 0.0 {
            break;
        }
    }
    b
}

/// Erlang B together with its complement `1 − B`, for the models that need
/// the fraction of arrivals *admitted* in heavy overload.
///
/// When `a ≫ c`, `B` is within `c/a` of 1 and `1 − B` computed by
/// subtraction keeps only a few digits (none at all for `a > 10¹⁶·c`). The
/// recursion gives it exactly instead: `1 − B(c) = c / (c + a·B(c − 1))`.
pub(super) fn erlang_b_and_complement(servers: u32, offered_load: f64) -> (f64, f64) {
    if servers == 0 {
        return (1.0, 0.0);
    }
    let previous = erlang_b(servers - 1, offered_load);
    let c = f64::from(servers);
    let ab = offered_load * previous;
    (ab / (c + ab), c / (c + ab))
}

/// Erlang C probability that an arrival must wait in an M/M/c queue with
/// `servers` servers and offered load `a = λ/μ` erlangs. Returns 1.0 when
/// `a >= servers`, the limit as the queue becomes unstable.
///
/// Derived from Erlang B as `C = c·B / ((c − a) + a·B)`, which inherits the
/// stability of the B recursion. Writing the denominator as `(c − a) + a·B`
/// instead of `c − a·(1 − B)` keeps full precision near saturation: `c − a`
/// is computed exactly when `a` is close to `c`, and both summands are
/// positive, so nothing cancels.
///
/// A negative or `NaN` load gives `NaN`; use [`try_erlang_c`] to get an error
/// instead.
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    let a = offered_load;
    if a.is_nan() || a < 0.0 {
        return f64::NAN;
    }
    let c = f64::from(servers);
    if a >= c {
        return 1.0;
    }
    let b = erlang_b(servers, a);
    (c * b / ((c - a) + a * b)).min(1.0)
}

/// [`erlang_b`] with input validation: the offered load must be finite and
/// non-negative.
pub fn try_erlang_b(servers: u32, offered_load: f64) -> Result<f64, AnalyticError> {
    super::require_non_negative("offered_load", offered_load)?;
    Ok(erlang_b(servers, offered_load))
}

/// [`erlang_c`] with input validation: the offered load must be finite and
/// non-negative. A load at or above `servers` still yields `Ok(1.0)`, the
/// limiting probability of waiting.
pub fn try_erlang_c(servers: u32, offered_load: f64) -> Result<f64, AnalyticError> {
    super::require_non_negative("offered_load", offered_load)?;
    Ok(erlang_c(servers, offered_load))
}

/// The M/M/c queue: Poisson arrivals, exponential service, `servers`
/// identical servers, unlimited waiting room, first-come first-served.
///
/// This is the reference model for a pool of identical workers in front of
/// an unbounded request queue. It only has a steady state when `λ < c·μ`,
/// which [`MMc::new`] enforces, so every metric method is finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MMc {
    /// Arrival rate λ, per second.
    pub arrival_rate: f64,
    /// Service rate μ of one server, per second (1 / mean service time).
    pub service_rate: f64,
    /// Number of servers c.
    pub servers: u32,
}

impl MMc {
    /// Builds an M/M/c queue after checking that both rates are finite and
    /// positive, that there is at least one server and that the queue is
    /// stable (`λ/μ < c`).
    pub fn new(arrival_rate: f64, service_rate: f64, servers: u32) -> Result<Self, AnalyticError> {
        require_positive("arrival_rate", arrival_rate)?;
        require_positive("service_rate", service_rate)?;
        require_servers(servers)?;
        let offered_load = offered_load_of(arrival_rate, service_rate)?;
        if offered_load >= f64::from(servers) {
            return Err(AnalyticError::Unstable { offered_load, servers });
        }
        Ok(Self { arrival_rate, service_rate, servers })
    }

    /// Offered load `a = λ/μ` in erlangs: the mean number of busy servers.
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate / self.service_rate
    }

    /// Server utilisation `ρ = a/c`, the long-run fraction of time each
    /// server is busy.
    pub fn utilisation(&self) -> f64 {
        self.offered_load() / f64::from(self.servers)
    }

    /// Probability that an arrival finds all servers busy and has to wait
    /// (Erlang C; by PASTA also the fraction of time all servers are busy).
    pub fn prob_wait(&self) -> f64 {
        erlang_c(self.servers, self.offered_load())
    }

    /// Spare capacity `c·μ − λ` per second, the decay rate of the waiting-time
    /// tail. Computed as `μ·(c − a)` so that it is positive whenever the
    /// constructor's stability check `a < c` passed.
    fn spare_capacity(&self) -> f64 {
        self.service_rate * (f64::from(self.servers) - self.offered_load())
    }

    /// Mean time in queue `Wq = C / (c·μ − λ)` in seconds, averaged over all
    /// arrivals including those that do not wait.
    pub fn mean_wait(&self) -> f64 {
        self.prob_wait() / self.spare_capacity()
    }

    /// Mean number waiting `Lq = C·a / (c − a)` (equal to `λ·Wq` by Little).
    pub fn mean_queue_len(&self) -> f64 {
        let a = self.offered_load();
        self.prob_wait() * a / (f64::from(self.servers) - a)
    }

    /// Mean sojourn (response) time `W = Wq + 1/μ` in seconds.
    pub fn mean_sojourn(&self) -> f64 {
        self.mean_wait() + 1.0 / self.service_rate
    }

    /// Mean number in system `L = Lq + a` (waiting plus in service).
    pub fn mean_in_system(&self) -> f64 {
        self.mean_queue_len() + self.offered_load()
    }

    /// Service level `P(Wq <= t) = 1 − C·e^{−(cμ−λ)t}`: the fraction of
    /// arrivals that start service within `t` seconds, the usual call-centre
    /// target ("80 % answered within 20 s").
    ///
    /// Evaluated as `(1 − C) + C·(1 − e^{−x})` with `expm1` so that short
    /// deadlines keep full relative precision. Returns 0 for `t < 0`, 1 for
    /// `t = ∞` and `NaN` for a `NaN` deadline.
    pub fn service_level(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        if t < 0.0 {
            return 0.0;
        }
        let c = self.prob_wait();
        ((1.0 - c) - c * (-self.spare_capacity() * t).exp_m1()).min(1.0)
    }

    /// The `q`-quantile of the waiting time in seconds: the smallest `t` with
    /// `P(Wq <= t) >= q`.
    ///
    /// The waiting time has an atom of mass `1 − C` at zero, so every
    /// `q <= 1 − C` gives 0; above that `t = ln(C / (1 − q)) / (cμ − λ)`.
    /// `q = 1` gives infinity; `q` outside \[0, 1\] or `NaN` gives `NaN`.
    pub fn wait_quantile(&self, q: f64) -> f64 {
        if !(0.0..=1.0).contains(&q) {
            return f64::NAN;
        }
        let c = self.prob_wait();
        if q <= 1.0 - c {
            return 0.0;
        }
        if q == 1.0 {
            return f64::INFINITY;
        }
        (c.ln() - (-q).ln_1p()) / self.spare_capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::assert_rel;

    #[test]
    fn one_server_at_one_erlang_blocks_half_the_arrivals() {
        assert_eq!(erlang_b(1, 1.0), 0.5);
    }

    #[test]
    fn erlang_b_matches_the_table_value_for_ten_servers_at_five_erlangs() {
        // 0.018384570336648133... from a 50-digit evaluation.
        assert_rel(erlang_b(10, 5.0), 0.018_384_570_336_648_133, 1e-14);
    }

    #[test]
    fn erlang_b_matches_the_closed_form_for_two_servers() {
        // B(2, a) = (a²/2) / (1 + a + a²/2).
        for &a in &[0.1, 1.0, 3.7, 50.0] {
            assert_rel(erlang_b(2, a), (a * a / 2.0) / (1.0 + a + a * a / 2.0), 1e-15);
        }
    }

    #[test]
    fn no_servers_block_every_arrival() {
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_c(0, 3.0), 1.0);
    }

    #[test]
    fn zero_load_never_blocks_or_waits() {
        assert_eq!(erlang_b(5, 0.0), 0.0);
        assert_eq!(erlang_c(5, 0.0), 0.0);
    }

    #[test]
    fn invalid_loads_give_nan_and_infinite_load_gives_the_limit() {
        assert!(erlang_b(3, f64::NAN).is_nan());
        assert!(erlang_b(3, -1.0).is_nan());
        assert!(erlang_c(3, f64::NAN).is_nan());
        assert!(erlang_c(3, -1.0).is_nan());
        assert_eq!(erlang_b(3, f64::INFINITY), 1.0);
        assert_eq!(erlang_c(3, f64::INFINITY), 1.0);
    }

    #[test]
    fn checked_variants_reject_invalid_loads() {
        for bad in [f64::NAN, -0.5, f64::INFINITY] {
            assert!(matches!(try_erlang_b(3, bad), Err(AnalyticError::InvalidParameter { name: "offered_load", .. })));
            assert!(matches!(try_erlang_c(3, bad), Err(AnalyticError::InvalidParameter { name: "offered_load", .. })));
        }
        assert_eq!(try_erlang_b(1, 1.0), Ok(0.5));
        assert_eq!(try_erlang_c(2, 2.5), Ok(1.0));
    }

    #[test]
    fn complement_of_erlang_b_keeps_precision_in_overload() {
        // B(1, a) = a/(1 + a), so 1 − B = 1/(1 + a) exactly.
        for &a in &[0.5, 1e6, 1e12, 1e20] {
            let (b, not_b) = erlang_b_and_complement(1, a);
            assert_rel(b, a / (1.0 + a), 1e-15);
            assert_rel(not_b, 1.0 / (1.0 + a), 1e-15);
        }
        let (b, not_b) = erlang_b_and_complement(40, 33.3);
        assert_rel(b, erlang_b(40, 33.3), 1e-15);
        assert_rel(not_b, 1.0 - b, 1e-15);
        assert_eq!(erlang_b_and_complement(0, 2.0), (1.0, 0.0));
    }

    #[test]
    fn erlang_c_is_one_once_the_load_reaches_the_servers() {
        assert_eq!(erlang_c(10, 10.0), 1.0);
        assert_eq!(erlang_c(10, 10.5), 1.0);
        assert!(erlang_c(10, 9.999) < 1.0);
    }

    #[test]
    fn erlang_c_matches_the_two_server_closed_form() {
        // M/M/2 at a = 1: B = 0.2, C = 1/3.
        assert_rel(erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
    }

    #[test]
    fn waiting_is_at_least_as_likely_as_blocking() {
        for c in 1..40 {
            for &a in &[0.5, 5.0, 20.0, 38.9] {
                if a < f64::from(c) {
                    assert!(erlang_c(c, a) >= erlang_b(c, a));
                }
            }
        }
    }

    #[test]
    fn call_centre_with_38_agents_matches_published_calculators() {
        // 1,000 calls/hour, 120 s handling time: a = 33.33 erlangs.
        let q = MMc::new(1000.0 / 3600.0, 1.0 / 120.0, 38).unwrap();
        assert_rel(q.prob_wait(), 0.333_452_559_297_471_6, 1e-13);
        assert_rel(q.service_level(20.0), 0.846_803_283_167_870_4, 1e-13);
        assert_rel(q.mean_wait(), 8.574_494_381_934_983, 1e-12);
        assert!((q.service_level(20.0) - 0.847).abs() < 5e-4);
        assert!((q.mean_wait() - 8.6).abs() < 0.05);
    }

    #[test]
    fn call_centre_with_40_agents_meets_a_93_percent_service_level() {
        let q = MMc::new(1000.0 / 3600.0, 1.0 / 120.0, 40).unwrap();
        assert_rel(q.service_level(20.0), 0.937_210_621_488_713_7, 1e-13);
        assert_rel(q.mean_wait(), 3.433_271_227_097_538, 1e-12);
    }

    #[test]
    fn ten_thousand_servers_near_saturation_stay_finite_and_accurate() {
        // References from a 50-digit evaluation.
        let b = erlang_b(10_000, 9_900.0);
        let c = erlang_c(10_000, 9_900.0);
        assert!(b > 0.0 && b < 1.0 && c > 0.0 && c < 1.0);
        assert_rel(b, 0.002_858_126_738_856_586_4, 1e-11);
        assert_rel(c, 0.222_776_928_864_148_24, 1e-11);
        assert_rel(erlang_b(10_000, 10_100.0), 0.015_071_527_766_341_4, 1e-11);
    }

    #[test]
    fn ten_thousand_servers_at_light_load_underflow_to_zero_not_nan() {
        assert_eq!(erlang_b(10_000, 100.0), 0.0);
        assert_eq!(erlang_c(10_000, 100.0), 0.0);
    }

    #[test]
    fn blocking_and_waiting_fall_as_servers_are_added() {
        let a = 9_900.0;
        let mut prev_b = erlang_b(9_800, a);
        let mut prev_c = 1.0;
        for c in (9_810..=10_200).step_by(10) {
            let b = erlang_b(c, a);
            let w = erlang_c(c, a);
            assert!(b < prev_b, "B not decreasing at c = {c}");
            assert!(w <= prev_c, "C not decreasing at c = {c}");
            assert!(w.is_finite() && b.is_finite());
            prev_b = b;
            prev_c = w;
        }
    }

    #[test]
    fn one_server_equals_the_mm1_formulas() {
        let (lambda, mu) = (0.9, 1.0);
        let rho: f64 = lambda / mu;
        let q = MMc::new(lambda, mu, 1).unwrap();
        assert_rel(q.utilisation(), rho, 1e-15);
        assert_rel(q.prob_wait(), rho, 1e-15);
        assert_rel(q.mean_wait(), rho / (mu - lambda), 1e-13);
        assert_rel(q.mean_queue_len(), rho * rho / (1.0 - rho), 1e-13);
        assert_rel(q.mean_sojourn(), 1.0 / (mu - lambda), 1e-13);
        assert_rel(q.mean_in_system(), rho / (1.0 - rho), 1e-13);
        // Sojourn is exponential with rate μ − λ; the wait is its ρ-mixture.
        assert_rel(q.service_level(3.0), 1.0 - rho * (-(mu - lambda) * 3.0).exp(), 1e-14);
    }

    #[test]
    fn metrics_obey_littles_law() {
        let q = MMc::new(7.0, 0.8, 12).unwrap();
        assert_rel(q.mean_queue_len(), q.arrival_rate * q.mean_wait(), 1e-13);
        assert_rel(q.mean_in_system(), q.arrival_rate * q.mean_sojourn(), 1e-13);
        assert_rel(q.offered_load(), 8.75, 1e-15);
        assert_rel(q.utilisation(), 8.75 / 12.0, 1e-15);
    }

    #[test]
    fn service_level_runs_from_no_wait_probability_to_one() {
        let q = MMc::new(3.0, 1.0, 4).unwrap();
        assert_rel(q.service_level(0.0), 1.0 - q.prob_wait(), 1e-15);
        assert_eq!(q.service_level(f64::INFINITY), 1.0);
        assert_eq!(q.service_level(-1.0), 0.0);
        assert!(q.service_level(f64::NAN).is_nan());
    }

    #[test]
    fn wait_quantile_inverts_the_service_level() {
        let q = MMc::new(3.0, 1.0, 4).unwrap();
        for &p in &[0.6, 0.8, 0.95, 0.999] {
            let t = q.wait_quantile(p);
            assert!(t > 0.0);
            assert_rel(q.service_level(t), p, 1e-13);
        }
        assert_eq!(q.wait_quantile(1.0 - q.prob_wait()), 0.0);
        assert_eq!(q.wait_quantile(0.0), 0.0);
        assert_eq!(q.wait_quantile(1.0), f64::INFINITY);
        assert!(q.wait_quantile(1.5).is_nan());
        assert!(q.wait_quantile(-0.1).is_nan());
        assert!(q.wait_quantile(f64::NAN).is_nan());
    }

    #[test]
    fn constructor_rejects_bad_rates() {
        for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            assert!(matches!(MMc::new(bad, 1.0, 2), Err(AnalyticError::InvalidParameter { name: "arrival_rate", .. })));
            assert!(matches!(MMc::new(1.0, bad, 2), Err(AnalyticError::InvalidParameter { name: "service_rate", .. })));
        }
    }

    #[test]
    fn constructor_rejects_zero_servers() {
        assert_eq!(MMc::new(1.0, 1.0, 0), Err(AnalyticError::NoServers));
    }

    #[test]
    fn constructor_rejects_unrepresentable_offered_load() {
        assert!(matches!(MMc::new(1e300, 1e-300, 2), Err(AnalyticError::InvalidParameter { .. })));
    }

    #[test]
    fn constructor_rejects_load_at_or_above_capacity() {
        assert_eq!(MMc::new(10.0, 1.0, 10), Err(AnalyticError::Unstable { offered_load: 10.0, servers: 10 }));
        let err = MMc::new(21.0, 2.0, 10).unwrap_err();
        assert_eq!(err.to_string(), "unstable: offered load 10.5 erlangs needs more than 10 servers");
    }
}
