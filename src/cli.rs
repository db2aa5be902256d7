//! Command-line definitions. Nothing past this file sees a clap type: each
//! subcommand's arguments are plain structs handed to `main.rs`.

use clap::{Args, Parser, Subcommand, ValueEnum};
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
        after_help = "Examples:\n  clickday run\n  clickday run scenarios/mmc-call-center.toml -r 20 --seed 7\n  clickday run scenarios/inps-2020-04-01.toml scenarios/inps-2020-04-01-waiting-room.toml -r 30\n  clickday run a.toml b.toml -r 30 --shard 2/4 --name my-study\n  clickday run scenarios/mmc-call-center.toml --precision 1% --max-replications 100\n  clickday run scenarios/inps-2020-04-01.toml --scale 0.02 -r 1"
    )]
    Run(RunArgs),
    /// Run the grid of variants of one scenario made by --set, with replications.
    #[command(
        after_help = "Examples:\n  clickday sweep scenarios/inps-2020-04-01-waiting-room.toml --set waiting_room.admission_rate=30/s,45/s,60/s -r 5\n  clickday sweep base.toml --set tier.app.workers=50,100,200 --set waiting_room.admission_rate=5000/m,10000/m --target \"availability>=0.9\"\n\nPaths name keys the scenario sets: tables by key, arrays of tables by the element's name or 1-based position (tier.app.workers, tier[db].queue, category.citizens.crowd.share)."
    )]
    Sweep(SweepArgs),
    /// Combine the shards of a run into what one machine would have written.
    #[command(
        after_help = "Examples:\n  clickday run a.toml b.toml -r 30 --shard 1/4   (and 2/4, 3/4, 4/4 elsewhere)\n  clickday merge output/a-comparison/shard-*-of-4"
    )]
    Merge(MergeArgs),
    /// Check the engine against queueing theory (exact formulas) and report PASS/FAIL.
    #[command(after_help = "Examples:\n  clickday validate\n  clickday validate -r 40 --seed 3 -j 2")]
    Validate(ValidateArgs),
    /// Agents needed per interval by Erlang C and Erlang A, and a plan a scenario can load.
    #[command(
        after_help = "Examples:\n  clickday staff 1000 --interval 1h --aht 2m --patience 10m --target 80/20\n  clickday staff 400 900 1200 800 --aht 5m30s --patience 20m --target 80/60 --max-abandon 5 --shrinkage 30 --start 08:00 --out plan.csv\n  clickday staff --calls-csv output/my-day/phone_intervals.csv --aht 5m --patience 15m --max-occupancy 85 --verify\n\nThe plan's `agents` column is what a scenario loads with agents_schedule_file = \"plan.csv\"."
    )]
    Staff(Box<StaffArgs>),
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
    /// Add replications until the 95% interval of every headline verdict
    /// is within this share of its mean, e.g. 2% (-r, or the scenario's
    /// replications, is the minimum; checked every 5 replications).
    #[arg(long, value_name = "PERCENT")]
    pub precision: Option<String>,
    /// Most replications a run sized by --precision makes (default 200).
    #[arg(long, value_name = "N", requires = "precision", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_replications: Option<u32>,
    /// Folder that receives one sub-folder per scenario.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Name of the run's own folder (the comparison of several scenarios,
    /// and the shards); default: the scenario's name, or
    /// `<first>-comparison` for several.
    #[arg(long)]
    pub name: Option<String>,
    /// Run only shard i of n (1-based) of the (scenario, replication)
    /// pairs and write a partial result; `clickday merge` combines them.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// CSV only: no charts, no report.html or report.md.
    #[arg(long)]
    pub no_report: bool,
    /// Classroom scale of a launch day: this share of the people and of
    /// every capacity that serves them (0.0001 to 1; the classroom page's
    /// default is 0.02). Not with --shard.
    #[arg(long, value_name = "FACTOR")]
    pub scale: Option<f64>,
}

/// Arguments of `clickday sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario to vary.
    pub scenario: PathBuf,
    /// A key and the values to try: path=v1,v2,... (repeat for a grid).
    #[arg(long = "set", value_name = "PATH=V1,V2", required = true)]
    pub sets: Vec<String>,
    /// Replications per variant (overrides the scenario's `replications`).
    #[arg(short, long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub replications: Option<u32>,
    /// Run seed (overrides the scenario's `seed`); every variant uses it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Add replications to each variant until the 95% interval of every headline verdict
    /// is within this share of its mean, e.g. 2% (-r, or the scenario's
    /// replications, is the minimum; checked every 5 replications).
    #[arg(long, value_name = "PERCENT")]
    pub precision: Option<String>,
    /// Most replications a run sized by --precision makes (default 200).
    #[arg(long, value_name = "N", requires = "precision", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_replications: Option<u32>,
    /// Report the cheapest variant meeting this, e.g. "availability>=0.9".
    #[arg(long)]
    pub target: Option<String>,
    /// A swept key whose smaller values are cheaper (workers, agents);
    /// repeat in order of importance. These decide first, then the
    /// --maximize keys, then the others (smaller is cheaper).
    #[arg(long, value_name = "PATH")]
    pub minimize: Vec<String>,
    /// A swept key whose larger values are better (a session limit that
    /// admits more); repeat in order of importance (after --minimize).
    #[arg(long, value_name = "PATH")]
    pub maximize: Vec<String>,
    /// Folder that receives `<scenario>-sweep/`.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// CSV only: no sweep charts.
    #[arg(long)]
    pub no_report: bool,
}

/// Arguments of `clickday merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (`<out>/<run>/shard-I-of-N`), all of one run.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Folder that receives the merged output.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// CSV only: no charts, no report.html or report.md.
    #[arg(long)]
    pub no_report: bool,
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

/// Which model a staffing plan's head count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFrom {
    /// Erlang A: callers hang up after their patience.
    ErlangA,
    /// Erlang C: nobody hangs up (more agents).
    ErlangC,
}

/// Arguments of `clickday staff`.
#[derive(Debug, Args)]
pub struct StaffArgs {
    /// Calls expected in each interval, in order.
    #[arg(allow_negative_numbers = true)]
    pub calls: Vec<String>,
    /// Read the calls from a CSV: a `calls` column, or the phone_intervals.csv of a run.
    #[arg(long, value_name = "FILE")]
    pub calls_csv: Option<PathBuf>,
    /// Column of --calls-csv to read (default: `calls`, or `first_attempts` in a run's output).
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
    /// Average handle time (talk plus wrap-up), with a unit, e.g. 2m or 5m30s.
    #[arg(long)]
    pub aht: String,
    /// Mean patience of a waiting caller, with a unit, e.g. 10m (exponential, as in Erlang A).
    /// Without it, callers never hang up and only Erlang C is planned.
    #[arg(long)]
    pub patience: Option<String>,
    /// Service level: percent answered / answer time, e.g. 80/20 (seconds) or 90/1m.
    #[arg(long, default_value = "80/20")]
    pub target: String,
    /// Most calls abandoned, percent (Erlang A), e.g. 5.
    #[arg(long, value_name = "PERCENT")]
    pub max_abandon: Option<String>,
    /// Most agent occupancy, percent, e.g. 85.
    #[arg(long, value_name = "PERCENT")]
    pub max_occupancy: Option<String>,
    /// Share of paid time not on the phone, percent, e.g. 30.
    #[arg(long, value_name = "PERCENT", default_value = "0")]
    pub shrinkage: String,
    /// Interval length, with a unit (default 30m, or the CSV's own intervals).
    #[arg(long)]
    pub interval: Option<String>,
    /// Clock time of the first interval, e.g. 08:00 (default 00:00, or the CSV's).
    #[arg(long)]
    pub start: Option<String>,
    /// Model whose head count goes into the plan's `agents` column
    /// (default: Erlang A with --patience, Erlang C without).
    #[arg(long, value_enum)]
    pub plan_from: Option<PlanFrom>,
    /// Confirm the plan by simulating the whole day.
    #[arg(long)]
    pub verify: bool,
    /// Coefficient of variation of handle times in --verify: 1 draws them
    /// exponential, as the formulas assume; any other value lognormal.
    /// (A scenario's plain `handle_time = "5m"` is lognormal with cv 1, not
    /// exponential; write `{ dist = "exponential", mean = "5m" }` there to
    /// match the formulas.)
    #[arg(long, default_value_t = 1.0)]
    pub handle_cv: f64,
    /// Replications for --verify.
    #[arg(short, long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub replications: u32,
    /// Seed for --verify.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the plan as CSV to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Worker threads for --verify (default: one per core). Results do not depend on it.
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}
