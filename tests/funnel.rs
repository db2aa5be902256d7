//! People who leave by choice: browsers who never meant to apply, continue
//! shares after a step, the funnel per step, and the books that must still
//! balance.

use crate::util::small_portal;
use clickday::engine::RngStreams;
use clickday::launch::{LaunchDay, LaunchResult, simulate};
use clickday::scenario::{Model, parse_scenario};

/// The small portal of `util::small_portal`.
fn portal(retries: u32, db_workers: u32, extra: &str) -> String {
    small_portal("name = \"funnel\"", retries, db_workers, extra)
}

/// A portal with room to spare: every request answered in a millisecond at
/// each tier, nobody retries, so the portal fails nobody.
fn calm() -> String {
    let text = portal(0, 40, "")
        .replace("service = { dist = \"exponential\", mean = \"20ms\" }", "service = \"1ms\"")
        .replace("service = { dist = \"exponential\", mean = \"50ms\" }", "service = \"1ms\"");
    assert_eq!(text.matches("service = \"1ms\"").count(), 2);
    text
}

/// `text` with `keys` added to the category.
fn category_with(text: &str, keys: &str) -> String {
    let anchor = "behaviour = \"person\"\n";
    assert!(text.contains(anchor));
    text.replacen(anchor, &format!("{anchor}{keys}\n"), 1)
}

/// `text` with `keys` added to step `step`.
fn step_with(text: &str, step: &str, keys: &str) -> String {
    let anchor = format!("name = \"{step}\"\n");
    assert!(text.contains(&anchor), "no step {step}");
    text.replacen(&anchor, &format!("{anchor}{keys}\n"), 1)
}

/// A portal whose database cannot keep up with an opening crowd that
/// comes within minutes: visits fail, people come back or give up.
fn overloaded() -> String {
    let text = portal(3, 4, "");
    let spread = "spread = { dist = \"exponential\", mean = \"20m\" }";
    assert!(text.contains(spread));
    text.replacen(spread, "spread = { dist = \"exponential\", mean = \"2m\" }", 1)
}

fn day(text: &str) -> LaunchDay {
    match parse_scenario("funnel.toml", text).unwrap().model {
        Model::LaunchDay(day) => *day,
        other => panic!("not a launch day: {other:?}"),
    }
}

fn run(text: &str, replication: u64) -> LaunchResult {
    simulate(&day(text), &RngStreams::new(11, replication)).unwrap()
}

fn metric(result: &LaunchResult, name: &str) -> f64 {
    result.summary.get(name).unwrap_or_else(|| panic!("no metric {name}"))
}

/// Whether `k` successes in `n` trials are within four standard deviations
/// of a share `p`.
fn binomial_close(k: f64, n: f64, p: f64) -> bool {
    (k / n - p).abs() <= 4.0 * (p * (1.0 - p) / n).sqrt()
}

const STEPS: [&str; 3] = ["login", "area", "submit"];

#[test]
fn every_applicant_is_accounted_for_with_browsers_and_continue_shares() {
    let text = category_with(&overloaded(), "browsers = 0.3");
    let text = step_with(&text, "login", "continue = 0.9\nbrowsers_continue = 0.7");
    let text = step_with(&text, "area", "continue = 0.95");
    for replication in 0..3 {
        let r = run(&text, replication);
        let b = r.balance;
        assert_eq!(
            b.arrived,
            b.completed + b.left_by_choice + b.retrying + b.gone_for_now + b.given_up + b.in_flight,
            "{b:?}"
        );
        // Both ways of leaving happen, and are told apart.
        assert!(b.left_by_choice > 1000 && b.given_up + b.gone_for_now > 1000, "{b:?}");
        assert_eq!(metric(&r, "applicants_left_by_choice"), b.left_by_choice as f64);
        assert_eq!(metric(&r, "applicants_given_up"), b.given_up as f64);
        // One application each, and only intenders finish.
        assert_eq!(metric(&r, "applications"), b.completed as f64);
        // Everyone who left by choice left after a step (the first step,
        // the login, is no submission): the funnel holds them all.
        let left: f64 = STEPS.iter().map(|s| metric(&r, &format!("funnel_left_by_choice_{s}"))).sum();
        assert_eq!(left, b.left_by_choice as f64);
        // Nobody leaves by choice after the last step.
        assert_eq!(metric(&r, "funnel_left_by_choice_submit"), 0.0);
    }
}

#[test]
fn browsers_are_their_share_of_arrivals_and_never_complete_an_application() {
    let text = category_with(&calm(), "browsers = 0.3").replacen(
        "report_times = [\"01:00\", \"02:00\"]",
        "report_times = [\"01:00\", \"03:55\"]",
        1,
    );
    let r = run(&text, 0);
    let b = r.balance;
    let (arrived, browsers) = (b.arrived as f64, metric(&r, "browsers"));
    assert!(arrived > 10_000.0, "{b:?}");
    assert!(binomial_close(browsers, arrived, 0.3), "{browsers} browsers of {arrived}");
    // No failures: every intender finished, every browser left by choice
    // where they would have submitted (after the personal area).
    assert_eq!(b.given_up + b.gone_for_now + b.retrying + b.in_flight, 0, "{b:?}");
    assert_eq!(metric(&r, "applications"), arrived - browsers);
    assert_eq!(b.completed as f64, arrived - browsers);
    assert_eq!(b.left_by_choice as f64, browsers);
    assert_eq!(metric(&r, "funnel_left_by_choice_area"), browsers);
    assert_eq!(metric(&r, "funnel_reached_area"), arrived);
    assert_eq!(metric(&r, "funnel_reached_submit"), arrived - browsers, "a browser sent a submission");
    // The share of people done is over intenders: all of them by 03:55.
    assert_eq!(metric(&r, "share_of_applicants_done_by_03:55"), 1.0);
    for s in STEPS {
        assert_eq!(metric(&r, &format!("funnel_failed_{s}")), 0.0, "{s}");
    }
}

#[test]
fn a_continue_share_thins_the_funnel_by_its_share() {
    let r = run(&step_with(&calm(), "login", "continue = 0.6"), 0);
    let b = r.balance;
    let reached = |s: &str| metric(&r, &format!("funnel_reached_{s}"));
    let (login, area) = (reached("login"), reached("area"));
    assert_eq!(login, b.arrived as f64);
    assert!(binomial_close(area, login, 0.6), "{area} of {login} went on");
    assert_eq!(metric(&r, "funnel_left_by_choice_login"), login - area);
    assert_eq!(metric(&r, "funnel_left_by_choice_area"), 0.0);
    // Those who went on all finished, nobody else did.
    assert_eq!(reached("submit"), area);
    assert_eq!(metric(&r, "applications"), area);
    assert_eq!(metric(&r, "browsers"), 0.0);
    assert_eq!(b.left_by_choice as f64, login - area);
}

#[test]
fn the_portal_failing_people_and_people_leaving_by_choice_are_counted_apart() {
    // One visit each: a visit the portal fails ends the person's day.
    let once = overloaded().replacen("max_visits = 3", "max_visits = 1", 1);
    assert!(once.contains("max_visits = 1"));
    let text = step_with(&once, "login", "continue = 0.8");
    let r = run(&text, 0);
    let b = r.balance;
    let get = |kind: &str, s: &str| metric(&r, &format!("funnel_{kind}_{s}"));
    let failed: f64 = STEPS.iter().map(|s| get("failed", s)).sum();
    assert!(b.given_up > 1000, "{b:?}");
    assert_eq!(b.gone_for_now, 0, "{b:?}");
    assert_eq!(failed, (b.given_up + b.gone_for_now) as f64, "{b:?}");
    for s in STEPS {
        assert!(get("failed", s) <= get("reached", s), "{s}");
    }
    // Everyone whose login succeeded either left by choice or went on to
    // the area (nobody is still thinking hours after the last arrival).
    let left = get("left_by_choice", "login");
    let succeeded = left + get("reached", "area");
    assert!(binomial_close(left, succeeded, 0.2), "{left} of {succeeded} left");
    assert_eq!(left, b.left_by_choice as f64);
    // With returns, a person failed at a step twice counts once there:
    // the funnel's failed lies between the people failed and the visits.
    let returning = run(&step_with(&overloaded(), "login", "continue = 0.8"), 0);
    let rb = returning.balance;
    let failed: f64 = STEPS.iter().map(|s| metric(&returning, &format!("funnel_failed_{s}"))).sum();
    let visits_failed = (rb.given_up + rb.gone_for_now) as f64 + metric(&returning, "visits") - rb.arrived as f64;
    assert!(failed >= (rb.given_up + rb.gone_for_now) as f64 && failed < visits_failed, "{failed} {visits_failed}");
}

#[test]
fn shares_written_at_their_defaults_are_the_day_without_them() {
    let plain = portal(3, 4, "");
    let mut explicit = category_with(&plain, "browsers = 0.0");
    for s in STEPS {
        explicit = step_with(&explicit, s, "continue = 1\nbrowsers_continue = 1.0");
    }
    assert_eq!(explicit.matches("\ncontinue = 1\n").count(), 3);
    assert_eq!(day(&plain), day(&explicit));
    let (a, b) = (run(&plain, 1), run(&explicit, 1));
    // NaN (a clock never reached) compares by its bits.
    let bits = |r: &LaunchResult| -> Vec<(String, u64)> {
        r.summary.metrics.iter().map(|(m, v)| (m.clone(), v.to_bits())).collect()
    };
    assert_eq!(bits(&a), bits(&b));
    let rows = |r: &LaunchResult| -> Vec<Vec<u64>> {
        r.intervals.iter().map(|row| row.values.iter().map(|v| v.to_bits()).collect()).collect()
    };
    assert_eq!(rows(&a), rows(&b));
    assert_eq!(a.balance, b.balance);
    assert_eq!(a.balance.left_by_choice, 0);
    // Such a day reports no funnel: its summary is as it always was.
    assert!(a.summary.metrics.iter().all(|(m, _)| !m.starts_with("funnel_") && m != "browsers"));
}

#[test]
fn shares_out_of_range_are_refused_at_their_key() {
    let base = portal(3, 4, "");
    for (text, needle, path, got) in [
        (category_with(&base, "browsers = 1.5"), "browsers = 1.5", "category[people].browsers", "got 1.5"),
        (category_with(&base, "browsers = -0.1"), "browsers = -0.1", "category[people].browsers", "got -0.1"),
        (step_with(&base, "area", "continue = 1.2"), "continue = 1.2", "step[area].continue", "got 1.2"),
        (
            step_with(&base, "submit", "browsers_continue = -1"),
            "browsers_continue = -1",
            "step[submit].browsers_continue",
            "got -1",
        ),
    ] {
        let line = text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
        let e = parse_scenario("bad.toml", &text).expect_err(needle).to_string();
        assert!(e.starts_with(&format!("bad.toml:{line}: {path}: ")), "{e}");
        assert!(e.contains("from 0 to 1") && e.contains(got) && !e.contains('\n'), "{e}");
    }
    // A share as text is a type error, located too.
    let e = parse_scenario("bad.toml", &step_with(&base, "login", "continue = \"60%\"")).unwrap_err().to_string();
    assert!(e.starts_with("bad.toml:") && e.contains("continue"), "{e}");
}

#[test]
fn the_report_shows_a_funnel_table_only_for_a_day_with_choices() {
    use clickday::pipeline::{self, ScenarioRun, Tables};
    use clickday::report::{markdown_summary, report_html, terminal};
    for (text, has_funnel) in [(step_with(&calm(), "login", "continue = 0.6"), true), (calm(), false)] {
        let scenario = parse_scenario("funnel.toml", &text).unwrap();
        let Model::LaunchDay(day) = &scenario.model else { panic!("not a launch day") };
        let results = clickday::launch::run_replications(day, 5, 2, &|| {}).unwrap();
        let estimates = clickday::launch::estimate(&results);
        let tables = Tables { files: Vec::new(), events: 0, replications: 2 };
        let run = ScenarioRun { scenario: &scenario, source: "test", seed: 5, replications: 2 };
        let view = pipeline::view(&run, &tables, &estimates);
        let md = markdown_summary(std::slice::from_ref(&view), &[]);
        let html = report_html(std::slice::from_ref(&view), &[], &[]);
        let screen = terminal::scenario_table(&view);
        assert_eq!(md.contains("## Funnel: funnel"), has_funnel, "{md}");
        assert_eq!(html.contains("<h3>Funnel</h3>"), has_funnel);
        assert_eq!(screen.contains("funnel (people, each once per step)"), has_funnel, "{screen}");
        if !has_funnel {
            continue;
        }
        // One row per step in journey order, each figure as the summary has it.
        let text_of = |metric: &str| {
            let e = estimates.iter().find(|e| e.metric == metric).unwrap();
            clickday::verdict::estimate_text(e, None, view.duration)
        };
        let rows: Vec<&str> = md.lines().filter(|l| STEPS.iter().any(|s| l.starts_with(&format!("| {s} |")))).collect();
        assert_eq!(rows.len(), 3, "{md}");
        for (row, s) in rows.iter().zip(STEPS) {
            let cells: Vec<String> = ["reached", "failed", "left_by_choice"]
                .iter()
                .map(|kind| text_of(&format!("funnel_{kind}_{s}")))
                .collect();
            assert_eq!(*row, format!("| {s} | {} | {} | {} |", cells[0], cells[1], cells[2]));
        }
        assert!(md.contains(&format!("intenders who finished: {}", text_of("applicants_done"))), "{md}");
        assert!(screen.lines().all(|l| l.chars().count() <= terminal::WIDTH), "{screen}");
    }
}

#[test]
fn the_funnel_counts_everyone_who_arrived_on_a_day_that_sells_out() {
    use clickday::pipeline::{self, ScenarioRun, Tables};
    use clickday::report::markdown_summary;
    // 500 items for some 18,000 people: most are turned away sold out, and
    // the totals under the funnel say so, so that they add up to the
    // arrivals.
    let text = step_with(&format!("{}\n[stock]\nitems = 500\n", calm()), "login", "continue = 0.9");
    let scenario = parse_scenario("funnel.toml", &text).unwrap();
    let Model::LaunchDay(day) = &scenario.model else { panic!("not a launch day") };
    let results = clickday::launch::run_replications(day, 5, 2, &|| {}).unwrap();
    for r in &results {
        let b = r.balance;
        assert!(b.sold_out > 10_000, "{b:?}");
        assert_eq!(b.arrived, b.accounted(), "{b:?}");
    }
    let estimates = clickday::launch::estimate(&results);
    let tables = Tables { files: Vec::new(), events: 0, replications: 2 };
    let run = ScenarioRun { scenario: &scenario, source: "test", seed: 5, replications: 2 };
    let view = pipeline::view(&run, &tables, &estimates);
    let md = markdown_summary(std::slice::from_ref(&view), &[]);
    let e = estimates.iter().find(|e| e.metric == "people_sold_out").unwrap();
    let sold_out = clickday::verdict::estimate_text(e, None, view.duration);
    assert!(md.contains(&format!("turned away because the stock had sold out: {sold_out}")), "{md}");
}
