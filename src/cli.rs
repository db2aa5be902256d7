//! Command-line definitions. Nothing past this file sees a clap type: each
//! subcommand's arguments are plain structs handed to `main.rs`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// clickday: replay and prevent launch-day crises of public web services.
#[derive(Debug, Parser)]
#[command(name = "clickday", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write CSV to the output folder.
    #[command(
        after_help = "Examples:\n  clickday run\n  clickday run scenarios/mmc-call-center.toml -r 20 --seed 7\n  clickday run a.toml b.toml --out results -j 2"
    )]
    Run(RunArgs),
    /// Check the engine against queueing theory (exact formulas) and report PASS/FAIL.
    #[command(after_help = "Examples:\n  clickday validate\n  clickday validate -r 40 --seed 3 -j 2")]
    Validate(ValidateArgs),
}

/// Arguments of `clickday run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML). Without any, runs the bundled default scenario.
    pub scenarios: Vec<PathBuf>,
    /// Replications per scenario (overrides the scenario's `replications`).
    #[arg(short, long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub replications: Option<u32>,
    /// Run seed (overrides the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder that receives one sub-folder per scenario.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// Arguments of `clickday validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Replications per model.
    #[arg(short, long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(5..=10_000))]
    pub replications: u32,
    /// Run seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}
