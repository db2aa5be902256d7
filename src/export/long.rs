//! Per-replication tables: combining them replication by replication, and
//! reading the long-form summary (`scenario, replication, scope, metric,
//! value`) back into estimates and paired differences.
//!
//! Every aggregate a run reports is computed from the tables as written, so
//! a run split into shards and merged reports exactly what a run on one
//! machine reports: the CSV holds each value's shortest round-trip decimal,
//! which reads back to the same `f64`.

use crate::experiment::{CONFIDENCE_LEVEL, Estimate};
use crate::report::PairedDifference;
use crate::stats::ConfidenceInterval;
use std::collections::HashMap;

/// A table that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The CSV is malformed.
    #[error("{table}: line {line}: {message}")]
    Malformed {
        /// Which table.
        table: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Tables to be combined have different columns.
    #[error("{table}: the parts have different columns")]
    Columns {
        /// Which table.
        table: String,
    },
}

fn reader(bytes: &[u8]) -> ::csv::Reader<&[u8]> {
    ::csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes)
}

fn malformed(table: &str, err: &::csv::Error) -> TableError {
    let line = err.position().map_or(0, |p| p.line());
    TableError::Malformed { table: table.into(), line, message: err.to_string() }
}

/// Combines parts of one per-replication table (the same columns, the
/// replication index in the second column) into one table whose rows are
/// grouped by replication in increasing order; within a replication, rows
/// keep the order of the parts and of each part. Combining the tables of
/// two models of one replication (a portal and its contact center), or the
/// shards of a run, both come down to this.
pub fn by_replication(table: &str, parts: &[&[u8]]) -> Result<Vec<u8>, TableError> {
    let mut header: Option<::csv::StringRecord> = None;
    let mut groups: Vec<(u64, Vec<::csv::StringRecord>)> = Vec::new();
    for part in parts {
        let mut r = reader(part);
        let h = r.headers().map_err(|e| malformed(table, &e))?.clone();
        match &header {
            None => header = Some(h),
            Some(first) if *first != h => return Err(TableError::Columns { table: table.into() }),
            Some(_) => {}
        }
        for record in r.records() {
            let record = record.map_err(|e| malformed(table, &e))?;
            let replication = replication_of(table, &record)?;
            match groups.iter_mut().find(|(r, _)| *r == replication) {
                Some((_, rows)) => rows.push(record),
                None => groups.push((replication, vec![record])),
            }
        }
    }
    groups.sort_by_key(|(r, _)| *r);
    let mut w = crate::export::csv_writer();
    if let Some(h) = &header {
        let _ = w.write_record(h);
    }
    for (_, rows) in &groups {
        for row in rows {
            let _ = w.write_record(row);
        }
    }
    Ok(crate::export::csv_bytes(w))
}

/// The replication index of a per-replication table's row: its second
/// column.
fn replication_of(table: &str, record: &::csv::StringRecord) -> Result<u64, TableError> {
    record.get(1).and_then(|v| v.parse().ok()).ok_or_else(|| TableError::Malformed {
        table: table.into(),
        line: record.position().map_or(0, |p| p.line()),
        message: "the second column must be the replication index".into(),
    })
}

/// The rows of a per-replication table whose replication `keep` accepts,
/// written as [`by_replication`] writes a table.
pub fn select(table: &str, bytes: &[u8], keep: &dyn Fn(u64) -> bool) -> Result<Vec<u8>, TableError> {
    let mut r = reader(bytes);
    let header = r.headers().map_err(|e| malformed(table, &e))?.clone();
    let mut w = crate::export::csv_writer();
    let _ = w.write_record(&header);
    for record in r.records() {
        let record = record.map_err(|e| malformed(table, &e))?;
        let replication = replication_of(table, &record)?;
        if keep(replication) {
            let _ = w.write_record(&record);
        }
    }
    Ok(crate::export::csv_bytes(w))
}

/// The replication indices a per-replication table holds (its second
/// column), each once, in the order they first appear.
pub fn replications_in(table: &str, bytes: &[u8]) -> Result<Vec<u64>, TableError> {
    let mut out: Vec<u64> = Vec::new();
    let mut r = reader(bytes);
    r.headers().map_err(|e| malformed(table, &e))?;
    for record in r.records() {
        let record = record.map_err(|e| malformed(table, &e))?;
        let replication: u64 = record.get(1).and_then(|v| v.parse().ok()).ok_or_else(|| TableError::Malformed {
            table: table.into(),
            line: record.position().map_or(0, |p| p.line()),
            message: "the second column must be the replication index".into(),
        })?;
        if out.last() != Some(&replication) && !out.contains(&replication) {
            out.push(replication);
        }
    }
    Ok(out)
}

/// `(replication, scope, metric, value)` rows of a long-form summary, in
/// file order.
pub fn rows(table: &[u8]) -> Result<Vec<(u64, String, String, f64)>, TableError> {
    let name = "replications.csv";
    let mut out = Vec::new();
    for record in reader(table).records() {
        let record = record.map_err(|e| malformed(name, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let bad = |message: &str| TableError::Malformed { table: name.into(), line, message: message.into() };
        let replication = record.get(1).and_then(|v| v.parse().ok()).ok_or_else(|| bad("bad replication"))?;
        let value = match record.get(4) {
            Some("") => f64::NAN,
            Some(v) => v.parse().map_err(|_| bad("bad value"))?,
            None => return Err(bad("missing value")),
        };
        out.push((replication, record[2].to_owned(), record[3].to_owned(), value));
    }
    Ok(out)
}

/// Means and 95% Student-t intervals of every `(scope, metric)` of a
/// long-form summary, over the replications where it is defined, in the
/// order the metrics first appear.
pub fn estimates(table: &[u8]) -> Result<Vec<Estimate>, TableError> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut values: HashMap<(String, String), Vec<f64>> = HashMap::new();
    for (_, scope, metric, value) in rows(table)? {
        let key = (scope, metric);
        if !values.contains_key(&key) {
            order.push(key.clone());
        }
        values.entry(key).or_default().push(value);
    }
    Ok(order
        .into_iter()
        .map(|key| {
            let values = values[&key].iter().copied();
            Estimate::from_values(key.0, key.1, values)
        })
        .collect())
}

/// Paired differences of every metric the two summaries share, replication
/// by replication (`variant − baseline`), with the unpaired (Welch)
/// half-width beside each, to show what common random numbers buy.
pub fn paired_differences(
    scenario: &str,
    baseline: &[u8],
    variant: &[u8],
) -> Result<Vec<PairedDifference>, TableError> {
    let base: HashMap<(u64, String, String), f64> =
        rows(baseline)?.into_iter().map(|(r, s, m, v)| ((r, s, m), v)).collect();
    /// Per metric: differences, baseline values and variant values.
    #[derive(Default)]
    struct Pairs {
        differences: Vec<f64>,
        baseline: Vec<f64>,
        variant: Vec<f64>,
    }
    let mut order: Vec<(String, String)> = Vec::new();
    let mut pairs: HashMap<(String, String), Pairs> = HashMap::new();
    for (replication, scope, metric, value) in rows(variant)? {
        let Some(b) = base.get(&(replication, scope.clone(), metric.clone())) else { continue };
        let key = (scope, metric);
        if !pairs.contains_key(&key) {
            order.push(key.clone());
        }
        let entry = pairs.entry(key).or_default();
        if value.is_finite() && b.is_finite() {
            entry.differences.push(value - b);
            entry.baseline.push(*b);
            entry.variant.push(value);
        }
    }
    Ok(order
        .into_iter()
        .map(|key| {
            let p = &pairs[&key];
            let b = ConfidenceInterval::student_t(&p.baseline, CONFIDENCE_LEVEL);
            let v = ConfidenceInterval::student_t(&p.variant, CONFIDENCE_LEVEL);
            PairedDifference {
                scenario: scenario.to_owned(),
                scope: key.0,
                metric: key.1,
                baseline: b.mean,
                variant: v.mean,
                difference: ConfidenceInterval::student_t(&p.differences, CONFIDENCE_LEVEL),
                unpaired_half_width: welch_half_width(&p.baseline, &p.variant),
            }
        })
        .collect())
}

/// Half-width of the 95% interval of a difference of two means treated as
/// independent samples (Welch–Satterthwaite degrees of freedom).
fn welch_half_width(a: &[f64], b: &[f64]) -> f64 {
    let moments = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        (n, x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0))
    };
    if a.len() < 2 || b.len() < 2 {
        return f64::NAN;
    }
    let ((na, va), (nb, vb)) = (moments(a), moments(b));
    let (sa, sb) = (va / na, vb / nb);
    let se2 = sa + sb;
    if se2 <= 0.0 {
        return 0.0;
    }
    let dof = se2 * se2 / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    crate::special::student_t_quantile(0.5 + CONFIDENCE_LEVEL / 2.0, dof) * se2.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "scenario,replication,scope,metric,value\ns,0,p,x,1\ns,0,p,y,\ns,2,p,x,3\n";
    const B: &str = "scenario,replication,scope,metric,value\ns,1,p,x,2\n";

    #[test]
    fn parts_are_regrouped_by_replication() {
        let combined = by_replication("t", &[A.as_bytes(), B.as_bytes()]).unwrap();
        let text = String::from_utf8(combined).unwrap();
        assert_eq!(text, "scenario,replication,scope,metric,value\ns,0,p,x,1\ns,0,p,y,\ns,1,p,x,2\ns,2,p,x,3\n");
        let wrong = "a,b\n1,2\n";
        assert!(matches!(by_replication("t", &[A.as_bytes(), wrong.as_bytes()]), Err(TableError::Columns { .. })));
    }

    #[test]
    fn estimates_skip_undefined_values_and_keep_first_appearance_order() {
        let combined = by_replication("t", &[A.as_bytes(), B.as_bytes()]).unwrap();
        let e = estimates(&combined).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].metric.as_str(), e[0].ci.mean, e[0].ci.n), ("x", 2.0, 3));
        assert_eq!(e[1].ci.n, 0);
    }

    #[test]
    fn pairing_removes_the_shared_noise() {
        // The variant is the baseline plus 1, replication by replication,
        // over a baseline with a large spread: the paired interval is 0 wide.
        let base = "scenario,replication,scope,metric,value\nb,0,p,x,10\nb,1,p,x,50\nb,2,p,x,90\n";
        let var = "scenario,replication,scope,metric,value\nv,0,p,x,11\nv,1,p,x,51\nv,2,p,x,91\n";
        let d = paired_differences("v", base.as_bytes(), var.as_bytes()).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].difference.mean, 1.0);
        assert_eq!(d[0].difference.half_width, 0.0);
        assert!(d[0].unpaired_half_width > 50.0);
    }

    #[test]
    fn a_malformed_summary_names_its_line() {
        let bad = "scenario,replication,scope,metric,value\ns,zero,p,x,1\n";
        let e = estimates(bad.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("replication"), "{e}");
    }
}
