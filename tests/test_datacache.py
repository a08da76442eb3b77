"""Data files read once per change: a changed file is read again, a broken one never cached."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.datacache import read_data
from generator.exceptions import DataError


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "rad.yaml"
    path.write_text("namn: Första\n", "utf-8")
    assert read_data(path) == {"namn": "Första"}
    path.write_text("namn: Andra!\n", "utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert read_data(path) == {"namn": "Andra!"}


def test_a_broken_file_raises_each_time_and_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "rad.yaml"
    path.write_text("namn: [öppen\n", "utf-8")
    for _ in range(2):
        with pytest.raises(DataError) as err:
            read_data(path)
        assert err.value.problems[0].line == 2 or err.value.problems[0].line == 1
    path.write_text("namn: Rätt\n", "utf-8")
    assert read_data(path) == {"namn": "Rätt"}
