#!/usr/bin/env bash
# How `tarif check` and `tarif eval` grow with the size of a deliberation: one grid of
# n tariff columns, n small grids in one article (with and without a warning each: the
# diagnostics are rendered too), a chain of n definitions. Each line
# gives n and the seconds taken; doubling n should double the time (linear growth).
#   scripts/scaling.sh            # n = 1 000, 2 000, 4 000, 8 000
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tarif=target/release/tarif
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{}' > "$work/famille.json"
header='délibération « Taille »
  applicable du 01/09/2025
entrées
  qf : montant entier, par défaut 1
article 1 « Prix »'
seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
for n in 1000 2000 4000 8000; do
  {
    echo "$header"
    for ((i = 0; i < n; i++)); do echo "  tarif t$i (par repas)"; done
    echo "  grille selon qf"
    printf '    | qf |'; for ((i = 0; i < n; i++)); do printf ' t%d |' "$i"; done; echo
    printf '    | jusqu'"'"'à 500 € |'; for ((i = 0; i < n; i++)); do printf ' 1 € |'; done; echo
    printf '    | plus de 500 € |'; for ((i = 0; i < n; i++)); do printf ' 2 € |'; done; echo
  } > "$work/colonnes.delib"
  {
    echo "$header"
    for ((i = 0; i < n; i++)); do
      printf '  tarif t%d (par repas)\n  grille selon qf\n    | qf | t%d |\n    | jusqu'"'"'à 500 € | 1 € |\n    | plus de 500 € | 2 € |\n' "$i" "$i"
    done
  } > "$work/grilles.delib"
  # The same grids with a key that may be unknown: n warnings W005 to render.
  sed 's/, par défaut 1//' "$work/grilles.delib" > "$work/averties.delib"
  echo "n=$n  eval, une grille de n colonnes : $(seconds $tarif eval "$work/colonnes.delib" --famille "$work/famille.json" --date 2025-10-01) s" \
       " ; check, n grilles dans un article : $(seconds $tarif check "$work/grilles.delib") s" \
       " ; avec n avertissements : $(seconds $tarif check "$work/averties.delib") s"
done
