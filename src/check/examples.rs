//! `exemple` blocks: every name set is an input, every `attendu` a tariff, every value
//! of the input's type.

use super::Checker;
use super::error::{CheckError, CheckErrorKind};
use super::names::NameRef;
use crate::rules::{self, Value};
use crate::syntax::ast::Literal;

impl Checker<'_> {
    pub(super) fn examples(&mut self) -> Vec<rules::Example> {
        let file = self.file;
        let mut examples = Vec::new();
        for example in &file.examples {
            let mut inputs = Vec::new();
            let mut date = None;
            for (name, literal) in &example.assignments {
                match self.symbols.names.get(name.text.as_str()).copied() {
                    Some(NameRef::Input(id)) => {
                        if let Literal::Unknown(_) = literal {
                            inputs.push((id, None));
                            continue;
                        }
                        let ty = self.input_facts.get(id.0 as usize).map(|f| f.ty.clone());
                        if let Some(value) = ty.and_then(|ty| self.literal_value(literal, &ty)) {
                            inputs.push((id, Some(value)));
                        }
                    }
                    Some(NameRef::ServiceDate) => {
                        if let Some(Value::Date(d)) =
                            self.literal_value(literal, &super::facts::Ty::Date)
                        {
                            date = Some(d);
                        }
                    }
                    // An input whose declaration could not be read is reported there.
                    None if self.broken.contains(name.text.as_str()) => {}
                    _ => self.errors.push(CheckError {
                        kind: CheckErrorKind::ExampleNotInput {
                            name: name.text.clone(),
                        },
                        span: name.span,
                    }),
                }
            }
            let mut expected = Vec::new();
            for (name, amount) in &example.expected {
                let tariff = self.symbols.tariff_index(&name.text);
                match tariff {
                    Some(index) => {
                        if amount.unit == crate::syntax::ast::Unit::Percent {
                            self.errors.push(CheckError {
                                kind: CheckErrorKind::ExampleValue {
                                    name: name.text.clone(),
                                    expected: super::facts::Ty::Amount,
                                },
                                span: amount.span,
                            });
                        }
                        expected.push((index, amount.value, self.line(name.span)));
                    }
                    None => self.errors.push(CheckError {
                        kind: CheckErrorKind::ExpectedNotTariff {
                            name: name.text.clone(),
                        },
                        span: name.span,
                    }),
                }
            }
            let mut errors = Vec::new();
            for expected in &example.expected_errors {
                let line = self.line(expected.span);
                let Some(name) = &expected.tariff else {
                    errors.push((None, expected.code.clone(), line));
                    continue;
                };
                let tariff = self.symbols.tariff_index(&name.text);
                match tariff {
                    Some(index) => errors.push((Some(index), expected.code.clone(), line)),
                    None => self.errors.push(CheckError {
                        kind: CheckErrorKind::ExpectedNotTariff {
                            name: name.text.clone(),
                        },
                        span: name.span,
                    }),
                }
            }
            examples.push(rules::Example {
                name: example.name.text.clone(),
                line: self.line(example.span),
                date,
                inputs,
                expected,
                errors,
            });
        }
        examples
    }
}
