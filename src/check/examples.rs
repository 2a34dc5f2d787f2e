//! `exemple` blocks: every name set is an input, every `attendu` a tariff, every value
//! of the input's type.

use super::Checker;
use super::error::{CheckError, CheckErrorKind};
use super::names::NameRef;
use crate::rules::{self, Value};
use crate::syntax::ast::{self, Literal};

impl Checker<'_> {
    pub(super) fn examples(&mut self) -> Vec<rules::Example> {
        let file = self.file;
        let mut examples = Vec::new();
        for example in &file.examples {
            let (inputs, date) = self.example_inputs(&example.assignments);
            let mut children: Vec<rules::ExampleChild> = example
                .children
                .iter()
                .map(|child| rules::ExampleChild {
                    name: child.name.text.clone(),
                    line: self.line(child.span),
                    inputs: self.example_inputs(&child.assignments).0,
                    expected: Vec::new(),
                    errors: Vec::new(),
                })
                .collect();
            let mut expected = Vec::new();
            for (name, amount, child) in &example.expected {
                let Some(index) = self.expected_tariff(name) else {
                    continue;
                };
                if amount.unit == crate::syntax::ast::Unit::Percent {
                    self.errors.push(CheckError {
                        kind: CheckErrorKind::ExampleValue {
                            name: name.text.clone(),
                            expected: super::facts::Ty::Amount,
                        },
                        span: amount.span,
                    });
                }
                let line = self.line(name.span);
                match child {
                    None => expected.push((index, amount.value, line)),
                    Some(child) => {
                        if let Some(c) = self.example_child(&mut children, child) {
                            c.expected.push((index, amount.value, line));
                        }
                    }
                }
            }
            let mut errors = Vec::new();
            for expected in &example.expected_errors {
                let line = self.line(expected.span);
                let tariff = match &expected.tariff {
                    None => None,
                    Some(name) => match self.expected_tariff(name) {
                        Some(index) => Some(index),
                        None => continue,
                    },
                };
                let error = (tariff, expected.code.clone(), line);
                match &expected.child {
                    None => errors.push(error),
                    Some(child) => {
                        if let Some(c) = self.example_child(&mut children, child) {
                            c.errors.push(error);
                        }
                    }
                }
            }
            let mut days = Vec::new();
            for day in &example.days {
                let child = day.child.as_ref().map(|c| c.text.clone());
                match crate::billing::days::from_words(day.date.date, child, &day.words) {
                    Ok(mut read) => {
                        read.line = self.line(day.span);
                        days.push(read);
                    }
                    Err(problem) => self.errors.push(CheckError {
                        kind: CheckErrorKind::ExampleDay {
                            problem: super::error::ExampleDayProblem::Words(problem),
                        },
                        span: day.span,
                    }),
                }
            }
            if !example.days.is_empty()
                && !file
                    .articles
                    .iter()
                    .flat_map(|a| &a.items)
                    .any(|i| matches!(i, crate::syntax::ast::ArticleItem::Billing(_)))
            {
                self.errors.push(CheckError {
                    kind: CheckErrorKind::ExampleDay {
                        problem: super::error::ExampleDayProblem::NoBilling,
                    },
                    span: example.days[0].span,
                });
            }
            let mut invoice = Vec::new();
            let mut invoice_of_child = Vec::new();
            for (day, child, amount, span) in &example.expected_invoice {
                if amount.unit == crate::syntax::ast::Unit::Percent {
                    self.errors.push(CheckError {
                        kind: CheckErrorKind::ExampleValue {
                            name: "facture".to_string(),
                            expected: super::facts::Ty::Amount,
                        },
                        span: amount.span,
                    });
                }
                if example.days.is_empty() {
                    self.errors.push(CheckError {
                        kind: CheckErrorKind::ExampleDay {
                            problem: super::error::ExampleDayProblem::NoDays,
                        },
                        span: *span,
                    });
                }
                let entry = (day.map(|d| d.date), amount.value, self.line(*span));
                match child {
                    None => invoice.push(entry),
                    Some(name) => {
                        if self.example_child(&mut children, name).is_some() {
                            invoice_of_child.push((name.text.clone(), entry.0, entry.1, entry.2));
                        }
                    }
                }
            }
            examples.push(rules::Example {
                name: example.name.text.clone(),
                line: self.line(example.span),
                date,
                inputs,
                expected,
                errors,
                children,
                days,
                invoice,
                invoice_of_child,
            });
        }
        examples
    }

    /// The inputs (and the date) an example, or a child of it, sets.
    fn example_inputs(
        &mut self,
        assignments: &[(ast::Name, Literal)],
    ) -> (
        Vec<(rules::InputId, Option<Value>)>,
        Option<chrono::NaiveDate>,
    ) {
        let mut inputs = Vec::new();
        let mut date = None;
        for (name, literal) in assignments {
            match self.symbols.names.get(name.text.as_str()).copied() {
                Some(NameRef::Input(id))
                    if self
                        .inputs
                        .get(id.0 as usize)
                        .is_some_and(|i| i.scope == rules::Scope::Rank) =>
                {
                    if let Some((ranking, _, _)) = self.symbols.ranking {
                        self.errors.push(CheckError {
                            kind: CheckErrorKind::RankDeclared {
                                ranking: ranking.span,
                            },
                            span: name.span,
                        });
                    }
                }
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
        (inputs, date)
    }

    /// The tariff an `attendu` names, or an error.
    fn expected_tariff(&mut self, name: &ast::Name) -> Option<usize> {
        let index = self.symbols.tariff_index(&name.text);
        if index.is_none() {
            self.errors.push(CheckError {
                kind: CheckErrorKind::ExpectedNotTariff {
                    name: name.text.clone(),
                },
                span: name.span,
            });
        }
        index
    }

    /// The child of the example named by `de « Léa »`, or an error.
    fn example_child<'c>(
        &mut self,
        children: &'c mut [rules::ExampleChild],
        name: &ast::Text,
    ) -> Option<&'c mut rules::ExampleChild> {
        let found = children.iter().position(|c| c.name == name.text);
        if found.is_none() {
            self.errors.push(CheckError {
                kind: CheckErrorKind::ExampleUnknownChild {
                    name: name.text.clone(),
                    known: children.iter().map(|c| c.name.clone()).collect(),
                },
                span: name.span,
            });
        }
        children.get_mut(found?)
    }
}
