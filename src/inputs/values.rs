//! Values given by families (JSON values, CSV fields) read as the values of the
//! deliberation's inputs, with the error that names what is wrong.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value as Json;

use super::family::FamilyErrorKind;
use crate::rules::{ChoiceId, Deliberation, Value, ValueType};
use crate::syntax::lines::fold;

/// A JSON value as a value of type `ty`: a string is read as a CSV field is.
pub(super) fn convert(
    d: &Deliberation,
    ty: &ValueType,
    whole: bool,
    json: &Json,
) -> Result<Value, FamilyErrorKind> {
    let wrong = || wrong_type(d, ty);
    match (ty, json) {
        (_, Json::String(s)) => convert_text(d, ty, whole, s),
        (ValueType::Amount | ValueType::Number | ValueType::Rate, Json::Number(n)) => {
            // `arbitrary_precision`: the number as written, never an f64.
            let text = n.as_str();
            if let Some(n) = whole_number(text) {
                return Ok(Value::Number(n));
            }
            if too_precise(text) {
                return Err(number_error(text, wrong()));
            }
            let n = Decimal::from_str(text)
                .or_else(|_| Decimal::from_scientific(text))
                .map_err(|_| number_error(text, wrong()))?;
            number_value(ty, whole, n)
        }
        (ValueType::Boolean, Json::Bool(b)) => Ok(Value::Bool(*b)),
        _ => Err(wrong()),
    }
}

/// A value of another type than `ty`.
fn wrong_type(d: &Deliberation, ty: &ValueType) -> FamilyErrorKind {
    FamilyErrorKind::WrongType {
        expected: ty.clone(),
        choices: choice_names(d, ty),
    }
}

pub(super) fn choice_names(d: &Deliberation, ty: &ValueType) -> Vec<String> {
    match ty {
        ValueType::Choice(ids) => ids
            .iter()
            .filter_map(|id| d.choices.get(id.0 as usize).cloned())
            .collect(),
        _ => Vec::new(),
    }
}

/// A number given for an input of type `ty`: never negative, whole when it must be,
/// at most two decimals for an amount.
fn number_value(ty: &ValueType, whole: bool, n: Decimal) -> Result<Value, FamilyErrorKind> {
    if n < Decimal::ZERO {
        return Err(FamilyErrorKind::Negative);
    }
    if whole && !n.fract().is_zero() {
        return Err(FamilyErrorKind::NotWhole);
    }
    let n = n.normalize();
    if *ty == ValueType::Amount && n.scale() > 2 {
        return Err(FamilyErrorKind::TooPrecise);
    }
    Ok(Value::Number(n))
}

/// A text value (a CSV field, a JSON string) as a value of type `ty`.
pub(super) fn convert_text(
    d: &Deliberation,
    ty: &ValueType,
    whole: bool,
    text: &str,
) -> Result<Value, FamilyErrorKind> {
    let wrong = || wrong_type(d, ty);
    match ty {
        ValueType::Amount | ValueType::Number | ValueType::Rate => {
            // The usual quotient, rank or count: a whole number of up to 18 digits is
            // whole, not negative and without decimals, whatever the input's type.
            if let Some(n) = whole_number(text) {
                return Ok(Value::Number(n));
            }
            if too_precise(text) {
                return Err(number_error(text, wrong()));
            }
            let n = parse_number(text, *ty == ValueType::Rate)
                .ok_or_else(|| number_error(text, wrong()))?;
            number_value(ty, whole, n)
        }
        ValueType::Boolean => match trimmed(text) {
            "oui" | "true" => Ok(Value::Bool(true)),
            "non" | "false" => Ok(Value::Bool(false)),
            other => match fold(other).as_str() {
                "oui" | "true" => Ok(Value::Bool(true)),
                "non" | "false" => Ok(Value::Bool(false)),
                _ => Err(wrong()),
            },
        },
        ValueType::Date => parse_date(text)
            .map(Value::Date)
            .ok_or_else(|| date_error(text)),
        ValueType::Choice(ids) => {
            let name = |id: &ChoiceId| d.choices.get(id.0 as usize).map_or("", String::as_str);
            let trimmed = trimmed(text);
            ids.iter()
                .find(|id| name(id) == trimmed)
                .or_else(|| {
                    let wanted = crate::syntax::choice_key(trimmed);
                    ids.iter()
                        .find(|id| crate::syntax::choice_key(name(id)) == wanted)
                })
                .map(|id| Value::Choice(*id))
                .ok_or_else(|| FamilyErrorKind::NotAChoice {
                    value: text.to_string(),
                    allowed: choice_names(d, ty),
                })
        }
    }
}

/// `text` without the white space around it: as it is when it starts and ends with
/// an ASCII character that is no space (the usual field), else [`str::trim`].
#[inline]
pub(crate) fn trimmed(text: &str) -> &str {
    let kept = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !char::from(*b).is_whitespace());
    let bytes = text.as_bytes();
    if kept(bytes.first()) && kept(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// A number as a family or a spreadsheet writes it: `612,50`, `1 500`, `612.5`.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    parse_number(text, false)
}

/// `"612,50"`, `"1 500"`, `"612.5"`, and for a rate `"30 %"`.
fn parse_number(text: &str, rate: bool) -> Option<Decimal> {
    if let Some(n) = whole_number(text) {
        return Some(n);
    }
    let trimmed = trimmed(text);
    if trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Decimal::from_str(trimmed).ok();
    }
    let (digits, percent) = match trimmed.strip_suffix('%') {
        Some(rest) => (rest, true),
        None => (trimmed.trim_end_matches('€'), false),
    };
    let cleaned: String = digits
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let n = Decimal::from_str(&cleaned).ok()?;
    match (percent, rate) {
        (true, true) => n.checked_div(Decimal::ONE_HUNDRED),
        (true, false) => None,
        (false, _) => Some(n),
    }
}

/// A whole number of up to 18 digits (the usual quotient), read as an integer.
#[inline]
fn whole_number(text: &str) -> Option<Decimal> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 18 || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse::<u64>().ok().map(Decimal::from)
}

/// The error of a date that [`parse_date`] does not read: impossible when it has the
/// shape of a date (`2025-02-29`), unreadable otherwise.
pub fn date_error(text: &str) -> FamilyErrorKind {
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let shaped = {
        let dashes: Vec<&str> = t.split('-').collect();
        let slashes: Vec<&str> = t.split('/').collect();
        (dashes.len() == 3 && dashes.iter().all(|p| digits(p)))
            || (slashes.len() == 3 && slashes.iter().all(|p| digits(p)))
    };
    let parts: Vec<&str> = t.split(['/', '-']).collect();
    if let [a, b, c] = parts.as_slice()
        && shaped
    {
        // `15/10/25` (day first) or `25-10-15` (year first): a year of two digits.
        let (day, month, year) = if t.contains('/') {
            (a, b, c)
        } else {
            (c, b, a)
        };
        if year.len() <= 2 && day.len() <= 2 && month.len() <= 2 {
            return FamilyErrorKind::ShortYear {
                text: text.to_string(),
                written: format!("{day:0>2}/{month:0>2}/20{year:0>2}"),
            };
        }
    }
    if shaped {
        FamilyErrorKind::ImpossibleDate {
            text: text.to_string(),
        }
    } else {
        FamilyErrorKind::BadDate {
            text: text.to_string(),
        }
    }
}

/// The error of a number that does not fit an exact decimal: out of range when it is
/// written as a number, of the wrong type otherwise.
fn number_error(text: &str, wrong: FamilyErrorKind) -> FamilyErrorKind {
    let t = text.trim().trim_end_matches(['€', '%']).trim();
    let numeric = !t.is_empty()
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '.' | ',' | 'e' | 'E' | '+' | '-' | ' ' | '\u{A0}' | '\u{202F}'
                )
        });
    if numeric {
        FamilyErrorKind::NumberOutOfRange {
            text: text.to_string(),
        }
    } else {
        wrong
    }
}

/// More than 28 decimals: `rust_decimal` would round them away (0,000…01 becomes 0).
fn too_precise(text: &str) -> bool {
    // Fewer than 30 characters cannot hold a separator and 29 decimals.
    if text.len() < 30 {
        return false;
    }
    let t = text.trim();
    let decimals = t
        .split(['.', ','])
        .nth(1)
        .map(|d| d.bytes().take_while(u8::is_ascii_digit).count());
    !t.contains(['e', 'E']) && decimals.is_some_and(|n| n > 28)
}

/// `2025-10-15` or `15/10/2025`, the year in four digits (chrono would read `25` as
/// the year 25).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // The two usual shapes, read without a format string (a batch reads millions).
    if let Some(shaped) = padded_date(text.as_bytes()) {
        return shaped;
    }
    let year_of = |year: &str| year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    if text.split('-').next().is_some_and(year_of)
        && let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        return Some(date);
    }
    if text.rsplit('/').next().is_some_and(year_of) {
        return NaiveDate::parse_from_str(text, "%d/%m/%Y").ok();
    }
    None
}

/// `2025-10-15` or `15/10/2025`, every field written in full: the date (or `None` when
/// it is no day of the calendar); `None` outside when the text has another shape.
#[allow(clippy::option_option)]
fn padded_date(bytes: &[u8]) -> Option<Option<NaiveDate>> {
    let [a, b, c, d, e, f, g, h, i, j] = *bytes else {
        return None;
    };
    let digits = |bs: &[u8]| -> Option<u32> {
        bs.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let (year, month, day) = match (e, c, f) {
        (b'-', _, _) if h == b'-' => (digits(&[a, b, c, d])?, digits(&[f, g])?, digits(&[i, j])?),
        (_, b'/', b'/') => (digits(&[g, h, i, j])?, digits(&[d, e])?, digits(&[a, b])?),
        _ => return None,
    };
    Some(NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        month,
        day,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_usual_shapes_are_read_as_chrono_reads_them(
            y in 0u32..10000, m in 0u32..15, d in 0u32..35, slash: bool
        ) {
            let text = if slash {
                format!("{d:02}/{m:02}/{y:04}")
            } else {
                format!("{y:04}-{m:02}-{d:02}")
            };
            let format = if slash { "%d/%m/%Y" } else { "%Y-%m-%d" };
            prop_assert_eq!(parse_date(&text), NaiveDate::parse_from_str(&text, format).ok());
        }
    }

    #[test]
    fn a_year_of_two_digits_is_not_read_as_the_year_25() {
        assert_eq!(parse_date("15/10/25"), None);
        assert_eq!(parse_date("25-10-15"), None);
        assert_eq!(
            parse_date("15/10/2025"),
            NaiveDate::from_ymd_opt(2025, 10, 15)
        );
        assert_eq!(
            parse_date("2025-10-15"),
            NaiveDate::from_ymd_opt(2025, 10, 15)
        );
        assert_eq!(
            date_error("15/10/25"),
            FamilyErrorKind::ShortYear {
                text: "15/10/25".to_string(),
                written: "15/10/2025".to_string()
            }
        );
        assert!(matches!(
            date_error("31/02/2025"),
            FamilyErrorKind::ImpossibleDate { .. }
        ));
    }

    proptest! {
        /// The fast trim is `str::trim`, whatever the white space around (tab, vertical
        /// tab, no-break space, ideographic space) and the characters inside.
        #[test]
        fn a_field_is_trimmed_as_str_trim_does(
            text in "[ \t\u{b}\u{c}\u{a0}\u{3000}]{0,2}[a-zé0-9,; \u{b}\u{a0}]{0,6}[ \t\u{b}\u{c}\u{a0}\u{2003}]{0,2}"
        ) {
            prop_assert_eq!(trimmed(&text), text.trim());
        }
    }
}
