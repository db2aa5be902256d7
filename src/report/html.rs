//! The run's report as one self-contained HTML file, and the Markdown
//! summary printed at the end of a run.
//!
//! The report is what a teacher hands to a class and a planner to a
//! manager: it has to open anywhere, offline, years later. So it carries
//! everything inline (the charts as SVG, the style sheet), fetches nothing
//! and runs no script; its tables scroll sideways on a phone, and its print
//! style drops the navigation and keeps figures whole on a page.

use super::Figure;
use super::{ModelKind, PairedDifference, ScenarioView};
use crate::experiment::Estimate;
use crate::units::{clock_label, format_duration};
use std::fmt::Write;

/// A verdict worth reading first: scope, metric (or metric prefix when it
/// ends in `*`), label, scale and unit.
type Headline = (&'static str, &'static str, &'static str, f64, &'static str);

/// The launch-day verdicts a planner reads first, in reading order.
const LAUNCH_HEADLINES: [Headline; 22] = [
    ("portal", "applications", "applications completed", 1.0, ""),
    ("portal", "applications_by_*", "applications by", 1.0, ""),
    ("portal", "share_of_applicants_done_by_*", "share of applicants done by", 100.0, "%"),
    ("portal", "time_to_50pct_applications_s", "time to 50% of applications", 1.0 / 3600.0, " h"),
    ("portal", "time_to_90pct_applications_s", "time to 90% of applications", 1.0 / 3600.0, " h"),
    ("portal", "peak_applications_per_s", "peak completions per second", 1.0, ""),
    ("portal", "availability", "availability (share of requests ok)", 100.0, "%"),
    ("portal", "minutes_availability_below_50pct", "minutes with availability < 50%", 1.0, ""),
    ("portal", "minutes_availability_below_90pct", "minutes with availability < 90%", 1.0, ""),
    ("portal", "outage_onset_s", "outage onset: first half hour under 50%", 1.0 / 3600.0, " h"),
    ("portal", "recovery_after_*", "recovery time after", 1.0 / 3600.0, " h"),
    ("portal", "recovered_by_end", "replications recovered by the end", 100.0, "%"),
    ("portal", "metastable_at_end", "replications still down at the end (metastable)", 100.0, "%"),
    ("portal", "worst_p95_s", "worst p95 latency", 1.0, " s"),
    ("portal", "wasted_work_share", "wasted work", 100.0, "%"),
    ("portal", "people_exposed", "people whose data was exposed", 1.0, ""),
    ("portal", "people_shown_others_data", "people shown someone else's data", 1.0, ""),
    ("portal", "applicants_given_up", "applicants who gave up", 1.0, ""),
    ("portal", "contacts_phone", "phone contacts generated", 1.0, ""),
    ("portal", "contacts_social", "social posts generated", 1.0, ""),
    ("phone", "service_level", "phone service level", 100.0, "%"),
    ("social", "within_target_share", "social posts answered in time (of those whose target has passed)", 100.0, "%"),
];

/// The contact-center verdicts read first.
const CONTACT_HEADLINES: [Headline; 10] = [
    ("phone", "offered", "call attempts", 1.0, ""),
    ("phone", "service_level", "phone service level", 100.0, "%"),
    ("phone", "worst_interval_service_level", "worst interval service level", 100.0, "%"),
    ("phone", "p_abandon", "abandoned (of queued)", 100.0, "%"),
    ("phone", "asa_s", "average speed of answer", 1.0, " s"),
    ("phone", "never_answered", "callers never answered", 1.0, ""),
    ("social", "received", "social posts received", 1.0, ""),
    ("social", "within_target_share", "social posts answered in time (of those whose target has passed)", 100.0, "%"),
    ("social", "backlog_peak", "social backlog peak", 1.0, ""),
    ("social", "unanswered_at_end", "social posts unanswered at the end", 1.0, ""),
];

/// Per-station verdicts of a queueing network (any scope), then the
/// network's.
const NETWORK_HEADLINES: [Headline; 7] = [
    ("*", "utilisation", "utilisation", 100.0, "%"),
    ("*", "wait_mean_s", "mean wait", 1.0, " s"),
    ("*", "wait_p95_s", "p95 wait", 1.0, " s"),
    ("*", "p_blocked", "blocked", 100.0, "%"),
    ("*", "p_abandon", "abandoned", 100.0, "%"),
    ("network", "sojourn_mean_s", "network: mean time in system", 1.0, " s"),
    ("network", "throughput_per_s", "network: completions per second", 1.0, ""),
];

/// The columns of the Markdown summary per model kind: (scope, metric,
/// column title, scale, unit).
const LAUNCH_COLUMNS: [Headline; 8] = [
    ("portal", "applications", "applications", 1.0, ""),
    ("portal", "availability", "availability", 100.0, "%"),
    ("portal", "minutes_availability_below_50pct", "min < 50% avail.", 1.0, ""),
    ("portal", "time_to_90pct_applications_s", "h to 90% of apps", 1.0 / 3600.0, ""),
    ("portal", "metastable_at_end", "still down at end", 100.0, "%"),
    ("portal", "worst_p95_s", "worst p95 (s)", 1.0, ""),
    ("portal", "people_exposed", "people exposed", 1.0, ""),
    ("portal", "applicants_given_up", "gave up", 1.0, ""),
];

const CONTACT_COLUMNS: [Headline; 5] = [
    ("phone", "service_level", "phone SL", 100.0, "%"),
    ("phone", "p_abandon", "abandoned", 100.0, "%"),
    ("phone", "never_answered", "never answered", 1.0, ""),
    ("social", "within_target_share", "social within target", 100.0, "%"),
    ("social", "backlog_peak", "social backlog peak", 1.0, ""),
];

const NETWORK_COLUMNS: [Headline; 4] = [
    ("network", "sojourn_mean_s", "mean time in system (s)", 1.0, ""),
    ("network", "throughput_per_s", "completions / s", 1.0, ""),
    ("network", "sojourn_p95_s", "p95 time in system (s)", 1.0, ""),
    ("network", "lost", "customers lost", 1.0, ""),
];

fn headlines(kind: ModelKind) -> &'static [Headline] {
    match kind {
        ModelKind::LaunchDay => &LAUNCH_HEADLINES,
        ModelKind::Contact => &CONTACT_HEADLINES,
        ModelKind::Network => &NETWORK_HEADLINES,
    }
}

fn columns(kind: ModelKind) -> &'static [Headline] {
    match kind {
        ModelKind::LaunchDay => &LAUNCH_COLUMNS,
        ModelKind::Contact => &CONTACT_COLUMNS,
        ModelKind::Network => &NETWORK_COLUMNS,
    }
}

fn kind_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::LaunchDay => "launch day",
        ModelKind::Contact => "contact center",
        ModelKind::Network => "queueing network",
    }
}

/// Whether `name` matches a headline pattern (exact, or a prefix ending in
/// `*`).
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// The estimates a headline list picks, in the list's order, each with its
/// label (a prefix pattern's label gets the rest of the metric name, as in
/// "applications by 08:30"), scale and unit.
fn pick<'e>(estimates: &'e [Estimate], list: &[Headline]) -> Vec<(String, &'e Estimate, f64, &'static str)> {
    let mut out = Vec::new();
    for (scope, metric, label, scale, unit) in list {
        for e in estimates.iter().filter(|e| matches(scope, &e.scope) && matches(metric, &e.metric)) {
            let mut text = match metric.strip_suffix('*') {
                Some(prefix) => {
                    let rest = &e.metric[prefix.len()..];
                    format!("{label} {}", rest.strip_suffix("_s").unwrap_or(rest).replace('_', " "))
                }
                None => (*label).to_owned(),
            };
            if *scope == "*" {
                text = format!("{}: {text}", e.scope);
            }
            out.push((text, e, *scale, *unit));
        }
    }
    out
}

/// Decimals that show a half-width `h` to two significant digits, and the
/// mean to the same precision but to no more than four significant digits
/// (a very narrow interval does not make the last digits worth reading);
/// three significant digits of the mean when `h` is unknown.
fn decimals(mean: f64, h: f64) -> usize {
    let magnitude = |v: f64| v.abs().log10().floor();
    let digits = match (h.is_finite() && h > 0.0, mean.is_finite() && mean != 0.0) {
        (true, true) => (1.0 - magnitude(h)).min(3.0 - magnitude(mean)),
        (true, false) => 1.0 - magnitude(h),
        (false, true) => 2.0 - magnitude(mean),
        (false, false) => 0.0,
    };
    digits.clamp(0.0, 6.0) as usize
}

/// A number with `digits` decimals, thousands grouped by commas.
fn grouped(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return if v.is_nan() { "–".into() } else { format!("{v}") };
    }
    let text = format!("{:.digits$}", v.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let zero = text.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero { format!("-{out}") } else { out }
}

/// `mean ± half-width unit`, scaled; `–` when the metric was never
/// defined, the mean alone when its spread is unknown.
fn with_ci(mean: f64, half_width: f64, scale: f64, unit: &str) -> String {
    if !mean.is_finite() {
        return "–".into();
    }
    let (m, h) = (mean * scale, half_width * scale);
    let d = decimals(m, h);
    if h.is_finite() {
        format!("{} ± {}{unit}", grouped(m, d), grouped(h, d))
    } else {
        format!("{}{unit}", grouped(m, d))
    }
}

/// A signed difference `+d ± h unit`.
fn signed(mean: f64, half_width: f64, scale: f64, unit: &str) -> String {
    let text = with_ci(mean, half_width, scale, unit);
    if mean.is_finite() && mean * scale > 0.0 { format!("+{text}") } else { text }
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
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

/// Scale and unit to show a difference of `metric` in, taken from the
/// headline lists (so a difference reads in the same unit as the
/// estimate), plain otherwise.
fn unit_of(scope: &str, metric: &str) -> (f64, &'static str, Option<String>) {
    for list in [&LAUNCH_HEADLINES[..], &CONTACT_HEADLINES[..], &NETWORK_HEADLINES[..]] {
        for (s, m, label, scale, unit) in list {
            if matches(s, scope) && matches(m, metric) {
                let text = match m.strip_suffix('*') {
                    Some(prefix) => format!("{label} {}", metric[prefix.len()..].replace('_', " ")),
                    None => (*label).to_owned(),
                };
                return (*scale, unit, Some(text));
            }
        }
    }
    (1.0, "", None)
}

/// Whether a difference's interval excludes zero.
fn significant(d: &PairedDifference) -> bool {
    d.difference.lower > 0.0 || d.difference.upper < 0.0
}

/// Whether a difference is of a headline verdict of some model.
fn is_headline(d: &PairedDifference) -> bool {
    unit_of(&d.scope, &d.metric).2.is_some()
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
ul.interventions { margin: .2rem 0 1rem; padding-left: 1.2rem; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  th, td { padding: .25rem .45rem; }
}
@media print {
  body { font-size: 10pt; }
  nav, summary { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  figure, table, tr { break-inside: avoid; }
  figure svg { border: none; max-height: 45vh; }
  .scroll { overflow: visible; }
  thead th { position: static; }
}
";

/// Writes the scenario's headline table and the complete one.
fn scenario_section(out: &mut String, view: &ScenarioView<'_>, anchor: &str) {
    let _ = writeln!(out, "<article id=\"{anchor}\">");
    let _ = writeln!(out, "<h2>{}</h2>", escape(view.name));
    let mut meta = format!(
        "{}, {} replications, seed {}, {} simulated",
        kind_name(view.kind),
        view.replications,
        view.seed,
        format_duration(view.duration)
    );
    if let Some(date) = view.start_date {
        let _ = write!(meta, " from {date} 00:00");
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&meta));
    for paragraph in view.description.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let joined: Vec<&str> = paragraph.lines().map(str::trim).collect();
        let _ = writeln!(out, "<p>{}</p>", escape(&joined.join(" ")));
    }
    if !view.interventions.is_empty() {
        let _ = writeln!(out, "<h3>Interventions</h3>\n<ul class=\"interventions\">");
        for (at, label) in &view.interventions {
            let _ = writeln!(out, "<li>{} — {}</li>", escape(&clock_label(*at, view.start_date)), escape(label));
        }
        let _ = writeln!(out, "</ul>");
    }
    let picked = pick(view.estimates, headlines(view.kind));
    if !picked.is_empty() {
        let _ = writeln!(out, "<h3>Headline verdicts</h3>");
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table>\n<thead><tr><th>verdict</th><th class=\"num\">mean ± 95% CI</th>\
             <th class=\"num\">n</th></tr></thead>\n<tbody>"
        );
        for (label, e, scale, unit) in &picked {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(label),
                escape(&with_ci(e.ci.mean, e.ci.half_width, *scale, unit)),
                e.ci.n
            );
        }
        let _ = writeln!(out, "</tbody></table></div>");
    }
    if !view.estimates.is_empty() {
        let _ = writeln!(out, "<details><summary>All {} summary metrics</summary>", view.estimates.len());
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table>\n<thead><tr><th>scope</th><th>metric</th><th class=\"num\">mean</th>\
             <th class=\"num\">95% CI</th><th class=\"num\">n</th></tr></thead>\n<tbody>"
        );
        for e in view.estimates {
            let d = decimals(e.ci.mean, e.ci.half_width);
            let interval = if e.ci.half_width.is_finite() {
                format!("{} to {}", grouped(e.ci.lower, d), grouped(e.ci.upper, d))
            } else {
                "–".into()
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&e.scope),
                escape(&e.metric),
                escape(&grouped(e.ci.mean, d)),
                escape(&interval),
                e.ci.n
            );
        }
        let _ = writeln!(out, "</tbody></table></div></details>");
    }
    let _ = writeln!(out, "</article>");
}

/// Writes a table of differences.
fn difference_table(out: &mut String, rows: &[&PairedDifference]) {
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>metric</th><th class=\"num\">baseline</th>\
         <th class=\"num\">scenario</th><th class=\"num\">difference ± 95% CI (paired)</th>\
         <th class=\"num\">± if unpaired</th></tr></thead>\n<tbody>"
    );
    for d in rows {
        let (scale, unit, label) = unit_of(&d.scope, &d.metric);
        let metric = match label {
            Some(l) if d.scope == "portal" || l.starts_with(&d.scope) => l,
            Some(l) => format!("{}: {l}", d.scope),
            None => format!("{}: {}", d.scope, d.metric),
        };
        let dec = decimals(d.difference.mean * scale, d.difference.half_width * scale)
            .max(decimals(d.baseline * scale, f64::NAN));
        let unpaired = if d.unpaired_half_width.is_finite() {
            format!("± {}{unit}", grouped(d.unpaired_half_width * scale, dec))
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num diff\">{}</td><td class=\"num\">{}</td></tr>",
            if significant(d) { " class=\"sig\"" } else { "" },
            escape(&metric),
            escape(&format!("{}{unit}", grouped(d.baseline * scale, dec))),
            escape(&format!("{}{unit}", grouped(d.variant * scale, dec))),
            escape(&signed(d.difference.mean, d.difference.half_width, scale, unit)),
            escape(&unpaired)
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
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
    intro.push_str(" Every ± is the half-width of a 95% confidence interval (Student t) across replications.");
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&intro));
    let _ = writeln!(out, "<nav><ul>");
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

    for v in views {
        scenario_section(&mut out, v, &anchor("scenario", v.name));
    }

    if !differences.is_empty() {
        let baseline = views.first().map_or("the baseline", |v| v.name);
        let _ = writeln!(out, "<section id=\"differences\">\n<h2>Differences from the baseline</h2>");
        let _ = writeln!(
            out,
            "<p>Each scenario minus {}, replication by replication. Rows in bold have an interval that excludes \
             zero. The last column is the half-width the interval would have if the scenarios had been run on \
             independent random numbers: what pairing buys.</p>",
            escape(baseline)
        );
        // One table per scenario, in run order.
        let mut scenarios: Vec<&str> = Vec::new();
        for d in differences {
            if !scenarios.contains(&d.scenario.as_str()) {
                scenarios.push(&d.scenario);
            }
        }
        for scenario in scenarios {
            let of: Vec<&PairedDifference> = differences.iter().filter(|d| d.scenario == scenario).collect();
            let _ = writeln!(out, "<h3>{} − {}</h3>", escape(scenario), escape(baseline));
            let headline: Vec<&PairedDifference> = of.iter().copied().filter(|d| is_headline(d)).collect();
            if !headline.is_empty() {
                difference_table(&mut out, &headline);
            }
            let _ = writeln!(out, "<details><summary>All {} differences</summary>", of.len());
            difference_table(&mut out, &of);
            let _ = writeln!(out, "</details>");
        }
        let _ = writeln!(out, "</section>");
    }

    if !figures.is_empty() {
        let _ = writeln!(out, "<section id=\"figures\">\n<h2>Figures</h2>");
        for f in figures {
            let svg = f.svg.trim();
            let svg =
                svg.strip_prefix("<?xml").map_or(svg, |rest| rest.split_once("?>").map_or(rest, |(_, s)| s.trim()));
            let labelled = match svg.strip_prefix("<svg") {
                Some(rest) => format!("<svg role=\"img\" aria-label=\"{}\"{rest}", escape(&f.title)),
                None => svg.to_owned(),
            };
            let _ = writeln!(
                out,
                "<figure id=\"{}\">\n{labelled}\n<figcaption>{}</figcaption>\n</figure>",
                anchor("figure", &f.stem),
                escape(&f.title)
            );
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

/// A Markdown summary for the terminal: per model kind in the run, a table
/// of the headline verdicts of each scenario (mean ± 95% half-width), then
/// the paired differences of those verdicts against the baseline.
pub fn markdown_summary(views: &[ScenarioView<'_>], differences: &[PairedDifference]) -> String {
    let mut out = String::new();
    for kind in [ModelKind::LaunchDay, ModelKind::Contact, ModelKind::Network] {
        let of_kind: Vec<&ScenarioView<'_>> = views.iter().filter(|v| v.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let present: Vec<&Headline> = columns(kind)
            .iter()
            .filter(|(s, m, ..)| of_kind.iter().any(|v| v.estimates.iter().any(|e| e.scope == *s && e.metric == *m)))
            .collect();
        let _ = writeln!(
            out,
            "| scenario ({}) | n |{}",
            kind_name(kind),
            present.iter().map(|h| format!(" {} |", h.2)).collect::<String>()
        );
        let _ = writeln!(out, "|---|--:|{}", "--:|".repeat(present.len()));
        for v in &of_kind {
            let _ = write!(out, "| {} | {} |", cell(v.name), v.replications);
            for (scope, metric, _, scale, unit) in &present {
                let value = v
                    .estimates
                    .iter()
                    .find(|e| e.scope == *scope && e.metric == *metric)
                    .map_or("–".to_owned(), |e| with_ci(e.ci.mean, e.ci.half_width, *scale, unit));
                let _ = write!(out, " {} |", cell(&value));
            }
            out.push('\n');
        }
        out.push('\n');
        let names: Vec<&str> = of_kind.iter().map(|v| v.name).collect();
        // Scenario by scenario in run order, verdicts in column order.
        let mut rows: Vec<(usize, usize, &PairedDifference, &Headline)> = differences
            .iter()
            .filter_map(|d| {
                let v = names.iter().position(|n| *n == d.scenario)?;
                let c = present.iter().position(|(s, m, ..)| *s == d.scope && *m == d.metric)?;
                Some((v, c, d, present[c]))
            })
            .collect();
        rows.sort_by_key(|(v, c, ..)| (*v, *c));
        if !rows.is_empty() {
            let baseline = views.first().map_or("", |v| v.name);
            let _ = writeln!(
                out,
                "| vs {} (paired) | verdict | difference ± 95% CI | ± if unpaired |\n|---|---|--:|--:|",
                cell(baseline)
            );
            for (_, _, d, (_, _, title, scale, unit)) in rows {
                let digits = decimals(d.difference.mean * scale, d.difference.half_width * scale);
                let _ = writeln!(
                    out,
                    "| {} | {} | {}{} | ± {}{unit} |",
                    cell(&d.scenario),
                    cell(title),
                    cell(&signed(d.difference.mean, d.difference.half_width, *scale, unit)),
                    if significant(d) { " *" } else { "" },
                    grouped(d.unpaired_half_width * scale, digits)
                );
            }
            let _ = writeln!(out, "\n`*`: the interval excludes zero.\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_the_half_width_to_two_significant_digits() {
        assert_eq!(with_ci(561_525.1, 16_799.37, 1.0, ""), "561,525 ± 16,799");
        assert_eq!(with_ci(0.232_102, 0.012_34, 100.0, "%"), "23.2 ± 1.2%");
        assert_eq!(with_ci(3.0, f64::NAN, 1.0, " s"), "3.00 s");
        assert_eq!(with_ci(f64::NAN, f64::NAN, 1.0, ""), "–");
        assert_eq!(with_ci(-1234.4, 10.0, 1.0, ""), "-1,234 ± 10");
        assert_eq!(with_ci(-12.34, 1.0, 1.0, ""), "-12.3 ± 1.0");
        assert_eq!(with_ci(0.110_884, 0.000_059, 100.0, "%"), "11.09 ± 0.01%");
        assert_eq!(with_ci(-0.000_053, 0.000_068, 100.0, "%"), "-0.0053 ± 0.0068%");
        assert_eq!(signed(12.0, 3.0, 1.0, ""), "+12.0 ± 3.0");
        assert_eq!(signed(-12.0, 3.0, 1.0, " s"), "-12.0 ± 3.0 s");
        assert_eq!(with_ci(0.0, 0.0, 1.0, ""), "0 ± 0");
        assert_eq!(grouped(1_234_567.0, 0), "1,234,567");
        assert_eq!(grouped(-0.001, 1), "0.0");
    }

    #[test]
    fn text_is_escaped_for_html_and_markdown() {
        assert_eq!(escape("<b>\"Tom\" & 'Jerry'</b>"), "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(anchor("scenario", "INPS 2020/04"), "scenario-inps-2020-04");
    }

    #[test]
    fn prefix_patterns_pick_every_report_time_in_order() {
        let est = |metric: &str| Estimate {
            scope: "portal".into(),
            metric: metric.into(),
            ci: crate::stats::ConfidenceInterval::student_t(&[1.0, 2.0], 0.95),
            whole: false,
        };
        let estimates =
            [est("applications_by_08:30"), est("availability"), est("applications_by_d2_01:00"), est("applications")];
        let labels: Vec<String> = pick(&estimates, &LAUNCH_HEADLINES).into_iter().map(|(l, ..)| l).collect();
        assert_eq!(
            labels,
            [
                "applications completed",
                "applications by 08:30",
                "applications by d2 01:00",
                "availability (share of requests ok)"
            ]
        );
    }
}
