//! The M/M/c/K queue: M/M/c with room for at most K customers in the system.
//!
//! This models a worker pool behind a bounded request queue (`K − c` waiting
//! slots): arrivals that find the system full are rejected, so the system is
//! stable at any arrival rate and the interesting outputs are the rejection
//! probability and the delay of those admitted.
//!
//! The stationary distribution is a truncated Poisson shape up to `c` and a
//! geometric shape with ratio `ρ = a/c` from `c` to `K`. Rather than summing
//! `K + 1` terms (K may be in the billions) the metrics use the Erlang B value
//! for the Poisson part and closed forms for the geometric part, normalised at
//! whichever end of the geometric part is larger so that no power of ρ can
//! overflow. Only [`MMcK::state_probabilities`] costs `O(K)`.

use super::erlang::erlang_b_and_complement;
use super::{AnalyticError, CompensatedSum, offered_load_of, require_positive, require_servers};

/// Coefficients `B₂ₖ/(2k)!` of the Bernoulli expansion
/// `1/(eᵗ − 1) = 1/t − 1/2 + Σₖ B₂ₖ t²ᵏ⁻¹/(2k)!`, k = 1..12.
const BERNOULLI_OVER_FACTORIAL: [f64; 12] = [
    8.333_333_333_333_333e-2,
    -1.388_888_888_888_889e-3,
    3.306_878_306_878_307e-5,
    -8.267_195_767_195_768e-7,
    2.087_675_698_786_81e-8,
    -5.284_190_138_687_493e-10,
    1.338_253_653_068_468e-11,
    -3.389_680_296_322_583e-13,
    8.586_062_056_277_845e-15,
    -2.174_868_698_558_062e-16,
    5.509_002_828_360_23e-18,
    -1.395_446_468_581_252e-19,
];

/// `Σ_{i=0}^{m} e^{−i·x}` for `x >= 0` (0 when `m < 0`).
///
/// Written with `expm1` so that ratios within a hair of 1 (`x` tiny) keep full
/// precision instead of computing `(1 − r^{m+1}) / (1 − r)` as a quotient of
/// two cancelled differences.
fn geometric_sum(m: f64, x: f64) -> f64 {
    if m < 0.0 {
        0.0
    } else if x == 0.0 {
        m + 1.0
    } else {
        (-(m + 1.0) * x).exp_m1() / (-x).exp_m1()
    }
}

/// Mean of `i` under weights `e^{−i·x}`, `i = 0..=m`, for `x >= 0`.
///
/// The closed form `1/(eˣ − 1) − (m + 1)/(e^{(m+1)x} − 1)` subtracts two
/// numbers near `1/x` when `y = (m + 1)·x` is small, so for `y <= 1` the
/// Bernoulli expansion of both terms is subtracted analytically instead:
/// `m/2 − Σₖ B₂ₖ/(2k)! · ((m + 1)·y²ᵏ⁻¹ − x²ᵏ⁻¹)`, whose terms shrink like
/// `(y/2π)²ᵏ`. For `y > 1` the closed form loses at most two bits.
fn geometric_mean_index(m: f64, x: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let y = (m + 1.0) * x;
    if y > 1.0 {
        return 1.0 / x.exp_m1() - (m + 1.0) / y.exp_m1();
    }
    let (x2, y2) = (x * x, y * y);
    let (mut xp, mut yp) = (x, y);
    let mut mean = m / 2.0;
    for coefficient in BERNOULLI_OVER_FACTORIAL {
        mean -= coefficient * ((m + 1.0) * yp - xp);
        xp *= x2;
        yp *= y2;
    }
    mean
}

/// `|ln(a/c)|` computed with `ln_1p` near `a = c`, where `a − c` is exact.
fn abs_ln_ratio(a: f64, c: f64) -> f64 {
    let ratio = a / c;
    if (0.5..=2.0).contains(&ratio) { ((a - c) / c).ln_1p().abs() } else { ratio.ln().abs() }
}

/// Truncated Poisson probabilities `P(X = n | X <= c)` for `X ~ Poisson(a)`,
/// `n = 0..=c`: the shape of the M/M/c/K distribution below `c`.
///
/// Built outward from the mode by the ratios `a/n` and `n/a`, each at most 1,
/// so the weights stay in \[0, 1\] and underflow harmlessly in the far tails.
fn truncated_poisson(servers: u32, a: f64) -> Vec<f64> {
    let c = servers as usize;
    // Saturating float-to-int cast: a huge load puts the mode at c.
    let mode = (a.floor() as usize).min(c);
    let mut w = vec![0.0; c + 1];
    w[mode] = 1.0;
    for n in mode + 1..=c {
        w[n] = w[n - 1] * (a / n as f64);
    }
    for n in (1..=mode).rev() {
        w[n - 1] = w[n] * (n as f64 / a);
    }
    let mut total = CompensatedSum::default();
    for &v in &w {
        total.add(v);
    }
    let total = total.value();
    for v in &mut w {
        *v /= total;
    }
    w
}

/// The M/M/c/K queue: Poisson arrivals, exponential service, `servers`
/// servers and at most `capacity` customers in the system (in service plus
/// waiting). Arrivals finding `capacity` customers present are lost.
///
/// A finite system is stable for every arrival rate, so unlike [`super::MMc`]
/// the constructor accepts overload; blocking absorbs the excess.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MMcK {
    /// Arrival rate λ offered to the system (including later-blocked
    /// arrivals), per second.
    pub arrival_rate: f64,
    /// Service rate μ of one server, per second.
    pub service_rate: f64,
    /// Number of servers c.
    pub servers: u32,
    /// Maximum number in system K (servers plus waiting slots), `K >= c`.
    pub capacity: u32,
}

/// The few aggregate quantities every metric is built from.
#[derive(Debug, Clone, Copy)]
struct Solution {
    /// P(N = c).
    p_servers: f64,
    /// P(N = K), the blocking probability.
    p_full: f64,
    /// 1 − P(N = K), computed without cancellation.
    p_not_full: f64,
    /// P(N <= c).
    p_no_queue: f64,
    /// P(c <= N < K): an arrival is admitted but must wait.
    p_admitted_wait: f64,
    /// Mean number waiting, Σ (n − c)·P(N = n).
    queue_len: f64,
}

impl MMcK {
    /// Builds an M/M/c/K queue after checking that both rates are finite and
    /// positive, that there is at least one server and that the capacity is
    /// at least the number of servers. Any positive arrival rate is accepted.
    pub fn new(arrival_rate: f64, service_rate: f64, servers: u32, capacity: u32) -> Result<Self, AnalyticError> {
        require_positive("arrival_rate", arrival_rate)?;
        require_positive("service_rate", service_rate)?;
        require_servers(servers)?;
        offered_load_of(arrival_rate, service_rate)?;
        if capacity < servers {
            return Err(AnalyticError::CapacityBelowServers { capacity, servers });
        }
        Ok(Self { arrival_rate, service_rate, servers, capacity })
    }

    /// Offered load `a = λ/μ` in erlangs (before blocking).
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate / self.service_rate
    }

    /// Solves the chain in `O(c)` time.
    ///
    /// With `p_n ∝ aⁿ/n!` for `n <= c` and `p_n = p_c·ρ^{n−c}` above, the
    /// Poisson part sums to `p_c / B(c, a)` and the geometric part has a
    /// closed form. For `ρ <= 1` everything is expressed relative to `p_c`
    /// (the geometric terms shrink), for `ρ > 1` relative to `p_K` (they
    /// shrink when read from the top), so every term is at most 1.
    fn solve(&self) -> Solution {
        let a = self.offered_load();
        let c = f64::from(self.servers);
        let m = f64::from(self.capacity - self.servers);
        let x = abs_ln_ratio(a, c);
        let (b, not_b) = erlang_b_and_complement(self.servers, a);
        let g_m = geometric_sum(m, x);
        let g_m1 = geometric_sum(m - 1.0, x);
        let decay_m = (-m * x).exp();
        if a <= c {
            // Relative to p_c, times B: Poisson part 1, geometric part B·(g_m − 1).
            let norm = not_b + b * g_m;
            let p_servers = b / norm;
            Solution {
                p_servers,
                p_full: p_servers * decay_m,
                p_not_full: (not_b + b * g_m1) / norm,
                p_no_queue: 1.0 / norm,
                p_admitted_wait: p_servers * g_m1,
                queue_len: p_servers * g_m * geometric_mean_index(m, x),
            }
        } else {
            // Relative to p_K. B > 1 − c/a > 0 here, so dividing by it is safe.
            let below_servers = not_b / b * decay_m;
            let norm = below_servers + g_m;
            let p_full = 1.0 / norm;
            let p_servers = p_full * decay_m;
            Solution {
                p_servers,
                p_full,
                p_not_full: (below_servers + (-x).exp() * g_m1) / norm,
                p_no_queue: p_servers / b,
                p_admitted_wait: p_full * (-x).exp() * g_m1,
                queue_len: p_full * g_m * (m - geometric_mean_index(m, x)),
            }
        }
    }

    /// Stationary probabilities `p_0, …, p_K` of the number in system.
    ///
    /// Allocates `K + 1` values, so it is meant for moderate capacities; all
    /// other metrics are computed without it in `O(c)` time. Probabilities
    /// too small for an `f64` come out as exactly 0.
    pub fn state_probabilities(&self) -> Vec<f64> {
        let s = self.solve();
        let a = self.offered_load();
        let c = f64::from(self.servers);
        let x = abs_ln_ratio(a, c);
        let m = self.capacity - self.servers;
        let mut p = truncated_poisson(self.servers, a);
        for v in &mut p {
            *v *= s.p_no_queue;
        }
        p.reserve(m as usize);
        for j in 1..=m {
            // exp of a product keeps the relative error at a few ulps, where
            // repeated multiplication by ρ would accumulate one per step.
            let value =
                if a <= c { s.p_servers * (-f64::from(j) * x).exp() } else { s.p_full * (-f64::from(m - j) * x).exp() };
            p.push(value);
        }
        p
    }

    /// Probability that an arrival is rejected, `p_K` (by PASTA arrivals see
    /// the time-stationary distribution). For `K = c` this is Erlang B.
    pub fn blocking_probability(&self) -> f64 {
        self.solve().p_full
    }

    /// Rate of admitted customers `λ·(1 − p_K)`, per second; equal to the
    /// departure rate.
    pub fn throughput(&self) -> f64 {
        self.arrival_rate * self.solve().p_not_full
    }

    /// Mean number of busy servers, `a·(1 − p_K)` by flow balance (admitted
    /// work per second divided by the work one server does per second).
    pub fn mean_busy_servers(&self) -> f64 {
        self.offered_load() * self.solve().p_not_full
    }

    /// Server utilisation: mean busy servers divided by `c`.
    pub fn utilisation(&self) -> f64 {
        self.mean_busy_servers() / f64::from(self.servers)
    }

    /// Mean number in system `L` (waiting plus in service).
    pub fn mean_in_system(&self) -> f64 {
        let s = self.solve();
        self.offered_load() * s.p_not_full + s.queue_len
    }

    /// Mean number waiting `Lq`.
    pub fn mean_queue_len(&self) -> f64 {
        self.solve().queue_len
    }

    /// Mean sojourn time of admitted customers, `L / throughput` by Little's
    /// law, in seconds. Blocked arrivals never enter and are not averaged in.
    pub fn mean_sojourn(&self) -> f64 {
        self.mean_in_system() / self.throughput()
    }

    /// Mean time in queue of admitted customers, `Lq / throughput`, in
    /// seconds (including admitted customers that wait zero).
    pub fn mean_wait(&self) -> f64 {
        self.mean_queue_len() / self.throughput()
    }

    /// Probability that an admitted arrival must wait,
    /// `P(c <= N < K) / (1 − p_K)`. Zero when `K = c` (no waiting room).
    pub fn prob_wait(&self) -> f64 {
        let s = self.solve();
        s.p_admitted_wait / s.p_not_full
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::assert_rel;
    use crate::analytic::{MMc, erlang_b};

    /// Direct evaluation of the metrics from the state vector.
    struct Direct {
        p_full: f64,
        l: f64,
        lq: f64,
        p_admitted_wait: f64,
    }

    fn direct(q: &MMcK) -> Direct {
        let p = q.state_probabilities();
        let c = q.servers as usize;
        let (mut l, mut lq, mut wait) =
            (CompensatedSum::default(), CompensatedSum::default(), CompensatedSum::default());
        for (n, &pn) in p.iter().enumerate() {
            l.add(n as f64 * pn);
            if n >= c {
                lq.add((n - c) as f64 * pn);
                if n < p.len() - 1 {
                    wait.add(pn);
                }
            }
        }
        Direct { p_full: *p.last().unwrap(), l: l.value(), lq: lq.value(), p_admitted_wait: wait.value() }
    }

    fn assert_matches_state_vector(q: &MMcK, tol: f64) {
        let p = q.state_probabilities();
        assert_eq!(p.len(), q.capacity as usize + 1);
        let mut total = CompensatedSum::default();
        for &v in &p {
            assert!((0.0..=1.0).contains(&v), "probability {v} out of range");
            total.add(v);
        }
        assert_rel(total.value(), 1.0, tol);
        let d = direct(q);
        assert_rel(q.blocking_probability(), d.p_full, tol);
        assert_rel(q.mean_in_system(), d.l, tol);
        assert_rel(q.mean_queue_len(), d.lq, tol);
        assert_rel(q.prob_wait(), d.p_admitted_wait / (1.0 - d.p_full), tol);
    }

    #[test]
    fn matches_fifty_digit_reference_when_moderately_loaded() {
        let q = MMcK::new(4.0, 1.5, 3, 7).unwrap();
        assert_rel(q.blocking_probability(), 0.099_239_446_529_147_26, 1e-14);
        assert_rel(q.mean_in_system(), 3.526_418_824_845_939, 1e-14);
        assert_rel(q.mean_queue_len(), 1.124_390_682_256_998_6, 1e-14);
        assert_rel(q.mean_sojourn(), 0.978_733_696_557_253, 1e-14);
        assert_rel(q.mean_wait(), 0.312_067_029_890_586_28, 1e-14);
        assert_rel(q.prob_wait(), 0.596_725_310_991_437_4, 1e-14);
    }

    #[test]
    fn matches_fifty_digit_reference_when_lightly_loaded() {
        let q = MMcK::new(2.0, 1.5, 3, 7).unwrap();
        assert_rel(q.blocking_probability(), 0.003_931_315_238_981_448, 1e-14);
        assert_rel(q.mean_in_system(), 1.454_937_922_939_118_8, 1e-14);
        assert_rel(q.mean_queue_len(), 0.126_846_343_257_760_77, 1e-14);
        assert_rel(q.prob_wait(), 0.174_971_056_408_566_44, 1e-14);
    }

    #[test]
    fn matches_fifty_digit_reference_at_exactly_critical_load() {
        // a = c = 3, ρ = 1: the geometric part is flat.
        let q = MMcK::new(4.5, 1.5, 3, 9).unwrap();
        assert_rel(q.blocking_probability(), 0.1125, 1e-14);
        assert_rel(q.mean_in_system(), 5.025, 1e-14);
        assert_rel(q.mean_queue_len(), 2.3625, 1e-14);
        assert_rel(q.mean_sojourn(), 1.258_215_962_441_314_6, 1e-14);
        assert_rel(q.prob_wait(), 0.760_563_380_281_690_1, 1e-14);
    }

    #[test]
    fn metrics_agree_with_the_state_vector_below_at_and_above_saturation() {
        for &(lambda, c, k) in &[
            (1.0, 1, 1),
            (0.5, 1, 30),
            (2.9, 3, 40),
            (3.0, 3, 40),
            (3.1, 3, 40),
            (9.0, 3, 40),
            (80.0, 100, 150),
            (120.0, 100, 150),
            (5.0, 2, 2_000),
        ] {
            let q = MMcK::new(lambda, 1.0, c, k).unwrap();
            assert_matches_state_vector(&q, 1e-12);
        }
    }

    #[test]
    fn near_critical_load_with_long_buffer_keeps_full_precision() {
        // ρ within 1e-9 of 1 and m = 10⁵ puts (m + 1)·|ln ρ| on both sides of
        // the series/closed-form switch; compare against direct summation.
        for &eps in &[1e-9, -1e-9, 1e-6, -1e-6, 1e-5, -1e-5, 3e-5] {
            let q = MMcK::new(2.0 * (1.0 + eps), 1.0, 2, 100_002).unwrap();
            assert_matches_state_vector(&q, 1e-11);
        }
    }

    #[test]
    fn geometric_mean_is_continuous_across_the_series_switch() {
        for &m in &[1.0, 2.0, 10.0, 1e3, 1e9] {
            let x_switch = 1.0 / (m + 1.0);
            let below = geometric_mean_index(m, x_switch * (1.0 - 1e-12));
            let above = geometric_mean_index(m, x_switch * (1.0 + 1e-12));
            assert_rel(below, above, 1e-11);
        }
    }

    #[test]
    fn geometric_mean_matches_direct_summation() {
        for &m in &[1u32, 2, 7, 100, 5_000] {
            for &x in &[0.0, 1e-8, 1e-4, 0.003, 0.2, 0.9, 5.0] {
                let (mut w, mut iw) = (CompensatedSum::default(), CompensatedSum::default());
                for i in 0..=m {
                    let t = (-f64::from(i) * x).exp();
                    w.add(t);
                    iw.add(f64::from(i) * t);
                }
                assert_rel(geometric_sum(f64::from(m), x), w.value(), 1e-13);
                assert_rel(geometric_mean_index(f64::from(m), x), iw.value() / w.value(), 1e-13);
            }
        }
    }

    #[test]
    fn no_waiting_room_blocks_with_erlang_b_and_never_queues() {
        for &(lambda, c) in &[(0.5, 1), (5.0, 10), (12.0, 10), (9_900.0, 10_000)] {
            let q = MMcK::new(lambda, 1.0, c, c).unwrap();
            assert_rel(q.blocking_probability(), erlang_b(c, lambda), 1e-14);
            assert_eq!(q.prob_wait(), 0.0);
            assert_eq!(q.mean_queue_len(), 0.0);
            assert_eq!(q.mean_wait(), 0.0);
            assert_rel(q.mean_sojourn(), 1.0, 1e-14);
        }
    }

    #[test]
    fn huge_capacity_converges_to_mmc() {
        let q = MMcK::new(2.5, 1.0, 3, 1_000_000).unwrap();
        let r = MMc::new(2.5, 1.0, 3).unwrap();
        assert!(q.blocking_probability() < 1e-300);
        assert_rel(q.prob_wait(), r.prob_wait(), 1e-14);
        assert_rel(q.mean_queue_len(), r.mean_queue_len(), 1e-13);
        assert_rel(q.mean_in_system(), r.mean_in_system(), 1e-13);
        assert_rel(q.mean_wait(), r.mean_wait(), 1e-13);
        assert_rel(q.mean_sojourn(), r.mean_sojourn(), 1e-13);
        assert_rel(q.utilisation(), r.utilisation(), 1e-14);
    }

    #[test]
    fn maximal_capacity_needs_no_allocation_and_converges_to_mmc() {
        let q = MMcK::new(9_900.0, 1.0, 10_000, u32::MAX).unwrap();
        let r = MMc::new(9_900.0, 1.0, 10_000).unwrap();
        assert_eq!(q.blocking_probability(), 0.0);
        assert_rel(q.mean_queue_len(), r.mean_queue_len(), 1e-12);
        assert_rel(q.mean_wait(), r.mean_wait(), 1e-12);
        assert_rel(q.prob_wait(), r.prob_wait(), 1e-12);
    }

    #[test]
    fn heavy_overload_is_stable_and_blocks_the_excess() {
        // ρ = 2 with a long buffer: p_K → 1 − 1/ρ and the servers saturate.
        let q = MMcK::new(20.0, 1.0, 10, 5_000).unwrap();
        assert_rel(q.blocking_probability(), 0.5, 1e-14);
        assert_rel(q.throughput(), 10.0, 1e-14);
        assert_rel(q.utilisation(), 1.0, 1e-14);
        assert_rel(q.prob_wait(), 1.0, 1e-14);
        // Nearly full: the queue sits near its top, K − c − ρ/(ρ − 1) + ….
        assert_rel(q.mean_queue_len(), 4_990.0 - 1.0, 1e-12);
        assert_matches_state_vector(&q, 1e-12);
    }

    #[test]
    fn extreme_overload_keeps_precision_in_the_admitted_fraction() {
        let q = MMcK::new(1e12, 1.0, 2, 3).unwrap();
        // 1 − p_K ≈ c·μ/λ when almost every arrival is blocked.
        assert_rel(q.throughput(), 2.0, 1e-9);
        assert!(q.blocking_probability() < 1.0);
    }

    #[test]
    fn extreme_overload_without_waiting_room_admits_the_exact_fraction() {
        // M/M/1/1 admits 1/(1 + a) of arrivals; 1 − B by subtraction would
        // lose every digit at a = 10¹⁸.
        for &lambda in &[1e6, 1e12, 1e18] {
            let q = MMcK::new(lambda, 1.0, 1, 1).unwrap();
            assert_rel(q.throughput(), lambda / (1.0 + lambda), 1e-14);
            assert_rel(q.mean_sojourn(), 1.0, 1e-14);
        }
    }

    #[test]
    fn ten_thousand_servers_with_a_buffer_stay_finite() {
        for &lambda in &[100.0, 9_900.0, 10_000.0, 10_100.0, 1e6] {
            let q = MMcK::new(lambda, 1.0, 10_000, 12_000).unwrap();
            for v in [
                q.blocking_probability(),
                q.prob_wait(),
                q.utilisation(),
                q.mean_in_system(),
                q.mean_queue_len(),
                q.mean_sojourn(),
                q.mean_wait(),
            ] {
                assert!(v.is_finite() && v >= 0.0, "λ = {lambda}: {v}");
            }
            assert_matches_state_vector(&q, 1e-10);
        }
    }

    #[test]
    fn littles_law_links_the_means() {
        let q = MMcK::new(7.0, 2.0, 3, 12).unwrap();
        assert_rel(q.mean_in_system(), q.throughput() * q.mean_sojourn(), 1e-14);
        assert_rel(q.mean_queue_len(), q.throughput() * q.mean_wait(), 1e-14);
        assert_rel(q.mean_sojourn(), q.mean_wait() + 0.5, 1e-14);
        assert_rel(q.mean_busy_servers(), q.utilisation() * 3.0, 1e-14);
    }

    #[test]
    fn constructor_rejects_bad_rates() {
        for bad in [f64::NAN, f64::INFINITY, -2.0, 0.0] {
            assert!(matches!(
                MMcK::new(bad, 1.0, 1, 2),
                Err(AnalyticError::InvalidParameter { name: "arrival_rate", .. })
            ));
            assert!(matches!(
                MMcK::new(1.0, bad, 1, 2),
                Err(AnalyticError::InvalidParameter { name: "service_rate", .. })
            ));
        }
        assert!(matches!(MMcK::new(1e-300, 1e300, 1, 2), Err(AnalyticError::InvalidParameter { .. })));
    }

    #[test]
    fn constructor_rejects_zero_servers() {
        assert_eq!(MMcK::new(1.0, 1.0, 0, 5), Err(AnalyticError::NoServers));
    }

    #[test]
    fn constructor_rejects_capacity_below_servers() {
        let err = MMcK::new(1.0, 1.0, 4, 3).unwrap_err();
        assert_eq!(err, AnalyticError::CapacityBelowServers { capacity: 3, servers: 4 });
        assert!(err.to_string().contains("at least the 4 servers"));
    }
}
