//! The prices of a family read: its own, or each child's, in a session or not; none
//! when a field is wrong.

use chrono::NaiveDate;

use super::FamilyRead;
use crate::rules::Deliberation;

impl FamilyRead {
    /// Prices `tariffs` (all when empty) on `date`; nothing when a field is wrong.
    pub fn price(
        &self,
        d: &Deliberation,
        date: NaiveDate,
        tariffs: &[usize],
        justify: bool,
    ) -> Vec<crate::eval::Priced> {
        if !self.errors.is_empty() {
            return Vec::new();
        }
        self.price_in(&mut crate::eval::Session::new(d), date, tariffs, justify)
    }

    /// [`FamilyRead::price`] in a session of the deliberation (its plan compiled once).
    pub fn price_in(
        &self,
        session: &mut crate::eval::Session<'_>,
        date: NaiveDate,
        tariffs: &[usize],
        justify: bool,
    ) -> Vec<crate::eval::Priced> {
        if !self.errors.is_empty() {
            return Vec::new();
        }
        crate::eval::price_all_with(session, &self.family, date, tariffs, justify)
    }

    /// Prices each child of the family (`enfants`) on `date`; nothing when a field is
    /// wrong or the family gives no children.
    pub fn price_children(
        &self,
        d: &Deliberation,
        date: NaiveDate,
        tariffs: &[usize],
        justify: bool,
    ) -> Vec<crate::eval::ChildPriced> {
        if !self.errors.is_empty() || self.family.children().is_empty() {
            return Vec::new();
        }
        let plan = crate::eval::Plan::new(d);
        let mut session = crate::eval::Session::on(&plan);
        self.price_children_in(&mut session, date, tariffs, justify)
    }

    /// [`FamilyRead::price_children`] in a session of the deliberation.
    pub fn price_children_in(
        &self,
        session: &mut crate::eval::Session<'_>,
        date: NaiveDate,
        tariffs: &[usize],
        justify: bool,
    ) -> Vec<crate::eval::ChildPriced> {
        if !self.errors.is_empty() || self.family.children().is_empty() {
            return Vec::new();
        }
        crate::eval::price_children_with(session, &self.family, date, tariffs, justify)
    }

    /// Every price of the family in `session`: its own (`.0`) when it gives no
    /// children, else each child's (`.1`).
    pub fn prices_in(
        &self,
        session: &mut crate::eval::Session<'_>,
        date: NaiveDate,
        tariffs: &[usize],
        justify: bool,
    ) -> (Vec<crate::eval::Priced>, Vec<crate::eval::ChildPriced>) {
        if self.family.children().is_empty() {
            (self.price_in(session, date, tariffs, justify), Vec::new())
        } else {
            let children = self.price_children_in(session, date, tariffs, justify);
            (Vec::new(), children)
        }
    }

    /// Whether the family is priced without any error: its fields, and every price.
    pub fn all_priced(
        &self,
        priced: &[crate::eval::Priced],
        children: &[crate::eval::ChildPriced],
    ) -> bool {
        self.errors.is_empty()
            && priced.iter().all(|p| p.result.is_ok())
            && children
                .iter()
                .all(|c| c.priced.iter().all(|p| p.result.is_ok()))
    }
}
