//! Grids written as they are published (`tests/cases/published/*.delib`): what
//! `tarif check` and `tarif test` print for each, from the real binary.

use std::process::Command;

fn tarif(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tarif"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the tarif binary runs");
    format!(
        "$ tarif {}\n── sortie ──\n{}── erreurs ──\n{}── code de sortie : {}\n",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        output.status.code().unwrap_or(-1)
    )
}

#[test]
fn published_wordings_are_checked_and_priced() {
    insta::glob!("cases/published/*.delib", |path| {
        let relative = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        insta::assert_snapshot!(format!(
            "{}\n{}",
            tarif(&["check", &relative]),
            tarif(&["test", &relative])
        ));
    });
}
