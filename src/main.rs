//! The `clickday` command: argument parsing, files and printing around the
//! library, which does all the work and no I/O.

mod allocator;
mod bad_input;
mod cli;
mod files;
mod run_cli;
mod run_folder;
mod shard;
mod staff_cli;

use anyhow::Result;
use clap::Parser;
use cli::{Cli, Command, ValidateArgs};
use clickday::scenario::ScenarioError;
use std::io::Write;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: allocator::HugePages = allocator::HugePages;

/// Exit status for bad input (a scenario or argument error), as clap uses
/// for usage errors.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    allocator::return_large_buffers_when_freed();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run_cli::run(&args),
        Command::Merge(args) => run_cli::merge(&args),
        Command::Sweep(args) => run_cli::sweep(&args),
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
            if let Some(bad) = err.downcast_ref::<bad_input::BadInput>() {
                eprintln!("error: {bad}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            if let Some(plan) = err.downcast_ref::<clickday::pipeline::PlanTooLarge>() {
                eprintln!("error: {plan}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            eprintln!("error: {}", bad_input::one_line(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}

/// Output piped into `head` closes early; that is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn validate(args: &ValidateArgs) -> Result<ExitCode> {
    let pool = run_cli::thread_pool(args.jobs)?;
    let report = pool.install(|| clickday::verification::run_suite(args.seed, args.replications))?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", report.to_table())?;
    Ok(if report.all_passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
