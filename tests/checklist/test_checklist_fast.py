"""Checklist views, layout data, dates and error handling: no PDF layout, so these run in a blink."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checklist_support import CONTENT, REPO, long_procedure, write_content  # noqa: E402

from generator.checklist import render as render_mod  # noqa: E402
from generator.checklist import render_checklists, render_site_checklists  # noqa: E402
from generator.checklist.view import checklist_views  # noqa: E402
from generator.dates import last_changed  # noqa: E402
from generator.loader import load_or_raise  # noqa: E402
from generator.output_folder import OutputRefused  # noqa: E402
from generator.print import batch, cache  # noqa: E402
from generator.problems import PlaybookError  # noqa: E402


@pytest.fixture
def small(tmp_path: Path):
    root = write_content(tmp_path / "content", [
        {"id": "front-desk", "title": "前台接待", "roles": ["receptionist", "service-advisor"],
         "steps": [{"title": "起身问好", "phrases": ["greet", {"text": "请这边坐。"}]},
                   {"title": "登记", "phrases": [{"text": "请留下您的电话。", "when": "登记时"}]}]},
        {"id": "daily-open", "title": "开店准备", "recurring": "daily", "roles": ["receptionist"],
         "steps": [{"title": "开灯开门", "phrases": ["greet"]}]},
    ])
    content, _ = load_or_raise(root)
    return content


def test_views_resolve_phrase_ids_and_inline_phrases(small):
    view = {v.id: v for v in checklist_views(small)}["front-desk"]
    first, second = view.steps
    assert [p.text for p in first.phrases] == ["您好，欢迎光临！请问有什么可以帮您？", "请这边坐。"]
    assert first.phrases[0].when == "客户进门"
    assert first.phrases[1].when == "起身问好"  # an inline phrase without `when` takes the step title
    assert second.phrases[0].when == "登记时"
    assert view.roles == ("前台接待", "服务顾问(SA)")
    assert not view.daily
    assert {v.id: v.daily for v in checklist_views(small)}["daily-open"] is True


def test_version_date_is_the_git_commit_date_of_a_committed_file():
    proc = CONTENT / "procedures" / "sales-office-reception.yaml"
    status = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", str(proc)],
                            capture_output=True, text=True)
    committed = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%cI", "--", str(proc)],
                               capture_output=True, text=True).stdout.strip()
    if status.returncode != 0 or status.stdout.strip() or not committed:
        pytest.skip("sales-office-reception.yaml is not committed and clean in this checkout")
    dates = last_changed(CONTENT, [proc])
    assert dates[proc.resolve()] == datetime.fromisoformat(committed)


def test_version_date_outside_git_is_the_file_mtime(tmp_path: Path):
    f = tmp_path / "x.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    os.utime(f, (1_700_000_000, 1_700_000_000))
    assert last_changed(tmp_path, [f])[f.resolve()] == datetime.fromtimestamp(1_700_000_000, tz=UTC)


def test_view_date_is_the_latest_of_procedure_and_its_phrases(small):
    root = small.root
    os.utime(root / "procedures" / "front-desk.yaml", (1_600_000_000, 1_600_000_000))
    os.utime(root / "phrases" / "test.yaml", (1_700_000_000, 1_700_000_000))
    view = {v.id: v for v in checklist_views(small)}["front-desk"]
    assert view.changed == datetime.fromtimestamp(1_700_000_000, tz=UTC)
    assert view.date == "2023-11-14"


def test_unknown_id_is_a001_and_writes_nothing(small, tmp_path: Path):
    out = tmp_path / "new" / "out"
    with pytest.raises(PlaybookError) as err:
        render_checklists(small, ["front-desk", "front-dsk", "nope"], "a4", out)
    codes = [p.code for p in err.value.problems]
    assert codes == ["A001", "A001"]
    text = "\n".join(p.format() for p in err.value.problems)
    assert "命令行:1:1: error[A001]: 找不到流程 `front-dsk`（相近的有：front-desk；可用：" in text
    assert "找不到流程 `nope`" in text
    assert not (tmp_path / "new").exists()


def test_failure_mid_render_leaves_no_partial_files(small, tmp_path: Path, monkeypatch):
    calls = []

    def flaky(document) -> cache.Printed:
        calls.append(document)
        if len(calls) == 2:
            raise RuntimeError("layout failed")
        return cache.Printed(b"%PDF-fake", 1)

    monkeypatch.setattr(batch, "print_document", flaky)
    out = tmp_path / "made" / "out"
    with pytest.raises(RuntimeError):
        render_checklists(small, None, "a4", out)
    assert len(calls) == 2
    assert not (tmp_path / "made").exists()  # the directories it had created are gone too

    monkeypatch.setattr(batch, "print_document", lambda document: cache.Printed(b"%PDF-first", 1))
    earlier = tmp_path / "earlier"
    first = render_checklists(small, None, "a4", earlier)
    monkeypatch.setattr(batch, "print_document", flaky)
    calls.clear()
    with pytest.raises(RuntimeError):
        render_checklists(small, None, "a6", earlier)
    assert sorted(earlier.iterdir()) == sorted([*first, earlier / ".playbook-output.json"])
    assert {p.read_bytes() for p in first} == {b"%PDF-first"}

    site = tmp_path / "site" / "checklists"
    site.mkdir(parents=True)
    (site / "old.pdf").write_bytes(b"%PDF-old")
    calls.clear()
    with pytest.raises(RuntimeError):
        render_site_checklists(small, site)
    assert sorted(p.name for p in site.iterdir()) == ["old.pdf"]
    assert sorted(p.name for p in site.parent.iterdir()) == ["checklists"]


def test_out_is_new_empty_or_our_own_checklists(small, tmp_path: Path, monkeypatch):
    """A folder with someone's file is refused before any layout and left as it was; our own
    folder (marked, or the unmarked PDFs of the last release) takes more checklists beside the
    earlier ones; printables are readable by others (0644), unlike results."""
    monkeypatch.setattr(batch, "print_document", lambda document: cache.Printed(b"%PDF-" + document.data[:20].encode(), 1))
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "front-desk.pdf").write_bytes(b"their own")
    (theirs / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputRefused) as err:
        render_checklists(small, None, "a4", theirs)
    assert "error[O001]" in err.value.problems[0].format() and "notes.txt" in err.value.problems[0].format()
    assert (theirs / "front-desk.pdf").read_bytes() == b"their own" and len(list(theirs.iterdir())) == 2

    ours = tmp_path / "ours"
    a4 = render_checklists(small, ["front-desk"], "a4", ours)
    a6 = render_checklists(small, ["front-desk"], "a6", ours)
    assert sorted(p.name for p in ours.iterdir()) == [".playbook-output.json", "front-desk-a6.pdf", "front-desk.pdf"]
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in [*a4, *a6]) and ours.stat().st_mode & 0o777 == 0o755

    last_release = tmp_path / "last"
    last_release.mkdir()
    (last_release / "front-desk.pdf").write_bytes(b"%PDF-old")
    render_checklists(small, ["daily-open"], "a4", last_release)
    assert sorted(p.name for p in last_release.iterdir()) == [".playbook-output.json", "daily-open.pdf", "front-desk.pdf"]


def test_site_checklists_replace_the_folder_whole(small, tmp_path: Path, monkeypatch):
    def fake(document) -> cache.Printed:  # what the PDF is made from, as its bytes
        return cache.Printed(document.data.encode("utf-8"), 1)

    monkeypatch.setattr(batch, "print_document", fake)
    site = tmp_path / "site" / "checklists"
    site.mkdir(parents=True)
    (site / "stale.pdf").write_bytes(b"%PDF-stale")
    written = render_site_checklists(small, site)
    names = sorted(p.name for p in site.iterdir())
    assert names == sorted(p.name for p in written)
    assert names == ["daily-open-a6.pdf", "daily-open.pdf", "front-desk-a6.pdf", "front-desk.pdf",
                     "role-receptionist.pdf", "role-service-advisor.pdf"]
    receptionist = json.loads((site / "role-receptionist.pdf").read_text(encoding="utf-8"))
    assert receptionist["title"] == "前台接待全部检查表"
    assert [c["id"] for c in receptionist["checklists"]] == ["daily-open", "front-desk"]
    advisor = json.loads((site / "role-service-advisor.pdf").read_text(encoding="utf-8"))
    assert [c["id"] for c in advisor["checklists"]] == ["front-desk"]
    assert sorted(p.name for p in site.parent.iterdir()) == ["checklists"]  # no staging left behind


def test_cli_unknown_id_exit_1_clear_error_no_files(cli, tmp_path: Path):
    out = tmp_path / "out"
    run = cli("checklist", "no-such-procedure", "--content", str(CONTENT), "--out", str(out))
    assert run.code == 1, run.err
    assert "命令行:1:1: error[A001]: 找不到流程 `no-such-procedure`（" in run.err
    first = sorted(p.stem for p in (CONTENT / "procedures").glob("*.yaml"))[0]
    assert f"可用：{first}" in run.err  # the list of what is available
    assert "Traceback" not in run.err
    assert not out.exists()


@pytest.mark.parametrize("kind", ["file", "under-file"])
def test_cli_unwritable_output_exit_1_no_files(cli, tmp_path: Path, kind: str):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory", encoding="utf-8")
    out = blocker if kind == "file" else blocker / "sub"
    run = cli("checklist", "sales-office-reception", "--content", str(CONTENT), "--out", str(out))
    # a file is not a folder of ours (usage error, 2); a folder cannot be made under a file (1)
    assert (run.code, run.err.count("error[O001]"), run.err.count("error[O004]")) == \
        ((2, 1, 0) if kind == "file" else (1, 0, 1)), run.err
    assert f"{out}:1:1: error[O00" in run.err
    assert "Traceback" not in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_cli_read_only_output_dir(cli, tmp_path: Path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        run = cli("checklist", "sales-office-reception", "--content", str(CONTENT), "--out", str(ro / "x"),
                  bound=True)
        assert run.code == 1 and "error[O004]" in run.err and "Permission denied" in run.err
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_cli_bad_content_is_the_loaders_error(cli, tmp_path: Path):
    root = write_content(tmp_path / "content", [long_procedure(2)])
    (root / "procedures" / "broken.yaml").write_text("id: broken\ntitle: 坏\nsteps: []\n", encoding="utf-8")
    out = tmp_path / "out"
    run = cli("checklist", "--content", str(root), "--out", str(out))
    assert run.code == 1
    assert "broken.yaml:" in run.err and "error[" in run.err
    assert not out.exists()


def test_typst_data_is_plain_data_with_the_daily_table(small):
    import json

    views = {v.id: v for v in checklist_views(small)}
    for size in ("a4", "a6"):
        data = render_mod.checklist_data([views["daily-open"], views["front-desk"]], size)
        assert json.loads(json.dumps(data)) == data  # strings, numbers, lists, flags: nothing else
        assert data["weekdays"] == list("一二三四五六日") and data["size"] == size
        daily, plain = data["checklists"]
        assert (daily["daily"], plain["daily"]) == (True, False)
        assert plain["steps"][0]["phrases"][1] == {"text": "请这边坐。", "when": "起身问好"}
    with pytest.raises(ValueError):
        render_mod.checklist_data([views["front-desk"]], "a5")
