//! The virtual waiting room's queue.

use super::{Admission, WaitingRoom};
use crate::units::Seconds;
use std::collections::VecDeque;

/// A place in the room: the applicant and the epoch it queued under, so an
/// entry whose owner has since left is recognised and skipped, and when it
/// joined, so the time it paid in line is known when it is let in.
#[derive(Debug, Clone, Copy)]
pub(super) struct RoomEntry {
    pub applicant: u32,
    pub epoch: u32,
    pub joined: Seconds,
}

#[derive(Debug)]
pub(super) struct RoomState {
    pub admission: Admission,
    pub opens_at: Seconds,
    pub session_limit: Option<Seconds>,
    /// Arrivals before opening, shuffled when the room opens.
    pub prequeue: Vec<RoomEntry>,
    /// First come, first served after opening.
    pub queue: VecDeque<RoomEntry>,
    /// Admissions owed by the rate but not yet used.
    pub tokens: f64,
    pub opened: bool,
}

impl RoomState {
    pub fn new(room: &WaitingRoom) -> RoomState {
        RoomState {
            admission: room.admission,
            opens_at: room.opens_at,
            session_limit: room.session_limit,
            prequeue: Vec::new(),
            queue: VecDeque::with_capacity(4096),
            tokens: 0.0,
            opened: room.opens_at <= 0.0,
        }
    }

    pub fn join(&mut self, now: Seconds, entry: RoomEntry) {
        if !self.opened && now < self.opens_at {
            self.prequeue.push(entry);
        } else {
            self.queue.push_back(entry);
        }
    }
}
