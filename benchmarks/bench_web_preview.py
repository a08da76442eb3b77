"""Save → preview updated in the council editor, against the naive way, in the same run.

    .venv/bin/python benchmarks/bench_web_preview.py [--saves N] [--naive N]

A throw-away copy of the workspace is served by the real app (Flask's test client, in process:
server time, no network).  Each round is what a secretary's browser does when Spara is pressed:

- **no JavaScript**: ``POST /rad/onkologi`` with the whole form (every text field, the base text,
  the version), which validates and writes the file and answers with a redirect, then ``GET
  /rad/onkologi``: the page with the new form and the new preview;
- **with JavaScript** (another tab showing the council): ``GET /rad/onkologi/forhandsvisning``
  after the save, the fragment the page's script swaps in.

The naive way to show the document as it will read is to render the ``.docx`` and let
LibreOffice draw it (``uppdrag render --draft`` then ``uppdrag preview``: the page images on
demand), timed the same way after the same save.  Figures: p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import issuing  # noqa: E402
from generator.pdf import find_pdftoppm, find_soffice, preview_png  # noqa: E402
from generator.web import create_app  # noqa: E402
from generator.workspace import Workspace  # noqa: E402

URL = "/rad/onkologi"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_TEXT = re.compile(r'<input type="text" id="[^"]+" name="(t\|[^"]+)" value="([^"]*)"')
_AREA = re.compile(r'<textarea id="[^"]+" name="(t\|[^"]+)"[^>]*>([^<]*)</textarea>')


def form_of(page: str) -> dict[str, str]:
    """Every field of the editor form, as the browser posts it."""
    start = page.index('<form id="radform"')
    form = page[start : page.index("</form>", start)]
    posted = {}
    for pattern in (_HIDDEN, _TEXT, _AREA):
        for name, value in pattern.findall(form):
            posted[html.unescape(name)] = html.unescape(value)
    return posted


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def run(saves: int, naive: int) -> None:
    with tempfile.TemporaryDirectory(prefix="uppdrag-bench-web-") as tmp:
        root = Path(tmp)
        for name in ("data", "templates"):
            shutil.copytree(ROOT / name, root / name)
        (root / "output").mkdir()
        app = create_app(root, {"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        page = client.get(URL).get_data(as_text=True)
        no_js: list[float] = []
        with_js: list[float] = []
        for i in range(saves + 5):
            posted = form_of(page)
            posted["t|avsnitt/arbetsorganisation/5/text"] = f"{4 + i % 5} ggr/år"
            posted["action"] = "save"
            start = time.perf_counter()
            response = client.post(URL, data=posted)
            saved = time.perf_counter()
            assert response.status_code == 302, response.status_code
            page = client.get(URL).get_data(as_text=True)
            reloaded = time.perf_counter()
            fragment = client.get(f"{URL}/forhandsvisning").get_data(as_text=True)
            end = time.perf_counter()
            expected = f"<strong>Mötesfrekvens:</strong> {4 + i % 5} ggr/år"
            assert expected in page and expected in fragment
            if i >= 5:  # the first rounds warm the caches (template, schema, Jinja)
                no_js.append((reloaded - start) * 1000)
                with_js.append(((saved - start) + (end - reloaded)) * 1000)
        p50, p95 = percentiles(no_js)
        print(f"save + page with preview (no JS):    p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        p50, p95 = percentiles(with_js)
        print(f"save + preview fragment (JS):        p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        if find_soffice() is None or find_pdftoppm() is None:
            print("naive way: LibreOffice or pdftoppm missing, not measured")
            return
        workspace = Workspace(root)
        naive_ms: list[float] = []
        for i in range(naive):
            posted = form_of(page)
            posted["t|avsnitt/arbetsorganisation/5/text"] = f"{5 + i % 3} ggr/år"
            posted["action"] = "save"
            start = time.perf_counter()
            client.post(URL, data=posted)
            [draft] = issuing.render(workspace, ["onkologi"], draft=True)
            preview_png(draft.path, root / "bilder", dpi=60)
            naive_ms.append((time.perf_counter() - start) * 1000)
            page = client.get(URL).get_data(as_text=True)
        p50, p95 = percentiles(naive_ms)
        print(f"naive: save + .docx + LibreOffice:   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        print(f"ratio vs naive (p50): {p50 / statistics.median(no_js):.0f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--naive", type=int, default=3)
    args = parser.parse_args()
    run(args.saves, args.naive)
