"""The site's PDFs are laid out while MkDocs renders the pages: a thread takes the largest first, the
build's own thread what is left (smallest first), and each folder is put in place whole."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator.print import batch, cache, documents
from generator.print.batch import PrintBatch, PrintJob


def _job(folder: str, name: str, text: str) -> PrintJob:
    return PrintJob(folder, name, documents.TypstDocument("checklist.typ", text))


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")


def test_both_threads_lay_out_and_folders_are_replaced_whole(no_cache, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    by: dict[str, str] = {}

    def fake(document: documents.TypstDocument) -> cache.Printed:
        if threading.current_thread().name == "playbook-print":
            gate.wait(10)  # the batch's thread holds its first (largest) job until the build thread is done
        else:
            gate.set()
        by[document.data] = threading.current_thread().name
        return cache.Printed(document.data.encode("utf-8"), 1)

    monkeypatch.setattr(batch, "print_document", fake)
    jobs = [_job("checklists", "a.pdf", "中" * 10), _job("booklets", "b.pdf", "中" * 300),
            _job("checklists", "c.pdf", "中" * 50)]
    site = tmp_path / "site"
    (site / "checklists").mkdir(parents=True)
    (site / "checklists" / "stale.pdf").write_bytes(b"%PDF-stale")
    written = PrintBatch.start(jobs).finish(site)
    assert by["中" * 300] == "playbook-print"  # the largest went to the batch's thread
    assert by["中" * 10] == by["中" * 50] == threading.current_thread().name  # the rest, here
    assert written == [site / "booklets/b.pdf", site / "checklists/a.pdf", site / "checklists/c.pdf"]
    assert (site / "booklets/b.pdf").read_text(encoding="utf-8") == "中" * 300
    assert sorted(p.name for p in (site / "checklists").iterdir()) == ["a.pdf", "c.pdf"]  # stale.pdf went
    assert sorted(p.name for p in site.iterdir()) == ["booklets", "checklists"]  # no staging left


@pytest.mark.parametrize("where", ["thread", "caller"])
def test_a_failed_layout_publishes_nothing(no_cache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           where: str) -> None:
    def broken(document: documents.TypstDocument) -> cache.Printed:
        if "坏" in document.data:
            raise RuntimeError("layout failed")
        return cache.Printed(b"%PDF-fake", 1)

    monkeypatch.setattr(batch, "print_document", broken)
    site = tmp_path / "site"
    (site / "checklists").mkdir(parents=True)
    (site / "checklists" / "old.pdf").write_bytes(b"%PDF-old")
    bad = "坏" * (100 if where == "thread" else 1)  # the largest goes to the thread
    jobs = [_job("checklists", "good.pdf", "好" * 10), _job("checklists", "bad.pdf", bad)]
    with pytest.raises(RuntimeError, match="layout failed"):
        PrintBatch.start(jobs).finish(site)
    assert sorted(p.name for p in (site / "checklists").iterdir()) == ["old.pdf"]
    assert sorted(p.name for p in site.iterdir()) == ["checklists"]


@pytest.mark.slow
def test_real_layouts_in_two_threads_equal_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real Typst layouts in the batch's thread and the build's: the same bytes as one at a time,
    every one lands in the cache, and the next start takes them all from there without a thread."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checklist"))
    from checklist_support import long_procedure, write_content

    from generator.checklist.render import site_jobs
    from generator.loader import load_or_raise

    root = write_content(tmp_path / "content", [long_procedure(2 + 3 * i, pid=f"p{i}") for i in range(6)])
    content, _ = load_or_raise(root)
    jobs = site_jobs(content)
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    alone = [documents.print_document(job.document).data for job in jobs]
    monkeypatch.setenv("PLAYBOOK_CACHE", str(tmp_path / "cache"))
    written = PrintBatch.start(jobs).finish(tmp_path / "site")
    assert [p.read_bytes() for p in written] == [alone[i] for i in sorted(range(len(jobs)),
                                                                          key=lambda i: jobs[i].name)]
    again = PrintBatch.start(jobs)
    assert again._thread is None and len(again.done) == len(jobs)
    again.close()
