"""`playbook build` reuses a quiz's files from the print cache when nothing they are made from
changed, makes them again when the spec or the content changes or an entry is damaged, and always
writes the same bytes as a build without the cache."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

import generator.exports.quiz_files as outputs
import generator.quiz.assemble as assemble
import generator.quiz.practice as practice
from generator.content import Content
from generator.exports.pack import build_pack
from generator.exports.preview import PREVIEW, preview_html
from generator.exports.quiz_files import FORMATS, render
from generator.loader import load_or_raise
from generator.quiz.assemble import build_quiz
from generator.quiz.candidates import candidates
from generator.quiz.practice import overlap
from generator.quiz.spec import load_specs

pytestmark = pytest.mark.slow  # renders papers and answer sheets

REPO = Path(__file__).resolve().parents[2]
SPEC = """title: 接待小测验
draws_on:
  procedures: [sales-office-reception]
questions:
  ordering: 1
  next_step: 2
  cloze: 2
seed: 5
versions: 2
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Project:
    """A copy of the shipped content, one small spec, a print cache; builds count what they make."""

    def __init__(self, root: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.cache, self.monkeypatch = root, cache, monkeypatch
        self.content_dir = root / "content"
        if not self.content_dir.exists():
            shutil.copytree(REPO / "content", self.content_dir)
        self.quizzes = root / "quizzes"
        self.quizzes.mkdir(exist_ok=True)
        if not (self.quizzes / "mini.yaml").exists():
            (self.quizzes / "mini.yaml").write_text(SPEC, encoding="utf-8")
        self.made: Counter[str] = Counter()
        self.builds = 0
        # Only the outputs' own calls are counted (patched where outputs binds them): the site's
        # practice asks which questions the exams use through its own build_quiz.
        assert practice.build_quiz is assemble.build_quiz is outputs.build_quiz
        for module, name in ((outputs, "build_quiz"), (outputs, "version_files"), (outputs, "quiz_files")):
            self._count(module, name)

    def _count(self, module, name: str) -> None:
        real = getattr(module, name)

        def counting(*args, **kwargs):
            self.made[name] += 1
            return real(*args, **kwargs)

        self.monkeypatch.setattr(module, name, counting)

    def content(self) -> Content:
        return load_or_raise(self.content_dir)[0]  # a fresh load, as every build does

    def build(self, cache: str | None = None) -> dict[str, bytes]:
        """One build into a new site folder; the quiz's files by name."""
        self.monkeypatch.setenv("PLAYBOOK_CACHE", cache or str(self.cache))
        self.made.clear()
        self.builds += 1
        site, pack = self.root / f"site-{self.builds}", self.root / f"pack-{self.builds}"
        build_pack(self.content(), self.quizzes, site, pack)
        return _files(pack / "mini")

    def reference(self) -> dict[str, bytes]:
        """The same build without any cache (PDFs rendered too): what every build must equal."""
        return self.build("off")

    def old_path(self) -> dict[str, bytes]:
        """The files as the plain renderer makes them (`render`, every version's sheets at once, and
        `playbook quiz --preview`'s page; it never reads the quiz entries, only PDFs from the print cache)."""
        self.builds += 1
        self.monkeypatch.setenv("PLAYBOOK_CACHE", str(self.cache))
        content = self.content()
        shared = overlap(content, self.quizzes)
        (spec,) = [s for s in load_specs(self.quizzes, content) if s.stem == "mini"]
        files = render(build_quiz(content, spec), FORMATS, shared=shared)
        files[PREVIEW] = preview_html(candidates(content, spec, None), spec, "quizzes/mini.yaml").encode("utf-8")
        return dict(sorted(files.items()))

    def entries(self) -> list[Path]:
        return sorted((self.cache / "quiz").glob("*.bundle"))

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def warmed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """One cold build (its cache and files), shared by the tests, which each work on a copy."""
    root = tmp_path_factory.mktemp("reuse")
    with pytest.MonkeyPatch.context() as mp:
        project = Project(root, root / "cache", mp)
        files = project.build()
        assert project.made["version_files"] == 2 and project.made["build_quiz"] == 1
    return root, files


@pytest.fixture
def project(warmed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root, _files = warmed
    for name in ("content", "quizzes", "cache"):
        shutil.copytree(root / name, tmp_path / name)
    return Project(tmp_path, tmp_path / "cache", monkeypatch)


def test_an_unchanged_rebuild_reuses_the_files_byte_for_byte(project: Project, warmed) -> None:
    _root, cold = warmed
    assert sorted(cold) == sorted(outputs.pack_names("mini", ["A", "B"]))
    again = project.build()
    assert project.made == Counter()  # the outputs are neither assembled nor rendered
    assert again == cold
    assert len(project.entries()) == 3  # the spec's set and one per version
    assert project.reference() == cold  # PLAYBOOK_CACHE=off: everything made afresh, same bytes
    assert project.made["version_files"] == 2
    assert project.old_path() == cold


def test_a_spec_change_makes_the_files_again(project: Project, warmed) -> None:
    _root, cold = warmed
    project.edit("quizzes/mini.yaml", "title: 接待小测验", "title: 接待小测验（第二版）")
    changed = project.build()
    assert project.made["build_quiz"] == 1 and project.made["version_files"] == 2
    assert changed != cold and "第二版".encode() in changed["quiz-A.json"]
    assert changed == project.old_path()
    project.build()
    assert project.made == Counter()
    project.edit("quizzes/mini.yaml", "（第二版）", "")
    assert project.build() == cold and project.made == Counter()  # the first set is still kept


def test_a_content_change_makes_what_it_touches_again(project: Project, warmed) -> None:
    _root, cold = warmed
    # A procedure the spec does not draw on: the quiz is assembled again (distractors may come from
    # anywhere, and the Anki deck carries the date of the newest content), its versions are reused.
    project.edit("content/procedures/phone-reception-etiquette.yaml", "  - title: ", "  - title: 再次")
    other = project.build()
    assert project.made["build_quiz"] == 1 and project.made["quiz_files"] == 1
    assert project.made["version_files"] == 0
    assert other == project.old_path()
    assert {n for n in cold if cold[n] != other[n]} <= {"mini.apkg"}
    # The procedure it draws on: the versions are made again.
    project.edit("content/procedures/sales-office-reception.yaml", "  - title: ", "  - title: 首先")
    drawn = project.build()
    assert project.made["build_quiz"] == 1 and project.made["version_files"] == 2
    assert drawn == project.old_path()
    assert drawn["paper-A.html"] != cold["paper-A.html"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "swap"])
def test_a_damaged_entry_is_made_again_never_served(project: Project, warmed, damage: str) -> None:
    _root, cold = warmed
    entries = project.entries()
    sizes = sorted(entries, key=lambda p: p.stat().st_size)
    whole, version = sizes[-1], sizes[0]  # the spec's set is the largest entry
    if damage == "truncate":
        for path in entries:
            raw = path.read_bytes()
            path.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        for path in entries:
            raw = bytearray(path.read_bytes())
            raw[len(raw) // 2] ^= 0xFF
            path.write_bytes(bytes(raw))
    else:  # whole and checked, but not what the key stands for: a version's files under the spec's key
        shutil.copyfile(version, whole)
    rebuilt = project.build()
    assert rebuilt == cold
    assert project.made["build_quiz"] == 1
    assert project.made["version_files"] == (0 if damage == "swap" else 2)  # swap: the versions' own entries are fine
    project.build()
    assert project.made == Counter()  # the entries are whole again
