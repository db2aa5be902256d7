//! Staffing over time and the working-hours clock.
//!
//! Agents and responders come and go by shift, so the number on duty is a
//! step function of time. Planners write it three ways (one count for the
//! whole run, a count per 30-minute interval, or shifts with breaks); all
//! become one [`StaffSchedule`] before the simulation starts, so the event
//! loop only ever sees "from time t, n people".
//!
//! A response target such as "48 working hours" runs on a different clock:
//! working time only advances on working days within working hours.
//! [`WorkingCalendar`] describes that clock and [`WorkingClock`] reads it in
//! O(1), from cumulative working seconds precomputed per day.

use crate::units::Seconds;

const DAY: Seconds = 86_400.0;

/// From `at` on, `count` people are on duty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffChange {
    /// When the change takes effect, in seconds.
    pub at: Seconds,
    /// People on duty from then on.
    pub count: u32,
}

/// People on duty over time: `initial` from time zero, then each change in
/// time order. A decrease never interrupts work in progress: the person
/// leaves when the current call or reply is done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaffSchedule {
    /// On duty at time zero.
    pub initial: u32,
    /// Later changes, strictly increasing in time, each a real change.
    pub changes: Vec<StaffChange>,
}

/// A break within a shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Time from the start of the shift to the start of the break, in seconds.
    pub after: Seconds,
    /// Length of the break, in seconds.
    pub length: Seconds,
}

/// Which days a shift is worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Once, at its start.
    Once,
    /// Every day from its start.
    Daily,
    /// Every working day of the calendar from its start.
    WorkingDays,
}

/// A block of people who start together, take the same breaks and leave
/// together.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Start of the (first) occurrence, in seconds.
    pub start: Seconds,
    /// Length, breaks included, in seconds.
    pub length: Seconds,
    /// People on the shift.
    pub count: u32,
    /// Breaks, within the shift; everyone on the shift takes them together.
    pub breaks: Vec<Break>,
    /// Which days it is worked.
    pub repeat: Repeat,
}

impl StaffSchedule {
    /// `count` people for the whole run.
    pub fn constant(count: u32) -> Self {
        StaffSchedule { initial: count, changes: Vec::new() }
    }

    /// A schedule from `(time, people from then on)` points in any order;
    /// before the first point nobody is on duty, and of two points at the
    /// same time the later one in the list wins.
    pub fn from_points(points: &[(Seconds, u32)]) -> Self {
        let mut sorted: Vec<(usize, Seconds, u32)> = points.iter().enumerate().map(|(i, &(t, n))| (i, t, n)).collect();
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut schedule = StaffSchedule::default();
        for (_, at, count) in sorted {
            schedule.push(at, count);
        }
        schedule
    }

    /// One count per interval of `width` seconds from `start`: nobody is on
    /// duty before `start` or after the last interval.
    pub fn per_interval(start: Seconds, width: Seconds, counts: &[u32]) -> Self {
        let mut points: Vec<(Seconds, u32)> =
            counts.iter().enumerate().map(|(i, &n)| (start + width * i as f64, n)).collect();
        points.push((start + width * counts.len() as f64, 0));
        Self::from_points(&points)
    }

    /// The people on duty from a list of shifts, over `[0, horizon)`.
    /// Occurrences of repeating shifts that start at or after the horizon
    /// are dropped.
    pub fn from_shifts(shifts: &[Shift], calendar: &WorkingCalendar, horizon: Seconds) -> Self {
        let mut deltas: Vec<(Seconds, i64)> = Vec::new();
        for shift in shifts {
            let first_day = (shift.start / DAY).floor() as i64;
            let mut k = 0i64;
            loop {
                let start = shift.start + k as f64 * DAY;
                if start >= horizon || (shift.repeat == Repeat::Once && k > 0) {
                    break;
                }
                let worked = match shift.repeat {
                    Repeat::Once | Repeat::Daily => true,
                    Repeat::WorkingDays => calendar.is_working_day(first_day + k),
                };
                if worked {
                    let n = i64::from(shift.count);
                    deltas.push((start, n));
                    deltas.push((start + shift.length, -n));
                    for b in &shift.breaks {
                        deltas.push((start + b.after, -n));
                        deltas.push((start + b.after + b.length, n));
                    }
                }
                k += 1;
            }
        }
        // Ends before starts at the same instant never leave a negative
        // count: every end follows its own start.
        deltas.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut schedule = StaffSchedule::default();
        let mut level = 0i64;
        for (at, delta) in deltas {
            level += delta;
            schedule.push(at, u32::try_from(level.max(0)).unwrap_or(u32::MAX));
        }
        schedule
    }

    /// Appends "from `at`, `count`", merging a change at the same time and
    /// dropping a change to the current count. `at` must not precede the
    /// last change.
    fn push(&mut self, at: Seconds, count: u32) {
        let at = at.max(0.0);
        if at == 0.0 && self.changes.is_empty() {
            self.initial = count;
            return;
        }
        if let Some(last) = self.changes.last_mut()
            && last.at == at
        {
            last.count = count;
        } else {
            self.changes.push(StaffChange { at, count });
        }
        // Drop changes that no longer change anything.
        let before = if self.changes.len() >= 2 { self.changes[self.changes.len() - 2].count } else { self.initial };
        if self.changes.last().is_some_and(|c| c.count == before) {
            self.changes.pop();
        }
    }

    /// People on duty at time `t`.
    pub fn count_at(&self, t: Seconds) -> u32 {
        let i = self.changes.partition_point(|c| c.at <= t);
        if i == 0 { self.initial } else { self.changes[i - 1].count }
    }

    /// Most people ever on duty.
    pub fn max(&self) -> u32 {
        self.changes.iter().map(|c| c.count).chain([self.initial]).max().unwrap_or(0)
    }

    /// People × seconds on duty over `[0, horizon)`.
    pub fn staff_seconds(&self, horizon: Seconds) -> f64 {
        let mut total = 0.0;
        let mut t = 0.0;
        let mut n = self.initial;
        for c in &self.changes {
            if c.at >= horizon {
                break;
            }
            total += f64::from(n) * (c.at - t);
            t = c.at;
            n = c.count;
        }
        total + f64::from(n) * (horizon - t).max(0.0)
    }
}

/// Which hours count as working time, for targets such as "an answer
/// within 48 working hours".
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingCalendar {
    /// Weekday of day 0, Monday = 0 … Sunday = 6, when the scenario has a
    /// start date. Without it every day is a working day.
    pub first_weekday: Option<u8>,
    /// Working weekdays, Monday first.
    pub working_days: [bool; 7],
    /// Start of working hours within a working day, in seconds after midnight.
    pub day_start: Seconds,
    /// End of working hours within a working day, in seconds after midnight
    /// (at most 86,400).
    pub day_end: Seconds,
    /// Days (counted from day 0) that are not worked whatever their weekday.
    pub holidays: Vec<i64>,
}

impl Default for WorkingCalendar {
    /// Every hour of every day: working time is clock time.
    fn default() -> Self {
        WorkingCalendar {
            first_weekday: None,
            working_days: [true; 7],
            day_start: 0.0,
            day_end: DAY,
            holidays: Vec::new(),
        }
    }
}

impl WorkingCalendar {
    /// The weekday (Monday = 0) of a day with the given number of days
    /// since 1970-01-01, a Thursday.
    pub fn weekday_of(days_since_epoch: i64) -> u8 {
        (days_since_epoch + 3).rem_euclid(7) as u8
    }

    /// Whether day `day` (counted from day 0) is a working day.
    pub fn is_working_day(&self, day: i64) -> bool {
        if self.holidays.contains(&day) {
            return false;
        }
        match self.first_weekday {
            Some(w) => self.working_days[(i64::from(w) + day).rem_euclid(7) as usize],
            None => true,
        }
    }

    /// Working seconds in one working day.
    pub fn hours_per_day(&self) -> Seconds {
        (self.day_end - self.day_start).max(0.0)
    }

    /// The working-time clock over `[0, horizon]`, precomputed per day.
    pub fn clock(&self, horizon: Seconds) -> WorkingClock {
        let days = (horizon / DAY).ceil().max(1.0) as usize + 1;
        let mut cumulative = Vec::with_capacity(days + 1);
        let mut working = Vec::with_capacity(days);
        let mut total = 0.0;
        for d in 0..days {
            cumulative.push(total);
            let w = self.is_working_day(d as i64);
            working.push(w);
            if w {
                total += self.hours_per_day();
            }
        }
        cumulative.push(total);
        WorkingClock { cumulative, working, day_start: self.day_start, day_end: self.day_end.max(self.day_start) }
    }
}

/// Reads working time in O(1): working seconds elapsed from time zero.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingClock {
    /// Working seconds before each day, and after the last.
    cumulative: Vec<Seconds>,
    working: Vec<bool>,
    day_start: Seconds,
    day_end: Seconds,
}

impl WorkingClock {
    /// Working seconds from time zero to `t` (times past the precomputed
    /// horizon read as its end).
    #[inline]
    pub fn at(&self, t: Seconds) -> Seconds {
        let t = t.max(0.0);
        let day = (t / DAY).floor() as usize;
        if day >= self.working.len() {
            return self.cumulative[self.working.len()];
        }
        let within = t - day as f64 * DAY;
        let done = if self.working[day] { (within.min(self.day_end) - self.day_start).max(0.0) } else { 0.0 };
        self.cumulative[day] + done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_interval_counts_become_steps_with_nobody_outside() {
        let s = StaffSchedule::per_interval(3_600.0, 1_800.0, &[2, 2, 5, 0, 3]);
        assert_eq!(s.initial, 0);
        assert_eq!(s.count_at(0.0), 0);
        assert_eq!(s.count_at(3_600.0), 2);
        assert_eq!(s.count_at(7_199.0), 2);
        assert_eq!(s.count_at(7_200.0), 5);
        assert_eq!(s.count_at(9_000.0), 0);
        assert_eq!(s.count_at(10_800.0), 3);
        assert_eq!(s.count_at(12_600.0), 0);
        // 2 for an hour, 5 and 3 for half an hour each.
        assert_eq!(s.staff_seconds(86_400.0), 2.0 * 3_600.0 + 8.0 * 1_800.0);
        assert_eq!(s.max(), 5);
        // The repeated 2 is not a change.
        assert!(s.changes.iter().all(|c| c.at != 5_400.0));
    }

    #[test]
    fn shifts_with_breaks_add_up() {
        let shifts = [
            Shift {
                start: 8.0 * 3_600.0,
                length: 8.0 * 3_600.0,
                count: 3,
                breaks: vec![Break { after: 4.0 * 3_600.0, length: 1_800.0 }],
                repeat: Repeat::Once,
            },
            Shift { start: 12.0 * 3_600.0, length: 4.0 * 3_600.0, count: 2, breaks: vec![], repeat: Repeat::Once },
        ];
        let s = StaffSchedule::from_shifts(&shifts, &WorkingCalendar::default(), DAY);
        assert_eq!(s.count_at(7.0 * 3_600.0), 0);
        assert_eq!(s.count_at(9.0 * 3_600.0), 3);
        assert_eq!(s.count_at(12.25 * 3_600.0), 2); // the first shift is on its break
        assert_eq!(s.count_at(13.0 * 3_600.0), 5);
        assert_eq!(s.count_at(16.0 * 3_600.0), 0);
        assert_eq!(s.staff_seconds(DAY), 3.0 * 7.5 * 3_600.0 + 2.0 * 4.0 * 3_600.0);
    }

    #[test]
    fn working_day_shifts_skip_weekends_and_holidays() {
        // Day 0 is Wednesday 17 April 2019; 22 April (day 5) is a holiday.
        let calendar = WorkingCalendar {
            first_weekday: Some(2),
            working_days: [true, true, true, true, true, false, false],
            day_start: 8.0 * 3_600.0,
            day_end: 17.0 * 3_600.0,
            holidays: vec![5],
        };
        let shift =
            Shift { start: 9.0 * 3_600.0, length: 3_600.0, count: 1, breaks: vec![], repeat: Repeat::WorkingDays };
        let s = StaffSchedule::from_shifts(&[shift], &calendar, 7.0 * DAY);
        let worked: Vec<i64> = (0..7).filter(|d| s.count_at(*d as f64 * DAY + 9.5 * 3_600.0) == 1).collect();
        assert_eq!(worked, [0, 1, 2, 6]);
    }

    #[test]
    fn working_clock_counts_only_working_hours() {
        let calendar = WorkingCalendar {
            first_weekday: Some(4), // a Friday
            working_days: [true, true, true, true, true, false, false],
            day_start: 9.0 * 3_600.0,
            day_end: 17.0 * 3_600.0,
            holidays: vec![],
        };
        let clock = calendar.clock(5.0 * DAY);
        assert_eq!(clock.at(8.0 * 3_600.0), 0.0);
        assert_eq!(clock.at(10.0 * 3_600.0), 3_600.0);
        assert_eq!(clock.at(20.0 * 3_600.0), 8.0 * 3_600.0);
        // Saturday and Sunday add nothing; Monday 10:00 is 9 working hours in.
        assert_eq!(clock.at(3.0 * DAY + 10.0 * 3_600.0), 9.0 * 3_600.0);
        assert_eq!(WorkingCalendar::default().clock(DAY).at(1_234.5), 1_234.5);
        assert_eq!(WorkingCalendar::weekday_of(0), 3);
    }
}
