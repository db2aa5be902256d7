//! Shared helpers for the integration tests.

use assert_cmd::Command;
use clickday::arrivals::ArrivalProcess;
use clickday::dist::TimeDistribution;
use clickday::network::{Network, RunLength, SourceSpec, StationSpec};

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
