"""Booklets and read-and-sign sheets as PDFs laid out by Typst from JSON data (:mod:`generator.print`,
templates ``print/booklet.typ`` and ``print/signoff.typ``); every file is written all or nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..changes import changed_since
from ..content import Content
from ..print import TypstDocument, batch, print_document
from ..print.batch import PrintJob
from ..print.publish import made_by_us, write_atomic
from ..problems import PlaybookError, Problem
from ..versions import procedure_versions
from .view import CLI, BookletView, ProcedureView, booklet_view

BOOKLET_TEMPLATE = "booklet.typ"  # under generator/templates/print/
SIGNOFF_TEMPLATE = "signoff.typ"


def _phrase(p) -> dict:
    return {"text": p.text, "when": p.when or ""}


def _procedure(p: ProcedureView) -> dict:
    steps = [{"number": s.number, "title": s.title, "points": list(s.points), "timing": list(s.timing),
              "must": list(s.must), "never": list(s.never), "phrases": [_phrase(ph) for ph in s.phrases],
              "why": s.why or "", "internal": s.internal} for s in p.steps]
    return {"title": p.title, "summary": p.summary or "", "version": p.version.label, "domain": p.domain,
            "roles": p.roles, "unordered": p.kind == "rules", "must": list(p.must), "never": list(p.never),
            "notes": list(p.notes), "steps": steps}


def booklet_data(view: BookletView) -> dict:
    """The JSON data of a booklet: cover, contents, procedures, the role's phrases, glossary (the
    template adds the notes page). Plain strings, lists and flags, shown as text, never as markup."""
    return {"title": view.title, "audience": view.audience, "date": view.date, "fingerprint": view.fingerprint,
            "uncommitted": view.uncommitted, "procedures": [_procedure(p) for p in view.procedures],
            "phrases": [_phrase(p) for p in view.phrases],
            "glossary": [{"term": t.term, "full": t.full or "", "definition": t.definition} for t in view.glossary]}


def signoff_data(view: BookletView) -> dict:
    """The JSON data of a 阅读确认单: every procedure with its version and whether it must be signed again."""
    return {"title": f"{view.audience}阅读确认单", "audience": view.audience, "date": view.date,
            "fingerprint": view.fingerprint, "since": view.since,
            "procedures": [{"title": p.title, "date": p.version.date, "digest": p.version.digest,
                            "recheck": p.recheck} for p in view.procedures]}


def booklet_document(view: BookletView) -> TypstDocument:
    """What a booklet PDF is made from; its date is when its newest procedure last changed."""
    return TypstDocument.of(BOOKLET_TEMPLATE, booklet_data(view), view.changed)


def signoff_document(view: BookletView) -> TypstDocument:
    """What a read-and-sign sheet PDF is made from (content only, no names: it is filled in by hand)."""
    return TypstDocument.of(SIGNOFF_TEMPLATE, signoff_data(view), view.changed)


_REASONS = {errno.ENOENT: "目录不存在", errno.ENOTDIR: "路径里有一段不是目录", errno.EACCES: "没有写权限",
            errno.EPERM: "没有写权限", errno.EROFS: "只读文件系统", errno.ENOSPC: "磁盘空间不足"}


def _unwritable(target: Path, reason: str, detail: str) -> PlaybookError:
    return PlaybookError([Problem(CLI, 1, 1, "H002", f"无法写入 `{target}`：{reason}；请换一个可写的位置（--out）",
                                  detail)])


def _check_target(target: Path) -> None:
    """Refuse, before any layout, a target we may not write: a folder, a missing folder, or an
    existing file that is not a PDF we made (H005: someone's document is never overwritten)."""
    if target.is_dir():
        raise _unwritable(target, "这是一个目录，请给出 .pdf 文件名", "output path is a directory")
    if not target.parent.is_dir():
        raise _unwritable(target, "所在目录不存在", "output directory does not exist")
    if os.path.lexists(target) and not made_by_us(target):
        raise PlaybookError([Problem(CLI, 1, 1, "H005", f"`{target}` 已经存在，而且不是 playbook 生成的 PDF，不会覆盖；"
                                     "请换一个文件名（--out），或先把它移走", "existing file not made by playbook")])


def _write(target: Path, document: TypstDocument) -> int:
    """Lay out (or take from the print cache) and write all or nothing; returns the page count."""
    printed = print_document(document)
    try:
        write_atomic(target, printed.data)
    except OSError as exc:
        raise _unwritable(target, _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__,
                          f"cannot write: {exc}") from exc
    return printed.pages


def write_booklet(content: Content, target: Path, role: str | None = None, domain: str | None = None) -> int:
    """`playbook booklet`: one PDF; returns its page count. Problems raise before anything is written."""
    view = booklet_view(content, role, domain)
    target = Path(target)
    _check_target(target)
    return _write(target, booklet_document(view))


def write_signoff(content: Content, target: Path, role: str | None = None, domain: str | None = None,
                  since: str | None = None) -> int:
    """`playbook booklet --sign`: the read-and-sign sheet; with ``since`` the procedures changed
    since that revision or date are marked 需重新确认."""
    recheck = changed_since(content, since) if since else set()
    view = booklet_view(content, role, domain, recheck=recheck, since=since or "")
    target = Path(target)
    _check_target(target)
    return _write(target, signoff_document(view))


def site_jobs(content: Content, folder: str = "booklets") -> list[PrintJob]:
    """Every role's booklet and read-and-sign sheet: ``role-<id>.pdf`` and ``role-<id>-sign.pdf``
    per role with procedures."""
    versions = procedure_versions(content)
    jobs = []
    for rid in content.roles:
        view = booklet_view(content, role=rid, versions=versions)
        if view.procedures:
            jobs.append(PrintJob(folder, f"{view.key}.pdf", booklet_document(view)))
            jobs.append(PrintJob(folder, f"{view.key}-sign.pdf", signoff_document(view)))
    return jobs


def build_site_booklets(content: Content, out_dir: Path) -> list[Path]:
    """The site's booklet folder (:func:`site_jobs`) on its own. out_dir is replaced as a whole,
    and only after every PDF rendered."""
    out_dir = Path(out_dir)
    return batch.make(site_jobs(content, out_dir.name), out_dir.parent)
