//! `clickday run` and `clickday merge`: loading scenarios, running them
//! (whole, or one shard), writing output folders, and merging shards.

use crate::cli::{MergeArgs, RunArgs, SweepArgs};
use crate::files;
use anyhow::{Context, Result, bail};
use clickday::experiment::Estimate;
use clickday::pipeline::{self, OutputFile, ScenarioRun, Tables};
use clickday::report;
use clickday::scenario::{Model, Scenario, parse_scenario, parse_scenario_with_includes, parse_variant};
use clickday::sweep::{self, SetOption, Target};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
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
    move |name| {
        let path = dir.join(name);
        let shown = path.display();
        let meta = std::fs::metadata(&path).map_err(|e| format!("{shown}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{shown} is not a file"));
        }
        if meta.len() > MAX_INCLUDE_BYTES {
            return Err(format!("{shown} is {} bytes; at most {MAX_INCLUDE_BYTES} are read", meta.len()));
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{shown}: {e}"))?;
        String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text"))
    }
}

/// Loads one scenario by its source: a path, or `bundled:<path>`.
fn load_one(source: &str) -> Result<Loaded> {
    if let Some(name) = source.strip_prefix("bundled:") {
        let (bundled, text) = DEFAULT_SCENARIO;
        if name != bundled {
            bail!("no bundled scenario is called {name}");
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
        if out.iter().any(|l| l.scenario.name == loaded.scenario.name) {
            bail!("two scenarios are both named \"{}\"; their output folders would collide", loaded.scenario.name);
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

/// A shard's description, written beside its tables as `shard.json`; merge
/// checks that every part comes from the same run.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct ShardManifest {
    clickday_version: String,
    run: String,
    run_id: String,
    shard: u32,
    shards: u32,
    scenarios: Vec<ShardScenario>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct ShardScenario {
    name: String,
    source: String,
    text_hash: String,
    seed: u64,
    replications: u32,
    replications_done: u32,
    events: u64,
    tables: Vec<String>,
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// What identifies a run: version, scenarios (by text), seeds,
/// replications and the number of shards.
fn run_id(runs: &[ScenarioRun<'_>], texts: &[&str], shards: u32) -> String {
    let mut key = format!("{}|{shards}", env!("CARGO_PKG_VERSION"));
    for (run, text) in runs.iter().zip(texts) {
        key.push_str(&format!(
            "|{}|{:016x}|{}|{}",
            run.scenario.name,
            fnv(text.as_bytes()),
            run.seed,
            run.replications
        ));
    }
    format!("{:016x}", fnv(key.as_bytes()))
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

/// `clickday run`.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let loaded = load_scenarios(&args.scenarios)?;
    let runs: Vec<ScenarioRun<'_>> = loaded
        .iter()
        .map(|l| ScenarioRun {
            scenario: &l.scenario,
            source: &l.source,
            seed: args.seed.unwrap_or(l.scenario.seed),
            replications: args.replications.unwrap_or(l.scenario.replications),
        })
        .collect();
    let name = run_name(args.name.as_deref(), &loaded);
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        bail!("--name must be letters, digits, '-', '_' or '.' (it names a folder); got \"{name}\"");
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose().map_err(BadOption)?;
    let pairs = pipeline::plan(&runs, shard.map(|(i, n)| (i - 1, n)));
    let (tables, interrupted) = simulate(&runs, &pairs, args.jobs, args.quiet)?;
    if interrupted {
        return finish_interrupted(&args.out, &runs, &tables);
    }
    if let Some((i, n)) = shard {
        let texts: Vec<&str> = loaded.iter().map(|l| l.text.as_str()).collect();
        return write_shard(&args.out, &name, (i, n), &runs, &texts, &tables);
    }
    finish(&args.out, &name, &runs, &tables, !args.no_report)
}

/// Simulates `pairs` on `jobs` threads with a progress bar; stops starting
/// pairs at Ctrl-C. Returns the tables of the finished pairs and whether
/// the run was interrupted.
fn simulate(
    runs: &[ScenarioRun<'_>],
    pairs: &[(usize, u64)],
    jobs: Option<u16>,
    quiet: bool,
) -> Result<(Vec<Tables>, bool)> {
    let pool = thread_pool(jobs)?;
    let bar = progress(pairs.len(), quiet);
    let cancel = interrupt_flag();
    let tables = pool.install(|| pipeline::run_tables(runs, pairs, &|| bar.inc(1), cancel))?;
    bar.finish_and_clear();
    Ok((tables, cancel.load(Ordering::Relaxed)))
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

/// After Ctrl-C: writes each scenario's finished replications, as a run of
/// that many would, and says so.
fn finish_interrupted(out: &Path, runs: &[ScenarioRun<'_>], tables: &[Tables]) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    for (run, t) in runs.iter().zip(tables) {
        if t.replications == 0 {
            writeln!(stdout, "{}: no replication finished; nothing written", run.scenario.name)?;
            continue;
        }
        let done = ScenarioRun { replications: t.replications, ..*run };
        let output = pipeline::finish_scenario(&done, t)?;
        let dir = out.join(&run.scenario.name);
        files::write_all(&dir, &output.files)?;
        writeln!(
            stdout,
            "{}: interrupted after {} of {} replications; wrote those to {}/",
            run.scenario.name,
            t.replications,
            run.replications,
            dir.display()
        )?;
    }
    Ok(ExitCode::from(EXIT_INTERRUPTED))
}

/// Writes every scenario's folder, the run's comparison and its report,
/// and prints the summaries.
fn finish(out: &Path, name: &str, runs: &[ScenarioRun<'_>], tables: &[Tables], report: bool) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let mut outputs = Vec::with_capacity(runs.len());
    for (run, t) in runs.iter().zip(tables) {
        let output = pipeline::finish_scenario(run, t).with_context(|| format!("scenario {}", run.scenario.name))?;
        let dir = out.join(&run.scenario.name);
        files::write_all(&dir, &output.files)?;
        let names: Vec<&str> = output.files.iter().map(|f| f.name).collect();
        writeln!(stdout, "{}", output.summary)?;
        writeln!(stdout, "wrote {}/ ({})\n", dir.display(), names.join(", "))?;
        outputs.push(output);
    }
    let dir = out.join(name);
    let differences = pipeline::compare(runs, tables)?;
    if runs.len() > 1 {
        let baseline = &runs[0].scenario.name;
        let files =
            [OutputFile { name: "comparison.csv", bytes: clickday::export::csv::differences(baseline, &differences) }];
        files::write_all(&dir, &files)?;
        writeln!(stdout, "paired differences against {baseline}: wrote {}/comparison.csv", dir.display())?;
    }
    if report {
        let report = pipeline::report(runs, tables, &outputs, &differences).context("drawing the report")?;
        write_report(&dir, &report)?;
        writeln!(
            stdout,
            "report: {}/report.html and report.md; {} in {}/ (PNG and SVG)",
            dir.display(),
            plural(report.figures.len(), "chart"),
            dir.join(PLOTS).display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// "1 chart", "3 charts".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The run folder's sub-folder of charts.
const PLOTS: &str = "plots";

/// Writes the charts to `plots/` (removing charts of an earlier run that
/// this one did not draw), then `report.html` and `report.md`.
fn write_report(dir: &Path, report: &pipeline::RunReport) -> Result<()> {
    let plots = dir.join(PLOTS);
    let keep = write_figures(&plots, &report.figures)?;
    files::remove_stale(&plots, &["png", "svg"], &keep)?;
    files::write_named(dir, [("report.html", report.html.as_bytes()), ("report.md", report.markdown.as_bytes())])
}

fn shard_dir(out: &Path, name: &str, (i, n): (u32, u32)) -> PathBuf {
    out.join(name).join(format!("shard-{i}-of-{n}"))
}

fn write_shard(
    out: &Path,
    name: &str,
    (i, n): (u32, u32),
    runs: &[ScenarioRun<'_>],
    texts: &[&str],
    tables: &[Tables],
) -> Result<ExitCode> {
    let dir = shard_dir(out, name, (i, n));
    let mut scenarios = Vec::with_capacity(runs.len());
    for ((run, text), t) in runs.iter().zip(texts).zip(tables) {
        files::write_all(&dir.join(&run.scenario.name), &t.files)?;
        scenarios.push(ShardScenario {
            name: run.scenario.name.clone(),
            source: run.source.to_owned(),
            text_hash: format!("{:016x}", fnv(text.as_bytes())),
            seed: run.seed,
            replications: run.replications,
            replications_done: t.replications,
            events: t.events,
            tables: t.files.iter().map(|f| f.name.to_owned()).collect(),
        });
    }
    let manifest = ShardManifest {
        clickday_version: env!("CARGO_PKG_VERSION").to_owned(),
        run: name.to_owned(),
        run_id: run_id(runs, texts, n),
        shard: i,
        shards: n,
        scenarios,
    };
    let mut json = serde_json::to_vec_pretty(&manifest).context("cannot describe the shard")?;
    json.push(b'\n');
    files::write_all(&dir, &[OutputFile { name: "shard.json", bytes: json }])?;
    println!(
        "wrote shard {i} of {n} to {}/; when every shard is done: clickday merge {}/shard-*-of-{n}",
        dir.display(),
        out.join(name).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `clickday merge`: combines shards into exactly the output of a run on
/// one machine.
pub fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let mut manifests: Vec<(PathBuf, ShardManifest)> = Vec::new();
    for dir in &args.shards {
        let path = dir.join("shard.json");
        let bytes =
            std::fs::read(&path).with_context(|| format!("{} is not a shard (no shard.json)", dir.display()))?;
        let manifest: ShardManifest = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a valid shard description", path.display()))?;
        manifests.push((dir.clone(), manifest));
    }
    let Some((_, first)) = manifests.first() else { bail!("merge needs the shard folders to combine") };
    for (dir, m) in &manifests {
        if m.run_id != first.run_id || m.shards != first.shards || m.scenarios.len() != first.scenarios.len() {
            bail!(
                "{} belongs to a different run (run {} id {}, {} shards) than the first shard (run {} id {}, {} shards); \
                 merge only the shards of one run",
                dir.display(),
                m.run,
                m.run_id,
                m.shards,
                first.run,
                first.run_id,
                first.shards
            );
        }
    }
    let mut seen: Vec<u32> = manifests.iter().map(|(_, m)| m.shard).collect();
    seen.sort_unstable();
    let expected: Vec<u32> = (1..=first.shards).collect();
    if seen != expected {
        bail!(
            "the run has {} shards; got shards {:?}: each of 1..={} is needed exactly once",
            first.shards,
            seen,
            first.shards
        );
    }
    // The scenarios are read again, and must be the ones the shards ran.
    let mut loaded = Vec::with_capacity(first.scenarios.len());
    for s in &first.scenarios {
        let l = load_one(&s.source).with_context(|| format!("scenario {} of the shards", s.name))?;
        if format!("{:016x}", fnv(l.text.as_bytes())) != s.text_hash {
            bail!("{} has changed since the shards ran; merge with the scenario files the shards used", s.source);
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
    let mut merged = Vec::with_capacity(runs.len());
    for (k, s) in first.scenarios.iter().enumerate() {
        let mut parts = Vec::with_capacity(manifests.len());
        for (dir, m) in &manifests {
            let mut files_of_part = Vec::new();
            for table in &s.tables {
                let path = dir.join(&s.name).join(table);
                let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let Some(name) = pipeline::TABLE_NAMES.iter().copied().find(|n| n == table) else {
                    bail!("{} lists an unknown table {table}", dir.join("shard.json").display());
                };
                files_of_part.push(OutputFile { name, bytes });
            }
            parts.push(Tables {
                files: files_of_part,
                events: m.scenarios[k].events,
                replications: m.scenarios[k].replications_done,
            });
        }
        merged.push(pipeline::merge_tables(&parts)?);
    }
    finish(&args.out, &first.run, &runs, &merged, !args.no_report)
}

/// A bad `--set` or `--target`: a usage error (exit status 2).
#[derive(Debug)]
pub struct BadOption(pub String);

impl std::fmt::Display for BadOption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadOption {}

/// `clickday sweep`.
pub fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    let sets: Vec<SetOption> =
        args.sets.iter().map(|s| sweep::parse_set(s)).collect::<std::result::Result<_, _>>().map_err(BadOption)?;
    let target = args.target.as_deref().map(sweep::parse_target).transpose().map_err(BadOption)?;
    let variants = sweep::grid(&sets);
    if variants.len() > MAX_VARIANTS {
        return Err(BadOption(format!(
            "the grid has {} variants; at most {MAX_VARIANTS} are run at once",
            variants.len()
        ))
        .into());
    }
    let source = args.scenario.display().to_string();
    let text = files::read_scenario(&args.scenario)?;
    let resolver = include_resolver(&args.scenario);
    let scenarios: Vec<Scenario> = variants
        .iter()
        .map(|v| parse_variant(&source, &text, &resolver, &v.overrides))
        .collect::<std::result::Result<_, _>>()?;
    let base = &scenarios[0];
    let runs: Vec<ScenarioRun<'_>> = scenarios
        .iter()
        .map(|s| ScenarioRun {
            scenario: s,
            source: &source,
            seed: args.seed.unwrap_or(base.seed),
            replications: args.replications.unwrap_or(base.replications),
        })
        .collect();
    let (tables, interrupted) = simulate(&runs, &pipeline::plan(&runs, None), args.jobs, args.quiet)?;
    if interrupted {
        eprintln!("interrupted: the sweep was stopped before every variant finished; nothing was written");
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    let summaries: Vec<&[u8]> = tables.iter().map(|t| t.get("replications.csv").unwrap_or_default()).collect();
    let estimates: Vec<Vec<Estimate>> =
        summaries.iter().map(|s| clickday::export::long::estimates(s)).collect::<std::result::Result<_, _>>()?;
    let name = format!("{}-sweep", base.name);
    let dir = args.out.join(&name);
    let files = vec![
        OutputFile { name: "sweep.csv", bytes: sweep::long_csv(&base.name, &sets, &variants, &summaries)? },
        OutputFile { name: "sweep_summary.csv", bytes: sweep::summary_csv(&base.name, &sets, &variants, &estimates) },
    ];
    files::write_all(&dir, &files)?;
    let mut stdout = std::io::stdout().lock();
    let shown: Vec<Target> = match &target {
        Some(t) => vec![t.clone()],
        None => headline_metrics(base),
    };
    let charts =
        if args.no_report { 0 } else { write_sweep_charts(&dir, &base.name, &sets, &variants, &estimates, &shown)? };
    writeln!(
        stdout,
        "{} — {} variants × {} replications, 95% confidence intervals",
        base.name,
        variants.len(),
        runs[0].replications
    )?;
    for (k, v) in variants.iter().enumerate() {
        let cells: Vec<String> = shown
            .iter()
            .map(|t| {
                let cell = t.find(&estimates[k]).map_or("-".into(), |e| clickday::export::estimate_cell(e, 1.0, ""));
                format!("{}: {cell}", t.metric)
            })
            .collect();
        writeln!(stdout, "  [{k}] {}  →  {}", v.label, cells.join("; "))?;
    }
    if let Some(t) = &target {
        match sweep::cheapest(&variants, &estimates, t) {
            Some(k) => writeln!(stdout, "cheapest variant meeting {t}: [{k}] {}", variants[k].label)?,
            None => writeln!(stdout, "no variant meets {t}")?,
        }
    }
    writeln!(stdout, "wrote {}/ (sweep.csv, sweep_summary.csv)", dir.display())?;
    if charts > 0 {
        writeln!(stdout, "{} in {}/ (PNG and SVG)", plural(charts, "sweep chart"), dir.join(PLOTS).display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One chart per shown metric against the first swept key, into
/// `plots/sweep-<metric>.png` and `.svg`; returns how many were drawn. A
/// metric whose values are not numbers for any variant is skipped.
fn write_sweep_charts(
    dir: &Path,
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
    write_figures(&dir.join(PLOTS), &figures)?;
    Ok(figures.len())
}

/// Writes each figure as `<stem>.png` and `<stem>.svg` into `dir`;
/// returns the file names written.
fn write_figures(dir: &Path, figures: &[report::Figure]) -> Result<Vec<String>> {
    let named: Vec<(String, &[u8])> = figures
        .iter()
        .flat_map(|f| [(format!("{}.png", f.stem), f.png.as_slice()), (format!("{}.svg", f.stem), f.svg.as_bytes())])
        .collect();
    files::write_named(dir, named.iter().map(|(n, b)| (n.as_str(), *b)))?;
    Ok(named.into_iter().map(|(n, _)| n).collect())
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
