"""The Jinja environment templates render in: strict, sandboxed, escaping for XML.

- ``StrictUndefined``: a tag that names something the data lacks is an error, never an empty gap.
- Sandbox: a template edited in Word cannot read files, import modules or reach Python internals
  (``''.__class__``, ``self.__init__.__globals__``: a :class:`~jinja2.sandbox.SecurityError`).
  A template is compiled from its own XML only, so ``{% import %}``, ``{% include %}`` and
  ``{% extends %}`` are refused as well: there is no other template to reach, and no file.
- Autoescape: every value is escaped for XML, so data text (``<w:p/>``, ``&``, ``{{ }}``) is always
  written literally.  Only the run XML that :mod:`generator.inline` builds is marked safe.
- Bounded: a template cannot take the machine down.  Numbers, strings and lists stay small
  (:data:`MAX_INT_BITS`, :data:`MAX_SIZE`: ``{{ 'a' * 10**9 }}``, ``{{ 10**(10**10) }}``,
  ``{{ s ~ s }}`` doubling in a loop, ``'a'|center(10**9)``), all the ranges of one document
  together have at most :data:`MAX_LOOP` items, its output at most :data:`MAX_OUTPUT` characters,
  and it renders in at most :data:`MAX_SECONDS` (checked with a timer where the system has one);
  a template that goes past is refused with a :class:`TemplateLimit` naming the limit.
- Data text can never turn into template syntax after rendering either: the rendered XML is
  "unpatched" (docxtpl's escapes ``{_{ … }_}`` become ``{{ … }}``), so every value is escaped with
  :func:`literal`, which writes the ``_`` of ``{_`` and ``_}`` as a character reference
  (:func:`generator.inline.protect`).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from jinja2 import StrictUndefined, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import markup_join
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


#: The largest integer a template may make, in bits (``str()`` of a bigger one is slow).
MAX_INT_BITS = 10_000
#: The most characters a string, or items a list, that a template makes may have.
MAX_SIZE = 1_000_000
#: The most items of all the ranges that one render makes together (nested loops).
MAX_LOOP = 1_000_000
#: The most characters one rendered part may have (the largest real document is far below).
MAX_OUTPUT = 64_000_000
#: The most seconds one part may take to render.
MAX_SECONDS = 5.0


class TemplateLimit(SecurityError):
    """A template went past one of the limits of the sandbox."""


def _too_big(what: str, limit: int) -> TemplateLimit:
    return TemplateLimit(
        _("the template makes {what} larger than the limit ({limit})").format(
            what=what, limit=limit
        )
    )


class _Budget(threading.local):
    """What the render under way in this thread has used of :data:`MAX_LOOP`."""

    loop = 0


_budget = _Budget()


def _range(*args: Any) -> range:
    try:
        made = safe_range(*args)
    except OverflowError as err:
        raise TemplateLimit(str(err)) from None
    _budget.loop += len(made)
    if _budget.loop > MAX_LOOP:
        raise _too_big(_("loops"), MAX_LOOP)
    return made


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | bytes) else 0


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _too_big(_("a number"), MAX_INT_BITS)
    return value


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too big, before it is computed."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if operator == "**" and numbers:
        base = abs(left)
        if base > 1 and right > 0 and right * math.log2(base) > MAX_INT_BITS:
            raise _too_big(_("a number"), MAX_INT_BITS)
    elif operator == "*" and numbers:
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _too_big(_("a number"), MAX_INT_BITS)
    elif operator == "*":
        sequence, count = (left, right) if _size(left) else (right, left)
        if isinstance(count, int) and _size(sequence) * max(count, 0) > MAX_SIZE:
            raise _too_big(_("a text or a list"), MAX_SIZE)
    elif operator == "+" and _size(left) + _size(right) > MAX_SIZE:
        raise _too_big(_("a text or a list"), MAX_SIZE)
    elif operator == "%" and isinstance(left, str):
        _check_format(left)


_WIDTHS = re.compile(r"\d+")


def _check_format(text: str) -> None:
    """A format string whose widths or precisions would make a huge text (``'%999999999s'``)."""
    if any(int(digits) > MAX_SIZE for digits in _WIDTHS.findall(text)):
        raise _too_big(_("a text or a list"), MAX_SIZE)


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if any(isinstance(v, int) and v > MAX_SIZE for v in (*args, *kwargs.values())):
        raise _too_big(_("a text or a list"), MAX_SIZE)


def _estimate(name: str, value: Any, args: tuple[Any, ...]) -> int:
    """The size of what a string method or filter ``name`` would make, before it does."""
    if name == "replace" and len(args) >= 2 and isinstance(value, str):
        old, new = str(args[0]), str(args[1])
        return len(value) + value.count(old) * max(len(new) - len(old), 0)
    if name == "join":
        items = value if isinstance(value, list | tuple) else (args[0] if args else ())
        separator = value if isinstance(value, str) else (args[0] if args else "")
        if isinstance(items, list | tuple):
            return sum(_size(str(i)) for i in items) + len(str(separator)) * len(items)
    if name == "indent" and isinstance(value, str):
        width = args[0] if args and isinstance(args[0], int) else 4
        return len(value) + (value.count("\n") + 1) * width
    return 0


#: String methods and filters that can make a text much bigger than what they are given.
_GROWING = frozenset(
    {
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
        "replace",
        "join",
        "indent",
        "format",
        "format_map",
        "wordwrap",
    }
)


def _bounded_filter(name: str, function: Any) -> Any:
    # A filter that takes the context or environment first (``@pass_eval_context``) gets it
    # before the value; the wrapper keeps the mark, so Jinja passes it here too.
    passed = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    def bounded(*given: Any, **kwargs: Any) -> Any:
        value, args = given[passed], given[passed + 1 :]
        _check_args(args, kwargs)
        if name == "format" and isinstance(value, str):
            _check_format(value)
        if _estimate(name, value, args) > MAX_SIZE:
            raise _too_big(_("a text or a list"), MAX_SIZE)
        return function(*given, **kwargs)

    functools.update_wrapper(bounded, function)
    return bounded


def bounded_join(items: Iterable[Any]) -> Any:
    """``a ~ b``: joined as Jinja joins it, unless the result would pass :data:`MAX_SIZE`."""
    values = list(items)
    if sum(_size(str(v)) for v in values) > MAX_SIZE:
        raise _too_big(_("a text or a list"), MAX_SIZE)
    return markup_join(values)


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to :func:`bounded_join` (the sandbox has no hook for ``~``)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's
        self.write("environment.bounded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`TemplateLimit` in this thread after ``seconds``, where a timer can (the main
    thread of a Unix process: the CLI's, and each batch worker's); elsewhere no timer."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(_signum: int, _frame: Any) -> None:
        raise TemplateLimit(_("the template took longer than {seconds} s").format(seconds=seconds))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class BoundedTemplate(Template):
    """A template whose render counts its loops, its output and its time."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        _budget.loop = 0
        try:
            with _deadline(MAX_SECONDS):
                out: list[str] = []
                size = 0
                for chunk in self.root_render_func(ctx):
                    size += len(chunk)
                    if size > MAX_OUTPUT:
                        raise _too_big(_("a document"), MAX_OUTPUT)
                    out.append(chunk)
                return self.environment.concat(out)  # type: ignore[attr-defined]
        except Exception:
            self.environment.handle_exception()


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with no other templates to reach and a fast path for dict keys.

    ``item.kind`` on a plain dict is read as a key straight away: the sandbox's ``getattr`` first
    tries a Python attribute, and raising and catching that ``AttributeError`` was half of the
    Jinja time of a document.  A name that is an attribute of ``dict`` (``items``, ``keys``) still
    goes the sandbox's way, and a missing key is the same strict undefined.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _check_format(obj)  # the sandbox's own str.format is not called through call()
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator
    template_class = BoundedTemplate
    bounded_join = staticmethod(bounded_join)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _check_int(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _GROWING:
            _check_args(args, kwargs)
            if name in ("format", "format_map"):
                _check_format(owner)
            if _estimate(name, owner, args) > MAX_SIZE:
                raise _too_big(_("a text or a list"), MAX_SIZE)
        return super().call(__context, __obj, *args, **kwargs)

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
    env.globals.pop("lipsum", None)  # made-up text of any length: nothing a mandate needs
    for name in _GROWING & set(env.filters):
        env.filters[name] = _bounded_filter(name, env.filters[name])
    return env
