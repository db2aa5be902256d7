//! The `clickday` command: argument parsing, files and printing around the
//! library, which does all the work and no I/O.

mod cli;
mod files;

use anyhow::{Context, Result, bail};
use clap::Parser;
use cli::{Cli, Command, RunArgs, ValidateArgs};
use clickday::pipeline::{RunRequest, run_scenario};
use clickday::scenario::{Scenario, ScenarioError, parse_scenario};
use std::io::Write;
use std::process::ExitCode;

/// The scenario `clickday run` uses when given none, built into the binary
/// so that the command works from any folder.
const DEFAULT_SCENARIO: (&str, &str) = ("scenarios/portal-queue.toml", include_str!("../scenarios/portal-queue.toml"));

/// Exit status for bad input (a scenario or argument error), as clap uses
/// for usage errors.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate(args) => validate(&args),
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
        let scenario = parse_scenario(&label, &text)?;
        if out.iter().any(|(_, s): &(String, Scenario)| s.name == scenario.name) {
            bail!("two scenarios are both named \"{}\"; their output folders would collide", scenario.name);
        }
        out.push((label, scenario));
    }
    Ok(out)
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
