"""Fixtures for the web front end: an app over a throw-away workspace, its test client, a live
server, and a real Chromium driven by Playwright, with axe-core for the WCAG checks.

Chromium comes from Debian (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright never
downloads a browser here.  Where Chromium or axe-core is missing the browser tests are skipped
with the reason shown, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("UPPDRAG_CHROMIUM", "/usr/bin/chromium")
AXE = REPO / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
#: What Chromium needs in this sandbox: no GPU, no sandbox as root, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(reason: str) -> None:
    """Skip with ``reason``, or fail under CI, which must have every part installed."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the CI job must install it, see .ci/run and Makefile)")
    pytest.skip(reason)


@pytest.fixture
def web_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's data/ and templates/, with its own register, no env leaks."""
    root = tmp_path / "arbetsyta"
    root.mkdir()
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    (root / "output").mkdir()
    monkeypatch.delenv("UPPDRAG_REGISTER", raising=False)
    return root


@pytest.fixture
def app(web_workspace: Path) -> Flask:
    from generator.web import create_app

    return create_app(web_workspace, {"TESTING": True, "SECRET_KEY": "test"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on ``url``, as a browser would send it back."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, f"no csrf_token in the form on {url}"
    return match.group(1)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by waitress on a free port of 127.0.0.1; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="uppdrag-test")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def stop() -> None:
        # In the server's own thread (through its trigger): closing its sockets from this
        # thread while it waits on them races with that wait (an EBADF in the server thread).
        for channel in list(server._map.values()):
            channel.close()

    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.trigger.pull_trigger(stop)
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (Debian's; Playwright downloads nothing)."""
    if not os.path.exists(CHROMIUM):
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (make installs it from the dev extra)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh Swedish browser tab on the live server (``page.goto("/")`` works)."""
    context = browser.new_context(
        base_url=live_server, locale="sv-SE", accept_downloads=True, timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    if AXE.exists():
        # Through the DevTools protocol, so the pages' strict CSP (no inline script) stays on.
        context.add_init_script(path=str(AXE))
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations of the page as it is now (empty: none)."""
    if not AXE.exists():
        missing(f"axe-core is missing at {AXE} (make installs it from the npm registry)")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
