//! The names of a file: inputs, definitions, table columns and tariffs, each defined
//! once and none a word of the language.

use std::collections::HashMap;

use super::error::{CheckError, CheckErrorKind};
use crate::rules::{ChoiceId, InputId};
use crate::span::Span;
use crate::syntax::ast::{self, ArticleItem, Column, TypeName};
use crate::syntax::lines::fold;

/// Words of the language, folded (lowercase, no accents): they cannot be names.
const RESERVED: &[&str] = &[
    "a",
    "alors",
    "applicable",
    "arrondi",
    "article",
    "attendu",
    "au",
    "autre",
    "base",
    "booleen",
    "borne",
    "certifie",
    "choix",
    "collectivite",
    "connu",
    "date",
    "de",
    "defaut",
    "deliberation",
    "du",
    "entier",
    "entre",
    "entrees",
    "est",
    "et",
    "exemple",
    "exoneration",
    "favorable",
    "gratuite",
    "grille",
    "inconnu",
    "la",
    "le",
    "majoration",
    "max",
    "min",
    "moins",
    "montant",
    "multiplie",
    "nombre",
    "non",
    "numero",
    "ou",
    "oui",
    "par",
    "parmi",
    "partir",
    "plus",
    "reduction",
    "remplace",
    "selon",
    "si",
    "sinon",
    "tarif",
    "taux",
];

/// Whether `name` is a word of the language.
pub fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&fold(name).as_str())
}

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRef {
    Input(InputId),
    /// Index in [`Symbols::definitions`].
    Definition(usize),
    /// The implicit input `date`.
    ServiceDate,
}

/// Where a definition gets its value.
#[derive(Debug, Clone, Copy)]
pub enum DefinitionSource<'a> {
    /// `x : type = expression`
    Expr(&'a ast::Definition),
    /// `tarif adulte (par repas) = 4,80 €`
    TariffValue(&'a ast::TariffDecl, &'a ast::Expr),
    /// Column `column` of table `table` (index in [`Symbols::tables`]); always 0 for a
    /// crossed table.
    Column { table: usize, column: usize },
}

/// A named value other than an input.
#[derive(Debug, Clone, Copy)]
pub struct DefinitionEntry<'a> {
    pub name: &'a ast::Name,
    pub article: usize,
    pub source: DefinitionSource<'a>,
}

/// A table and its article.
#[derive(Debug, Clone, Copy)]
pub struct TableEntry<'a> {
    pub table: &'a ast::Table,
    pub article: usize,
}

/// A declared tariff and its article.
#[derive(Debug, Clone, Copy)]
pub struct TariffEntry<'a> {
    pub decl: &'a ast::TariffDecl,
    pub article: usize,
}

/// Every name of the file.
#[derive(Debug, Default)]
pub struct Symbols<'a> {
    pub names: HashMap<&'a str, NameRef>,
    pub definitions: Vec<DefinitionEntry<'a>>,
    pub tables: Vec<TableEntry<'a>>,
    pub tariffs: Vec<TariffEntry<'a>>,
    /// The index in [`Symbols::tariffs`] of each tariff's name.
    tariff_ids: HashMap<&'a str, usize>,
    /// The modifier lines (and groups) aimed at each name, in file order, with their
    /// article: found once, not by scanning the file for every tariff.
    modified: HashMap<&'a str, Vec<(usize, &'a ArticleItem)>>,
    pub choices: Vec<String>,
    choice_ids: HashMap<String, ChoiceId>,
    /// Where each name is defined, for duplicates.
    spans: HashMap<&'a str, Span>,
    /// `rang des enfants …`, its article, and the input `rang` it gives.
    pub ranking: Option<(&'a ast::Ranking, usize, InputId)>,
    /// Each `… = nombre d'enfants …`, its article, and the input it gives (after the
    /// declared inputs and `rang`).
    pub counts: Vec<(&'a ast::ChildCount, usize, InputId)>,
    /// `code : choix parmi A, B, C` in an article: the type of a value a grid defines.
    pub value_types: HashMap<&'a str, &'a ast::ValueType>,
}

/// The name of the rank a ranking rule gives.
pub const RANK: &str = "rang";

impl<'a> Symbols<'a> {
    /// Collects the names of `file`; duplicates and reserved words go to `errors`.
    pub fn collect(
        file: &'a ast::File,
        broken: &[String],
        errors: &mut Vec<CheckError>,
    ) -> Symbols<'a> {
        let mut symbols = Symbols::default();
        symbols.names.insert("date", NameRef::ServiceDate);
        for (i, input) in file.inputs.iter().enumerate() {
            let id = InputId(u32::try_from(i).unwrap_or(u32::MAX));
            symbols.define(&input.name, NameRef::Input(id), errors);
            if let TypeName::Choice(values) = &input.ty {
                for value in values {
                    symbols.choice(&value.text);
                }
            }
        }
        symbols.ranking(file, errors);
        symbols.counts(file, errors);
        for (article, a) in file.articles.iter().enumerate() {
            for item in &a.items {
                symbols.item(item, article, errors);
            }
        }
        // The articles with a table that could not be read: a tariff's value may be there.
        let unread: Vec<bool> = file
            .articles
            .iter()
            .map(|a| {
                a.items.iter().any(
                    |i| matches!(i, ArticleItem::Table(t) if t.header.is_none() || t.incomplete),
                )
            })
            .collect();
        for (name, v) in &symbols.value_types {
            if !symbols.names.contains_key(name) && !broken.iter().any(|b| b == name) {
                errors.push(CheckError {
                    kind: CheckErrorKind::TypeWithoutValue {
                        name: (*name).to_string(),
                    },
                    span: v.span,
                });
            }
        }
        // `tarif cantine (par repas)` then a grid whose one column is headed by a word
        // (`| QF | Prix |`): that column is the tariff's value, as in a named grid.
        for tariff in symbols.tariffs.clone() {
            let name = tariff.decl.name.text.as_str();
            if symbols.names.contains_key(name) {
                continue;
            }
            if let Some(column) = single_column_below(file, &tariff)
                && let Some(meaning) = symbols.names.get(column.text.as_str()).copied()
                && !symbols.is_tariff(&column.text)
            {
                symbols.names.insert(name, meaning);
            }
        }
        for tariff in &symbols.tariffs {
            let name = tariff.decl.name.text.as_str();
            let unread_table = unread.get(tariff.article).copied().unwrap_or(false);
            if !symbols.names.contains_key(name)
                && !broken.iter().any(|b| b == name)
                && !unread_table
            {
                errors.push(CheckError {
                    kind: CheckErrorKind::TariffWithoutValue {
                        name: tariff.decl.name.text.clone(),
                    },
                    span: tariff.decl.span,
                });
            }
        }
        symbols
    }

    /// The first `rang des enfants …` gives the input `rang`, after the declared ones;
    /// `rang` declared as an input too is an error.
    fn ranking(&mut self, file: &'a ast::File, errors: &mut Vec<CheckError>) {
        let found = file.articles.iter().enumerate().find_map(|(article, a)| {
            a.items.iter().find_map(|item| match item {
                ArticleItem::Ranking(r) => Some((r, article)),
                _ => None,
            })
        });
        let Some((ranking, article)) = found else {
            return;
        };
        let id = InputId(u32::try_from(file.inputs.len()).unwrap_or(u32::MAX));
        self.ranking = Some((ranking, article, id));
        if let Some(input) = file.inputs.iter().find(|i| fold(&i.name.text) == RANK) {
            errors.push(CheckError {
                kind: CheckErrorKind::RankDeclared {
                    ranking: ranking.span,
                },
                span: input.span,
            });
        }
        self.names.insert(RANK, NameRef::Input(id));
        self.spans.insert(RANK, ranking.span);
    }

    /// Each count of children gives an input, numbered after the declared ones and
    /// `rang`.
    fn counts(&mut self, file: &'a ast::File, errors: &mut Vec<CheckError>) {
        let first = file.inputs.len() + usize::from(self.ranking.is_some());
        let found = file.articles.iter().enumerate().flat_map(|(article, a)| {
            a.items.iter().filter_map(move |item| match item {
                ArticleItem::Count(c) => Some((c, article)),
                _ => None,
            })
        });
        for (count, article) in found {
            let id = InputId(u32::try_from(first + self.counts.len()).unwrap_or(u32::MAX));
            self.define(&count.name, NameRef::Input(id), errors);
            self.counts.push((count, article, id));
        }
    }

    fn item(&mut self, item: &'a ArticleItem, article: usize, errors: &mut Vec<CheckError>) {
        match item {
            ArticleItem::Count(_) | ArticleItem::Billing(_) => {}
            ArticleItem::ValueType(v) => {
                if let TypeName::Choice(values) = &v.ty {
                    for value in values {
                        self.choice(&value.text);
                    }
                }
                if let Some(first) = self.value_types.get(v.name.text.as_str()) {
                    errors.push(CheckError {
                        kind: CheckErrorKind::DuplicateName {
                            name: v.name.text.clone(),
                            first: first.name.span,
                        },
                        span: v.name.span,
                    });
                    return;
                }
                self.value_types.insert(v.name.text.as_str(), v);
            }
            ArticleItem::Ranking(r) => {
                if let Some((first, _, _)) = self.ranking
                    && !std::ptr::eq(first, r)
                {
                    errors.push(CheckError {
                        kind: CheckErrorKind::RankDeclared {
                            ranking: first.span,
                        },
                        span: r.span,
                    });
                }
            }
            ArticleItem::Definition(d) => {
                if let Some((TypeName::Choice(values), _)) = &d.ty {
                    for value in values {
                        self.choice(&value.text);
                    }
                }
                self.definition(&d.name, article, DefinitionSource::Expr(d), errors);
            }
            ArticleItem::Tariff(t) => {
                if let Some(previous) = self
                    .tariff_ids
                    .get(t.name.text.as_str())
                    .and_then(|i| self.tariffs.get(*i))
                {
                    errors.push(CheckError {
                        kind: CheckErrorKind::DuplicateName {
                            name: t.name.text.clone(),
                            first: previous.decl.name.span,
                        },
                        span: t.name.span,
                    });
                    return;
                }
                if is_reserved(&t.name.text) {
                    errors.push(reserved(&t.name));
                }
                self.tariff_ids.insert(&t.name.text, self.tariffs.len());
                self.tariffs.push(TariffEntry { decl: t, article });
                if let Some(value) = &t.value {
                    let source = DefinitionSource::TariffValue(t, value);
                    self.definition(&t.name, article, source, errors);
                }
            }
            ArticleItem::Table(table) => {
                let index = self.tables.len();
                self.tables.push(TableEntry { table, article });
                if let Some(name) = &table.name {
                    let source = DefinitionSource::Column {
                        table: index,
                        column: 0,
                    };
                    self.definition(name, article, source, errors);
                    return;
                }
                let Some(header) = &table.header else {
                    return;
                };
                for (column, cell) in header.columns.iter().enumerate() {
                    if let Column::Name(name, _) = cell {
                        let source = DefinitionSource::Column {
                            table: index,
                            column,
                        };
                        self.definition(name, article, source, errors);
                    }
                }
            }
            ArticleItem::Modifier(m) => {
                self.modified
                    .entry(&m.target.text)
                    .or_default()
                    .push((article, item));
            }
            ArticleItem::BestOf(b) => {
                self.modified
                    .entry(&b.target.text)
                    .or_default()
                    .push((article, item));
            }
        }
    }

    fn definition(
        &mut self,
        name: &'a ast::Name,
        article: usize,
        source: DefinitionSource<'a>,
        errors: &mut Vec<CheckError>,
    ) {
        let index = self.definitions.len();
        if self.define(name, NameRef::Definition(index), errors) {
            self.definitions.push(DefinitionEntry {
                name,
                article,
                source,
            });
        }
    }

    /// Records a name; false (and an error) if it is already taken.
    fn define(
        &mut self,
        name: &'a ast::Name,
        meaning: NameRef,
        errors: &mut Vec<CheckError>,
    ) -> bool {
        let text = name.text.as_str();
        // Reported once (not again for the value of a tariff already reported), then
        // defined all the same so that its uses are not unknown.
        if is_reserved(text) && !self.tariff_ids.contains_key(text) {
            errors.push(reserved(name));
        }
        if let Some(first) = self.spans.get(text) {
            errors.push(CheckError {
                kind: CheckErrorKind::DuplicateName {
                    name: name.text.clone(),
                    first: *first,
                },
                span: name.span,
            });
            return false;
        }
        self.spans.insert(text, name.span);
        self.names.insert(text, meaning);
        true
    }

    /// The id of a value of a `choix`, interned.
    pub fn choice(&mut self, value: &str) -> ChoiceId {
        if let Some(id) = self.choice_ids.get(value) {
            return *id;
        }
        let id = ChoiceId(u32::try_from(self.choices.len()).unwrap_or(u32::MAX));
        self.choices.push(value.to_string());
        self.choice_ids.insert(value.to_string(), id);
        id
    }

    /// The tariff a name stands for in an expression (its final price), with the
    /// definition of its base value: only a declared tariff that has a value.
    pub fn tariff(&self, name: &str) -> Option<(usize, usize)> {
        let t = *self.tariff_ids.get(name)?;
        match self.names.get(name)? {
            NameRef::Definition(base) => Some((t, *base)),
            _ => None,
        }
    }

    /// Whether a modifier line aims at `name`.
    pub fn is_modified(&self, name: &str) -> bool {
        self.modified.contains_key(name)
    }

    /// The modifier lines and groups aimed at `name`, in file order, with their article.
    pub fn modifiers_of(&self, name: &str) -> &[(usize, &'a ArticleItem)] {
        self.modified.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether `name` is a declared tariff.
    pub fn is_tariff(&self, name: &str) -> bool {
        self.tariff_ids.contains_key(name)
    }

    /// The index of the declared tariff `name` (in [`Symbols::tariffs`]).
    pub fn tariff_index(&self, name: &str) -> Option<usize> {
        self.tariff_ids.get(name).copied()
    }

    /// The id of a declared value of a `choix`, if it is one.
    pub fn existing_choice(&self, value: &str) -> Option<ChoiceId> {
        self.choice_ids.get(value).copied()
    }

    /// The value among `ids` written `text`: as declared, or else as published, without
    /// case nor accents and with spaces for `_` (« Hors commune » for `hors_commune`).
    pub fn choice_among(
        &self,
        text: &str,
        ids: &std::collections::BTreeSet<ChoiceId>,
    ) -> Option<ChoiceId> {
        if let Some(id) = self.existing_choice(text).filter(|id| ids.contains(id)) {
            return Some(id);
        }
        let wanted = crate::syntax::choice_key(text);
        let mut found = ids
            .iter()
            .filter(|id| crate::syntax::choice_key(self.choice_name(**id)) == wanted);
        match (found.next(), found.next()) {
            (Some(id), None) => Some(*id),
            _ => None,
        }
    }

    pub fn choice_name(&self, id: ChoiceId) -> &str {
        self.choices.get(id.0 as usize).map_or("", String::as_str)
    }

    /// The known name closest to `name`, for "vouliez-vous dire … ?".
    pub fn suggest(&self, name: &str) -> Option<String> {
        closest(
            name,
            self.names
                .keys()
                .copied()
                .chain(self.choices.iter().map(String::as_str)),
        )
    }
}

fn reserved(name: &ast::Name) -> CheckError {
    CheckError {
        kind: CheckErrorKind::ReservedName {
            name: name.text.clone(),
        },
        span: name.span,
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<String> {
    let folded = fold(name);
    candidates
        .filter(|c| *c != name)
        .map(|c| {
            let score = strsim::jaro_winkler(&folded, &fold(c));
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c.to_string())
}

/// The header of the one column of an unnamed grid (`grille selon qf`, `| QF | Prix |`)
/// that comes right after the declaration of `tariff` in its article.
fn single_column_below<'a>(file: &'a ast::File, tariff: &TariffEntry<'a>) -> Option<&'a ast::Name> {
    let items = &file.articles.get(tariff.article)?.items;
    let position = items
        .iter()
        .position(|i| matches!(i, ArticleItem::Tariff(t) if std::ptr::eq(t, tariff.decl)))?;
    let ArticleItem::Table(table) = items.get(position + 1)? else {
        return None;
    };
    if table.name.is_some() || table.column_key.is_some() {
        return None;
    }
    match table.header.as_ref()?.columns.as_slice() {
        [Column::Name(name, _)] => Some(name),
        _ => None,
    }
}
