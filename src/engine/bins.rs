//! The fixed-width bin a forward-running clock is in.

use crate::units::Seconds;

/// Which of `bins` fixed-width bins a forward-running clock is in:
/// `((now / width) as usize).min(bins - 1)`, exactly, remembered until
/// the clock can have left the bin.
///
/// A launch day files counts by bin at most of its events, and the
/// division and float-to-integer conversion cost more there than the
/// counting does. The bin's end is found with the same formula, so no
/// time lands in a different bin than the formula puts it in, however
/// the division rounds at a boundary.
#[derive(Debug, Clone, Copy)]
pub struct BinCursor {
    width: Seconds,
    last: usize,
    bin: usize,
    /// The bin holds for every time before this.
    until: Seconds,
}

impl BinCursor {
    /// Bins of `width` seconds, `bins` of them; times past the last bin's
    /// end fall in the last bin.
    pub fn new(width: Seconds, bins: usize) -> BinCursor {
        BinCursor { width, last: bins.saturating_sub(1), bin: 0, until: f64::NEG_INFINITY }
    }

    /// The bin of time `now`, which must not be before the time of the
    /// previous call.
    #[inline]
    pub fn at(&mut self, now: Seconds) -> usize {
        if now < self.until { self.bin } else { self.move_to(now) }
    }

    #[inline(never)]
    fn move_to(&mut self, now: Seconds) -> usize {
        let formula = |t: Seconds| ((t / self.width) as usize).min(self.last);
        let bin = formula(now);
        // The first time the formula gives a later bin: near (bin + 1) ×
        // width, give or take the rounding of the product and the
        // division. The formula never decreases with time, so every time
        // from `now` up to it is in `bin`.
        let mut until = f64::INFINITY;
        if !(self.width > 0.0 && self.width.is_finite()) {
            // No bin boundary to step to (none at all, or where stepping
            // through the floats would not end): the formula every time.
            until = f64::NEG_INFINITY;
        } else if bin < self.last {
            until = (bin + 1) as f64 * self.width;
            while formula(until) <= bin {
                until = until.next_up();
            }
            while formula(until.next_down()) > bin {
                until = until.next_down();
            }
        }
        self.bin = bin;
        self.until = until;
        bin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bin_cursor_agrees_with_the_formula_at_and_around_every_boundary() {
        // Widths whose multiples are not exact in binary, so the division
        // rounds across boundaries, and one that is.
        for (width, bins) in [(300.0, 97), (0.1, 1000), (1.0 / 3.0, 50), (60.0, 1441), (7e-3, 300)] {
            let formula = |t: f64| ((t / width) as usize).min(bins - 1);
            let mut cursor = BinCursor::new(width, bins);
            let mut times = Vec::new();
            for k in 0..=bins + 2 {
                let edge = k as f64 * width;
                let mut t = edge;
                for _ in 0..3 {
                    t = t.next_down();
                }
                for _ in 0..7 {
                    if t >= 0.0 {
                        times.push(t);
                    }
                    t = t.next_up();
                }
                times.push(edge + 0.5 * width);
            }
            times.sort_by(f64::total_cmp);
            for t in times {
                assert_eq!(cursor.at(t), formula(t), "width {width}, time {t:e}");
            }
            // Asked again at the same time, and long after the last bin.
            assert_eq!(cursor.at(1e12), bins - 1);
            assert_eq!(cursor.at(1e12), bins - 1);
        }
        // Widths no bin can be measured by: every time agrees with the
        // formula, and the cursor returns.
        for width in [f64::INFINITY, f64::NAN, 0.0, f64::MIN_POSITIVE] {
            let formula = |t: f64| ((t / width) as usize).min(9);
            let mut cursor = BinCursor::new(width, 10);
            for t in [0.0, 1.0, 1e300, f64::INFINITY] {
                assert_eq!(cursor.at(t), formula(t), "width {width}, time {t}");
            }
        }
    }
}
