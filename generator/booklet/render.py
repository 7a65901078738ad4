"""Booklets and read-and-sign sheets as HTML (Jinja, autoescaped) and PDF (WeasyPrint), through the
shared print layer; every file is written all or nothing."""

from __future__ import annotations

import errno
from pathlib import Path

from .. import printing, site_printables
from ..loader import Content
from ..problems import PlaybookError, Problem
from ..site_printables import PrintJob
from ..versions import procedure_versions
from .view import CLI, BookletView, booklet_view

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "booklet"


def _css():
    return printing.stylesheet(TEMPLATES / "booklet.css")


def booklet_html(view: BookletView) -> str:
    """The whole booklet: cover, contents, procedures, the role's phrases, glossary, notes page."""
    return printing.environment(TEMPLATES).get_template("booklet.html").render(
        b=view, css=_css(), head=printing.meta_tags(view.title, view.date, {"playbook.fingerprint": view.fingerprint}))


def signoff_html(view: BookletView) -> str:
    """The 阅读确认单: every procedure with its version, columns for 姓名 / 日期 / 签字."""
    title = f"{view.audience}阅读确认单"
    return printing.environment(TEMPLATES).get_template("signoff.html").render(
        b=view, title=title, css=_css(),
        head=printing.meta_tags(title, view.date, {"playbook.fingerprint": view.fingerprint}))


def pdf(html: str) -> bytes:
    return printing.pdf_bytes(html, TEMPLATES)


_REASONS = {errno.ENOENT: "目录不存在", errno.ENOTDIR: "路径里有一段不是目录", errno.EACCES: "没有写权限",
            errno.EPERM: "没有写权限", errno.EROFS: "只读文件系统", errno.ENOSPC: "磁盘空间不足"}


def _unwritable(target: Path, reason: str, detail: str) -> PlaybookError:
    return PlaybookError([Problem(CLI, 1, 1, "H002", f"无法写入 `{target}`：{reason}；请换一个可写的位置（--out）",
                                  detail)])


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise _unwritable(target, "这是一个目录，请给出 .pdf 文件名", "output path is a directory")
    if not target.parent.is_dir():
        raise _unwritable(target, "所在目录不存在", "output directory does not exist")


def _write(target: Path, data: bytes) -> None:
    try:
        printing.write_atomic(target, data)
    except OSError as exc:
        raise _unwritable(target, _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__,
                          f"cannot write: {exc}") from exc


def write_booklet(content: Content, target: Path, role: str | None = None, domain: str | None = None) -> int:
    """`playbook booklet`: one PDF; returns its page count. Problems raise before anything is written."""
    view = booklet_view(content, role, domain)
    target = Path(target)
    _check_target(target)
    printed = printing.print_pdf(booklet_html(view), TEMPLATES)
    _write(target, printed.data)
    return printed.pages


def write_signoff(content: Content, target: Path, role: str | None = None, domain: str | None = None,
                  since: str | None = None) -> int:
    """`playbook booklet --sign`: the read-and-sign sheet; with ``since`` the procedures changed
    since that revision or date are marked 需重新确认."""
    recheck: set[str] = set()
    if since:
        from ..changes import changed_since

        recheck = changed_since(content, since)
    view = booklet_view(content, role, domain, recheck=recheck, since=since or "")
    target = Path(target)
    _check_target(target)
    printed = printing.print_pdf(signoff_html(view), TEMPLATES)
    _write(target, printed.data)
    return printed.pages


def site_jobs(content: Content, folder: str = "booklets") -> list[PrintJob]:
    """Every role's booklet and read-and-sign sheet: ``role-<id>.pdf`` and ``role-<id>-sign.pdf``
    per role with procedures."""
    versions = procedure_versions(content)
    jobs = []
    for rid in content.roles:
        view = booklet_view(content, role=rid, versions=versions)
        if view.procedures:
            jobs.append(PrintJob(folder, f"{view.key}.pdf", booklet_html(view), str(TEMPLATES)))
            jobs.append(PrintJob(folder, f"{view.key}-sign.pdf", signoff_html(view), str(TEMPLATES)))
    return jobs


def build_site_booklets(content: Content, out_dir: Path, processes: int = 1) -> list[Path]:
    """The site's booklet folder (:func:`site_jobs`) on its own. out_dir is replaced as a whole,
    and only after every PDF rendered."""
    out_dir = Path(out_dir)
    return site_printables.make(site_jobs(content, out_dir.name), out_dir.parent, processes)
