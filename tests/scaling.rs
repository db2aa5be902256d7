//! Scaling out: origin tiers made of instances behind a load balancer,
//! each instance with its own workers, accept queue and USL slowdown;
//! autoscaling and interventions by instances; crashes.

use clickday::engine::RngStreams;
use clickday::launch::{LaunchDay, LaunchResult, simulate};
use clickday::scenario::{Model, parse_scenario};

/// A portal of one step (a submission) on tier `app` (declared by
/// `tiers`), with `people` arriving at a constant rate from 00:00 to
/// `until`, patient clients (10 minutes) who retry at most `retries`
/// times; the run lasts `duration` in intervals of 5 minutes.
fn one_step(people: u64, until: &str, duration: &str, retries: u32, route: &str, tiers: &str, extra: &str) -> String {
    format!(
        r#"name = "scaling"
duration = "{duration}"
interval = "5m"
milestones = []

[population]
eligible = {people}

[[category]]
name = "people"
share = 1.0
behaviour = "patient"
curve = {{ share = 1.0, profile = [{{ at = "00:00", weight = 1 }}, {{ at = "{until}", weight = 0 }}] }}

[[behaviour]]
name = "patient"
timeout = {{ dist = "deterministic", value = "10m" }}
retries = {retries}
retry_delay = {{ dist = "exponential", mean = "10s" }}
return_probability = 0

[[step]]
name = "submit"
class = "write"
route = {route}
completes_application = true
think = {{ dist = "exponential", mean = "1s" }}

{tiers}
{extra}
"#
    )
}

fn day(text: &str) -> LaunchDay {
    match parse_scenario("scaling.toml", text).unwrap().model {
        Model::LaunchDay(day) => *day,
        other => panic!("not a launch day: {other:?}"),
    }
}

fn run(text: &str, replication: u64) -> LaunchResult {
    simulate(&day(text), &RngStreams::new(11, replication)).unwrap()
}

fn tier_column(result: &LaunchResult, tier: usize, column: &str) -> Vec<f64> {
    result.tiers.iter().filter(|row| row.tier == tier).map(|row| row.get(column).unwrap()).collect()
}

fn portal_column(result: &LaunchResult, column: &str) -> Vec<f64> {
    result.intervals.iter().map(|row| row.get(column).unwrap()).collect()
}

fn metric(result: &LaunchResult, name: &str) -> f64 {
    result.summary.get(name).unwrap_or_else(|| panic!("no metric {name}"))
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn app(workers: u32, service: &str, queue: u32, more: &str) -> String {
    format!(
        "[[tier]]\nname = \"app\"\nworkers = {workers}\nservice = {{ dist = \"exponential\", mean = \"{service}\" }}\n\
         queue = {queue}\n{more}\n"
    )
}

#[test]
fn replicas_at_low_load_carry_the_offered_rate_with_the_analytic_busy_workers() {
    // 4 instances of 2 workers, 100 ms exponential service, 20 requests per
    // second for 2 hours: 2 of 8 workers busy on average (lambda x E[S]),
    // and every request served.
    let text = one_step(144_000, "02:00", "2h", 0, "[\"app\"]", &app(2, "100ms", 1000, "instances = 4"), "");
    let r = run(&text, 0);
    let rate = 144_000.0 / 7200.0;
    let throughput = mean(&tier_column(&r, 0, "throughput_per_s"));
    let busy = mean(&tier_column(&r, 0, "busy_mean"));
    // Arrivals are 144,000 uniform instants: the count per second is
    // exact up to those still in service at the end; the busy workers are
    // the sum of 144,000 exponential service times over the run (relative
    // standard error 1/sqrt(144,000) = 0.26%).
    assert!((throughput - rate).abs() < 0.002 * rate, "throughput {throughput} vs {rate}");
    assert!((busy - rate * 0.1).abs() < 0.015 * rate * 0.1, "busy {busy} vs {}", rate * 0.1);
    assert!(tier_column(&r, 0, "instances_mean").iter().all(|n| *n == 4.0));
    assert!(tier_column(&r, 0, "workers_mean").iter().all(|n| *n == 8.0));
    assert_eq!(metric(&r, "err_rejected"), 0.0);
    // Least connections spreads the load: hardly anyone waits (an M/M/8 at
    // 2 erlangs has 0.0015 waiting on average). Had every request gone to
    // one instance of 2 workers, 2 erlangs would saturate it.
    let queue = mean(&tier_column(&r, 0, "queue_len_mean"));
    assert!(queue < 0.05, "queue {queue}");
    // The capacity model counts the instances: 4 x 2 / 0.1 s.
    assert!(portal_column(&r, "capacity_per_s").iter().all(|c| (c - 80.0).abs() < 1e-9));
}

#[test]
fn each_instance_slows_down_by_its_own_concurrency_past_the_knee() {
    // Saturated: 250 requests per second offered to 4 instances of 8
    // workers with alpha 0.05 and beta 0.01. Every instance always has a
    // queue, so every stage starts at concurrency 8: each instance
    // completes 8 / (0.1 s x (1 + 0.05 x 7 + 0.01 x 56)) = 41.88 per second.
    let usl = "contention = 0.05\ncoherency = 0.01";
    let tiers = |instances: &str, workers: u32| app(workers, "100ms", 1_000_000, &format!("{usl}\n{instances}"));
    let text = one_step(450_000, "00:30", "30m", 0, "[\"app\"]", &tiers("instances = 4", 8), "");
    let r = run(&text, 0);
    // After the first interval (the queues fill in seconds).
    let throughput = mean(&tier_column(&r, 0, "throughput_per_s")[1..]);
    let slowdown = |n: f64| 1.0 + 0.05 * (n - 1.0) + 0.01 * n * (n - 1.0);
    let expected = 4.0 * 8.0 / (0.1 * slowdown(8.0));
    assert!((throughput - expected).abs() < 0.03 * expected, "{throughput} vs {expected}");
    // The same 32 workers as one server thrash at concurrency 32.
    let one = run(&one_step(450_000, "00:30", "30m", 0, "[\"app\"]", &tiers("", 32), ""), 0);
    let one_throughput = mean(&tier_column(&one, 0, "throughput_per_s")[1..]);
    let one_expected = 32.0 / (0.1 * slowdown(32.0));
    assert!((one_throughput - one_expected).abs() < 0.03 * one_expected, "{one_throughput} vs {one_expected}");
    assert!(throughput > 5.0 * one_throughput, "{throughput} vs {one_throughput}");
}

#[test]
fn least_connections_waits_less_than_round_robin_at_the_same_load() {
    // 4 instances of one worker at 70% load. Round robin hands each
    // instance every fourth request whatever its queue (an E4/M/1 queue
    // each: 0.86 waiting per instance, 3.4 in all); least connections
    // joins the shortest queue (close to an M/M/4: 1.2 waiting).
    let balanced = |balancer: &str| {
        let tier = app(1, "100ms", 100_000, &format!("instances = 4\nbalancer = \"{balancer}\""));
        run(&one_step(201_600, "02:00", "2h", 0, "[\"app\"]", &tier, ""), 0)
    };
    let (least, round) = (balanced("least_connections"), balanced("round_robin"));
    let queue = |r: &LaunchResult| mean(&tier_column(r, 0, "queue_len_mean"));
    let (lq, rq) = (queue(&least), queue(&round));
    assert!(lq < 2.0 && rq > 2.5 && lq < 0.6 * rq, "least connections {lq}, round robin {rq}");
    // The same work either way.
    let busy = |r: &LaunchResult| mean(&tier_column(r, 0, "busy_mean"));
    assert!((busy(&least) - 2.8).abs() < 0.1 && (busy(&round) - 2.8).abs() < 0.1);
}

#[test]
fn autoscaling_adds_instances_only_after_the_start_up_delay() {
    // Overloaded from the start: each look (every minute, from 00:01) finds
    // utilisation above target and orders one instance, ready 5 minutes
    // later, until 4 are up or ordered: ready at 00:06, 00:07 and 00:08.
    let scaled = app(
        2,
        "100ms",
        100_000,
        "instances = 1\nautoscale = { target = 0.6, period = \"1m\", delay = \"5m\", step = 1, min = 1, max = 4 }",
    );
    let r = run(&one_step(300_000, "01:00", "1h", 0, "[\"app\"]", &scaled, ""), 0);
    let instances = tier_column(&r, 0, "instances_mean");
    assert_eq!(instances[0], 1.0, "{instances:?}");
    let second = 1.0 + (240.0 + 180.0 + 120.0) / 300.0;
    assert!((instances[1] - second).abs() < 1e-9, "{instances:?}");
    assert!(instances[2..].iter().all(|n| *n == 4.0), "{instances:?}");
    let workers = tier_column(&r, 0, "workers_mean");
    assert!(workers.iter().zip(&instances).all(|(w, n)| (w - 2.0 * n).abs() < 1e-9), "{workers:?}");
    // Capacity follows the instances in rotation: 2 / 0.1 s each.
    let capacity = portal_column(&r, "capacity_per_s");
    assert!((capacity[0] - 20.0).abs() < 1e-9 && (capacity[2] - 80.0).abs() < 1e-9, "{capacity:?}");
}

#[test]
fn instances_set_away_drain_their_work_before_they_stop_counting() {
    // 4 instances of one worker (10 s) with long queues, fed at their
    // capacity (0.4 requests per second) for the first 20 minutes: they
    // hold backlogs when two are set away at 00:20. Those finish theirs (no
    // request is lost) and only then stop counting.
    let text = one_step(
        480,
        "00:20",
        "3h",
        0,
        "[\"app\"]",
        &app(1, "10s", 100_000, "instances = 4"),
        "[[intervention]]\nat = \"00:20\"\naction = \"set_instances\"\ntier = \"app\"\ninstances = 2\n",
    );
    let r = run(&text, 0);
    let instances = tier_column(&r, 0, "instances_mean");
    assert_eq!(instances[..4], [4.0; 4], "{instances:?}");
    // Draining: more than the two left in rotation for a while after 00:20,
    // then two.
    assert!(instances[4] > 2.0 && instances[4] < 4.0 + 1e-9, "{instances:?}");
    assert_eq!(*instances.last().unwrap(), 2.0, "{instances:?}");
    // Capacity drops at once: the drained ones take no new requests.
    let capacity = portal_column(&r, "capacity_per_s");
    assert!((capacity[3] - 0.4).abs() < 1e-12 && (capacity[4] - 0.2).abs() < 1e-12, "{capacity:?}");
    // Every request was served, none rejected.
    let completed: f64 = tier_column(&r, 0, "completed").iter().sum();
    assert_eq!(completed, metric(&r, "applications"));
    assert_eq!(metric(&r, "err_rejected"), 0.0);
    assert_eq!(r.balance.completed, r.balance.arrived);
}

/// A database of 4 instances of 16 connections (200 ms) behind one
/// application server of 100 threads (10 ms), 120 requests per second for
/// 2 hours (24 of the database's 64 connections busy), and `extra` (an
/// intervention).
fn two_tiers(extra: &str) -> String {
    let tiers = "[[tier]]\nname = \"app\"\nworkers = 100\nservice = { dist = \"exponential\", mean = \"10ms\" }\n\
                 queue = 100000\n\n\
                 [[tier]]\nname = \"db\"\nworkers = 16\ninstances = 4\n\
                 service = { dist = \"exponential\", mean = \"200ms\" }\nqueue = 100000\n";
    one_step(864_000, "02:00", "2h30m", 2, "[\"app\", \"db\"]", tiers, extra)
}

#[test]
fn crashed_instances_answer_their_requests_with_errors_and_free_what_they_held() {
    let crash = "[[intervention]]\nat = \"01:00\"\naction = \"fail_instances\"\ntier = \"db\"\ninstances = 2\n";
    let r = run(&two_tiers(crash), 0);
    // Capacity: the database bounds it at 4 x 16 / 200 ms = 320 per
    // second, then 160 with two instances left (still above the load).
    let capacity = portal_column(&r, "capacity_per_s");
    assert!((capacity[11] - 320.0).abs() < 1e-9 && (capacity[12] - 160.0).abs() < 1e-9, "{capacity:?}");
    let instances = tier_column(&r, 1, "instances_mean");
    assert_eq!((instances[11], instances[12]), (4.0, 2.0));
    // The requests at the crashed instances (about 2 x 6 busy) got an
    // error at once, counted as rejections by the database and as
    // err_rejected answers (patient clients: every answer is read).
    let rejected = tier_column(&r, 1, "rejected");
    assert!(rejected[12] >= 1.0 && rejected.iter().sum::<f64>() == rejected[12], "{rejected:?}");
    assert_eq!(portal_column(&r, "err_rejected").iter().sum::<f64>(), rejected[12]);
    assert_eq!(metric(&r, "err_rejected"), rejected[12]);
    // Each tier's books close once the load has gone: every arrival was
    // completed or rejected (a crashed stage is not a completion).
    for tier in 0..2 {
        let sum = |c: &str| tier_column(&r, tier, c).iter().sum::<f64>();
        assert_eq!(sum("arrivals"), sum("completed") + sum("rejected"), "tier {tier}");
    }
    // The application threads the failed requests held were freed: none
    // busy at the end.
    assert_eq!(*tier_column(&r, 0, "busy_mean").last().unwrap(), 0.0);
    assert_eq!(*tier_column(&r, 1, "busy_mean").last().unwrap(), 0.0);
    // The people: all accounted for, and those who got the error retried.
    let b = r.balance;
    assert_eq!(b.arrived, b.completed + b.retrying + b.gone_for_now + b.given_up + b.in_flight, "{b:?}");
    assert_eq!(b.completed, b.arrived, "{b:?}");
    // Without the crash, no error at all.
    let calm = run(&two_tiers(""), 0);
    assert_eq!(metric(&calm, "err_rejected"), 0.0);
    assert_eq!(tier_column(&calm, 1, "instances_mean").last(), Some(&4.0));
}

#[test]
fn a_tier_with_every_instance_down_rejects_until_one_is_set_back() {
    let text = two_tiers(
        "[[intervention]]\nat = \"00:30\"\naction = \"fail_instances\"\ntier = \"db\"\ninstances = 4\n\
         [[intervention]]\nat = \"00:40\"\naction = \"set_instances\"\ntier = \"db\"\ninstances = 4\n",
    );
    let r = run(&text, 0);
    let instances = tier_column(&r, 1, "instances_mean");
    assert_eq!((instances[5], instances[6], instances[7], instances[8]), (4.0, 0.0, 0.0, 4.0));
    let rejected = tier_column(&r, 1, "rejected");
    let arrivals = tier_column(&r, 1, "arrivals");
    // While none is up, every arrival is turned away.
    assert_eq!(rejected[7], arrivals[7]);
    assert!(arrivals[7] > 1000.0);
    assert_eq!(portal_column(&r, "capacity_per_s")[7], 0.0);
    let b = r.balance;
    assert_eq!(b.arrived, b.completed + b.retrying + b.gone_for_now + b.given_up + b.in_flight, "{b:?}");
}

/// The one-line error for the scenario `text`, which must name `key`.
fn refused(text: &str, key: &str) -> String {
    let e = parse_scenario("bad.toml", text).expect_err("should be refused").to_string();
    assert!(!e.contains('\n'), "not one line: {e}");
    assert!(e.starts_with("bad.toml:") && e.contains(&format!(": {key}: ")), "{e}");
    e
}

/// "bad.toml:N: " for the first line of `text` containing `needle`.
fn at_line(text: &str, needle: &str) -> String {
    format!("bad.toml:{}: ", text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle}")) + 1)
}

#[test]
fn bad_instances_balancers_and_instance_interventions_are_refused_where_written() {
    let tier = |more: &str| app(4, "100ms", 10, more);
    let with = |more: &str, extra: &str| one_step(100, "00:30", "1h", 0, "[\"app\"]", &tier(more), extra);

    let text = with("instances = 0", "");
    let e = refused(&text, "tier[app].instances");
    assert!(e.starts_with(&at_line(&text, "instances = 0")) && e.contains("from 1 to 100000"), "{e}");
    // Instances x workers is bounded like a tier's workers: 4 workers each
    // allow 100,000 instances, 400 workers each only 25,000.
    let text = one_step(100, "00:30", "1h", 0, "[\"app\"]", &app(400, "100ms", 10, "instances = 30000"), "");
    let e = refused(&text, "tier[app].instances");
    assert!(e.contains("from 1 to 25000") && e.contains("10000000"), "{e}");

    let text = with("instances = 2\nbalancer = \"random\"", "");
    let e = refused(&text, "tier[app].balancer");
    assert!(e.starts_with(&at_line(&text, "balancer")) && e.contains("least_connections, round_robin"), "{e}");
    let e = refused(&with("balancer = \"round_robin\"", ""), "tier[app].balancer");
    assert!(e.contains("needs `instances`"), "{e}");

    let bad_autoscale =
        "instances = 2\nautoscale = { target = 0.5, period = \"1m\", delay = \"1m\", step = 1, min = 1, max = 200000 }";
    let e = refused(&with(bad_autoscale, ""), "tier[app].autoscale.max");
    assert!(e.contains("from 1 to 100000"), "{e}");

    let iv = |action: &str, rest: &str| format!("[[intervention]]\nat = \"00:10\"\naction = \"{action}\"\n{rest}");
    // A tier without instances has none to set or fail.
    let text = with("", &iv("fail_instances", "tier = \"app\"\ninstances = 1\n"));
    let e = refused(&text, "intervention[1].tier");
    assert!(e.starts_with(&at_line(&text, "tier = \"app\"")) && e.contains("needs a tier with `instances`"), "{e}");
    let text = with("instances = 2", &iv("set_instances", "tier = \"web\"\ninstances = 1\n"));
    let e = refused(&text, "intervention[1].tier");
    assert!(e.contains("no tier is called \"web\"; tiers: app"), "{e}");
    let text = with("instances = 2", &iv("set_instances", "tier = \"app\"\n"));
    let e = refused(&text, "intervention[1].instances");
    assert!(e.contains("needs `instances`"), "{e}");
    let text = with("instances = 2", &iv("fail_instances", "tier = \"app\"\ninstances = 0\n"));
    let e = refused(&text, "intervention[1].instances");
    assert!(e.starts_with(&at_line(&text, "instances = 0")) && e.contains("from 1 to 100000"), "{e}");
    let text = with("instances = 2", &iv("set_instances", "tier = \"app\"\ninstances = 100001\n"));
    let e = refused(&text, "intervention[1].instances");
    assert!(e.contains("from 0 to 100000"), "{e}");
    // Workers of a tier of instances are per instance: set_workers is refused.
    let text = with("instances = 2", &iv("set_workers", "tier = \"app\"\nworkers = 8\n"));
    let e = refused(&text, "intervention[1].tier");
    assert!(e.contains("use \"set_instances\""), "{e}");
    // A good one parses.
    let good =
        with("instances = 2\nbalancer = \"round_robin\"", &iv("set_instances", "tier = \"app\"\ninstances = 3\n"));
    assert_eq!(day(&good).tiers[0].instances, Some(2));
}
