//! Numbers, amounts, rates and dates written the French way: `1 500,25 €`, `30 %`,
//! `01/09/2025`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// `1500.5` → `1 500,5`; thousands grouped by a space, decimal comma.
pub fn number(value: Decimal) -> String {
    let text = value.normalize().to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

/// `2.2` → `2,20 €`, `400` → `400 €`: cents shown unless the amount is whole.
pub fn amount(value: Decimal) -> String {
    let value = value.normalize();
    if value.scale() == 0 {
        format!("{} €", number(value))
    } else if value.scale() == 1 {
        let mut shown = number(value);
        shown.push('0');
        format!("{shown} €")
    } else {
        format!("{} €", number(value))
    }
}

/// `2` → `2,00 €`: a price, always with its cents.
pub fn price(value: Decimal) -> String {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    format!("{} €", number_keeping_scale(value))
}

/// Like [`number`], without dropping trailing zeros.
fn number_keeping_scale(value: Decimal) -> String {
    let text = number(value.trunc());
    let scale = value.scale();
    if scale == 0 {
        return text;
    }
    let fraction = value.abs().fract().to_string();
    let digits = fraction.trim_start_matches("0.");
    format!("{text},{digits:0<width$}", width = scale as usize)
}

/// `0.3` → `30 %`.
pub fn rate(value: Decimal) -> String {
    format!("{} %", number(value * Decimal::ONE_HUNDRED))
}

/// The period of a deliberation: `du 01/09/2025 au 31/08/2026`, `à partir du 01/09/2025`.
pub fn period(meta: &crate::rules::Meta) -> String {
    match meta.applicable_to {
        Some(to) => format!("du {} au {}", date(meta.applicable_from), date(to)),
        None => format!("à partir du {}", date(meta.applicable_from)),
    }
}

/// `prix du repas` → `Prix du repas`.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `01/09/2025`
pub fn date(value: NaiveDate) -> String {
    value.format("%d/%m/%Y").to_string()
}

/// `« a », « b » et « c »`
pub fn list(items: &[String]) -> String {
    joined(items, "et")
}

/// `« a », « b » ou « c »`
pub fn list_or(items: &[String]) -> String {
    joined(items, "ou")
}

fn joined(items: &[String], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("« {i} »")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// `1er`, `2e`, `3e`: a rank as French writes it.
pub fn ordinal(n: usize) -> String {
    if n == 1 {
        "1er".to_string()
    } else {
        format!("{n}e")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_and_use_a_comma() {
        assert_eq!(number(Decimal::new(150025, 2)), "1 500,25");
        assert_eq!(number(Decimal::new(-12, 0)), "-12");
        assert_eq!(number(Decimal::new(1000000, 0)), "1 000 000");
        assert_eq!(amount(Decimal::new(22, 1)), "2,20 €");
        assert_eq!(amount(Decimal::new(400, 0)), "400 €");
        assert_eq!(rate(Decimal::new(30, 2)), "30 %");
        assert_eq!(price(Decimal::new(2, 0)), "2,00 €");
        assert_eq!(price(Decimal::new(1234505, 3)), "1 234,505 €");
        assert_eq!(
            list(&["a".into(), "b".into(), "c".into()]),
            "« a », « b » et « c »"
        );
    }
}
