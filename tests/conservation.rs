//! Conservation and Little's law on networks that use every feature:
//! blocking, reneging, priorities, routing with feedback, capacity
//! schedules that close a station, initial customers and batches.

use crate::util::{network, poisson, station};
use clickday::arrivals::{ArrivalProcess, ProfileShape, RateProfile};
use clickday::dist::TimeDistribution;
use clickday::engine::RngStreams;
use clickday::network::{CapacityChange, Network, Route, SourceSpec, simulate};

/// Front desk (blocking, patience, priorities) -> back office (feedback,
/// closes for lunch) -> exit, with a batch and initial customers.
fn busy_network(duration: f64) -> Network {
    let mut desk = station("desk", 3, 1.0);
    desk.capacity = Some(15);
    desk.patience = Some(TimeDistribution::exponential(4.0).unwrap());
    desk.routes = vec![Route { to: 1, probability: 0.6 }];
    desk.initial_customers = 10;
    let mut office = station("office", 2, 1.5);
    office.routes = vec![Route { to: 1, probability: 0.2 }, Route { to: 0, probability: 0.1 }];
    office.schedule = vec![
        CapacityChange { at: duration * 0.3, servers: 0 },
        CapacityChange { at: duration * 0.4, servers: 4 },
        CapacityChange { at: duration * 0.8, servers: 1 },
    ];
    let sources = vec![
        poisson("walk-ins", 0, 2.5),
        SourceSpec { name: "vip".into(), to: 0, priority: 0, process: ArrivalProcess::Poisson { rate: 0.3 } },
        SourceSpec {
            name: "wave".into(),
            to: 0,
            priority: 1,
            process: ArrivalProcess::Batch { size: 40, at: duration * 0.5 },
        },
        SourceSpec {
            name: "curve".into(),
            to: 1,
            priority: 2,
            process: ArrivalProcess::Profile(RateProfile {
                points: vec![(0.0, 0.1), (duration * 0.5, 0.6), (duration, 0.1)],
                shape: ProfileShape::Linear,
            }),
        },
    ];
    network(vec![desk, office], sources, duration, duration * 0.1, duration / 20.0)
}

#[test]
fn every_station_and_the_network_balance_their_books() {
    for replication in 0..5 {
        let result = simulate(&busy_network(5_000.0), &RngStreams::new(11, replication)).unwrap();
        for t in &result.station_totals {
            assert_eq!(t.arrived, t.blocked + t.reneged + t.served + t.in_station_at_end, "{t:?}");
        }
        let n = result.network_totals;
        assert_eq!(n.arrived, n.completed + n.lost + n.in_system_at_end, "{n:?}");
        let in_stations: u64 = result.station_totals.iter().map(|t| t.in_station_at_end).sum();
        assert_eq!(in_stations, n.in_system_at_end);
        let lost: u64 = result.station_totals.iter().map(|t| t.blocked + t.reneged).sum();
        assert_eq!(lost, n.lost);
        // The feature mix really happened.
        assert!(result.station_totals[0].blocked > 0 && result.station_totals[0].reneged > 0);
    }
}

#[test]
fn interval_rows_add_up_to_the_whole_run() {
    let result = simulate(&busy_network(5_000.0), &RngStreams::new(3, 0)).unwrap();
    for (i, totals) in result.station_totals.iter().enumerate() {
        let rows = result.intervals.iter().filter(|r| r.scope == clickday::network::Scope::Station(i));
        let (arrivals, served) = rows.fold((0, 0), |(a, s), r| (a + r.arrivals, s + r.served));
        assert_eq!(arrivals, totals.arrived);
        assert_eq!(served, totals.served);
    }
    let ends: Vec<f64> = result.intervals.iter().map(|r| r.end).collect();
    assert_eq!(*ends.last().unwrap(), 5_000.0);
    assert_eq!(result.intervals.len(), 20 * 3);
}

/// A stable mix of blocking, reneging, priorities and feedback, for laws
/// that hold in the long run.
fn stable_network(duration: f64) -> Network {
    let mut net = busy_network(duration);
    net.stations[1].schedule.clear();
    net.stations[1].servers = 5;
    net.sources.retain(|s| s.name != "wave");
    net
}

#[test]
fn littles_law_holds_at_every_station() {
    // L = lambda W on measured quantities: time-average number in station
    // against admitted rate times mean time in station, over a long run.
    let result = simulate(&stable_network(400_000.0), &RngStreams::new(5, 0)).unwrap();
    assert!(result.stations[0].reneged > 1000 && result.stations[0].blocked > 1000);
    for s in &result.stations {
        let l = s.in_station_mean;
        let lambda_w = s.admitted_rate * s.time_in_station_mean;
        assert!((l - lambda_w).abs() / l < 0.01, "{}: L = {l}, lambda W = {lambda_w}", s.name);
        let lq = s.queue_len_mean;
        let lambda_wq = s.admitted_rate * s.queue_time_mean;
        assert!((lq - lambda_wq).abs() / lq < 0.02, "{}: Lq = {lq}, lambda Wq = {lambda_wq}", s.name);
    }
}

#[test]
fn a_closed_station_starts_no_service_until_it_reopens() {
    let result = simulate(&busy_network(5_000.0), &RngStreams::new(8, 0)).unwrap();
    let office_rows: Vec<_> =
        result.intervals.iter().filter(|r| r.scope == clickday::network::Scope::Station(1)).collect();
    // Closed from 30% to 40% of the run: intervals 6 and 7 of 20.
    // Services in progress at closing finish; none starts while closed.
    for row in &office_rows[6..8] {
        assert!(row.wait_mean.is_nan(), "a service started while closed: {row:?}");
        assert_eq!(row.servers_mean, 0.0);
    }
    assert_eq!(office_rows[7].served, 0);
    assert!(office_rows[7].queue_len_mean > office_rows[5].queue_len_mean);
    assert!(office_rows[8].served > 0);
}

#[test]
fn an_unstable_model_stops_with_a_clear_error_instead_of_exhausting_memory() {
    let mut net = network(vec![station("slow", 1, 1.0)], vec![poisson("flood", 0, 5.0)], 1e6, 0.0, 1e5);
    net.max_in_system = 10_000;
    let err = simulate(&net, &RngStreams::new(1, 0)).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("more than 10000 customers") && message.contains("unstable"), "{message}");
}
