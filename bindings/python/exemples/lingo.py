"""Un branchement à la façon de Lingo (la facturation de Publik) : Lingo tarife un
événement (une journée de cantine, de centre de loisirs) pour une famille, avec le
quotient familial connu à la date de facturation, et garde le détail du calcul.

    python exemples/lingo.py

Ici, le prix vient de la délibération elle-même (tarif), avec sa justification, au
lieu d'une grille recopiée dans Lingo.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import tarif

DELIBERATION = tarif.Deliberation.open(
    Path(__file__).resolve().parents[3] / "deliberations" / "exempleville-cantine.delib"
)


def pricing(context):
    """Le ``pricing`` et le ``calculation_details`` d'un événement.

    ``context`` : ``{"qf": Decimal | None, "event_date": date, "user_external_id":
    str, "residence": "commune" | "hors_commune", "rang": int}`` ; ``qf`` est le
    quotient familial connu à la date de facturation (None s'il manque : la ligne
    « inconnu » de la grille s'applique)."""
    family = {"résidence": context.get("residence", "commune"), "rang": context.get("rang", 1)}
    if context.get("qf") is not None:
        family["quotient_caf"] = context["qf"]
    result = DELIBERATION.price(family, date=context["event_date"], errors="return")
    if result.errors:
        return {
            "pricing": None,
            "calculation_details": {"error": result.errors, "context": _shown(context)},
        }
    steps = result.justification["repas"]
    tranche = next((s["tranche"] for s in steps if s["etape"] == "grille"), None)
    return {
        "pricing": result.prices["repas"],
        "calculation_details": {
            "pricing": str(result.prices["repas"]),
            "criterias": {"qf": tranche, "residence": family["résidence"]},
            "context": _shown(context),
            "deliberation": result.json["deliberation"],
            "justification": result.lines["repas"],
        },
    }


def _shown(context):
    return {k: str(v) for k, v in context.items()}


if __name__ == "__main__":
    details = pricing(
        {
            "qf": Decimal("612"),
            "event_date": datetime.date(2025, 10, 15),
            "user_external_id": "famille-42",
            "residence": "hors_commune",
            "rang": 3,
        }
    )
    print("pricing :", details["pricing"])
    print("tranche :", details["calculation_details"]["criterias"]["qf"])
    for line in details["calculation_details"]["justification"]:
        print("  ", line)
