//! Sweeps: the Cartesian grid of variants of one scenario, made with
//! `--set path=v1,v2,...`, and the cheapest variant that meets a target.
//!
//! Every variant runs with the same seed and replication indices, and
//! random streams are keyed by the names of the model's parts, so variant
//! k and variant j of replication r draw the same arrivals and behaviour:
//! differences between variants are paired, not swamped by noise.

use crate::experiment::Estimate;
use crate::export::{csv_bytes, csv_writer, estimate_fields, number};
use crate::scenario::Override;
use crate::units::{parse_duration, parse_rate};
use std::fmt;

/// One swept key and its values, from `--set path=v1,v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetOption {
    /// The key's path.
    pub path: String,
    /// The values to try, in order.
    pub values: Vec<String>,
}

/// Parses `path=v1,v2,...`.
pub fn parse_set(text: &str) -> Result<SetOption, String> {
    let Some((path, values)) = text.split_once('=') else {
        return Err(format!("expected --set path=value1,value2,...; got \"{text}\""));
    };
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("--set {text}: the path is empty"));
    }
    let values: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
    if values.iter().any(String::is_empty) {
        return Err(format!("--set {text}: an empty sweep, or an empty value; give values such as {path}=50,100,200"));
    }
    Ok(SetOption { path: path.to_owned(), values })
}

/// One point of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// `path=value` pairs joined by `, `, for people.
    pub label: String,
    /// The value of each swept key, in `--set` order.
    pub values: Vec<String>,
    /// The overrides that make it.
    pub overrides: Vec<Override>,
}

/// The Cartesian grid, the first `--set` varying slowest.
pub fn grid(sets: &[SetOption]) -> Vec<Variant> {
    let mut out = vec![Vec::<String>::new()];
    for set in sets {
        out = out
            .into_iter()
            .flat_map(|prefix| set.values.iter().map(move |v| [prefix.clone(), vec![v.clone()]].concat()))
            .collect();
    }
    out.into_iter()
        .map(|values| {
            let overrides: Vec<Override> =
                sets.iter().zip(&values).map(|(s, v)| Override { path: s.path.clone(), value: v.clone() }).collect();
            let label = overrides.iter().map(|o| format!("{}={}", o.path, o.value)).collect::<Vec<_>>().join(", ");
            Variant { label, values, overrides }
        })
        .collect()
}

/// A value as a number for ordering and charts: plain numbers, durations
/// (seconds) and rates (per second); NaN for anything else.
pub fn numeric(value: &str) -> f64 {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .or_else(|| parse_duration(value).ok())
        .or_else(|| parse_rate(value).ok())
        .unwrap_or(f64::NAN)
}

/// A comparison in a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `>`
    Above,
    /// `<`
    Below,
}

/// A target such as `availability>=0.9` or `phone:service_level>=0.8`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Scope (`portal`, `phone`, a station...); `None`: the first scope
    /// that has the metric.
    pub scope: Option<String>,
    /// Metric name.
    pub metric: String,
    /// Comparison.
    pub op: Op,
    /// Threshold.
    pub value: f64,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
            Op::Above => ">",
            Op::Below => "<",
        };
        match &self.scope {
            Some(s) => write!(f, "{s}:{}{op}{}", self.metric, self.value),
            None => write!(f, "{}{op}{}", self.metric, self.value),
        }
    }
}

/// Parses `metric>=value`, `scope:metric<value`, ...
pub fn parse_target(text: &str) -> Result<Target, String> {
    let bad =
        || format!("expected a target such as \"availability>=0.9\" or \"phone:service_level>=0.8\"; got \"{text}\"");
    let (position, op, width) = [(">=", Op::AtLeast), ("<=", Op::AtMost), (">", Op::Above), ("<", Op::Below)]
        .iter()
        .find_map(|(sym, op)| text.find(sym).map(|p| (p, *op, sym.len())))
        .ok_or_else(bad)?;
    let (left, right) = (text[..position].trim(), text[position + width..].trim());
    let value: f64 = right.parse().map_err(|_| bad())?;
    let (scope, metric) = match left.split_once(':') {
        Some((s, m)) => (Some(s.trim().to_owned()), m.trim().to_owned()),
        None => (None, left.to_owned()),
    };
    if metric.is_empty() {
        return Err(bad());
    }
    Ok(Target { scope, metric, op, value })
}

impl Target {
    /// The estimate the target reads among `estimates`.
    pub fn find<'e>(&self, estimates: &'e [Estimate]) -> Option<&'e Estimate> {
        estimates.iter().find(|e| e.metric == self.metric && self.scope.as_ref().is_none_or(|s| *s == e.scope))
    }

    /// Whether the estimate's mean meets the target.
    pub fn met_by(&self, mean: f64) -> bool {
        match self.op {
            Op::AtLeast => mean >= self.value,
            Op::AtMost => mean <= self.value,
            Op::Above => mean > self.value,
            Op::Below => mean < self.value,
        }
    }
}

/// Which way a swept key is cheap: `--minimize` (fewer workers, a lower
/// rate) or `--maximize` (a larger limit that admits more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cheap {
    /// Smaller values are cheaper.
    Smaller,
    /// Larger values are cheaper (better).
    Larger,
}

/// The order in which the swept keys decide which variant is cheapest:
/// the keys named by `--minimize` and `--maximize`, in that order of the
/// command line, then every other swept key, smaller first, in `--set`
/// order. Names a key that is not swept as an error listing those that are.
pub fn preference(sets: &[SetOption], named: &[(String, Cheap)]) -> Result<Vec<(usize, Cheap)>, String> {
    let mut order: Vec<(usize, Cheap)> = Vec::with_capacity(sets.len());
    for (path, cheap) in named {
        let Some(k) = sets.iter().position(|s| s.path == *path) else {
            let swept: Vec<&str> = sets.iter().map(|s| s.path.as_str()).collect();
            return Err(format!("{path} is not swept; the swept keys are {}", swept.join(", ")));
        };
        if order.iter().any(|(j, _)| *j == k) {
            return Err(format!("{path} is named twice by --minimize/--maximize"));
        }
        order.push((k, *cheap));
    }
    for k in 0..sets.len() {
        if !order.iter().any(|(j, _)| *j == k) {
            order.push((k, Cheap::Smaller));
        }
    }
    Ok(order)
}

/// How `preference` reads, for the line that names the cheapest variant:
/// "smallest tier.app.workers, then largest waiting_room.max_sessions".
pub fn preference_text(sets: &[SetOption], order: &[(usize, Cheap)]) -> String {
    let words: Vec<String> = order
        .iter()
        .map(|(k, cheap)| {
            let way = if *cheap == Cheap::Smaller { "smallest" } else { "largest" };
            format!("{way} {}", sets[*k].path)
        })
        .collect();
    words.join(", then ")
}

/// The cheapest variant whose mean meets `target`: among those that meet
/// it, the first by `order` (see [`preference`]): sweeping workers,
/// agents or an admission rate upward, the smallest setting that is
/// enough; with `--maximize waiting_room.max_sessions`, the largest limit
/// that still meets it.
pub fn cheapest(
    variants: &[Variant],
    estimates: &[Vec<Estimate>],
    target: &Target,
    order: &[(usize, Cheap)],
) -> Option<usize> {
    let key = |k: usize| -> Vec<f64> {
        order
            .iter()
            .map(|&(i, cheap)| {
                let v = numeric(&variants[k].values[i]);
                if cheap == Cheap::Smaller { v } else { -v }
            })
            .collect()
    };
    (0..variants.len())
        .filter(|&k| target.find(&estimates[k]).is_some_and(|e| e.ci.mean.is_finite() && target.met_by(e.ci.mean)))
        .min_by(|&a, &b| {
            let (ka, kb) = (key(a), key(b));
            ka.iter().zip(&kb).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
        })
}

/// The x-axis label of a swept key: its path and the unit its values were
/// converted to (durations to seconds, rates to per second).
pub fn axis_label(set: &SetOption) -> String {
    let plain = set.values.iter().all(|v| v.trim().parse::<f64>().is_ok());
    let durations = set.values.iter().all(|v| parse_duration(v).is_ok());
    let rates = set.values.iter().all(|v| parse_rate(v).is_ok());
    match (plain, durations, rates) {
        (true, ..) => set.path.clone(),
        (false, true, _) => format!("{} (seconds)", set.path),
        (false, false, true) => format!("{} (per second)", set.path),
        _ => format!("{} (values that are not numbers are left out)", set.path),
    }
}

/// The lines of a sweep chart of `metric`: the first swept key on the x
/// axis, one line per combination of the other keys' values (labelled
/// with them), each point the variant's mean and 95% interval.
pub fn chart_series(
    sets: &[SetOption],
    variants: &[Variant],
    estimates: &[Vec<Estimate>],
    metric: &Target,
) -> Vec<crate::report::SweepSeries> {
    let mut lines: Vec<(Vec<String>, crate::report::SweepSeries)> = Vec::new();
    for (variant, estimates) in variants.iter().zip(estimates) {
        let Some((x, others)) = variant.values.split_first() else { continue };
        let Some(e) = metric.find(estimates) else { continue };
        let k = match lines.iter().position(|(o, _)| o.as_slice() == others) {
            Some(k) => k,
            None => {
                let label = sets[1..].iter().zip(others).map(|(s, v)| format!("{}={v}", s.path)).collect::<Vec<_>>();
                let series = crate::report::SweepSeries { label: label.join(", "), points: Vec::new() };
                lines.push((others.to_vec(), series));
                lines.len() - 1
            }
        };
        lines[k].1.points.push((numeric(x), e.ci));
    }
    for (_, series) in &mut lines {
        series.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    lines.into_iter().map(|(_, s)| s).collect()
}

/// The tidy sweep table: one row per variant, replication, scope and
/// metric, with one column per swept key.
pub fn long_csv(
    scenario: &str,
    sets: &[SetOption],
    variants: &[Variant],
    summaries: &[&[u8]],
) -> Result<Vec<u8>, crate::export::long::TableError> {
    let mut w = csv_writer();
    let header: Vec<&str> = ["scenario", "variant"]
        .into_iter()
        .chain(sets.iter().map(|s| s.path.as_str()))
        .chain(["replication", "scope", "metric", "value"])
        .collect();
    let _ = w.write_record(&header);
    for (k, (variant, summary)) in variants.iter().zip(summaries).enumerate() {
        for (replication, scope, metric, value) in crate::export::long::rows(summary)? {
            let mut record = vec![scenario.to_owned(), k.to_string()];
            record.extend(variant.values.iter().cloned());
            record.extend([replication.to_string(), scope, metric, number(value)]);
            let _ = w.write_record(&record);
        }
    }
    Ok(csv_bytes(w))
}

/// Means and 95% intervals per variant, scope and metric.
pub fn summary_csv(scenario: &str, sets: &[SetOption], variants: &[Variant], estimates: &[Vec<Estimate>]) -> Vec<u8> {
    let mut w = csv_writer();
    let header: Vec<&str> = ["scenario", "variant"]
        .into_iter()
        .chain(sets.iter().map(|s| s.path.as_str()))
        .chain(["scope", "metric", "mean", "ci95_low", "ci95_high", "ci95_half_width", "replications"])
        .collect();
    let _ = w.write_record(&header);
    for (k, (variant, estimates)) in variants.iter().zip(estimates).enumerate() {
        for e in estimates {
            let mut record = vec![scenario.to_owned(), k.to_string()];
            record.extend(variant.values.iter().cloned());
            record.extend([e.scope.clone(), e.metric.clone()]);
            record.extend(estimate_fields(e));
            let _ = w.write_record(&record);
        }
    }
    csv_bytes(w)
}

/// How many replications each variant of a sweep sized by precision took
/// (`sweep_precision.csv`): one row per variant, with whether every
/// headline verdict came within the target and, if not, which were still
/// wider at the maximum.
pub fn precision_csv(
    scenario: &str,
    sets: &[SetOption],
    variants: &[Variant],
    assessments: &[&crate::precision::Assessment],
) -> Vec<u8> {
    let mut w = csv_writer();
    let header: Vec<&str> = ["scenario", "variant"]
        .into_iter()
        .chain(sets.iter().map(|s| s.path.as_str()))
        .chain(["replications", "target_relative_half_width", "met", "still_wide"])
        .collect();
    let _ = w.write_record(&header);
    for (k, (variant, a)) in variants.iter().zip(assessments).enumerate() {
        let mut record = vec![scenario.to_owned(), k.to_string()];
        record.extend(variant.values.iter().cloned());
        let wide: Vec<String> = a.wide().map(|v| format!("{}:{}", v.scope, v.metric)).collect();
        record.extend([
            a.replications.to_string(),
            a.precision.target.to_string(),
            a.met().to_string(),
            wide.join(" "),
        ]);
        let _ = w.write_record(&record);
    }
    csv_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::ConfidenceInterval;

    #[test]
    fn sets_parse_and_refuse_empty_sweeps() {
        let s = parse_set("tier.app.workers=50,100,200").unwrap();
        assert_eq!(s.values, ["50", "100", "200"]);
        assert!(parse_set("tier.app.workers=").unwrap_err().contains("empty sweep"));
        assert!(parse_set("tier.app.workers=50,,100").is_err());
        assert!(parse_set("workers").is_err());
    }

    #[test]
    fn the_grid_is_the_cartesian_product_first_key_slowest() {
        let sets = [parse_set("a=1,2").unwrap(), parse_set("b=x,y,z").unwrap()];
        let g = grid(&sets);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0].label, "a=1, b=x");
        assert_eq!(g[3].values, ["2", "x"]);
    }

    #[test]
    fn targets_parse_with_or_without_scope() {
        let t = parse_target("availability>=0.9").unwrap();
        assert_eq!((t.scope.as_deref(), t.metric.as_str(), t.op, t.value), (None, "availability", Op::AtLeast, 0.9));
        let t = parse_target("phone:service_level > 0.8").unwrap();
        assert_eq!((t.scope.as_deref(), t.op), (Some("phone"), Op::Above));
        assert!(parse_target("availability=0.9").is_err());
        assert!(parse_target(">=0.9").is_err());
    }

    #[test]
    fn the_cheapest_variant_meeting_the_target_is_the_smallest_setting() {
        let sets = [parse_set("workers=200,50,100").unwrap()];
        let variants = grid(&sets);
        let est = |mean: f64| {
            vec![Estimate {
                scope: "portal".into(),
                metric: "availability".into(),
                ci: ConfidenceInterval::student_t(&[mean, mean], 0.95),
                whole: false,
            }]
        };
        let estimates = [est(0.99), est(0.5), est(0.95)];
        let target = parse_target("availability>=0.9").unwrap();
        let smaller = preference(&sets, &[]).unwrap();
        assert_eq!(cheapest(&variants, &estimates, &target, &smaller), Some(2));
        let larger = preference(&sets, &[("workers".into(), Cheap::Larger)]).unwrap();
        assert_eq!(cheapest(&variants, &estimates, &target, &larger), Some(0));
        assert_eq!(preference_text(&sets, &larger), "largest workers");
        let impossible = parse_target("availability>=0.999").unwrap();
        assert_eq!(cheapest(&variants, &estimates, &impossible, &smaller), None);
        let unknown = preference(&sets, &[("agents".into(), Cheap::Smaller)]).unwrap_err();
        assert_eq!(unknown, "agents is not swept; the swept keys are workers");
        assert_eq!(numeric("5000/m"), 5000.0 / 60.0);
        assert_eq!(numeric("2m"), 120.0);
    }

    #[test]
    fn a_sweep_chart_has_the_first_key_across_and_a_line_per_other_value() {
        let sets = [parse_set("rate=10/s,5/s").unwrap(), parse_set("workers=1,2").unwrap()];
        let variants = grid(&sets);
        let est = |mean: f64| {
            vec![Estimate {
                scope: "portal".into(),
                metric: "availability".into(),
                ci: ConfidenceInterval::student_t(&[mean, mean + 0.1], 0.95),
                whole: false,
            }]
        };
        // Grid order: (10/s,1) (10/s,2) (5/s,1) (5/s,2).
        let estimates = [est(0.1), est(0.2), est(0.3), est(0.4)];
        let target = parse_target("availability>=0").unwrap();
        let series = chart_series(&sets, &variants, &estimates, &target);
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].label, "workers=1");
        let xs: Vec<f64> = series[0].points.iter().map(|p| p.0).collect();
        assert_eq!(xs, [5.0, 10.0]);
        assert!((series[0].points[0].1.mean - 0.35).abs() < 1e-12);
        assert!((series[1].points[1].1.mean - 0.25).abs() < 1e-12);
        assert_eq!(axis_label(&sets[0]), "rate (per second)");
        assert_eq!(axis_label(&sets[1]), "workers");
        assert_eq!(axis_label(&parse_set("t=1m,90s").unwrap()), "t (seconds)");
        assert_eq!(numeric("2m"), 120.0);
    }
}
