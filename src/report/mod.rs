//! Pictures and reports of a run: charts (PNG and SVG), a self-contained
//! HTML report and a Markdown summary, built from the per-replication tables
//! a run writes.
//!
//! Everything here reads the same CSV bytes that go to disk, so a run split
//! into shards and merged later draws exactly the same pictures as a run on
//! one machine.

use crate::experiment::Estimate;
use crate::stats::ConfidenceInterval;
use crate::units::{Date, Seconds};

mod axis;
pub mod charts;
mod draw;
pub mod funnel;
pub mod html;
pub mod story;
pub mod tables;
pub mod terminal;

pub use charts::{figures, sweep_figure};
pub use html::{markdown_summary, report_html};

/// Why a chart or a table could not be made.
///
/// The tables come from a run's own exporters, so these errors mean a
/// partial result was damaged or put together from different versions; each
/// names the table and, where it can, the line and column to look at.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The bytes are not CSV (a row with the wrong number of cells, or
    /// text that is not UTF-8).
    #[error("{table}: not a valid CSV table: {message}")]
    Csv {
        /// Table (file) name.
        table: String,
        /// What the CSV reader found.
        message: String,
    },
    /// A column a chart needs is not in the table.
    #[error("{table}: no column `{column}`")]
    MissingColumn {
        /// Table (file) name.
        table: String,
        /// The column looked for.
        column: String,
    },
    /// A cell that must hold a number holds something else.
    #[error("{table}, line {line}: column `{column}` holds `{value}`, not a number")]
    NotANumber {
        /// Table (file) name.
        table: String,
        /// 1-based line in the file (the header is line 1).
        line: u64,
        /// Column name.
        column: String,
        /// The cell's text.
        value: String,
    },
    /// A table a scenario of this kind always writes is missing.
    #[error("scenario {scenario}: no table `{table}`")]
    MissingTable {
        /// Scenario name.
        scenario: String,
        /// Table (file) name.
        table: String,
    },
    /// A sweep chart was asked for with no points to draw.
    #[error("sweep chart `{title}` has no points")]
    EmptySweep {
        /// The chart's title.
        title: String,
    },
    /// The plotting library refused to draw (a font it could not load, a
    /// backend error).
    #[error("drawing chart `{chart}`: {message}")]
    Draw {
        /// The chart's file stem.
        chart: String,
        /// The library's message.
        message: String,
    },
    /// The picture could not be encoded as PNG.
    #[error("encoding chart `{chart}` as PNG: {message}")]
    Encode {
        /// The chart's file stem.
        chart: String,
        /// The encoder's message.
        message: String,
    },
}

/// Which model a scenario holds (decides which charts make sense).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// A queueing network.
    Network,
    /// A launch day (possibly with its contact center).
    LaunchDay,
    /// A contact center on its own.
    Contact,
}

/// What one scenario of a run produced, as the report sees it.
#[derive(Debug, Clone)]
pub struct ScenarioView<'a> {
    /// Scenario name.
    pub name: &'a str,
    /// The scenario's narrative (its `description`).
    pub description: &'a str,
    /// Calendar date of time zero, for clock labels.
    pub start_date: Option<Date>,
    /// The model kind.
    pub kind: ModelKind,
    /// Simulated time of one replication, in seconds.
    pub duration: Seconds,
    /// Scheduled interventions: time in seconds and label.
    pub interventions: Vec<(Seconds, String)>,
    /// Spans of time when the portal was closed by an intervention (its
    /// holding page served), `(from, to)` in seconds.
    pub closed: Vec<(Seconds, Seconds)>,
    /// Whether the launch day has a waiting room.
    pub waiting_room: bool,
    /// The phone line's parameters the charts need, when there is one.
    pub phone: Option<PhoneView>,
    /// The per-replication tables as written to disk: `(file name, CSV
    /// bytes)`, e.g. `intervals.csv`, `tiers.csv`, `phone_intervals.csv`,
    /// `social_intervals.csv`, `contacts.csv`, `replications.csv`.
    pub tables: Vec<(&'a str, &'a [u8])>,
    /// Means and 95% intervals of the summary metrics.
    pub estimates: &'a [Estimate],
    /// Replications run.
    pub replications: u32,
    /// For a run sized by precision, how the rule chose `replications`.
    pub precision: Option<&'a crate::precision::Assessment>,
    /// Run seed.
    pub seed: u64,
    /// The scenario's own practical thresholds, in force when it is the
    /// baseline of a comparison.
    pub practical: &'a [crate::verdict::Override],
}

/// What the charts need to know of a phone line besides its tables.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneView {
    /// Mean handle time of a call, in seconds.
    pub handle_time: Seconds,
    /// The answer target of the service level (the 20 of "80/20"), in
    /// seconds.
    pub answer_target: Seconds,
    /// Spans when the line is closed (outside its opening hours, or on a
    /// day off), `(from, to)` in seconds.
    pub closed: Vec<(Seconds, Seconds)>,
}

/// A paired difference of one metric between a scenario and the baseline
/// (the first scenario of the run), over replications that share their
/// random numbers.
#[derive(Debug, Clone)]
pub struct PairedDifference {
    /// The scenario compared with the baseline.
    pub scenario: String,
    /// Scope of the metric (`portal`, `phone`, a station name, ...).
    pub scope: String,
    /// Metric name.
    pub metric: String,
    /// Mean of the metric in the baseline.
    pub baseline: f64,
    /// Mean of the metric in the scenario.
    pub variant: f64,
    /// Mean and 95% interval of (scenario − baseline), replication by
    /// replication.
    pub difference: ConfidenceInterval,
    /// Half-width the interval would have if the replications were treated
    /// as independent (Welch), to show what pairing buys.
    pub unpaired_half_width: f64,
}

/// One chart, as a PNG and as SVG for a wide page and for a phone.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem, e.g. `outage`; written as `plots/<stem>.png` and `.svg`.
    pub stem: String,
    /// The chart's title.
    pub title: String,
    /// PNG bytes (the wide layout).
    pub png: Vec<u8>,
    /// SVG text, laid out 1200 pixels wide.
    pub svg: String,
    /// SVG text laid out for a phone: 520 pixels wide, panels in one
    /// column, text as large relative to the width as the page allows.
    pub svg_narrow: String,
}

/// One line of a sweep chart: a summary metric against a swept parameter.
#[derive(Debug, Clone)]
pub struct SweepSeries {
    /// Legend label (the values of the other swept parameters).
    pub label: String,
    /// `(parameter value, estimate)` in increasing parameter value.
    pub points: Vec<(f64, ConfidenceInterval)>,
}
