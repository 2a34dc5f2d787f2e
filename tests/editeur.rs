//! The workshop `GET /editeur` in headless Chromium, driven by the keyboard: a grid
//! with a gap typed, E030 shown at its line within a second of the last keystroke,
//! the line reached from the diagnostic and fixed, the list emptied, the examples run,
//! a family priced with the sentences of its calculation; axe-core finds no WCAG
//! violation. Without JavaScript, the form verifies, lays out and downloads.
#![cfg(feature = "serveur")]

mod common;

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use common::GAPPED;
use common::browser::{self, axe_source, violations};
use common::server::{agent, fresh_folder, start};

/// The text of an element, waited for until `until` holds (at most `within`); the
/// time it took.
async fn wait_text(
    browser: &Client,
    id: &str,
    within: Duration,
    until: impl Fn(&str) -> bool,
) -> (String, Duration) {
    let start = Instant::now();
    loop {
        let text = browser
            .find(Locator::Id(id))
            .await
            .expect("element")
            .text()
            .await
            .unwrap_or_default();
        if until(&text) || start.elapsed() > within {
            return (text, start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gap_is_shown_as_it_is_typed_fixed_from_the_keyboard_and_a_family_priced() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let axe = axe_source();
    let server = start(fresh_folder("atelier"));
    let browser = browser::open(&driver).await;
    browser.set_window_size(1280, 1000).await.expect("size");
    browser
        .goto(&format!("{}/editeur", server.base))
        .await
        .expect("page");
    let area = browser.find(Locator::Id("texte")).await.expect("text area");
    area.send_keys(GAPPED).await.expect("typed");
    let (diagnostics, waited) = wait_text(&browser, "diagnostics", Duration::from_secs(3), |t| {
        t.contains("E030")
    })
    .await;
    assert!(diagnostics.contains("E030"), "{diagnostics}");
    assert!(
        waited < Duration::from_secs(1),
        "E030 shown {waited:?} after the last keystroke"
    );
    assert!(diagnostics.contains("Ligne 12"), "{diagnostics}");
    assert!(diagnostics.contains("trou dans la grille"), "{diagnostics}");
    let gutter = browser
        .find(Locator::Css("#gouttiere .erreur"))
        .await
        .expect("the line marked")
        .text()
        .await
        .expect("text");
    assert_eq!(gutter, "12");

    // The diagnostic's button, pressed with Enter, selects line 12 in the text; the
    // row typed over it fixes the gap.
    let go = browser
        .find(Locator::Css("#diagnostics button"))
        .await
        .expect("a button per diagnostic");
    go.send_keys(&Key::Enter.to_string()).await.expect("Enter");
    let selected = browser
        .execute(
            "const t = document.getElementById('texte'); \
             return [document.activeElement.id, t.value.substring(t.selectionStart, t.selectionEnd)];",
            vec![],
        )
        .await
        .expect("selection");
    assert_eq!(selected[0], "texte");
    assert_eq!(selected[1], "    | de 600 à 900 € | 2,00 € |");
    browser
        .active_element()
        .await
        .expect("the text area")
        .send_keys("    | de 501 à 900 € | 2,00 € |")
        .await
        .expect("typed");
    let (state, _) = wait_text(&browser, "etat", Duration::from_secs(3), |t| {
        t.starts_with("Aucune erreur")
    })
    .await;
    assert_eq!(state, "Aucune erreur, aucun avertissement.");
    let list = browser
        .find_all(Locator::Css("#diagnostics li"))
        .await
        .expect("list");
    assert!(list.is_empty());

    // The examples run.
    let (examples, _) = wait_text(&browser, "exemples", Duration::from_secs(3), |t| {
        t.contains("Réussi")
    })
    .await;
    assert_eq!(examples, "Réussi — QF 700 : Repas 2,00 €");

    // A family typed in the small form, sent with Enter.
    let field = browser
        .find(Locator::Id("champ-0"))
        .await
        .expect("QF field");
    let label = browser
        .find(Locator::Css("label[for='champ-0']"))
        .await
        .expect("label")
        .text()
        .await
        .expect("text");
    assert_eq!(label, "Qf (obligatoire)");
    field.send_keys("550").await.expect("typed");
    field
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter");
    let (prices, _) = wait_text(&browser, "prix", Duration::from_secs(3), |t| {
        t.contains("€")
    })
    .await;
    assert!(prices.contains("Repas : 2,00 € par repas"), "{prices}");
    assert!(
        prices.contains("dans la tranche « de 501 à 900 € »"),
        "{prices}"
    );

    // The curve of the tariff.
    browser
        .find(Locator::Css("#courbe button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    let image = browser
        .wait()
        .for_element(Locator::Css("#figure img"))
        .await
        .expect("the curve");
    let alt = image.attr("alt").await.expect("alt").unwrap_or_default();
    assert!(alt.starts_with("Courbe du tarif Repas"), "{alt}");

    if let Some(axe) = &axe {
        let found = violations(&browser, axe).await;
        assert!(found.is_empty(), "{found:?}");
    }
    browser.close().await.expect("close");
}

#[test]
fn without_javascript_the_form_verifies_lays_out_and_downloads() {
    let server = start(fresh_folder("atelier-sans-js"));
    let post = |action: &str| {
        let mut answer = agent()
            .post(&format!("{}/editeur", server.base))
            .send_form([
                ("texte", GAPPED.replace('\n', "\r\n").as_str()),
                ("action", action),
            ])
            .expect("answer");
        let disposition = answer
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (
            answer.status().as_u16(),
            disposition,
            answer.body_mut().read_to_string().expect("body"),
        )
    };
    let (status, _, page) = post("verifier");
    assert_eq!(status, 200);
    assert!(page.contains("E030"), "{page}");
    assert!(page.contains("Ligne 12"));
    assert!(page.contains("1 erreur(s)."));
    let (status, disposition, text) = post("telecharger");
    assert_eq!(status, 200);
    assert!(disposition.contains("deliberation.delib"));
    assert_eq!(text, GAPPED);
    // A text with errors is not laid out; a fixed one is.
    let fixed = GAPPED.replace("de 600 à 900", "de 501 à 900");
    let mut answer = agent()
        .post(&format!("{}/editeur", server.base))
        .send_form([("texte", fixed.as_str()), ("action", "formater")])
        .expect("answer");
    let page = answer.body_mut().read_to_string().expect("body");
    assert!(
        page.contains("| jusqu&#39;à 500 €  | 1,20 € |")
            || page.contains("| jusqu'à 500 €  | 1,20 € |"),
        "{page}"
    );
    assert!(page.contains("Réussi — QF 700"));
}

#[test]
fn the_json_routes_of_the_workshop() {
    let server = start(common::server::cantine_folder("atelier-routes"));
    // A served deliberation opened in the workshop.
    let (status, page) = common::server::get(&server, "/editeur?id=cantine");
    assert_eq!(status, 200);
    assert!(page.contains("| de 601 à 800 €"), "{page}");
    // The analysis: diagnostics, examples, inputs, tariffs.
    let (status, text) = common::server::post(&server, "/editeur/analyse", GAPPED);
    assert_eq!(status, 200);
    let analysis = common::server::parse(&text);
    assert_eq!(analysis["diagnostics"][0]["code"], "E030");
    assert_eq!(analysis["diagnostics"][0]["ligne"], 12);
    // Laid out, or refused while it has errors.
    let (status, _) = common::server::post(&server, "/editeur/formater", GAPPED);
    assert_eq!(status, 422);
    let fixed = GAPPED.replace("de 600 à 900", "de 501 à 900");
    let (status, text) = common::server::post(&server, "/editeur/formater", &fixed);
    assert_eq!(status, 200);
    let laid_out = common::server::parse(&text)["texte"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(laid_out, tarif::format::format(&fixed).expect("laid out"));
    // A family priced, and a text with errors refused.
    let request = serde_json::json!({ "texte": fixed, "famille": { "qf": "550" } });
    let (status, text) = common::server::post(&server, "/editeur/tarifer", &request.to_string());
    assert_eq!(status, 200);
    assert_eq!(
        common::server::parse(&text)["tarifs"][0]["montant"],
        "2,00 €"
    );
    let request = serde_json::json!({ "texte": GAPPED, "famille": { "qf": "550" } });
    let (status, _) = common::server::post(&server, "/editeur/tarifer", &request.to_string());
    assert_eq!(status, 422);
}
