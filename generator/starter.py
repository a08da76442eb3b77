"""``uppdrag init``: a new workspace from the installed package alone.

A workspace is the folder the commands run in: ``templates/`` with the Word template, ``data/``
with the settings, the clause library and the councils, and ``output/`` for the documents and the
register.  The starting files are the repository's own (the build copies them into the package,
see ``setup.py``), with the organisation's name, the diary series and the signatory put into the
settings and the example council.  Everything is checked against the schema before the first file
is written, and nothing that exists is ever overwritten.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from generator.exceptions import DataError, UsageError
from generator.i18n import _
from generator.loader import load_text
from generator.loader.messages import display_path

#: The example council every new workspace starts with.
EXAMPLE_COUNCIL = "onkologi"
SETTINGS = Path("data/installningar.yaml")
LIBRARY = Path("data/klausuler.yaml")
COUNCIL = Path("data/councils") / f"{EXAMPLE_COUNCIL}.yaml"
TEMPLATE = Path("templates/uppdragshandling.docx")
README = Path("README.md")
#: The example council's first lines in a new workspace (the repository's speak of its origin).
EXAMPLE_HEADER = (
    "# Ett exempelråd att utgå från: byt namn, ansvarsområde och texter mot rådets egna.\n"
    "# Gemensam text hämtas ur data/klausuler.yaml; här står bara det som är rådets eget.\n"
)
#: The settings' fields as ``uppdrag init`` asks for them: a problem names the option.
OPTION_OF_FIELD = {
    "organisation": "--organisation",
    "diarieserie": "--series",
    "undertecknare.namn": "--signatory",
    "undertecknare.titel": "--signatory-title",
}


@dataclass
class Created:
    """What ``uppdrag init`` made: the workspace folder and its files, in the order written."""

    root: Path
    files: list[Path]


def starter_root() -> Path:
    """Where the starting files are: in the installed package, else in the source checkout."""
    package = Path(__file__).resolve().parent
    shipped = package / "_starter"
    if (shipped / SETTINGS).is_file():
        return shipped
    checkout = package.parent
    if (checkout / SETTINGS).is_file() and (checkout / TEMPLATE).is_file():
        return checkout
    raise UsageError(  # pragma: no cover - only a broken installation lacks them
        _("the starting files of uppdrag init are missing from the installation; reinstall uppdrag")
    )


def create_workspace(
    folder: Path,
    *,
    organisation: str,
    series: str,
    signatory: str,
    signatory_title: str,
) -> Created:
    """Write a new workspace into ``folder`` (made if missing); refuse if it already has one."""
    root = folder.resolve()
    targets = [SETTINGS, LIBRARY, COUNCIL, TEMPLATE, README]
    taken = [
        name for name in ("data", "templates", "output", str(README)) if (root / name).exists()
    ]
    if taken:
        raise UsageError(
            _(
                "{folder} already has {names}; uppdrag init never overwrites a workspace. "
                "Choose a new or empty folder."
            ).format(folder=display_path(root), names=", ".join(taken))
        )
    from generator.workspace import is_workspace

    enclosing = next((f for f in root.parents if is_workspace(f)), None)
    if enclosing is not None:
        # Commands run in a sub-folder use the workspace above: a second one inside would hide it.
        raise UsageError(
            _(
                "{folder} is inside the workspace {workspace}; start a new workspace outside it"
            ).format(folder=display_path(root), workspace=display_path(enclosing))
        )
    if root.exists() and not root.is_dir():
        raise UsageError(_("{folder} is a file, not a folder").format(folder=display_path(root)))
    source = starter_root()
    settings = _settings_text(
        (source / SETTINGS).read_text("utf-8"), organisation, series, signatory, signatory_title
    )
    council = _council_text((source / COUNCIL).read_text("utf-8"), signatory)
    texts = {
        SETTINGS: settings,
        LIBRARY: (source / LIBRARY).read_text("utf-8"),
        COUNCIL: council,
        README: _readme(organisation, series),
    }
    written: list[Path] = []
    try:
        for name in targets:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = (source / name).read_bytes() if name == TEMPLATE else texts[name].encode()
            with path.open("xb") as fh:  # "x": never over a file that appeared meanwhile
                fh.write(data)
            written.append(path)
        (root / "output").mkdir()
    except OSError as err:
        for path in written:
            path.unlink(missing_ok=True)
        raise UsageError(
            _("the workspace could not be created in {folder}: {error}").format(
                folder=display_path(root), error=err.strerror or err
            )
        ) from None
    return Created(root, written)


def _settings_text(
    template: str, organisation: str, series: str, signatory: str, signatory_title: str
) -> str:
    """The starting settings with the organisation's own values, comments kept; schema-checked."""
    from generator.schema import SETTINGS_SCHEMA
    from generator.validation import validate

    yaml = _round_trip()
    data = yaml.load(template)
    data["organisation"] = organisation.strip()
    data["diarieserie"] = series.strip()
    data["undertecknare"]["namn"] = signatory.strip()
    data["undertecknare"]["titel"] = signatory_title.strip()
    text = _dump(yaml, data)
    try:
        loaded = load_text(text, SETTINGS, str(SETTINGS))
    except DataError as err:  # pragma: no cover - the dumper quotes what needs quotes
        raise UsageError(str(err)) from None
    problems = validate(loaded, SETTINGS_SCHEMA)
    if problems:
        raise UsageError(
            "\n".join(f"{OPTION_OF_FIELD.get(p.field, p.field)}: {p.message}" for p in problems)
        )
    return text


def problems_of(option: str, value: str) -> list[str]:
    """What the schema says about one answer of ``uppdrag init`` (asked for one at a time, so
    that a wrong answer is asked again at once rather than refused at the end)."""
    values = {name: "Exempel" for name in OPTION_OF_FIELD.values()}
    values["--series"] = "RS"
    values[option] = value
    try:
        _settings_text(
            (starter_root() / SETTINGS).read_text("utf-8"),
            values["--organisation"],
            values["--series"],
            values["--signatory"],
            values["--signatory-title"],
        )
    except UsageError as err:
        prefix = f"{option}: "
        return [line[len(prefix) :] for line in str(err).splitlines() if line.startswith(prefix)]
    return []


def _council_text(template: str, signatory: str) -> str:
    """The example council, given by the new organisation's signatory."""
    yaml = _round_trip()
    body = "".join(line for line in template.splitlines(True) if not line.startswith("#"))
    data = yaml.load(body)
    data["uppdragsgivare"] = signatory.strip()
    return EXAMPLE_HEADER + _dump(yaml, data)


def _round_trip():  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    return yaml


def _dump(yaml, data) -> str:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _readme(organisation: str, series: str) -> str:
    """A short guide in Swedish, in the workspace itself: what is where and what to type first."""
    organisation, series = organisation.strip(), series.strip()
    return f"""# Arbetsmapp för uppdragshandlingar – {organisation}

Den här mappen skapades med `uppdrag init`. Kör kommandona här, eller i en mapp härunder.

| mapp eller fil | innehåll |
| --- | --- |
| `data/installningar.yaml` | organisationens namn, diarieserie ({series}), undertecknare |
| `data/klausuler.yaml` | standardtexterna som alla råd delar |
| `data/councils/` | en datafil per samordningsråd; `onkologi.yaml` är ett exempel |
| `templates/uppdragshandling.docx` | Word-mallen |
| `output/` | de utfärdade handlingarna och diariet (`output/diarium.sqlite`) |

Första stegen:

```sh
uppdrag check                                      # kontrollera data och mall
uppdrag render onkologi --draft                    # förhandsvisning utan diarienummer
uppdrag new hjarta --name "Samordningsråd hjärta"  # ett nytt råd med standardtexterna
uppdrag render hjarta                              # utfärda: daterad och diarieförd handling
uppdrag --help                                     # alla kommandon
```

En utfärdad handling skrivs aldrig över och ett diarienummer ges aldrig två gånger.
Meddelandena är på svenska; med `LANGUAGE=en` blir de engelska.
"""
