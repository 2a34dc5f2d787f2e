#!/usr/bin/env bash
# Times `tarif batch` end to end on N synthetic families (CSV in, CSV out) and reports
# the peak memory, then the floor: reading and writing the same CSV without pricing.
# Usage: scripts/bench-batch.sh [N]   (default 1 000 000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
cargo run --release --quiet --example familles -- "$n" > "$work/familles.csv"
echo "familles : $n ($(du -h "$work/familles.csv" | cut -f1))"
/usr/bin/time -f "temps écoulé : %e s, mémoire maximale : %M Kio" \
  target/release/tarif batch deliberations/exempleville-cantine.delib \
  --entree "$work/familles.csv" --sortie "$work/resultats.csv" --date 2025-10-15 || true
echo "lignes de résultat : $(($(wc -l < "$work/resultats.csv") - 1))"
# The floor: the same CSV read and written with the same reader and writer, unpriced.
cargo build --release --quiet --example lire_ecrire
/usr/bin/time -f "lire et écrire sans tarifer : %e s, mémoire maximale : %M Kio" \
  target/release/examples/lire_ecrire "$work/familles.csv" "$work/plancher.csv" || true
