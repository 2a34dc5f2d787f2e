//! The errors of reading a file: statements the grammar does not accept, statements in
//! the wrong section, and constants that cannot be values.

use crate::span::Span;

/// A syntax error and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum SyntaxErrorKind {
    /// The grammar expected one of `expected` where it found `found`.
    Unexpected {
        expected: Vec<Expected>,
        found: Option<String>,
        /// The closest statement the grammar accepts, in full, and the span of the
        /// statement it replaces.
        fix: Option<(String, Span)>,
        /// A line of a règlement de facturation, and what its first words say it is:
        /// the help shows the forms of that kind of line.
        billing: Option<BillingLine>,
    },
    /// A statement that belongs to another section.
    Misplaced {
        statement: StatementKind,
        section: Section,
    },
    /// The file does not start with `délibération « … »`.
    MissingTitle,
    /// A header line the file needs is absent.
    MissingHeaderLine(HeaderLine),
    /// A header line given twice.
    DuplicateHeaderLine(HeaderLine),
    /// `plafond(x)`: not a function of the language.
    UnknownFunction { name: String },
    /// `arrondi(x ; supérieur)`: a mode that is not one; `borné(x ; 2 €)`: no
    /// `entre A et B`. `written` is the argument as written.
    BadCall {
        rounding: bool,
        written: Option<String>,
    },
    /// `31/02/2025`
    InvalidDate { text: String },
    /// A number too large for exact decimals.
    NumberTooLarge { text: String },
    /// `> 400 et > 600`: two lower (or two upper) bounds.
    SameSideBounds,
    /// `revenu < 600` in a grid `selon qf`: the row names another value than the key.
    RowNamesOtherKey { written: String, key: String },
    /// `| Prix du repas |` in the header of a `grille`: a column must name what it
    /// defines; `suggestion` is a name made from the words.
    ColumnNotName { written: String, suggestion: String },
    /// `| |`: an empty cell.
    EmptyCell,
    /// `grille selon …` with no rows.
    EmptyTable,
    /// An expression nested too deeply to be read safely.
    TooDeep,
}

/// What a refused line under `facturation des …` means to say, told by its first
/// words (`annulation …`, `absent …`, `pénalité …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingLine {
    /// `absent justifié : gratuit`
    State,
    /// `annulation au plus tard la veille à 10 h`
    Deadline,
    /// `justificatif fourni sous 72 h`
    Proof,
    /// `pénalité de 25 € par famille et par mois si réservé hors délai`
    Charge,
    /// `plafond de 60 € par mois et par enfant`
    Limit,
    /// `retard après 19 h : 11 € par demi-heure engagée`
    Late,
    /// `durée par demi-heure engagée, au moins 1 heure`
    Duration,
    /// `dépassement : 0,5 × tarif horaire par demi-heure engagée`
    Overtime,
    /// `forfait mensuel : tarif forfait dès le 2e mercredi du mois`
    Forfait,
    /// `tout mois commencé est dû`, alone on its line
    MonthDue,
    /// `lissage : tarif annuel en 10 mensualités de septembre à juin`
    Smoothing,
    /// `arrondi du total au centime`
    Rounding,
    /// Anything else.
    Other,
}

/// What the grammar expected, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expected {
    Keyword(&'static str),
    Symbol(&'static str),
    Name,
    Number,
    Date,
    Text,
    Type,
    Expression,
    Operator,
    Modifier,
    RoundingMode,
    RowCondition,
    Unit,
    ArticleNumber,
    EndOfStatement,
}

/// The kinds of statements, to say which one is misplaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    HeaderLine,
    InputDecl,
    ArticleRule,
    TableRow,
    FavourableItem,
    BillingRule,
    ExampleLine,
}

/// The sections of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Header,
    Inputs,
    Article,
    Example,
}

/// The lines of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLine {
    Title,
    Collectivity,
    Number,
    Adopted,
    Applicable,
    Replaces,
}
