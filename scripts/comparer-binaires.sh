#!/usr/bin/env bash
# Two builds of `tarif serve` compared under the same load, in turns (the machine's
# drift weighs on both): GET /sante and POST …/tarifs?justification=non, wrk at 50
# connections, DUREE seconds each, TOURS turns, on 127.0.0.1 only.
# Usage: scripts/comparer-binaires.sh ANCIEN NOUVEAU [DUREE] [TOURS]
#   git worktree add /tmp/ancien <commit> && (cd /tmp/ancien && cargo build --release)
#   scripts/comparer-binaires.sh /tmp/ancien/target/release/tarif target/release/tarif
set -euo pipefail
cd "$(dirname "$0")/.."
old="$1"; new="$2"; duration="${3:-5}"; turns="${4:-3}"
command -v wrk >/dev/null || { echo "wrk manque : apt-get install wrk" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
family='{"date":"2025-10-15","quotient_caf":612,"résidence":"hors_commune","rang":3}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$family'
wrk.headers["Content-Type"] = "application/json"
LUA
port=18555
for turn in $(seq "$turns"); do
  for which in ancien nouveau; do
    binary="$old"; [ "$which" = nouveau ] && binary="$new"
    "$binary" serve deliberations/ --adresse "127.0.0.1:$port" --journal aucun >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 100); do
      curl -sf "http://127.0.0.1:$port/v1/deliberations" >/dev/null 2>&1 && break
      sleep 0.1
    done
    health=$(wrk -t2 -c50 -d"${duration}s" "http://127.0.0.1:$port/sante" | awk '/Requests\/sec/{print $2}')
    priced=$(wrk -t2 -c50 -d"${duration}s" -s "$work/post.lua" \
      "http://127.0.0.1:$port/v1/deliberations/exempleville-cantine/tarifs?justification=non" |
      awk '/Requests\/sec/{print $2}')
    echo "tour $turn $which : GET /sante $health req/s, POST …/tarifs $priced req/s"
    kill -TERM "$server"; wait "$server" 2>/dev/null || true
  done
done
