//! The charts of a run, as PNG and SVG, and the chart of a sweep.
//!
//! Every chart comparing scenarios has one line per scenario (the mean
//! across replications, interval by interval) with a shaded band for its
//! 95% confidence interval; a scenario keeps its colour, dash pattern and
//! glyph in every chart, so lines that coincide stay told apart. Time axes
//! carry clock times. Each scenario's interventions are marked in its
//! colour (grey when every scenario in the chart has them), and the spans
//! when its portal was closed are shaded likewise.
//!
//! Which charts are drawn depends on the models in the run and the tables
//! they wrote; a chart with nothing to show (no waiting room in any
//! scenario, no exposures anywhere) is left out rather than drawn empty,
//! and a chart about a part some scenarios lack (a waiting room) shows
//! only the scenarios that have it.

use super::draw::{self, Chart, Content, Format, Key, Look, Marker, Panel, Point, Scale, Series, Shade, XAxis};
use super::tables::{BandPoint, Filter, LogBand, Table};
use super::{Figure, ModelKind, ReportError, ScenarioView, SweepSeries, story};
use crate::staffing::{Target, erlang_c_requirement};
use crate::units::format_duration;
use crate::verdict::format;
use image::ImageEncoder;
use plotters::prelude::{BitMapBackend, IntoDrawingArea};
#[cfg(not(target_arch = "wasm32"))]
use plotters::style::FontStyle;
use rayon::prelude::*;
use std::sync::OnceLock;

/// Registers the embedded DejaVu Sans once per process. Without a
/// registered font the bitmap backend cannot draw text and still leaves a
/// blank picture behind, so every render checks the outcome first.
pub(super) fn fonts() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(register_fonts);
    if ok {
        Ok(())
    } else {
        Err(ReportError::Draw { chart: String::new(), message: "the embedded DejaVu Sans font did not load".into() })
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn register_fonts() -> bool {
    let regular = plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
    let bold = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    regular.is_ok() && bold.is_ok()
}

/// In WebAssembly (the classroom page) plotters cannot load fonts, and the
/// page draws its own charts from the tables: rendering reports an error.
#[cfg(target_arch = "wasm32")]
fn register_fonts() -> bool {
    false
}

/// Paints a chart as a PNG and as SVG, wide and narrow.
fn render(chart: &Chart) -> Result<Figure, ReportError> {
    fonts()?;
    let draw_error = |message: String| ReportError::Draw { chart: chart.stem.clone(), message };
    let (width, height) = draw::size(chart, Format::Wide).map_err(draw_error)?;
    let mut pixels = vec![255u8; (width * height * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw::paint(chart, Format::Wide, &area).map_err(draw_error)?;
        area.present().map_err(|e| draw_error(e.to_string()))?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, width, height, image::ColorType::Rgb8)
        .map_err(|e| ReportError::Encode { chart: chart.stem.clone(), message: e.to_string() })?;
    let svg = draw::svg(chart, Format::Wide).map_err(draw_error)?;
    let svg_narrow = draw::svg(chart, Format::Narrow).map_err(draw_error)?;
    Ok(Figure { stem: chart.stem.clone(), title: chart.title.clone(), png, svg, svg_narrow })
}

/// Tables the charts read; the others a run writes (`contacts.csv`,
/// `replications.csv`) are not parsed.
const CHART_TABLES: [&str; 4] = ["intervals.csv", "tiers.csv", "phone_intervals.csv", "social_intervals.csv"];

/// A scenario with its tables parsed, and its colour.
struct Loaded<'v, 'a> {
    color: usize,
    view: &'v ScenarioView<'a>,
    tables: Vec<(&'static str, Table)>,
}

impl<'v, 'a> Loaded<'v, 'a> {
    fn new(color: usize, view: &'v ScenarioView<'a>) -> Result<Self, ReportError> {
        let mut tables = Vec::new();
        for name in CHART_TABLES {
            if let Some((_, bytes)) = view.tables.iter().find(|(n, _)| *n == name) {
                tables.push((name, Table::parse(name, bytes)?));
            }
        }
        Ok(Loaded { color, view, tables })
    }

    fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|(n, _)| *n == name).map(|(_, t)| t)
    }

    fn require(&self, name: &str) -> Result<&Table, ReportError> {
        self.table(name)
            .ok_or_else(|| ReportError::MissingTable { scenario: self.view.name.to_owned(), table: name.to_owned() })
    }

    fn look(&self) -> Look {
        Look::of(self.color)
    }
}

/// Where in its interval a value belongs on the time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// A mean or count over the interval: its middle.
    Middle,
    /// A state at the interval's end (a backlog, a cumulative count).
    End,
}

/// Points of a band, placed and scaled; `per` divides by the interval's
/// length and multiplies by `per` seconds (a count becomes a rate per
/// second with 1, per minute with 60), `None` keeps the value.
fn points(bands: &[BandPoint], at: At, per: Option<f64>) -> Vec<Point> {
    bands
        .iter()
        .map(|b| {
            let x = if at == At::End { b.end } else { b.mid() };
            let k = match per {
                Some(unit) if b.end > b.start => unit / (b.end - b.start),
                _ => 1.0,
            };
            Point { x, y: b.ci.mean * k, lo: b.ci.lower * k, hi: b.ci.upper * k }
        })
        .collect()
}

/// Points of a log-scale band, at the middle of each interval.
fn log_points(bands: &[LogBand]) -> Vec<Point> {
    bands.iter().map(|b| Point { x: 0.5 * (b.start + b.end), y: b.mean, lo: b.lower, hi: b.upper }).collect()
}

/// One series per scenario that has the table: `column` of `table`.
fn lines(
    scenarios: &[&Loaded<'_, '_>],
    table: &str,
    column: &str,
    filter: Option<Filter<'_>>,
    at: At,
    per: Option<f64>,
) -> Result<Vec<Series>, ReportError> {
    let mut out = Vec::new();
    for s in scenarios {
        let Some(t) = s.table(table) else { continue };
        let bands = t.bands(column, filter)?;
        if bands.is_empty() {
            continue;
        }
        out.push(Series { name: s.view.name.to_owned(), look: s.look(), points: points(&bands, at, per), bars: false });
    }
    Ok(out)
}

/// Like [`lines`], on a log scale: geometric means with intervals of the
/// logarithms.
fn log_lines(scenarios: &[&Loaded<'_, '_>], table: &str, column: &str) -> Result<Vec<Series>, ReportError> {
    let mut out = Vec::new();
    for s in scenarios {
        let Some(t) = s.table(table) else { continue };
        let bands = t.log_bands(column, None)?;
        if !bands.is_empty() {
            out.push(Series { name: s.view.name.to_owned(), look: s.look(), points: log_points(&bands), bars: false });
        }
    }
    Ok(out)
}

/// Whether any series has a value other than zero.
fn any_nonzero(series: &[Series]) -> bool {
    series.iter().flat_map(|s| &s.points).any(|p| p.y.is_finite() && p.y != 0.0)
}

/// Whether any series has a value at all.
fn any_value(series: &[Series]) -> bool {
    series.iter().flat_map(|s| &s.points).any(|p| p.y.is_finite())
}

/// "What — scenario", naming the scenarios while the title stays short.
fn title(what: &str, scenarios: &[&Loaded<'_, '_>]) -> String {
    let names: Vec<&str> = scenarios.iter().map(|s| s.view.name).collect();
    match names.as_slice() {
        [] => what.to_owned(),
        [one] => format!("{what} — {one}"),
        [a, b] if a.len() + b.len() < 60 => format!("{what} — {a} vs {b}"),
        [first, rest @ ..] => format!("{what} — {first} vs {} other scenarios", rest.len()),
    }
}

/// "N replications", or "the replications" when scenarios differ.
fn replications(scenarios: &[&Loaded<'_, '_>]) -> String {
    let reps: Vec<u32> = scenarios.iter().map(|s| s.view.replications).collect();
    if reps.windows(2).all(|w| w[0] == w[1]) {
        format!("{} replications", reps.first().copied().unwrap_or(0))
    } else {
        "the replications".to_owned()
    }
}

/// The note under a time chart: what the line and the band are. `at`
/// says whether the values are over each interval or at its end.
fn band_note(scenarios: &[&Loaded<'_, '_>], interval: Option<f64>, at: At) -> String {
    let n = replications(scenarios);
    let width = interval.map_or(String::new(), |w| format!("{} ", format_duration(w)));
    let what = match at {
        At::Middle => format!("over each {width}interval"),
        At::End => format!("at the end of each {width}interval"),
    };
    format!("Lines: mean over {n} of the value {what}; shaded: its 95% confidence interval (Student t).")
}

/// The interval length of a table, from its first row.
fn interval_length(table: &Table) -> Option<f64> {
    let bands = table.bands("end_s", None).ok()?;
    bands.first().map(|b| b.end - b.start).filter(|w| *w > 0.0)
}

/// The scenarios' interventions as markers: one per distinct (time,
/// label), owned by the scenarios that have it, or by nobody in particular
/// (grey, no chips) when every scenario in the chart has it.
fn markers(scenarios: &[&Loaded<'_, '_>]) -> Vec<Marker> {
    let mut out: Vec<Marker> = Vec::new();
    for s in scenarios {
        for (at, label) in &s.view.interventions {
            match out.iter_mut().find(|m| m.at == *at && m.label == *label) {
                Some(m) => m.owners.push(s.color),
                None => out.push(Marker { at: *at, label: label.clone(), owners: vec![s.color] }),
            }
        }
    }
    for m in &mut out {
        if m.owners.len() == scenarios.len() {
            m.owners.clear();
        }
    }
    out.sort_by(|a, b| a.at.total_cmp(&b.at));
    out
}

/// The spans when the scenarios' portals were closed: shaded grey, and
/// when not every scenario in the chart closed at the same times, a bar
/// in each one's colour along the top of the panel says whose it was.
fn closure_shades(scenarios: &[&Loaded<'_, '_>]) -> Vec<Shade> {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for s in scenarios {
        for span in &s.view.closed {
            if !spans.contains(span) {
                spans.push(*span);
            }
        }
    }
    let mut out: Vec<Shade> = spans.iter().map(|&(from, to)| Shade::span(from, to, None)).collect();
    let first = scenarios.first().map(|s| &s.view.closed);
    if first.is_some_and(|first| scenarios.iter().all(|s| s.view.closed == *first)) {
        return out;
    }
    let closing = scenarios.iter().filter(|s| !s.view.closed.is_empty());
    for (row, s) in closing.enumerate() {
        out.extend(s.view.closed.iter().map(|&(from, to)| Shade { from, to, color: Some(s.color), bar: Some(row) }));
    }
    out
}

/// A chart against clock time for `scenarios`, with their interventions
/// marked and their closures shaded in every plot panel.
fn time_chart(
    stem: &str,
    what: &str,
    scenarios: &[&Loaded<'_, '_>],
    panels: Vec<Panel>,
    columns: usize,
    note: String,
) -> Chart {
    let end = scenarios.iter().map(|s| s.view.duration).fold(0.0, f64::max);
    time_chart_over((0.0, end), stem, what, scenarios, panels, columns, note)
}

/// A [`time_chart`] of the span `(start, end)` of the day: closures and
/// interventions outside it are left out, and so are the notes on them.
fn time_chart_over(
    (start, end): (f64, f64),
    stem: &str,
    what: &str,
    scenarios: &[&Loaded<'_, '_>],
    panels: Vec<Panel>,
    columns: usize,
    note: String,
) -> Chart {
    let mut note = note;
    let mut shades = closure_shades(scenarios);
    shades.retain(|s| s.to > start && s.from < end);
    if !shades.is_empty() {
        note.push_str(if shades.iter().all(|s| s.bar.is_none()) {
            " Shaded grey: the portal was closed."
        } else {
            " Shaded grey: a portal was closed; the bars along the top, in the scenarios' colours, say whose."
        });
    }
    let mut marks = markers(scenarios);
    marks.retain(|m| m.at >= start && m.at <= end);
    if scenarios.len() > 1 && marks.iter().any(|m| !m.owners.is_empty()) {
        note.push_str(
            " Interventions are marked in the colour of a scenario that had them, with a square for each that \
             did; grey: all did.",
        );
    }
    let panels = panels
        .into_iter()
        .map(|mut p| {
            if matches!(p.content, Content::Plot { .. }) {
                p.shades.extend(shades.iter().copied());
            }
            p
        })
        .collect();
    Chart {
        stem: stem.to_owned(),
        title: title(what, scenarios),
        legend: scenarios.iter().map(|s| Key::line(s.view.name, s.look())).collect(),
        legend_bars: false,
        x: XAxis::Clock { start, end, date: scenarios.first().and_then(|s| s.view.start_date) },
        panels,
        columns,
        share_y: false,
        markers: marks,
        note: Some(note),
    }
}

fn plot(title: &str, y_label: &str, scale: Scale, series: Vec<Series>) -> Panel {
    Panel {
        title: title.to_owned(),
        keys: Vec::new(),
        weight: 1.0,
        content: Content::Plot { y_label: y_label.to_owned(), scale, series, reference: None },
        shades: Vec::new(),
    }
}

/// Columns for a grid of `n` panels on a wide page: stacked up to three,
/// two columns beyond, so panels stay wide enough to read a day's clock.
fn columns_for(n: usize) -> usize {
    if n <= 3 { 1 } else { 2 }
}

/// Contiguous spans of the time axis where the mean is under `threshold`.
fn spans_under(bands: &[BandPoint], threshold: f64) -> Vec<(f64, f64)> {
    spans_where(bands, |m| m < threshold)
}

/// Contiguous spans of the time axis where `keep` holds for the mean.
fn spans_where(bands: &[BandPoint], keep: impl Fn(f64) -> bool) -> Vec<(f64, f64)> {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for b in bands.iter().filter(|b| keep(b.ci.mean)) {
        match spans.last_mut() {
            Some(last) if (last.1 - b.start).abs() < 1e-9 => last.1 = b.end,
            _ => spans.push((b.start, b.end)),
        }
    }
    spans
}

/// The failure columns of `intervals.csv`: every way a request can end
/// without a successful answer.
const FAILURES: [&str; 5] = ["err_timeout", "err_rejected", "err_server_timeout", "err_edge", "err_closed"];

/// The share of requests that failed, row by row: failures over successes
/// and failures.
fn failed_share(cells: &[f64]) -> f64 {
    let failed: f64 = cells[1..].iter().sum();
    let all = cells[0] + failed;
    if all > 0.0 { failed / all } else { f64::NAN }
}

/// Per scenario, the failed share of its requests over each interval.
fn failed_lines(scenarios: &[&Loaded<'_, '_>]) -> Result<Vec<Series>, ReportError> {
    let mut out = Vec::new();
    for s in scenarios {
        let table = s.require("intervals.csv")?;
        let mut columns = vec!["ok"];
        columns.extend(FAILURES);
        // Tables from before edge filters have no such column.
        if table.has_column("err_blocked") {
            columns.push("err_blocked");
        }
        let bands = table.bands_of(&columns, None, failed_share)?;
        out.push(Series {
            name: s.view.name.to_owned(),
            look: s.look(),
            points: points(&bands, At::Middle, None),
            bars: false,
        });
    }
    Ok(out)
}

/// The first launch day's story as one picture: availability,
/// applications completed, where people were and the calls they made,
/// stacked on one time axis, with the story's events marked at their clock
/// times and its closure and leak shaded.
fn timeline(base: &Loaded<'_, '_>, charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    let intervals = base.require("intervals.csv")?;
    let interval = interval_length(intervals);
    let one = [base];
    let series = |column: &str, look: Look, at: At, per: Option<f64>| -> Result<Series, ReportError> {
        let bands = intervals.bands(column, None)?;
        Ok(Series { name: column.to_owned(), look, points: points(&bands, at, per), bars: false })
    };
    let look = |color: usize| Look { color, pattern: 0 };
    let mut panels = vec![
        plot(
            "availability (share of requests answered)",
            "",
            Scale::Share,
            vec![series("availability", look(0), At::Middle, None)?],
        ),
        plot(
            "applications completed per minute",
            "",
            Scale::Linear,
            vec![series("applications", look(2), At::Middle, Some(60.0))?],
        ),
    ];
    let mut people = Vec::new();
    let mut keys = Vec::new();
    for (column, label, color, pattern) in [
        ("in_waiting_room", "in the waiting room", 4, 3),
        ("retrying", "retrying", 1, 0),
        ("gone_for_now", "gone for now, coming back", 5, 1),
        ("given_up", "given up", 6, 2),
    ] {
        let s = series(column, Look { color, pattern }, At::End, None)?;
        if column == "in_waiting_room" && !any_nonzero(std::slice::from_ref(&s)) {
            continue;
        }
        keys.push(Key::line(label, s.look));
        people.push(Series { name: label.to_owned(), ..s });
    }
    let mut panel = plot("people, at each interval's end:", "", Scale::Linear, people);
    panel.keys = keys;
    panels.push(panel);
    if let Some(phone) = base.table("phone_intervals.csv") {
        let bands = phone.bands("offered", None)?;
        let s = Series {
            name: "phone attempts".into(),
            look: look(7),
            points: points(&bands, At::Middle, Some(60.0)),
            bars: false,
        };
        if any_nonzero(std::slice::from_ref(&s)) {
            panels.push(plot("phone calls attempted per minute (redials included)", "", Scale::Linear, vec![s]));
        }
    }

    // The story's events, and its spans: the closure and the leak.
    let mut shades: Vec<Shade> = base.view.closed.iter().map(|&(from, to)| Shade::span(from, to, Some(7))).collect();
    let mut legend = Vec::new();
    if !shades.is_empty() {
        legend.push(Key { label: "portal closed".into(), look: look(7), block: true });
    }
    let leak = spans_where(&intervals.bands("exposures", None)?, |m| m > 0.0);
    if let (Some(first), Some(last)) = (leak.first(), leak.last()) {
        shades.push(Shade::span(first.0, last.1, Some(3)));
        legend.push(Key { label: "personal pages shown to others".into(), look: look(3), block: true });
    }
    for p in &mut panels {
        p.shades = shades.clone();
    }
    let events = story::events(base.view);
    let markers: Vec<Marker> =
        events.iter().map(|e| Marker { at: e.at, label: e.label.clone(), owners: Vec::new() }).collect();
    let n = replications(&one);
    let per = interval.map_or(String::new(), |w| format!(" {}", format_duration(w)));
    let note = format!(
        "Lines: mean over {n} of each{per} interval (people: at its end); shaded around them: 95% confidence \
         intervals. Marked: the events of the story, at their mean clock time across replications."
    );
    charts.push(Chart {
        stem: "timeline".into(),
        title: format!("The day hour by hour — {}", base.view.name),
        legend,
        legend_bars: false,
        x: XAxis::Clock { start: 0.0, end: base.view.duration, date: base.view.start_date },
        panels,
        columns: 1,
        share_y: false,
        markers,
        note: Some(note),
    });
    Ok(())
}

fn launch_charts(scenarios: &[&Loaded<'_, '_>], charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    for s in scenarios {
        s.require("intervals.csv")?;
        s.require("tiers.csv")?;
    }
    if let Some(base) = scenarios.first() {
        timeline(base, charts)?;
    }
    let interval = scenarios.first().and_then(|s| s.table("intervals.csv")).and_then(interval_length);
    let note = band_note(scenarios, interval, At::Middle);
    let state_note = band_note(scenarios, interval, At::End);

    // The outage curve, with the intervals under 50% as bars below it.
    let availability = lines(scenarios, "intervals.csv", "availability", None, At::Middle, None)?;
    let mut rows = Vec::new();
    for s in scenarios {
        let bands = s.require("intervals.csv")?.bands("availability", None)?;
        rows.push((s.color, spans_under(&bands, 0.5)));
    }
    let n = rows.len() as f64;
    let panels = vec![
        Panel {
            title: String::new(),
            keys: Vec::new(),
            weight: 2.6,
            content: Content::Plot {
                y_label: "availability (share of requests answered)".into(),
                scale: Scale::Share,
                series: availability,
                reference: Some((0.5, "50%".into())),
            },
            shades: Vec::new(),
        },
        Panel {
            title: String::new(),
            keys: Vec::new(),
            weight: 0.25 + 0.15 * n,
            content: Content::Strip { label: "under 50%".into(), rows },
            shades: Vec::new(),
        },
    ];
    let outage_note = format!("{note} Bars under the chart: intervals where the mean availability was under 50%.");
    charts.push(time_chart("outage", "Availability", scenarios, panels, 1, outage_note));

    // Latency per content class: median, p95 and p99 on one log scale,
    // and the share of requests that failed, whose time is in none of them.
    let room = scenarios.iter().any(|s| s.view.waiting_room);
    for (class, what) in [
        ("static", "Latency of static content"),
        ("personal", "Latency of personal pages"),
        ("write", "Latency of writes (logins, submissions)"),
    ] {
        let mut panels = Vec::new();
        let mut any = false;
        for (q, heading) in
            [("p50", "median (p50)"), ("p95", "95th percentile (p95)"), ("p99", "99th percentile (p99)")]
        {
            let series = log_lines(scenarios, "intervals.csv", &format!("{class}_{q}_s"))?;
            any |= any_value(&series);
            panels.push(plot(heading, "seconds (log scale)", Scale::Log, series));
        }
        if any {
            let mut failed =
                plot("requests that failed, all pages", "share failed", Scale::Share, failed_lines(scenarios)?);
            failed.weight = 0.9;
            panels.push(failed);
            let what = if room {
                format!("{what}, successful answers only; time in the waiting room not included")
            } else {
                format!("{what}, successful answers only")
            };
            let latency_note = format!(
                "Latency lines: geometric mean over {} of each interval's percentile of successful answers; \
                 shaded: its 95% confidence interval, computed on the logarithms; gaps: no successful answer. \
                 Failed: errors and client timeouts over all requests that ended.",
                replications(scenarios)
            );
            let mut chart = time_chart(&format!("latency-{class}"), &what, scenarios, panels, 1, latency_note);
            chart.share_y = true;
            charts.push(chart);
        }
    }

    // Offered load against goodput.
    let offered = lines(scenarios, "intervals.csv", "requests", None, At::Middle, Some(1.0))?;
    let ok = lines(scenarios, "intervals.csv", "ok", None, At::Middle, Some(1.0))?;
    let panels = vec![
        plot("offered: requests made, retries included", "requests / s", Scale::Linear, offered),
        plot("goodput: requests answered successfully", "requests / s", Scale::Linear, ok),
    ];
    let mut chart = time_chart("load", "Offered load and goodput", scenarios, panels, 1, note.clone());
    chart.share_y = true;
    charts.push(chart);

    // Queues and utilisation per tier.
    let tiers = PerPart { table: "tiers.csv", column: "tier", noun: "tier", not_a_part: None };
    tiers.charts(
        scenarios,
        &[
            ("tier-queue", "Queue length per tier", "queue_len_mean", "requests queued (mean)", Scale::Linear, None),
            (
                "tier-utilisation",
                "Utilisation per tier",
                "utilisation",
                "busy workers / workers",
                Scale::Share,
                Some((0.8, "safe limit 80%")),
            ),
        ],
        &format!(
            "{note} Utilisation above the dashed line at 80% leaves too little headroom for bursts: queues grow fast."
        ),
        charts,
    )?;

    // The waiting room, for the scenarios that have one.
    let with_room: Vec<&Loaded<'_, '_>> = scenarios.iter().copied().filter(|s| s.view.waiting_room).collect();
    if !with_room.is_empty() {
        waiting_room(&with_room, interval, charts)?;
    }

    // Counts over the day.
    let done = lines(scenarios, "intervals.csv", "applications_cumulative", None, At::End, None)?;
    let panels = vec![plot("", "applications completed since 00:00", Scale::Linear, done)];
    charts.push(time_chart("applications", "Applications completed", scenarios, panels, 1, state_note.clone()));
    hostile(scenarios, &note, charts)?;
    stock(scenarios, &state_note, charts)?;
    exposures(scenarios, interval, charts)
}

/// Whether every scenario's interval table has `column` (older tables lack
/// the newer columns).
fn all_have(scenarios: &[&Loaded<'_, '_>], column: &str) -> bool {
    scenarios.iter().all(|s| s.table("intervals.csv").is_some_and(|t| t.has_column(column)))
}

/// Traffic that is not applicants, for days that have some: what arrived,
/// what the filters blocked, what the portal served, beside the people's
/// own requests the filters blocked.
fn hostile(scenarios: &[&Loaded<'_, '_>], note: &str, charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    if !all_have(scenarios, "hostile_requests") {
        return Ok(());
    }
    let arrived = lines(scenarios, "intervals.csv", "hostile_requests", None, At::Middle, Some(1.0))?;
    let blocked_people = lines(scenarios, "intervals.csv", "err_blocked", None, At::Middle, Some(1.0))?;
    if !any_nonzero(&arrived) && !any_nonzero(&blocked_people) {
        return Ok(());
    }
    let mut panels = Vec::new();
    if any_nonzero(&arrived) {
        let blocked = lines(scenarios, "intervals.csv", "hostile_blocked", None, At::Middle, Some(1.0))?;
        let served = lines(scenarios, "intervals.csv", "hostile_served", None, At::Middle, Some(1.0))?;
        panels.push(plot("hostile requests arriving (floods and bots)", "requests / s", Scale::Linear, arrived));
        panels.push(plot("of them, blocked by edge filters", "requests / s", Scale::Linear, blocked));
        panels.push(plot("of them, served by the edge or their tier", "requests / s", Scale::Linear, served));
    }
    if any_nonzero(&blocked_people) {
        panels.push(plot("people's requests blocked by edge filters", "requests / s", Scale::Linear, blocked_people));
    }
    let note = format!(
        "{note} Hostile traffic is counted apart from the people's requests; a filter blocks a share of it and, \
         by mistake, the same people on every request while it is on."
    );
    charts.push(time_chart("hostile", "Hostile traffic and edge filters", scenarios, panels, 1, note));
    Ok(())
}

/// The stock of scarce items over the day, for days that have one: what is
/// left, and who took it.
fn stock(scenarios: &[&Loaded<'_, '_>], note: &str, charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    if !all_have(scenarios, "items_left") {
        return Ok(());
    }
    let left = lines(scenarios, "intervals.csv", "items_left", None, At::End, None)?;
    if !any_value(&left) {
        return Ok(());
    }
    let people = lines(scenarios, "intervals.csv", "items_to_people", None, At::Middle, Some(60.0))?;
    let bots = lines(scenarios, "intervals.csv", "items_to_bots", None, At::Middle, Some(60.0))?;
    let panels = vec![
        plot("items left in stock, at each interval's end", "items", Scale::Linear, left),
        plot("items going to applicants", "items / min", Scale::Linear, people),
        plot("items going to bots", "items / min", Scale::Linear, bots),
    ];
    let note = format!("{note} Items per minute: averaged over each interval.");
    charts.push(time_chart("stock", "The stock and who took it", scenarios, panels, 1, note));
    Ok(())
}

/// People in the waiting room and, when the tables have the columns, how
/// long they waited in line.
fn waiting_room(
    scenarios: &[&Loaded<'_, '_>],
    interval: Option<f64>,
    charts: &mut Vec<Chart>,
) -> Result<(), ReportError> {
    let people = lines(scenarios, "intervals.csv", "in_waiting_room", None, At::End, None)?;
    let mut panels = vec![plot("people in line, at each interval's end", "people", Scale::Linear, people)];
    let has = |column: &str| scenarios.iter().all(|s| s.table("intervals.csv").is_some_and(|t| t.has_column(column)));
    let mut note = band_note(scenarios, interval, At::Middle);
    for (column, heading) in [
        ("room_wait_mean_s", "time in line, mean, of the people let in"),
        ("room_wait_p95_s", "time in line, 95th percentile"),
    ] {
        if has(column) {
            let waits = lines(scenarios, "intervals.csv", column, None, At::Middle, None)?;
            panels.push(plot(heading, "time in line", Scale::Duration, waits));
        }
    }
    if panels.len() > 1 {
        note.push_str(" People in line: at the end of each interval. Time in line: of the people let in from the line during the interval, with gaps where nobody was.");
    } else {
        note = band_note(scenarios, interval, At::End);
    }
    let mut chart = time_chart("waiting-room", "Waiting room", scenarios, panels, 1, note);
    chart.share_y = true;
    charts.push(chart);
    Ok(())
}

/// Personal pages shown to the wrong person, over the window when it
/// happened (with a margin), in the unit the table has: page views. The
/// note gives the people the headline counts.
fn exposures(scenarios: &[&Loaded<'_, '_>], interval: Option<f64>, charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    let views = lines(scenarios, "intervals.csv", "exposures", None, At::Middle, None)?;
    if !any_nonzero(&views) {
        return Ok(());
    }
    let mut window = (f64::INFINITY, f64::NEG_INFINITY);
    for s in scenarios {
        let bands = s.require("intervals.csv")?.bands("exposures", None)?;
        for (from, to) in spans_where(&bands, |m| m > 0.0) {
            window = (window.0.min(from), window.1.max(to));
        }
    }
    let end = scenarios.iter().map(|s| s.view.duration).fold(0.0, f64::max);
    let margin = ((window.1 - window.0) * 0.3).max(3.0 * interval.unwrap_or(300.0));
    let (start, stop) = ((window.0 - margin).max(0.0), (window.1 + margin).min(end));
    let per = interval.map_or("per interval".to_owned(), |w| format!("per {}", format_duration(w)));
    // Tables written before the per-interval people columns existed have
    // only the page views.
    let has_people = scenarios.iter().all(|s| s.table("intervals.csv").is_some_and(|t| t.has_column("people_exposed")));
    let (panels, counted, what) = if has_people {
        let owners = lines(scenarios, "intervals.csv", "people_exposed", None, At::Middle, None)?;
        let viewers = lines(scenarios, "intervals.csv", "people_shown_others_data", None, At::Middle, None)?;
        (
            vec![
                plot("", &format!("people whose page was first shown to another, {per}"), Scale::Linear, owners),
                plot("", &format!("people first shown another's page, {per}"), Scale::Linear, viewers),
            ],
            "Counted here: people, each once, in the interval it first happened to them; over the window they add \
             up to the scorecard's figures:",
            "People whose personal page was shown to someone else, and people who saw one",
        )
    } else {
        (
            vec![plot("", &format!("pages shown to someone else, {per}"), Scale::Linear, views)],
            "Counted here: page views (one person's page shown once to another). The scorecard counts people:",
            "Personal pages shown to the wrong person (page views)",
        )
    };
    let mut note = format!("{} {counted}", band_note(scenarios, interval, At::Middle));
    let metric = |s: &Loaded<'_, '_>, name: &str| {
        s.view.estimates.iter().find(|e| e.scope == "portal" && e.metric == name && e.ci.n > 0).map(|e| e.ci.mean)
    };
    let mut parts = Vec::new();
    for s in scenarios {
        if let (Some(owners), Some(viewers)) = (metric(s, "people_exposed"), metric(s, "people_shown_others_data")) {
            parts.push(format!(
                " {}: {} people's pages shown to {} others",
                s.view.name,
                format::grouped(owners.round(), 0),
                format::grouped(viewers.round(), 0)
            ));
        }
    }
    note.push_str(&parts.join(";"));
    note.push('.');
    charts.push(time_chart_over((start, stop), "exposures", what, scenarios, panels, 1, note));
    Ok(())
}

/// The share of calls a phone line's agents answer within its target that
/// the agents needed are sized for (the 80 of "80/20").
const PHONE_TARGET_SHARE: f64 = 0.8;

/// Agents Erlang C needs for `rate` calls per second.
fn agents_needed(rate: f64, handle_time: f64, within: f64) -> f64 {
    if !(rate.is_finite() && rate >= 0.0) {
        return f64::NAN;
    }
    let target = Target { answered_share: PHONE_TARGET_SHARE, within, max_abandon: None, max_occupancy: None };
    match erlang_c_requirement(rate, handle_time, &target) {
        Ok(Some(r)) => f64::from(r.agents),
        _ => f64::NAN,
    }
}

/// The calls of an interval that want an agent: the first attempts (a
/// redial after a busy signal or a hang-up is the same caller again),
/// less the share of attempts made while the line was closed, and less
/// the share of calls that got a line and were settled by the recorded
/// menu.
fn calls_for_agents(first_attempts: f64, offered: f64, closed: f64, busy: f64, ivr_resolved: f64) -> f64 {
    if offered.is_nan() || offered <= 0.0 {
        return 0.0;
    }
    let open = 1.0 - (closed / offered).clamp(0.0, 1.0);
    let through = offered - closed - busy;
    let settled = if through > 0.0 { (ivr_resolved / through).clamp(0.0, 1.0) } else { 0.0 };
    first_attempts * open * (1.0 - settled)
}

/// The phone line of each scenario that has one: calls per minute by
/// outcome, and agents on duty against the agents Erlang C says the calls
/// need; the hours it is closed shaded.
fn phone_volume(phone: &[&Loaded<'_, '_>], charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    let calls: [(&str, &str, Look); 5] = [
        ("offered", "attempts", Look { color: 0, pattern: 0 }),
        ("busy_signals", "busy signals", Look { color: 1, pattern: 1 }),
        ("answered", "answered", Look { color: 2, pattern: 0 }),
        ("abandoned", "abandoned", Look { color: 3, pattern: 2 }),
        ("closed", "arrived while closed", Look { color: 7, pattern: 3 }),
    ];
    let on_duty = Look { color: 6, pattern: 0 };
    let needed = Look { color: 4, pattern: 1 };
    let mut panels = Vec::new();
    let mut sized = None;
    for s in phone {
        let table = s.require("phone_intervals.csv")?;
        let mut series = Vec::new();
        for (column, label, look) in calls {
            let bands = table.bands(column, None)?;
            series.push(Series {
                name: label.to_owned(),
                look,
                points: points(&bands, At::Middle, Some(60.0)),
                bars: false,
            });
        }
        let shades: Vec<Shade> =
            s.view.phone.iter().flat_map(|p| p.closed.iter().map(|&(from, to)| Shade::span(from, to, None))).collect();
        let mut panel = plot(&format!("calls, {}", s.view.name), "calls per minute", Scale::Linear, series);
        panel.shades = shades.clone();
        panels.push(panel);
        let bands = table.bands("agents_on_shift_mean", None)?;
        let mut agents = vec![Series {
            name: "agents on duty".into(),
            look: on_duty,
            points: points(&bands, At::Middle, None),
            bars: false,
        }];
        if let Some(p) = &s.view.phone {
            let columns = ["start_s", "end_s", "first_attempts", "offered", "closed", "busy_signals", "ivr_resolved"];
            let bands = table.bands_of(&columns, None, |v| {
                let rate = calls_for_agents(v[2], v[3], v[4], v[5], v[6]) / (v[1] - v[0]);
                agents_needed(rate, p.handle_time, p.answer_target)
            })?;
            agents.push(Series {
                name: "agents needed".into(),
                look: needed,
                points: points(&bands, At::Middle, None),
                bars: false,
            });
            sized = Some((p.handle_time, p.answer_target));
        }
        let mut panel = plot(&format!("agents, {}", s.view.name), "agents", Scale::Linear, agents);
        panel.shades = shades;
        panels.push(panel);
    }
    let mut legend: Vec<Key> = calls.iter().map(|(_, label, look)| Key::line(*label, *look)).collect();
    legend.push(Key::line("agents on duty", on_duty));
    if sized.is_some() {
        legend.push(Key::line("agents needed (Erlang C)", needed));
    }
    let interval = phone.first().and_then(|s| s.table("phone_intervals.csv")).and_then(interval_length);
    let width = interval.map_or(String::new(), |w| format!(" {}", format_duration(w)));
    let mut note = format!(
        "Lines: mean over {} of each{width} interval; shaded: 95% confidence intervals; shaded grey: the line is \
         closed. Attempts include redials.",
        replications(phone)
    );
    if let Some((aht, target)) = sized {
        note.push_str(&format!(
            " Agents needed: Erlang C for {} of calls answered within {}, for the callers' first attempts \
             made while the line is open that the recorded menu would not settle, at a mean handle time of {}: \
             what a planner would have staffed for these callers, redials and hang-ups left out.",
            format::percent(PHONE_TARGET_SHARE, 0),
            format::chosen_duration(target),
            format::chosen_duration(aht)
        ));
    }
    let first = phone.first().map(|s| s.view);
    charts.push(Chart {
        stem: "phone-volume".into(),
        title: title("Phone calls and agents", phone),
        legend,
        legend_bars: false,
        x: XAxis::Clock {
            start: 0.0,
            end: phone.iter().map(|s| s.view.duration).fold(0.0, f64::max),
            date: first.and_then(|v| v.start_date),
        },
        panels,
        columns: 2,
        share_y: false,
        markers: Vec::new(),
        note: Some(note),
    });
    Ok(())
}

fn contact_charts(loaded: &[Loaded<'_, '_>], charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    let with = |table: &str| -> Vec<&Loaded<'_, '_>> { loaded.iter().filter(|s| s.table(table).is_some()).collect() };
    let phone = with("phone_intervals.csv");
    if !phone.is_empty() {
        phone_volume(&phone, charts)?;
        let interval = phone.first().and_then(|s| s.table("phone_intervals.csv")).and_then(interval_length);
        let series = lines(&phone, "phone_intervals.csv", "service_level", None, At::Middle, None)?;
        if any_value(&series) {
            let y_label = "answered within the target (share)";
            let panels = vec![plot("", y_label, Scale::Share, series)];
            let note = format!(
                "{} Service level: calls answered within the target over calls that left the queue \
                 (answered or abandoned); gaps: no call left the queue.",
                band_note(&phone, interval, At::Middle)
            );
            let mut chart = time_chart("phone-service-level", "Phone service level", &phone, panels, 1, note);
            chart.markers.clear();
            charts.push(chart);
        }
    }
    let social = with("social_intervals.csv");
    if !social.is_empty() {
        let interval = social.first().and_then(|s| s.table("social_intervals.csv")).and_then(interval_length);
        let series = lines(&social, "social_intervals.csv", "backlog_end", None, At::End, None)?;
        let panels = vec![plot("", "posts awaiting an answer", Scale::Linear, series)];
        let note = band_note(&social, interval, At::End);
        let mut chart = time_chart("social-backlog", "Social backlog", &social, panels, 1, note);
        chart.markers.clear();
        charts.push(chart);
    }
    Ok(())
}

fn network_charts(scenarios: &[&Loaded<'_, '_>], charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    let interval = scenarios.first().and_then(|s| s.table("intervals.csv")).and_then(interval_length);
    let stations = PerPart {
        table: "intervals.csv",
        column: "scope",
        noun: "station",
        not_a_part: Some(crate::experiment::NETWORK_SCOPE),
    };
    stations.charts(
        scenarios,
        &[
            (
                "station-queue",
                "Queue length per station",
                "queue_len_mean",
                "customers waiting (mean)",
                Scale::Linear,
                None,
            ),
            (
                "station-utilisation",
                "Utilisation per station",
                "utilisation",
                "busy servers / servers",
                Scale::Share,
                None,
            ),
            (
                "station-wait-p95",
                "95th percentile wait per station",
                "wait_p95_s",
                "wait, seconds",
                Scale::Linear,
                None,
            ),
        ],
        &band_note(scenarios, interval, At::Middle),
        charts,
    )
}

/// Charts with one panel per part of a model (a tier, a station): the
/// parts are the values of `column` in `table` across the scenarios, in
/// order of appearance, except `not_a_part` (the network-wide scope).
struct PerPart {
    table: &'static str,
    column: &'static str,
    noun: &'static str,
    not_a_part: Option<&'static str>,
}

/// A chart of one column per part: file stem, title, column, y label,
/// scale and a reference line.
type PartChart = (&'static str, &'static str, &'static str, &'static str, Scale, Option<(f64, &'static str)>);

impl PerPart {
    fn charts(
        &self,
        scenarios: &[&Loaded<'_, '_>],
        specs: &[PartChart],
        note: &str,
        charts: &mut Vec<Chart>,
    ) -> Result<(), ReportError> {
        let mut parts: Vec<String> = Vec::new();
        for s in scenarios {
            for part in s.require(self.table)?.distinct(self.column)? {
                if Some(part.as_str()) != self.not_a_part && !parts.contains(&part) {
                    parts.push(part);
                }
            }
        }
        if parts.is_empty() {
            return Ok(());
        }
        for (stem, what, column, y_label, scale, reference) in specs {
            let mut panels = Vec::with_capacity(parts.len());
            for part in &parts {
                let filter = Some(Filter { column: self.column, value: part });
                let series = lines(scenarios, self.table, column, filter, At::Middle, None)?;
                let mut panel = plot(&format!("{} {part}", self.noun), y_label, *scale, series);
                if let (Content::Plot { reference: r, .. }, Some((v, label))) = (&mut panel.content, reference) {
                    *r = Some((*v, (*label).to_owned()));
                }
                panels.push(panel);
            }
            let columns = columns_for(panels.len());
            let note = if reference.is_some() {
                note.to_owned()
            } else {
                note.split(" Utilisation above").next().unwrap_or(note).to_owned()
            };
            charts.push(time_chart(stem, what, scenarios, panels, columns, note));
        }
        Ok(())
    }
}

/// The charts of a run, in a fixed order: for launch days the first
/// scenario's day on one time axis (`timeline`), the outage curve
/// (`outage`), latency per content class with the share of requests that
/// failed (`latency-static`, `latency-personal`, `latency-write`), offered
/// load and goodput (`load`), queue length and utilisation per tier
/// (`tier-queue`, `tier-utilisation`), the waiting room of the scenarios
/// that have one (`waiting-room`), cumulative applications
/// (`applications`) and exposures over the window they happened in
/// (`exposures`, when there are any); for contact channels the phone
/// line's calls and agents (`phone-volume`), its service level
/// (`phone-service-level`) and the social backlog (`social-backlog`); for
/// queueing networks queue length, utilisation and p95 wait per station
/// (`station-queue`, `station-utilisation`, `station-wait-p95`).
///
/// Scenarios keep their colour, dash pattern and glyph (their position in
/// `views`) in every chart. The time axis starts at midnight of the first
/// scenario's start date. Fails on a table that cannot be read, or when a
/// launch day or a network lacks the tables it always writes.
pub fn figures(views: &[ScenarioView<'_>]) -> Result<Vec<Figure>, ReportError> {
    let loaded = views.iter().enumerate().map(|(i, v)| Loaded::new(i, v)).collect::<Result<Vec<_>, _>>()?;
    let of = |kind: ModelKind| -> Vec<&Loaded<'_, '_>> { loaded.iter().filter(|s| s.view.kind == kind).collect() };
    let mut charts = Vec::new();
    let launch = of(ModelKind::LaunchDay);
    if !launch.is_empty() {
        launch_charts(&launch, &mut charts)?;
    }
    for s in of(ModelKind::Contact) {
        if s.table("phone_intervals.csv").is_none() && s.table("social_intervals.csv").is_none() {
            return Err(ReportError::MissingTable {
                scenario: s.view.name.to_owned(),
                table: "phone_intervals.csv".into(),
            });
        }
    }
    contact_charts(&loaded, &mut charts)?;
    let network = of(ModelKind::Network);
    if !network.is_empty() {
        network_charts(&network, &mut charts)?;
    }
    charts.par_iter().map(render).collect()
}

/// A summary metric against a swept parameter: one line per series with a
/// marker and a 95% error bar at each parameter value.
///
/// `x_label` and `y_label` should carry units. Points whose mean is not a
/// number are left out; a sweep with no point at all is an error.
pub fn sweep_figure(title: &str, x_label: &str, y_label: &str, series: &[SweepSeries]) -> Result<Figure, ReportError> {
    let xs = series.iter().flat_map(|s| &s.points).filter(|(x, ci)| x.is_finite() && ci.mean.is_finite());
    let (min, max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (x, _)| (lo.min(*x), hi.max(*x)));
    if min > max {
        return Err(ReportError::EmptySweep { title: title.to_owned() });
    }
    let lines: Vec<Series> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut points: Vec<Point> = s
                .points
                .iter()
                .filter(|(x, ci)| x.is_finite() && ci.mean.is_finite())
                .map(|(x, ci)| Point { x: *x, y: ci.mean, lo: ci.lower, hi: ci.upper })
                .collect();
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
            Series { name: s.label.clone(), look: Look::of(i), points, bars: true }
        })
        .collect();
    let chart = Chart {
        stem: "sweep".into(),
        title: title.to_owned(),
        legend: series
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.label.is_empty())
            .map(|(i, s)| Key::line(s.label.clone(), Look::of(i)))
            .collect(),
        legend_bars: true,
        x: XAxis::Value { min, max, label: x_label.to_owned() },
        panels: vec![plot("", y_label, Scale::Linear, lines)],
        columns: 1,
        share_y: false,
        markers: Vec::new(),
        note: Some("Points: mean across replications; bars: 95% confidence interval (Student t).".into()),
    };
    render(&chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::ConfidenceInterval;

    fn band(start: f64, mean: f64) -> BandPoint {
        BandPoint { start, end: start + 60.0, ci: ConfidenceInterval::student_t(&[mean, mean], 0.95) }
    }

    #[test]
    fn adjacent_intervals_under_the_threshold_merge_into_one_span() {
        let bands = [band(0.0, 0.9), band(60.0, 0.2), band(120.0, 0.4), band(180.0, 0.7), band(240.0, 0.1)];
        assert_eq!(spans_under(&bands, 0.5), [(60.0, 180.0), (240.0, 300.0)]);
        let missing = [band(0.0, f64::NAN), band(60.0, 0.2)];
        assert_eq!(spans_under(&missing, 0.5), [(60.0, 120.0)]);
    }

    #[test]
    fn counts_become_rates_and_states_sit_at_the_interval_end() {
        let bands = [band(0.0, 120.0)];
        let rate = points(&bands, At::Middle, Some(1.0));
        assert_eq!((rate[0].x, rate[0].y, rate[0].lo), (30.0, 2.0, 2.0));
        let per_minute = points(&bands, At::Middle, Some(60.0));
        assert_eq!(per_minute[0].y, 120.0);
        let state = points(&bands, At::End, None);
        assert_eq!((state[0].x, state[0].y), (60.0, 120.0));
    }

    #[test]
    fn the_failed_share_counts_every_way_a_request_fails() {
        // ok, then the five failure columns.
        assert_eq!(failed_share(&[60.0, 10.0, 10.0, 10.0, 5.0, 5.0]), 0.4);
        assert!(failed_share(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]).is_nan());
    }

    #[test]
    fn agents_are_sized_for_first_attempts_while_open_that_the_menu_does_not_settle() {
        // 100 attempts, 60 of them first ones; 20 while closed, 30 busy,
        // 10 of the 50 that got through settled by the menu.
        let calls = calls_for_agents(60.0, 100.0, 20.0, 30.0, 10.0);
        assert!((calls - 60.0 * 0.8 * 0.8).abs() < 1e-9);
        assert_eq!(calls_for_agents(0.0, 0.0, 0.0, 0.0, 0.0), 0.0);
    }

    #[test]
    fn erlang_c_sizes_the_textbook_case() {
        // 1000 calls in 30 minutes of 3 minutes each: 100 erlangs; 80% in
        // 20 s needs 107 agents (Erlang C).
        let n = agents_needed(1000.0 / 1800.0, 180.0, 20.0);
        assert!((100.0..=115.0).contains(&n), "{n}");
        assert_eq!(agents_needed(0.0, 180.0, 20.0), 0.0);
        assert!(agents_needed(f64::NAN, 180.0, 20.0).is_nan());
    }

    #[test]
    fn a_sweep_with_no_points_is_an_error() {
        let empty = [SweepSeries { label: "a".into(), points: Vec::new() }];
        let err = sweep_figure("t", "x", "y", &empty).unwrap_err();
        assert_eq!(err, ReportError::EmptySweep { title: "t".into() });
    }
}
