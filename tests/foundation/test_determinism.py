"""Loading is deterministic, and the generator never writes into content/."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from generator.content import Content
from generator.loader import load_content

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


def _copy_shuffled(src: Path, dest: Path, seed: int) -> Path:
    """Copy src to dest creating folders and files in a shuffled order (directory listings follow it)."""
    files = [p for p in src.rglob("*") if p.is_file()]
    random.Random(seed).shuffle(files)
    for path in files:
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


def _summary(content: Content, problems) -> dict:
    def dump(registry):
        return [(key, item.model_dump()) for key, item in registry.items()]

    return {
        "problems": [p.format() for p in problems],
        "procedures": dump(content.procedures), "phrases": dump(content.phrases),
        "scenarios": dump(content.scenarios), "roles": dump(content.roles), "domains": dump(content.domains),
        "glossary": [t.model_dump() for t in content.glossary],
        "origins": sorted(content.origins.items()),
        "files": [p.relative_to(content.root).as_posix() for p in content.files],
    }


def _load(root: Path) -> dict:
    return _summary(*load_content(root / "content", base=root))


def test_shipped_content_same_whatever_the_file_order(tmp_path: Path) -> None:
    results = [_load(_copy_shuffled(CONTENT, tmp_path / f"copy{seed}" / "content", seed).parent)
               for seed in range(3)]
    assert results[0] == results[1] == results[2]
    assert results[0]["procedures"], "the shipped content should load procedures"


def test_problems_same_whatever_the_file_order(fx, tmp_path: Path) -> None:
    """Broken content too: duplicate ids name the same 'first' file, problems come in the same order."""
    src = fx.build_case("duplicate-id", tmp_path / "src")
    for case in ("unknown-ref", "warning-no-phrases", "only-comments"):
        shutil.copytree(fx.FIXTURES / case / "content", src / "content", dirs_exist_ok=True)
    (src / "content" / "procedures" / "farewell.yaml").write_text(
        "id: farewell\ndomain: front-desk\nsteps: [{title: 送客}]\n", encoding="utf-8")
    (src / "content" / "phrases" / "again.yaml").write_text(
        "- id: welcome\n  text: 欢迎！\n  when: 进门\n  source: t\n", encoding="utf-8")
    results = [_load(_copy_shuffled(src / "content", tmp_path / f"copy{seed}" / "content", seed).parent)
               for seed in range(4)]
    assert all(r == results[0] for r in results)
    codes = [line.split("[")[1][:4] for line in results[0]["problems"]]
    assert {"R001", "R003", "S001", "W001", "Y012"} <= set(codes), codes


def _fingerprint(root: Path) -> dict[str, tuple]:
    import hashlib

    out = {}
    for path in sorted(root.rglob("*")):
        st = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        out[path.relative_to(root).as_posix()] = (digest, st.st_mtime_ns, st.st_size)
    return out


@pytest.mark.slow
def test_check_never_writes_into_content(cli) -> None:
    before = _fingerprint(CONTENT)
    load_content(CONTENT, base=REPO)
    run = cli("check", cwd=REPO)
    strict = cli("check", "--strict", "--content", str(CONTENT), cwd=REPO)
    assert "Traceback" not in run.err + strict.err
    assert run.code in (0, 1) and strict.code in (0, 1)
    assert _fingerprint(CONTENT) == before


def test_each_version_of_a_file_is_parsed_once_whatever_folder_it_is_in(tmp_path: Path, monkeypatch) -> None:
    """The 最近更新 page loads the content of many git revisions, each unpacked into a folder of its own:
    a file whose bytes did not change between them is parsed once; a changed one again, and only it."""
    from generator import loader

    parsed: list[str] = []
    parse = loader._parse_file
    monkeypatch.setattr(loader, "_READS", {})
    monkeypatch.setattr(loader, "_parse_file", lambda path, shown, kind: parsed.append(shown) or parse(path, shown, kind))
    first, second = (shutil.copytree(CONTENT, tmp_path / name / "content").parent for name in ("rev1", "rev2"))
    before = _load(first)
    files = len(parsed)
    assert files > 30
    assert _load(second) == before and len(parsed) == files
    procedure = sorted((second / "content" / "procedures").glob("*.yaml"))[0]
    procedure.write_text(procedure.read_text(encoding="utf-8").replace("title: ", "title: 改过的", 1), encoding="utf-8")
    after = _load(second)
    assert parsed[files:] == [procedure.relative_to(second).as_posix()]
    assert after != before and _load(first) == before and len(parsed) == files + 1
