//! The French wording of what the checker finds in grids: the values of a key, gaps
//! and overlaps, the fix a gap's aide proposes, bounds finer than the key (W009). Part
//! of `french.rs`, the one place where findings become text.

use rust_decimal::Decimal;

use super::{Code, Diagnostic};
use crate::check::error::{Gap, GapFix, KeyKind};
use crate::french;
use crate::rules::{self, Interval};

/// A value of a key, written for its kind.
fn key_value(value: Decimal, kind: KeyKind) -> String {
    match kind {
        KeyKind::Amount => french::amount(value),
        KeyKind::Rate => french::rate(value),
        KeyKind::Number => french::number(value),
        KeyKind::Date => {
            rules::day_from_number(value).map_or_else(|| french::number(value), french::date)
        }
    }
}

/// `les valeurs de 400,01 € à 400,99 €`, `la valeur 1 900 €`, `les valeurs entre 400 € et 401 € (exclus)`.
pub(super) fn gap_text(gap: &Gap, kind: KeyKind) -> String {
    if kind == KeyKind::Date
        && let Gap::Steps { first, last, .. } = gap
    {
        let day = |v: Decimal| key_value(v, kind);
        return match last {
            Some(last) if last == first => format!("le {}", day(*first)),
            Some(last) => format!("les jours du {} au {}", day(*first), day(*last)),
            None => format!("les jours à partir du {}", day(*first)),
        };
    }
    match gap {
        Gap::Steps {
            first,
            last: Some(last),
            ..
        } if first == last => {
            format!("la valeur {}", key_value(*first, kind))
        }
        Gap::Steps {
            first,
            last: Some(last),
            ..
        } => {
            format!(
                "les valeurs de {} à {}",
                key_value(*first, kind),
                key_value(*last, kind)
            )
        }
        Gap::Steps {
            first, last: None, ..
        } => {
            format!("les valeurs à partir de {}", key_value(*first, kind))
        }
        Gap::Dense(interval) => interval_text(interval, kind),
    }
}

fn interval_text(interval: &Interval, kind: KeyKind) -> String {
    let value = |v| key_value(v, kind);
    match (interval.low, interval.high) {
        (Some(l), Some(h)) if l.value == h.value => format!("la valeur {}", value(l.value)),
        (Some(l), Some(h)) => {
            let low = if l.inclusive { "[" } else { "]" };
            let high = if h.inclusive { "]" } else { "[" };
            let words = match (l.inclusive, h.inclusive) {
                (false, false) => {
                    format!("strictement entre {} et {}", value(l.value), value(h.value))
                }
                (true, true) => format!("de {} à {}", value(l.value), value(h.value)),
                (false, true) => {
                    format!("au-dessus de {} jusqu'à {}", value(l.value), value(h.value))
                }
                (true, false) => format!("de {} à moins de {}", value(l.value), value(h.value)),
            };
            format!(
                "les valeurs {words} ({low}{} ; {}{high})",
                value(l.value),
                value(h.value)
            )
        }
        (Some(l), None) if l.inclusive => format!("les valeurs à partir de {}", value(l.value)),
        (Some(l), None) => format!("les valeurs au-dessus de {}", value(l.value)),
        (None, Some(h)) if h.inclusive => format!("les valeurs jusqu'à {}", value(h.value)),
        (None, Some(h)) => format!("les valeurs en dessous de {}", value(h.value)),
        (None, None) => "toutes les valeurs".to_string(),
    }
}

/// `au centime inférieur`, `à l'euro inférieur`, `à l'unité inférieure`.
fn rounding_down_text(rounding: crate::rules::Rounding, kind: KeyKind) -> String {
    let step = rounding.step();
    match kind {
        KeyKind::Amount if step == Decimal::new(1, 2) => "au centime inférieur".to_string(),
        KeyKind::Amount if step == Decimal::ONE => "à l'euro inférieur".to_string(),
        KeyKind::Number if step == Decimal::ONE => "à l'unité inférieure".to_string(),
        _ => format!("à {} près", key_value(step, kind)),
    }
}

/// W009: a bound that the key's step never reaches.
pub(super) fn finer_bound(
    key: &str,
    (bound, step, kind): (Decimal, Decimal, KeyKind),
    others: usize,
    input: bool,
    bounds_step: Option<Decimal>,
    span: crate::span::Span,
) -> Diagnostic {
    let value = |v| key_value(v, kind);
    let (below, above) = crate::check::bounds_around(bound, step);
    let others = match others {
        0 => String::new(),
        1 => " (et une autre)".to_string(),
        n => format!(" (et {n} autres)"),
    };
    let d = Diagnostic::new(
        Code::W009,
        format!(
            "la borne {}{others} est plus fine que le pas de « {key} », {} : des familles peuvent changer de ligne",
            value(bound),
            value(step)
        ),
        span,
        format!("« {key} » ne vaut jamais {}", value(bound)),
    )
    .with_note(format!(
        "« {key} » ne prend que des multiples de {} : il vaut {} ou {}, jamais {} ; une famille dont la valeur exacte est entre {} et {} est classée selon l'arrondi de « {key} », et non selon la borne publiée",
        value(step),
        value(below),
        value(above),
        value(bound),
        value(below),
        value(above)
    ));
    let rounding = bounds_step
        .filter(|s| *s < step)
        .map(|s| rounding_down_text(crate::rules::Rounding::Down(s), kind));
    match (input, rounding) {
        (true, _) => d.with_help(format!(
            "si « {key} » peut avoir des décimales, déclarez-le « montant » (au centime) ; sinon écrivez cette borne en multiple de {} (« {} »)",
            value(step),
            value(above)
        )),
        (false, Some(mode)) => d.with_help(format!(
            "arrondissez « {key} » au pas des bornes de la grille, arrondi(… ; {mode}), et non plus grossièrement"
        )),
        (false, None) => d.with_help(format!(
            "arrondissez « {key} » au pas des bornes de la grille, ou écrivez les bornes en multiples de {}",
            value(step)
        )),
    }
}

pub(super) fn gap_help(fix: &GapFix, key: &str, kind: KeyKind) -> String {
    let value = |v| key_value(v, kind);
    match fix {
        GapFix::IncludeLow { value: v } => format!(
            "pour inclure {0} dans la ligne suivante, écrivez « à partir de {0} » (ou « ≥ {0} ») au lieu de « plus de {0} »",
            value(*v)
        ),
        GapFix::IncludeHigh { value: v } => format!(
            "pour inclure {0} dans la ligne précédente, écrivez « jusqu'à {0} » (ou « ≤ {0} ») au lieu de « moins de {0} »",
            value(*v)
        ),
        GapFix::RoundOrOpen {
            low,
            high,
            rounding: Some(rounding),
        } => format!(
            "« {key} » peut avoir des décimales : arrondissez cette valeur au pas des bornes de la grille, arrondi(… ; {}), \
             ou écrivez la ligne précédente « de … à moins de {} » (au lieu de « … à {} »)",
            rounding_down_text(*rounding, kind),
            value(*high),
            value(*low)
        ),
        GapFix::RoundOrOpen {
            low,
            high,
            rounding: None,
        } => format!(
            "« {key} » peut avoir des décimales : écrivez la ligne précédente « de … à moins de {} » (au lieu de « … à {} »)",
            value(*high),
            value(*low)
        ),
        GapFix::AddRow => {
            "ajoutez une ligne pour ces valeurs, ou élargissez une ligne voisine".to_string()
        }
    }
}
