//! CSV and the terminal summary for contact-center runs.
//!
//! One tidy file per channel, because the two channels measure different
//! things (a phone interval has busy signals and an answer time, a social
//! interval has a backlog and response percentiles); one row per
//! replication and interval, units in the column names, empty cells where
//! a figure has nothing to measure.

use super::{SERIES_KEYS, csv_bytes, csv_writer, number, series_keys};
use crate::contact::{
    ContactCenter, ContactResult, PHONE_SCOPE, PhoneSummary, ReasonSummary, SOCIAL_SCOPE, SocialSummary,
};
use crate::scenario::Scenario;

/// Columns of the phone channel's time series, after the common
/// `scenario, replication, interval, start_s, end_s, clock`.
pub const PHONE_COLUMNS: [&str; 22] = [
    "offered",
    "first_attempts",
    "redials",
    "busy_signals",
    "closed",
    "ivr_resolved",
    "answered",
    "answered_within_target",
    "abandoned",
    "gave_up",
    "callbacks_offered",
    "callbacks_accepted",
    "callbacks_made",
    "service_level",
    "asa_s",
    "wait_p90_s",
    "queue_mean",
    "agents_on_shift_mean",
    "agents_busy_mean",
    "occupancy",
    "lines_in_use_mean",
    "in_warmup",
];

/// Columns of the social channel's time series, after the common ones.
pub const SOCIAL_COLUMNS: [&str; 16] = [
    "received",
    "public_posts",
    "attracted_posts",
    "fake",
    "answered",
    "hurried",
    "backlog_end",
    "backlog_mean",
    "responders_on_shift_mean",
    "backlog_per_responder",
    "occupancy",
    "response_p50_s",
    "response_p90_s",
    "within_target_share",
    "unanswered_at_end",
    "in_warmup",
];

/// The phone channel's time series (`phone_intervals.csv`): one row per
/// replication and interval. Rows cover the warm-up too, flagged
/// `in_warmup`. `service_level` is the share of calls leaving the queue
/// (answered or abandoned) in the interval that were answered within the
/// target.
pub fn phone_intervals(scenario: &Scenario, center: &ContactCenter, results: &[ContactResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let header: Vec<&str> = SERIES_KEYS.into_iter().chain(PHONE_COLUMNS).collect();
    let _ = w.write_record(&header);
    for r in results {
        let Some(phone) = &r.phone else { continue };
        for row in &phone.intervals {
            let mut record = series_keys(scenario, r.replication, row.index, row.start, row.end);
            record.extend(
                [
                    row.offered,
                    row.first_attempts,
                    row.redials,
                    row.busy_signals,
                    row.closed,
                    row.ivr_resolved,
                    row.answered,
                    row.answered_within_target,
                    row.abandoned,
                    row.gave_up,
                    row.callbacks_offered,
                    row.callbacks_accepted,
                    row.callbacks_made,
                ]
                .iter()
                .map(u64::to_string),
            );
            record.extend(
                [
                    row.service_level,
                    row.asa,
                    row.wait_p90,
                    row.queue_mean,
                    row.agents_mean,
                    row.busy_mean,
                    row.occupancy,
                    row.lines_mean,
                ]
                .iter()
                .map(|v| number(*v)),
            );
            record.push((row.start < center.run.warmup).to_string());
            let _ = w.write_record(&record);
        }
    }
    csv_bytes(w)
}

/// The social channel's time series (`social_intervals.csv`): one row per
/// replication and interval. `within_target_share` and
/// `unanswered_at_end` are about the contacts that *arrived* in the
/// interval, as known at the end of the run.
pub fn social_intervals(scenario: &Scenario, center: &ContactCenter, results: &[ContactResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let header: Vec<&str> = SERIES_KEYS.into_iter().chain(SOCIAL_COLUMNS).collect();
    let _ = w.write_record(&header);
    for r in results {
        let Some(social) = &r.social else { continue };
        for row in &social.intervals {
            let mut record = series_keys(scenario, r.replication, row.index, row.start, row.end);
            record.extend(
                [row.received, row.public, row.attracted, row.fake, row.answered, row.hurried, row.backlog_end]
                    .iter()
                    .map(u64::to_string),
            );
            record.extend(
                [
                    row.backlog_mean,
                    row.responders_mean,
                    row.backlog_per_responder,
                    row.occupancy,
                    row.response_p50,
                    row.response_p90,
                    row.within_target_share,
                ]
                .iter()
                .map(|v| number(*v)),
            );
            record.push(row.unanswered_at_end.to_string());
            record.push((row.start < center.run.warmup).to_string());
            let _ = w.write_record(&record);
        }
    }
    csv_bytes(w)
}

/// Per-replication summary in long form (`replications.csv`):
/// `scenario, replication, scope, metric, value`, with scopes `phone`,
/// `social` and, for channels with several reasons, `phone:<reason>`.
pub fn replication_summary(scenario: &Scenario, results: &[ContactResult]) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record(["scenario", "replication", "scope", "metric", "value"]);
    let name = scenario.name.as_str();
    for r in results {
        let rep = r.replication.to_string();
        if let Some(phone) = &r.phone {
            for (metric, value) in PhoneSummary::METRICS.iter().zip(phone.summary.values()) {
                let _ = w.write_record([name, &rep, PHONE_SCOPE, metric, &number(value)]);
            }
            write_reasons(&mut w, name, &rep, PHONE_SCOPE, &phone.reasons);
        }
        if let Some(social) = &r.social {
            for (metric, value) in SocialSummary::METRICS.iter().zip(social.summary.values()) {
                let _ = w.write_record([name, &rep, SOCIAL_SCOPE, metric, &number(value)]);
            }
            write_reasons(&mut w, name, &rep, SOCIAL_SCOPE, &social.reasons);
        }
    }
    csv_bytes(w)
}

fn write_reasons(w: &mut ::csv::Writer<Vec<u8>>, name: &str, rep: &str, channel: &str, reasons: &[ReasonSummary]) {
    if reasons.len() < 2 {
        return;
    }
    for reason in reasons {
        let scope = format!("{channel}:{}", reason.name);
        for (metric, value) in ReasonSummary::METRICS.iter().zip(reason.values()) {
            let _ = w.write_record([name, rep, &scope, metric, &number(value)]);
        }
    }
}
