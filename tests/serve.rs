//! `tarif serve`, started for real on 127.0.0.1 (a free port) on a folder with two
//! versions of one service: the prices of `tarif eval`, the version chosen by the date,
//! the statuses of errors, JSON Lines batches, reloading, a clean stop.
#![cfg(feature = "serveur")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use common::openapi::conforms;
use common::server::{agent, get, parse, post, start};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder: `cantine/` with the 2025-2026 deliberation and a 2024-2025 version whose
/// first tranche is 0,70 €, and the fratries deliberation on its own.
fn folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("tarif-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("cantine")).expect("folder");
    let current = std::fs::read_to_string(root().join("deliberations/exempleville-cantine.delib"))
        .expect("deliberation");
    let previous = common::cantine_year_before(&[
        ("2025-042", "2024-031"),
        ("| 0,80 € |", "| 0,70 € |"),
        // Its own examples must pass for it to be served.
        ("attendu repas = 0,80 €", "attendu repas = 0,70 €"),
    ]);
    std::fs::write(folder.join("cantine/2025-2026.delib"), &current).expect("write");
    std::fs::write(folder.join("cantine/2024-2025.delib"), &previous).expect("write");
    std::fs::copy(
        root().join("deliberations/exempleville-fratries.delib"),
        folder.join("exempleville-fratries.delib"),
    )
    .expect("copy");
    folder
}

/// What `tarif eval --format json` prints for `family` on `path`.
fn eval(path: &Path, family: &Json) -> Json {
    let path = path.to_string_lossy();
    let (out, _, _) = common::tarif(
        &["eval", &path, "--famille", "-", "--format", "json"],
        Some(&family.to_string()),
    );
    parse(&out)
}

#[test]
fn prices_are_those_of_tarif_eval_by_the_version_in_force() {
    let server = start(folder("prices"));
    let families = [
        json!({ "id": "A", "date": "2025-10-15", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3 }),
        json!({ "id": "B", "date": "2024-10-15", "quotient_caf": 300, "résidence": "commune" }),
        json!({ "id": "C", "date": "2025-06-30", "résidence": "commune", "justificatifs": {
            "api_particulier_qf": { "data": { "allocataires": [], "enfants": [], "adresse": null,
                "quotient_familial": { "fournisseur": "CNAF", "valeur": 350, "annee": 2025, "mois": 5,
                                       "annee_calcul": 2025, "mois_calcul": 5 } } } } }),
    ];
    let files = [
        "cantine/2025-2026.delib",
        "cantine/2024-2025.delib",
        "cantine/2024-2025.delib",
    ];
    for (family, file) in families.iter().zip(files) {
        let (status, body) = post(
            &server,
            "/v1/deliberations/cantine/tarifs",
            &family.to_string(),
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            parse(&body),
            eval(&server.folder.join(file), family),
            "{family}"
        );
    }
    // Families with children, and without the justification.
    let family = json!({ "date": "2025-10-15", "quotient_caf": 612, "résidence": "commune",
        "enfants": [ { "id": "Tom", "naissance": "2018-02-01" }, { "id": "Léa", "naissance": "2014-03-12" } ] });
    let (status, body) = post(
        &server,
        "/v1/deliberations/exempleville-fratries/tarifs",
        &family.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let expected = eval(&server.folder.join("exempleville-fratries.delib"), &family);
    assert_eq!(parse(&body), expected);
    let (_, body) = post(
        &server,
        "/v1/deliberations/exempleville-fratries/tarifs?justification=non",
        &family.to_string(),
    );
    assert!(!body.contains("justification"), "{body}");
    assert_eq!(parse(&body)["total"], expected["total"]);
}

#[test]
fn errors_have_their_status_and_a_json_body() {
    let server = start(folder("errors"));
    let family = |date: &str| {
        json!({ "date": date, "quotient_caf": 612, "résidence": "commune" }).to_string()
    };
    let (status, body) = post(
        &server,
        "/v1/deliberations/cantine/tarifs",
        &family("2023-10-15"),
    );
    assert_eq!(status, 404);
    assert_eq!(parse(&body)["erreur"]["code"], "aucune_version");
    let (status, body) = post(
        &server,
        "/v1/deliberations/cantin/tarifs",
        &family("2025-10-15"),
    );
    assert_eq!(status, 404);
    assert!(
        parse(&body)["erreur"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("cantine")
    );
    let (status, body) = post(&server, "/v1/deliberations/cantine/tarifs", "{ pas du json");
    assert_eq!(status, 400);
    assert_eq!(parse(&body)["erreur"]["code"], "E110");
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let (status, body) = post(&server, "/v1/deliberations/cantine/tarifs", &big);
    assert_eq!(status, 413);
    assert_eq!(parse(&body)["erreur"]["code"], "trop_grand");
    // Not priceable: 422 with the JSON of `tarif eval`.
    let family = json!({ "date": "2025-10-15", "quotient_caf": 612 });
    let (status, body) = post(
        &server,
        "/v1/deliberations/cantine/tarifs",
        &family.to_string(),
    );
    assert_eq!(status, 422);
    assert_eq!(
        parse(&body),
        eval(&server.folder.join("cantine/2025-2026.delib"), &family)
    );
    let (status, body) = get(&server, "/nulle/part");
    assert_eq!(status, 404);
    assert_eq!(parse(&body)["erreur"]["code"], "chemin_inconnu");
}

#[test]
fn lots_give_one_line_per_line_in_order() {
    let server = start(folder("lots"));
    let lines = [
        json!({ "id": "a", "date": "2025-10-15", "quotient_caf": 300, "résidence": "commune" })
            .to_string(),
        "pas une famille".to_string(),
        String::new(),
        json!({ "id": "d", "date": "2024-10-15", "quotient_caf": 300, "résidence": "commune" })
            .to_string(),
        json!({ "id": "e", "date": "2020-10-15", "quotient_caf": 300, "résidence": "commune" })
            .to_string(),
    ];
    let (status, body) = post(
        &server,
        "/v1/deliberations/cantine/lots?justification=non",
        &lines.join("\n"),
    );
    assert_eq!(status, 200);
    let out: Vec<Json> = body.lines().map(parse).collect();
    assert_eq!(out.len(), lines.len(), "{body}");
    for (i, line) in out.iter().enumerate() {
        assert_eq!(line["ligne"], json!(i + 1));
    }
    assert_eq!(out[0]["tarifs"]["repas"]["montant"], "0.80");
    assert_eq!(out[1]["erreurs"][0]["code"], "E121");
    assert_eq!(out[2]["erreurs"][0]["code"], "E120");
    assert_eq!(out[3]["tarifs"]["repas"]["montant"], "0.70");
    assert_eq!(out[4]["erreurs"][0]["code"], "aucune_version");
}

#[test]
fn the_list_the_check_and_the_reload() {
    let server = start(folder("reload"));
    let (status, body) = get(&server, "/v1/deliberations");
    assert_eq!(status, 200);
    let list = parse(&body);
    let ids: Vec<&str> = list["deliberations"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["cantine", "exempleville-fratries"]);
    let (_, body) = get(&server, "/v1/deliberations/cantine");
    let one = parse(&body);
    assert_eq!(one["versions"].as_array().map(Vec::len), Some(2));
    assert!(
        one["versions"][0]["source"]
            .as_str()
            .unwrap_or("")
            .contains("délibération")
    );
    assert_eq!(one["versions"][0]["entrees"][0]["nom"], "quotient_caf");
    assert_eq!(
        one["versions"][0]["entrees"][0]["source_certifiee"],
        "CAF.quotient_familial"
    );
    // The check of a text, as `tarif check --format json`.
    let text = "délibération « X »\n  applicable du 01/09/2025\nentrées\n  qf : montant entier\n\
article 1 « Prix »\n  tarif repas (par repas)\n  grille selon qf\n    | qf | repas |\n\
    | jusqu'à 400 € | 1 € |\n    | plus de 500 € | 2 € |\n";
    let (status, body) = post(&server, "/v1/verifier", text);
    assert_eq!(status, 200);
    assert!(body.contains("E030"), "{body}");
    // A change is served within 3 s (once it has read the same for 1 s); a broken
    // file is kept out, its diagnostics listed.
    let file = server.folder.join("cantine/2025-2026.delib");
    let source = std::fs::read_to_string(&file).expect("source");
    let changed_text = source
        .replace("| 0,80 € |", "| 0,85 € |")
        .replace("attendu repas = 0,80 €", "attendu repas = 0,85 €");
    std::fs::write(&file, &changed_text).expect("write");
    let family =
        json!({ "date": "2025-10-15", "quotient_caf": 300, "résidence": "commune" }).to_string();
    let price = || {
        let (_, body) = post(&server, "/v1/deliberations/cantine/tarifs", &family);
        parse(&body)["tarifs"]["repas"]["montant"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let changed = Instant::now();
    while price() != "0.85" {
        assert!(
            changed.elapsed() < Duration::from_secs(3),
            "not reloaded within 3 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(
        &file,
        source.replace("| 0,80 € |", "| 0,90 € |") + "ligne cassée\n",
    )
    .expect("write");
    let broken = Instant::now();
    loop {
        let (_, body) = get(&server, "/v1/deliberations/cantine");
        if body.contains("E001") {
            break;
        }
        assert!(
            broken.elapsed() < Duration::from_secs(3),
            "diagnostics not listed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(price(), "0.85", "the version before the broken file stays");
}

/// SIGTERM stops the service cleanly; the access log names no value of a family.
#[test]
fn the_log_has_no_personal_data_and_sigterm_stops() {
    let mut server = start(folder("log"));
    let family = json!({ "date": "2025-10-15", "quotient_caf": 987_654, "résidence": "commune" });
    let (status, _) = post(
        &server,
        "/v1/deliberations/cantine/tarifs",
        &family.to_string(),
    );
    assert_eq!(status, 200);
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let status = server.child.wait().expect("stops");
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    if let Some(mut stderr) = server.child.stderr.take() {
        use std::io::Read;
        let _ = stderr.read_to_string(&mut log);
    }
    assert!(log.contains("/v1/deliberations/cantine/tarifs"), "{log}");
    // Each line without its timestamp (whose digits may hold « 987 » by chance).
    for line in log.lines() {
        let after_time = line.split_once(' ').map_or(line, |(_, rest)| rest);
        assert!(!after_time.contains("987"), "{log}");
    }
}

/// GET /openapi.json describes what the server really answers: every route, every
/// status the tests produce, bodies validated against its schemas.
#[test]
fn responses_follow_the_openapi_document() {
    let served = folder("openapi");
    std::fs::copy(
        root().join("tests/cases/facture/cantine.delib"),
        served.join("facture.delib"),
    )
    .expect("copy");
    let server = start(served);
    let (status, body) = get(&server, "/openapi.json");
    assert_eq!(status, 200);
    let spec = parse(&body);
    assert_eq!(spec["openapi"], "3.1.0");
    let documented: Vec<&str> = spec["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        documented,
        [
            "/sante",
            "/pret",
            "/metrics",
            "/v1/deliberations",
            "/v1/deliberations/{id}",
            "/v1/deliberations/{id}/tarifs",
            "/v1/deliberations/{id}/lots",
            "/v1/deliberations/{id}/factures",
            "/v1/verifier",
            "/openapi.json"
        ]
    );
    let one = "/v1/deliberations/{id}";
    let tarifs = "/v1/deliberations/{id}/tarifs";
    let lots = "/v1/deliberations/{id}/lots";
    conforms(&spec, "/sante", "get", get(&server, "/sante"));
    conforms(&spec, "/pret", "get", get(&server, "/pret"));
    conforms(
        &spec,
        "/v1/deliberations",
        "get",
        get(&server, "/v1/deliberations"),
    );
    conforms(&spec, one, "get", get(&server, "/v1/deliberations/cantine"));
    conforms(
        &spec,
        one,
        "get",
        get(&server, "/v1/deliberations/exempleville-fratries"),
    );
    conforms(&spec, one, "get", get(&server, "/v1/deliberations/cantin"));
    let family = |value: Json| value.to_string();
    let cases = [
        (
            "cantine",
            json!({ "date": "2025-10-15", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3 }),
            200,
        ),
        (
            "cantine",
            json!({ "date": "2025-10-15", "quotient_caf": 612 }),
            422,
        ),
        (
            "cantine",
            json!({ "date": "15 octobre", "quotient_caf": 612, "résidence": "commune" }),
            422,
        ),
        (
            "cantine",
            json!({ "date": "2020-10-15", "quotient_caf": 612, "résidence": "commune" }),
            404,
        ),
        ("cantin", json!({ "date": "2025-10-15" }), 404),
        (
            "exempleville-fratries",
            json!({ "date": "2025-10-15", "quotient_caf": 612, "résidence": "commune",
            "enfants": [ { "id": "Tom", "naissance": "2018-02-01" }, { "id": "Léa", "naissance": "2014-03-12" } ] }),
            200,
        ),
        (
            "exempleville-fratries",
            json!({ "date": "2025-10-15", "quotient_caf": 612, "résidence": "commune",
            "enfants": [ { "id": "Tom", "naissance": "hier" } ] }),
            422,
        ),
    ];
    for (id, value, expected) in cases {
        for query in ["", "?justification=non"] {
            let answer = post(
                &server,
                &format!("/v1/deliberations/{id}/tarifs{query}"),
                &family(value.clone()),
            );
            assert_eq!(answer.0, expected, "{id} {value}: {}", answer.1);
            conforms(&spec, tarifs, "post", answer);
        }
    }
    let answer = post(&server, "/v1/deliberations/cantine/tarifs", "{ pas du json");
    assert_eq!(answer.0, 400);
    conforms(&spec, tarifs, "post", answer);
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let answer = post(&server, "/v1/deliberations/cantine/tarifs", &big);
    assert_eq!(answer.0, 413);
    conforms(&spec, tarifs, "post", answer);
    let lines = [
        json!({ "id": "a", "date": "2025-10-15", "quotient_caf": 300, "résidence": "commune" })
            .to_string(),
        "pas une famille".to_string(),
        json!({ "id": 7, "date": "2020-10-15", "quotient_caf": 300 }).to_string(),
    ]
    .join("\n");
    conforms(
        &spec,
        lots,
        "post",
        post(&server, "/v1/deliberations/cantine/lots", &lines),
    );
    let answer = post(&server, "/v1/deliberations/nulle/lots", &lines);
    assert_eq!(answer.0, 404);
    conforms(&spec, lots, "post", answer);
    // The invoice of a month: with its total, with a day that cannot be billed, and
    // the bodies that are no request for one.
    let factures = "/v1/deliberations/{id}/factures";
    let month = |days: Json| {
        json!({ "mois": "2025-10", "famille": { "id": "F-1", "quotient_caf": 612, "résidence": "commune" },
                "jours": days })
        .to_string()
    };
    let good = month(json!([
        { "date": "2025-10-01", "etat": "présent" },
        { "date": "2025-10-02", "etat": "présent", "reserve_le": "2025-09-30T18:00" },
        { "date": "2025-10-03", "etat": "annulé", "annule_le": "2025-09-25T11:00" }
    ]));
    let answer = post(&server, "/v1/deliberations/facture/factures", &good);
    assert_eq!(answer.0, 200, "{}", answer.1);
    let invoice = parse(&answer.1);
    assert_eq!(invoice["total"], "31.80", "{invoice}");
    assert_eq!(invoice["lignes"][1]["regle"]["ligne"], 30);
    conforms(&spec, factures, "post", answer);
    let lean = post(
        &server,
        "/v1/deliberations/facture/factures?justification=non",
        &good,
    );
    assert_eq!(parse(&lean.1)["lignes"][1]["justification"], json!([]));
    conforms(&spec, factures, "post", lean);
    let bad = month(json!([{ "date": "2025-10-06", "etat": "annulé", "annule_le": "2025-10-02" }]));
    let answer = post(&server, "/v1/deliberations/facture/factures", &bad);
    assert_eq!(answer.0, 422, "{}", answer.1);
    assert_eq!(parse(&answer.1)["erreurs"][0]["code"], "E150");
    conforms(&spec, factures, "post", answer);
    for (body, status) in [
        ("[]".to_string(), 400),
        (json!({ "famille": {}, "jours": [] }).to_string(), 422),
    ] {
        let answer = post(&server, "/v1/deliberations/facture/factures", &body);
        assert_eq!(answer.0, status, "{}", answer.1);
        conforms(&spec, factures, "post", answer);
    }
    let answer = post(&server, "/v1/deliberations/nulle/factures", &good);
    assert_eq!(answer.0, 404);
    conforms(&spec, factures, "post", answer);
    let text = std::fs::read_to_string(root().join("deliberations/exempleville-cantine.delib"))
        .expect("deliberation");
    for text in [text.as_str(), "délibération « X »\nligne cassée\n"] {
        conforms(
            &spec,
            "/v1/verifier",
            "post",
            post(&server, "/v1/verifier", text),
        );
    }
    // Every error is JSON, with its status documented: a method a path does not take
    // (and `Allow` saying which it does), a path that is not UTF-8.
    let delete = |path: &str| {
        let mut response = agent()
            .delete(&format!("{}{path}", server.base))
            .call()
            .expect("request");
        let allow = response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().expect("body"),
            allow,
        )
    };
    let (status, body, allow) = delete("/v1/deliberations");
    assert_eq!((status, allow.as_str()), (405, "GET,HEAD"), "{body}");
    conforms(&spec, "/v1/deliberations", "get", (status, body));
    let (status, body, allow) = delete("/v1/deliberations/cantine/tarifs");
    assert_eq!((status, allow.as_str()), (405, "POST"), "{body}");
    conforms(&spec, tarifs, "post", (status, body));
    let answer = get(&server, "/v1/deliberations/cantine/tarifs");
    assert_eq!(answer.0, 405, "{}", answer.1);
    conforms(&spec, tarifs, "post", answer);
    let answer = get(&server, "/v1/deliberations/%FF");
    assert_eq!(answer.0, 400, "{}", answer.1);
    assert!(answer.1.contains("chemin_illisible"), "{}", answer.1);
    conforms(&spec, one, "get", answer);
    // A POST to an unknown id is answered before its body is read: the connection is
    // closed, and the answer says so (a client reusing it would get a broken pipe).
    use std::io::{Read, Write};
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let body = "{\"date\": \"2025-10-15\"}";
    write!(
        stream,
        "POST /v1/deliberations/nulle/tarifs HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(
        answer.to_lowercase().contains("connection: close"),
        "{answer}"
    );
}

/// The simulator page in headless Chromium: opened from the list, filled in with the
/// keyboard, submitted as a GET; the price shown is `tarif eval`'s, by the version in
/// force at the date typed; a family of two children gets each price and the total.
#[tokio::test(flavor = "multi_thread")]
async fn the_simulator_page_in_chromium_shows_the_price() {
    use fantoccini::{Locator, key::Key};
    let Some(driver) = common::browser::driver() else {
        return;
    };
    let server = start(folder("page"));
    let browser = common::browser::open(&driver).await;
    browser
        .goto(&format!("{}/", server.base))
        .await
        .expect("the list");
    browser
        .find(Locator::LinkText(
            "Tarifs de la restauration scolaire 2025-2026",
        ))
        .await
        .expect("a link to the cantine")
        .click()
        .await
        .expect("click");
    let body = browser.find(Locator::Css("main")).await.expect("main");
    let text = body.text().await.expect("text");
    assert!(text.contains("Ceci est une simulation"), "{text}");
    // Every field has its label; the page says its language.
    let unlabelled = browser
        .execute(
            "return [...document.querySelectorAll('input:not([type=hidden]), select')]\
             .filter(e => !e.labels || e.labels.length === 0).map(e => e.name);",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(unlabelled, json!([]));
    let lang = browser
        .execute("return document.documentElement.lang;", vec![])
        .await
        .expect("script");
    assert_eq!(lang, "fr");
    let date = browser.find(Locator::Id("champ-date")).await.expect("date");
    date.clear().await.expect("clear");
    date.send_keys("15/10/2025").await.expect("type");
    browser
        .find(Locator::Id("champ-résidence"))
        .await
        .expect("résidence")
        .select_by_value("hors_commune")
        .await
        .expect("select");
    let rang = browser.find(Locator::Id("champ-rang")).await.expect("rang");
    rang.send_keys("3").await.expect("type");
    let qf = browser
        .find(Locator::Id("champ-quotient_caf"))
        .await
        .expect("QF");
    qf.send_keys("612").await.expect("type");
    // Submitted with the keyboard.
    qf.send_keys(&Key::Enter.to_string()).await.expect("enter");
    let price = browser
        .wait()
        .for_element(Locator::Css("#resultat .prix"))
        .await
        .expect("a price")
        .text()
        .await
        .expect("text");
    let family = json!({ "date": "2025-10-15", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3 });
    let expected = eval(&server.folder.join("cantine/2025-2026.delib"), &family);
    assert_eq!(
        price.replace(',', ".").trim_end_matches(" €"),
        expected["tarifs"]["repas"]["montant"]
            .as_str()
            .unwrap_or("?")
    );
    assert_eq!(price, "2,29 €");
    let url = browser.current_url().await.expect("url");
    assert!(url.as_str().contains("quotient_caf=612"), "{url}");
    let steps = browser
        .find(Locator::Css("#resultat .justification"))
        .await
        .expect("the justification")
        .text()
        .await
        .expect("text");
    assert!(steps.contains("−20 % (2,288 €)"), "{steps}");
    // Each step's article and line, under the folded references.
    browser
        .find(Locator::Css("details.references summary"))
        .await
        .expect("the references")
        .click()
        .await
        .expect("open");
    let references = browser
        .find(Locator::Css("details.references"))
        .await
        .expect("the references")
        .text()
        .await
        .expect("text");
    assert!(
        references.contains("art. 3 « Prix du repas », ligne 27"),
        "{references}"
    );
    // The version in force a year before: the first tranche is 0,70 €.
    browser
        .goto(&format!(
            "{}/simulateur/cantine?date=15%2F10%2F2024&quotient_caf=300&r%C3%A9sidence=commune",
            server.base
        ))
        .await
        .expect("goto");
    let price = browser
        .find(Locator::Css("#resultat .prix"))
        .await
        .expect("a price")
        .text()
        .await
        .expect("text");
    assert_eq!(price, "0,70 €");
    // Two children: each one's prices, and the family's total as `tarif eval` gives it.
    browser
        .goto(&format!("{}/simulateur/exempleville-fratries", server.base))
        .await
        .expect("goto");
    let fill = |id: &'static str, text: &'static str| {
        let browser = browser.clone();
        async move {
            let field = browser.find(Locator::Id(id)).await.expect(id);
            field.clear().await.expect("clear");
            field.send_keys(text).await.expect("type");
        }
    };
    fill("champ-date", "15/10/2025").await;
    fill("champ-quotient_caf", "612").await;
    browser
        .find(Locator::Id("champ-résidence"))
        .await
        .expect("résidence")
        .select_by_value("commune")
        .await
        .expect("select");
    fill("champ-enfant1-prenom", "Tom").await;
    fill("champ-enfant1-naissance", "01/02/2018").await;
    fill("champ-enfant2-prenom", "Léa").await;
    fill("champ-enfant2-naissance", "12/03/2014").await;
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    let totals = browser
        .wait()
        .for_element(Locator::Css("#resultat .totaux"))
        .await
        .expect("totals")
        .text()
        .await
        .expect("text");
    let family = json!({ "date": "2025-10-15", "quotient_caf": 612, "résidence": "commune",
        "enfants": [ { "id": "Tom", "naissance": "2018-02-01" }, { "id": "Léa", "naissance": "2014-03-12" } ] });
    let expected = eval(&server.folder.join("exempleville-fratries.delib"), &family);
    for tariff in ["repas", "garderie"] {
        let amount = expected["total"][tariff]["montant"]
            .as_str()
            .unwrap_or("?")
            .replace('.', ",");
        assert!(
            totals.contains(&format!("{amount} €")),
            "{tariff}: {totals}"
        );
    }
    let text = browser
        .find(Locator::Css("#resultat"))
        .await
        .expect("results")
        .text()
        .await
        .expect("text");
    assert!(text.contains("Pour Tom (2e enfant)"), "{text}");
    assert!(text.contains("Pour Léa (1er enfant)"), "{text}");
    browser.close().await.expect("close");
}

/// The page keeps nothing: not cached, not sent as a referrer, no cookie; an unknown
/// deliberation is a French 404 page; a date no version covers says which periods do.
#[test]
fn the_simulator_page_keeps_nothing() {
    let server = start(folder("keeps"));
    let response = agent()
        .get(&format!(
            "{}/simulateur/cantine?date=2025-10-15&quotient_caf=612&r%C3%A9sidence=commune",
            server.base
        ))
        .call()
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers.get("set-cookie").is_none());
    let (status, body) = get(&server, "/simulateur/cantin");
    assert_eq!(status, 404);
    assert!(body.contains("Simulateur introuvable"), "{body}");
    let (status, body) = get(
        &server,
        "/simulateur/cantine?date=2020-10-15&quotient_caf=612",
    );
    assert_eq!(status, 200);
    assert!(
        body.contains("Aucun tarif n'est en vigueur le 15/10/2020"),
        "{body}"
    );
    assert!(body.contains("du 01/09/2025 au 31/08/2026"), "{body}");
    let (_, body) = get(
        &server,
        "/simulateur/cantine?date=2025-10-15&quotient_caf=beaucoup&r%C3%A9sidence=commune",
    );
    assert!(body.contains("role=\"alert\""), "{body}");
    assert!(body.contains("aria-invalid=\"true\""), "{body}");
}

/// Every deliberation of `deliberations/` through the simulator page: each worked
/// example without children, typed in as a family would, shows the expected price.
#[test]
fn the_simulator_page_prices_every_example() {
    let (folder, documents) = common::server::every_deliberation("serve-examples");
    let mut checked = 0;
    let server = start(folder);
    for (id, document) in &documents {
        let d = &document.deliberation;
        let (status, body) = get(&server, &format!("/simulateur/{id}"));
        assert_eq!(status, 200, "{id}");
        assert!(body.contains("Calculer le prix"), "{id}");
        for example in d.examples.iter().filter(|e| e.children.is_empty()) {
            let Some(query) = common::server::example_query(d, example) else {
                continue;
            };
            let (status, page) = get(&server, &format!("/simulateur/{id}?{query}"));
            assert_eq!(status, 200);
            for (tariff, amount, _) in &example.expected {
                let name = &d.tariffs[*tariff].name;
                let price = tarif::report::justification::amount(*amount);
                let heading = page
                    .split("<h3>")
                    .skip(1)
                    .find(|h| {
                        let start = match &d.tariffs[*tariff].label {
                            Some(label) => label.clone(),
                            None => name.replace('_', " "),
                        };
                        h.to_lowercase()
                            .starts_with(&format!("{} :", start.to_lowercase()))
                    })
                    .unwrap_or("");
                assert!(
                    heading.contains(&format!("<span class=\"prix\">{price}</span>")),
                    "{id}, « {} »: {name} should be {price}\n{}",
                    example.name,
                    heading.chars().take(300).collect::<String>()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} examples");
}
