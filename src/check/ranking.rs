//! `rang des enfants …`: the key that ranks the children, checked, and the values that
//! read the rank (a ranking by a price sets aside the modifiers that read it, and its
//! base price must not read it: that would be a cycle).

use std::collections::VecDeque;

use super::Checker;
use super::error::{CheckError, CheckErrorKind, RankProblem};
use super::facts::Ty;
use super::names::{NameRef, RANK, Symbols};
use crate::rules::{self, Direction, RankBy, Scope};
use crate::span::Span;
use crate::syntax::ast;

/// By node (the definitions, then each tariff's final price, as in `cycles`): whether
/// its value reads the rank, directly or through what it uses.
pub fn readers(symbols: &Symbols<'_>, names: &[Vec<String>], uses: &[Vec<usize>]) -> Vec<bool> {
    let mut reads: Vec<bool> = names
        .iter()
        .map(|used| symbols.ranking.is_some() && used.iter().any(|n| n == RANK))
        .collect();
    if !reads.contains(&true) {
        return reads;
    }
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); uses.len()];
    for (node, used) in uses.iter().enumerate() {
        for &u in used {
            if let Some(list) = users.get_mut(u) {
                list.push(node);
            }
        }
    }
    let mut queue: VecDeque<usize> = (0..reads.len()).filter(|&n| reads[n]).collect();
    while let Some(node) = queue.pop_front() {
        for &user in users.get(node).map(Vec::as_slice).unwrap_or_default() {
            if let Some(slot) = reads.get_mut(user)
                && !*slot
            {
                *slot = true;
                queue.push_back(user);
            }
        }
    }
    reads
}

impl Checker<'_> {
    /// Whether a modifier line reads the rank (in its amount or its condition).
    pub(super) fn modifier_reads_rank(&self, modifier: &ast::Modifier) -> bool {
        if self.symbols.ranking.is_none() {
            return false;
        }
        let mut names = Vec::new();
        super::cycles::modifier_names(modifier, &mut names);
        names.iter().any(|name| {
            name == RANK
                || self
                    .node(name)
                    .is_some_and(|n| self.rank_readers.get(n).copied().unwrap_or(false))
        })
    }

    /// The node of a name used in an expression: a tariff's final price, a definition.
    fn node(&self, name: &str) -> Option<usize> {
        let n = self.symbols.definitions.len();
        match self.symbols.tariff(name) {
            Some((t, _)) => Some(n + t),
            None => match self.symbols.names.get(name) {
                Some(NameRef::Definition(i)) => Some(*i),
                _ => None,
            },
        }
    }

    /// The checked ranking rule, if the file has one.
    pub(super) fn ranking(
        &mut self,
        names: &[Vec<String>],
        uses: &[Vec<usize>],
    ) -> Option<rules::Ranking> {
        let (ranking, article, rank) = self.symbols.ranking?;
        let by = match &ranking.key {
            None => Some(RankBy::Given),
            Some((key, direction)) => self.rank_key(key, *direction, ranking.span, (names, uses)),
        };
        Some(rules::Ranking {
            by: by?,
            rank,
            label: ranking.label.as_ref().map(|t| t.text.clone()),
            article: Self::article_id(article),
            line: self.line(ranking.span),
        })
    }

    fn rank_key(
        &mut self,
        key: &ast::Name,
        direction: Direction,
        at: Span,
        (names, uses): (&[Vec<String>], &[Vec<usize>]),
    ) -> Option<RankBy> {
        let by_age = matches!(direction, Direction::Oldest | Direction::Youngest);
        let problem = |problem| CheckError {
            kind: CheckErrorKind::RankKey {
                key: key.text.clone(),
                problem,
            },
            span: key.span,
        };
        if let Some(t) = self.symbols.tariff_index(&key.text) {
            if by_age {
                self.errors
                    .push(problem(RankProblem::Direction { date: false }));
                return None;
            }
            let (_, base) = self.symbols.tariff(&key.text)?;
            if self.rank_readers.get(base).copied().unwrap_or(false) {
                let (reader, reader_at) = self.first_reader(base, names, uses)?;
                self.errors.push(CheckError {
                    kind: CheckErrorKind::RankCycle {
                        key: key.text.clone(),
                        reader,
                        at: reader_at,
                    },
                    span: at,
                });
                return None;
            }
            return Some(RankBy::Tariff(t, direction));
        }
        match self.symbols.names.get(key.text.as_str()).copied() {
            Some(NameRef::Input(id)) => {
                let scope = self.inputs.get(id.0 as usize).map(|i| i.scope);
                let ty = self.input_facts.get(id.0 as usize).map(|f| f.ty.clone());
                let found = match (scope, ty) {
                    (Some(Scope::Child), Some(Ty::Date)) if by_age => Ok(()),
                    (Some(Scope::Child), Some(Ty::Date)) => {
                        Err(RankProblem::Direction { date: true })
                    }
                    (Some(Scope::Child), Some(ty)) if ty.is_numeric() => Ok(()),
                    (Some(Scope::Child), _) => Err(RankProblem::Type),
                    (Some(Scope::Family), _) => Err(RankProblem::FamilyInput),
                    _ => Err(RankProblem::NotChildValue),
                };
                match found {
                    Ok(()) => Some(RankBy::Input(id, direction)),
                    Err(p) => {
                        self.errors.push(problem(p));
                        None
                    }
                }
            }
            Some(_) => {
                self.errors.push(problem(RankProblem::NotChildValue));
                None
            }
            None => {
                let names = self.symbols.names.keys().copied();
                let suggestion = super::names::closest(&key.text, names);
                self.errors.push(CheckError {
                    kind: CheckErrorKind::UnknownName {
                        name: key.text.clone(),
                        suggestion,
                    },
                    span: key.span,
                });
                None
            }
        }
    }

    /// The first value, from `start` along what it uses, that names the rank itself.
    fn first_reader(
        &self,
        start: usize,
        names: &[Vec<String>],
        uses: &[Vec<usize>],
    ) -> Option<(String, Span)> {
        let mut seen = vec![false; uses.len()];
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            if std::mem::replace(seen.get_mut(node)?, true) {
                continue;
            }
            if names.get(node).is_some_and(|n| n.iter().any(|n| n == RANK)) {
                let name = match self.symbols.definitions.get(node) {
                    Some(entry) => entry.name,
                    None => {
                        &self
                            .symbols
                            .tariffs
                            .get(node - self.symbols.definitions.len())?
                            .decl
                            .name
                    }
                };
                return Some((name.text.clone(), name.span));
            }
            for &u in uses.get(node)? {
                if self.rank_readers.get(u).copied().unwrap_or(false) {
                    queue.push_back(u);
                }
            }
        }
        None
    }
}
