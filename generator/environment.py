"""The Jinja environment templates render in: strict, sandboxed, escaping for XML.

- ``StrictUndefined``: a tag that names something the data lacks is an error, never an empty gap.
- Sandbox: a template edited in Word cannot read files, import modules or reach Python internals
  (``''.__class__``, ``self.__init__.__globals__``: a :class:`~jinja2.sandbox.SecurityError`).
  A template is compiled from its own XML only, so ``{% import %}``, ``{% include %}`` and
  ``{% extends %}`` are refused as well: there is no other template to reach, and no file.
- Autoescape: every value is escaped for XML, so data text (``<w:p/>``, ``&``, ``{{ }}``) is always
  written literally.  Only the run XML that :mod:`generator.inline` builds is marked safe.
- Data text can never turn into template syntax after rendering either: the rendered XML is
  "unpatched" (docxtpl's escapes ``{_{ … }_}`` become ``{{ … }}``), so every value is escaped with
  :func:`literal`, which writes the ``_`` of ``{_`` and ``_}`` as a character reference
  (:func:`generator.inline.protect`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from markupsafe import Markup, escape

from generator.i18n import _
from generator.inline import check_text, protect


def literal(value: Any) -> Any:
    """``finalize`` of every ``{{ … }}``: text escaped for XML so that nothing in it is markup.

    Markup (the run XML of :mod:`generator.inline`) is already escaped and passes as it is; other
    values (numbers, booleans) are escaped by autoescape as usual.
    """
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    check_text(value)
    escaped = escape(value)
    if "{_" in escaped or "_}" in escaped:
        escaped = Markup(protect(str(escaped)))
    return escaped


def _range(*args: Any) -> range:
    try:
        return safe_range(*args)
    except OverflowError as err:
        raise SecurityError(str(err)) from None


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with no other templates to reach and a fast path for dict keys.

    ``item.kind`` on a plain dict is read as a key straight away: the sandbox's ``getattr`` first
    tries a Python attribute, and raising and catching that ``AttributeError`` was half of the
    Jinja time of a document.  A name that is an attribute of ``dict`` (``items``, ``keys``) still
    goes the sandbox's way, and a missing key is the same strict undefined.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def get_template(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise SecurityError(_("a template cannot import, include or extend another template"))

    select_template = get_template
    get_or_select_template = get_template


_DICT_ATTRIBUTES = frozenset(dir(dict))


def make_environment() -> TemplateSandbox:
    env = TemplateSandbox(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=literal,
    )
    env.globals["range"] = _range
    return env
