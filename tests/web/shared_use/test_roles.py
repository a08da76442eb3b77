"""The full role matrix: every route of the app × every role and nobody, through the test client.

Allowed cells reach the view (no 401/403, no redirect to log-in, no server error); refused cells
get 403 (nobody: a redirect to the log-in page) and change nothing: the register's rows, the data
files and the output folder are the same before and after.  The routes are read from the app's
url_map, so a page added later is in the matrix without editing this file; what its arguments
are is guessed from :data:`SAMPLES` (a refusal comes before the view looks at them).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import AnyConverter, Rule
from werkzeug.routing.converters import NumberConverter

from generator.accounts import add_user, open_db
from generator.register.tables import ROLES
from generator.web.access import allows
from tests.accounts_support import PASSWORD
from tests.web.conftest import csrf_token

#: Sample values of URL arguments, by name (an ``any(...)`` converter takes its first item).
SAMPLES: dict[str, Any] = {
    "name": "onkologi",
    "council": "onkologi",
    "number": 1,
    "dnr": "RS-2026-00001",
    "filename": "x",
    "path": "x",
    "job": "x",
    "job_id": "x",
    "kind": "utkast",
    "clause": "x",
    "clause_id": "x",
}

#: A page every role may see, quick to serve, with a form (log-out) and so a CSRF token.
LIGHT_PAGE = "/"

#: Tables whose rows a refused request must leave as they were (sessions and log-in attempts
#: are the record of the request itself and may change).
KEPT_TABLES = (
    "series",
    "issues",
    "files",
    "events",
    "users",
    "account_events",
    "data_versions",
    "data_deletions",
)


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) of the app but static files, in a stable order."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return sorted(found, key=lambda item: (item[0].rule, item[1]))


def url_of(rule: Rule) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]  # noqa: SLF001 - werkzeug keeps them here
        if isinstance(converter, AnyConverter):
            values[argument] = sorted(converter.items)[0]
        elif isinstance(converter, NumberConverter):
            values[argument] = 1
        else:
            values[argument] = SAMPLES.get(argument, "x")
    built = rule.build(values, append_unknown=False)
    assert built is not None
    return built[1]


def snapshot(workspace: Path, register: Path) -> dict[str, Any]:
    """What a refused request must not change: register rows, data files, output files."""
    state: dict[str, Any] = {}
    conn = sqlite3.connect(register)
    try:
        for table in KEPT_TABLES:
            state[table] = conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()
    for folder in ("data", "output", "templates"):
        for path in sorted((workspace / folder).rglob("*")):
            if path.is_file() and not path.name.startswith("diarium.sqlite"):
                stat = path.stat()
                seen = (str(path), stat.st_size, stat.st_mtime_ns)
                if seen not in _hashes:  # a file rewritten gets a new mtime, so is hashed again
                    _hashes[seen] = hashlib.sha256(path.read_bytes()).hexdigest()
                state[str(path.relative_to(workspace))] = _hashes[seen]
    return state


_hashes: dict[tuple[str, int, int], str] = {}


@pytest.fixture
def people(web_workspace: Path, cheap_hashing: None) -> Path:
    register = web_workspace / "output" / "diarium.sqlite"
    with open_db(register, actor="admin") as db:
        for role in ROLES:
            add_user(db, f"person-{role}", role, PASSWORD)
    return register


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/logga-in")
    response = client.post(
        "/logga-in", data={"name": name, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, name
    return client


def test_every_view_states_its_role(app: Flask) -> None:
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static"
        and not endpoint.endswith(".static")
        and not hasattr(view, "required_role")
    ]
    assert missing == [], f"views without @requires/@public: {missing}"


def test_role_matrix(app: Flask, web_workspace: Path, people: Path) -> None:
    clients: dict[str | None, FlaskClient] = {None: app.test_client()}
    for role in ROLES:
        clients[role] = logged_in(app, f"person-{role}")
    tokens = {
        who: csrf_token(client, "/logga-in" if who is None else "/")
        for who, client in clients.items()
    }
    failures: list[str] = []
    cells = 0
    all_routes = routes(app)
    for rule, method in all_routes:
        needed = getattr(app.view_functions[rule.endpoint], "required_role", None)
        url = url_of(rule)
        for who, client in clients.items():
            cells += 1
            allowed = needed is None or (who is not None and allows(who, needed))
            before = None if allowed else snapshot(web_workspace, people)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.open(url, method=method, data={"csrf_token": tokens[who]})
            status = response.status_code
            to_login = status in (302, 303) and "/logga-in" in response.headers.get("Location", "")
            cell = f"{method} {rule.rule} as {who or 'nobody'}: {status}"
            if allowed:
                if status in (401, 403) or status >= 500 or (to_login and needed is not None):
                    failures.append(f"{cell} (should be allowed)")
            else:
                expected = to_login if who is None else status == 403
                if not expected:
                    failures.append(f"{cell} (should be refused)")
                if snapshot(web_workspace, people) != before:
                    failures.append(f"{cell} changed something")
            if method != "GET":  # a log-out, say, may have ended the session or its token
                if who is None:
                    tokens[who] = csrf_token(client, "/logga-in")
                else:
                    if client.get(LIGHT_PAGE).status_code != 200:
                        clients[who] = logged_in(app, f"person-{who}")
                    tokens[who] = csrf_token(clients[who], LIGHT_PAGE)
    total = len(all_routes) * len(clients)
    print(f"\nrole matrix: {cells} of {total} cells tested, {len(failures)} wrong")
    print("\n".join(failures[:40]))
    assert failures == []
    assert cells == total


def test_each_role_sees_only_what_it_may_do_in_a_real_browser(  # type: ignore[no-untyped-def]
    page, app: Flask, people: Path
) -> None:
    """In Chromium, per role: the buttons and links of actions above the role are not shown, and
    the pages have no WCAG violations."""
    import re

    from tests.web.conftest import axe_violations

    pages = ("/", "/rad/onkologi", "/diarium/", "/bibliotek/klausul/syfte.samverka")
    above = {  # what only a role at least this high may see
        "sekreterare": ("button:text-is('Spara')", "a:text-is('Nytt råd')"),
        "registrator": ("a[href='/diarium/nasta-nummer']",),
        "förvaltare": (
            "a[href='/konton']",
            "a[href='/import/']",
            "button:text-is('Visa ändringarna')",
        ),
    }
    for role in ROLES:
        page.context.clear_cookies()
        page.goto("/logga-in")
        page.get_by_label("Namn").fill(f"person-{role}")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(re.compile(r"/$"))
        seen: set[str] = set()
        for url in pages:
            page.goto(url)
            assert axe_violations(page) == [], (role, url)
            for needed, selectors in above.items():
                for selector in selectors:
                    if page.locator(selector).count():
                        seen.add(needed)
                        assert allows(role, needed), (role, url, selector)
        assert seen == {n for n in above if allows(role, n)}, role  # and the allowed ones show
