//! `enfants`: the children of a family, each with its own inputs, and the date of birth
//! of each certified by the CAF's list of children.

use chrono::NaiveDate;
use serde_json::Value as Json;

use super::family::{
    ChildrenProblem, FamilyErrorKind, FamilyRead, FamilyWarning, FamilyWarningKind, value_text,
};
use super::values::convert;
use crate::eval::trace::{ProofId, Provenance};
use crate::rules::{Deliberation, InputId, Value};
use crate::syntax::lines::fold;

/// A child of the CAF's answer: first names, date of birth (0 parts when not known).
pub(super) type CafChild = (String, (i32, u32, u32));

/// A child's date of birth certified by the CAF's list of children, found by the
/// child's first names (`prénoms`, as the CAF writes them, or the first of them); the
/// value the family declared stays, with a warning, when the CAF does not give it.
fn certified_birth(
    d: &Deliberation,
    caf: Option<&(ProofId, Vec<CafChild>)>,
    first_names: Option<&str>,
    input: InputId,
    field: &str,
    child: &mut crate::eval::Child,
    read: &mut FamilyRead,
) {
    let declared = child.given.iter().position(|(i, _, _)| *i == input);
    let words =
        |t: &str| -> Vec<String> { fold(t).split_whitespace().map(str::to_string).collect() };
    let found = caf.zip(first_names).and_then(|((proof, list), names)| {
        let wanted = words(names);
        let same = |n: &str| words(n) == wanted;
        let first = |n: &str| words(n).first().is_some_and(|w| Some(w) == wanted.first());
        let hit = list
            .iter()
            .find(|(n, _)| same(n))
            .or_else(|| list.iter().find(|(n, _)| first(n)))?;
        Some((*proof, hit.1))
    });
    let certified =
        found.and_then(|(proof, (y, m, day))| Some((proof, NaiveDate::from_ymd_opt(y, m, day)?)));
    match (certified, declared) {
        (Some((proof, date)), declared) => {
            let value = Value::Date(date);
            if let Some(at) = declared {
                let (_, plain, _) = child.given.remove(at);
                if plain != value {
                    read.warnings.push(FamilyWarning {
                        field: field.to_string(),
                        kind: FamilyWarningKind::CertifiedWins {
                            declared: value_text(d, plain),
                            certified: value_text(d, value),
                        },
                    });
                }
            }
            child
                .given
                .push((input, value, Provenance::Certified(proof)));
        }
        (None, Some(at)) => {
            if let Some(slot) = child.given.get_mut(at) {
                slot.2 = Provenance::DeclaredNotCertified;
            }
            let kind = match (caf, found) {
                (None, _) => FamilyWarningKind::NotCertified,
                (Some(_), found) => FamilyWarningKind::ChildNotCertified {
                    incomplete: found.is_some(),
                },
            };
            read.warnings.push(FamilyWarning {
                field: field.to_string(),
                kind,
            });
        }
        (None, None) => {}
    }
}

/// Whether the deliberation has an input named `name` (accents and case aside).
pub(super) fn has_input(d: &Deliberation, name: &str) -> bool {
    d.inputs.iter().any(|i| fold(&i.name) == name)
}

/// Reads `enfants`: each child's inputs. When the deliberation declares inputs of each
/// child (or ranks them), a child gives only those, and the family gives the others.
pub(super) fn read(
    d: &Deliberation,
    key: &str,
    children: &Json,
    caf: Option<&(ProofId, Vec<CafChild>)>,
    read: &mut FamilyRead,
) {
    use crate::rules::Scope;
    let problem = |problem| FamilyErrorKind::Children { problem };
    let Some(list) = children.as_array() else {
        read.error(key, problem(ChildrenProblem::NotAList));
        return;
    };
    if list.is_empty() {
        read.error(key, problem(ChildrenProblem::Empty));
        return;
    }
    let scoped = d.ranking.is_some() || d.inputs.iter().any(|i| i.scope == Scope::Child);
    for (index, input) in d.inputs.iter().enumerate() {
        if scoped
            && input.scope == Scope::Child
            && read.family.given.get(index).is_some_and(Option::is_some)
        {
            read.error(&input.name, problem(ChildrenProblem::ChildInput));
        }
    }
    for (c, child) in list.iter().enumerate() {
        let at = |field: &str| format!("{key}[{c}].{field}");
        let Some(object) = child.as_object() else {
            read.error(
                &format!("{key}[{c}]"),
                problem(ChildrenProblem::NotAnObject),
            );
            continue;
        };
        let mut one = crate::eval::Child::default();
        let mut first_names = None;
        for (field, value) in object {
            let folded = fold(field);
            if folded == "prenoms" || folded == "prenom" {
                first_names = value.as_str().map(str::to_string);
                continue;
            }
            if folded == "id" {
                one.id = match value {
                    Json::String(s) => Some(s.clone()),
                    Json::Null => None,
                    other => Some(other.to_string()),
                };
                continue;
            }
            let found = d
                .inputs
                .iter()
                .position(|i| i.name == *field)
                .or_else(|| d.inputs.iter().position(|i| fold(&i.name) == folded));
            let Some((index, input)) = found.and_then(|i| Some((i, d.inputs.get(i)?))) else {
                let names = d.inputs.iter().map(|i| i.name.as_str());
                read.warnings.push(FamilyWarning {
                    field: at(field),
                    kind: FamilyWarningKind::UnknownKey {
                        suggestion: crate::check::closest(field, names),
                    },
                });
                continue;
            };
            match input.scope {
                Scope::Rank => {
                    read.error(&at(field), problem(ChildrenProblem::Rank));
                    continue;
                }
                Scope::Family if scoped => {
                    read.error(&at(field), problem(ChildrenProblem::FamilyInput));
                    continue;
                }
                _ => {}
            }
            if value.is_null() {
                continue;
            }
            let id = InputId(u32::try_from(index).unwrap_or(u32::MAX));
            match convert(d, &input.ty, input.whole, value) {
                Ok(v) => {
                    let below = matches!(v, Value::Number(n) if input.low.is_some_and(|l| n < l));
                    let above = matches!(v, Value::Number(n) if input.high.is_some_and(|h| n > h));
                    if below || above {
                        let kind = FamilyErrorKind::OutOfBounds {
                            low: input.low,
                            high: input.high,
                        };
                        read.error(&at(field), kind);
                    }
                    one.given.push((id, v, Provenance::Declared));
                }
                Err(kind) => read.error(&at(field), kind),
            }
        }
        for (index, input) in d.inputs.iter().enumerate() {
            if input.certified == Some(crate::rules::CertifiedSource::CafChildBirth) {
                let id = InputId(u32::try_from(index).unwrap_or(u32::MAX));
                let field = at(&input.name);
                certified_birth(d, caf, first_names.as_deref(), id, &field, &mut one, read);
            }
        }
        for (index, input) in d.inputs.iter().enumerate() {
            let id = InputId(u32::try_from(index).unwrap_or(u32::MAX));
            let given = one.given.iter().any(|(i, _, _)| *i == id);
            if input.scope == Scope::Child && input.required && input.default.is_none() && !given {
                read.error(&at(&input.name), FamilyErrorKind::Required);
            }
        }
        read.family.push_child(one);
    }
}
