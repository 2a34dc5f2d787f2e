//! Definitions that depend on the date of the service only: the plancher and plafond
//! of a period, a rate by year. A session keeps their values from one family to the
//! next priced on the same date (a batch, a portal's day), instead of finding their
//! rows again for every family. Only for a price: a justification computes them again,
//! to show them.

use chrono::NaiveDate;

use super::expr::Memo;
use crate::rules::{Body, Deliberation, Expr, ExprKind};

/// The definitions, by index, whose value depends on nothing but constants, the date
/// of the service and other such definitions (no input, no tariff).
pub(super) fn dated(d: &Deliberation) -> Vec<u32> {
    let mut known = vec![None; d.definitions.len()];
    (0..d.definitions.len())
        .filter(|&i| definition(d, i, &mut known, 0))
        .map(|i| i as u32)
        .collect()
}

/// Whether definition `i` is dated; `known` holds what is decided, `depth` bounds
/// the definitions followed (a cycle, only in a rule tree the checker did not
/// produce, is not dated).
fn definition(d: &Deliberation, i: usize, known: &mut [Option<bool>], depth: usize) -> bool {
    if let Some(Some(decided)) = known.get(i) {
        return *decided;
    }
    let Some(def) = d.definitions.get(i) else {
        return false;
    };
    if depth > 64 {
        return false;
    }
    // Not dated while it is being decided: a cycle stops there.
    known[i] = Some(false);
    let dated = match &def.body {
        Body::Expr(e) => expr(d, e, known, depth + 1),
        Body::Table { table, .. } => d.tables.get(table.0 as usize).is_some_and(|t| {
            expr(d, &t.key, known, depth + 1)
                && t.column_key
                    .as_ref()
                    .is_none_or(|(key, _)| expr(d, key, known, depth + 1))
                && t.rows
                    .iter()
                    .flat_map(|row| row.cells.iter().flatten())
                    .all(|cell| expr(d, cell, known, depth + 1))
        }),
    };
    known[i] = Some(dated);
    dated
}

fn expr(d: &Deliberation, e: &Expr, known: &mut [Option<bool>], depth: usize) -> bool {
    match &e.kind {
        ExprKind::Input(_) | ExprKind::Tariff(_) => false,
        ExprKind::Definition(id) => definition(d, id.0 as usize, known, depth),
        kind => {
            let mut dated = true;
            kind.for_each_child(|child| dated = dated && expr(d, child, known, depth));
            dated
        }
    }
}

/// The values of the dated definitions computed for the last family priced, and
/// their date.
#[derive(Debug, Default, Clone)]
pub(super) struct Dated {
    date: Option<NaiveDate>,
    values: Vec<(u32, Memo)>,
}

impl Dated {
    /// The values kept for `date`, if it is theirs.
    #[inline(always)]
    pub(super) fn on(&self, date: NaiveDate) -> &[(u32, Memo)] {
        if self.date == Some(date) {
            &self.values
        } else {
            &[]
        }
    }

    /// Keeps the values of the `dated` definitions computed in `memo` on `date`, when
    /// they are not all kept yet.
    #[inline(always)]
    pub(super) fn keep(&mut self, date: NaiveDate, dated: &[u32], memo: &[Memo]) {
        if dated.is_empty() || (self.date == Some(date) && self.values.len() == dated.len()) {
            return;
        }
        self.date = Some(date);
        self.values.clear();
        self.values.extend(
            dated
                .iter()
                .filter_map(|&slot| match memo.get(slot as usize) {
                    Some(value @ (Memo::Number(_) | Memo::Code(_))) => Some((slot, *value)),
                    _ => None,
                }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::document::Document;

    #[test]
    fn the_plancher_and_plafond_of_a_date_are_dated() {
        let document =
            Document::from_source(include_str!("../../deliberations/cnaf-psu-creche.delib"))
                .expect("valid deliberation");
        let d = &document.deliberation;
        let names: Vec<&str> = super::dated(d)
            .iter()
            .map(|&i| d.definitions[i as usize].name.as_str())
            .collect();
        // Not `ressources_mensuelles` (it reads the resources), nor the rate.
        assert_eq!(names, ["plancher", "plafond"]);
    }
}
