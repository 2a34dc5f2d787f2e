//! Writes N synthetic families for `deliberations/exempleville-cantine.delib` as CSV
//! on standard output, reproducibly (seed 42): QF uniform from 0 to 2 500 with 5 %
//! missing, 20 % hors commune, rang 1 to 4, 10 % PAI.
//!
//! `cargo run --release --example familles -- 1000000 > familles.csv`

use std::io::{BufWriter, Write};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut state: u64 = 42;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let _ = writeln!(out, "id;quotient_caf;résidence;rang;pai");
    for i in 0..n {
        let qf = if next(100) < 5 {
            String::new()
        } else {
            next(2_501).to_string()
        };
        let residence = if next(100) < 20 {
            "hors_commune"
        } else {
            "commune"
        };
        let rang = 1 + next(4);
        let pai = if next(100) < 10 { "oui" } else { "non" };
        let _ = writeln!(out, "F{i};{qf};{residence};{rang};{pai}");
    }
}
