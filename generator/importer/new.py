"""A new council from scratch, and what is still left to fill in.

:func:`new_council` writes the structure the councils share with the standard clauses in their
usual order, and :data:`MARKER` wherever a secretary must write the council's own text;
:func:`find_unfilled` finds those places again for ``uppdrag check``.
"""

from __future__ import annotations

import re
from typing import Any

from generator.exceptions import UsageError
from generator.i18n import _
from generator.importer.source import WIDTH, fold, wrap
from generator.importer.yaml_writer import to_yaml
from generator.loader.messages import field_name
from generator.loader.positions import position
from generator.workspace import Library

#: Marks a value a secretary must fill in; ``uppdrag check`` lists what is left.
MARKER = "ATT FYLLA I"


def suggest_council_id(name: str) -> str:
    """A council id from its name, as the hand-written files are named:
    "Samordningsråd primärvård" → ``primarvard``."""
    text = fold(name).lower()
    text = re.sub(r"^samordningsråd(et)?( för)?\s+", "", text)
    text = text.translate(str.maketrans("åäöéü", "aaoeu"))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "rad"


_COUNCIL_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]*$")
_QUOTES_SENTENCE = (
    "Ordförande har en samordnande roll och kan fatta beslut om regionala rutiner i enlighet med "
    "specifikt erhållna mandat som beskrivs i ”Beslutsmandat för regionala rutiner inom hälso- och "
    "sjukvård” (SSN 2023-00470)."
)


def _fill(what: str) -> str:
    return f"{MARKER}: {what}"


def new_council(council_id: str, name: str, library: Library) -> str:
    """YAML text of a new council: the structure the councils share, the standard clauses in
    their usual order, and :data:`MARKER` wherever a secretary must write the council's own text.
    """
    if not _COUNCIL_ID.match(council_id):
        raise UsageError(
            _(
                "'{id}' cannot be a council id: use lowercase letters a–z, digits and "
                "'-', e.g. onkologi"
            ).format(id=council_id)
        )
    name = fold(name)
    if not name:
        raise UsageError(_('the council needs a name, e.g. --name "Samordningsråd onkologi"'))
    have = library.clauses

    def refs(*ids: str) -> list[dict[str, str]]:
        return [{"klausul": i} for i in ids if i in have]

    def by_prefix(prefix: str, *skip: str) -> list[dict[str, str]]:
        return [{"klausul": i} for i in have if i.startswith(prefix) and i not in skip]

    description = [
        {
            "stycke": [_fill("vilka gruppen består av, hur de utses och vad de bidrar med")]
            + refs("uppdragsbeskrivning.beakta-konsekvenser")
        },
        {
            "punkter": by_prefix("uppdragsbeskrivning.", "uppdragsbeskrivning.beakta-konsekvenser")
            + [_fill("rådets egna uppdrag, en punkt var (ta bort raden om inga finns)")]
        },
    ]
    organisation: list[Any] = [
        {"fält": "Ordförande", "text": refs("arbetsorganisation.ordforande")},
        {
            "fält": "Deltagare",
            "text": refs("arbetsorganisation.deltagare-chefer")
            + [_fill("vem som utser deltagarna")]
            + refs("arbetsorganisation.helhetsperspektiv"),
        },
        {"fält": "Adjungerande deltagare", "text": refs("arbetsorganisation.adjungerade")},
        {"fält": "Mötesfrekvens", "text": _fill("antal möten, t.ex. 4 – 8 ggr/år")},
        {
            "fält": "Undergrupper",
            "text": refs(
                "arbetsorganisation.undergrupper", "arbetsorganisation.prioritera-uppdrag"
            ),
        },
        *refs("arbetsorganisation.koordinatorsstod"),
    ]
    organisation = [b for b in organisation if not (isinstance(b, dict) and b.get("text") == [])]
    decisions = (
        refs("beslutsfattande.mandat", "beslutsfattande.respekt-for-ansvar")
        + [{"stycke": [_QUOTES_SENTENCE] + refs("beslutsfattande.lyfta-behov")}]
        + refs("beslutsfattande.eskalering")
    )
    sections: dict[str, Any] = {
        "syfte": refs("syfte.samverka"),
        "uppdragsbeskrivning": description,
        "arbetsorganisation": organisation,
        "samband": refs("samband.standard"),
        "kommunikation": refs("kommunikation.rutin"),
        "beslutsordning": {
            "underavsnitt": {
                "rapportering": refs("rapportering.linjestruktur"),
                "beslutsfattande": decisions,
            }
        },
    }
    data: dict[str, Any] = {
        "namn": name,
        "ansvarsområde": _fill("verksamhet, t.ex. Verksamhet onkologi, Hälso- och sjukvård"),
        "uppdragstagare": _fill(f"t.ex. Ordförande, {name[:1].lower() + name[1:]}"),
        "inledning": refs("inledning.regiondirektorens-ansvar", "inledning.fordelat-ansvar"),
        "avsnitt": {k: v for k, v in sections.items() if k in library.titles},
        "sändlista": refs("sandlista.ordforande", "sandlista.koordinator", "sandlista.forteckning"),
    }
    header = (
        f"{name}: en ny uppdragshandling. Fyll i allt som är märkt {MARKER} och kontrollera "
        "med `uppdrag check`. Gemensam text hämtas ur data/klausuler.yaml; här "
        "står bara det som är rådets eget."
    )
    return to_yaml(data, "\n".join(wrap(header, WIDTH - 2)))


def find_unfilled(loaded_data: Any) -> list[tuple[str, int | None]]:
    """Every value that still holds :data:`MARKER`: (field, line), for ``uppdrag check``."""
    found: list[tuple[str, int | None]] = []

    def walk(node: Any, path: list[Any], parent: Any, k: Any) -> None:
        if isinstance(node, dict):
            for child_key, child in node.items():
                walk(child, path + [child_key], node, child_key)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, path + [index], node, index)
        elif isinstance(node, str) and MARKER in node:
            line, _col = position(parent, k) if parent is not None else (None, None)
            found.append((field_name(path), line))

    walk(loaded_data, [], None, None)
    return found
