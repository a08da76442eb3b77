"""The names :mod:`generator.reissue`, :mod:`generator.importer.keep` and
:mod:`generator.pdf.missing` still import from here, where the commands' work used to live.

The work is now in modules of one concern each: :mod:`generator.councils` (load and validate),
:mod:`generator.issuing` (render, register, write), :mod:`generator.decisions`,
:mod:`generator.register_operations`, :mod:`generator.register_access`,
:mod:`generator.council_files` and :mod:`generator.diarium`.  Those three modules are being
split on their own branches at the same time, so they are not edited here; once they import from
the new homes this module goes.  Nothing else should import from it.
"""

from __future__ import annotations

from generator.command import Notify
from generator.command import quiet as _quiet
from generator.councils import LoadAll, LoadOutcome, load_councils, load_one, refuse_unfilled
from generator.issuing import default_path, subject
from generator.register_access import register_path
from generator.settling import recover, stop_issuing

__all__ = [
    "LoadAll",
    "LoadOutcome",
    "Notify",
    "_quiet",
    "default_path",
    "load_councils",
    "load_one",
    "recover",
    "refuse_unfilled",
    "register_path",
    "stop_issuing",
    "subject",
]
