//! The tables a run prints: one scenario's verdicts, or several scenarios
//! side by side with their paired differences from the baseline. Lines
//! fit 100 columns; every figure is written by `verdict::format`.

use super::{ModelKind, PairedDifference, ScenarioView, funnel};
use crate::verdict::{self, Shown, Verdict, format};
use std::fmt::Write;

/// Widest line printed.
pub const WIDTH: usize = 100;

/// Widest label column before labels wrap.
const LABEL_WIDTH: usize = 56;

/// The verdicts of a model kind.
pub fn verdicts(kind: ModelKind) -> &'static [Verdict] {
    match kind {
        ModelKind::LaunchDay => verdict::LAUNCH,
        ModelKind::Contact => verdict::CONTACT,
        ModelKind::Network => verdict::NETWORK,
    }
}

/// An estimate as a cell: the figure, or what the verdict says when no
/// replication had it ("none due yet").
pub fn cell(shown: &Shown<'_>, view: &ScenarioView<'_>) -> String {
    format::estimate(shown.verdict.measure, &shown.estimate.ci, view.start_date, view.duration)
        .unwrap_or_else(|| shown.verdict.none.to_owned())
}

/// Splits `text` into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width { text.to_owned() } else { format!("{text}{}", " ".repeat(width - n)) }
}

fn pad_left(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width { text.to_owned() } else { format!("{}{text}", " ".repeat(width - n)) }
}

/// The header line of a scenario: name, replications, what ± means.
fn title(view: &ScenarioView<'_>) -> String {
    format!(
        "{} — {} replications; mean ± half-width of the 95% confidence interval, or mean (range) where the interval meets a bound",
        view.name, view.replications
    )
}

/// The interventions, wrapped, with clock times.
fn interventions(out: &mut String, view: &ScenarioView<'_>) {
    if view.kind != ModelKind::LaunchDay {
        return;
    }
    let items: Vec<String> = view
        .interventions
        .iter()
        .map(|(at, label)| format!("{} {label}", format::clock(*at, view.start_date)))
        .collect();
    let text = if items.is_empty() { "none".to_owned() } else { items.join("; ") };
    for (i, line) in wrap(&format!("interventions: {text}"), WIDTH - 2).into_iter().enumerate() {
        let _ = writeln!(out, "{}{line}", if i == 0 { "" } else { "  " });
    }
}

/// One scenario's verdicts, one per line.
pub fn scenario_table(view: &ScenarioView<'_>) -> String {
    let mut out = String::new();
    for line in wrap(&title(view), WIDTH) {
        let _ = writeln!(out, "{line}");
    }
    let shown = verdict::pick(view.estimates, verdicts(view.kind), view.start_date);
    let cells: Vec<String> = shown.iter().map(|s| cell(s, view)).collect();
    let value_width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    let label_width = WIDTH.saturating_sub(4 + value_width).clamp(20, LABEL_WIDTH);
    for (s, c) in shown.iter().zip(&cells) {
        let lines = wrap(&s.label, label_width);
        for (i, line) in lines.iter().enumerate() {
            if i + 1 == lines.len() {
                let _ = writeln!(out, "  {}  {}", pad(line, label_width), pad_left(c, value_width));
            } else {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    funnel_lines(&mut out, view);
    interventions(&mut out, view);
    out
}

/// The funnel, one line per step, when the day has one and its columns
/// fit the width (they always do unless a step's name is very long).
fn funnel_lines(out: &mut String, view: &ScenarioView<'_>) {
    let Some(table) = funnel::table(view) else { return };
    let step_width = table.rows.iter().map(|r| r.step.chars().count()).max().unwrap_or(0).max(4);
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            let cells = table.rows.iter().map(|r| r.cells[i].chars().count());
            cells.max().unwrap_or(0).max(funnel::COLUMNS[i].chars().count())
        })
        .collect();
    if 2 + step_width + widths.iter().map(|w| w + 2).sum::<usize>() > WIDTH {
        let _ = writeln!(out, "  funnel: too wide for the terminal; see report.html or summary.csv (funnel_*)");
        return;
    }
    let _ = writeln!(out, "  funnel (people, each once per step):");
    let mut header = format!("  {}", pad("step", step_width));
    for (c, w) in funnel::COLUMNS.iter().zip(&widths) {
        let _ = write!(header, "  {}", pad_left(c, *w));
    }
    let _ = writeln!(out, "{header}");
    for row in &table.rows {
        let mut line = format!("  {}", pad(&row.step, step_width));
        for (c, w) in row.cells.iter().zip(&widths) {
            let _ = write!(line, "  {}", pad_left(c, *w));
        }
        let _ = writeln!(out, "{line}");
    }
    for line in wrap(&table.totals.join("; "), WIDTH - 2) {
        let _ = writeln!(out, "  {line}");
    }
}

/// The narrowest a verdict's label may be squeezed to before a block of
/// the comparison table takes fewer scenarios.
const MIN_LABEL_WIDTH: usize = 20;

/// Splits the compared scenarios (their column widths) into consecutive
/// blocks that each fit [`WIDTH`] beside the label and the baseline column;
/// a scenario too wide to share a block gets one of its own.
fn blocks(baseline: usize, others: &[usize]) -> Vec<std::ops::Range<usize>> {
    // A baseline column wider than the line leaves no room: one scenario
    // per block, never an arithmetic underflow.
    let room = WIDTH.saturating_sub(2 + MIN_LABEL_WIDTH + baseline + 2);
    let mut blocks = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (k, w) in others.iter().enumerate() {
        if k > start && used + w + 2 > room {
            blocks.push(start..k);
            (start, used) = (k, 0);
        }
        used += w + 2;
    }
    if start < others.len() {
        blocks.push(start..others.len());
    }
    blocks
}

/// Several scenarios side by side: the baseline's estimates, then each
/// scenario's paired difference from it, marked ▲ (better) or ▼ (worse)
/// when it is statistically significant and at least the verdict's
/// practical threshold.
pub fn comparison_table(views: &[ScenarioView<'_>], differences: &[PairedDifference]) -> String {
    let Some((baseline, others)) = views.split_first() else { return String::new() };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} scenarios, {} replications each; baseline [1] {}",
        views.len(),
        baseline.replications,
        baseline.name
    );
    for (i, v) in others.iter().enumerate() {
        let _ = writeln!(out, "  [{}] {}", i + 2, v.name);
    }
    for line in wrap(
        "Baseline: mean ± half-width of the 95% confidence interval. Others: paired difference from the baseline \
         (scenario minus baseline) ± half-width; ▲ better, ▼ worse: significant and at least the verdict's \
         practical threshold.",
        WIDTH,
    ) {
        let _ = writeln!(out, "{line}");
    }
    let sets: Vec<_> = views.iter().filter(|v| v.kind == baseline.kind).map(|v| v.estimates).collect();
    let shown = verdict::pick_any(&sets, verdicts(baseline.kind), baseline.start_date);
    let own = |s: &Shown<'_>, v: &ScenarioView<'_>| {
        v.estimates
            .iter()
            .find(|e| e.scope == s.estimate.scope && e.metric == s.estimate.metric)
            .map(|e| cell(&Shown { verdict: s.verdict, label: String::new(), estimate: e }, v))
    };
    let difference = |s: &Shown<'_>, v: &ScenarioView<'_>| {
        differences
            .iter()
            .find(|d| d.scenario == v.name && d.scope == s.estimate.scope && d.metric == s.estimate.metric)
            .filter(|d| d.difference.mean.is_finite())
    };
    // Without a paired difference (a figure only one side has, or has in
    // some replications only), the scenario's own figure says more than a
    // dash: a room's time in line, the clock of a recovery the baseline
    // never made.
    let compared = |s: &Shown<'_>, v: &ScenarioView<'_>| match difference(s, v) {
        Some(d) => {
            let text = format::difference(s.verdict.measure, d.difference.mean, d.difference.half_width);
            let mark = match (s.verdict.matters(d, baseline.practical), s.verdict.direction(d)) {
                (true, "better") => " ▲",
                (true, "worse") => " ▼",
                (true, _) => " •",
                _ => "",
            };
            format!("{text}{mark}")
        }
        None => own(s, v).map_or_else(|| "–".to_owned(), |c| format!("= {c}")),
    };
    if shown.iter().any(|s| others.iter().any(|v| difference(s, v).is_none() && own(s, v).is_some())) {
        for line in wrap(
            "\"= x\": the scenario's own figure, where there is no paired difference (the baseline, or some \
             replications, lack the figure).",
            WIDTH,
        ) {
            let _ = writeln!(out, "{line}");
        }
    }
    let rows: Vec<(String, Vec<String>)> = shown
        .iter()
        .map(|s| {
            let mut cells = vec![own(s, baseline).unwrap_or_else(|| "–".to_owned())];
            cells.extend(others.iter().map(|v| compared(s, v)));
            (s.label.clone(), cells)
        })
        .collect();
    // Column k holds scenario [k + 1]; its width is its widest cell or header.
    let widths: Vec<usize> = (0..views.len())
        .map(|k| {
            let header = format!("[{}]", k + 1).len();
            rows.iter().map(|(_, c)| c[k].chars().count()).max().unwrap_or(0).max(header)
        })
        .collect();
    for block in blocks(widths[0], &widths[1..]) {
        let columns: Vec<usize> = std::iter::once(0).chain(block.map(|k| k + 1)).collect();
        let values: usize = columns.iter().map(|&k| widths[k] + 2).sum();
        let label_width = WIDTH.saturating_sub(2 + values).clamp(MIN_LABEL_WIDTH, LABEL_WIDTH);
        out.push('\n');
        let mut header = format!("  {}", pad("", label_width));
        for &k in &columns {
            let _ = write!(header, "  {}", pad_left(&format!("[{}]", k + 1), widths[k]));
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (label, cells) in &rows {
            let lines = wrap(label, label_width);
            for (i, line) in lines.iter().enumerate() {
                if i + 1 < lines.len() {
                    let _ = writeln!(out, "  {line}");
                    continue;
                }
                let mut text = format!("  {}", pad(line, label_width));
                for &k in &columns {
                    let _ = write!(text, "  {}", pad_left(&cells[k], widths[k]));
                }
                let _ = writeln!(out, "{text}");
            }
        }
    }
    for v in views {
        if !v.interventions.is_empty() {
            out.push('\n');
            let _ = writeln!(out, "{}:", v.name);
            interventions(&mut out, v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_share_a_block_only_while_the_lines_fit() {
        // Room beside a 20-column label and a 20-column baseline: 56.
        assert_eq!(blocks(20, &[20, 20, 20, 20]), vec![0..2, 2..4]);
        assert_eq!(blocks(20, &[10, 10, 10, 10]), vec![0..4]);
        assert_eq!(blocks(20, &[30, 30, 10]), vec![0..1, 1..3]);
        // Too wide to share: alone, never dropped.
        assert_eq!(blocks(20, &[90, 5]), vec![0..1, 1..2]);
        assert_eq!(blocks(120, &[5, 5]), vec![0..1, 1..2], "a baseline wider than the line");
        assert!(blocks(20, &[]).is_empty());
    }

    #[test]
    fn long_text_wraps_at_spaces_within_the_width() {
        let lines =
            wrap("interventions: 11:00 cache rule leaks pages; 11:30 cache rule fixed; 12:00 portal closed", 40);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "interventions: 11:00 cache rule leaks pages; 11:30 cache rule fixed; 12:00 portal closed"
        );
    }
}
