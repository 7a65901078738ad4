"""Printable counter checklists: an A4 page and an A6 counter card per procedure (PDF).

``playbook checklist`` calls :func:`render_checklists`; ``playbook build`` calls
:func:`render_site_checklists`. A procedure's checklist is laid out by Typst from JSON data
(:mod:`generator.print`, ``templates/print/checklist.typ``: content is data, never markup); the
role checklist sets are still HTML from Jinja2 templates (autoescaped) laid out by WeasyPrint.
"""

from __future__ import annotations

from .render import SIZES, render_checklists, render_site_checklists

__all__ = ["SIZES", "render_checklists", "render_site_checklists"]
