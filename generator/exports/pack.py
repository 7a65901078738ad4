"""The trainers' pack: every exam file of every quiz spec, outside the readers' site.

The handbook everyone reads must not carry tomorrow's exam. ``playbook build`` therefore writes,
beside the site and never into it, a folder (``trainer-pack/`` by default, the plugin's
``trainer_pack_dir``) with one subfolder per spec holding what ``playbook quiz`` writes for that
spec (papers, keys, answer sheets and their layouts, quiz JSON, Moodle XML, GIFT, 题库, 腾讯问卷, the
Anki deck, coverage) and an ``index.html`` for trainers. The site keeps only the Anki deck, which
is practice cards of phrases and times, not exam questions.

The folder is published all or nothing as our own output (``output_folder``): a folder holding
someone else's files is refused, never emptied; files are private to the owner (0600), since an
exam's key is as confidential as its results.

A team whose handbook is internal-only may publish the pack as a section of the site
(``trainer_pack_in_site: true``); a static site has no access control, so that is opt-in.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from .. import output_folder
from ..problems import ContentError, Problem, display_path
from ..safetext import md
from .paper import environment
from .quiz_files import pack_names, spec_outputs

if TYPE_CHECKING:  # pragma: no cover
    from ..content import Content

PACK_KIND = "trainer-pack"
IN_SITE = "trainer-pack"
"""The site section the pack is published under when ``trainer_pack_in_site`` is on."""
SITE_FILES = (".apkg",)
"""What of a spec's files the readers' site keeps: the Anki deck of phrases and times."""

# What each file is, for the index page (by the start of its name).
_WHAT = (("paper-", "试卷"), ("key-", "答案"), ("sheet-", "答题卡"), ("quiz-", "测验 JSON（批改用）"),
         ("moodle-", "Moodle XML"), ("gift-", "GIFT"), ("tiku-", "Excel / 文本题库"), ("wesurvey-", "腾讯问卷考试文本"),
         ("coverage.", "覆盖情况报告"), ("preview.", "题目预览：能抽到的每一道题，勾选后生成 exclude"))


def describe(name: str) -> str:
    if name.endswith(".apkg"):
        return "Anki 卡片"
    return next((what for start, what in _WHAT if name.startswith(start)), name)


def pack_files(specs: dict[str, tuple[str, dict[str, bytes]]]) -> dict[str, bytes]:
    """``spec stem -> (title, files)`` as the pack's files: ``<stem>/<name>`` and ``index.html``."""
    files = {f"{stem}/{name}": data for stem, (_, outputs) in specs.items() for name, data in outputs.items()}
    listing = [{"stem": stem, "title": title,
                "files": [{"name": name, "what": describe(name)} for name in sorted(outputs)]}
               for stem, (title, outputs) in sorted(specs.items())]
    files["index.html"] = environment().get_template("quiz/pack_index.html.j2").render(specs=listing).encode("utf-8")
    return files


def site_files(specs: dict[str, tuple[str, dict[str, bytes]]]) -> dict[str, bytes]:
    """What the readers' site keeps of the specs' files (``quizzes/<stem>/<name>``)."""
    return {f"quizzes/{stem}/{name}": data for stem, (_, outputs) in specs.items()
            for name, data in outputs.items() if name.endswith(SITE_FILES)}


def check_pack_dir(pack_dir: Path, site_dir: Path, config_file: Path | None = None) -> None:
    """The pack must stay out of the site folder (and hold no site): a ContentError otherwise."""
    pack, site = Path(os.path.realpath(pack_dir)), Path(os.path.realpath(site_dir))
    if pack == site or site in pack.parents or pack in site.parents:
        where = display_path(config_file) if config_file is not None else display_path(pack_dir)
        raise ContentError([Problem(where, 1, 1, "B002",
                                    f"培训师资料包目录 {display_path(pack_dir)} 和网站目录 {display_path(site_dir)} 重叠；"
                                    "试卷和答案不能放进读者的网站，请把 trainer_pack_dir 设成网站目录之外的目录",
                                    "trainer pack inside the site folder")])


def write_pack(files: dict[str, bytes], pack_dir: Path) -> Path:
    """Publish the pack into ``pack_dir`` (new, or our earlier pack)."""
    return output_folder.publish(pack_dir, PACK_KIND, files)


def build_pack(content: Content, quizzes_dir: Path, site_dir: Path, pack_dir: Path, *, in_site: bool = False) -> Path:
    """Every spec's files: the pack into ``pack_dir``, the decks (and, opted in, the pack) into the site."""
    check_pack_dir(pack_dir, site_dir)
    specs = spec_outputs(content, quizzes_dir)
    pack = pack_files(specs)
    into_site = site_files(specs)
    if in_site:
        into_site.update({f"{IN_SITE}/{name}": data for name, data in pack.items()})
    for name, data in into_site.items():
        target = site_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return write_pack(pack, pack_dir)


SECTION_PAGE = "trainers/index.md"
SECTION_TITLE = "培训师资料（内部）"


def section_markdown(specs: list[tuple[str, str, list[str]]]) -> str:
    """The site page of the pack, for a team that opted in: ``(stem, title, labels)`` per spec."""
    lines = [f"# {SECTION_TITLE}", "",
             '<p class="pb-warning"><strong>只在内部网站上打开这一节。</strong>这里有考试的试卷、答案和答题卡；'
             "静态网站没有权限控制，拿到网址的人都能看到。对外发布的手册请关掉 <code>trainer_pack_in_site</code>。</p>", "",
             f'<p><a href="../{IN_SITE}/index.html">资料包目录</a></p>', ""]
    for stem, title, labels in specs:
        links = " ".join(f'<a href="../{IN_SITE}/{escape(stem)}/{escape(name)}">{escape(name)}</a>（{describe(name)}）'
                         for name in pack_names(stem, labels))
        lines += [f"## {md(title)}", "", f"<p>{links}</p>", ""]
    return "\n".join(lines)
