//! Bad scenarios get one line naming the file, the line, the key and what is
//! allowed, and exit status 2; never a panic.

use crate::util::clickday;
use clickday::scenario::{Model, parse_scenario, parse_scenario_with_includes};
use std::io::Write;

const GOOD: &str = r#"name = "t"
duration = "1h"
interval = "10m"

[[source]]
name = "calls"
kind = "poisson"
rate = "100/h"
to = "agents"

[[station]]
name = "agents"
servers = 3
service = { dist = "exponential", mean = "2m" }
routes = [ { to = "agents", p = 0.1 } ]
"#;

/// Replaces `from` with `to` in the good scenario and returns the error.
fn error_for(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "test scenario lacks {from}");
    let text = GOOD.replacen(from, to, 1);
    parse_scenario("bad.toml", &text).expect_err("scenario should be refused").to_string()
}

fn assert_error(from: &str, to: &str, line: usize, key: &str, allowed: &str) {
    let message = error_for(from, to);
    assert!(!message.contains('\n'), "not one line: {message}");
    assert!(message.starts_with(&format!("bad.toml:{line}: {key}: ")), "wrong location in: {message}");
    assert!(message.contains(allowed), "no allowed values in: {message}");
}

#[test]
fn the_good_scenario_parses() {
    let s = parse_scenario("good.toml", GOOD).unwrap();
    let clickday::scenario::Model::Network(net) = &s.model else { panic!("not a network") };
    assert_eq!(net.stations[0].servers, 3);
    assert_eq!(s.run().interval, 600.0);
}

#[test]
fn a_negative_rate_is_refused() {
    assert_error("\"100/h\"", "\"-100/h\"", 8, "source[1].rate", ">= 0");
}

#[test]
fn zero_servers_are_refused() {
    assert_error("servers = 3", "servers = 0", 13, "station[agents].servers", "from 1 to 1000000");
}

#[test]
fn an_unknown_key_is_refused_with_the_allowed_keys() {
    assert_error("servers = 3", "sevrers = 3", 13, "station[1].sevrers", "expected one of");
}

#[test]
fn a_duration_without_a_unit_is_refused() {
    assert_error("\"2m\"", "2", 14, "station[1].service.mean", "needs a unit");
    assert_error("\"2m\"", "\"2\"", 14, "station[1].service.mean", "(ms, s, m, h, d)");
}

#[test]
fn a_duration_with_a_wrong_unit_is_refused() {
    assert_error("\"1h\"", "\"1 hour\"", 2, "duration", "(ms, s, m, h, d)");
}

#[test]
fn a_malformed_file_is_refused_with_its_line() {
    let message = error_for("[[station]]", "[[station]");
    assert!(message.starts_with("bad.toml:11: "), "{message}");
}

#[test]
fn a_route_to_an_unknown_station_lists_the_stations() {
    assert_error("{ to = \"agents\"", "{ to = \"agnets\"", 15, "station[agents].routes[1].to", "stations: agents");
}

#[test]
fn route_probabilities_above_one_are_refused() {
    assert_error("p = 0.1", "p = 1.5", 15, "station[agents].routes[1].p", "from 0 to 1");
}

#[test]
fn a_capacity_change_outside_the_run_is_refused() {
    assert_error(
        "routes = [",
        "schedule = [ { at = \"03:00\", servers = 5 } ]\nroutes = [",
        15,
        "station[agents].schedule[1].at",
        "after the end of the run",
    );
}

#[test]
fn distribution_parameters_are_checked_with_their_allowed_range() {
    assert_error(
        "dist = \"exponential\", mean = \"2m\"",
        "dist = \"lognormal\", mean = \"2m\", cv = -1",
        14,
        "station[agents].service.cv",
        "> 0",
    );
    assert_error(
        "dist = \"exponential\"",
        "dist = \"exponentail\"",
        14,
        "station[agents].service.dist",
        "allowed: exponential",
    );
    assert_error("mean = \"2m\"", "mean = \"2m\", cv = 0.5", 14, "station[agents].service.cv", "it takes: mean");
}

#[test]
fn the_cli_exits_with_status_2_and_one_line_for_a_bad_scenario() {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(GOOD.replacen("servers = 3", "servers = -2", 1).as_bytes()).unwrap();
    let output = clickday().arg("run").arg(file.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(":13: station[agents].servers: must be an integer from 1"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn an_empty_or_binary_file_is_an_error_not_a_panic() {
    for contents in [&b""[..], &[0xff, 0xfe, 0x00][..], &b"name = \"x\"\nduration = \"1h\"\n"[..]] {
        let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        file.write_all(contents).unwrap();
        let output = clickday().arg("run").arg(file.path()).output().unwrap();
        assert!(matches!(output.status.code(), Some(1 | 2)), "{:?}", output.status);
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
}

#[test]
fn a_run_too_large_to_simulate_is_refused_up_front() {
    let message = error_for("\"100/h\"", "\"1000000000/s\"");
    assert!(message.contains("arrivals per replication") && message.contains("at most"), "{message}");
}

#[test]
fn a_value_of_the_wrong_type_says_what_was_expected_once() {
    let message = error_for("duration = \"1h\"", "duration = true");
    assert!(message.contains("expected a duration written as a string such as"), "{message}");
    assert!(!message.contains("a a "), "{message}");
}

#[test]
fn an_error_in_a_nested_table_of_a_variant_names_the_variants_line() {
    let base = include_str!("../scenarios/inps-2020-04-01.toml");
    let resolve = |name: &str| if name == "base.toml" { Ok(base.to_owned()) } else { Err(format!("no {name}")) };
    let variant = "extends = \"base.toml\"\nname = \"v\"\n\n[contact.phone]\nlines = -5\n";
    let e = clickday::scenario::parse_scenario_with_includes("v.toml", variant, &resolve).unwrap_err().to_string();
    assert!(e.starts_with("v.toml:5: contact.phone.lines: "), "{e}");
}

/// The error for `text` as file `file`, checked to be on one line.
fn error_of(file: &str, text: &str) -> String {
    let message = parse_scenario(file, text).expect_err("scenario should be refused").to_string();
    assert!(!message.contains('\n') && !message.contains('\r'), "not one line: {message:?}");
    message
}

const LINE: &str = r#"name = "line"
duration = "12h"
interval = "30m"

[contact.phone]
agents = 38
handle_time = "2m"
patience = "10m"

[[contact.phone.demand]]
name = "calls"
kind = "poisson"
rate = "1000/h"

[contact.social]
responders = 4
handle_time = "3m"
response_target = "2h"

[[contact.social.demand]]
name = "posts"
kind = "poisson"
rate = "20/h"
"#;

#[test]
fn a_byte_order_mark_is_skipped_and_errors_keep_their_line() {
    // Editors on Windows start UTF-8 files with U+FEFF; an error on the
    // first line used to slice the key path inside it and panic.
    assert!(error_of("bom.toml", "\u{feff}name = 1\nduration = \"1h\"\n").starts_with("bom.toml:1: name: "));
    // The same with old Mac line endings (bare CR), which TOML refuses.
    let e = error_of("cr.toml", "\u{feff}name = 1\rduration = \"1h\"\r");
    assert!(e.starts_with("cr.toml:1: "), "{e}");
    let e = error_of("bom.toml", &format!("\u{feff}{}", GOOD.replacen("servers = 3", "servers = 0", 1)));
    assert!(e.starts_with("bom.toml:13: station[agents].servers: "), "{e}");
    let s = parse_scenario("bom.toml", &format!("\u{feff}{GOOD}")).unwrap();
    assert_eq!(s.name, "t");
    // A base named by `extends`, and the variant path of --set, too.
    let base = format!("\u{feff}{GOOD}");
    let resolve = |name: &str| if name == "base.toml" { Ok(base.clone()) } else { Err(format!("no {name}")) };
    let variant = "\u{feff}extends = \"base.toml\"\nname = \"v\"\n";
    let s = clickday::scenario::parse_scenario_with_includes("v.toml", variant, &resolve).unwrap();
    assert_eq!((s.name.as_str(), s.run().duration), ("v", 3600.0));
    let broken = "\u{feff}extends = \"base.toml\"\nname = 1\n";
    let e = clickday::scenario::parse_scenario_with_includes("v.toml", broken, &resolve).unwrap_err().to_string();
    assert!(e.starts_with("v.toml:2: name: "), "{e}");
    let o = [clickday::scenario::Override { path: "station.agents.servers".into(), value: "4".into() }];
    let s = clickday::scenario::parse_variant("v.toml", variant, &resolve, &o).unwrap();
    let clickday::scenario::Model::Network(net) = &s.model else { panic!("not a network") };
    assert_eq!(net.stations[0].servers, 4);
}

#[test]
fn durations_beyond_the_longest_allowed_are_refused_where_they_are_written() {
    // Each of these was accepted and then never finished a replication.
    for (from, to, line, key) in [
        ("handle_time = \"2m\"", "handle_time = \"1000000000000000000s\"", 7, "contact.phone.handle_time"),
        ("patience = \"10m\"", "patience = \"99999999999999999999m\"", 8, "contact.phone.patience"),
        ("handle_time = \"3m\"", "handle_time = \"36601d\"", 17, "contact.social.handle_time"),
        (
            "handle_time = \"3m\"",
            "handle_time = { dist = \"lognormal\", mean = \"99999999999999h\", cv = 1000 }",
            17,
            "contact.social.handle_time.mean",
        ),
        ("response_target = \"2h\"", "response_target = \"40000d\"", 18, "contact.social.response_target"),
    ] {
        let e = error_of("line.toml", &LINE.replacen(from, to, 1));
        assert!(e.starts_with(&format!("line.toml:{line}: {key}: ")), "{e}");
        assert!(e.contains("at most 36600d"), "{e}");
    }
    assert_error("mean = \"2m\"", "mean = \"1e300s\"", 14, "station[1].service.mean", "(ms, s, m, h, d)");
    assert_error("mean = \"2m\"", "mean = \"5000000000000s\"", 14, "station[1].service.mean", "at most 36600d");
    assert_error("\"1h\"", "\"36600d1s\"", 2, "duration", "at most 36600d");
    // The longest allowed is accepted by the parser (the run length has its own, shorter, limit).
    let at_bound = LINE.replacen("handle_time = \"3m\"", "handle_time = \"36600d\"", 1);
    assert!(parse_scenario("line.toml", &at_bound).is_ok());
}

#[test]
fn rates_above_a_billion_per_second_are_refused_where_they_are_written() {
    assert_error("\"100/h\"", "\"1e12/s\"", 8, "source[1].rate", "at most 1e9/s");
    let e = error_of("line.toml", &LINE.replacen("\"20/h\"", "\"4000000000000/h\"", 1));
    assert!(e.starts_with("line.toml:23: contact.social.demand[1].rate: "), "{e}");
    assert!(e.contains("at most 1e9/s"), "{e}");
}

#[test]
fn a_run_too_large_to_simulate_points_at_the_key_that_makes_it_so() {
    let e = error_for("\"100/h\"", "\"1000000000/s\"");
    assert!(e.starts_with("bad.toml:8: source[calls].rate: the sources would bring about 3.600e12 arrivals"), "{e}");
    let e = error_of("line.toml", &LINE.replacen("\"1000/h\"", "\"900000000/s\"", 1));
    assert!(e.starts_with("line.toml:13: contact.phone.demand[calls].rate: the demand would bring about"), "{e}");
    // Too many interval rows: the `interval` that makes them.
    let e = error_for("interval = \"10m\"", "interval = \"1s\"\nreplications = 10000");
    assert!(e.starts_with("bad.toml:3: interval: the run would hold"), "{e}");
}

#[test]
fn names_that_are_not_safe_folder_names_are_refused() {
    use clickday::scenario::check_folder_name;
    for bad in ["..", ".", ".hidden", "", "a/b", "a\\b", "-rf", "na me", "caf\u{e9}", &"x".repeat(101)] {
        let e = check_folder_name(bad).unwrap_err();
        assert!(e.contains("ASCII letters, digits, '-', '_' and '.', starting with a letter or a digit"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }
    for good in ["a", "mmc-call-center", "inps_2020.04.01", "7", &"x".repeat(100)] {
        assert_eq!(check_folder_name(good), Ok(()), "{good}");
    }
    assert_error("name = \"t\"", "name = \"..\"", 1, "name", "starting with a letter or a digit");
    assert_error("name = \"t\"", "name = \"../../etc\"", 1, "name", "got \"../../etc\"");
}

#[test]
fn control_characters_in_echoed_values_are_escaped() {
    let e = error_for("name = \"t\"", "name = \"a\\nb\\u001b[31m\"");
    assert!(e.starts_with("bad.toml:1: name: "), "{e}");
    assert!(e.contains(r#"got "a\nb\u{1b}[31m""#), "{e}");
    // In a name that a key path repeats, too.
    let e = error_for("name = \"agents\"\nservers = 3", "name = \"ag\\rents\"\nservers = 0");
    assert!(e.starts_with(r"bad.toml:13: station[ag\rents].servers: "), "{e}");
    let e = error_for("kind = \"poisson\"", "kind = \"pois\\nson\"");
    assert!(e.contains(r#""pois\nson" is not a kind of source"#), "{e}");
}

#[test]
fn an_error_inside_an_inline_table_of_a_variant_names_the_variants_line() {
    let resolve = |name: &str| match name {
        "base.toml" => Ok(GOOD.to_owned()),
        "line.toml" => Ok(LINE.to_owned()),
        other => Err(format!("no {other}")),
    };
    let parse = |text: &str| {
        clickday::scenario::parse_scenario_with_includes("v.toml", text, &resolve).unwrap_err().to_string()
    };
    let station = "extends = \"base.toml\"\nname = \"v\"\n\n[[station]]\nname = \"agents\"\nservers = 3\n";
    let e = parse(&format!("{station}service = {{ dist = \"exponential\", mean = \"-3s\" }}\n"));
    assert!(e.starts_with("v.toml:7: station[1].service.mean: a duration must be >= 0"), "{e}");
    let e = parse(&format!("{station}service = {{ dist = \"exponential\", mean = \"1s\", cv = 2 }}\n"));
    assert!(e.starts_with("v.toml:7: station[agents].service.cv: does not apply"), "{e}");
    let phone = "extends = \"line.toml\"\nname = \"v\"\n[contact.phone]\n";
    let e = parse(&format!("{phone}handle_time = {{ dist = \"gamma\", mean = \"2m\", cv = \"x\" }}\n"));
    assert!(e.starts_with("v.toml:4: contact.phone.handle_time"), "{e}");
    // A dotted key at the top of the variant is the variant's line, not the base's.
    let dotted = "extends = \"line.toml\"\nname = \"v\"\ncontact.phone.handle_time = { dist = \"lognormal\", mean = \"-3s\", cv = 1 }\n";
    let e = parse(dotted);
    assert!(e.starts_with("v.toml:3: contact.phone.handle_time.mean: "), "{e}");
}

#[test]
fn dates_must_be_written_with_four_two_and_two_digits() {
    for bad in ["2020-3-25", "2020-03-5", "20-03-25", "+2020-03-25", "2020-03-25x"] {
        let e = error_for("duration = \"1h\"", &format!("duration = \"1h\"\nstart_date = \"{bad}\""));
        assert!(e.starts_with("bad.toml:3: start_date: expected a date as YYYY-MM-DD"), "{e}");
    }
    let dated = "duration = \"1h\"\nstart_date = \"2020-04-01\"";
    assert_error(
        "routes = [",
        "schedule = [ { at = \"2020-04-1 00:30\", servers = 5 } ]\nroutes = [",
        15,
        "station[1].schedule.at",
        "YYYY-MM-DD",
    );
    let text = GOOD.replacen("duration = \"1h\"", dated, 1).replacen(
        "routes = [",
        "schedule = [ { at = \"2020-04-01 00:30\", servers = 5 } ]\nroutes = [",
        1,
    );
    assert!(parse_scenario("ok.toml", &text).is_ok());
    assert_error(
        "routes = [",
        "schedule = [ { at = \"08:+5\", servers = 5 } ]\nroutes = [",
        15,
        "station[1].schedule.at",
        "HH:MM",
    );
}

#[test]
fn type_errors_say_what_to_write_not_the_loaders_types() {
    for (from, to, expected) in [
        (
            "service = { dist = \"exponential\", mean = \"2m\" }",
            "service = true",
            "expected a duration such as \"60s\" (always that long) or a distribution such as",
        ),
        ("routes = [ { to = \"agents\", p = 0.1 } ]", "routes = [ \"agents\" ]", "expected a route such as"),
        ("routes = [ { to = \"agents\", p = 0.1 } ]", "routes = \"agents\"", "expected an array"),
    ] {
        let e = error_for(from, to);
        assert!(e.contains(expected), "{e}");
        assert!(!e.contains("Raw") && !e.contains("struct") && !e.contains("sequence"), "{e}");
        assert!(e.starts_with("bad.toml:14: station[1].") || e.starts_with("bad.toml:15: station[1]."), "{e}");
    }
}

#[test]
fn the_plan_size_per_replication_is_what_the_memory_guard_counts() {
    use clickday::scenario::MAX_INTERVAL_ROWS;
    // Six 10-minute intervals, the station and the network.
    let s = parse_scenario("good.toml", GOOD).unwrap();
    assert_eq!(s.interval_rows_per_replication(), 12.0);
    // A contact center: 24 half hours, two channels.
    assert_eq!(parse_scenario("line.toml", LINE).unwrap().interval_rows_per_replication(), 48.0);
    // A launch day: intervals times tiers plus the portal.
    let day = parse_scenario("t.toml", include_str!("../scenarios/template-launch.toml")).unwrap();
    let clickday::scenario::Model::LaunchDay(launch) = &day.model else { panic!("not a launch day") };
    let intervals = (day.run().duration / day.run().interval).ceil();
    assert_eq!(day.interval_rows_per_replication(), intervals * (launch.tiers.len() as f64 + 1.0));
    // The loader refuses the file's own replications beyond the limit, and
    // no more: the most replications that fit are accepted. With 1 s
    // intervals a replication holds 3600 × 2 rows.
    let with = |r: f64| GOOD.replacen("interval = \"10m\"", &format!("interval = \"1s\"\nreplications = {r}"), 1);
    let fine = parse_scenario("ok.toml", &with(1.0)).unwrap();
    assert_eq!(fine.interval_rows_per_replication(), 7200.0);
    let most = (MAX_INTERVAL_ROWS / 7200.0).floor();
    assert!(parse_scenario("ok.toml", &with(most)).is_ok());
    let e = error_of("bad.toml", &with(most + 1.0));
    assert!(e.starts_with("bad.toml:3: interval: the run would hold"), "{e}");
}

#[test]
fn a_draw_far_beyond_any_run_does_not_stall_the_engine() {
    // A Weibull of shape 0.02 draws a time beyond 3e17 s one time in four;
    // once such a departure was the event queue's next, with more than a
    // minute to the next arrival, the queue looped forever.
    let text = GOOD
        .replacen("duration = \"1h\"", "duration = \"48h\"", 1)
        .replacen("\"100/h\"", "\"60/h\"", 1)
        .replacen(
            "service = { dist = \"exponential\", mean = \"2m\" }",
            "service = { dist = \"weibull\", shape = 0.02, scale = \"36600d\" }\npatience = { dist = \"exponential\", mean = \"1h\" }",
            1,
        );
    let s = parse_scenario("heavy.toml", &text).unwrap();
    let clickday::scenario::Model::Network(net) = &s.model else { panic!("not a network") };
    for replication in 0..3 {
        let streams = clickday::engine::RngStreams::new(s.seed, replication);
        let result = clickday::network::simulate(net, &streams).unwrap();
        assert!(result.stations[0].utilisation > 0.5, "servers held by far departures");
    }
}

#[test]
fn a_practical_threshold_names_a_verdict_and_fits_its_kind() {
    let with = |table: &str| format!("{GOOD}\n[practical]\n{table}\n");
    let line = GOOD.lines().count() + 3;
    let error = |table: &str| parse_scenario("bad.toml", &with(table)).expect_err("should be refused").to_string();
    let unknown = error("no_such_verdict = 3");
    assert!(unknown.starts_with(&format!("bad.toml:{line}: practical.no_such_verdict: is not a verdict")), "{unknown}");
    let share = error("\"phone:service_level\" = 5");
    assert!(share.starts_with(&format!("bad.toml:{line}: practical.phone:service_level: ")), "{share}");
    assert!(share.contains("from 0 to 1"), "{share}");
    let unitless = error("outage_onset_s = 15");
    assert!(unitless.contains("a duration such as \"15m\"") && unitless.contains("no unit"), "{unitless}");
    let ok = parse_scenario("good.toml", &with("\"phone:service_level\" = \"5pp\"\noutage_onset_s = \"15m\"")).unwrap();
    assert_eq!(ok.practical.len(), 2);
    let onset = ok.practical.iter().find(|o| o.metric == "outage_onset_s").unwrap();
    assert_eq!(onset.practical, clickday::verdict::Practical::Absolute(900.0));
}

#[test]
fn a_plain_duration_is_a_distribution_that_always_takes_it() {
    let text = GOOD.replacen("{ dist = \"exponential\", mean = \"2m\" }", "\"90s\"", 1);
    let s = parse_scenario("plain.toml", &text).unwrap();
    let clickday::scenario::Model::Network(net) = &s.model else { panic!("not a network") };
    let service = &net.stations[0].service;
    assert_eq!(service, &clickday::dist::TimeDistribution::deterministic(90.0).unwrap());
    // A bare number still needs its unit, named in the scenario's words.
    let message = error_for("{ dist = \"exponential\", mean = \"2m\" }", "90");
    assert!(message.starts_with("bad.toml:14: station[1].service: "), "{message}");
    assert!(message.contains("needs a unit") && !message.contains("Raw"), "{message}");
    let message = error_for("{ dist = \"exponential\", mean = \"2m\" }", "true");
    assert!(message.contains("a duration such as \"60s\" (always that long)") && !message.contains("Raw"), "{message}");
}

/// Reads `name` beside the bundled scenarios.
fn bundled(name: &str) -> Result<String, String> {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name))
        .map_err(|e| format!("{name}: {e}"))
}

#[test]
fn a_variant_changes_one_tier_by_name_and_drops_every_intervention() {
    let variant = "extends = \"inps-2020-04-01.toml\"\nname = \"bigger-db\"\nintervention = []\n\n\
                   [change.tier.database]\nworkers = 999\n";
    let base = parse_scenario_with_includes("base.toml", &bundled("inps-2020-04-01.toml").unwrap(), &bundled).unwrap();
    let changed = parse_scenario_with_includes("variant.toml", variant, &bundled).unwrap();
    let (Model::LaunchDay(base), Model::LaunchDay(changed)) = (&base.model, &changed.model) else { panic!() };
    assert!(!base.interventions.is_empty() && changed.interventions.is_empty());
    assert_eq!(base.tiers.len(), changed.tiers.len());
    for (b, c) in base.tiers.iter().zip(&changed.tiers) {
        let expected = if b.name == "database" { 999 } else { b.workers };
        assert_eq!((c.name.as_str(), c.workers), (b.name.as_str(), expected));
    }
    let bad = variant.replace("workers = 999", "workers = 0");
    let message = parse_scenario_with_includes("variant.toml", &bad, &bundled).unwrap_err().to_string();
    assert!(message.starts_with("variant.toml:6: tier[database].workers: "), "{message}");
}

#[test]
fn the_documented_variant_example_loads() {
    let readme = bundled("README.md").unwrap();
    let example = readme
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(toml, _)| toml))
        .find(|toml| toml.contains("[change."))
        .expect("scenarios/README.md shows a [change] example");
    let scenario = parse_scenario_with_includes("example.toml", example, &bundled).unwrap();
    let Model::LaunchDay(day) = &scenario.model else { panic!("not a launch day") };
    assert!(day.interventions.is_empty());
    assert_eq!(day.tiers.iter().find(|t| t.name == "database").map(|t| t.workers), Some(400));
}
