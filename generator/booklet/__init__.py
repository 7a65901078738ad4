"""Printed handbooks: one booklet per role (or domain, or everything) and the 阅读确认单 (read-and-sign)."""

from .render import booklet_data, build_site_booklets, signoff_data, write_booklet, write_signoff
from .view import BookletView, booklet_view

__all__ = ["BookletView", "booklet_data", "booklet_view", "build_site_booklets", "signoff_data", "write_booklet",
           "write_signoff"]
