//! Painting a chart description on a plotters backend, pixel by pixel.
//!
//! Charts are described as data ([`Chart`]: panels of series, a time or
//! value axis, a legend, markers) and painted here on any backend, so the
//! PNG and the SVG of a chart come from one code path and show the same
//! thing. The layout is computed in pixels rather than left to the
//! plotting library's chart builder because the charts need things it does
//! not place well: ticks on round clock times with the date under
//! midnight, one legend for a grid of panels, and intervention labels that
//! never overlap each other or the data.

use super::axis::{self, ClockTick};
use crate::units::Date;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform};

/// Width of every chart, in pixels.
pub(crate) const WIDTH: u32 = 1200;
/// Height of every chart, in pixels.
pub(crate) const HEIGHT: u32 = 600;

/// Line colours, one per scenario in run order: the Okabe–Ito palette,
/// which stays distinct for the common forms of colour blindness and in
/// greyscale print, without its yellow (unreadable on white).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(120, 120, 120),
];

const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(225, 225, 225);
const FRAME: RGBColor = RGBColor(150, 150, 150);
const MARKER: RGBColor = RGBColor(110, 110, 110);
const STRIP_BACKGROUND: RGBColor = RGBColor(243, 243, 243);

/// Opacity of a confidence band: light enough that the lines of other
/// scenarios show through it.
const BAND_ALPHA: f64 = 0.18;

/// The colour of palette entry `i` (wrapping around after eight series).
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A chart to paint.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// File stem, also names the chart in errors.
    pub stem: String,
    /// Title across the top.
    pub title: String,
    /// Legend entries: label and palette index.
    pub legend: Vec<(String, usize)>,
    /// Whether legend swatches show a marker with error bars rather than a
    /// line with a band.
    pub legend_bars: bool,
    /// The horizontal axis, shared by every panel.
    pub x: XAxis,
    /// Panels, filled row by row into `columns` columns.
    pub panels: Vec<Panel>,
    /// Columns of the panel grid.
    pub columns: usize,
    /// Whether all plot panels use one vertical range (so their heights
    /// compare).
    pub share_y: bool,
    /// Vertical marker lines: position on the x axis and label.
    pub markers: Vec<(f64, String)>,
    /// Whose markers they are, for the key under a grid of panels.
    pub marker_owner: String,
    /// A line of explanation under the chart.
    pub note: Option<String>,
}

/// The horizontal axis.
#[derive(Debug, Clone)]
pub(crate) enum XAxis {
    /// Simulated time from zero to `end` seconds, labelled with clock
    /// times on `date` (or elapsed time without one).
    Clock {
        /// End of the axis, seconds.
        end: f64,
        /// Calendar date of time zero.
        date: Option<Date>,
    },
    /// A numeric axis (a swept parameter).
    Value {
        /// Smallest value shown.
        min: f64,
        /// Largest value shown.
        max: f64,
        /// Axis title with unit.
        label: String,
    },
}

/// One panel of a chart.
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    /// Heading above the panel (empty for none).
    pub title: String,
    /// Share of the chart's height, relative to the other panels of its
    /// column.
    pub weight: f64,
    /// What it shows.
    pub content: Content,
}

/// What a panel shows.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// Series against the x axis.
    Plot {
        /// Vertical axis title with unit.
        y_label: String,
        /// Vertical scale.
        scale: Scale,
        /// The series, painted bands first, then lines, in order.
        series: Vec<Series>,
        /// A dashed horizontal reference line and its label.
        reference: Option<(f64, String)>,
    },
    /// Rows of shaded spans of the x axis (when something was true), one
    /// row per series colour.
    Strip {
        /// What the shading means.
        label: String,
        /// Per row: palette index and `(from, to)` spans.
        rows: Vec<(usize, Vec<(f64, f64)>)>,
    },
}

/// How values map to height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Linear, from zero (or the smallest value if negative) to a round
    /// number above the largest.
    Linear,
    /// A share from 0 to 1, labelled in percent.
    Share,
    /// Decades, for quantities spanning orders of magnitude (latencies).
    Log,
}

/// A data series.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// Palette index.
    pub color: usize,
    /// Points in x order; a non-finite `y` leaves a gap.
    pub points: Vec<Point>,
    /// Line with a shaded band, or markers with error bars.
    pub bars: bool,
}

/// A value with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    /// Position on the x axis.
    pub x: f64,
    /// The mean (NaN: no observation).
    pub y: f64,
    /// Lower end of the interval (NaN: unknown).
    pub lo: f64,
    /// Upper end of the interval (NaN: unknown).
    pub hi: f64,
}

type Fail = String;

/// Font sizes, in pixels.
const TITLE_SIZE: f64 = 22.0;
const TEXT_SIZE: f64 = 15.0;
const TICK_SIZE: f64 = 13.0;
const NOTE_SIZE: f64 = 13.0;

/// Layout constants, in pixels.
const MARGIN: i32 = 14;
const Y_AXIS_SPACE: i32 = 78;
const LEGEND_ROW: i32 = 22;
const MARKER_ROW: i32 = 17;
const PANEL_TITLE: i32 = 19;
const PANEL_GAP: i32 = 10;
const TICK_ROW: i32 = 17;
const NOTE_ROW: i32 = 17;
const MIN_TICK_GAP: f64 = 72.0;

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(FontFamily::SansSerif, size, FontStyle::Normal)).color(&INK)
}

fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(FontFamily::SansSerif, size, FontStyle::Bold)).color(&INK)
}

fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// A pixel rectangle.
#[derive(Debug, Clone, Copy)]
struct Rect {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

/// The painter: a drawing area and helpers that turn the library's
/// backend-specific errors into text.
struct Painter<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    fn text(&self, text: &str, style: &TextStyle<'_>, at: (i32, i32)) -> Result<(), Fail> {
        self.area.draw_text(text, style, at).map_err(|e| e.to_string())
    }

    fn width(&self, text: &str, style: &TextStyle<'_>) -> Result<i32, Fail> {
        self.area.estimate_text_size(text, style).map(|(w, _)| w as i32).map_err(|e| e.to_string())
    }

    fn line(&self, points: Vec<(i32, i32)>, color: RGBAColor, width: u32) -> Result<(), Fail> {
        let style = ShapeStyle { color, filled: false, stroke_width: width };
        self.area.draw(&PathElement::new(points, style)).map_err(|e| e.to_string())
    }

    fn dashed(&self, from: (i32, i32), to: (i32, i32), color: RGBAColor, dash: i32) -> Result<(), Fail> {
        let length = (((to.0 - from.0).pow(2) + (to.1 - from.1).pow(2)) as f64).sqrt();
        let steps = (length / f64::from(dash)).ceil() as i32;
        let mut i = 0;
        while i < steps {
            let a = f64::from(i) / f64::from(steps);
            let b = (f64::from(i) + 0.6) / f64::from(steps);
            let at = |t: f64| {
                (
                    from.0 + (f64::from(to.0 - from.0) * t).round() as i32,
                    from.1 + (f64::from(to.1 - from.1) * t).round() as i32,
                )
            };
            self.line(vec![at(a), at(b.min(1.0))], color, 1)?;
            i += 1;
        }
        Ok(())
    }

    fn rect(&self, r: Rect, color: RGBAColor, filled: bool) -> Result<(), Fail> {
        let style = ShapeStyle { color, filled, stroke_width: 1 };
        self.area.draw(&Rectangle::new([(r.left, r.top), (r.right, r.bottom)], style)).map_err(|e| e.to_string())
    }

    fn polygon(&self, points: Vec<(i32, i32)>, color: RGBAColor) -> Result<(), Fail> {
        let style = ShapeStyle { color, filled: true, stroke_width: 0 };
        self.area.draw(&Polygon::new(points, style)).map_err(|e| e.to_string())
    }

    fn dot(&self, at: (i32, i32), radius: i32, color: RGBAColor) -> Result<(), Fail> {
        let style = ShapeStyle { color, filled: true, stroke_width: 1 };
        self.area.draw(&Circle::new(at, radius, style)).map_err(|e| e.to_string())
    }
}

/// Where each label of a row of labels goes: greedy first-fit into rows so
/// that no two overlap. `spans` are `(left, right)` pixel extents; returns
/// the row of each, or `None` if more than `max_rows` rows would be needed.
fn stack_labels(spans: &[(i32, i32)], max_rows: usize, gap: i32) -> Option<Vec<usize>> {
    let mut row_ends: Vec<i32> = Vec::new();
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].0);
    let mut rows = vec![0; spans.len()];
    for i in order {
        let (left, right) = spans[i];
        match row_ends.iter().position(|end| *end + gap <= left) {
            Some(r) => {
                row_ends[r] = right;
                rows[i] = r;
            }
            None if row_ends.len() < max_rows => {
                rows[i] = row_ends.len();
                row_ends.push(right);
            }
            None => return None,
        }
    }
    Some(rows)
}

/// Greedy word wrap of `items` (each kept whole) joined by `separator` into
/// lines no wider than `width`, measured by `measure`.
fn wrap<F: FnMut(&str) -> Result<i32, Fail>>(
    items: &[String],
    separator: &str,
    width: i32,
    mut measure: F,
) -> Result<Vec<String>, Fail> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for item in items {
        let candidate = if current.is_empty() { item.clone() } else { format!("{current}{separator}{item}") };
        if current.is_empty() || measure(&candidate)? <= width {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = item.clone();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// A vertical scale fitted to the data.
#[derive(Debug, Clone, Copy)]
struct YRange {
    scale: Scale,
    /// Lower end (log10 of it on a log scale).
    min: f64,
    /// Upper end (log10 of it on a log scale).
    max: f64,
    /// Whether any value was there to fit.
    data: bool,
}

/// The range a panel's axis must show (the positive values only on a log
/// scale): from the smallest mean, and to the largest mean or upper band
/// edge. Lower band edges are left out: with few replications a Student-t
/// interval of a quantity that cannot be negative (a queue, a latency)
/// often reaches below zero, and following it would stretch the axis
/// below the data; the band is cut at the axis instead.
fn extent(series: &[Series], scale: Scale) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let usable = |v: f64| v.is_finite() && (scale != Scale::Log || v > 0.0);
    for p in series.iter().flat_map(|s| &s.points) {
        if usable(p.y) {
            lo = lo.min(p.y);
            hi = hi.max(p.y);
            if usable(p.hi) {
                hi = hi.max(p.hi);
            }
        }
    }
    (lo <= hi).then_some((lo, hi))
}

fn fit(scale: Scale, extent: Option<(f64, f64)>, target: usize) -> YRange {
    let data = extent.is_some();
    match scale {
        // A share cannot leave [0, 1]; an interval bound beyond it (a
        // Student-t interval near 100%) is cut at the edge.
        // A little room beyond both ends keeps lines at 0% and 100% off
        // the frame.
        Scale::Share => YRange { scale, min: -0.02, max: 1.03, data },
        Scale::Linear => {
            let (lo, hi) = extent.unwrap_or((0.0, 1.0));
            let min = if lo < 0.0 { -axis::nice_ceiling(-lo, target) } else { 0.0 };
            let max = if hi > 0.0 { axis::nice_ceiling(hi, target) } else { 1.0 };
            YRange { scale, min, max, data }
        }
        Scale::Log => {
            let (lo, hi) = extent.unwrap_or((1.0, 10.0));
            let min = lo.log10().floor();
            let max = hi.log10().ceil().max(min + 1.0);
            YRange { scale, min, max, data }
        }
    }
}

impl YRange {
    /// Pixel row of value `v` in `r` (clamped to the panel).
    fn map(&self, v: f64, r: Rect) -> i32 {
        let u = match self.scale {
            Scale::Log => {
                if v > 0.0 {
                    v.log10()
                } else {
                    self.min
                }
            }
            _ => v,
        };
        let share = ((u - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        r.bottom - (share * f64::from(r.bottom - r.top)).round() as i32
    }

    /// Ticks and their labels.
    fn ticks(&self, target: usize) -> Vec<(f64, String)> {
        match self.scale {
            Scale::Log => {
                let decades = (self.max - self.min).round() as i32;
                let every = (decades as usize).div_ceil(target.max(1)).max(1) as i32;
                (self.min as i32..=self.max as i32)
                    .filter(|e| (e - self.min as i32) % every == 0)
                    .map(|e| (10f64.powi(e), axis::decade_label(e)))
                    .collect()
            }
            Scale::Share => {
                let (ticks, step) = axis::nice_ticks(0.0, 1.0, target);
                ticks.into_iter().map(|t| (t, axis::percent_label(t, step))).collect()
            }
            Scale::Linear => {
                let (ticks, step) = axis::nice_ticks(self.min, self.max, target);
                let top = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
                ticks.into_iter().map(|t| (t, axis::tick_label(t, step, top))).collect()
            }
        }
    }
}

/// The horizontal mapping of a panel.
#[derive(Debug, Clone, Copy)]
struct XMap {
    min: f64,
    max: f64,
}

impl XMap {
    fn of(axis: &XAxis) -> XMap {
        match axis {
            XAxis::Clock { end, .. } => XMap { min: 0.0, max: end.max(1.0) },
            XAxis::Value { min, max, .. } => {
                let pad = if max > min { 0.05 * (max - min) } else { 1.0 };
                XMap { min: min - pad, max: max + pad }
            }
        }
    }

    fn map(&self, x: f64, r: Rect) -> i32 {
        let share = ((x - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        r.left + (share * f64::from(r.right - r.left)).round() as i32
    }

    fn contains(&self, x: f64) -> bool {
        x >= self.min && x <= self.max
    }
}

/// An x-axis tick: position, label and an optional second line.
type XTick = (f64, String, Option<String>);

fn x_ticks(axis: &XAxis, width: i32) -> Vec<XTick> {
    match axis {
        XAxis::Clock { end, date } => axis::clock_ticks(0.0, *end, f64::from(width), MIN_TICK_GAP, *date)
            .into_iter()
            .map(|ClockTick { t, label, day }| (t, label, day))
            .collect(),
        XAxis::Value { min, max, .. } => {
            let target = (f64::from(width) / (MIN_TICK_GAP * 1.3)).floor().max(2.0) as usize;
            let (ticks, step) = axis::nice_ticks(*min, *max, target);
            let top = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
            ticks.into_iter().map(|t| (t, axis::tick_label(t, step, top), None)).collect()
        }
    }
}

fn x_label(axis: &XAxis) -> String {
    match axis {
        XAxis::Clock { date: Some(d), .. } => format!("clock time from {d} 00:00"),
        XAxis::Clock { date: None, .. } => "time since the start (hh:mm)".into(),
        XAxis::Value { label, .. } => label.clone(),
    }
}

/// Splits points into runs of consecutive points where `keep` holds, so
/// missing values leave gaps instead of being bridged.
fn runs(points: &[Point], keep: impl Fn(&Point) -> bool) -> Vec<&[Point]> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, p) in points.iter().enumerate() {
        match (keep(p), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&points[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&points[s..]);
    }
    out
}

/// Paints `chart` on `area`, which must be [`WIDTH`] × [`HEIGHT`].
pub(crate) fn paint<DB: DrawingBackend>(chart: &Chart, area: &DrawingArea<DB, Shift>) -> Result<(), Fail> {
    let p = Painter { area };
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let (width, height) = (WIDTH as i32, HEIGHT as i32);

    // Title.
    p.text(&chart.title, &anchored(bold(TITLE_SIZE), HPos::Center, VPos::Top), (width / 2, 10))?;
    let mut top = 10 + 30;

    // Legend, wrapped into rows, centred.
    let legend_font = anchored(font(TEXT_SIZE), HPos::Left, VPos::Center);
    if !chart.legend.is_empty() {
        let mut rows: Vec<Vec<(i32, &str, usize)>> = vec![Vec::new()];
        let mut row_width = 0;
        let available = width - 2 * MARGIN;
        for (label, c) in &chart.legend {
            let w = 34 + p.width(label, &legend_font)?;
            if row_width > 0 && row_width + 22 + w > available {
                rows.push(Vec::new());
                row_width = 0;
            }
            if row_width > 0 {
                row_width += 22;
            }
            if let Some(row) = rows.last_mut() {
                row.push((w, label.as_str(), *c));
            }
            row_width += w;
        }
        for row in &rows {
            let total: i32 = row.iter().map(|(w, ..)| *w).sum::<i32>() + 22 * (row.len() as i32 - 1);
            let mut x = (width - total) / 2;
            let y = top + LEGEND_ROW / 2;
            for (w, label, c) in row {
                let col = color(*c);
                if chart.legend_bars {
                    p.line(vec![(x, y), (x + 26, y)], col.to_rgba(), 2)?;
                    p.line(vec![(x + 13, y - 7), (x + 13, y + 7)], col.to_rgba(), 1)?;
                    p.dot((x + 13, y), 4, col.to_rgba())?;
                } else {
                    p.rect(Rect { left: x, top: y - 6, right: x + 26, bottom: y + 6 }, col.mix(BAND_ALPHA), true)?;
                    p.line(vec![(x, y), (x + 26, y)], col.to_rgba(), 2)?;
                }
                p.text(label, &legend_font, (x + 32, y))?;
                x += w + 22;
            }
            top += LEGEND_ROW;
        }
        top += 4;
    }

    // The footer: the marker key (when labels cannot sit on the lines) and
    // the note, wrapped.
    let columns = chart.columns.max(1);
    let rows = chart.panels.len().div_ceil(columns).max(1);
    let column_width = (width - 2 * MARGIN) / columns as i32;
    let plot_width = column_width - Y_AXIS_SPACE - 34;
    let note_font = anchored(font(NOTE_SIZE), HPos::Left, VPos::Top).color(&MUTED);
    let xmap = XMap::of(&chart.x);

    // Marker labels above the panels, when one column shares the x axis
    // with the label strip; otherwise numbers on the lines and a key below.
    let label_font = anchored(font(NOTE_SIZE), HPos::Left, VPos::Top).color(&INK);
    let mut placed: Option<Vec<(i32, usize, bool)>> = None;
    let visible: Vec<&(f64, String)> = chart.markers.iter().filter(|(x, _)| xmap.contains(*x)).collect();
    let strip_rect = Rect { left: MARGIN + Y_AXIS_SPACE, top, right: MARGIN + Y_AXIS_SPACE + plot_width, bottom: top };
    if columns == 1 && !visible.is_empty() {
        let mut spans = Vec::new();
        let mut sides = Vec::new();
        for (x, label) in &visible {
            let px = xmap.map(*x, strip_rect);
            let w = p.width(label, &label_font)?;
            let right_side = px + 4 + w <= strip_rect.right + MARGIN;
            sides.push(right_side);
            spans.push(if right_side { (px, px + 4 + w) } else { (px - 4 - w, px) });
        }
        if let Some(rows) = stack_labels(&spans, 3, 10) {
            placed = Some(rows.into_iter().zip(sides).zip(&spans).map(|((r, side), s)| (s.0, r, side)).collect());
        }
    }
    let label_rows = placed.as_ref().map_or(0, |v| v.iter().map(|(_, r, _)| r + 1).max().unwrap_or(0)) as i32;
    let strip_top = top;
    top += label_rows * MARKER_ROW + if label_rows > 0 { 6 } else { 0 };

    let mut footer: Vec<String> = Vec::new();
    if placed.is_none() && !visible.is_empty() {
        let mut items: Vec<String> = visible
            .iter()
            .enumerate()
            .map(|(i, (x, label))| {
                let at = match &chart.x {
                    XAxis::Clock { date, .. } => {
                        let tick = crate::units::clock_label(*x, *date);
                        tick.rsplit(' ').next().unwrap_or(&tick).chars().take(5).collect::<String>()
                    }
                    XAxis::Value { .. } => axis::tick_label(*x, 0.01, x.abs()),
                };
                format!("({}) {at} {label}", i + 1)
            })
            .collect();
        // The heading joins the first item so no separator follows its colon.
        items[0] = format!("Interventions in {}: {}", chart.marker_owner, items[0]);
        footer.extend(wrap(&items, " · ", width - 2 * MARGIN, |s| p.width(s, &note_font))?);
    }
    if let Some(note) = &chart.note {
        let words: Vec<String> = note.split(' ').map(str::to_owned).collect();
        footer.extend(wrap(&words, " ", width - 2 * MARGIN, |s| p.width(s, &note_font))?);
    }
    let x_ticks_sample = x_ticks(&chart.x, plot_width);
    let second_tick_line = x_ticks_sample.iter().any(|(_, _, d)| d.is_some());
    let bottom_space = 6
        + TICK_ROW
        + if second_tick_line { TICK_ROW - 2 } else { 0 }
        + 22
        + NOTE_ROW * footer.len() as i32
        + if footer.is_empty() { 4 } else { 8 };
    let grid_bottom = height - bottom_space;

    // Panel rectangles: columns share the height, rows within a column by
    // weight (one row of a grid shares its weight across columns).
    let row_weights: Vec<f64> = (0..rows)
        .map(|r| {
            chart.panels[r * columns..((r + 1) * columns).min(chart.panels.len())]
                .iter()
                .map(|p| p.weight)
                .fold(0.0, f64::max)
                .max(0.1)
        })
        .collect();
    let total_weight: f64 = row_weights.iter().sum();
    let any_titles = |r: usize| {
        chart.panels[r * columns..((r + 1) * columns).min(chart.panels.len())].iter().any(|p| !p.title.is_empty())
    };
    let fixed: i32 = (0..rows).map(|r| if any_titles(r) { PANEL_TITLE } else { 0 }).sum::<i32>()
        + PANEL_GAP * (rows as i32 - 1)
        + if rows > 1 && columns > 1 { (rows as i32 - 1) * TICK_ROW } else { 0 };
    let available = f64::from(grid_bottom - top - fixed).max(40.0);
    let mut rects = Vec::new();
    let mut y = top;
    for (r, weight) in row_weights.iter().enumerate() {
        let title_space = if any_titles(r) { PANEL_TITLE } else { 0 };
        let h = (available * weight / total_weight).round() as i32;
        for c in 0..columns {
            let i = r * columns + c;
            if i >= chart.panels.len() {
                break;
            }
            let left = MARGIN + c as i32 * column_width + Y_AXIS_SPACE;
            rects.push((i, Rect { left, top: y + title_space, right: left + plot_width, bottom: y + title_space + h }));
        }
        y += title_space + h + PANEL_GAP + if columns > 1 { TICK_ROW } else { 0 };
    }

    // Vertical ranges.
    // Ticks about every 34 pixels; decade labels are short, so on a log
    // scale they may sit twice as close.
    let plot_target = |r: Rect, scale: Scale| {
        let spacing = if scale == Scale::Log { 17 } else { 34 };
        ((r.bottom - r.top) / spacing).clamp(2, 12) as usize
    };
    let shared = if chart.share_y {
        let mut all = None::<(f64, f64)>;
        let mut scale = Scale::Linear;
        for panel in &chart.panels {
            if let Content::Plot { series, scale: s, .. } = &panel.content {
                scale = *s;
                if let Some((lo, hi)) = extent(series, *s) {
                    all = Some(all.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
                }
            }
        }
        Some((scale, all))
    } else {
        None
    };

    // A column of panels with one vertical title gets it once, across the
    // column: stacked panels are too short for a title each.
    let y_font =
        anchored(font(TICK_SIZE + 1.0), HPos::Center, VPos::Center).transform(FontTransform::Rotate270).color(&INK);
    let mut shared_label = vec![false; chart.panels.len()];
    for c in 0..columns {
        let in_column: Vec<&(usize, Rect)> = rects.iter().filter(|(i, _)| i % columns == c).collect();
        let labels: Vec<&str> = in_column
            .iter()
            .filter_map(|(i, _)| match &chart.panels[*i].content {
                Content::Plot { y_label, .. } => Some(y_label.as_str()),
                Content::Strip { .. } => None,
            })
            .collect();
        if labels.len() > 1 && labels.windows(2).all(|w| w[0] == w[1]) {
            let top = in_column.iter().map(|(_, r)| r.top).min().unwrap_or(0);
            let bottom = in_column.iter().map(|(_, r)| r.bottom).max().unwrap_or(0);
            let left = in_column.first().map_or(0, |(_, r)| r.left);
            p.text(labels[0], &y_font, (left - Y_AXIS_SPACE + 12, (top + bottom) / 2))?;
            for (i, _) in &in_column {
                shared_label[*i] = true;
            }
        }
    }

    let tick_font = font(TICK_SIZE).color(&MUTED);
    for (i, r) in &rects {
        let panel = &chart.panels[*i];
        if !panel.title.is_empty() {
            p.text(&panel.title, &anchored(font(TEXT_SIZE), HPos::Left, VPos::Bottom), (r.left, r.top - 3))?;
        }
        let is_bottom_of_column = *i + columns >= chart.panels.len();
        let ticks = x_ticks(&chart.x, r.right - r.left);
        // Vertical gridlines at the x ticks.
        for (t, ..) in &ticks {
            let px = xmap.map(*t, *r);
            p.line(vec![(px, r.top), (px, r.bottom)], GRID.to_rgba(), 1)?;
        }
        // The frame goes under the data, so a line along an edge stays
        // visible.
        p.rect(*r, FRAME.to_rgba(), false)?;
        match &panel.content {
            Content::Plot { y_label, scale, series, reference } => {
                let range = match shared {
                    Some((_, all)) => fit(*scale, all, plot_target(*r, *scale)),
                    None => fit(*scale, extent(series, *scale), plot_target(*r, *scale)),
                };
                for (v, label) in range.ticks(plot_target(*r, *scale)) {
                    let py = range.map(v, *r);
                    p.line(vec![(r.left, py), (r.right, py)], GRID.to_rgba(), 1)?;
                    p.text(&label, &anchored(tick_font.clone(), HPos::Right, VPos::Center), (r.left - 6, py))?;
                }
                if !shared_label[*i] {
                    p.text(y_label, &y_font, (r.left - Y_AXIS_SPACE + 12, (r.top + r.bottom) / 2))?;
                }
                paint_markers(&p, &visible, xmap, *r)?;
                if let Some((v, label)) = reference {
                    let py = range.map(*v, *r);
                    p.dashed((r.left, py), (r.right, py), INK.mix(0.7), 8)?;
                    let style = anchored(font(NOTE_SIZE), HPos::Right, VPos::Bottom).color(&MUTED);
                    p.text(label, &style, (r.right - 4, py - 2))?;
                }
                paint_series(&p, series, range, xmap, *r)?;
                if placed.is_none() {
                    paint_marker_numbers(&p, &visible, xmap, *r)?;
                }
                if !range.data {
                    let style = anchored(font(TEXT_SIZE), HPos::Center, VPos::Center).color(&MUTED);
                    p.text("no observations", &style, ((r.left + r.right) / 2, (r.top + r.bottom) / 2))?;
                }
            }
            Content::Strip { label, rows } => {
                let n = rows.len().max(1) as i32;
                let row_h = ((r.bottom - r.top - 2) / n).max(2);
                for (k, (c, spans)) in rows.iter().enumerate() {
                    let y0 = r.top + 1 + k as i32 * row_h;
                    let band = Rect { left: r.left, top: y0 + 1, right: r.right, bottom: y0 + row_h - 1 };
                    p.rect(band, STRIP_BACKGROUND.to_rgba(), true)?;
                    for (a, b) in spans {
                        let (x0, x1) = (xmap.map(*a, *r), xmap.map(*b, *r));
                        p.rect(Rect { left: x0, right: x1.max(x0 + 1), ..band }, color(*c).mix(0.85), true)?;
                    }
                }
                paint_markers(&p, &visible, xmap, *r)?;
                let style = anchored(font(TICK_SIZE), HPos::Right, VPos::Center).color(&INK);
                let lines: Vec<&str> = label.lines().collect();
                let mid = (r.top + r.bottom) / 2 - (lines.len() as i32 - 1) * 8;
                for (k, line) in lines.iter().enumerate() {
                    p.text(line, &style, (r.left - 6, mid + 16 * k as i32))?;
                }
            }
        }
        // Tick marks and labels under the panel: under every panel of the
        // bottom row, and under each row of a grid.
        if is_bottom_of_column || columns > 1 {
            let style = anchored(font(TICK_SIZE), HPos::Center, VPos::Top).color(&INK);
            let day_style = anchored(font(TICK_SIZE - 1.0), HPos::Center, VPos::Top).color(&MUTED);
            let ticks = if columns > 1 && !is_bottom_of_column {
                ticks.iter().map(|(t, l, _)| (*t, l.clone(), None)).collect()
            } else {
                ticks
            };
            for (t, label, day) in &ticks {
                let px = xmap.map(*t, *r);
                p.line(vec![(px, r.bottom), (px, r.bottom + 4)], FRAME.to_rgba(), 1)?;
                p.text(label, &style, (px, r.bottom + 6))?;
                if let Some(day) = day {
                    p.text(day, &day_style, (px, r.bottom + 6 + TICK_ROW - 1))?;
                }
            }
        }
    }

    // Marker labels in their strip, with a connector down to the panels.
    if let (Some(placed), Some((_, first))) = (&placed, rects.first()) {
        for ((x, label), (left, row, right_side)) in visible.iter().zip(placed) {
            let px = xmap.map(*x, *first);
            let y = strip_top + *row as i32 * MARKER_ROW;
            let text_x = if *right_side { px + 4 } else { *left };
            p.text(label, &label_font, (text_x, y))?;
            p.dashed((px, y), (px, first.top), MARKER.mix(0.9), 5)?;
        }
    }

    // The x axis title, under the columns.
    let axis_y = grid_bottom + 6 + TICK_ROW + if second_tick_line { TICK_ROW - 2 } else { 0 } + 2;
    let axis_font = anchored(font(TICK_SIZE + 1.0), HPos::Center, VPos::Top);
    let grid_mid = MARGIN + Y_AXIS_SPACE + (columns as i32 * column_width - Y_AXIS_SPACE - 34) / 2;
    p.text(&x_label(&chart.x), &axis_font, (grid_mid, axis_y))?;
    let mut fy = axis_y + 24;
    for line in &footer {
        p.text(line, &note_font, (MARGIN, fy))?;
        fy += NOTE_ROW;
    }
    Ok(())
}

/// Marker lines through a panel.
fn paint_markers<DB: DrawingBackend>(
    p: &Painter<'_, DB>,
    markers: &[&(f64, String)],
    xmap: XMap,
    r: Rect,
) -> Result<(), Fail> {
    for (x, _) in markers {
        let px = xmap.map(*x, r);
        p.dashed((px, r.top), (px, r.bottom), MARKER.mix(0.9), 5)?;
    }
    Ok(())
}

/// The markers' numbers at the top of a panel, when their labels are in
/// the key below the chart. Painted over the data on a white ground, so a
/// line along the top of the panel cannot hide them.
fn paint_marker_numbers<DB: DrawingBackend>(
    p: &Painter<'_, DB>,
    markers: &[&(f64, String)],
    xmap: XMap,
    r: Rect,
) -> Result<(), Fail> {
    let number_font = anchored(font(NOTE_SIZE), HPos::Left, VPos::Top).color(&INK);
    let mut spans = Vec::new();
    for (i, (x, _)) in markers.iter().enumerate() {
        let px = xmap.map(*x, r);
        let w = p.width(&format!("({})", i + 1), &number_font)?;
        spans.push((px + 2, px + 2 + w));
    }
    let rows = stack_labels(&spans, 8, 2).unwrap_or_else(|| vec![0; spans.len()]);
    for (i, ((left, right), row)) in spans.iter().zip(rows).enumerate() {
        let top = r.top + 2 + row as i32 * 14;
        p.rect(Rect { left: left - 1, top, right: right + 1, bottom: top + 13 }, WHITE.to_rgba(), true)?;
        p.text(&format!("({})", i + 1), &number_font, (*left, top))?;
    }
    Ok(())
}

/// Bands first (so no band hides a line), then lines or error bars.
fn paint_series<DB: DrawingBackend>(
    p: &Painter<'_, DB>,
    series: &[Series],
    range: YRange,
    xmap: XMap,
    r: Rect,
) -> Result<(), Fail> {
    let px = |pt: &Point| xmap.map(pt.x, r);
    for s in series.iter().filter(|s| !s.bars) {
        for run in runs(&s.points, |pt| pt.lo.is_finite() && pt.hi.is_finite() && pt.y.is_finite()) {
            if run.len() < 2 {
                continue;
            }
            let mut outline: Vec<(i32, i32)> = run.iter().map(|pt| (px(pt), range.map(pt.hi, r))).collect();
            outline.extend(run.iter().rev().map(|pt| (px(pt), range.map(pt.lo, r))));
            p.polygon(outline, color(s.color).mix(BAND_ALPHA))?;
        }
    }
    // Error bars of different series at one x are moved apart a little so
    // that they do not hide each other. Lines get thinner in drawing order,
    // so where scenarios coincide each later line runs inside the earlier
    // ones and every colour stays in sight.
    let barred = series.iter().filter(|s| s.bars).count() as i32;
    let lined = series.len() as i32 - barred;
    let (mut k, mut j) = (0, 0);
    for s in series {
        let col = color(s.color).to_rgba();
        let dodge = if s.bars {
            k += 1;
            (2 * (k - 1) - (barred - 1)) * 4
        } else {
            0
        };
        let width = if s.bars {
            2
        } else {
            j += 1;
            2 + (lined - j).min(4) as u32
        };
        let px = |pt: &Point| px(pt) + dodge;
        for run in runs(&s.points, |pt| pt.y.is_finite()) {
            let line: Vec<(i32, i32)> = run.iter().map(|pt| (px(pt), range.map(pt.y, r))).collect();
            if line.len() == 1 {
                p.dot(line[0], width as i32, col)?;
            } else {
                p.line(line, col, width)?;
            }
        }
        if s.bars {
            for pt in s.points.iter().filter(|pt| pt.y.is_finite()) {
                let x = px(pt);
                if pt.lo.is_finite() && pt.hi.is_finite() {
                    let (top, bottom) = (range.map(pt.hi, r), range.map(pt.lo, r));
                    p.line(vec![(x, top), (x, bottom)], col, 2)?;
                    p.line(vec![(x - 6, top), (x + 6, top)], col, 2)?;
                    p.line(vec![(x - 6, bottom), (x + 6, bottom)], col, 2)?;
                }
                p.dot((x, range.map(pt.y, r)), 4, col)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_would_overlap_go_to_the_next_row() {
        // Three labels close together and one far away.
        let spans = [(100, 300), (120, 220), (140, 200), (700, 800)];
        assert_eq!(stack_labels(&spans, 3, 10), Some(vec![0, 1, 2, 0]));
        assert_eq!(stack_labels(&spans, 2, 10), None);
        assert_eq!(stack_labels(&[(0, 50), (55, 90)], 1, 10), None);
        assert_eq!(stack_labels(&[(0, 50), (60, 90)], 1, 10), Some(vec![0, 0]));
    }

    #[test]
    fn missing_values_split_a_series_into_runs() {
        let pt = |y: f64| Point { x: 0.0, y, lo: y, hi: y };
        let points = [pt(1.0), pt(2.0), pt(f64::NAN), pt(3.0), pt(f64::NAN), pt(f64::NAN), pt(4.0), pt(5.0)];
        let lengths: Vec<usize> = runs(&points, |p| p.y.is_finite()).iter().map(|r| r.len()).collect();
        assert_eq!(lengths, [2, 1, 2]);
    }

    #[test]
    fn vertical_ranges_start_at_zero_and_end_on_a_round_number() {
        let s = |ys: &[f64]| Series {
            color: 0,
            points: ys.iter().map(|&y| Point { x: 0.0, y, lo: y * 0.9, hi: y * 1.1 }).collect(),
            bars: false,
        };
        let linear = fit(Scale::Linear, extent(&[s(&[3.0, 47.0])], Scale::Linear), 5);
        assert_eq!((linear.min, linear.max), (0.0, 60.0));
        let log = fit(Scale::Log, extent(&[s(&[0.04, 0.0, 30.0])], Scale::Log), 5);
        assert_eq!((log.min, log.max), (-2.0, 2.0));
        // A band reaching below zero does not pull the axis down.
        let below = Series { color: 0, points: vec![Point { x: 0.0, y: 1.0, lo: -3.0, hi: 5.0 }], bars: false };
        let clipped = fit(Scale::Linear, extent(&[below], Scale::Linear), 5);
        assert_eq!((clipped.min, clipped.max), (0.0, 5.0));
        let share = fit(Scale::Share, extent(&[s(&[0.2, 0.95])], Scale::Share), 5);
        let labels: Vec<String> = share.ticks(4).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["0%", "25%", "50%", "75%", "100%"]);
        assert_eq!(log.ticks(4).iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["0.01", "0.1", "1", "10", "100"]);
        assert_eq!(log.ticks(2).iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["0.01", "1", "100"]);
        let empty = fit(Scale::Linear, extent(&[s(&[f64::NAN])], Scale::Linear), 5);
        assert!(!empty.data);
    }

    #[test]
    fn words_wrap_to_the_width() {
        let items: Vec<String> = ["aaaa", "bb", "cccccc", "d"].iter().map(|s| s.to_string()).collect();
        let lines = wrap(&items, " ", 8, |s| Ok(s.len() as i32)).unwrap();
        assert_eq!(lines, ["aaaa bb", "cccccc d"]);
    }
}
