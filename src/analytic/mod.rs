//! Closed-form queueing results: the yardstick the simulation engine is
//! validated against, and the arithmetic behind the staffing calculator.
//!
//! A discrete-event simulation can only be trusted if, on the models where
//! queueing theory has an exact answer, it reproduces that answer. This module
//! provides those answers — Erlang B and C (M/M/c), the finite-buffer M/M/c/K,
//! Erlang A with impatient customers (M/M/c+M), Pollaczek–Khinchine for M/G/1
//! and open Jackson networks — as pure functions with no I/O and no state.
//!
//! Because launch-day sizing goes up to thousands of servers at loads close to
//! saturation, every formula is evaluated in a form that cannot overflow or
//! underflow into `NaN`: Erlang B by its bounded recursion, state
//! probabilities relative to an anchor state or via logarithms, and geometric
//! tails in closed form with `expm1`/`ln_1p`. No factorials are ever formed.
//!
//! Units: rates are per second and times are in seconds throughout the
//! documentation, but every formula is unit-agnostic as long as rates and
//! times use the same clock. Loads are in erlangs (arrival rate divided by
//! service rate, i.e. the mean number of busy servers an infinite pool would
//! need).
//!
//! Constructors validate their parameters and return [`AnalyticError`] rather
//! than panicking; once a model is built its metric methods are infallible.

mod erlang;
mod erlang_a;
mod jackson;
mod mg1;
mod mmck;

pub use erlang::{MMc, erlang_b, erlang_c, try_erlang_b, try_erlang_c};
pub use erlang_a::ErlangA;
pub use jackson::{JacksonNetwork, JacksonSolution, JacksonStation, JacksonStationSolution};
pub use mg1::MG1;
pub use mmck::MMcK;

/// Why a queueing model could not be built or solved.
///
/// Every message names the offending parameter and the range it must lie in,
/// so that a scenario author can fix the input without reading this code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyticError {
    /// A real-valued parameter is `NaN`, infinite or outside its range.
    #[error("invalid {name}: got {value}, but it must be {expected}")]
    InvalidParameter {
        /// Name of the parameter as it appears in the API, e.g. `arrival_rate`.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// The allowed range in words, e.g. `finite and > 0`.
        expected: &'static str,
    },
    /// A model needs at least one server.
    #[error("invalid servers: got 0, but a queue needs at least 1 server")]
    NoServers,
    /// M/M/c/K capacity counts customers in service, so it cannot be below `c`.
    #[error(
        "invalid capacity: got {capacity}, but it counts customers in service too and \
         must be at least the {servers} servers"
    )]
    CapacityBelowServers {
        /// The rejected system capacity K.
        capacity: u32,
        /// The number of servers c.
        servers: u32,
    },
    /// The offered load is not below the number of servers, so the queue of a
    /// model without abandonment or blocking grows without bound.
    #[error(
        "unstable: offered load {offered_load} erlangs needs more than {servers} {}",
        if *.servers == 1 { "server" } else { "servers" }
    )]
    Unstable {
        /// Offered load a = λ/μ in erlangs (λ·E\[S\] for M/G/1).
        offered_load: f64,
        /// Number of servers available.
        servers: u32,
    },
    /// The routing matrix does not have one row and one column per station.
    #[error(
        "routing matrix does not match {stations} stations: {what} has length {len}, \
         expected {stations}"
    )]
    DimensionMismatch {
        /// Number of stations in the network.
        stations: usize,
        /// Which part has the wrong length, e.g. `routing` or `routing[2]`.
        what: String,
        /// The length found.
        len: usize,
    },
    /// A routing probability is `NaN` or outside \[0, 1\].
    #[error("invalid routing[{from}][{to}]: got {value}, but it must be a probability in [0, 1]")]
    InvalidRoutingProbability {
        /// Station the customer leaves.
        from: usize,
        /// Station the customer goes to.
        to: usize,
        /// The rejected probability.
        value: f64,
    },
    /// A routing row sums to more than one; the remainder `1 − Σ_j P(i→j)` is
    /// the probability of leaving the network and cannot be negative.
    #[error(
        "invalid routing row {station}: probabilities sum to {sum}, but they must sum to \
         at most 1 (the remainder leaves the network)"
    )]
    RoutingRowSum {
        /// Station whose outgoing probabilities are too large.
        station: usize,
        /// The row sum found.
        sum: f64,
    },
    /// The traffic equations have no unique solution: some group of stations
    /// routes only among itself, so customers that enter it never leave.
    #[error(
        "singular routing: the traffic equations have no unique solution because some \
         stations form a closed loop with no exit from the network"
    )]
    SingularRouting,
    /// A station of a Jackson network has an invalid parameter.
    #[error("invalid station {station}: {reason}")]
    InvalidStation {
        /// Index of the station in [`JacksonNetwork::stations`].
        station: usize,
        /// What is wrong with it.
        reason: Box<AnalyticError>,
    },
    /// A network station receives at least as much traffic as it can serve.
    #[error(
        "unstable: station {station} receives {arrival_rate}/s but can serve at most \
         c·μ = {capacity}/s; its arrival rate must be below its capacity"
    )]
    UnstableStation {
        /// Index of the station in [`JacksonNetwork::stations`].
        station: usize,
        /// Total arrival rate λ_i from the traffic equations, per second.
        arrival_rate: f64,
        /// Service capacity c_i·μ_i, per second.
        capacity: f64,
    },
    /// No customers enter the network, so per-customer measures are undefined.
    #[error(
        "no external arrivals: the total external arrival rate must be > 0 for the \
         network sojourn time to be defined"
    )]
    NoExternalArrivals,
}

/// Compensated (Neumaier) summation, used wherever thousands of positive
/// probabilities are added up: the error of a plain running sum grows with
/// the number of terms, that of a compensated sum does not.
#[derive(Debug, Clone, Copy, Default)]
struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    /// Adds one term.
    fn add(&mut self, term: f64) {
        let t = self.sum + term;
        if self.sum.abs() >= term.abs() {
            self.compensation += (self.sum - t) + term;
        } else {
            self.compensation += (term - t) + self.sum;
        }
        self.sum = t;
    }

    /// The compensated total.
    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Checks that `value` is finite and strictly positive.
fn require_positive(name: &'static str, value: f64) -> Result<f64, AnalyticError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(AnalyticError::InvalidParameter { name, value, expected: "finite and > 0" })
    }
}

/// Checks that `value` is finite and not negative.
fn require_non_negative(name: &'static str, value: f64) -> Result<f64, AnalyticError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(AnalyticError::InvalidParameter { name, value, expected: "finite and >= 0" })
    }
}

/// Checks that a model has at least one server.
fn require_servers(servers: u32) -> Result<u32, AnalyticError> {
    if servers == 0 { Err(AnalyticError::NoServers) } else { Ok(servers) }
}

/// Computes the offered load `λ/μ` and checks that it is representable: a
/// ratio that overflows to infinity or underflows to zero carries no usable
/// information for the formulas downstream.
fn offered_load_of(arrival_rate: f64, service_rate: f64) -> Result<f64, AnalyticError> {
    let load = arrival_rate / service_rate;
    if load.is_normal() && load > 0.0 {
        Ok(load)
    } else {
        Err(AnalyticError::InvalidParameter {
            name: "offered_load (arrival_rate / service_rate)",
            value: load,
            expected: "finite and > 0 (rates too far apart to represent their ratio)",
        })
    }
}

/// Assertions shared by the unit tests of the submodules.
#[cfg(test)]
mod test_support {
    /// Asserts that `actual` agrees with `expected` to relative tolerance `tol`.
    #[track_caller]
    pub(crate) fn assert_rel(actual: f64, expected: f64, tol: f64) {
        let err = if expected == 0.0 { actual.abs() } else { ((actual - expected) / expected).abs() };
        assert!(err <= tol, "actual {actual}, expected {expected}, relative error {err:e} > {tol:e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstable_message_names_load_and_servers() {
        let e = AnalyticError::Unstable { offered_load: 10.5, servers: 10 };
        assert_eq!(e.to_string(), "unstable: offered load 10.5 erlangs needs more than 10 servers");
    }

    #[test]
    fn unstable_message_uses_singular_for_one_server() {
        let e = AnalyticError::Unstable { offered_load: 1.2, servers: 1 };
        assert_eq!(e.to_string(), "unstable: offered load 1.2 erlangs needs more than 1 server");
    }

    #[test]
    fn invalid_parameter_message_names_parameter_and_range() {
        let e = require_positive("arrival_rate", f64::NAN).unwrap_err();
        assert_eq!(e.to_string(), "invalid arrival_rate: got NaN, but it must be finite and > 0");
    }

    #[test]
    fn validators_accept_in_range_values_and_reject_the_rest() {
        assert_eq!(require_positive("x", 2.0), Ok(2.0));
        assert!(require_positive("x", 0.0).is_err());
        assert!(require_positive("x", -1.0).is_err());
        assert!(require_positive("x", f64::INFINITY).is_err());
        assert_eq!(require_non_negative("x", 0.0), Ok(0.0));
        assert!(require_non_negative("x", -0.5).is_err());
        assert!(require_non_negative("x", f64::NAN).is_err());
        assert_eq!(require_servers(0), Err(AnalyticError::NoServers));
        assert_eq!(require_servers(3), Ok(3));
    }

    #[test]
    fn offered_load_rejects_ratios_that_overflow_or_underflow() {
        assert_eq!(offered_load_of(3.0, 2.0), Ok(1.5));
        assert!(offered_load_of(1e300, 1e-300).is_err());
        assert!(offered_load_of(1e-300, 1e300).is_err());
    }

    #[test]
    fn compensated_sum_recovers_what_a_plain_sum_loses() {
        let mut s = CompensatedSum::default();
        s.add(1.0);
        for _ in 0..1000 {
            s.add(1e-17);
        }
        assert!((s.value() - (1.0 + 1e-14)).abs() < 1e-16);
    }
}
