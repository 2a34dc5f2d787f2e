//! `tarif courbe`: one step per row of the grid, jumps at the written bounds, every
//! point's price the evaluator's (at the point and just below it), French SVG.

mod common;

use std::str::FromStr;

use common::tarif;
use rust_decimal::Decimal;
use tarif::document::Document;
use tarif::eval::Session;

/// The points of `tarif courbe … --format csv`: (value of `--par`, x, price).
fn points(args: &[&str]) -> Vec<(Option<String>, Decimal, Option<Decimal>)> {
    let mut all = vec!["courbe"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    let (out, err, status) = tarif(&all, None);
    assert_eq!(status, 0, "{err}");
    let mut lines = out.lines();
    let header = lines.next().expect("header");
    let by = header.split(';').count() == 3 && !header.ends_with(";effort");
    lines
        .map(|line| {
            let mut cells = line.split(';');
            let label = by.then(|| cells.next().unwrap_or("").to_string());
            let number = |c: &str| Decimal::from_str(&c.replace(',', ".")).expect("a number");
            let x = number(cells.next().expect("x"));
            let price = cells.next().filter(|c| !c.is_empty()).map(number);
            (label, x, price)
        })
        .collect()
}

fn family_file(name: &str, json: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("tarif-courbe-{}-{name}.json", std::process::id()));
    std::fs::write(&path, json).expect("write");
    path.to_string_lossy().into_owned()
}

#[test]
fn the_cantine_has_one_step_per_row_and_jumps_at_its_bounds() {
    let points = points(&[
        "deliberations/exempleville-cantine.delib",
        "--par",
        "résidence",
    ]);
    for residence in ["commune", "hors_commune"] {
        let curve: Vec<(Decimal, Option<Decimal>)> = points
            .iter()
            .filter(|(l, ..)| l.as_deref() == Some(residence))
            .map(|(_, x, p)| (*x, *p))
            .collect();
        let xs: Vec<String> = curve.iter().map(|(x, _)| x.to_string()).collect();
        assert_eq!(
            xs,
            [
                "0", "401", "601", "801", "1001", "1301", "1601", "2001", "3000"
            ],
            "{residence}"
        );
    }
    let commune: Vec<String> = points
        .iter()
        .filter(|(l, ..)| l.as_deref() == Some("commune"))
        .filter_map(|(_, _, p)| p.map(|p| p.to_string()))
        .collect();
    assert_eq!(
        commune,
        [
            "0.80", "1.50", "2.20", "2.90", "3.60", "4.20", "4.80", "5.40", "5.40"
        ]
    );
}

/// On every deliberation whose price follows a numeric input, each point is priced as
/// the evaluator prices a family there, and the value just below it has the price of
/// the point before (the jump is exactly at the point).
#[test]
fn every_point_is_the_evaluators_price() {
    let cases = [
        (
            "exempleville-cantine",
            r#"{"résidence":"hors_commune","rang":3}"#,
            "quotient_caf",
        ),
        ("bubry-cantine", "{}", "qf"),
        ("fay-aux-loges-cantine", "{}", "qf"),
        ("grand-perigueux-alsh", "{}", "qf"),
        ("le-langon-cantine", "{}", "qf"),
    ];
    for (name, base, key) in cases {
        let file = format!("deliberations/{name}.delib");
        let base_file = family_file(name, base);
        let curve = points(&[
            &file,
            "--famille",
            &base_file,
            "--selon",
            key,
            "--a",
            "2600",
        ]);
        assert!(curve.len() >= 3, "{name}: {curve:?}");
        let source =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&file))
                .expect("source");
        let document = Document::from_source(&source).expect("valid");
        let d = &document.deliberation;
        let mut read = tarif::inputs::read_family(d, base);
        let date = d.meta.applicable_from;
        read.at_date(d, date);
        let input = d.inputs.iter().position(|i| i.name == key).expect("key");
        let mut session = Session::new(d);
        let mut price = |x: Decimal| {
            let mut family = read.family.clone();
            family.set(
                tarif::rules::InputId(input as u32),
                Some(tarif::rules::Value::Number(x)),
                tarif::eval::trace::Provenance::Declared,
            );
            session.price(&family, date, 0).ok()
        };
        for (i, (_, x, p)) in curve.iter().enumerate() {
            assert_eq!(price(*x), *p, "{name} at {x}");
            if i > 0 && i + 1 < curve.len() {
                let (_, _, before) = &curve[i - 1];
                assert_eq!(price(*x - Decimal::ONE), *before, "{name} just below {x}");
            }
        }
        let _ = std::fs::remove_file(base_file);
    }
}

#[test]
fn the_svg_is_in_french_and_marks_the_jumps() {
    let base = family_file("svg", r#"{"résidence":"commune"}"#);
    let (svg, err, status) = tarif(
        &[
            "courbe",
            "deliberations/exempleville-cantine.delib",
            "--famille",
            &base,
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("+0,70 €"), "the first jump is marked");
    assert!(svg.contains("1 000 €"), "axis in French");
    assert!(svg.contains("prix (€ par repas)"));
    let (csv, _, _) = tarif(
        &[
            "courbe",
            "deliberations/exempleville-cantine.delib",
            "--famille",
            &base,
            "--effort",
            "--de",
            "100",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(
        csv.starts_with("quotient_caf;repas;effort\n100;0,80;0,8\n"),
        "{csv}"
    );
    assert!(csv.contains("\n401;1,50;0,37\n"), "{csv}");
    let png = std::env::temp_dir().join(format!("tarif-courbe-{}.png", std::process::id()));
    let (_, err, status) = tarif(
        &[
            "courbe",
            "deliberations/exempleville-cantine.delib",
            "--par",
            "résidence",
            "-o",
            &png.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    let bytes = std::fs::read(&png).expect("the PNG is written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    assert!(bytes.len() > 10_000, "a drawing, not an empty image");
    let _ = std::fs::remove_file(png);
    let (_, err, status) = tarif(
        &["courbe", "deliberations/exempleville-cantine.delib"],
        None,
    );
    assert_eq!(status, 2);
    assert!(err.contains("--par résidence"), "{err}");
    let (_, err, status) = tarif(
        &[
            "courbe",
            "deliberations/exempleville-cantine.delib",
            "--famille",
            &base,
            "--format",
            "gif",
        ],
        None,
    );
    assert_eq!(status, 2);
    assert!(err.contains("svg, png ou csv"), "{err}");
    let _ = std::fs::remove_file(base);
}
