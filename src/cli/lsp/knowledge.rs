//! What the language server knows of a text: its diagnostics as the protocol wants
//! them, the word under the cursor and what it names, completions, quick fixes.
//! Positions are the protocol's: lines from 0, characters in UTF-16 code units.

use serde_json::{Value as Json, json};
use tarif::Diagnostic;
use tarif::rules::{Body, ValueType};

/// Byte offsets and protocol positions of one text.
struct Positions<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Positions { text, starts }
    }

    /// The position of a byte offset.
    fn position(&self, offset: usize) -> Json {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let character: usize = self
            .text
            .get(start..offset)
            .unwrap_or("")
            .chars()
            .map(char::len_utf16)
            .sum();
        json!({ "line": line, "character": character })
    }

    fn range(&self, start: usize, end: usize) -> Json {
        json!({ "start": self.position(start), "end": self.position(end) })
    }

    /// The byte offset of a position (clamped to its line).
    fn offset(&self, (line, character): (usize, usize)) -> usize {
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self.starts.get(line + 1).map_or(self.text.len(), |e| e - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The whole text, as a range.
    fn whole(&self) -> Json {
        self.range(0, self.text.len())
    }
}

/// The diagnostics of `tarif check`, for `textDocument/publishDiagnostics`: the same
/// codes, messages and places; the aide on a line of its own.
pub fn diagnostics(text: &str, found: &[Diagnostic]) -> Vec<Json> {
    let positions = Positions::new(text);
    found
        .iter()
        .map(|d| {
            let span = d.span();
            let message = match &d.help {
                Some(help) => format!("{}\nAide : {help}", d.message),
                None => d.message.clone(),
            };
            json!({
                "range": positions.range(span.start, span.end),
                "severity": if d.is_error() { 1 } else { 2 },
                "code": d.code.as_str(),
                "source": "tarif",
                "message": message,
            })
        })
        .collect()
}

/// The name under the cursor (letters, digits, `_`, `'`).
fn word_at(text: &str, offset: usize) -> Option<&str> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text.get(..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let after = text.get(offset..)?;
    let end = offset + after.find(|c: char| !is_word(c)).unwrap_or(after.len());
    (end > start).then(|| &text[start..end])
}

/// `textDocument/hover`: what the name under the cursor is, or the interval of the
/// grid row of the line.
pub fn hover(text: &str, compiled: &tarif::Compiled, at: (usize, usize)) -> Json {
    let positions = Positions::new(text);
    let Some(d) = &compiled.deliberation else {
        return Json::Null;
    };
    let offset = positions.offset(at);
    let word = word_at(text, offset).unwrap_or("");
    let markdown = if let Some(input) = d.inputs.iter().find(|i| i.name == word) {
        let mut lines = vec![format!(
            "**{}** : entrée, {}",
            input.name,
            input.ty.written(input.whole)
        )];
        if let Some(label) = &input.label {
            lines.push(format!("« {label} »"));
        }
        if let Some(source) = input.certified {
            lines.push(format!("Source certifiée : {}", tarif::source_name(source)));
        }
        if let ValueType::Choice(ids) = &input.ty {
            let values: Vec<&str> = ids
                .iter()
                .filter_map(|c| d.choices.get(c.0 as usize).map(String::as_str))
                .collect();
            lines.push(format!("Valeurs : {}", values.join(", ")));
        }
        lines.join("\n\n")
    } else if let Some((index, tariff)) = d.tariffs.iter().enumerate().find(|(_, t)| t.name == word)
    {
        let mut lines = vec![format!("**{}** : tarif, par {}", tariff.name, tariff.unit)];
        if let Some(label) = &tariff.label {
            lines.push(format!("« {label} »"));
        }
        let expected: Vec<String> = d
            .examples
            .iter()
            .flat_map(|e| {
                e.expected
                    .iter()
                    .filter(|(t, _, _)| *t == index)
                    .map(move |(_, amount, _)| {
                        format!(
                            "- {} : {}",
                            e.name,
                            tarif::report::justification::amount(*amount)
                        )
                    })
            })
            .collect();
        if !expected.is_empty() {
            lines.push(format!("Prix des exemples :\n{}", expected.join("\n")));
        }
        lines.join("\n\n")
    } else if let Some(definition) = d.definitions.iter().find(|x| x.name == word) {
        let mut line = format!(
            "**{}** : valeur calculée, {}",
            definition.name,
            definition.ty.written(false)
        );
        if let Some(label) = &definition.label {
            line.push_str(&format!("\n\n« {label} »"));
        }
        line
    } else if let Some(row) = d
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(move |r| (t, r)))
        .find(|(_, r)| r.line == at.0 + 1)
    {
        let (table, row) = row;
        format!(
            "Ligne de grille selon **{}** : {}",
            if table.key_header.is_empty() {
                "la clé"
            } else {
                &table.key_header
            },
            interval_words(&row.matches, &row.written)
        )
    } else {
        return Json::Null;
    };
    json!({ "contents": { "kind": "markdown", "value": markdown } })
}

/// The values a row takes, in words.
fn interval_words(matches: &tarif::rules::RowMatch, written: &str) -> String {
    use tarif::rules::RowMatch;
    match matches {
        RowMatch::Interval(i) => {
            let bound = |b: &tarif::rules::Bound| tarif::report::justification::amount(b.value);
            match (&i.low, &i.high) {
                (Some(low), Some(high)) => format!(
                    "de {} ({}) à {} ({}) — « {written} »",
                    bound(low),
                    if low.inclusive { "compris" } else { "exclu" },
                    bound(high),
                    if high.inclusive { "compris" } else { "exclu" }
                ),
                (Some(low), None) => format!(
                    "à partir de {} ({}) — « {written} »",
                    bound(low),
                    if low.inclusive { "compris" } else { "exclu" }
                ),
                (None, Some(high)) => format!(
                    "jusqu'à {} ({}) — « {written} »",
                    bound(high),
                    if high.inclusive { "compris" } else { "exclu" }
                ),
                (None, None) => format!("toutes les valeurs — « {written} »"),
            }
        }
        RowMatch::Unknown => "la valeur inconnue (aucun justificatif)".to_string(),
        RowMatch::Other => "toute autre valeur".to_string(),
        RowMatch::Values(_) => format!("« {written} »"),
    }
}

/// The range of line `line` (from 1) of `text`.
fn line_range(positions: &Positions<'_>, line: usize) -> Json {
    let line = line.saturating_sub(1);
    let start = positions.starts.get(line).copied().unwrap_or(0);
    let end = positions
        .starts
        .get(line + 1)
        .map_or(positions.text.len(), |e| e - 1);
    positions.range(start, end)
}

/// `textDocument/definition`: an input or a value to its declaration, a tariff to its
/// grid (or its declaration).
pub fn definition(text: &str, compiled: &tarif::Compiled, at: (usize, usize), uri: &str) -> Json {
    let positions = Positions::new(text);
    let Some(d) = &compiled.deliberation else {
        return Json::Null;
    };
    let word = word_at(text, positions.offset(at)).unwrap_or("");
    let line = if let Some(input) = d.inputs.iter().find(|i| i.name == word) {
        Some(input.line)
    } else if let Some(tariff) = d.tariffs.iter().find(|t| t.name == word) {
        let grid = d
            .definitions
            .get(tariff.base.0 as usize)
            .and_then(|base| match &base.body {
                Body::Table { table, .. } => d.tables.get(table.0 as usize).map(|t| t.line),
                Body::Expr(_) => None,
            });
        Some(grid.unwrap_or(tariff.line))
    } else {
        d.definitions
            .iter()
            .find(|x| x.name == word)
            .map(|x| x.line)
    };
    match line {
        Some(line) => json!({ "uri": uri, "range": line_range(&positions, line) }),
        None => Json::Null,
    }
}

/// `textDocument/formatting`: the text laid out by `tarif fmt`, as one edit; none when
/// it has errors or is already laid out.
pub fn formatting(text: &str) -> Json {
    let positions = Positions::new(text);
    match tarif::format::format(text) {
        Ok(laid_out) if laid_out != text => {
            json!([{ "range": positions.whole(), "newText": laid_out }])
        }
        _ => json!([]),
    }
}

/// The keywords of the language, offered everywhere.
const KEYWORDS: &[&str] = &[
    "délibération",
    "collectivité",
    "numéro",
    "adoptée le",
    "applicable du",
    "entrées",
    "article",
    "exemple",
    "tarif",
    "grille selon",
    "montant",
    "montant entier",
    "entier",
    "nombre",
    "taux",
    "booléen",
    "date",
    "choix parmi",
    "certifié",
    "par défaut",
    "obligatoire",
    "au moins",
    "au plus",
    "majoration de",
    "réduction de",
    "remplacé par",
    "arrondi au centime",
    "si",
    "alors",
    "sinon",
    "et",
    "ou",
    "est connu",
    "inconnu",
    "attendu",
    "jusqu'à",
    "plus de",
    "de",
    "à",
    "facturation des",
    "réservation au plus tard",
    "annulation au plus tard",
    "justificatif fourni sous",
    "présent",
    "présent sans réservation",
    "réservé hors délai",
    "absent justifié",
    "absent non justifié",
    "annulé dans le délai",
    "annulé hors délai",
    "gratuit",
    "durée par demi-heure engagée",
    "retard après",
    "forfait mensuel :",
    "lissage :",
    "plafond de",
    "pénalité de",
    "jour",
    "attendu facture",
];

/// `textDocument/completion`: the names of the text, its choice values, the keywords.
pub fn completion(compiled: &tarif::Compiled) -> Json {
    let mut items = Vec::new();
    if let Some(d) = &compiled.deliberation {
        for input in &d.inputs {
            items.push(json!({ "label": input.name, "kind": 6, "detail": format!("entrée, {}", input.ty.written(input.whole)) }));
        }
        for definition in &d.definitions {
            if !d.inputs.iter().any(|i| i.name == definition.name) {
                items.push(
                    json!({ "label": definition.name, "kind": 6, "detail": "valeur calculée" }),
                );
            }
        }
        for tariff in &d.tariffs {
            items.push(json!({ "label": tariff.name, "kind": 3, "detail": format!("tarif, par {}", tariff.unit) }));
        }
        for choice in &d.choices {
            items.push(json!({ "label": choice, "kind": 20, "detail": "valeur de choix" }));
        }
    }
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item["label"].as_str().unwrap_or("").to_string()));
    for keyword in KEYWORDS {
        items.push(json!({ "label": keyword, "kind": 14 }));
    }
    json!({ "isIncomplete": false, "items": items })
}

/// `textDocument/codeAction`: for each diagnostic in `range` that carries the text to
/// write (E001's « écrivez la ligne ainsi »), the edit that writes it.
pub fn quick_fixes(text: &str, compiled: &tarif::Compiled, uri: &str, range: &Json) -> Json {
    let positions = Positions::new(text);
    let line_of = |p: &Json| p["line"].as_u64().unwrap_or(0) as usize;
    let (first, last) = (line_of(&range["start"]), line_of(&range["end"]));
    let published = diagnostics(text, &compiled.diagnostics);
    let actions: Vec<Json> = compiled
        .diagnostics
        .iter()
        .zip(published)
        .filter_map(|(d, shown)| {
            let (span, replacement) = d.replacement.as_ref()?;
            let line = line_of(&shown["range"]["start"]);
            if line < first || line > last {
                return None;
            }
            Some(json!({
                "title": format!("Écrire : {}", replacement.trim()),
                "kind": "quickfix",
                "diagnostics": [shown],
                "isPreferred": true,
                "edit": { "changes": { uri: [ {
                    "range": positions.range(span.start, span.end),
                    "newText": replacement,
                } ] } },
            }))
        })
        .collect();
    Json::Array(actions)
}
