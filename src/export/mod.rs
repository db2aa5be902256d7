//! Exporters: results in, bytes out.
//!
//! Each format lives in its own file and returns bytes; where the bytes go
//! (a file written atomically, stdout) is the command line's business. That
//! keeps the formats testable without touching the disk.

use crate::experiment::Estimate;
use crate::scenario::Scenario;
use crate::units::clock_label;

pub mod contact;
pub mod csv;
pub mod finite;
pub mod json;
pub mod launch;
pub mod long;

/// A CSV writer into memory with `\n` line ends, the same on every
/// platform, so that output bytes do not depend on where a run was made.
pub(crate) fn csv_writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new().terminator(::csv::Terminator::Any(b'\n')).from_writer(Vec::new())
}

/// The bytes a [`csv_writer`] holds. Writing to a `Vec` cannot fail;
/// `into_inner` only flushes the buffer.
pub(crate) fn csv_bytes(w: ::csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}

/// The key columns every time series starts with.
pub(crate) const SERIES_KEYS: [&str; 6] = ["scenario", "replication", "interval", "start_s", "end_s", "clock"];

/// The cells of [`SERIES_KEYS`] for one row.
pub(crate) fn series_keys(scenario: &Scenario, replication: u64, index: usize, start: f64, end: f64) -> Vec<String> {
    vec![
        scenario.name.clone(),
        replication.to_string(),
        index.to_string(),
        number(start),
        number(end),
        clock_label(start, scenario.start_date),
    ]
}

/// The CSV cells of an estimate, in the column order every table uses:
/// `mean, ci95_low, ci95_high, ci95_half_width, replications`.
pub(crate) fn estimate_fields(e: &Estimate) -> [String; 5] {
    [number(e.ci.mean), number(e.ci.lower), number(e.ci.upper), number(e.ci.half_width), e.ci.n.to_string()]
}

/// Formats a number for CSV: shortest round-trip decimal, empty for NaN (an
/// undefined statistic, such as a percentile of no observations), so that
/// pandas, R and spreadsheets read it as missing.
pub fn number(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v}")
    }
}
