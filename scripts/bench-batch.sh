#!/usr/bin/env bash
# Times `tarif batch` end to end on N synthetic families (CSV in, CSV out) and reports
# the peak memory. Usage: scripts/bench-batch.sh [N]   (default 1 000 000)
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
