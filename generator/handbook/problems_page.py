"""What `playbook serve` shows in the browser while the content has problems: an overlay over the
last good page, listing every problem compiler-style with the offending line quoted. Saving the
fixed file rebuilds the site and the overlay is gone (live reload)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup

from ..problems import Problem

OVERLAY_ID = "playbook-problems"

_STYLE = f"""
#{OVERLAY_ID} {{ position: fixed; inset: 0; z-index: 10000; overflow: auto; background: #fff; color: #1a1a1a;
  padding: 1.5rem 2rem; font: 15px/1.6 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }}
#{OVERLAY_ID} h1 {{ color: #b00020; font-size: 1.4rem; margin: 0 0 .3rem; }}
#{OVERLAY_ID} ol {{ padding-left: 1.4rem; }}
#{OVERLAY_ID} li {{ margin: 0 0 1rem; }}
#{OVERLAY_ID} code.where {{ display: block; white-space: pre-wrap; word-break: break-all; font-weight: bold; }}
#{OVERLAY_ID} pre {{ background: #fff4f4; border-left: 4px solid #b00020; margin: .3rem 0 0; padding: .4rem .6rem;
  overflow-x: auto; font: 14px/1.5 monospace; }}
#{OVERLAY_ID}:focus-visible, #{OVERLAY_ID} pre:focus-visible {{ outline: 3px solid #1a4fd6; outline-offset: -3px; }}
body:has(> #{OVERLAY_ID}) > :not(#{OVERLAY_ID}) {{ visibility: hidden; }}
"""
# Keyboard: the overlay takes focus on load (autofocus) so arrow keys and Page Down scroll it, and
# each quoted line is a tab stop so a long one scrolls sideways; the page under it is hidden from
# focus and screen readers (visibility), as it already is from sight.


def source_line(problem: Problem, base: Path | None = None) -> str | None:
    """The line a problem points at, or None (no such file or line: e.g. a command-line problem)."""
    path = Path(problem.file)
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if 1 <= problem.line <= len(lines):
        return lines[problem.line - 1]
    return None


def _quote(problem: Problem, base: Path | None) -> Markup:
    line = source_line(problem, base)
    if line is None:
        return Markup("")
    number = f"{problem.line} | "
    caret = " " * (len(number) + max(problem.col - 1, 0)) + "^"
    return Markup('<pre class="line" tabindex="0">{}{}\n{}</pre>').format(number, line, caret)


def problems_overlay(problems: Sequence[Problem], base: Path | None = None) -> Markup:
    """The overlay's HTML (escaped: problems quote author text)."""
    errors = sum(1 for p in problems if p.is_error)
    items = Markup("").join(
        Markup('<li><code class="where">{}</code>{}</li>').format(p.format(), _quote(p, base)) for p in problems)
    return Markup(
        '<div id="{id}" role="alert" lang="zh-CN" tabindex="0" autofocus><style>{style}</style>'
        "<h1>内容有问题，网站没有更新</h1>"
        "<p>共 {n} 处需要修改（{errors} 个错误）。下面显示的是上一次正确的版本；改好并保存文件后，本页会自动刷新。"
        "各错误代码的说明见作者指南。</p><ol>{items}</ol></div>"
    ).format(id=OVERLAY_ID, style=Markup(_STYLE), n=len(problems), errors=errors, items=items)


def with_overlay(page_html: str, overlay: Markup) -> str:
    """The page with the overlay as the first thing in its body (or prepended when it has none)."""
    head, sep, tail = page_html.partition("<body")
    if sep:
        open_end = tail.find(">")
        if open_end >= 0:
            return head + sep + tail[: open_end + 1] + str(overlay) + tail[open_end + 1:]
    return str(overlay) + page_html


__all__ = ["OVERLAY_ID", "problems_overlay", "source_line", "with_overlay"]
