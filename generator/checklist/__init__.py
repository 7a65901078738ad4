"""Printable counter checklists: an A4 page and an A6 counter card per procedure (PDF).

``playbook checklist`` calls :func:`render_checklists`; ``playbook build`` calls
:func:`render_site_checklists`. Both render HTML from Jinja2 templates (autoescaped: content
text is untrusted) and lay it out with WeasyPrint's paged media.
"""

from __future__ import annotations

from .render import SIZES, render_checklists, render_site_checklists

__all__ = ["SIZES", "render_checklists", "render_site_checklists"]
