//! `tarif batch`: one output row per input line, in order, each error with its line.

use std::process::Command;

fn tarif(args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarif"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the tarif binary runs");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(text.as_bytes()).expect("stdin");
    }
    drop(child.stdin.take());
    let output = child.wait_with_output().expect("tarif ends");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

const DELIBERATION: &str = "deliberations/exempleville-cantine.delib";

#[test]
fn csv_with_bad_lines_gives_one_row_per_line() {
    let input = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/batch/familles.csv"
    ))
    .expect("fixture");
    let (stdout, stderr, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            "tests/cases/batch/familles.csv",
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 1, "{stderr}");
    let lines = input.split('\n').count();
    assert_eq!(
        stdout.lines().count(),
        lines,
        "header + one row per family line"
    );
    let numbers: Vec<String> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(';').next().unwrap_or("").to_string())
        .collect();
    let expected: Vec<String> = (2..=lines).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_lines_with_bad_lines_gives_one_result_per_line() {
    let (stdout, stderr, status) = tarif(
        &[
            "lot",
            DELIBERATION,
            "--entree",
            "tests/cases/batch/familles.jsonl",
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 1, "{stderr}");
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let numbers: Vec<u64> = rows
        .iter()
        .map(|r| r["ligne"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert_eq!(rows[0]["tarifs"]["repas"]["montant"], "2.29");
    assert!(rows[1]["erreurs"][0]["code"] == "E120");
    assert!(rows[2]["erreurs"][0]["code"] == "E112");
    assert!(rows[3]["erreurs"][0]["code"] == "E121");
    assert!(
        rows[4]["erreurs"][0]["code"] == "E121",
        "truncated last line"
    );
}

#[test]
fn a_large_batch_keeps_the_order_and_every_row() {
    let mut input = String::from("id,quotient_caf,résidence,rang\n");
    let n = 40_000;
    for i in 0..n {
        input.push_str(&format!("F{i},{},commune,{}\n", i % 2_600, 1 + i % 4));
    }
    let (stdout, stderr, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            "-",
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        Some(&input),
    );
    assert_eq!(status, 0, "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), n + 1);
    for (i, row) in rows.iter().skip(1).enumerate() {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields[0], (i + 2).to_string());
        assert_eq!(fields[1], format!("F{i}"));
    }
    assert!(
        stderr.contains("40000 ligne(s) : 40000 tarifée(s), 0 en erreur"),
        "{stderr}"
    );
}

#[test]
fn json_lines_with_justification() {
    let (stdout, _, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            "-",
            "--sortie",
            "-",
            "--justification",
            "--date",
            "2025-10-01",
        ],
        Some("{\"id\":\"A\",\"quotient_caf\":612,\"résidence\":\"commune\"}\n"),
    );
    assert_eq!(status, 0);
    let row: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON");
    assert_eq!(row["tarifs"]["repas"]["montant"], "2.20");
    assert!(
        row["tarifs"]["repas"]["justification"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}
