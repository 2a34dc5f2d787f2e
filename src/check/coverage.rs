//! Table coverage, judged over the values the key can take: gaps, overlaps and rows no
//! value reaches. A key with a step (whole euros, cents, days) is judged on its
//! multiples, so `jusqu'à 400` then `de 401` leaves no gap for a whole QF and the open
//! interval 400–401 for a decimal one.

use rust_decimal::Decimal;

use super::error::Gap;
use super::facts::{Grain, Range};
use crate::rules::{Bound, Interval};

/// A finding about the rows of a table (indices are positions in the `rows` given).
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// Values between row `after` (if any) and row `before` (if any) that no row takes.
    Gap {
        gap: Gap,
        after: Option<usize>,
        before: Option<usize>,
    },
    /// Values that rows `first` and `second` both take.
    Overlap {
        gap: Gap,
        first: usize,
        second: usize,
    },
    /// A row that takes no value of the key.
    Unreachable(usize),
}

/// A position on the line of values: the edge just before `v` (`At(v, false)`), or just
/// after it (`At(v, true)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Edge {
    NegInf,
    At(Decimal, bool),
    PosInf,
}

/// The half-open span `[start, end)` of edges a row covers.
#[derive(Debug, Clone, Copy)]
struct Cover {
    start: Edge,
    end: Edge,
    row: usize,
}

/// The gaps, overlaps and unreachable rows of `rows` over a key of `range` and `grain`.
pub fn numeric(range: Range, grain: Grain, rows: &[Interval]) -> Vec<Finding> {
    let step = match grain {
        Grain::Step(s) if !s.is_zero() => Some(s),
        _ => None,
    };
    let domain = Interval {
        low: range.low.map(|value| Bound {
            value,
            inclusive: true,
        }),
        high: range.high.map(|value| Bound {
            value,
            inclusive: true,
        }),
    };
    let to_cover = |interval: &Interval| match step {
        Some(s) => steps_cover(interval, s),
        None => dense_cover(interval),
    };
    let (domain_start, domain_end) = to_cover(&domain);
    let mut findings = Vec::new();
    let mut covers: Vec<Cover> = Vec::new();
    for (row, interval) in rows.iter().enumerate() {
        let (start, end) = to_cover(interval);
        let start = start.max(domain_start);
        let end = end.min(domain_end);
        if start >= end {
            findings.push(Finding::Unreachable(row));
        } else {
            covers.push(Cover { start, end, row });
        }
    }
    covers.sort_by_key(|a| (a.start, a.end));
    let gap = |start: Edge, end: Edge| match step {
        Some(s) => steps_gap(start, end, s),
        None => dense_gap(start, end),
    };
    let mut cursor = domain_start;
    let mut reach: Option<Cover> = None;
    for cover in &covers {
        if cover.start > cursor {
            findings.push(Finding::Gap {
                gap: gap(cursor, cover.start),
                after: reach.map(|r| r.row),
                before: Some(cover.row),
            });
        } else if let Some(previous) = reach {
            let end = cursor.min(cover.end);
            if cover.start < end {
                findings.push(Finding::Overlap {
                    gap: gap(cover.start, end),
                    first: previous.row,
                    second: cover.row,
                });
            }
        }
        if reach.is_none_or(|r| cover.end > r.end) {
            reach = Some(*cover);
        }
        cursor = cursor.max(cover.end);
    }
    if cursor < domain_end {
        findings.push(Finding::Gap {
            gap: gap(cursor, domain_end),
            after: reach.map(|r| r.row),
            before: None,
        });
    }
    findings
}

/// The edges of an interval of any decimal.
fn dense_cover(interval: &Interval) -> (Edge, Edge) {
    let start = interval
        .low
        .map_or(Edge::NegInf, |b| Edge::At(b.value, !b.inclusive));
    let end = interval
        .high
        .map_or(Edge::PosInf, |b| Edge::At(b.value, b.inclusive));
    (start, end)
}

/// The edges of the multiples of `step` in an interval, counted in steps: `[k, k')`.
fn steps_cover(interval: &Interval, step: Decimal) -> (Edge, Edge) {
    let start = interval.low.map_or(Edge::NegInf, |b| {
        let k = b.value.checked_div(step).unwrap_or(b.value);
        let first = if k.fract().is_zero() && !b.inclusive {
            k + Decimal::ONE
        } else {
            k.ceil()
        };
        Edge::At(first, false)
    });
    let end = interval.high.map_or(Edge::PosInf, |b| {
        let k = b.value.checked_div(step).unwrap_or(b.value);
        let last = if k.fract().is_zero() && !b.inclusive {
            k - Decimal::ONE
        } else {
            k.floor()
        };
        Edge::At(last + Decimal::ONE, false)
    });
    (start, end)
}

/// The decimals from `start` to `end` as an interval.
fn dense_gap(start: Edge, end: Edge) -> Gap {
    let low = match start {
        Edge::At(value, after) => Some(Bound {
            value,
            inclusive: !after,
        }),
        _ => None,
    };
    let high = match end {
        Edge::At(value, after) => Some(Bound {
            value,
            inclusive: after,
        }),
        _ => None,
    };
    Gap::Dense(Interval { low, high })
}

/// The multiples of `step` from `start` to `end` (edges counted in steps).
fn steps_gap(start: Edge, end: Edge, step: Decimal) -> Gap {
    let first = match start {
        Edge::At(k, _) => k * step,
        _ => Decimal::ZERO,
    };
    let last = match end {
        Edge::At(k, _) => Some((k - Decimal::ONE) * step),
        _ => None,
    };
    Gap::Steps {
        first: first.normalize(),
        last: last.map(|d| d.normalize()),
        step,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: i64) -> Decimal {
        Decimal::from(v)
    }

    fn closed(low: i64, high: Option<i64>) -> Interval {
        Interval {
            low: Some(Bound {
                value: d(low),
                inclusive: true,
            }),
            high: high.map(|h| Bound {
                value: d(h),
                inclusive: true,
            }),
        }
    }

    fn up_to(high: i64) -> Interval {
        Interval {
            low: None,
            high: Some(Bound {
                value: d(high),
                inclusive: true,
            }),
        }
    }

    #[test]
    fn whole_key_has_no_gap_between_400_and_401() {
        let rows = [up_to(400), closed(401, Some(600)), closed(601, None)];
        assert_eq!(numeric(Range::NON_NEGATIVE, Grain::WHOLE, &rows), vec![]);
    }

    #[test]
    fn decimal_key_has_the_open_interval_400_401() {
        let rows = [up_to(400), closed(401, None)];
        let findings = numeric(Range::NON_NEGATIVE, Grain::Dense, &rows);
        let expected = Gap::Dense(Interval {
            low: Some(Bound {
                value: d(400),
                inclusive: false,
            }),
            high: Some(Bound {
                value: d(401),
                inclusive: false,
            }),
        });
        assert_eq!(
            findings,
            vec![Finding::Gap {
                gap: expected,
                after: Some(0),
                before: Some(1)
            }]
        );
    }

    #[test]
    fn cents_key_misses_400_01_to_400_99() {
        let rows = [up_to(400), closed(401, None)];
        let findings = numeric(Range::NON_NEGATIVE, Grain::CENT, &rows);
        let Some(Finding::Gap { gap, .. }) = findings.first() else {
            panic!("no gap: {findings:?}");
        };
        assert_eq!(
            *gap,
            Gap::Steps {
                first: Decimal::new(40001, 2),
                last: Some(Decimal::new(40099, 2)),
                step: Decimal::new(1, 2)
            }
        );
    }

    #[test]
    fn overlaps_name_both_rows_and_the_shared_values() {
        let rows = [
            closed(0, Some(800)),
            closed(776, Some(1000)),
            closed(1001, None),
        ];
        let findings = numeric(Range::NON_NEGATIVE, Grain::WHOLE, &rows);
        assert_eq!(
            findings,
            vec![Finding::Overlap {
                gap: Gap::Steps {
                    first: d(776),
                    last: Some(d(800)),
                    step: Decimal::ONE
                },
                first: 0,
                second: 1
            }]
        );
    }

    #[test]
    fn rows_outside_the_range_are_unreachable() {
        let range = Range {
            low: Some(d(1)),
            high: Some(d(14)),
        };
        let rows = [closed(1, Some(14)), closed(15, None)];
        assert_eq!(
            numeric(range, Grain::WHOLE, &rows),
            vec![Finding::Unreachable(1)]
        );
    }

    use proptest::prelude::*;

    fn bound() -> impl Strategy<Value = Option<Bound>> {
        prop::option::of((0i64..40, any::<bool>()).prop_map(|(v, inclusive)| Bound {
            value: d(v),
            inclusive,
        }))
    }

    proptest! {
        /// On a whole key from 0 to 50, the findings agree with counting, value by
        /// value, how many rows take each value.
        #[test]
        fn findings_agree_with_brute_force(
            rows in prop::collection::vec((bound(), bound()).prop_map(|(low, high)| Interval { low, high }), 0..6)
        ) {
            let range = Range { low: Some(d(0)), high: Some(d(50)) };
            let findings = numeric(range, Grain::WHOLE, &rows);
            let counts: Vec<usize> = (0..=50)
                .map(|v| rows.iter().filter(|r| r.contains(d(v))).count())
                .collect();
            let has_gap = findings.iter().any(|f| matches!(f, Finding::Gap { .. }));
            let has_overlap = findings.iter().any(|f| matches!(f, Finding::Overlap { .. }));
            prop_assert_eq!(has_gap, counts.contains(&0));
            prop_assert_eq!(has_overlap, counts.iter().any(|c| *c > 1));
            for (i, row) in rows.iter().enumerate() {
                let reaches = (0..=50).any(|v| row.contains(d(v)));
                let unreachable = findings.contains(&Finding::Unreachable(i));
                prop_assert_eq!(unreachable, !reaches);
            }
            for f in &findings {
                if let Finding::Gap { gap: Gap::Steps { first, last, .. }, .. } = f {
                    let last = last.unwrap_or(d(50));
                    for v in 0..=50 {
                        if d(v) >= *first && d(v) <= last {
                            prop_assert_eq!(counts[v as usize], 0, "gap {} to {} holds {}", first, last, v);
                        }
                    }
                }
            }
        }
    }
}
