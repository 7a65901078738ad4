"""Output is never seen half-written: a file all or nothing, a folder swapped in whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.print.publish import publish_folder, write_atomic


def test_write_atomic_replaces_whole_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "x.pdf", b"data")
    assert list(tmp_path.iterdir()) == [target]


def test_publish_folder_swaps_the_folder_in_whole(tmp_path: Path) -> None:
    out = tmp_path / "checklists"
    out.mkdir()
    (out / "stale.pdf").write_bytes(b"stale")
    staging = tmp_path / ".staging"
    staging.mkdir()
    (staging / "a.pdf").write_bytes(b"a")
    publish_folder(staging, out)
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checklists"]  # the old folder and staging are gone
