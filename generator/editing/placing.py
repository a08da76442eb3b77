"""Problems of a save put at the fields they are about, so the page shows each beside its field.

Problems name their place as the schema does (``avsnitt.syfte[1].klausul``); the form names its
fields by their place in the file.  A problem goes to the innermost field or element whose place
its name starts with, and is listed in the page's summary with a link to it.
"""

from __future__ import annotations

from typing import Any

from generator.editing.form import Field, Form, ListNode, Section
from generator.exceptions import Problem
from generator.loader.messages import field_name


def _targets(form: Form) -> dict[str, tuple[Any, str]]:
    """Every place that can show a problem: its field name (as problems name it) → (holder, id)."""
    out: dict[str, tuple[Any, str]] = {}

    def add_field(f: Field | None) -> None:
        if f is not None:
            out[field_name(f.path)] = (f, f.id)

    def walk(node: ListNode | None) -> None:
        if node is None:
            return
        for e in node.elements:
            out[field_name(e.path)] = (e, e.id)
            add_field(e.text)
            add_field(e.label)
            walk(e.children)

    def walk_section(s: Section) -> None:
        out[field_name(s.path)] = (s, s.id)
        add_field(s.title_field)
        walk(s.content)
        for sub in s.subsections:
            walk_section(sub)

    for f in form.head + form.own_clauses:
        add_field(f)
    walk(form.intro)
    for s in form.sections:
        walk_section(s)
    walk(form.distribution)
    for _key, node in form.own_lists:
        walk(node)
    return out


def place(form: Form, problems: list[Problem], display: str) -> None:
    targets = _targets(form)
    for problem in problems:
        holder = None
        if not display or problem.file == display:
            name = problem.field
            while name:
                if name in targets:
                    holder = targets[name]
                    break
                name = _shorter(name)
        if holder is None:
            form.other_errors.append(str(problem))
            form.summary.append({"message": str(problem), "target": ""})
            continue
        target, target_id = holder
        target.errors.append(problem.message)
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        form.summary.append({"message": message, "target": target_id})


def _shorter(name: str) -> str:
    """``avsnitt.syfte[1].klausul`` → ``avsnitt.syfte[1]`` → ``avsnitt.syfte`` → ``avsnitt``."""
    cut = max(name.rfind("."), name.rfind("["))
    return name[:cut] if cut > 0 else ""
