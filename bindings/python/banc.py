"""price_many sur N familles de la cantine, face à `tarif batch` sur les mêmes
familles (CSV), même machine, même passage.

    python bindings/python/banc.py [N] [chemin de tarif]

Les familles (QF de 0 à 2 500 dont 5 % absents, 20 % hors commune, rang de 1 à 4,
10 % de PAI) sont des dicts Python, comme `DataFrame.to_dict("records")` en donne ;
le temps de `price_many` compte leur lecture et la création des résultats.
"""

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tarif

ROOT = Path(__file__).resolve().parents[2]
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
BINARY = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "target" / "release" / "tarif")
PATH = ROOT / "deliberations" / "exempleville-cantine.delib"

generator = random.Random(42)
families = []
for n in range(N):
    family = {"id": f"F{n}", "résidence": "hors_commune" if generator.random() < 0.2 else "commune",
              "rang": generator.randint(1, 4), "pai": generator.random() < 0.1}
    if generator.random() >= 0.05:
        family["quotient_caf"] = generator.randint(0, 2500)
    families.append(family)

deliberation = tarif.Deliberation.open(PATH)
start = time.perf_counter()
results = deliberation.price_many(families, date="2025-10-15")
python_seconds = time.perf_counter() - start
priced = sum(1 for r in results if not r.errors)
start = time.perf_counter()
total = sum(r.prices.get("repas", 0) for r in results)
reading_seconds = time.perf_counter() - start

with tempfile.TemporaryDirectory() as folder:
    source = Path(folder) / "familles.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["id", "quotient_caf", "résidence", "rang", "pai"])
        for family in families:
            writer.writerow([family["id"], family.get("quotient_caf", ""), family["résidence"],
                             family["rang"], "oui" if family["pai"] else "non"])
    start = time.perf_counter()
    subprocess.run([BINARY, "batch", str(PATH), "--entree", str(source), "--date", "2025-10-15",
                    "--sortie", str(Path(folder) / "sortie.csv")], check=True, capture_output=True)
    batch_seconds = time.perf_counter() - start

print(f"{N} familles, {priced} tarifées, total {total} €")
print(f"price_many (dicts lus, résultats créés) : {python_seconds:.2f} s, {python_seconds / N * 1e6:.2f} µs par famille")
print(f"lecture des prix en Decimal (r.prices) : {reading_seconds:.2f} s")
print(f"tarif batch, CSV → CSV, de bout en bout : {batch_seconds:.2f} s, {batch_seconds / N * 1e6:.2f} µs par famille")
print(f"rapport price_many / tarif batch : {python_seconds / batch_seconds:.1f}")
