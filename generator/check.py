"""``uppdrag check``: everything that can be known wrong before a number is spent.

Errors stop a render; warnings do not, but a secretary should look at them: diary-number
references in the text that are not in the standard form, clauses a council has its own version
of (library changes will not reach it), fields still to fill in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.dnr import normalise_references
from generator.exceptions import DataError, Problem, TemplateError
from generator.i18n import _
from generator.lint import template_problems
from generator.loader import load_yaml
from generator.loader.messages import display_path
from generator.loader.positions import position
from generator.mandate import build_mandate
from generator.model import Mandate, Settings
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace


@dataclass
class Findings:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _reference_warnings(loaded_display: str, data: object, path: list[object]) -> list[Problem]:
    """Walk the YAML and warn about diary numbers that are not in the standard form."""
    found: list[Problem] = []

    def walk(node: object, parent: object, key: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, node, k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, node, i)
        elif isinstance(node, str):
            for written, normal in normalise_references(node):
                line, col = position(parent, key)
                found.append(
                    Problem(
                        loaded_display,
                        line,
                        col,
                        "",
                        _(
                            "the diary number '{written}' is not in the standard form; write "
                            "'{normal}'"
                        ).format(written=written, normal=normal),
                    )
                )

    walk(data, None, None)
    return found


def check(workspace: Workspace, paths: list[str]) -> Findings:
    findings = Findings()
    try:
        settings = workspace.load_settings()
        findings.checked.append(str(workspace.settings_path))
    except DataError as err:
        findings.errors.extend(err.problems)
        settings = None
    library: Library | None
    try:
        library = workspace.load_library()
        findings.checked.append(str(workspace.library_path))
        findings.warnings.extend(
            _reference_warnings(library.loaded.display, library.loaded.data, [])
        )
    except DataError as err:
        findings.errors.extend(err.problems)
        library = None
    files = [workspace.council_path(p) for p in paths] if paths else workspace.council_files()
    sample: Mandate | None = None
    for path in files:
        try:
            loaded = load_yaml(path)
        except DataError as err:
            findings.errors.extend(err.problems)
            continue
        findings.checked.append(loaded.display)
        if library is None or settings is None:
            continue
        try:
            mandate = build_mandate(loaded, library, settings)
            sample = sample or mandate
        except DataError as err:
            findings.errors.extend(err.problems)
            continue
        findings.warnings.extend(_reference_warnings(loaded.display, loaded.data, []))
        for clause_id in loaded.data.get("klausuler") or {}:
            if clause_id in library.clauses:
                line, col = position(loaded.data["klausuler"], clause_id)
                findings.warnings.append(
                    Problem(
                        loaded.display,
                        line,
                        col,
                        f"klausuler.{clause_id}",
                        _(
                            "the council has its own version of this standard clause; "
                            "changes to the "
                            "library's version will not reach it"
                        ),
                    )
                )
        findings.warnings.extend(_unfilled(loaded))
    template, problems = template_problems(workspace.template_path)
    findings.errors.extend(problems)
    if template is not None and sample is not None and settings is not None:
        findings.errors.extend(
            _trial_render(template, sample, settings, display_path(workspace.template_path))
        )
    findings.checked.append(str(workspace.template_path))
    return findings


def _trial_render(
    template: CompiledTemplate, sample: Mandate, settings: Settings, display: str
) -> list[Problem]:
    """What ``render`` would refuse (a tag past the sandbox's limits, a value it cannot use),
    found by rendering one council once as render would."""
    from generator.render import Stamp, render_docx

    today = dt.date.today()
    stamp = Stamp(today, f"{settings.series} {today.year}-00001")
    try:
        render_docx(template, sample, settings, stamp)
    except TemplateError as err:
        return [Problem(display, None, None, "", str(err))]
    return []


def _unfilled(loaded: object) -> list[Problem]:
    """Fields that ``uppdrag new`` left for the secretary to fill in."""
    from generator.importer import find_unfilled

    out = []
    for field_path, line in find_unfilled(loaded.data):  # type: ignore[attr-defined]
        out.append(
            Problem(
                loaded.display,
                line,
                None,
                field_path,  # type: ignore[attr-defined]
                _("still to be filled in"),
            )
        )
    return out
