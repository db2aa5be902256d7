//! clickday: a discrete-event capacity simulator for launch-day crises of
//! public web services.
//!
//! The library does all the modelling and no I/O: scenarios come in as
//! text, results go out as values and bytes. The `clickday` binary reads
//! files, writes output folders and prints.
//!
//! ```
//! use clickday::engine::RngStreams;
//! use clickday::network::simulate;
//! use clickday::scenario::{Model, parse_scenario};
//!
//! let text = r#"
//!     name = "mm1"
//!     duration = "10h"
//!     [[source]]
//!     name = "arrivals"
//!     kind = "poisson"
//!     rate = "0.5/s"
//!     to = "server"
//!     [[station]]
//!     name = "server"
//!     servers = 1
//!     service = { dist = "exponential", mean = "1s" }
//! "#;
//! let scenario = parse_scenario("mm1.toml", text)?;
//! let Model::Network(net) = &scenario.model else { unreachable!() };
//! let result = simulate(net, &RngStreams::new(scenario.seed, 0))?;
//! let utilisation = result.stations[0].utilisation;
//! assert!((utilisation - 0.5).abs() < 0.05);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod analytic;
pub mod arrivals;
pub mod contact;
pub mod dist;
pub mod engine;
pub mod experiment;
pub mod export;
pub mod launch;
pub mod network;
pub mod pipeline;
pub mod precision;
pub mod report;
pub mod scenario;
pub mod special;
pub mod staffing;
pub mod stats;
pub mod sweep;
pub mod units;
pub mod verdict;
pub mod verification;
