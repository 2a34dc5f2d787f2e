#!/usr/bin/env bash
# What a council member sees: the annexe tarifaire and the curve of a deliberation,
# opened in Chromium without a screen (Debian packages chromium), as PNG screenshots
# and as the PDF the council votes. Usage: scripts/apercu.sh [FICHIER.delib] [DOSSIER]
# (defaults: deliberations/exempleville-cantine.delib, apercu/).
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-deliberations/exempleville-cantine.delib}"
out="${2:-apercu}"
chromium="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium" ] || { echo "chromium manque : apt-get install chromium" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
name="$(basename "$file" .delib)"
cargo build --release --quiet
target/release/tarif annexe "$file" -o "$out/$name-annexe.html"
target/release/tarif courbe "$file" --par résidence -o "$out/$name-courbe.svg" 2>/dev/null ||
  target/release/tarif courbe "$file" -o "$out/$name-courbe.svg"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
headless=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile")
"$chromium" "${headless[@]}" --window-size=1000,2800 \
  --screenshot="$out/$name-annexe.png" "file://$out/$name-annexe.html" 2>/dev/null
"$chromium" "${headless[@]}" --window-size=980,560 \
  --screenshot="$out/$name-courbe.png" "file://$out/$name-courbe.svg" 2>/dev/null
"$chromium" "${headless[@]}" --no-pdf-header-footer \
  --print-to-pdf="$out/$name-annexe.pdf" "file://$out/$name-annexe.html" 2>/dev/null
ls -l "$out/$name"-*
