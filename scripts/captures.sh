#!/usr/bin/env bash
# Screenshots of what families and councils read, for every deliberation of
# deliberations/: the simulator page with the family of the deliberation's first
# example (its result, then its form), and the annexe tarifaire, each at 390 px (a
# phone) and 1280 px, and the annexe printed on A4 (PDF, its pages as PNG with
# pdftoppm). Headless Chromium and poppler-utils from Debian's packages.
#   scripts/captures.sh [DOSSIER]      # default: captures/
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-captures}"
chromium="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium" ] || { echo "chromium manque : apt-get install chromium" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "pdftoppm manque : apt-get install poppler-utils" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cargo build --release --quiet
tarif=target/release/tarif
profile="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
"$tarif" serve deliberations --adresse "127.0.0.1:$port" --journal aucun >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$profile"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/pret" >/dev/null 2>&1 && break; sleep 0.2; done
headless=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$profile")
for file in deliberations/*.delib; do
  name="$(basename "$file" .delib)"
  # The first example's family, as the page's query (the test helper's encoding).
  "$tarif" compile "$file" --sortie "$profile/$name.json" >/dev/null 2>&1
  query="$(python3 - "$profile/$name.json" <<'PY'
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))["deliberation"]
for e in d["examples"]:
    if e.get("children") or not e["expected"]:
        continue
    q = [("date", (e.get("date") or d["meta"]["applicable_from"]))]
    for (i, v) in e["inputs"]:
        if v is None:
            continue
        (kind, value), = v.items()
        name = d["inputs"][i]["name"]
        if kind == "Choice":
            value = d["choices"][value]
        elif kind == "Bool":
            value = "oui" if value else "non"
        q.append((name, str(value).replace(".", ",")))
    print(urllib.parse.urlencode(q))
    break
PY
)"
  for width in 390 1280; do
    "$chromium" "${headless[@]}" --window-size="$width,2400" \
      --screenshot="$out/$name-page-$width.png" \
      "http://127.0.0.1:$port/simulateur/$name?$query" 2>/dev/null
  done
  "$tarif" annexe "$file" -o "$out/$name-annexe.html"
  for width in 390 1280; do
    "$chromium" "${headless[@]}" --window-size="$width,3000" \
      --screenshot="$out/$name-annexe-$width.png" "file://$out/$name-annexe.html" 2>/dev/null
  done
  "$chromium" "${headless[@]}" --no-pdf-header-footer \
    --print-to-pdf="$out/$name-annexe.pdf" "file://$out/$name-annexe.html" 2>/dev/null
  pdftoppm -r 60 -png "$out/$name-annexe.pdf" "$out/$name-annexe-a4"
done
ls "$out" | wc -l
