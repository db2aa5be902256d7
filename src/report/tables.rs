//! Per-replication tables read back from their CSV bytes, and the bands
//! the charts draw: per interval, the mean of a column across replications
//! and its 95% Student-t interval.
//!
//! The charts read the CSV a run writes rather than the results in memory,
//! so that a run split into shards and merged afterwards, whose results
//! exist only as files, draws the same pictures as a run on one machine.
//! Every table with a time series has the columns `interval` (the index),
//! `start_s` and `end_s`; the rest is whatever the exporter wrote.

use super::ReportError;
use crate::experiment::CONFIDENCE_LEVEL;
use crate::stats::ConfidenceInterval;
use crate::units::Seconds;
use std::collections::BTreeMap;

/// A CSV table held in memory, parsed once and queried column by column.
#[derive(Debug, Clone)]
pub struct Table {
    name: String,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

/// One interval of a band: its span and the mean and 95% interval of the
/// column across the replications that observed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    /// Start of the interval, seconds since time zero.
    pub start: Seconds,
    /// End of the interval, seconds since time zero.
    pub end: Seconds,
    /// Mean and 95% Student-t interval over the replications with a value
    /// in this interval; `ci.n` is how many had one (the mean is NaN when
    /// none did, the half-width NaN when fewer than two did).
    pub ci: ConfidenceInterval,
}

impl BandPoint {
    /// The middle of the interval, where a mean over it belongs on a time
    /// axis.
    pub fn mid(&self) -> Seconds {
        0.5 * (self.start + self.end)
    }
}

/// Keeps only the rows whose `column` holds exactly `value`, e.g. `("tier",
/// "database")` in `tiers.csv` or `("scope", "agents")` in a network's
/// `intervals.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter<'f> {
    /// The key column.
    pub column: &'f str,
    /// The value a row must hold in it.
    pub value: &'f str,
}

impl Table {
    /// Parses CSV bytes with a header row. `name` (the file name) only
    /// labels errors.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Table, ReportError> {
        let csv_error = |e: csv::Error| ReportError::Csv { table: name.to_owned(), message: e.to_string() };
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        let header: Vec<String> = reader.headers().map_err(csv_error)?.iter().map(str::to_owned).collect();
        let rows = reader.records().collect::<Result<Vec<_>, _>>().map_err(csv_error)?;
        Ok(Table { name: name.to_owned(), header, rows })
    }

    /// The table's name as given to [`parse`](Self::parse).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Data rows (the header not counted).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether the table has a column of this name.
    pub fn has_column(&self, column: &str) -> bool {
        self.header.iter().any(|h| h == column)
    }

    /// The position of a column, or a typed error naming it.
    pub fn column(&self, column: &str) -> Result<usize, ReportError> {
        self.header
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| ReportError::MissingColumn { table: self.name.clone(), column: column.to_owned() })
    }

    /// The distinct values of a column in order of first appearance (the
    /// exporters write tiers and stations in scenario order, which is the
    /// order a reader expects them in).
    pub fn distinct(&self, column: &str) -> Result<Vec<String>, ReportError> {
        let c = self.column(column)?;
        let mut out: Vec<String> = Vec::new();
        for row in &self.rows {
            let value = row.get(c).unwrap_or("");
            if !out.iter().any(|v| v == value) {
                out.push(value.to_owned());
            }
        }
        Ok(out)
    }

    /// The number in a cell: `None` for an empty cell (a statistic with no
    /// observation), an error for anything that is not a number. The
    /// exporters write `inf` for an infinite value; it parses and is
    /// returned as such.
    fn number(&self, row: usize, column: usize, name: &str) -> Result<Option<f64>, ReportError> {
        let cell = self.rows[row].get(column).unwrap_or("").trim();
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<f64>().map(Some).map_err(|_| ReportError::NotANumber {
            table: self.name.clone(),
            line: self.rows[row].position().map_or(row as u64 + 2, |p| p.line()),
            column: name.to_owned(),
            value: cell.to_owned(),
        })
    }

    /// Aggregates `value` per interval across replications: for every
    /// interval index present (among the rows `filter` keeps), the mean and
    /// 95% Student-t interval of the finite values, in interval order.
    ///
    /// Empty cells are missing observations and infinite values are left
    /// out likewise, so a replication that had nothing to measure in an
    /// interval does not pull its mean to zero; an interval where no
    /// replication had a value is still returned, with a NaN mean, so the
    /// chart can leave a gap there.
    pub fn bands(&self, value: &str, filter: Option<Filter<'_>>) -> Result<Vec<BandPoint>, ReportError> {
        self.bands_of(&[value], filter, |v| v[0])
    }

    /// Like [`bands`](Self::bands), for a value computed from several
    /// columns of a row: `f` gets the row's cells of `columns` in order (NaN
    /// for an empty cell) and returns the value, NaN or infinite for none.
    /// The failed share of requests is `err / (ok + err)`, computed row by
    /// row (replication by replication) before the rows are averaged.
    pub fn bands_of(
        &self,
        columns: &[&str],
        filter: Option<Filter<'_>>,
        f: impl Fn(&[f64]) -> f64,
    ) -> Result<Vec<BandPoint>, ReportError> {
        Ok(self
            .values(columns, filter, f)?
            .into_iter()
            .map(|(start, end, values)| BandPoint {
                start,
                end,
                ci: ConfidenceInterval::student_t(&values, CONFIDENCE_LEVEL),
            })
            .collect())
    }

    /// Aggregates a positive quantity on a log scale: per interval, the
    /// mean and 95% Student-t interval of the natural logarithms of the
    /// positive values, returned as `(start, end, n, mean, low, high)` of
    /// the values themselves, i.e. the geometric mean and its interval.
    /// Such an interval never reaches zero or below, as an interval of
    /// the values does with few replications spread over decades.
    pub fn log_bands(&self, value: &str, filter: Option<Filter<'_>>) -> Result<Vec<LogBand>, ReportError> {
        Ok(self
            .values(&[value], filter, |v| if v[0] > 0.0 { v[0].ln() } else { f64::NAN })?
            .into_iter()
            .map(|(start, end, logs)| {
                let ci = ConfidenceInterval::student_t(&logs, CONFIDENCE_LEVEL);
                let (lo, hi) = if ci.half_width.is_finite() {
                    ((ci.mean - ci.half_width).exp(), (ci.mean + ci.half_width).exp())
                } else {
                    (f64::NAN, f64::NAN)
                };
                LogBand { start, end, n: ci.n, mean: ci.mean.exp(), lower: lo, upper: hi }
            })
            .collect())
    }

    /// Per interval index (among the rows `filter` keeps): its span and the
    /// finite values of `f` over the rows' `columns`.
    fn values(
        &self,
        columns: &[&str],
        filter: Option<Filter<'_>>,
        f: impl Fn(&[f64]) -> f64,
    ) -> Result<Vec<(f64, f64, Vec<f64>)>, ReportError> {
        let index = self.column("interval")?;
        let start = self.column("start_s")?;
        let end = self.column("end_s")?;
        let cols = columns.iter().map(|c| self.column(c)).collect::<Result<Vec<_>, _>>()?;
        let key = filter.map(|f| self.column(f.column).map(|c| (c, f.value))).transpose()?;
        let mut intervals: BTreeMap<u64, (f64, f64, Vec<f64>)> = BTreeMap::new();
        let mut cells = vec![f64::NAN; cols.len()];
        for (r, row) in self.rows.iter().enumerate() {
            if let Some((c, wanted)) = key
                && row.get(c) != Some(wanted)
            {
                continue;
            }
            let i = self.number(r, index, "interval")?.unwrap_or(f64::NAN);
            if !(i >= 0.0 && i.fract() == 0.0 && i < 9.0e15) {
                return Err(ReportError::NotANumber {
                    table: self.name.clone(),
                    line: row.position().map_or(r as u64 + 2, |p| p.line()),
                    column: "interval".into(),
                    value: row.get(index).unwrap_or("").to_owned(),
                });
            }
            let s = self.number(r, start, "start_s")?.unwrap_or(f64::NAN);
            let e = self.number(r, end, "end_s")?.unwrap_or(f64::NAN);
            let entry = intervals.entry(i as u64).or_insert((s, e, Vec::new()));
            for (cell, (&c, name)) in cells.iter_mut().zip(cols.iter().zip(columns)) {
                *cell = self.number(r, c, name)?.unwrap_or(f64::NAN);
            }
            let x = f(&cells);
            if x.is_finite() {
                entry.2.push(x);
            }
        }
        Ok(intervals.into_values().collect())
    }
}

/// One interval of a band computed on a log scale (see
/// [`Table::log_bands`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogBand {
    /// Start of the interval, seconds since time zero.
    pub start: Seconds,
    /// End of the interval, seconds since time zero.
    pub end: Seconds,
    /// Replications with a positive value in the interval.
    pub n: usize,
    /// The geometric mean (NaN when none had a value).
    pub mean: f64,
    /// Lower end of its 95% interval (NaN with fewer than two values).
    pub lower: f64,
    /// Upper end of its 95% interval (NaN with fewer than two values).
    pub upper: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIERS: &str = "\
scenario,replication,interval,start_s,end_s,clock,tier,queue_len_mean,utilisation
s,0,0,0,300,00:00:00,app,1,0.5
s,0,0,0,300,00:00:00,db,10,0.9
s,0,1,300,600,00:05:00,app,2,
s,0,1,300,600,00:05:00,db,20,1
s,1,0,0,300,00:00:00,app,3,0.7
s,1,0,0,300,00:00:00,db,30,0.8
s,1,1,300,600,00:05:00,app,6,
s,1,1,300,600,00:05:00,db,40,1
s,2,0,0,300,00:00:00,app,5,0.6
s,2,0,0,300,00:00:00,db,50,0.7
s,2,1,300,600,00:05:00,app,7,0.4
s,2,1,300,600,00:05:00,db,60,1
";

    fn tiers() -> Table {
        Table::parse("tiers.csv", TIERS.as_bytes()).unwrap()
    }

    #[test]
    fn bands_average_each_interval_across_replications() {
        let app = tiers().bands("queue_len_mean", Some(Filter { column: "tier", value: "app" })).unwrap();
        assert_eq!(app.len(), 2);
        assert_eq!((app[0].start, app[0].end, app[0].mid()), (0.0, 300.0, 150.0));
        assert_eq!((app[1].start, app[1].end), (300.0, 600.0));
        // Interval 0: 1, 3, 5 → mean 3, s = 2, t(0.975, 2) = 4.302652729749464.
        assert_eq!(app[0].ci.mean, 3.0);
        assert_eq!(app[0].ci.n, 3);
        assert!((app[0].ci.half_width - 4.302_652_729_749_464 * 2.0 / 3f64.sqrt()).abs() < 1e-9);
        // Interval 1: 2, 6, 7 → mean 5, s² = (9 + 1 + 4) / 2 = 7.
        assert_eq!(app[1].ci.mean, 5.0);
        assert!((app[1].ci.half_width - 4.302_652_729_749_464 * (7.0f64 / 3.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn the_filter_keeps_only_the_rows_of_its_key() {
        let db = tiers().bands("queue_len_mean", Some(Filter { column: "tier", value: "db" })).unwrap();
        assert_eq!(db[0].ci.mean, 30.0);
        assert_eq!(db[1].ci.mean, 40.0);
        // Without a filter every row of an interval counts.
        let all = tiers().bands("queue_len_mean", None).unwrap();
        assert_eq!(all[0].ci.n, 6);
        assert!((all[0].ci.mean - 99.0 / 6.0).abs() < 1e-12);
        // A key that is not there gives intervals with no rows: none at all.
        let none = tiers().bands("queue_len_mean", Some(Filter { column: "tier", value: "cache" })).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn empty_cells_are_missing_values_not_zeros() {
        let app = tiers().bands("utilisation", Some(Filter { column: "tier", value: "app" })).unwrap();
        assert_eq!(app[0].ci.n, 3);
        assert!((app[0].ci.mean - 0.6).abs() < 1e-12);
        // Only replication 2 measured interval 1: a mean and no spread.
        assert_eq!(app[1].ci.n, 1);
        assert_eq!(app[1].ci.mean, 0.4);
        assert!(app[1].ci.half_width.is_nan());
        // Identical values give a zero-width band.
        let db = tiers().bands("utilisation", Some(Filter { column: "tier", value: "db" })).unwrap();
        assert_eq!((db[1].ci.mean, db[1].ci.half_width), (1.0, 0.0));
    }

    #[test]
    fn an_interval_no_replication_measured_is_kept_with_a_nan_mean() {
        let text = "interval,start_s,end_s,x\n0,0,60,1\n1,60,120,\n0,0,60,3\n1,60,120,\n";
        let bands = Table::parse("t.csv", text.as_bytes()).unwrap().bands("x", None).unwrap();
        assert_eq!(bands.len(), 2);
        assert_eq!(bands[0].ci.mean, 2.0);
        assert_eq!(bands[1].ci.n, 0);
        assert!(bands[1].ci.mean.is_nan());
    }

    #[test]
    fn intervals_come_out_in_index_order_whatever_the_row_order() {
        let text = "interval,start_s,end_s,x\n2,20,30,5\n0,0,10,1\n1,10,20,3\n";
        let bands = Table::parse("t.csv", text.as_bytes()).unwrap().bands("x", None).unwrap();
        let means: Vec<f64> = bands.iter().map(|b| b.ci.mean).collect();
        assert_eq!(means, [1.0, 3.0, 5.0]);
        assert_eq!(bands[2].start, 20.0);
    }

    #[test]
    fn a_missing_column_is_a_typed_error_naming_it() {
        let err = tiers().bands("queue_length", None).unwrap_err();
        assert_eq!(err, ReportError::MissingColumn { table: "tiers.csv".into(), column: "queue_length".into() });
        let err = tiers().bands("utilisation", Some(Filter { column: "station", value: "db" })).unwrap_err();
        assert!(matches!(err, ReportError::MissingColumn { ref column, .. } if column == "station"), "{err}");
        let no_time = Table::parse("x.csv", b"a,b\n1,2\n").unwrap();
        assert!(matches!(no_time.bands("a", None), Err(ReportError::MissingColumn { .. })));
    }

    #[test]
    fn a_cell_that_is_not_a_number_names_its_line_and_column() {
        let text = "interval,start_s,end_s,x\n0,0,10,1\n0,0,10,many\n";
        let err = Table::parse("t.csv", text.as_bytes()).unwrap().bands("x", None).unwrap_err();
        assert_eq!(
            err,
            ReportError::NotANumber { table: "t.csv".into(), line: 3, column: "x".into(), value: "many".into() }
        );
        assert_eq!(err.to_string(), "t.csv, line 3: column `x` holds `many`, not a number");
        let bad_index = "interval,start_s,end_s,x\n-1,0,10,1\n";
        let err = Table::parse("t.csv", bad_index.as_bytes()).unwrap().bands("x", None).unwrap_err();
        assert!(matches!(err, ReportError::NotANumber { ref column, .. } if column == "interval"), "{err}");
    }

    #[test]
    fn log_bands_are_geometric_means_with_intervals_of_the_logarithms() {
        // 0.05 s, 0.05 s and 50 s: the arithmetic interval reaches far
        // below zero; the one of the logarithms stays positive.
        let text = "interval,start_s,end_s,x\n0,0,60,0.05\n0,0,60,0.05\n0,0,60,50\n1,60,120,0\n1,60,120,\n";
        let table = Table::parse("t.csv", text.as_bytes()).unwrap();
        let plain = table.bands("x", None).unwrap();
        assert!(plain[0].ci.lower < 0.0);
        let log = table.log_bands("x", None).unwrap();
        let m = (0.05f64.ln() * 2.0 + 50f64.ln()) / 3.0;
        assert!((log[0].mean - m.exp()).abs() < 1e-12);
        assert!(log[0].lower > 0.0 && log[0].lower < log[0].mean && log[0].upper > log[0].mean);
        let sd = ((2.0 * (0.05f64.ln() - m).powi(2) + (50f64.ln() - m).powi(2)) / 2.0).sqrt();
        let h = 4.302_652_729_749_464 * sd / 3f64.sqrt();
        assert!((log[0].lower - (m - h).exp()).abs() < 1e-12);
        // Zero and empty cells have no logarithm: no value, a gap.
        assert_eq!(log[1].n, 0);
        assert!(log[1].mean.is_nan());
    }

    #[test]
    fn a_value_can_be_computed_from_several_columns_row_by_row() {
        let text = "interval,start_s,end_s,ok,err\n0,0,60,3,1\n0,0,60,1,1\n0,0,60,0,0\n";
        let table = Table::parse("t.csv", text.as_bytes()).unwrap();
        let failed = table.bands_of(&["ok", "err"], None, |v| v[1] / (v[0] + v[1])).unwrap();
        // Rows give 0.25 and 0.5; the row with nothing answered has no share.
        assert_eq!(failed[0].ci.n, 2);
        assert!((failed[0].ci.mean - 0.375).abs() < 1e-12);
    }

    #[test]
    fn a_ragged_table_is_a_csv_error() {
        let err = Table::parse("t.csv", b"a,b\n1,2\n3\n").unwrap_err();
        assert!(matches!(err, ReportError::Csv { ref table, .. } if table == "t.csv"), "{err}");
    }

    #[test]
    fn distinct_values_keep_their_first_appearance_order() {
        assert_eq!(tiers().distinct("tier").unwrap(), ["app", "db"]);
        assert_eq!(tiers().len(), 12);
        assert!(!tiers().is_empty() && tiers().has_column("clock") && !tiers().has_column("scope"));
    }
}
