//! The justification: every step that produced a price, as data. It is collected only
//! when asked: the evaluator is generic over a [`Tracer`], and [`NoTrace`] compiles to
//! nothing.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::rules::{ArticleId, ChoiceId, DefinitionId, InputId, Rounding, TableId, Value};

/// Where a value of the family came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Given by the family, for an input that is not certified.
    Declared,
    /// Given as a plain value for an input the deliberation wants certified.
    DeclaredNotCertified,
    /// Not given: the deliberation's `par défaut`.
    Default,
    /// Not given, no default.
    Missing,
    /// Read from a certified document (API Particulier, DGFIP).
    Certified(ProofId),
    /// Not given: the certified document that should have given it is an API error.
    Unavailable(ProofId),
    /// `rang`: given by the ranking of the children (`rang des enfants …`).
    Ranked,
    /// A count of the children of the list `enfants` (`nombre d'enfants …`).
    Counted,
}

/// Index of a document in [`crate::eval::Family::proofs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProofId(pub u16);

/// The certified document a value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The key under `justificatifs`: `api_particulier_qf`, `avis_imposition`…
    pub key: String,
    pub api: Api,
    /// `CNAF`, `MSA`, `DGFIP`.
    pub provider: Option<String>,
    /// The month (or the year, month 0) the values apply to: the QF's month, the
    /// year of the resources or of the income.
    pub period: Option<(i32, u32)>,
    /// When the QF was computed.
    pub computed: Option<(i32, u32)>,
    /// The error the API answered instead of values.
    pub error: Option<ApiError>,
    /// The certified address (`code_postal_ville`), when the answer has one.
    pub address: Option<String>,
}

/// The APIs whose responses `tarif` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// API Particulier, quotient familial CAF & MSA, v3.
    QuotientV3,
    /// API Particulier, quotient familial, v2 (`composition-familiale-v2`).
    QuotientV2,
    /// An answer without `regime`: the older CAF endpoint (`composition-familiale`),
    /// or v2 with the `cnaf_quotient_familial` scope only; the provider is not known.
    QuotientV1,
    /// API Particulier, participation familiale EAJE, v3.
    Eaje,
    /// DGFIP, API Impôt particulier.
    ImpotParticulier,
    /// API Particulier v2, avis d'imposition (legacy).
    AvisImposition,
}

/// An error answered by an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub title: String,
    pub detail: String,
    pub provider: Option<String>,
}

/// What an error answered by an API means for the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiFailure {
    /// The API says the family has no file (HTTP 404): the value is unknown, and the
    /// deliberation says what such a family pays.
    NotFound,
    /// The call failed for a while (rate limit, timeout, provider down): retrying may
    /// give the value.
    Retry,
    /// The portal's call is wrong (token, rights, parameters, conflict): retrying will
    /// not help until its configuration is fixed.
    Configuration,
    /// A code `tarif` does not know: the call is taken as failed (fail closed).
    Unknown,
}

impl ApiError {
    /// What this error means (API Particulier v3 codes and v2 `error` names).
    pub fn failure(&self) -> ApiFailure {
        match self.code.trim() {
            // No file at the CNAF, the MSA, the CNAV; v2 `not_found`.
            "23003" | "10003" | "35003" | "37003" | "not_found" => ApiFailure::NotFound,
            // Rate limit, provider or network down, timeouts.
            "00429"
            | "37001"
            | "37002"
            | "37004"
            | "37008"
            | "37999"
            | "00501"
            | "provider_unknown_error"
            | "timeout_error"
            | "network_error" => ApiFailure::Retry,
            // Token, rights, conflict, missing or wrong parameters.
            "00100" | "00101" | "00103" | "00105" | "00015" | "00366" | "00203" | "50002"
            | "bad_request" => ApiFailure::Configuration,
            // The legacy CAF endpoint's QF of 0: no QF known.
            "QF 0" => ApiFailure::NotFound,
            _ => ApiFailure::Unknown,
        }
    }
}

/// A value as the justification shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Amount(Decimal),
    Rate(Decimal),
    Number(Decimal),
    Bool(bool),
    Date(NaiveDate),
    Choice(ChoiceId),
    Unknown,
}

/// What a modifier did, with its evaluated amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    IncreaseRate { rate: Decimal, of_base: bool },
    DecreaseRate { rate: Decimal, of_base: bool },
    IncreaseAmount(Decimal),
    DecreaseAmount(Decimal),
    Multiply(Decimal),
    Replace(Decimal),
    Exemption,
    Floor(Decimal),
    Ceiling(Decimal),
    Round(Rounding),
}

/// One modifier line, applied or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModifierStep {
    pub action: Action,
    /// The modifier in the rule tree (its label is there).
    pub modifier: crate::rules::ModifierAt,
    /// `None` without a condition.
    pub condition: Option<bool>,
    pub applied: bool,
    pub before: Decimal,
    pub after: Decimal,
    pub article: ArticleId,
    pub line: usize,
}

/// One step of a justification. Names, labels, lines and rows as written are those of
/// the rule tree the steps point into (the renderers read them there), so that
/// recording a step copies no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Input {
        input: InputId,
        value: Shown,
        provenance: Provenance,
        /// The certified document of `Certified` and `Unavailable` (boxed: steps stay
        /// small to move).
        proof: Option<Box<Proof>>,
    },
    Definition {
        definition: DefinitionId,
        value: Shown,
    },
    /// A table row chosen for a key.
    Row {
        table: TableId,
        /// The index of the row in the table.
        row: usize,
        /// The column of a crossed table.
        column: Option<usize>,
        key_value: Shown,
    },
    /// The final price of another tariff, used where its name is written.
    Tariff {
        /// The index of the tariff in [`crate::rules::Deliberation::tariffs`].
        tariff: u32,
        amount: Option<Decimal>,
    },
    /// The value of the tariff before its modifiers; `None` when it is unknown and a
    /// `remplacé par` (or an exemption) that applies makes it needless.
    Base {
        amount: Option<Decimal>,
        article: ArticleId,
        line: usize,
    },
    Modifier(ModifierStep),
    /// `la plus favorable de`: every option, and the one kept (if any applied).
    MostFavourable {
        options: Vec<ModifierStep>,
        chosen: Option<usize>,
        before: Decimal,
        after: Decimal,
        article: ArticleId,
        line: usize,
    },
    /// The final rounding to the cent the deliberation did not write.
    ImplicitRounding {
        before: Decimal,
        after: Decimal,
    },
    /// The child's rank among the `of` children of the family, by the ranking rule of
    /// the deliberation, and the child's value of its key (none for the family's
    /// order); `tie` when another child has the same value (the family's order decides).
    Rank {
        rank: u32,
        of: u32,
        key: Option<Shown>,
        /// Where the child's value of an input key comes from.
        provenance: Option<Provenance>,
        tie: bool,
    },
}

/// The justification of one tariff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Justification {
    pub steps: Vec<Step>,
}

/// What the evaluator tells as it goes.
pub trait Tracer {
    /// Whether anything is recorded (to skip the work of building steps).
    const ON: bool;
    /// Whether the modifiers that read the rank are set aside: the price is the key of
    /// `rang des enfants selon le tarif …` (known at compile time: no cost otherwise).
    const BEFORE_RANK: bool = false;
    fn step(&mut self, step: impl FnOnce() -> Step);
    /// Records the step of an input.
    fn input(
        &mut self,
        input: InputId,
        value: Shown,
        provenance: Provenance,
        proof: Option<Box<Proof>>,
    );
    /// Records the step of a modifier line.
    fn modifier(&mut self, step: impl FnOnce() -> ModifierStep);
}

/// The tracer that records nothing.
#[derive(Debug, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ON: bool = false;
    #[inline(always)]
    fn step(&mut self, _: impl FnOnce() -> Step) {}
    #[inline(always)]
    fn input(&mut self, _: InputId, _: Shown, _: Provenance, _: Option<Box<Proof>>) {}
    #[inline(always)]
    fn modifier(&mut self, _: impl FnOnce() -> ModifierStep) {}
}

/// The tracer of a ranking key: records nothing, and sets aside the modifiers that read
/// the rank.
#[derive(Debug, Default)]
pub struct BeforeRank;

impl Tracer for BeforeRank {
    const ON: bool = false;
    const BEFORE_RANK: bool = true;
    #[inline(always)]
    fn step(&mut self, _: impl FnOnce() -> Step) {}
    #[inline(always)]
    fn input(&mut self, _: InputId, _: Shown, _: Provenance, _: Option<Box<Proof>>) {}
    #[inline(always)]
    fn modifier(&mut self, _: impl FnOnce() -> ModifierStep) {}
}

/// The tracer that records every step.
#[derive(Debug, Default)]
pub struct Recorder {
    /// The steps recorded, then those of an earlier justification whose memory is
    /// reused (overwritten one by one, and cut off by [`Recorder::finish`]).
    steps: Vec<Step>,
    recorded: usize,
}

impl Recorder {
    /// A recorder with room for the steps of a usual tariff.
    pub fn new() -> Self {
        Recorder::reusing(Vec::with_capacity(16))
    }

    /// A recorder that writes over the steps of an earlier justification.
    pub(crate) fn reusing(steps: Vec<Step>) -> Self {
        Recorder { steps, recorded: 0 }
    }

    /// The steps recorded.
    pub(crate) fn finish(mut self) -> Vec<Step> {
        self.steps.truncate(self.recorded);
        self.steps
    }
}

impl Tracer for Recorder {
    const ON: bool = true;
    #[inline(always)]
    fn step(&mut self, step: impl FnOnce() -> Step) {
        // Written over an old step in place when there is one.
        match self.steps.get_mut(self.recorded) {
            Some(slot) => *slot = step(),
            None => self.steps.push(step()),
        }
        self.recorded += 1;
    }

    #[inline(always)]
    fn input(
        &mut self,
        input: InputId,
        value: Shown,
        provenance: Provenance,
        proof: Option<Box<Proof>>,
    ) {
        // Over the step of the same input for the previous family, field by field.
        if let Some(Step::Input {
            input: i,
            value: v,
            provenance: p,
            proof: b,
        }) = self.steps.get_mut(self.recorded)
        {
            *i = input;
            *v = value;
            *p = provenance;
            *b = proof;
            self.recorded += 1;
            return;
        }
        self.step(|| Step::Input {
            input,
            value,
            provenance,
            proof,
        });
    }

    #[inline(always)]
    fn modifier(&mut self, step: impl FnOnce() -> ModifierStep) {
        // Over the step of the same line of the previous family, field by field.
        match self.steps.get_mut(self.recorded) {
            Some(Step::Modifier(slot)) => *slot = step(),
            Some(slot) => *slot = Step::Modifier(step()),
            None => self.steps.push(Step::Modifier(step())),
        }
        self.recorded += 1;
    }
}

/// How a value of the rule tree is shown, knowing its type.
pub fn shown(value: Option<Value>, ty: &crate::rules::ValueType) -> Shown {
    value.map_or(Shown::Unknown, |v| shown_value(&v, ty))
}

/// [`shown`] of a known value, read where it lies.
#[inline(always)]
pub(crate) fn shown_value(value: &Value, ty: &crate::rules::ValueType) -> Shown {
    use crate::rules::ValueType as T;
    match (value, ty) {
        (Value::Number(n), T::Amount) => Shown::Amount(*n),
        (Value::Number(n), T::Rate) => Shown::Rate(*n),
        (Value::Number(n), _) => Shown::Number(*n),
        (Value::Bool(b), _) => Shown::Bool(*b),
        (Value::Date(d), _) => Shown::Date(*d),
        (Value::Choice(c), _) => Shown::Choice(*c),
    }
}

/// What the justification shows of input number `index` of `family`: its value (the
/// default when none is given), where it comes from and the certified document.
#[inline(always)]
pub(super) fn input_shown(
    d: &crate::rules::Deliberation,
    family: &super::Family,
    index: usize,
) -> Option<(Shown, Provenance, Option<Box<Proof>>)> {
    let input = d.inputs.get(index)?;
    // Matched where it lies (a `Value` copied whole through the stack stalls).
    let (value, provenance) = match (family.given.get(index), &input.default) {
        (Some(Some((v, p))), _) => (Some(v), *p),
        (_, Some(default)) => (Some(default), Provenance::Default),
        (_, None) => {
            let unavailable = family.unavailable().get(index).copied().flatten();
            (
                None,
                unavailable.map_or(Provenance::Missing, Provenance::Unavailable),
            )
        }
    };
    let proof = match provenance {
        Provenance::Certified(p) | Provenance::Unavailable(p) => {
            family.proofs().get(p.0 as usize).cloned().map(Box::new)
        }
        _ => None,
    };
    let shown = value.map_or(Shown::Unknown, |v| shown_value(v, &input.ty));
    Some((shown, provenance, proof))
}
