//! A launch day's funnel as the reports show it: one row per step (people
//! who reached it, people the portal failed there, people who left by
//! choice after it) and the intenders' completions under it, read from the
//! scenario's summary estimates. Only a day that models leaving by choice
//! (browsers, continue shares) has a funnel.

use super::ScenarioView;
use crate::experiment::Estimate;
use crate::verdict::{self, FUNNEL_FAILED, FUNNEL_LEFT_BY_CHOICE, FUNNEL_REACHED};

/// Column headings, after the step's.
pub const COLUMNS: [&str; 3] = ["reached", "failed by the portal", "left by choice after it"];

/// What the table counts, for a note under it.
pub const NOTE: &str = "People, each counted once per step: reached = sent a request of the step; failed by the \
                        portal = a visit of theirs ended there, every retry spent; left by choice = went no further \
                        after the step succeeded (a continue share, or a browser at the submission).";

/// One step of the funnel, its figures as text.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelRow {
    /// The step's name as in the metric names, words apart.
    pub step: String,
    /// Reached, failed, left by choice.
    pub cells: [String; 3],
}

/// A scenario's funnel: its rows and the lines under them.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelTable {
    /// Steps in journey order.
    pub rows: Vec<FunnelRow>,
    /// Arrivals, browsers, the intenders' completions and where the rest
    /// went, one item each.
    pub totals: Vec<String>,
}

/// The funnel of `view`, if its summary has one.
pub fn table(view: &ScenarioView<'_>) -> Option<FunnelTable> {
    let text = |e: &Estimate| verdict::estimate_text(e, view.start_date, view.duration);
    let find = |metric: &str| view.estimates.iter().find(|e| e.metric == metric);
    let cell = |metric: String| find(&metric).map_or_else(|| "–".to_owned(), text);
    let rows: Vec<FunnelRow> = view
        .estimates
        .iter()
        .filter_map(|e| e.metric.strip_prefix(FUNNEL_REACHED))
        .map(|step| FunnelRow {
            step: step.replace('_', " "),
            cells: [
                cell(format!("{FUNNEL_REACHED}{step}")),
                cell(format!("{FUNNEL_FAILED}{step}")),
                cell(format!("{FUNNEL_LEFT_BY_CHOICE}{step}")),
            ],
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut totals = Vec::new();
    for (metric, what) in [
        ("applicants", "arrived"),
        ("browsers", "of whom browsers (never meant to apply)"),
        ("applicants_done", "intenders who finished"),
        ("applications", "applications completed (by intenders only)"),
        ("applicants_left_by_choice", "left by choice in all"),
        ("applicants_given_up", "gave up after the portal failed them (at a step or in a waiting room's line)"),
        ("applicants_gone_for_now", "gone for now at the end"),
        // Only on a day with a stock.
        ("people_sold_out", "turned away because the stock had sold out"),
    ] {
        if let Some(e) = find(metric) {
            totals.push(format!("{what}: {}", text(e)));
        }
    }
    Some(FunnelTable { rows, totals })
}
