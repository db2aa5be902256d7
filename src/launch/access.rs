//! When each category can use the portal: the portal's closures, the
//! category's windows and the interventions that open or close it, known
//! ahead as spans of time. People turned away by a holding page are told
//! when it opens ("back at 20:00", "your window opens at 08:00"), so their
//! return follows the schedule rather than a clock of their own.

use super::{Action, LaunchDay};
use crate::units::Seconds;

/// For each category, the spans of the run in which the portal serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessSchedule {
    /// Per category: sorted, disjoint, non-touching `[from, to)` spans.
    spans: Vec<Vec<(Seconds, Seconds)>>,
}

impl AccessSchedule {
    /// The schedule the day's interventions and windows make.
    pub fn new(day: &LaunchDay) -> AccessSchedule {
        let end = day.run.duration;
        let spans = (0..day.categories.len())
            .map(|c| {
                let windows = &day.categories[c].windows;
                let mut points: Vec<Seconds> = std::iter::once(0.0)
                    .chain(day.interventions.iter().map(|iv| iv.at))
                    .chain(windows.iter().flat_map(|&(from, to)| [from, to]))
                    .filter(|t| (0.0..end).contains(t))
                    .collect();
                points.sort_by(f64::total_cmp);
                points.dedup();
                let mut spans: Vec<(Seconds, Seconds)> = Vec::new();
                for (i, &from) in points.iter().enumerate() {
                    let to = points.get(i + 1).copied().unwrap_or(end);
                    if !open_at(day, c, from) {
                        continue;
                    }
                    match spans.last_mut() {
                        Some(last) if last.1 == from => last.1 = to,
                        _ => spans.push((from, to)),
                    }
                }
                spans
            })
            .collect();
        AccessSchedule { spans }
    }

    /// The first time at or after `t` at which `category` is served, if it
    /// is before the run ends.
    pub fn next_opening(&self, category: usize, t: Seconds) -> Option<Seconds> {
        let spans = &self.spans[category];
        let i = spans.partition_point(|&(_, to)| to <= t);
        spans.get(i).map(|&(from, _)| from.max(t))
    }
}

/// Whether `category` is served from time `t` on, as the simulation decides
/// it: the portal open (its last close or open at or before `t`), and the
/// category opened by its last intervention, or else inside a window.
fn open_at(day: &LaunchDay, category: usize, t: Seconds) -> bool {
    let mut portal = true;
    let mut category_override = None;
    for iv in day.interventions.iter().take_while(|iv| iv.at <= t) {
        match iv.action {
            Action::ClosePortal => portal = false,
            Action::OpenPortal => portal = true,
            Action::OpenCategory(c) if c == category => category_override = Some(true),
            Action::CloseCategory(c) if c == category => category_override = Some(false),
            _ => {}
        }
    }
    let windows = &day.categories[category].windows;
    let in_window = windows.is_empty() || windows.iter().any(|(from, to)| (*from..*to).contains(&t));
    portal && category_override.unwrap_or(in_window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Model, parse_scenario};

    fn day(extra: &str) -> LaunchDay {
        let text = format!(
            r#"name = "t"
duration = "1d"
interval = "1h"
[population]
eligible = 100
[[category]]
name = "early"
share = 0.5
behaviour = "b"
crowd = {{ share = 1, at = "00:00", spread = "1m" }}
windows = [{{ from = "08:00", to = "12:00" }}]
[[category]]
name = "any"
share = 0.5
behaviour = "b"
crowd = {{ share = 1, at = "00:00", spread = "1m" }}
[[behaviour]]
name = "b"
timeout = "10s"
retries = 0
retry_delay = "1s"
return_probability = 0
max_visits = 1
[[step]]
name = "submit"
class = "write"
route = ["app"]
completes_application = true
think = "1s"
[[tier]]
name = "app"
workers = 1
service = "1s"
queue = 10
{extra}"#
        );
        match parse_scenario("t.toml", &text).unwrap().model {
            Model::LaunchDay(day) => *day,
            other => panic!("{other:?}"),
        }
    }

    const H: Seconds = 3600.0;

    #[test]
    fn windows_and_closures_give_the_next_opening() {
        let closure = "[[intervention]]\nat = \"10:00\"\naction = \"close_portal\"\n\
                       [[intervention]]\nat = \"20:00\"\naction = \"open_portal\"\n";
        let s = AccessSchedule::new(&day(closure));
        assert_eq!(s.spans[0], vec![(8.0 * H, 10.0 * H)]);
        assert_eq!(s.spans[1], vec![(0.0, 10.0 * H), (20.0 * H, 24.0 * H)]);
        // Before the window, at its start, inside, after it closes for good.
        assert_eq!(s.next_opening(0, 3.0 * H), Some(8.0 * H));
        assert_eq!(s.next_opening(0, 8.0 * H), Some(8.0 * H));
        assert_eq!(s.next_opening(0, 9.0 * H), Some(9.0 * H));
        assert_eq!(s.next_opening(0, 11.0 * H), None, "the window closed under the closure");
        // Turned away by the closure: back at the reopening.
        assert_eq!(s.next_opening(1, 12.0 * H), Some(20.0 * H));
        assert_eq!(s.next_opening(1, 23.0 * H), Some(23.0 * H));
    }

    #[test]
    fn an_intervention_opening_a_category_overrides_its_window() {
        let open = "[[intervention]]\nat = \"06:00\"\naction = \"open_category\"\ncategory = \"early\"\n";
        let s = AccessSchedule::new(&day(open));
        assert_eq!(s.spans[0], vec![(6.0 * H, 24.0 * H)]);
        assert_eq!(s.next_opening(0, 1.0 * H), Some(6.0 * H));
    }
}
