//! The M/G/1 queue by the Pollaczek–Khinchine formula, and M/D/1.
//!
//! Real request handling times are rarely exponential: a fixed-cost API call
//! is nearly deterministic, a search with a long tail is more variable than
//! exponential. For a single FIFO server with Poisson arrivals the mean wait
//! depends on the service distribution only through its mean and its squared
//! coefficient of variation (SCV, `Var[S]/E[S]²`), which is what this model
//! takes; it lets the engine's non-exponential service be checked too.

use super::{AnalyticError, require_non_negative, require_positive};

/// The M/G/1 queue: Poisson arrivals, general i.i.d. service times, one
/// server, unlimited FIFO waiting room. Stable only for `ρ = λ·E[S] < 1`,
/// which [`MG1::new`] enforces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MG1 {
    /// Arrival rate λ, per second.
    pub arrival_rate: f64,
    /// Mean service time E\[S\], in seconds.
    pub mean_service: f64,
    /// Squared coefficient of variation of the service time,
    /// `Var[S] / E[S]²`: 0 for deterministic, 1 for exponential service.
    pub service_scv: f64,
}

impl MG1 {
    /// Builds an M/G/1 queue after checking that λ and E\[S\] are finite and
    /// positive, that the SCV is finite and non-negative, and that the
    /// utilisation `λ·E[S]` is below 1.
    pub fn new(arrival_rate: f64, mean_service: f64, service_scv: f64) -> Result<Self, AnalyticError> {
        require_positive("arrival_rate", arrival_rate)?;
        require_positive("mean_service", mean_service)?;
        require_non_negative("service_scv", service_scv)?;
        let rho = arrival_rate * mean_service;
        if rho.is_nan() || rho >= 1.0 {
            return Err(AnalyticError::Unstable { offered_load: rho, servers: 1 });
        }
        if rho == 0.0 {
            return Err(AnalyticError::InvalidParameter {
                name: "utilisation (arrival_rate × mean_service)",
                value: rho,
                expected: "> 0 (the product underflows)",
            });
        }
        Ok(Self { arrival_rate, mean_service, service_scv })
    }

    /// M/D/1: deterministic service of exactly `mean_service` seconds
    /// (SCV 0), the least variable service and so the smallest M/G/1 wait.
    pub fn md1(arrival_rate: f64, mean_service: f64) -> Result<Self, AnalyticError> {
        Self::new(arrival_rate, mean_service, 0.0)
    }

    /// Server utilisation `ρ = λ·E[S]`.
    pub fn utilisation(&self) -> f64 {
        self.arrival_rate * self.mean_service
    }

    /// Mean time in queue by Pollaczek–Khinchine,
    /// `Wq = λ·E[S²] / (2(1 − ρ)) = ρ·E[S]·(1 + SCV) / (2(1 − ρ))`, in
    /// seconds. With SCV 1 this is the M/M/1 value `ρ/(μ − λ)`; with SCV 0
    /// it is half of that.
    pub fn mean_wait(&self) -> f64 {
        let rho = self.utilisation();
        rho * self.mean_service * (1.0 + self.service_scv) / (2.0 * (1.0 - rho))
    }

    /// Mean number waiting `Lq = λ·Wq` (Little's law).
    pub fn mean_queue_len(&self) -> f64 {
        self.arrival_rate * self.mean_wait()
    }

    /// Mean sojourn time `W = Wq + E[S]`, in seconds.
    pub fn mean_sojourn(&self) -> f64 {
        self.mean_wait() + self.mean_service
    }

    /// Mean number in system `L = Lq + ρ`.
    pub fn mean_in_system(&self) -> f64 {
        self.mean_queue_len() + self.utilisation()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::MMc;
    use crate::analytic::test_support::assert_rel;

    #[test]
    fn exponential_service_equals_mm1() {
        let q = MG1::new(0.9, 1.0, 1.0).unwrap();
        let r = MMc::new(0.9, 1.0, 1).unwrap();
        assert_rel(q.utilisation(), r.utilisation(), 1e-15);
        assert_rel(q.mean_wait(), r.mean_wait(), 1e-14);
        assert_rel(q.mean_queue_len(), r.mean_queue_len(), 1e-14);
        assert_rel(q.mean_sojourn(), r.mean_sojourn(), 1e-14);
        assert_rel(q.mean_in_system(), r.mean_in_system(), 1e-14);
    }

    #[test]
    fn deterministic_service_halves_the_mm1_wait() {
        let (lambda, mu) = (0.8, 1.25);
        let rho: f64 = lambda / mu;
        let q = MG1::md1(lambda, 1.0 / mu).unwrap();
        assert_eq!(q.service_scv, 0.0);
        assert_rel(q.mean_wait(), rho / (2.0 * mu * (1.0 - rho)), 1e-14);
        assert_rel(q.mean_queue_len(), rho * rho / (2.0 * (1.0 - rho)), 1e-14);
        assert_rel(q.mean_sojourn(), q.mean_wait() + 0.8, 1e-14);
        assert_rel(q.mean_in_system(), q.mean_queue_len() + rho, 1e-14);
    }

    #[test]
    fn wait_grows_linearly_with_service_variability() {
        // Wq ∝ (1 + SCV): SCV 3 doubles the exponential wait.
        let exp = MG1::new(0.5, 1.0, 1.0).unwrap().mean_wait();
        let hyper = MG1::new(0.5, 1.0, 3.0).unwrap().mean_wait();
        assert_rel(hyper, 2.0 * exp, 1e-15);
    }

    #[test]
    fn littles_law_links_the_means() {
        let q = MG1::new(3.0, 0.2, 2.5).unwrap();
        assert_rel(q.mean_queue_len(), 3.0 * q.mean_wait(), 1e-15);
        assert_rel(q.mean_in_system(), 3.0 * q.mean_sojourn(), 1e-14);
    }

    #[test]
    fn constructor_rejects_bad_parameters() {
        for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            assert!(matches!(
                MG1::new(bad, 0.5, 1.0),
                Err(AnalyticError::InvalidParameter { name: "arrival_rate", .. })
            ));
            assert!(matches!(
                MG1::new(1.0, bad, 1.0),
                Err(AnalyticError::InvalidParameter { name: "mean_service", .. })
            ));
        }
        for bad in [f64::NAN, f64::INFINITY, -0.1] {
            assert!(matches!(
                MG1::new(1.0, 0.5, bad),
                Err(AnalyticError::InvalidParameter { name: "service_scv", .. })
            ));
        }
        assert!(MG1::new(1.0, 0.5, 0.0).is_ok());
    }

    #[test]
    fn constructor_rejects_utilisation_that_underflows() {
        assert!(matches!(MG1::new(1e-200, 1e-200, 1.0), Err(AnalyticError::InvalidParameter { .. })));
    }

    #[test]
    fn constructor_rejects_saturated_server() {
        assert_eq!(MG1::md1(2.0, 0.5), Err(AnalyticError::Unstable { offered_load: 1.0, servers: 1 }));
        let err = MG1::new(1e200, 1e200, 1.0).unwrap_err();
        assert!(matches!(err, AnalyticError::Unstable { .. }));
        assert_eq!(
            MG1::new(3.0, 0.4, 1.0).unwrap_err().to_string(),
            "unstable: offered load 1.2000000000000002 erlangs needs more than 1 server"
        );
    }
}
