//! Erlang A: the M/M/c+M queue, where waiting customers give up.
//!
//! On launch day users do not wait forever: each waiting customer abandons
//! after an exponential patience with rate θ (mean patience `1/θ`). The
//! number in system is then a birth–death chain with birth rate λ and death
//! rate `min(n, c)·μ + max(n − c, 0)·θ`, which is stable for every λ because
//! abandonment grows with the queue. Erlang A is the yardstick for the
//! engine's impatience model, and unlike Erlang C it stays meaningful in
//! overload.
//!
//! # How the infinite chain is summed
//!
//! Below `c` the chain has the truncated-Poisson shape, whose total relative
//! to state `c` is `1/B(c, a)` (Erlang B). Above `c`, state `c + j` has
//! relative weight `t_j = ∏_{i=1}^{j} λ / (cμ + iθ)`. These weights rise
//! while `cμ + jθ < λ` and fall afterwards, so they are summed outward from
//! their mode `j*` with every weight expressed relative to `t_{j*}` (at most
//! 1, so nothing overflows), and `ln t_{j*}` is evaluated in `O(1)` through a
//! Stirling-series form of the log-gamma ratio. Each direction stops once a
//! geometric bound on the remaining tail falls below 1e-17 of the running
//! total.
//!
//! With a tiny θ the weights can stay non-negligible for billions of states.
//! Once consecutive weights differ by less than 0.1 % and that difference
//! changes by less than 1e-6 per state (after at least 1,024 terms), or at
//! the latest after 2²² terms, the rest of the sum is therefore taken by
//! Gauss–Legendre quadrature of the smooth, log-concave weight function with
//! the Euler–Maclaurin correction from integral to sum. In exactly that
//! regime the omitted correction terms are below 1e-19 of a single weight,
//! so the result stays accurate to rounding while the work stays bounded (a
//! few thousand terms and a few hundred quadrature intervals) for every
//! positive θ; as `θ → 0` with `λ < cμ` the results converge to Erlang C.

use super::erlang::erlang_b_and_complement;
use super::{AnalyticError, CompensatedSum, offered_load_of, require_positive, require_servers};

/// Relative size below which the remaining tail of the chain is ignored.
const NEGLIGIBLE: f64 = 1e-17;
/// Hard cap on terms summed one by one in each direction.
const MAX_TERMS: u64 = 1 << 22;
/// Terms always summed one by one before quadrature may take over.
const MIN_TERMS: u64 = 1024;
/// Quadrature takes over once consecutive weights differ by at most this
/// fraction …
const SMOOTH_STEP: f64 = 1e-3;
/// … and that fraction changes by at most this much per state.
const SMOOTH_CURVATURE: f64 = 1e-6;
/// Safety bound on quadrature intervals; ~100 are needed in practice.
const MAX_INTERVALS: u32 = 100_000;
/// Steps between re-anchoring a walk's running product on its closed form.
const REANCHOR_EVERY: u64 = 1024;
/// Up to this many factors, log-weights are summed directly.
const DIRECT_TERMS: f64 = 64.0;
/// Shift of the log-gamma argument so that the Stirling series converges.
const GAMMA_SHIFT: u32 = 16;
/// 8-point Gauss–Legendre nodes and weights on \[−1, 1\] (positive half).
const GAUSS_LEGENDRE_8: [(f64, f64); 4] = [
    (0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (0.796_666_477_413_626_7, 0.222_381_034_453_374_5),
    (0.960_289_856_497_536_3, 0.101_228_536_290_376_3),
];

/// The Erlang A (M/M/c+M) queue: Poisson arrivals, exponential service,
/// `servers` servers, unlimited waiting room and exponential patience.
///
/// A customer abandons if service has not started before its patience runs
/// out; customers in service never abandon. All probabilities are as seen by
/// arrivals, which by PASTA equal time averages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Arrival rate λ, per second.
    pub arrival_rate: f64,
    /// Service rate μ of one server, per second.
    pub service_rate: f64,
    /// Abandonment rate θ of a waiting customer, per second (1 / mean patience).
    pub abandonment_rate: f64,
    /// Number of servers c.
    pub servers: u32,
}

/// Aggregates every metric is built from.
#[derive(Debug, Clone, Copy)]
struct Solution {
    /// P(N <= c − 1): an arrival finds a free server.
    p_below: f64,
    /// P(N = c).
    p_at: f64,
    /// ln P(N = c), finite even where `p_at` underflows in overload.
    ln_p_at: f64,
    /// P(N >= c + 1).
    p_above: f64,
    /// ln P(N >= c + 1), finite even where `p_above` underflows.
    ln_p_above: f64,
    /// E\[N − c | N > c\], possibly infinite when θ is vanishingly small.
    mean_excess: f64,
    /// θ·E\[N − c | N > c\]: the abandonment rate while a queue exists. Kept
    /// separately because it stays finite when `mean_excess` overflows.
    excess_abandon_rate: f64,
}

impl ErlangA {
    /// Builds an Erlang A queue after checking that all three rates are
    /// finite and positive, that there is at least one server and that the
    /// service capacity `c·μ` is representable. Any arrival rate is accepted:
    /// abandonment keeps the queue stable even in overload.
    pub fn new(
        arrival_rate: f64,
        service_rate: f64,
        abandonment_rate: f64,
        servers: u32,
    ) -> Result<Self, AnalyticError> {
        require_positive("arrival_rate", arrival_rate)?;
        require_positive("service_rate", service_rate)?;
        require_positive("abandonment_rate", abandonment_rate)?;
        require_servers(servers)?;
        offered_load_of(arrival_rate, service_rate)?;
        require_positive("service capacity (servers × service_rate)", f64::from(servers) * service_rate)?;
        Ok(Self { arrival_rate, service_rate, abandonment_rate, servers })
    }

    /// Offered load `a = λ/μ` in erlangs.
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate / self.service_rate
    }

    /// Solves the chain; see the module documentation for the method.
    fn solve(&self) -> Solution {
        self.solve_with(Summation::DEFAULT)
    }

    /// [`Self::solve`] with an explicit summation policy, so that tests can
    /// compare term-by-term summation with the quadrature continuation.
    fn solve_with(&self, summation: Summation) -> Solution {
        let lambda = self.arrival_rate;
        let theta = self.abandonment_rate;
        let c_mu = f64::from(self.servers) * self.service_rate;
        let (b, not_b) = erlang_b_and_complement(self.servers, self.offered_load());
        let chain = UpperChain::solve(lambda, c_mu, theta, summation);
        // g = ln(B · Σ_{j≥1} t_j): the log-odds of N > c against N <= c.
        // B = 0 (underflow at light load) gives g = −∞; a mode weight of +∞
        // only occurs in overload, where B > 1 − c/a > 0, so the two never
        // meet and g is never NaN.
        let g = b.ln() + chain.ln_mode_weight + chain.ln_sum;
        let p_no_queue = 1.0 / (1.0 + g.exp());
        // ln(1 + e^g), without overflow for large g.
        let softplus = if g > 0.0 { g + (-g).exp().ln_1p() } else { g.exp().ln_1p() };
        Solution {
            p_below: not_b * p_no_queue,
            p_at: b * p_no_queue,
            ln_p_at: b.ln() - softplus,
            p_above: 1.0 / (1.0 + (-g).exp()),
            ln_p_above: if g >= 0.0 { -(-g).exp().ln_1p() } else { g - g.exp().ln_1p() },
            mean_excess: chain.mode + chain.mean_offset,
            excess_abandon_rate: chain.mode_rate + theta * chain.mean_offset,
        }
    }

    /// Probability that an arrival finds all servers busy, `P(N >= c)`.
    pub fn prob_wait(&self) -> f64 {
        let s = self.solve();
        s.p_at + s.p_above
    }

    /// Probability that an arrival abandons, `θ·Lq/λ`: abandonments per
    /// second divided by arrivals per second.
    pub fn prob_abandon(&self) -> f64 {
        let s = self.solve();
        s.above_times(s.excess_abandon_rate, &[self.arrival_rate]).min(1.0)
    }

    /// Mean number waiting `Lq = E[(N − c)⁺]`.
    pub fn mean_queue_len(&self) -> f64 {
        let s = self.solve();
        s.above_times(s.mean_excess, &[])
    }

    /// Mean time in queue in seconds, averaged over all arrivals, served and
    /// abandoned alike (`Lq/λ` by Little's law; also `P(abandon)/θ`).
    pub fn mean_wait(&self) -> f64 {
        let s = self.solve();
        if s.mean_excess.is_finite() {
            s.above_times(s.mean_excess, &[self.arrival_rate])
        } else {
            // Lq overflows only when θ is vanishingly small; P(abandon)/θ
            // may still be representable.
            s.above_times(s.excess_abandon_rate, &[self.arrival_rate, self.abandonment_rate])
        }
    }

    /// Mean number of busy servers `E[min(N, c)]`.
    ///
    /// Computed as `a·P(N <= c − 1) + c·P(N > c)` (the Poisson part satisfies
    /// `Σ_{n<=c} n·p_n = a·P(N <= c − 1)`), a sum of positive terms; the flow
    /// balance `λ·(1 − P(abandon)) = μ·busy` holds to rounding.
    pub fn mean_busy_servers(&self) -> f64 {
        let s = self.solve();
        self.offered_load() * s.p_below + f64::from(self.servers) * s.p_above
    }

    /// Server utilisation: mean busy servers divided by `c`.
    pub fn utilisation(&self) -> f64 {
        self.mean_busy_servers() / f64::from(self.servers)
    }

    /// Mean number in system `L = busy servers + Lq`.
    pub fn mean_in_system(&self) -> f64 {
        self.mean_busy_servers() + self.mean_queue_len()
    }

    /// Share of all arrivals answered within `t` seconds of arriving: the
    /// service level of a call centre whose callers hang up. Abandoned
    /// calls count as not answered, whenever they hang up.
    ///
    /// Exact, from the waiting time of a tagged arrival. One that finds
    /// `c + k` in the system waits through `k + 1` phases; in phase `i`
    /// (with `i` customers still ahead) it moves up at rate `cμ + iθ`
    /// (a service ends or someone ahead abandons), so its virtual wait `V`
    /// is a sum of independent exponentials, and it is answered within `t`
    /// with probability `E[e^{−θV}; V <= t]` (its own patience must outlast
    /// `V`). Summed over the stationary distribution of `k`, the terms
    /// telescope into one integral,
    ///
    /// `SL(t) = P(N < c) + P(N = c)·cμ·∫_0^t exp(φ(s)) ds`,
    /// `φ(s) = (λ/θ)(1 − e^{−θs}) − (cμ + θ)s`,
    ///
    /// so the density of "answered after waiting s" is
    /// `P(N = c)·cμ·e^{φ(s)}`. φ is concave, so the integrand is
    /// log-concave: it is integrated outward from its maximum by
    /// Gauss–Legendre panels sized to its curvature, each direction stopping
    /// once the log-concavity bound on the rest is below 1e-17 of the total.
    /// In overload the maximum lies at `s* = ln(λ/(cμ + θ))/θ`, where
    /// `P(N = c)` and `e^{φ(s*)}` are astronomically small and large; their
    /// product is then taken from the flow balance instead (the integral to
    /// infinity is the answered share `μ·E[busy]/λ` less `P(N < c)`), so no
    /// huge exponent is ever formed. The work is bounded for every θ > 0
    /// (the panels widen as θ shrinks), and as θ → 0 with λ < cμ the result
    /// tends to the Erlang C service level `1 − C·e^{−(cμ−λ)t}`.
    ///
    /// Returns 0 for `t < 0` and `NaN` for a `NaN` deadline.
    pub fn service_level(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        if t < 0.0 {
            return 0.0;
        }
        let s = self.solve();
        let waited = self.answered_after_waiting(&s, t);
        (s.p_below + waited.share).min(1.0)
    }

    /// Average speed of answer: the mean wait, in seconds, of the calls
    /// that are answered (abandoned calls excluded), `E[W; answered] /
    /// P(answered)`, from the same density as [`Self::service_level`].
    /// Infinite only when θ is so small in overload that the typical wait
    /// is beyond any representable time.
    pub fn mean_answered_wait(&self) -> f64 {
        let s = self.solve();
        let waited = self.answered_after_waiting(&s, f64::INFINITY);
        let answered = self.answered_share(&s);
        if answered > 0.0 { waited.wait_sum / answered } else { f64::NAN }
    }

    /// P(answered) from the flow balance `λ·P(answered) = μ·E[busy]`,
    /// accurate even when nearly everyone abandons (where `1 − P(abandon)`
    /// would cancel).
    fn answered_share(&self, s: &Solution) -> f64 {
        let busy = self.offered_load() * s.p_below + f64::from(self.servers) * s.p_above;
        (self.service_rate * busy / self.arrival_rate).min(1.0)
    }

    /// The calls answered after waiting in queue, up to a wait of `t`:
    /// their share of all arrivals and the sum of their waits per arrival.
    fn answered_after_waiting(&self, s: &Solution, t: f64) -> AnsweredAfterWaiting {
        let none = AnsweredAfterWaiting { share: 0.0, wait_sum: 0.0 };
        if t <= 0.0 || s.ln_p_at == f64::NEG_INFINITY {
            return none;
        }
        let c_mu = f64::from(self.servers) * self.service_rate;
        let density = WaitDensity::new(self.arrival_rate, c_mu, self.abandonment_rate);
        match density.peak() {
            Some(0.0) => {
                // Maximum at zero: φ(0) = 0, so P(N = c)·cμ scales directly.
                let part = density.integrate(0.0, 0.0, t);
                let scale = s.ln_p_at + c_mu.ln();
                let scaled = |x: f64| if x > 0.0 { (scale + x.ln()).exp() } else { 0.0 };
                AnsweredAfterWaiting { share: scaled(part.zeroth), wait_sum: scaled(part.first) }
            }
            Some(peak) => {
                let whole = density.integrate(peak, 0.0, f64::INFINITY);
                let mass = (self.answered_share(s) - s.p_below).max(0.0);
                if whole.zeroth.is_nan() || whole.zeroth <= 0.0 {
                    return none;
                }
                let part = if t == f64::INFINITY { whole } else { density.integrate(peak, 0.0, t) };
                AnsweredAfterWaiting {
                    share: mass * (part.zeroth / whole.zeroth),
                    wait_sum: mass * (part.first / whole.zeroth),
                }
            }
            // θ so small that the most likely wait is beyond any
            // representable time: answered-after-waiting within a finite
            // t is nil, and the waits of the answered are unbounded.
            None if t.is_finite() => none,
            None => AnsweredAfterWaiting { share: 0.0, wait_sum: f64::INFINITY },
        }
    }
}

/// Part of the arrivals answered after a positive wait.
#[derive(Debug, Clone, Copy)]
struct AnsweredAfterWaiting {
    /// Their share of all arrivals.
    share: f64,
    /// Their summed wait per arrival, in seconds.
    wait_sum: f64,
}

/// The unnormalised density `e^{φ(s)}` of "answered after waiting s",
/// `φ(s) = (λ/θ)(1 − e^{−θs}) − (cμ + θ)s`, see [`ErlangA::service_level`].
#[derive(Debug, Clone, Copy)]
struct WaitDensity {
    lambda: f64,
    theta: f64,
    /// `cμ + θ`.
    r: f64,
}

/// `∫ e^{φ(s) − φ(s0)}` and `∫ s·e^{φ(s) − φ(s0)}` over a range, for an
/// anchor `s0`.
#[derive(Debug, Clone, Copy)]
struct WaitIntegral {
    zeroth: f64,
    first: f64,
}

impl WaitDensity {
    fn new(lambda: f64, c_mu: f64, theta: f64) -> Self {
        Self { lambda, theta, r: c_mu + theta }
    }

    /// Where φ is largest on `[0, ∞)`: `s* = ln(λ/r)/θ` when λ > r, else 0;
    /// `None` if s* is not representable.
    fn peak(&self) -> Option<f64> {
        if self.lambda <= self.r {
            return Some(0.0);
        }
        let s_star = (self.lambda / self.r).ln() / self.theta;
        s_star.is_finite().then_some(s_star)
    }

    /// Integrates `e^{φ(s) − φ(anchor)}` over `[lo, hi]`, outward from the
    /// point of the range nearest the anchor (where, φ being concave, the
    /// integrand is largest).
    fn integrate(&self, anchor: f64, lo: f64, hi: f64) -> WaitIntegral {
        let l0 = self.lambda * (-self.theta * anchor).exp();
        // At an interior maximum l0 = r exactly; writing the excess as 0
        // there keeps ψ free of cancellation.
        let excess = if anchor > 0.0 { 0.0 } else { (self.lambda - (self.r - self.theta)) - self.theta };
        let shape = PeakShape { l0, excess, theta: self.theta };
        let start = anchor.clamp(lo, hi);
        let mut zeroth = CompensatedSum::default();
        let mut first = CompensatedSum::default();
        shape.march(anchor, start - anchor, hi - anchor, &mut zeroth, &mut first);
        shape.march(anchor, start - anchor, lo - anchor, &mut zeroth, &mut first);
        WaitIntegral { zeroth: zeroth.value(), first: first.value() }
    }
}

/// `ψ(d) = φ(s0 + d) − φ(s0) = excess·d − l0·h(θd)/θ` around an anchor
/// `s0`, with `l0 = λe^{−θs0}` and `excess = l0 − (cμ + θ)` (zero at an
/// interior maximum, which is what keeps ψ free of cancellation there).
#[derive(Debug, Clone, Copy)]
struct PeakShape {
    l0: f64,
    excess: f64,
    theta: f64,
}

impl PeakShape {
    fn psi(&self, d: f64) -> f64 {
        self.excess * d - self.l0 * h(self.theta * d) / self.theta
    }

    /// ψ'(d) = excess + l0·(e^{−θd} − 1).
    fn slope(&self, d: f64) -> f64 {
        self.excess + self.l0 * (-self.theta * d).exp_m1()
    }

    /// |ψ''(d)| = θ·l0·e^{−θd}.
    fn curvature(&self, d: f64) -> f64 {
        self.theta * self.l0 * (-self.theta * d).exp()
    }

    /// Adds `∫ e^ψ` and `∫ (s0 + d)·e^ψ` over `d` from `from` to `to`
    /// (either direction) to the sums, in panels over which ψ changes by
    /// about 1/2. Moving away from the maximum, it stops early once the
    /// log-concavity bound on the rest (the integrand falls at least as fast
    /// as `e^{ψ(a) + ψ'(a)(d − a)}`) is negligible.
    fn march(&self, s0: f64, from: f64, to: f64, zeroth: &mut CompensatedSum, first: &mut CompensatedSum) {
        if to == from {
            return;
        }
        let sign = (to - from).signum();
        let length = (to - from).abs();
        let mut a = 0.0;
        for _ in 0..MAX_INTERVALS {
            if a >= length {
                return;
            }
            let d = from + sign * a;
            let f = self.psi(d).exp();
            // Rate at which ln(integrand) falls moving on.
            let fall = -sign * self.slope(d);
            if fall > 0.0 {
                if f == 0.0 {
                    return;
                }
                let distance = (s0 + d).abs();
                let tail = f / fall;
                let tail_first = f * (distance / fall + 1.0 / (fall * fall));
                if tail <= NEGLIGIBLE * zeroth.value() && tail_first <= NEGLIGIBLE * first.value().abs() {
                    return;
                }
            }
            let step = (0.5 / (fall.abs() + self.curvature(d).sqrt())).min(length - a);
            if !(step > 0.0 && step.is_finite()) {
                return;
            }
            let half = 0.5 * step;
            let mid = a + half;
            for &(node, w) in &GAUSS_LEGENDRE_8 {
                for x in [mid - half * node, mid + half * node] {
                    let dx = from + sign * x;
                    let f = self.psi(dx).exp();
                    zeroth.add(half * w * f);
                    first.add(half * w * (s0 + dx) * f);
                }
            }
            a += step;
        }
    }
}

/// `h(x) = e^{−x} − 1 + x >= 0`, by its series where the closed form
/// would cancel.
fn h(x: f64) -> f64 {
    if x.abs() >= 0.5 {
        return (-x).exp_m1() + x;
    }
    let mut term = 0.5 * x * x;
    let mut sum = term;
    for k in 3..40u32 {
        term *= -x / f64::from(k);
        sum += term;
        if term.abs() <= 1e-18 * sum {
            break;
        }
    }
    sum
}

impl Solution {
    /// `P(N > c) · numerator / Π denominators`.
    ///
    /// Multiplied directly when that is safe, otherwise in log space, so
    /// that a probability which underflowed to zero still combines with a
    /// huge factor (an abandonment rate θ → ∞ makes `P(N > c)` vanish while
    /// `θ·P(N > c)` stays finite).
    fn above_times(&self, numerator: f64, denominators: &[f64]) -> f64 {
        let direct = denominators.iter().fold(self.p_above * numerator, |acc, d| acc / d);
        if self.p_above > 1e-200 && direct.is_finite() && direct > 1e-200 {
            return direct;
        }
        let ln = denominators.iter().fold(self.ln_p_above + numerator.ln(), |acc, d| acc - d.ln());
        ln.exp()
    }
}

/// The weights `t_j = ∏_{i=1}^{j} λ/(cμ + iθ)`, `j >= 1`, of the states
/// above `c`, summarised relative to their mode `j*`.
#[derive(Debug, Clone, Copy)]
struct UpperChain {
    /// Mode `j*` (possibly a non-integer or infinite beyond 2⁵², where
    /// individual states are no longer distinguishable in an `f64`).
    mode: f64,
    /// `θ·j*`, always finite.
    mode_rate: f64,
    /// `ln t_{j*}` (`+∞` if it overflows).
    ln_mode_weight: f64,
    /// `ln Σ_{j>=1} t_j / t_{j*}`.
    ln_sum: f64,
    /// `Σ (j − j*)·t_j / Σ t_j`.
    mean_offset: f64,
}

impl UpperChain {
    fn solve(lambda: f64, c_mu: f64, theta: f64, summation: Summation) -> Self {
        let at_c = DeathRate { value: c_mu, excess: c_mu - lambda };
        let (mode, mode_rate, base) = if lambda <= c_mu + theta {
            (1.0, theta, at_c.shifted(theta))
        } else {
            let y = (lambda - c_mu) / theta;
            if y < 4_503_599_627_370_496.0 {
                let j = y.floor();
                let base = DeathRate { value: c_mu + j * theta, excess: -theta * (y - j) };
                (j, j * theta, base)
            } else {
                // Beyond 2⁵² (or at infinity) states are not distinguishable
                // in an f64; the mode is where the death rate equals λ.
                let base = DeathRate { value: lambda, excess: 0.0 };
                (y, lambda - c_mu, base)
            }
        };
        let ln_mode_weight = if mode.is_finite() {
            let v = ln_weight(lambda, at_c, theta, mode);
            // Only a vanishing θ in overload can make this non-finite, and
            // then the true value is astronomically large.
            if v.is_nan() { f64::INFINITY } else { v }
        } else {
            f64::INFINITY
        };
        let walker = Walker { lambda, theta, base, summation };
        let mut moments = Moments::default();
        moments.add(0.0, 1.0);
        walker.walk(Direction::Up, f64::INFINITY, &mut moments);
        walker.walk(Direction::Down, mode - 1.0, &mut moments);
        let sum = moments.zeroth.value();
        let offset = moments.first.value() / sum;
        Self {
            mode,
            mode_rate,
            ln_mode_weight,
            ln_sum: sum.ln(),
            mean_offset: if offset.is_finite() { offset } else { 0.0 },
        }
    }
}

/// Direction of a walk away from the mode.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    Up,
    Down,
}

/// Running zeroth and first moments of the weights relative to the mode.
#[derive(Debug, Default)]
struct Moments {
    zeroth: CompensatedSum,
    first: CompensatedSum,
}

impl Moments {
    fn add(&mut self, offset: f64, weight: f64) {
        self.zeroth.add(weight);
        self.first.add(offset * weight);
    }
}

/// A total death rate `cμ + jθ` of a state above `c`, carried together
/// with its excess over λ, `cμ + jθ − λ`.
///
/// Near the mode the rate is within a hair of λ, and with a tiny θ
/// consecutive rates can differ by less than the resolution of an `f64`
/// around λ. Ratios and logarithms are then taken from the excess, which
/// keeps full relative precision, and far from the mode from the value.
#[derive(Debug, Clone, Copy)]
struct DeathRate {
    value: f64,
    excess: f64,
}

impl DeathRate {
    /// The rate `by` higher (a shift of `by/θ` states).
    fn shifted(self, by: f64) -> Self {
        Self { value: self.value + by, excess: self.excess + by }
    }

    /// `rate / λ`.
    fn over(self, lambda: f64) -> f64 {
        if self.excess.abs() <= 0.5 * lambda { 1.0 + self.excess / lambda } else { self.value / lambda }
    }

    /// `ln(λ / rate)`.
    fn ln_lambda_over(self, lambda: f64) -> f64 {
        if self.excess.abs() <= 0.5 * lambda { -(self.excess / lambda).ln_1p() } else { (lambda / self.value).ln() }
    }
}

/// When a walk from the mode hands the rest of its sum to quadrature.
#[derive(Debug, Clone, Copy)]
struct Summation {
    /// Hard cap on terms summed one by one in each direction.
    max_terms: u64,
    /// Also hand over as soon as the weights vary so slowly that the
    /// quadrature is exact to rounding ([`SMOOTH_STEP`], [`SMOOTH_CURVATURE`],
    /// after at least [`MIN_TERMS`] terms).
    when_smooth: bool,
}

impl Summation {
    /// The policy used by [`ErlangA`].
    const DEFAULT: Self = Self { max_terms: MAX_TERMS, when_smooth: true };
}

/// Parameters of the upper chain walked from its mode.
#[derive(Debug, Clone, Copy)]
struct Walker {
    lambda: f64,
    theta: f64,
    /// Death rate at the mode, `cμ + j*·θ`.
    base: DeathRate,
    summation: Summation,
}

impl Walker {
    /// Death rate `s` states from the mode in `direction` (`s` may be real).
    fn rate(&self, direction: Direction, s: f64) -> DeathRate {
        match direction {
            Direction::Up => self.base.shifted(s * self.theta),
            Direction::Down => self.base.shifted(-s * self.theta),
        }
    }

    /// Ratio of the `k`-th weight from the mode to the `(k−1)`-th.
    fn ratio(&self, direction: Direction, k: f64) -> f64 {
        match direction {
            Direction::Up => 1.0 / self.rate(direction, k).over(self.lambda),
            Direction::Down => self.rate(direction, k - 1.0).over(self.lambda),
        }
    }

    /// Adds the weights `k = 1, 2, …, limit` steps from the mode in
    /// `direction` to `moments`, stopping when the geometric bound on the
    /// rest is negligible, or continuing by quadrature after the term cap.
    ///
    /// Beyond the mode the ratios decrease step by step, so once a ratio `r`
    /// is below 1 the remaining weights are bounded by a geometric series in
    /// `r`; the bound used covers the first moment as well. Every
    /// [`REANCHOR_EVERY`] steps the running product is replaced by its
    /// closed form so that rounding cannot accumulate over long walks.
    fn walk(&self, direction: Direction, limit: f64, moments: &mut Moments) {
        let sign = if direction == Direction::Up { 1.0 } else { -1.0 };
        let mut weight = 1.0;
        let mut k = 0.0;
        let mut steps = 0;
        while k < limit {
            k += 1.0;
            steps += 1;
            weight = if steps % REANCHOR_EVERY == 0 {
                self.ln_relative_weight(direction, 0.0, k).exp()
            } else {
                weight * self.ratio(direction, k)
            };
            moments.add(sign * k, weight);
            if weight == 0.0 {
                return;
            }
            let r = self.ratio(direction, k + 1.0);
            if r < 1.0 {
                let first_moment_tail = weight * r / (1.0 - r) * (k + 1.0 / (1.0 - r));
                if first_moment_tail <= NEGLIGIBLE * moments.zeroth.value() {
                    return;
                }
            }
            let smooth = self.summation.when_smooth
                && steps >= MIN_TERMS
                && (1.0 - r).abs() <= SMOOTH_STEP
                && self.curvature(direction, k, 0.0) <= SMOOTH_CURVATURE;
            if smooth || steps >= self.summation.max_terms {
                let scale = moments.zeroth.value() / weight;
                let (zeroth, first) = self.continuation(direction, k, limit - k, scale);
                moments.zeroth.add(weight * zeroth);
                moments.first.add(sign * weight * (k * zeroth + first));
                return;
            }
        }
    }

    /// `ln(t_{J±t} / t_J)` for real `t >= 0`, where `J` is `k` steps from the
    /// mode in `direction`.
    fn ln_relative_weight(&self, direction: Direction, k: f64, t: f64) -> f64 {
        match direction {
            Direction::Up => ln_weight(self.lambda, self.rate(direction, k), self.theta, t),
            Direction::Down => -ln_weight(self.lambda, self.rate(direction, k + t), self.theta, t),
        }
    }

    /// Approximate derivative of [`Self::ln_relative_weight`] in `t` (the
    /// log of the local ratio, with the digamma function replaced by
    /// `ln(z − 1/2)`), used for step control and the end corrections.
    fn slope(&self, direction: Direction, k: f64, t: f64) -> f64 {
        match direction {
            Direction::Up => self.rate(direction, k + t + 0.5).ln_lambda_over(self.lambda),
            Direction::Down => -self.rate(direction, k + t - 0.5).ln_lambda_over(self.lambda),
        }
    }

    /// Approximate magnitude of the second derivative of
    /// [`Self::ln_relative_weight`] in `t`.
    fn curvature(&self, direction: Direction, k: f64, t: f64) -> f64 {
        self.theta / self.rate(direction, k + t).value
    }

    /// `(Σ_{i=1}^{M} f(i), Σ_{i=1}^{M} i·f(i))` for `f(t) = t_{J±t}/t_J`,
    /// `M = remaining`, by the Euler–Maclaurin formula
    /// `Σ_{i=1}^{M} f(i) = ∫_0^M f − f(0)/2 + f(M)/2 + (f'(M) − f'(0))/12 …`
    /// (including the `f'''(0)/720` term at the start), with the integral
    /// by composite 8-point Gauss–Legendre.
    ///
    /// Only called where the local ratio is within [`SMOOTH_STEP`] of 1 and
    /// changes by at most [`SMOOTH_CURVATURE`] per state (or, after
    /// [`MAX_TERMS`] steps without the tail becoming negligible, closer
    /// still), so `f` is smooth on the scale of one state: the omitted
    /// Euler–Maclaurin terms are of order `SMOOTH_STEP⁵/30240` relative to
    /// `f(0)`, and the Gauss–Legendre error is smaller still. Intervals are
    /// sized so that `ln f` changes by about 1/2 across each, and
    /// integration stops when the log-concavity bound `f(a)/|(ln f)'(a)|` on
    /// the rest is negligible against `scale` (the walk's total so far,
    /// in units of `f(0)`).
    fn continuation(&self, direction: Direction, k: f64, remaining: f64, scale: f64) -> (f64, f64) {
        let mut zeroth = CompensatedSum::default();
        let mut first = CompensatedSum::default();
        let mut a = 0.0;
        let mut f_a = 1.0;
        let mut reached_end = false;
        for _ in 0..MAX_INTERVALS {
            if a >= remaining {
                reached_end = true;
                break;
            }
            let slope = self.slope(direction, k, a);
            if slope < 0.0 {
                let bound = f_a / -slope * (k + a + 1.0 / -slope);
                if bound <= NEGLIGIBLE * (scale + zeroth.value()) {
                    break;
                }
            }
            let curvature = self.curvature(direction, k, a);
            let step = (0.5 / (slope.abs() + curvature.sqrt())).max(1.0).min(remaining - a);
            if !step.is_finite() {
                // θ so small that the weights are flat on any representable
                // scale (the chain is effectively a fluid); what was summed
                // already fixes the answer to within rounding.
                break;
            }
            let half = 0.5 * step;
            let mid = a + half;
            for &(node, w) in &GAUSS_LEGENDRE_8 {
                for t in [mid - half * node, mid + half * node] {
                    let f = self.ln_relative_weight(direction, k, t).exp();
                    zeroth.add(half * w * f);
                    first.add(half * w * t * f);
                }
            }
            a += step;
            f_a = self.ln_relative_weight(direction, k, a).exp();
        }
        // Euler–Maclaurin at 0 with f = e^ℓ, f(0) = 1, ℓ' = s, ℓ'' = −κ:
        // f' = s, f'' = s² − κ, f''' ≈ s³ − 3sκ; for g = t·f, g(0) = 0,
        // g'(0) = 1 and g'''(0) = 3f''(0). The next terms are O(s⁵/30240).
        let s = self.slope(direction, k, 0.0);
        let kappa = self.curvature(direction, k, 0.0);
        zeroth.add(-0.5 - s / 12.0 + (s * s * s - 3.0 * s * kappa) / 720.0);
        first.add(-1.0 / 12.0 + 3.0 * (s * s - kappa) / 720.0);
        if reached_end && remaining.is_finite() {
            let slope_m = self.slope(direction, k, remaining);
            zeroth.add(f_a / 2.0 + slope_m * f_a / 12.0);
            first.add(remaining * f_a / 2.0 + (f_a + remaining * slope_m * f_a) / 12.0);
        }
        (zeroth.value(), first.value())
    }
}

/// `φ(u)/u` with `φ(u) = (1 + u)·ln(1 + u) − u`, for `u >= 0`.
///
/// For small `u` the closed form cancels (φ ≈ u²/2), so the alternating
/// series `Σ_{k>=2} (−1)^k u^{k−1} / (k(k − 1))` is used below 1/2.
fn phi_over_u(u: f64) -> f64 {
    if u >= 0.5 {
        return (1.0 + u) * u.ln_1p() / u - 1.0;
    }
    let mut sum = 0.0;
    let mut power = u;
    for k in 2..100u32 {
        let kf = f64::from(k);
        let term = power / (kf * (kf - 1.0));
        sum += if k % 2 == 0 { term } else { -term };
        if term <= 1e-18 * sum.abs() {
            break;
        }
        power *= u;
    }
    sum
}

/// Stirling-series remainder `ω(z) = ln Γ(z) − (z − ½)·ln z + z − ½·ln 2π`
/// as a function of `v = 1/z`; truncation error below 1e-19 for `z >= 17`.
fn stirling_correction(v: f64) -> f64 {
    let v2 = v * v;
    v * (1.0 / 12.0
        + v2 * (-1.0 / 360.0
            + v2 * (1.0 / 1260.0
                + v2 * (-1.0 / 1680.0 + v2 * (1.0 / 1188.0 + v2 * (-691.0 / 360_360.0 + v2 / 156.0))))))
}

/// `ln ∏_{i=1}^{t} λ/(r0 + iθ)` for a death rate `r0`, extended to real
/// `t >= 0` as `t·ln(λ/θ) − ln Γ(s + 1 + t) + ln Γ(s + 1)` with `s = r0/θ`.
///
/// Small integer `t` is summed directly. Otherwise the log-gamma difference
/// is shifted by [`GAMMA_SHIFT`] so that Stirling's series converges, and
/// the large parts are combined analytically before evaluation:
/// with `Z = s + 1 + 16` and `u = t/Z`, the result is
/// `t·(ln(λ/(θZ)) − φ(u)/u) + ½·ln(1 + u) − (ω(Z + t) − ω(Z))
///  + Σ_{i=0}^{15} ln(1 + t/(s + 1 + i))`.
/// Every quantity is formed from `θ/(r0 + …)` rather than `r0/θ`, so a tiny
/// θ never overflows an intermediate, and `φ(u)/u` never cancels.
fn ln_weight(lambda: f64, r0: DeathRate, theta: f64, t: f64) -> f64 {
    let mut sum = CompensatedSum::default();
    if t <= DIRECT_TERMS && t.fract() == 0.0 {
        for i in 1..=(t as u32) {
            sum.add(r0.shifted(f64::from(i) * theta).ln_lambda_over(lambda));
        }
        return sum.value();
    }
    let shifted = r0.shifted((f64::from(GAMMA_SHIFT) + 1.0) * theta);
    let inv_z = theta / shifted.value;
    let u = t * inv_z;
    sum.add(t * (shifted.ln_lambda_over(lambda) - phi_over_u(u)));
    sum.add(0.5 * u.ln_1p());
    sum.add(stirling_correction(inv_z) - stirling_correction(inv_z / (1.0 + u)));
    for i in 0..GAMMA_SHIFT {
        sum.add((t * (theta / (r0.value + f64::from(i + 1) * theta))).ln_1p());
    }
    sum.value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::assert_rel;
    use crate::analytic::{MMc, erlang_c};

    fn assert_flow_balance(q: &ErlangA, tol: f64) {
        // Every arrival is either served or abandons: μ·busy + λ·P(ab) = λ.
        // (Comparing μ·busy with λ·(1 − P(ab)) instead would cancel badly
        // when nearly everyone abandons.)
        assert_rel(q.service_rate * q.mean_busy_servers() + q.arrival_rate * q.prob_abandon(), q.arrival_rate, tol);
    }

    fn assert_all_finite(q: &ErlangA) {
        for v in [
            q.prob_wait(),
            q.prob_abandon(),
            q.mean_queue_len(),
            q.mean_wait(),
            q.mean_busy_servers(),
            q.utilisation(),
            q.mean_in_system(),
        ] {
            assert!(v.is_finite() && v >= 0.0, "{q:?}: {v}");
        }
        assert!(q.prob_wait() <= 1.0 && q.prob_abandon() <= 1.0 && q.utilisation() <= 1.0);
    }

    #[test]
    fn matches_forty_digit_references_for_small_systems() {
        // (λ, μ, θ, c, P(wait), Lq, P(abandon), busy) from direct summation
        // of the chain in 40-digit arithmetic.
        let cases = [
            (
                5.0,
                1.0,
                0.5,
                3,
                0.943_378_668_938_187_7,
                4.156_091_236_981_212,
                0.415_609_123_698_121_23,
                2.921_954_381_509_394,
            ),
            (
                10.0,
                1.0,
                0.2,
                8,
                0.956_982_301_693_931_7,
                10.449_622_666_842_707,
                0.208_992_453_336_854_14,
                7.910_075_466_631_459,
            ),
            (
                3.0,
                1.0,
                100.0,
                2,
                0.536_733_460_817_725_7,
                0.015_790_831_739_778_429,
                0.526_361_057_992_614_3,
                1.420_916_826_022_157_1,
            ),
            (
                12.0,
                1.0,
                0.05,
                10,
                0.998_096_951_633_931_8,
                40.088_495_903_770_435,
                0.167_035_399_599_043_49,
                9.995_575_204_811_478,
            ),
        ];
        for (lambda, mu, theta, c, pw, lq, pab, busy) in cases {
            let q = ErlangA::new(lambda, mu, theta, c).unwrap();
            assert_rel(q.prob_wait(), pw, 1e-14);
            assert_rel(q.mean_queue_len(), lq, 1e-13);
            assert_rel(q.prob_abandon(), pab, 1e-13);
            assert_rel(q.mean_busy_servers(), busy, 1e-14);
            assert_rel(q.mean_in_system(), busy + lq, 1e-13);
            assert_rel(q.mean_wait(), lq / lambda, 1e-13);
            assert_rel(q.utilisation(), busy / f64::from(c), 1e-14);
        }
    }

    #[test]
    fn matches_forty_digit_references_for_large_systems_near_saturation() {
        // Modes of 100 and 200 states take the log-gamma path.
        let cases = [
            (9_900.0, 0.01, 10_000, 0.221_107_900_525_580_27, 21.474_251_094_075_436, 9_899.785_257_489_059),
            (1_000.0, 0.1, 990, 0.918_419_660_521_184_1, 118.041_367_884_978_23, 988.195_863_211_502_2),
            (10_020.0, 0.1, 10_000, 0.869_226_403_983_997_5, 295.752_965_305_700_95, 9_990.424_703_469_43),
        ];
        for (lambda, theta, c, pw, lq, busy) in cases {
            let q = ErlangA::new(lambda, 1.0, theta, c).unwrap();
            assert_rel(q.prob_wait(), pw, 1e-12);
            assert_rel(q.mean_queue_len(), lq, 1e-11);
            assert_rel(q.mean_busy_servers(), busy, 1e-13);
            assert_flow_balance(&q, 1e-12);
        }
    }

    /// Poisson(a) probabilities for 0..=n_max, built outward from the mode
    /// so that nothing underflows near the mode.
    fn poisson_pmf(a: f64, n_max: usize) -> Vec<f64> {
        let mode = a.floor() as usize;
        let mut w = vec![0.0; n_max + 1];
        w[mode] = 1.0;
        for n in mode + 1..=n_max {
            w[n] = w[n - 1] * a / n as f64;
        }
        for n in (1..=mode).rev() {
            w[n - 1] = w[n] * n as f64 / a;
        }
        let total: f64 = w.iter().sum();
        w.iter().map(|x| x / total).collect()
    }

    #[test]
    fn patience_equal_to_service_makes_the_system_poisson() {
        // With θ = μ every customer leaves at rate μ whether served or not,
        // so N ~ Poisson(a) as in M/M/∞.
        for &(a, c) in &[(5.0, 3u32), (2.0, 6), (40.0, 45), (120.0, 100)] {
            let q = ErlangA::new(a, 1.0, 1.0, c).unwrap();
            let pmf = poisson_pmf(a, (a + 40.0 * a.sqrt() + 50.0) as usize);
            let c_us = c as usize;
            let p_wait: f64 = pmf[c_us..].iter().sum();
            let lq: f64 = pmf.iter().enumerate().skip(c_us).map(|(n, p)| (n - c_us) as f64 * p).sum();
            let busy: f64 = pmf.iter().enumerate().map(|(n, p)| n.min(c_us) as f64 * p).sum();
            assert_rel(q.prob_wait(), p_wait, 1e-12);
            assert_rel(q.mean_queue_len(), lq, 1e-12);
            assert_rel(q.mean_busy_servers(), busy, 1e-12);
            assert_rel(q.mean_in_system(), a, 1e-12);
        }
    }

    #[test]
    fn vanishing_patience_rate_below_saturation_gives_erlang_c() {
        let reference = MMc::new(8.0, 1.0, 10).unwrap();
        for &theta in &[1e-9, 1e-12, 1e-100, f64::MIN_POSITIVE, 5e-324] {
            let q = ErlangA::new(8.0, 1.0, theta, 10).unwrap();
            assert_rel(q.prob_wait(), erlang_c(10, 8.0), 1e-8);
            assert_rel(q.mean_queue_len(), reference.mean_queue_len(), 1e-8);
            assert_rel(q.mean_wait(), reference.mean_wait(), 1e-8);
            assert!(q.prob_abandon() < 1e-8);
            assert_all_finite(&q);
        }
    }

    #[test]
    fn vanishing_patience_rate_in_overload_abandons_the_excess() {
        // λ = 12 against c·μ = 10: in the limit 1/6 of arrivals abandon, the
        // servers saturate and the queue holds about (λ − cμ)/θ customers.
        for &theta in &[1e-3, 1e-6, 1e-9] {
            let q = ErlangA::new(12.0, 1.0, theta, 10).unwrap();
            assert_rel(q.prob_abandon(), 1.0 / 6.0, 1e-3 * theta.sqrt().max(1e-9) + 1e-12);
            assert_rel(q.mean_queue_len(), 2.0 / theta, 1e-2 * theta.sqrt() + 1e-12);
            assert!(q.prob_wait() > 1.0 - 1e-12);
            assert_flow_balance(&q, 1e-12);
            assert_all_finite(&q);
        }
    }

    #[test]
    fn critical_load_with_tiny_patience_rate_stays_exact() {
        // M/M/1+M with λ = μ = 1 and θ = 1/n: the weights from state 1 upward
        // sum to R = Σ_{k>=0} nᵏ/((n+1)…(n+k)) = √(πn/2) + 1/3 + √(π/2n)/12
        // + O(1/n) (Ramanujan), so P(wait) = R/(1 + R) and, by flow balance
        // θ·Lq = λ − μ·P(wait), Lq = 1/(θ(1 + R)). With n = 10¹² about 10⁷
        // states matter, so most of the sum comes from the quadrature.
        let n = 1e12;
        let r = (std::f64::consts::PI * n / 2.0).sqrt() + 1.0 / 3.0 + (std::f64::consts::PI / (2.0 * n)).sqrt() / 12.0;
        let q = ErlangA::new(1.0, 1.0, 1.0 / n, 1).unwrap();
        let s = q.solve();
        assert_rel(s.p_at + s.p_above, r / (1.0 + r), 1e-14);
        assert_rel(s.p_above * s.mean_excess, n / (1.0 + r), 1e-12);
    }

    #[test]
    fn subnormal_patience_rate_in_overload_terminates_without_nan() {
        for &theta in &[1e-200, f64::MIN_POSITIVE, 5e-324] {
            let q = ErlangA::new(12.0, 1.0, theta, 10).unwrap();
            assert_rel(q.prob_abandon(), 1.0 / 6.0, 1e-9);
            assert_eq!(q.prob_wait(), 1.0);
            assert_eq!(q.utilisation(), 1.0);
            assert!(q.mean_queue_len() > 1e199);
            assert!(!q.mean_wait().is_nan() && q.mean_wait() > 1e199);
        }
    }

    #[test]
    fn quadrature_continuation_agrees_with_term_by_term_summation() {
        // Regimes with thousands of relevant states, solved once in full and
        // once with the walk cut after 50, 200 or 2,000 terms per direction.
        let cases = [
            (100.0, 1.0, 1e-4, 100), // critical load, wide bell
            (99.0, 1.0, 1e-5, 100),  // slowly decaying, near-geometric
            (101.0, 1.0, 1e-4, 100), // mode above c, both directions
            (130.0, 1.0, 1e-3, 100), // far overload, mode 30,000
            (99.99, 1.0, 1e-7, 100), // near-critical, tens of thousands of states
        ];
        for (lambda, mu, theta, c) in cases {
            let q = ErlangA::new(lambda, mu, theta, c).unwrap();
            let full = q.solve_with(Summation { max_terms: u64::MAX, when_smooth: false });
            let default = q.solve();
            assert_rel(default.p_above, full.p_above, 1e-13);
            assert_rel(default.p_at, full.p_at, 1e-13);
            assert_rel(default.mean_excess, full.mean_excess, 1e-13);
            assert_rel(default.excess_abandon_rate, full.excess_abandon_rate, 1e-13);
            for cap in [50, 200, 2_000] {
                let capped = q.solve_with(Summation { max_terms: cap, when_smooth: false });
                assert_rel(capped.p_above, full.p_above, 1e-13);
                assert_rel(capped.p_at, full.p_at, 1e-13);
                assert_rel(capped.mean_excess, full.mean_excess, 1e-13);
                assert_rel(capped.excess_abandon_rate, full.excess_abandon_rate, 1e-13);
            }
        }
    }

    #[test]
    fn log_weight_formula_matches_direct_summation() {
        for &(lambda, c0, theta) in
            &[(10.0, 8.0, 0.5), (1e4, 9_990.0, 0.1), (3.0, 0.001, 1.0), (5.0, 5.0, 1e-6), (1e6, 10.0, 1e-3)]
        {
            let mut direct = CompensatedSum::default();
            for t in 1..=400u32 {
                direct.add((lambda / (c0 + f64::from(t) * theta)).ln());
                if t > 64 {
                    let rate = DeathRate { value: c0, excess: c0 - lambda };
                    let got = ln_weight(lambda, rate, theta, f64::from(t));
                    let want = direct.value();
                    let err = (got - want).abs() / want.abs().max(1.0);
                    assert!(err < 1e-12, "λ={lambda} c0={c0} θ={theta} t={t}: {got} vs {want}");
                }
            }
        }
    }

    #[test]
    fn log_weight_is_continuous_across_the_direct_summation_limit() {
        let rate = DeathRate { value: 10.0, excess: -40.0 };
        let at = |t: f64| ln_weight(50.0, rate, 0.3, t);
        // The weights still rise at t = 64 (50 > 10 + 64·0.3). 64.5 goes
        // through the gamma form and must lie between its integer neighbours,
        // one summed directly and one via the gamma form.
        let (lo, mid, hi) = (at(64.0), at(64.5), at(65.0));
        assert!(lo < mid && mid < hi);
        assert_rel(mid - lo, hi - mid, 1e-2);
    }

    #[test]
    fn phi_series_and_closed_form_agree_at_the_switch() {
        let below = phi_over_u(0.5 - 1e-12);
        let above = phi_over_u(0.5);
        assert_rel(below, above, 1e-11);
        assert_eq!(phi_over_u(0.0), 0.0);
        assert_rel(phi_over_u(1e-8), 0.5e-8, 1e-7);
    }

    #[test]
    fn ten_thousand_servers_in_heavy_overload_stay_finite() {
        for &lambda in &[5_000.0, 9_999.0, 10_000.0, 10_001.0, 20_000.0, 1e6] {
            let q = ErlangA::new(lambda, 1.0, 1.0 / 300.0, 10_000).unwrap();
            assert_all_finite(&q);
            assert_flow_balance(&q, 1e-11);
        }
    }

    #[test]
    fn extreme_parameter_combinations_never_produce_nan() {
        for lambda in [1e-6, 1.0, 1e6] {
            for mu in [1e-3, 1.0, 1e3] {
                for theta in [1e-300, 1e-6, 1.0, 1e300] {
                    for c in [1, 50] {
                        let q = ErlangA::new(lambda, mu, theta, c).unwrap();
                        let s = q.solve();
                        let probabilities = [s.p_below, s.p_at, s.p_above, q.prob_abandon()];
                        for p in probabilities {
                            assert!((0.0..=1.0).contains(&p), "{q:?}: {s:?}");
                        }
                        assert_rel(s.p_below + s.p_at + s.p_above, 1.0, 1e-14);
                        assert!(s.mean_excess >= 1.0, "{q:?}: {s:?}");
                        assert!(!q.mean_wait().is_nan() && !q.mean_in_system().is_nan());
                        assert_flow_balance(&q, 1e-9);
                    }
                }
            }
        }
    }

    #[test]
    fn instant_abandonment_in_overload_behaves_like_a_loss_system() {
        // θ → ∞: nobody waits, so one server is busy a/(1 + a) of the time
        // (M/M/1/1) and the blocked fraction abandons.
        for &a in &[1e6, 1e12, 1e18] {
            let q = ErlangA::new(a, 1.0, 1e300, 1).unwrap();
            assert_rel(q.mean_busy_servers(), a / (1.0 + a), 1e-14);
            assert_rel(q.prob_abandon(), a / (1.0 + a), 1e-12);
        }
    }

    #[test]
    fn abandonment_grows_with_load_and_falls_with_servers() {
        let mut prev = 0.0;
        for lambda in [5.0, 8.0, 10.0, 12.0, 20.0] {
            let p = ErlangA::new(lambda, 1.0, 0.5, 10).unwrap().prob_abandon();
            assert!(p > prev);
            prev = p;
        }
        let mut prev = 1.0;
        for c in [5, 8, 10, 12, 20] {
            let p = ErlangA::new(10.0, 1.0, 0.5, c).unwrap().prob_abandon();
            assert!(p < prev);
            prev = p;
        }
    }

    /// State probabilities `p_0 … p_max` of the chain by direct summation.
    fn chain_pmf(q: &ErlangA, n_max: usize) -> Vec<f64> {
        let c = q.servers as usize;
        let mut w = vec![1.0; n_max + 1];
        for n in 1..=n_max {
            let death = n.min(c) as f64 * q.service_rate + n.saturating_sub(c) as f64 * q.abandonment_rate;
            w[n] = w[n - 1] * q.arrival_rate / death;
        }
        let total: f64 = w.iter().sum();
        w.iter().map(|x| x / total).collect()
    }

    /// The service level as a sum over the state found on arrival: with
    /// `k` waiting ahead, the wait is a sum of exponentials with rates
    /// `cμ + iθ`, i = 0..=k, and `E[e^{−θV}; V <= t]` is
    /// `cμ/(cμ + (k+1)θ) · I_{1−e^{−θt}}(k + 1, cμ/θ + 1)` (a regularized
    /// incomplete beta), an independent route to the same number.
    fn service_level_by_states(q: &ErlangA, t: f64, n_max: usize) -> f64 {
        let pmf = chain_pmf(q, n_max);
        let c = q.servers as usize;
        let c_mu = q.servers as f64 * q.service_rate;
        let theta = q.abandonment_rate;
        let y = -(-theta * t).exp_m1();
        let mut sl: f64 = pmf[..c].iter().sum();
        for k in 0..=(n_max - c) {
            let reach = c_mu / (c_mu + (k as f64 + 1.0) * theta);
            sl += pmf[c + k] * reach * crate::special::regularized_beta(y, k as f64 + 1.0, c_mu / theta + 1.0);
        }
        sl
    }

    const SMALL_SYSTEMS: [(f64, f64, f64, u32); 5] =
        [(5.0, 1.0, 0.5, 3), (10.0, 1.0, 0.2, 8), (3.0, 1.0, 100.0, 2), (12.0, 1.0, 0.05, 10), (0.5, 0.25, 2.0, 4)];

    #[test]
    fn service_level_matches_the_sum_over_states_found_on_arrival() {
        for (lambda, mu, theta, c) in SMALL_SYSTEMS {
            let q = ErlangA::new(lambda, mu, theta, c).unwrap();
            for t in [0.01, 0.2, 1.0, 5.0, 30.0] {
                let want = service_level_by_states(&q, t, 2_000);
                assert_rel(q.service_level(t), want, 1e-11);
            }
        }
    }

    #[test]
    fn mean_answered_wait_matches_the_sum_over_states_found_on_arrival() {
        // E[V e^{−θV}] = E[e^{−θV}]·Σ_i 1/(cμ + (i+1)θ) for the phases above.
        for (lambda, mu, theta, c) in SMALL_SYSTEMS {
            let q = ErlangA::new(lambda, mu, theta, c).unwrap();
            let pmf = chain_pmf(&q, 2_000);
            let cu = c as usize;
            let c_mu = f64::from(c) * mu;
            let (mut wait_sum, mut answered) = (0.0, pmf[..cu].iter().sum::<f64>());
            let mut rates = 0.0;
            for k in 0..(2_000 - cu) {
                let phase = c_mu + (k as f64 + 1.0) * theta;
                rates += 1.0 / phase;
                let reach = c_mu / phase;
                wait_sum += pmf[cu + k] * reach * rates;
                answered += pmf[cu + k] * reach;
            }
            assert_rel(q.mean_answered_wait(), wait_sum / answered, 1e-11);
            assert_rel(1.0 - q.prob_abandon(), answered, 1e-12);
        }
    }

    #[test]
    fn service_level_rises_from_no_wait_to_the_answered_share() {
        for (lambda, mu, theta, c) in SMALL_SYSTEMS.into_iter().chain([(9_900.0, 1.0, 0.01, 10_000)]) {
            let q = ErlangA::new(lambda, mu, theta, c).unwrap();
            let s = q.solve();
            assert_rel(q.service_level(0.0), s.p_below, 1e-15);
            assert_rel(q.service_level(f64::INFINITY), 1.0 - q.prob_abandon(), 1e-12);
            let mut previous = 0.0;
            for t in [0.0, 0.001, 0.1, 1.0, 10.0, 100.0, 1e4] {
                let sl = q.service_level(t);
                assert!(sl >= previous && sl <= 1.0, "{q:?} t={t}: {sl} after {previous}");
                previous = sl;
            }
        }
        let q = ErlangA::new(5.0, 1.0, 0.5, 3).unwrap();
        assert_eq!(q.service_level(-1.0), 0.0);
        assert!(q.service_level(f64::NAN).is_nan());
    }

    #[test]
    fn very_patient_callers_give_the_erlang_c_service_level() {
        // 1,000 calls/hour, 120 s handle time, 38 agents: 84.7% within 20 s
        // by Erlang C, and the same once patience is practically endless.
        let reference = MMc::new(1000.0 / 3600.0, 1.0 / 120.0, 38).unwrap();
        for theta in [1e-9, 1e-12, 1e-15] {
            let q = ErlangA::new(1000.0 / 3600.0, 1.0 / 120.0, theta, 38).unwrap();
            assert_rel(q.service_level(20.0), reference.service_level(20.0), 1e-6);
            assert_rel(q.mean_answered_wait(), reference.mean_wait(), 1e-5);
        }
        assert!((reference.service_level(20.0) - 0.847).abs() < 5e-4);
    }

    #[test]
    fn abandonment_raises_the_service_level_of_those_who_stay() {
        // Impatient callers clear the queue for the others: fewer agents
        // reach 80/20 than Erlang C says, and the wait of the answered is
        // shorter.
        let patient = MMc::new(1000.0 / 3600.0, 1.0 / 120.0, 36).unwrap();
        let impatient = ErlangA::new(1000.0 / 3600.0, 1.0 / 120.0, 1.0 / 180.0, 36).unwrap();
        assert!(impatient.mean_answered_wait() < patient.mean_wait());
        assert!(impatient.service_level(20.0) > patient.service_level(20.0) - impatient.prob_abandon());
    }

    #[test]
    fn service_level_in_heavy_overload_stays_finite() {
        // Modes of tens of thousands of states; the integral is anchored at
        // its peak, so nothing overflows.
        for &(lambda, theta) in &[(130.0, 1e-3), (20_000.0, 1.0 / 300.0), (1e6, 1e-6), (12.0, 1e-9)] {
            let c = if lambda > 1_000.0 { 10_000 } else { 100 };
            let c = if lambda == 12.0 { 10 } else { c };
            let q = ErlangA::new(lambda, 1.0, theta, c).unwrap();
            let answered = 1.0 - q.prob_abandon();
            for t in [1.0, 60.0, 3_600.0, f64::INFINITY] {
                let sl = q.service_level(t);
                assert!(sl.is_finite() && (0.0..=answered * (1.0 + 1e-12)).contains(&sl), "{q:?} t={t}: {sl}");
            }
            assert_rel(q.service_level(f64::INFINITY), answered, 1e-10);
            let asa = q.mean_answered_wait();
            assert!(asa.is_finite() && asa > 0.0, "{q:?}: {asa}");
        }
    }

    #[test]
    fn constructor_rejects_bad_rates() {
        for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            for (args, name) in [
                ((bad, 1.0, 1.0), "arrival_rate"),
                ((1.0, bad, 1.0), "service_rate"),
                ((1.0, 1.0, bad), "abandonment_rate"),
            ] {
                let err = ErlangA::new(args.0, args.1, args.2, 2).unwrap_err();
                assert!(matches!(err, AnalyticError::InvalidParameter { name: n, .. } if n == name), "{err}");
            }
        }
    }

    #[test]
    fn constructor_rejects_zero_servers() {
        assert_eq!(ErlangA::new(1.0, 1.0, 1.0, 0), Err(AnalyticError::NoServers));
    }

    #[test]
    fn constructor_rejects_unrepresentable_capacity_or_load() {
        assert!(matches!(ErlangA::new(1e300, 1e308, 1.0, 10), Err(AnalyticError::InvalidParameter { .. })));
        assert!(matches!(ErlangA::new(1e-300, 1e300, 1.0, 10), Err(AnalyticError::InvalidParameter { .. })));
    }
}
