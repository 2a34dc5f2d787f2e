//! How the row (or the column) of a key is found: `inconnu` and `autre`, then the rows
//! that take known keys — disjoint intervals searched on whole units, or every other
//! case scanned in file order.

use rust_decimal::Decimal;

use super::plan::{UNKNOWN, code};
use crate::rules::{Interval, RowMatch, Value};

/// How the row (or column) of a key is found.
#[derive(Debug, Clone)]
pub(super) struct Finder {
    /// The row of `inconnu`, and of `autre`.
    pub unknown: Option<usize>,
    pub other: Option<usize>,
    pub search: Search,
}

/// The rows that take known keys.
#[derive(Debug, Clone)]
pub(super) enum Search {
    /// Numeric intervals, disjoint, sorted by their low bound: a binary search, on
    /// whole numbers of units when the bounds allow it.
    Sorted(Vec<(Interval, usize)>, Option<Units>),
    /// Every other case, in file order: the first row that takes the key.
    Linear(Vec<(Taken, usize)>),
}

/// The known keys a row takes.
#[derive(Debug, Clone)]
pub(super) enum Taken {
    Interval(Interval),
    Numbers(Vec<Decimal>),
    Codes(Vec<i64>),
}

/// How to find the row of a key among `matches`; `ordered`: the key is a number or a
/// date (a day number), and its values are numbers.
pub(super) fn finder<'m>(matches: impl Iterator<Item = &'m RowMatch>, ordered: bool) -> Finder {
    let mut unknown = None;
    let mut other = None;
    let mut linear = Vec::new();
    for (i, m) in matches.enumerate() {
        match m {
            RowMatch::Unknown => unknown = unknown.or(Some(i)),
            RowMatch::Other => other = other.or(Some(i)),
            RowMatch::Interval(interval) => linear.push((Taken::Interval(*interval), i)),
            RowMatch::Values(values) => {
                let taken = if ordered {
                    Taken::Numbers(
                        values
                            .iter()
                            .filter_map(|v| match v {
                                Value::Number(n) => Some(*n),
                                Value::Date(day) => Some(crate::rules::day_number(*day)),
                                _ => None,
                            })
                            .collect(),
                    )
                } else {
                    Taken::Codes(values.iter().filter_map(code).collect())
                };
                linear.push((taken, i));
            }
        }
    }
    Finder {
        unknown,
        other,
        search: match sorted(&linear) {
            Some(intervals) => {
                let units = Units::new(&intervals);
                Search::Sorted(intervals, units)
            }
            None => Search::Linear(linear),
        },
    }
}

/// Sorted disjoint intervals as closed ranges of whole units of `10^-scale`: a key with
/// no more decimals than the bounds is a whole number of units, and `> 600` is `≥ 601`
/// units when the unit is the euro. Finding its row is then counting the ranges that
/// start at or below it, on integers.
#[derive(Debug, Clone)]
pub(super) struct Units {
    scale: u32,
    /// The first unit each range takes, ascending; `i64::MIN` without a low bound.
    lows: Vec<i64>,
    /// The last unit each range takes; `i64::MAX` without a high bound.
    highs: Vec<i64>,
    /// The row of each range.
    rows: Vec<usize>,
    /// When the bounds span at most [`DENSE_SPAN`] units: the row of each unit from
    /// `first - 1` (every unit below) to the last bound + 1 (every unit above), or
    /// [`NO_ROW`]; else empty.
    dense: Vec<u8>,
    /// The first unit that is a bound.
    first: i64,
}

/// The widest span of bounds read through a table of its units: 8 KB at most per grid
/// (a deliberation of a thousand grids stays within a few megabytes), a QF grid in
/// euros (a few thousand units) held in the first cache.
const DENSE_SPAN: i64 = 1 << 13;

/// A unit of [`Units::dense`] that no range takes (a grid of 255 rows or more is not
/// read through a table).
const NO_ROW: u8 = u8::MAX;

/// Bounds stay well inside `i64`, so that they never meet the `i64::MIN` and
/// `i64::MAX` that stand for an open end (and for a key beyond `i64`).
const UNITS_LIMIT: i128 = 1 << 62;

impl Units {
    fn new(intervals: &[(Interval, usize)]) -> Option<Units> {
        let bounds = intervals
            .iter()
            .flat_map(|(i, _)| i.low.into_iter().chain(i.high));
        let scale = bounds.map(|b| b.value.scale()).max().unwrap_or(0);
        if scale > 18 {
            return None;
        }
        let units = |b: crate::rules::Bound, shift: i128| -> Option<i64> {
            let n = to_units(b.value, scale)?.checked_add(shift)?;
            (-UNITS_LIMIT..=UNITS_LIMIT)
                .contains(&n)
                .then(|| i64::try_from(n).ok())
                .flatten()
        };
        let mut lows = Vec::with_capacity(intervals.len());
        let mut highs = Vec::with_capacity(intervals.len());
        for (interval, _) in intervals {
            lows.push(match interval.low {
                None => i64::MIN,
                Some(b) => units(b, if b.inclusive { 0 } else { 1 })?,
            });
            highs.push(match interval.high {
                None => i64::MAX,
                Some(b) => units(b, if b.inclusive { 0 } else { -1 })?,
            });
        }
        let rows = intervals.iter().map(|(_, row)| *row).collect();
        let mut units = Units {
            scale,
            lows,
            highs,
            rows,
            dense: Vec::new(),
            first: 0,
        };
        units.densify();
        Some(units)
    }

    /// Fills [`Units::dense`] when the bounds are close enough: below the first bound
    /// and above the last, every unit takes the same range.
    fn densify(&mut self) {
        let finite = |b: &&i64| **b != i64::MIN && **b != i64::MAX;
        let bounds = || self.lows.iter().chain(&self.highs).filter(finite);
        let (Some(&first), Some(&last)) = (bounds().min(), bounds().max()) else {
            return;
        };
        if last - first >= DENSE_SPAN || self.rows.iter().any(|&r| r >= usize::from(NO_ROW)) {
            return;
        }
        // Bounds stay within ±2^62: `first - 1` and `last + 1` are `i64`.
        self.dense = (first - 1..=last + 1)
            .map(|unit| self.counted(unit).map_or(NO_ROW, |row| row as u8))
            .collect();
        self.first = first;
    }

    /// The range that takes `key`: `Some(None)` for none, `None` when the key has more
    /// decimals than the bounds (the caller compares decimals).
    #[inline(always)]
    fn find(&self, key: Decimal) -> Option<Option<usize>> {
        let shift = self.scale.checked_sub(key.scale())?;
        // Beyond `i64`, the key is beyond every bound (they stay within ±2^62): it
        // takes only an open end.
        let units = i64::try_from(key.mantissa())
            .ok()
            .and_then(|m| m.checked_mul(POWERS_OF_TEN[shift as usize]))
            .unwrap_or(if key.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            });
        Some(self.range(units))
    }

    /// The range that takes a key of `units` whole units.
    #[inline(always)]
    fn range(&self, units: i64) -> Option<usize> {
        if let Some(last) = self.dense.len().checked_sub(1) {
            // `first - 1` and below at 0, the last bound + 1 and above at `last`.
            let at = units
                .saturating_sub(self.first)
                .saturating_add(1)
                .clamp(0, last as i64) as usize;
            return self
                .dense
                .get(at)
                .filter(|&&row| row != NO_ROW)
                .map(|&row| usize::from(row));
        }
        self.counted(units)
    }

    /// [`Units::range`] by comparing the key with the bounds.
    #[inline(always)]
    fn counted(&self, units: i64) -> Option<usize> {
        // The ranges started at the key, then its high bound. A usual grid is counted
        // whole (comparisons without a chain of dependent loads, in vector registers);
        // a long one, by a binary search.
        let started = if self.lows.len() <= SHORT {
            self.lows.iter().map(|&low| usize::from(low <= units)).sum()
        } else {
            self.lows.partition_point(|&low| low <= units)
        };
        started
            .checked_sub(1)
            .filter(|&i| self.highs.get(i).is_some_and(|&high| units <= high))
            .and_then(|i| self.rows.get(i).copied())
    }
}

/// Up to this many ranges, [`Units::find`] counts those started instead of searching.
const SHORT: usize = 32;

/// `10^n` for the scales of [`Units`] (at most 18), and of `scaled.rs`.
pub(super) const POWERS_OF_TEN: [i64; 19] = {
    let mut powers = [1i64; 19];
    let mut n = 1;
    while n < 19 {
        powers[n] = powers[n - 1] * 10;
        n += 1;
    }
    powers
};

/// A number in whole units of `10^-scale`, when it has no more decimals than `scale`.
#[inline(always)]
pub(super) fn to_units(value: Decimal, scale: u32) -> Option<i128> {
    match scale.checked_sub(value.scale())? {
        0 => Some(value.mantissa()),
        shift => value.mantissa().checked_mul(10i128.checked_pow(shift)?),
    }
}

/// The intervals sorted by their low bound, when every row is an interval and no two
/// of them share a value (the checker proves it; a binary search needs it).
fn sorted(rows: &[(Taken, usize)]) -> Option<Vec<(Interval, usize)>> {
    use std::cmp::Ordering;
    let mut intervals: Vec<(Interval, usize)> = rows
        .iter()
        .map(|(taken, i)| match taken {
            Taken::Interval(interval) => Some((*interval, *i)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    // By low bound; at the same value, the inclusive bound first.
    intervals.sort_by(|(a, _), (b, _)| match (a.low, b.low) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.value.cmp(&b.value).then(b.inclusive.cmp(&a.inclusive)),
    });
    let disjoint = intervals.windows(2).all(|pair| {
        let (a, b) = (pair[0].0, pair[1].0);
        match (a.high, b.low) {
            (Some(high), Some(low)) => match high.value.cmp(&low.value) {
                Ordering::Less => true,
                Ordering::Equal => !(high.inclusive && low.inclusive),
                Ordering::Greater => false,
            },
            _ => false,
        }
    });
    disjoint.then_some(intervals)
}

impl Finder {
    /// The row of a numeric key (a date is its day number): a grid searched on whole
    /// units in place (the call is inlined).
    #[inline(always)]
    pub(super) fn number(&self, key: Decimal) -> Option<usize> {
        if let Search::Sorted(_, Some(units)) = &self.search
            && let Some(found) = units.find(key)
        {
            return found.or(self.other);
        }
        self.number_searched(key)
    }

    /// The row of a numeric key, by any search.
    fn number_searched(&self, key: Decimal) -> Option<usize> {
        let found = match &self.search {
            Search::Sorted(intervals, units) => {
                if let Some(found) = units.as_ref().and_then(|u| u.find(key)) {
                    return found.or(self.other);
                }
                let admitted = intervals.partition_point(|(interval, _)| above(interval.low, key));
                admitted
                    .checked_sub(1)
                    .and_then(|i| intervals.get(i))
                    .filter(|(interval, _)| below(interval.high, key))
                    .map(|(_, row)| *row)
            }
            Search::Linear(rows) => rows
                .iter()
                .find(|(taken, _)| match taken {
                    Taken::Interval(interval) => {
                        above(interval.low, key) && below(interval.high, key)
                    }
                    Taken::Numbers(values) => values.contains(&key),
                    Taken::Codes(_) => false,
                })
                .map(|(_, row)| *row),
        };
        found.or(self.other)
    }

    /// The row of a key on the scalar path.
    pub(super) fn code(&self, key: i64, date: bool) -> Option<usize> {
        if key == UNKNOWN {
            return self.unknown;
        }
        if date {
            // A day number against bounds in whole days: no `Decimal` needed.
            if let Search::Sorted(_, Some(units)) = &self.search
                && units.scale == 0
            {
                return units.range(key).or(self.other);
            }
            return self.number(Decimal::from(key));
        }
        let found = match &self.search {
            Search::Sorted(..) => None,
            Search::Linear(rows) => rows
                .iter()
                .find(|(taken, _)| matches!(taken, Taken::Codes(codes) if codes.contains(&key)))
                .map(|(_, row)| *row),
        };
        found.or(self.other)
    }
}

/// Whether `key` is above a low bound (or there is none).
#[inline]
fn above(low: Option<crate::rules::Bound>, key: Decimal) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match low {
        None => true,
        Some(b) => match super::number::compare(key, b.value) {
            Greater => true,
            Equal => b.inclusive,
            Less => false,
        },
    }
}

/// Whether `key` is below a high bound (or there is none).
#[inline]
fn below(high: Option<crate::rules::Bound>, key: Decimal) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match high {
        None => true,
        Some(b) => match super::number::compare(key, b.value) {
            Less => true,
            Equal => b.inclusive,
            Greater => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Bound;
    use proptest::prelude::*;

    /// Disjoint intervals cut at sorted cut points, with random inclusivity, some
    /// bounds missing at the ends, and rows in random file order.
    fn grid() -> impl Strategy<Value = (Vec<RowMatch>, bool, bool)> {
        (
            prop::collection::btree_set(-2_000i64..2_000, 1..10),
            prop::collection::vec(any::<bool>(), 10),
            0u32..3,
            any::<bool>(),
            any::<bool>(),
            any::<u64>(),
        )
            .prop_map(|(cuts, inclusive, scale, unknown, other, seed)| {
                let cuts: Vec<Decimal> = cuts.into_iter().map(|c| Decimal::new(c, scale)).collect();
                let mut rows = Vec::new();
                for (i, pair) in cuts.windows(2).enumerate() {
                    // `[a ; b[` or `]a ; b]`, never sharing a value with the next row.
                    let low_in = inclusive[i];
                    rows.push(Interval {
                        low: Some(Bound {
                            value: pair[0],
                            inclusive: low_in,
                        }),
                        high: Some(Bound {
                            value: pair[1],
                            inclusive: !low_in && i + 2 == cuts.len(),
                        }),
                    });
                }
                if let Some(first) = cuts.first() {
                    rows.push(Interval {
                        low: None,
                        high: Some(Bound {
                            value: *first,
                            inclusive: false,
                        }),
                    });
                }
                let mut matches: Vec<RowMatch> = rows.into_iter().map(RowMatch::Interval).collect();
                // A file order other than the sorted one.
                let n = matches.len();
                if n > 1 {
                    matches.swap(0, (seed as usize) % n);
                }
                (matches, unknown, other)
            })
    }

    proptest! {
        #[test]
        fn sorted_search_finds_the_row_a_scan_finds(
            (mut matches, unknown, other) in grid(),
            keys in prop::collection::vec((-2_500i64..2_500, 0u32..5), 1..40),
        ) {
            if unknown {
                matches.push(RowMatch::Unknown);
            }
            if other {
                matches.push(RowMatch::Other);
            }
            let finder = finder(matches.iter(), true);
            prop_assert!(matches!(finder.search, Search::Sorted(..)));
            for (mantissa, scale) in keys {
                let key = Decimal::new(mantissa, scale);
                let scanned = matches
                    .iter()
                    .position(|m| matches!(m, RowMatch::Interval(i) if i.contains(key)))
                    .or_else(|| matches.iter().position(|m| *m == RowMatch::Other));
                prop_assert_eq!(finder.number(key), scanned, "key {}", key);
            }
        }
    }

    proptest! {
        /// The table of units gives the range the comparisons give, for every key,
        /// near the bounds and far beyond them.
        #[test]
        fn the_table_of_units_is_the_count_of_ranges(
            (matches, _, _) in grid(),
            near in prop::collection::vec(-2_100i64..2_100, 1..40),
            far in prop::collection::vec(any::<i64>(), 1..10),
        ) {
            let finder = finder(matches.iter(), true);
            let Search::Sorted(_, Some(units)) = &finder.search else {
                return Err(TestCaseError::fail("not sorted"));
            };
            let scale = POWERS_OF_TEN[units.scale as usize];
            let extremes = [i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1, 0];
            for key in near.iter().map(|k| k * scale).chain(far).chain(extremes) {
                prop_assert_eq!(units.range(key), units.counted(key), "key {}", key);
            }
        }
    }

    #[test]
    fn a_grid_in_euros_is_read_in_a_table_of_its_units() {
        let row = |low: i64, high: Option<i64>| {
            RowMatch::Interval(Interval {
                low: Some(Bound {
                    value: Decimal::from(low),
                    inclusive: true,
                }),
                high: high.map(|h| Bound {
                    value: Decimal::from(h),
                    inclusive: true,
                }),
            })
        };
        let dense = |matches: &[RowMatch]| match finder(matches.iter(), true).search {
            Search::Sorted(_, Some(units)) => units.dense.len(),
            _ => 0,
        };
        // 0 to 2 001: one unit below, 2 002 units, one above.
        assert_eq!(
            dense(&[row(0, Some(400)), row(401, Some(2_000)), row(2_001, None)]),
            2_004
        );
        // Up to 100 000 €: compared.
        assert_eq!(dense(&[row(0, Some(400)), row(401, Some(100_000))]), 0);
    }

    #[test]
    fn overlapping_rows_are_scanned_in_file_order() {
        let row = |low: i64, high: i64| {
            RowMatch::Interval(Interval {
                low: Some(Bound {
                    value: Decimal::from(low),
                    inclusive: true,
                }),
                high: Some(Bound {
                    value: Decimal::from(high),
                    inclusive: true,
                }),
            })
        };
        let matches = [row(0, 10), row(5, 20)];
        let finder = finder(matches.iter(), true);
        assert!(matches!(finder.search, Search::Linear(_)));
        assert_eq!(finder.number(Decimal::from(7)), Some(0));
        assert_eq!(finder.number(Decimal::from(15)), Some(1));
        assert_eq!(finder.number(Decimal::from(25)), None);
    }
}
