"""The Python package `tarif`, against the command `tarif eval` and the examples of
every deliberation of `deliberations/`: prices as Decimal, errors, children, threads,
the compiled JSON."""

import concurrent.futures
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

import tarif

ROOT = Path(__file__).resolve().parents[3]
DELIBERATIONS = sorted((ROOT / "deliberations").glob("*.delib"))
BINARY = os.environ.get("TARIF", str(ROOT / "target" / "debug" / "tarif"))


def family_of(document, inputs, children=()):
    """The family dict of an example of the compiled document."""
    names = [i["name"] for i in document["deliberation"]["inputs"]]
    choices = document["deliberation"]["choices"]

    def values(pairs):
        out = {}
        for index, value in pairs:
            if value is None:
                continue
            (kind, raw), = value.items()
            out[names[index]] = {
                "Number": lambda v: Decimal(v),
                "Choice": lambda v: choices[v],
                "Bool": lambda v: v,
                "Date": lambda v: datetime.date.fromisoformat(v),
            }[kind](raw)
        return out

    family = values(inputs)
    if children:
        family["enfants"] = [dict(values(c["inputs"]), id=c["name"]) for c in children]
    return family


def examples():
    for path in DELIBERATIONS:
        deliberation = tarif.Deliberation.open(path)
        document = json.loads(deliberation.to_json())
        for example in document["deliberation"]["examples"]:
            yield pytest.param(deliberation, document, example, id=f"{path.stem}: {example['name']}")


@pytest.mark.parametrize("deliberation, document, example", list(examples()))
def test_every_example_is_priced_as_it_expects(deliberation, document, example):
    tariffs = [t["name"] for t in document["deliberation"]["tariffs"]]
    date = example["date"] or document["deliberation"]["meta"]["applicable_from"]
    family = family_of(document, example["inputs"], example["children"])
    result = deliberation.price(family, date=date, errors="return")
    for tariff, amount, _line in example["expected"]:
        assert result.prices[tariffs[tariff]] == Decimal(amount)
        assert isinstance(result.prices[tariffs[tariff]], Decimal)
    children = {c["id"]: c["prices"] for c in result.children}
    for child in example["children"]:
        for tariff, amount, _line in child["expected"]:
            assert children[child["name"]][tariffs[tariff]] == Decimal(amount)


def eval_command(path, family, date):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(family, f, ensure_ascii=False)
    try:
        out = subprocess.run(
            [BINARY, "eval", str(path), "--famille", f.name, "--date", date, "--format", "json"],
            capture_output=True, text=True, check=False,
        ).stdout
    finally:
        os.unlink(f.name)
    return json.loads(out)


@pytest.mark.parametrize("path", DELIBERATIONS, ids=lambda p: p.stem)
def test_hidden_families_are_priced_as_tarif_eval_prices_them(path):
    deliberation = tarif.Deliberation.open(path)
    document = json.loads(deliberation.to_json())
    inputs = [i for i in deliberation.inputs if not i["enfant"]]
    generator = random.Random(path.stem)
    date = document["deliberation"]["meta"]["applicable_from"]
    for _ in range(6):
        family = {}
        for i in inputs:
            if generator.random() < 0.2:
                continue
            if i["type"] == "choix":
                family[i["nom"]] = generator.choice(i["valeurs"])
            elif i["type"] == "booléen":
                family[i["nom"]] = generator.random() < 0.5
            elif i["type"] == "date":
                family[i["nom"]] = "2015-06-01"
            else:
                family[i["nom"]] = str(generator.randint(0, 3000))
        expected = eval_command(path, family, date)
        result = deliberation.price(family, date=date, errors="return")
        got = {k: str(v) for k, v in result.prices.items()}
        want = {k: v["montant"] for k, v in expected.get("tarifs", {}).items() if "montant" in v}
        assert got == want, (family, expected)
        assert [e["code"] for e in result.errors] == [e["code"] for e in expected.get("erreurs", [])]


@pytest.fixture(scope="module")
def cantine():
    return tarif.Deliberation.open(ROOT / "deliberations" / "exempleville-cantine.delib")


def test_money_is_decimal_in_and_out(cantine):
    for qf in (612, Decimal("612"), "612", "612,00", "612.00"):
        result = cantine.price({"quotient_caf": qf, "résidence": "hors_commune", "rang": 3}, date="2025-10-15")
        assert result.prices == {"repas": Decimal("2.29")}
    for refused in (612.0, float("nan"), Decimal("NaN")):
        with pytest.raises(tarif.FamilyError) as raised:
            cantine.price({"quotient_caf": refused, "résidence": "commune"}, date="2025-10-15")
        assert (raised.value.code, raised.value.champ) == ("E110", "quotient_caf")


def test_the_justification_in_steps_and_in_french(cantine):
    result = cantine.price({"quotient_caf": 612, "résidence": "hors_commune", "rang": 3},
                           date=datetime.date(2025, 10, 15))
    steps = result.justification["repas"]
    assert [s["etape"] for s in steps][:3] == ["entree", "definition", "grille"]
    assert any("612 €" in line for line in result.lines["repas"])
    assert result.warnings[0]["code"] == "W102"


def test_a_family_that_cannot_be_priced(cantine):
    with pytest.raises(tarif.FamilyError) as raised:
        cantine.price({"quotient_caf": "beaucoup", "résidence": "commune"}, date="2025-10-15")
    assert raised.value.code == "E111"
    assert raised.value.champ == "quotient_caf"
    returned = cantine.price({"quotient_caf": "beaucoup"}, date="2025-10-15", errors="return")
    assert returned.prices == {}
    assert returned.errors[0]["champ"] == "quotient_caf"


def test_children_are_priced_each_and_together():
    fratrie = tarif.Deliberation.open(ROOT / "deliberations" / "exempleville-fratries.delib")
    result = fratrie.price(
        {"quotient_caf": 612, "résidence": "commune",
         "enfants": [{"id": "Tom", "naissance": "2018-02-01"}, {"id": "Léa", "naissance": "2014-03-12"}]},
        date="2025-10-15",
    )
    assert result.prices == {"repas": Decimal("6.10"), "garderie": Decimal("3.50")}
    assert [(c["id"], c["rang"]) for c in result.children] == [("Tom", 2), ("Léa", 1)]
    assert "Tom : repas" in result.lines


def test_many_families_in_order_with_their_errors(cantine):
    families = [{"quotient_caf": q, "résidence": "commune"} for q in range(0, 3000, 7)]
    families[3] = {"quotient_caf": "x"}
    results = cantine.price_many(families, date="2025-10-15")
    assert len(results) == len(families)
    assert results[3].errors[0]["code"] == "E111"
    for family, result in zip(families[4:], results[4:]):
        assert result.prices == cantine.price(family, date="2025-10-15").prices


def test_threads_share_a_deliberation(cantine):
    families = [{"quotient_caf": q, "résidence": "hors_commune", "rang": 1 + q % 4} for q in range(400)]
    alone = [cantine.price(f, date="2025-10-15").prices for f in families]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda f: cantine.price(f, date="2025-10-15").prices, families))
    assert together == alone


def test_a_round_trip_through_the_compiled_json(cantine):
    again = tarif.Deliberation.from_compiled(cantine.to_json())
    assert again.empreinte == cantine.empreinte
    family = {"quotient_caf": 612, "résidence": "hors_commune", "rang": 3}
    assert again.price(family, date="2025-10-15").prices == cantine.price(family, date="2025-10-15").prices


def test_a_deliberation_with_errors_says_each(tmp_path):
    with pytest.raises(tarif.DeliberationError) as raised:
        tarif.Deliberation.compile("délibération « X »\nligne cassée\n")
    codes = [d["code"] for d in raised.value.diagnostics]
    assert "E001" in codes
    assert all("ligne" in d and "message" in d for d in raised.value.diagnostics)


def test_the_lingo_example_prints_its_pricing():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bindings" / "python" / "exemples" / "lingo.py")],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "pricing : 2.29" in out
    assert "tranche : de 601 à 800 €" in out


def test_many_families_say_what_one_family_says(cantine):
    families = [
        {"id": "a", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3},
        {"id": "b", "quotient_caf": "beaucoup", "résidence": "commune"},
        {"id": "c", "résidence": "commune", "couleur": "bleu"},
        {"id": "d", "quotient_caf": 612},
        {"id": "e", "quotient_caf": Decimal("1450.00"), "résidence": "commune", "pai": True},
    ]
    many = cantine.price_many(families, date="2025-10-15")
    for family, result in zip(families, many):
        one = cantine.price(family, date="2025-10-15", errors="return", justification=False)
        assert result.json == one.json
        assert result.prices == one.prices
        assert result.errors == one.errors
        assert result.warnings == one.warnings


def test_many_families_read_from_any_python_value_as_one_family_is(cantine):
    """price_many reads dicts without JSON in between: every kind of value, key and
    family gives what price gives."""
    caf = "quotient" + "_caf".upper().lower()  # a key object other than the literal
    families = [
        {caf: 612, "résidence": "commune"},
        {"quotient_caf": -5, "résidence": "commune"},
        {"quotient_caf": 10**30, "résidence": "commune"},
        {"quotient_caf": 2**63, "résidence": "commune"},
        {"quotient_caf": True, "résidence": "commune"},
        {"quotient_caf": 612.5, "résidence": "commune"},
        {"quotient_caf": 612.0, "résidence": "commune"},
        {"quotient_caf": float("nan"), "résidence": "commune"},
        {"quotient_caf": Decimal("NaN"), "résidence": "commune"},
        {"quotient_caf": -0.0, "résidence": "commune"},
        {"quotient_caf": 1e300, "résidence": "commune"},
        {"quotient_caf": "612,00", "résidence": "commune", "pai": "oui"},
        {"quotient_caf": Decimal("612.5"), "résidence": "commune"},
        {"quotient_caf": None, "résidence": "commune"},
        {"quotient_caf": 612, "résidence": "commune", "pai": 1},
        {"quotient_caf": 612, "Résidence": "commune", "residence": "hors_commune"},
        {"quotient_caf": 612, "résidence": ["commune"]},
        {"quotient_caf": {"valeur": 612}, "résidence": "commune"},
        {"id": 17, "quotient_caf": 612, "résidence": "commune"},
        {"id": None, "date": datetime.date(2025, 11, 3), "quotient_caf": 612},
        {"date": "31/02/2025", "quotient_caf": 612},
        {"date": 20251015, "quotient_caf": 612},
        {1: "x", "quotient_caf": 612},
        {"quotient_caf": 612, "résidence": "commune", "rang": "2"},
        {"QUOTIENT_CAF": 612, "résidence": "Hors commune"},
        {"quotient_caf": 612, "justificatifs": {"inconnu": {}}},
        {"quotient_caf": 612, "enfants": "deux"},
        ["quotient_caf", 612],
        "famille",
        {},
    ]
    many = cantine.price_many(iter(families), date="2025-10-15")
    assert len(many) == len(families)
    for family, result in zip(families, many):
        try:
            one = cantine.price(family, date="2025-10-15", errors="return", justification=False)
        except tarif.FamilyError as error:
            assert result.errors == [{"code": "E110", "message": str(error), "champ": "quotient_caf"}]
            assert (error.code, error.champ) == ("E110", "quotient_caf")
            continue
        assert result.json == one.json, family


@pytest.mark.parametrize("path", DELIBERATIONS, ids=lambda p: p.stem)
def test_many_random_families_of_every_deliberation_as_one_by_one(path):
    deliberation = tarif.Deliberation.open(path)
    generator = random.Random(path.stem)
    pool = {}
    for i in deliberation.inputs:
        values = [None, "", "n'importe", -1, 0, 1, 7, 612, 1500, Decimal("0.5"), "612,50", True, False,
                  "2025-10-15", datetime.date(2020, 1, 2)]
        values += i["valeurs"]
        pool[i["nom"]] = values
    families = []
    for n in range(600):
        family = {"id": f"F{n}"}
        for name, values in pool.items():
            if generator.random() < 0.8:
                family[name] = generator.choice(values)
        families.append(family)
    many = deliberation.price_many(families, date=deliberation.period[0])
    for family, result in zip(families, many):
        one = deliberation.price(family, date=deliberation.period[0], errors="return", justification=False)
        assert result.json == one.json, family
