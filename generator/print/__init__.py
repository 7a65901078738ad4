"""The Typst print layer (issue 23): templates under ``generator/templates/print/`` take their data
as JSON (``sys.inputs.data``), never generated Typst markup, so no text from content can change the
layout program.

    pdf = typst_compiler.render("checklist.typ", data, timestamp=changed)   # bytes, reproducible
    printed = documents.print_document(TypstDocument.of("checklist.typ", data, changed))  # cached

Modules, one concept each: :mod:`.fonts` (which font files, and their identities for cache keys),
:mod:`.typst_compiler` (one Compiler per process, render), :mod:`.documents` (a document to print and
its place in the shared print cache of :mod:`generator.printing`).

Ported so far: the per-procedure checklists (A4 page, A6 counter card). Role checklist sets, booklets,
sign sheets, quiz papers, answer sheets and reports still print with WeasyPrint.
"""

from __future__ import annotations

from .documents import TypstDocument, cached_document, print_document

__all__ = ["TypstDocument", "cached_document", "print_document"]
