//! `tarif annexe`: the "annexe tarifaire" a council votes, as one self-contained HTML
//! page: the header, each article with its grids as tables, its formulas, its
//! modifiers and roundings in words, the curve of each tariff, the worked examples as
//! « cas types » (their prices computed), and the empreinte of the file.

use crate::french::capitalised;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;

use crate::document::Document;
use crate::eval::trace::Action;
use crate::french;
use crate::report::family::{input_label, tariff_label};
use crate::report::justification::{action_text, ranking_text};
use crate::report::wording::{condition_phrase, expr_words, named};
use crate::rules::{
    ArticleId, Body, Deliberation, Expr, ExprKind, Modifier, ModifierKind, Scope, Step, Table,
    Value, ValueType,
};

const STYLE: &str = include_str!("annexe.css");

fn constant(expr: &Expr) -> Option<Decimal> {
    match expr.kind {
        ExprKind::Const(Value::Number(n)) => Some(n),
        _ => None,
    }
}

/// A value of type `ty`, as the annexe shows it: `2,20 €`, `30 %`, `1,5`.
fn shown(d: &Deliberation, ty: &ValueType, value: &Value) -> String {
    match (ty, value) {
        (ValueType::Amount, Value::Number(n)) => french::price(*n),
        _ => shown_input(d, ty, value),
    }
}

/// A family's value: `612 €`, `2,5`, `hors commune`.
fn shown_input(d: &Deliberation, ty: &ValueType, value: &Value) -> String {
    match (ty, value) {
        (ValueType::Amount, Value::Number(n)) => french::amount(*n),
        (ValueType::Rate, Value::Number(n)) => french::rate(*n),
        (_, Value::Number(n)) => french::number(*n),
        (_, Value::Bool(true)) => "oui".to_string(),
        (_, Value::Bool(false)) => "non".to_string(),
        (_, Value::Date(date)) => french::date(*date),
        (_, Value::Choice(c)) => d
            .choices
            .get(c.0 as usize)
            .map_or(String::new(), |c| c.replace('_', " ")),
    }
}

/// A cell of a grid: its value, or its formula as written.
fn cell(d: &Deliberation, ty: &ValueType, expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Const(value) => shown(d, ty, value),
        _ => expr_words(d, expr),
    }
}

/// A modifier in words: `+30 % quand la résidence est « hors commune »`.
fn modifier_words(d: &Deliberation, m: &Modifier) -> String {
    let known = |e: &Expr| constant(e);
    let action = match &m.kind {
        ModifierKind::IncreaseRate { rate, of_base } => {
            known(rate).map(|rate| Action::IncreaseRate {
                rate,
                of_base: *of_base,
            })
        }
        ModifierKind::DecreaseRate { rate, of_base } => {
            known(rate).map(|rate| Action::DecreaseRate {
                rate,
                of_base: *of_base,
            })
        }
        ModifierKind::IncreaseAmount(e) => known(e).map(Action::IncreaseAmount),
        ModifierKind::DecreaseAmount(e) => known(e).map(Action::DecreaseAmount),
        ModifierKind::Multiply(e) => known(e).map(Action::Multiply),
        ModifierKind::Replace(e) => known(e).map(Action::Replace),
        ModifierKind::Exemption => Some(Action::Exemption),
        ModifierKind::Floor(e) => known(e).map(Action::Floor),
        ModifierKind::Ceiling(e) => known(e).map(Action::Ceiling),
        ModifierKind::Round(mode) => Some(Action::Round(*mode)),
    };
    let what = match action {
        Some(Action::IncreaseRate { rate, of_base }) => {
            format!(
                "+{}{}",
                french::rate(rate),
                if of_base { " du tarif de base" } else { "" }
            )
        }
        Some(Action::DecreaseRate { rate, of_base }) => {
            format!(
                "−{}{}",
                french::rate(rate),
                if of_base { " du tarif de base" } else { "" }
            )
        }
        Some(Action::IncreaseAmount(a)) => format!("+{}", french::price(a)),
        Some(Action::DecreaseAmount(a)) => format!("−{}", french::price(a)),
        Some(action) => action_text(&action),
        None => {
            let verb = match &m.kind {
                ModifierKind::IncreaseRate { .. } | ModifierKind::IncreaseAmount(_) => {
                    "majoration de"
                }
                ModifierKind::DecreaseRate { .. } | ModifierKind::DecreaseAmount(_) => {
                    "réduction de"
                }
                ModifierKind::Multiply(_) => "multiplié par",
                ModifierKind::Replace(_) => "remplacé par",
                ModifierKind::Floor(_) => "au moins",
                ModifierKind::Ceiling(_) => "au plus",
                ModifierKind::Exemption | ModifierKind::Round(_) => "",
            };
            let amount = m.kind.amount().map_or(String::new(), |e| expr_words(d, e));
            format!("{verb} {amount}")
        }
    };
    let condition = m
        .condition
        .as_ref()
        .map_or(String::new(), |c| format!(" {}", condition_phrase(d, c)));
    format!("{what}{condition}")
}

/// The title of an article: `Article 3 — Prix du repas`.
fn article_title(d: &Deliberation, article: ArticleId) -> String {
    match d.articles.get(article.0 as usize) {
        Some(a) => match &a.title {
            Some(title) => format!("Article {} — {title}", a.number),
            None => format!("Article {}", a.number),
        },
        None => String::new(),
    }
}

/// Whether an input is a count of the family's children (`nombre d'enfants`).
fn counted(d: &Deliberation, input: &crate::rules::Input) -> bool {
    d.counts
        .iter()
        .filter_map(|c| d.inputs.get(c.input.0 as usize))
        .any(|i| std::ptr::eq(i, input))
}

/// Where an input's value comes from, in words.
fn source_words(input: &crate::rules::Input) -> String {
    let Some(source) = input.certified.map(crate::check::source_name) else {
        return "déclarée par la famille".to_string();
    };
    let who = match source.split('.').next() {
        Some("CAF") => "certifiée par la CAF ou la MSA (API Particulier)",
        Some("DGFIP") => "certifiée par la DGFIP (avis d'impôt)",
        Some("EAJE") | Some("CNAF") => "certifiée par la CNAF",
        _ => "certifiée",
    };
    who.to_string()
}

fn type_words(d: &Deliberation, input: &crate::rules::Input) -> String {
    match &input.ty {
        ValueType::Amount => "montant en euros".to_string(),
        ValueType::Rate => "taux".to_string(),
        ValueType::Number if input.whole => "nombre entier".to_string(),
        ValueType::Number => "nombre".to_string(),
        ValueType::Boolean => "oui ou non".to_string(),
        ValueType::Date => "date".to_string(),
        ValueType::Choice(ids) => {
            let values: Vec<String> = ids
                .iter()
                .filter_map(|c| d.choices.get(c.0 as usize))
                .map(|c| c.replace('_', " "))
                .collect();
            format!("l'une de : {}", values.join(", "))
        }
    }
}

/// The columns of a grid that is not crossed: the definitions it gives, in order.
fn columns(d: &Deliberation, table: usize) -> Vec<(String, ValueType)> {
    let mut columns: Vec<(usize, String, ValueType)> = d
        .definitions
        .iter()
        .filter_map(|def| match def.body {
            Body::Table { table: t, column } if t.0 as usize == table => Some((
                column,
                def.label
                    .clone()
                    .unwrap_or_else(|| def.name.replace('_', " ")),
                def.ty.clone(),
            )),
            _ => None,
        })
        .collect();
    columns.sort_by_key(|(c, ..)| *c);
    columns.into_iter().map(|(_, n, t)| (n, t)).collect()
}

fn grid(d: &Deliberation, index: usize, table: &Table) -> Markup {
    let defined = columns(d, index);
    let crossed = !table.column_headers.is_empty();
    let ty = defined
        .first()
        .map_or(ValueType::Amount, |(_, ty)| ty.clone());
    let caption = defined
        .first()
        .map_or(String::new(), |(n, _)| capitalised(n));
    // A wide grid scrolls inside its box on a phone: a region the keyboard reaches.
    html! {
        div.defile tabindex="0" role="region" aria-label={ "Grille : " (caption) } {
        table.grille {
            @if crossed {
                caption { (caption) }
            }
            thead {
                tr {
                    th scope="col" { (if table.key_header.is_empty() { expr_words(d, &table.key) } else { table.key_header.clone() }) }
                    @if crossed {
                        @for header in &table.column_headers { th scope="col" { (header.replace('_', " ")) } }
                    } @else {
                        @for (name, _) in &defined { th scope="col" { (capitalised(name)) } }
                    }
                }
            }
            tbody {
                @for row in &table.rows {
                    tr {
                        th scope="row" { (row.written.replace('_', " ")) }
                        @for (n, c) in row.cells.iter().enumerate() {
                            @let ty = if crossed { ty.clone() } else { defined.get(n).map_or(ValueType::Amount, |(_, t)| t.clone()) };
                            td { (c.as_ref().map_or("—".to_string(), |e| cell(d, &ty, e))) }
                        }
                    }
                }
            }
        }
        }
    }
}

/// Every modifier of `article`, with its tariff and its label.
fn modifiers_of(d: &Deliberation, article: ArticleId) -> Vec<(String, Vec<&Modifier>)> {
    let mut out = Vec::new();
    for tariff in &d.tariffs {
        for step in &tariff.steps {
            match step {
                Step::Modifier(m) if m.article == article => {
                    out.push((tariff_label(tariff), vec![m]));
                }
                Step::MostFavourable {
                    options,
                    article: a,
                    ..
                } if *a == article => {
                    out.push((tariff_label(tariff), options.iter().collect()));
                }
                _ => {}
            }
        }
    }
    out
}

fn modifier_item(d: &Deliberation, m: &Modifier) -> Markup {
    html! {
        (capitalised(&modifier_words(d, m)))
        @if let Some(label) = &m.label { " (« " (label) " »)" }
    }
}

fn article(d: &Deliberation, article: ArticleId, curves: &[(usize, String, String)]) -> Markup {
    // The formulas of the article, but the tariffs' own (said with their tariff).
    let formulas: Vec<&crate::rules::Definition> = d
        .definitions
        .iter()
        .enumerate()
        .filter(|(n, def)| {
            def.article == article
                && matches!(def.body, Body::Expr(_))
                && !d.tariffs.iter().any(|t| t.base.0 as usize == *n)
        })
        .map(|(_, def)| def)
        .collect();
    let tables: Vec<(usize, &Table)> = d
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.article == article)
        .collect();
    let tariffs: Vec<&crate::rules::Tariff> =
        d.tariffs.iter().filter(|t| t.article == article).collect();
    let modifiers = modifiers_of(d, article);
    html! {
        section.article {
            h2 { (article_title(d, article)) }
            @if d.ranking.as_ref().is_some_and(|r| r.article == article) {
                p { (capitalised(&ranking_text(d))) "." }
            }
            @for c in d.counts.iter().filter(|c| c.article == article) {
                @if let Some(input) = d.inputs.get(c.input.0 as usize) {
                    p {
                        strong { (c.label.as_deref().map_or_else(|| input_label(input), capitalised)) }
                        " : le nombre d'enfants de la famille"
                        @if let Some(condition) = &c.condition {
                            " " (condition_phrase(d, condition))
                        }
                        " ; une famille d'un seul enfant compte pour 1."
                    }
                }
            }
            @for t in &tariffs {
                p.tarif {
                    "Tarif « " strong { (tariff_label(t)) } " », par " (t.unit)
                    @if let Some(Body::Expr(e)) = d.definitions.get(t.base.0 as usize).map(|b| &b.body) {
                        " : " span.formule { (expr_words(d, e)) }
                    }
                    "."
                    @if t.per_family { " Compté une fois par famille, quel que soit le nombre d'enfants." }
                }
            }
            @for def in &formulas {
                @if let Body::Expr(e) = &def.body {
                    p.definition {
                        span.nom { (crate::report::family::definition_label(d, def)) }
                        " : " span.formule { (expr_words(d, e)) }
                    }
                }
            }
            @for (index, table) in &tables {
                (grid(d, *index, table))
            }
            @if !modifiers.is_empty() {
                ul.modificateurs {
                    @for (tariff, options) in &modifiers {
                        @if options.len() == 1 {
                            li { (tariff) " : " (modifier_item(d, options[0])) }
                        } @else {
                            li { (tariff) " : la plus favorable de"
                                ul { @for m in options { li { (modifier_item(d, m)) } } }
                            }
                        }
                    }
                }
            }
            @for (tariff, svg, key) in curves.iter().filter(|(t, ..)| d.tariffs.get(*t).is_some_and(|t| t.article == article)) {
                figure.courbe {
                    (PreEscaped(svg))
                    figcaption { (tariff_label(&d.tariffs[*tariff])) " selon " (key) " ; chaque saut est marqué de sa hauteur et chaque palier de son prix." }
                }
            }
        }
    }
}

/// The curve of each tariff whose price follows a numeric input, for the family of the
/// first worked example that prices it (one curve per value of its first `choix`).
pub(crate) fn curves(d: &Deliberation) -> Vec<(usize, String, String)> {
    use crate::curve::{self, Labels, Request};
    let Some(key) = curve::default_key(d) else {
        return Vec::new();
    };
    let key_input = &d.inputs[key.0 as usize];
    let by = d.inputs.iter().enumerate().find(|(_, i)| {
        i.scope == Scope::Family && matches!(i.ty, ValueType::Choice(_)) && i.default.is_none()
    });
    let by = by.map(|(n, _)| crate::rules::InputId(n as u32));
    let plan = crate::eval::Plan::new(d);
    let mut session = crate::eval::Session::on(&plan);
    let to = highest_bound(d).map_or(Decimal::from(3000), |b| {
        ((b * Decimal::new(13, 1)) / Decimal::ONE_HUNDRED).ceil() * Decimal::ONE_HUNDRED
    });
    let mut out = Vec::new();
    for (index, tariff) in d.tariffs.iter().enumerate() {
        // The family of the defaults, else of each worked example in turn.
        let defaults = std::iter::once((Vec::new(), None));
        let examples = d
            .examples
            .iter()
            .filter(|e| e.children.is_empty())
            .map(|e| (e.inputs.clone(), e.date));
        let base = defaults.chain(examples).find_map(|(inputs, date)| {
            let mut family = crate::eval::Family::new(d);
            for (input, value) in &inputs {
                family.set(*input, *value, crate::eval::trace::Provenance::Declared);
            }
            family.set(key, None, crate::eval::trace::Provenance::Missing);
            let request = Request {
                tariff: index,
                key,
                from: Decimal::ZERO,
                to,
                by,
                base: &family,
                date: date.unwrap_or(d.meta.applicable_from),
            };
            let drawn = curve::curves(d, &mut session, &request);
            let priced = drawn
                .iter()
                .all(|c| c.points.iter().any(|p| p.price.is_some()));
            priced.then_some(drawn)
        });
        // A price that does not follow the key (a grid by rank, say) is no curve.
        let Some(drawn) = base.filter(|drawn| {
            drawn
                .iter()
                .any(|c| !c.jumps.is_empty() || c.points.len() > 2)
        }) else {
            continue;
        };
        let amount = matches!(key_input.ty, ValueType::Amount);
        let key_words = input_label(key_input);
        let key_label = format!("{key_words}{}", if amount { " (€)" } else { "" });
        let title = format!("{} selon {}", tariff_label(tariff), named(&key_words));
        let labels = Labels {
            title: &title,
            key: &key_label,
            key_is_amount: amount,
            unit: &tariff.unit,
            effort: false,
        };
        if let Ok(svg) = curve::to_svg(&drawn, &labels) {
            out.push((index, svg, named(&key_words)));
        }
    }
    out
}

/// The largest bound written in a grid.
fn highest_bound(d: &Deliberation) -> Option<Decimal> {
    d.tables
        .iter()
        .flat_map(|t| &t.rows)
        .filter_map(|r| match &r.matches {
            crate::rules::RowMatch::Interval(i) => i.high.or(i.low).map(|b| b.value),
            _ => None,
        })
        .max()
}

/// The worked examples, as « cas types »: the family, the prices expected and computed.
fn examples(d: &Deliberation) -> Markup {
    let (outcomes, _) = crate::eval::examples::run(d);
    html! {
        @if !d.examples.is_empty() {
            section.cas {
                h2 { "Cas types" }
                p { "Chaque cas est recalculé par tarif à partir de la délibération ; le prix calculé doit être le prix attendu." }
                @for outcome in &outcomes {
                    @if let Some(example) = d.examples.get(outcome.example) {
                        article.cas-type {
                            h3 { (example.name) }
                            ul.famille {
                                @if let Some(date) = example.date { li { "date du service : " (french::date(date)) } }
                                @for (input, value) in &example.inputs {
                                    @if let Some(i) = d.inputs.get(input.0 as usize) {
                                        li { (input_label(i)) " : "
                                            (value.as_ref().map_or("inconnu".to_string(), |v| shown_input(d, &i.ty, v))) }
                                    }
                                }
                                @for child in &example.children {
                                    li { "enfant « " (child.name) " » : "
                                        @for (n, (input, value)) in child.inputs.iter().enumerate() {
                                            @if n > 0 { ", " }
                                            @if let Some(i) = d.inputs.get(input.0 as usize) {
                                                (input_label(i).to_lowercase()) " " (value.as_ref().map_or("inconnu".to_string(), |v| shown_input(d, &i.ty, v)))
                                            }
                                        }
                                    }
                                }
                            }
                            table.prix {
                                thead { tr { th scope="col" { "Tarif" } th scope="col" { "Prix attendu" } th scope="col" { "Prix calculé" } } }
                                tbody {
                                    @for check in &outcome.checks {
                                        @let name = d.tariffs.get(check.tariff).map_or_else(String::new, tariff_label);
                                        @let child = check.child.and_then(|c| example.children.get(c)).map(|c| format!(" de « {} »", c.name));
                                        tr {
                                            th scope="row" { (name) (child.unwrap_or_default()) }
                                            td { (match &check.expected {
                                                crate::eval::examples::Expected::Amount(a) => french::price(*a),
                                                crate::eval::examples::Expected::Error(_) => "non tarifable".to_string(),
                                            }) }
                                            td class=(if check.passed() { "juste" } else { "faux" }) {
                                                (match &check.obtained { Ok(a) => french::price(*a), Err(_) => "non tarifable".to_string() })
                                                @if !check.passed() { " (diffère)" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The annexe of `document`, whose source text is `source`.
pub fn to_html(document: &Document, _source: &str) -> String {
    let d = &document.deliberation;
    let meta = &d.meta;
    let family_inputs: Vec<&crate::rules::Input> =
        d.inputs.iter().filter(|i| i.scope != Scope::Rank).collect();
    let curves = curves(d);
    let markup = html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Annexe tarifaire — " (meta.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    @if let Some(c) = &meta.collectivity { p.collectivite { (c) } }
                    h1 { "Annexe tarifaire" }
                    p.titre { (meta.title) }
                    dl.entete {
                        @if let Some(n) = &meta.number { dt { "Délibération n°" } dd { (n) } }
                        @if let Some(a) = meta.adopted { dt { "Adoptée le" } dd { (french::date(a)) } }
                        dt { "Applicable" }
                        dd { (french::period(meta)) }
                        @if let Some(r) = &meta.replaces { dt { "Remplace" } dd { (r) } }
                    }
                }
                main {
                    @if !family_inputs.is_empty() {
                        section.entrees {
                            h2 { "Ce dont dépendent les tarifs" }
                            table.entrees {
                                thead { tr { th scope="col" { "Donnée" } th scope="col" { "Valeurs" } th scope="col" { "Origine" } th scope="col" { "Si elle manque" } } }
                                tbody {
                                    @for i in &family_inputs {
                                        tr {
                                            th scope="row" {
                                                (input_label(i))
                                                @if i.scope == Scope::Child { " (de chaque enfant)" }
                                            }
                                            td { (type_words(d, i)) }
                                            td { @if counted(d, i) { "comptée dans la liste des enfants de la famille (ou donnée par le portail, sans la liste)" } @else { (source_words(i)) } }
                                            td { @match (&i.default, i.required) {
                                                (Some(v), _) => { "par défaut : " (shown(d, &i.ty, v)) }
                                                (None, true) => { "obligatoire" }
                                                (None, false) => { "—" }
                                            } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @for (n, _) in d.articles.iter().enumerate() {
                        (article(d, ArticleId(n as u32), &curves))
                    }
                    (examples(d))
                }
                footer {
                    p { "Empreinte du texte de la délibération : " code { (document.empreinte) } }
                    p { "Cette annexe est produite par tarif à partir de ce texte ; chaque prix des cas types y est recalculé." }
                }
            }
        }
    };
    markup.into_string()
}
