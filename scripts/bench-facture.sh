#!/usr/bin/env bash
# Times `tarif facture --familles` on N families × 20 days of October 2025 (a month of
# the cantine of tests/cases/facture/cantine.delib, every state, deadlines and
# certificates), against `tarif batch` pricing the same number of days (N × 20 family
# rows) on the same deliberation: the target is within 3×. `tarif batch` is timed twice:
# writing CSV (4 short columns, 18 bytes a day) and writing JSON Lines, the format the
# invoices are timed in (a result of some 500 bytes a day).
# Usage: scripts/bench-facture.sh [N]   (default 10 000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
work="$(mktemp -d)"
trap '[ -n "${GARDER:-}" ] || rm -rf "$work"' EXIT
[ -z "${GARDER:-}" ] || echo "fichiers gardés dans $work"
cargo build --release --quiet
python3 - "$n" "$work" <<'PY'
import random, sys, datetime
n, work = int(sys.argv[1]), sys.argv[2]
g = random.Random(7)
days = [d for d in (datetime.date(2025, 10, k) for k in range(1, 32)) if d.weekday() < 5][:20]
with open(f"{work}/familles.csv", "w") as f:
    f.write("id;quotient_caf;résidence\n")
    for i in range(n):
        f.write(f"F{i};{g.randint(0, 2500)};{'hors_commune' if g.random() < .2 else 'commune'}\n")
with open(f"{work}/jours.csv", "w") as f, open(f"{work}/lignes.csv", "w") as b:
    f.write("famille;date;état;réservé le;annulé le;justificatif le\n")
    b.write("id;quotient_caf;résidence;date\n")
    for i in range(n):
        qf = g.randint(0, 2500)
        for d in days:
            r = g.random()
            day = d.strftime("%d/%m/%Y")
            if r < .75:
                row = f"F{i};{day};présent;;;"
            elif r < .82:
                late = (d - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
                row = f"F{i};{day};présent;{late} 10:00;;"
            elif r < .88:
                row = f"F{i};{day};annulé;;{(d - datetime.timedelta(days=g.randint(1, 9))).strftime('%d/%m/%Y')} 11:00;"
            elif r < .94:
                row = f"F{i};{day};absent;;;{(d + datetime.timedelta(days=g.randint(1, 12))).strftime('%d/%m/%Y')} 09:00"
            elif r < .97:
                row = f"F{i};{day};absent;;;"
            else:
                row = f"F{i};{day};non réservé;;;"
            f.write(row + "\n")
            b.write(f"F{i};{qf};commune;{d.isoformat()}\n")
PY
echo "familles : $n, jours : $((n * 20)) (chaque commande trois fois : la première réveille les caches)"
for run in 1 2 3; do
  /usr/bin/time -f "tarif facture --familles, justifiées : %e s, mémoire maximale : %M Kio" \
    target/release/tarif facture tests/cases/facture/cantine.delib --familles "$work/familles.csv" \
    --presences "$work/jours.csv" --mois 2025-10 --sortie "$work/factures.jsonl" || true
done
echo "factures : $(grep -c '"total":"' "$work/factures.jsonl")"
for run in 1 2 3; do
  /usr/bin/time -f "tarif facture --familles --sans-justification : %e s, mémoire maximale : %M Kio" \
    target/release/tarif facture tests/cases/facture/cantine.delib --familles "$work/familles.csv" \
    --presences "$work/jours.csv" --mois 2025-10 --sortie "$work/factures-seules.jsonl" \
    --sans-justification || true
done
# What writing the invoices costs alone: the same bytes copied, no invoice made.
for run in 1 2 3; do
  /usr/bin/time -f "cp des factures sans justification (écriture seule, $(du -m "$work/factures-seules.jsonl" | cut -f1) Mo) : %e s" \
    cp "$work/factures-seules.jsonl" "$work/copie.jsonl"
  rm -f "$work/copie.jsonl"
done
for run in 1 2 3; do
  /usr/bin/time -f "tarif facture --familles --sans-justification, sortie jetée (/dev/null) : %e s" \
    target/release/tarif facture tests/cases/facture/cantine.delib --familles "$work/familles.csv" \
    --presences "$work/jours.csv" --mois 2025-10 --format json --sans-justification >/dev/null || true
done
for run in 1 2 3; do
  /usr/bin/time -f "tarif batch, les mêmes jours en lignes de familles : %e s, mémoire maximale : %M Kio" \
    target/release/tarif batch tests/cases/facture/cantine.delib --entree "$work/lignes.csv" \
    --sortie "$work/prix.csv" || true
done
for run in 1 2 3; do
  /usr/bin/time -f "tarif batch, les mêmes jours, en JSON Lines comme les factures : %e s, mémoire maximale : %M Kio" \
    target/release/tarif batch tests/cases/facture/cantine.delib --entree "$work/lignes.csv" \
    --sortie "$work/prix.jsonl" || true
done
