//! Charts and the report, built from small real runs: every figure is a
//! PNG and an SVG of the stated size that carries its title, the report is
//! well formed and names every scenario, and bad tables give typed errors.

use crate::util::small_portal;
use clickday::experiment::Estimate;
use clickday::export;
use clickday::launch::LaunchDay;
use clickday::report::{
    Figure, ModelKind, PairedDifference, ReportError, ScenarioView, SweepSeries, figures, markdown_summary,
    report_html, sweep_figure,
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
    kind: ModelKind,
    interventions: Vec<(f64, String)>,
    tables: Vec<(&'static str, Vec<u8>)>,
    estimates: Vec<Estimate>,
    /// Per replication, the portal's applications (for a paired
    /// difference).
    applications: Vec<f64>,
}

impl Run {
    fn view(&self) -> ScenarioView<'_> {
        ScenarioView {
            name: &self.scenario.name,
            description: &self.scenario.description,
            start_date: self.scenario.start_date,
            kind: self.kind,
            duration: self.scenario.run().duration,
            interventions: self.interventions.clone(),
            tables: self.tables.iter().map(|(n, b)| (*n, b.as_slice())).collect(),
            estimates: &self.estimates,
            replications: REPLICATIONS,
            seed: self.scenario.seed,
            practical: &self.scenario.practical,
        }
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
    let interventions = day.interventions.iter().map(|i| (i.at, i.label.clone())).collect();
    let applications = results.iter().map(|r| r.summary.get("applications").unwrap()).collect();
    Run { kind: ModelKind::LaunchDay, interventions, tables, estimates, applications, scenario }
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
    Run { kind: ModelKind::Network, interventions: Vec::new(), tables, estimates, applications: Vec::new(), scenario }
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
    Run { kind: ModelKind::Contact, interventions: Vec::new(), tables, estimates, applications: Vec::new(), scenario }
}

/// The baseline portal (with a leaking cache rule) and a variant with a
/// waiting room, run once for all the tests.
fn portals() -> &'static [Run; 2] {
    static RUNS: OnceLock<[Run; 2]> = OnceLock::new();
    RUNS.get_or_init(|| [launch_run(&portal("small-portal", CACHE_BUG)), launch_run(&portal("with-room", ROOM))])
}

fn portal_figures() -> &'static Vec<Figure> {
    static FIGURES: OnceLock<Vec<Figure>> = OnceLock::new();
    FIGURES.get_or_init(|| {
        let views: Vec<ScenarioView<'_>> = portals().iter().map(Run::view).collect();
        figures(&views).unwrap()
    })
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

/// Checks one figure: a PNG of 1200 × 600 with text drawn in its title
/// band, and a well-formed SVG of the same size carrying the title.
fn check_figure(f: &Figure) {
    let png = image::load_from_memory_with_format(&f.png, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", f.stem))
        .to_rgb8();
    assert_eq!(png.dimensions(), (1200, 600), "{}", f.stem);
    // The title is dark text across the top: a picture drawn without a
    // font would be white there.
    let dark_in_title =
        (0..1200).flat_map(|x| (8..36).map(move |y| (x, y))).filter(|&(x, y)| png.get_pixel(x, y).0[0] < 100).count();
    assert!(dark_in_title > 500, "{}: title band has {dark_in_title} dark pixels", f.stem);
    let colours: std::collections::HashSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 20, "{}: only {} colours", f.stem, colours.len());

    assert!(f.svg.starts_with("<svg width=\"1200\" height=\"600\" viewBox=\"0 0 1200 600\""), "{}", &f.svg[..80]);
    assert!(f.svg.trim_end().ends_with("</svg>"), "{}", f.stem);
    balanced(&f.svg).unwrap_or_else(|e| panic!("{}: {e}", f.stem));
    assert!(f.svg.contains(&f.title), "{}: title {:?} not in the SVG", f.stem, f.title);
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
            "outage",
            "latency-personal",
            "latency-write",
            "load",
            "tier-queue",
            "tier-utilisation",
            "waiting-room",
            "applications",
            "exposures",
            "phone-service-level",
            "social-backlog"
        ]
    );
    for f in figures {
        check_figure(f);
    }
}

#[test]
fn each_scenario_is_a_line_of_its_own_colour_with_its_name_in_the_legend() {
    let outage = portal_figures().iter().find(|f| f.stem == "outage").unwrap();
    assert_eq!(outage.title, "Availability — small-portal vs with-room");
    // The baseline is drawn wider, so the later line stays visible inside
    // it where the two coincide.
    // The legend's swatches are 2 px wide: the baseline's only 3 px
    // strokes are its data, and the later scenario has data and swatch at
    // 2 px and nothing wider.
    let strokes =
        |colour: &str, width: u32| outage.svg.matches(&format!("stroke=\"{colour}\" stroke-width=\"{width}\"")).count();
    for name in ["small-portal", "with-room"] {
        assert!(outage.svg.contains(name), "{name} not in the legend");
    }
    assert!(strokes("#0072B2", 3) >= 1 && strokes("#0072B2", 2) >= 1, "baseline: data 3 px, swatch 2 px");
    assert!(strokes("#D55E00", 2) >= 2 && strokes("#D55E00", 3) == 0, "with-room: data and swatch at 2 px");
    // The baseline's interventions are labelled on the chart.
    assert!(outage.svg.contains("cache rule leaks pages") && outage.svg.contains("cache rule fixed"));
    // Clock times on the time axis, and the date under midnight.
    for label in ["00:00", "01:00", "02:00", "03:00", "04:00", "1 Mar"] {
        assert!(outage.svg.contains(&format!("\n{label}\n")), "no tick {label}");
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
    assert_eq!(stems, ["phone-service-level", "social-backlog"]);
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
    assert_eq!(tags.iter().filter(|t| *t == "svg").count(), portal_figures().len());
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
