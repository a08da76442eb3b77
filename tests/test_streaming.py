"""A batch streams: what it remembers of each council waits on disk, the workers get only a few
chunks ahead, and progress comes with a count and the time left."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator import batch
from generator.batch import Shared, Spool, Workers
from generator.model import Settings
from generator.progress import Pace
from generator.workspace import Workspace
from tests.conftest import REPO


def test_a_spool_gives_back_what_it_was_given_in_order_to_several_readers() -> None:
    items = [{"council": f"rad{i}", "text": "x" * i} for i in range(50)]
    spool = Spool(items[:10])
    for item in items[10:]:
        spool.append(item)
    assert len(spool) == 50
    first, second = iter(spool), iter(spool)
    # Two readers taking turns each see the whole sequence.
    assert [(next(first), next(second)) for _ in range(50)] == [(i, i) for i in items]
    spool.file.seek(0, 2)
    assert spool.file.tell() > sum(len(i["text"]) for i in items)  # on disk, not in memory
    spool.close()


def _square(_shared: Shared, n: int) -> int:
    return n * n


def test_the_workers_read_the_items_only_a_few_chunks_ahead() -> None:
    pulled = []

    def items():
        for n in range(2000):
            pulled.append(n)
            yield n

    settings = Workspace(REPO).load_settings()
    with Workers(Shared(settings), 2, 2000, Workspace(REPO), ProcessPoolExecutor) as workers:
        assert workers.pool is not None
        results = workers.map(_square, items())
        assert next(results) == 0
        ahead = 2 * batch.AHEAD * batch.MAX_CHUNK
        assert len(pulled) <= ahead + batch.MAX_CHUNK, len(pulled)
        assert list(results) == [n * n for n in range(1, 2000)]
    assert len(pulled) == 2000


def test_pace_counts_and_estimates_the_time_left() -> None:
    now = [100.0]
    pace = Pace(10, clock=lambda: now[0])
    assert pace.remaining_seconds() is None
    now[0] += 4.0
    pace.advance()
    pace.advance()
    assert (pace.done, pace.remaining_seconds()) == (2, 16.0)


def test_plain_progress_lines_carry_the_count_and_the_time_left(capsys, monkeypatch) -> None:
    from generator.cli.progress import Progress

    progress = Progress()
    progress.tty = False
    monkeypatch.setattr(Progress, "EVERY", 0.0)
    progress.start("PDF/A", 3)
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        progress.advance(name)
    progress.finish()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "PDF/A (3)"
    assert lines[1] == "  a.pdf" and lines[2].startswith("  1/3, about ")
    assert lines[2].endswith(" s left") and lines[3] == "  b.pdf"
    assert lines[-1] == "  c.pdf"  # no estimate once all are done


def test_load_councils_keeps_the_mandates_where_it_is_told(tmp_path: Path) -> None:
    from generator.councils import load_councils

    spool: Spool = Spool()
    loaded = load_councils(Workspace(REPO), [], sink=spool)
    assert loaded.mandates is spool
    assert sorted(m.council_id for m in spool) == ["onkologi", "primarvard"]
    assert isinstance(loaded.settings, Settings)
