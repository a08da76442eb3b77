"""A batch's work council by council: in several processes, and its files in several threads.

A re-issue of many councils does the same work for each (read and check the file, render,
compare, make a review copy), and that work is pure Python, so it runs in ``--jobs`` processes
(:class:`Workers`).  What every council needs alike (settings, clause library, template) is set
up once per process: inherited from the parent when the worker is forked, loaded again from the
workspace when it is spawned (macOS, Windows).

Writing the files stays in the parent, which alone records them in the register; waiting for the
disk (``fsync``) is most of that, so the files are written in a few threads (:class:`Writers`),
and reported in the order they were given.

Memory stays flat in the number of councils: what a batch has to remember of every council
between its steps (mandates, comparisons) waits in a :class:`Spool` on disk, the workers get
only a few chunks ahead of the parent, and the writers only a few files ahead of the register.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from generator.model import Settings
from generator.template import CompiledTemplate
from generator.workspace import Library, Workspace

#: Below this many councils a step runs in this process: starting workers costs more.
PARALLEL_THRESHOLD = 16
#: Threads that write a big batch's files.
WRITER_THREADS = 4
#: Most councils a worker gets at once, and chunks under way per worker: how far the workers
#: may get ahead of the parent.
MAX_CHUNK = 32
AHEAD = 4
#: Files waiting for a writer thread, per thread, before the parent waits for the oldest.
WRITE_BACKLOG = 8

K = TypeVar("K")
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Shared:
    """What every council's work in a batch needs: the same for all, set up once per process."""

    settings: Settings
    library: Library | None = None
    template: CompiledTemplate | None = None


#: In the parent: what a pool's workers start from (inherited when they are forked).  In a
#: worker: what its tasks use.
_shared: Shared | None = None


def _init_worker(root: str, library: bool, template_path: str | None) -> None:
    """A worker's shared state: inherited from the parent when forked, else loaded again from the
    workspace (spawned, as on macOS and Windows)."""
    global _shared
    if _shared is not None:
        return
    workspace = Workspace(Path(root))
    _shared = Shared(
        workspace.load_settings(),
        workspace.load_library() if library else None,
        CompiledTemplate.load(Path(template_path)) if template_path else None,
    )


def _run_chunk(function: Callable[[Shared, Any], Any], chunk: list[Any]) -> list[Any]:
    assert _shared is not None
    return [function(_shared, item) for item in chunk]


def parallel(jobs: int, count: int) -> bool:
    """Whether a step of ``count`` councils is worth ``jobs`` processes."""
    return jobs > 1 and count >= PARALLEL_THRESHOLD


class Workers:
    """One step of a batch, council by council, in ``jobs`` processes when the batch is big enough
    to pay for starting them, else in this process; results come in order.

    ``executor`` makes the pool (``ProcessPoolExecutor``, given by the caller so that a test can
    watch it); it is called with ``max_workers``, ``initializer`` and ``initargs``.
    """

    def __init__(
        self,
        shared: Shared,
        jobs: int,
        count: int,
        workspace: Workspace,
        executor: Callable[..., Executor],
    ) -> None:
        self.shared = shared
        self.pool: Executor | None = None
        self.jobs = jobs
        self.chunk = max(1, min(MAX_CHUNK, count // (jobs * 8)))
        if parallel(jobs, count):
            global _shared
            _shared = shared
            template = str(shared.template.path) if shared.template is not None else None
            self.pool = executor(
                max_workers=jobs,
                initializer=_init_worker,
                initargs=(str(workspace.root), shared.library is not None, template),
            )

    def map(self, function: Callable[[Shared, T], R], items: Iterable[T]) -> Iterator[R]:
        """``function(shared, item)`` for each item, in order; ``function`` must be a module-level
        function (a worker finds it by name).

        ``items`` is read only as far as the workers have room (a few chunks each), so that a
        batch of ten thousand councils is never all in memory, nor all its results.
        """
        if self.pool is None:
            return (function(self.shared, item) for item in items)
        return self._windowed(function, iter(items))

    def _windowed(self, function: Callable[[Shared, T], R], items: Iterator[T]) -> Iterator[R]:
        assert self.pool is not None
        under_way: deque[Future[list[R]]] = deque()
        limit = self.jobs * AHEAD

        def submit() -> bool:
            chunk = [item for _n, item in zip(range(self.chunk), items, strict=False)]
            if chunk:
                assert self.pool is not None
                under_way.append(self.pool.submit(_run_chunk, function, chunk))
            return bool(chunk)

        more = True
        while more and len(under_way) < limit:
            more = submit()
        while under_way:
            results = under_way.popleft().result()
            if more:
                more = submit()
            yield from results

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        global _shared
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            _shared = None


class Writers(Generic[K, R]):
    """Files written in the order they come, in a few threads, and reported in that order.

    With several threads one file's wait for the disk overlaps the next file's writing.  ``write``
    does the writing of one item (with :func:`generator.writer.write_new`: atomically, and never
    over another file); what it returns, or raises, comes back with the item's key.
    """

    def __init__(self, threads: int, write: Callable[..., R]) -> None:
        self.write = write
        self.pool = ThreadPoolExecutor(threads) if threads > 1 else None
        self.backlog = threads * WRITE_BACKLOG
        self.queue: deque[tuple[K, Future[R]]] = deque()

    def submit(self, key: K, *args: Any) -> None:
        """``write(*args)``, now when there is one thread; ``key`` comes back with the result."""
        if self.pool is not None:
            self.queue.append((key, self.pool.submit(self.write, *args)))
            return
        future: Future[R] = Future()
        try:
            future.set_result(self.write(*args))
        except Exception as err:  # noqa: BLE001 - raised in order, by finished()
            future.set_exception(err)
        self.queue.append((key, future))

    def finished(self, wait: bool = False) -> Iterator[tuple[K, R]]:
        """The writes done so far (or all, waiting), in order; raises what a failed one raised.

        With more writes waiting than :data:`WRITE_BACKLOG` per thread, waits for the oldest:
        the files to write must not pile up in memory when the disk is slower than rendering.
        """
        while self.queue and (wait or self.queue[0][1].done() or len(self.queue) > self.backlog):
            key, future = self.queue.popleft()
            yield key, future.result()

    def close(self) -> list[tuple[K, R]]:
        """Wait for the writes under way and drop those not begun; what was written of those not
        yet reported (after a failure), so that it can be recorded too."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        written = [
            (key, future.result())
            for key, future in self.queue
            if future.done() and not future.cancelled() and future.exception() is None
        ]
        self.queue.clear()
        return written


class Spool(Generic[T]):
    """A sequence appended to and read in order, kept pickled in a temporary file, not in memory.

    What a batch remembers of each council between its steps (its mandate, its comparison with
    the previous issue) is about 50 kB; for ten thousand councils that would be half a
    gigabyte.  Here it costs a file offset each.  Several readers may iterate at once (each
    reads at its own offsets); the file disappears when the spool is closed or collected.
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.file = tempfile.TemporaryFile(prefix="uppdrag-spool-")
        self.offsets: list[int] = []
        self.end = 0
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self.file.seek(self.end)
        self.file.write(data)
        self.offsets.append(self.end)
        self.end += len(data)

    def __len__(self) -> int:
        return len(self.offsets)

    def __iter__(self) -> Iterator[T]:
        ends = [*self.offsets[1:], self.end]
        for start, stop in zip(list(self.offsets), ends, strict=True):
            self.file.seek(start)  # each reader seeks: readers may take turns
            yield pickle.loads(self.file.read(stop - start))

    def close(self) -> None:
        self.file.close()
