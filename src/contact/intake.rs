//! Turning a channel's demand into arrival times, the same way for both
//! channels: each source keeps its own generator and random stream, and
//! the web model's counts per bin are spread over their bins.

use super::demand::{ContactDemand, DemandKind, DemandSource, ExternalIntake};
use crate::arrivals::{ArrivalGenerator, ArrivalProcess};
use crate::dist::TimeDistribution;
use crate::engine::{RngStreams, SimRng, StreamKey, StreamPurpose};
use crate::units::Seconds;
use rand::RngExt;
use rand_distr::{Binomial, Distribution};

/// The running state of a channel's demand sources in one replication.
pub(super) struct Sources {
    generators: Vec<ArrivalGenerator>,
    rngs: Vec<SimRng>,
    /// Reason index of each source.
    pub reasons: Vec<u16>,
}

impl Sources {
    /// Generators for `demand`, their streams keyed `<channel>/<source>`.
    /// A wave's size is drawn here, once per replication, from the source's
    /// own stream.
    pub fn new(channel: &str, demand: &[DemandSource], streams: &RngStreams) -> Sources {
        let mut generators = Vec::with_capacity(demand.len());
        let mut rngs = Vec::with_capacity(demand.len());
        for source in demand {
            let mut rng =
                streams.stream(StreamKey::new(StreamPurpose::Arrivals, &format!("{channel}/{}", source.name)));
            let generator = match &source.kind {
                DemandKind::Arrivals(process) => process.generator(),
                DemandKind::Wave(wave) => {
                    let size = Binomial::new(wave.recipients, wave.react_share.clamp(0.0, 1.0))
                        .map(|b| b.sample(&mut rng))
                        .unwrap_or(0);
                    ArrivalProcess::Population { size, first_arrival: wave.delay.clone(), offset: wave.at }.generator()
                }
            };
            generators.push(generator);
            rngs.push(rng);
        }
        Sources { generators, rngs, reasons: demand.iter().map(|s| s.reason as u16).collect() }
    }

    /// Number of sources.
    pub fn len(&self) -> usize {
        self.generators.len()
    }

    /// The arrival of source `i` after the one at `now` (or its first with
    /// `now` = 0), if it comes before `horizon`.
    #[inline]
    pub fn next(&mut self, i: usize, now: Seconds, horizon: Seconds) -> Option<Seconds> {
        self.generators[i].next_after(now, &mut self.rngs[i]).filter(|&t| t < horizon)
    }
}

/// The web model's contacts for one channel, released bin by bin.
pub(super) struct External<'a> {
    counts: &'a [u32],
    bin: Seconds,
    delay: Option<&'a TimeDistribution>,
    rng: SimRng,
    /// Reason index given to these contacts.
    pub reason: u16,
}

impl<'a> External<'a> {
    pub fn new(
        channel: &str,
        counts: &'a [u32],
        demand: Option<&'a ContactDemand>,
        intake: &'a ExternalIntake,
        streams: &RngStreams,
    ) -> External<'a> {
        External {
            counts,
            bin: demand.map_or(0.0, |d| d.bin),
            delay: intake.delay.as_ref(),
            rng: streams.stream(StreamKey::new(StreamPurpose::Arrivals, &format!("{channel}/external"))),
            reason: intake.reason as u16,
        }
    }

    /// When bin `bin` opens, if it exists and opens before `horizon`.
    pub fn bin_start(&self, bin: usize, horizon: Seconds) -> Option<Seconds> {
        let start = bin as f64 * self.bin;
        (bin < self.counts.len() && start < horizon).then_some(start)
    }

    /// Calls `schedule` with the arrival time of each contact of bin `bin`
    /// that arrives before `horizon`: uniform within the bin, plus the
    /// intake delay.
    pub fn release(&mut self, bin: usize, horizon: Seconds, mut schedule: impl FnMut(Seconds)) {
        let start = bin as f64 * self.bin;
        for _ in 0..self.counts[bin] {
            let u: f64 = self.rng.random();
            let mut t = start + u * self.bin;
            if let Some(delay) = self.delay {
                t += delay.sample(&mut self.rng);
            }
            if t < horizon {
                schedule(t);
            }
        }
    }
}
