//! One scenario from validated model to output bytes: run its replications,
//! estimate, and render every output file and the terminal summary.
//!
//! This is the one place that knows which model a scenario holds; the
//! command line only writes the files and prints the text it gets back.

use crate::experiment::{estimate, run_replications};
use crate::export;
use crate::network::SimError;
use crate::scenario::{Model, Scenario};

/// A file to write into the scenario's output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, e.g. `intervals.csv`.
    pub name: &'static str,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// Everything a run of one scenario produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Files for `output/<scenario>/`, `run.json` last.
    pub files: Vec<OutputFile>,
    /// The summary table for the terminal.
    pub summary: String,
    /// Events handled over all replications.
    pub events: u64,
}

/// Why a scenario run failed.
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
}

/// What to run: the scenario, where it came from, and the overrides.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest<'a> {
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// Where it came from (a path, or `bundled:<path>`), for `run.json`.
    pub source: &'a str,
    /// Run seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
}

/// The time series of a contact center's channels.
fn contact_files(
    scenario: &Scenario,
    center: &crate::contact::ContactCenter,
    results: &[crate::contact::ContactResult],
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

/// Runs a scenario's replications in the current rayon pool and renders its
/// outputs. `on_done` is called once per finished replication.
pub fn run_scenario(request: RunRequest<'_>, on_done: &(dyn Fn() + Sync)) -> Result<RunOutput, RunError> {
    let RunRequest { scenario, source, seed, replications } = request;
    let (mut files, summary, events) = match &scenario.model {
        Model::Network(net) => {
            let results = run_replications(net, seed, replications, on_done)?;
            let estimates = estimate(&results);
            let files = vec![
                OutputFile { name: "intervals.csv", bytes: export::csv::intervals(scenario, net, &results) },
                OutputFile { name: "replications.csv", bytes: export::csv::replication_summary(scenario, &results) },
                OutputFile { name: "summary.csv", bytes: export::csv::estimates(scenario, &estimates) },
            ];
            let summary = export::table::summary_table(scenario, net, &estimates, replications);
            (files, summary, results.iter().map(|r| r.events).sum())
        }
        Model::LaunchDay(day) => {
            let results = crate::launch::run_replications(day, seed, replications, on_done)?;
            let mut estimates = crate::launch::estimate(&results);
            let mut files = vec![
                OutputFile { name: "intervals.csv", bytes: export::launch::intervals(scenario, &results) },
                OutputFile { name: "tiers.csv", bytes: export::launch::tiers(scenario, day, &results) },
                OutputFile { name: "contacts.csv", bytes: export::launch::contacts(scenario, &results) },
                OutputFile { name: "replications.csv", bytes: export::launch::replication_summary(scenario, &results) },
            ];
            let mut summary = export::launch::summary_table(scenario, day, &estimates, replications);
            let mut events: u64 = results.iter().map(|r| r.events).sum();
            if let Some(center) = &day.contact_center {
                // Replication r of the contact center receives the people
                // replication r of the portal failed.
                let demand = |r: u64| Some(results[r as usize].contact_demand());
                let contacts = crate::contact::run_replications(center, demand, seed, replications, &|| {})?;
                let contact_estimates = crate::contact::estimate(&contacts);
                files.extend(contact_files(scenario, center, &contacts));
                summary.push('\n');
                summary.push_str(&export::contact::summary_table(scenario, center, &contact_estimates, replications));
                events += contacts.iter().map(|r| r.events).sum::<u64>();
                estimates.extend(contact_estimates);
            }
            files.push(OutputFile { name: "summary.csv", bytes: export::csv::estimates(scenario, &estimates) });
            (files, summary, events)
        }
        Model::Contact(center) => {
            let results = crate::contact::run_replications(center, |_| None, seed, replications, on_done)?;
            let estimates = crate::contact::estimate(&results);
            let mut files = contact_files(scenario, center, &results);
            files.push(OutputFile {
                name: "replications.csv",
                bytes: export::contact::replication_summary(scenario, &results),
            });
            files.push(OutputFile { name: "summary.csv", bytes: export::csv::estimates(scenario, &estimates) });
            let summary = export::contact::summary_table(scenario, center, &estimates, replications);
            (files, summary, results.iter().map(|r| r.events).sum())
        }
    };
    let names: Vec<&'static str> = files.iter().map(|f| f.name).chain(["run.json"]).collect();
    let meta = export::json::metadata_for(scenario, source, replications, seed, events, names);
    files.push(OutputFile { name: "run.json", bytes: export::json::run_metadata(&meta) });
    Ok(RunOutput { files, summary, events })
}
