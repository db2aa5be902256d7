//! Painting a chart description, as a PNG through plotters' bitmap backend
//! or as SVG text written here.
//!
//! Charts are described as data ([`Chart`]: panels of series, a time or
//! value axis, a legend, markers, shaded spans) and laid out once per
//! [`Format`]: wide (1200 px, the PNG and the report on a desktop or a
//! projector) or narrow (520 px, the report on a phone, panels stacked in
//! one column, axis titles above the panels). Text is sized in CSS pixels
//! of the picture: at least 15 px, so the wide picture shown 1200 px wide
//! has 15-px text and the narrow one shown on a 390-px phone (358 px of
//! picture) has text of at least 10 px.
//!
//! The layout is computed in pixels rather than left to the plotting
//! library's chart builder because the charts need things it does not
//! place well: ticks on round clock times with the date under midnight,
//! one legend for a grid of panels, and intervention labels that never
//! overlap each other or the data. The SVG is written here, not by the
//! plotting library, so a line's dash pattern is a real
//! `stroke-dasharray`, each series is a group named after it, and font
//! sizes are the pixels asked for.

use super::axis::{self, ClockTick};
use super::html::escape;
use crate::units::Date;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform};
use std::cell::RefCell;
use std::fmt::Write as _;

/// Width of a chart drawn for a wide page (and of its PNG), in pixels.
pub(crate) const WIDE: i32 = 1200;
/// Width of a chart drawn for a phone, in pixels.
pub(crate) const NARROW: i32 = 520;

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

/// Dash patterns (on, off, ... in pixels), one per look: where the lines
/// of two scenarios coincide, the later one's gaps show the earlier one.
const DASHES: [&[f64]; 8] = [
    &[],
    &[11.0, 6.0],
    &[3.0, 4.0],
    &[15.0, 4.0, 3.0, 4.0],
    &[7.0, 3.0],
    &[2.0, 7.0],
    &[20.0, 5.0],
    &[9.0, 3.0, 2.0, 3.0, 2.0, 3.0],
];

/// Spacing of the glyphs along a line, in pixels; each look starts at its
/// own offset, so coinciding lines show each one's glyphs.
const GLYPH_SPACING: f64 = 96.0;

const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(80, 80, 80);
const GRID: RGBColor = RGBColor(225, 225, 225);
const FRAME: RGBColor = RGBColor(150, 150, 150);
const MARKER: RGBColor = RGBColor(100, 100, 100);
const STRIP_BACKGROUND: RGBColor = RGBColor(243, 243, 243);
const SHADE_GREY: RGBColor = RGBColor(120, 120, 120);

/// Opacity of a confidence band: light enough that the lines of other
/// scenarios show through it.
const BAND_ALPHA: f64 = 0.18;
/// Opacity of a shaded span of time (a closure, a leak).
const SHADE_ALPHA: f64 = 0.10;

/// The colour of palette entry `i` (wrapping around after eight series).
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The dash pattern of look `i` (empty: solid).
pub(crate) fn dash(i: usize) -> &'static [f64] {
    DASHES[i % DASHES.len()]
}

/// How a series is drawn: its colour, dash pattern and glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    /// Palette index.
    pub color: usize,
    /// Dash pattern and glyph index.
    pub pattern: usize,
}

impl Look {
    /// The look of scenario (or quantity) `i`: its own colour, dash
    /// pattern and glyph.
    pub(crate) fn of(i: usize) -> Look {
        Look { color: i, pattern: i }
    }
}

/// A legend entry: a label and how its series looks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    /// The text.
    pub label: String,
    /// Colour, dash and glyph of the swatch.
    pub look: Look,
    /// A filled block (a shaded span) rather than a line.
    pub block: bool,
}

impl Key {
    pub(crate) fn line(label: impl Into<String>, look: Look) -> Key {
        Key { label: label.into(), look, block: false }
    }
}

/// A chart to paint.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// File stem, also names the chart in errors.
    pub stem: String,
    /// Title across the top.
    pub title: String,
    /// Legend entries.
    pub legend: Vec<Key>,
    /// Whether legend swatches show a marker with error bars rather than a
    /// line with a band.
    pub legend_bars: bool,
    /// The horizontal axis, shared by every panel.
    pub x: XAxis,
    /// Panels, filled row by row into `columns` columns (one column when
    /// narrow).
    pub panels: Vec<Panel>,
    /// Columns of the panel grid on a wide page.
    pub columns: usize,
    /// Whether plot panels of one scale use one vertical range (so their
    /// heights compare).
    pub share_y: bool,
    /// Vertical marker lines.
    pub markers: Vec<Marker>,
    /// A line of explanation under the chart.
    pub note: Option<String>,
}

/// A labelled moment on the x axis: an intervention, an event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    /// Position on the x axis.
    pub at: f64,
    /// The label.
    pub label: String,
    /// Palette indices of the scenarios it belongs to, shown as coloured
    /// chips before the label and as the line's colour; empty when it
    /// belongs to every scenario in the chart (drawn grey).
    pub owners: Vec<usize>,
}

/// A shaded span of the x axis in a panel (a closure, a leak window).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shade {
    /// Start, on the x axis.
    pub from: f64,
    /// End, on the x axis.
    pub to: f64,
    /// Palette index, or grey.
    pub color: Option<usize>,
    /// `None`: light shading over the panel's height; `Some(k)`: a solid
    /// bar along the top of the panel, in row `k` (saying whose a grey
    /// span is when several scenarios are shown).
    pub bar: Option<usize>,
}

impl Shade {
    pub(crate) fn span(from: f64, to: f64, color: Option<usize>) -> Shade {
        Shade { from, to, color, bar: None }
    }
}

/// The horizontal axis.
#[derive(Debug, Clone)]
pub(crate) enum XAxis {
    /// Simulated time from `start` to `end` seconds, labelled with clock
    /// times on `date` (or elapsed time without one).
    Clock {
        /// Start of the axis, seconds.
        start: f64,
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
    /// Keys after the heading, for panels whose series are quantities
    /// rather than scenarios.
    pub keys: Vec<Key>,
    /// Share of the chart's height, relative to the other panels of its
    /// column.
    pub weight: f64,
    /// What it shows.
    pub content: Content,
    /// Spans shaded behind the data.
    pub shades: Vec<Shade>,
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
    /// Seconds, labelled as durations ("30 min", "1 h 30") on round ones.
    Duration,
}

/// A data series.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// What it is (a scenario, a quantity): names its group in the SVG.
    pub name: String,
    /// Colour, dash and glyph.
    pub look: Look,
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

/// The two layouts of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// 1200 px wide: a desktop page, a projector, the PNG.
    Wide,
    /// 520 px wide, one column of panels: a phone.
    Narrow,
}

impl Format {
    pub(crate) fn width(self) -> i32 {
        match self {
            Format::Wide => WIDE,
            Format::Narrow => NARROW,
        }
    }
}

/// Font sizes, in CSS pixels of the picture (see the module's doc).
pub(crate) const TITLE_SIZE: f64 = 22.0;
pub(crate) const TEXT_SIZE: f64 = 17.0;
pub(crate) const TICK_SIZE: f64 = 16.0;
pub(crate) const NOTE_SIZE: f64 = 15.0;

/// Layout constants, in pixels.
const MARGIN: i32 = 14;
const TITLE_ROW: i32 = 28;
const LEGEND_ROW: i32 = 26;
const MARKER_ROW: i32 = 21;
const HEADING_ROW: i32 = 23;
const PANEL_GAP: i32 = 12;
const TICK_ROW: i32 = 21;
const NOTE_ROW: i32 = 20;
const MIN_TICK_GAP: f64 = 86.0;
/// Room right of the plots for the last tick label's half.
const RIGHT_PAD: i32 = 28;
/// The standard wide chart's height; taller only when panels need it.
pub(crate) const WIDE_HEIGHT: i32 = 600;

/// A font: size in pixels, weight, colour and anchor.
#[derive(Clone, Copy)]
struct Font {
    size: f64,
    bold: bool,
    color: RGBColor,
    h: HPos,
    v: VPos,
    rotated: bool,
}

impl Font {
    fn new(size: f64) -> Font {
        Font { size, bold: false, color: INK, h: HPos::Left, v: VPos::Top, rotated: false }
    }
    fn bold(self) -> Font {
        Font { bold: true, ..self }
    }
    fn color(self, color: RGBColor) -> Font {
        Font { color, ..self }
    }
    fn at(self, h: HPos, v: VPos) -> Font {
        Font { h, v, ..self }
    }
    fn rotated(self) -> Font {
        Font { rotated: true, ..self }
    }
    /// plotters' font size: it draws text at `size / 1.24` pixels per em.
    fn desc(&self) -> FontDesc<'static> {
        let style = if self.bold { FontStyle::Bold } else { FontStyle::Normal };
        FontDesc::new(FontFamily::SansSerif, self.size * 1.24, style)
    }
}

/// The width of `text` in `font`, in pixels.
fn measure(text: &str, font: &Font) -> Result<i32, Fail> {
    font.desc().box_size(text).map(|(w, _)| w as i32).map_err(|e| e.to_string())
}

/// A pixel rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

/// What a chart is painted on: a bitmap or SVG text.
trait Canvas {
    fn text(&self, text: &str, font: &Font, at: (i32, i32)) -> Result<(), Fail>;
    fn path(&self, points: &[(i32, i32)], color: RGBColor, alpha: f64, width: f64, dash: &[f64]) -> Result<(), Fail>;
    fn rect(&self, r: Rect, color: RGBColor, alpha: f64, filled: bool) -> Result<(), Fail>;
    fn polygon(&self, points: &[(i32, i32)], color: RGBColor, alpha: f64) -> Result<(), Fail>;
    fn circle(&self, at: (i32, i32), radius: i32, color: RGBColor, filled: bool) -> Result<(), Fail>;
    /// Starts a named group (a series): only the SVG keeps it.
    fn begin(&self, _class: &str, _name: &str) {}
    fn end(&self) {}
}

/// A plotters drawing area as a canvas.
struct Plotters<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
}

impl<DB: DrawingBackend> Canvas for Plotters<'_, DB> {
    fn text(&self, text: &str, font: &Font, at: (i32, i32)) -> Result<(), Fail> {
        let mut style = TextStyle::from(font.desc()).color(&font.color).pos(Pos::new(font.h, font.v));
        if font.rotated {
            style = style.transform(FontTransform::Rotate270);
        }
        self.area.draw_text(text, &style, at).map_err(|e| e.to_string())
    }

    fn path(&self, points: &[(i32, i32)], color: RGBColor, alpha: f64, width: f64, dash: &[f64]) -> Result<(), Fail> {
        let style = ShapeStyle { color: color.mix(alpha), filled: false, stroke_width: width.round().max(1.0) as u32 };
        for piece in dashes(points, dash) {
            self.area.draw(&PathElement::new(piece, style)).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn rect(&self, r: Rect, color: RGBColor, alpha: f64, filled: bool) -> Result<(), Fail> {
        let style = ShapeStyle { color: color.mix(alpha), filled, stroke_width: 1 };
        self.area.draw(&Rectangle::new([(r.left, r.top), (r.right, r.bottom)], style)).map_err(|e| e.to_string())
    }

    fn polygon(&self, points: &[(i32, i32)], color: RGBColor, alpha: f64) -> Result<(), Fail> {
        let style = ShapeStyle { color: color.mix(alpha), filled: true, stroke_width: 0 };
        self.area.draw(&Polygon::new(points.to_vec(), style)).map_err(|e| e.to_string())
    }

    fn circle(&self, at: (i32, i32), radius: i32, color: RGBColor, filled: bool) -> Result<(), Fail> {
        let style = ShapeStyle { color: color.to_rgba(), filled, stroke_width: 2 };
        self.area.draw(&Circle::new(at, radius, style)).map_err(|e| e.to_string())
    }
}

/// SVG text, element by element.
pub(crate) struct Svg {
    out: RefCell<String>,
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn points_attr(points: &[(i32, i32)]) -> String {
    let mut s = String::with_capacity(points.len() * 8);
    for (i, (x, y)) in points.iter().enumerate() {
        let _ = write!(s, "{}{x},{y}", if i > 0 { " " } else { "" });
    }
    s
}

fn opacity(attr: &str, alpha: f64) -> String {
    if alpha >= 1.0 { String::new() } else { format!(" {attr}=\"{alpha:.2}\"") }
}

impl Svg {
    fn new(width: i32, height: i32) -> Svg {
        let out = format!(
            "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
             xmlns=\"http://www.w3.org/2000/svg\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n\
             <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>\n"
        );
        Svg { out: RefCell::new(out) }
    }

    fn finish(self) -> String {
        let mut out = self.out.into_inner();
        out.push_str("</svg>\n");
        out
    }

    fn push(&self, s: &str) {
        self.out.borrow_mut().push_str(s);
    }
}

impl Canvas for Svg {
    fn text(&self, text: &str, font: &Font, (x, y): (i32, i32)) -> Result<(), Fail> {
        let anchor = match font.h {
            HPos::Left => "start",
            HPos::Center => "middle",
            HPos::Right => "end",
        };
        let dy = match font.v {
            VPos::Top => "0.76em",
            VPos::Center => "0.35em",
            VPos::Bottom => "-0.24em",
        };
        let weight = if font.bold { " font-weight=\"bold\"" } else { "" };
        let rotate = if font.rotated { format!(" transform=\"rotate(270, {x}, {y})\"") } else { String::new() };
        self.push(&format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"{dy}\" text-anchor=\"{anchor}\" font-size=\"{}\"{weight} fill=\"{}\"{rotate}>{}</text>\n",
            font.size,
            hex(font.color),
            escape(text)
        ));
        Ok(())
    }

    fn path(&self, points: &[(i32, i32)], color: RGBColor, alpha: f64, width: f64, dash: &[f64]) -> Result<(), Fail> {
        let dasharray = if dash.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = dash.iter().map(|d| format!("{d}")).collect();
            format!(" stroke-dasharray=\"{}\"", parts.join(" "))
        };
        self.push(&format!(
            "<polyline fill=\"none\" stroke=\"{}\"{} stroke-width=\"{width}\"{dasharray} stroke-linejoin=\"round\" points=\"{}\"/>\n",
            hex(color),
            opacity("stroke-opacity", alpha),
            points_attr(points)
        ));
        Ok(())
    }

    fn rect(&self, r: Rect, color: RGBColor, alpha: f64, filled: bool) -> Result<(), Fail> {
        let paint = if filled {
            format!("fill=\"{}\"{}", hex(color), opacity("fill-opacity", alpha))
        } else {
            format!("fill=\"none\" stroke=\"{}\"{}", hex(color), opacity("stroke-opacity", alpha))
        };
        self.push(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}/>\n",
            r.left,
            r.top,
            r.right - r.left,
            r.bottom - r.top
        ));
        Ok(())
    }

    fn polygon(&self, points: &[(i32, i32)], color: RGBColor, alpha: f64) -> Result<(), Fail> {
        self.push(&format!(
            "<polygon fill=\"{}\"{} points=\"{}\"/>\n",
            hex(color),
            opacity("fill-opacity", alpha),
            points_attr(points)
        ));
        Ok(())
    }

    fn circle(&self, (x, y): (i32, i32), radius: i32, color: RGBColor, filled: bool) -> Result<(), Fail> {
        let paint = if filled {
            format!("fill=\"{}\"", hex(color))
        } else {
            format!("fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"2\"", hex(color))
        };
        self.push(&format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"{radius}\" {paint}/>\n"));
        Ok(())
    }

    fn begin(&self, class: &str, name: &str) {
        self.push(&format!("<g class=\"{class}\" data-series=\"{}\">\n", escape(name)));
    }

    fn end(&self) {
        self.push("</g>\n");
    }
}

/// Splits a polyline into the pieces a dash pattern draws (the whole line
/// when the pattern is empty).
fn dashes(points: &[(i32, i32)], pattern: &[f64]) -> Vec<Vec<(i32, i32)>> {
    if pattern.is_empty() || points.len() < 2 {
        return vec![points.to_vec()];
    }
    let mut out: Vec<Vec<(i32, i32)>> = Vec::new();
    let (mut k, mut left, mut on) = (0usize, pattern[0], true);
    let mut current: Vec<(i32, i32)> = vec![points[0]];
    for w in points.windows(2) {
        let (a, b) = ((f64::from(w[0].0), f64::from(w[0].1)), (f64::from(w[1].0), f64::from(w[1].1)));
        let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut done = 0.0;
        while length - done > left {
            done += left;
            let t = done / length;
            let at = ((a.0 + (b.0 - a.0) * t).round() as i32, (a.1 + (b.1 - a.1) * t).round() as i32);
            if on {
                current.push(at);
                out.push(std::mem::take(&mut current));
            } else {
                current = vec![at];
            }
            on = !on;
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        left -= length - done;
        if on {
            current.push(w[1]);
        }
    }
    if on && current.len() > 1 {
        out.push(current);
    }
    out
}

/// Points every `spacing` pixels along a polyline, the first `offset`
/// pixels from its start.
fn along(points: &[(i32, i32)], spacing: f64, offset: f64) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    let mut next = offset;
    let mut travelled = 0.0;
    for w in points.windows(2) {
        let (a, b) = ((f64::from(w[0].0), f64::from(w[0].1)), (f64::from(w[1].0), f64::from(w[1].1)));
        let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        while next <= travelled + length && length > 0.0 {
            let t = (next - travelled) / length;
            out.push(((a.0 + (b.0 - a.0) * t).round() as i32, (a.1 + (b.1 - a.1) * t).round() as i32));
            next += spacing;
        }
        travelled += length;
    }
    out
}

/// Draws glyph `pattern` (circle, square, triangle, diamond, ...) centred
/// at `at`.
fn glyph(c: &dyn Canvas, at: (i32, i32), pattern: usize, color: RGBColor) -> Result<(), Fail> {
    let (x, y) = at;
    let r = 5;
    match pattern % 4 {
        0 => c.circle(at, r - 1, color, pattern >= 4),
        1 => {
            let square =
                [(x - r + 1, y - r + 1), (x + r - 1, y - r + 1), (x + r - 1, y + r - 1), (x - r + 1, y + r - 1)];
            c.polygon(&square, color, 1.0)
        }
        2 => c.polygon(&[(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)], color, 1.0),
        _ => c.polygon(&[(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)], color, 1.0),
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

/// A piece of a line of text: chips of colour before it, then the text.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    chips: Vec<Look>,
    text: String,
}

const CHIP: i32 = 14;
const CHIP_GAP: i32 = 4;

impl Piece {
    fn text(text: impl Into<String>) -> Piece {
        Piece { chips: Vec::new(), text: text.into() }
    }
    fn width(&self, font: &Font) -> Result<i32, Fail> {
        Ok(self.chips.len() as i32 * (CHIP + CHIP_GAP) + measure(&self.text, font)?)
    }
}

/// Greedy wrap of `items` (each kept whole) separated by `gap` pixels into
/// lines no wider than `width`.
/// Words (pieces without chips) that end up next to each other on a line
/// become one text, joined by spaces.
fn wrap_pieces(items: Vec<Piece>, gap: i32, width: i32, font: &Font) -> Result<Vec<Vec<Piece>>, Fail> {
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    let mut used = 0;
    for item in items {
        let w = item.width(font)?;
        match lines.last_mut() {
            Some(line) if !line.is_empty() && used + gap + w <= width => {
                used += gap + w;
                match line.last_mut() {
                    Some(last) if item.chips.is_empty() => {
                        last.text.push(' ');
                        last.text.push_str(&item.text);
                    }
                    _ => line.push(item),
                }
            }
            _ => {
                used = w;
                lines.push(vec![item]);
            }
        }
    }
    Ok(lines)
}

/// Greedy word wrap of `text` into lines no wider than `width`.
fn wrap_words(text: &str, width: i32, font: &Font) -> Result<Vec<String>, Fail> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match lines.last_mut() {
            Some(line) if measure(&format!("{line} {word}"), font)? <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    Ok(lines)
}

/// Draws a line of pieces from `x` with its top at `y`; returns the x
/// after it.
fn draw_pieces(c: &dyn Canvas, pieces: &[Piece], gap: i32, font: &Font, (x, y): (i32, i32)) -> Result<i32, Fail> {
    let mut x = x;
    let mid = y + (font.size * 0.6) as i32;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            x += gap;
        }
        for look in &piece.chips {
            c.rect(
                Rect { left: x, top: mid - CHIP / 2, right: x + CHIP, bottom: mid + CHIP / 2 },
                color(look.color),
                1.0,
                true,
            )?;
            x += CHIP + CHIP_GAP;
        }
        c.text(&piece.text, &font.at(HPos::Left, VPos::Top), (x, y))?;
        x += measure(&piece.text, font)?;
    }
    Ok(x)
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
///
/// On a log scale the upper edges count up to a decade above the largest
/// mean: with three replications an interval of the logarithms of values
/// spread over decades reaches far beyond them, and following it would
/// squash the data into the bottom of the panel; the band is cut at the
/// top instead.
fn extent(series: &[Series], scale: Scale) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut top = f64::NEG_INFINITY;
    let usable = |v: f64| v.is_finite() && (scale != Scale::Log || v > 0.0);
    for p in series.iter().flat_map(|s| &s.points) {
        if usable(p.y) {
            lo = lo.min(p.y);
            hi = hi.max(p.y);
            if usable(p.hi) {
                top = top.max(p.hi);
            }
        }
    }
    let top = if scale == Scale::Log { top.min(hi * 10.0) } else { top };
    (lo <= hi).then_some((lo, hi.max(top)))
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
        Scale::Duration => {
            let (_, hi) = extent.unwrap_or((0.0, 60.0));
            let max = axis::duration_ceiling(hi.max(1.0), target);
            YRange { scale, min: 0.0, max, data }
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
            Scale::Duration => axis::duration_ticks(self.max, target),
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
            XAxis::Clock { start, end, .. } => XMap { min: *start, max: end.max(start + 1.0) },
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
        XAxis::Clock { start, end, date } => axis::clock_ticks(*start, *end, f64::from(width), MIN_TICK_GAP, *date)
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
        XAxis::Clock { start, end, date: Some(d) }
            if start.div_euclid(86_400.0) == (end - 1.0).div_euclid(86_400.0) =>
        {
            format!("clock time on {}", d.plus_days(start.div_euclid(86_400.0) as i64))
        }
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

/// Where everything goes, computed before anything is drawn (the picture's
/// height depends on it).
struct Plan {
    width: i32,
    height: i32,
    title: Vec<String>,
    legend_top: i32,
    legend: Vec<Vec<(i32, usize)>>,
    strip_top: i32,
    /// Marker labels placed above the panels: (left, row, text right of
    /// the line), one per visible marker; `None`: numbers and a key.
    placed: Option<Vec<(i32, usize, bool)>>,
    visible: Vec<usize>,
    /// Per panel: its rectangle, its heading lines, and whether its y
    /// label is drawn rotated at its left.
    rects: Vec<Rect>,
    headings: Vec<Vec<Vec<Piece>>>,
    rotated_label: Vec<bool>,
    /// Per column: a y label shared by its panels, and its extent.
    /// y labels drawn once across a run of panels: the label and the
    /// panels.
    shared_labels: Vec<(String, Vec<usize>)>,
    ranges: Vec<Option<YRange>>,
    targets: Vec<usize>,
    columns: usize,
    grid_bottom: i32,
    second_tick_line: bool,
    footer: Vec<Vec<Piece>>,
}

fn title_font() -> Font {
    Font::new(TITLE_SIZE).bold().at(HPos::Center, VPos::Top)
}
fn text_font() -> Font {
    Font::new(TEXT_SIZE)
}
fn tick_font() -> Font {
    Font::new(TICK_SIZE).color(MUTED)
}
fn note_font() -> Font {
    Font::new(NOTE_SIZE).color(MUTED)
}
fn label_font() -> Font {
    Font::new(NOTE_SIZE)
}
fn y_title_font() -> Font {
    Font::new(TICK_SIZE).at(HPos::Center, VPos::Center).rotated()
}

fn y_label_of(panel: &Panel) -> Option<&str> {
    match &panel.content {
        Content::Plot { y_label, .. } if !y_label.is_empty() => Some(y_label),
        _ => None,
    }
}

/// The clock text of a marker: "09:12", "2 Apr 01:00".
fn marker_time(axis: &XAxis, x: f64) -> String {
    match axis {
        XAxis::Clock { date, .. } => crate::verdict::format::clock(x, *date),
        XAxis::Value { .. } => axis::tick_label(x, 0.01, x.abs()),
    }
}

/// The vertical layout of the panels: their rectangles' tops and bottoms,
/// the picture's height and where the grid ends.
fn vertical(
    chart: &Chart,
    columns: usize,
    narrow: bool,
    top: i32,
    bottom_space: i32,
    headings: &[Vec<Vec<Piece>>],
) -> (Vec<Rect>, i32, i32) {
    let rows = chart.panels.len().div_ceil(columns).max(1);
    let in_row = |r: usize| r * columns..((r + 1) * columns).min(chart.panels.len());
    let row_weights: Vec<f64> =
        (0..rows).map(|r| chart.panels[in_row(r)].iter().map(|p| p.weight).fold(0.0, f64::max).max(0.1)).collect();
    let heading_rows = |r: usize| -> i32 { in_row(r).map(|i| headings[i].len() as i32).max().unwrap_or(0) };
    let fixed: i32 = (0..rows).map(|r| heading_rows(r) * HEADING_ROW).sum::<i32>()
        + PANEL_GAP * (rows as i32 - 1)
        + if rows > 1 && columns > 1 { (rows as i32 - 1) * TICK_ROW } else { 0 };
    let total_weight: f64 = row_weights.iter().sum();
    let (unit, least) = if narrow { (150.0, 250.0) } else { (130.0, 300.0) };
    let mut area = (total_weight * unit).max(least);
    let mut height = top + fixed + area.round() as i32 + bottom_space;
    if !narrow && height < WIDE_HEIGHT {
        area += f64::from(WIDE_HEIGHT - height);
        height = WIDE_HEIGHT;
    }
    let mut rects = vec![Rect { left: 0, top: 0, right: 0, bottom: 0 }; chart.panels.len()];
    let mut y = top;
    for (r, weight) in row_weights.iter().enumerate() {
        let head = heading_rows(r) * HEADING_ROW;
        let h = (area * weight / total_weight).round() as i32;
        for i in in_row(r) {
            rects[i] = Rect { left: 0, top: y + head, right: 0, bottom: y + head + h };
        }
        y += head + h + PANEL_GAP + if columns > 1 { TICK_ROW } else { 0 };
    }
    (rects, height, height - bottom_space)
}

/// A panel's heading: its title, `y_label` when given, and its keys.
fn heading(panel: &Panel, y_label: Option<&str>, width: i32) -> Result<Vec<Vec<Piece>>, Fail> {
    let text = match (panel.title.as_str(), y_label) {
        (title, None) => title.to_owned(),
        ("", Some(label)) => label.to_owned(),
        (title, Some(label)) => format!("{title} · {label}"),
    };
    let mut pieces: Vec<Piece> = text.split(' ').filter(|w| !w.is_empty()).map(Piece::text).collect();
    pieces.extend(panel.keys.iter().map(|k| Piece { chips: vec![k.look], text: k.label.clone() }));
    wrap_pieces(pieces, 6, width, &text_font())
}

fn plan(chart: &Chart, format: Format) -> Result<Plan, Fail> {
    let width = format.width();
    let narrow = format == Format::Narrow;
    let inner = width - 2 * MARGIN;
    let columns = if narrow { 1 } else { chart.columns.max(1) };
    let column_width = inner / columns as i32;

    // Title, wrapped.
    let title = wrap_words(&chart.title, inner, &title_font())?;
    let mut top = 10 + title.len() as i32 * TITLE_ROW + 4;

    // Legend, wrapped into rows.
    let legend_top = top;
    let mut legend: Vec<Vec<(i32, usize)>> = Vec::new();
    let mut row_width = 0;
    for (i, key) in chart.legend.iter().enumerate() {
        let w = 44 + measure(&key.label, &text_font())?;
        match legend.last_mut() {
            Some(row) if row_width + 22 + w <= inner => {
                row_width += 22 + w;
                row.push((w, i));
            }
            _ => {
                row_width = w;
                legend.push(vec![(w, i)]);
            }
        }
    }
    top += legend.len() as i32 * LEGEND_ROW + if legend.is_empty() { 0 } else { 4 };

    // The y axis' room, from the tick labels of a first fit of the ranges
    // (the labels hardly depend on the panels' final heights).
    let mut label_width = 0;
    for panel in &chart.panels {
        match &panel.content {
            Content::Plot { series, scale, .. } => {
                for (_, label) in fit(*scale, extent(series, *scale), 5).ticks(5) {
                    label_width = label_width.max(measure(&label, &tick_font())?);
                }
            }
            Content::Strip { label, .. } => {
                for line in label.lines() {
                    label_width = label_width.max(measure(line, &tick_font())?);
                }
            }
        }
    }
    let rotated_room = if narrow { 0 } else { 26 };
    let y_space = label_width + 12 + rotated_room;
    let plot_left = |i: usize| MARGIN + (i % columns) as i32 * column_width + y_space;
    let plot_right = |i: usize| MARGIN + ((i % columns) as i32 + 1) * column_width - RIGHT_PAD;
    let strip = Rect { left: plot_left(0), top, right: plot_right(0), bottom: top };
    let xmap = XMap::of(&chart.x);

    // Marker labels above the panels, when one column shares the x axis
    // with the label strip; otherwise numbers on the lines and a key below.
    let visible: Vec<usize> = (0..chart.markers.len()).filter(|&i| xmap.contains(chart.markers[i].at)).collect();
    let mut placed = None;
    if columns == 1 && !visible.is_empty() {
        let mut spans = Vec::new();
        let mut sides = Vec::new();
        for &i in &visible {
            let m = &chart.markers[i];
            let px = xmap.map(m.at, strip);
            let w = marker_piece(chart, m).width(&label_font())?;
            let right_side = px + 4 + w <= width - 4;
            sides.push(right_side);
            spans.push(if right_side { (px, px + 4 + w) } else { (px - 4 - w, px) });
        }
        if let Some(rows) = stack_labels(&spans, 3, 10)
            && spans.iter().all(|s| s.0 >= 4)
        {
            placed = Some(rows.into_iter().zip(sides).zip(&spans).map(|((r, side), s)| (s.0, r, side)).collect());
        }
    }
    let strip_top = top;
    let label_rows =
        placed.as_ref().map_or(0, |v: &Vec<(i32, usize, bool)>| v.iter().map(|p| p.1 + 1).max().unwrap_or(0));
    top += label_rows as i32 * MARKER_ROW + if label_rows > 0 { 6 } else { 0 };

    // The footer: the marker key (when labels cannot sit on the lines) and
    // the note, wrapped.
    let mut footer: Vec<Vec<Piece>> = Vec::new();
    if placed.is_none() && !visible.is_empty() {
        let mut items: Vec<Piece> = visible
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let mut piece = marker_piece(chart, &chart.markers[i]);
                piece.text = format!("({}) {}", k + 1, piece.text);
                piece
            })
            .collect();
        items.insert(0, Piece::text("Marked:"));
        footer.extend(wrap_pieces(items, 14, inner, &note_font())?);
    }
    if let Some(note) = &chart.note {
        for line in wrap_words(note, inner, &note_font())? {
            footer.push(vec![Piece::text(line)]);
        }
    }

    // Bottom: tick labels, the axis title, the footer.
    let second_tick_line = x_ticks(&chart.x, strip.right - strip.left).iter().any(|(_, _, d)| d.is_some());
    let bottom_space = 6
        + TICK_ROW
        + if second_tick_line { TICK_ROW - 2 } else { 0 }
        + 26
        + NOTE_ROW * footer.len() as i32
        + if footer.is_empty() { 4 } else { 8 };

    // Headings: the panel's title and keys, and on a phone its y label.
    // On a wide page the y label is drawn rotated at the left, once for a
    // column whose panels share it, and goes into the heading only when it
    // is longer than the panel is high.
    let heading_width = if narrow { column_width - 4 } else { column_width - y_space - 4 };
    let mut headings = Vec::with_capacity(chart.panels.len());
    for panel in &chart.panels {
        headings.push(heading(panel, if narrow { y_label_of(panel) } else { None }, heading_width)?);
    }
    let (mut rects, mut height, mut grid_bottom) = vertical(chart, columns, narrow, top, bottom_space, &headings);
    let mut rotated_label = vec![false; chart.panels.len()];
    let mut shared_labels = Vec::new();
    if !narrow {
        let mut moved = false;
        for c in 0..columns {
            // Runs of consecutive panels of the column with one y label
            // share it, drawn once across them when it fits their height.
            let in_column: Vec<usize> = (c..chart.panels.len()).step_by(columns).collect();
            let mut k = 0;
            while k < in_column.len() {
                let label = y_label_of(&chart.panels[in_column[k]]);
                let mut run = 1;
                while k + run < in_column.len()
                    && label.is_some()
                    && y_label_of(&chart.panels[in_column[k + run]]) == label
                {
                    run += 1;
                }
                let panels = &in_column[k..k + run];
                k += run;
                let Some(label) = label else { continue };
                let top = panels.iter().map(|&i| rects[i].top).min().unwrap_or(0);
                let bottom = panels.iter().map(|&i| rects[i].bottom).max().unwrap_or(0);
                if measure(label, &tick_font())? > bottom - top + 10 {
                    for &i in panels {
                        headings[i] = heading(&chart.panels[i], Some(label), heading_width)?;
                    }
                    moved = true;
                } else if run > 1 {
                    shared_labels.push((label.to_owned(), panels.to_vec()));
                } else {
                    rotated_label[panels[0]] = true;
                }
            }
        }
        if moved {
            (rects, height, grid_bottom) = vertical(chart, columns, narrow, top, bottom_space, &headings);
        }
    }
    for (i, r) in rects.iter_mut().enumerate() {
        r.left = plot_left(i);
        r.right = plot_right(i);
    }

    // Vertical ranges. Ticks about every 40 pixels; decade labels are
    // short, so on a log scale they may sit closer.
    let targets: Vec<usize> = chart
        .panels
        .iter()
        .zip(&rects)
        .map(|(p, r)| {
            let spacing = match &p.content {
                Content::Plot { scale: Scale::Log, .. } => 24,
                _ => 40,
            };
            ((r.bottom - r.top) / spacing).clamp(2, 10) as usize
        })
        .collect();
    let mut shared_extent: Vec<(Scale, Option<(f64, f64)>)> = Vec::new();
    if chart.share_y {
        for panel in &chart.panels {
            if let Content::Plot { series, scale, .. } = &panel.content {
                let e = extent(series, *scale);
                match shared_extent.iter_mut().find(|(s, _)| s == scale) {
                    Some((_, all)) => {
                        if let Some((lo, hi)) = e {
                            *all = Some(all.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
                        }
                    }
                    None => shared_extent.push((*scale, e)),
                }
            }
        }
    }
    let ranges: Vec<Option<YRange>> = chart
        .panels
        .iter()
        .zip(&targets)
        .map(|(p, target)| match &p.content {
            Content::Plot { series, scale, .. } => {
                let e = shared_extent.iter().find(|(s, _)| s == scale).map_or_else(|| extent(series, *scale), |x| x.1);
                Some(fit(*scale, e, *target))
            }
            Content::Strip { .. } => None,
        })
        .collect();

    Ok(Plan {
        width,
        height,
        title,
        legend_top,
        legend,
        strip_top,
        placed,
        visible,
        rects,
        headings,
        rotated_label,
        shared_labels,
        ranges,
        targets,
        columns,
        grid_bottom,
        second_tick_line,
        footer,
    })
}

/// A marker's label with its owners' chips: "■ 12:00 portal closed".
fn marker_piece(chart: &Chart, m: &Marker) -> Piece {
    let text = format!("{} {}", marker_time(&chart.x, m.at), m.label);
    Piece { chips: m.owners.iter().map(|&c| Look::of(c)).collect(), text }
}

/// The colour of a marker's line: its first owner's, or grey.
fn marker_color(m: &Marker) -> RGBColor {
    m.owners.first().map_or(MARKER, |&c| color(c))
}

/// The size a chart is drawn at in `format`.
pub(crate) fn size(chart: &Chart, format: Format) -> Result<(u32, u32), Fail> {
    let p = plan(chart, format)?;
    Ok((p.width as u32, p.height as u32))
}

/// Paints `chart` on a plotters area of [`size`].
pub(crate) fn paint<DB: DrawingBackend>(
    chart: &Chart,
    format: Format,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), Fail> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let plan = plan(chart, format)?;
    draw(chart, &plan, &Plotters { area })
}

/// The chart as SVG text.
pub(crate) fn svg(chart: &Chart, format: Format) -> Result<String, Fail> {
    let plan = plan(chart, format)?;
    let canvas = Svg::new(plan.width, plan.height);
    draw(chart, &plan, &canvas)?;
    Ok(canvas.finish())
}

/// A swatch of a line: its dash, a glyph in the middle and, for a line
/// with a band, the band's tint behind it.
fn swatch(c: &dyn Canvas, key: &Key, bars: bool, (x, y): (i32, i32)) -> Result<(), Fail> {
    let col = color(key.look.color);
    if key.block {
        return c.rect(Rect { left: x, top: y - 8, right: x + 36, bottom: y + 8 }, col, 0.35, true);
    }
    if bars {
        c.path(&[(x, y), (x + 36, y)], col, 1.0, 2.0, &[])?;
        c.path(&[(x + 18, y - 8), (x + 18, y + 8)], col, 1.0, 2.0, &[])?;
        return c.circle((x + 18, y), 4, col, true);
    }
    c.rect(Rect { left: x, top: y - 7, right: x + 36, bottom: y + 7 }, col, BAND_ALPHA, true)?;
    c.path(&[(x, y), (x + 36, y)], col, 1.0, 3.0, dash(key.look.pattern))?;
    glyph(c, (x + 18, y), key.look.pattern, col)
}

fn draw(chart: &Chart, plan: &Plan, c: &dyn Canvas) -> Result<(), Fail> {
    let width = plan.width;
    let xmap = XMap::of(&chart.x);
    let columns = plan.columns;

    // Title.
    for (k, line) in plan.title.iter().enumerate() {
        c.text(line, &title_font(), (width / 2, 10 + k as i32 * TITLE_ROW))?;
    }

    // Legend, centred.
    for (r, row) in plan.legend.iter().enumerate() {
        let total: i32 = row.iter().map(|(w, _)| *w).sum::<i32>() + 22 * (row.len() as i32 - 1);
        let mut x = (width - total) / 2;
        let y = plan.legend_top + r as i32 * LEGEND_ROW + LEGEND_ROW / 2;
        for (w, i) in row {
            let key = &chart.legend[*i];
            c.begin("legend", &key.label);
            swatch(c, key, chart.legend_bars, (x, y))?;
            c.text(&key.label, &text_font().at(HPos::Left, VPos::Center), (x + 44, y))?;
            c.end();
            x += w + 22;
        }
    }

    let markers: Vec<&Marker> = plan.visible.iter().map(|&i| &chart.markers[i]).collect();
    for (i, panel) in chart.panels.iter().enumerate() {
        let r = plan.rects[i];
        // Heading.
        // Headings start at the plot's left edge on a wide page, and at the
        // picture's margin on a phone, where the width is short.
        let heading_left = if plan.width == NARROW { column_left(plan, i) } else { r.left };
        for (k, line) in plan.headings[i].iter().enumerate() {
            let y = r.top - HEADING_ROW * (plan.headings[i].len() - k) as i32 + 1;
            draw_pieces(c, line, 6, &text_font(), (heading_left, y))?;
        }
        let ticks = x_ticks(&chart.x, r.right - r.left);
        // Shaded spans, then gridlines, then the frame under the data, so a
        // line along an edge stays visible.
        for s in panel.shades.iter().filter(|s| s.bar.is_none()) {
            let (x0, x1) = (xmap.map(s.from, r), xmap.map(s.to, r));
            if x1 > x0 {
                c.rect(Rect { left: x0, right: x1, ..r }, s.color.map_or(SHADE_GREY, color), SHADE_ALPHA, true)?;
            }
        }
        for (t, ..) in &ticks {
            let px = xmap.map(*t, r);
            c.path(&[(px, r.top), (px, r.bottom)], GRID, 1.0, 1.0, &[])?;
        }
        c.rect(r, FRAME, 1.0, false)?;
        for s in &panel.shades {
            let (x0, x1) = (xmap.map(s.from, r), xmap.map(s.to, r));
            if let Some(k) = s.bar
                && x1 > x0
            {
                let top = r.top + 1 + 6 * k as i32;
                c.rect(
                    Rect { left: x0, right: x1, top, bottom: top + 5 },
                    s.color.map_or(SHADE_GREY, color),
                    1.0,
                    true,
                )?;
            }
        }
        match &panel.content {
            Content::Plot { y_label, series, reference, .. } => {
                let range = plan.ranges[i].unwrap_or(fit(Scale::Linear, None, 4));
                for (v, label) in range.ticks(plan.targets[i]) {
                    let py = range.map(v, r);
                    c.path(&[(r.left, py), (r.right, py)], GRID, 1.0, 1.0, &[])?;
                    c.text(&label, &tick_font().at(HPos::Right, VPos::Center), (r.left - 6, py))?;
                }
                if plan.rotated_label[i] {
                    c.text(y_label, &y_title_font(), (column_left(plan, i) + 12, (r.top + r.bottom) / 2))?;
                }
                paint_markers(c, &markers, xmap, r)?;
                if let Some((v, label)) = reference {
                    let py = range.map(*v, r);
                    c.path(&[(r.left, py), (r.right, py)], INK, 0.7, 1.5, &[8.0, 5.0])?;
                    let font = label_font().color(MUTED).at(HPos::Right, VPos::Top);
                    c.text(label, &font, (r.right - 4, py + 3))?;
                }
                paint_series(c, series, range, xmap, r)?;
                if plan.placed.is_none() {
                    // Under the bars that say whose a closure was.
                    let bars = panel.shades.iter().filter_map(|s| s.bar).max().map_or(0, |k| 6 * (k as i32 + 1));
                    paint_marker_numbers(c, &markers, xmap, Rect { top: r.top + bars, ..r })?;
                }
                if !range.data {
                    let font = text_font().color(MUTED).at(HPos::Center, VPos::Center);
                    c.text("no observations", &font, ((r.left + r.right) / 2, (r.top + r.bottom) / 2))?;
                }
            }
            Content::Strip { label, rows } => {
                let n = rows.len().max(1) as i32;
                let row_h = ((r.bottom - r.top - 2) / n).max(2);
                for (k, (col, spans)) in rows.iter().enumerate() {
                    let y0 = r.top + 1 + k as i32 * row_h;
                    let band = Rect { left: r.left, top: y0 + 1, right: r.right, bottom: y0 + row_h - 1 };
                    c.rect(band, STRIP_BACKGROUND, 1.0, true)?;
                    for (a, b) in spans {
                        let (x0, x1) = (xmap.map(*a, r), xmap.map(*b, r));
                        c.rect(Rect { left: x0, right: x1.max(x0 + 1), ..band }, color(*col), 0.85, true)?;
                    }
                }
                paint_markers(c, &markers, xmap, r)?;
                let font = tick_font().color(INK).at(HPos::Right, VPos::Center);
                let lines: Vec<&str> = label.lines().collect();
                let mid = (r.top + r.bottom) / 2 - (lines.len() as i32 - 1) * 9;
                for (k, line) in lines.iter().enumerate() {
                    c.text(line, &font, (r.left - 6, mid + 18 * k as i32))?;
                }
            }
        }
        // Tick marks and labels under the panel: under every panel of the
        // bottom row, and under each row of a grid.
        let is_bottom_of_column = i + columns >= chart.panels.len();
        if is_bottom_of_column || columns > 1 {
            let font = Font::new(TICK_SIZE).at(HPos::Center, VPos::Top);
            let day_font = Font::new(NOTE_SIZE).color(MUTED).at(HPos::Center, VPos::Top);
            for (t, label, day) in &ticks {
                let px = xmap.map(*t, r);
                c.path(&[(px, r.bottom), (px, r.bottom + 4)], FRAME, 1.0, 1.0, &[])?;
                // A label at the left edge would run into the y axis' lowest
                // label: it starts at its tick instead.
                let (font, day_font) = if px - measure(label, &font)? / 2 < r.left - 4 {
                    (font.at(HPos::Left, VPos::Top), day_font.at(HPos::Left, VPos::Top))
                } else {
                    (font, day_font)
                };
                c.text(label, &font, (px, r.bottom + 6))?;
                if let Some(day) = day.as_ref().filter(|_| is_bottom_of_column) {
                    c.text(day, &day_font, (px, r.bottom + 6 + TICK_ROW - 1))?;
                }
            }
        }
    }

    // y labels shared by a column.
    for (label, panels) in &plan.shared_labels {
        let top = panels.iter().map(|&i| plan.rects[i].top).min().unwrap_or(0);
        let bottom = panels.iter().map(|&i| plan.rects[i].bottom).max().unwrap_or(0);
        c.text(label, &y_title_font(), (column_left(plan, panels[0]) + 12, (top + bottom) / 2))?;
    }

    // Marker labels in their strip, with a connector down to the panels.
    if let (Some(placed), Some(first)) = (&plan.placed, plan.rects.first()) {
        for (m, (left, row, right_side)) in markers.iter().zip(placed) {
            let px = xmap.map(m.at, *first);
            let y = plan.strip_top + *row as i32 * MARKER_ROW;
            let piece = marker_piece(chart, m);
            let text_x = if *right_side { px + 4 } else { *left };
            draw_pieces(c, &[piece], 0, &label_font(), (text_x, y))?;
            c.path(&[(px, y), (px, first.top)], marker_color(m), 0.9, 1.0, &[4.0, 3.0])?;
        }
    }

    // The x axis title, under the columns.
    let axis_y = plan.grid_bottom + 6 + TICK_ROW + if plan.second_tick_line { TICK_ROW - 2 } else { 0 } + 2;
    let (left, right) = (
        plan.rects.iter().map(|r| r.left).min().unwrap_or(0),
        plan.rects.iter().map(|r| r.right).max().unwrap_or(width),
    );
    c.text(&x_label(&chart.x), &Font::new(TICK_SIZE).at(HPos::Center, VPos::Top), ((left + right) / 2, axis_y))?;
    let mut fy = axis_y + 26;
    for line in &plan.footer {
        draw_pieces(c, line, 14, &note_font(), (MARGIN, fy))?;
        fy += NOTE_ROW;
    }
    Ok(())
}

/// The left edge of panel `i`'s column.
fn column_left(plan: &Plan, i: usize) -> i32 {
    let column_width = (plan.width - 2 * MARGIN) / plan.columns as i32;
    MARGIN + (i % plan.columns) as i32 * column_width
}

/// Marker lines through a panel, each in its owner's colour.
fn paint_markers(c: &dyn Canvas, markers: &[&Marker], xmap: XMap, r: Rect) -> Result<(), Fail> {
    for m in markers {
        let px = xmap.map(m.at, r);
        c.path(&[(px, r.top), (px, r.bottom)], marker_color(m), 0.9, 1.0, &[4.0, 3.0])?;
    }
    Ok(())
}

/// The markers' numbers at the top of a panel, when their labels are in
/// the key below the chart. Painted over the data on a white ground, so a
/// line along the top of the panel cannot hide them.
fn paint_marker_numbers(c: &dyn Canvas, markers: &[&Marker], xmap: XMap, r: Rect) -> Result<(), Fail> {
    let font = label_font();
    let mut spans = Vec::new();
    for (i, m) in markers.iter().enumerate() {
        let px = xmap.map(m.at, r);
        let w = measure(&format!("({})", i + 1), &font)?;
        let left = if px + 2 + w > r.right { px - 2 - w } else { px + 2 };
        spans.push((left, left + w));
    }
    let rows = stack_labels(&spans, 8, 2).unwrap_or_else(|| vec![0; spans.len()]);
    for (i, ((left, right), row)) in spans.iter().zip(rows).enumerate() {
        let top = r.top + 2 + row as i32 * 18;
        if top + 18 > r.bottom {
            continue;
        }
        c.rect(Rect { left: left - 1, top, right: right + 1, bottom: top + 17 }, WHITE, 1.0, true)?;
        c.text(&format!("({})", i + 1), &font, (*left, top))?;
    }
    Ok(())
}

/// Bands first (so no band hides a line), then lines or error bars.
fn paint_series(c: &dyn Canvas, series: &[Series], range: YRange, xmap: XMap, r: Rect) -> Result<(), Fail> {
    let px = |pt: &Point| xmap.map(pt.x, r);
    for s in series.iter().filter(|s| !s.bars) {
        c.begin("band", &s.name);
        for run in runs(&s.points, |pt| pt.lo.is_finite() && pt.hi.is_finite() && pt.y.is_finite()) {
            if run.len() < 2 {
                continue;
            }
            let mut outline: Vec<(i32, i32)> = run.iter().map(|pt| (px(pt), range.map(pt.hi, r))).collect();
            outline.extend(run.iter().rev().map(|pt| (px(pt), range.map(pt.lo, r))));
            c.polygon(&outline, color(s.look.color), BAND_ALPHA)?;
        }
        c.end();
    }
    // Error bars of different series at one x are moved apart a little so
    // that they do not hide each other. Lines after the first are dashed
    // and a little thinner, so where scenarios coincide every colour stays
    // in sight; glyphs along each line, at offsets of their own, say which
    // is which in greyscale too.
    let barred = series.iter().filter(|s| s.bars).count() as i32;
    let mut k = 0;
    for (j, s) in series.iter().enumerate() {
        let col = color(s.look.color);
        c.begin("series", &s.name);
        let dodge = if s.bars {
            k += 1;
            (2 * (k - 1) - (barred - 1)) * 4
        } else {
            0
        };
        let width = if s.bars || j > 0 { 2.5 } else { 3.0 };
        let px = |pt: &Point| px(pt) + dodge;
        for run in runs(&s.points, |pt| pt.y.is_finite()) {
            let line: Vec<(i32, i32)> = run.iter().map(|pt| (px(pt), range.map(pt.y, r))).collect();
            if line.len() == 1 {
                glyph(c, line[0], s.look.pattern, col)?;
            } else if !s.bars {
                c.path(&line, col, 1.0, width, dash(s.look.pattern))?;
                let offset = 12.0 + GLYPH_SPACING * (s.look.pattern % 5) as f64 / 5.0;
                for at in along(&line, GLYPH_SPACING, offset) {
                    glyph(c, at, s.look.pattern, col)?;
                }
            } else {
                c.path(&line, col, 1.0, 2.0, &[])?;
            }
        }
        if s.bars {
            for pt in s.points.iter().filter(|pt| pt.y.is_finite()) {
                let x = px(pt);
                if pt.lo.is_finite() && pt.hi.is_finite() {
                    let (top, bottom) = (range.map(pt.hi, r), range.map(pt.lo, r));
                    c.path(&[(x, top), (x, bottom)], col, 1.0, 2.0, &[])?;
                    c.path(&[(x - 6, top), (x + 6, top)], col, 1.0, 2.0, &[])?;
                    c.path(&[(x - 6, bottom), (x + 6, bottom)], col, 1.0, 2.0, &[])?;
                }
                c.circle((x, range.map(pt.y, r)), 4, col, true)?;
            }
        }
        c.end();
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
            name: String::new(),
            look: Look::of(0),
            points: ys.iter().map(|&y| Point { x: 0.0, y, lo: y * 0.9, hi: y * 1.1 }).collect(),
            bars: false,
        };
        let linear = fit(Scale::Linear, extent(&[s(&[3.0, 47.0])], Scale::Linear), 5);
        assert_eq!((linear.min, linear.max), (0.0, 60.0));
        let log = fit(Scale::Log, extent(&[s(&[0.04, 0.0, 30.0])], Scale::Log), 5);
        assert_eq!((log.min, log.max), (-2.0, 2.0));
        // A band reaching below zero does not pull the axis down.
        let below = Series {
            name: String::new(),
            look: Look::of(0),
            points: vec![Point { x: 0.0, y: 1.0, lo: -3.0, hi: 5.0 }],
            bars: false,
        };
        let clipped = fit(Scale::Linear, extent(&[below], Scale::Linear), 5);
        assert_eq!((clipped.min, clipped.max), (0.0, 5.0));
        let share = fit(Scale::Share, extent(&[s(&[0.2, 0.95])], Scale::Share), 5);
        let labels: Vec<String> = share.ticks(4).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["0%", "25%", "50%", "75%", "100%"]);
        assert_eq!(log.ticks(4).iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["0.01", "0.1", "1", "10", "100"]);
        assert_eq!(log.ticks(2).iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["0.01", "1", "100"]);
        let empty = fit(Scale::Linear, extent(&[s(&[f64::NAN])], Scale::Linear), 5);
        assert!(!empty.data);
        let waits = fit(Scale::Duration, extent(&[s(&[600.0, 5000.0])], Scale::Duration), 4);
        let labels: Vec<String> = waits.ticks(4).into_iter().map(|t| t.1).collect();
        // The band's top (5500 s) is on the axis too.
        assert_eq!(labels, ["0", "30 min", "1 h", "1 h 30", "2 h"]);
    }

    #[test]
    fn words_wrap_to_the_width() {
        crate::report::charts::fonts().unwrap();
        // Every word is narrower than 60 px at 15 px; three never fit in 60.
        let lines = wrap_words("aa bb cc dd", 60, &Font::new(15.0)).unwrap();
        assert!(lines.len() >= 2 && lines.iter().all(|l| l.split(' ').count() <= 2), "{lines:?}");
        assert_eq!(lines.join(" "), "aa bb cc dd");
    }

    #[test]
    fn a_dash_pattern_cuts_a_line_into_its_dashes() {
        let pieces = dashes(&[(0, 0), (100, 0)], &[10.0, 5.0]);
        // 100 px of 10 on, 5 off: dashes start at 0, 15, 30, ... 90.
        assert_eq!(pieces.len(), 7);
        assert_eq!(pieces[0], [(0, 0), (10, 0)]);
        assert_eq!(pieces[1], [(15, 0), (25, 0)]);
        assert_eq!(pieces[6], [(90, 0), (100, 0)]);
        assert_eq!(dashes(&[(0, 0), (5, 5)], &[]), [[(0, 0), (5, 5)]]);
        // Glyphs every 40 px from 10 px in.
        assert_eq!(along(&[(0, 0), (50, 0), (50, 50)], 40.0, 10.0), [(10, 0), (50, 0), (50, 40)]);
    }
}
