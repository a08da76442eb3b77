"""Loading and validating every council a command names, before anything else happens.

The first step of every command that issues: settings, clause library and all the named council
files are read and checked together, and every problem of every file is reported at once, so that
nothing is spent (no number, no file) on a batch that has an error anywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from dataclasses import dataclass
from pathlib import Path

from generator.exceptions import DataError, Problem, UsageError
from generator.i18n import _
from generator.loader import display_path
from generator.mandate import load_mandate
from generator.model import Mandate, Settings
from generator.workspace import Library, Workspace


@dataclass
class Councils:
    """Everything a batch needs from data/: settings, library and the councils' mandates."""

    settings: Settings
    library: Library
    mandates: MutableSequence[Mandate]


#: What loading one council gives: its mandate, or every problem of the file.
LoadOutcome = Mandate | list[Problem]
#: Loads many councils, in order: one at a time here, or in several processes (see reissue).
LoadAll = Callable[[list[Path], Library, Settings], Iterable[LoadOutcome]]


def load_one(path: Path, library: Library, settings: Settings) -> LoadOutcome:
    """One council's mandate, or the problems of its file (the caller reports them together)."""
    try:
        return load_mandate(path, library, settings)
    except DataError as err:
        return err.problems


def _load_each(paths: list[Path], library: Library, settings: Settings) -> Iterator[LoadOutcome]:
    return (load_one(path, library, settings) for path in paths)


def load_councils(
    workspace: Workspace,
    names: list[str],
    *,
    load_all: LoadAll = _load_each,
    sink: MutableSequence[Mandate] | None = None,
) -> Councils:
    """Settings, library and every named council, with all problems of all files at once.

    ``load_all`` loads the council files once settings and library are known to be right;
    ``sink`` keeps the mandates (a list, or a big batch's spool on disk, see
    :class:`generator.batch.Spool`).
    """
    settings = workspace.load_settings()
    library = workspace.load_library()
    paths = [workspace.council_path(n) for n in names] if names else workspace.council_files()
    missing = [p for p in paths if not p.exists()]
    if missing:
        known = [p.stem for p in workspace.council_files()]
        raise DataError([_unknown_council(path, known) for path in missing])
    if not paths:
        raise UsageError(_("no council files in {folder}").format(folder=workspace.councils_dir))
    mandates: MutableSequence[Mandate] = [] if sink is None else sink
    problems: list[Problem] = []
    for outcome in load_all(paths, library, settings):
        if isinstance(outcome, Mandate):
            mandates.append(outcome)
        else:
            # A broken library clause is reported once, not once per council that uses it.
            problems.extend(p for p in outcome if str(p) not in {str(q) for q in problems})
    if problems:
        raise DataError(problems)
    counts = Counter(m.council_id for m in mandates)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        raise UsageError(
            _("the same council is named twice: {ids}").format(ids=", ".join(duplicates))
        )
    return Councils(settings, library, mandates)


def refuse_unfilled(mandates: Iterable[Mandate]) -> None:
    """A numbered document never carries the "ATT FYLLA I" markers of ``uppdrag new``."""
    from generator.importer import MARKER

    problems = []
    for m in mandates:
        texts = [m.name, m.responsibility, m.issuer, m.recipient, *m.distribution]
        texts += [item.plain() for item in m.body]
        if any(MARKER in text for text in texts):
            problems.append(
                Problem(
                    m.source,
                    None,
                    None,
                    "",
                    _(
                        "the council file still has places marked {marker}; "
                        "fill them in (uppdrag check "
                        "lists them) or render with --draft"
                    ).format(marker=MARKER),
                )
            )
    if problems:
        raise DataError(problems)


def _unknown_council(path: Path, known: list[str]) -> Problem:
    """A council named on the command line that has no file: say which ones there are."""
    from generator.validation import suggest

    guess = suggest(path.stem, known)
    if guess:
        message = _("no council '{name}' – did you mean '{guess}'?").format(
            name=path.stem, guess=guess
        )
    else:
        message = _("no council '{name}'; the councils are: {known}").format(
            name=path.stem, known=", ".join(known) or "–"
        )
    return Problem(display_path(path), None, None, "", message)
