//! Numbers, amounts, rates and dates written the French way: `1 500,25 €`, `30 %`,
//! `01/09/2025`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The months, as French writes them.
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The number of a month (1 to 12) written in words, case and accents aside.
pub fn month_number(word: &str) -> Option<u32> {
    let folded = crate::syntax::lines::fold(word.trim());
    MONTHS
        .iter()
        .position(|m| crate::syntax::lines::fold(m) == folded)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `octobre` for 10.
pub fn month_name(month: u32) -> &'static str {
    month
        .checked_sub(1)
        .and_then(|m| MONTHS.get(m as usize))
        .copied()
        .unwrap_or("")
}

/// `1500.5` → `1 500,5`; thousands grouped by a space, decimal comma.
pub fn number(value: Decimal) -> String {
    let value = if value.is_zero() {
        Decimal::ZERO
    } else {
        value
    };
    let value = value.normalize();
    let mut out = String::with_capacity(16);
    push_digits(&mut out, value.is_sign_negative(), value);
    out
}

/// Writes `value` in French (its sign when `negative`): the thousands grouped by a
/// space, a comma before its decimals, as many as its scale. Written straight from
/// the mantissa: justifications write millions of amounts.
fn push_digits(out: &mut String, negative: bool, value: Decimal) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(value.mantissa().unsigned_abs());
    let scale = value.scale() as usize;
    if negative {
        out.push('-');
    }
    let (whole, fraction) = if digits.len() > scale {
        digits.split_at(digits.len() - scale)
    } else {
        ("0", digits)
    };
    for (i, c) in whole.char_indices() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if scale > 0 {
        out.push(',');
        out.extend(std::iter::repeat_n('0', scale - fraction.len()));
        out.push_str(fraction);
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

/// [`amount`] for a reader: an exact fraction (`1 000 € ÷ 12`, a deduction of 20
/// minutes) cut after 6 decimals, with `…` (`83,333333… €`), not its 28 digits.
pub fn amount_read(value: Decimal) -> String {
    let value = value.normalize();
    if value.scale() <= 6 {
        return amount(value);
    }
    let cut = value.trunc_with_scale(6);
    let mut shown = number_keeping_scale(cut);
    shown.push('…');
    format!("{shown} €")
}

/// `2` → `2,00 €`: a price, always with its cents.
pub fn price(value: Decimal) -> String {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    let mut out = number_keeping_scale(value);
    out.push_str(" €");
    out
}

/// Like [`number`], without dropping trailing zeros; the sign kept for amounts
/// between −1 and 0 (whose whole part is 0).
fn number_keeping_scale(value: Decimal) -> String {
    let mut out = String::with_capacity(16);
    push_digits(
        &mut out,
        value.is_sign_negative() && !value.is_zero(),
        value,
    );
    out
}

/// `+0,70 €`, `-0,10 €`, `0,00 €`: a change of price, its sign always written.
pub fn signed_price(value: Decimal) -> String {
    if value > Decimal::ZERO {
        format!("+{}", price(value))
    } else {
        price(value)
    }
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
    use chrono::Datelike;
    match u32::try_from(value.year()) {
        // The usual years, written without the formatting machinery (justifications
        // write millions of dates).
        Ok(year @ 1000..=9999) => {
            let (day, month) = (value.day(), value.month());
            let digit = |n: u32| char::from(b'0' + u8::try_from(n % 10).unwrap_or(0));
            let mut out = String::with_capacity(10);
            out.extend([
                digit(day / 10),
                digit(day),
                '/',
                digit(month / 10),
                digit(month),
                '/',
            ]);
            out.extend([
                digit(year / 1000),
                digit(year / 100),
                digit(year / 10),
                digit(year),
            ]);
            out
        }
        _ => format!(
            "{:02}/{:02}/{:04}",
            value.day(),
            value.month(),
            value.year()
        ),
    }
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
    use proptest::prelude::*;

    /// A French number read back: spaces out, comma to point, unit off.
    fn read_back(text: &str, unit: &str) -> Decimal {
        let digits: String = text
            .trim_end_matches(unit)
            .trim_start_matches('+')
            .chars()
            .filter(|c| *c != ' ')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("« {text} » se relit"))
    }

    /// The former writing of [`number`], through the text of the decimal.
    fn number_as_text(value: Decimal) -> String {
        let value = if value.is_zero() {
            Decimal::ZERO
        } else {
            value
        };
        let text = value.normalize().to_string();
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let mut grouped = String::new();
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

    /// The former writing of [`price`].
    fn price_as_text(value: Decimal) -> String {
        let mut value = value.normalize();
        if value.scale() < 2 {
            value.rescale(2);
        }
        let sign = if value.is_sign_negative() && !value.is_zero() {
            "-"
        } else {
            ""
        };
        let value = value.abs();
        let text = number_as_text(value.trunc());
        let scale = value.scale();
        let fraction = value.fract().to_string();
        let digits = fraction.trim_start_matches("0.");
        format!("{sign}{text},{digits:0<width$} €", width = scale as usize)
    }

    proptest! {
        #[test]
        fn dates_are_written_day_month_year(days in -800_000i32..4_000_000) {
            let day = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            use chrono::Datelike;
            let expected = format!("{:02}/{:02}/{:04}", day.day(), day.month(), day.year());
            prop_assert_eq!(date(day), expected);
        }

        #[test]
        fn numbers_and_prices_are_written_as_before(mantissa in any::<i64>(), scale in 0u32..15, negative_zero: bool) {
            let value = if negative_zero { Decimal::new(0, scale) * Decimal::NEGATIVE_ONE } else { Decimal::new(mantissa, scale) };
            prop_assert_eq!(number(value), number_as_text(value));
            prop_assert_eq!(price(value), price_as_text(value));
        }

        /// Every French rendering of a number reads back as the number, sign included
        /// (a fall of 0,10 € was written « 0,10 € »).
        #[test]
        fn french_text_reads_back_as_its_value(mantissa in -10_000_000_000i64..10_000_000_000, scale in 0u32..7) {
            let value = Decimal::new(mantissa, scale);
            prop_assert_eq!(read_back(&number(value), ""), value);
            prop_assert_eq!(read_back(&amount(value), " €"), value);
            prop_assert_eq!(read_back(&price(value), " €"), value);
            prop_assert_eq!(read_back(&signed_price(value), " €"), value);
            prop_assert_eq!(read_back(&rate(value), " %") / Decimal::ONE_HUNDRED, value);
            let negative = value < Decimal::ZERO;
            for text in [number(value), amount(value), price(value), signed_price(value), rate(value)] {
                prop_assert_eq!(text.starts_with('-'), negative, "{}", text);
            }
            prop_assert_eq!(signed_price(value).starts_with('+'), value > Decimal::ZERO);
        }
    }

    #[test]
    fn an_exact_fraction_is_read_cut_after_six_decimals() {
        let third = Decimal::from(1000) / Decimal::from(12);
        assert_eq!(amount_read(third), "83,333333… €");
        assert_eq!(
            amount_read(-Decimal::ONE / Decimal::from(300)),
            "-0,003333… €"
        );
        assert_eq!(amount_read(Decimal::new(2125, 3)), "2,125 €");
        assert_eq!(amount_read(Decimal::new(12_345_678, 2)), "123 456,78 €");
    }

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
        assert_eq!(price(Decimal::new(-10, 2)), "-0,10 €");
        assert_eq!(price(Decimal::new(-5, 1)), "-0,50 €");
        assert_eq!(price(Decimal::new(-1, 3)), "-0,001 €");
        assert_eq!(price(Decimal::new(-0, 2)), "0,00 €");
        assert_eq!(signed_price(Decimal::new(-10, 2)), "-0,10 €");
        assert_eq!(signed_price(Decimal::new(70, 2)), "+0,70 €");
        assert_eq!(amount(Decimal::new(-5, 1)), "-0,50 €");
        assert_eq!(rate(Decimal::new(-5, 3)), "-0,5 %");
        assert_eq!(
            list(&["a".into(), "b".into(), "c".into()]),
            "« a », « b » et « c »"
        );
    }
}
