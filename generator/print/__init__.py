"""The print layer: every PDF Playbook makes — counter checklists and cards, role checklist sets,
role booklets and read-and-sign sheets, quiz papers and keys, answer sheets, results reports — is
laid out by Typst from a template under ``generator/templates/print/`` that takes its data as JSON
(``sys.inputs.data``), never generated Typst markup, so no text from content can change the layout
program.

    printed = print_document(TypstDocument.of("checklist.typ", data, changed))  # through the cache
    pdf = typst_compiler.render("trainees.typ", data, timestamp)                  # personal data: no cache

Modules, one concept each: :mod:`.fonts` (which font files, and their identities for cache keys),
:mod:`.typst_compiler` (one compiler per thread, render), :mod:`.documents` (a document to print and
its cache key), :mod:`.cache` (the print cache and its pruning), :mod:`.publish` (a file all or
nothing, a folder swapped in whole), :mod:`.batch` (the site's PDFs, laid out beside the MkDocs build).
"""

from __future__ import annotations

from .documents import TypstDocument, cached_document, print_document

__all__ = ["TypstDocument", "cached_document", "print_document"]
