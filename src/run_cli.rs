//! `clickday run` and `clickday merge`: loading scenarios, running them
//! (whole, or one shard), writing output folders, and merging shards.

use crate::bad_input::{bad, one_line, shown};
use crate::cli::{MergeArgs, RunArgs, SweepArgs};
use crate::files;
use crate::run_folder::{Staging, sha256_hex};
use crate::shard;
use anyhow::{Context, Result};
use clickday::experiment::Estimate;
use clickday::pipeline::{self, ScenarioRun, Tables};
use clickday::precision::{self, Assessment, Precision};
use clickday::report;
use clickday::scenario::{
    Model, Scenario, check_folder_name, parse_scenario, parse_scenario_with_includes, parse_variant,
};
use clickday::sweep::{self, SetOption, Target};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// The scenario `clickday run` uses when given none, built into the binary
/// so that the command works from any folder.
pub const DEFAULT_SCENARIO: (&str, &str) =
    ("scenarios/inps-2020-04-01.toml", include_str!("../scenarios/inps-2020-04-01.toml"));

/// Largest file a scenario may include (a staffing plan, a base scenario).
const MAX_INCLUDE_BYTES: u64 = 64 * 1024 * 1024;

/// A scenario as loaded: where it came from, its text, and the result.
pub struct Loaded {
    pub source: String,
    pub text: String,
    pub scenario: Scenario,
}

/// Reads the files a scenario refers to, by paths relative to the
/// scenario's own folder, so a scenario and its plan travel together.
pub fn include_resolver(scenario: &Path) -> impl Fn(&str) -> Result<String, String> {
    let dir = scenario.parent().map(Path::to_path_buf).unwrap_or_default();
    move |name| files::read_text(&dir.join(name), MAX_INCLUDE_BYTES, "file").map_err(|e| e.to_string())
}

/// Loads one scenario by its source: a path, or `bundled:<path>`.
fn load_one(source: &str) -> Result<Loaded> {
    if let Some(name) = source.strip_prefix("bundled:") {
        let (bundled, text) = DEFAULT_SCENARIO;
        if name != bundled {
            return Err(bad(format!("no bundled scenario is called {name}")));
        }
        let scenario = parse_scenario(name, text)?;
        return Ok(Loaded { source: source.to_owned(), text: text.to_owned(), scenario });
    }
    let path = PathBuf::from(source);
    let text = files::read_scenario(&path)?;
    let scenario = parse_scenario_with_includes(source, &text, &include_resolver(&path))?;
    Ok(Loaded { source: source.to_owned(), text, scenario })
}

/// Loads the scenarios named on the command line (the bundled default
/// without any), refusing two with the same name.
pub fn load_scenarios(paths: &[PathBuf]) -> Result<Vec<Loaded>> {
    let sources: Vec<String> = if paths.is_empty() {
        vec![format!("bundled:{}", DEFAULT_SCENARIO.0)]
    } else {
        paths.iter().map(|p| p.display().to_string()).collect()
    };
    let mut out: Vec<Loaded> = Vec::with_capacity(sources.len());
    for source in &sources {
        let loaded = load_one(source)?;
        for warning in &loaded.scenario.warnings {
            eprintln!("warning: {warning}");
        }
        if out.iter().any(|l| l.scenario.name == loaded.scenario.name) {
            return Err(bad(format!(
                "two scenarios are both named \"{}\"; their output folders would collide",
                loaded.scenario.name
            )));
        }
        out.push(loaded);
    }
    Ok(out)
}

/// A rayon pool of `jobs` threads (one per core by default).
pub fn thread_pool(jobs: Option<u16>) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        builder = builder.num_threads(usize::from(n));
    }
    builder.build().context("could not start worker threads")
}

/// A progress bar on stderr when it is a terminal, hidden otherwise and
/// with `--quiet`; ticked once per finished replication.
fn progress(len: usize, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} replications, {elapsed} elapsed, ETA {eta}") {
        bar.set_style(style);
    }
    bar
}

/// The name of a run's own folder: the scenario's for one scenario, or
/// `<first>-comparison` for several (unless `--name` says otherwise).
fn run_name(name: Option<&str>, loaded: &[Loaded]) -> String {
    match (name, loaded) {
        (Some(n), _) => n.to_owned(),
        (None, [one]) => one.scenario.name.clone(),
        (None, [first, ..]) => format!("{}-comparison", first.scenario.name),
        (None, []) => "run".to_owned(),
    }
}

/// Parses `--shard i/n` (1-based).
pub fn parse_shard(text: &str) -> std::result::Result<(u32, u32), String> {
    let bad = || format!("expected a shard as i/n with 1 <= i <= n, e.g. 2/8; got \"{text}\"");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// The precision settings of `--precision` and `--max-replications`, with
/// `min` the replications a run starts from.
fn precision_of(target: Option<&str>, max: Option<u32>, min: u32) -> Result<Option<Precision>> {
    let Some(text) = target else { return Ok(None) };
    let target = precision::parse_target(text).map_err(bad)?;
    let max = max.unwrap_or(precision::DEFAULT_MAX.max(min));
    Precision::new(target, min, max).map(Some).map_err(|m| bad(format!("--precision: {m}")))
}

/// `clickday run`.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let mut loaded = load_scenarios(&args.scenarios)?;
    if let Some(factor) = args.scale {
        // A shard's merge reloads the scenarios from their text, unscaled.
        if args.shard.is_some() {
            return Err(bad("--scale cannot be combined with --shard"));
        }
        for l in &mut loaded {
            l.scenario = l.scenario.scaled(factor).map_err(|e| bad(format!("--scale: {e}")))?;
        }
    }
    // A run sized by precision starts every scenario from the same
    // minimum, so that a comparison's differences are paired throughout.
    let least = args.replications.unwrap_or_else(|| loaded.iter().map(|l| l.scenario.replications).max().unwrap_or(1));
    let precision = precision_of(args.precision.as_deref(), args.max_replications, least)?;
    let runs: Vec<ScenarioRun<'_>> = loaded
        .iter()
        .map(|l| ScenarioRun {
            scenario: &l.scenario,
            source: &l.source,
            seed: args.seed.unwrap_or(l.scenario.seed),
            replications: match precision {
                Some(p) => p.max,
                None => args.replications.unwrap_or(l.scenario.replications),
            },
        })
        .collect();
    let name = run_name(args.name.as_deref(), &loaded);
    check_folder_name(&name).map_err(|m| bad(format!("--name: {m}")))?;
    let shard = args.shard.as_deref().map(parse_shard).transpose().map_err(bad)?;
    let pairs = pipeline::plan(&runs, shard.map(|(i, n)| (i - 1, n)));
    pipeline::check_plan(&runs, &pairs).map_err(|e| match precision {
        Some(p) => bad(format!("--max-replications {}: {e}", p.max)),
        None => bad(format!("-r {}: {e}", runs[0].replications)),
    })?;
    let folder = match shard {
        Some(spec) => shard::folder_name(&name, spec),
        None => name.clone(),
    };
    // The output folder is checked before anything is simulated.
    let staging = Staging::prepare(&args.out, &folder)?;
    if let (Some(p), None) = (precision, shard) {
        return run_sized(args, staging, &runs, p);
    }
    let (tables, events, interrupted) = simulate(&runs, &pairs, args.jobs, args.quiet)?;
    if let Some(spec) = shard {
        if interrupted {
            println!(
                "interrupted: shard {} of {} did not finish; nothing written ({} is unchanged); run the shard again",
                spec.0,
                spec.1,
                shown(&staging.target())
            );
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
        let texts: Vec<&str> = loaded.iter().map(|l| l.text.as_str()).collect();
        let sized = precision.map(|p| {
            let settings = shard::ShardPrecision { target: p.target, min_replications: p.min, max_replications: p.max };
            let mut per_scenario: Vec<Vec<u64>> = vec![Vec::new(); runs.len()];
            for ((s, _), e) in pairs.iter().zip(&events) {
                per_scenario[*s].push(*e);
            }
            (settings, per_scenario)
        });
        let sized = sized.as_ref().map(|(p, e)| (*p, e.as_slice()));
        return write_shard(staging, &name, spec, &runs, &texts, &tables, sized);
    }
    if !interrupted {
        return finish(staging, &runs, &tables, !args.no_report, &[]);
    }
    write_interrupted(staging, &runs, tables, !args.no_report)
}

/// Writes the replications an interrupted run finished (the first of
/// each scenario) as a run of that many would have.
fn write_interrupted(
    staging: Staging,
    runs: &[ScenarioRun<'_>],
    tables: Vec<Tables>,
    report: bool,
) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if tables.iter().any(|t| t.replications == 0) {
        writeln!(
            stdout,
            "interrupted before every scenario had a finished replication; nothing written ({} is unchanged)",
            shown(&staging.target())
        )?;
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    for (run, t) in runs.iter().zip(&tables) {
        writeln!(
            stdout,
            "{}: interrupted after {} of {} replications; writing replications 0 to {}, as -r {} would",
            run.scenario.name,
            t.replications,
            run.replications,
            t.replications - 1,
            t.replications
        )?;
    }
    drop(stdout);
    let done: Vec<ScenarioRun<'_>> =
        runs.iter().zip(&tables).map(|(run, t)| ScenarioRun { replications: t.replications, ..*run }).collect();
    finish(staging, &done, &tables, report, &[])?;
    Ok(ExitCode::from(EXIT_INTERRUPTED))
}

/// `clickday run --precision` on one machine: rounds of replications until
/// every scenario's headline verdicts are within the target (or the
/// maximum), then the run's folder as a plain run of that many writes it,
/// with how many it took and why.
fn run_sized(args: &RunArgs, staging: Staging, runs: &[ScenarioRun<'_>], p: Precision) -> Result<ExitCode> {
    let pool = thread_pool(args.jobs)?;
    let bar = progress(0, args.quiet);
    let cancel = interrupt_flag();
    let sized = pool
        .install(|| pipeline::run_to_precision(runs, p, true, &|n| bar.inc_length(n as u64), &|| bar.inc(1), cancel))?;
    bar.finish_and_clear();
    if sized.interrupted {
        // Said as "after k of <the maximum>", written as a plain run of k.
        return write_interrupted(staging, runs, sized.tables, !args.no_report);
    }
    let done: Vec<ScenarioRun<'_>> =
        runs.iter().zip(&sized.tables).map(|(run, t)| ScenarioRun { replications: t.replications, ..*run }).collect();
    finish(staging, &done, &sized.tables, !args.no_report, &sized.assessments)
}

/// Simulates `pairs` on `jobs` threads with a progress bar; stops starting
/// pairs at Ctrl-C. Returns the tables of the finished pairs, the events
/// of each, and whether the run was interrupted.
fn simulate(
    runs: &[ScenarioRun<'_>],
    pairs: &[(usize, u64)],
    jobs: Option<u16>,
    quiet: bool,
) -> Result<(Vec<Tables>, Vec<u64>, bool)> {
    let pool = thread_pool(jobs)?;
    let bar = progress(pairs.len(), quiet);
    let cancel = interrupt_flag();
    let (tables, events) = pool.install(|| pipeline::run_tables_counted(runs, pairs, &|| bar.inc(1), cancel))?;
    bar.finish_and_clear();
    Ok((tables, events, cancel.load(Ordering::Relaxed)))
}

/// Exit status after Ctrl-C, as shells report a process ended by SIGINT.
const EXIT_INTERRUPTED: u8 = 130;

/// A flag set by Ctrl-C: the run stops starting replications and keeps the
/// finished ones. A second Ctrl-C ends the process at once.
fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if FLAG.swap(true, Ordering::SeqCst) {
                std::process::exit(i32::from(EXIT_INTERRUPTED));
            }
            eprintln!("\ninterrupted: finishing the replications under way, then writing those done (Ctrl-C again to quit now)");
        });
    });
    &FLAG
}

/// Writes the run's folder (each scenario's tables and summary, the
/// comparison, the charts and the report), swaps it in, and prints the
/// summaries and what was written. One scenario's files sit in the run's
/// folder itself; several scenarios each have a sub-folder. `sized`: for a
/// run sized by precision, each scenario's last check of the rule.
fn finish(
    mut staging: Staging,
    runs: &[ScenarioRun<'_>],
    tables: &[Tables],
    report: bool,
    sized: &[Option<Assessment>],
) -> Result<ExitCode> {
    let mut outputs = Vec::with_capacity(runs.len());
    let nested = runs.len() > 1;
    let mut written = Vec::with_capacity(runs.len());
    for (k, (run, t)) in runs.iter().zip(tables).enumerate() {
        let output = pipeline::finish_sized(run, t, sized.get(k).and_then(Option::as_ref))
            .with_context(|| format!("scenario {}", run.scenario.name))?;
        let prefix = if nested { format!("{}/", run.scenario.name) } else { String::new() };
        for file in &output.files {
            staging.write(&format!("{prefix}{}", file.name), &file.bytes)?;
        }
        let names: Vec<&str> = output.files.iter().map(|f| f.name).collect();
        written.push((prefix, names.join(", ")));
        outputs.push(output);
    }
    let differences = pipeline::compare(runs, tables)?;
    if nested {
        let baseline = &runs[0].scenario.name;
        staging.write("comparison.csv", &clickday::export::csv::differences(baseline, &differences))?;
    }
    let report = if report {
        let report = pipeline::report(runs, tables, &outputs, &differences).context("drawing the report")?;
        write_figures(&mut staging, &report.figures)?;
        staging.write("report.html", report.html.as_bytes())?;
        staging.write("report.md", report.markdown.as_bytes())?;
        Some(report)
    } else {
        None
    };
    let dir = staging.commit()?;
    let mut stdout = std::io::stdout().lock();
    if nested {
        writeln!(stdout, "{}", pipeline::comparison_summary(runs, tables, &outputs, &differences))?;
    } else {
        for output in &outputs {
            writeln!(stdout, "{}", output.summary)?;
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for (run, output) in runs.iter().zip(&outputs) {
        if let Some(a) = &output.precision {
            lines.push(format!("{}: {}", run.scenario.name, a.summary()));
            lines.extend(a.exclusions().map(|e| format!("{}: {e}", run.scenario.name)));
        }
    }
    lines.extend(written.iter().map(|(prefix, names)| format!("wrote {}/{prefix} ({names})", shown(&dir))));
    if nested {
        lines.push(format!("paired differences against {}: {}/comparison.csv", runs[0].scenario.name, shown(&dir)));
    }
    if let Some(report) = report {
        lines.push(format!(
            "report: {}/report.html and report.md; {} in {}/{PLOTS}/ (PNG and SVG)",
            shown(&dir),
            plural(report.figures.len(), "chart"),
            shown(&dir)
        ));
    }
    for line in lines {
        print_wrapped(&mut stdout, &line)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints `text` in lines that fit the terminal table's width, later
/// lines indented.
fn print_wrapped(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    for (i, line) in report::terminal::wrap(text, report::terminal::WIDTH - 2).iter().enumerate() {
        writeln!(out, "{}{line}", if i == 0 { "" } else { "  " })?;
    }
    Ok(())
}

/// "1 chart", "3 charts".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The run folder's sub-folder of charts.
const PLOTS: &str = "plots";

/// Writes shard `(i, n)`'s tables and its description, `shard.json`.
fn write_shard(
    mut staging: Staging,
    name: &str,
    (i, n): (u32, u32),
    runs: &[ScenarioRun<'_>],
    texts: &[&str],
    tables: &[Tables],
    precision: Option<(shard::ShardPrecision, &[Vec<u64>])>,
) -> Result<ExitCode> {
    for (run, t) in runs.iter().zip(tables) {
        for file in &t.files {
            staging.write(&format!("{}/{}", run.scenario.name, file.name), &file.bytes)?;
        }
    }
    let sized = precision.map(|(p, _)| p);
    let manifest = shard::manifest(name, (i, n), runs, texts, tables, precision);
    let mut json = serde_json::to_vec_pretty(&manifest).context("cannot describe the shard")?;
    json.push(b'\n');
    staging.write(shard::SHARD_FILE, &json)?;
    let dir = staging.commit()?;
    let parent = dir.parent().map(shown).unwrap_or_default();
    println!(
        "wrote shard {i} of {n} to {}/; when every shard is done: clickday merge {parent}/{} --out {parent}",
        shown(&dir),
        shard::folder_name(name, (0, n)).replace("-shard-0-", "-shard-*-")
    );
    if let Some(p) = sized {
        println!(
            "sized by precision: every shard runs its part of replications 0 to {}; the merge keeps the first n, \
             where one machine would stop (the first checkpoint from {} on, every {} more, where every headline \
             verdict is within ±{}% of its mean)",
            p.max_replications - 1,
            p.min_replications,
            precision::BATCH,
            p.target * 100.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `clickday merge`: combines shards into exactly the output of a run on
/// one machine, after checking that they are the complete, unedited
/// shards of one run.
pub fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let shards = shard::read_shards(&args.shards)?;
    let first = shards[0].manifest.clone();
    // The scenarios are read again, and must be the ones the shards ran.
    let mut loaded = Vec::with_capacity(first.scenarios.len());
    for s in &first.scenarios {
        let l = load_one(&s.source)?;
        if sha256_hex(l.text.as_bytes()) != s.text_sha256 {
            return Err(bad(format!(
                "{} has changed since the shards ran; merge with the scenario files the shards used",
                one_line(&s.source)
            )));
        }
        loaded.push(l);
    }
    let runs: Vec<ScenarioRun<'_>> = loaded
        .iter()
        .zip(&first.scenarios)
        .map(|(l, s)| ScenarioRun {
            scenario: &l.scenario,
            source: &l.source,
            seed: s.seed,
            replications: s.replications,
        })
        .collect();
    let staging = Staging::prepare(&args.out, &first.run)?;
    let mut merged = Vec::with_capacity(runs.len());
    for k in 0..runs.len() {
        let parts = shard::read_tables(&shards, &runs, k)?;
        merged.push(pipeline::merge_tables(&parts)?);
    }
    let Some(settings) = first.precision else { return finish(staging, &runs, &merged, !args.no_report, &[]) };
    // A run sized by precision: the shards ran replications 0..max; the
    // rule, applied to them at the checkpoints one machine uses, keeps the
    // first n, where one machine would have stopped.
    let p = settings.settings()?;
    let events: Vec<std::collections::HashMap<u64, u64>> =
        (0..runs.len()).map(|k| shard::replication_events(&shards, &runs, k)).collect::<Result<_>>()?;
    let sized = pipeline::size_by_precision(&runs, p, true, &|_| {}, &mut |pairs| {
        let parts = merged
            .iter()
            .enumerate()
            .map(|(s, union)| {
                let wanted: Vec<u64> = pairs.iter().filter(|(k, _)| *k == s).map(|(_, r)| *r).collect();
                let spent = wanted.iter().map(|r| events[s].get(r).copied().unwrap_or(0)).sum();
                pipeline::select_replications(union, &|r| wanted.contains(&r), spent)
            })
            .collect::<std::result::Result<_, _>>()?;
        Ok((parts, false))
    })?;
    let done: Vec<ScenarioRun<'_>> =
        runs.iter().zip(&sized.tables).map(|(run, t)| ScenarioRun { replications: t.replications, ..*run }).collect();
    finish(staging, &done, &sized.tables, !args.no_report, &sized.assessments)
}

/// `clickday sweep`.
pub fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    let sets: Vec<SetOption> =
        args.sets.iter().map(|s| sweep::parse_set(s)).collect::<std::result::Result<_, _>>().map_err(bad)?;
    let target = args.target.as_deref().map(sweep::parse_target).transpose().map_err(bad)?;
    let named: Vec<(String, sweep::Cheap)> = args
        .minimize
        .iter()
        .map(|p| (p.clone(), sweep::Cheap::Smaller))
        .chain(args.maximize.iter().map(|p| (p.clone(), sweep::Cheap::Larger)))
        .collect();
    let preference = sweep::preference(&sets, &named).map_err(bad)?;
    if target.is_none() && !named.is_empty() {
        return Err(bad("--minimize and --maximize choose among the variants that meet a --target; give one"));
    }
    let variants = sweep::grid(&sets);
    if variants.len() > MAX_VARIANTS {
        return Err(bad(format!("the grid has {} variants; at most {MAX_VARIANTS} are run at once", variants.len())));
    }
    let source = args.scenario.display().to_string();
    let text = files::read_scenario(&args.scenario)?;
    let resolver = include_resolver(&args.scenario);
    let scenarios: Vec<Scenario> = variants
        .iter()
        .map(|v| parse_variant(&source, &text, &resolver, &v.overrides))
        .collect::<std::result::Result<_, _>>()?;
    let base = &scenarios[0];
    let least = args.replications.unwrap_or(base.replications);
    let precision = precision_of(args.precision.as_deref(), args.max_replications, least)?;
    let runs: Vec<ScenarioRun<'_>> = scenarios
        .iter()
        .map(|s| ScenarioRun {
            scenario: s,
            source: &source,
            seed: args.seed.unwrap_or(base.seed),
            replications: precision.map_or(least, |p| p.max),
        })
        .collect();
    let pairs = pipeline::plan(&runs, None);
    pipeline::check_plan(&runs, &pairs).map_err(|e| match precision {
        Some(p) => bad(format!("{} variants × --max-replications {}: {e}", variants.len(), p.max)),
        None => bad(format!("{} variants × -r {}: {e}", variants.len(), runs[0].replications)),
    })?;
    let mut staging = Staging::prepare(&args.out, &format!("{}-sweep", base.name))?;
    // Sized by precision, each variant stops on its own.
    let (tables, sized, interrupted) = match precision {
        None => {
            let (tables, _, interrupted) = simulate(&runs, &pairs, args.jobs, args.quiet)?;
            (tables, Vec::new(), interrupted)
        }
        Some(p) => {
            let pool = thread_pool(args.jobs)?;
            let bar = progress(0, args.quiet);
            let cancel = interrupt_flag();
            let run = pool.install(|| {
                pipeline::run_to_precision(&runs, p, false, &|n| bar.inc_length(n as u64), &|| bar.inc(1), cancel)
            })?;
            bar.finish_and_clear();
            (run.tables, run.assessments, run.interrupted)
        }
    };
    if interrupted {
        eprintln!(
            "interrupted: the sweep was stopped before every variant finished; nothing written ({} is unchanged)",
            shown(&staging.target())
        );
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    let summaries: Vec<&[u8]> = tables.iter().map(|t| t.get("replications.csv").unwrap_or_default()).collect();
    let estimates: Vec<Vec<Estimate>> =
        summaries.iter().map(|s| clickday::export::long::estimates(s)).collect::<std::result::Result<_, _>>()?;
    staging.write("sweep.csv", &sweep::long_csv(&base.name, &sets, &variants, &summaries)?)?;
    staging.write("sweep_summary.csv", &sweep::summary_csv(&base.name, &sets, &variants, &estimates))?;
    let assessments: Vec<&Assessment> = sized.iter().flatten().collect();
    if precision.is_some() {
        staging.write("sweep_precision.csv", &sweep::precision_csv(&base.name, &sets, &variants, &assessments))?;
    }
    let metrics: Vec<Target> = match &target {
        Some(t) => vec![t.clone()],
        None => headline_metrics(base),
    };
    let charts = if args.no_report {
        0
    } else {
        write_sweep_charts(&mut staging, &base.name, &sets, &variants, &estimates, &metrics)?
    };
    let dir = staging.commit()?;
    let mut stdout = std::io::stdout().lock();
    match precision {
        None => writeln!(
            stdout,
            "{} — {} variants × {} replications, 95% confidence intervals",
            base.name,
            variants.len(),
            runs[0].replications
        )?,
        Some(p) => print_wrapped(
            &mut stdout,
            &format!(
                "{} — {} variants, each sized by precision: replications until every headline verdict is within {} \
                 of its mean (from {} to {}), 95% confidence intervals",
                base.name,
                variants.len(),
                p.target_text(),
                p.min,
                p.max
            ),
        )?,
    }
    for (k, v) in variants.iter().enumerate() {
        let cells: Vec<String> = metrics
            .iter()
            .map(|t| {
                let cell = t
                    .find(&estimates[k])
                    .map_or("-".into(), |e| clickday::verdict::estimate_text(e, base.start_date, base.run().duration));
                format!("{}: {cell}", t.metric)
            })
            .collect();
        let took = match assessments.get(k) {
            Some(a) if a.met() => format!("  ({} replications)", a.replications),
            Some(a) => format!(
                "  ({} replications, the maximum: {} still wide)",
                a.replications,
                a.wide().map(|v| v.label.as_str()).collect::<Vec<_>>().join(", ")
            ),
            None => String::new(),
        };
        writeln!(stdout, "  [{k}] {}  →  {}{took}", v.label, cells.join("; "))?;
    }
    if let Some(t) = &target {
        match sweep::cheapest(&variants, &estimates, t, &preference) {
            Some(k) => print_wrapped(
                &mut stdout,
                &format!(
                    "cheapest variant meeting {t} ({}): [{k}] {}",
                    sweep::preference_text(&sets, &preference),
                    variants[k].label
                ),
            )?,
            None => writeln!(stdout, "no variant meets {t}")?,
        }
    }
    let written = if precision.is_some() {
        "sweep.csv, sweep_summary.csv, sweep_precision.csv"
    } else {
        "sweep.csv, sweep_summary.csv"
    };
    print_wrapped(&mut stdout, &format!("wrote {}/ ({written})", shown(&dir)))?;
    if charts > 0 {
        print_wrapped(
            &mut stdout,
            &format!("{} in {}/{PLOTS}/ (PNG and SVG)", plural(charts, "sweep chart"), shown(&dir)),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One chart per shown metric against the first swept key, into
/// `plots/sweep-<metric>.png` and `.svg`; returns how many were drawn. A
/// metric whose values are not numbers for any variant is skipped.
fn write_sweep_charts(
    staging: &mut Staging,
    scenario: &str,
    sets: &[SetOption],
    variants: &[sweep::Variant],
    estimates: &[Vec<Estimate>],
    shown: &[Target],
) -> Result<usize> {
    let mut figures = Vec::new();
    for metric in shown {
        let series = sweep::chart_series(sets, variants, estimates, metric);
        let scope = metric.scope.as_deref().map_or(String::new(), |s| format!("{s}: "));
        let title = format!("{scope}{} against {} — {scenario}", metric.metric, sets[0].path);
        let y_label = format!("{scope}{} (mean, 95% CI)", metric.metric);
        match report::sweep_figure(&title, &sweep::axis_label(&sets[0]), &y_label, &series) {
            Ok(mut figure) => {
                figure.stem = format!("sweep-{}", metric.metric);
                figures.push(figure);
            }
            Err(report::ReportError::EmptySweep { .. }) => {
                eprintln!("no sweep chart of {}: no variant has a numeric value of it", metric.metric);
            }
            Err(e) => return Err(e.into()),
        }
    }
    write_figures(staging, &figures)?;
    Ok(figures.len())
}

/// Writes each figure as `plots/<stem>.png` and `plots/<stem>.svg`.
fn write_figures(staging: &mut Staging, figures: &[report::Figure]) -> Result<()> {
    for f in figures {
        staging.write(&format!("{PLOTS}/{}.png", f.stem), &f.png)?;
        staging.write(&format!("{PLOTS}/{}.svg", f.stem), f.svg.as_bytes())?;
    }
    Ok(())
}

/// Most variants one sweep runs.
const MAX_VARIANTS: usize = 10_000;

/// The metrics a sweep prints when no target is given.
fn headline_metrics(scenario: &Scenario) -> Vec<Target> {
    let metric = |scope: &str, name: &str| Target {
        scope: Some(scope.to_owned()),
        metric: name.to_owned(),
        op: sweep::Op::AtLeast,
        value: 0.0,
    };
    match &scenario.model {
        Model::LaunchDay(_) => vec![
            metric("portal", "applications"),
            metric("portal", "availability"),
            metric("portal", "minutes_availability_below_50pct"),
        ],
        Model::Network(_) => vec![metric("network", "sojourn_mean_s"), metric("network", "throughput_per_s")],
        Model::Contact(_) => vec![metric("phone", "service_level"), metric("social", "backlog_peak")],
        _ => Vec::new(),
    }
}
