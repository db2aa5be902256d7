//! Integration tests, one binary (one link step) with a module per concern.

mod budget;
mod classroom_scale;
mod cli;
mod conservation;
mod contact;
mod determinism;
mod funnel;
mod hostile;
mod launch;
mod mutations;
mod output_folders;
mod precision;
mod report;
mod runs;
mod scaling;
mod scenario_check;
mod scenario_errors;
mod staffing;
mod theory;
mod util;
