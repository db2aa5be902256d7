//! Traffic that is not applicants: floods at the edge, bots at a tier, the
//! filters that block them (and some people), and a stock the bots take.

use crate::util::small_portal;
use clickday::engine::RngStreams;
use clickday::launch::{LaunchDay, LaunchResult, simulate};
use clickday::scenario::{Model, parse_scenario};

fn portal(extra: &str) -> String {
    small_portal("name = \"hostile-portal\"", 3, 4, extra)
}

fn day(text: &str) -> LaunchDay {
    match parse_scenario("hostile.toml", text).unwrap().model {
        Model::LaunchDay(day) => *day,
        other => panic!("not a launch day: {other:?}"),
    }
}

fn run(text: &str) -> LaunchResult {
    simulate(&day(text), &RngStreams::new(11, 0)).unwrap()
}

fn metric(r: &LaunchResult, name: &str) -> f64 {
    r.summary.get(name).unwrap_or_else(|| panic!("no metric {name}"))
}

/// Sum of `column` over the intervals that end by `until` (seconds).
fn sum_until(r: &LaunchResult, column: &str, until: f64) -> f64 {
    r.intervals.iter().filter(|i| i.end <= until).map(|i| i.get(column).unwrap()).sum()
}

fn sum(r: &LaunchResult, column: &str) -> f64 {
    sum_until(r, column, f64::INFINITY)
}

/// `observed` is within `sds` standard deviations of a binomial count of
/// `n` trials with success probability `p`.
fn binomial_close(observed: f64, n: f64, p: f64, sds: f64) -> bool {
    (observed - n * p).abs() <= sds * (n * p * (1.0 - p)).sqrt().max(1.0)
}

#[test]
fn an_edge_filter_blocks_its_share_of_hostile_requests_and_of_people_only_while_it_is_on() {
    let extra = r#"
[[hostile]]
name = "flood"
hits = "edge"
profile = [{ at = "00:00", rate = "2000/s" }, { at = "01:00", rate = "0/s" }]

[[edge_filter]]
name = "geoblock"
blocks_hostile = 0.9
blocks_people = 0.2

[[intervention]]
at = "02:00"
action = "filter_off"
filter = "geoblock"
"#;
    let r = run(&portal(extra));
    let offered = metric(&r, "hostile_requests");
    // Poisson at 2,000/s for an hour.
    assert!((offered - 7.2e6).abs() < 5.0 * 7.2e6f64.sqrt(), "{offered}");
    let blocked = metric(&r, "hostile_blocked");
    assert!(binomial_close(blocked, offered, 0.9, 5.0), "{blocked} of {offered}");
    assert_eq!(
        offered,
        blocked + metric(&r, "hostile_served") + metric(&r, "hostile_dropped"),
        "every hostile request is blocked, served or dropped"
    );
    assert_eq!(metric(&r, "all_requests"), metric(&r, "requests") + offered);
    // The rule picks people, not requests: a fifth of those who came while
    // it was on, each counted once, and nobody once it is off.
    let two = 2.0 * 3600.0;
    let came = sum_until(&r, "first_arrivals", two);
    let people = metric(&r, "people_blocked");
    assert!(binomial_close(people, came, 0.2, 5.0), "{people} of {came}");
    assert_eq!(people, sum_until(&r, "people_blocked", two));
    assert_eq!(sum(&r, "err_blocked"), sum_until(&r, "err_blocked", two));
    assert!(sum_until(&r, "err_blocked", two) > people, "the blocked retry and are blocked again");
    assert_eq!(metric(&r, "err_blocked"), sum(&r, "err_blocked"));
    let b = r.balance;
    assert_eq!(b.arrived, b.accounted(), "{b:?}");
    // A filter that is off from the start blocks nothing.
    let off = run(&portal(&extra.replace("blocks_people = 0.2", "blocks_people = 0.2\nactive = false")));
    assert_eq!(metric(&off, "hostile_blocked"), 0.0);
    assert_eq!(metric(&off, "people_blocked"), 0.0);
}

#[test]
fn a_flood_at_the_edge_leaves_people_their_fair_share_of_its_capacity() {
    let edge = "[edge]\npersonal_ttl = \"30s\"";
    let text = portal(
        r#"
[[hostile]]
name = "flood"
hits = "edge"
rate = "9000/s"
"#,
    )
    .replacen(edge, &format!("{edge}\ncapacity = \"1000/s\""), 1);
    let r = run(&text);
    // People send a few requests a second against 9,000 from the flood:
    // each request gets about 1000 / 9000 of a chance at the edge.
    let reached = metric(&r, "requests") - metric(&r, "err_closed");
    let refused = metric(&r, "err_edge");
    let share = refused / reached;
    assert!(reached > 50_000.0, "{reached}");
    assert!((share - (1.0 - 1000.0 / 9000.0)).abs() < 0.01, "refused {share:.4} of people's requests");
    let offered = metric(&r, "hostile_requests");
    let served = metric(&r, "hostile_served");
    assert!((served / offered - 1000.0 / 9000.0).abs() < 0.002, "{served} of {offered}");
    assert_eq!(offered, served + metric(&r, "hostile_dropped"));
    // The same portal without the flood refuses nobody at the edge.
    let calm = run(&text.replace("rate = \"9000/s\"", "rate = \"0/s\""));
    assert_eq!(metric(&calm, "err_edge"), 0.0);
    assert_eq!(metric(&calm, "hostile_requests"), 0.0);
}

/// Mean busy workers of tier `tier` over the intervals from `from` on.
fn busy_from(r: &LaunchResult, tier: usize, from: f64) -> f64 {
    let rows: Vec<f64> =
        r.tiers.iter().filter(|t| t.tier == tier && t.start >= from).map(|t| t.get("busy_mean").unwrap()).collect();
    rows.iter().sum::<f64>() / rows.len() as f64
}

#[test]
fn bots_at_a_tier_take_its_workers_for_their_work() {
    // 100 requests a second of 100 ms each from 03:30, when the people have
    // long gone: ten more workers busy on average (Little's law), exactly
    // what the same day without them does not have.
    let bots = r#"
[[hostile]]
name = "bots"
hits = "app"
profile = [{ at = "00:00", rate = "0/s" }, { at = "03:30", rate = "100/s" }]
work = { dist = "exponential", mean = "100ms" }
"#;
    let with = run(&portal(bots));
    let without = run(&portal(""));
    let from = 3.5 * 3600.0;
    let extra = busy_from(&with, 0, from) - busy_from(&without, 0, from);
    assert!((extra - 10.0).abs() < 0.5, "{extra} more busy app workers");
    let served = metric(&with, "hostile_served");
    assert!((served - 180_000.0).abs() < 5.0 * 180_000f64.sqrt(), "{served}");
    // They never reach the database: it works for people only.
    assert!((busy_from(&with, 1, from) - busy_from(&without, 1, from)).abs() < 0.05);
}

#[test]
fn bots_take_the_stock_and_every_item_is_accounted_for() {
    let extra = r#"
[stock]
items = 3000
per_application = 2

[[hostile]]
name = "bots"
hits = "app"
rate = "5/s"
work = { dist = "exponential", mean = "10ms" }
takes_items = 0.5
"#;
    let r = run(&portal(extra));
    let (people, bots, left) = (metric(&r, "items_to_people"), metric(&r, "items_to_bots"), metric(&r, "items_left"));
    assert_eq!(people + bots + left, 3000.0, "people {people}, bots {bots}, left {left}");
    assert_eq!(people, 2.0 * metric(&r, "applications"));
    assert!(left < 2.0, "sold out: {left} left");
    let sold_out = metric(&r, "sold_out_at_s");
    assert!(sold_out.is_finite() && sold_out < 4.0 * 3600.0, "{sold_out}");
    // Until then the bots bought 5 requests a second × half an item each.
    let expected = 2.5 * sold_out;
    assert!((bots - expected).abs() < 5.0 * expected.sqrt(), "bots took {bots}, expected about {expected}");
    assert!(metric(&r, "people_sold_out") > 1000.0);
    // Nothing is sold once the stock is gone.
    let later: f64 = r.intervals.iter().filter(|i| i.start > sold_out).map(|i| i.get("applications").unwrap()).sum();
    assert_eq!(later, 0.0);
    assert_eq!(sum(&r, "items_to_bots"), bots);
    assert_eq!(sum(&r, "turned_away_sold_out"), metric(&r, "people_sold_out"));
    let b = r.balance;
    assert_eq!(b.arrived, b.accounted(), "{b:?}");
    assert_eq!(b.sold_out as f64, metric(&r, "people_sold_out"));
    // Without bots the people get every item, and still sell it out.
    let fair = run(&portal(&extra.replace("takes_items = 0.5", "takes_items = 0")));
    assert_eq!(metric(&fair, "items_to_bots"), 0.0);
    assert_eq!(metric(&fair, "items_to_people"), 3000.0);
}

#[test]
fn days_without_hostile_traffic_report_none_of_its_figures() {
    let r = run(&portal(""));
    for name in ["hostile_requests", "people_blocked", "items_left", "sold_out_at_s"] {
        assert!(r.summary.get(name).is_none(), "{name} reported on a day without it");
    }
    assert_eq!(sum(&r, "hostile_requests"), 0.0);
    assert!(r.intervals.iter().all(|i| i.get("items_left").unwrap().is_nan()));
}

fn refused(extra: &str) -> String {
    parse_scenario("bad.toml", &portal(extra)).expect_err("should be refused").to_string()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle}")) + 1
}

#[test]
fn hostile_sources_filters_and_stock_are_checked_where_they_are_written() {
    let cases = [
        (
            "[[hostile]]\nname = \"x\"\nhits = \"cdn\"\nrate = \"10/s\"\n",
            "hostile[x].hits",
            "neither \"edge\" nor a tier; tiers: app, db",
        ),
        ("[[hostile]]\nname = \"x\"\nhits = \"app\"\nrate = \"10/s\"\n", "hostile[x].work", "needs `work`"),
        (
            "[[hostile]]\nname = \"x\"\nhits = \"edge\"\nrate = \"10/s\"\nwork = \"1s\"\n",
            "hostile[x].work",
            "edge capacity only",
        ),
        (
            "[[hostile]]\nname = \"x\"\nhits = \"app\"\nrate = \"10/s\"\nwork = \"1s\"\ntakes_items = 1\n",
            "hostile[x].takes_items",
            "no [stock]",
        ),
        (
            "[[hostile]]\nname = \"x\"\nhits = \"edge\"\nrate = \"10/s\"\nprofile = [{ at = \"00:00\", rate = \"1/s\" }]\n",
            "hostile[x].rate",
            "not both",
        ),
        ("[[edge_filter]]\nname = \"waf\"\nblocks_hostile = 1.5\n", "edge_filter[waf].blocks_hostile", "1.5"),
        (
            "[[edge_filter]]\nname = \"waf\"\nblocks_hostile = 0.5\nblocks_people = -0.1\n",
            "edge_filter[waf].blocks_people",
            "-0.1",
        ),
        ("[stock]\nitems = -5\n", "stock.items", "-5"),
        ("[stock]\nitems = 10\nper_application = 0\n", "stock.per_application", "0"),
        (
            "[[intervention]]\nat = \"01:00\"\naction = \"filter_on\"\nfilter = \"waf\"\n",
            "intervention[1].filter",
            "no [[edge_filter]] is called \"waf\"; filters: none",
        ),
    ];
    for (extra, key, says) in cases {
        let message = refused(extra);
        // The line that sets the key, under its table.
        let last = key.rsplit('.').next().unwrap();
        let header = line_of(&portal(extra), extra.lines().next().unwrap());
        // A key that is missing is reported at its table's header.
        let line = header + extra.lines().position(|l| l.starts_with(&format!("{last} ="))).unwrap_or(0);
        assert!(message.starts_with(&format!("bad.toml:{line}: {key}: ")), "{message} should be at line {line}, {key}");
        assert!(message.contains(says), "{message} should say {says}");
    }
}

#[test]
fn the_presale_scenario_replays_15_november_2022() {
    let text = std::fs::read_to_string("scenarios/eras-presale-2022-11-15.toml").unwrap();
    let day = match parse_scenario("scenarios/eras-presale-2022-11-15.toml", &text).unwrap().model {
        Model::LaunchDay(day) => *day,
        other => panic!("not a launch day: {other:?}"),
    };
    let r = simulate(&day, &RngStreams::new(20221115, 0)).unwrap();
    // The public record (shared/domain/facts.md 3.4), each within 10%.
    let requests = metric(&r, "all_requests");
    assert!((3.15e9..=3.85e9).contains(&requests), "{requests:.3e} requests, not about 3.5 billion");
    let people = metric(&r, "applicants");
    assert!((10.8e6..=13.2e6).contains(&people), "{people} people at the site, not about 12 million");
    let failed = 1.0 - metric(&r, "availability");
    assert!((0.135..=0.165).contains(&failed), "{failed:.3} of interactions failed, not about 15%");
    let longest = metric(&r, "room_wait_max_s") / 3600.0;
    assert!((7.2..=8.8).contains(&longest), "longest wait {longest:.2} h, not about 8 h");
    // More than 2 million tickets sold on the day, and none left for a
    // general sale.
    let sold = metric(&r, "items_to_people") + metric(&r, "items_to_bots");
    assert!(sold > 2.0e6, "{sold} tickets sold");
    assert!(metric(&r, "sold_out_at_s") < 24.0 * 3600.0, "never sold out");
    // Nobody is let in from the queue while it is paused, 13:00 to 15:15.
    for row in r.intervals.iter().filter(|i| i.start >= 13.0 * 3600.0 && i.end <= 15.25 * 3600.0) {
        assert!(row.get("room_wait_mean_s").unwrap().is_nan(), "let in during the pause at {}", row.start);
    }
    let b = r.balance;
    assert_eq!(b.arrived, b.accounted(), "{b:?}");
}
