//! The syntax tree of a deliberation, as written, with spans. Names are not resolved
//! and types are not checked here: that is the checker's work.

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use crate::rules::{ArithOp, CompareOp, Direction, Rounding};
use crate::span::Span;

/// A name as written (`résidence`), with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A text between `« »` or quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub text: String,
    pub span: Span,
}

/// A whole file.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub header: Header,
    /// The `entrées` line, if any.
    pub inputs_span: Option<Span>,
    pub inputs: Vec<InputDecl>,
    pub articles: Vec<Article>,
    pub examples: Vec<Example>,
}

/// The header: `délibération « … »`, `collectivité`, `numéro`, `adoptée le`, `applicable du`.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub title: Option<Text>,
    pub title_span: Option<Span>,
    pub collectivity: Option<Text>,
    pub number: Option<Text>,
    pub adopted: Option<DateLit>,
    pub applicable_from: Option<DateLit>,
    pub applicable_to: Option<DateLit>,
    pub replaces: Option<Text>,
    /// `territoire 45450 Fay-aux-Loges, …`: postal code and town (if written).
    pub territory: Vec<(String, Option<String>)>,
    pub territory_span: Option<Span>,
}

/// A date as written: `26/06/2025`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateLit {
    pub date: NaiveDate,
    pub span: Span,
}

/// The unit written after a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// No unit: `3`.
    Bare,
    /// `€`
    Euro,
    /// `%` (the value is already divided by 100).
    Percent,
}

/// A number and its unit: `2,20 €`, `30 %` (value 0,30).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: Unit,
    pub span: Span,
}

/// A constant of an input default or an example.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Quantity(Quantity),
    Date(DateLit),
    Bool(bool, Span),
    /// A value of a `choix`.
    Word(Name),
    /// `inconnu`, in an example.
    Unknown(Span),
}

impl Literal {
    pub fn span(&self) -> Span {
        match self {
            Literal::Quantity(q) => q.span,
            Literal::Date(d) => d.span,
            Literal::Bool(_, span) | Literal::Unknown(span) => *span,
            Literal::Word(name) => name.span,
        }
    }
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeName {
    Amount,
    WholeAmount,
    Rate,
    Number,
    Integer,
    Boolean,
    Date,
    Choice(Vec<Name>),
}

/// `quotient_caf : montant entier, certifié CAF.quotient_familial`
#[derive(Debug, Clone)]
pub struct InputDecl {
    pub name: Name,
    pub ty: TypeName,
    pub ty_span: Span,
    pub certified: Option<Name>,
    pub default: Option<Literal>,
    /// `de 0 à 150`: the least and greatest values a family may give.
    pub low: Option<Quantity>,
    pub high: Option<Quantity>,
    /// `obligatoire`
    pub required: Option<Span>,
    pub label: Option<Text>,
    pub span: Span,
    /// Declared under `entrées de chaque enfant`.
    pub child: bool,
}

/// `article 3 « Prix du repas »` and what it holds.
#[derive(Debug, Clone)]
pub struct Article {
    pub number: String,
    pub title: Option<Text>,
    pub span: Span,
    pub items: Vec<ArticleItem>,
}

/// One rule of an article.
#[derive(Debug, Clone)]
pub enum ArticleItem {
    Tariff(TariffDecl),
    Definition(Definition),
    Table(Table),
    Modifier(ModifierLine),
    BestOf(BestOf),
    Ranking(Ranking),
    Count(ChildCount),
    ValueType(ValueType),
    Billing(Billing),
}

/// `facturation des repas « restauration scolaire »` and the rules under it.
#[derive(Debug, Clone)]
pub struct Billing {
    pub service: Name,
    /// `facturation de la journee et de la demi_journee`: the other tariffs billed by
    /// the same rules.
    pub others: Vec<Name>,
    pub label: Option<Text>,
    pub span: Span,
    pub rules: Vec<BillingRule>,
}

/// A rule of a `facturation`.
#[derive(Debug, Clone)]
pub enum BillingRule {
    /// `réservation au plus tard 48 h avant` (`booking`), `annulation avant 9 h le
    /// jour même`.
    Deadline {
        booking: bool,
        /// `réservation et annulation …`, `modifications …`: both kinds at once.
        both: bool,
        moment: crate::billing::Moment,
        inclusive: bool,
        days: Vec<chrono::Weekday>,
        span: Span,
    },
    /// `justificatif fourni sous 72 h, au plus tard 10 jours après`.
    Proof {
        hours: u32,
        limit: Option<u32>,
        span: Span,
    },
    /// `absent non justifié, annulé hors délai : tarif repas`.
    State {
        /// Each state, where it is written, and whether it is named alone (not by
        /// `absent` or `annulé`, which name several).
        states: Vec<(crate::billing::DayState, Span, bool)>,
        /// `pour hospitalisation`: only the days of that motive.
        motive: Option<String>,
        count: Option<BillingCount>,
        cost: Vec<CostTerm>,
        /// `déduction de …`: the cost is taken off.
        deduction: bool,
        /// `par heure prévue`: priced by the hours planned that day.
        planned_hours: bool,
        /// `… par certificat médical fourni sous 72 h`: the delay of the document, in
        /// hours, said with the state.
        proof: Option<u32>,
        /// `après 2 jours de carence`: the first days of each absence at the tariff.
        carence: Option<Carence>,
        label: Option<Text>,
        span: Span,
    },
    /// `plafond de 60 € par mois et par enfant`.
    Limit {
        cap: bool,
        amount: Quantity,
        per_family: bool,
        label: Option<Text>,
        span: Span,
    },
    /// `pénalité de 25 € par famille et par mois si réservé hors délai`.
    Charge {
        amount: Quantity,
        per_family: bool,
        /// `par repas si …`: for each day in those states.
        per_day: bool,
        when: Vec<crate::billing::DayState>,
        /// The words between `pénalité` and the amount (`pour inscription hors délai`).
        words: String,
        label: Option<Text>,
        span: Span,
    },
    /// `durée par demi-heure engagée, au moins 4 heures`.
    Duration {
        step: u32,
        begun: bool,
        minimum: Option<u32>,
        /// `toute demi-heure entamée est due` alone, without `durée`.
        alone: bool,
        span: Span,
    },
    /// `retard après 19 h : 11,00 € par demi-heure engagée`.
    /// `une présence inférieure à 4 heures est facturée 4 heures`, in minutes.
    PresenceMinimum { minutes: u32, span: Span },
    Late {
        after: chrono::NaiveTime,
        /// `à partir de 18 h 45`, `dès 18 h 45`: a departure at that hour is late.
        inclusive: bool,
        cost: Vec<CostTerm>,
        step: u32,
        begun: bool,
        label: Option<Text>,
        span: Span,
    },
    /// `dépassement : 0,5 × tarif horaire par demi-heure engagée`.
    Overtime {
        cost: Vec<CostTerm>,
        step: u32,
        begun: bool,
        label: Option<Text>,
        span: Span,
    },
    /// `forfait mensuel : tarif forfait dès le 2e jour de présence dans le mois`.
    Forfait {
        cost: Vec<CostTerm>,
        from: Option<u32>,
        prorata: bool,
        /// `forfait hebdomadaire`: for each week, not the month.
        week: bool,
        label: Option<Text>,
        span: Span,
    },
    /// `lissage : tarif … en 10 mensualités de septembre à juin`.
    Smoothing {
        cost: Vec<CostTerm>,
        parts: u32,
        months: Option<(u32, u32)>,
        label: Option<Text>,
        span: Span,
    },
    /// `arrondi du total au centime`.
    Rounding {
        each_line: bool,
        mode: Rounding,
        span: Span,
    },
}

/// `après 2 jours (calendaires) de carence`.
#[derive(Debug, Clone, Copy)]
pub struct Carence {
    pub days: u32,
    pub calendar: bool,
    pub span: Span,
}

/// `à partir du 7e dans le mois`: its period may be missing (an error).
#[derive(Debug, Clone, Copy)]
pub struct BillingCount {
    pub from: u32,
    pub to: Option<u32>,
    pub period: Option<crate::billing::CountPeriod>,
    pub span: Span,
}

/// A term of what a day costs.
#[derive(Debug, Clone)]
pub enum CostTerm {
    /// `2 × tarif repas majoré de 50 %`; the tariff of the facturation when `None`.
    Unit {
        tariff: Option<Name>,
        factor: Decimal,
        /// The inputs that multiply it (`heures_semaine`).
        inputs: Vec<Name>,
        /// `majoré de 50 %` (`false`), `minoré de 20 %` (`true`).
        change: Option<(Quantity, bool)>,
        negative: bool,
        span: Span,
    },
    /// `1,00 €`
    Amount { value: Quantity, negative: bool },
}

impl CostTerm {
    /// `tarif`: the unit price of the tariff billed, as written at `span`.
    pub fn own_tariff(span: Span) -> CostTerm {
        CostTerm::Unit {
            tariff: None,
            factor: rust_decimal::Decimal::ONE,
            inputs: Vec::new(),
            change: None,
            negative: false,
            span,
        }
    }
}

/// `code : choix parmi A, B, C`: the type of a value that a grid column defines.
#[derive(Debug, Clone)]
pub struct ValueType {
    pub name: Name,
    pub ty: TypeName,
    pub ty_span: Span,
    pub span: Span,
}

/// `inscrits = nombre d'enfants si cantine « enfants inscrits »`: a value the rules
/// read, the number of the family's children (that meet the condition).
#[derive(Debug, Clone)]
pub struct ChildCount {
    pub name: Name,
    pub condition: Option<Expr>,
    pub label: Option<Text>,
    pub span: Span,
}

/// `rang des enfants selon naissance, du plus âgé au plus jeune`
#[derive(Debug, Clone)]
pub struct Ranking {
    /// `None` for `dans l'ordre donné par la famille`.
    pub key: Option<(Name, Direction)>,
    pub label: Option<Text>,
    pub span: Span,
}

/// `tarif repas (par repas) « repas du midi »`
#[derive(Debug, Clone)]
pub struct TariffDecl {
    pub name: Name,
    pub unit: String,
    pub value: Option<Expr>,
    pub label: Option<Text>,
    pub span: Span,
}

/// `quotient : montant = …`
#[derive(Debug, Clone)]
pub struct Definition {
    pub name: Name,
    pub ty: Option<(TypeName, Span)>,
    pub value: Expr,
    pub label: Option<Text>,
}

/// `grille selon quotient` and its rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// `journée` in `journée selon quotient et régime`; `None` for `grille`.
    pub name: Option<Name>,
    pub key: Name,
    /// The key of the columns of a crossed table.
    pub column_key: Option<Name>,
    pub head_span: Span,
    /// The first row: the key, then the defined names (or the column values).
    pub header: Option<HeaderRow>,
    pub rows: Vec<Row>,
    /// A row could not be read: coverage is not judged on what is left.
    pub incomplete: bool,
}

/// The first row of a table.
#[derive(Debug, Clone)]
pub struct HeaderRow {
    pub key: Name,
    pub columns: Vec<Column>,
    /// Every column could be read (otherwise the rows are not counted against it).
    pub complete: bool,
}

/// A column of the header row: a defined name, or a condition on the column key.
#[derive(Debug, Clone)]
pub enum Column {
    /// A defined name, and the unit written after it (`repas (€)`).
    Name(Name, Option<Unit>),
    Condition(Condition),
}

/// A data row of a table.
#[derive(Debug, Clone)]
pub struct Row {
    pub condition: Condition,
    pub cells: Vec<Cell>,
    pub span: Span,
}

/// A cell of a data row.
#[derive(Debug, Clone)]
pub enum Cell {
    Value(Expr),
    /// `—`: sans objet.
    NotApplicable(Span),
}

/// A bound of an interval row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundLit {
    pub value: BoundValue,
    pub inclusive: bool,
}

/// The value of a bound: a number or a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoundValue {
    Quantity(Quantity),
    Date(DateLit),
}

/// The condition of a row, as a set of values of the key.
#[derive(Debug, Clone)]
pub struct Condition {
    pub kind: ConditionKind,
    /// The text as written, for justifications: `de 601 à 800 €`.
    pub written: String,
    pub span: Span,
}

/// What a row condition says.
#[derive(Debug, Clone)]
pub enum ConditionKind {
    /// `inconnu`
    Unknown,
    /// `autre`
    Other,
    /// `de X à Y`, `moins de X`, `du D au D`…; `None` is unbounded.
    Interval {
        low: Option<BoundLit>,
        high: Option<BoundLit>,
    },
    /// `commune, hors_commune`, `oui`.
    Values(Vec<Literal>),
}

/// `repas : majoration de 30 % si résidence = hors_commune « majoration hors commune »`
#[derive(Debug, Clone)]
pub struct ModifierLine {
    pub target: Name,
    pub modifier: Modifier,
}

/// `repas : la plus favorable de` and its `- …` lines.
#[derive(Debug, Clone)]
pub struct BestOf {
    pub target: Name,
    pub options: Vec<Modifier>,
    pub span: Span,
}

/// A modifier with its condition and label.
#[derive(Debug, Clone)]
pub struct Modifier {
    pub kind: ModifierKind,
    pub condition: Option<Expr>,
    pub label: Option<Text>,
    pub span: Span,
}

/// What a modifier does.
#[derive(Debug, Clone)]
pub enum ModifierKind {
    Increase { amount: Expr, of_base: bool },
    Decrease { amount: Expr, of_base: bool },
    Multiply(Expr),
    Replace(Expr),
    Exemption,
    Floor(Expr),
    Ceiling(Expr),
    Round(Rounding),
}

/// `exemple « … »` and its lines.
#[derive(Debug, Clone)]
pub struct Example {
    pub name: Text,
    pub span: Span,
    pub assignments: Vec<(Name, Literal)>,
    /// `attendu repas [de « Léa »] = 2,29 €`
    pub expected: Vec<(Name, Quantity, Option<Text>)>,
    /// `attendu erreur [CODE]` (every tariff) or `attendu repas = erreur [CODE]`.
    pub expected_errors: Vec<ExpectedError>,
    pub children: Vec<ExampleChild>,
    /// `jour 02/10/2025 : présent, réservé le 30/09/2025 à 18 h`
    pub days: Vec<ExampleDay>,
    /// `attendu facture [du 02/10/2025] = 31,80 €`
    /// `attendu facture [du 02/10/2025] [de « Léa »] = …`: the day, the child, the
    /// amount, the line.
    pub expected_invoice: Vec<(Option<DateLit>, Option<Text>, Quantity, Span)>,
}

/// A day of an example: its date, its child, what it was (in words), where.
#[derive(Debug, Clone)]
pub struct ExampleDay {
    pub date: DateLit,
    pub child: Option<Text>,
    pub words: String,
    pub span: Span,
}

/// `enfant « Léa » : naissance = 12/03/2014, pai = oui`
#[derive(Debug, Clone)]
pub struct ExampleChild {
    pub name: Text,
    pub assignments: Vec<(Name, Literal)>,
    pub span: Span,
}

/// `attendu repas = erreur E118`
#[derive(Debug, Clone)]
pub struct ExpectedError {
    pub tariff: Option<Name>,
    pub code: Option<String>,
    pub span: Span,
    /// `de « Léa »`
    pub child: Option<Text>,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// The height of the tree below (1 for a leaf), kept small so that walking it
    /// recursively is safe.
    pub depth: usize,
}

impl Expr {
    /// A node, with its depth computed from its children's.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let mut deepest = 0;
        kind.for_each_child(|child| deepest = deepest.max(child.depth));
        Expr {
            kind,
            span,
            depth: deepest + 1,
        }
    }
}

impl ExprKind {
    /// Calls `f` on each direct sub-expression.
    pub fn for_each_child(&self, mut f: impl FnMut(&Expr)) {
        match self {
            ExprKind::Quantity(_) | ExprKind::Date(_) | ExprKind::Bool(_) | ExprKind::Name(_) => {}
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

/// The kinds of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Quantity(Quantity),
    Date(NaiveDate),
    Bool(bool),
    Name(String),
    Negate(Box<Expr>),
    Not(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `x est connu` (`known: true`) or `x est inconnu`.
    IsKnown {
        value: Box<Expr>,
        known: bool,
    },
    /// `x entre a et b`
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    Round(Box<Expr>, Rounding),
    /// `borné(x ; entre a et b)`
    Clamp(Box<Expr>, Box<Expr>, Box<Expr>),
}
