//! Shared helpers for the integration tests.

use assert_cmd::Command;
use clickday::arrivals::ArrivalProcess;
use clickday::dist::TimeDistribution;
use clickday::network::{Network, RunLength, SourceSpec, StationSpec};
use std::path::Path;

/// The `clickday` binary, with a clean environment for stable stderr.
pub fn clickday() -> Command {
    let mut cmd = Command::cargo_bin("clickday").expect("binary built");
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

/// A station with exponential service and no extras.
pub fn station(name: &str, servers: u32, mean_service: f64) -> StationSpec {
    StationSpec {
        name: name.into(),
        servers,
        capacity: None,
        service: TimeDistribution::exponential(mean_service).unwrap(),
        patience: None,
        routes: Vec::new(),
        schedule: Vec::new(),
        initial_customers: 0,
        service_level_target: None,
    }
}

/// A Poisson source into station `to`.
pub fn poisson(name: &str, to: usize, rate: f64) -> SourceSpec {
    SourceSpec { name: name.into(), to, priority: 0, process: ArrivalProcess::Poisson { rate } }
}

/// A network from parts.
pub fn network(
    stations: Vec<StationSpec>,
    sources: Vec<SourceSpec>,
    duration: f64,
    warmup: f64,
    interval: f64,
) -> Network {
    Network { stations, sources, run: RunLength { duration, warmup, interval }, max_in_system: 1_000_000 }
}

/// A small launch day: 20,000 people, a login, a personal page and a
/// submission on a 40-thread application tier in front of a database of
/// `db_workers` connections, over four hours. `header` opens the file
/// (name, description, dates); `extra` is appended (interventions, a
/// waiting room, a contact center, ...).
pub fn small_portal(header: &str, retries: u32, db_workers: u32, extra: &str) -> String {
    format!(
        r#"
{header}
duration = "4h"
interval = "5m"
report_times = ["01:00", "02:00"]

[population]
eligible = 20000

[[category]]
name = "people"
share = 1.0
behaviour = "person"
crowd = {{ share = 0.5, at = "00:00", spread = {{ dist = "exponential", mean = "20m" }} }}
curve = {{ share = 0.4, profile = [{{ at = "00:00", weight = 1 }}, {{ at = "03:00", weight = 0 }}] }}

[[behaviour]]
name = "person"
timeout = {{ dist = "deterministic", value = "20s" }}
retries = {retries}
retry_delay = {{ dist = "exponential", mean = "10s" }}
tabs = 2
return_probability = 0.8
return_delay = {{ dist = "exponential", mean = "30m" }}
max_visits = 3
phone_after_failure = 0.1
social_on_give_up = 0.5

[[step]]
name = "login"
class = "write"
route = ["app", "db"]
think = {{ dist = "exponential", mean = "5s" }}

[[step]]
name = "area"
class = "personal"
route = ["app", "db"]
addresses = 5
think = {{ dist = "exponential", mean = "10s" }}

[[step]]
name = "submit"
class = "write"
route = ["app", "db"]
completes_application = true
think = {{ dist = "exponential", mean = "1s" }}

[edge]
personal_ttl = "30s"
viewer_actions = {{ view = 0.5, modify = 0.1, delete = 0.1, submit = 0.1 }}

[[tier]]
name = "app"
workers = 40
service = {{ dist = "exponential", mean = "20ms" }}
queue = 2000

[[tier]]
name = "db"
workers = {db_workers}
service = {{ dist = "exponential", mean = "50ms" }}
queue = 2000
{extra}
"#
    )
}

/// A file's bytes; a missing file fails the test with its path.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir`, as relative path and bytes, skipping shards.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            if rel.contains("shard-") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((rel, read(&path)));
            }
        }
    }
    out.sort();
    out
}
