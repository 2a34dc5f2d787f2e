//! The JSON of an invoice written straight into a `String`. A batch writes millions of
//! lines, and serde's general path (the formatting machinery for each amount and date)
//! was most of its time. What is written is serde_json's text, byte for byte (tested
//! against it).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A JSON string: `"…"`, escaped as serde_json escapes.
pub(super) fn string(out: &mut String, text: &str) {
    out.push('"');
    // Most words need no escape: written at once.
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escaped.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escaped);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// A string, or `null`.
pub(super) fn string_or_null(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => string(out, text),
        None => out.push_str("null"),
    }
}

/// A whole number.
pub(super) fn whole(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A decimal as its `Display` writes it, in a JSON string: `"4.2"`, `"-0.50"`.
pub(super) fn decimal(out: &mut String, value: Decimal) {
    out.push('"');
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(value.mantissa().unsigned_abs());
    let scale = value.scale() as usize;
    if value.is_sign_negative() {
        out.push('-');
    }
    if scale == 0 {
        out.push_str(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(digits);
    }
    out.push('"');
}

/// An amount for portals (`amount_text`): normalised, at least two decimals.
pub(super) fn money(out: &mut String, value: Decimal) {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    decimal(out, value);
}

/// A day: `"2025-10-02"`.
pub(super) fn date(out: &mut String, day: NaiveDate) {
    let pad = |out: &mut String, n: u32, width: usize| {
        let mut buffer = itoa::Buffer::new();
        let text = buffer.format(n);
        out.extend(std::iter::repeat_n('0', width.saturating_sub(text.len())));
        out.push_str(text);
    };
    out.push('"');
    match u32::try_from(day.year()) {
        Ok(year) if year <= 9999 => pad(out, year, 4),
        _ => out.push_str(&format!("{:04}", day.year())),
    }
    out.push('-');
    pad(out, day.month(), 2);
    out.push('-');
    pad(out, day.day(), 2);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(text in "\\PC*|[\\x00-\\x20\"\\\\é€]*") {
            let mut out = String::new();
            string(&mut out, &text);
            prop_assert_eq!(out, serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn decimals_are_written_as_they_display(m in any::<i64>(), scale in 0u32..12, zero: bool) {
            let value = if zero { Decimal::new(0, scale) * Decimal::NEGATIVE_ONE } else { Decimal::new(m, scale) };
            let mut out = String::new();
            decimal(&mut out, value);
            prop_assert_eq!(&out, &format!("\"{value}\""));
            let mut out = String::new();
            money(&mut out, value);
            prop_assert_eq!(out, format!("\"{}\"", crate::billing::render::amount_text(value)));
        }

        #[test]
        fn days_are_written_as_iso_dates(days in -1_000_000i32..1_000_000) {
            let day = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            let mut out = String::new();
            date(&mut out, day);
            let iso = format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day());
            prop_assert_eq!(out, format!("\"{iso}\""));
        }
    }
}
