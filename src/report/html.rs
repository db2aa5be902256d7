//! The run's report as one self-contained HTML file, and the Markdown
//! summary printed at the end of a run.
//!
//! The report is what a teacher hands to a class and a planner to a
//! manager: it has to open anywhere, offline, years later. So it carries
//! everything inline (the charts as SVG, the style sheet), fetches nothing
//! and runs no script; its tables scroll sideways on a phone, and its print
//! style drops the navigation and keeps figures whole on a page.

use super::{Figure, ModelKind, PairedDifference, ScenarioView};
use super::{funnel, story, terminal};
use crate::verdict::{self, Better, Measure, Shown, Verdict, format};
use std::fmt::Write;

fn kind_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::LaunchDay => "launch day",
        ModelKind::Contact => "contact center",
        ModelKind::Network => "queueing network",
    }
}

/// Whether a verdict is better higher or lower, in words for a table.
fn better_text(verdict: &Verdict) -> &'static str {
    match verdict.better {
        Better::Higher => "higher",
        Better::Lower => "lower",
        Better::Neither => "–",
    }
}

/// An estimate's text, or what the verdict says when nothing was counted.
fn estimate_cell(shown: &Shown<'_>, view: &ScenarioView<'_>) -> String {
    terminal::cell(shown, view)
}

/// For each scenario, whether its mean is the best of the run on this
/// verdict (ties all marked); nothing is marked for a single scenario or a
/// verdict that does not judge.
/// One verdict's estimates across the scenarios of a scorecard, and which
/// of them is the best.
fn scorecard_row<'v>(
    s: &Shown<'_>,
    of_kind: &[&'v ScenarioView<'v>],
) -> (Vec<Option<&'v crate::experiment::Estimate>>, Vec<bool>) {
    let estimates: Vec<Option<&crate::experiment::Estimate>> = of_kind
        .iter()
        .map(|v| v.estimates.iter().find(|e| e.scope == s.estimate.scope && e.metric == s.estimate.metric))
        .collect();
    let means: Vec<Option<f64>> = estimates.iter().map(|e| e.filter(|e| e.ci.n > 0).map(|e| e.ci.mean)).collect();
    let best = best_of(s.verdict, &means);
    (estimates, best)
}

fn best_of(verdict: &Verdict, means: &[Option<f64>]) -> Vec<bool> {
    let defined: Vec<f64> = means.iter().flatten().copied().filter(|m| m.is_finite()).collect();
    if defined.len() < 2 || verdict.better == Better::Neither {
        return vec![false; means.len()];
    }
    let best = match verdict.better {
        Better::Higher => defined.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        _ => defined.iter().copied().fold(f64::INFINITY, f64::min),
    };
    if defined.iter().all(|m| *m == best) {
        return vec![false; means.len()];
    }
    means.iter().map(|m| m.is_some_and(|m| m == best)).collect()
}

/// Escapes text for HTML and SVG element content and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { --ink: #212121; --muted: #5a5a5a; --rule: #d9d9d9; --band: #f4f4f4; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0 .8rem; max-width: 75ch; }
.meta, .note, figcaption, footer { color: var(--muted); font-size: .92rem; }
nav ul { list-style: none; padding: 0; margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
nav a, a { color: var(--accent); }
article { margin-bottom: 2rem; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .3rem 0 1rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .95rem; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
thead th { background: var(--band); position: sticky; top: 0; }
tr.sig td.diff { font-weight: 600; }
details { margin: .3rem 0 1rem; }
summary { cursor: pointer; color: var(--accent); }
figure { margin: 1.2rem 0 2rem; }
figure svg { display: block; width: 100%; height: auto; max-width: 1200px; border: 1px solid var(--rule); }
figure svg.narrow { display: none; max-width: 640px; }
ul.interventions { margin: .2rem 0 1rem; padding-left: 1.2rem; }
@media (max-width: 700px) {
  body { font-size: 15px; }
  th, td { padding: .25rem .45rem; }
  figure svg.wide { display: none; }
  figure svg.narrow { display: block; }
}
@media print {
  body { font-size: 10pt; }
  nav, summary { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  figure, table, tr { break-inside: avoid; }
  figure svg { border: none; max-height: 45vh; }
  figure svg.wide { display: block; }
  figure svg.narrow { display: none; }
  .scroll { overflow: visible; }
  thead th { position: static; }
}
";

/// Writes the scenario's verdict table and the complete one.
fn scenario_section(out: &mut String, view: &ScenarioView<'_>, anchor: &str) {
    let _ = writeln!(out, "<article id=\"{anchor}\">");
    let _ = writeln!(out, "<h2>{}</h2>", escape(view.name));
    let mut meta = format!(
        "{}, {} replications, seed {}, {} simulated",
        kind_name(view.kind),
        view.replications,
        view.seed,
        format::duration(view.duration)
    );
    if let Some(date) = view.start_date {
        let _ = write!(meta, " from {date} 00:00");
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&meta));
    if let Some(p) = view.precision {
        let _ = writeln!(out, "<p class=\"meta\">Sized by precision: {}.</p>", escape(&precision_text(p)));
    }
    for paragraph in view.description.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let joined: Vec<&str> = paragraph.lines().map(str::trim).collect();
        let _ = writeln!(out, "<p>{}</p>", escape(&joined.join(" ")));
    }
    if !view.interventions.is_empty() {
        let _ = writeln!(out, "<h3>Interventions</h3>\n<ul class=\"interventions\">");
        for (at, label) in &view.interventions {
            let _ = writeln!(out, "<li>{} — {}</li>", escape(&format::clock(*at, view.start_date)), escape(label));
        }
        let _ = writeln!(out, "</ul>");
    }
    let shown = verdict::pick(view.estimates, terminal::verdicts(view.kind), view.start_date);
    if !shown.is_empty() {
        let _ = writeln!(out, "<h3>Verdicts</h3>");
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table>\n<thead><tr><th>verdict</th><th class=\"num\">mean, 95% CI</th>\
             <th>better</th><th class=\"num\">replications</th></tr></thead>\n<tbody>"
        );
        for s in &shown {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&s.label),
                escape(&estimate_cell(s, view)),
                better_text(s.verdict),
                s.estimate.ci.n
            );
        }
        let _ = writeln!(out, "</tbody></table></div>");
    }
    if let Some(table) = funnel::table(view) {
        let _ = writeln!(out, "<h3>Funnel</h3>");
        let _ = write!(out, "<div class=\"scroll\"><table>\n<thead><tr><th>step</th>");
        for column in funnel::COLUMNS {
            let _ = write!(out, "<th class=\"num\">{}</th>", escape(column));
        }
        let _ = writeln!(out, "</tr></thead>\n<tbody>");
        for row in &table.rows {
            let _ = write!(out, "<tr><td>{}</td>", escape(&row.step));
            for c in &row.cells {
                let _ = write!(out, "<td class=\"num\">{}</td>", escape(c));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody></table></div>");
        let _ = writeln!(out, "<p>{}</p>", escape(&table.totals.join("; ")));
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(funnel::NOTE));
    }
    if !view.estimates.is_empty() {
        let _ = writeln!(out, "<details><summary>All {} summary metrics</summary>", view.estimates.len());
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table>\n<thead><tr><th>scope</th><th>metric</th><th class=\"num\">mean, 95% CI</th>\
             <th class=\"num\">replications</th></tr></thead>\n<tbody>"
        );
        for e in view.estimates {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&e.scope),
                escape(&e.metric),
                escape(&verdict::estimate_text(e, view.start_date, view.duration)),
                e.ci.n
            );
        }
        let _ = writeln!(out, "</tbody></table></div></details>");
    }
    let _ = writeln!(out, "</article>");
}

/// The scorecard: scenarios side by side on the verdicts a reader takes
/// away, the best of each marked.
fn scorecard(out: &mut String, views: &[ScenarioView<'_>]) {
    for kind in [ModelKind::LaunchDay, ModelKind::Contact, ModelKind::Network] {
        let of_kind: Vec<&ScenarioView<'_>> = views.iter().filter(|v| v.kind == kind).collect();
        let Some(first) = of_kind.first() else { continue };
        let sets: Vec<_> = of_kind.iter().map(|v| v.estimates).collect();
        let shown: Vec<Shown<'_>> = verdict::pick_any(&sets, terminal::verdicts(kind), first.start_date)
            .into_iter()
            .filter(|s| s.verdict.scorecard)
            .collect();
        if shown.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<div class=\"scroll\"><table class=\"scorecard\">\n<thead><tr><th>verdict</th><th>better</th>"
        );
        for v in &of_kind {
            let _ = write!(out, "<th class=\"num\">{}</th>", escape(v.name));
        }
        let _ = writeln!(out, "</tr></thead>\n<tbody>");
        for s in &shown {
            let (estimates, best) = scorecard_row(s, &of_kind);
            let _ = write!(out, "<tr><td>{}</td><td>{}</td>", escape(&s.label), better_text(s.verdict));
            for ((v, e), is_best) in of_kind.iter().zip(&estimates).zip(best) {
                let text = match e {
                    Some(e) => {
                        let here = Shown { verdict: s.verdict, label: s.label.clone(), estimate: e };
                        estimate_cell(&here, v)
                    }
                    None => "–".to_owned(),
                };
                if is_best {
                    let _ = write!(
                        out,
                        "<td class=\"num best\"><span class=\"mark\" title=\"best\">★</span> {}</td>",
                        escape(&text)
                    );
                } else {
                    let _ = write!(out, "<td class=\"num\">{}</td>", escape(&text));
                }
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody></table></div>");
    }
}

/// What happened, as generated from the results: the baseline's day in
/// time order, then what each other scenario changed, then the annotated
/// timeline.
fn story_section(out: &mut String, views: &[ScenarioView<'_>], differences: &[PairedDifference], figures: &[Figure]) {
    let Some(base) = views.first() else { return };
    let told = story::scenario_story(base);
    let changed = story::counterfactuals(views, differences);
    if told.is_empty() && changed.is_empty() {
        return;
    }
    let _ = writeln!(out, "<section id=\"story\">\n<h2>What happened</h2>");
    if !told.is_empty() {
        let _ = writeln!(out, "<h3>{}</h3>", escape(base.name));
        for paragraph in told {
            let _ = writeln!(out, "<p>{}</p>", escape(&paragraph));
        }
    }
    if !changed.is_empty() {
        let _ = writeln!(out, "<h3>What the other scenarios changed</h3>");
        for paragraph in changed {
            let _ = writeln!(out, "<p>{}</p>", escape(&paragraph));
        }
    }
    if let Some(f) = figures.iter().find(|f| f.stem == "timeline") {
        figure(out, f);
    }
    let _ = writeln!(out, "</section>");
}

/// An SVG of a figure, its XML declaration dropped, labelled for screen
/// readers and classed for the style sheet.
fn inline_svg(svg: &str, title: &str, class: &str) -> String {
    let svg = svg.trim();
    let svg = svg.strip_prefix("<?xml").map_or(svg, |rest| rest.split_once("?>").map_or(rest, |(_, s)| s.trim()));
    match svg.strip_prefix("<svg") {
        Some(rest) => format!("<svg class=\"{class}\" role=\"img\" aria-label=\"{}\"{rest}", escape(title)),
        None => svg.to_owned(),
    }
}

/// A figure, inline: the wide drawing, and the one laid out for a phone
/// that the style sheet shows instead on a narrow screen.
fn figure(out: &mut String, f: &Figure) {
    let wide = inline_svg(&f.svg, &f.title, "wide");
    let narrow = if f.svg_narrow.is_empty() { String::new() } else { inline_svg(&f.svg_narrow, &f.title, "narrow") };
    let _ = writeln!(
        out,
        "<figure id=\"{}\">\n{wide}\n{narrow}\n<figcaption>{}</figcaption>\n</figure>",
        anchor("figure", &f.stem),
        escape(&f.title)
    );
}

/// Writes a table of differences of verdicts: the rows that are both
/// significant and at least the verdict's practical threshold are bold,
/// with the direction in words.
fn difference_table(out: &mut String, rows: &[(&PairedDifference, &'static Verdict, String)], view: &ScenarioView<'_>) {
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>verdict</th><th class=\"num\">baseline</th>\
         <th class=\"num\">scenario</th><th class=\"num\">difference ± 95% CI (paired)</th>\
         <th>reading</th><th class=\"num\">± if unpaired</th></tr></thead>\n<tbody>"
    );
    for (d, verdict, label) in rows {
        let matters = verdict.matters(d, view.practical);
        let reading = match (matters, verdict.direction(d)) {
            (true, "") => "changed".to_owned(),
            (true, dir) => dir.to_owned(),
            (false, _) if d.difference.lower > 0.0 || d.difference.upper < 0.0 => {
                "below the practical threshold".to_owned()
            }
            _ => "no clear difference".to_owned(),
        };
        let value = |x: f64| format::value(verdict.measure, x, view.start_date);
        let unpaired = if d.unpaired_half_width.is_finite() {
            format!(
                "± {}",
                format::difference(verdict.measure, d.unpaired_half_width, f64::NAN).trim_start_matches('+')
            )
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num diff\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            if matters { " class=\"sig\"" } else { "" },
            escape(label),
            escape(&value(d.baseline)),
            escape(&value(d.variant)),
            escape(&format::difference(verdict.measure, d.difference.mean, d.difference.half_width)),
            escape(&reading),
            escape(&unpaired)
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
}

/// Every difference, plainly: the metrics without a verdict included.
fn all_differences_table(out: &mut String, rows: &[&PairedDifference]) {
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>scope</th><th>metric</th><th class=\"num\">baseline</th>\
         <th class=\"num\">scenario</th><th class=\"num\">difference ± 95% CI (paired)</th></tr></thead>\n<tbody>"
    );
    for d in rows {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&d.scope),
            escape(&d.metric),
            escape(&format::number(d.baseline)),
            escape(&format::number(d.variant)),
            escape(&format::difference(Measure::Number, d.difference.mean, d.difference.half_width))
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
}

/// The differences of one scenario's verdicts, in the verdicts' order.
fn verdict_differences<'d>(
    of: &[&'d PairedDifference],
    view: &ScenarioView<'_>,
) -> Vec<(&'d PairedDifference, &'static Verdict, String)> {
    let mut rows = Vec::new();
    for s in verdict::pick(view.estimates, terminal::verdicts(view.kind), view.start_date) {
        if let Some(d) = of.iter().find(|d| d.scope == s.estimate.scope && d.metric == s.estimate.metric) {
            rows.push((*d, s.verdict, s.label));
        }
    }
    rows
}

/// An anchor id from a name: letters, digits and `-` only.
fn anchor(prefix: &str, name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("{prefix}-{cleaned}")
}

/// The run's report: one self-contained HTML document with each
/// scenario's narrative, interventions, headline verdicts with 95%
/// confidence intervals (and every summary metric in a collapsed table),
/// the paired differences against the baseline (the first scenario) next
/// to the half-width they would have unpaired, and the figures as inline
/// SVG. All text is escaped; nothing is fetched when it is opened.
pub fn report_html(views: &[ScenarioView<'_>], differences: &[PairedDifference], figures: &[Figure]) -> String {
    let names: Vec<&str> = views.iter().map(|v| v.name).collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>clickday report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape(&names.join(", "))
    );
    let _ = writeln!(out, "<header>\n<h1>clickday report</h1>");
    let mut intro = match views {
        [] => "No scenario was run.".to_owned(),
        [one] => format!("One scenario, {}, with {} replications.", one.name, one.replications),
        [first, rest @ ..] => format!(
            "{} scenarios; {} is the baseline the others are compared with. Replication i of every scenario \
             draws the same random numbers, so differences are paired.",
            rest.len() + 1,
            first.name
        ),
    };
    intro.push_str(
        " Every figure is a mean across replications with its 95% confidence interval (Student t): ± its \
         half-width, or the range where the interval meets what is possible (no count below zero, no share \
         above 100%).",
    );
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&intro));
    let _ = writeln!(out, "<nav><ul>");
    let _ = writeln!(out, "<li><a href=\"#scorecard\">scorecard</a></li>");
    for v in views {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", anchor("scenario", v.name), escape(v.name));
    }
    if !differences.is_empty() {
        let _ = writeln!(out, "<li><a href=\"#differences\">differences from the baseline</a></li>");
    }
    if !figures.is_empty() {
        let _ = writeln!(out, "<li><a href=\"#figures\">figures</a></li>");
    }
    let _ = writeln!(out, "</ul></nav>\n</header>\n<main>");
    let _ = writeln!(out, "<section id=\"scorecard\">\n<h2>Scorecard</h2>");
    if views.len() > 1 {
        let _ = writeln!(out, "<p>The verdicts side by side; ★ marks the best mean of each verdict that judges.</p>");
    }
    scorecard(&mut out, views);
    let _ = writeln!(out, "</section>");
    story_section(&mut out, views, differences, figures);

    for v in views {
        scenario_section(&mut out, v, &anchor("scenario", v.name));
    }

    if let (false, Some(base)) = (differences.is_empty(), views.first()) {
        let _ = writeln!(out, "<section id=\"differences\">\n<h2>Differences from the baseline</h2>");
        let _ = writeln!(
            out,
            "<p>Each scenario minus {}, replication by replication. Rows in bold differ for certain (the \
             interval excludes zero) and by at least the verdict's practical threshold; the reading says \
             whether that is better or worse. The last column is the half-width the interval would have if \
             the scenarios had been run on independent random numbers: what pairing buys.</p>",
            escape(base.name)
        );
        // One table per scenario, in run order.
        for view in views.iter().skip(1) {
            let of: Vec<&PairedDifference> = differences.iter().filter(|d| d.scenario == view.name).collect();
            if of.is_empty() {
                continue;
            }
            let _ = writeln!(out, "<h3>{} − {}</h3>", escape(view.name), escape(base.name));
            let rows = verdict_differences(&of, base);
            if !rows.is_empty() {
                difference_table(&mut out, &rows, base);
            }
            let _ = writeln!(out, "<details><summary>All {} differences</summary>", of.len());
            all_differences_table(&mut out, &of);
            let _ = writeln!(out, "</details>");
        }
        let _ = writeln!(out, "</section>");
    }

    if !figures.is_empty() {
        let _ = writeln!(out, "<section id=\"figures\">\n<h2>Figures</h2>");
        for f in figures.iter().filter(|f| f.stem != "timeline") {
            figure(&mut out, f);
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(
        out,
        "</main>\n<footer><p>Made by clickday {}, a discrete-event simulator; results are estimates from \
         simulated replications, not measurements.</p></footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// Escapes a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// How a run sized by precision chose its replications, and which
/// verdicts were not held to the target and why.
fn precision_text(p: &crate::precision::Assessment) -> String {
    match p.exclusions() {
        Some(excluded) => format!("{}; {excluded}", p.summary()),
        None => p.summary(),
    }
}

/// The run as Markdown, to paste into an issue, a wiki or an e-mail: the
/// run's details, the scorecard (scenarios side by side, best marked),
/// and the paired differences of the verdicts from the baseline.
pub fn markdown_summary(views: &[ScenarioView<'_>], differences: &[PairedDifference]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Run\n\n| scenario | model | replications | seed | simulated |\n|---|---|--:|--:|---|");
    for v in views {
        let span = match v.start_date {
            Some(date) => format!("{} from {date} 00:00", format::duration(v.duration)),
            None => format::duration(v.duration),
        };
        let _ =
            writeln!(out, "| {} | {} | {} | {} | {} |", cell(v.name), kind_name(v.kind), v.replications, v.seed, span);
    }
    for v in views {
        if let Some(p) = v.precision {
            let _ = writeln!(out, "\n{}, sized by precision: {}.", cell(v.name), cell(&precision_text(p)));
        }
    }
    let _ = writeln!(
        out,
        "\nFigures: mean across replications, ± the half-width of the 95% confidence interval, or the range where \
         the interval meets what is possible.\n"
    );
    for kind in [ModelKind::LaunchDay, ModelKind::Contact, ModelKind::Network] {
        let of_kind: Vec<&ScenarioView<'_>> = views.iter().filter(|v| v.kind == kind).collect();
        let Some(first) = of_kind.first() else { continue };
        let sets: Vec<_> = of_kind.iter().map(|v| v.estimates).collect();
        let shown: Vec<Shown<'_>> = verdict::pick_any(&sets, terminal::verdicts(kind), first.start_date);
        if shown.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## Scorecard ({})\n", kind_name(kind));
        let _ = writeln!(
            out,
            "| verdict | better |{}\n|---|---|{}",
            of_kind.iter().map(|v| format!(" {} |", cell(v.name))).collect::<String>(),
            "--:|".repeat(of_kind.len())
        );
        for s in &shown {
            let (estimates, best) = scorecard_row(s, &of_kind);
            let _ = write!(out, "| {} | {} |", cell(&s.label), better_text(s.verdict));
            for ((v, e), is_best) in of_kind.iter().zip(&estimates).zip(best) {
                let text = e.map_or("–".to_owned(), |e| {
                    estimate_cell(&Shown { verdict: s.verdict, label: s.label.clone(), estimate: e }, v)
                });
                let _ = write!(out, " {}{} |", if is_best { "★ " } else { "" }, cell(&text));
            }
            out.push('\n');
        }
        out.push('\n');
        for view in &of_kind {
            let Some(table) = funnel::table(view) else { continue };
            let _ = writeln!(
                out,
                "## Funnel: {}\n\n| step |{}\n|---|{}",
                cell(view.name),
                funnel::COLUMNS.iter().map(|c| format!(" {c} |")).collect::<String>(),
                "--:|".repeat(funnel::COLUMNS.len())
            );
            for row in &table.rows {
                let cells: String = row.cells.iter().map(|c| format!(" {} |", cell(c))).collect();
                let _ = writeln!(out, "| {} |{cells}", cell(&row.step));
            }
            let _ = writeln!(out, "\n{}\n\n{}\n", cell(&table.totals.join("; ")), funnel::NOTE);
        }
        let Some(base) = views.first().filter(|b| b.kind == kind) else { continue };
        let mut lines = Vec::new();
        for view in of_kind.iter().skip(1) {
            let of: Vec<&PairedDifference> = differences.iter().filter(|d| d.scenario == view.name).collect();
            for (d, verdict, label) in verdict_differences(&of, base) {
                let mark = match (verdict.matters(d, base.practical), verdict.direction(d)) {
                    (true, "") => " (changed)".to_owned(),
                    (true, dir) => format!(" **{dir}**"),
                    _ => String::new(),
                };
                lines.push(format!(
                    "| {} | {} | {}{mark} |",
                    cell(view.name),
                    cell(&label),
                    cell(&format::difference(verdict.measure, d.difference.mean, d.difference.half_width))
                ));
            }
        }
        if !lines.is_empty() {
            let _ = writeln!(
                out,
                "## Differences from {} (paired)\n\n| scenario | verdict | difference ± 95% CI |\n|---|---|--:|",
                cell(base.name)
            );
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(
                out,
                "\n**better** / **worse**: the interval excludes zero and the difference is at least the verdict's \
                 practical threshold.\n"
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Estimate;

    #[test]
    fn text_is_escaped_for_html_and_markdown() {
        assert_eq!(escape("<b>\"Tom\" & 'Jerry'</b>"), "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(anchor("scenario", "INPS 2020/04"), "scenario-inps-2020-04");
    }

    #[test]
    fn the_best_is_marked_only_where_a_verdict_judges_and_scenarios_differ() {
        let (exposed, _) = verdict::find("portal", "people_exposed", None).unwrap();
        assert_eq!(best_of(exposed, &[Some(206.0), Some(0.0), None]), [false, true, false]);
        assert_eq!(best_of(exposed, &[Some(3.0), Some(3.0)]), [false, false]);
        assert_eq!(best_of(exposed, &[Some(3.0)]), [false]);
        let (peak, _) = verdict::find("portal", "peak_applications_per_s", None).unwrap();
        assert_eq!(best_of(peak, &[Some(95.0), Some(60.0)]), [false, false]);
    }

    #[test]
    fn families_of_verdicts_are_labelled_with_their_clock_times() {
        let est = |metric: &str| Estimate::from_values("portal", metric, [1.0, 2.0].into_iter());
        let estimates =
            [est("applications_by_08:30"), est("availability"), est("applications_by_d2_01:00"), est("applications")];
        let date = crate::units::Date::parse("2020-04-01").ok();
        let labels: Vec<String> =
            verdict::pick(&estimates, verdict::LAUNCH, date).into_iter().map(|s| s.label).collect();
        assert_eq!(
            labels,
            [
                "applications completed",
                "applications completed by 08:30",
                "applications completed by 2 Apr 01:00",
                "availability (share of requests answered ok)"
            ]
        );
    }
}
