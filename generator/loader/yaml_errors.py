"""A YAML syntax error in a secretary's words, at the place they should look.

ruamel.yaml's messages are written for programmers ("while scanning a quoted scalar … found
unexpected end of stream") and point where the parser gave up, which for an unclosed quote or
bracket is the end of the file.  These helpers pick the mark worth showing and say what to do.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from generator.exceptions import Problem
from generator.i18n import _
from generator.loader.messages import shown
from generator.loader.text import bad_char_message


def reader_problem(err: ReaderError, text: str, display: str) -> Problem:
    """A character ruamel's reader refuses (a raw control character), with its line and column."""
    position_ = err.position if isinstance(err.position, int) else None
    line = column = None
    if position_ is not None and 0 <= position_ <= len(text):
        line = text.count("\n", 0, position_) + 1
        column = position_ - (text.rfind("\n", 0, position_) + 1) + 1
    char = err.character
    if isinstance(char, int):
        message = bad_char_message(chr(char))
    else:
        message = _("the file is not UTF-8 text; save it as UTF-8")
    return Problem(display, line, column, "", message)


def error_mark(err: MarkedYAMLError) -> Any:
    """The mark a secretary should look at: where an unclosed quote or bracket was opened."""
    context = (err.context or "").lower()
    if err.context_mark is not None and any(
        word in context for word in ("quoted scalar", "flow sequence", "flow mapping")
    ):
        return err.context_mark
    return err.problem_mark or err.context_mark


def is_tab_error(err: MarkedYAMLError) -> bool:
    problem = (err.problem or "").lower()
    return "tab" in problem or "'\\t'" in problem


def describe_yaml_error(err: MarkedYAMLError) -> str:
    problem = (err.problem or "").lower()
    context = (err.context or "").lower()
    if "tab" in problem or "'\\t'" in problem:
        return _("tab characters cannot be used for indentation; use spaces")
    if "duplicate key" in problem or "found duplicate key" in str(err).lower():
        match = re.search(r'duplicate key "(.*?)" with value', err.problem or "")
        if match:
            return _("the key '{key}' appears twice in the same table").format(
                key=shown(match.group(1))
            )
        return _("the same key appears twice")
    if "quoted scalar" in context:
        return _("a quotation mark opened here is never closed")
    if "flow sequence" in context:
        if "<stream end>" in problem:
            return _("a '[' opened here is never closed with ']'")
        return _(
            "a '[' here starts a list on one line that is not closed on it; if the '[' belongs "
            "to the text, put the whole text in quotes"
        )
    if "flow mapping" in context:
        if "<stream end>" in problem:
            return _("a '{' opened here is never closed with '}'")
        return _(
            "a '{' here starts a table on one line that is not closed on it; if the '{' belongs "
            "to the text, put the whole text in quotes"
        )
    if "another document" in problem or "single document" in context:
        return _(
            "a data file holds one document; remove the line '---' and what follows, or "
            "move it to a file of its own"
        )
    if "mapping values are not allowed" in problem:
        return _("a ':' in a text value; put the text in quotes")
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return _("the indentation or structure is wrong here")
    return _("the file is not valid YAML: {problem}").format(problem=shown(err.problem or err))
