"""The site's PDFs are laid out while MkDocs renders the pages: workers take the largest first, the
build process what no worker started (smallest first), and each folder is put in place whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import printing, site_printables
from generator.site_printables import PrintJob, SitePrintables

BASE = str(Path(__file__).resolve().parent)


def _html(text: str, lines: int = 1) -> str:
    body = "".join(f"<p>{text} 第 {i + 1} 行</p>" for i in range(lines))
    return f"<html><head><style>{printing.stylesheet()}</style></head><body><h1>{text}</h1>{body}</body></html>"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_CACHE", str(folder))
    return folder


def test_without_workers_the_build_process_lays_out_smallest_first_and_replaces_folders_whole(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []

    def fake(html: str, base_url: str) -> printing.Printed:
        order.append(html)
        return printing.Printed(html.encode("utf-8"), 1)

    monkeypatch.setattr(site_printables, "render_pdf", fake)
    jobs = [PrintJob("checklists", "a.pdf", "中" * 10, BASE), PrintJob("booklets", "b.pdf", "中" * 300, BASE),
            PrintJob("checklists", "c.pdf", "中" * 50, BASE)]
    site = tmp_path / "site"
    (site / "checklists").mkdir(parents=True)
    (site / "checklists" / "stale.pdf").write_bytes(b"%PDF-stale")
    printables = SitePrintables.start(jobs, processes=1)
    assert printables.todo == [1, 2, 0]  # largest first, for workers
    written = printables.finish(site)
    assert order == ["中" * 10, "中" * 50, "中" * 300]  # this process: smallest first
    assert written == [site / "booklets/b.pdf", site / "checklists/a.pdf", site / "checklists/c.pdf"]
    assert sorted(p.name for p in (site / "checklists").iterdir()) == ["a.pdf", "c.pdf"]  # stale.pdf went
    assert sorted(p.name for p in site.iterdir()) == ["booklets", "checklists"]  # no staging left


def test_a_failed_layout_publishes_nothing(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(html: str, base_url: str) -> printing.Printed:
        if "坏" in html:
            raise RuntimeError("layout failed")
        return printing.Printed(b"%PDF-fake", 1)

    monkeypatch.setattr(site_printables, "render_pdf", broken)
    site = tmp_path / "site"
    (site / "checklists").mkdir(parents=True)
    (site / "checklists" / "old.pdf").write_bytes(b"%PDF-old")
    jobs = [PrintJob("checklists", "good.pdf", "好", BASE), PrintJob("checklists", "bad.pdf", "坏坏", BASE)]
    with pytest.raises(RuntimeError):
        SitePrintables.start(jobs).finish(site)
    assert sorted(p.name for p in (site / "checklists").iterdir()) == ["old.pdf"]
    assert sorted(p.name for p in site.iterdir()) == ["checklists"]


@pytest.mark.slow
def test_workers_make_the_same_pdfs_and_fill_the_cache(cache: Path, tmp_path: Path) -> None:
    """Real worker processes (WeasyPrint in each): the PDFs equal a layout in this process, every one
    lands in the cache, and the next start takes them all from there without a worker."""
    jobs = [PrintJob("checklists", f"{i}.pdf", _html(f"检查表{i}", lines=1 + 20 * i), BASE) for i in range(4)]
    printables = SitePrintables.start(jobs, processes=2)
    assert printables.todo == [3, 2, 1, 0]
    written = printables.finish(tmp_path / "site")
    assert [p.name for p in written] == ["0.pdf", "1.pdf", "2.pdf", "3.pdf"]
    for job, path in zip(jobs, written, strict=True):
        assert path.read_bytes() == printing.render(job.html, job.base_url).write_pdf()
    again = SitePrintables.start(jobs, processes=2)
    assert again.todo == [] and again._pool is None
    assert again.finish(tmp_path / "again") == [tmp_path / "again" / p.relative_to(tmp_path / "site")
                                                 for p in written]
