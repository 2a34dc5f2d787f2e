//! The order of definitions: each after what it uses. A cycle is reported whole.

use super::error::{CheckError, CheckErrorKind};
use super::names::{DefinitionSource, NameRef, Symbols};
use crate::syntax::ast::{self, Cell, ExprKind};

/// The nodes each node uses directly. The nodes are the definitions, then one node per
/// tariff (index `definitions + t`), its final price: a tariff's name in an expression
/// is that price, which uses the tariff's base and everything its modifiers use.
pub fn dependencies(symbols: &Symbols<'_>, names: &[Vec<String>]) -> Vec<Vec<usize>> {
    let n = symbols.definitions.len();
    let resolve = |names: &[String]| {
        let mut used: Vec<usize> = names
            .iter()
            .filter_map(|name| match symbols.tariff(name) {
                Some((t, _)) => Some(n + t),
                None => match symbols.names.get(name.as_str()) {
                    Some(NameRef::Definition(i)) => Some(*i),
                    _ => None,
                },
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        used
    };
    let tariffs = symbols
        .tariffs
        .iter()
        .zip(names.get(n..).unwrap_or_default());
    let mut nodes: Vec<Vec<usize>> = names.iter().take(n).map(|used| resolve(used)).collect();
    nodes.extend(tariffs.map(|(tariff, used)| {
        let mut used = resolve(used);
        if let Some((_, base)) = symbols.tariff(&tariff.decl.name.text) {
            used.push(base);
        }
        used
    }));
    nodes
}

/// The names each node mentions directly: a definition's expression or its column's
/// keys and cells; a tariff's final price, its modifiers' amounts and conditions.
pub fn direct_names(symbols: &Symbols<'_>) -> Vec<Vec<String>> {
    let definitions = symbols.definitions.iter().map(|entry| {
        let mut names = Vec::new();
        match entry.source {
            DefinitionSource::Expr(d) => names_in(&d.value, &mut names),
            DefinitionSource::TariffValue(_, value) => names_in(value, &mut names),
            DefinitionSource::Column { table, column } => {
                if let Some(t) = symbols.tables.get(table) {
                    table_names(t.table, column, &mut names);
                }
            }
        }
        names
    });
    let tariffs = symbols.tariffs.iter().map(|tariff| {
        let name = tariff.decl.name.text.as_str();
        let mut names = Vec::new();
        for (_, item) in symbols.modifiers_of(name) {
            match item {
                ast::ArticleItem::Modifier(m) => modifier_names(&m.modifier, &mut names),
                ast::ArticleItem::BestOf(b) => {
                    for option in &b.options {
                        modifier_names(option, &mut names);
                    }
                }
                _ => {}
            }
        }
        names
    });
    definitions.chain(tariffs).collect()
}

/// Every name a modifier line mentions, in its amount and its condition.
pub fn modifier_names(modifier: &ast::Modifier, names: &mut Vec<String>) {
    use ast::ModifierKind as M;
    match &modifier.kind {
        M::Increase { amount, .. } | M::Decrease { amount, .. } => names_in(amount, names),
        M::Multiply(e) | M::Replace(e) | M::Floor(e) | M::Ceiling(e) => names_in(e, names),
        M::Exemption | M::Round(_) => {}
    }
    if let Some(condition) = &modifier.condition {
        names_in(condition, names);
    }
}

/// The names a table column uses: the keys and the cells of the column (every cell
/// for a crossed table).
fn table_names(table: &ast::Table, column: usize, names: &mut Vec<String>) {
    names.push(table.key.text.clone());
    if let Some(key) = &table.column_key {
        names.push(key.text.clone());
    }
    for cell in column_cells(table, column) {
        if let Cell::Value(e) = cell {
            names_in(e, names);
        }
    }
}

/// The cells a column definition reads: its own column, or every cell of a crossed
/// table (looked up by index, so that a grid of n columns costs n, not n²).
fn column_cells(table: &ast::Table, column: usize) -> impl Iterator<Item = &Cell> {
    let crossed = table.column_key.is_some();
    table.rows.iter().flat_map(move |row| {
        let cells: &[Cell] = if crossed {
            &row.cells
        } else {
            row.cells.get(column).map_or(&[], std::slice::from_ref)
        };
        cells.iter()
    })
}

/// Every name an expression mentions.
pub fn names_in(expr: &ast::Expr, names: &mut Vec<String>) {
    match &expr.kind {
        // `3,00 €/repas`: the unit of a price, reported as such by the typing.
        ExprKind::Arith(crate::rules::ArithOp::Div, a, b) if is_price_per_unit(a, b) => {}
        ExprKind::Name(n) => names.push(n.clone()),
        ExprKind::Quantity(_) | ExprKind::Date(_) | ExprKind::Bool(_) => {}
        ExprKind::Negate(e) | ExprKind::Not(e) | ExprKind::Round(e, _) => names_in(e, names),
        ExprKind::IsKnown { value, .. } => names_in(value, names),
        ExprKind::Arith(_, a, b)
        | ExprKind::Compare(_, a, b)
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b) => {
            names_in(a, names);
            names_in(b, names);
        }
        ExprKind::Between(a, b, c) | ExprKind::If(a, b, c) | ExprKind::Clamp(a, b, c) => {
            names_in(a, names);
            names_in(b, names);
            names_in(c, names);
        }
        ExprKind::Min(args) | ExprKind::Max(args) => {
            for a in args {
                names_in(a, names);
            }
        }
    }
}

/// How deep the evaluation of one value may recurse, counted in levels of expressions
/// along a chain of definitions: beyond it, evaluating could overflow the stack of a
/// thread (2 MiB for a portal's worker), so the checker refuses the file (E041).
pub const MAX_CHAIN_DEPTH: usize = 200;

/// The nodes whose chain of calculations is deeper than [`MAX_CHAIN_DEPTH`], with that
/// depth; `order` puts each node after those it uses.
pub fn too_deep(
    symbols: &Symbols<'_>,
    dependencies: &[Vec<usize>],
    order: &[usize],
) -> Vec<(usize, usize)> {
    let n = symbols.definitions.len();
    let weight = |node: usize| -> usize {
        match symbols.definitions.get(node) {
            Some(entry) => match entry.source {
                DefinitionSource::Expr(d) => d.value.depth,
                DefinitionSource::TariffValue(_, value) => value.depth,
                DefinitionSource::Column { table, column } => {
                    symbols.tables.get(table).map_or(1, |t| {
                        let cells = column_cells(t.table, column);
                        2 + cells
                            .map(|c| match c {
                                Cell::Value(e) => e.depth,
                                Cell::NotApplicable(_) => 0,
                            })
                            .max()
                            .unwrap_or(0)
                    })
                }
            },
            None => {
                let name = symbols
                    .tariffs
                    .get(node.saturating_sub(n))
                    .map(|t| t.decl.name.text.as_str());
                let deepest = name
                    .map_or(&[][..], |n| symbols.modifiers_of(n))
                    .iter()
                    .filter_map(|(_, item)| match item {
                        ast::ArticleItem::Modifier(m) => Some(modifier_depth(&m.modifier)),
                        ast::ArticleItem::BestOf(b) => b.options.iter().map(modifier_depth).max(),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                2 + deepest
            }
        }
    };
    let mut depth = vec![0usize; dependencies.len()];
    let mut found = Vec::new();
    for &node in order {
        let below = dependencies.get(node).map_or(0, |deps| {
            deps.iter()
                .map(|d| depth.get(*d).copied().unwrap_or(0))
                .max()
                .unwrap_or(0)
        });
        let here = below.saturating_add(weight(node));
        if let Some(slot) = depth.get_mut(node) {
            *slot = here;
        }
        // Reported once, where the chain first goes too deep.
        if here > MAX_CHAIN_DEPTH && below <= MAX_CHAIN_DEPTH {
            found.push((node, here));
        }
    }
    found
}

fn modifier_depth(modifier: &ast::Modifier) -> usize {
    use ast::ModifierKind as M;
    let amount = match &modifier.kind {
        M::Increase { amount, .. } | M::Decrease { amount, .. } => amount.depth,
        M::Multiply(e) | M::Replace(e) | M::Floor(e) | M::Ceiling(e) => e.depth,
        M::Exemption | M::Round(_) => 0,
    };
    amount.max(modifier.condition.as_ref().map_or(0, |c| c.depth))
}

/// An order of the definitions where each comes after those it uses, leaving out the
/// definitions caught in a cycle (each cycle is reported once, whole).
pub fn order(
    symbols: &Symbols<'_>,
    dependencies: &[Vec<usize>],
    errors: &mut Vec<CheckError>,
) -> (Vec<usize>, Vec<bool>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Active,
        Done,
    }
    let n = dependencies.len();
    let mut state = vec![State::New; n];
    let mut in_cycle = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        // Iterative depth-first search; `path` is the chain of active definitions.
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::Active;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let deps = dependencies.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(&dep) = deps.get(*next) {
                *next += 1;
                match state.get(dep) {
                    Some(State::New) => {
                        state[dep] = State::Active;
                        path.push((dep, 0));
                    }
                    Some(State::Active) => {
                        let start = path.iter().position(|(d, _)| *d == dep).unwrap_or(0);
                        let cycle: Vec<usize> = path[start..].iter().map(|(d, _)| *d).collect();
                        for d in &cycle {
                            in_cycle[*d] = true;
                        }
                        errors.push(cycle_error(symbols, &cycle));
                    }
                    _ => {}
                }
            } else {
                state[node] = State::Done;
                order.push(node);
                path.pop();
            }
        }
    }
    // A definition that uses one caught in a cycle cannot be checked either.
    let mut poisoned = in_cycle;
    for &d in &order {
        if dependencies[d].iter().any(|u| poisoned[*u]) {
            poisoned[d] = true;
        }
    }
    (order, poisoned)
}

fn cycle_error(symbols: &Symbols<'_>, cycle: &[usize]) -> CheckError {
    let n = symbols.definitions.len();
    // A cycle that goes from a tariff's final price into one of its modifier lines
    // (not into its base) gets the help about the meaning of a tariff's name.
    let tariff = cycle.iter().enumerate().find_map(|(i, &d)| {
        let entry = symbols.tariffs.get(d.checked_sub(n)?)?;
        let next = cycle.get((i + 1) % cycle.len())?;
        let base = symbols.tariff(&entry.decl.name.text).map(|(_, b)| b);
        (base != Some(*next)).then(|| entry.decl.name.text.clone())
    });
    let mut names: Vec<_> = cycle
        .iter()
        .filter_map(|&d| match symbols.definitions.get(d) {
            Some(e) => Some(e.name),
            None => symbols.tariffs.get(d.checked_sub(n)?).map(|t| &t.decl.name),
        })
        .map(|name| (name.text.clone(), name.span))
        .collect();
    // A tariff's base and its final price have the same name: named once.
    names.dedup_by(|a, b| a.0 == b.0);
    if names.len() > 1 && names.first().map(|f| &f.0) == names.last().map(|l| &l.0) {
        names.pop();
    }
    let span = names.first().map(|(_, s)| *s).unwrap_or_default();
    CheckError {
        kind: CheckErrorKind::Cycle { names, tariff },
        span,
    }
}

/// `3,00 €/repas`: an amount in euros, then `/` and a word, written without spaces.
pub fn is_price_per_unit(a: &ast::Expr, b: &ast::Expr) -> bool {
    matches!(&a.kind, ExprKind::Quantity(q) if q.unit == ast::Unit::Euro)
        && matches!(b.kind, ExprKind::Name(_))
        && b.span.start == a.span.end + 1
}
