//! The stable codes of diagnostics. Each has a test file that triggers it:
//! `tests/cases/diagnostics/<code>.delib`.

use serde::Serialize;

use super::Severity;

/// A stable diagnostic code. Errors are `E…`, warnings `W…`; a code never changes
/// meaning once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Code {
    /// A statement the grammar does not accept: `tarif repas (repas)`.
    E001,
    /// A statement in the wrong section: `x = 3` under `entrées`.
    E002,
    /// The header lacks `délibération « … »` or `applicable du …`.
    E003,
    /// A header line given twice: two `numéro` lines.
    E004,
    /// An unknown function: `plafond(x ; 3)`; or `arrondi(x ; supérieur)`, whose mode
    /// is not one.
    E005,
    /// A date that does not exist: `31/02/2025`.
    E006,
    /// A number too large for exact decimals.
    E007,
    /// Two lower (or upper) bounds in one row: `> 400 et > 600`.
    E008,
    /// An empty cell in a table row: `| 400 | |`.
    E009,
    /// `grille selon …` with no row.
    E010,
    /// An unknown name: `si residnce = commune`.
    E011,
    /// A name defined twice.
    E012,
    /// A word of the language used as a name: `taux = 5 %`.
    E013,
    /// `tarif repas (par repas)` and no value for `repas` anywhere.
    E014,
    /// A modifier on a name that is not a tariff: `quotient : majoration de 10 %`.
    E015,
    /// A value that is not one of the `choix`: `résidence = ailleurs`.
    E016,
    /// A row that names another value than the grid's key: `| revenu < 600 |` in a
    /// grid `selon qf`.
    E017,
    /// A column of a grid headed by words instead of the name it defines:
    /// `| qf | Prix du repas |` in a `grille selon qf`.
    E018,
    /// Units that do not mix: `prix + 5` where `prix` is a montant.
    E020,
    /// Values of different kinds compared: `quotient ≤ 30 %` (montant and taux); a bare
    /// number beside an amount is an amount (`quotient ≤ 1 000`).
    E021,
    /// A value of the wrong type: `si quotient alors …`.
    E022,
    /// A whole value that may not be whole: `q : montant entier = rfr / 12`.
    E023,
    /// A certified source not in the catalogue: `certifié CAF.quotient`.
    E024,
    /// An input whose type cannot hold its source's values.
    E025,
    /// `certifié CAF.résidence` without a `territoire` line that says which postal codes
    /// are the commune's.
    E026,
    /// `rang` declared as an input where `rang des enfants …` gives it, or two ranking
    /// rules.
    E027,
    /// A gap in a table: values of the key that no row takes.
    E030,
    /// An overlap in a table: values two rows take.
    E031,
    /// Values of a `choix` key that no row takes.
    E032,
    /// A value of a `choix` in two rows.
    E033,
    /// The header row names another key than `selon`.
    E034,
    /// A row with more or fewer cells than the header.
    E035,
    /// A row condition that does not fit the key: a date on a QF.
    E036,
    /// A cycle between definitions.
    E040,
    /// A chain of calculations too deep to evaluate safely: thousands of definitions
    /// each using the previous one.
    E041,
    /// A ranking of the children that depends on the rank: `rang des enfants selon le
    /// tarif repas` where the base price of `repas` reads `rang`.
    E042,
    /// A ranking key that cannot rank children: a family's input, a value of the wrong
    /// kind, or an order that does not fit it (`du plus âgé` on a price).
    E043,
    /// A tariff `(par famille)` whose price reads an input of the child, or `rang`.
    E044,
    /// `nombre d'enfants si …` whose condition reads a count of children, or `rang`.
    E045,
    /// An example sets a name that is not an input.
    E050,
    /// `attendu x` where `x` is not a tariff.
    E051,
    /// An expected amount written as a rate.
    E052,
    /// `attendu repas de « Léa »` in an example that has no child « Léa ».
    E053,
    /// A day of an example that cannot be read, or an invoice expected without days.
    E054,
    /// `applicable du` after `au`.
    E060,
    /// `facturation des repsa`: a règlement de facturation (or one of its prices) names
    /// no tariff.
    E070,
    /// A state a day can reach without a price: `annulé dans le délai` not written.
    E071,
    /// Two prices for the same days of a state.
    E072,
    /// A count without its period: `à partir du 7e` (dans le mois ? de l'absence ?).
    E073,
    /// A deadline, a delay, a limit or a rounding of a facturation given twice.
    E074,
    /// An amount of a facturation in percent, or a change of the unit price in euros.
    E075,
    /// A smoothing without its months, or with as many parts as it names months.
    E076,
    /// A factor of a unit price that is no number the family gives.
    E077,
    /// A deadline of more than a year, or a step of time of no minute.
    E078,
    /// A step of time said alone where the facturation bills two times.
    E079,
    /// A minimum of presence where the facturation bills no time of presence.
    E080,
    /// A row whose values come before those of the row above.
    W001,
    /// A price that goes down as the key goes up.
    W002,
    /// A row no family reaches.
    W003,
    /// A `—` cell (sans objet) some families reach: they get an error.
    W004,
    /// A tariff that ends unknown when some inputs are missing.
    W005,
    /// A tariff that may carry more than two decimals and is not rounded.
    W006,
    /// A modifier after which the price may go below 0 €.
    W007,
    /// A divisor that can be 0: `rfr / 12 / parts` with `parts : nombre`.
    W008,
    /// A grid bound finer than its key's step: `De 4573,48 €` against a key in euros.
    W009,
    /// A grid column that defines a value nothing uses: `| QF | Prix |` under a tariff
    /// that already has its value.
    W010,
    /// A price for a state no day reaches: `annulé hors délai` without an
    /// `annulation au plus tard …`.
    W011,
}

impl Code {
    /// Every code, in order.
    pub const ALL: &'static [Code] = &[
        Code::E001,
        Code::E002,
        Code::E003,
        Code::E004,
        Code::E005,
        Code::E006,
        Code::E007,
        Code::E008,
        Code::E009,
        Code::E010,
        Code::E011,
        Code::E012,
        Code::E013,
        Code::E014,
        Code::E015,
        Code::E016,
        Code::E017,
        Code::E018,
        Code::E020,
        Code::E021,
        Code::E022,
        Code::E023,
        Code::E024,
        Code::E025,
        Code::E026,
        Code::E027,
        Code::E030,
        Code::E031,
        Code::E032,
        Code::E033,
        Code::E034,
        Code::E035,
        Code::E036,
        Code::E040,
        Code::E041,
        Code::E042,
        Code::E043,
        Code::E044,
        Code::E045,
        Code::E050,
        Code::E051,
        Code::E052,
        Code::E053,
        Code::E054,
        Code::E060,
        Code::E070,
        Code::E071,
        Code::E072,
        Code::E073,
        Code::E074,
        Code::E075,
        Code::E076,
        Code::E077,
        Code::E078,
        Code::E079,
        Code::E080,
        Code::W001,
        Code::W002,
        Code::W003,
        Code::W004,
        Code::W005,
        Code::W006,
        Code::W007,
        Code::W008,
        Code::W009,
        Code::W010,
        Code::W011,
    ];

    pub fn severity(self) -> Severity {
        if self >= Code::W001 {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// `E030`
    pub fn as_str(self) -> String {
        format!("{self:?}")
    }
}
