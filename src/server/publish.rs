//! When a changed file is served. A file saved slowly or in two writes (an editor, a
//! copy over a network share, `cat > f` paused) is read half-written, and its first
//! part is often a valid deliberation: serving it gives wrong prices without a word.
//! So a new text is served only
//!
//! - once it has read the same for [`SETTLE`] (two reads that far apart agree);
//! - if its own examples pass;
//! - if it keeps every article, tariff and expected price of the version served
//!   (a text that loses some is held back, said in `/v1/deliberations`, until the
//!   service restarts).
//!
//! The safe way to publish is still atomic: write a hidden file (`.x.delib`, which the
//! folder ignores) and rename it over the served one.

use std::time::Duration;

use crate::document::Document;

/// How long a changed text must read the same before it is served.
pub const SETTLE: Duration = Duration::from_millis(1000);

/// Why the text of a file is not the version served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// Changed less than [`SETTLE`] ago: it may still be being written.
    Settling,
    /// Some of its own examples fail: `(example, line of attendu)`.
    FailingExamples(Vec<(String, usize)>),
    /// It lacks what the version served has.
    Losing(Vec<Loss>),
}

/// Something the version served has and a new text lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loss {
    /// `article 4`, by its number.
    Article(String),
    Tariff(String),
    /// Fewer expected prices (`attendu`) in its examples.
    Expectations {
        served: usize,
        now: usize,
    },
}

/// The examples of `document` that fail, by name and line of `attendu`.
pub fn failing_examples(document: &Document) -> Vec<(String, usize)> {
    let d = &document.deliberation;
    let (outcomes, _) = crate::eval::examples::run(d);
    outcomes
        .iter()
        .flat_map(|o| {
            let prices = o.checks.iter().filter(|c| !c.passed()).map(|c| c.line);
            let invoices = o.invoices.iter().filter(|c| !c.passed()).map(|c| c.line);
            prices.chain(invoices).map(move |line| (o.example, line))
        })
        .map(|(e, line)| {
            let name = d
                .examples
                .get(e)
                .map(|x| x.name.clone())
                .unwrap_or_default();
            (name, line)
        })
        .collect()
}

/// What `new` lacks of `served`: articles (by number), tariffs (by name), expected
/// prices (by count).
pub fn losses(served: &Document, new: &Document) -> Vec<Loss> {
    let (a, b) = (&served.deliberation, &new.deliberation);
    let mut losses: Vec<Loss> = a
        .articles
        .iter()
        .filter(|x| !b.articles.iter().any(|y| y.number == x.number))
        .map(|x| Loss::Article(x.number.clone()))
        .collect();
    losses.extend(
        a.tariffs
            .iter()
            .filter(|x| !b.tariffs.iter().any(|y| y.name == x.name))
            .map(|x| Loss::Tariff(x.name.clone())),
    );
    let (before, now) = (expectations(a), expectations(b));
    if now < before {
        losses.push(Loss::Expectations {
            served: before,
            now,
        });
    }
    losses
}

/// The expected prices and errors of every example (`attendu` lines).
fn expectations(d: &crate::rules::Deliberation) -> usize {
    d.examples
        .iter()
        .map(|e| {
            e.expected.len()
                + e.errors.len()
                + e.children
                    .iter()
                    .map(|c| c.expected.len() + c.errors.len())
                    .sum::<usize>()
        })
        .sum()
}

/// The reason in French, for `/v1/deliberations`.
pub fn waiting_text(waiting: &Waiting) -> String {
    match waiting {
        Waiting::Settling => "modifiée il y a moins d'une seconde : elle sera servie quand elle ne changera plus (un fichier en cours d'écriture n'est jamais servi)".to_string(),
        Waiting::FailingExamples(failing) => {
            let names: Vec<String> = failing
                .iter()
                .map(|(name, line)| format!("« {name} » (ligne {line})"))
                .collect();
            format!(
                "retenue : ses propres exemples échouent ({}) ; la version précédente reste servie",
                names.join(", ")
            )
        }
        Waiting::Losing(losses) => {
            let lost: Vec<String> = losses
                .iter()
                .map(|l| match l {
                    Loss::Article(n) => format!("l'article {n}"),
                    Loss::Tariff(t) => format!("le tarif « {t} »"),
                    Loss::Expectations { served, now } => {
                        format!("des prix attendus de ses exemples ({now} au lieu de {served})")
                    }
                })
                .collect();
            format!(
                "retenue : elle n'a plus {} de la version servie, comme un fichier à moitié écrit ; la version précédente reste servie. Si c'est voulu, redémarrez le service pour la publier",
                list_plain(&lost)
            )
        }
    }
}

/// `a, b et c`.
fn list_plain(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
    }
}
