//! The checker: from the syntax tree to the validated rule tree, or every reason why
//! not. Names, types and units, granularity and ranges, table coverage, cycles,
//! certified sources, modifiers and examples.

mod billing;
mod bounds;
mod counts;
mod coverage;
mod cycles;
pub mod error;
mod examples;
mod expr;
pub mod facts;
mod inputs;
mod modifiers;
mod names;
mod ranking;
mod tables;

use std::collections::HashSet;

pub use bounds::around as bounds_around;
pub use cycles::MAX_CHAIN_DEPTH;
pub use inputs::source_name;
pub use names::closest;

use error::CheckError;
use facts::{Facts, Grain, Range, Ty};
use names::{DefinitionSource, Symbols};

use crate::rules::{self, ArticleId, Body, DefinitionId, Deliberation};
use crate::span::LineIndex;
use crate::syntax::{Parsed, ast};

/// What checking gives: the rule tree when there is no error, and every finding.
#[derive(Debug)]
pub struct Checked {
    pub deliberation: Option<Deliberation>,
    pub findings: Vec<CheckError>,
    /// The values of every `choix`, to name them in messages.
    pub choices: Vec<String>,
}

/// Checks a parsed file. `source` is the text it was read from (for line numbers).
pub fn check(source: &str, parsed: &Parsed) -> Checked {
    let mut checker = Checker::new(source, &parsed.file, &parsed.broken_names);
    let deliberation = checker.run(parsed.errors.is_empty());
    let mut findings = checker.errors;
    findings.sort_by_key(|f| (f.span.start, f.span.end));
    Checked {
        deliberation,
        findings,
        choices: checker.symbols.choices,
    }
}

/// The state of one check.
pub(crate) struct Checker<'a> {
    file: &'a ast::File,
    lines: LineIndex,
    symbols: Symbols<'a>,
    /// Names whose statement could not be read: never reported as unknown.
    broken: HashSet<&'a str>,
    /// A grid has a column headed by words that could not be read as a name: an
    /// unknown name may be that column's, so it is not reported again.
    unread_columns: bool,
    errors: Vec<CheckError>,
    inputs: Vec<rules::Input>,
    input_facts: Vec<Facts>,
    /// Facts of each definition once checked (`None` before, or when it is in a cycle).
    definition_facts: Vec<Option<Facts>>,
    bodies: Vec<Option<Body>>,
    types: Vec<rules::ValueType>,
    /// The implicit input `date`: the applicable period.
    service_date: Facts,
    tables: Vec<Option<rules::Table>>,
    /// The typed cells of each table, by row then column, filled as columns are checked.
    table_cells: Vec<Vec<Vec<Option<rules::Expr>>>>,
    /// By node (definitions, then tariffs' final prices): whether it reads `rang`.
    rank_readers: Vec<bool>,
}

impl<'a> Checker<'a> {
    fn new(source: &str, file: &'a ast::File, broken: &'a [String]) -> Self {
        let mut errors = Vec::new();
        let symbols = Symbols::collect(file, broken, &mut errors);
        let definitions = symbols.definitions.len();
        let tables = symbols.tables.len();
        Checker {
            file,
            lines: LineIndex::new(source),
            symbols,
            broken: broken.iter().map(String::as_str).collect(),
            unread_columns: file.articles.iter().flat_map(|a| &a.items).any(|item| {
                matches!(item, ast::ArticleItem::Table(t)
                    if t.header.as_ref().is_some_and(|h| !h.complete))
            }),
            errors,
            inputs: Vec::new(),
            input_facts: Vec::new(),
            definition_facts: vec![None; definitions],
            bodies: vec![None; definitions],
            types: vec![rules::ValueType::Number; definitions],
            service_date: service_date(&file.header),
            tables: vec![None; tables],
            table_cells: vec![Vec::new(); tables],
            rank_readers: Vec::new(),
        }
    }

    /// W010: a column of a grid whose value no node uses (`| QF | Prix |` under a
    /// tariff that has its value elsewhere): reported at the column, where it is made.
    fn unused_columns(&mut self, dependencies: &[Vec<usize>]) {
        let mut used = vec![false; self.symbols.definitions.len()];
        for &d in dependencies.iter().flatten() {
            if let Some(u) = used.get_mut(d) {
                *u = true;
            }
        }
        for (entry, used) in self.symbols.definitions.iter().zip(used) {
            if !used && matches!(entry.source, names::DefinitionSource::Column { .. }) {
                self.errors.push(error::CheckError {
                    kind: error::CheckErrorKind::UnusedColumn {
                        name: entry.name.text.clone(),
                    },
                    span: entry.name.span,
                });
            }
        }
    }

    fn run(&mut self, syntax_ok: bool) -> Option<Deliberation> {
        self.header();
        self.inputs();
        self.count_inputs();
        let names = cycles::direct_names(&self.symbols);
        let dependencies = cycles::dependencies(&self.symbols, &names);
        self.rank_readers = ranking::readers(&self.symbols, &names, &dependencies);
        // A column that a broken line would have used (`tarif repas par repas`) is no
        // second diagnostic for the same slip.
        if syntax_ok {
            self.unused_columns(&dependencies);
        }
        let (mut order, poisoned) = cycles::order(&self.symbols, &dependencies, &mut self.errors);
        for (node, depth) in cycles::too_deep(&self.symbols, &dependencies, &order) {
            let name = match self.symbols.definitions.get(node) {
                Some(entry) => entry.name,
                None => match self
                    .symbols
                    .tariffs
                    .get(node - self.symbols.definitions.len())
                {
                    Some(t) => &t.decl.name,
                    None => continue,
                },
            };
            self.errors.push(error::CheckError {
                kind: error::CheckErrorKind::ChainTooDeep {
                    name: name.text.clone(),
                    depth,
                },
                span: name.span,
            });
        }
        // The nodes of the tariffs' final prices are checked with the tariffs.
        order.retain(|&d| d < self.symbols.definitions.len());
        for &d in &order {
            if !poisoned.get(d).copied().unwrap_or(true) {
                self.definition(d);
            }
        }
        for t in 0..self.symbols.tables.len() {
            self.table(t);
        }
        let tariffs = self.tariffs();
        let ranking = self.ranking(&names, &dependencies);
        let counts = self.counts();
        let examples = self.examples();
        let billing = self.billings();
        let has_error = self.errors.iter().any(|e| !e.kind.is_warning());
        if has_error || !syntax_ok {
            return None;
        }
        let mut deliberation = self.assemble(order, tariffs, examples)?;
        deliberation.ranking = ranking;
        deliberation.counts = counts;
        deliberation.billing = billing;
        crate::billing::per_step(&mut deliberation);
        self.family_checks(&deliberation);
        if self.errors.iter().any(|e| !e.kind.is_warning()) {
            return None;
        }
        Some(deliberation)
    }

    /// The line of a byte offset.
    fn line(&self, span: crate::span::Span) -> usize {
        self.lines.line(span.start)
    }

    fn article_id(article: usize) -> ArticleId {
        ArticleId(u32::try_from(article).unwrap_or(u32::MAX))
    }

    fn header(&mut self) {
        let header = &self.file.header;
        if let (Some(from), Some(to)) = (header.applicable_from, header.applicable_to)
            && to.date < from.date
        {
            self.errors.push(CheckError {
                kind: error::CheckErrorKind::PeriodReversed,
                span: from.span.to(to.span),
            });
        }
    }

    /// Checks one definition whose dependencies are checked.
    fn definition(&mut self, d: usize) {
        let Some(entry) = self.symbols.definitions.get(d).copied() else {
            return;
        };
        let (body, facts) = match entry.source {
            DefinitionSource::Expr(definition) => {
                let (e, mut facts) = self.expr(&definition.value, &Vec::new());
                if let Some((declared, span)) = &definition.ty {
                    facts = self.declared(&entry.name.text, declared, *span, facts);
                }
                (Body::Expr(e), facts)
            }
            DefinitionSource::TariffValue(_, value) => {
                let (e, facts) = self.expr(value, &Vec::new());
                (Body::Expr(e), facts)
            }
            DefinitionSource::Column { table, column } => {
                let mut facts = self.column(table, column);
                if let Some(declared) = self
                    .symbols
                    .value_types
                    .get(entry.name.text.as_str())
                    .copied()
                {
                    facts = self.declared(&entry.name.text, &declared.ty, declared.ty_span, facts);
                }
                let table = rules::TableId(u32::try_from(table).unwrap_or(u32::MAX));
                (Body::Table { table, column }, facts)
            }
        };
        if let Some(slot) = self.types.get_mut(d) {
            *slot = value_type(&facts.ty);
        }
        if let Some(slot) = self.bodies.get_mut(d) {
            *slot = Some(body);
        }
        if let Some(slot) = self.definition_facts.get_mut(d) {
            *slot = Some(facts);
        }
    }

    /// Checks a value against the type written for it (`quotient : montant entier = …`).
    fn declared(
        &mut self,
        name: &str,
        declared: &ast::TypeName,
        span: crate::span::Span,
        facts: Facts,
    ) -> Facts {
        use ast::TypeName as T;
        let (expected, whole) = match declared {
            T::Amount => (Ty::Amount, false),
            T::WholeAmount => (Ty::Amount, true),
            T::Rate => (Ty::Rate, false),
            T::Number => (Ty::Number, false),
            T::Integer => (Ty::Number, true),
            T::Boolean => (Ty::Bool, false),
            T::Date => (Ty::Date, false),
            T::Choice(values) => {
                let ids = values
                    .iter()
                    .map(|v| self.symbols.choice(&v.text))
                    .collect();
                if let Ty::Choice(found) = &facts.ty {
                    if let Some(extra) = found.difference(&ids).next() {
                        let extra = self.symbols.choice_name(*extra).to_string();
                        self.unknown_choice(&extra, &ids, span);
                    }
                    return Facts {
                        ty: Ty::Choice(ids),
                        ..facts
                    };
                }
                (Ty::Choice(ids), false)
            }
        };
        let same = facts.ty == expected
            || facts.ty == Ty::Error
            || (expected == Ty::Number && facts.ty == Ty::Rate);
        if !same {
            self.mismatch(error::TyExpected::Declared, &facts.ty, span);
            return Facts::error();
        }
        if whole && !facts.grain.is_multiple_of(rust_decimal::Decimal::ONE) && facts.ty != Ty::Error
        {
            self.errors.push(CheckError {
                kind: error::CheckErrorKind::NotWhole {
                    name: name.to_string(),
                    grain: facts.grain,
                },
                span,
            });
        }
        Facts {
            ty: expected,
            ..facts
        }
    }

    fn assemble(
        &mut self,
        order: Vec<usize>,
        tariffs: Vec<rules::Tariff>,
        examples: Vec<rules::Example>,
    ) -> Option<Deliberation> {
        let header = &self.file.header;
        let meta = rules::Meta {
            title: header.title.as_ref()?.text.clone(),
            collectivity: header.collectivity.as_ref().map(|t| t.text.clone()),
            number: header.number.as_ref().map(|t| t.text.clone()),
            adopted: header.adopted.map(|d| d.date),
            applicable_from: header.applicable_from?.date,
            applicable_to: header.applicable_to.map(|d| d.date),
            replaces: header.replaces.as_ref().map(|t| t.text.clone()),
            territory: header.territory.clone(),
        };
        let articles = self
            .file
            .articles
            .iter()
            .map(|a| rules::Article {
                number: a.number.clone(),
                title: a.title.as_ref().map(|t| t.text.clone()),
                line: self.line(a.span),
            })
            .collect();
        let mut definitions = Vec::with_capacity(self.symbols.definitions.len());
        for (d, entry) in self.symbols.definitions.iter().enumerate() {
            let label = match entry.source {
                DefinitionSource::Expr(def) => def.label.as_ref().map(|t| t.text.clone()),
                DefinitionSource::TariffValue(decl, _) => {
                    decl.label.as_ref().map(|t| t.text.clone())
                }
                DefinitionSource::Column { .. } => None,
            };
            definitions.push(rules::Definition {
                name: entry.name.text.clone(),
                ty: self.types.get(d)?.clone(),
                body: self.bodies.get_mut(d)?.take()?,
                article: Self::article_id(entry.article),
                line: self.line(entry.name.span),
                label,
            });
        }
        let tables = std::mem::take(&mut self.tables)
            .into_iter()
            .collect::<Option<Vec<_>>>()?;
        let order = order
            .into_iter()
            .map(|d| DefinitionId(u32::try_from(d).unwrap_or(u32::MAX)))
            .collect();
        Some(Deliberation {
            meta,
            articles,
            inputs: std::mem::take(&mut self.inputs),
            definitions,
            order,
            tables,
            tariffs,
            examples,
            choices: self.symbols.choices.clone(),
            ranking: None,
            counts: Vec::new(),
            billing: Vec::new(),
        })
    }
}

/// The facts of the implicit input `date`: a day of the applicable period.
fn service_date(header: &ast::Header) -> Facts {
    let day = |d: &Option<ast::DateLit>| d.map(|d| rules::day_number(d.date));
    Facts {
        ty: Ty::Date,
        grain: Grain::WHOLE,
        range: Range {
            low: day(&header.applicable_from),
            high: day(&header.applicable_to),
        },
        unknown: Default::default(),
    }
}

/// The type of the rule tree for a checked type.
fn value_type(ty: &Ty) -> rules::ValueType {
    match ty {
        Ty::Amount => rules::ValueType::Amount,
        Ty::Rate => rules::ValueType::Rate,
        Ty::Bool => rules::ValueType::Boolean,
        Ty::Date => rules::ValueType::Date,
        Ty::Choice(ids) => rules::ValueType::Choice(ids.iter().copied().collect()),
        Ty::Number | Ty::Error => rules::ValueType::Number,
    }
}
