//! What one replication of a launch day observed.

use crate::units::Seconds;

/// One row of the portal's time series. Values follow
/// [`LaunchInterval::COLUMNS`]; NaN marks a statistic with no observation.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchInterval {
    /// Position of the interval, from 0.
    pub index: usize,
    /// Start, in seconds since the run start.
    pub start: Seconds,
    /// End, in seconds.
    pub end: Seconds,
    /// Values in column order.
    pub values: [f64; LaunchInterval::COLUMNS.len()],
}

impl LaunchInterval {
    /// Column names, with units, in order.
    pub const COLUMNS: [&'static str; 55] = [
        "visits_started",
        "first_arrivals",
        "requests",
        "new_demand",
        "origin_requests",
        "capacity_per_s",
        "ok",
        "err_timeout",
        "err_rejected",
        "err_server_timeout",
        "err_edge",
        "err_closed",
        "responses",
        "availability",
        "cdn_hit_ratio",
        "static_p50_s",
        "static_p95_s",
        "static_p99_s",
        "personal_p50_s",
        "personal_p95_s",
        "personal_p99_s",
        "write_p50_s",
        "write_p95_s",
        "write_p99_s",
        "exposures",
        "people_exposed",
        "people_shown_others_data",
        "applications",
        "applications_cumulative",
        "wasted_responses",
        "wasted_work_share",
        "retrying",
        "in_portal",
        "in_portal_mean",
        "in_portal_peak",
        "in_waiting_room",
        "room_wait_mean_s",
        "room_wait_p50_s",
        "room_wait_p95_s",
        "room_wait_max_s",
        "room_left",
        "gone_for_now",
        "given_up",
        "contacts_phone",
        "contacts_social",
        "err_blocked",
        "people_blocked",
        "hostile_requests",
        "hostile_blocked",
        "hostile_served",
        "hostile_dropped",
        "items_left",
        "items_to_people",
        "items_to_bots",
        "turned_away_sold_out",
    ];

    /// The value of column `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        Self::COLUMNS.iter().position(|c| *c == name).map(|i| self.values[i])
    }
}

/// One row per interval and tier.
#[derive(Debug, Clone, PartialEq)]
pub struct TierInterval {
    /// Position of the interval, from 0.
    pub index: usize,
    /// Start, in seconds.
    pub start: Seconds,
    /// End, in seconds.
    pub end: Seconds,
    /// Tier index.
    pub tier: usize,
    /// Values in column order.
    pub values: [f64; TierInterval::COLUMNS.len()],
}

impl TierInterval {
    /// Column names, with units, in order.
    pub const COLUMNS: [&'static str; 10] = [
        "workers_mean",
        "busy_mean",
        "utilisation",
        "queue_len_mean",
        "arrivals",
        "completed",
        "rejected",
        "timeouts",
        "throughput_per_s",
        "instances_mean",
    ];

    /// The value of column `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        Self::COLUMNS.iter().position(|c| *c == name).map(|i| self.values[i])
    }
}

/// The day's verdicts for one replication, as named metrics (some names
/// depend on the scenario's report times, e.g. `applications_by_08:30`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaunchSummary {
    /// `(metric, value)` in report order.
    pub metrics: Vec<(String, f64)>,
}

impl LaunchSummary {
    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.metrics.iter().find(|(m, _)| m == name).map(|(_, v)| *v)
    }
}

/// Applicants by where they are at the end of the run. Every applicant who
/// arrived is in exactly one place, which is what the conservation test
/// checks: arrived = completed + left by choice + retrying + gone for now
/// + given up + in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplicantBalance {
    /// Distinct applicants who arrived.
    pub arrived: u64,
    /// Finished all their applications (intenders only: a browser never
    /// completes one).
    pub completed: u64,
    /// Left by choice: browsers, and people who did not go on after a step
    /// (its continue share), as opposed to those the portal failed.
    pub left_by_choice: u64,
    /// Waiting to retry a failed step.
    pub retrying: u64,
    /// Left after a failed visit and due back later.
    pub gone_for_now: u64,
    /// Left for good after the portal failed them.
    pub given_up: u64,
    /// Turned away because the stock sold out.
    pub sold_out: u64,
    /// In the portal (thinking or waiting for a response) or in the room.
    pub in_flight: u64,
}

impl ApplicantBalance {
    /// Everyone in some state at the end: equal to `arrived` when nobody
    /// was lost or counted twice.
    pub fn accounted(&self) -> u64 {
        self.completed
            + self.left_by_choice
            + self.retrying
            + self.gone_for_now
            + self.given_up
            + self.sold_out
            + self.in_flight
    }
}

/// Entries into the waiting room's line by how they ended: every entry
/// was let in, left, or is still in line at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoomBalance {
    /// Entries into the line (a person sent back by the session limit, or
    /// coming back after leaving, enters again).
    pub entered: u64,
    /// Let into the portal.
    pub admitted: u64,
    /// Left the line without being let in (their patience ran out).
    pub left: u64,
    /// Still in line at the end.
    pub in_line: u64,
}

impl LaunchResult {
    /// The contacts this replication generated, as the contact center's
    /// external demand (one bin per minute).
    pub fn contact_demand(&self) -> crate::contact::ContactDemand {
        let [phone, social] = &self.contacts_per_minute;
        crate::contact::ContactDemand { bin: 60.0, phone: phone.clone(), social: social.clone() }
    }
}

/// The portal's day in bins of a width chosen from the run's length, from
/// which the verdicts are judged after the run (see `launch::verdicts`).
/// Bin `i` covers `[i·width, (i+1)·width)`, the last one cut at `end`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BinSeries {
    /// Width of a bin, in seconds.
    pub width: Seconds,
    /// End of the run, in seconds.
    pub end: Seconds,
    /// Answers the clients read: successes, errors and their own timeouts.
    pub answered: Vec<u32>,
    /// Of those, successes.
    pub ok: Vec<u32>,
    /// Applications completed.
    pub applications: Vec<u32>,
    /// Applicants who finished every application.
    pub done: Vec<u32>,
    /// New demand: requests reaching the origin that are the first attempt
    /// of a step in an applicant's first visit (no retries, no extra tabs,
    /// no returns after a failed visit, no steps done again after a waiting
    /// room's session limit sent the applicant back to the line).
    pub new_demand: Vec<u32>,
    /// Every request reaching the origin (new demand, retries, extra tabs,
    /// returns).
    pub origin_requests: Vec<u32>,
    /// The origin's capacity, time-averaged over the bin, in requests per
    /// second (see `launch::verdicts::CapacityModel`).
    pub capacity: Vec<f64>,
    /// Whether the portal was open (not behind its holding page) for the
    /// whole bin.
    pub open: Vec<bool>,
}

impl BinSeries {
    /// An empty series of `bins` bins of `width` seconds up to `end`.
    pub fn new(width: Seconds, end: Seconds, bins: usize) -> BinSeries {
        BinSeries {
            width,
            end,
            answered: vec![0; bins],
            ok: vec![0; bins],
            applications: vec![0; bins],
            done: vec![0; bins],
            new_demand: vec![0; bins],
            origin_requests: vec![0; bins],
            capacity: vec![0.0; bins],
            open: vec![true; bins],
        }
    }

    /// Number of bins.
    pub fn len(&self) -> usize {
        self.answered.len()
    }

    /// Whether the series has no bins.
    pub fn is_empty(&self) -> bool {
        self.answered.is_empty()
    }

    /// Seconds of bin `i` inside the run: the width, less for a last bin
    /// cut by the end.
    pub fn span(&self, i: usize) -> Seconds {
        (self.end - i as f64 * self.width).clamp(0.0, self.width)
    }
}

/// Everything one replication observed.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchResult {
    /// Replication index.
    pub replication: u64,
    /// The portal's time series.
    pub intervals: Vec<LaunchInterval>,
    /// Tier time series, interval by interval.
    pub tiers: Vec<TierInterval>,
    /// The verdicts.
    pub summary: LaunchSummary,
    /// The portal's day in bins, the verdicts' input.
    pub bins: BinSeries,
    /// Where applicants are at the end.
    pub balance: ApplicantBalance,
    /// The waiting room's line, if the day has a room.
    pub room: Option<RoomBalance>,
    /// Contacts generated per minute by channel (phone, social), for the
    /// contact center.
    pub contacts_per_minute: [Vec<u32>; 2],
    /// Events handled.
    pub events: u64,
}
