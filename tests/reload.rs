//! A deliberation file rewritten slowly while `tarif serve` prices families: the first
//! part of the file is itself a valid deliberation (articles 1 to 3, without article
//! 4's majorations), and must never be served. Pauses in the middle of the write from
//! 0,15 s to 2,5 s; requests flow all the while; not one is priced by a partial file.
#![cfg(feature = "serveur")]

mod common;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::server::{get, parse, post, start, start_with};

fn folder(name: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("tarif-reload-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    folder
}

#[test]
fn a_file_written_slowly_is_never_served_half_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("deliberations/exempleville-cantine.delib"))
        .expect("deliberation");
    // Cut where a partial file is a valid deliberation: before article 4.
    let cut = text.find("article 4").expect("article 4");
    let (head, tail) = text.split_at(cut);
    assert!(
        tarif::compile(head).deliberation.is_some(),
        "the first part is valid"
    );

    let folder = folder("lent");
    let file = folder.join("cantine.delib");
    std::fs::write(&file, &text).expect("write");
    // Many requests: the access log is not kept (a full pipe would block the server).
    let server = Arc::new(start_with(folder.clone(), std::process::Stdio::null()));
    let family =
        r#"{ "date": "2025-10-15", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3 }"#;
    let (status, body) = post(&server, "/v1/deliberations/cantine/tarifs", family);
    assert_eq!(status, 200, "{body}");
    assert_eq!(parse(&body)["tarifs"]["repas"]["montant"], "2.29");

    let stop = Arc::new(AtomicBool::new(false));
    let (total, wrong) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let client = {
        let (server, stop, total, wrong) =
            (server.clone(), stop.clone(), total.clone(), wrong.clone());
        std::thread::spawn(move || {
            // Bounded: at most 200 000 requests, and it stops when told.
            for _ in 0..200_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (status, body) = post(&server, "/v1/deliberations/cantine/tarifs", family);
                total.fetch_add(1, Ordering::Relaxed);
                let price = parse(&body)["tarifs"]["repas"]["montant"].clone();
                if status != 200 || price != "2.29" {
                    wrong.fetch_add(1, Ordering::Relaxed);
                    eprintln!("{status} {price}");
                }
            }
        })
    };
    let mut held = 0;
    for pause in [150, 600, 1_400, 2_500] {
        let mut f = std::fs::File::create(&file).expect("truncate");
        f.write_all(head.as_bytes()).expect("first part");
        f.flush().expect("flush");
        // While the writer pauses, the list says the text is not served, and why.
        std::thread::sleep(Duration::from_millis(pause));
        let (_, list) = get(&server, "/v1/deliberations/cantine");
        let version = &parse(&list)["versions"][0];
        assert_eq!(version["servie"], true, "{version}");
        let reason = version["retenue"]["raison"].as_str().unwrap_or("");
        assert!(
            ["en_cours_d_ecriture", "version_incomplete"].contains(&reason),
            "{pause} ms: {version}"
        );
        if reason == "version_incomplete" {
            held += 1;
            let message = version["retenue"]["message"].as_str().unwrap_or("");
            assert!(message.contains("l'article 4"), "{message}");
        }
        f.write_all(tail.as_bytes()).expect("rest");
        drop(f);
        // The whole file again: served, the list clean, within 3 s.
        let since = std::time::Instant::now();
        loop {
            let (_, list) = get(&server, "/v1/deliberations/cantine");
            let version = &parse(&list)["versions"][0];
            if version["a_jour"] == true && version.get("retenue").is_none() {
                break;
            }
            assert!(since.elapsed() < Duration::from_secs(3), "{version}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    stop.store(true, Ordering::Relaxed);
    client.join().expect("client");
    let (total, wrong) = (total.load(Ordering::Relaxed), wrong.load(Ordering::Relaxed));
    assert!(total > 100, "requests flowed: {total}");
    assert_eq!(
        wrong, 0,
        "{wrong} of {total} requests priced by a partial file"
    );
    assert!(
        held >= 2,
        "the long pauses were held back as incomplete: {held}"
    );
}

#[test]
fn a_version_whose_own_examples_fail_is_held_back() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("deliberations/exempleville-cantine.delib"))
        .expect("deliberation");
    let folder = folder("exemples");
    let file = folder.join("cantine.delib");
    std::fs::write(&file, &text).expect("write");
    let server = start(folder.clone());
    // A typo in the grid that its own example « QF 900 » (2,90 €) catches.
    std::fs::write(&file, text.replace("| 2,90 € |", "| 9,20 € |")).expect("write");
    let since = std::time::Instant::now();
    let version = loop {
        let (_, list) = get(&server, "/v1/deliberations/cantine");
        let version = parse(&list)["versions"][0].clone();
        if version["retenue"]["raison"] == "exemples_en_echec" {
            break version;
        }
        assert!(since.elapsed() < Duration::from_secs(3), "{version}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let message = version["retenue"]["message"].as_str().unwrap_or("");
    assert!(message.contains("« QF 900 »"), "{message}");
    assert_eq!(version["a_jour"], false);
    let family = r#"{ "date": "2025-10-15", "quotient_caf": 900, "résidence": "commune" }"#;
    let (_, body) = post(&server, "/v1/deliberations/cantine/tarifs", family);
    assert_eq!(
        parse(&body)["tarifs"]["repas"]["montant"],
        "2.90",
        "the version before stays"
    );
}
