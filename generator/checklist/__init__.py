"""Printable counter checklists: an A4 page and an A6 counter card per procedure, and per role one
A4 PDF of all its checklists.

``playbook checklist`` calls :func:`render_checklists`; ``playbook build`` calls
:func:`render_site_checklists`. Laid out by Typst from JSON data (:mod:`generator.print`,
``templates/print/checklist.typ``: content is data, never markup).
"""

from __future__ import annotations

from .render import SIZES, render_checklists, render_site_checklists

__all__ = ["SIZES", "render_checklists", "render_site_checklists"]
