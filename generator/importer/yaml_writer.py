"""Write council files in the style of the hand-written ones.

Long texts are folded (``>-``) near column :data:`~.source.WIDTH` and the top-level parts and
sections are set apart by blank lines, so that an imported file reads like one a secretary wrote.
A council file is the secretary's work: it is created, never replaced (:func:`write_new_file`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from generator.exceptions import RegisterError, UsageError
from generator.i18n import _
from generator.importer.source import WIDTH, Source, wrap

_TOP_GAP = ("inledning", "avsnitt", "sändlista", "klausuler")


def _foldable(text: str) -> bool:
    return (
        text == text.strip()
        and "\n" not in text
        and "  " not in text
        and text.isprintable()
        and not text.startswith(("#", "-", "[", "{", "'", '"'))
    )


def _styled(value: Any, column: int) -> Any:
    """Plain data as ruamel nodes: long texts as ``>-`` folded at about :data:`WIDTH` columns.

    ``column`` is where the node's content starts (a mapping's keys, a list's items after
    ``- ``), so that a folded text ends near column 100 however deep it stands.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            if isinstance(v, dict):
                node[k] = _styled(v, column + 2)
            elif isinstance(v, list):
                node[k] = _styled(v, column + 4)
            else:
                node[k] = _scalar(v, column + len(str(k)) + 2, column + 2)
        return node
    if isinstance(value, list):
        return CommentedSeq(
            [
                _styled(v, column + 2)
                if isinstance(v, list)
                else _styled(v, column)
                if isinstance(v, dict)
                else _scalar(v, column, column)
                for v in value
            ]
        )
    return _scalar(value, column, column)


def _scalar(value: Any, inline_column: int, block_column: int) -> Any:
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if not isinstance(value, str):
        return value
    if (
        "\n" in value
        and value == value.strip()
        and all(line == line.strip() and line.isprintable() for line in value.split("\n"))
    ):
        return LiteralScalarString(value)
    if inline_column + len(value) > WIDTH and _foldable(value):
        scalar = FoldedScalarString(value)
        scalar.fold_pos = _fold_positions(value, max(40, WIDTH - block_column))  # type: ignore[attr-defined]
        return scalar
    return value


def _fold_positions(text: str, width: int) -> list[int]:
    positions = []
    line_start = 0
    last_space = -1
    for i, ch in enumerate(text):
        if ch == " ":
            if i - line_start > width and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = i
    if len(text) - line_start > width and last_space > line_start:
        positions.append(last_space)
    return positions


def to_yaml(data: dict[str, Any], header: str = "") -> str:
    """The council file's text; ``header`` becomes the comment at its top."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # folding is done by :func:`_styled`, nowhere else
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(_styled(data, 0), stream)
    lines = stream.getvalue().splitlines()
    out: list[str] = []
    in_sections = False
    first_section = True
    for line in lines:
        top = re.match(r"^([^\s#-][^:]*):", line)
        if top:
            in_sections = top.group(1) == "avsnitt"
            if top.group(1) in _TOP_GAP:
                out.append("")
                if top.group(1) == "klausuler":
                    out.append(
                        "# Rådets egna versioner av klausuler: de skiljer sig från bibliotekets."
                    )
        elif in_sections and re.match(r"^  [a-z0-9åäö][a-z0-9åäö\-_]*:( \[\])?$", line):
            if not first_section:
                out.append("")
            first_section = False
        out.append(line)
    comment = "".join(f"# {c}\n" if c else "#\n" for c in header.splitlines())
    return comment + "\n".join(out) + "\n"


def header_comment(name: str, source: Source | None) -> str:
    """The first lines of an imported file: what it was made from (Swedish, as the data files)."""
    if source is None:
        return f"{name}."
    stamp = [x for x in (source.dnr, source.date.isoformat() if source.date else None) if x]
    if source.decided:
        stamp.append(f"beslutad {source.decided.isoformat()}")
    text = f"{name}, importerad från {source.path.name}"
    if stamp:
        text += f" ({', '.join(stamp)})"
    text += ". Gemensam text hämtas ur data/klausuler.yaml; här står bara det som är rådets eget."
    return "\n".join(wrap(text, WIDTH - 2))


def write_council(data: dict[str, Any], path: Path, source: Source | None = None) -> Path:
    """Write an imported council file; an existing file is never overwritten."""
    from ruamel.yaml import YAML

    text = to_yaml(data, header_comment(str(data.get("namn", Path(path).stem)), source))
    # The file must read back as exactly the data: folding is the writer's own, so it is checked.
    if YAML(typ="safe").load(text) != data:
        raise AssertionError("the council file does not read back as the imported data")
    return write_new_file(path, text)


def write_new_file(path: Path, text: str) -> Path:
    """Create a council file atomically; refuse when it exists (a council file is the secretary's
    work, so neither an import nor ``uppdrag new`` may replace one)."""
    from generator.writer import write_new

    path = Path(path)
    refused = UsageError(
        _(
            "{path} already exists and is never overwritten by an import or a new council; "
            "choose another file with -o"
        ).format(path=path)
    )
    if path.exists():
        raise refused
    try:
        write_new(path, text.encode("utf-8"))
    except RegisterError:  # created meanwhile: write_new links, so it never replaces a file
        raise refused from None
    return path
