//! Integration tests, one binary (one link step) with a module per concern.

mod cli;
mod conservation;
mod determinism;
mod scenario_errors;
mod theory;
mod util;
