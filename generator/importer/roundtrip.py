"""The import's one promise, checked: the council data renders to the document's text, line for
line, before anything is returned or written."""

from __future__ import annotations

from typing import Any

from generator.exceptions import DataError
from generator.i18n import _
from generator.importer.source import Source, excerpt, key, paragraph_problem
from generator.loader import Loaded
from generator.model import Settings
from generator.workspace import Library


def check_round_trip(
    source: Source, data: dict[str, Any], library: Library, settings: Settings | None
) -> None:
    """Render the data's text and compare it with the document: an import never loses text."""
    from generator.mandate import build_mandate

    stand_in = settings or Settings(
        organisation="",
        series="RS",
        title="",
        document_type="",
        signatory_name=str(data.get("uppdragsgivare", "")),
        signatory_title="",
    )
    loaded = Loaded(path=source.path.with_suffix(".yaml"), data=data, display=source.display)
    mandate = build_mandate(loaded, library, stand_in)
    expected = [(p, _kind(p.kind, p.level), key(p.text)) for p in source.body]
    actual = [
        (_kind("plain" if i.kind in ("field", "paragraph") else i.kind, i.level), key(i.plain()))
        for i in mandate.body
    ]
    for index, (p, kind, text) in enumerate(expected):
        got = actual[index] if index < len(actual) else None
        if got != (kind, text):
            raise DataError(
                [
                    paragraph_problem(
                        source.display,
                        p,
                        _(
                            "the import would not reproduce this paragraph word for word (it "
                            "would read {got!r})"
                        ).format(got=excerpt(got[1], 60) if got else "–"),
                    )
                ]
            )
    if len(actual) > len(expected):
        raise DataError(
            [
                paragraph_problem(
                    source.display,
                    None,
                    _("the import would add text that is not in the document: {text!r}").format(
                        text=excerpt(actual[len(expected)][1], 60)
                    ),
                )
            ]
        )
    if [key(t) for t in mandate.distribution] != [key(t) for t in source.distribution]:
        first = next((p for p in source.paragraphs if p.role == "distribution"), None)
        raise DataError(
            [
                paragraph_problem(
                    source.display,
                    first,
                    _("the distribution list would not be reproduced word for word"),
                )
            ]
        )


def _kind(kind: str, level: int) -> str:
    return f"heading{level}" if kind == "heading" else kind
