//! The charts of a run, as PNG and SVG, and the chart of a sweep.
//!
//! Every chart has one line per scenario (the mean across replications,
//! interval by interval) with a shaded band for its 95% confidence
//! interval, the same colour for a scenario in every chart, clock times on
//! the time axis and the first scenario's interventions as labelled
//! vertical lines. Size and style are fixed, so charts of different runs
//! can be laid side by side.
//!
//! Which charts are drawn depends on the models in the run and the tables
//! they wrote; a chart with nothing to show (no waiting room in any
//! scenario, no exposures anywhere) is left out rather than drawn empty.

use super::draw::{self, Chart, Content, HEIGHT, Panel, Point, Scale, Series, WIDTH, XAxis};
use super::tables::{BandPoint, Filter, Table};
use super::{Figure, ModelKind, ReportError, ScenarioView, SweepSeries};
use crate::units::format_duration;
use image::ImageEncoder;
use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use plotters::style::FontStyle;
use rayon::prelude::*;
use std::sync::OnceLock;

/// Registers the embedded DejaVu Sans once per process. Without a
/// registered font the bitmap backend cannot draw text and still leaves a
/// blank picture behind, so every render checks the outcome first.
fn fonts() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let regular = plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let bold = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
        regular.is_ok() && bold.is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::Draw { chart: String::new(), message: "the embedded DejaVu Sans font did not load".into() })
    }
}

/// Paints a chart into both formats.
fn render(chart: &Chart) -> Result<Figure, ReportError> {
    fonts()?;
    let draw_error = |message: String| ReportError::Draw { chart: chart.stem.clone(), message };
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw::paint(chart, &area).map_err(draw_error)?;
        area.present().map_err(|e| draw_error(e.to_string()))?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| ReportError::Encode { chart: chart.stem.clone(), message: e.to_string() })?;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw::paint(chart, &area).map_err(draw_error)?;
        area.present().map_err(|e| draw_error(e.to_string()))?;
    }
    Ok(Figure { stem: chart.stem.clone(), title: chart.title.clone(), png, svg })
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
}

/// Where in its interval a value belongs on the time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// A mean or count over the interval: its middle.
    Middle,
    /// A state at the interval's end (a backlog, a cumulative count).
    End,
}

/// Points of a band, placed and scaled; `per_second` divides by the
/// interval's length (a count becomes a rate).
fn points(bands: &[BandPoint], at: At, per_second: bool) -> Vec<Point> {
    bands
        .iter()
        .map(|b| {
            let x = if at == At::End { b.end } else { b.mid() };
            let k = if per_second && b.end > b.start { 1.0 / (b.end - b.start) } else { 1.0 };
            Point { x, y: b.ci.mean * k, lo: b.ci.lower * k, hi: b.ci.upper * k }
        })
        .collect()
}

/// One series per scenario that has the table: `column` of `table`.
fn lines(
    scenarios: &[&Loaded<'_, '_>],
    table: &str,
    column: &str,
    filter: Option<Filter<'_>>,
    at: At,
    per_second: bool,
) -> Result<Vec<Series>, ReportError> {
    let mut out = Vec::new();
    for s in scenarios {
        let Some(t) = s.table(table) else { continue };
        let bands = t.bands(column, filter)?;
        if bands.is_empty() {
            continue;
        }
        out.push(Series { color: s.color, points: points(&bands, at, per_second), bars: false });
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
        [a, b] if a.len() + b.len() < 70 => format!("{what} — {a} vs {b}"),
        [first, rest @ ..] => format!("{what} — {first} vs {} other scenarios", rest.len()),
    }
}

/// The note under a time chart: what the line and the band are. `at`
/// says whether the values are over each interval or at its end.
fn band_note(scenarios: &[&Loaded<'_, '_>], interval: Option<f64>, at: At) -> String {
    let reps: Vec<u32> = scenarios.iter().map(|s| s.view.replications).collect();
    let n = if reps.windows(2).all(|w| w[0] == w[1]) {
        format!("{} replications", reps.first().copied().unwrap_or(0))
    } else {
        "the replications".to_owned()
    };
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

/// A chart against clock time for `scenarios`, with the interventions of
/// the first.
fn time_chart(
    stem: &str,
    what: &str,
    scenarios: &[&Loaded<'_, '_>],
    panels: Vec<Panel>,
    columns: usize,
    note: String,
) -> Chart {
    let first = scenarios.first().map(|s| s.view);
    let mut note = note;
    if let Some(v) = first.filter(|v| scenarios.len() > 1 && columns == 1 && !v.interventions.is_empty()) {
        note.push_str(&format!(" Dashed lines: interventions in {}.", v.name));
    }
    Chart {
        stem: stem.to_owned(),
        title: title(what, scenarios),
        legend: scenarios.iter().map(|s| (s.view.name.to_owned(), s.color)).collect(),
        legend_bars: false,
        x: XAxis::Clock {
            end: scenarios.iter().map(|s| s.view.duration).fold(0.0, f64::max),
            date: first.and_then(|v| v.start_date),
        },
        panels,
        columns,
        share_y: false,
        markers: first.map(|v| v.interventions.clone()).unwrap_or_default(),
        marker_owner: first.map_or(String::new(), |v| v.name.to_owned()),
        note: Some(note),
    }
}

fn plot(title: &str, y_label: &str, scale: Scale, series: Vec<Series>) -> Panel {
    Panel {
        title: title.to_owned(),
        weight: 1.0,
        content: Content::Plot { y_label: y_label.to_owned(), scale, series, reference: None },
    }
}

/// Columns for a grid of `n` panels: stacked up to three, two columns
/// beyond, so panels stay wide enough to read a day's clock.
fn columns_for(n: usize) -> usize {
    if n <= 3 { 1 } else { 2 }
}

/// Contiguous spans of the time axis where the mean is under `threshold`.
fn spans_under(bands: &[BandPoint], threshold: f64) -> Vec<(f64, f64)> {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for b in bands.iter().filter(|b| b.ci.mean < threshold) {
        match spans.last_mut() {
            Some(last) if (last.1 - b.start).abs() < 1e-9 => last.1 = b.end,
            _ => spans.push((b.start, b.end)),
        }
    }
    spans
}

fn launch_charts(scenarios: &[&Loaded<'_, '_>], charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    for s in scenarios {
        s.require("intervals.csv")?;
        s.require("tiers.csv")?;
    }
    let interval = scenarios.first().and_then(|s| s.table("intervals.csv")).and_then(interval_length);
    let note = band_note(scenarios, interval, At::Middle);
    let state_note = band_note(scenarios, interval, At::End);

    // The outage curve, with the intervals under 50% as bars below it.
    let availability = lines(scenarios, "intervals.csv", "availability", None, At::Middle, false)?;
    let mut rows = Vec::new();
    for s in scenarios {
        let bands = s.require("intervals.csv")?.bands("availability", None)?;
        rows.push((s.color, spans_under(&bands, 0.5)));
    }
    let n = rows.len() as f64;
    let panels = vec![
        Panel {
            title: String::new(),
            weight: 4.0,
            content: Content::Plot {
                y_label: "availability (share of requests answered)".into(),
                scale: Scale::Share,
                series: availability,
                reference: Some((0.5, "50%".into())),
            },
        },
        Panel {
            title: String::new(),
            weight: 0.2 + 0.12 * n,
            content: Content::Strip { label: "under 50%".into(), rows },
        },
    ];
    let outage_note = format!("{note} Bars under the chart: intervals where the mean availability was under 50%.");
    charts.push(time_chart("outage", "Availability", scenarios, panels, 1, outage_note));

    // Latency per content class: median, p95 and p99 on one log scale.
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
            let column = format!("{class}_{q}_s");
            let series = lines(scenarios, "intervals.csv", &column, None, At::Middle, false)?;
            any |= any_value(&series);
            panels.push(plot(heading, "seconds (log scale)", Scale::Log, series));
        }
        if any {
            let latency_note = format!("{note} Successful responses only; gaps: no successful response.");
            let mut chart = time_chart(&format!("latency-{class}"), what, scenarios, panels, 1, latency_note);
            chart.share_y = true;
            charts.push(chart);
        }
    }

    // Offered load against goodput.
    let offered = lines(scenarios, "intervals.csv", "requests", None, At::Middle, true)?;
    let ok = lines(scenarios, "intervals.csv", "ok", None, At::Middle, true)?;
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
            ("tier-queue", "Queue length per tier", "queue_len_mean", "requests queued (mean)", Scale::Linear),
            ("tier-utilisation", "Utilisation per tier", "utilisation", "busy workers / workers", Scale::Share),
        ],
        &note,
        charts,
    )?;

    // States and counts over the day.
    // The line, and what it costs the people in it: a room that turns
    // errors into waiting should show the waiting.
    let room = lines(scenarios, "intervals.csv", "in_waiting_room", None, At::End, false)?;
    if any_nonzero(&room) {
        let wait = lines(scenarios, "intervals.csv", "room_wait_p95_s", None, At::Middle, false)?;
        let panels = vec![
            plot("people in line, at the end of each interval", "applicants in the waiting room", Scale::Linear, room),
            plot("p95 time in line of the people let in during each interval", "seconds", Scale::Linear, wait),
        ];
        let note = format!("{state_note} Time in line: over each interval, with gaps where nobody was let in.");
        charts.push(time_chart("waiting-room", "Waiting room", scenarios, panels, 1, note));
    }
    let done = lines(scenarios, "intervals.csv", "applications_cumulative", None, At::End, false)?;
    let panels = vec![plot("", "applications completed since 00:00", Scale::Linear, done)];
    charts.push(time_chart("applications", "Applications completed", scenarios, panels, 1, state_note));
    let exposures = lines(scenarios, "intervals.csv", "exposures", None, At::Middle, false)?;
    if any_nonzero(&exposures) {
        let per = interval.map_or("per interval".to_owned(), |w| format!("per {}", format_duration(w)));
        let y_label = format!("pages shown to someone else, {per}");
        let panels = vec![plot("", &y_label, Scale::Linear, exposures)];
        let what = "Exposures of personal data";
        charts.push(time_chart("exposures", what, scenarios, panels, 1, note));
    }
    Ok(())
}

fn contact_charts(loaded: &[Loaded<'_, '_>], charts: &mut Vec<Chart>) -> Result<(), ReportError> {
    let with = |table: &str| -> Vec<&Loaded<'_, '_>> { loaded.iter().filter(|s| s.table(table).is_some()).collect() };
    let phone = with("phone_intervals.csv");
    if !phone.is_empty() {
        let interval = phone.first().and_then(|s| s.table("phone_intervals.csv")).and_then(interval_length);
        let series = lines(&phone, "phone_intervals.csv", "service_level", None, At::Middle, false)?;
        if any_value(&series) {
            let y_label = "answered within the target (share)";
            let panels = vec![plot("", y_label, Scale::Share, series)];
            let note = format!(
                "{} Service level: calls answered within the target over calls that left the queue \
                 (answered or abandoned); gaps: no call left the queue.",
                band_note(&phone, interval, At::Middle)
            );
            charts.push(time_chart("phone-service-level", "Phone service level", &phone, panels, 1, note));
        }
    }
    let social = with("social_intervals.csv");
    if !social.is_empty() {
        let interval = social.first().and_then(|s| s.table("social_intervals.csv")).and_then(interval_length);
        let series = lines(&social, "social_intervals.csv", "backlog_end", None, At::End, false)?;
        let panels = vec![plot("", "posts awaiting an answer", Scale::Linear, series)];
        let note = band_note(&social, interval, At::End);
        charts.push(time_chart("social-backlog", "Social backlog", &social, panels, 1, note));
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
            ("station-queue", "Queue length per station", "queue_len_mean", "customers waiting (mean)", Scale::Linear),
            ("station-utilisation", "Utilisation per station", "utilisation", "busy servers / servers", Scale::Share),
            ("station-wait-p95", "95th percentile wait per station", "wait_p95_s", "wait, seconds", Scale::Linear),
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

/// A chart of one column per part: file stem, title, column, y label and
/// scale.
type PartChart = (&'static str, &'static str, &'static str, &'static str, Scale);

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
        for (stem, what, column, y_label, scale) in specs {
            let mut panels = Vec::with_capacity(parts.len());
            for part in &parts {
                let filter = Some(Filter { column: self.column, value: part });
                let series = lines(scenarios, self.table, column, filter, At::Middle, false)?;
                panels.push(plot(&format!("{} {part}", self.noun), y_label, *scale, series));
            }
            let columns = columns_for(panels.len());
            charts.push(time_chart(stem, what, scenarios, panels, columns, note.to_owned()));
        }
        Ok(())
    }
}

/// The charts of a run, one line per scenario, in a fixed order: for
/// launch days the outage curve (`outage`), latency per content class
/// (`latency-static`, `latency-personal`, `latency-write`), offered load
/// and goodput (`load`), queue length and utilisation per tier
/// (`tier-queue`, `tier-utilisation`), the waiting room (`waiting-room`,
/// when any scenario has one in use), cumulative applications
/// (`applications`) and exposures (`exposures`, when there are any); for
/// contact channels the phone service level (`phone-service-level`) and
/// the social backlog (`social-backlog`); for queueing networks queue
/// length, utilisation and p95 wait per station (`station-queue`,
/// `station-utilisation`, `station-wait-p95`).
///
/// Scenarios keep their colour (their position in `views`) in every chart.
/// The time axis starts at midnight of the first scenario's start date;
/// interventions are those of the first scenario in each chart. Fails on a
/// table that cannot be read, or when a launch day or a network lacks the
/// tables it always writes.
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
            Series { color: i, points, bars: true }
        })
        .collect();
    let chart = Chart {
        stem: "sweep".into(),
        title: title.to_owned(),
        legend: series
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.label.is_empty())
            .map(|(i, s)| (s.label.clone(), i))
            .collect(),
        legend_bars: true,
        x: XAxis::Value { min, max, label: x_label.to_owned() },
        panels: vec![plot("", y_label, Scale::Linear, lines)],
        columns: 1,
        share_y: false,
        markers: Vec::new(),
        marker_owner: String::new(),
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
        let rate = points(&bands, At::Middle, true);
        assert_eq!((rate[0].x, rate[0].y, rate[0].lo), (30.0, 2.0, 2.0));
        let state = points(&bands, At::End, false);
        assert_eq!((state[0].x, state[0].y), (60.0, 120.0));
    }

    #[test]
    fn a_sweep_with_no_points_is_an_error() {
        let empty = [SweepSeries { label: "a".into(), points: Vec::new() }];
        let err = sweep_figure("t", "x", "y", &empty).unwrap_err();
        assert_eq!(err, ReportError::EmptySweep { title: "t".into() });
    }
}
