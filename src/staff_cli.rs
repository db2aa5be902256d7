//! `clickday staff`: agents needed per interval by Erlang C and Erlang A,
//! optionally checked by simulation and written as a plan a scenario can
//! load as its agents' schedule.
//!
//! Everything typed on the command line is checked here, and any bad
//! input becomes a [`BadInput`](crate::bad_input::BadInput) error: one line, exit status 2.

use crate::bad_input::bad;
use crate::cli::{PlanFrom, StaffArgs};
use crate::files;
use anyhow::{Context, Result};
use clickday::staffing::{self, Method, Plan, Requirement, StaffingProblem, Target, VerifiedInterval};
use clickday::units::{ClockTime, Seconds, clock_label, format_duration, parse_duration};
use clickday::verdict::format;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Largest demand file accepted.
const MAX_DEMAND_BYTES: u64 = 256 * 1024 * 1024;

/// A duration with a unit, as everywhere in clickday.
fn duration(flag: &str, text: &str) -> Result<Seconds> {
    parse_duration(text).map_err(|m| bad(format!("{flag}: {m}")))
}

/// A percentage, written `5` or `5%`.
fn percent(flag: &str, text: &str, allow_zero: bool, allow_hundred: bool) -> Result<f64> {
    let value: f64 = text
        .trim()
        .trim_end_matches('%')
        .trim()
        .parse()
        .map_err(|_| bad(format!("{flag}: expected a percentage such as \"5\" or \"5%\"; got \"{text}\"")))?;
    let low_ok = if allow_zero { value >= 0.0 } else { value > 0.0 };
    let high_ok = if allow_hundred { value <= 100.0 } else { value < 100.0 };
    if !(low_ok && high_ok) {
        let range = match (allow_zero, allow_hundred) {
            (true, false) => "from 0% to below 100%",
            (false, true) => "above 0% and at most 100%",
            _ => "above 0% and below 100%",
        };
        return Err(bad(format!("{flag}: must be {range}; got {text}")));
    }
    Ok(value / 100.0)
}

/// The calls per interval, from the command line or a CSV, and what the
/// CSV says about the intervals.
fn demand(args: &StaffArgs) -> Result<staffing::DemandSeries> {
    match (&args.calls_csv, args.calls.is_empty()) {
        (Some(_), false) => Err(bad("give calls either as numbers or with --calls-csv, not both")),
        (None, true) => Err(bad(
            "no calls: give calls per interval as numbers (e.g. `clickday staff 500 800 --aht 2m ...`) or --calls-csv FILE",
        )),
        (None, false) => {
            let mut calls = Vec::with_capacity(args.calls.len());
            for (i, text) in args.calls.iter().enumerate() {
                let v: f64 =
                    text.parse().map_err(|_| bad(format!("calls: interval {} is \"{text}\", not a number", i + 1)))?;
                if !(v >= 0.0 && v.is_finite()) {
                    return Err(bad(format!("calls: interval {} has {text} calls; calls must be >= 0", i + 1)));
                }
                calls.push(v);
            }
            Ok(staffing::DemandSeries { calls, interval: None, start: None })
        }
        (Some(path), true) => {
            let text = read_demand(path)?;
            staffing::parse_demand_csv(&path.display().to_string(), &text, args.column.as_deref()).map_err(bad)
        }
    }
}

fn read_demand(path: &Path) -> Result<String> {
    files::read_text(path, MAX_DEMAND_BYTES, "--calls-csv")
}

/// Turns the arguments into a staffing problem, the calls and the start.
fn problem(args: &StaffArgs) -> Result<(StaffingProblem, Vec<f64>, Seconds)> {
    let series = demand(args)?;
    let interval = match (&args.interval, series.interval) {
        (Some(text), Some(from_file)) => {
            let given = duration("--interval", text)?;
            if (given - from_file).abs() > 1e-6 {
                return Err(bad(format!(
                    "--interval {text} disagrees with the file's intervals of {}",
                    format_duration(from_file)
                )));
            }
            given
        }
        (Some(text), None) => duration("--interval", text)?,
        (None, Some(from_file)) => from_file,
        (None, None) => 1800.0,
    };
    let (answered_share, within) =
        Target::parse_service_level(&args.target).map_err(|m| bad(format!("--target: {m}")))?;
    let target = Target {
        answered_share,
        within,
        max_abandon: args.max_abandon.as_deref().map(|t| percent("--max-abandon", t, false, false)).transpose()?,
        max_occupancy: args.max_occupancy.as_deref().map(|t| percent("--max-occupancy", t, false, true)).transpose()?,
    };
    let start = match (&args.start, series.start) {
        (Some(text), _) => match ClockTime::parse(text).map_err(|m| bad(format!("--start: {m}")))? {
            ClockTime::OnStartDay(s) | ClockTime::Offset(s) => s,
            ClockTime::DateTime(..) => {
                return Err(bad("--start: give a time of day such as \"08:00\", without a date"));
            }
        },
        (None, Some(s)) => s,
        (None, None) => 0.0,
    };
    let problem = StaffingProblem {
        interval,
        aht: duration("--aht", &args.aht)?,
        patience: args.patience.as_deref().map(|p| duration("--patience", p)).transpose()?,
        target,
        shrinkage: percent("--shrinkage", &args.shrinkage, true, false)?,
    };
    problem.check().map_err(|e| bad(e.to_string()))?;
    Ok((problem, series.calls, start))
}

fn pct(v: f64) -> String {
    if v.is_nan() { "-".into() } else { format::percent(v, 1) }
}

fn secs(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v < 100.0 {
        format!("{v:.1}s")
    } else {
        format_duration(v)
    }
}

/// The plan as a table for the terminal.
fn table(plan: &Plan, method: Method, verified: Option<&[VerifiedInterval]>) -> String {
    let p = &plan.problem;
    let t = &p.target;
    let mut out = String::new();
    let mut goal = format!("{} answered within {}", format::percent(t.answered_share, 0), secs(t.within));
    if let Some(a) = t.max_abandon {
        let _ = write!(goal, ", at most {} abandoned", format::percent(a, 1));
    }
    if let Some(o) = t.max_occupancy {
        let _ = write!(goal, ", occupancy at most {}", format::percent(o, 0));
    }
    let patience = p.patience.map_or("none (nobody hangs up: Erlang C only)".to_owned(), secs);
    let _ = writeln!(
        out,
        "{} intervals of {}; handle time {}; mean patience {patience}; target: {goal}; shrinkage {}",
        plan.intervals.len(),
        format_duration(p.interval),
        secs(p.aht),
        format::percent(p.shrinkage, 0)
    );
    let _ = write!(
        out,
        "{:>4} {:>8} {:>8} {:>8} | {:>6} {:>6} {:>6} {:>5} | {:>6} {:>6} {:>6} {:>6} {:>5} | {:>9}",
        "#",
        "start",
        "calls",
        "erlangs",
        "C:agts",
        "SL",
        "ASA",
        "occ",
        "A:agts",
        "SL",
        "aband",
        "ASA",
        "occ",
        "scheduled"
    );
    if verified.is_some() {
        let _ = write!(out, " | {:>15} {:>7} {:>4}", "simulated SL", "aband", "met");
    }
    out.push('\n');
    for (row, agents) in plan.intervals.iter().zip(plan.agents(method)) {
        let c = &row.erlang_c;
        let a = row.erlang_a.unwrap_or_else(Requirement::undefined);
        let a_agents = row.erlang_a.map_or("-".to_owned(), |a| a.agents.to_string());
        let _ = write!(
            out,
            "{:>4} {:>8} {:>8.1} {:>8.2} | {:>6} {:>6} {:>6} {:>5} | {:>6} {:>6} {:>6} {:>6} {:>5} | {:>9}",
            row.index,
            clock_label(row.start, None),
            row.calls,
            row.offered_load,
            c.agents,
            pct(c.service_level),
            secs(c.asa),
            pct(c.occupancy),
            a_agents,
            pct(a.service_level),
            pct(a.abandon),
            secs(a.asa),
            pct(a.occupancy),
            staffing::scheduled(agents, p.shrinkage),
        );
        if let Some(v) = verified.and_then(|v| v.get(row.index)) {
            let sl = &v.service_level;
            let cell = if sl.mean.is_nan() {
                "-".into()
            } else if sl.half_width.is_nan() {
                pct(sl.mean)
            } else {
                format!("{} ± {:.1}", pct(sl.mean), sl.half_width * 100.0)
            };
            let met = met(v, t);
            let _ = write!(out, " | {cell:>15} {:>7} {met:>4}", pct(v.abandon.mean));
        }
        out.push('\n');
    }
    let scheduled_hours: f64 =
        plan.agents(method).iter().map(|&n| f64::from(staffing::scheduled(n, p.shrinkage))).sum::<f64>() * p.interval
            / 3600.0;
    let erlang_a_hours = if p.patience.is_some() {
        format!("{:.1}", plan.agent_hours(Method::ErlangA))
    } else {
        "- (no patience given)".to_owned()
    };
    let _ = writeln!(
        out,
        "agent-hours on the phone: Erlang C {:.1}, Erlang A {erlang_a_hours}; scheduled ({}, with shrinkage) {:.1}",
        plan.agent_hours(Method::ErlangC),
        match method {
            Method::ErlangA => "Erlang A",
            Method::ErlangC => "Erlang C",
        },
        scheduled_hours
    );
    out
}

/// Whether a simulated interval met the target, judged on its 95%
/// interval rather than its mean: "yes" when the whole interval meets it,
/// "no" when none of it does, "unclear" otherwise (more replications
/// decide).
fn met(v: &VerifiedInterval, t: &Target) -> &'static str {
    let (sl, ab) = (&v.service_level, &v.abandon);
    if sl.mean.is_nan() {
        return "-";
    }
    let (low, high) = if sl.half_width.is_finite() { (sl.lower, sl.upper) } else { (sl.mean, sl.mean) };
    let (ab_low, ab_high) = if ab.half_width.is_finite() { (ab.lower, ab.upper) } else { (ab.mean, ab.mean) };
    let abandon_ok_surely = t.max_abandon.is_none_or(|m| ab_high.is_nan() || ab_high <= m);
    let abandon_fails_surely = t.max_abandon.is_some_and(|m| ab_low > m);
    if low >= t.answered_share && abandon_ok_surely {
        "yes"
    } else if high < t.answered_share || abandon_fails_surely {
        "no"
    } else {
        "unclear"
    }
}

/// Runs `clickday staff`.
pub fn staff(args: &StaffArgs) -> Result<ExitCode> {
    let (problem, calls, start) = problem(args)?;
    let plan = staffing::plan(&problem, start, &calls).map_err(|e| bad(e.to_string()))?;
    let method = match (args.plan_from, problem.patience) {
        (Some(PlanFrom::ErlangA), None) => {
            return Err(bad("--plan-from erlang-a needs the callers' patience: give --patience"));
        }
        (Some(PlanFrom::ErlangA), Some(_)) | (None, Some(_)) => Method::ErlangA,
        (Some(PlanFrom::ErlangC), _) | (None, None) => Method::ErlangC,
    };
    let verified = if args.verify {
        if !(args.handle_cv > 0.0 && args.handle_cv <= 1000.0) {
            return Err(bad(format!("--handle-cv: must be above 0 and at most 1000; got {}", args.handle_cv)));
        }
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.jobs {
            builder = builder.num_threads(usize::from(n));
        }
        let pool = builder.build().context("could not start worker threads")?;
        let v = pool
            .install(|| staffing::verify(&plan, method, args.handle_cv, args.seed, args.replications))
            .map_err(|e| bad(e.to_string()))?;
        Some(v)
    } else {
        None
    };
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", table(&plan, method, verified.as_deref()))?;
    if verified.is_some() {
        let note = format!(
            "simulated: {} replications of the whole day (seed {}), handle times {}; one interval of warm-up at \
             the first interval's calls and agents, then each interval inherits the queue of the one before; \
             met: yes when the whole 95% interval meets the target, no when none of it does, unclear otherwise",
            args.replications,
            args.seed,
            if (args.handle_cv - 1.0).abs() < 1e-12 {
                "exponential (cv 1)".to_owned()
            } else {
                format!("lognormal with cv {}", args.handle_cv)
            }
        );
        for line in clickday::report::terminal::wrap(&note, clickday::report::terminal::WIDTH) {
            writeln!(stdout, "{line}")?;
        }
    }
    if let Some(out) = &args.out {
        files::write_atomic(out, &staffing::plan_csv(&plan, method))?;
        writeln!(stdout, "wrote {} (load it with agents_schedule_file = \"{}\")", out.display(), out.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
