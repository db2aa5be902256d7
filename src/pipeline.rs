//! A run from validated scenarios to output bytes.
//!
//! 1. [`plan`] lists the (scenario, replication) pairs of the run, or of one
//!    shard of it.
//! 2. [`run_tables`] simulates the pairs in parallel and renders, per
//!    scenario, the per-replication tables (time series and the long-form
//!    summary), rows grouped by replication.
//! 3. [`finish_scenario`] reads a scenario's complete tables back into
//!    estimates and renders its `summary.csv`, `run.json` and terminal table.
//! 4. [`compare`] pairs every scenario with the first (the baseline).
//! 5. [`report`] draws the charts and writes the HTML report and the
//!    Markdown summary of the whole run.
//!
//! Steps 3 to 5 read only the tables, so a run split into shards and
//! merged ([`merge_tables`]) produces exactly the bytes a run on one machine
//! produces. This is the one place that knows which model a scenario holds.

use crate::contact::ContactResult;
use crate::engine::RngStreams;
use crate::experiment::Estimate;
use crate::export;
use crate::export::long::{self, TableError};
use crate::launch::LaunchResult;
use crate::network::{ReplicationResult, SimError};
use crate::precision::{self, Assessment, Precision};
use crate::report::{self, Figure, ModelKind, PairedDifference, ReportError, ScenarioView};
use crate::scenario::{Model, Scenario};
use crate::units::Seconds;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A file to write into an output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, e.g. `intervals.csv`.
    pub name: &'static str,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A replication of a queueing network stopped early.
    #[error(transparent)]
    Network(#[from] SimError),
    /// A replication of a launch day could not run.
    #[error(transparent)]
    LaunchDay(#[from] crate::launch::LaunchError),
    /// A replication of a contact center could not run.
    #[error(transparent)]
    Contact(#[from] crate::contact::ContactError),
    /// A table could not be read back.
    #[error(transparent)]
    Table(#[from] TableError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// One scenario of a run, with the settings the command line resolved.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioRun<'a> {
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// Where it came from (a path, or `bundled:<path>`), for `run.json`.
    pub source: &'a str,
    /// Run seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
}

/// The (scenario index, replication) pairs of a run, or of shard `index`
/// of `count` (0-based), in the order they are started: replication by
/// replication, every scenario's replication 0 first. A run stopped early
/// has therefore finished the same replications of every scenario, or one
/// fewer, and those are the first of each. Shards are dealt round-robin in
/// this order, so every shard gets a similar mix.
pub fn plan(runs: &[ScenarioRun<'_>], shard: Option<(u32, u32)>) -> Vec<(usize, u64)> {
    let most = runs.iter().map(|run| run.replications).max().unwrap_or(0);
    let all = (0..u64::from(most)).flat_map(|r| {
        runs.iter().enumerate().filter(move |(_, run)| r < u64::from(run.replications)).map(move |(s, _)| (s, r))
    });
    match shard {
        None => all.collect(),
        Some((index, count)) => {
            all.enumerate().filter(|(k, _)| *k as u64 % u64::from(count) == u64::from(index)).map(|(_, p)| p).collect()
        }
    }
}

/// A plan that would not fit in memory: the per-replication tables of every
/// pair are held until the run ends.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the run would hold {rows:.3e} interval rows ({pairs} scenario replications; about {gigabytes:.1} GB); at most {max:.0e}: use fewer replications, fewer scenarios or variants, shards, or a longer interval"
)]
pub struct PlanTooLarge {
    /// Interval rows the plan's tables would hold.
    pub rows: f64,
    /// (scenario, replication) pairs in the plan.
    pub pairs: usize,
    /// Their rough size in memory.
    pub gigabytes: f64,
    /// The limit on rows.
    pub max: f64,
}

/// Bytes an interval row takes in memory, roughly, for the message.
const BYTES_PER_ROW: f64 = 200.0;

/// Refuses a plan whose tables would exhaust memory. The scenario checks
/// its own `replications` when it is loaded; this checks what is actually
/// run (the command line's `-r`, every scenario or sweep variant, one
/// shard's pairs).
pub fn check_plan(runs: &[ScenarioRun<'_>], pairs: &[(usize, u64)]) -> Result<(), PlanTooLarge> {
    let rows: f64 = pairs.iter().map(|(s, _)| runs[*s].scenario.interval_rows_per_replication()).sum();
    if rows > crate::scenario::MAX_INTERVAL_ROWS {
        return Err(PlanTooLarge {
            rows,
            pairs: pairs.len(),
            gigabytes: rows * BYTES_PER_ROW / 1e9,
            max: crate::scenario::MAX_INTERVAL_ROWS,
        });
    }
    Ok(())
}

/// What one replication of one scenario produced.
enum Outcome {
    Network(ReplicationResult),
    Launch(Box<LaunchResult>, Option<ContactResult>),
    Contact(ContactResult),
}

impl Outcome {
    fn events(&self) -> u64 {
        match self {
            Outcome::Network(r) => r.events,
            Outcome::Launch(r, c) => r.events + c.as_ref().map_or(0, |c| c.events),
            Outcome::Contact(r) => r.events,
        }
    }
}

fn simulate(run: &ScenarioRun<'_>, replication: u64) -> Result<Outcome, RunError> {
    let streams = RngStreams::new(run.seed, replication);
    Ok(match &run.scenario.model {
        Model::Network(net) => Outcome::Network(crate::network::simulate(net, &streams)?),
        Model::LaunchDay(day) => {
            let portal = crate::launch::simulate(day, &streams)?;
            // The contact center of replication r receives the people
            // replication r of the portal failed.
            let contacts = match &day.contact_center {
                Some(center) => Some(crate::contact::simulate(center, Some(&portal.contact_demand()), &streams)?),
                None => None,
            };
            Outcome::Launch(Box::new(portal), contacts)
        }
        Model::Contact(center) => Outcome::Contact(crate::contact::simulate(center, None, &streams)?),
    })
}

/// Every per-replication table a run may write.
pub const TABLE_NAMES: [&str; 6] =
    ["intervals.csv", "tiers.csv", "contacts.csv", "phone_intervals.csv", "social_intervals.csv", "replications.csv"];

/// A scenario's per-replication tables (or one shard's part of them).
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// The tables, `replications.csv` last; rows grouped by replication.
    pub files: Vec<OutputFile>,
    /// Events handled.
    pub events: u64,
    /// Replications the tables hold.
    pub replications: u32,
}

impl Tables {
    /// The table called `name`, if present.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|f| f.name == name).map(|f| f.bytes.as_slice())
    }
}

/// Simulates `pairs` in parallel on the current rayon pool and renders each
/// scenario's tables. The result does not depend on the number of threads:
/// pairs are simulated independently and collected in plan order.
/// `on_done` is called once per finished pair.
///
/// Pairs are started strictly in plan order (each worker takes the next
/// one), so once `cancel` is set and the pairs under way have finished,
/// the finished pairs are exactly the first ones of the plan: each
/// scenario's tables then hold its first replications, which is what a
/// run of that many would have written.
pub fn run_tables(
    runs: &[ScenarioRun<'_>],
    pairs: &[(usize, u64)],
    on_done: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<Tables>, RunError> {
    run_tables_counted(runs, pairs, on_done, cancel).map(|(tables, _)| tables)
}

/// [`run_tables`], with the events each finished pair handled, in plan
/// order (a shard of a run sized by precision records them, so that a
/// merge keeping only the first replications counts only their events).
pub fn run_tables_counted(
    runs: &[ScenarioRun<'_>],
    pairs: &[(usize, u64)],
    on_done: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Result<(Vec<Tables>, Vec<u64>), RunError> {
    let slots: Vec<OnceLock<Result<Outcome, RunError>>> = pairs.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        while !cancel.load(Ordering::Relaxed) && !failed.load(Ordering::Relaxed) {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some((s, r)) = pairs.get(k) else { break };
            let outcome = simulate(&runs[*s], *r);
            match &outcome {
                Ok(_) => on_done(),
                Err(_) => failed.store(true, Ordering::Relaxed),
            }
            let _ = slots[k].set(outcome);
        }
    };
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads().min(pairs.len()) {
            scope.spawn(|_| work());
        }
    });
    let mut per_scenario: Vec<Vec<Outcome>> = runs.iter().map(|_| Vec::new()).collect();
    // Every pair before the last one started was started too, and has
    // finished: the filled slots are a prefix of the plan, and the first
    // error in plan order is the same whatever the threads did.
    let mut events = Vec::with_capacity(pairs.len());
    for ((s, _), slot) in pairs.iter().zip(slots) {
        match slot.into_inner() {
            Some(outcome) => {
                let outcome = outcome?;
                events.push(outcome.events());
                per_scenario[*s].push(outcome);
            }
            None => break,
        }
    }
    let tables = runs
        .iter()
        .zip(per_scenario)
        .map(|(run, outcomes)| render_tables(run.scenario, outcomes))
        .collect::<Result<_, _>>()?;
    Ok((tables, events))
}

/// A run sized by precision: each scenario's tables, and where the
/// stopping rule stood at its last check.
#[derive(Debug, Clone)]
pub struct SizedRun {
    /// Per scenario, the tables of replications `0..n`.
    pub tables: Vec<Tables>,
    /// Per scenario, the rule at its last check (`None` when interrupted
    /// before the first).
    pub assessments: Vec<Option<Assessment>>,
    /// Whether Ctrl-C stopped the run (the tables then hold the
    /// replications finished, the first of each scenario).
    pub interrupted: bool,
}

/// Runs every scenario until the 95% intervals of its headline verdicts
/// are within `precision` of their means, or its maximum (see
/// [`crate::precision`]). Replications are added in rounds up to the next
/// checkpoint, simulated in parallel like [`run_tables`], and the rule is
/// checked between rounds on the tables alone, so the result does not
/// depend on the number of threads. `together`: the scenarios of a
/// comparison go on until every one of them stops, so that each paired
/// difference is over the same replications; otherwise (the variants of a
/// sweep) each stops on its own. `on_planned` is told how many pairs each
/// round adds (for a progress bar).
pub fn run_to_precision(
    runs: &[ScenarioRun<'_>],
    precision: Precision,
    together: bool,
    on_planned: &dyn Fn(usize),
    on_done: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Result<SizedRun, RunError> {
    size_by_precision(runs, precision, together, on_planned, &mut |pairs| {
        let tables = run_tables(runs, pairs, on_done, cancel)?;
        Ok((tables, cancel.load(Ordering::Relaxed)))
    })
}

/// Where the replications of a round come from: given the round's
/// (scenario, replication) pairs, each scenario's tables of them and
/// whether the run was interrupted.
pub type Produce<'p> = dyn FnMut(&[(usize, u64)]) -> Result<(Vec<Tables>, bool), RunError> + 'p;

/// The rounds of a run sized by precision, with the replications coming
/// from `produce`: simulated ([`run_to_precision`]), or taken from the
/// union of a precision run's shards (a merge), which then stops exactly
/// where one machine stops. `produce` is given the pairs of one round and
/// returns each scenario's tables of them and whether the run was
/// interrupted.
pub fn size_by_precision(
    runs: &[ScenarioRun<'_>],
    precision: Precision,
    together: bool,
    on_planned: &dyn Fn(usize),
    produce: &mut Produce<'_>,
) -> Result<SizedRun, RunError> {
    let k = runs.len();
    let mut tables: Vec<Tables> = vec![Tables::default(); k];
    let mut assessments: Vec<Option<Assessment>> = vec![None; k];
    // The replications each scenario is to reach in this round; `None`
    // once it has stopped.
    let mut goal: Vec<Option<u32>> = vec![Some(precision.min); k];
    while let Some(most) = goal.iter().flatten().max().copied() {
        // Replication by replication, as [`plan`] orders a run.
        let pairs: Vec<(usize, u64)> = (0..u64::from(most))
            .flat_map(|r| {
                let (tables, goal) = (&tables, &goal);
                (0..k)
                    .filter(move |&s| {
                        goal[s].is_some_and(|g| r >= u64::from(tables[s].replications) && r < u64::from(g))
                    })
                    .map(move |s| (s, r))
            })
            .collect();
        on_planned(pairs.len());
        let (new, interrupted) = produce(&pairs)?;
        for (s, part) in new.into_iter().enumerate() {
            if part.replications == 0 {
                continue;
            }
            tables[s] = if tables[s].replications == 0 { part } else { merge_tables(&[tables[s].clone(), part])? };
        }
        if interrupted {
            return Ok(SizedRun { tables, assessments, interrupted: true });
        }
        for s in (0..k).filter(|&s| goal[s].is_some()) {
            let estimates = long::estimates(tables[s].get("replications.csv").unwrap_or_default())?;
            assessments[s] = Some(precision::assess(runs[s].scenario, &estimates, tables[s].replications, precision));
        }
        let stops = |s: usize| assessments[s].as_ref().is_none_or(Assessment::stops);
        if together {
            let all = (0..k).filter(|&s| goal[s].is_some()).all(stops);
            for g in &mut goal {
                *g = if all { None } else { g.and_then(|n| precision.next_after(n)) };
            }
        } else {
            for (s, g) in goal.iter_mut().enumerate() {
                *g = if stops(s) { None } else { g.and_then(|n| precision.next_after(n)) };
            }
        }
    }
    Ok(SizedRun { tables, assessments, interrupted: false })
}

/// The tables of the replications `keep` accepts, from tables holding
/// them: what a run of those replications alone writes. `events` counts
/// the events of the replications kept.
pub fn select_replications(tables: &Tables, keep: &dyn Fn(u64) -> bool, events: u64) -> Result<Tables, RunError> {
    let mut files = Vec::with_capacity(tables.files.len());
    let mut replications = 0;
    for file in &tables.files {
        let bytes = long::select(file.name, &file.bytes, keep)?;
        if file.name == "replications.csv" {
            replications = long::replications_in(file.name, &bytes)?.len() as u32;
        }
        files.push(OutputFile { name: file.name, bytes });
    }
    Ok(Tables { files, events, replications })
}

fn render_tables(scenario: &Scenario, outcomes: Vec<Outcome>) -> Result<Tables, RunError> {
    let events = outcomes.iter().map(Outcome::events).sum();
    let replications = outcomes.len() as u32;
    let files = match &scenario.model {
        Model::Network(net) => {
            let results: Vec<ReplicationResult> =
                outcomes.into_iter().filter_map(|o| if let Outcome::Network(r) = o { Some(r) } else { None }).collect();
            vec![
                OutputFile { name: "intervals.csv", bytes: export::csv::intervals(scenario, net, &results) },
                OutputFile { name: "replications.csv", bytes: export::csv::replication_summary(scenario, &results) },
            ]
        }
        Model::LaunchDay(day) => {
            let (portals, contacts): (Vec<LaunchResult>, Vec<ContactResult>) = outcomes
                .into_iter()
                .filter_map(|o| if let Outcome::Launch(p, c) = o { Some((*p, c)) } else { None })
                .fold((Vec::new(), Vec::new()), |(mut ps, mut cs), (p, c)| {
                    ps.push(p);
                    cs.extend(c);
                    (ps, cs)
                });
            let mut files = vec![
                OutputFile { name: "intervals.csv", bytes: export::launch::intervals(scenario, &portals) },
                OutputFile { name: "tiers.csv", bytes: export::launch::tiers(scenario, day, &portals) },
                OutputFile { name: "contacts.csv", bytes: export::launch::contacts(scenario, &portals) },
            ];
            let mut summary = export::launch::replication_summary(scenario, &portals);
            if let Some(center) = &day.contact_center {
                files.extend(contact_series(scenario, center, &contacts));
                let contact_summary = export::contact::replication_summary(scenario, &contacts);
                summary = long::by_replication("replications.csv", &[&summary, &contact_summary])?;
            }
            files.push(OutputFile { name: "replications.csv", bytes: summary });
            files
        }
        Model::Contact(center) => {
            let results: Vec<ContactResult> =
                outcomes.into_iter().filter_map(|o| if let Outcome::Contact(r) = o { Some(r) } else { None }).collect();
            let mut files = contact_series(scenario, center, &results);
            files.push(OutputFile {
                name: "replications.csv",
                bytes: export::contact::replication_summary(scenario, &results),
            });
            files
        }
    };
    Ok(Tables { files, events, replications })
}

/// The time series of a contact center's channels.
fn contact_series(
    scenario: &Scenario,
    center: &crate::contact::ContactCenter,
    results: &[ContactResult],
) -> Vec<OutputFile> {
    let mut files = Vec::new();
    if center.phone.is_some() {
        files.push(OutputFile {
            name: "phone_intervals.csv",
            bytes: export::contact::phone_intervals(scenario, center, results),
        });
    }
    if center.social.is_some() {
        files.push(OutputFile {
            name: "social_intervals.csv",
            bytes: export::contact::social_intervals(scenario, center, results),
        });
    }
    files
}

/// Combines shards' tables of one scenario into the tables a run on one
/// machine writes.
pub fn merge_tables(parts: &[Tables]) -> Result<Tables, RunError> {
    let Some(first) = parts.first() else { return Ok(Tables::default()) };
    let mut files = Vec::with_capacity(first.files.len());
    for file in &first.files {
        let pieces: Vec<&[u8]> = parts.iter().filter_map(|p| p.get(file.name)).collect();
        files.push(OutputFile { name: file.name, bytes: long::by_replication(file.name, &pieces)? });
    }
    Ok(Tables {
        files,
        events: parts.iter().map(|p| p.events).sum(),
        replications: parts.iter().map(|p| p.replications).sum(),
    })
}

/// A finished scenario: its files, estimates and terminal summary.
#[derive(Debug, Clone)]
pub struct ScenarioOutput {
    /// Every file for `output/<scenario>/`, `run.json` last.
    pub files: Vec<OutputFile>,
    /// Means and 95% intervals of the summary metrics.
    pub estimates: Vec<Estimate>,
    /// The summary table for the terminal.
    pub summary: String,
    /// Where the stopping rule stood, for a run sized by precision.
    pub precision: Option<Assessment>,
}

/// Estimates and summary of a scenario from its complete tables.
pub fn finish_scenario(run: &ScenarioRun<'_>, tables: &Tables) -> Result<ScenarioOutput, RunError> {
    finish_sized(run, tables, None)
}

/// [`finish_scenario`] for a run sized by precision: `run.json` and the
/// report also say how many replications the rule took and why.
pub fn finish_sized(
    run: &ScenarioRun<'_>,
    tables: &Tables,
    precision: Option<&Assessment>,
) -> Result<ScenarioOutput, RunError> {
    let ScenarioRun { scenario, source, seed, replications } = *run;
    let estimates = long::estimates(tables.get("replications.csv").unwrap_or_default())?;
    let summary = report::terminal::scenario_table(&view(run, tables, &estimates));
    let mut files = tables.files.clone();
    files.push(OutputFile { name: "summary.csv", bytes: export::csv::estimates(scenario, &estimates) });
    let names: Vec<&'static str> = files.iter().map(|f| f.name).chain(["run.json"]).collect();
    let mut meta = export::json::metadata_for(scenario, source, replications, seed, tables.events, names);
    meta.precision = precision.map(export::json::PrecisionMetadata::of);
    files.push(OutputFile { name: "run.json", bytes: export::json::run_metadata(&meta) });
    Ok(ScenarioOutput { files, estimates, summary, precision: precision.cloned() })
}

/// Paired differences of every scenario after the first against the first.
pub fn compare(runs: &[ScenarioRun<'_>], tables: &[Tables]) -> Result<Vec<PairedDifference>, RunError> {
    let Some(baseline) = tables.first().and_then(|t| t.get("replications.csv")) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (run, t) in runs.iter().zip(tables).skip(1) {
        out.extend(long::paired_differences(
            &run.scenario.name,
            baseline,
            t.get("replications.csv").unwrap_or_default(),
        )?);
    }
    Ok(out)
}

/// What the terminal and the report show of each scenario: its tables,
/// estimates and, for a run sized by precision, how it stopped.
fn views<'a>(
    runs: &'a [ScenarioRun<'_>],
    tables: &'a [Tables],
    outputs: &'a [ScenarioOutput],
) -> Vec<ScenarioView<'a>> {
    runs.iter()
        .zip(tables)
        .zip(outputs)
        .map(|((run, t), out)| ScenarioView { precision: out.precision.as_ref(), ..view(run, t, &out.estimates) })
        .collect()
}

/// The table a run of several scenarios prints: the scenarios side by
/// side, with the paired differences from the first.
pub fn comparison_summary(
    runs: &[ScenarioRun<'_>],
    tables: &[Tables],
    outputs: &[ScenarioOutput],
    differences: &[PairedDifference],
) -> String {
    let views = views(runs, tables, outputs);
    report::terminal::comparison_table(&views, differences)
}

/// The run-level report: charts, the HTML report and the Markdown summary.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Every chart of the run, in both formats.
    pub figures: Vec<Figure>,
    /// `report.html`: self-contained, the charts inline as SVG.
    pub html: String,
    /// `report.md`: headline verdicts and paired differences.
    pub markdown: String,
}

/// The spans when a launch day's portal was closed by its interventions:
/// from each closure to the next reopening (or the end of the run).
fn closures(day: &crate::launch::LaunchDay, duration: Seconds) -> Vec<(Seconds, Seconds)> {
    use crate::launch::Action;
    let mut changes: Vec<(Seconds, bool)> = day
        .interventions
        .iter()
        .filter_map(|iv| match iv.action {
            Action::ClosePortal => Some((iv.at, false)),
            Action::OpenPortal => Some((iv.at, true)),
            _ => None,
        })
        .collect();
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut spans = Vec::new();
    let mut closed_since = None;
    for (at, open) in changes {
        match (open, closed_since) {
            (false, None) => closed_since = Some(at),
            (true, Some(from)) => {
                if at > from {
                    spans.push((from, at.min(duration)));
                }
                closed_since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = closed_since.filter(|from| *from < duration) {
        spans.push((from, duration));
    }
    spans
}

/// The spans when a phone line is closed: outside its opening hours on
/// working days, and all of every other day.
fn phone_closed(
    center: &crate::contact::ContactCenter,
    line: &crate::contact::PhoneChannel,
    duration: Seconds,
) -> Vec<(Seconds, Seconds)> {
    const DAY: Seconds = 86_400.0;
    let Some((from, to)) = line.open_hours else { return Vec::new() };
    let mut spans: Vec<(Seconds, Seconds)> = Vec::new();
    let mut push = |a: Seconds, b: Seconds| {
        let (a, b) = (a.max(0.0), b.min(duration));
        if b > a {
            match spans.last_mut() {
                Some(last) if (last.1 - a).abs() < 1e-9 => last.1 = b,
                _ => spans.push((a, b)),
            }
        }
    };
    let days = (duration / DAY).ceil() as i64;
    for day in 0..days {
        let start = day as f64 * DAY;
        if center.calendar.is_working_day(day) {
            push(start, start + from);
            push(start + to, start + DAY);
        } else {
            push(start, start + DAY);
        }
    }
    spans
}

/// What the report sees of one finished scenario.
pub fn view<'a>(run: &ScenarioRun<'a>, tables: &'a Tables, estimates: &'a [Estimate]) -> ScenarioView<'a> {
    let scenario = run.scenario;
    let duration = scenario.run().duration;
    let (kind, interventions, closed, waiting_room, center) = match &scenario.model {
        Model::Network(_) => (ModelKind::Network, Vec::new(), Vec::new(), false, None),
        Model::LaunchDay(day) => (
            ModelKind::LaunchDay,
            day.interventions.iter().map(|iv| (iv.at, iv.label.clone())).collect(),
            closures(day, duration),
            day.waiting_room.is_some(),
            day.contact_center.as_ref(),
        ),
        Model::Contact(center) => (ModelKind::Contact, Vec::new(), Vec::new(), false, Some(center.as_ref())),
    };
    let phone = center.and_then(|c| {
        let line = c.phone.as_ref()?;
        Some(report::PhoneView {
            handle_time: line.handle_time.mean(),
            answer_target: line.answer_target,
            closed: phone_closed(c, line, duration),
        })
    });
    ScenarioView {
        name: &scenario.name,
        description: &scenario.description,
        start_date: scenario.start_date,
        kind,
        duration: scenario.run().duration,
        interventions,
        closed,
        waiting_room,
        phone,
        tables: tables.files.iter().map(|f| (f.name, f.bytes.as_slice())).collect(),
        estimates,
        replications: tables.replications,
        precision: None,
        seed: run.seed,
        practical: &scenario.practical,
    }
}

/// Charts, HTML report and Markdown summary of a finished run, from the
/// scenarios' tables and estimates and the paired differences.
pub fn report(
    runs: &[ScenarioRun<'_>],
    tables: &[Tables],
    outputs: &[ScenarioOutput],
    differences: &[PairedDifference],
) -> Result<RunReport, RunError> {
    let views = views(runs, tables, outputs);
    let figures = report::figures(&views)?;
    let html = report::report_html(&views, differences, &figures);
    let markdown = report::markdown_summary(&views, differences);
    Ok(RunReport { figures, html, markdown })
}

/// Replication 0 of one scenario under an event budget, from the validated
/// scenario to its finished files (the per-replication tables, then
/// `summary.csv`, `run.json` and the terminal table as [`finish_scenario`]
/// renders them). This is what a caller that takes scenarios from anyone
/// runs (the fuzz target, the property tests, an interactive page): a
/// scenario that would take hours ends in an error within `max_events`
/// events instead of holding the process.
///
/// A launch day and its contact center share the one budget. A replication
/// that needs more events returns the model's `EventBudget` error
/// ([`RunError::is_event_budget`]), never tables of the part that ran.
pub fn run_budgeted(scenario: &Scenario, source: &str, seed: u64, max_events: u64) -> Result<ScenarioOutput, RunError> {
    run_budgeted_with_progress(scenario, source, seed, max_events, &|_| {})
}

/// [`run_budgeted`], calling `on_interval` with the clock at each interval
/// end of a launch day (see [`crate::launch::simulate_with_progress`]), for
/// a page's progress bar. The output is exactly the one `run_budgeted`
/// returns.
pub fn run_budgeted_with_progress(
    scenario: &Scenario,
    source: &str,
    seed: u64,
    max_events: u64,
    on_interval: &dyn Fn(Seconds),
) -> Result<ScenarioOutput, RunError> {
    let streams = RngStreams::new(seed, 0);
    let outcome = match &scenario.model {
        Model::Network(net) => Outcome::Network(crate::network::simulate_with_budget(net, &streams, max_events)?),
        Model::LaunchDay(day) => {
            let portal = crate::launch::simulate_with_progress(day, &streams, max_events, on_interval)?;
            let contacts = match &day.contact_center {
                Some(center) => Some(
                    crate::contact::simulate_with_budget(
                        center,
                        Some(&portal.contact_demand()),
                        &streams,
                        max_events - portal.events,
                    )
                    // The stop reports the budget of the whole replication,
                    // not the contact center's share of it.
                    .map_err(|e| match e {
                        crate::contact::ContactError::EventBudget { replication, .. } => {
                            crate::contact::ContactError::EventBudget { replication, events: max_events }
                        }
                        e => e,
                    })?,
                ),
                None => None,
            };
            Outcome::Launch(Box::new(portal), contacts)
        }
        Model::Contact(center) => {
            Outcome::Contact(crate::contact::simulate_with_budget(center, None, &streams, max_events)?)
        }
    };
    let tables = render_tables(scenario, vec![outcome])?;
    finish_scenario(&ScenarioRun { scenario, source, seed, replications: 1 }, &tables)
}

impl RunError {
    /// Whether a replication stopped at its event budget
    /// ([`run_budgeted`]) rather than failing: the scenario is valid, only
    /// too long for the budget.
    pub fn is_event_budget(&self) -> bool {
        matches!(
            self,
            RunError::Network(SimError::EventBudget { .. })
                | RunError::LaunchDay(crate::launch::LaunchError::EventBudget { .. })
                | RunError::Contact(crate::contact::ContactError::EventBudget { .. })
        )
    }
}
