//! The validated rule tree: what the checker proves sound, and the only thing the
//! evaluator accepts. Names are resolved to indices, types are checked, every table is
//! proved to cover its key; each rule keeps its article and line for justifications.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// A deliberation, checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deliberation {
    pub meta: Meta,
    pub articles: Vec<Article>,
    pub inputs: Vec<Input>,
    /// Every named value other than inputs, in file order.
    pub definitions: Vec<Definition>,
    /// The definitions in an order where each one comes after what it uses.
    pub order: Vec<DefinitionId>,
    pub tables: Vec<Table>,
    pub tariffs: Vec<Tariff>,
    pub examples: Vec<Example>,
    /// The values of every `choix`, indexed by [`ChoiceId`].
    pub choices: Vec<String>,
    /// `rang des enfants …`: how the children of a family are ranked.
    #[serde(default)]
    pub ranking: Option<Ranking>,
    /// `… = nombre d'enfants …`: the values that count the family's children.
    #[serde(default)]
    pub counts: Vec<ChildCount>,
    /// `facturation des repas`: the règlements that turn a month of days into an
    /// invoice.
    #[serde(default)]
    pub billing: Vec<crate::billing::Billing>,
}

/// `inscrits = nombre d'enfants si cantine`: the input it gives, set for a family given
/// with its children to the number of them (that meet the condition).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildCount {
    pub input: InputId,
    /// Read on each child (the family's values and the child's).
    pub condition: Option<Expr>,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// Whose value an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scope {
    /// The family's (`entrées`): one value for every child.
    #[default]
    Family,
    /// Each child's (`entrées de chaque enfant`).
    Child,
    /// `rang`, given by the ranking of the children (`rang des enfants …`).
    Rank,
}

/// `rang des enfants …`: the rule that gives each child its rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    pub by: RankBy,
    /// The input `rang` it gives.
    pub rank: InputId,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
}

/// What the children are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RankBy {
    /// `dans l'ordre donné par la famille`
    Given,
    /// A child's input (`naissance`, `âge`), in that direction.
    Input(InputId, Direction),
    /// A tariff's price before the modifiers that depend on the rank.
    Tariff(usize, Direction),
}

/// The order of `rang des enfants … du plus âgé au plus jeune`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// `du plus âgé au plus jeune`: the earliest date, or the largest age, first.
    Oldest,
    /// `du plus jeune au plus âgé`
    Youngest,
    /// `du plus élevé au plus bas`: the largest value first.
    Highest,
    /// `du plus bas au plus élevé`
    Lowest,
}

/// The header of the deliberation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub title: String,
    pub collectivity: Option<String>,
    pub number: Option<String>,
    pub adopted: Option<NaiveDate>,
    pub applicable_from: NaiveDate,
    pub applicable_to: Option<NaiveDate>,
    pub replaces: Option<String>,
    /// `territoire`: the postal codes (and towns) whose residents are of the commune.
    #[serde(default)]
    pub territory: Vec<(String, Option<String>)>,
}

/// Index of an article in [`Deliberation::articles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArticleId(pub u32);
/// Index of an input in [`Deliberation::inputs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InputId(pub u32);
/// Index of a definition in [`Deliberation::definitions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DefinitionId(pub u32);
/// Index of a table in [`Deliberation::tables`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableId(pub u32);
/// Index of a value of a `choix` in [`Deliberation::choices`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ChoiceId(pub u32);

/// `article 3 « Prix du repas »`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub number: String,
    pub title: Option<String>,
    pub line: usize,
}

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueType {
    Amount,
    Rate,
    Number,
    Boolean,
    Date,
    Choice(Vec<ChoiceId>),
}

impl ValueType {
    /// The type as the language writes it (`montant entier` when `whole`).
    pub fn written(&self, whole: bool) -> &'static str {
        match (self, whole) {
            (ValueType::Amount, true) => "montant entier",
            (ValueType::Amount, false) => "montant",
            (ValueType::Rate, _) => "taux",
            (ValueType::Number, true) => "entier",
            (ValueType::Number, false) => "nombre",
            (ValueType::Boolean, _) => "booléen",
            (ValueType::Date, _) => "date",
            (ValueType::Choice(_), _) => "choix",
        }
    }
}

/// A constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Number(Decimal),
    Date(NaiveDate),
    Bool(bool),
    Choice(ChoiceId),
}

/// Where a certified input comes from (LANGUAGE.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertifiedSource {
    CafQuotient,
    CafProvider,
    CafChildren,
    CafRecipients,
    /// `commune` or `hors_commune`, from the certified address and the `territoire`.
    CafResidence,
    /// The children under 18 on the date of the service, from their dates of birth.
    CafMinorChildren,
    /// A child's date of birth, from the CAF's list of children (matched by first
    /// names): an input of each child.
    CafChildBirth,
    EajeResources,
    EajeChildren,
    EajeAeehChildren,
    DgfipReferenceIncome,
    DgfipShares,
    DgfipDependents,
}

/// An input of the family.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    pub ty: ValueType,
    /// `montant entier`, `entier`: the value must be whole.
    pub whole: bool,
    pub certified: Option<CertifiedSource>,
    pub default: Option<Value>,
    /// `de 0 à 150`: a family's value outside is an error naming the input.
    #[serde(default)]
    pub low: Option<Decimal>,
    #[serde(default)]
    pub high: Option<Decimal>,
    /// `obligatoire`: a family without a value is not priced.
    #[serde(default)]
    pub required: bool,
    /// `certifié CAF.résidence`: the value of a family living in the `territoire`,
    /// then of one living elsewhere (the two values of the `choix`, in order).
    #[serde(default)]
    pub places: Option<(ChoiceId, ChoiceId)>,
    pub label: Option<String>,
    pub line: usize,
    /// The family's, a child's, or the rank.
    #[serde(default)]
    pub scope: Scope,
}

/// A named value: an intermediate definition, a table column, or a tariff's base value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    pub ty: ValueType,
    pub body: Body,
    pub article: ArticleId,
    pub line: usize,
    pub label: Option<String>,
}

/// How a definition gets its value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Body {
    Expr(Expr),
    /// Column `column` of a table (always 0 for a crossed table).
    Table {
        table: TableId,
        column: usize,
    },
}

/// A table, proved to cover its key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub key: Expr,
    /// The header of the key's column, as written (`QF`, `Quotient familial`).
    #[serde(default)]
    pub key_header: String,
    /// The key of the columns, and what each column takes, for a crossed table.
    pub column_key: Option<(Expr, Vec<RowMatch>)>,
    /// The headers of the columns of a crossed table, as written.
    pub column_headers: Vec<String>,
    pub rows: Vec<Row>,
    pub article: ArticleId,
    pub line: usize,
}

/// A row of a table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub matches: RowMatch,
    /// One cell per column; `None` is `—` (sans objet).
    pub cells: Vec<Option<Expr>>,
    /// The condition as written in the file: `de 601 à 800 €`.
    pub written: String,
    pub line: usize,
}

/// The values of the key a row takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RowMatch {
    Unknown,
    Other,
    Interval(Interval),
    Values(Vec<Value>),
}

/// An interval of numbers (dates are day numbers, see [`day_number`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub low: Option<Bound>,
    pub high: Option<Bound>,
}

/// An end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
}

impl Interval {
    pub fn contains(&self, value: Decimal) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        // One comparison per bound: Decimal comparisons are not free.
        let above = match self.low {
            None => true,
            Some(b) => match value.cmp(&b.value) {
                Greater => true,
                Equal => b.inclusive,
                Less => false,
            },
        };
        above
            && match self.high {
                None => true,
                Some(b) => match value.cmp(&b.value) {
                    Less => true,
                    Equal => b.inclusive,
                    Greater => false,
                },
            }
    }
}

/// A date as a number of days, so that tables on dates are tables on numbers.
pub fn day_number(date: NaiveDate) -> Decimal {
    Decimal::from(chrono::Datelike::num_days_from_ce(&date))
}

/// The date of a day number.
pub fn day_from_number(days: Decimal) -> Option<NaiveDate> {
    let days = i32::try_from(days.trunc().mantissa()).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// A tariff: its base value, then its modifiers in file order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tariff {
    pub name: String,
    pub unit: String,
    /// `(par famille)`, `(par mois et par famille)`: priced once for a family given
    /// with its children, not once per child.
    #[serde(default)]
    pub per_family: bool,
    pub label: Option<String>,
    pub base: DefinitionId,
    pub steps: Vec<Step>,
    pub article: ArticleId,
    pub line: usize,
}

/// A step of a tariff: one modifier, or the most favourable of several.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Step {
    Modifier(Modifier),
    MostFavourable {
        options: Vec<Modifier>,
        article: ArticleId,
        line: usize,
    },
}

/// Where a modifier is: its tariff, its step, and its option in `la plus favorable de`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModifierAt {
    pub tariff: u32,
    pub step: u32,
    pub option: Option<u32>,
}

impl Deliberation {
    /// The inputs the prices of `tariffs` read: through their bases, their modifiers (amounts and
    /// conditions), and every definition and table they use.
    pub fn inputs_read(
        &self,
        tariffs: impl IntoIterator<Item = usize>,
    ) -> std::collections::BTreeSet<InputId> {
        self.inputs_reached(tariffs, Vec::new())
    }

    /// The inputs that `exprs` and the prices of `tariffs` read, through every
    /// definition, table and tariff they use.
    pub fn inputs_reached<'e>(
        &'e self,
        tariffs: impl IntoIterator<Item = usize>,
        exprs: Vec<&'e Expr>,
    ) -> std::collections::BTreeSet<InputId> {
        let mut inputs = std::collections::BTreeSet::new();
        let mut seen = vec![false; self.definitions.len()];
        let mut seen_tariffs = vec![false; self.tariffs.len()];
        let mut pending: Vec<&Expr> = exprs;
        let mut definitions: Vec<DefinitionId> = Vec::new();
        let mut priced: Vec<usize> = tariffs.into_iter().collect();
        loop {
            while let Some(t) = priced.pop() {
                let (Some(tariff), Some(false)) = (self.tariffs.get(t), seen_tariffs.get(t)) else {
                    continue;
                };
                seen_tariffs[t] = true;
                definitions.push(tariff.base);
                for step in &tariff.steps {
                    let options: &[Modifier] = match step {
                        Step::Modifier(m) => std::slice::from_ref(m),
                        Step::MostFavourable { options, .. } => options,
                    };
                    for m in options {
                        pending.extend(m.kind.amount().into_iter().chain(m.condition.as_ref()));
                    }
                }
            }
            while let Some(id) = definitions.pop() {
                if seen.get(id.0 as usize) != Some(&false) {
                    continue;
                }
                seen[id.0 as usize] = true;
                pending.extend(self.definition_exprs(id));
            }
            let Some(e) = pending.pop() else {
                if priced.is_empty() && definitions.is_empty() {
                    return inputs;
                }
                continue;
            };
            match &e.kind {
                ExprKind::Input(id) => {
                    inputs.insert(*id);
                }
                ExprKind::Definition(id) => definitions.push(*id),
                // A tariff's name is its final price: its modifiers are read too.
                ExprKind::Tariff(t) => priced.push(*t as usize),
                other => other.for_each_child(|c| pending.push(c)),
            }
        }
    }

    /// The expressions a definition's value is read from: its formula, or its table's
    /// keys and cells.
    pub fn definition_exprs(&self, id: DefinitionId) -> Vec<&Expr> {
        let mut exprs = Vec::new();
        match self.definitions.get(id.0 as usize).map(|x| &x.body) {
            Some(Body::Expr(body)) => exprs.push(body),
            Some(Body::Table { table, .. }) => {
                if let Some(t) = self.tables.get(table.0 as usize) {
                    exprs.push(&t.key);
                    if let Some((k, _)) = &t.column_key {
                        exprs.push(k);
                    }
                    exprs.extend(t.rows.iter().flat_map(|r| r.cells.iter().flatten()));
                }
            }
            None => {}
        }
        exprs
    }

    /// The modifier at `at`.
    pub fn modifier(&self, at: ModifierAt) -> Option<&Modifier> {
        let tariff = self.tariffs.get(at.tariff as usize)?;
        match (tariff.steps.get(at.step as usize)?, at.option) {
            (Step::Modifier(m), None) => Some(m),
            (Step::MostFavourable { options, .. }, Some(o)) => options.get(o as usize),
            _ => None,
        }
    }
}

/// A modifier line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Modifier {
    pub kind: ModifierKind,
    pub condition: Option<Expr>,
    pub label: Option<String>,
    pub article: ArticleId,
    pub line: usize,
    /// It reads the rank of the child (`si rang ≥ 3`): set aside when the children are
    /// ranked by the price of its tariff.
    #[serde(default)]
    pub reads_rank: bool,
}

/// What a modifier does to the running value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ModifierKind {
    /// `majoration de 30 %`; `of_base`: of the value before any modifier.
    IncreaseRate {
        rate: Expr,
        of_base: bool,
    },
    DecreaseRate {
        rate: Expr,
        of_base: bool,
    },
    /// `majoration de 2,00 €`
    IncreaseAmount(Expr),
    DecreaseAmount(Expr),
    Multiply(Expr),
    Replace(Expr),
    /// `gratuité`, `exonération`: 0 €, and no later modifier applies.
    Exemption,
    Floor(Expr),
    Ceiling(Expr),
    Round(Rounding),
}

impl ModifierKind {
    /// The expression of its amount (the rate, the amount, the factor), if it has one.
    pub fn amount(&self) -> Option<&Expr> {
        match self {
            ModifierKind::IncreaseRate { rate, .. } | ModifierKind::DecreaseRate { rate, .. } => {
                Some(rate)
            }
            ModifierKind::IncreaseAmount(e)
            | ModifierKind::DecreaseAmount(e)
            | ModifierKind::Multiply(e)
            | ModifierKind::Replace(e)
            | ModifierKind::Floor(e)
            | ModifierKind::Ceiling(e) => Some(e),
            ModifierKind::Exemption | ModifierKind::Round(_) => None,
        }
    }
}

/// A rounding mode (LANGUAGE.md §8), with its step (0,01 for `au centime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rounding {
    /// To the nearest step, half away from zero: `au centime`, `à l'euro`, `à 0,05 € près`.
    Nearest(Decimal),
    /// `au centime inférieur`, `à l'euro inférieur`.
    Down(Decimal),
    /// `au centime supérieur`, `à l'euro supérieur`.
    Up(Decimal),
}

impl Rounding {
    pub fn step(self) -> Decimal {
        match self {
            Rounding::Nearest(step) | Rounding::Down(step) | Rounding::Up(step) => step,
        }
    }
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A resolved, typed expression.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The kinds of resolved expressions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ExprKind {
    Const(Value),
    Input(InputId),
    Definition(DefinitionId),
    /// The final price of the tariff at this index in [`Deliberation::tariffs`]: its
    /// base, then all its modifiers and its rounding (a tariff's name in an expression).
    Tariff(u32),
    /// The date of the service (the implicit input `date`).
    ServiceDate,
    Negate(Box<Expr>),
    Not(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    IsKnown {
        value: Box<Expr>,
        known: bool,
    },
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    Round(Box<Expr>, Rounding),
    Clamp(Box<Expr>, Box<Expr>, Box<Expr>),
}

impl ExprKind {
    /// Calls `f` on each direct sub-expression.
    pub fn for_each_child<'e>(&'e self, mut f: impl FnMut(&'e Expr)) {
        match self {
            ExprKind::Const(_)
            | ExprKind::Input(_)
            | ExprKind::Definition(_)
            | ExprKind::Tariff(_)
            | ExprKind::ServiceDate => {}
            ExprKind::Negate(e) | ExprKind::Not(e) | ExprKind::Round(e, _) => f(e),
            ExprKind::IsKnown { value, .. } => f(value),
            ExprKind::Arith(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b) => {
                f(a);
                f(b);
            }
            ExprKind::Between(a, b, c) | ExprKind::If(a, b, c) | ExprKind::Clamp(a, b, c) => {
                f(a);
                f(b);
                f(c);
            }
            ExprKind::Min(args) | ExprKind::Max(args) => args.iter().for_each(f),
        }
    }
}

/// An `exemple` block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    pub name: String,
    pub line: usize,
    pub date: Option<NaiveDate>,
    /// The inputs it sets; `None` is `inconnu`.
    pub inputs: Vec<(InputId, Option<Value>)>,
    /// `attendu repas = 2,29 €`: the tariff, the amount, the line.
    pub expected: Vec<(usize, Decimal, usize)>,
    /// `attendu repas = erreur E118`: the tariff (every tariff when `None`), the code
    /// if written, the line.
    #[serde(default)]
    pub errors: Vec<(Option<usize>, Option<String>, usize)>,
    /// `enfant « Léa » : naissance = 12/03/2014`: the children of the family.
    #[serde(default)]
    pub children: Vec<ExampleChild>,
    /// `jour 02/10/2025 : présent, …`: the days of the month it invoices.
    #[serde(default)]
    pub days: Vec<crate::billing::days::Day>,
    /// `attendu facture [du 02/10/2025] = 31,80 €`: the day (none: the total), the
    /// amount, the line.
    #[serde(default)]
    pub invoice: Vec<(Option<NaiveDate>, Decimal, usize)>,
    /// `attendu facture [du 02/10/2025] de « Léa » = 12,60 €`: the child, the day (none:
    /// the child's whole month), the amount, the line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoice_of_child: Vec<(String, Option<NaiveDate>, Decimal, usize)>,
}

/// A child of an `exemple`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExampleChild {
    pub name: String,
    pub line: usize,
    /// The child's inputs; `None` is `inconnu`.
    pub inputs: Vec<(InputId, Option<Value>)>,
    /// `attendu repas de « Léa » = 1,50 €`: the tariff, the amount, the line.
    pub expected: Vec<(usize, Decimal, usize)>,
    /// `attendu repas de « Léa » = erreur`: as [`Example::errors`].
    pub errors: Vec<(Option<usize>, Option<String>, usize)>,
}
