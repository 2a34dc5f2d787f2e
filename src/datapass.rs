//! What a commune asks DataPass for (API Particulier, API Impôt particulier), read from
//! its deliberation: for each certified source its prices read, the scope to tick and
//! the articles and lines that use it; and the data-minimisation problems (a certified
//! input no price uses, one no example reads). Data only: `report/datapass.rs` writes it.

use std::collections::BTreeSet;

use crate::eval::trace::Step;
use crate::rules::{
    ArticleId, Body, CertifiedSource as S, Deliberation, ExprKind, InputId, Step as RuleStep,
};

/// The APIs a DataPass request is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Provider {
    ApiParticulier,
    ImpotParticulier,
}

/// A scope to tick, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub provider: Provider,
    /// `cnaf_quotient_familial`
    pub name: &'static str,
    /// The inputs it gives.
    pub inputs: Vec<InputId>,
    /// Where the deliberation uses them: (article, line), in file order.
    pub uses: Vec<(ArticleId, usize)>,
}

/// A data-minimisation problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Minimisation {
    /// Declared `certifié` but no price reads it: do not ask for it.
    Unused(InputId),
    /// Used, but no example reaches a price that reads it: the request cannot show it
    /// is needed.
    NoExample(InputId),
}

/// The DataPass request of a deliberation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub scopes: Vec<Scope>,
    pub minimisation: Vec<Minimisation>,
}

/// The scopes a certified source needs, with the API they belong to. The names are
/// those of DataPass and of API Particulier's tokens (docs/reference.md, « tarif
/// données »).
pub fn scopes_of(source: S) -> &'static [(Provider, &'static str)] {
    use Provider::{ApiParticulier as P, ImpotParticulier as I};
    match source {
        S::CafQuotient | S::CafProvider => &[(P, "cnaf_quotient_familial")],
        S::CafChildren | S::CafMinorChildren | S::CafChildBirth => &[(P, "cnaf_enfants")],
        S::CafRecipients => &[(P, "cnaf_allocataires")],
        S::CafResidence => &[(P, "cnaf_adresse")],
        S::EajeResources | S::EajeChildren | S::EajeAeehChildren => {
            &[(P, "cnav_participation_familiale_eaje_parametres_calcul")]
        }
        S::DgfipReferenceIncome => &[(I, "dgfip_rfr")],
        S::DgfipShares => &[(I, "dgfip_nbpart")],
        S::DgfipDependents => &[(I, "dgfip_pac_nbPac")],
    }
}

/// The scope of the income year a DGFIP source needs: N-1, else N-2 when N-1 is not
/// yet available (what `tarif` reads, docs/reference.md).
pub const DGFIP_YEAR: &str = "dgfip_annee_n_moins_2_si_indispo_n_moins_1";

/// The request of `d`.
pub fn request(d: &Deliberation) -> Request {
    let used = used_inputs(d);
    let reached = reached_by_examples(d);
    let mut scopes: Vec<Scope> = Vec::new();
    let mut minimisation = Vec::new();
    let mut dgfip = false;
    for (i, input) in d.inputs.iter().enumerate() {
        let Some(source) = input.certified else {
            continue;
        };
        let id = InputId(i as u32);
        if !used.contains(&id) {
            minimisation.push(Minimisation::Unused(id));
            continue;
        }
        if !reached.contains(&id) {
            minimisation.push(Minimisation::NoExample(id));
        }
        let uses = uses_of(d, id);
        for &(provider, name) in scopes_of(source) {
            dgfip |= provider == Provider::ImpotParticulier;
            match scopes.iter_mut().find(|s| s.name == name) {
                Some(scope) => {
                    scope.inputs.push(id);
                    scope.uses.extend(uses.iter().copied());
                    scope.uses.sort_by_key(|(_, line)| *line);
                    scope.uses.dedup();
                }
                None => scopes.push(Scope {
                    provider,
                    name,
                    inputs: vec![id],
                    uses: uses.clone(),
                }),
            }
        }
    }
    if dgfip {
        let inputs: Vec<InputId> = scopes
            .iter()
            .filter(|s| s.provider == Provider::ImpotParticulier)
            .flat_map(|s| s.inputs.iter().copied())
            .collect();
        let mut uses: Vec<(ArticleId, usize)> = scopes
            .iter()
            .filter(|s| s.provider == Provider::ImpotParticulier)
            .flat_map(|s| s.uses.iter().copied())
            .collect();
        uses.sort_by_key(|(_, line)| *line);
        uses.dedup();
        scopes.push(Scope {
            provider: Provider::ImpotParticulier,
            name: DGFIP_YEAR,
            inputs,
            uses,
        });
    }
    scopes.sort_by_key(|s| s.provider);
    Request {
        scopes,
        minimisation,
    }
}

/// The inputs some price reads.
fn used_inputs(d: &Deliberation) -> BTreeSet<InputId> {
    d.inputs_read(0..d.tariffs.len())
}

/// The expressions of a modifier line: its amount and its condition.
fn modifier_exprs(m: &crate::rules::Modifier) -> Vec<&crate::rules::Expr> {
    m.kind
        .amount()
        .into_iter()
        .chain(m.condition.as_ref())
        .collect()
}

/// Where an input is written: the definitions, table keys and cells, and modifier lines
/// that name it, as (article, line).
fn uses_of(d: &Deliberation, input: InputId) -> Vec<(ArticleId, usize)> {
    fn names(e: &crate::rules::Expr, input: InputId) -> bool {
        if matches!(e.kind, ExprKind::Input(id) if id == input) {
            return true;
        }
        let mut found = false;
        e.kind.for_each_child(|c| found |= names(c, input));
        found
    }
    let mut uses = Vec::new();
    for definition in &d.definitions {
        if let Body::Expr(e) = &definition.body
            && names(e, input)
        {
            uses.push((definition.article, definition.line));
        }
    }
    for table in &d.tables {
        let key = names(&table.key, input)
            || table
                .column_key
                .as_ref()
                .is_some_and(|(k, _)| names(k, input));
        if key {
            uses.push((table.article, table.line));
        }
        for row in &table.rows {
            if row.cells.iter().flatten().any(|c| names(c, input)) {
                uses.push((table.article, row.line));
            }
        }
    }
    for tariff in &d.tariffs {
        for step in &tariff.steps {
            let options: &[crate::rules::Modifier] = match step {
                RuleStep::Modifier(m) => std::slice::from_ref(m),
                RuleStep::MostFavourable { options, .. } => options,
            };
            for m in options {
                if modifier_exprs(m).into_iter().any(|e| names(e, input)) {
                    uses.push((m.article, m.line));
                }
            }
        }
    }
    uses.sort_by_key(|(_, line)| *line);
    uses.dedup();
    uses
}

/// The inputs the examples read while pricing (from their justifications).
fn reached_by_examples(d: &Deliberation) -> BTreeSet<InputId> {
    let (outcomes, _) = crate::eval::examples::run(d);
    outcomes
        .iter()
        .flat_map(|o| &o.checks)
        .flat_map(|c| &c.justification.steps)
        .filter_map(|step| match step {
            Step::Input { input, .. } => Some(*input),
            _ => None,
        })
        .collect()
}
