//! The `clickday` command: argument parsing, files and printing around the
//! library, which does all the work and no I/O.

mod cli;
mod files;
mod staff_cli;

use anyhow::{Context, Result, bail};
use clap::Parser;
use cli::{Cli, Command, RunArgs, ValidateArgs};
use clickday::pipeline::{RunRequest, run_scenario};
use clickday::scenario::{Scenario, ScenarioError, parse_scenario, parse_scenario_with_includes};
use std::io::Write;
use std::process::ExitCode;

/// The scenario `clickday run` uses when given none, built into the binary
/// so that the command works from any folder.
const DEFAULT_SCENARIO: (&str, &str) =
    ("scenarios/inps-2020-04-01.toml", include_str!("../scenarios/inps-2020-04-01.toml"));

/// Exit status for bad input (a scenario or argument error), as clap uses
/// for usage errors.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate(args) => validate(&args),
        Command::Staff(args) => staff_cli::staff(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            if let Some(scenario_error) = err.downcast_ref::<ScenarioError>() {
                eprintln!("error: {scenario_error}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            if let Some(bad) = err.downcast_ref::<staff_cli::BadInput>() {
                eprintln!("error: {bad}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Output piped into `head` closes early; that is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn thread_pool(jobs: Option<u16>) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        builder = builder.num_threads(usize::from(n));
    }
    builder.build().context("could not start worker threads")
}

fn load_scenarios(args: &RunArgs) -> Result<Vec<(String, Scenario)>> {
    if args.scenarios.is_empty() {
        let (name, text) = DEFAULT_SCENARIO;
        let scenario = parse_scenario(name, text)?;
        return Ok(vec![(format!("bundled:{name}"), scenario)]);
    }
    let mut out = Vec::with_capacity(args.scenarios.len());
    for path in &args.scenarios {
        let label = path.display().to_string();
        let text = files::read_scenario(path)?;
        let scenario = parse_scenario_with_includes(&label, &text, &include_resolver(path))?;
        if out.iter().any(|(_, s): &(String, Scenario)| s.name == scenario.name) {
            bail!("two scenarios are both named \"{}\"; their output folders would collide", scenario.name);
        }
        out.push((label, scenario));
    }
    Ok(out)
}

/// Largest file a scenario may include (a staffing plan).
const MAX_INCLUDE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the files a scenario refers to, by paths relative to the
/// scenario's own folder, so a scenario and its plan travel together.
fn include_resolver(scenario: &std::path::Path) -> impl Fn(&str) -> Result<String, String> {
    let dir = scenario.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
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

fn run(args: &RunArgs) -> Result<ExitCode> {
    let scenarios = load_scenarios(args)?;
    let pool = thread_pool(args.jobs)?;
    let mut stdout = std::io::stdout().lock();
    for (source, scenario) in &scenarios {
        let request = RunRequest {
            scenario,
            source,
            seed: args.seed.unwrap_or(scenario.seed),
            replications: args.replications.unwrap_or(scenario.replications),
        };
        let output =
            pool.install(|| run_scenario(request, &|| {})).with_context(|| format!("scenario {}", scenario.name))?;
        let dir = args.out.join(&scenario.name);
        let files: Vec<(&str, Vec<u8>)> = output.files.into_iter().map(|f| (f.name, f.bytes)).collect();
        files::write_all(&dir, &files)?;
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        writeln!(stdout, "{}", output.summary)?;
        writeln!(stdout, "wrote {}/ ({})\n", dir.display(), names.join(", "))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(args: &ValidateArgs) -> Result<ExitCode> {
    let pool = thread_pool(args.jobs)?;
    let report = pool.install(|| clickday::verification::run_suite(args.seed, args.replications))?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", report.to_table())?;
    Ok(if report.all_passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
