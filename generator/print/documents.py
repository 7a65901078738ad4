"""A document to print with Typst — template, JSON data, date — and its entry in the one print cache
(:mod:`.cache`): the key covers the Typst version, the font files, every template file and
the data, so changing any of them lays the document out again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .. import __version__
from . import cache, fonts, typst_compiler

KEY_FORMAT = "playbook-typst-1"


@dataclass(frozen=True)
class TypstDocument:
    """What one PDF is made from. ``data`` is the canonical JSON the template reads; ``timestamp``
    the content's date (the PDF's creation date). Picklable: it travels to worker processes."""

    template: str
    data: str
    timestamp: datetime | None = None

    @classmethod
    def of(cls, template: str, data: dict, timestamp: datetime | None = None) -> TypstDocument:
        return cls(template, typst_compiler.encode(data), timestamp)


@lru_cache(maxsize=1)
def _templates_hash() -> str:
    """Every template file (they import each other), hashed: editing one re-renders its documents."""
    h = hashlib.sha256()
    for path in sorted(typst_compiler.TEMPLATES.rglob("*.typ")):
        h.update(path.relative_to(typst_compiler.TEMPLATES).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def fingerprint(doc: TypstDocument) -> str:
    stamp = doc.timestamp.isoformat() if doc.timestamp is not None else "none"
    parts = [KEY_FORMAT, f"typst={typst_compiler.typst_version()}", f"generator={__version__}",
             fonts.font_identities(), f"templates={_templates_hash()}", f"template={doc.template}",
             f"timestamp={stamp}", doc.data]
    return hashlib.sha256("\n\x00".join(parts).encode("utf-8")).hexdigest()


def cached_document(doc: TypstDocument) -> cache.Printed | None:
    """The PDF if the cache has it (nothing is laid out)."""
    return cache.cache_get(fingerprint(doc))


def print_document(doc: TypstDocument) -> cache.Printed:
    """Lay out ``doc`` (or take it from the cache); the PDF and its page count."""
    key = fingerprint(doc)
    hit = cache.cache_get(key)
    if hit is not None:
        return hit
    data = typst_compiler.render_json(doc.template, doc.data, doc.timestamp)
    printed = cache.Printed(data, typst_compiler.page_count(data))
    cache.cache_put(key, printed)
    return printed
