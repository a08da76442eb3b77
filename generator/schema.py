"""The JSON schemas of the three data files: a council, the clause library and the settings.

They are data, kept apart from :mod:`generator.validation`, which checks a file against them and
explains each problem, because more than validation reads them: the editors
(:mod:`generator.editing`) check a new clause or section id against the id patterns, and the
loader's guard (:mod:`generator.loader.guard`) collects every key they know.  Each ``anyOf``
carries ``x-expected``, the words :mod:`generator.validation` uses when a value matches none of
its branches.
"""

from __future__ import annotations

from typing import Any

from generator.i18n import N_
from generator.loader.text import FORBIDDEN_CHARS

# Patterns end in \Z, not $: jsonschema matches them with Python's re, where $ also matches
# before a final line feed ("syfte\n" would pass).
CLAUSE_ID = r"^[a-z0-9][a-z0-9.\-_]*\Z"
SECTION_ID = r"^[a-z0-9åäö][a-z0-9åäö\-_]*\Z"
DIARY_SERIES = r"^[A-ZÅÄÖ]{1,6}\Z"
# Text holds no control characters (line feed only in TEXT, as a line break) and nothing XML
# forbids: see loader.text.FORBIDDEN_CHARS.
TEXT_PATTERN = f"^[^{FORBIDDEN_CHARS}]*\\Z"
LINE_PATTERN = f"^[^\\n{FORBIDDEN_CHARS}]*\\Z"
# Printable text: no control characters except line feed (a line break in the document).
TEXT = {"type": "string", "pattern": TEXT_PATTERN, "maxLength": 20000}
# One line that is not blank.  Two patterns rather than one: a single pattern for both
# ("printable* non-blank printable*") backtracks quadratically on a long value.
NAME = {
    "type": "string",
    "maxLength": 500,
    "allOf": [{"pattern": LINE_PATTERN}, {"pattern": r"\S"}],
}

_DEFS: dict[str, Any] = {
    "text": TEXT,
    "name": NAME,
    "clause_ref": {
        "type": "object",
        "properties": {"klausul": {"type": "string", "pattern": CLAUSE_ID}},
        "required": ["klausul"],
        "additionalProperties": False,
    },
    "part": {
        "x-expected": N_("text or 'klausul: id'"),
        "anyOf": [{"$ref": "#/$defs/text"}, {"$ref": "#/$defs/clause_ref"}],
    },
    "parts": {
        "x-expected": N_("text or a list of texts and clauses"),
        "anyOf": [
            {"$ref": "#/$defs/text"},
            {"type": "array", "items": {"$ref": "#/$defs/part"}, "minItems": 1},
        ],
    },
    "item": {
        "x-expected": N_("text, 'klausul: id' or 'stycke: …'"),
        "anyOf": [
            {"$ref": "#/$defs/text"},
            {
                "type": "object",
                "properties": {
                    "klausul": {"type": "string", "pattern": CLAUSE_ID},
                    "stycke": {"$ref": "#/$defs/parts"},
                },
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": False,
            },
        ],
    },
    "block": {
        "x-expected": N_("text or a block (klausul, stycke, punkter, fält, rader)"),
        "anyOf": [
            {"$ref": "#/$defs/text"},
            {
                "type": "object",
                "properties": {
                    "klausul": {"type": "string", "pattern": CLAUSE_ID},
                    "stycke": {"$ref": "#/$defs/parts"},
                    "punkter": {"type": "array", "items": {"$ref": "#/$defs/item"}, "minItems": 1},
                    "fält": {"$ref": "#/$defs/name"},
                    "text": {"$ref": "#/$defs/parts"},
                    "rader": {"type": "array", "items": {"$ref": "#/$defs/text"}, "minItems": 1},
                },
                "minProperties": 1,
                "additionalProperties": False,
            },
        ],
    },
    "blocks": {"type": "array", "items": {"$ref": "#/$defs/block"}},
    "section": {
        "x-expected": N_("a list of blocks, or rubrik/innehåll/underavsnitt"),
        "anyOf": [
            {"$ref": "#/$defs/blocks"},
            {
                "type": "object",
                "properties": {
                    "rubrik": {"$ref": "#/$defs/name"},
                    "innehåll": {"$ref": "#/$defs/blocks"},
                    "underavsnitt": {
                        "type": "object",
                        "propertyNames": {"pattern": SECTION_ID},
                        "additionalProperties": {"$ref": "#/$defs/section"},
                    },
                },
                "additionalProperties": False,
            },
        ],
    },
    "clause": {
        "x-expected": N_("text or a list of blocks"),
        "anyOf": [{"$ref": "#/$defs/text"}, {"$ref": "#/$defs/blocks"}],
    },
    "clauses": {
        "type": "object",
        "propertyNames": {"pattern": CLAUSE_ID},
        "additionalProperties": {"$ref": "#/$defs/clause"},
    },
}

COUNCIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "$defs": _DEFS,
    "properties": {
        "namn": {"$ref": "#/$defs/name"},
        "ansvarsområde": {"$ref": "#/$defs/name"},
        "uppdragsgivare": {"$ref": "#/$defs/name"},
        "uppdragstagare": {"$ref": "#/$defs/name"},
        "inledning": {"$ref": "#/$defs/blocks"},
        "avsnitt": {
            "type": "object",
            "propertyNames": {"pattern": SECTION_ID},
            "additionalProperties": {"$ref": "#/$defs/section"},
            "minProperties": 1,
        },
        "sändlista": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        "klausuler": {"$ref": "#/$defs/clauses"},
    },
    "required": ["namn", "ansvarsområde", "uppdragstagare", "avsnitt"],
    "additionalProperties": False,
}

LIBRARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "$defs": _DEFS,
    "properties": {
        "avsnitt": {
            "type": "object",
            "propertyNames": {"pattern": SECTION_ID},
            "additionalProperties": {"$ref": "#/$defs/name"},
        },
        "klausuler": {"$ref": "#/$defs/clauses"},
    },
    "required": ["avsnitt", "klausuler"],
    "additionalProperties": False,
}

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "$defs": _DEFS,
    "properties": {
        "organisation": {"$ref": "#/$defs/name"},
        "diarieserie": {"type": "string", "pattern": DIARY_SERIES},
        "dokumenttitel": {"$ref": "#/$defs/text"},
        "dokumenttyp": {"$ref": "#/$defs/name"},
        "undertecknare": {
            "type": "object",
            "properties": {"namn": {"$ref": "#/$defs/name"}, "titel": {"$ref": "#/$defs/name"}},
            "required": ["namn", "titel"],
            "additionalProperties": False,
        },
        "datumformat": {"enum": ["iso", "lång"]},
    },
    "required": ["organisation", "diarieserie", "dokumenttitel", "undertecknare"],
    "additionalProperties": False,
}
