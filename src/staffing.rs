//! Staffing: how many agents each interval of the day needs to meet a
//! service target, by Erlang C and by Erlang A, and a check of the plan by
//! simulation.
//!
//! A planner states the target the way contact centres do ("80% of calls
//! answered within 20 seconds", optionally "at most 5% abandoned" and "no
//! agent busier than 85% of the time") and the calls expected per
//! interval. Each interval is then treated as a stationary queue with the
//! interval's arrival rate, and the smallest number of agents meeting every
//! part of the target is found by search over the exact formulas of
//! [`crate::analytic`]:
//!
//! - Erlang C (M/M/c) ignores abandonment: nobody hangs up, so it asks for
//!   more agents than needed whenever callers do;
//! - Erlang A (M/M/c+M) has callers hang up after an exponential patience,
//!   which shortens the queue for those who stay; its service level counts
//!   abandoned calls as not answered.
//!
//! Shrinkage (the share of paid time not spent on the phone: breaks,
//! training, absence) turns agents on the phone into agents to schedule.
//! The plan can be written as CSV and loaded by a scenario as its agents'
//! schedule, and [`verify`] simulates the day with the plan, which shows
//! what the stationary formulas miss: the queue carried over from one
//! interval into the next.

use crate::analytic::{AnalyticError, ErlangA, MMc};
use crate::arrivals::{ArrivalProcess, ProfileShape, RateProfile};
use crate::contact::{
    ContactCenter, DemandKind, DemandSource, ExternalIntake, PhoneChannel, Reason, StaffSchedule, WorkingCalendar,
    run_replications,
};
use crate::dist::TimeDistribution;
use crate::engine::RunLength;
use crate::experiment::CONFIDENCE_LEVEL;
use crate::stats::ConfidenceInterval;
use crate::units::{Seconds, clock_label, parse_duration};

/// Most agents the search considers for one interval.
pub const MAX_AGENTS: u32 = 10_000_000;

/// What each interval must achieve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Share of calls answered within `within`, in (0, 1): the 0.8 of 80/20.
    pub answered_share: f64,
    /// The answer time, in seconds: the 20 of 80/20.
    pub within: Seconds,
    /// Most calls abandoned, as a share of calls (Erlang A only; nobody
    /// abandons in Erlang C).
    pub max_abandon: Option<f64>,
    /// Most occupancy (busy time over time on the phone) of an agent.
    pub max_occupancy: Option<f64>,
}

impl Target {
    /// Parses a service level written as `"80/20"`: percent answered,
    /// slash, answer time (seconds, or a duration with a unit: `"80/20s"`,
    /// `"90/1m"`; a `%` after the percent is allowed).
    pub fn parse_service_level(text: &str) -> Result<(f64, Seconds), String> {
        let bad = || {
            format!("a service level is written as percent/answer time, e.g. \"80/20\" or \"90/30s\"; got \"{text}\"")
        };
        let (share, time) = text.trim().split_once('/').ok_or_else(bad)?;
        let share: f64 = share.trim().trim_end_matches('%').trim().parse().map_err(|_| bad())?;
        if !(share > 0.0 && share < 100.0) {
            return Err(if share >= 100.0 {
                format!("the share answered must be below 100% (100% would need infinitely many agents); got {share}%")
            } else {
                format!("the share answered must be above 0%; got {share}%")
            });
        }
        let time = time.trim();
        let within = match time.parse::<f64>() {
            Ok(seconds) => seconds,
            Err(_) => parse_duration(time).map_err(|m| format!("answer time: {m}"))?,
        };
        if !(within >= 0.0 && within.is_finite()) {
            return Err(format!("the answer time must be >= 0 s; got {time}"));
        }
        Ok((share / 100.0, within))
    }

    /// Checks every part of the target.
    pub fn check(&self) -> Result<(), StaffingError> {
        if !(self.answered_share > 0.0 && self.answered_share < 1.0) {
            return Err(StaffingError::Input(format!(
                "the share answered must be above 0% and below 100%; got {}%",
                self.answered_share * 100.0
            )));
        }
        if !(self.within >= 0.0 && self.within.is_finite()) {
            return Err(StaffingError::Input(format!("the answer time must be >= 0 s; got {}", self.within)));
        }
        if let Some(a) = self.max_abandon
            && !(a > 0.0 && a < 1.0)
        {
            return Err(StaffingError::Input(format!(
                "the most abandoned must be above 0% and below 100%; got {}%",
                a * 100.0
            )));
        }
        if let Some(o) = self.max_occupancy
            && !(o > 0.0 && o <= 1.0)
        {
            return Err(StaffingError::Input(format!(
                "the most occupancy must be above 0% and at most 100%; got {}%",
                o * 100.0
            )));
        }
        Ok(())
    }
}

/// The question a planner asks: the same handle time, patience, target
/// and shrinkage for every interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingProblem {
    /// Length of one interval, in seconds.
    pub interval: Seconds,
    /// Average handle time (talk plus wrap-up), in seconds.
    pub aht: Seconds,
    /// Mean patience of a waiting caller, in seconds (exponential, as in
    /// Erlang A). Without one, only Erlang C (nobody hangs up) is planned.
    pub patience: Option<Seconds>,
    /// The service target.
    pub target: Target,
    /// Share of paid time not on the phone, in [0, 1).
    pub shrinkage: f64,
}

impl StaffingProblem {
    /// Checks every input, with a message that names it.
    pub fn check(&self) -> Result<(), StaffingError> {
        let positive = |what: &str, v: f64| {
            if v > 0.0 && v.is_finite() {
                Ok(())
            } else {
                Err(StaffingError::Input(format!("{what} must be > 0 s; got {v} s")))
            }
        };
        positive("the interval", self.interval)?;
        positive("the average handle time", self.aht)?;
        if let Some(patience) = self.patience
            && !(patience > 0.0 && patience.is_finite())
        {
            return Err(StaffingError::Input(format!(
                "the patience must be > 0 s (callers with no patience never reach an agent); got {patience} s"
            )));
        }
        if self.patience.is_none() && self.target.max_abandon.is_some() {
            return Err(StaffingError::Input(
                "a cap on abandonment needs the callers' patience (Erlang A): give --patience".into(),
            ));
        }
        if !(0.0..1.0).contains(&self.shrinkage) {
            return Err(StaffingError::Input(format!(
                "the shrinkage must be from 0% to below 100%; got {}%",
                self.shrinkage * 100.0
            )));
        }
        self.target.check()
    }
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// An input is out of range; the message names it.
    #[error("{0}")]
    Input(String),
    /// An interval needs more agents than the search considers.
    #[error("interval {interval} needs more than {MAX_AGENTS} agents")]
    TooManyAgents {
        /// Interval index.
        interval: usize,
    },
    /// A queueing formula refused its parameters.
    #[error("{0}")]
    Analytic(#[from] AnalyticError),
}

/// The agents one interval needs by one model, and what they achieve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// Agents on the phone.
    pub agents: u32,
    /// Share answered within the target time (NaN with no calls).
    pub service_level: f64,
    /// Average speed of answer of the calls answered, in seconds.
    pub asa: Seconds,
    /// Share of calls abandoned (0 in Erlang C).
    pub abandon: f64,
    /// Busy time over time on the phone.
    pub occupancy: f64,
}

impl Requirement {
    fn none() -> Requirement {
        Requirement { agents: 0, service_level: f64::NAN, asa: f64::NAN, abandon: f64::NAN, occupancy: f64::NAN }
    }

    /// The figures of a model that was not computed: all undefined.
    pub fn undefined() -> Requirement {
        Requirement::none()
    }
}

/// Which model a plan's head count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Erlang C: nobody hangs up.
    ErlangC,
    /// Erlang A: callers hang up after an exponential patience.
    ErlangA,
}

/// One interval of a staffing plan.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalPlan {
    /// Position of the interval, from 0.
    pub index: usize,
    /// Start of the interval, in seconds from the plan's time zero.
    pub start: Seconds,
    /// Calls expected in the interval.
    pub calls: f64,
    /// Offered load, in erlangs: calls × handle time / interval.
    pub offered_load: f64,
    /// Agents by Erlang C.
    pub erlang_c: Requirement,
    /// Agents by Erlang A, when the problem has a patience.
    pub erlang_a: Option<Requirement>,
}

/// A staffing plan for a run of intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The inputs.
    pub problem: StaffingProblem,
    /// Start of interval 0, in seconds from time zero of the day.
    pub start: Seconds,
    /// The intervals.
    pub intervals: Vec<IntervalPlan>,
}

impl Plan {
    /// Agents on the phone by `method`, interval by interval. A plan made
    /// without a patience has no Erlang A figures; its head count is then
    /// Erlang C's whichever method is asked for.
    pub fn agents(&self, method: Method) -> Vec<u32> {
        self.intervals
            .iter()
            .map(|i| match (method, &i.erlang_a) {
                (Method::ErlangA, Some(a)) => a.agents,
                _ => i.erlang_c.agents,
            })
            .collect()
    }

    /// Agent-hours on the phone by `method`.
    pub fn agent_hours(&self, method: Method) -> f64 {
        self.agents(method).iter().map(|&n| f64::from(n)).sum::<f64>() * self.problem.interval / 3600.0
    }
}

/// Agents to schedule so that `on_phone` are on the phone after
/// `shrinkage` (the share of paid time spent elsewhere).
pub fn scheduled(on_phone: u32, shrinkage: f64) -> u32 {
    if on_phone == 0 {
        return 0;
    }
    // Guard against 38/(1 - 0.05) landing a hair above an integer.
    (f64::from(on_phone) / (1.0 - shrinkage) - 1e-9).ceil() as u32
}

/// The smallest `c` in `[lo, MAX_AGENTS]` with `ok(c)`, for an `ok` that
/// is false then true as `c` grows: doubling steps, then bisection. `None`
/// when even [`MAX_AGENTS`] is not enough (or `lo` is beyond it), so that
/// an absurd volume is an error rather than a search without end.
fn smallest(lo: f64, mut ok: impl FnMut(u32) -> Result<bool, StaffingError>) -> Result<Option<u32>, StaffingError> {
    if lo.is_nan() || lo > f64::from(MAX_AGENTS) {
        return Ok(None);
    }
    let lo = (lo as u32).max(1);
    if ok(lo)? {
        return Ok(Some(lo));
    }
    let (mut bad, mut step) = (lo, 1u32);
    let good = loop {
        let c = bad.saturating_add(step).min(MAX_AGENTS);
        if ok(c)? {
            break c;
        }
        if c == MAX_AGENTS {
            return Ok(None);
        }
        bad = c;
        step = step.saturating_mul(2);
    };
    let mut good = good;
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if ok(mid)? {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Ok(Some(good))
}

/// Agents needed by Erlang C for `rate` calls per second with handle time
/// `aht`: the smallest stable `c` whose service level meets the target and
/// whose occupancy `a/c` is within the cap. (Nobody abandons in Erlang C,
/// so a cap on abandonment is met by any stable `c`.)
pub fn erlang_c_requirement(rate: f64, aht: Seconds, target: &Target) -> Result<Option<Requirement>, StaffingError> {
    if rate <= 0.0 {
        return Ok(Some(Requirement::none()));
    }
    let a = rate * aht;
    let mut lo = a.floor() + 1.0;
    if let Some(occ) = target.max_occupancy {
        lo = lo.max((a / occ - 1e-9).ceil());
    }
    let c = smallest(lo, |c| {
        let q = MMc::new(rate, 1.0 / aht, c)?;
        Ok(q.service_level(target.within) >= target.answered_share)
    })?;
    let Some(agents) = c else { return Ok(None) };
    let q = MMc::new(rate, 1.0 / aht, agents)?;
    Ok(Some(Requirement {
        agents,
        service_level: q.service_level(target.within),
        asa: q.mean_wait(),
        abandon: 0.0,
        occupancy: q.utilisation(),
    }))
}

/// Agents needed by Erlang A for `rate` calls per second, handle time
/// `aht` and mean patience `patience`: the smallest `c` that meets the
/// service level, the abandonment cap and the occupancy cap together.
pub fn erlang_a_requirement(
    rate: f64,
    aht: Seconds,
    patience: Seconds,
    target: &Target,
) -> Result<Option<Requirement>, StaffingError> {
    if rate <= 0.0 {
        return Ok(Some(Requirement::none()));
    }
    let model = |c: u32| ErlangA::new(rate, 1.0 / aht, 1.0 / patience, c);
    let a = rate * aht;
    // Below a·(answered share) agents cannot even carry the calls answered.
    let lo = (a * target.answered_share).floor();
    let meets = |q: &ErlangA| {
        q.service_level(target.within) >= target.answered_share
            && target.max_abandon.is_none_or(|m| q.prob_abandon() <= m)
            && target.max_occupancy.is_none_or(|m| q.utilisation() <= m)
    };
    let c = smallest(lo, |c| Ok(meets(&model(c)?)))?;
    let Some(agents) = c else { return Ok(None) };
    let q = model(agents)?;
    Ok(Some(Requirement {
        agents,
        service_level: q.service_level(target.within),
        asa: q.mean_answered_wait(),
        abandon: q.prob_abandon(),
        occupancy: q.utilisation(),
    }))
}

/// Plans every interval: `calls[i]` calls expected in interval `i`, which
/// starts at `start + i × interval`.
pub fn plan(problem: &StaffingProblem, start: Seconds, calls: &[f64]) -> Result<Plan, StaffingError> {
    problem.check()?;
    if calls.is_empty() {
        return Err(StaffingError::Input("no intervals: give the calls of at least one interval".into()));
    }
    if let Some((i, v)) = calls.iter().enumerate().find(|(_, v)| !(**v >= 0.0 && v.is_finite())) {
        return Err(StaffingError::Input(format!("interval {}: calls must be a number >= 0; got {v}", i + 1)));
    }
    let mut intervals = Vec::with_capacity(calls.len());
    for (index, &n) in calls.iter().enumerate() {
        let rate = n / problem.interval;
        let too_many = StaffingError::TooManyAgents { interval: index };
        let c = erlang_c_requirement(rate, problem.aht, &problem.target)?.ok_or(too_many.clone())?;
        let a = match problem.patience {
            Some(patience) => {
                Some(erlang_a_requirement(rate, problem.aht, patience, &problem.target)?.ok_or(too_many)?)
            }
            None => None,
        };
        intervals.push(IntervalPlan {
            index,
            start: start + problem.interval * index as f64,
            calls: n,
            offered_load: rate * problem.aht,
            erlang_c: c,
            erlang_a: a,
        });
    }
    Ok(Plan { problem: *problem, start, intervals })
}

/// Columns of a plan file. `agents` is the head count on the phone that a
/// scenario loads by default (`agents_schedule_file`); `scheduled_agents`
/// adds shrinkage.
pub const PLAN_COLUMNS: [&str; 17] = [
    "interval",
    "start_s",
    "end_s",
    "clock",
    "calls",
    "offered_load_erlangs",
    "agents_erlang_c",
    "service_level_erlang_c",
    "asa_erlang_c_s",
    "occupancy_erlang_c",
    "agents_erlang_a",
    "service_level_erlang_a",
    "abandon_erlang_a",
    "asa_erlang_a_s",
    "occupancy_erlang_a",
    "agents",
    "scheduled_agents",
];

/// The plan as CSV, one row per interval, with `agents` taken from
/// `method`.
pub fn plan_csv(plan: &Plan, method: Method) -> Vec<u8> {
    let mut w = crate::export::csv_writer();
    let _ = w.write_record(PLAN_COLUMNS);
    let number = crate::export::number;
    let width = plan.problem.interval;
    for (row, agents) in plan.intervals.iter().zip(plan.agents(method)) {
        let c = &row.erlang_c;
        let a = row.erlang_a.unwrap_or_else(Requirement::undefined);
        let a_agents = row.erlang_a.map_or(String::new(), |a| a.agents.to_string());
        let _ = w.write_record([
            row.index.to_string(),
            number(row.start),
            number(row.start + width),
            clock_label(row.start, None),
            number(row.calls),
            number(row.offered_load),
            c.agents.to_string(),
            number(c.service_level),
            number(c.asa),
            number(c.occupancy),
            a_agents,
            number(a.service_level),
            number(a.abandon),
            number(a.asa),
            number(a.occupancy),
            agents.to_string(),
            scheduled(agents, plan.problem.shrinkage).to_string(),
        ]);
    }
    crate::export::csv_bytes(w)
}

/// Calls per interval read from a CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandSeries {
    /// Calls per interval, in order.
    pub calls: Vec<f64>,
    /// Interval length, when the file says (from `start_s` and `end_s`).
    pub interval: Option<Seconds>,
    /// Start of the first interval, when the file says.
    pub start: Option<Seconds>,
}

/// Reads calls per interval from CSV text: either a plain file with a
/// `calls` column (one row per interval, in order), or the
/// `phone_intervals.csv` a run wrote (recognised by its `replication` and
/// `interval` columns), whose `first_attempts` are averaged over
/// replications per interval. `column` picks another column. `name` is the
/// file's name for messages, which give the line of a bad row.
pub fn parse_demand_csv(name: &str, text: &str, column: Option<&str>) -> Result<DemandSeries, String> {
    if text.trim().is_empty() {
        return Err(format!("{name} is empty; it needs a header row with a `calls` column and one row per interval"));
    }
    let mut reader = ::csv::ReaderBuilder::new().trim(::csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{name}: not a CSV file ({e})"))?.clone();
    let find = |h: &str| headers.iter().position(|x| x == h);
    let from_run = find("replication").is_some() && find("interval").is_some();
    let wanted = column.unwrap_or(if from_run { "first_attempts" } else { "calls" });
    let Some(col) = find(wanted) else {
        return Err(format!(
            "{name} has no `{wanted}` column (columns: {}); choose one with --column",
            headers.iter().collect::<Vec<_>>().join(", ")
        ));
    };
    let (start_col, end_col) = (find("start_s"), find("end_s"));
    let interval_col = find("interval");
    // Per interval: sum of values, count, start and end.
    let mut sums: Vec<(f64, u32, Option<f64>, Option<f64>)> = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(String::new(), |p| format!(" line {}", p.line()));
            format!("{name}{line}: malformed CSV ({e})")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let number = |i: usize, what: &str| -> Result<f64, String> {
            let v = record.get(i).unwrap_or("");
            v.parse::<f64>()
                .ok()
                .filter(|x| *x >= 0.0 && x.is_finite())
                .ok_or_else(|| format!("{name} line {line}: column {what} must be a number >= 0; got \"{v}\""))
        };
        let value = number(col, wanted)?;
        let index = if from_run {
            let i = interval_col.unwrap_or(0);
            let v = record.get(i).unwrap_or("");
            v.parse::<usize>()
                .map_err(|_| format!("{name} line {line}: column interval must be an integer >= 0; got \"{v}\""))?
        } else {
            row
        };
        if index >= sums.len() {
            if index > 1_000_000 {
                return Err(format!("{name} line {line}: interval {index} is beyond 1,000,000 intervals"));
            }
            sums.resize(index + 1, (0.0, 0, None, None));
        }
        let entry = &mut sums[index];
        entry.0 += value;
        entry.1 += 1;
        if let Some(i) = start_col {
            entry.2 = Some(number(i, "start_s")?);
        }
        if let Some(i) = end_col {
            entry.3 = Some(number(i, "end_s")?);
        }
    }
    if sums.is_empty() {
        return Err(format!("{name} has a header but no rows"));
    }
    if let Some(i) = sums.iter().position(|s| s.1 == 0) {
        return Err(format!("{name}: interval {i} has no row"));
    }
    let calls = sums.iter().map(|(sum, n, _, _)| sum / f64::from(*n)).collect();
    let interval = match (sums[0].2, sums[0].3) {
        (Some(s), Some(e)) if e > s => Some(e - s),
        _ => None,
    };
    Ok(DemandSeries { calls, interval, start: sums[0].2 })
}

/// One interval of a plan checked by simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedInterval {
    /// Interval index.
    pub index: usize,
    /// Agents on the phone in the plan.
    pub agents: u32,
    /// Simulated service level (answered within the target over calls
    /// leaving the queue), mean and 95% interval over replications.
    pub service_level: ConfidenceInterval,
    /// Simulated share of queued calls abandoned.
    pub abandon: ConfidenceInterval,
}

/// Simulates the day with the plan's agents from `method` (Poisson calls
/// at each interval's rate, exponential patience, handle times with
/// coefficient of variation `handle_cv`: 1 is exponential, as the formulas
/// assume), `replications` times from `seed`, and reports each interval's
/// service level and abandonment. Unlike the formulas, the simulation
/// carries each interval's queue into the next.
pub fn verify(
    plan: &Plan,
    method: Method,
    handle_cv: f64,
    seed: u64,
    replications: u32,
) -> Result<Vec<VerifiedInterval>, StaffingError> {
    let problem = &plan.problem;
    let width = problem.interval;
    let n = plan.intervals.len();
    let handle_time = if (handle_cv - 1.0).abs() < 1e-12 {
        TimeDistribution::exponential(problem.aht)
    } else {
        TimeDistribution::lognormal(problem.aht, handle_cv)
    }
    .map_err(|e| StaffingError::Input(format!("handle time: {e}")))?;
    let patience = problem
        .patience
        .map(TimeDistribution::exponential)
        .transpose()
        .map_err(|e| StaffingError::Input(format!("patience: {e}")))?;
    // One interval of warm-up at the first interval's calls and agents:
    // the day is observed from a queue in steady state, not from an empty
    // one, which would flatter the first interval by several points.
    let first_rate = plan.intervals.first().map_or(0.0, |i| i.calls / width);
    let points = std::iter::once((0.0, first_rate))
        .chain(plan.intervals.iter().map(|i| (width * (i.index + 1) as f64, i.calls / width)))
        .collect();
    let agents = plan.agents(method);
    let staffed: Vec<u32> = agents.first().copied().into_iter().chain(agents.iter().copied()).collect();
    let phone = PhoneChannel {
        lines: None,
        open_hours: None,
        ivr: None,
        agents: StaffSchedule::per_interval(0.0, width, &staffed),
        handle_time,
        patience,
        answer_target: problem.target.within,
        redial: None,
        callback: None,
        reasons: vec![Reason::general()],
        demand: vec![DemandSource {
            name: "plan".into(),
            reason: 0,
            kind: DemandKind::Arrivals(ArrivalProcess::Profile(RateProfile { points, shape: ProfileShape::Step })),
        }],
        external: ExternalIntake::default(),
    };
    let center = ContactCenter {
        run: RunLength { duration: width * (n + 1) as f64, warmup: 0.0, interval: width },
        calendar: WorkingCalendar::default(),
        phone: Some(phone),
        social: None,
        max_in_system: crate::scenario::DEFAULT_MAX_IN_SYSTEM,
    };
    let results = run_replications(&center, |_| None, seed, replications, &|| {})
        .map_err(|e| StaffingError::Input(e.to_string()))?;
    let column = |i: usize, f: fn(&crate::contact::PhoneInterval) -> f64| {
        let values: Vec<f64> = results
            .iter()
            .filter_map(|r| r.phone.as_ref())
            .map(|p| f(&p.intervals[i + 1]))
            .filter(|v| v.is_finite())
            .collect();
        ConfidenceInterval::student_t(&values, CONFIDENCE_LEVEL)
    };
    Ok((0..n)
        .map(|i| VerifiedInterval {
            index: i,
            agents: agents[i],
            service_level: column(i, |row| row.service_level),
            abandon: column(i, |row| {
                let left = row.answered + row.abandoned;
                if left > 0 { row.abandoned as f64 / left as f64 } else { f64::NAN }
            }),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(share: f64, within: f64) -> Target {
        Target { answered_share: share, within, max_abandon: None, max_occupancy: None }
    }

    #[test]
    fn the_published_call_centre_example_needs_38_agents_and_40_with_an_occupancy_cap() {
        let rate = 1000.0 / 3600.0;
        let c = erlang_c_requirement(rate, 120.0, &target(0.8, 20.0)).unwrap().unwrap();
        assert_eq!(c.agents, 38);
        assert!((c.service_level - 0.8468).abs() < 5e-4, "{}", c.service_level);
        assert!((c.asa - 8.57).abs() < 0.01);
        let capped = Target { max_occupancy: Some(0.85), ..target(0.8, 20.0) };
        let c = erlang_c_requirement(rate, 120.0, &capped).unwrap().unwrap();
        assert_eq!(c.agents, 40);
        assert!((c.service_level - 0.9372).abs() < 5e-4);
        assert!(c.occupancy <= 0.85);
    }

    #[test]
    fn each_requirement_is_the_smallest_that_meets_the_target() {
        for (calls, aht, patience) in [(1000.0, 120.0, 600.0), (50.0, 330.0, 1200.0), (4000.0, 300.0, 180.0)] {
            let rate = calls / 3600.0;
            let t = Target { max_abandon: Some(0.05), ..target(0.8, 20.0) };
            let c = erlang_c_requirement(rate, aht, &t).unwrap().unwrap();
            let below = MMc::new(rate, 1.0 / aht, c.agents - 1).map_or(0.0, |q| q.service_level(20.0));
            assert!(c.service_level >= 0.8 && below < 0.8);
            let a = erlang_a_requirement(rate, aht, patience, &t).unwrap().unwrap();
            let q = ErlangA::new(rate, 1.0 / aht, 1.0 / patience, a.agents - 1).unwrap();
            assert!(a.service_level >= 0.8 && a.abandon <= 0.05);
            assert!(q.service_level(20.0) < 0.8 || q.prob_abandon() > 0.05);
            // Callers who hang up make room: Erlang A never asks for more.
            assert!(a.agents <= c.agents, "{calls}: A {} > C {}", a.agents, c.agents);
        }
    }

    #[test]
    fn shrinkage_rounds_up_to_whole_agents() {
        assert_eq!(scheduled(38, 0.3), 55);
        assert_eq!(scheduled(40, 0.3), 58);
        assert_eq!(scheduled(38, 0.0), 38);
        assert_eq!(scheduled(38, 0.05), 40);
        assert_eq!(scheduled(0, 0.5), 0);
    }

    #[test]
    fn service_levels_parse_with_or_without_units() {
        assert_eq!(Target::parse_service_level("80/20"), Ok((0.8, 20.0)));
        assert_eq!(Target::parse_service_level("90%/30s"), Ok((0.9, 30.0)));
        assert_eq!(Target::parse_service_level("70/1m"), Ok((0.7, 60.0)));
        assert!(Target::parse_service_level("120/20").unwrap_err().contains("below 100%"));
        assert!(Target::parse_service_level("100/20").is_err());
        assert!(Target::parse_service_level("0/20").is_err());
        assert!(Target::parse_service_level("80").is_err());
        assert!(Target::parse_service_level("80/-5").is_err());
    }

    #[test]
    fn zero_calls_need_no_agents() {
        let p = StaffingProblem {
            interval: 1800.0,
            aht: 120.0,
            patience: Some(600.0),
            target: target(0.8, 20.0),
            shrinkage: 0.3,
        };
        let plan = plan(&p, 0.0, &[0.0, 500.0]).unwrap();
        assert_eq!(plan.intervals[0].erlang_c.agents, 0);
        assert_eq!(plan.intervals[0].erlang_a.unwrap().agents, 0);
        assert!(plan.intervals[1].erlang_a.unwrap().agents > 0);
    }

    #[test]
    fn without_a_patience_the_plan_is_erlang_cs_alone() {
        let p =
            StaffingProblem { interval: 3600.0, aht: 120.0, patience: None, target: target(0.8, 20.0), shrinkage: 0.0 };
        let plan = plan(&p, 0.0, &[1000.0]).unwrap();
        assert_eq!(plan.intervals[0].erlang_c.agents, 38);
        assert!(plan.intervals[0].erlang_a.is_none());
        assert_eq!(plan.agents(Method::ErlangA), [38]);
        let csv = String::from_utf8(plan_csv(&plan, Method::ErlangC)).unwrap();
        assert!(csv.lines().nth(1).unwrap().contains(",38,") && csv.contains(",,,,,38,38"), "{csv}");
    }

    #[test]
    fn bad_inputs_are_refused_with_their_name() {
        let ok = StaffingProblem {
            interval: 1800.0,
            aht: 120.0,
            patience: Some(600.0),
            target: target(0.8, 20.0),
            shrinkage: 0.3,
        };
        let err = |p: StaffingProblem| plan(&p, 0.0, &[100.0]).unwrap_err().to_string();
        assert!(err(StaffingProblem { patience: Some(0.0), ..ok }).contains("patience"));
        let capped = Target { max_abandon: Some(0.05), ..target(0.8, 20.0) };
        assert!(err(StaffingProblem { patience: None, target: capped, ..ok }).contains("--patience"));
        assert!(err(StaffingProblem { aht: 0.0, ..ok }).contains("handle time"));
        assert!(err(StaffingProblem { shrinkage: 1.0, ..ok }).contains("shrinkage"));
        assert!(err(StaffingProblem { target: target(1.2, 20.0), ..ok }).contains("below 100%"));
        assert!(plan(&ok, 0.0, &[-3.0]).unwrap_err().to_string().contains("interval 1"));
        assert!(plan(&ok, 0.0, &[]).is_err());
    }

    #[test]
    fn demand_csv_reads_a_calls_column_or_a_run_and_names_bad_lines() {
        let plain = parse_demand_csv("d.csv", "calls\n100\n250.5\n", None).unwrap();
        assert_eq!(plain.calls, [100.0, 250.5]);
        let run = "scenario,replication,interval,start_s,end_s,clock,offered,first_attempts\n\
                   s,0,0,0,1800,00:00:00,30,20\ns,0,1,1800,3600,00:30:00,50,40\n\
                   s,1,0,0,1800,00:00:00,34,24\ns,1,1,1800,3600,00:30:00,60,44\n";
        let series = parse_demand_csv("phone_intervals.csv", run, None).unwrap();
        assert_eq!(series.calls, [22.0, 42.0]);
        assert_eq!(series.interval, Some(1800.0));
        assert_eq!(parse_demand_csv("p.csv", run, Some("offered")).unwrap().calls, [32.0, 55.0]);
        let bad = parse_demand_csv("d.csv", "calls\n100\nlots\n", None).unwrap_err();
        assert!(bad.contains("line 3") && bad.contains("lots"), "{bad}");
        assert!(parse_demand_csv("d.csv", "", None).unwrap_err().contains("empty"));
        assert!(parse_demand_csv("d.csv", "calls\n", None).unwrap_err().contains("no rows"));
        assert!(parse_demand_csv("d.csv", "volume\n3\n", None).unwrap_err().contains("no `calls` column"));
        assert!(parse_demand_csv("d.csv", "calls\n-4\n", None).unwrap_err().contains(">= 0"));
    }
}
