"""tarif : les délibérations tarifaires des communes, compilées et vérifiées, et le
prix d'une famille au centime, avec sa justification article par article.

Les montants sont des ``decimal.Decimal`` (jamais des float) ; une famille est un
dict comme le JSON de ``tarif eval`` (``{"quotient_caf": 612, "résidence":
"hors_commune"}``) ; un montant s'y donne en ``Decimal``, ``int`` ou texte (« 612,50 »
ou « 612.50 »), jamais en float : un float est refusé (``FamilyError``, code E110,
avec son champ), même entier (``612.0``) ou ``NaN`` ; le message dit comment garder
en entiers une colonne pandas qui a des cases vides (``astype("Int64")``, qui donne
None pour une case vide). Les entiers de numpy (``int64``) sont lus comme des
``int``. Une ``Deliberation`` se partage entre les fils d'un serveur WSGI : le
calcul ne tient pas le GIL.
"""

import datetime
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal

class DeliberationError(Exception):
    """Une délibération qui ne se compile pas."""

    diagnostics: list[dict[str, Any]]
    """Chaque diagnostic : ``code``, ``gravite``, ``message``, ``ligne``, ``colonne``,
    ``aide``, comme ``tarif check --format json``."""

class FamilyError(Exception):
    """Une famille qui ne peut pas être tarifée."""

    code: str
    """``E111``, ``E119``… (voir la référence du langage)."""
    message: str
    """En français."""
    champ: str | None
    """Le champ de la famille en cause."""

class Result:
    """Le prix d'une famille : le JSON de ``tarif eval --format json``."""

    @property
    def prices(self) -> dict[str, Decimal]:
        """``{tarif: prix}`` ; pour une famille avec des enfants, le total de la famille."""
    @property
    def children(self) -> list[dict[str, Any]]:
        """Pour une famille avec des enfants : ``{"id", "rang", "prices"}`` de chacun."""
    @property
    def justification(self) -> dict[str, list[dict[str, Any]]]:
        """``{tarif: [étape, …]}`` : chaque étape du calcul, son article et sa ligne."""
    @property
    def lines(self) -> dict[str, list[str]]:
        """``{tarif: [ligne, …]}`` : le calcul en français (``"Léa : repas"`` par enfant)."""
    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Les avertissements : ``code``, ``message``, ``champ``."""
    @property
    def errors(self) -> list[dict[str, Any]]:
        """Pourquoi la famille n'est pas tarifée (vide quand elle l'est)."""
    @property
    def json(self) -> dict[str, Any]:
        """Le résultat entier, montants en texte exact (« 2.29 »)."""

class Deliberation:
    """Une délibération compilée et vérifiée (trous, chevauchements, exemples)."""

    @staticmethod
    def compile(text: str) -> Deliberation:
        """Compile le texte d'une délibération ; ``DeliberationError`` s'il a des erreurs."""
    @staticmethod
    def open(path: str | os.PathLike[str]) -> Deliberation:
        """Lit un fichier ``.delib``, ou un document compilé par ``tarif compile``."""
    @staticmethod
    def from_compiled(json: str) -> Deliberation:
        """Un document compilé par ``tarif compile`` (son texte JSON)."""
    def to_json(self) -> str:
        """Le document compilé, comme ``tarif compile`` l'écrit."""
    @property
    def diagnostics(self) -> list[dict[str, Any]]:
        """Ses avertissements, comme ``tarif check --format json``."""
    @property
    def empreinte(self) -> str:
        """``sha256:…`` du texte, citée par chaque justification."""
    @property
    def period(self) -> tuple[datetime.date, datetime.date | None]:
        """``(du, au)`` : sa période d'application (``au`` None si ouverte)."""
    @property
    def inputs(self) -> list[dict[str, Any]]:
        """Les entrées d'une famille : ``nom``, ``type``, ``libelle``, ``obligatoire``,
        ``enfant``, ``source_certifiee``, ``valeurs``."""
    @property
    def tariffs(self) -> list[dict[str, Any]]:
        """Ses tarifs : ``nom``, ``unite``, ``libelle``."""
    def price(
        self,
        family: Mapping[str, Any],
        date: datetime.date | str | None = None,
        errors: Literal["raise", "return"] = "raise",
        justification: bool = True,
    ) -> Result:
        """Le prix d'une famille à une date (sinon la ``date`` de la famille, sinon
        aujourd'hui). ``FamilyError`` si elle ne peut pas être tarifée, sauf avec
        ``errors="return"`` : le résultat porte alors ses ``errors``."""
    def price_many(
        self,
        families: Iterable[Mapping[str, Any]],
        date: datetime.date | str | None = None,
        justification: bool = False,
    ) -> list[Result]:
        """Un résultat par famille, dans l'ordre ; les erreurs de chacune dans son
        résultat (une valeur illisible, un float : code E110 et son champ). Les
        familles sont lues par paquets de 16 384 avec le GIL, pendant que le paquet
        précédent est tarifé sans lui, sur chaque cœur. Les résultats de 1 024
        familles voisines partagent leur mémoire (libérée quand le dernier d'entre
        eux l'est)."""
