"""Swedish by default, English on request: our messages and click's, and complete catalogs.

The catalogs are compiled here when the .mo files are missing or older than the .po files, so
the tests need no ``make`` first.  Every message must be translated (no empty or fuzzy entry)
with the same placeholders as the English: a message added to the code without a Swedish
translation fails here, not in front of a secretary.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from generator import i18n

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "generator" / "locale"
DOMAINS = (i18n.DOMAIN, i18n.CLICK_DOMAIN)
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _po(domain: str) -> Path:
    return LOCALE / "sv" / "LC_MESSAGES" / f"{domain}.po"


@pytest.fixture(scope="session", autouse=True)
def catalogs() -> None:
    """Compile the Swedish catalogs if they are missing or stale (what ``make catalogs`` does)."""
    from babel.messages.frontend import CommandLineInterface

    for domain in DOMAINS:
        po = _po(domain)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            CommandLineInterface().run(
                ["pybabel", "-q", "compile", "-D", domain, "-d", str(LOCALE), "-l", "sv"]
            )
    i18n._translations.cache_clear()
    i18n._click_translations.cache_clear()


def _locale(**values: str | None) -> dict[str, str | None]:
    """An environment with exactly these locale variables (None: unset)."""
    env: dict[str, str | None] = dict.fromkeys(LOCALE_VARS)
    env.update(values)
    return env


@pytest.fixture
def run() -> Callable[..., Result]:
    """``run(args, LANG=…)``: ``uppdrag ARGS`` in-process with only the given locale variables."""
    i18n.install_click_translations()
    from generator.cli import main

    def invoke(args: list[str], **locale: str | None) -> Result:
        return CliRunner().invoke(main, args, env=_locale(**locale), prog_name="uppdrag")

    return invoke


SWEDISH = [
    pytest.param({"LANG": "C", "LANGUAGE": ""}, id="C"),
    pytest.param({}, id="no-locale"),
    pytest.param({"LANG": "C.UTF-8"}, id="C.UTF-8"),
    pytest.param({"LC_ALL": "POSIX"}, id="POSIX"),
    pytest.param({"LANG": "sv_SE.UTF-8"}, id="sv_SE"),
]
ENGLISH = [
    pytest.param({"LANGUAGE": "en"}, id="LANGUAGE=en"),
    pytest.param({"LANG": "en_US.UTF-8"}, id="en_US"),
    pytest.param({"LANG": "C", "LANGUAGE": "en_GB:en"}, id="LANGUAGE-over-C"),
]


# -- the language rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "sv"),
        ({"LANG": "C"}, "sv"),
        ({"LANG": "POSIX"}, "sv"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "de_DE.UTF-8"}, "sv"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "en", "LANG": "sv_SE.UTF-8"}, "en"),
        ({"LANGUAGE": "sv:en", "LANG": "en_US.UTF-8"}, "sv"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "sv_SE.UTF-8"}, "en"),
    ],
)
def test_ui_language(env: dict[str, str], expected: str) -> None:
    assert i18n.ui_language(env) == expected


# -- help and errors in the running command -----------------------------------------------------


@pytest.mark.parametrize("env", SWEDISH)
def test_help_is_swedish_by_default(run: Callable[..., Result], env: dict[str, str]) -> None:
    result = run(["--help"], **env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Användning: uppdrag")
    assert "Alternativ:" in result.output
    assert "Kommandon:" in result.output
    assert "Usage:" not in result.output


@pytest.mark.parametrize("env", ENGLISH)
def test_help_is_english_when_asked(run: Callable[..., Result], env: dict[str, str]) -> None:
    result = run(["--help"], **env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: uppdrag")
    assert "Options:" in result.output
    assert "Commands:" in result.output
    assert "Användning" not in result.output


@pytest.mark.parametrize("env", SWEDISH)
def test_errors_are_swedish_by_default(run: Callable[..., Result], env: dict[str, str]) -> None:
    bad_date = run(["render", "--date", "2024-13-01", "onkologi"], **env)
    assert bad_date.exit_code != 0
    assert "”2024-13-01” är inget datum" in bad_date.output, bad_date.output

    missing = run(["register", "void", "RS 2024-00001"], **env)
    assert missing.exit_code == 2
    assert "Fel: Ange alternativet ”--reason”." in missing.output, missing.output
    assert "Skriv ”uppdrag register void --help” för att få hjälp." in missing.output

    unknown = run(["render", "--bogus"], **env)
    assert unknown.exit_code == 2
    assert "Alternativet ”--bogus” finns inte." in unknown.output, unknown.output


@pytest.mark.parametrize("env", ENGLISH)
def test_errors_are_english_when_asked(run: Callable[..., Result], env: dict[str, str]) -> None:
    bad_date = run(["render", "--date", "2024-13-01", "onkologi"], **env)
    assert bad_date.exit_code != 0
    assert "'2024-13-01' is not a date" in bad_date.output, bad_date.output

    missing = run(["register", "void", "RS 2024-00001"], **env)
    assert missing.exit_code == 2
    assert "Error: Missing option '--reason'." in missing.output, missing.output
    assert "Try 'uppdrag register void --help' for help." in missing.output

    unknown = run(["render", "--bogus"], **env)
    assert "No such option" in unknown.output, unknown.output


def test_click_plural_messages(run: Callable[..., Result]) -> None:
    result = run(["register", "show", "RS 2024-00001", "extra"], LANG="C")
    assert "Oväntat extra argument (extra)" in result.output, result.output
    result = run(["register", "show", "RS 2024-00001", "a", "b"], LANG="C")
    assert "Oväntade extra argument (a b)" in result.output, result.output
    result = run(["register", "show", "RS 2024-00001", "a", "b"], LANGUAGE="en")
    assert "Got unexpected extra arguments (a b)" in result.output, result.output


def test_install_click_translations_is_idempotent() -> None:
    import click.core
    import click.exceptions

    i18n.install_click_translations()
    i18n.install_click_translations()
    assert click.core._ is i18n.click_gettext
    assert click.core.ngettext is i18n.click_ngettext
    assert click.exceptions.ngettext is i18n.click_ngettext


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param(
            {"LANG": "C"},
            [
                "Användning: uppdrag [ALTERNATIV] KOMMANDO",
                "Uppdragshandlingar för samordningsråd: data in",
                "Alternativ:",
                "Visa versionen och avsluta.",
                "Visa den här hjälptexten och avsluta.",
                "Kommandon:",
            ],
            id="C",
        ),
        pytest.param(
            {"LANG": "en_US.UTF-8"},
            [
                "Usage: uppdrag [OPTIONS] COMMAND",
                "Mandate documents (uppdragshandlingar) for coordination councils",
                "Options:",
                "Show the version and exit.",
                "Show this message and exit.",
                "Commands:",
            ],
            id="en_US",
        ),
    ],
)
def test_installed_command(env: dict[str, str], expected: list[str]) -> None:
    """The real command in a process of its own, where every text is in one language.

    In-process tests cannot show this: the help texts of the commands and of --help/--version
    are translated once, when the commands are declared or first used.
    """
    script = Path(sys.executable).with_name("uppdrag")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "generator"]
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    result = subprocess.run(
        [*command, "--help"],
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    missing = [text for text in expected if text not in result.stdout]
    assert not missing, (
        "generator/cli/__init__.py must call install_click_translations() before the commands are "
        f"declared; missing {missing} in:\n{result.stdout}"
    )


# -- the catalogs themselves --------------------------------------------------------------------


def _entries(domain: str) -> list:
    with _po(domain).open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.locale is not None and str(catalog.locale) == "sv"
    assert catalog.plural_expr == "(n != 1)" and catalog.num_plurals == 2
    return [m for m in catalog if m.id]


FIELD_NAME = re.compile(r"\w*(\.\w+|\[\w+\])*\Z")


def _fields(text: str) -> Counter:
    """The ``{name!conv:spec}`` and ``%(name)s`` fields of a message.

    A message whose braces are not fields ("a '{' opened here is never closed with '}'") is
    compared by its brace characters instead.
    """
    try:
        fields = [
            (name, conv or "", spec or "")
            for _lit, name, spec, conv in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        fields = None
    if fields is None or not all(FIELD_NAME.match(name) for name, _c, _s in fields):
        return Counter(ch for ch in text if ch in "{}")
    return Counter(fields) + Counter(re.findall(r"%\(\w+\)[sd]", text))


def _pairs(message) -> list[tuple[str, str]]:
    if isinstance(message.id, tuple):
        singular, plural = message.id
        strings = list(message.string)
        return [(singular, strings[0]), *((plural, s) for s in strings[1:])]
    return [(message.id, message.string)]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated(domain: str) -> None:
    missing = [
        m.id for m in _entries(domain) if m.fuzzy or any(not text for _id, text in _pairs(m))
    ]
    assert not missing, (
        f"untranslated or fuzzy in {_po(domain).relative_to(REPO)} (run make extract, "
        f"translate, make catalogs): {missing}"
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_placeholders(domain: str) -> None:
    wrong = [
        (msgid, text)
        for m in _entries(domain)
        for msgid, text in _pairs(m)
        if text and _fields(text) != _fields(msgid)
    ]
    assert not wrong, wrong


def test_swedish_quotation_marks() -> None:
    """English “…” become Swedish ”…” (the same mark on both sides)."""
    wrong = [
        (msgid, text)
        for m in _entries(i18n.DOMAIN)
        for msgid, text in _pairs(m)
        if "“" in text or "”" in msgid and "”" not in text
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_catalog_is_current(domain: str) -> None:
    """The .mo answers in Swedish for every message of the .po (it was compiled from it)."""
    import gettext

    mo = _po(domain).with_suffix(".mo")
    with mo.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    stale = [
        m.id
        for m in _entries(domain)
        if not isinstance(m.id, tuple)
        and m.string
        and not m.fuzzy
        and translations.gettext(m.id) != m.string
    ]
    assert not stale, f"{mo.name} is older than its .po (run make catalogs): {stale}"


def _extracted(package: Path) -> dict[str, str]:
    """msgid → where, for every message marked in the Python files under ``package``."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{package.name}/{filename}:{lineno}")
    return found


def _translated(domain: str) -> set[str]:
    return {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in _entries(domain)
        if not m.fuzzy and all(text for _i, text in _pairs(m))
    }


def test_every_message_in_the_code_is_in_the_catalog() -> None:
    """A message added to generator/ reaches uppdrag.po before it ships (make extract)."""
    known = _translated(i18n.DOMAIN)
    missing = {m: where for m, where in _extracted(REPO / "generator").items() if m not in known}
    assert not missing, f"not translated in uppdrag.po (run make extract and translate): {missing}"


def test_click_catalog_covers_the_installed_click() -> None:
    """After a click upgrade, its new messages must be translated too (click.pot, click.po)."""
    import click

    known = _translated(i18n.CLICK_DOMAIN)
    modules = Path(click.__file__).parent
    missing = {m: where for m, where in _extracted(modules).items() if m not in known}
    assert not missing, f"click messages not translated in click.po: {missing}"
