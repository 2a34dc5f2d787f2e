#!/usr/bin/env bash
# A bounded load on `tarif serve`, on 127.0.0.1 only, with wrk (Debian package `wrk`):
# GET /sante, then POST …/tarifs of one family without and with the justification,
# each for DUREE seconds at 50 connections; then the server's memory (RSS) before and
# after a run of at least a million POST …/tarifs. Reports requests per second, latency
# percentiles, errors, and the ratio POST /tarifs (sans justification) / GET /sante.
# Usage: scripts/charge.sh [DUREE]   (default 10 s; the whole run takes about 8 × DUREE
# plus the million requests)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections=50
command -v wrk >/dev/null || { echo "wrk manque : apt-get install wrk" >&2; exit 1; }
work="$(mktemp -d)"
cargo build --release --quiet
target/release/tarif serve deliberations/ --adresse 127.0.0.1:0 >"$work/out" 2>/dev/null &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q http "$work/out" 2>/dev/null && break; sleep 0.1; done
base="$(sed -n 's/.*\(http:[^ ]*\).*/\1/p' "$work/out")"
case "$base" in http://127.0.0.1:*) ;; *) echo "serveur non démarré" >&2; exit 1 ;; esac
# The folder is read after the server listens: wait until it is ready.
for _ in $(seq 100); do curl -sf "$base/pret" >/dev/null 2>&1 && break; sleep 0.1; done
family='{"date":"2025-10-15","quotient_caf":612,"résidence":"hors_commune","rang":3}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$family'
wrk.headers["Content-Type"] = "application/json"
LUA
# Counts non-2xx answers: wrk reports them on a line of its own.
cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESUME %d %.0f %.3f %.3f %.3f %d %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
LUA
run() { # name, seconds, url, [lua]
  local name="$1" seconds="$2" url="$3" script="${4:-}"
  local line
  line="$(cat "$work/report.lua" ${script:+"$script"} >"$work/run.lua" &&
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/run.lua" "$url" | grep '^RESUME')"
  read -r _ requests rps p50 p99 p999 socket status <<<"$line"
  printf '%-38s %10s req/s  p50 %6s ms  p99 %6s ms  p99,9 %6s ms  erreurs %s (+%s statut non 2xx)  (%s requêtes)\n' \
    "$name" "$rps" "$p50" "$p99" "$p999" "$socket" "$status" "$requests"
  last_rps="$rps"
}
rss() { awk '/VmRSS/ { print $2 }' "/proc/$server/status"; }
echo "tarif serve sur $base, $connections connexions, ${duration} s par mesure, $(nproc) cœurs"
run "GET /sante" 2 "$base/sante" >/dev/null # warm-up
# GET /sante and POST /tarifs alternated three times: the machine's drift hits both.
health=0
priced=0
for round in 1 2 3; do
  run "GET /sante ($round)" "$duration" "$base/sante"
  health=$((health + last_rps))
  run "POST /tarifs sans justification ($round)" "$duration" \
    "$base/v1/deliberations/exempleville-cantine/tarifs?justification=non" "$work/post.lua"
  priced=$((priced + last_rps))
done
health=$((health / 3))
priced=$((priced / 3))
echo "moyennes : GET /sante $health req/s, POST /tarifs sans justification $priced req/s"
run "POST /tarifs avec justification" "$duration" \
  "$base/v1/deliberations/exempleville-cantine/tarifs" "$work/post.lua"
awk -v a="$priced" -v b="$health" \
  'BEGIN { printf "rapport POST /tarifs sans justification / GET /sante : %.0f %%\n", 100 * a / b }'
before="$(rss)"
# At least a million requests: long enough at the rate just measured.
seconds="$(awk -v r="$priced" 'BEGIN { s = int(1400000 / r) + 1; print (s < 5 ? 5 : s) }')"
run "POST /tarifs ×1 million (mémoire)" "$seconds" \
  "$base/v1/deliberations/exempleville-cantine/tarifs?justification=non" "$work/post.lua"
echo "mémoire du serveur (RSS) : $before Kio avant, $(rss) Kio après"
