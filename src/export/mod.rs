//! Exporters: results in, bytes out.
//!
//! Each format lives in its own file and returns bytes; where the bytes go
//! (a file written atomically, stdout) is the command line's business. That
//! keeps the formats testable without touching the disk.

pub mod contact;
pub mod csv;
pub mod json;
pub mod launch;
pub mod table;

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
