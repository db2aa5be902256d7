//! Charts and the report, built from small real runs: every figure is a
//! PNG and two SVGs (wide and narrow) that carry its title, scenarios are
//! told apart by dash patterns as well as colours, each scenario's
//! interventions are its own, latency bands on a log axis come from the
//! logarithms, the phone chart shows volume and staffing, the text of
//! every chart is legible at the width it is shown at, the report is well
//! formed and names every scenario, and bad tables give typed errors.
//!
//! With `CLICKDAY_FIGURES=<folder>` set, the figures of the small portal
//! run are also written there as PNG and SVG, to look at.

use crate::util::small_portal;
use clickday::experiment::Estimate;
use clickday::export;
use clickday::launch::LaunchDay;
use clickday::pipeline::{self, OutputFile, ScenarioRun, Tables};
use clickday::report::{
    Figure, PairedDifference, ReportError, ScenarioView, SweepSeries, figures, markdown_summary, report_html,
    sweep_figure,
};
use clickday::scenario::{Model, Scenario, parse_scenario};
use clickday::stats::ConfidenceInterval;
use clickday::verdict::{Override, Practical};
use std::sync::OnceLock;

const REPLICATIONS: u32 = 3;

/// The small portal of `util::small_portal` with a narrative, a date and
/// its contact center. `extra` is appended.
fn portal(name: &str, extra: &str) -> String {
    let header = format!(
        r#"name = "{name}"
description = """
A small portal on a busy morning.

Its database is <b>undersized</b> & its cache rule leaks."""
start_date = "2021-03-01""#
    );
    small_portal(&header, 3, 2, &format!("{CONTACT_CENTER}{extra}"))
}

const CONTACT_CENTER: &str = r#"
[contact.phone]
agents = 2
handle_time = "3m"
patience = "5m"
answer_target = "20s"
open_hours = { from = "00:30", to = "03:30" }

[[contact.phone.demand]]
name = "failures"
kind = "external"

[contact.social]
responders = 1
handle_time = "5m"
response_target = "1h"

[[contact.social.demand]]
name = "failures"
kind = "external"
"#;

const CACHE_BUG: &str = r#"
[[intervention]]
at = "01:00"
action = "cache_personal_pages"
label = "cache rule leaks pages"
[[intervention]]
at = "01:30"
action = "bypass_personal_pages"
label = "cache rule fixed"
"#;

const ROOM: &str = "[waiting_room]\nadmission_rate = \"3/s\"\n";

/// The baseline also closes its portal for half an hour.
const CLOSURE: &str = r#"
[[intervention]]
at = "02:00"
action = "close_portal"
label = "portal closed"
[[intervention]]
at = "02:30"
action = "open_portal"
label = "portal reopened"
"#;

const NETWORK: &str = r#"
name = "two-stations"
description = "A front desk and a back office."
duration = "4h"
interval = "15m"
[[source]]
name = "arrivals"
kind = "poisson"
rate = "2/s"
to = "front"
[[station]]
name = "front"
servers = 2
service = { dist = "exponential", mean = "0.5s" }
routes = [{ to = "back", p = 0.5 }]
[[station]]
name = "back"
servers = 1
service = { dist = "exponential", mean = "0.8s" }
"#;

const CONTACT: &str = r#"
name = "help-line"
description = "A help line and an inbox on an ordinary day."
start_date = "2021-03-01"
duration = "8h"
interval = "30m"
[contact.phone]
agents = 3
handle_time = "3m"
patience = "5m"
[[contact.phone.demand]]
name = "calls"
kind = "poisson"
rate = "50/h"
[contact.social]
responders = 1
handle_time = "4m"
response_target = "1h"
[[contact.social.demand]]
name = "posts"
kind = "poisson"
rate = "20/h"
"#;

/// What a run of one scenario wrote, owned, to lend to a view.
struct Run {
    scenario: Scenario,
    tables: Tables,
    estimates: Vec<Estimate>,
    /// Per replication, the portal's applications (for a paired
    /// difference).
    applications: Vec<f64>,
}

impl Run {
    fn new(
        scenario: Scenario,
        tables: Vec<(&'static str, Vec<u8>)>,
        estimates: Vec<Estimate>,
        applications: Vec<f64>,
    ) -> Run {
        let files = tables.into_iter().map(|(name, bytes)| OutputFile { name, bytes }).collect();
        Run { scenario, tables: Tables { files, events: 0, replications: REPLICATIONS }, estimates, applications }
    }

    /// The view the pipeline would make of this run.
    fn view(&self) -> ScenarioView<'_> {
        let run = ScenarioRun {
            scenario: &self.scenario,
            source: "test",
            seed: self.scenario.seed,
            replications: REPLICATIONS,
        };
        pipeline::view(&run, &self.tables, &self.estimates)
    }
}

fn launch_run(text: &str) -> Run {
    let scenario = parse_scenario("small.toml", text).unwrap();
    let Model::LaunchDay(day) = &scenario.model else { panic!("not a launch day") };
    let day: &LaunchDay = day;
    let results = clickday::launch::run_replications(day, scenario.seed, REPLICATIONS, &|| {}).unwrap();
    let mut estimates = clickday::launch::estimate(&results);
    let mut tables = vec![
        ("intervals.csv", export::launch::intervals(&scenario, &results)),
        ("tiers.csv", export::launch::tiers(&scenario, day, &results)),
        ("contacts.csv", export::launch::contacts(&scenario, &results)),
        ("replications.csv", export::launch::replication_summary(&scenario, &results)),
    ];
    let center = day.contact_center.as_ref().expect("the test portal has a contact center");
    let demand = |r: u64| Some(results[r as usize].contact_demand());
    let contacts = clickday::contact::run_replications(center, demand, scenario.seed, REPLICATIONS, &|| {}).unwrap();
    tables.push(("phone_intervals.csv", export::contact::phone_intervals(&scenario, center, &contacts)));
    tables.push(("social_intervals.csv", export::contact::social_intervals(&scenario, center, &contacts)));
    estimates.extend(clickday::contact::estimate(&contacts));
    let applications = results.iter().map(|r| r.summary.get("applications").unwrap()).collect();
    Run::new(scenario, tables, estimates, applications)
}

fn network_run() -> Run {
    let scenario = parse_scenario("net.toml", NETWORK).unwrap();
    let Model::Network(net) = &scenario.model else { panic!("not a network") };
    let results = clickday::experiment::run_replications(net, scenario.seed, REPLICATIONS, &|| {}).unwrap();
    let tables = vec![
        ("intervals.csv", export::csv::intervals(&scenario, net, &results)),
        ("replications.csv", export::csv::replication_summary(&scenario, &results)),
    ];
    let estimates = clickday::experiment::estimate(&results);
    Run::new(scenario, tables, estimates, Vec::new())
}

fn contact_run() -> Run {
    let scenario = parse_scenario("line.toml", CONTACT).unwrap();
    let Model::Contact(center) = &scenario.model else { panic!("not a contact center") };
    let results = clickday::contact::run_replications(center, |_| None, scenario.seed, REPLICATIONS, &|| {}).unwrap();
    let tables = vec![
        ("phone_intervals.csv", export::contact::phone_intervals(&scenario, center, &results)),
        ("social_intervals.csv", export::contact::social_intervals(&scenario, center, &results)),
        ("replications.csv", export::contact::replication_summary(&scenario, &results)),
    ];
    let estimates = clickday::contact::estimate(&results);
    Run::new(scenario, tables, estimates, Vec::new())
}

/// The baseline portal (with a leaking cache rule) and a variant with a
/// waiting room, run once for all the tests.
fn portals() -> &'static [Run; 2] {
    static RUNS: OnceLock<[Run; 2]> = OnceLock::new();
    RUNS.get_or_init(|| {
        [launch_run(&portal("small-portal", &format!("{CACHE_BUG}{CLOSURE}"))), launch_run(&portal("with-room", ROOM))]
    })
}

fn portal_figures() -> &'static Vec<Figure> {
    static FIGURES: OnceLock<Vec<Figure>> = OnceLock::new();
    FIGURES.get_or_init(|| {
        let views: Vec<ScenarioView<'_>> = portals().iter().map(Run::view).collect();
        let figures = figures(&views).unwrap();
        if let Some(dir) = std::env::var_os("CLICKDAY_FIGURES") {
            std::fs::create_dir_all(&dir).unwrap();
            let dir = std::path::Path::new(&dir);
            for f in &figures {
                std::fs::write(dir.join(format!("{}.png", f.stem)), &f.png).unwrap();
                std::fs::write(dir.join(format!("{}.svg", f.stem)), &f.svg).unwrap();
                std::fs::write(dir.join(format!("{}-narrow.svg", f.stem)), &f.svg_narrow).unwrap();
            }
            let html = report_html(&views, &[applications_difference()], &figures);
            std::fs::write(dir.join("report.html"), html).unwrap();
        }
        figures
    })
}

fn figure(stem: &str) -> &'static Figure {
    portal_figures().iter().find(|f| f.stem == stem).unwrap_or_else(|| panic!("no figure {stem}"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The `(width, height)` an SVG declares.
fn svg_size(svg: &str) -> (u32, u32) {
    let attr = |name: &str| -> u32 {
        let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

/// The contents of each `<g ... data-series="name">` group of class
/// `class`, in order.
fn groups<'s>(svg: &'s str, class: &str, name: &str) -> Vec<&'s str> {
    let open = format!("<g class=\"{class}\" data-series=\"{name}\">");
    svg.match_indices(&open)
        .map(|(at, _)| {
            let body = &svg[at + open.len()..];
            &body[..body.find("</g>").unwrap()]
        })
        .collect()
}

/// The value of attribute `name` in each element of `text` that has it.
fn attributes<'s>(text: &'s str, name: &str) -> Vec<&'s str> {
    let key = format!(" {name}=\"");
    text.match_indices(&key).map(|(at, _)| text[at + key.len()..].split('"').next().unwrap()).collect()
}

/// The paired difference of applications completed between the variant and
/// the baseline.
fn applications_difference() -> PairedDifference {
    let [base, room] = portals();
    let paired: Vec<f64> = room.applications.iter().zip(&base.applications).map(|(v, b)| v - b).collect();
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let (b, v) = (
        ConfidenceInterval::student_t(&base.applications, 0.95),
        ConfidenceInterval::student_t(&room.applications, 0.95),
    );
    PairedDifference {
        scenario: room.scenario.name.clone(),
        scope: "portal".into(),
        metric: "applications".into(),
        baseline: mean(&base.applications),
        variant: mean(&room.applications),
        difference: ConfidenceInterval::student_t(&paired, 0.95),
        unpaired_half_width: (b.half_width.powi(2) + v.half_width.powi(2)).sqrt(),
    }
}

/// Checks that `text` is a sequence of balanced tags: every element
/// opened is closed in order, except void elements and `<x/>`; comments,
/// the doctype and the text of `<style>` are skipped. Returns the element
/// names in document order.
fn balanced(text: &str) -> Result<Vec<String>, String> {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unterminated comment")?;
            rest = &after[end + 3..];
            continue;
        }
        let close = rest.find('>').ok_or_else(|| format!("unterminated tag at {:.40}", rest))?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if name.is_empty() || tag.contains('<') {
            return Err(format!("not a tag: <{tag:.40}>"));
        }
        seen.push(name.clone());
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let end = rest.find("</style>").ok_or("unterminated style")?;
            rest = &rest[end + "</style>".len()..];
            continue;
        }
        stack.push(name);
    }
    if stack.is_empty() { Ok(seen) } else { Err(format!("unclosed: {stack:?}")) }
}

/// Checks one figure: a PNG 1200 pixels wide and at least 600 high with
/// text drawn in its title band, a well-formed SVG of the same size
/// carrying the title, and a well-formed narrow SVG 520 pixels wide.
fn check_figure(f: &Figure) {
    let png = image::load_from_memory_with_format(&f.png, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", f.stem))
        .to_rgb8();
    let (width, height) = png.dimensions();
    assert!(width == 1200 && height >= 600, "{}: {width} x {height}", f.stem);
    // The title is dark text across the top: a picture drawn without a
    // font would be white there.
    let dark_in_title =
        (0..1200).flat_map(|x| (8..36).map(move |y| (x, y))).filter(|&(x, y)| png.get_pixel(x, y).0[0] < 100).count();
    assert!(dark_in_title > 500, "{}: title band has {dark_in_title} dark pixels", f.stem);
    let colours: std::collections::HashSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 20, "{}: only {} colours", f.stem, colours.len());

    let header = format!("<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"");
    assert!(f.svg.starts_with(&header), "{}: {}", f.stem, &f.svg[..80]);
    assert!(f.svg.trim_end().ends_with("</svg>"), "{}", f.stem);
    balanced(&f.svg).unwrap_or_else(|e| panic!("{}: {e}", f.stem));
    // A long title is wrapped onto lines: every word is there.
    for word in f.title.split(' ') {
        assert!(f.svg.contains(&escape(word)), "{}: title word {word:?} not in the SVG", f.stem);
        assert!(f.svg_narrow.contains(&escape(word)), "{}: title word {word:?} not in the narrow SVG", f.stem);
    }

    let (w, h) = svg_size(&f.svg_narrow);
    assert!(w == 520 && h >= 300, "{}: narrow {w} x {h}", f.stem);
    balanced(&f.svg_narrow).unwrap_or_else(|e| panic!("{} narrow: {e}", f.stem));
}

#[test]
fn every_figure_of_a_launch_day_run_is_a_png_and_an_svg_of_the_stated_size_with_its_title() {
    let figures = portal_figures();
    let stems: Vec<&str> = figures.iter().map(|f| f.stem.as_str()).collect();
    // No static content in this portal, so no static latency chart; the
    // waiting room and the exposures have something to show.
    assert_eq!(
        stems,
        [
            "timeline",
            "outage",
            "latency-personal",
            "latency-write",
            "load",
            "tier-queue",
            "tier-utilisation",
            "waiting-room",
            "applications",
            "exposures",
            "phone-volume",
            "phone-service-level",
            "social-backlog"
        ]
    );
    for f in figures {
        check_figure(f);
    }
}

#[test]
fn each_scenario_is_a_line_of_its_own_colour_dash_and_glyph_named_in_the_legend() {
    let outage = figure("outage");
    assert_eq!(outage.title, "Availability — small-portal vs with-room");
    for name in ["small-portal", "with-room"] {
        assert_eq!(groups(&outage.svg, "legend", name).len(), 1, "{name} not in the legend");
        assert_eq!(groups(&outage.svg, "series", name).len(), 1, "{name} has no line");
    }
    // The baseline is a solid line, the other dashed, so where the two
    // coincide the baseline shows through the gaps; the legend's swatches
    // show the same.
    let dashes = |class: &str, name: &str| -> Vec<String> {
        groups(&outage.svg, class, name)
            .iter()
            .flat_map(|g| attributes(g, "stroke-dasharray"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert!(dashes("series", "small-portal").is_empty());
    let room = dashes("series", "with-room");
    assert!(!room.is_empty());
    assert_eq!(dashes("legend", "with-room"), room[..1]);
    // Glyphs along each line: circles for the baseline, squares for the
    // other.
    assert!(groups(&outage.svg, "series", "small-portal")[0].contains("<circle"));
    assert!(groups(&outage.svg, "series", "with-room")[0].matches("<polygon").count() >= 3);
    // Clock times on the time axis, and the date under midnight.
    for label in ["00:00", "01:00", "02:00", "03:00", "04:00", "1 Mar"] {
        assert!(outage.svg.contains(&format!(">{label}</text>")), "no tick {label}");
    }
}

#[test]
fn identical_scenarios_get_different_dash_patterns_and_both_stay_visible() {
    let a = launch_run(&portal("twin-a", CACHE_BUG));
    let b = launch_run(&portal("twin-b", CACHE_BUG));
    let views = [a.view(), b.view()];
    let figures = figures(&views).unwrap();
    let outage = figures.iter().find(|f| f.stem == "outage").unwrap();
    // The two lines have the same points: the later is dashed on top of
    // the earlier, solid and wider one.
    let line = |name: &str| -> (String, Option<String>, String) {
        let g = groups(&outage.svg, "series", name)[0];
        let polyline = &g[g.find("<polyline").unwrap()..];
        let polyline = &polyline[..polyline.find("/>").unwrap()];
        (
            attributes(polyline, "points")[0].to_owned(),
            attributes(polyline, "stroke-dasharray").first().map(|d| d.to_string()),
            attributes(polyline, "stroke-width")[0].to_owned(),
        )
    };
    let (points_a, dash_a, width_a) = line("twin-a");
    let (points_b, dash_b, width_b) = line("twin-b");
    assert_eq!(points_a, points_b, "the twins differ");
    assert_eq!(dash_a, None);
    assert!(dash_b.is_some());
    assert!(width_a.parse::<f64>().unwrap() > width_b.parse::<f64>().unwrap());
    // Both named, each once, in the narrow picture too.
    for name in ["twin-a", "twin-b"] {
        assert_eq!(groups(&outage.svg_narrow, "series", name).len(), 1);
    }
    // Interventions both have are nobody's in particular: grey.
    let marked = |colour: &str| {
        outage.svg.lines().filter(|l| l.contains("stroke-dasharray=\"4 3\"") && l.contains(colour)).count()
    };
    assert!(marked("#646464") > 0);
    assert_eq!(marked("#0072B2") + marked("#D55E00"), 0);
}

#[test]
fn each_scenario_s_interventions_and_closures_are_marked_as_its_own() {
    let outage = figure("outage");
    // Only the baseline had interventions (the cache rule, the closure):
    // their markers, and the shading of the closure, are in the
    // baseline's colour; nothing is grey or in the other's colour.
    let markers = |colour: &str| {
        outage.svg.lines().filter(|l| l.contains("stroke-dasharray=\"4 3\"") && l.contains(colour)).count()
    };
    assert_eq!(markers("#646464"), 0, "a grey marker, as if every scenario had it");
    assert!(markers("#0072B2") > 0, "no marker in the baseline's colour for its interventions");
    assert_eq!(markers("#D55E00"), 0, "a marker in the colour of the scenario without interventions");
    assert!(outage.svg.contains("portal closed") && outage.svg.contains("cache rule leaks pages"));
    // The closure is shaded grey, and a bar along the top of each panel,
    // in the baseline's colour, says whose it was.
    let grey = outage.svg.matches("fill=\"#787878\" fill-opacity=\"0.10\"").count();
    assert!(grey >= 1, "the closure is not shaded");
    let bars = |colour: &str| outage.svg.matches(&format!("height=\"5\" fill=\"{colour}\"/>")).count();
    assert!(bars("#0072B2") >= 1, "no bar says the baseline closed");
    assert_eq!(bars("#D55E00"), 0, "a bar for a scenario that did not close");
    // With one scenario its markers are grey and its closure shaded grey.
    let figures = figures(&[portals()[0].view()]).unwrap();
    let alone = figures.iter().find(|f| f.stem == "outage").unwrap();
    assert!(!alone.svg.lines().any(|l| l.contains("stroke-dasharray=\"4 3\"") && l.contains("#0072B2")));
    assert!(alone.svg.contains("fill=\"#787878\" fill-opacity=\"0.10\""));
}

#[test]
fn latency_bands_on_a_log_axis_come_from_the_logarithms_and_the_failed_share_is_beside_them() {
    let base = portals()[0].view();
    let bytes = base.tables.iter().find(|(n, _)| *n == "intervals.csv").unwrap().1;
    let table = clickday::report::tables::Table::parse("intervals.csv", bytes).unwrap();
    // Arithmetic intervals of a latency over three replications reach
    // below zero when one replication is overloaded (the old bands
    // plunged to the axis' floor there); the intervals of the logarithms
    // never do, and hold the geometric mean.
    let plain = table.bands("personal_p95_s", None).unwrap();
    assert!(plain.iter().any(|b| b.ci.lower < 0.0), "the test run has no interval the old band got wrong");
    let log = table.log_bands("personal_p95_s", None).unwrap();
    let mut checked = 0;
    for b in log.iter().filter(|b| b.n >= 2) {
        assert!(b.lower > 0.0 && b.lower <= b.mean && b.mean <= b.upper, "{b:?}");
        checked += 1;
    }
    assert!(checked > 10);
    let chart = figure("latency-personal");
    assert!(chart.title.contains("successful answers only"), "{}", chart.title);
    assert!(chart.title.contains("waiting room not included"), "{}", chart.title);
    assert!(chart.svg.contains("requests that failed"));
    assert!(chart.svg.contains("geometric mean"));
    // Four panels each with a line per scenario: p50, p95, p99, failed.
    assert_eq!(groups(&chart.svg, "series", "small-portal").len(), 4);
}

#[test]
fn the_phone_chart_shows_calls_by_outcome_and_agents_against_erlang_c() {
    let phone = figure("phone-volume");
    for name in
        ["attempts", "busy signals", "answered", "abandoned", "arrived while closed", "agents on duty", "agents needed"]
    {
        assert_eq!(groups(&phone.svg, "series", name).len(), 2, "{name}: one line per scenario");
        assert_eq!(
            groups(&phone.svg, "legend", name.trim_end_matches(" (Erlang C)")).len(),
            usize::from(name != "agents needed")
        );
    }
    assert!(phone.svg.contains("agents needed (Erlang C)"));
    assert!(phone.svg.contains("calls, small-portal") && phone.svg.contains("agents, with-room"));
    // The line opens at 00:30 and closes at 03:30: shaded before and after.
    assert!(phone.svg.matches("fill=\"#787878\" fill-opacity=\"0.10\"").count() >= 4);
}

#[test]
fn the_exposure_chart_counts_people_over_the_window_they_were_exposed_in() {
    let chart = figure("exposures");
    assert!(chart.title.contains("People whose personal page was shown"), "{}", chart.title);
    assert!(chart.svg.contains("people whose page was first shown to another"));
    assert!(
        chart.svg.contains("people first shown another&#39;s page")
            || chart.svg.contains("people first shown another's page")
    );
    assert!(chart.svg.contains("add up to the scorecard"));
    // The cache rule leaked from 01:00 to 01:30: the axis covers about
    // that, not the whole day.
    assert!(chart.svg.contains(">01:00</text>") && chart.svg.contains(">01:30</text>"));
    assert!(!chart.svg.contains(">03:00</text>") && !chart.svg.contains(">00:00</text>"));
    // A table without the people columns (as earlier versions wrote)
    // still gets a chart, of page views, saying so.
    let view = portals()[0].view();
    let bytes = view.tables.iter().find(|(n, _)| *n == "intervals.csv").unwrap().1;
    let older = without_columns(bytes, |c| c == "people_exposed" || c == "people_shown_others_data");
    let figures = figures(&[with_table(&view, "intervals.csv", older.as_bytes())]).unwrap();
    let chart = figures.iter().find(|f| f.stem == "exposures").unwrap();
    assert!(chart.title.contains("page views") && chart.svg.contains("The scorecard counts people"));
}

/// `table` (CSV) without the columns whose header `drop` picks; panics
/// when it picks none, so a test cannot silently test nothing.
fn without_columns(table: &[u8], drop: impl Fn(&str) -> bool) -> String {
    let text = std::str::from_utf8(table).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let keep: Vec<usize> = (0..header.len()).filter(|&i| !drop(header[i])).collect();
    assert!(keep.len() < header.len(), "no column to drop in {header:?}");
    let mut out = String::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split(',').collect();
        out.push_str(&keep.iter().map(|&i| cells[i]).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[test]
fn only_scenarios_with_a_waiting_room_are_in_its_chart_with_the_time_in_line_when_the_table_has_it() {
    let room = figure("waiting-room");
    // People in line, and their time in line (mean and p95), as
    // durations on a clock.
    assert_eq!(groups(&room.svg, "series", "with-room").len(), 3);
    assert!(groups(&room.svg, "series", "small-portal").is_empty());
    assert!(room.svg.contains("time in line, mean") && room.svg.contains("time in line, 95th percentile"));
    assert!([" s</text>", " min</text>", " h</text>"].iter().any(|unit| room.svg.contains(unit)), "no duration ticks");
    // Without any room, no chart.
    let alone = figures(&[portals()[0].view()]).unwrap();
    assert!(alone.iter().all(|f| f.stem != "waiting-room"));
    // A table without the waiting times (as earlier versions wrote) still
    // gets the people in line.
    let view = portals()[1].view();
    let bytes = view.tables.iter().find(|(n, _)| *n == "intervals.csv").unwrap().1;
    let older = without_columns(bytes, |c| c.starts_with("room_wait_"));
    let figures = figures(&[with_table(&view, "intervals.csv", older.as_bytes())]).unwrap();
    let chart = figures.iter().find(|f| f.stem == "waiting-room").unwrap();
    assert_eq!(groups(&chart.svg, "series", "with-room").len(), 1);
    assert!(!chart.svg.contains("time in line"));
}

#[test]
fn utilisation_marks_the_safe_limit() {
    let chart = figure("tier-utilisation");
    assert!(chart.svg.matches("safe limit 80%").count() >= 2, "one per tier");
}

#[test]
fn the_timeline_stacks_the_day_and_marks_the_story_s_events_at_their_clock_times() {
    let chart = figure("timeline");
    assert_eq!(chart.title, "The day hour by hour — small-portal");
    for heading in ["availability", "applications completed per minute", "people, at each", "phone calls attempted"] {
        assert!(chart.svg.contains(heading), "no panel {heading}");
    }
    for name in ["retrying", "gone for now, coming back", "given up"] {
        assert_eq!(groups(&chart.svg, "series", name).len(), 1, "{name}");
    }
    let view = portals()[0].view();
    for event in clickday::report::story::events(&view) {
        let clock = clickday::verdict::format::clock(event.at, view.start_date);
        assert!(chart.svg.contains(&format!("{clock} {}", event.label)), "no marker {clock} {}", event.label);
    }
    assert!(chart.svg.contains("02:00 portal closed"));
    // The closure and the leak are shaded.
    assert!(
        chart.svg.contains("fill=\"#787878\" fill-opacity=\"0.10\"")
            && chart.svg.contains("fill=\"#CC79A7\" fill-opacity=\"0.10\"")
    );
}

/// The sizes of the text of an SVG, in its own pixels.
fn font_sizes(svg: &str) -> Vec<f64> {
    attributes(svg, "font-size").iter().map(|s| s.parse().unwrap()).collect()
}

#[test]
fn chart_text_is_legible_on_a_projected_page_and_on_a_phone() {
    // The report shows a wide chart at most 1200 px wide: at 1280 px
    // (1248 px of page less the margins) at its own size. On a 390-px
    // phone the narrow chart fills 358 px.
    for f in portal_figures() {
        let (w, _) = svg_size(&f.svg);
        let shown = (1280.0 - 32.0f64).min(1200.0);
        let smallest = font_sizes(&f.svg).into_iter().fold(f64::INFINITY, f64::min) * shown / f64::from(w);
        assert!(smallest >= 14.0, "{}: {smallest:.1} px at 1280", f.stem);
        let (w, _) = svg_size(&f.svg_narrow);
        let smallest = font_sizes(&f.svg_narrow).into_iter().fold(f64::INFINITY, f64::min) * 358.0 / f64::from(w);
        assert!(smallest >= 10.0, "{}: {smallest:.1} px at 390", f.stem);
    }
}

#[test]
fn network_runs_chart_queues_utilisation_and_waits_per_station() {
    let run = network_run();
    let figures = figures(&[run.view()]).unwrap();
    let stems: Vec<&str> = figures.iter().map(|f| f.stem.as_str()).collect();
    assert_eq!(stems, ["station-queue", "station-utilisation", "station-wait-p95"]);
    for f in &figures {
        check_figure(f);
        assert!(f.svg.contains("station front") && f.svg.contains("station back"), "{}", f.stem);
        assert!(!f.svg.contains("station network"), "the network scope is not a station");
    }
}

#[test]
fn contact_center_runs_chart_the_service_level_and_the_backlog() {
    let run = contact_run();
    let figures = figures(&[run.view()]).unwrap();
    let stems: Vec<&str> = figures.iter().map(|f| f.stem.as_str()).collect();
    assert_eq!(stems, ["phone-volume", "phone-service-level", "social-backlog"]);
    for f in &figures {
        check_figure(f);
    }
}

#[test]
fn a_run_mixing_models_charts_each_and_keeps_colours_by_run_order() {
    let (net, line) = (network_run(), contact_run());
    let views = [portals()[0].view(), net.view(), line.view()];
    let figures = figures(&views).unwrap();
    let phone = figures.iter().find(|f| f.stem == "phone-service-level").unwrap();
    // The portal (first) and the help line (third) both have a phone line.
    assert!(phone.svg.contains("small-portal") && phone.svg.contains("help-line"));
    assert!(!groups(&phone.svg, "series", "help-line").is_empty());
    assert!(phone.svg.contains("stroke=\"#009E73\""), "the third scenario keeps the third colour");
    assert!(figures.iter().any(|f| f.stem == "station-queue"));
}

#[test]
fn a_sweep_chart_is_a_valid_figure_with_its_title() {
    let ci = |values: &[f64]| ConfidenceInterval::student_t(values, 0.95);
    let series = [
        SweepSeries {
            label: "room 5000/m".into(),
            points: vec![
                (50.0, ci(&[0.4, 0.5, 0.45])),
                (100.0, ci(&[0.7, 0.72, 0.69])),
                (200.0, ci(&[0.9, 0.93, 0.95])),
            ],
        },
        SweepSeries {
            label: "room 10000/m".into(),
            points: vec![(50.0, ci(&[0.3, 0.35, 0.32])), (200.0, ci(&[0.85, 0.88, 0.9]))],
        },
    ];
    let f = sweep_figure("Minimum availability by workers", "app workers (workers)", "availability (share)", &series)
        .unwrap();
    check_figure(&f);
    assert!(f.svg.contains("room 10000/m") && f.svg.contains("app workers (workers)"));
}

#[test]
fn the_report_is_well_formed_self_contained_and_names_every_scenario() {
    let views: Vec<ScenarioView<'_>> = portals().iter().map(Run::view).collect();
    let html = report_html(&views, &[applications_difference()], portal_figures());
    let tags = balanced(&html).unwrap();
    assert_eq!(tags.first().map(String::as_str), Some("html"));
    // Each figure twice: for a wide page and for a phone; the style sheet
    // shows one.
    assert_eq!(tags.iter().filter(|t| *t == "svg").count(), 2 * portal_figures().len());
    assert_eq!(html.matches("<svg class=\"narrow\"").count(), portal_figures().len());
    assert!(html.contains("@media (max-width: 700px)") && html.contains("figure svg.narrow { display: block; }"));
    // The timeline is in the story, before the scenarios' sections.
    let story = html.find("<section id=\"story\">").unwrap();
    let timeline = html.find("<figure id=\"figure-timeline\">").unwrap();
    assert!(story < timeline && timeline < html.find("<article id=\"scenario-small-portal\">").unwrap());
    for name in ["small-portal", "with-room"] {
        assert!(html.contains(&format!("<h2>{name}</h2>")), "no section for {name}");
    }
    for f in portal_figures() {
        assert!(html.contains(&format!("<figcaption>{}</figcaption>", f.title)), "no caption for {}", f.stem);
    }
    // The narrative is there, escaped.
    assert!(html.contains("Its database is &lt;b&gt;undersized&lt;/b&gt; &amp; its cache rule leaks."));
    // Headline verdicts with intervals, and the difference with both widths.
    assert!(html.contains("applications completed") && html.contains(" ± "));
    assert!(html.contains("difference ± 95% CI (paired)") && html.contains("± if unpaired"));
    assert!(html.contains("<h3>with-room − small-portal</h3>"), "the differences are not headed by scenario");
    // Nothing to fetch and nothing to run.
    assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains("href=\"http"));
    assert!(html.contains("name=\"viewport\"") && html.contains("@media print"));
}

#[test]
fn the_markdown_summary_has_the_run_the_scorecard_and_the_paired_differences() {
    let views: Vec<ScenarioView<'_>> = portals().iter().map(Run::view).collect();
    let md = markdown_summary(&views, &[applications_difference()]);
    let run_rows: Vec<&str> = md.lines().filter(|l| l.contains("| launch day |")).collect();
    assert_eq!(run_rows.len(), 2, "{md}");
    assert!(run_rows[0].starts_with("| small-portal |") && run_rows[1].starts_with("| with-room |"), "{md}");
    assert!(md.contains("| verdict | better | small-portal | with-room |"), "{md}");
    let applications = md.lines().find(|l| l.starts_with("| applications completed | higher |")).unwrap();
    assert_eq!(applications.matches(" ± ").count(), 2, "{applications}");
    assert!(md.contains("## Differences from small-portal (paired)"), "{md}");
    let diff = md.lines().find(|l| l.starts_with("| with-room | applications completed |")).unwrap();
    assert!(diff.contains(" ± "), "{diff}");
    // The time people spent in the room's line is only the room's, and
    // still on the scorecard: the baseline's cell is empty.
    let line = md.lines().find(|l| l.starts_with("| mean time in the waiting room")).expect("no time in line");
    assert!(line.contains("| lower | – | ") && line.contains(" min |"), "{line}");
    // So is the terminal's side-by-side table, with the room's own figure.
    let table = clickday::report::terminal::comparison_table(&views, &[applications_difference()]);
    let row = table.lines().find(|l| l.contains("most people in the waiting room")).expect("no room row");
    assert!(row.contains(" – ") && row.contains("= "), "{row}");
    assert!(table.contains("\"= x\": the scenario's own figure"), "{table}");
    // Every row of a table has as many cells as its header.
    for table in md.split("\n\n").filter(|t| t.starts_with('|')) {
        let bars: Vec<usize> = table.lines().map(|l| l.replace("\\|", "").matches('|').count()).collect();
        assert!(bars.len() >= 3 && bars.windows(2).all(|w| w[0] == w[1]), "{table}");
    }
}

#[test]
fn a_baseline_can_raise_the_bar_for_what_counts_as_better() {
    let views: Vec<ScenarioView<'_>> = portals().iter().map(Run::view).collect();
    let diff_line = |views: &[ScenarioView<'_>]| -> String {
        let md = markdown_summary(views, &[applications_difference()]);
        md.lines().find(|l| l.starts_with("| with-room | applications completed |")).unwrap().to_owned()
    };
    let by_default = diff_line(&views);
    assert!(by_default.contains("**better**") || by_default.contains("**worse**"), "{by_default}");
    let strict = [Override { scope: "portal", metric: "applications", practical: Practical::Relative(1000.0) }];
    let mut raised = views.clone();
    raised[0].practical = &strict;
    let raised = diff_line(&raised);
    assert!(!raised.contains("**"), "{raised}");
}

fn with_table<'a>(view: &ScenarioView<'a>, name: &'a str, bytes: &'a [u8]) -> ScenarioView<'a> {
    let mut view = view.clone();
    view.tables.retain(|(n, _)| *n != name);
    view.tables.push((name, bytes));
    view
}

#[test]
fn bad_tables_give_typed_errors_not_panics() {
    let base = portals()[0].view();
    let intervals = base.tables.iter().find(|(n, _)| *n == "intervals.csv").unwrap().1;
    let text = std::str::from_utf8(intervals).unwrap();

    let renamed = text.replacen("availability", "uptime", 1);
    let err = figures(&[with_table(&base, "intervals.csv", renamed.as_bytes())]).unwrap_err();
    assert_eq!(err, ReportError::MissingColumn { table: "intervals.csv".into(), column: "availability".into() });

    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let column = lines[0].split(',').position(|c| c == "requests").unwrap();
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[column] = "lots";
    lines[2] = cells.join(",");
    let garbled = lines.join("\n");
    let err = figures(&[with_table(&base, "intervals.csv", garbled.as_bytes())]).unwrap_err();
    assert_eq!(
        err,
        ReportError::NotANumber {
            table: "intervals.csv".into(),
            line: 3,
            column: "requests".into(),
            value: "lots".into()
        }
    );

    let ragged = format!("{text}small-portal,9\n");
    let err = figures(&[with_table(&base, "intervals.csv", ragged.as_bytes())]).unwrap_err();
    assert!(matches!(err, ReportError::Csv { .. }), "{err}");

    let mut no_tiers = base.clone();
    no_tiers.tables.retain(|(n, _)| *n != "tiers.csv");
    let err = figures(&[no_tiers]).unwrap_err();
    assert_eq!(err.to_string(), "scenario small-portal: no table `tiers.csv`");
}

#[test]
fn five_scenarios_compare_side_by_side_within_100_columns() {
    let [base, room] = portals();
    let names = ["room-a", "room-b", "small-portal-again", "room-c"];
    let mut views = vec![base.view()];
    for (i, name) in names.iter().enumerate() {
        let mut view = if i == 2 { base.view() } else { room.view() };
        view.name = name;
        views.push(view);
    }
    // Paired differences for some scenarios only: the others show their
    // own figures ("= x"), the widest cells a table has.
    let differences: Vec<PairedDifference> = ["room-a", "room-c"]
        .iter()
        .map(|name| PairedDifference { scenario: (*name).into(), ..applications_difference() })
        .collect();
    let table = clickday::report::terminal::comparison_table(&views, &differences);
    for line in table.lines() {
        assert!(line.chars().count() <= 100, "{} columns: {line}\n{table}", line.chars().count());
    }
    for k in 1..=5 {
        assert!(table.contains(&format!("[{k}]")), "no column [{k}]:\n{table}");
    }
    // Wide cells split the scenarios into blocks; each block repeats the
    // baseline and every verdict.
    let blocks = table.lines().filter(|l| l.trim_start().starts_with("[1]")).count();
    let completed = table.lines().filter(|l| l.trim_start().starts_with("applications completed  ")).count();
    assert!(blocks >= 2 && completed == blocks, "{blocks} blocks, {completed} rows of applications:\n{table}");
}
