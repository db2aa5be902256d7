//! clickday: a discrete-event capacity simulator for launch-day crises of
//! public web services.
#![warn(missing_docs)]

pub mod analytic;
pub mod arrivals;
pub mod dist;
pub mod engine;
pub mod experiment;
pub mod export;
pub mod network;
pub mod scenario;
pub mod special;
pub mod stats;
pub mod units;
pub mod verification;
