//! The simulator page as families read it, in headless Chromium at 320, 390 and
//! 1280 px: every deliberation of `deliberations/`, every example without children.
//! No horizontal scroll; no identifier of the file in the visible text (the labels of
//! the deliberation instead); the price and the sentences of the calculation; the
//! required fields said; an error next to its field and in a summary that links to it;
//! axe-core (from the npm package `.ci/run` installs) finds no WCAG 2.1 A/AA violation.
#![cfg(feature = "serveur")]

mod common;

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use serde_json::{Value as Json, json};

use common::browser::{self, axe_source, violations};
use common::server::{cantine_folder, every_deliberation, example_query, fresh_folder, start};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the page shows at the width it has: its visible text, and whether it scrolls
/// sideways.
async fn seen(browser: &Client) -> (String, bool) {
    let found = browser
        .execute(
            "return [document.body.innerText, \
                     document.documentElement.scrollWidth > window.innerWidth];",
            vec![],
        )
        .await
        .expect("script");
    (
        found[0].as_str().unwrap_or("").to_string(),
        found[1].as_bool().unwrap_or(true),
    )
}

/// The words of `text` that are identifiers of a file (`quotient_caf`,
/// `hors_commune`): a word with an underscore, which no label has.
fn identifiers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.contains('_'))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_example_reads_in_french_at_every_width() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let axe = axe_source();
    let (folder, documents) = every_deliberation("page");
    let server = start(folder);
    let browser = browser::open(&driver).await;
    if let Some(axe) = &axe {
        // axe-core finds what it should: an image without text.
        browser
            .goto(
                "data:text/html,<html lang=fr><title>t</title><main><img src=x.png></main></html>",
            )
            .await
            .expect("page");
        let found = violations(&browser, axe).await;
        assert!(
            found.iter().any(|v| v.starts_with("image-alt")),
            "{found:?}"
        );
    }
    let mut pages = 0;
    for (id, document) in &documents {
        let d = &document.deliberation;
        let queries: Vec<String> = d
            .examples
            .iter()
            .filter_map(|e| example_query(d, e))
            .collect();
        for (n, query) in queries.iter().enumerate() {
            // Every example at 390 px; the first at each width, with axe-core.
            let widths: &[u32] = if n == 0 { &[320, 390, 1280] } else { &[390] };
            for &width in widths {
                browser.set_window_size(width, 900).await.expect("size");
                browser
                    .goto(&format!("{}/simulateur/{id}?{query}", server.base))
                    .await
                    .expect("page");
                let (text, scrolls) = seen(&browser).await;
                let at = format!("{id} à {width} px ({query})");
                assert!(!scrolls, "défilement horizontal : {at}");
                assert_eq!(identifiers(&text), Vec::<String>::new(), "{at}\n{text}");
                assert!(text.contains("Comment ce prix est calculé"), "{at}\n{text}");
                let title = browser.title().await.expect("title");
                assert!(
                    title.contains('€'),
                    "le titre porte le prix : {title} ({at})"
                );
                if let (0, Some(axe)) = (n, &axe) {
                    assert_eq!(
                        violations(&browser, axe).await,
                        Vec::<String>::new(),
                        "{at}"
                    );
                }
                pages += 1;
            }
        }
    }
    assert!(pages >= 40, "{pages} pages");
}

/// The cantine of Exempleville for a family of the deliberation's example: the price
/// first, then the calculation in sentences with the labels of the deliberation; the
/// article and line of each step, the version and the empreinte folded under
/// « Références de la délibération ».
#[tokio::test(flavor = "multi_thread")]
async fn the_calculation_is_told_in_sentences() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let folder = cantine_folder("page-phrases");
    let server = start(folder);
    let browser = browser::open(&driver).await;
    browser.set_window_size(390, 900).await.expect("size");
    browser
        .goto(&format!(
            "{}/simulateur/cantine?date=15%2F10%2F2025&quotient_caf=612&r%C3%A9sidence=hors_commune&rang=3&pai=non",
            server.base
        ))
        .await
        .expect("page");
    let steps = browser
        .execute(
            "return [...document.querySelectorAll('#resultat ol.justification li')].map(l => l.innerText);",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(
        steps,
        json!([
            "Quotient familial (CAF ou MSA) : 612 € (déclaré, non certifié).",
            "Quotient familial retenu : 612 €, dans la tranche « de 601 à 800 € » : 2,20 € par repas.",
            "Résidence : hors commune : +30 % (2,86 €).",
            "Rang de l'enfant dans la fratrie : au moins 3 : −20 % (2,288 €).",
            "Arrondi au centime : 2,29 €."
        ])
    );
    assert_eq!(
        browser.title().await.expect("title"),
        "Repas : 2,29 € — Tarifs de la restauration scolaire 2025-2026"
    );
    // The references are folded; opened, they cite each step's article and line.
    let references = browser
        .find(Locator::Css("details.references"))
        .await
        .expect("references");
    assert_eq!(references.attr("open").await.expect("attr"), None);
    browser
        .find(Locator::Css("details.references summary"))
        .await
        .expect("summary")
        .click()
        .await
        .expect("open");
    let text = references.text().await.expect("text");
    assert!(
        text.contains("art. 4 « Majorations et réductions », ligne 36"),
        "{text}"
    );
    assert!(text.contains("sha256:"), "{text}");
    assert!(text.contains("n° 2025-042"), "{text}");
    let (_, scrolls) = seen(&browser).await;
    assert!(!scrolls, "the empreinte breaks at 390 px");
}

/// A family's error is next to its field (`aria-invalid`, `aria-describedby`) and in a
/// summary whose link leads to the field; the title says it; required fields say so.
#[tokio::test(flavor = "multi_thread")]
async fn an_error_is_tied_to_its_field() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let folder = fresh_folder("page-erreur");
    std::fs::write(
        folder.join("fay.delib"),
        "délibération « Garderie »\n  applicable du 01/09/2025\n\n\
         entrées\n  quotient_caf : montant entier, certifié CAF.quotient_familial, obligatoire\n\
         \x20 résidence : choix parmi commune, hors_commune, par défaut commune\n\n\
         article 1 « Prix »\n  tarif garderie (par soir)\n  grille selon quotient_caf\n\
         \x20   | QF            | garderie |\n\
         \x20   | jusqu'à 600 € | 1,00 €   |\n\
         \x20   | plus de 600 € | 2,00 €   |\n\
         \x20 garderie : majoration de 20 % si résidence = hors_commune\n",
    )
    .expect("write");
    let server = start(folder);
    let browser = browser::open(&driver).await;
    browser
        .goto(&format!("{}/simulateur/fay", server.base))
        .await
        .expect("page");
    let required = browser
        .execute(
            "return [...document.querySelectorAll('[aria-required=true]')].map(e => e.labels[0].innerText);",
            vec![],
        )
        .await
        .expect("script");
    let required: Vec<String> = serde_json::from_value(required).unwrap_or_default();
    assert!(!required.is_empty(), "a required field");
    assert!(
        required.iter().all(|l| l.contains("(obligatoire)")),
        "{required:?}"
    );
    let field: Json = browser
        .execute(
            "return document.querySelector('[aria-required=true]').name;",
            vec![],
        )
        .await
        .expect("script");
    let name = field.as_str().expect("a name").to_string();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    browser
        .goto(&format!(
            "{}/simulateur/fay?date=15%2F10%2F2025&{encoded}=abc",
            server.base
        ))
        .await
        .expect("page");
    assert!(browser.title().await.expect("title").starts_with("Erreur"));
    let id = format!("champ-{name}");
    let input = browser.find(Locator::Id(&id)).await.expect("the field");
    assert_eq!(
        input.attr("aria-invalid").await.expect("attr").as_deref(),
        Some("true")
    );
    let described = input
        .attr("aria-describedby")
        .await
        .expect("attr")
        .unwrap_or_default();
    let error_id = format!("{id}-erreur");
    assert!(described.split(' ').any(|d| d == error_id), "{described}");
    let error = browser
        .find(Locator::Id(&error_id))
        .await
        .expect("the error")
        .text()
        .await
        .expect("text");
    assert!(!error.is_empty());
    assert_eq!(identifiers(&error), Vec::<String>::new(), "{error}");
    let link = browser
        .find(Locator::Css("#resultat .erreurs a"))
        .await
        .expect("the summary's link");
    assert_eq!(
        link.attr("href").await.expect("attr"),
        Some(format!("#{id}"))
    );
    if let Some(axe) = axe_source() {
        assert_eq!(violations(&browser, &axe).await, Vec::<String>::new());
    }
}

/// The annexe of every deliberation of `deliberations/` in Chromium at 320, 390 and
/// 1280 px: no horizontal scroll, no identifier of the file in its text, and no
/// violation axe-core finds.
#[tokio::test(flavor = "multi_thread")]
async fn every_annexe_reads_at_every_width() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let axe = axe_source();
    let folder = fresh_folder("annexes");
    let browser = browser::open(&driver).await;
    let mut seen_annexes = 0;
    for entry in std::fs::read_dir(root().join("deliberations"))
        .expect("deliberations")
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "delib") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source");
        let document = tarif::document::Document::from_source(&source).expect("valid");
        let page = folder.join(format!(
            "{}.html",
            path.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("annexe")
        ));
        std::fs::write(&page, tarif::annexe::to_html(&document, &source)).expect("write");
        for width in [320, 390, 1280] {
            browser.set_window_size(width, 900).await.expect("size");
            browser
                .goto(&format!("file://{}", page.display()))
                .await
                .expect("annexe");
            let (text, scrolls) = seen(&browser).await;
            let at = format!("{} à {width} px", path.display());
            assert!(!scrolls, "défilement horizontal : {at}");
            assert_eq!(identifiers(&text), Vec::<String>::new(), "{at}");
            if let (390, Some(axe)) = (width, &axe) {
                assert_eq!(
                    violations(&browser, axe).await,
                    Vec::<String>::new(),
                    "{at}"
                );
            }
        }
        seen_annexes += 1;
    }
    let _ = std::fs::remove_dir_all(&folder);
    assert!(seen_annexes >= 10, "{seen_annexes} annexes");
}

/// A commune brands the page from `apparence.txt` beside its deliberations: its name,
/// its logo (served at `/logo`, its name as text alternative), its colour on links and
/// the button; the page still has no violation and no horizontal scroll.
#[tokio::test(flavor = "multi_thread")]
async fn a_commune_brands_the_page() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let folder = cantine_folder("page-theme");
    std::fs::write(
        folder.join("logo.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg' width='96' height='48'><rect width='96' height='48' fill='#7a1f5c'/></svg>",
    )
    .expect("logo");
    std::fs::write(
        folder.join("apparence.txt"),
        "nom : Ville d'Exempleville\nlogo : logo.svg\ncouleur : #7a1f5c\n",
    )
    .expect("theme");
    let server = start(folder);
    let browser = browser::open(&driver).await;
    for width in [320, 1280] {
        browser.set_window_size(width, 900).await.expect("size");
        browser
            .goto(&format!(
                "{}/simulateur/cantine?date=15%2F10%2F2025&quotient_caf=612&r%C3%A9sidence=commune",
                server.base
            ))
            .await
            .expect("page");
        let found = browser
            .execute(
                "const img = document.querySelector('header img');\
                 return [img.alt, img.naturalWidth, \
                         getComputedStyle(document.querySelector('button')).backgroundColor, \
                         document.querySelector('header').innerText];",
                vec![],
            )
            .await
            .expect("script");
        assert_eq!(found[0], "Ville d'Exempleville");
        assert_eq!(found[1], 96, "the logo is served and shown");
        assert_eq!(found[2], "rgb(122, 31, 92)");
        assert!(
            found[3]
                .as_str()
                .unwrap_or("")
                .contains("Ville d'Exempleville")
        );
        let (_, scrolls) = seen(&browser).await;
        assert!(!scrolls, "{width} px");
        if let Some(axe) = axe_source() {
            assert_eq!(violations(&browser, &axe).await, Vec::<String>::new());
        }
    }
}

/// The list of `GET /` says which version is in force, which is to come, and lists no
/// ended version but, for a service whose versions all ended, its last one, said so.
#[test]
fn the_list_says_what_is_in_force() {
    let folder = fresh_folder("page-liste");
    let version = |from: &str, to: &str, price: &str| {
        format!(
            "délibération « Garderie »\n  applicable du {from}{to}\n\nentrées\n  qf : montant entier, par défaut 0\n\n\
             article 1 « Prix »\n  tarif garderie (par soir)\n  garderie = {price}\n"
        )
    };
    std::fs::create_dir_all(folder.join("garderie")).expect("folder");
    std::fs::write(
        folder.join("garderie/2019.delib"),
        version("01/09/2019", " au 31/08/2020", "1 €"),
    )
    .expect("write");
    std::fs::write(
        folder.join("garderie/2020.delib"),
        version("01/09/2020", " au 31/08/2099", "2 €"),
    )
    .expect("write");
    std::fs::write(
        folder.join("garderie/2099.delib"),
        version("01/09/2099", "", "3 €"),
    )
    .expect("write");
    std::fs::write(
        folder.join("ancienne.delib"),
        version("01/09/2018", " au 31/08/2019", "1 €"),
    )
    .expect("write");
    let server = start(folder);
    let (status, page) = common::server::get(&server, "/");
    assert_eq!(status, 200);
    assert!(
        !page.contains("2019 au 31/08/2020"),
        "an ended version is not listed: {page}"
    );
    assert!(
        page.contains(
            "à partir du 01/09/2099 (à venir) ; du 01/09/2020 au 31/08/2099 (en vigueur)"
        ),
        "{page}"
    );
    assert!(
        page.contains("du 01/09/2018 au 31/08/2019 (terminée)"),
        "{page}"
    );
}
