//! Exact division: a formula of `+`, `-`, `×`, `/` compiled as one fraction whose
//! single division comes last (`0,025 € / 3 × 3` is 0,025 €), following the
//! definitions that are themselves formulas.

use super::{Compiler, Num, Site};
use crate::rules::{ArithOp, Body, Expr, ExprKind};

/// How many levels of definitions a formula follows to keep its divisions for the
/// end: enough for `quotient = rfr / 12 / parts` used in another formula, bounded so
/// that a long chain does not make every formula of it long.
const MAX_INLINED: usize = 8;

impl<'d> Compiler<'d> {
    /// A formula of `+`, `-`, `×`, `/` as one fraction: its numerator and denominator
    /// (`None` for 1), each computed exactly by additions and multiplications.
    pub(super) fn fraction(
        &self,
        e: &'d Expr,
        site: Site,
        depth: usize,
    ) -> (Num<'d>, Option<Num<'d>>) {
        let mul = |x: Num<'d>, y: Num<'d>| Num::Arith(ArithOp::Mul, Box::new([x, y]), site);
        let times = |x: Num<'d>, y: &Option<Num<'d>>| match y {
            Some(y) => mul(x, y.clone()),
            None => x,
        };
        let both = |x: Option<Num<'d>>, y: Option<Num<'d>>| match (x, y) {
            (Some(x), Some(y)) => Some(mul(x, y)),
            (x, None) => x,
            (None, y) => y,
        };
        match &e.kind {
            ExprKind::Arith(op, a, b) => {
                let (na, da) = self.fraction(a, site, depth);
                let (nb, db) = self.fraction(b, site, depth);
                match op {
                    ArithOp::Mul => (mul(na, nb), both(da, db)),
                    // (na / da) / (nb / db) = (na × db) / (da × nb)
                    ArithOp::Div => (times(na, &db), Some(times(nb, &da))),
                    ArithOp::Add | ArithOp::Sub if da.is_none() && db.is_none() => {
                        (Num::Arith(*op, Box::new([na, nb]), site), None)
                    }
                    // na / da ± nb / db = (na × db ± nb × da) / (da × db)
                    ArithOp::Add | ArithOp::Sub => {
                        let n = Num::Arith(*op, Box::new([times(na, &db), times(nb, &da)]), site);
                        (n, both(da, db))
                    }
                }
            }
            ExprKind::Negate(x) => {
                let (n, d) = self.fraction(x, site, depth);
                (Num::Negate(Box::new(n)), d)
            }
            // A definition that is itself a formula is part of the fraction: its
            // division too waits for the end (a few levels deep).
            ExprKind::Definition(id) => match self.formula_of(*id, depth) {
                Some(body) => self.fraction(body, site, depth + 1),
                None => (self.num(e, site), None),
            },
            _ => (self.num(e, site), None),
        }
    }

    /// The formula (`+ - × /`) a definition is, when it is one and `depth` allows
    /// following it.
    fn formula_of(&self, id: crate::rules::DefinitionId, depth: usize) -> Option<&'d Expr> {
        if depth >= MAX_INLINED {
            return None;
        }
        match &self.d.definitions.get(id.0 as usize)?.body {
            Body::Expr(body) if matches!(body.kind, ExprKind::Arith(..) | ExprKind::Negate(_)) => {
                Some(body)
            }
            _ => None,
        }
    }

    /// Whether a formula has a division whose result is then added to, multiplied or
    /// divided (`a / b × c`), here or in the formulas it names: only then does
    /// computing it as one fraction change digits.
    pub(super) fn divides_inside(&self, e: &Expr) -> bool {
        let inside = match &e.kind {
            ExprKind::Arith(_, a, b) => self.divisions(a, 0) + self.divisions(b, 0),
            _ => 0,
        };
        inside > 0
    }

    fn divisions(&self, e: &Expr, depth: usize) -> usize {
        match &e.kind {
            ExprKind::Arith(op, a, b) => {
                usize::from(*op == ArithOp::Div)
                    + self.divisions(a, depth)
                    + self.divisions(b, depth)
            }
            ExprKind::Negate(x) => self.divisions(x, depth),
            ExprKind::Definition(id) => self
                .formula_of(*id, depth)
                .map_or(0, |body| self.divisions(body, depth + 1)),
            _ => 0,
        }
    }
}
