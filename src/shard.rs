//! Shards of a run: what `--shard i/n` records beside its tables
//! (`shard.json`), and the checks `clickday merge` makes before it
//! combines shards into what one machine would have written.
//!
//! A merge refuses, as input the user must fix, anything that would make
//! the merged output differ from a run on one machine: shards of different
//! runs (another seed, `-r`, `--name`, shard count, scenario text or
//! clickday version), a shard missing or given twice, a description that
//! was edited, a table that was edited, truncated or copied from another
//! shard, and scenario files that changed since the shards ran.

use crate::bad_input::{bad, shown};
use crate::files;
use crate::run_folder::{FileEntry, sha256_hex};
use anyhow::Result;
use clickday::export::long;
use clickday::pipeline::{self, OutputFile, ScenarioRun, Tables};
use clickday::precision::Precision;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The description of a shard, `shard.json`.
pub const SHARD_FILE: &str = "shard.json";

/// Largest shard description or table read back.
const MAX_TABLE_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// A shard's description: which run, which slice, and the content of every
/// table it wrote.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShardManifest {
    /// clickday version that ran the shard.
    pub clickday_version: String,
    /// The run's name (its folder once merged).
    pub run: String,
    /// Digest of everything that defines the run (see [`run_id`]).
    pub run_id: String,
    /// This shard, 1-based.
    pub shard: u32,
    /// Shards in the run.
    pub shards: u32,
    /// The run's scenarios, in command-line order.
    pub scenarios: Vec<ShardScenario>,
    /// For a run sized by precision: its target and bounds. Every shard
    /// runs its part of replications `0..max`; the merge keeps the first
    /// `n`, where one machine would have stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<ShardPrecision>,
}

/// The target and bounds of a run sized by precision, as its shards
/// record them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShardPrecision {
    /// Largest half-width allowed, as a share of the mean.
    pub target: f64,
    /// Minimum replications.
    pub min_replications: u32,
    /// Maximum replications (what each scenario's `replications` is).
    pub max_replications: u32,
}

impl ShardPrecision {
    /// The recorded settings as the library's.
    pub fn settings(&self) -> Result<Precision> {
        Precision::new(self.target, self.min_replications, self.max_replications).map_err(bad)
    }
}

/// One scenario of a shard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShardScenario {
    /// Scenario name (its sub-folder in the shard).
    pub name: String,
    /// Where the scenario was read from; the merge reads it again there.
    pub source: String,
    /// SHA-256 of the scenario's text.
    pub text_sha256: String,
    /// Run seed.
    pub seed: u64,
    /// Replications of the whole run.
    pub replications: u32,
    /// Replications this shard ran.
    pub replications_done: u32,
    /// Events handled by this shard.
    pub events: u64,
    /// Every table of this shard, with its size and SHA-256.
    pub tables: Vec<FileEntry>,
    /// In a run sized by precision, the events of each replication this
    /// shard ran, in replication order, so that a merge keeping only the
    /// first replications counts only theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replication_events: Vec<u64>,
}

/// The folder name of shard `i` of `n` of run `run`, beside the run's own.
pub fn folder_name(run: &str, (i, n): (u32, u32)) -> String {
    format!("{run}-shard-{i}-of-{n}")
}

/// What identifies a run: clickday's version, the run's name, the number
/// of shards, each scenario's name, text, seed and replications, and a
/// precision target with its bounds. Any
/// edit to one of these in a `shard.json` makes it disagree with its id.
pub fn run_id(
    version: &str,
    run: &str,
    shards: u32,
    scenarios: &[(&str, &str, u64, u32)],
    precision: Option<&ShardPrecision>,
) -> String {
    let mut key = format!("{version}\n{run}\n{shards}");
    for (name, text_sha256, seed, replications) in scenarios {
        key.push_str(&format!("\n{name}|{text_sha256}|{seed}|{replications}"));
    }
    if let Some(p) = precision {
        key.push_str(&format!("\nprecision|{}|{}|{}", p.target, p.min_replications, p.max_replications));
    }
    sha256_hex(key.as_bytes())[..32].to_owned()
}

/// The description of shard `(i, n)` of a run whose scenarios' texts are
/// `texts` and whose tables are `tables`; for a run sized by precision,
/// its settings and each scenario's events per replication.
pub fn manifest(
    run: &str,
    (i, n): (u32, u32),
    runs: &[ScenarioRun<'_>],
    texts: &[&str],
    tables: &[Tables],
    precision: Option<(ShardPrecision, &[Vec<u64>])>,
) -> ShardManifest {
    let version = env!("CARGO_PKG_VERSION");
    let hashes: Vec<String> = texts.iter().map(|t| sha256_hex(t.as_bytes())).collect();
    let ids: Vec<(&str, &str, u64, u32)> =
        runs.iter().zip(&hashes).map(|(r, h)| (r.scenario.name.as_str(), h.as_str(), r.seed, r.replications)).collect();
    let scenarios = runs
        .iter()
        .zip(hashes.iter())
        .zip(tables)
        .enumerate()
        .map(|(k, ((r, hash), t))| ShardScenario {
            name: r.scenario.name.clone(),
            source: r.source.to_owned(),
            text_sha256: hash.clone(),
            seed: r.seed,
            replications: r.replications,
            replications_done: t.replications,
            events: t.events,
            tables: t
                .files
                .iter()
                .map(|f| FileEntry {
                    path: f.name.to_owned(),
                    bytes: f.bytes.len() as u64,
                    sha256: sha256_hex(&f.bytes),
                })
                .collect(),
            replication_events: precision.map(|(_, events)| events[k].clone()).unwrap_or_default(),
        })
        .collect();
    let precision = precision.map(|(p, _)| p);
    ShardManifest {
        clickday_version: version.to_owned(),
        run: run.to_owned(),
        run_id: run_id(version, run, n, &ids, precision.as_ref()),
        shard: i,
        shards: n,
        scenarios,
        precision,
    }
}

/// A shard read back: its folder and description.
#[derive(Debug)]
pub struct ReadShard {
    /// The shard's folder.
    pub dir: PathBuf,
    /// Its `shard.json`.
    pub manifest: ShardManifest,
}

/// Reads the descriptions of `dirs` and checks that they are the shards of
/// one run, each exactly once, by this version of clickday, unedited.
/// Returns them in shard order.
pub fn read_shards(dirs: &[PathBuf]) -> Result<Vec<ReadShard>> {
    let mut shards = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let path = dir.join(SHARD_FILE);
        if !path.is_file() {
            return Err(bad(format!("{} is not a shard of a run (it has no {SHARD_FILE})", shown(dir))));
        }
        let bytes = files::read_bytes(&path, MAX_TABLE_BYTES, "shard description")?;
        let manifest: ShardManifest = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("{} is not a valid shard description: {e}", shown(&path))))?;
        check_identity(&path, &manifest)?;
        shards.push(ReadShard { dir: dir.clone(), manifest });
    }
    let Some(first) = shards.first().map(|s| s.manifest.clone()) else {
        return Err(bad("merge needs the shard folders to combine"));
    };
    for s in &shards {
        let m = &s.manifest;
        if m.run_id != first.run_id {
            return Err(bad(format!(
                "{} belongs to a different run (run {}, id {}, {} shards) than the first shard (run {}, id {}, {} shards); merge only the shards of one run",
                shown(&s.dir),
                m.run,
                m.run_id,
                m.shards,
                first.run,
                first.run_id,
                first.shards
            )));
        }
    }
    let mut seen: Vec<u32> = shards.iter().map(|s| s.manifest.shard).collect();
    seen.sort_unstable();
    if seen != (1..=first.shards).collect::<Vec<u32>>() {
        return Err(bad(format!(
            "the run has {} shards; got shards {seen:?}: each of 1..={} is needed exactly once",
            first.shards, first.shards
        )));
    }
    shards.sort_by_key(|s| s.manifest.shard);
    Ok(shards)
}

/// A description whose fields disagree with its run id, or that another
/// version of clickday wrote, is refused.
fn check_identity(path: &Path, m: &ShardManifest) -> Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    if m.clickday_version != version {
        return Err(bad(format!(
            "{} was written by clickday {}; this is clickday {version}: merge with the version that ran the shards",
            shown(path),
            m.clickday_version
        )));
    }
    let ids: Vec<(&str, &str, u64, u32)> =
        m.scenarios.iter().map(|s| (s.name.as_str(), s.text_sha256.as_str(), s.seed, s.replications)).collect();
    if m.shard == 0 || m.shard > m.shards || run_id(version, &m.run, m.shards, &ids, m.precision.as_ref()) != m.run_id {
        return Err(bad(format!(
            "{} has been edited: its run, shard, scenarios, seeds or replications no longer match its run id",
            shown(path)
        )));
    }
    Ok(())
}

/// Reads one scenario's tables from every shard, checking each against
/// the size and digest its shard recorded, and that each shard holds
/// exactly the replications the plan dealt it. `runs` are the scenarios
/// read again; `k` is the scenario's index.
pub fn read_tables(shards: &[ReadShard], runs: &[ScenarioRun<'_>], k: usize) -> Result<Vec<Tables>> {
    let mut parts = Vec::with_capacity(shards.len());
    let names = &shards[0].manifest.scenarios[k].tables;
    for s in shards {
        let m = &s.manifest;
        let scenario = &m.scenarios[k];
        let expected: Vec<u64> = pipeline::plan(runs, Some((m.shard - 1, m.shards)))
            .into_iter()
            .filter(|(s, _)| *s == k)
            .map(|(_, r)| r)
            .collect();
        if u64::from(scenario.replications_done) != expected.len() as u64 {
            return Err(bad(format!(
                "{}: shard {} of {} ran {} replications of {}, but the run deals it {}; the description was edited or the shard did not finish",
                shown(&s.dir.join(SHARD_FILE)),
                m.shard,
                m.shards,
                scenario.replications_done,
                scenario.name,
                expected.len()
            )));
        }
        let table_names: Vec<&str> = scenario.tables.iter().map(|t| t.path.as_str()).collect();
        if table_names != names.iter().map(|t| t.path.as_str()).collect::<Vec<_>>() {
            return Err(bad(format!(
                "{}: shard {} lists the tables {table_names:?} of {}, unlike shard 1",
                shown(&s.dir.join(SHARD_FILE)),
                m.shard,
                scenario.name
            )));
        }
        let mut files_of_part = Vec::with_capacity(scenario.tables.len());
        for entry in &scenario.tables {
            let path = s.dir.join(&scenario.name).join(&entry.path);
            let Some(name) = pipeline::TABLE_NAMES.iter().copied().find(|n| *n == entry.path) else {
                return Err(bad(format!("{} lists an unknown table {}", shown(&s.dir.join(SHARD_FILE)), entry.path)));
            };
            let bytes = files::read_bytes(&path, MAX_TABLE_BYTES, "shard table")?;
            if bytes.len() as u64 != entry.bytes || sha256_hex(&bytes) != entry.sha256 {
                return Err(bad(format!(
                    "{} is not the table shard {} wrote (its size or SHA-256 differs from {SHARD_FILE}); run that shard again",
                    shown(&path),
                    m.shard
                )));
            }
            let held = long::replications_in(name, &bytes).map_err(|e| bad(format!("{}: {e}", shown(&path))))?;
            let complete = name != "replications.csv" || held.len() == expected.len();
            if !complete || held.iter().any(|r| !expected.contains(r)) {
                return Err(bad(format!(
                    "{} holds replications {} but shard {} of {} ran {}",
                    shown(&path),
                    list(&held),
                    m.shard,
                    m.shards,
                    list(&expected)
                )));
            }
            files_of_part.push(OutputFile { name, bytes });
        }
        parts.push(Tables { files: files_of_part, events: scenario.events, replications: scenario.replications_done });
    }
    Ok(parts)
}

/// The events of each replication of scenario `k` that the shards ran,
/// by replication: what a merge keeping only the first replications of a
/// run sized by precision counts.
pub fn replication_events(
    shards: &[ReadShard],
    runs: &[ScenarioRun<'_>],
    k: usize,
) -> Result<std::collections::HashMap<u64, u64>> {
    let mut out = std::collections::HashMap::new();
    for s in shards {
        let m = &s.manifest;
        let ran: Vec<u64> = pipeline::plan(runs, Some((m.shard - 1, m.shards)))
            .into_iter()
            .filter(|(s, _)| *s == k)
            .map(|(_, r)| r)
            .collect();
        let events = &m.scenarios[k].replication_events;
        if events.len() != ran.len() {
            return Err(bad(format!(
                "{}: shard {} of {} records the events of {} replications of {}, but ran {}; the description was edited",
                shown(&s.dir.join(SHARD_FILE)),
                m.shard,
                m.shards,
                events.len(),
                m.scenarios[k].name,
                ran.len()
            )));
        }
        out.extend(ran.into_iter().zip(events.iter().copied()));
    }
    Ok(out)
}

/// "0, 2, 4" (the first few, then how many more).
fn list(replications: &[u64]) -> String {
    const SHOWN: usize = 8;
    let mut parts: Vec<String> = replications.iter().take(SHOWN).map(u64::to_string).collect();
    if replications.len() > SHOWN {
        parts.push(format!("and {} more", replications.len() - SHOWN));
    }
    if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
}
