"""Render checklist PDFs, written all-or-nothing: a procedure's checklist (A4 page, A6 counter card)
and a role's checklist set (every procedure of the role in one A4 PDF), laid out by Typst from JSON
data (:mod:`generator.print`, template ``print/checklist.typ``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import output_folder
from ..content import Content
from ..print import TypstDocument, batch
from ..print.batch import PrintBatch, PrintJob
from ..problems import PlaybookError, Problem
from .view import WEEKDAYS, ChecklistView, checklist_views

SIZES = ("a4", "a6")
TYPST_TEMPLATE = "checklist.typ"  # under generator/templates/print/
CLI = "命令行"  # the "file" named in problems about command-line input


def _title(views: Sequence[ChecklistView], size: str, title: str | None) -> str:
    return title or (views[0].title + ("检查表" if size == "a4" else "柜台卡"))


def checklist_data(views: Sequence[ChecklistView], size: str, title: str | None = None) -> dict:
    """The JSON data of one Typst PDF holding the given checklists (A4 pages or A6 counter cards):
    plain strings, lists and flags; the template shows them as text, never as markup."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}")

    def step(s) -> dict:
        return {"number": s.number, "title": s.title, "points": list(s.points), "must": list(s.must),
                "never": list(s.never), "timing": list(s.timing), "internal": s.internal,
                "phrases": [{"text": p.text, "when": p.when or ""} for p in s.phrases]}

    return {"size": size, "title": _title(views, size, title), "weekdays": list(WEEKDAYS),
            "checklists": [{"id": v.id, "title": v.title, "kind": "每日检查表" if v.daily else "检查表",
                            "summary": v.summary or "", "role_line": v.role_line, "domain": v.domain,
                            "date": v.date, "digest": v.digest, "running": v.running, "daily": v.daily,
                            "must": list(v.must), "never": list(v.never), "notes": list(v.notes),
                            "steps": [step(s) for s in v.steps]} for v in views]}


def checklist_document(views: Sequence[ChecklistView], size: str, title: str | None = None) -> TypstDocument:
    """What one checklist PDF is made from; its date is when its content last changed."""
    return TypstDocument.of(TYPST_TEMPLATE, checklist_data(views, size, title), max(v.changed for v in views))


def procedure_jobs(views: Iterable[ChecklistView], sizes: Sequence[str], folder: str = "checklists") -> list[PrintJob]:
    """Per procedure and size: ``<id>.pdf`` (A4) or ``<id>-<size>.pdf``."""
    jobs = []
    for view in views:
        for size in sizes:
            name = f"{view.id}.pdf" if size == "a4" else f"{view.id}-{size}.pdf"
            jobs.append(PrintJob(folder, name, checklist_document([view], size)))
    return jobs


def role_jobs(content: Content, views: Sequence[ChecklistView], folder: str = "checklists") -> list[PrintJob]:
    """One A4 PDF per role holding every checklist of that role (e.g. 服务顾问(SA)全部检查表)."""
    by_id = {v.id: v for v in views}
    jobs = []
    for rid, role in content.roles.items():
        mine = [by_id[pid] for pid, proc in content.procedures.items() if rid in proc.roles and pid in by_id]
        if mine:
            jobs.append(PrintJob(folder, f"role-{rid}.pdf", checklist_document(mine, "a4", title=f"{role.name}全部检查表")))
    return jobs


def _problem(code: str, message: str, detail: str) -> Problem:
    return Problem(CLI, 1, 1, code, message, detail)


def _available(content: Content, wrong: str, shown: int = 12) -> str:
    ids = list(content.procedures)
    if not ids:
        return "内容里还没有任何流程"
    text = "可用：" + "、".join(ids[:shown]) + (f" … 共 {len(ids)} 个" if len(ids) > shown else "")
    close = difflib.get_close_matches(wrong, ids, n=3, cutoff=0.6)
    return (f"相近的有：{'、'.join(close)}；" if close else "") + text


KIND = "checklist"


def render_checklists(content: Content, ids: list[str] | None, size: str, out_dir: Path,
                      content_dir: Path | None = None) -> list[Path]:
    """`playbook checklist`: one PDF per procedure (all when ids is None or empty) in out_dir.

    out_dir must be new, empty or this command's own earlier output (``output_folder``: a folder
    holding someone's files is refused before any layout, never overwritten); the PDFs are laid out
    in memory and published all or nothing, beside the earlier ones (a run for one procedure or the
    A6 size adds to the folder). Unknown ids raise PlaybookError before anything is written."""
    if size not in SIZES:
        raise PlaybookError([_problem("A003", f"不认识的纸张 `{size}`（可用：{'、'.join(SIZES)}）",
                                      f"unknown size {size}")])
    wanted = list(dict.fromkeys(ids)) if ids else list(content.procedures)
    unknown = [pid for pid in wanted if pid not in content.procedures]
    if unknown:
        raise PlaybookError([_problem("A001", f"找不到流程 `{pid}`（{_available(content, pid)}）",
                                      f"unknown procedure id {pid}") for pid in unknown])
    out_dir = Path(out_dir)
    earlier = _earlier_output(content)
    refused = output_folder.refusals(out_dir, KIND, content=content_dir, unmarked=earlier)
    if refused:
        raise output_folder.OutputRefused(refused)
    jobs = procedure_jobs(checklist_views(content, wanted), [size])
    printed = PrintBatch.start(jobs).collect()
    files = {job.name: pdf.data for job, pdf in zip(jobs, printed, strict=True)}
    output_folder.publish(out_dir, KIND, files, content=content_dir, unmarked=earlier,
                          keep=lambda name: True, private=False)
    return [out_dir / job.name for job in jobs]


def _earlier_output(content: Content) -> output_folder.Unmarked:
    """What `playbook checklist` wrote before output folders had a marker: a PDF per procedure and size."""
    return output_folder.Unmarked(frozenset(f"{pid}.pdf" if size == "a4" else f"{pid}-{size}.pdf"
                                            for pid in content.procedures for size in SIZES), {})


def site_jobs(content: Content, folder: str = "checklists") -> list[PrintJob]:
    """Every PDF of the site's checklist folder: per procedure `<id>.pdf` (A4) and `<id>-a6.pdf`
    (counter card), and `role-<role>.pdf` per role."""
    views = checklist_views(content)
    return procedure_jobs(views, SIZES, folder) + role_jobs(content, views, folder)


def render_site_checklists(content: Content, out_dir: Path) -> list[Path]:
    """The site's checklist folder (:func:`site_jobs`) on its own. out_dir is replaced as a whole,
    and only after all rendered."""
    out_dir = Path(out_dir)
    return batch.make(site_jobs(content, out_dir.name), out_dir.parent)
