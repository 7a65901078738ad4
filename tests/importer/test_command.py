"""The command's contract: .docx like its text twin, garbage, --force, bad input, all-or-nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from generator.commands import import_ as command
from generator.importer import writer
from generator.problems import PlaybookError

CLI_IN_PROCESS = True
"""`cli` runs `playbook import` and `check` through the CLI in this process (tests/conftest.py): these
tests are about what an import writes and says; tests/foundation starts real processes."""

OUTLINE = [
    ("客户接待管理", [
        ("客户推开售楼处大门服务即开始。", ["客户推开大门是我们服务的开始;", "从此他就是我们的终身客户。"]),
        ("请客户入座,讲解楼书资料。", ["一定使用规范用语:“请那边入座,让我给您详细介绍好吗”;", "做到不诋毁别的楼盘。"]),
        ("通知办理按揭。", ["提前三天第一次通知客户,讲请客户必须携带的资料;", "提前一天第二次提醒客户。"]),
    ]),
    ("房号管理", [
        ("房号管理应由专人负责。", []),
        ("发生交易后,房号管理者应立即做好书面记录。", ["不得向客户推荐已售房号。"]),
    ]),
]


def write_text_twin(path: Path) -> Path:
    lines = []
    for i, (heading, steps) in enumerate(OUTLINE):
        lines.append("一二三四"[i] + "、" + heading)
        for j, (step, points) in enumerate(steps, start=1):
            lines.append(f"{j}、{step}")
            lines += [f"({k}){p}" for k, p in enumerate(points, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path) -> Path:
    """Real Word structure: Heading 1 paragraphs and Word-numbered lists (no typed numbers)."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("服务手册", style="Title")
    for heading, steps in OUTLINE:
        doc.add_heading(heading, level=1)
        for step, points in steps:
            doc.add_paragraph(step, style="List Number")
            for p in points:
                doc.add_paragraph(p, style="List Number 2")
    doc.save(str(path))
    return path


def args(file: Path, out: Path, force: bool = False) -> argparse.Namespace:
    return argparse.Namespace(file=file, out=out, force=force)


def strip_source(files: dict[str, str]) -> dict[str, str]:
    return {k: "\n".join(line for line in v.splitlines() if not line.startswith(("#", "source:", "  source:",
                                                                               "  description:")))
            for k, v in files.items() if k != "domains.yaml" and not k.startswith("phrases/")}


def test_docx_imports_to_the_same_structure_as_its_text_twin(tmp_path: Path) -> None:
    text = command.import_document(write_text_twin(tmp_path / "sop.txt"))
    word = command.import_document(write_docx(tmp_path / "sop.docx"))
    assert len(text.result.procedures) == 2
    assert strip_source(word.files) == strip_source(text.files)
    assert [p["text"] for p in word.result.phrases] == ["请那边入座,让我给您详细介绍好吗"]
    first = word.result.procedures[0].data
    assert first["title"] == "客户接待管理"
    assert [s["title"] for s in first["steps"]] == ["客户推开售楼处大门服务即开始", "请客户入座,讲解楼书资料", "通知办理按揭"]
    assert first["steps"][2]["timing"] == ["提前三天第一次通知客户", "提前一天第二次提醒客户"]


@pytest.mark.slow
def test_docx_explicit_numbering_levels(tmp_path: Path, cli) -> None:
    """List Paragraph + numPr/ilvl, the way Word itself writes multi-level lists."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = docx.Document()
    doc.add_heading("售后服务流程", level=1)

    def numbered(text: str, ilvl: int) -> None:
        p = doc.add_paragraph(text, style="List Paragraph")
        num_pr = OxmlElement("w:numPr")
        lvl = OxmlElement("w:ilvl")
        lvl.set(qn("w:val"), str(ilvl))
        nid = OxmlElement("w:numId")
        nid.set(qn("w:val"), "9")  # numbering definition with distinct indents per level
        num_pr.append(lvl)
        num_pr.append(nid)
        p._p.get_or_add_pPr().append(num_pr)

    numbered("预约", 0)
    numbered("有效的预约系统能使客户容易获得服务。", 1)
    numbered("接待", 0)
    numbered("服务接待在客户到来时应报以微笑。", 1)
    numbered("使用规范用语:您好,请问有什么可以帮您?", 1)
    path = tmp_path / "flow.docx"
    doc.save(str(path))
    out = tmp_path / "out"
    run = cli("import", str(path), "--out", str(out))
    assert run.code == 0, run.err
    assert "第 1 段「售后服务流程」" in run.out
    data = command.import_document(path).result.procedures[0].data
    assert [s["title"] for s in data["steps"]] == ["预约", "接待"]
    assert data["steps"][1]["points"] == ["服务接待在客户到来时应报以微笑"]
    assert cli("check", "--content", str(out)).code == 0


@pytest.mark.parametrize("garbage", [
    bytes(range(256)) * 40,
    "lorem ipsum dolor sit amet\n随便写点东西，没有任何编号。\n???\n".encode(),
    b"",
])
@pytest.mark.slow
def test_garbage_gives_empty_skeleton_report_and_exit_1(tmp_path: Path, cli, garbage: bytes) -> None:
    src = tmp_path / "junk.txt"
    src.write_bytes(garbage)
    out = tmp_path / "out"
    run = cli("import", str(src), "--out", str(out))
    assert run.code == 1
    assert "Traceback" not in run.err and "内部错误" not in run.err
    assert "没有找到编号的流程" in run.err
    assert "导入 junk.txt" in run.out  # the report is still printed
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["domains.yaml", "procedures"]
    assert cli("check", "--content", str(out)).code == 0


@pytest.mark.slow
def test_existing_files_are_never_overwritten_without_force(tmp_path: Path, cli) -> None:
    src = write_text_twin(tmp_path / "sop.txt")
    out = tmp_path / "out"
    assert cli("import", str(src), "--out", str(out)).code == 0
    target = out / "procedures" / "ke-hu-jie-dai-guan-li.yaml"
    target.write_text("# edited by the author\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    run = cli("import", str(src), "--out", str(out))
    assert run.code == 1
    assert "error[I005]" in run.err and "ke-hu-jie-dai-guan-li.yaml" in run.err and "--force" in run.err
    assert "Traceback" not in run.err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # nothing written
    # unchanged files are not conflicts: re-importing the same thing is harmless
    run = cli("import", str(src), "--out", str(out), "--force")
    assert run.code == 0, run.err
    assert target.read_text(encoding="utf-8").startswith("# 由 playbook import")
    assert cli("import", str(src), "--out", str(out)).code == 0


@pytest.mark.parametrize("name, data, code", [
    ("missing.txt", None, "I001"),
    ("old.doc", b"\xd0\xcf\x11\xe0", "I002"),
    ("broken.docx", b"this is not a zip", "I003"),
])
def test_bad_input_is_reported_and_nothing_written(tmp_path: Path, cli, name: str, data: bytes | None,
                                                   code: str) -> None:
    src = tmp_path / name
    if data is not None:
        src.write_bytes(data)
    out = tmp_path / "out"
    run = cli("import", str(src), "--out", str(out))
    assert run.code == 1
    assert f"error[{code}]" in run.err and name in run.err
    assert "Traceback" not in run.err
    assert not out.exists()


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_text_twin(tmp_path / "sop.txt")
    out = tmp_path / "out"

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(writer.os, "replace", boom)
    with pytest.raises(OSError):
        command.run(args(src, out))
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["sop.txt"]  # temp dir cleaned up


def test_invalid_output_is_caught_before_anything_is_written(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_text_twin(tmp_path / "sop.txt")
    out = tmp_path / "out"
    real = command.render

    def bad_render(imp, path):
        files = real(imp, path)
        files["procedures/broken.yaml"] = "id: Not A Slug\n"
        return files

    monkeypatch.setattr(command, "render", bad_render)
    with pytest.raises(PlaybookError) as err:
        command.run(args(src, out))
    assert err.value.problems[0].code == "I900"
    assert not out.exists()


def test_import_into_existing_directory_keeps_other_files(tmp_path: Path) -> None:
    src = write_text_twin(tmp_path / "sop.txt")
    out = tmp_path / "out"
    (out / "procedures").mkdir(parents=True)
    (out / "notes.md").write_text("mine", encoding="utf-8")
    assert command.run(args(src, out)) == 0
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine"
    assert (out / "procedures" / "fang-hao-guan-li.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".playbook-import-")]


def test_output_path_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    src = write_text_twin(tmp_path / "sop.txt")
    out = tmp_path / "out"
    out.write_text("x", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(PlaybookError) as err:
            command.run(args(src, out, force=force))
        assert err.value.problems[0].code == "I004"


@pytest.mark.slow
def test_importing_into_content_with_domains_adds_the_placeholder_domain(tmp_path: Path, cli) -> None:
    src = write_text_twin(tmp_path / "sop.txt")
    out = tmp_path / "content"
    out.mkdir()
    own = "# my domains\n- id: sales-office\n  name: 售楼处\n"
    (out / "domains.yaml").write_text(own, encoding="utf-8")
    run = cli("import", str(src), "--out", str(out))
    assert run.code == 1 and "domains.yaml" in run.err  # it would change: needs --force
    assert cli("import", str(src), "--out", str(out), "--force").code == 0
    merged = (out / "domains.yaml").read_text(encoding="utf-8")
    assert merged.startswith(own) and "- id: imported" in merged
    assert cli("check", "--content", str(out)).code == 0
    # a second import leaves domains.yaml alone (the placeholder is already there)
    (out / "procedures" / "fang-hao-guan-li.yaml").unlink()
    assert cli("import", str(src), "--out", str(out)).code == 0
    assert (out / "domains.yaml").read_text(encoding="utf-8") == merged


@pytest.mark.slow
def test_two_hundred_pages_import_in_a_few_seconds(tmp_path: Path, imp) -> None:
    import time

    seeds = [p.read_text(encoding="utf-8") for p in sorted(imp.SEEDS.glob("*.txt"))]
    assert seeds, "tests/seeds holds the seed documents"
    body, i = [], 0
    while sum(map(len, body)) < 200 * 1500:
        body.append(seeds[i % len(seeds)])
        i += 1
    src = tmp_path / "big.txt"
    src.write_text("\n".join(body), encoding="utf-8")
    t = time.perf_counter()
    result = command.import_document(src)
    elapsed = time.perf_counter() - t
    assert result.result.procedures
    assert elapsed < 10, f"{elapsed:.1f} s"
