//! The day's verdicts, judged after the run from the per-bin series a
//! replication carries ([`BinSeries`]), not inside the event loop: pure
//! functions of the series, so each rule can be tested on a series built
//! by hand, and the same rules hold for a ten-minute drill and a 25-hour
//! launch day.
//!
//! # Bins, windows and blocks scale with the run
//!
//! A fixed half-hour window cannot judge a ten-minute run, and one-second
//! bins would drown a day in noise, so every scale comes from the run's
//! length D:
//! - **bin** b: the largest of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 and 60 s
//!   that is at most D/200 (1 s for runs under 400 s). A divisor of a
//!   minute, so report times on the minute fall on bin edges and the
//!   contacts per minute line up; 60 s from D = 12,000 s up, so a full day
//!   is judged per minute as before.
//! - **sustained window** W: max(3 b, min(30 min, D/20)), in whole bins
//!   (at most the whole run). Overload oscillates from bin to bin (retries
//!   bunch up, time out together and come back), so "down" and
//!   "overloaded" are judged over W, not over one bin.
//! - **recovery block**: W/6 in whole bins, at least one. "Healthy" asks
//!   every block to be healthy, so a recovery is not declared on the
//!   average of a window that hides a relapse.
//!
//! A window "holds" when its totals meet the condition and so does its
//! first bin on its own: the clock time reported is then a moment at
//! which the condition really held, not the start of a window that only
//! met it on average thanks to its later bins.
//!
//! # Definitions (per replication; a share of replications is the mean)
//!
//! - availability of a span: successes / answers the clients read
//!   (successes, errors including the holding page, their own timeouts);
//!   undefined without answers.
//! - **new demand**: requests reaching the origin that are the first
//!   attempt of a step in an applicant's first visit: no retries, no
//!   extra tabs, no returns after a failed visit, no steps done again
//!   after a room's session limit. What the day would ask
//!   of the origin if nobody had been failed.
//! - **capacity**: see [`CapacityModel`]; time-averaged over each bin.
//! - `overload_onset_s`: start of the first window where new demand
//!   exceeds capacity.
//! - `outage_onset_s`: start of the first window with availability below
//!   50%.
//! - `metastable` (0/1) and `metastable_from_s`: from the outage onset on,
//!   the first window in which the portal is open throughout, new demand is
//!   below capacity (the trigger has passed), the origin is still offered
//!   at least its capacity (retries, extra tabs and returns keep it
//!   loaded), and availability is below 50%. The third condition tells a
//!   metastable failure from a queue that is only draining: without
//!   retries the offered load is the new demand, below capacity, and the
//!   backlog shrinks however long it takes.
//! - healthy: availability of at least 90% (or no answers) in every block.
//! - `recovered_at_s`: after the outage onset, the start of the healthy
//!   stretch that lasts to the end of the run, if it lasts at least W; NaN
//!   if the portal is still down at the end or was never down.
//! - `recovered_by_end` (0/1): the portal has been healthy for at least the
//!   last window (after the outage onset, if there was one).
//! - `recovery_after_<label>_s`: for each reopening, the time from the
//!   reopening to the start of the first healthy stretch lasting W (or up
//!   to the next closure or the end of the run, if sooner).
//! - `minutes_availability_below_50pct` / `_90pct`: bins below the level,
//!   times b / 60.

use super::results::BinSeries;
use super::{Action, ArrivalPart, ContentClass, LaunchDay};
use crate::stats::ratio;
use crate::units::{Seconds, clock_label};

/// Bin widths a run may get, in seconds: the divisors of a minute.
const BIN_WIDTHS: [Seconds; 12] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0, 12.0, 15.0, 20.0, 30.0, 60.0];

/// Bins per run the width aims at.
const BINS_PER_RUN: f64 = 200.0;

/// The longest sustained window, in seconds.
const MAX_WINDOW: Seconds = 30.0 * 60.0;

/// Availability below which the portal is down.
const DOWN_BELOW: f64 = 0.5;

/// Availability from which the portal is healthy.
const HEALTHY_FROM: f64 = 0.9;

/// The bin width of a run of `duration` seconds.
pub fn bin_width(duration: Seconds) -> Seconds {
    let target = duration / BINS_PER_RUN;
    BIN_WIDTHS.iter().rev().copied().find(|w| *w <= target).unwrap_or(BIN_WIDTHS[0])
}

/// Bins of `width` seconds covering a run of `duration` seconds.
pub fn bin_count(duration: Seconds, width: Seconds) -> usize {
    ((duration / width).ceil() as usize).max(1)
}

/// The sustained window and the recovery block, in bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// Bins in a sustained window.
    pub window: usize,
    /// Bins in a recovery block.
    pub block: usize,
}

impl Windows {
    /// The windows of a series: W = max(3 b, min(30 min, D/20)), blocks of
    /// W/6, both in whole bins.
    pub fn of(series: &BinSeries) -> Windows {
        let b = series.width;
        let seconds = (3.0 * b).max(MAX_WINDOW.min(series.end / 20.0));
        let window = ((seconds / b).round() as usize).max(3).min(series.len()).max(1);
        let block = ((window as f64 / 6.0).round() as usize).max(1);
        Windows { window, block }
    }
}

/// The most origin requests per second the origin can serve, from the
/// model rather than from what it happened to serve.
///
/// A request holds a worker at each tier of its route while the later
/// tiers work, so by Little's law tier i can carry at most
/// `c_i / H_i` origin requests per second, where
/// - `c_i` is its best concurrency: the workers in service, but no more
///   than the Universal Scalability Law's knee `sqrt((1 − α)/β)`, past
///   which more concurrency only slows every request down;
/// - `H_i` is the mean time an origin request holds one of its workers:
///   over the journey's mix of origin requests, the tier's own service
///   time × the USL slowdown at `c_i`, plus the low-load service times of
///   the tiers after it on the route (their own saturation is their own
///   bound).
///
/// A tier of instances (replicas behind a balancer) has one such bound per
/// instance, each with its own knee, so it carries the instances in
/// rotation × that bound: draining instances take no new requests.
///
/// The origin's capacity is the smallest bound. Assumptions: the mix is
/// the journey's, each category weighted by the people its arrival parts
/// bring (a per-application step counts the mean applications each files),
/// static steps reach the origin on an edge miss, personal pages bypass
/// the cache, and retries ask for the same steps in the same proportions.
/// Queue and gateway timeouts, and the edge, are left out: capacity is
/// what the origin can do at best, not what a given day lets it do.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityModel {
    terms: Vec<TierTerm>,
}

/// One tier's share of the origin's work.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TierTerm {
    tier: usize,
    /// Visits to the tier per origin request.
    visits: f64,
    /// Mean service time at low load, in seconds.
    service: f64,
    /// Seconds per origin request a worker of the tier waits for the tiers
    /// after it.
    downstream: f64,
    alpha: f64,
    beta: f64,
}

impl TierTerm {
    /// Origin requests per second the tier can carry with `workers`.
    fn bound(&self, workers: u32) -> f64 {
        let knee = if self.beta > 0.0 { ((1.0 - self.alpha) / self.beta).sqrt().max(1.0) } else { f64::INFINITY };
        let n = f64::from(workers).min(knee);
        if n <= 0.0 {
            return 0.0;
        }
        let slowdown = 1.0 + self.alpha * (n - 1.0) + self.beta * n * (n - 1.0);
        n / (self.visits * self.service * slowdown + self.downstream)
    }
}

impl CapacityModel {
    /// The capacity model of `day`'s origin.
    pub fn new(day: &LaunchDay) -> CapacityModel {
        let people: Vec<f64> = day
            .categories
            .iter()
            .map(|c| {
                c.arrivals
                    .iter()
                    .map(|p| match p {
                        ArrivalPart::Crowd { people, .. } | ArrivalPart::Curve { people, .. } => *people as f64,
                        ArrivalPart::Wave { recipients, react, .. } => *recipients as f64 * react.clamp(0.0, 1.0),
                    })
                    .sum()
            })
            .collect();
        let everyone: f64 = people.iter().sum();
        let repeats = if everyone > 0.0 {
            day.categories.iter().zip(&people).map(|(c, n)| n * f64::from(c.applications_each)).sum::<f64>() / everyone
        } else {
            1.0
        };
        let rates: Vec<f64> = day
            .journey
            .iter()
            .map(|s| {
                let reaches = match s.class {
                    _ if s.route.is_empty() => 0.0,
                    ContentClass::Static => 1.0 - day.edge.static_hit_ratio,
                    ContentClass::Personal | ContentClass::Write => 1.0,
                };
                s.share * reaches * if s.per_application { repeats } else { 1.0 }
            })
            .collect();
        let total: f64 = rates.iter().sum();
        let mut terms = Vec::new();
        if total > 0.0 {
            for (t, tier) in day.tiers.iter().enumerate() {
                let (mut visits, mut downstream) = (0.0, 0.0);
                for (step, rate) in day.journey.iter().zip(&rates) {
                    if let Some(hop) = step.route.iter().position(|r| *r == t) {
                        let share = rate / total;
                        visits += share;
                        downstream +=
                            share * step.route[hop + 1..].iter().map(|j| day.tiers[*j].service.mean()).sum::<f64>();
                    }
                }
                if visits > 0.0 {
                    terms.push(TierTerm {
                        tier: t,
                        visits,
                        service: tier.service.mean(),
                        downstream,
                        alpha: tier.contention,
                        beta: tier.coherency,
                    });
                }
            }
        }
        CapacityModel { terms }
    }

    /// Origin requests per second the origin can serve with `size(t)` =
    /// (instances, workers of each) at tier t: each instance carries its own
    /// USL optimum, so a tier carries instances × that; infinite when no
    /// step reaches the origin.
    pub fn capacity(&self, size: impl Fn(usize) -> (u32, u32)) -> f64 {
        self.terms
            .iter()
            .map(|t| {
                let (instances, workers) = size(t.tier);
                f64::from(instances) * t.bound(workers)
            })
            .fold(f64::INFINITY, f64::min)
    }
}

/// A series read through prefix sums, so any span's totals cost O(1).
pub struct Judge<'s> {
    series: &'s BinSeries,
    /// The windows the verdicts use.
    pub windows: Windows,
    answered: Vec<u64>,
    ok: Vec<u64>,
    demand: Vec<u64>,
    offered: Vec<u64>,
    /// Requests the origin could have served, in request-seconds of
    /// capacity (capacity × time).
    capacity: Vec<f64>,
    closed: Vec<u64>,
}

/// Running totals of `values`, from 0.
fn prefix<T: Copy>(values: impl Iterator<Item = T>, zero: T, add: impl Fn(T, T) -> T) -> Vec<T> {
    let mut out = vec![zero];
    let mut acc = zero;
    for v in values {
        acc = add(acc, v);
        out.push(acc);
    }
    out
}

impl<'s> Judge<'s> {
    /// Reads `series`.
    pub fn new(series: &'s BinSeries) -> Judge<'s> {
        let sum = |a: u64, b: u64| a + b;
        let counts = |v: &[u32]| prefix(v.iter().map(|x| u64::from(*x)), 0, sum);
        Judge {
            series,
            windows: Windows::of(series),
            answered: counts(&series.answered),
            ok: counts(&series.ok),
            demand: counts(&series.new_demand),
            offered: counts(&series.origin_requests),
            capacity: prefix(series.capacity.iter().enumerate().map(|(i, c)| c * series.span(i)), 0.0, |a, b| a + b),
            closed: prefix(series.open.iter().map(|o| u64::from(!o)), 0, sum),
        }
    }

    fn len(&self) -> usize {
        self.series.len()
    }

    /// The clock time of the start of bin `i`.
    fn at(&self, i: usize) -> Seconds {
        i as f64 * self.series.width
    }

    /// Availability over bins `[a, b)`, or `None` without answers.
    pub fn availability(&self, a: usize, b: usize) -> Option<f64> {
        let answered = self.answered[b] - self.answered[a];
        (answered > 0).then(|| (self.ok[b] - self.ok[a]) as f64 / answered as f64)
    }

    fn demand_exceeds_capacity(&self, a: usize, b: usize) -> bool {
        (self.demand[b] - self.demand[a]) as f64 > self.capacity[b] - self.capacity[a]
    }

    fn down(&self, a: usize, b: usize) -> bool {
        self.availability(a, b).is_some_and(|x| x < DOWN_BELOW)
    }

    fn healthy(&self, a: usize, b: usize) -> bool {
        self.availability(a, b).is_none_or(|x| x >= HEALTHY_FROM)
    }

    /// Open throughout, new demand below capacity, the origin still offered
    /// at least its capacity, and down.
    fn held_down(&self, a: usize, b: usize) -> bool {
        let capacity = self.capacity[b] - self.capacity[a];
        self.closed[b] == self.closed[a]
            && ((self.demand[b] - self.demand[a]) as f64) < capacity
            && (self.offered[b] - self.offered[a]) as f64 >= capacity
            && self.down(a, b)
    }

    /// The first bin from `from` that starts a window holding `holds` on
    /// the whole and on its first bin.
    fn first_sustained(&self, from: usize, holds: impl Fn(usize, usize) -> bool) -> Option<usize> {
        let w = self.windows.window;
        (from..=self.len().saturating_sub(w)).find(|&m| holds(m, m + 1) && holds(m, m + w))
    }

    /// For every m in `from..=until`: whether every block from m up to
    /// `until` is healthy (blocks of the recovery block's length starting
    /// at m, the last one cut at `until`).
    fn healthy_stretches(&self, from: usize, until: usize) -> Vec<bool> {
        let k = self.windows.block;
        let mut out = vec![true; until.saturating_sub(from) + 1];
        for m in (from..until).rev() {
            let rest = m + k >= until || out[m + k - from];
            out[m - from] = rest && self.healthy(m, (m + k).min(until));
        }
        out
    }

    /// Bin of the overload onset.
    pub fn overload_onset(&self) -> Option<usize> {
        self.first_sustained(0, |a, b| self.demand_exceeds_capacity(a, b))
    }

    /// Bin of the outage onset.
    pub fn outage_onset(&self) -> Option<usize> {
        self.first_sustained(0, |a, b| self.down(a, b))
    }

    /// Bin from which the portal was held down after the trigger passed.
    pub fn metastable_from(&self) -> Option<usize> {
        let onset = self.outage_onset()?;
        self.first_sustained(onset, |a, b| self.held_down(a, b))
    }

    /// The bins after the outage onset (all bins without one) from which
    /// the portal stayed healthy to the end for at least a window.
    fn healthy_to_the_end(&self) -> impl Iterator<Item = usize> {
        let n = self.len();
        let from = self.outage_onset().map_or(0, |o| o + 1);
        let last = n.saturating_sub(self.windows.window);
        let stretches = if from <= last { self.healthy_stretches(from, n) } else { Vec::new() };
        (from..=last).filter(move |m| stretches.get(m - from).copied().unwrap_or(false))
    }

    /// Bin from which the portal recovered for good, after an outage.
    pub fn recovered_at(&self) -> Option<usize> {
        self.outage_onset()?;
        self.healthy_to_the_end().next()
    }

    /// Whether the portal was healthy for at least the last window (after
    /// the outage onset, if there was one).
    pub fn recovered_by_end(&self) -> bool {
        self.healthy_to_the_end().next().is_some()
    }

    /// Seconds from a reopening at `reopened` to the start of the first
    /// healthy stretch lasting a window, or up to `closes` (the next
    /// closure, or the end) if that comes sooner.
    pub fn recovery_after(&self, reopened: Seconds, closes: Option<Seconds>) -> Option<Seconds> {
        let n = self.len();
        let width = self.series.width;
        let from = (reopened / width).ceil() as usize;
        let until = closes.map_or(n, |c| (c / width) as usize).min(n);
        if from >= until {
            return None;
        }
        let stretches = self.healthy_stretches(from, until);
        (from..until)
            .find(|&m| stretches[m - from] && (until - m >= self.windows.window || until < n))
            .map(|m| (self.at(m) - reopened).max(0.0))
    }

    /// Bins with availability below `level`.
    pub fn bins_below(&self, level: f64) -> usize {
        (0..self.len()).filter(|&i| self.availability(i, i + 1).is_some_and(|a| a < level)).count()
    }
}

/// Applications: by each report time, and the peak rate.
///
/// The peak is taken over sliding minutes (or the whole run, if shorter),
/// whatever the bin width, so a short run's three-second bins do not turn
/// a burst of a few completions into its peak rate.
pub(super) fn applications(day: &LaunchDay, series: &BinSeries) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let width = series.width;
    for &t in &day.report_times {
        out.push((format!("applications_by_{}", report_label(t)), before(&series.applications, t, width) as f64));
    }
    let k = ((60.0 / width).round() as usize).clamp(1, series.len().max(1));
    let peak = series.applications.windows(k).map(|w| w.iter().map(|x| u64::from(*x)).sum::<u64>()).max();
    let span = (k as f64 * width).min(series.end);
    out.push(("peak_applications_per_s".into(), peak.unwrap_or(0) as f64 / span));
    out
}

/// Outage and recovery: minutes below 50% and 90%, the onsets, recovery
/// after each reopening, recovery for good, and metastability.
pub(super) fn outage(day: &LaunchDay, series: &BinSeries) -> Vec<(String, f64)> {
    let judge = Judge::new(series);
    let minutes = |bins: usize| bins as f64 * series.width / 60.0;
    let clock = |bin: Option<usize>| bin.map_or(f64::NAN, |i| judge.at(i));
    let flag = |yes: bool| f64::from(u8::from(yes));
    let mut out = vec![
        ("minutes_availability_below_50pct".to_owned(), minutes(judge.bins_below(DOWN_BELOW))),
        ("minutes_availability_below_90pct".to_owned(), minutes(judge.bins_below(HEALTHY_FROM))),
        ("overload_onset_s".to_owned(), clock(judge.overload_onset())),
        ("outage_onset_s".to_owned(), clock(judge.outage_onset())),
    ];
    let closures: Vec<Seconds> =
        day.interventions.iter().filter(|iv| matches!(iv.action, Action::ClosePortal)).map(|iv| iv.at).collect();
    for iv in day.interventions.iter().filter(|iv| matches!(iv.action, Action::OpenPortal)) {
        let closes = closures.iter().copied().find(|c| *c > iv.at);
        let value = judge.recovery_after(iv.at, closes).unwrap_or(f64::NAN);
        out.push((format!("recovery_after_{}_s", slug(&iv.label)), value));
    }
    out.push(("recovered_at_s".into(), clock(judge.recovered_at())));
    out.push(("recovered_by_end".into(), flag(judge.recovered_by_end())));
    let metastable = judge.metastable_from();
    out.push(("metastable".into(), flag(metastable.is_some())));
    out.push(("metastable_from_s".into(), clock(metastable)));
    out
}

/// The share of intenders done by each report time: `intenders` are the
/// arrived applicants who meant to apply (browsers never finish, so a
/// share over everyone who arrived would read as the portal's failure).
pub(super) fn applicants_done(day: &LaunchDay, series: &BinSeries, intenders: u64) -> Vec<(String, f64)> {
    day.report_times
        .iter()
        .map(|&t| {
            let done = before(&series.done, t, series.width);
            (format!("share_of_applicants_done_by_{}", report_label(t)), ratio(done as f64, intenders as f64))
        })
        .collect()
}

/// The sum of the bins that end by `t`.
fn before(bins: &[u32], t: Seconds, width: Seconds) -> u64 {
    let k = ((t / width).floor() as usize).min(bins.len());
    bins[..k].iter().map(|x| u64::from(*x)).sum()
}

/// A label as a metric-name fragment: lower case, words joined by `_`.
fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// A report time as a metric-name suffix: `08:30` on the first day,
/// `d2_01:00` on later days.
fn report_label(t: Seconds) -> String {
    let label = clock_label(t, None);
    let (h, rest) = label.split_once(':').unwrap_or(("0", "00:00"));
    let hours: u64 = h.parse().unwrap_or(0);
    let minutes = &rest[..2];
    if hours < 24 {
        format!("{hours:02}:{minutes}")
    } else {
        format!("d{}_{:02}:{minutes}", hours / 24 + 1, hours % 24)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Model, parse_scenario};

    /// A series of `n` bins of `width` seconds: every bin answers 100
    /// requests, `ok(i)` of them successfully; new demand 80 and capacity
    /// 100 per second, every request reaching the origin new.
    fn series(width: Seconds, n: usize, ok: impl Fn(usize) -> u32) -> BinSeries {
        let mut s = BinSeries::new(width, width * n as f64, n);
        for i in 0..n {
            s.answered[i] = 100;
            s.ok[i] = ok(i);
            s.new_demand[i] = (80.0 * width) as u32;
            s.origin_requests[i] = (80.0 * width) as u32;
            s.capacity[i] = 100.0;
        }
        s
    }

    #[test]
    fn bins_and_windows_scale_with_the_run() {
        let of = |duration: Seconds| {
            let width = bin_width(duration);
            let n = bin_count(duration, width);
            (width, n, Windows::of(&BinSeries::new(width, duration, n)))
        };
        // A full day keeps its per-minute bins, half-hour windows and
        // five-minute blocks.
        assert_eq!(of(25.0 * 3600.0), (60.0, 1500, Windows { window: 30, block: 5 }));
        assert_eq!(of(4.0 * 3600.0), (60.0, 240, Windows { window: 12, block: 2 }));
        assert_eq!(of(600.0), (3.0, 200, Windows { window: 10, block: 2 }));
        assert_eq!(of(601.0), (3.0, 201, Windows { window: 10, block: 2 }));
        assert_eq!(of(60.0), (1.0, 60, Windows { window: 3, block: 1 }));
        assert_eq!(of(2.0), (1.0, 2, Windows { window: 2, block: 1 }));
    }

    /// The verdicts of the fixed half-hour windows judged before, on
    /// one-minute bins, for comparison.
    fn fixed_windows(s: &BinSeries, reopened: usize) -> (Option<usize>, Option<usize>) {
        let n = s.len();
        let availability = |a: usize, b: usize| {
            let answered: u32 = s.answered[a..b].iter().sum();
            let ok: u32 = s.ok[a..b].iter().sum();
            (answered > 0).then(|| f64::from(ok) / f64::from(answered))
        };
        let onset = (0..n - 30).find(|&m| availability(m, m + 30).is_some_and(|a| a < 0.5));
        let healthy_from =
            |m: usize| (m..n).step_by(5).all(|b| availability(b, (b + 5).min(n)).is_none_or(|a| a >= 0.9));
        let recovered = (reopened..n).find(|&m| healthy_from(m) && n - m >= 30);
        (onset, recovered)
    }

    #[test]
    fn a_full_day_gets_the_verdicts_of_the_fixed_half_hour_windows() {
        // Healthy until 09:30, down until the closure at 12:00, closed
        // until 17:50, then down for two hours and healthy again (with a
        // relapse at 20:30 in the second case).
        for relapse in [false, true] {
            let mut s = series(60.0, 1500, |i| match i {
                570..720 | 1070..1190 => 10,
                720..1070 => 0,
                1230..1233 if relapse => 50,
                _ => 99,
            });
            for open in &mut s.open[720..1070] {
                *open = false;
            }
            let judge = Judge::new(&s);
            let (onset, recovered) = fixed_windows(&s, 1070);
            // The half hour from 09:17 averages below 50%, but the portal
            // was still at 99% then: the onset is the first minute down.
            assert_eq!((onset, judge.outage_onset()), (Some(557), Some(570)));
            assert_eq!(judge.recovery_after(1070.0 * 60.0, None), recovered.map(|m| (m - 1070) as f64 * 60.0));
            let back = if relapse { 1233 } else { 1190 };
            assert_eq!(recovered, Some(back));
            assert_eq!(judge.recovered_at(), Some(back));
            assert!(judge.recovered_by_end());
            // New demand below capacity, but nobody retries: not held down.
            assert_eq!(judge.metastable_from(), None);
            assert_eq!(judge.bins_below(0.5), 150 + 350 + 120);
        }
    }

    #[test]
    fn a_draining_queue_recovers_and_retries_hold_the_portal_down() {
        // Ten minutes in three-second bins: new demand tripled from 01:00
        // to 01:30, down from 01:03.
        let surge = |s: &mut BinSeries| {
            for i in 20..30 {
                s.new_demand[i] = 720;
                s.origin_requests[i] = 720;
            }
        };
        let mut draining = series(3.0, 200, |i| if (21..100).contains(&i) { 0 } else { 100 });
        surge(&mut draining);
        let judge = Judge::new(&draining);
        assert_eq!(judge.overload_onset(), Some(20));
        assert_eq!(judge.outage_onset(), Some(21));
        assert_eq!(judge.metastable_from(), None);
        assert_eq!(judge.recovered_at(), Some(100));
        assert!(judge.recovered_by_end());
        let mut held = series(3.0, 200, |i| if i >= 21 { 0 } else { 100 });
        surge(&mut held);
        for i in 21..200 {
            held.origin_requests[i] = 4 * held.new_demand[i].max(240);
        }
        let judge = Judge::new(&held);
        assert_eq!(judge.outage_onset(), Some(21));
        // Held down from the end of the surge: new demand below capacity,
        // the origin offered four times the demand.
        assert_eq!(judge.metastable_from(), Some(30));
        assert_eq!(judge.recovered_at(), None);
        assert!(!judge.recovered_by_end());
        let metrics = outage(&day(ONE_TIER), &held);
        let get = |name: &str| metrics.iter().find(|(m, _)| m == name).unwrap().1;
        assert_eq!((get("metastable"), get("metastable_from_s")), (1.0, 90.0));
        assert_eq!((get("overload_onset_s"), get("outage_onset_s")), (60.0, 63.0));
        assert!(get("recovered_at_s").is_nan());
        assert_eq!(get("minutes_availability_below_50pct"), 179.0 * 3.0 / 60.0);
    }

    #[test]
    fn a_closed_portal_is_down_but_not_metastable() {
        let mut s = series(60.0, 600, |i| if i >= 300 { 0 } else { 100 });
        for i in 300..600 {
            s.open[i] = false;
            s.new_demand[i] = 0;
            s.origin_requests[i] = 0;
        }
        let judge = Judge::new(&s);
        assert_eq!(judge.outage_onset(), Some(300));
        assert_eq!(judge.metastable_from(), None);
        assert!(!judge.recovered_by_end());
        // Retries hitting the holding page do not reach the origin; even if
        // they did, a closed portal is not held down by them.
        for i in 300..600 {
            s.origin_requests[i] = 100_000;
        }
        assert_eq!(Judge::new(&s).metastable_from(), None);
    }

    #[test]
    fn a_portal_never_down_has_no_onset_and_no_recovery() {
        let s = series(60.0, 600, |_| 100);
        let judge = Judge::new(&s);
        assert_eq!((judge.outage_onset(), judge.recovered_at(), judge.metastable_from()), (None, None, None));
        assert!(judge.recovered_by_end());
        assert_eq!(judge.overload_onset(), None);
        // Healthy throughout but for the last half hour, at 80%: not down,
        // not recovered by the end.
        let s = series(60.0, 600, |i| if i >= 570 { 80 } else { 100 });
        assert!(!Judge::new(&s).recovered_by_end());
    }

    /// One step on one tier of 10 workers taking 100 ms.
    const ONE_TIER: &str = "[[step]]\nname = \"s\"\nclass = \"write\"\nroute = [\"app\"]\n\
        completes_application = true\nthink = { dist = \"exponential\", mean = \"1s\" }\n\
        [[tier]]\nname = \"app\"\nworkers = 10\nservice = { dist = \"exponential\", mean = \"100ms\" }\nqueue = 10\n";

    /// A launch day of 500 people with the given steps and tiers.
    fn day(tiers_and_steps: &str) -> LaunchDay {
        let text = format!(
            "name = \"t\"\nduration = \"1h\"\n[population]\neligible = 1000\n\
             [[category]]\nname = \"people\"\nshare = 1.0\nbehaviour = \"b\"\n\
             crowd = {{ share = 0.5, at = \"00:00\", spread = {{ dist = \"exponential\", mean = \"1m\" }} }}\n\
             [[behaviour]]\nname = \"b\"\ntimeout = {{ dist = \"deterministic\", value = \"10s\" }}\nretries = 0\n\
             retry_delay = {{ dist = \"deterministic\", value = \"1s\" }}\nreturn_probability = 0\n{tiers_and_steps}"
        );
        match parse_scenario("t.toml", &text).unwrap().model {
            Model::LaunchDay(day) => *day,
            _ => unreachable!(),
        }
    }

    #[test]
    fn capacity_is_the_tightest_tier_at_its_best_concurrency() {
        // One tier of c workers, no USL: c / E[S].
        let model = CapacityModel::new(&day(ONE_TIER));
        assert!((model.capacity(|_| (1, 10)) - 100.0).abs() < 1e-9);
        assert!((model.capacity(|_| (1, 3)) - 30.0).abs() < 1e-9);
        assert_eq!(model.capacity(|_| (1, 0)), 0.0);
        // Two tiers. A static page (90% edge hits) reaches the app alone;
        // a form and a submission hold an app thread (20 ms) while the
        // database works (50 ms). The database has 64 connections, but
        // with α = 0.01 and β = 0.0024 its knee is sqrt(0.99/0.0024) =
        // 20.31 connections, each at a slowdown of 1 + 0.01·19.31 +
        // 0.0024·20.31·19.31 = 2.134.
        let two = day("[[step]]\nname = \"home\"\nclass = \"static\"\nroute = [\"app\"]\n\
             think = { dist = \"exponential\", mean = \"1s\" }\n\
             [[step]]\nname = \"form\"\nclass = \"personal\"\nroute = [\"app\", \"db\"]\naddresses = 1000\n\
             think = { dist = \"exponential\", mean = \"1s\" }\n\
             [[step]]\nname = \"submit\"\nclass = \"write\"\nroute = [\"app\", \"db\"]\ncompletes_application = true\n\
             think = { dist = \"exponential\", mean = \"1s\" }\n\
             [edge]\nstatic_hit_ratio = 0.9\n\
             [[tier]]\nname = \"app\"\nworkers = 40\nservice = { dist = \"exponential\", mean = \"20ms\" }\nqueue = 10\n\
             [[tier]]\nname = \"db\"\nworkers = 64\nservice = { dist = \"lognormal\", mean = \"50ms\", cv = 2 }\nqueue = 10\n\
             contention = 0.01\ncoherency = 0.0024\n");
        let model = CapacityModel::new(&two);
        // Origin requests: 0.1 home, 1 form, 1 submit per visit.
        let (home, routed) = (0.1 / 2.1, 2.0 / 2.1);
        let knee = (0.99f64 / 0.0024).sqrt();
        let slowdown = 1.0 + 0.01 * (knee - 1.0) + 0.0024 * knee * (knee - 1.0);
        let app = 40.0 / ((home + routed) * 0.020 + routed * 0.050);
        let db = knee / (routed * 0.050 * slowdown);
        assert!(db < app);
        assert!(
            (model.capacity(|t| (1, [40, 64][t])) - db).abs() < 1e-9 * db,
            "{} vs {db}",
            model.capacity(|t| (1, [40, 64][t]))
        );
        // Below the knee every connection counts.
        let db8 = 8.0 / (routed * 0.050 * (1.0 + 0.01 * 7.0 + 0.0024 * 56.0));
        assert!((model.capacity(|t| (1, [40, 8][t])) - db8).abs() < 1e-9 * db8);
        // A starved app tier becomes the bound.
        let app4 = 4.0 / ((home + routed) * 0.020 + routed * 0.050);
        assert!((model.capacity(|t| (1, [4, 64][t])) - app4).abs() < 1e-9 * app4);
        // Replicas: eight databases of 64 connections carry eight times one
        // database's optimum; one server of 512 connections still only one.
        let app8 = 8.0 * app;
        assert!((model.capacity(|t| [(8, 40), (8, 64)][t]) - 8.0 * db).abs() < 1e-9 * db);
        assert!((model.capacity(|t| [(8, 40), (1, 512)][t]) - db).abs() < 1e-9 * db);
        assert!(8.0 * db < app8);
        assert_eq!(model.capacity(|t| [(1, 40), (0, 64)][t]), 0.0);
    }
}
