//! Inputs: their types and facts, their defaults, and their certified sources checked
//! against the catalogue of LANGUAGE.md §4.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::Checker;
use super::error::{CheckError, CheckErrorKind, TyExpected};
use super::facts::{Facts, Grain, Range, Ty};
use crate::rules::{self, CertifiedSource, InputId, Value};
use crate::syntax::ast::{self, Literal, TypeName, Unit};

/// The catalogue of certified sources: name, source, type of value, whole or not.
const CATALOGUE: &[(&str, CertifiedSource, SourceType)] = &[
    (
        "CAF.quotient_familial",
        CertifiedSource::CafQuotient,
        SourceType::WholeAmount,
    ),
    (
        "CAF.fournisseur",
        CertifiedSource::CafProvider,
        SourceType::Provider,
    ),
    (
        "CAF.nombre_enfants",
        CertifiedSource::CafChildren,
        SourceType::Integer,
    ),
    (
        "CAF.nombre_allocataires",
        CertifiedSource::CafRecipients,
        SourceType::Integer,
    ),
    (
        "CAF.enfants_mineurs",
        CertifiedSource::CafMinorChildren,
        SourceType::Integer,
    ),
    (
        "CAF.date_naissance",
        CertifiedSource::CafChildBirth,
        SourceType::Date,
    ),
    (
        "CAF.résidence",
        CertifiedSource::CafResidence,
        SourceType::Residence,
    ),
    (
        "EAJE.ressources_annuelles",
        CertifiedSource::EajeResources,
        SourceType::WholeAmount,
    ),
    (
        "EAJE.enfants_a_charge",
        CertifiedSource::EajeChildren,
        SourceType::Integer,
    ),
    (
        "EAJE.enfants_aeeh",
        CertifiedSource::EajeAeehChildren,
        SourceType::Integer,
    ),
    (
        "DGFIP.revenu_fiscal_reference",
        CertifiedSource::DgfipReferenceIncome,
        SourceType::WholeAmount,
    ),
    (
        "DGFIP.nombre_parts",
        CertifiedSource::DgfipShares,
        SourceType::Number,
    ),
    (
        "DGFIP.personnes_a_charge",
        CertifiedSource::DgfipDependents,
        SourceType::Integer,
    ),
];

/// The name of a certified source as deliberations write it: `CAF.quotient_familial`.
pub fn source_name(source: CertifiedSource) -> &'static str {
    CATALOGUE
        .iter()
        .find(|(_, s, _)| *s == source)
        .map_or("", |(name, _, _)| name)
}

/// The values a certified source gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceType {
    WholeAmount,
    Integer,
    Number,
    /// `choix parmi CNAF, MSA`
    Provider,
    /// `choix parmi commune, hors_commune`
    Residence,
    /// A child's date of birth.
    Date,
}

/// The values of `CAF.résidence` the checker suggests.
pub const RESIDENCES: &[&str] = &["commune", "hors_commune"];

/// The providers of `CAF.fournisseur`.
pub const PROVIDERS: &[&str] = &["CNAF", "MSA"];

impl Checker<'_> {
    pub(super) fn inputs(&mut self) {
        let file = self.file;
        for (i, decl) in file.inputs.iter().enumerate() {
            let (ty, whole) = self.input_type(&decl.ty);
            let id = InputId(u32::try_from(i).unwrap_or(u32::MAX));
            let certified = decl
                .certified
                .as_ref()
                .and_then(|s| self.source(s, &decl.ty));
            // A child's date of birth is a child's input; every other source gives one
            // value for the whole family.
            if let (Some(source), Some(name)) = (certified, &decl.certified)
                && (source == CertifiedSource::CafChildBirth) != decl.child
            {
                self.errors.push(CheckError {
                    kind: CheckErrorKind::SourceScope {
                        source: name.text.clone(),
                        child: decl.child,
                    },
                    span: name.span,
                });
            }
            if certified == Some(CertifiedSource::CafResidence)
                && file.header.territory.is_empty()
                && file.header.territory_span.is_none()
                && let Some(source) = &decl.certified
            {
                self.errors.push(CheckError {
                    kind: CheckErrorKind::ResidenceWithoutTerritory,
                    span: source.span,
                });
            }
            let default = decl
                .default
                .as_ref()
                .and_then(|d| self.default(d, &ty, whole));
            let grain = match (&ty, whole) {
                (_, true) => Grain::WHOLE,
                (Ty::Amount, false) => Grain::CENT,
                (Ty::Date, _) => Grain::WHOLE,
                _ => Grain::Dense,
            };
            let (low, high) = self.bounds(decl, &ty);
            let range = if ty.is_numeric() {
                Range {
                    low: Some(low.unwrap_or(Decimal::ZERO).max(Decimal::ZERO)),
                    high,
                }
            } else {
                Range::ALL
            };
            let required = decl.required.is_some();
            let unknown = if default.is_some() || required {
                BTreeSet::new()
            } else {
                BTreeSet::from([id])
            };
            self.input_facts.push(Facts {
                ty: ty.clone(),
                grain,
                range,
                unknown,
            });
            self.inputs.push(rules::Input {
                name: decl.name.text.clone(),
                ty: super::value_type(&ty),
                whole,
                certified,
                default,
                low,
                high,
                required,
                places: match (&decl.ty, certified) {
                    (TypeName::Choice(values), Some(CertifiedSource::CafResidence)) => {
                        match values.as_slice() {
                            [inside, outside] => Some((
                                self.symbols.choice(&inside.text),
                                self.symbols.choice(&outside.text),
                            )),
                            _ => None,
                        }
                    }
                    _ => None,
                },
                label: decl.label.as_ref().map(|t| t.text.clone()),
                line: self.line(decl.span),
                scope: if decl.child {
                    rules::Scope::Child
                } else {
                    rules::Scope::Family
                },
            });
        }
        // `rang des enfants …` gives `rang`: a whole number from 1, always known (1 for
        // a family priced without its children).
        if let Some((ranking, _, _)) = self.symbols.ranking {
            let one = Decimal::ONE;
            self.input_facts.push(Facts {
                ty: Ty::Number,
                grain: Grain::WHOLE,
                range: Range {
                    low: Some(one),
                    high: None,
                },
                unknown: BTreeSet::new(),
            });
            self.inputs.push(rules::Input {
                name: super::names::RANK.to_string(),
                ty: rules::ValueType::Number,
                whole: true,
                certified: None,
                default: Some(Value::Number(one)),
                low: None,
                high: None,
                required: false,
                places: None,
                label: Some("rang de l'enfant dans la fratrie".to_string()),
                line: self.line(ranking.span),
                scope: rules::Scope::Rank,
            });
        }
    }

    fn input_type(&mut self, ty: &TypeName) -> (Ty, bool) {
        match ty {
            TypeName::Amount => (Ty::Amount, false),
            TypeName::WholeAmount => (Ty::Amount, true),
            TypeName::Rate => (Ty::Rate, false),
            TypeName::Number => (Ty::Number, false),
            TypeName::Integer => (Ty::Number, true),
            TypeName::Boolean => (Ty::Bool, false),
            TypeName::Date => (Ty::Date, false),
            TypeName::Choice(values) => {
                // `commune, Commune` or `hors commune, hors_commune`: a family's value
                // could not say which one it is.
                for (i, value) in values.iter().enumerate() {
                    let key = crate::syntax::choice_key(&value.text);
                    if let Some(first) = values[..i]
                        .iter()
                        .find(|v| crate::syntax::choice_key(&v.text) == key)
                    {
                        self.errors.push(CheckError {
                            kind: CheckErrorKind::DuplicateName {
                                name: value.text.clone(),
                                first: first.span,
                            },
                            span: value.span,
                        });
                    }
                }
                let ids = values
                    .iter()
                    .map(|v| self.symbols.choice(&v.text))
                    .collect();
                (Ty::Choice(ids), false)
            }
        }
    }

    /// The certified source named `name`, checked against the input's type.
    fn source(&mut self, name: &ast::Name, ty: &TypeName) -> Option<CertifiedSource> {
        let Some((_, source, given)) = CATALOGUE.iter().find(|(n, _, _)| *n == name.text) else {
            let names = CATALOGUE.iter().map(|(n, _, _)| *n);
            self.errors.push(CheckError {
                kind: CheckErrorKind::UnknownSource {
                    source: name.text.clone(),
                    suggestion: super::names::closest(&name.text, names),
                },
                span: name.span,
            });
            return None;
        };
        let fits = match (given, ty) {
            (SourceType::WholeAmount, TypeName::WholeAmount | TypeName::Amount) => true,
            (SourceType::Integer, TypeName::Integer | TypeName::Number) => true,
            (SourceType::Number, TypeName::Number) => true,
            (SourceType::Provider, TypeName::Choice(values)) => PROVIDERS
                .iter()
                .all(|p| values.iter().any(|v| v.text == *p)),
            // Two values: the commune's first, then the others' (`roncquois, extérieur`).
            (SourceType::Residence, TypeName::Choice(values)) => values.len() == 2,
            (SourceType::Date, TypeName::Date) => true,
            _ => false,
        };
        if !fits {
            let expected = match given {
                SourceType::WholeAmount => Ty::Amount,
                SourceType::Integer | SourceType::Number => Ty::Number,
                SourceType::Provider => {
                    Ty::Choice(PROVIDERS.iter().map(|p| self.symbols.choice(p)).collect())
                }
                SourceType::Residence => {
                    Ty::Choice(RESIDENCES.iter().map(|p| self.symbols.choice(p)).collect())
                }
                SourceType::Date => Ty::Date,
            };
            self.errors.push(CheckError {
                kind: CheckErrorKind::SourceTypeMismatch {
                    source: name.text.clone(),
                    expected,
                },
                span: name.span,
            });
        }
        Some(*source)
    }

    /// The default value of an input, checked against its type.
    /// The bounds `de X à Y` of a numeric input, in its unit; an error when the input
    /// is not a number or a bound does not fit its type.
    fn bounds(&mut self, decl: &ast::InputDecl, ty: &Ty) -> (Option<Decimal>, Option<Decimal>) {
        let mut value = |q: &Option<ast::Quantity>| {
            let q = q.as_ref()?;
            if !ty.is_numeric() {
                self.mismatch(TyExpected::Numeric, ty, q.span);
                return None;
            }
            match self.literal_value(&Literal::Quantity(*q), ty) {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            }
        };
        let low = value(&decl.low);
        let high = value(&decl.high);
        if let (Some(l), Some(h), Some(q)) = (low, high, decl.high.as_ref())
            && h < l
        {
            self.errors.push(CheckError {
                kind: CheckErrorKind::BoundsReversed,
                span: q.span,
            });
        }
        (low, high)
    }

    fn default(&mut self, literal: &Literal, ty: &Ty, whole: bool) -> Option<Value> {
        let value = self.literal_value(literal, ty);
        if let (Some(Value::Number(n)), true) = (value, whole)
            && !n.fract().is_zero()
        {
            self.mismatch(TyExpected::Number, &Ty::Number, literal.span());
            return None;
        }
        value
    }

    /// A constant given for a value of type `ty` (a default, or a value in an example);
    /// `None`, with an error, when it does not fit.
    pub(super) fn literal_value(&mut self, literal: &Literal, ty: &Ty) -> Option<Value> {
        let value = match (literal, ty) {
            (Literal::Quantity(q), Ty::Amount) if q.unit != Unit::Percent => Value::Number(q.value),
            (Literal::Quantity(q), Ty::Rate) if q.unit == Unit::Percent => Value::Number(q.value),
            (Literal::Quantity(q), Ty::Number) if q.unit == Unit::Bare => Value::Number(q.value),
            (Literal::Date(d), Ty::Date) => Value::Date(d.date),
            (Literal::Bool(b, _), Ty::Bool) => Value::Bool(*b),
            (Literal::Word(w), Ty::Choice(ids)) => match self.symbols.choice_among(&w.text, ids) {
                Some(id) => Value::Choice(id),
                None => {
                    self.unknown_choice(&w.text, ids, w.span);
                    return None;
                }
            },
            (_, Ty::Error) => return None,
            _ => {
                let expected = match ty {
                    Ty::Amount => TyExpected::Amount,
                    Ty::Rate => TyExpected::Rate,
                    Ty::Number => TyExpected::Number,
                    Ty::Bool => TyExpected::Bool,
                    Ty::Date => TyExpected::Date,
                    _ => TyExpected::Choice,
                };
                let found = literal_type(literal);
                self.mismatch(expected, &found, literal.span());
                return None;
            }
        };
        if let Value::Number(n) = value
            && n < Decimal::ZERO
        {
            return None;
        }
        Some(value)
    }
}

/// The type of a constant as written.
fn literal_type(literal: &Literal) -> Ty {
    match literal {
        Literal::Quantity(q) => super::expr::quantity_facts(q.value, q.unit).ty,
        Literal::Date(_) => Ty::Date,
        Literal::Bool(..) => Ty::Bool,
        Literal::Word(_) | Literal::Unknown(_) => Ty::Choice(BTreeSet::new()),
    }
}
