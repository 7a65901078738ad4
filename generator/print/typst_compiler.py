"""One Typst compiler per thread (a compiler is not shared between threads; Typst lays out with
the GIL released, so a thread laying out PDFs runs beside the MkDocs build): the font folders are
scanned once per process (the module-level ``typst.compile`` scans them on every call), then each
document costs only its layout.

    pdf = render("checklist.typ", {"checklists": [...]}, timestamp=changed)

``template`` names a ``.typ`` file under :data:`TEMPLATES`; ``data`` goes to it as JSON in
``sys.inputs.data`` (the template reads ``json(bytes(sys.inputs.data))``): content is data, never
markup. The PDF's creation date is ``timestamp`` (the content's date; never the clock), so the same
input gives byte-identical PDFs.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pypdfium2
import typst

from . import fonts as _fonts

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "print"


class PrintError(RuntimeError):
    """Typst refused a template (a bug in a template, never in content: content is only data)."""


@lru_cache(maxsize=1)
def typst_version() -> str:
    """The typst package's version (the compiler it bundles comes with it), for cache keys."""
    try:
        return version("typst")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without metadata
        return typst.__version__


@lru_cache(maxsize=1)
def fonts() -> Any:
    """The font book, built once per process: our CJK font folders plus Typst's own fonts."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(_fonts.font_dirs()))


_local = threading.local()


def compiler() -> Any:
    """This thread's compiler (created on first use)."""
    made = getattr(_local, "compiler", None)
    if made is None:
        made = _local.compiler = typst.Compiler(root=str(TEMPLATES), font_paths=fonts(), ignore_system_fonts=True)
    return made


def _timestamp(when: datetime | None) -> int:
    if when is None:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def encode(data: dict) -> str:
    """The JSON a template gets: canonical (sorted keys, no ASCII escaping), so equal data is equal text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def render_json(template: str, data_json: str, timestamp: datetime | None = None) -> bytes:
    """:func:`render` with the data already encoded (what the print cache keys on)."""
    path = TEMPLATES / template
    if not path.is_file() or TEMPLATES.resolve() not in path.resolve().parents:
        raise ValueError(f"no print template {template!r}")
    try:
        pdf = compiler().compile(input=str(path), root=str(TEMPLATES), format="pdf", sys_inputs={"data": data_json},
                                 timestamp=_timestamp(timestamp))
    except typst.TypstError as exc:
        raise PrintError(f"{template}: {exc.message}\n{getattr(exc, 'diagnostic', '')}") from exc
    assert isinstance(pdf, bytes)
    return pdf


def render(template: str, data: dict, timestamp: datetime | None = None) -> bytes:
    """Lay out ``template`` with ``data`` (JSON-serialisable) into PDF bytes; reproducible."""
    return render_json(template, encode(data), timestamp)


def query(template: str, data: dict, selector: str) -> Any:
    """What ``template`` laid out with ``data`` says for ``selector`` (e.g. ``<question>``: the
    values of the metadata so labelled, which can carry ``here().page()``), as parsed JSON. A query
    takes its input only from a compiler made for one document; it shares the font book, and
    Typst's memoised layout makes rendering the same data afterwards cheap."""
    path = TEMPLATES / template
    made = typst.Compiler(input=str(path), root=str(TEMPLATES), font_paths=fonts(), ignore_system_fonts=True,
                          sys_inputs={"data": encode(data)})
    try:
        return json.loads(made.query(selector, field="value"))
    except typst.TypstError as exc:
        raise PrintError(f"{template}: {exc.message}\n{getattr(exc, 'diagnostic', '')}") from exc


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (Typst writes one page tree: its root holds the total)."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()
