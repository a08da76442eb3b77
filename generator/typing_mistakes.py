"""The typing mistakes a secretary makes in a data file, found on the line where they are made.

A YAML parser reports where it gave up, which is often one to three lines after the mistake: a
key line without its colon reads as the continuation of the text above it, and only the next key
stops the parser.  Its words ("mapping values are not allowed here") fit none of the usual
mistakes.  So when a file does not parse, its lines are looked over for the usual mistakes; one
found on the parser's line or shortly before it is what the message names, with advice that fits
it.  Each rule looks at one line and its neighbours only, the way a person reading the file would:

- no space after a key's colon (``namn:Samordningsråd hjärta``);
- a key without its colon, or with ``=`` instead (``uppdragsgivare Karin Looström Muth``);
- a list item without its dash, or with no space after it (``-klausul: syfte.samverka``);
- a key indented more than the keys beside it;
- quotation marks inside quoted text, or text after the closing quotation mark.

Lines of block texts (after ``>-`` or ``|``) and comments are never looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.i18n import _

#: How many lines before the parser's line a mistake may be and still be the cause.
WINDOW = 4

_KEY_LINE = re.compile(r"(?P<key>[^\s:#'\"\-][^:#]*?):(?:\s|$)")
_KEY_WORD = re.compile(r"(?P<key>[^\W\d][\w-]*)")
_NO_SPACE = re.compile(r"(?P<key>[^\W\d][\w-]*):(?P<value>[^\s/].*)")
_BLOCK_HEADER = re.compile(r"(?:^|:\s+|^-\s+)[>|][-+0-9]*$")


@dataclass
class Mistake:
    """A mistake on one line (1-based line and column), with the advice for it."""

    line: int
    column: int
    message: str


@dataclass
class _Line:
    number: int
    indent: int
    content: str  # without the indentation and a trailing comment

    @property
    def is_item(self) -> bool:
        return self.content == "-" or self.content.startswith("- ")

    @property
    def body(self) -> str:
        """What follows the dash of a list item, or the whole line."""
        return self.content[1:].lstrip() if self.is_item else self.content

    @property
    def body_column(self) -> int:
        """0-based column where :attr:`body` starts."""
        return self.indent + len(self.content) - len(self.body)

    @property
    def is_key(self) -> bool:
        return _KEY_LINE.match(self.body) is not None

    @property
    def opens_block(self) -> bool:
        """A key or item with nothing after its colon: what follows belongs to it."""
        return self.body.endswith(":") or self.content == "-"


def find_mistakes(text: str) -> list[Mistake]:
    """Every usual typing mistake in ``text``, in the order of the lines."""
    lines = _significant_lines(text)
    found: list[Mistake] = []
    for index, line in enumerate(lines):
        before = lines[index - 1] if index else None
        after = lines[index + 1] if index + 1 < len(lines) else None
        mistake = _check(line, before, after)
        if mistake is not None:
            found.append(mistake)
    return found


def mistake_near(text: str, line: int | None) -> Mistake | None:
    """The mistake that made the parser stop at ``line``: the nearest one on it or before it."""
    if line is None:
        return None
    near = [m for m in find_mistakes(text) if line - WINDOW <= m.line <= line]
    return near[-1] if near else None


def _significant_lines(text: str) -> list[_Line]:
    """The lines a rule looks at: not blank, not comments, not inside a block text."""
    out: list[_Line] = []
    block_indent: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#") or raw[indent : indent + 1] == "\t":
            continue
        if stripped in ("---", "..."):
            continue
        line = _Line(number, indent, _strip_comment(raw[indent:]))
        if _BLOCK_HEADER.search(line.content):
            block_indent = indent
        out.append(line)
    return out


def _strip_comment(content: str) -> str:
    """``content`` without a trailing `` # comment`` outside quotes."""
    quote = ""
    for i, char in enumerate(content):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and (i == 0 or content[i - 1] in " :-[{,"):
            quote = char
        elif char == "#" and i > 0 and content[i - 1] == " ":
            return content[:i].rstrip()
    return content.rstrip()


def _check(line: _Line, before: _Line | None, after: _Line | None) -> Mistake | None:
    for rule in (_quotes, _no_space_after_colon, _dash, _missing_colon, _indented_key):
        mistake = rule(line, before, after)
        if mistake is not None:
            return mistake
    return None


def _no_space_after_colon(line: _Line, before: _Line | None, after: _Line | None) -> Mistake | None:
    match = _NO_SPACE.fullmatch(line.body)
    if match is None or line.is_key:
        return None
    key, value = match.group("key"), match.group("value")
    return Mistake(
        line.number,
        line.body_column + len(key) + 1,
        _("there is no space after the colon; write '{key}: {value}'").format(
            key=key, value=_short(value)
        ),
    )


def _dash(line: _Line, before: _Line | None, after: _Line | None) -> Mistake | None:
    """``-klausul: x`` (no space after the dash), or an item's line without its dash."""
    neighbours = [n for n in (before, after) if n is not None and n.indent == line.indent]
    if re.match(r"-[^\s\-\d]", line.content) and (
        any(n.is_item for n in neighbours)
        or (before is not None and before.opens_block and before.indent < line.indent)
    ):
        return Mistake(
            line.number,
            line.indent + 1,
            _("a list item needs a space after the dash; write '- {text}'").format(
                text=_short(line.content[1:])
            ),
        )
    if (
        not line.is_item
        and not line.is_key
        and before is not None
        and before.is_item
        and before.indent == line.indent
    ):
        return Mistake(
            line.number,
            line.indent + 1,
            _("this line lacks the dash of a list item; write '- {text}'").format(
                text=_short(line.content)
            ),
        )
    return None


def _missing_colon(line: _Line, before: _Line | None, after: _Line | None) -> Mistake | None:
    """A key line without its colon: beside other keys, or with its contents below it."""
    if line.is_key or line.body[:1] in ('"', "'", "[", "{", "-", ""):
        return None
    word = _KEY_WORD.match(line.body)
    if word is None:
        return None
    beside_keys = any(
        n is not None and n.indent == line.indent and n.is_key and not n.is_item
        for n in (before, after)
    )
    parent_of_block = (
        after is not None and after.indent > line.body_column and (after.is_key or after.is_item)
    )
    if line.is_item:
        # "- fält Mötesfrekvens" with "  text: …" below: the key belongs to the item's table.
        if after is None or not after.is_key or after.is_item or after.indent < line.body_column:
            return None
    if not line.is_item and not (beside_keys or parent_of_block):
        return None
    key = word.group("key")
    rest = line.body[len(key) :].strip()
    if rest.startswith("="):
        return Mistake(
            line.number,
            line.body_column + len(line.body) - len(line.body[len(key) :].lstrip()) + 1,
            _("write a colon, not '=', after the key: '{key}: {value}'").format(
                key=key, value=_short(rest[1:].strip())
            ),
        )
    value = f" {_short(rest)}" if rest else ""
    return Mistake(
        line.number,
        line.body_column + len(key) + 1,
        _("the colon after '{key}' is missing; write '{key}:{value}'").format(key=key, value=value),
    )


def _indented_key(line: _Line, before: _Line | None, after: _Line | None) -> Mistake | None:
    """A key further in than the key with a value above it, which it cannot belong to."""
    if line.is_item or not line.is_key or before is None or before.opens_block:
        return None
    if not before.is_key or line.indent <= before.body_column:
        return None
    return Mistake(
        line.number,
        line.indent + 1,
        _(
            "this line is indented more than the one above it; the keys of one table start "
            "in the same column"
        ),
    )


def _quotes(line: _Line, before: _Line | None, after: _Line | None) -> Mistake | None:
    """A quoted value that ends before the line does: inner quotation marks, or text after."""
    body = line.body
    key = _KEY_LINE.match(body)
    value = body[key.end() :].lstrip() if key else body
    if key is None and not line.is_item:
        return None
    if value[:1] not in ('"', "'"):
        return None
    quote = value[0]
    end = _closing_quote(value, quote)
    if end is None:
        return None  # a quoted text may go on over several lines; the parser judges it
    rest = value[end + 1 :].strip()
    if not rest:
        return None
    column = line.indent + len(line.content) - len(value) + end + 1
    if quote in rest:
        return Mistake(
            line.number,
            column,
            _(
                "a quotation mark inside quoted text ends the text; write the inner ones as ” ” "
                "(the Swedish marks), or leave out the outer ones"
            ),
        )
    return Mistake(
        line.number,
        column + 1,
        _(
            "text follows the closing quotation mark; put the whole text inside the quotation "
            "marks, or leave them out"
        ),
    )


def _closing_quote(value: str, quote: str) -> int | None:
    """Index of the quotation mark that closes ``value[0]``, or None when the line has none."""
    i = 1
    while i < len(value):
        char = value[i]
        if quote == '"' and char == "\\":
            i += 2
            continue
        if char == quote:
            if quote == "'" and value[i + 1 : i + 2] == "'":
                i += 2  # '' is an apostrophe inside single quotes
                continue
            return i
        i += 1
    return None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"
