//! The justification of a price, as French text for people and as JSON for programs.

use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::eval::key_name;
use crate::eval::trace::{Action, Api, ModifierStep, Proof, Provenance, Shown, Step};
use crate::french;
use crate::rules::{ArticleId, DefinitionId, Deliberation, InputId, Rounding, TableId};

/// The name and line of an input, read in the rule tree.
fn input_of(d: &Deliberation, input: InputId) -> (&str, usize) {
    d.inputs
        .get(input.0 as usize)
        .map_or(("", 0), |i| (i.name.as_str(), i.line))
}

/// The name, article and line of a definition.
fn definition_of(d: &Deliberation, definition: DefinitionId) -> (&str, ArticleId, usize) {
    d.definitions
        .get(definition.0 as usize)
        .map_or(("", ArticleId(0), 0), |x| {
            (x.name.as_str(), x.article, x.line)
        })
}

/// A table row as the justification tells it.
struct RowSeen<'d> {
    key: String,
    /// The condition as written: `de 601 à 800 €`.
    row: &'d str,
    /// The header of the column of a crossed table.
    column: Option<&'d str>,
    article: ArticleId,
    line: usize,
}

fn row_of(d: &Deliberation, table: TableId, row: usize, column: Option<usize>) -> RowSeen<'_> {
    let t = d.tables.get(table.0 as usize);
    let r = t.and_then(|t| t.rows.get(row));
    RowSeen {
        key: t.map(|t| key_name(d, &t.key)).unwrap_or_default(),
        row: r.map_or("", |r| r.written.as_str()),
        column: column.and_then(|c| t?.column_headers.get(c).map(String::as_str)),
        article: t.map_or(ArticleId(0), |t| t.article),
        line: r.map_or(0, |r| r.line),
    }
}

/// The label of a modifier: `majoration hors commune`.
fn label_of<'d>(d: &'d Deliberation, m: &ModifierStep) -> Option<&'d str> {
    d.modifier(m.modifier)?.label.as_deref()
}

/// `art. 3 « Prix du repas », ligne 27`
/// The name, article and line of the tariff at index `t`.
fn tariff_of(d: &Deliberation, t: u32) -> (&str, ArticleId, usize) {
    match d.tariffs.get(t as usize) {
        Some(tariff) => (&tariff.name, tariff.article, tariff.line),
        None => ("?", ArticleId(u32::MAX), 0),
    }
}

pub(crate) fn place(d: &Deliberation, article: ArticleId, line: usize) -> String {
    match d.articles.get(article.0 as usize) {
        Some(a) => match &a.title {
            Some(title) => format!("art. {} « {title} », ligne {line}", a.number),
            None => format!("art. {}, ligne {line}", a.number),
        },
        None => format!("ligne {line}"),
    }
}

/// `3 enfants inscrits`, `1 enfant inscrit à la cantine`: a count of children in the
/// words of its rule's label.
pub fn children_counted(count: &crate::rules::ChildCount, n: Decimal) -> String {
    let label = count.label.as_deref().unwrap_or("enfants de la famille");
    let label = if n <= Decimal::ONE {
        label
            .split(' ')
            .map(|w| match w {
                "enfants" => "enfant",
                "inscrits" => "inscrit",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        label.to_string()
    };
    format!("{} {label}", french::number(n))
}

/// A price: `2,29 €`.
pub fn amount(value: Decimal) -> String {
    french::price(value)
}

/// A value as written in a justification: `612 €`, `30 %`, `hors_commune`.
pub fn shown_text(d: &Deliberation, value: Shown) -> String {
    match value {
        Shown::Amount(n) => french::amount(n),
        Shown::Rate(n) => french::rate(n),
        Shown::Number(n) => french::number(n),
        Shown::Bool(true) => "oui".to_string(),
        Shown::Bool(false) => "non".to_string(),
        Shown::Date(day) => french::date(day),
        Shown::Choice(c) => d.choices.get(c.0 as usize).cloned().unwrap_or_default(),
        Shown::Unknown => "inconnu".to_string(),
    }
}

/// `déclaré`, `certifié CNAF, quotient de mai 2025 (calculé en mai 2025)`,
/// `inconnu : la CNAV ne trouve pas le dossier (37003)`.
pub fn provenance_text(p: Provenance, proof: Option<&Proof>) -> String {
    match (p, proof) {
        (Provenance::Declared, _) => "déclaré".to_string(),
        (Provenance::DeclaredNotCertified, _) => "déclaré, non certifié".to_string(),
        (Provenance::Default, _) => "valeur par défaut".to_string(),
        (Provenance::Missing, _) => "non fourni".to_string(),
        (Provenance::Certified(_), Some(proof)) => certified_text(proof),
        (Provenance::Unavailable(_), Some(Proof { error: Some(e), .. })) => {
            let provider = e
                .provider
                .as_ref()
                .map_or(String::new(), |p| format!(" ({p})"));
            let detail = if e.detail.is_empty() || e.detail == e.title {
                String::new()
            } else {
                format!(" : {}", e.detail)
            };
            format!(
                "non fourni, réponse d'erreur de l'API{provider} : {}{detail} ({})",
                e.title, e.code
            )
        }
        (Provenance::Unavailable(_), Some(proof)) => {
            format!("absent de la réponse {}", api_name(proof.api))
        }
        (Provenance::Certified(_) | Provenance::Unavailable(_), _) => "certifié".to_string(),
        (Provenance::Ranked, _) => "donné par le rang des enfants".to_string(),
        (Provenance::Counted, _) => "compté dans la liste des enfants".to_string(),
    }
}

/// The provenance of an input's value: a residence read from the certified address
/// names that address.
fn input_provenance(
    d: &Deliberation,
    input: crate::rules::InputId,
    provenance: Provenance,
    proof: Option<&Proof>,
) -> String {
    let residence = d
        .inputs
        .get(input.0 as usize)
        .is_some_and(|i| i.certified == Some(crate::rules::CertifiedSource::CafResidence));
    let minors = d
        .inputs
        .get(input.0 as usize)
        .is_some_and(|i| i.certified == Some(crate::rules::CertifiedSource::CafMinorChildren));
    match (provenance, proof) {
        (Provenance::Certified(_), Some(p)) if minors => {
            let provider = p.provider.as_deref().unwrap_or("CAF ou MSA");
            format!(
                "certifié {provider}, enfants de moins de 18 ans à la date du service d'après leurs dates de naissance"
            )
        }
        (Provenance::Certified(_), Some(p)) if residence => {
            let provider = p.provider.as_deref().unwrap_or("CAF ou MSA");
            format!(
                "certifié {provider}, adresse « {} », territoire de la délibération",
                p.address.as_deref().unwrap_or("")
            )
        }
        _ => provenance_text(provenance, proof),
    }
}

/// The API of a document, as the justification names it.
fn api_name(api: Api) -> &'static str {
    match api {
        Api::QuotientV3 => "d'API Particulier (quotient familial v3)",
        Api::QuotientV2 => "d'API Particulier (quotient familial v2)",
        Api::QuotientV1 => "d'API Particulier sans « regime »",
        Api::Eaje => "d'API Particulier (participation familiale EAJE)",
        Api::ImpotParticulier => "d'API Impôt particulier",
        Api::AvisImposition => "de l'avis d'imposition",
    }
}

/// `mai 2025`, or `2025` when the month is not known.
fn month_text((year, month): (i32, u32)) -> String {
    match month
        .checked_sub(1)
        .and_then(|m| french::MONTHS.get(m as usize))
    {
        Some(name) => format!("{name} {year}"),
        None => year.to_string(),
    }
}

fn certified_text(proof: &Proof) -> String {
    let provider = proof.provider.as_deref().unwrap_or("");
    match proof.api {
        Api::QuotientV3 | Api::QuotientV2 | Api::QuotientV1 => {
            // Without `regime`, the answer does not say which of them computed the QF.
            let provider = if provider.is_empty() {
                "CAF ou MSA"
            } else {
                provider
            };
            let mut text = format!("certifié {provider}");
            if let Some(period) = proof.period {
                text.push_str(&format!(", quotient de {}", month_text(period)));
            }
            if let Some(computed) = proof.computed {
                text.push_str(&format!(" (calculé en {})", month_text(computed)));
            }
            text
        }
        Api::Eaje => match proof.period {
            Some((year, _)) => {
                format!("certifié {provider}, ressources {year} (participation familiale EAJE)")
            }
            None => format!("certifié {provider} (participation familiale EAJE)"),
        },
        Api::ImpotParticulier | Api::AvisImposition => match proof.period {
            Some((year, _)) => format!("certifié DGFIP, revenus {year}"),
            None => "certifié DGFIP, année des revenus inconnue".to_string(),
        },
    }
}

/// `majoration de 30 %`, `réduction de 0,50 €`, `arrondi au centime`.
pub fn action_text(action: &Action) -> String {
    let of_base = |b: bool| if b { " du tarif de base" } else { "" };
    match action {
        Action::IncreaseRate { rate, of_base: b } => {
            format!("majoration de {}{}", french::rate(*rate), of_base(*b))
        }
        Action::DecreaseRate { rate, of_base: b } => {
            format!("réduction de {}{}", french::rate(*rate), of_base(*b))
        }
        Action::IncreaseAmount(a) => format!("majoration de {}", french::price(*a)),
        Action::DecreaseAmount(a) => format!("réduction de {}", french::price(*a)),
        Action::Multiply(f) => format!("multiplié par {}", french::number(*f)),
        Action::Replace(a) => format!("remplacé par {}", french::price(*a)),
        Action::Exemption => "exonération".to_string(),
        Action::Floor(a) => format!("au moins {}", french::price(*a)),
        Action::Ceiling(a) => format!("au plus {}", french::price(*a)),
        Action::Round(mode) => format!("arrondi {}", rounding_text(*mode)),
    }
}

/// `au centime`, `à l'euro inférieur`, `à 0,05 € près`.
pub fn rounding_text(mode: Rounding) -> String {
    let cent = Decimal::new(1, 2);
    match mode {
        Rounding::Nearest(s) if s == cent => "au centime".to_string(),
        Rounding::Down(s) if s == cent => "au centime inférieur".to_string(),
        Rounding::Up(s) if s == cent => "au centime supérieur".to_string(),
        Rounding::Nearest(s) if s == Decimal::ONE => "à l'euro".to_string(),
        Rounding::Down(s) if s == Decimal::ONE => "à l'euro inférieur".to_string(),
        Rounding::Up(s) if s == Decimal::ONE => "à l'euro supérieur".to_string(),
        Rounding::Nearest(s) => format!("à {} près", french::amount(s)),
        Rounding::Down(s) => format!("à {} près, par défaut", french::amount(s)),
        Rounding::Up(s) => format!("à {} près, par excès", french::amount(s)),
    }
}

fn modifier_line(d: &Deliberation, m: &ModifierStep) -> String {
    let label = label_of(d, m).map_or(String::new(), |l| format!(" « {l} »"));
    let what = action_text(&m.action);
    let at = place(d, m.article, m.line);
    if m.applied {
        let condition = if m.condition == Some(true) {
            ", condition vraie"
        } else {
            ""
        };
        format!(
            "{at} : {what}{label}{condition} : {} → {}",
            french::amount(m.before),
            french::amount(m.after)
        )
    } else {
        format!("{at} : {what}{label} : non appliquée, condition fausse")
    }
}

/// The ranking rule in words: `rang des enfants selon naissance, du plus âgé au plus
/// jeune`.
pub fn ranking_text(d: &Deliberation) -> String {
    use crate::rules::{Direction, RankBy};
    let Some(ranking) = &d.ranking else {
        return String::new();
    };
    let direction = |dir: Direction| match dir {
        Direction::Oldest => "du plus âgé au plus jeune",
        Direction::Youngest => "du plus jeune au plus âgé",
        Direction::Highest => "du plus élevé au plus bas",
        Direction::Lowest => "du plus bas au plus élevé",
    };
    let rule = match ranking.by {
        RankBy::Given => "rang des enfants dans l'ordre donné par la famille".to_string(),
        RankBy::Input(input, dir) => {
            let name = d
                .inputs
                .get(input.0 as usize)
                .map_or("", |i| i.name.as_str());
            format!("rang des enfants selon {name}, {}", direction(dir))
        }
        RankBy::Tariff(t, dir) => {
            let name = d.tariffs.get(t).map_or("", |t| t.name.as_str());
            format!(
                "rang des enfants selon le tarif {name} (avant les modificateurs liés au rang), {}",
                direction(dir)
            )
        }
    };
    match &ranking.label {
        Some(label) => format!("{rule} « {label} »"),
        None => rule,
    }
}

/// The key of the ranking, by name (`naissance`, `cours`), if any.
fn ranking_key(d: &Deliberation) -> Option<String> {
    use crate::rules::RankBy;
    match d.ranking.as_ref()?.by {
        RankBy::Given => None,
        RankBy::Input(input, _) => d.inputs.get(input.0 as usize).map(|i| i.name.clone()),
        RankBy::Tariff(t, _) => d.tariffs.get(t).map(|t| t.name.clone()),
    }
}

/// The steps of a justification as lines of French text.
pub fn lines(d: &Deliberation, steps: &[Step]) -> Vec<String> {
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        match step {
            Step::Input {
                input,
                value,
                provenance,
                proof,
            } => {
                let (name, line) = input_of(d, *input);
                let count = d.counts.iter().find(|c| c.input == *input);
                let at = match (&d.ranking, count) {
                    (Some(r), _) if r.rank == *input => place(d, r.article, line),
                    (_, Some(c)) => place(d, c.article, line),
                    _ => format!("entrées, ligne {line}"),
                };
                let provenance = match (count, *provenance, *value) {
                    (Some(c), Provenance::Counted, Shown::Number(n)) => {
                        format!(
                            "{}, comptés dans la liste des enfants",
                            children_counted(c, n)
                        )
                    }
                    _ => input_provenance(d, *input, *provenance, proof.as_deref()),
                };
                out.push(format!(
                    "{at} : {name} = {} ({provenance})",
                    shown_text(d, *value)
                ));
            }
            Step::Definition { definition, value } => {
                let (name, article, line) = definition_of(d, *definition);
                out.push(format!(
                    "{} : {name} = {}",
                    place(d, article, line),
                    shown_text(d, *value)
                ));
            }
            Step::Row {
                table,
                row,
                column,
                key_value,
            } => {
                let seen = row_of(d, *table, *row, *column);
                let column = seen
                    .column
                    .map_or(String::new(), |c| format!(", colonne « {c} »"));
                out.push(format!(
                    "{} : {} = {} → ligne « {} »{column}",
                    place(d, seen.article, seen.line),
                    seen.key,
                    shown_text(d, *key_value),
                    seen.row
                ));
            }
            Step::Tariff { tariff, amount } => {
                let (name, article, line) = tariff_of(d, *tariff);
                let value = amount.map_or("inconnu".to_string(), french::price);
                out.push(format!(
                    "{} : tarif « {name} » = {value} (prix final, après ses modificateurs)",
                    place(d, article, line)
                ));
            }
            Step::Base {
                amount,
                article,
                line,
            } => {
                out.push(match amount {
                    Some(amount) => format!(
                        "{} : tarif de base {}",
                        place(d, *article, *line),
                        french::amount(*amount)
                    ),
                    None => format!(
                        "{} : tarif de base inconnu, remplacé par la ligne qui suit",
                        place(d, *article, *line)
                    ),
                });
            }
            Step::Modifier(m) => out.push(modifier_line(d, m)),
            Step::Rank {
                rank,
                of,
                key,
                provenance,
                tie,
            } => {
                let Some(ranking) = &d.ranking else {
                    continue;
                };
                let from = match provenance {
                    Some(Provenance::Certified(_)) => {
                        " (certifié par la CAF, liste des enfants)".to_string()
                    }
                    Some(p) => format!(" ({})", provenance_text(*p, None)),
                    None => String::new(),
                };
                let value = match (ranking_key(d), key) {
                    (Some(name), Some(value)) => {
                        format!(" : {name} = {}{from}", shown_text(d, *value))
                    }
                    _ => String::new(),
                };
                let tie = if *tie {
                    " (à égalité : dans l'ordre donné par la famille)"
                } else {
                    ""
                };
                out.push(format!(
                    "{} : {}{value} → {} des {of} enfants{tie}, rang = {rank}",
                    place(d, ranking.article, ranking.line),
                    ranking_text(d),
                    french::ordinal(*rank as usize)
                ));
            }
            Step::MostFavourable {
                options,
                chosen,
                before,
                after,
                article,
                line,
            } => {
                let kept = match chosen.and_then(|c| options.get(c)) {
                    Some(m) => format!(
                        "retenue : {}{} : {} → {}",
                        action_text(&m.action),
                        label_of(d, m).map_or(String::new(), |l| format!(" « {l} »")),
                        french::amount(*before),
                        french::amount(*after)
                    ),
                    None => "aucune ne s'applique".to_string(),
                };
                out.push(format!(
                    "{} : la plus favorable de — {kept}",
                    place(d, *article, *line)
                ));
                for (i, m) in options.iter().enumerate() {
                    let status = match (m.applied, Some(i) == *chosen) {
                        (true, true) => format!("{} (retenue)", french::amount(m.after)),
                        (true, false) => format!("{} (moins favorable)", french::amount(m.after)),
                        (false, _) => "non appliquée, condition fausse".to_string(),
                    };
                    let label = label_of(d, m).map_or(String::new(), |l| format!(" « {l} »"));
                    out.push(format!(
                        "    - ligne {} : {}{label} : {status}",
                        m.line,
                        action_text(&m.action)
                    ));
                }
            }
            Step::ImplicitRounding { before, after } => out.push(format!(
                "arrondi au centime (la délibération n'en prévoit pas) : {} → {}",
                french::amount(*before),
                french::amount(*after)
            )),
        }
    }
    out
}

fn article_json(d: &Deliberation, article: ArticleId, line: usize) -> (Json, Json) {
    let a = d.articles.get(article.0 as usize);
    (
        json!({ "numero": a.map(|a| a.number.clone()), "titre": a.and_then(|a| a.title.clone()) }),
        json!(line),
    )
}

/// A value as JSON: numbers as strings with a point, exact.
pub fn shown_json(d: &Deliberation, value: Shown) -> Json {
    match value {
        Shown::Amount(n) => amount_json(n),
        Shown::Rate(n) | Shown::Number(n) => json!(n.normalize().to_string()),
        Shown::Bool(b) => json!(b),
        Shown::Date(day) => json!(day.format("%Y-%m-%d").to_string()),
        Shown::Choice(c) => json!(d.choices.get(c.0 as usize)),
        Shown::Unknown => Json::Null,
    }
}

/// An amount as JSON: a string with a point and at least two decimals, exact.
fn amount_json(value: Decimal) -> Json {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    json!(value.to_string())
}

fn modifier_json(d: &Deliberation, m: &ModifierStep) -> Json {
    let (article, line) = article_json(d, m.article, m.line);
    json!({
        "etape": "modificateur",
        "action": action_text(&m.action),
        "libelle": label_of(d, m),
        "condition": m.condition,
        "appliquee": m.applied,
        "avant": amount_json(m.before),
        "apres": amount_json(m.after),
        "article": article,
        "ligne": line,
    })
}

/// The steps of a justification as a JSON array.
pub fn to_json(d: &Deliberation, steps: &[Step]) -> Json {
    let items: Vec<Json> = steps
        .iter()
        .map(|step| match step {
            Step::Input { input, value, provenance, proof } => {
                let (name, line) = input_of(d, *input);
                json!({
                "etape": "entree",
                "nom": name,
                "valeur": shown_json(d, *value),
                "provenance": input_provenance(d, *input, *provenance, proof.as_deref()),
                "justificatif": proof.as_ref().map(|p| p.key.clone()),
                "ligne": line,
            })
            }
            Step::Definition { definition, value } => {
                let (name, article, line) = definition_of(d, *definition);
                let (article, line) = article_json(d, article, line);
                json!({ "etape": "definition", "nom": name, "valeur": shown_json(d, *value), "article": article, "ligne": line })
            }
            Step::Row { table, row, column, key_value } => {
                let seen = row_of(d, *table, *row, *column);
                let (article, line) = article_json(d, seen.article, seen.line);
                json!({
                    "etape": "grille", "cle": seen.key, "valeur_cle": shown_json(d, *key_value),
                    "tranche": seen.row, "colonne": seen.column, "article": article, "ligne": line,
                })
            }
            Step::Tariff { tariff, amount } => {
                let (name, article, line) = tariff_of(d, *tariff);
                let (article, line) = article_json(d, article, line);
                json!({ "etape": "tarif", "nom": name, "montant": amount.map(amount_json), "article": article, "ligne": line })
            }
            Step::Base { amount, article, line } => {
                let (article, line) = article_json(d, *article, *line);
                json!({ "etape": "base", "montant": amount.map(amount_json), "article": article, "ligne": line })
            }
            Step::Modifier(m) => modifier_json(d, m),
            Step::Rank { rank, of, key, provenance, tie } => {
                let (article, line) = match &d.ranking {
                    Some(r) => article_json(d, r.article, r.line),
                    None => (Json::Null, Json::Null),
                };
                json!({
                    "etape": "rang",
                    "rang": rank,
                    "enfants": of,
                    "regle": ranking_text(d),
                    "cle": ranking_key(d),
                    "valeur_cle": key.map(|k| shown_json(d, k)),
                    "provenance": provenance.map(|p| provenance_text(p, None)),
                    "egalite": tie,
                    "article": article,
                    "ligne": line,
                })
            }
            Step::MostFavourable { options, chosen, before, after, article, line } => {
                let (article, line) = article_json(d, *article, *line);
                json!({
                    "etape": "plus_favorable",
                    "options": options.iter().map(|m| modifier_json(d, m)).collect::<Vec<_>>(),
                    "retenue": chosen,
                    "avant": amount_json(*before),
                    "apres": amount_json(*after),
                    "article": article,
                    "ligne": line,
                })
            }
            Step::ImplicitRounding { before, after } => json!({
                "etape": "arrondi_final",
                "avant": amount_json(*before),
                "apres": amount_json(*after),
            }),
        })
        .collect();
    Json::Array(items)
}
