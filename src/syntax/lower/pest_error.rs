//! pest's errors, turned into what the grammar expected at which place.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::span::Span;
use crate::syntax::error::{Expected, SyntaxError, SyntaxErrorKind};

/// A parse that succeeded with nothing in it (cannot happen with `SOI … EOI` rules).
pub(super) fn empty(offset: usize) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Unexpected {
            expected: Vec::new(),
            found: None,
            fix: None,
            billing: None,
        },
        span: Span::new(offset, offset),
    }
}

/// The error of parsing `text`, found at `offset` in the file.
pub(super) fn convert(error: &Error<Rule>, text: &str, offset: usize) -> SyntaxError {
    let position = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let mut expected: Vec<Expected> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(|r| describe(*r)).collect()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort();
    expected.dedup();
    let found = found_at(text, position);
    let len = found.as_ref().map_or(0, String::len);
    SyntaxError {
        kind: SyntaxErrorKind::Unexpected {
            expected,
            found,
            fix: None,
            billing: None,
        },
        span: Span::new(offset + position, offset + position + len),
    }
}

/// The word or character at `position`, `None` at the end of the statement.
fn found_at(text: &str, position: usize) -> Option<String> {
    let rest = text.get(position..)?;
    let first = rest.chars().next()?;
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ',' || *c == '.')
            .collect();
        Some(word.trim_end_matches([',', '.']).to_string())
    } else if first == '\n' || first == '\r' {
        None
    } else {
        Some(first.to_string())
    }
}

/// What a rule of the grammar stands for in a message; `None` for rules too inner to say.
pub(super) fn describe(rule: Rule) -> Option<Expected> {
    use Expected::*;
    let expected = match rule {
        Rule::EOI => EndOfStatement,
        Rule::word | Rule::reference | Rule::choice_value | Rule::header_name => Name,
        Rule::number | Rule::quantity => Number,
        Rule::date_literal => Date,
        Rule::text => Text,
        Rule::type_name => Type,
        Rule::expr
        | Rule::primary
        | Rule::unary
        | Rule::sum
        | Rule::product
        | Rule::comparison
        | Rule::negation
        | Rule::conjunction
        | Rule::disjunction
        | Rule::cell => Expression,
        Rule::compare_operator
        | Rule::add_operator
        | Rule::multiply_operator
        | Rule::known_test
        | Rule::between => Operator,
        Rule::modifier => Modifier,
        Rule::rounding_mode => RoundingMode,
        Rule::row_condition | Rule::condition_numeric => RowCondition,
        Rule::unit => Unit,
        Rule::article_number => ArticleNumber,
        Rule::source_name => Name,
        Rule::kw_deliberation => Keyword("délibération"),
        Rule::kw_collectivite => Keyword("collectivité"),
        Rule::kw_numero => Keyword("numéro"),
        Rule::kw_adoptee => Keyword("adoptée"),
        Rule::kw_applicable => Keyword("applicable"),
        Rule::kw_remplace => Keyword("remplace"),
        Rule::kw_entrees => Keyword("entrées"),
        Rule::kw_article => Keyword("article"),
        Rule::kw_exemple => Keyword("exemple"),
        Rule::kw_attendu => Keyword("attendu"),
        Rule::kw_tarif => Keyword("tarif"),
        Rule::kw_grille => Keyword("grille"),
        Rule::kw_selon => Keyword("selon"),
        Rule::kw_certifie => Keyword("certifié"),
        Rule::kw_par => Keyword("par"),
        Rule::kw_defaut => Keyword("défaut"),
        Rule::kw_si => Keyword("si"),
        Rule::kw_alors => Keyword("alors"),
        Rule::kw_sinon => Keyword("sinon"),
        Rule::kw_et => Keyword("et"),
        Rule::kw_ou => Keyword("ou"),
        Rule::kw_non => Keyword("non"),
        Rule::kw_oui => Keyword("oui"),
        Rule::kw_est => Keyword("est"),
        Rule::kw_connu => Keyword("connu"),
        Rule::kw_inconnu => Keyword("inconnu"),
        Rule::kw_entre => Keyword("entre"),
        Rule::kw_de => Keyword("de"),
        Rule::kw_du => Keyword("du"),
        Rule::kw_au => Keyword("au"),
        Rule::kw_a => Keyword("à"),
        Rule::kw_le => Keyword("le"),
        Rule::kw_la => Keyword("la"),
        Rule::kw_plus => Keyword("plus"),
        Rule::kw_moins => Keyword("moins"),
        Rule::kw_partir => Keyword("partir"),
        Rule::kw_favorable => Keyword("favorable"),
        Rule::kw_base => Keyword("base"),
        Rule::kw_pres => Keyword("près"),
        Rule::kw_centime => Keyword("centime"),
        Rule::kw_leuro => Keyword("l'euro"),
        Rule::kw_parmi => Keyword("parmi"),
        _ => return None,
    };
    Some(expected)
}
