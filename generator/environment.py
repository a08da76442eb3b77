"""The Jinja environment templates render in: strict, sandboxed, escaping for XML.

- ``StrictUndefined``: a tag that names something the data lacks is an error, never an empty gap.
- Sandbox: a template edited in Word cannot read files, import modules or reach Python internals.
- Autoescape: every value is escaped for XML, so data text (``<w:p/>``, ``&``, ``{{ }}``) is always
  written literally.  Only the run XML that :mod:`generator.inline` builds is marked safe.
"""

from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment


def make_environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
    )
