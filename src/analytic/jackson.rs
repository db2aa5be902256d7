//! Open Jackson networks of M/M/c stations.
//!
//! A web service is a network of tiers (load balancer, application, database,
//! payment provider) with retries and fan-out between them. If every station
//! has exponential service, customers arrive from outside as Poisson streams
//! and route between stations by fixed probabilities, Jackson's theorem says
//! the stationary distribution is a product of independent M/M/c stations,
//! each fed at the total rate `λ_i` given by the traffic equations
//!
//! `λ_j = γ_j + Σ_i λ_i·P(i → j)`,
//!
//! even though the internal flows are not Poisson. Solving those equations
//! and applying the M/M/c formulas per station gives exact network means.

use super::erlang::MMc;
use super::{AnalyticError, require_non_negative, require_positive, require_servers};

/// Pivot magnitude below which the traffic equations are declared singular.
///
/// The matrix `I − Pᵀ` has entries in \[−1, 1\] and is column-diagonally
/// dominant, so its pivots stay within \[0, 1\]; a pivot this small means a
/// group of stations whose exit probability is zero up to rounding (or below
/// about 1e-12, where visit counts of 10¹² make the network useless anyway).
const SINGULAR_PIVOT: f64 = 1e-12;

/// Slack allowed when checking that routing rows sum to at most 1, so that
/// rows like `[0.1, 0.2, 0.7]` that sum to `1 + 2⁻⁵²` in floating point pass.
const ROW_SUM_SLACK: f64 = 1e-12;

/// One station of a Jackson network: an M/M/c queue with unlimited waiting
/// room.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JacksonStation {
    /// Rate γ of customers arriving at this station from outside the
    /// network, per second (may be 0 for internal stations).
    pub external_arrival_rate: f64,
    /// Service rate μ of one server, per second.
    pub service_rate: f64,
    /// Number of servers c.
    pub servers: u32,
}

/// An open Jackson network: stations plus a routing matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct JacksonNetwork {
    /// The stations, indexed from 0.
    pub stations: Vec<JacksonStation>,
    /// `routing[i][j]` is the probability that a customer finishing service
    /// at station `i` goes next to station `j`; `1 − Σ_j routing[i][j]` is
    /// the probability that it leaves the network. Must be square with one
    /// row per station.
    pub routing: Vec<Vec<f64>>,
}

/// Steady-state measures of one station, per visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JacksonStationSolution {
    /// Total arrival rate λ_i (external plus routed), per second.
    pub arrival_rate: f64,
    /// Server utilisation `λ_i / (c_i·μ_i)`.
    pub utilisation: f64,
    /// Mean number at the station, waiting plus in service.
    pub mean_in_system: f64,
    /// Mean number waiting at the station.
    pub mean_queue_len: f64,
    /// Mean time per visit (wait plus service), in seconds.
    pub mean_sojourn: f64,
    /// Mean wait per visit before service starts, in seconds.
    pub mean_wait: f64,
}

/// Steady-state measures of the whole network.
#[derive(Debug, Clone, PartialEq)]
pub struct JacksonSolution {
    /// Per-station measures, in the order of [`JacksonNetwork::stations`].
    pub stations: Vec<JacksonStationSolution>,
    /// Total external arrival rate Σγ, per second; in steady state also the
    /// rate at which customers leave.
    pub throughput: f64,
    /// Mean number of customers in the whole network.
    pub mean_in_system: f64,
    /// Mean time from entering to leaving the network per external arrival,
    /// in seconds (`mean_in_system / throughput` by Little's law), counting
    /// every visit including feedback.
    pub mean_sojourn: f64,
}

impl JacksonNetwork {
    /// Solves the traffic equations and evaluates every station as an
    /// independent M/M/c queue.
    ///
    /// The linear system `(I − Pᵀ)·λ = γ` is solved by Gaussian elimination
    /// with partial pivoting. Errors: a station with invalid parameters
    /// ([`AnalyticError::InvalidStation`]), a routing matrix of the wrong
    /// shape, a probability outside \[0, 1\] or a row summing to more than 1,
    /// no external arrivals at all, a closed loop with no exit (singular
    /// equations), or a station whose arrival rate reaches its capacity
    /// `c_i·μ_i`.
    pub fn solve(&self) -> Result<JacksonSolution, AnalyticError> {
        self.validate()?;
        let external: Vec<f64> = self.stations.iter().map(|s| s.external_arrival_rate).collect();
        let throughput: f64 = external.iter().sum();
        if throughput <= 0.0 {
            return Err(AnalyticError::NoExternalArrivals);
        }
        let rates = solve_traffic_equations(&external, &self.routing)?;
        let stations = self
            .stations
            .iter()
            .zip(rates)
            .enumerate()
            .map(|(i, (station, rate))| solve_station(i, station, rate))
            .collect::<Result<Vec<_>, _>>()?;
        let mean_in_system: f64 = stations.iter().map(|s| s.mean_in_system).sum();
        Ok(JacksonSolution { stations, throughput, mean_in_system, mean_sojourn: mean_in_system / throughput })
    }

    /// Checks station parameters and the shape and entries of the routing
    /// matrix.
    fn validate(&self) -> Result<(), AnalyticError> {
        let n = self.stations.len();
        for (i, s) in self.stations.iter().enumerate() {
            let invalid = |reason| AnalyticError::InvalidStation { station: i, reason: Box::new(reason) };
            require_non_negative("external_arrival_rate", s.external_arrival_rate).map_err(invalid)?;
            require_positive("service_rate", s.service_rate).map_err(invalid)?;
            require_servers(s.servers).map_err(invalid)?;
        }
        if self.routing.len() != n {
            return Err(AnalyticError::DimensionMismatch {
                stations: n,
                what: "routing".to_owned(),
                len: self.routing.len(),
            });
        }
        for (i, row) in self.routing.iter().enumerate() {
            if row.len() != n {
                return Err(AnalyticError::DimensionMismatch {
                    stations: n,
                    what: format!("routing[{i}]"),
                    len: row.len(),
                });
            }
            for (j, &p) in row.iter().enumerate() {
                if !(0.0..=1.0).contains(&p) {
                    return Err(AnalyticError::InvalidRoutingProbability { from: i, to: j, value: p });
                }
            }
            let sum: f64 = row.iter().sum();
            if sum > 1.0 + ROW_SUM_SLACK {
                return Err(AnalyticError::RoutingRowSum { station: i, sum });
            }
        }
        Ok(())
    }
}

/// Solves `λ_j = γ_j + Σ_i λ_i·routing[i][j]` by Gaussian elimination with
/// partial pivoting on `(I − Pᵀ)·λ = γ`.
fn solve_traffic_equations(external: &[f64], routing: &[Vec<f64>]) -> Result<Vec<f64>, AnalyticError> {
    let n = external.len();
    let mut a: Vec<Vec<f64>> =
        (0..n).map(|j| (0..n).map(|i| f64::from(u8::from(i == j)) - routing[i][j]).collect()).collect();
    let mut b = external.to_vec();
    for col in 0..n {
        let pivot = (col..n).max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs())).unwrap_or(col);
        if a[pivot][col].is_nan() || a[pivot][col].abs() < SINGULAR_PIVOT {
            return Err(AnalyticError::SingularRouting);
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for (offset, row) in lower.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            if factor != 0.0 {
                for k in col..n {
                    row[k] -= factor * pivot_row[k];
                }
                b[col + 1 + offset] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        // Rates are non-negative; clamp the −1e-17-sized residue of rounding.
        x[row] = ((b[row] - tail) / a[row][row]).max(0.0);
    }
    Ok(x)
}

/// Evaluates station `index` as an M/M/c queue fed at `arrival_rate`.
fn solve_station(
    index: usize,
    station: &JacksonStation,
    arrival_rate: f64,
) -> Result<JacksonStationSolution, AnalyticError> {
    let mu = station.service_rate;
    let c = f64::from(station.servers);
    let load = arrival_rate / mu;
    if load.is_nan() || load >= c {
        return Err(AnalyticError::UnstableStation { station: index, arrival_rate, capacity: c * mu });
    }
    if arrival_rate == 0.0 {
        // Unreached station: idle, and a hypothetical visitor never waits.
        return Ok(JacksonStationSolution {
            arrival_rate,
            utilisation: 0.0,
            mean_in_system: 0.0,
            mean_queue_len: 0.0,
            mean_sojourn: 1.0 / mu,
            mean_wait: 0.0,
        });
    }
    let q = MMc { arrival_rate, service_rate: mu, servers: station.servers };
    Ok(JacksonStationSolution {
        arrival_rate,
        utilisation: q.utilisation(),
        mean_in_system: q.mean_in_system(),
        mean_queue_len: q.mean_queue_len(),
        mean_sojourn: q.mean_sojourn(),
        mean_wait: q.mean_wait(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::assert_rel;

    fn station(external: f64, mu: f64, servers: u32) -> JacksonStation {
        JacksonStation { external_arrival_rate: external, service_rate: mu, servers }
    }

    fn assert_station_is_mmc(s: &JacksonStationSolution, lambda: f64, mu: f64, c: u32) {
        let q = MMc::new(lambda, mu, c).unwrap();
        assert_rel(s.arrival_rate, lambda, 1e-14);
        assert_rel(s.utilisation, q.utilisation(), 1e-14);
        assert_rel(s.mean_in_system, q.mean_in_system(), 1e-13);
        assert_rel(s.mean_queue_len, q.mean_queue_len(), 1e-13);
        assert_rel(s.mean_sojourn, q.mean_sojourn(), 1e-13);
        assert_rel(s.mean_wait, q.mean_wait(), 1e-13);
    }

    #[test]
    fn tandem_of_mm1_stations_adds_their_sojourn_times() {
        let net = JacksonNetwork {
            stations: vec![station(1.0, 2.0, 1), station(0.0, 3.0, 1)],
            routing: vec![vec![0.0, 1.0], vec![0.0, 0.0]],
        };
        let sol = net.solve().unwrap();
        assert_rel(sol.throughput, 1.0, 1e-15);
        // 1/(2 − 1) + 1/(3 − 1).
        assert_rel(sol.mean_sojourn, 1.5, 1e-14);
        assert_rel(sol.mean_in_system, 1.5, 1e-14);
        assert_station_is_mmc(&sol.stations[0], 1.0, 2.0, 1);
        assert_station_is_mmc(&sol.stations[1], 1.0, 3.0, 1);
    }

    #[test]
    fn feedback_loop_equals_mm1_with_inflated_arrivals() {
        // Half the customers return: λ = γ/(1 − p) = 2 visits per second.
        let net = JacksonNetwork { stations: vec![station(1.0, 4.0, 1)], routing: vec![vec![0.5]] };
        let sol = net.solve().unwrap();
        assert_station_is_mmc(&sol.stations[0], 2.0, 4.0, 1);
        // Two visits of 1/(4 − 2) seconds each.
        assert_rel(sol.mean_sojourn, 1.0, 1e-14);
    }

    #[test]
    fn branching_network_with_multi_server_stations_solves_traffic_exactly() {
        let net = JacksonNetwork {
            stations: vec![station(3.0, 2.0, 2), station(1.0, 3.0, 1), station(0.0, 1.5, 3)],
            routing: vec![vec![0.0, 0.5, 0.3], vec![0.0, 0.0, 0.8], vec![0.1, 0.0, 0.0]],
        };
        let sol = net.solve().unwrap();
        // Hand solution: λ0 = 3.08/0.93, λ1 = 1 + λ0/2, λ2 = 0.8 + 0.7·λ0.
        let l0 = 3.08 / 0.93;
        let expected = [l0, 1.0 + 0.5 * l0, 0.8 + 0.7 * l0];
        for (i, s) in sol.stations.iter().enumerate() {
            let st = net.stations[i];
            assert_station_is_mmc(s, expected[i], st.service_rate, st.servers);
        }
        let total_l: f64 = sol.stations.iter().map(|s| s.mean_in_system).sum();
        assert_rel(sol.throughput, 4.0, 1e-15);
        assert_rel(sol.mean_in_system, total_l, 1e-15);
        assert_rel(sol.mean_sojourn, total_l / 4.0, 1e-15);
    }

    #[test]
    fn traffic_equations_with_tied_pivots_are_solved_after_a_row_swap() {
        // Column 0 of I − Pᵀ is (1, −1): equal magnitudes, so partial
        // pivoting swaps rows, and the result must not depend on it.
        let net = JacksonNetwork {
            stations: vec![station(1.0, 100.0, 1), station(0.0, 50.0, 1)],
            routing: vec![vec![0.0, 1.0], vec![0.75, 0.0]],
        };
        let sol = net.solve().unwrap();
        // λ0 = 1 + 0.75·λ1, λ1 = λ0 → λ0 = λ1 = 4.
        assert_rel(sol.stations[0].arrival_rate, 4.0, 1e-14);
        assert_rel(sol.stations[1].arrival_rate, 4.0, 1e-14);
    }

    #[test]
    fn unreached_station_is_idle() {
        let net = JacksonNetwork {
            stations: vec![station(2.0, 5.0, 1), station(0.0, 4.0, 2)],
            routing: vec![vec![0.0, 0.0], vec![0.0, 0.0]],
        };
        let sol = net.solve().unwrap();
        let idle = sol.stations[1];
        assert_eq!(idle.arrival_rate, 0.0);
        assert_eq!(idle.utilisation, 0.0);
        assert_eq!(idle.mean_in_system, 0.0);
        assert_eq!(idle.mean_wait, 0.0);
        assert_rel(idle.mean_sojourn, 0.25, 1e-15);
    }

    #[test]
    fn rows_summing_to_one_up_to_rounding_are_accepted() {
        let net = JacksonNetwork {
            stations: vec![station(1.0, 10.0, 1), station(0.0, 10.0, 1), station(0.0, 10.0, 1), station(0.0, 10.0, 1)],
            routing: vec![vec![0.0, 0.1, 0.2, 0.7], vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]],
        };
        assert!(net.solve().is_ok());
    }

    #[test]
    fn wrong_number_of_routing_rows_is_rejected() {
        let net = JacksonNetwork {
            stations: vec![station(1.0, 2.0, 1), station(0.0, 2.0, 1)],
            routing: vec![vec![0.0, 0.0]],
        };
        let err = net.solve().unwrap_err();
        assert_eq!(err, AnalyticError::DimensionMismatch { stations: 2, what: "routing".to_owned(), len: 1 });
    }

    #[test]
    fn wrong_routing_row_length_is_rejected() {
        let net = JacksonNetwork {
            stations: vec![station(1.0, 2.0, 1), station(0.0, 2.0, 1)],
            routing: vec![vec![0.0, 0.0], vec![0.0]],
        };
        let err = net.solve().unwrap_err();
        assert!(err.to_string().contains("routing[1] has length 1, expected 2"), "{err}");
    }

    #[test]
    fn probabilities_outside_unit_interval_are_rejected() {
        for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            let net = JacksonNetwork {
                stations: vec![station(1.0, 2.0, 1), station(0.0, 2.0, 1)],
                routing: vec![vec![0.0, bad], vec![0.0, 0.0]],
            };
            assert!(matches!(net.solve(), Err(AnalyticError::InvalidRoutingProbability { from: 0, to: 1, .. })));
        }
    }

    #[test]
    fn row_sum_above_one_is_rejected() {
        let net = JacksonNetwork {
            stations: vec![station(1.0, 2.0, 1), station(0.0, 2.0, 1)],
            routing: vec![vec![0.0, 0.0], vec![0.6, 0.5]],
        };
        assert_eq!(net.solve(), Err(AnalyticError::RoutingRowSum { station: 1, sum: 1.1 }));
    }

    #[test]
    fn closed_loop_without_exit_is_singular() {
        // Stations 1 and 2 pass customers back and forth forever.
        let net = JacksonNetwork {
            stations: vec![station(1.0, 5.0, 1), station(0.0, 5.0, 1), station(0.0, 5.0, 1)],
            routing: vec![vec![0.0, 0.0, 0.0], vec![0.0, 0.0, 1.0], vec![0.0, 1.0, 0.0]],
        };
        assert_eq!(net.solve(), Err(AnalyticError::SingularRouting));
        let self_loop = JacksonNetwork { stations: vec![station(1.0, 5.0, 1)], routing: vec![vec![1.0]] };
        assert_eq!(self_loop.solve(), Err(AnalyticError::SingularRouting));
    }

    #[test]
    fn overloaded_station_is_named_with_its_rate_and_capacity() {
        // Station 1 gets 3/s from station 0 plus 1/s of its own, against 2·1.5.
        let net = JacksonNetwork {
            stations: vec![station(3.0, 4.0, 1), station(1.0, 1.5, 2)],
            routing: vec![vec![0.0, 1.0], vec![0.0, 0.0]],
        };
        let err = net.solve().unwrap_err();
        assert_eq!(err, AnalyticError::UnstableStation { station: 1, arrival_rate: 4.0, capacity: 3.0 });
        assert_eq!(
            err.to_string(),
            "unstable: station 1 receives 4/s but can serve at most c·μ = 3/s; its arrival \
             rate must be below its capacity"
        );
    }

    #[test]
    fn invalid_station_parameters_are_rejected_with_the_station_index() {
        let cases = [
            (station(f64::NAN, 1.0, 1), "external_arrival_rate"),
            (station(-1.0, 1.0, 1), "external_arrival_rate"),
            (station(1.0, 0.0, 1), "service_rate"),
            (station(1.0, f64::INFINITY, 1), "service_rate"),
        ];
        for (bad, name) in cases {
            let net = JacksonNetwork { stations: vec![station(1.0, 5.0, 1), bad], routing: vec![vec![0.0; 2]; 2] };
            let err = net.solve().unwrap_err();
            match err {
                AnalyticError::InvalidStation { station: 1, ref reason } => {
                    assert!(matches!(**reason, AnalyticError::InvalidParameter { name: n, .. } if n == name));
                }
                other => panic!("unexpected {other:?}"),
            }
            assert!(err.to_string().starts_with("invalid station 1: invalid "), "{err}");
        }
        let net = JacksonNetwork { stations: vec![station(1.0, 5.0, 0)], routing: vec![vec![0.0]] };
        assert_eq!(
            net.solve(),
            Err(AnalyticError::InvalidStation { station: 0, reason: Box::new(AnalyticError::NoServers) })
        );
    }

    #[test]
    fn network_without_external_arrivals_is_rejected() {
        let idle = JacksonNetwork { stations: vec![station(0.0, 5.0, 1)], routing: vec![vec![0.5]] };
        assert_eq!(idle.solve(), Err(AnalyticError::NoExternalArrivals));
        let empty = JacksonNetwork { stations: vec![], routing: vec![] };
        assert_eq!(empty.solve(), Err(AnalyticError::NoExternalArrivals));
    }
}
