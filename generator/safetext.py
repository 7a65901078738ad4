"""Putting untrusted content text into Markdown and HTML safely (generated pages are Jinja templates
with autoescape; these are for what still goes through Markdown or YAML: quiz pages, front matter).

Python-Markdown has no public "escape this text" function, so this is written by hand:
HTML-escape first (so `<script>` is shown, never run), then backslash-escape every ASCII
character Markdown or our extensions give meaning to (so `[x](javascript:…)` stays text).
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")  # Python-Markdown ESCAPED_CHARS


def md(text: str) -> str:
    """Inline Markdown for a piece of content text: shows exactly what the author wrote."""
    html_safe = str(escape(text))
    return _MD_SPECIAL.sub(r"\\\1", html_safe).replace("\n", " ")


def html(text: str) -> Markup:
    """HTML-escaped text for raw HTML blocks."""
    return escape(text)


def attr(text: str) -> Markup:
    """Value for an HTML attribute (quotes escaped too)."""
    return escape(text)


def yaml_str(text: str) -> str:
    """A front-matter scalar that YAML reads back as exactly this string."""
    return json.dumps(text, ensure_ascii=False)


__all__ = ["md", "html", "attr", "yaml_str", "Markup"]
