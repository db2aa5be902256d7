//! The story of a run, told from its results: what happened when (the
//! opening crowd, the overload, the collapse, the exposure window, the
//! closure and reopening, recovery or not), then what each counterfactual
//! changed. Every sentence is generated from the replications' estimates
//! and bands, with clock times and intervals, so the story of a different
//! seed or scenario is a different story; nothing is written in advance.

use super::tables::Table;
use super::{ModelKind, PairedDifference, ScenarioView, terminal};
use crate::experiment::Estimate;
use crate::units::Seconds;
use crate::verdict::{self, format};

/// A moment of the day worth marking on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryEvent {
    /// When, in seconds since midnight of the start day (the mean across
    /// replications for a detected event).
    pub at: Seconds,
    /// A short label for a chart marker.
    pub label: String,
    /// The sentence for the narrative.
    pub sentence: String,
}

fn estimate<'e>(view: &ScenarioView<'e>, scope: &str, metric: &str) -> Option<&'e Estimate> {
    view.estimates.iter().find(|e| e.scope == scope && e.metric == metric && e.ci.n > 0 && e.ci.mean.is_finite())
}

/// "09:05 ± 4 min" for a clock-time estimate, or "09:05" when every
/// replication agrees.
fn when(view: &ScenarioView<'_>, e: &Estimate) -> String {
    let at = format::clock(e.ci.mean, view.start_date);
    if e.ci.half_width.is_finite() && e.ci.half_width >= 30.0 {
        format!("{at} (± {})", format::duration(e.ci.half_width))
    } else {
        at
    }
}

/// "in 7 of 10 replications" when not all had the event.
fn how_often(view: &ScenarioView<'_>, e: &Estimate) -> String {
    if e.ci.n as u32 >= view.replications {
        String::new()
    } else {
        format!(" in {} of {} replications", e.ci.n, view.replications)
    }
}

/// The portal's interval table, if the view has one.
fn intervals(view: &ScenarioView<'_>) -> Option<Table> {
    let bytes = view.tables.iter().find(|(n, _)| *n == "intervals.csv")?.1;
    Table::parse("intervals.csv", bytes).ok()
}

/// The events of one launch day, in time order.
pub fn events(view: &ScenarioView<'_>) -> Vec<StoryEvent> {
    if view.kind != ModelKind::LaunchDay {
        return Vec::new();
    }
    let mut out = Vec::new();
    let table = intervals(view);
    if let Some(bands) = table.as_ref().and_then(|t| t.bands("first_arrivals", None).ok())
        && let Some(peak) =
            bands.iter().filter(|b| b.ci.mean.is_finite()).max_by(|a, b| a.ci.mean.total_cmp(&b.ci.mean))
        && peak.ci.mean > 0.0
    {
        out.push(StoryEvent {
            at: peak.start,
            label: "busiest arrivals".into(),
            sentence: format!(
                "The busiest {} for new arrivals began at {}: {} people tried the portal for the first time.",
                format::duration(peak.end - peak.start),
                format::clock(peak.start, view.start_date),
                format::grouped(peak.ci.mean.round(), 0)
            ),
        });
    }
    if let Some(e) = estimate(view, "portal", "overload_onset_s") {
        out.push(StoryEvent {
            at: e.ci.mean,
            label: "overload".into(),
            sentence: format!(
                "New demand first exceeded what the origin can serve at {}{}.",
                when(view, e),
                how_often(view, e)
            ),
        });
    }
    if let Some(e) = estimate(view, "portal", "outage_onset_s") {
        // A collapse without overload is the story's point, not a gap in it:
        // retries and slow answers can bring down a portal that new demand
        // alone would not.
        let unprovoked = if estimate(view, "portal", "overload_onset_s").is_none() {
            ", though new demand never exceeded what the origin can serve at best"
        } else {
            ""
        };
        out.push(StoryEvent {
            at: e.ci.mean,
            label: "outage".into(),
            sentence: format!(
                "Availability fell below 50% for a sustained stretch from {}{}{unprovoked}.",
                when(view, e),
                how_often(view, e)
            ),
        });
    }
    if let Some(bands) = table.as_ref().and_then(|t| t.bands("exposures", None).ok()) {
        let leaking: Vec<_> = bands.iter().filter(|b| b.ci.mean > 0.0).collect();
        if let (Some(first), Some(last)) = (leaking.first(), leaking.last()) {
            let people = estimate(view, "portal", "people_exposed").map_or(String::new(), |e| {
                let text = format::estimate(verdict::Measure::Count, &e.ci, view.start_date, view.duration)
                    .unwrap_or_default();
                format!("; {text} people had their personal page shown to someone else")
            });
            out.push(StoryEvent {
                at: first.start,
                label: "pages leak".into(),
                sentence: format!(
                    "From {} to {} the cache served personal pages to the wrong people{people}.",
                    format::clock(first.start, view.start_date),
                    format::clock(last.end, view.start_date)
                ),
            });
        }
    }
    for (at, label) in &view.interventions {
        out.push(StoryEvent {
            at: *at,
            label: label.clone(),
            sentence: format!("At {}: {label}.", format::clock(*at, view.start_date)),
        });
    }
    if let Some(e) = estimate(view, "portal", "recovered_at_s") {
        out.push(StoryEvent {
            at: e.ci.mean,
            label: "recovered".into(),
            sentence: format!("The portal recovered for good at {}{}.", when(view, e), how_often(view, e)),
        });
    }
    out.sort_by(|a, b| a.at.total_cmp(&b.at));
    out
}

/// How the day ended: metastable at some point or not, and serving or not
/// at the end.
fn ending(view: &ScenarioView<'_>) -> Option<String> {
    let mut out = Vec::new();
    if let Some(metastable) = estimate(view, "portal", "metastable") {
        let n = metastable.ci.n;
        let stuck = (metastable.ci.mean * n as f64).round() as usize;
        if stuck > 0 {
            let from = estimate(view, "portal", "metastable_from_s")
                .map_or(String::new(), |e| format!(", first from {}", when(view, e)));
            out.push(format!(
                "In {stuck} of {n} replications the portal was held down while new demand was below what it can \
                 serve{from}: a metastable failure, held there by retries and by work done for people who had \
                 already left."
            ));
        }
    }
    if let Some(recovered) = estimate(view, "portal", "recovered_by_end") {
        let n = recovered.ci.n;
        let up = (recovered.ci.mean * n as f64).round() as usize;
        let down = estimate(view, "portal", "outage_onset_s").is_some();
        out.push(if up == n && !down {
            "Availability never stayed below 50%, and it was healthy at the end of the run in every replication."
                .to_owned()
        } else if up == n {
            "It was serving again by the end of the run in every replication.".to_owned()
        } else if up == 0 {
            "It was not serving 90% of requests at the end of the run in any replication.".to_owned()
        } else {
            format!("It was serving again by the end in {up} of {n} replications.")
        });
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// The milestones of applications, as one sentence.
fn milestones(view: &ScenarioView<'_>) -> Option<String> {
    let mut parts = Vec::new();
    for e in view.estimates.iter().filter(|e| e.scope == "portal" && e.metric.starts_with("clock_of_application_")) {
        let n: String = e.metric.trim_start_matches("clock_of_application_").trim_end_matches("_s").to_owned();
        let count = n.parse::<f64>().map_or(n.clone(), |v| format::grouped(v, 0));
        if e.ci.n == 0 || !e.ci.mean.is_finite() {
            parts.push(format!("the {count}th was not reached"));
        } else {
            parts.push(format!("the {count}th completed at {}{}", when(view, e), how_often(view, e)));
        }
    }
    let total = estimate(view, "portal", "applications")
        .and_then(|e| format::estimate(verdict::Measure::Count, &e.ci, view.start_date, view.duration))?;
    if parts.is_empty() {
        Some(format!("{total} applications were completed in all."))
    } else {
        Some(format!("Of the applications, {}; {total} were completed in all.", parts.join(", ")))
    }
}

/// The story of one scenario as paragraphs: the events in time order, how
/// it ended, and the applications.
pub fn scenario_story(view: &ScenarioView<'_>) -> Vec<String> {
    if view.kind != ModelKind::LaunchDay {
        return Vec::new();
    }
    let mut first: Vec<String> = events(view).into_iter().map(|e| e.sentence).collect();
    first.extend(ending(view));
    let mut out = vec![first.join(" ")];
    out.extend(milestones(view));
    out.retain(|p| !p.is_empty());
    out
}

/// What each scenario after the first changed, in the verdicts that moved
/// for certain and by at least their practical threshold, better first.
pub fn counterfactuals(views: &[ScenarioView<'_>], differences: &[PairedDifference]) -> Vec<String> {
    let Some((base, others)) = views.split_first() else { return Vec::new() };
    let mut out = Vec::new();
    for view in others {
        let intent = view.description.split(". ").next().unwrap_or("").trim().trim_end_matches('.').to_owned();
        let mut better = Vec::new();
        let mut worse = Vec::new();
        for s in verdict::pick(base.estimates, terminal::verdicts(base.kind), base.start_date) {
            let Some(d) = differences
                .iter()
                .find(|d| d.scenario == view.name && d.scope == s.estimate.scope && d.metric == s.estimate.metric)
            else {
                continue;
            };
            if !s.verdict.matters(d, base.practical) {
                continue;
            }
            let text = format!(
                "{} {} ({})",
                s.label,
                format::difference(s.verdict.measure, d.difference.mean, d.difference.half_width),
                format::value(s.verdict.measure, d.variant, view.start_date)
            );
            match s.verdict.direction(d) {
                "better" => better.push(text),
                "worse" => worse.push(text),
                _ => {}
            }
        }
        let mut paragraph = view.name.to_owned();
        if !intent.is_empty() {
            paragraph.push_str(&format!(" ({intent})"));
        }
        match (better.is_empty(), worse.is_empty()) {
            (true, true) => {
                paragraph.push_str(&format!(": no verdict differs from {} by a margin that matters.", base.name))
            }
            _ => {
                paragraph.push_str(&format!(", against {}:", base.name));
                if !better.is_empty() {
                    paragraph.push_str(&format!(" better on {}.", better.join("; ")));
                }
                if !worse.is_empty() {
                    paragraph.push_str(&format!(" Worse on {}.", worse.join("; ")));
                }
            }
        }
        // What only this scenario has a figure for, such as the time people
        // spent in its waiting room: no difference to test, but a cost the
        // comparison would otherwise hide.
        let only_here: Vec<String> = verdict::pick(view.estimates, terminal::verdicts(view.kind), view.start_date)
            .iter()
            .filter(|s| s.estimate.ci.n > 0 && s.estimate.ci.mean.is_finite())
            .filter(|s| {
                !base
                    .estimates
                    .iter()
                    .any(|e| e.scope == s.estimate.scope && e.metric == s.estimate.metric && e.ci.mean.is_finite())
            })
            .map(|s| format!("{} {}", s.label, terminal::cell(s, view)))
            .collect();
        if !only_here.is_empty() {
            paragraph.push_str(&format!(" Where {} has no figure: {}.", base.name, only_here.join("; ")));
        }
        out.push(paragraph);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(metric: &str, values: &[f64]) -> Estimate {
        Estimate::from_values("portal", metric, values.iter().copied())
    }

    fn view<'a>(name: &'a str, estimates: &'a [Estimate]) -> ScenarioView<'a> {
        ScenarioView {
            name,
            description: "",
            start_date: None,
            kind: ModelKind::LaunchDay,
            duration: 86_400.0,
            interventions: Vec::new(),
            tables: Vec::new(),
            estimates,
            replications: 2,
            precision: None,
            seed: 1,
            practical: &[],
            closed: Vec::new(),
            waiting_room: false,
            phone: None,
        }
    }

    #[test]
    fn a_collapse_without_overload_is_told_as_such_and_metastability_from_its_first_moment() {
        let nan = f64::NAN;
        let estimates = [
            estimate("applications", &[1000.0, 1000.0]),
            estimate("overload_onset_s", &[nan, nan]),
            estimate("outage_onset_s", &[120.0, 120.0]),
            estimate("metastable", &[1.0, 0.0]),
            estimate("metastable_from_s", &[600.0, nan]),
            estimate("recovered_by_end", &[0.0, 1.0]),
        ];
        let story = scenario_story(&view("day", &estimates)).join(" ");
        assert!(
            story.contains(
                "from 00:02, though new demand never exceeded what the origin can serve at best. In 1 of 2 \
                 replications the portal was held down while new demand was below what it can serve, first \
                 from 00:10: a metastable failure"
            ),
            "{story}"
        );
        assert!(story.contains("It was serving again by the end in 1 of 2 replications."), "{story}");
    }

    #[test]
    fn a_figure_only_the_variant_has_is_told_with_what_it_changed() {
        let base = [estimate("applications", &[1000.0, 1000.0])];
        let room = [estimate("applications", &[1000.0, 1000.0]), estimate("room_wait_mean_s", &[600.0, 600.0])];
        let told = counterfactuals(&[view("day", &base), view("room", &room)], &[]);
        assert_eq!(
            told,
            ["room: no verdict differs from day by a margin that matters. Where day has no figure: mean time in \
              the waiting room (of those admitted) 10.0 ± 0.0 min."]
        );
    }
}
