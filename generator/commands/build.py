"""`playbook build`: MkDocs with the playbook plugin, plus a safe swap.

A build goes into a fresh folder beside the target and replaces the old site only when it
succeeded, so a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

import jieba
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from ..exports.pack import check_pack_dir
from ..loader import load_or_raise
from ..output_folder import SITE_MARKER, SITE_MARKER_TEXT, check_site_folder
from ..problems import PlaybookError, Problem


class _StderrHandler(logging.Handler):
    """MkDocs logs warnings; show them the way the rest of the CLI prints problems."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            print(f"{record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)


def quiet_logging() -> None:
    root = logging.getLogger("mkdocs")
    root.handlers[:] = [_StderrHandler()]
    root.setLevel(logging.INFO)
    root.propagate = False
    jieba.setLogLevel(logging.WARNING)


def config_problem(config: Path, message: str) -> PlaybookError:
    return PlaybookError([Problem(str(config), 1, 1, "B001", message, "mkdocs build failed")])


def build_site(config_file: Path, content: Path | None, site_dir: Path | None,
               pack_dir: Path | None = None) -> tuple[Path, Path | None, bool]:
    """Build the handbook into site_dir atomically (and the trainers' pack into its own folder,
    outside the site). Returns the final site path, the pack's folder (None when this build wrote
    none: no plugin, no quizzes, ``printables: never``) and whether the pack is also in the site."""
    if not config_file.is_file():
        raise config_problem(config_file, f"找不到 MkDocs 配置文件 `{config_file}`")
    overrides: dict[str, str] = {}
    if content is not None:
        overrides["docs_dir"] = str(content.resolve())
    quiet_logging()
    try:
        config = load_config(str(config_file), **overrides)
    except ConfigurationError as exc:
        raise config_problem(config_file, f"MkDocs 配置有误：{exc}") from exc
    # Report content problems compiler-style before MkDocs starts (and before anything is written).
    # The plugin loads content again; that costs ~0.3 s here, but MkDocs turns a plugin's error into
    # "Aborted with a BuildError!" and the author would lose the clean file:line:col lines.
    load_or_raise(Path(config.docs_dir), strict=bool(config.strict))
    final = Path(site_dir or config.site_dir).resolve()
    check_site_folder(final)  # a build replaces the whole folder: never someone else's files
    playbook = config.plugins.get("playbook")
    pack = None
    if playbook is not None:
        if pack_dir is not None:
            playbook.config.trainer_pack_dir = str(pack_dir.resolve())
        pack = Path(config_file).resolve().parent / playbook.config.trainer_pack_dir
        check_pack_dir(pack, final, config_file)
    staging = final.parent / f".{final.name}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    config.site_dir = str(staging)
    try:
        build(config)
    except (Abort, PluginError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        cause = exc.__cause__
        if isinstance(cause, PlaybookError):
            raise cause
        raise config_problem(config_file, f"网站没有生成，原来的网站保持不变：{exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / SITE_MARKER).write_text(SITE_MARKER_TEXT, encoding="utf-8")
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    written = playbook.pack_written if playbook is not None else None
    return final, (pack if written is not None else None), bool(playbook and playbook.config.trainer_pack_in_site)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    site, pack, in_site = build_site(args.config, args.content, args.site_dir, args.pack_dir)
    pages = sum(1 for _ in site.rglob("*.html"))
    pdfs = sum(1 for _ in site.rglob("*.pdf"))
    print(f"网站已生成：{site}（{pages} 个页面，{pdfs} 个 PDF，用时 {time.perf_counter() - started:.1f} 秒）")
    if pack is not None:
        where = ("也发布在网站的培训师栏目里（trainer_pack_in_site：网站没有访问控制，只适合内部网站）" if in_site
                 else "只给培训师，不在网站里")
        print(f"培训师资料包：{pack}（试卷、答案、答题卡和各平台导出；{where}）")
    return 0
