"""How fast the re-issue comparison is when a council has many changed paragraphs, measured
against the old way in the same run.

    .venv/bin/python benchmarks/bench_diff.py [--sizes 1000,10000] [--naive-sizes 50,100]

A council's document of N paragraphs (bullets of ordinary length, words drawn at random) is
compared with a new version in which every paragraph was edited (a word changed, one added):
the worst case of a re-issue, one changed stretch of N paragraphs.  Timed is what a re-issue
does with it: :func:`generator.diff.paragraphs.compare` (pairing the paragraphs, then a word
diff of each pair) and :func:`generator.diff.terminal.format_text` (what the dry run prints).

The old way is the pairing the product had before: the most similar pair of the whole stretch
first, then the same again on each side (as :class:`difflib.Differ` does), which compares every
old paragraph with every new one at every level, so its time grows with the cube of the stretch.
It is run on smaller sizes only (at 1,000 paragraphs it does not finish in 15 minutes).

Each line gives the size, the seconds, and the growth exponent k from the previous size
(time ∝ N^k: 1 is linear, 3 cubic).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import generator.diff.paragraphs as pairing  # noqa: E402
from generator.diff.document import ignore_head  # noqa: E402
from generator.diff.paragraphs import PAIR_CUTOFF, Change, compare  # noqa: E402
from generator.diff.terminal import format_text  # noqa: E402
from generator.diff.words import word_diff  # noqa: E402

WORDS = (
    "samordningsrådet ansvarar för att verksamheten inom området följer regionens styrning och "
    "bidrar till en jämlik vård med hög kvalitet samt effektiv användning av resurser där "
    "representanterna tar med sig sitt chefsansvar för ekonomi personal och patientsäkerhet"
).split()


def paragraphs(count: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """``count`` paragraphs and the same with every one edited."""
    rng = random.Random(seed)
    old, new = [], []
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(12, 30))]
        old.append(f"{n}. " + " ".join(words).capitalize() + ".")
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        words.insert(rng.randrange(len(words)), "regiongemensamt")
        new.append(f"{n}. " + " ".join(words).capitalize() + ".")
    return old, new


def old_pair(old: Sequence[str], new: Sequence[str], olds: range, news: range) -> list[Change]:
    """The pairing before issue 12 (exhaustive, recursive): the old way."""
    if not olds and not news:
        return []
    if len(olds) == 1 and len(news) == 1:
        i, j = olds[0], news[0]
        return [Change("replace", old[i], new[j], i, j, word_diff(old[i], new[j]))]
    best, best_i, best_j = PAIR_CUTOFF, -1, -1
    for i in olds:
        for j in news:
            ratio = pairing._similarity(old[i], new[j])
            if ratio > best:
                best, best_i, best_j = ratio, i, j
    if best_i < 0:
        deleted = [Change("delete", old[i], "", i, news.start) for i in olds]
        inserted = [Change("insert", "", new[j], olds.stop, j) for j in news]
        return deleted + inserted
    return (
        old_pair(old, new, range(olds.start, best_i), range(news.start, best_j))
        + old_pair(old, new, range(best_i, best_i + 1), range(best_j, best_j + 1))
        + old_pair(old, new, range(best_i + 1, olds.stop), range(best_j + 1, news.stop))
    )


def measure(count: int, pair: Callable[..., list[Change]] | None = None) -> tuple[float, int]:
    """Seconds to compare and format ``count`` changed paragraphs, and the changes found."""
    old, new = paragraphs(count)
    product = pairing._pair
    if pair is not None:
        pairing._pair = pair  # compare() looks the pairing up by name
    try:
        start = time.perf_counter()
        result = compare(old, new, ignore=ignore_head)
        format_text(result)
        seconds = time.perf_counter() - start
    finally:
        pairing._pair = product
    return seconds, result.paragraphs_changed


def report(label: str, sizes: list[int], pair: Callable[..., list[Change]] | None) -> None:
    previous: tuple[int, float] | None = None
    for size in sizes:
        seconds, changed = measure(size, pair)
        growth = ""
        if previous is not None and previous[1] > 0:
            k = math.log(seconds / previous[1]) / math.log(size / previous[0])
            growth = f"  growth k={k:.2f} from {previous[0]}"
        modified = "all paired" if changed == size else f"{changed} changes"
        print(f"{label:8} {size:6} paragraphs: {seconds:8.3f} s  ({modified}){growth}")
        previous = (size, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--naive-sizes", default="50,100")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    naive = [int(s) for s in args.naive_sizes.split(",") if s]
    report("product", sizes, None)
    report("old way", naive, old_pair)
    if naive and sizes:
        product_small, _ = measure(naive[-1])
        old_small, _ = measure(naive[-1], old_pair)
        print(f"at {naive[-1]} paragraphs: old way / product = {old_small / product_small:.0f}x")


if __name__ == "__main__":
    main()
