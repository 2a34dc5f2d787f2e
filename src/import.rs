//! `tarif importer`: a published grid kept in a spreadsheet, turned into a `.delib`
//! skeleton. Pure: the sheets come in as cells (the command reads them with calamine),
//! the text of the deliberation and where each of its grid lines comes from go out, so
//! that a diagnostic of the checker is told at its cell (« Feuille1!A7 : trou dans la
//! grille… »).
//!
//! A sheet holds one grid or several, separated by empty rows; a grid may have a title
//! row above its header (one cell), and a header of two rows (a merged cell naming the
//! tariff over the values of a second key: « Repas » over « commune | hors commune »).
//! Its first column is the key (« QF », « Quotient familial »), written as the page
//! writes it; the other columns are prices, or the values of a second key (a crossed
//! grid: « commune | hors commune », « 1er enfant | 2e enfant | 3e et + »).

use rust_decimal::Decimal;

/// A cell as the spreadsheet gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    /// Text as typed (`de 401 à 600 €`, `2,29 €`).
    Text(String),
    /// A number cell (typed or computed by a formula), read exactly.
    Number(Decimal),
    /// A number that has no exact decimal value near it (`2.28571428…`): as shown.
    Unreadable(String),
}

/// One sheet: its name and its rows, from `A1`.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// What the import gives: the deliberation's text, the cell of each grid line, and
/// the cells that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub text: String,
    /// `(line of the text, from 1; the cell it comes from: Feuille1!A7)`
    pub origins: Vec<(usize, String)>,
    /// `(cell, what is wrong)`
    pub problems: Vec<(String, String)>,
}

impl Imported {
    /// The cell a line of the text comes from.
    pub fn cell_of(&self, line: usize) -> Option<&str> {
        self.origins
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, c)| c.as_str())
    }
}

/// The exact amount a spreadsheet's binary number stands for: the shortest decimal
/// that reads back as the same number (`2.29`, not `2.2899999999999996`), else the
/// nearest decimal of at most 6 places within a billionth (what a formula's rounding
/// noise leaves: `=1.1*2` → `2.2`), else `None` (a third, a result that has no exact
/// decimal: a diagnostic, never a guess). The only float of the project: the value
/// the file stores.
pub fn exact_amount(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    let shortest = format!("{value}");
    let decimal = Decimal::from_str_exact(&shortest)
        .or_else(|_| Decimal::from_scientific(&shortest))
        .ok()?;
    if decimal.scale() <= 6 {
        return Some(decimal.normalize());
    }
    let tolerance = 1e-9 * value.abs().max(1.0);
    (0..=6).find_map(|places| {
        let rounded = decimal.round_dp(places);
        let back: f64 = rounded.to_string().parse().ok()?;
        ((back - value).abs() < tolerance).then(|| rounded.normalize())
    })
}

/// `A`, `B`, …, `Z`, `AA`: a column's letters.
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// `Feuille1!A7`
pub fn cell_name(sheet: &str, row: usize, column: usize) -> String {
    let sheet = if sheet.contains([' ', '!', '\'']) {
        format!("'{sheet}'")
    } else {
        sheet.to_string()
    };
    format!("{sheet}!{}{}", column_letters(column), row + 1)
}

fn text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
        Cell::Number(n) => Some(crate::french::number(*n)),
        Cell::Unreadable(t) => Some(t.clone()),
    }
}

fn is_empty(row: &[Cell]) -> bool {
    row.iter().all(|c| text(c).is_none())
}

/// Whether a cell holds a price: a number, or a text with digits and no word but
/// `€`/`EUR` (`2,29 €`, `4€70`).
fn is_price(cell: &Cell) -> bool {
    match cell {
        Cell::Number(_) | Cell::Unreadable(_) => true,
        Cell::Text(t) => {
            let t = t.trim();
            t.chars().any(|c| c.is_ascii_digit())
                && t.chars().all(|c| {
                    c.is_ascii_digit() || matches!(c, ',' | '.' | '€' | ' ' | '\u{a0}' | '\u{202f}')
                })
        }
        Cell::Empty => false,
    }
}

/// A name of the language made of a header's words: `Prix du repas` → `prix_du_repas`.
fn name_of(words: &str) -> String {
    let mut name = String::new();
    for c in words.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('_') && !name.is_empty() {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_').to_string();
    match name.chars().next() {
        None => "tarif".to_string(),
        Some(c) if c.is_ascii_digit() => format!("t_{name}"),
        Some(_) if is_keyword(&name) => format!("{name}_prix"),
        Some(_) => name,
    }
}

/// Words of the language a name made from a header must not be.
fn is_keyword(name: &str) -> bool {
    matches!(
        crate::syntax::lines::fold(name).as_str(),
        "tarif"
            | "grille"
            | "selon"
            | "article"
            | "exemple"
            | "date"
            | "rang"
            | "autre"
            | "inconnu"
            | "entrees"
            | "base"
            | "taux"
            | "montant"
            | "nombre"
            | "choix"
    )
}

/// Whether a header or row label speaks of a child's rank: `1er enfant`, `2e`, `3e et +`.
fn is_rank(text: &str) -> bool {
    let t = crate::syntax::lines::fold(text.trim());
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t[digits.len()..].trim_start();
    !digits.is_empty()
        && (rest.starts_with("er") || rest.starts_with('e') || rest.starts_with("eme"))
        && !rest.contains("enfants")
}

/// The unit of a tariff from its words: `par repas`, `par jour`, `par heure`.
fn unit_of(words: &str) -> &'static str {
    let w = crate::syntax::lines::fold(words);
    if w.contains("repas") || w.contains("cantine") || w.contains("restauration") {
        "repas"
    } else if w.contains("demi") {
        "demi-journée"
    } else if w.contains("journee") || w.contains("jour") {
        "jour"
    } else if w.contains("heure") {
        "heure"
    } else if w.contains("mois") || w.contains("mensuel") {
        "mois"
    } else if w.contains("an") && w.contains("annuel") {
        "an"
    } else {
        "séance"
    }
}

/// A grid found in a sheet.
struct Grid {
    title: Option<String>,
    /// The key column's header, as written.
    key: String,
    /// A merged header over the value columns (a crossed grid's tariff).
    over: Option<String>,
    /// The value columns: (index, header as written).
    columns: Vec<(usize, String)>,
    /// (row index, cells)
    rows: Vec<(usize, Vec<Cell>)>,
    first_row: usize,
    last_row: usize,
}

/// The grids of a sheet: blocks of rows between empty rows that have a header and at
/// least one row with a price.
fn grids(sheet: &Sheet) -> Vec<Grid> {
    let mut out = Vec::new();
    let mut block: Vec<(usize, &Vec<Cell>)> = Vec::new();
    // An empty row after the last closes the last block.
    let end = Vec::new();
    let rows = sheet
        .rows
        .iter()
        .enumerate()
        .chain(std::iter::once((sheet.rows.len(), &end)));
    // A title alone above an empty row: the next grid's title.
    let mut pending_title: Option<String> = None;
    for (n, row) in rows {
        if is_empty(row) {
            match grid_of(&block) {
                Some(mut grid) => {
                    if grid.title.is_none() {
                        grid.title = pending_title.take();
                    }
                    out.push(grid);
                }
                None => {
                    let filled: Vec<String> = block
                        .iter()
                        .flat_map(|(_, r)| r.iter().filter_map(text))
                        .collect();
                    if let [title] = filled.as_slice() {
                        pending_title = Some(title.clone());
                    }
                }
            }
            block.clear();
        } else {
            block.push((n, row));
        }
    }
    out
}

fn grid_of(block: &[(usize, &Vec<Cell>)]) -> Option<Grid> {
    let filled = |row: &[Cell]| row.iter().filter(|c| text(c).is_some()).count();
    // The first row with a price after its first cell starts the data.
    let data_start = block.iter().position(|(_, row)| {
        row.first().and_then(text).is_some() && row.iter().skip(1).any(is_price)
    })?;
    let (head, data) = block.split_at(data_start);
    let mut head: Vec<&(usize, &Vec<Cell>)> = head.iter().collect();
    // A title row: one cell, above the header.
    let title = match head.first() {
        Some((_, row)) if head.len() > 1 && filled(row) == 1 => {
            let title = row.iter().find_map(text);
            head.remove(0);
            title
        }
        _ => None,
    };
    let header = head.last()?.1;
    let over = match head.len() {
        n if n >= 2 => head[n - 2].1.iter().skip(1).find_map(text),
        _ => None,
    };
    let key = head
        .iter()
        .find_map(|(_, row)| row.first().and_then(text))
        .unwrap_or_else(|| "QF".to_string());
    let width = data.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    let mut columns = Vec::new();
    let mut last = String::new();
    for index in 1..width {
        // An empty header after a written one: a merged cell, continued.
        let written = header
            .get(index)
            .and_then(text)
            .unwrap_or_else(|| match last.is_empty() {
                true => format!("colonne {}", column_letters(index)),
                false => format!("{last} {}", index),
            });
        if data
            .iter()
            .any(|(_, r)| r.get(index).and_then(text).is_some())
        {
            columns.push((index, written.clone()));
        }
        last = written;
    }
    if columns.is_empty() {
        return None;
    }
    let rows: Vec<(usize, Vec<Cell>)> = data
        .iter()
        .filter(|(_, row)| row.first().and_then(text).is_some())
        .map(|(n, row)| (*n, (*row).clone()))
        .collect();
    Some(Grid {
        title,
        key,
        over,
        first_row: block.first().map_or(0, |(n, _)| *n),
        last_row: block.last().map_or(0, |(n, _)| *n),
        columns,
        rows,
    })
}

/// Whether a grid's columns are the values of a second key rather than tariffs.
fn crossed(grid: &Grid) -> bool {
    let headers: Vec<String> = grid
        .columns
        .iter()
        .map(|(_, h)| crate::syntax::lines::fold(h))
        .collect();
    grid.columns.len() > 1
        && (grid.over.is_some()
            || headers
                .iter()
                .any(|h| h.contains("commune") || h.contains("exterieur"))
            || headers.iter().all(|h| is_rank(h) || h.contains("enfant")))
}

/// A line of the text and the cell it comes from.
type Line = (String, Option<String>);

/// The skeleton of a deliberation for the grids of `sheets`, found in `file`.
pub fn skeleton(sheets: &[Sheet], file: &str) -> Imported {
    let mut imported = Imported::default();
    let mut lines: Vec<String> = Vec::new();
    let mut origins: Vec<(usize, String)> = Vec::new();
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut articles: Vec<(String, Vec<Line>)> = Vec::new();
    let mut tariffs: Vec<String> = Vec::new();
    let mut first_title: Option<String> = None;
    let mut add_input = |name: &str, line: String| {
        if !inputs.iter().any(|(n, _)| n == name) {
            inputs.push((name.to_string(), line));
        }
    };
    for sheet in sheets {
        for grid in grids(sheet) {
            let mut article: Vec<Line> = Vec::new();
            let key_folded = crate::syntax::lines::fold(&grid.key);
            let rank_rows = grid
                .rows
                .iter()
                .all(|(_, r)| r.first().and_then(text).is_some_and(|t| is_rank(&t)));
            let key = if rank_rows {
                add_input(
                    "rang",
                    "  rang : entier, au moins 1, obligatoire   « rang de l'enfant »".to_string(),
                );
                "rang".to_string()
            } else if key_folded.contains("revenu") {
                add_input(
                    "revenu",
                    "  revenu : montant, obligatoire   « revenu »".to_string(),
                );
                "revenu".to_string()
            } else {
                add_input(
                    "qf",
                    format!(
                        "  qf : montant entier, obligatoire   « {} »   # ajoutez « certifié CAF.quotient_familial » si la CAF le donne",
                        if grid.key.is_empty() {
                            "quotient familial"
                        } else {
                            grid.key.as_str()
                        }
                    ),
                );
                "qf".to_string()
            };
            let range = format!(
                "{}:{}",
                cell_name(&sheet.name, grid.first_row, 0),
                cell_name(
                    "",
                    grid.last_row,
                    grid.columns.last().map_or(0, |(i, _)| *i)
                )
                .trim_start_matches('!')
            );
            article.push((format!("  # {file}, {range}"), None));
            let title = grid
                .title
                .clone()
                .or_else(|| grid.over.clone())
                .unwrap_or_else(|| sheet.name.clone());
            if first_title.is_none() {
                first_title = grid.title.clone();
            }
            let header_cells: Vec<String> = if crossed(&grid) {
                let headers: Vec<String> = grid.columns.iter().map(|(_, h)| h.clone()).collect();
                let folded: Vec<String> = headers
                    .iter()
                    .map(|h| crate::syntax::lines::fold(h))
                    .collect();
                let second = if folded.iter().all(|h| is_rank(h) || h.contains("enfant")) {
                    add_input(
                        "rang",
                        "  rang : entier, au moins 1, obligatoire   « rang de l'enfant »"
                            .to_string(),
                    );
                    "rang".to_string()
                } else {
                    let name = if folded
                        .iter()
                        .any(|h| h.contains("commune") || h.contains("exterieur"))
                    {
                        "résidence".to_string()
                    } else {
                        "catégorie".to_string()
                    };
                    add_input(
                        &name,
                        format!("  {name} : choix parmi {}, obligatoire", headers.join(", ")),
                    );
                    name
                };
                let words = grid.over.clone().unwrap_or_else(|| title.clone());
                let mut tariff = name_of(&words);
                while tariffs.contains(&tariff) {
                    tariff.push_str("_2");
                }
                tariffs.push(tariff.clone());
                article.push((
                    format!("  tarif {tariff} (par {})   « {words} »", unit_of(&words)),
                    None,
                ));
                article.push((format!("  grille selon {key} et {second}"), None));
                std::iter::once(grid.key.clone()).chain(headers).collect()
            } else {
                let mut names = Vec::new();
                for (_, header) in &grid.columns {
                    let mut tariff = name_of(header);
                    while tariffs.contains(&tariff) || names.contains(&tariff) {
                        tariff.push_str("_2");
                    }
                    article.push((
                        format!("  tarif {tariff} (par {})   « {header} »", unit_of(header)),
                        None,
                    ));
                    names.push(tariff);
                }
                tariffs.extend(names.iter().cloned());
                article.push((format!("  grille selon {key}"), None));
                std::iter::once(grid.key.clone()).chain(names).collect()
            };
            let mut table: Vec<(Vec<String>, Option<String>)> = vec![(header_cells, None)];
            for (n, row) in &grid.rows {
                let mut cells = vec![row.first().and_then(text).unwrap_or_default()];
                for (index, _) in &grid.columns {
                    let cell = row.get(*index).unwrap_or(&Cell::Empty);
                    if let Cell::Unreadable(shown) = cell {
                        imported.problems.push((
                            cell_name(&sheet.name, *n, *index),
                            format!("le nombre {shown} n'a pas de valeur décimale exacte : tapez le montant voté (par exemple 2,29 €)"),
                        ));
                    }
                    cells.push(match cell {
                        Cell::Number(a) => crate::french::price(*a),
                        other => text(other).unwrap_or_else(|| "—".to_string()),
                    });
                }
                table.push((cells, Some(cell_name(&sheet.name, *n, 0))));
            }
            // The pipes aligned on the widest cell of each column.
            let width = table.first().map_or(0, |(c, _)| c.len());
            let widths: Vec<usize> = (0..width)
                .map(|i| {
                    table
                        .iter()
                        .map(|(c, _)| c.get(i).map_or(0, |t| t.chars().count()))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for (cells, origin) in table {
                let padded: Vec<String> = cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}", w = *w))
                    .collect();
                article.push((format!("    | {} |", padded.join(" | ")), origin));
            }
            articles.push((title, article));
        }
    }
    let title = first_title.clone().unwrap_or_else(|| {
        file.rsplit(['/', '\\'])
            .next()
            .unwrap_or(file)
            .rsplit_once('.')
            .map_or(file, |(stem, _)| stem)
            .to_string()
    });
    lines.push(format!("# Importé de {file} par « tarif importer » : relisez et complétez chaque ligne marquée « à compléter »."));
    let about_title = match first_title.is_some() {
        true => "à vérifier : le titre, lu dans le tableur",
        false => "à compléter : le titre de la délibération",
    };
    lines.push(format!("délibération « {title} »   # {about_title}"));
    lines.push("  applicable du 01/09/2026   # à compléter : la date votée".to_string());
    lines.push(String::new());
    lines.push("entrées".to_string());
    for (_, line) in &inputs {
        lines.push(line.clone());
    }
    for (n, (title, article)) in articles.iter().enumerate() {
        lines.push(String::new());
        lines.push(format!("article {} « {title} »", n + 1));
        for (line, origin) in article {
            lines.push(line.clone());
            if let Some(origin) = origin {
                origins.push((lines.len(), origin.clone()));
            }
        }
    }
    lines.push(String::new());
    lines.push(
        "# À compléter : un exemple par cas que la délibération cite, avec le prix publié."
            .to_string(),
    );
    lines.push("# exemple « Une famille au quotient de 612 € »".to_string());
    for (name, _) in &inputs {
        lines.push(format!("#   {name} = …"));
    }
    for tariff in &tariffs {
        lines.push(format!("#   attendu {tariff} = …"));
    }
    imported.text = lines.join("\n") + "\n";
    imported.origins = origins;
    imported
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_numbers_are_read_as_the_amount_the_cell_shows() {
        let read = |v: f64| exact_amount(v).map(|d| d.to_string());
        assert_eq!(read(2.29).as_deref(), Some("2.29"));
        assert_eq!(read(1.1 * 2.0).as_deref(), Some("2.2"));
        assert_eq!(read(0.1 + 0.2).as_deref(), Some("0.3"));
        assert_eq!(read(1234.5).as_deref(), Some("1234.5"));
        assert_eq!(read(0.0619).as_deref(), Some("0.0619"));
        assert_eq!(read(10.0 / 3.0), None);
        assert_eq!(read(f64::NAN), None);
    }

    #[test]
    fn cells_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(cell_name("Feuille1", 6, 0), "Feuille1!A7");
        assert_eq!(cell_name("Tarifs 2026", 0, 27), "'Tarifs 2026'!AB1");
        assert_eq!(name_of("Prix du repas"), "prix_du_repas");
        assert_eq!(name_of("1er enfant"), "t_1er_enfant");
        assert!(is_rank("3e et +") && is_rank("1er enfant") && !is_rank("2 enfants et plus"));
    }
}
