"""The `playbook` command line. Parses arguments and hands over to the core; prints problems.

Exit codes: 0 success, 1 content or input problems (reported), 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .exports.formats import FORMATS, format_help
from .problems import PlaybookError, print_problems

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

# subcommand -> "module:function" taking (args) and returning an exit code. Imported lazily so
# `playbook check` does not pay for MkDocs, Typst or OpenCV.
HANDLERS = {
    "check": "generator.commands.check:run",
    "schema": "generator.commands.schema:run",
    "build": "generator.commands.build:run",
    "serve": "generator.commands.serve:run",
    "quiz": "generator.commands.quiz:run",
    "checklist": "generator.commands.checklist:run",
    "import": "generator.commands.import_:run",
    "grade": "generator.commands.grade:run",
    "report": "generator.commands.report:run",
    "booklet": "generator.commands.booklet:run",
    "changes": "generator.commands.changes:run",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 用法错误 (usage error): {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="playbook",
        description="服务手册 · Playbook —— 把 YAML 写的服务流程、规范用语和情景题变成手册、测验和检查表。\n"
                    "Playbook turns YAML service procedures, standard phrases and scenarios into a handbook, "
                    "quizzes and printable checklists.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令 COMMAND", parser_class=_Parser)

    def add(name: str, zh: str, en: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=f"{zh} / {en}", description=f"{zh}\n{en}",
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    def content_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                       help="内容目录 / content directory (默认 default: content)")

    p = add("check", "检查全部内容和测验规格，列出每一个问题", "validate all content and quiz specs; print every problem")
    content_arg(p)
    p.add_argument("--quizzes", type=Path, default=None, metavar="DIR",
                   help="测验规格目录（默认是内容目录旁边的 quizzes/，不存在则跳过）/ quiz specs directory "
                        "(default: quizzes/ beside the content directory; skipped if absent)")
    p.add_argument("--strict", action="store_true", help="警告也算失败 / treat warnings as errors")

    p = add("schema", "写出编辑器用的 JSON Schema", "write the JSON Schemas used by editors")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="输出目录 / output directory (默认 default: generator/schemas)")

    p = add("build", "生成手册网站（含在线练习、检查表 PDF）和网站之外的培训师资料包（试卷、答案、答题卡、导出）",
            "build the handbook site (practice, checklist PDFs) and, outside it, the trainers' pack (papers, keys, sheets, exports)")
    p.add_argument("--content", type=Path, default=None, metavar="DIR",
                   help="内容目录（默认 mkdocs.yml 的 docs_dir）/ content directory (default: docs_dir of mkdocs.yml)")
    p.add_argument("--site-dir", type=Path, default=None, metavar="DIR", help="网站输出目录 / site output directory")
    p.add_argument("--pack-dir", type=Path, default=None, metavar="DIR",
                   help="培训师资料包目录，必须在网站目录之外（默认 mkdocs.yml 旁的 trainer-pack/）/ "
                        "trainers' pack folder, outside the site (default: trainer-pack/ beside mkdocs.yml)")
    p.add_argument("--config", type=Path, default=Path("mkdocs.yml"), metavar="FILE",
                   help="MkDocs 配置文件 / MkDocs config file (默认 default: mkdocs.yml)")

    p = add("serve", "本地预览，修改 YAML 后页面自动刷新", "live preview; editing YAML reloads the page")
    content_arg(p)
    p.add_argument("--config", type=Path, default=Path("mkdocs.yml"), metavar="FILE",
                   help="MkDocs 配置文件 / MkDocs config file")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT", help="监听地址 / address to serve on")
    p.add_argument("--poll", action="store_true",
                   help="每 0.5 秒检查一次文件（网络盘、容器挂载收不到改动通知时用）/ "
                        "check files every 0.5 s (for mounts that send no file events)")

    p = add("quiz", "按测验规格生成试卷、答案、在线测验和导出文件",
            "generate papers, answer keys, the online quiz and exports from a quiz spec")
    p.add_argument("spec", type=Path, metavar="SPEC.yaml", help="测验规格文件 / quiz spec file")
    content_arg(p)
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="输出目录（默认 trainer-pack/<规格>，不在网站里）/ output directory (default: trainer-pack/<spec>)")
    p.add_argument("--seed", type=int, default=None, help="随机种子（覆盖规格里的）/ random seed (overrides the spec)")
    p.add_argument("--versions", type=int, default=None, help="试卷版本数 / number of paper versions")
    p.add_argument("--format", default=",".join(FORMATS), metavar="LIST",
                   help=f"输出格式，逗号分隔 / comma-separated formats: {format_help()}")
    p.add_argument("--roster", type=Path, default=None, metavar="FILE",
                   help="名单（CSV/XLSX：姓名、工号，可选 门店、岗位），每人一张印好姓名的答题卡 / "
                        "roster: one personalised answer sheet per trainee")
    p.add_argument("--sheets", type=int, default=None, metavar="N",
                   help="没有名单时每套印几张空白答题卡（默认 30）/ blank answer sheets per version without a roster")
    p.add_argument("--preview", action="store_true",
                   help="只写 preview.html：这份规格能抽的每一道题，勾选后得到 exclude 段 / "
                        "write only preview.html: every candidate question, with checkboxes for exclude:")
    p.add_argument("--write-exclude", nargs="+", default=None, metavar="ID|FILE",
                   help="把这些题目编号（或预览页复制出的 exclude 段所在的文件）写进规格的 exclude，保留注释，"
                        "留 .bak 备份 / add these ids (or a file with the copied block) to the spec's exclude:")

    p = add("checklist", "生成可打印的检查表 PDF", "make printable checklist PDFs")
    p.add_argument("procedures", nargs="*", metavar="PROCEDURE_ID", help="流程 id（不写则全部）/ procedure ids (default: all)")
    content_arg(p)
    p.add_argument("--out", type=Path, default=Path("checklists"), metavar="DIR", help="输出目录 / output directory")
    p.add_argument("--size", choices=["a4", "a6"], default="a4", help="纸张：a4 整页，a6 柜台小卡 / paper size")

    p = add("import", "把编号的 SOP 文本或 Word 文档转成内容 YAML 草稿",
            "turn a numbered SOP text or .docx into content YAML skeletons")
    p.add_argument("file", type=Path, metavar="FILE.txt|FILE.docx", help="要导入的文件 / file to import")
    p.add_argument("--out", type=Path, default=Path("imported"), metavar="DIR", help="输出目录 / output directory")
    p.add_argument("--force", action="store_true", help="覆盖已有文件 / overwrite existing files")

    p = add("grade", "批改：扫描的答题卡、Moodle 导出或手填的表格 → 成绩、results.json、复核页",
            "grade scanned answer sheets, a Moodle responses export or a hand-filled table")
    p.add_argument("inputs", nargs="+", type=Path, metavar="SCANS...|RESPONSES.csv|.xlsx",
                   help="扫描件（PDF/JPG/PNG/HEIC）或成绩表 / scans (PDF, JPG, PNG, HEIC) or a responses table")
    p.add_argument("--quiz", type=Path, required=True, metavar="DIR",
                   help="这次测验的输出目录（有 quiz-*.json 和 sheet-*.json）/ the quiz's output directory")
    p.add_argument("--roster", type=Path, default=None, metavar="FILE", help="名单 / roster (CSV/XLSX)")
    p.add_argument("--corrections", type=Path, default=None, metavar="FILE",
                   help="复核页保存的更正文件 / corrections saved from review.html")
    p.add_argument("--out", type=Path, default=Path("results"), metavar="DIR",
                   help="输出目录（含个人信息，默认 results/，不进 git）/ output directory (personal data)")

    p = add("report", "成绩报告：每人成绩、题目分析、最薄弱的步骤，可生成复习测验",
            "report: scores, item analysis, weakest steps; optionally a re-drill quiz spec")
    p.add_argument("results", nargs="+", type=Path, metavar="RESULTS", help="results.json（可多个）/ results files")
    content_arg(p)
    p.add_argument("--quizzes", type=Path, default=Path("quizzes"), metavar="DIR", help="测验规格目录 / quiz specs")
    p.add_argument("--out", type=Path, default=Path("results/report"), metavar="DIR", help="输出目录 / output directory")
    p.add_argument("--redrill", action="store_true",
                   help="按最薄弱的步骤写一个复习测验规格 / write a re-drill quiz spec aimed at the weakest steps")
    p.add_argument("--retire", action="store_true",
                   help="把“建议复核的题”写进测验规格的 exclude（保留注释，留 .bak 备份）/ "
                        "add the questions recommended for review to the spec's exclude:")
    p.add_argument("--min-responses", type=int, default=None, metavar="N",
                   help="至少多少人答过一道题才建议复核或排除它（默认 20）/ fewest answers before a question is "
                        "recommended for review or retired (default 20)")
    p = add("booklet", "生成可打印的岗位手册（封面、目录、书签），或阅读确认单",
            "make a printable handbook booklet per role or domain, or a read-and-sign sheet")
    content_arg(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--role", default=None, metavar="ID", help="岗位 id / role id")
    which.add_argument("--domain", default=None, metavar="ID", help="领域 id / domain id")
    which.add_argument("--all", action="store_true", help="全部流程（默认）/ every procedure (default)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="输出 PDF 文件 / output PDF file")
    p.add_argument("--sign", action="store_true",
                   help="生成阅读确认单（姓名 / 日期 / 签字）而不是手册 / make the read-and-sign sheet instead")
    p.add_argument("--since", default=None, metavar="REV|DATE",
                   help="和 --sign 一起用：此后有变化的流程标“需重新确认” / with --sign: mark procedures changed since")

    p = add("changes", "列出流程的变化（新增/删除/改名的步骤、改写的用语、改动的时限）",
            "what changed in the procedures, at the level staff care about")
    content_arg(p)
    p.add_argument("--since", default=None, metavar="REV|DATE",
                   help="git 版本或日期 YYYY-MM-DD（默认：最近一次提交之前）/ git revision or date (default: HEAD~1)")
    return parser


def handler(name: str) -> Callable[[argparse.Namespace], int]:
    """The function behind a subcommand (its module is loaded only now)."""
    module, func = HANDLERS[name].split(":")
    return getattr(importlib.import_module(module), func)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args.command)(args)
    except PlaybookError as exc:
        print_problems(exc.problems)
        if not exc.problems:
            print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: no tracebacks for users
        if os.environ.get("PLAYBOOK_DEBUG"):
            raise
        print(f"playbook: 内部错误 (internal error): {type(exc).__name__}: {exc}\n"
              "请把这条信息报告给维护者；设置 PLAYBOOK_DEBUG=1 可看到详细信息。", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
