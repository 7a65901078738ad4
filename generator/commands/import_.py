"""`playbook import FILE.txt|FILE.docx [--out DIR] [--force]`: read, structure, report, write."""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..importer import writer
from ..importer.clean import Cleaned, clean, read_text
from ..importer.docx import read_docx
from ..importer.extract import DOMAIN_ID, Extractor, Result
from ..importer.ids import IdAllocator, slugify
from ..importer.outline import Item, build_tree, dedupe, tokenize
from ..problems import ContentError, PlaybookError, Problem, display_path

TEXT_SUFFIXES = (".txt", ".text", ".md", "")
PREVIEW = 40


@dataclass
class Import:
    """Everything one import produces, before anything touches the disk."""

    source: str
    unit: str  # "行" for text lines, "段" for .docx paragraphs
    cleaned: Cleaned
    items: list[Item]
    result: Result
    files: dict[str, str] = field(default_factory=dict)

    @property
    def unplaced(self) -> list[Item]:
        return [it for it in self.items if not set(it.nos) & self.result.placed]


def _input_problem(path: Path, code: str, zh: str, en: str) -> PlaybookError:
    return ContentError([Problem(display_path(path), 1, 1, code, zh, en)])


def read_source(path: Path):
    if not path.exists():
        raise _input_problem(path, "I001", "找不到要导入的文件", "input file not found")
    if path.is_dir():
        raise _input_problem(path, "I001", "这是一个目录；请给出 .txt 或 .docx 文件", "input is a directory")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            return read_docx(path), "Word .docx", "段"
        except Exception as exc:  # python-docx raises many kinds for a broken file
            raise _input_problem(path, "I003", "无法读取这个 Word 文件（不是有效的 .docx）；请用 Word 打开后另存为 .docx 再导入",
                                 f"not a readable .docx: {type(exc).__name__}") from None
    if suffix in (".doc", ".wps", ".pdf", ".rtf"):
        raise _input_problem(path, "I002", f"不支持 {suffix} 文件；请另存为 .docx 或纯文本 .txt 再导入",
                             f"unsupported file type {suffix}")
    try:
        lines, encoding = read_text(path)
    except OSError as exc:
        raise _input_problem(path, "I001", f"无法读取文件：{exc.strerror}", "cannot read input") from None
    return lines, encoding, "行"


def import_document(path: Path) -> Import:
    """Read and structure a document; pure apart from reading `path`."""
    lines, encoding, unit = read_source(path)
    cleaned = clean(lines, encoding)
    items, repeated = dedupe(tokenize(cleaned.lines))
    cleaned.duplicates = sorted(set(cleaned.duplicates) | {it.no for it in repeated})
    promoted = 9 if any(line.heading for line in cleaned.lines) else 1
    tree = build_tree(items, promoted_level=promoted)
    ids = IdAllocator(reserved=(DOMAIN_ID,))
    result = Extractor(path.name, ids).run(tree)
    imp = Import(path.name, unit, cleaned, items, result)
    imp.files = render(imp, path)
    return imp


def render(imp: Import, path: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    head = f"# 由 playbook import 从 {imp.source} 导入的草稿：请核对标题、步骤和用语后再使用。\n"
    files["domains.yaml"] = writer.dump([{
        "id": DOMAIN_ID, "name": "导入的流程",
        "description": f"playbook import 从 {imp.source} 导入；请把流程的 domain 改成真正的业务领域。",
    }], "# 业务领域：导入时生成的占位领域。\n")
    for draft in imp.result.procedures:
        files[f"procedures/{draft.id}.yaml"] = writer.dump(
            draft.data, head.replace("草稿", f"草稿（原文第 {draft.line} {imp.unit}起）"))
    if imp.result.phrases:
        files[f"phrases/{slugify(path.stem, 'imported')}.yaml"] = writer.dump(imp.result.phrases, head)
    return files


def _ranges(nos: list[int]) -> str:
    nos = sorted(set(nos))
    parts, i = [], 0
    while i < len(nos):
        j = i
        while j + 1 < len(nos) and nos[j + 1] == nos[j] + 1:
            j += 1
        parts.append(str(nos[i]) if i == j else f"{nos[i]}–{nos[j]}")
        i = j + 1
    return ", ".join(parts)


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[:PREVIEW] + "…"


def report(imp: Import, out: Path) -> str:
    """What became what, and every line the importer could not place."""
    c, r, u = imp.cleaned, imp.result, imp.unit
    lines = [f"导入 {imp.source} → {out}/ (playbook import)"]
    lines.append(f"  读取 {len(c.lines) + len(c.clutter) + len(c.duplicates)} 个非空{u}（编码 {c.encoding}）")
    if c.traditional:
        lines.append(f"  检测到繁体中文：已用 OpenCC（t2s）把 {c.converted} {u}转换为简体 "
                     "(Traditional Chinese converted to Simplified)")
    if c.clutter:
        lines.append(f"  丢弃网页杂质 {len(c.clutter)} {u}（下载提示、图片文件名、文档信息）：第 {_ranges(c.clutter)} {u}")
    if c.duplicates:
        lines.append(f"  重复段落只导入一次，跳过 {len(c.duplicates)} {u}：第 {_ranges(c.duplicates)} {u}")
    lines.append(f"流程 {len(r.procedures)} 个 (procedures):")
    for d in r.procedures:
        steps = d.data["steps"]
        count = {k: sum(len(s.get(k, [])) for s in steps) for k in ("phrases", "must", "never", "timing", "points")}
        lines.append(
            f"  第 {d.line} {u}「{d.data['title']}」→ procedures/{d.id}.yaml：{len(steps)} 个步骤，"
            f"{count['points']} 条要点，{count['phrases']} 条规范用语，{count['must']} 条必须，"
            f"{count['never']} 条禁止，{count['timing']} 条时间/数量要求")
    if r.phrases:
        name = next(k for k in imp.files if k.startswith("phrases/"))
        lines.append(f"规范用语 {len(r.phrases)} 条 → {name}（when 取所在步骤的标题）")
    if "domains.yaml" in imp.files:
        lines.append(f"业务领域 → domains.yaml（占位领域 `{DOMAIN_ID}`，请改成真正的领域）")
    else:
        lines.append(f"业务领域：domains.yaml 里已有占位领域 `{DOMAIN_ID}`，未改动")
    unplaced = imp.unplaced
    if unplaced:
        lines.append(f"无法归类的内容 {len(unplaced)} 处（不在任何编号流程里，请手工处理）:")
        for it in unplaced:
            lines.append(f"  第 {it.no} {u}: {_preview(it.text)}")
    return "\n".join(lines)


def _merge_domains(out: Path, files: dict[str, str]) -> None:
    """Importing into a directory that has its own domains.yaml adds the placeholder domain to it
    (or leaves it alone when it is already there) instead of replacing the author's domains."""
    existing = out / "domains.yaml"
    if not existing.is_file():
        return
    try:
        text = existing.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # unreadable: reported as a conflict, replaced only with --force
    if not isinstance(data, list):
        return
    if any(isinstance(d, dict) and d.get("id") == DOMAIN_ID for d in data):
        del files["domains.yaml"]
        return
    entry = files["domains.yaml"].split("\n", 1)[1]  # without the header comment
    files["domains.yaml"] = text + ("" if text.endswith("\n") else "\n") + entry


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    out: Path = args.out
    imp = import_document(path)
    _merge_domains(out, imp.files)
    problems = writer.conflicts(out, imp.files)
    if problems and not args.force:
        raise ContentError(problems)
    if problems and any(p.code == "I004" for p in problems):
        raise ContentError(problems)

    def check(tmp: Path) -> None:
        if "domains.yaml" not in imp.files:  # kept as it is: validate against the one in place
            shutil.copyfile(out / "domains.yaml", tmp / "domains.yaml")
        errors = writer.validate_dir(tmp)
        if errors:  # a bug in the importer, never the author's fault: keep the disk untouched
            raise PlaybookError([Problem(display_path(path), 1, 1, "I900",
                                         "导入结果没有通过 playbook check（导入器的缺陷，请报告）：" + e.format(),
                                         "importer produced invalid content") for e in errors])

    writer.write_all(out, imp.files, dirs=("procedures",), check=check)
    print(report(imp, out))
    n = len(imp.files)
    if not imp.result.procedures:
        print(f"没有找到编号的流程（例如 一、… 1、… (1)…）：只写了空骨架（{n} 个文件）到 {out}/ "
              "(no numbered procedures found: empty skeleton written)", file=sys.stderr)
        return 1
    print(f"写入 {n} 个文件到 {out}/。下一步：playbook check --content {out}")
    return 0
