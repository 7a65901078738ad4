"""Printed handbooks: one booklet per role (or domain, or everything) and the 阅读确认单 (read-and-sign)."""

from .render import booklet_html, build_site_booklets, write_booklet, write_signoff
from .view import BookletView, booklet_view

__all__ = ["BookletView", "booklet_html", "booklet_view", "build_site_booklets", "write_booklet", "write_signoff"]
