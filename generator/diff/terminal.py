"""The changes of a re-issue as text for the terminal (what ``reissue --dry-run`` prints).

Only what changed is shown, with the unchanged paragraph just before each group cut short so that
the reader can find the place; colour is optional, so the same text reads in a log file.
"""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import shorten

import click

from generator.diff.paragraphs import Comparison
from generator.diff.words import WordOp
from generator.i18n import _, ngettext

CONTEXT_WIDTH = 72


def _marked(ops: Sequence[WordOp], color: bool) -> str:
    out = []
    for op in ops:
        if op.kind == "equal":
            out.append(op.text)
        elif color:
            style = {"fg": "red", "strikethrough": True} if op.kind == "delete" else {"fg": "green"}
            out.append(click.style(op.text, **style))
        else:
            out.append(f"[-{op.text}-]" if op.kind == "delete" else f"{{+{op.text}+}}")
    return "".join(out)


def _line(prefix: str, text: str) -> str:
    """A paragraph on one or more lines; its line breaks continue under the text."""
    return prefix + text.replace("\n", "\n  ")


def format_text(comparison: Comparison, *, color: bool = False) -> str:
    """The changes as text for the terminal: ``~`` modified (changed words marked ``[-…-]{+…+}``,
    or red/green with ``color``), ``+`` inserted and ``-`` deleted paragraphs.

    Unchanged paragraphs are not shown, except the one just before each group of changes, cut
    short, so that the reader can find the place; ``…`` marks what is left out.
    """
    if not comparison.changed:
        return _("No changes.")
    n = comparison.paragraphs_changed
    lines = [ngettext("{n} paragraph changed:", "{n} paragraphs changed:", n).format(n=n)]
    new = comparison.new
    touched = {c.new_index for c in comparison.changes if c.kind != "delete"}

    def unchanged(j: int) -> bool:
        return j not in touched and j not in comparison.ignored_new

    shown = 0  # every new paragraph before this one has been shown or skipped
    for change in comparison.changes:
        anchor = change.new_index
        if anchor > shown:
            context = [j for j in range(shown, anchor) if unchanged(j)]
            if len(context) > 1:
                lines.append("  …")
            if context:
                text = shorten(new[context[-1]].replace("\n", " "), CONTEXT_WIDTH, placeholder=" …")
                lines.append("  " + (click.style(text, dim=True) if color else text))
        if change.kind == "replace":
            lines.append(_line("~ ", _marked(change.words, color)))
        elif change.kind == "insert":
            text = click.style(change.new, fg="green") if color else change.new
            lines.append(_line(click.style("+ ", fg="green") if color else "+ ", text))
        else:
            text = click.style(change.old, fg="red", strikethrough=True) if color else change.old
            lines.append(_line(click.style("- ", fg="red") if color else "- ", text))
        shown = max(shown, anchor + (change.kind != "delete"))
    if any(unchanged(j) for j in range(shown, len(new))):
        lines.append("  …")
    return "\n".join(lines)
