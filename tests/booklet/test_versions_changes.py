"""Versions and 最近更新 from a real temporary git repository: a step added, a phrase reworded and a
time limit changed are each reported as such; an untouched procedure keeps its version."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import changes
from generator.changes import changed_since, history
from generator.loader import load_or_raise
from generator.versions import procedure_versions
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "handbook"))
from handbook_support import mkdocs_build, write_config  # noqa: E402

CLI_IN_PROCESS = True
"""`cli` runs `playbook changes` and `booklet` through the CLI in this process (git still runs as
its own process): these tests are about what they report."""


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


ROLES = [{"id": "service-advisor", "name": "服务顾问"}]
DOMAINS = [{"id": "after-sales", "name": "售后服务"}]


def reception(extra_step: bool = False, timing: str = "客户到店两分钟之内接待") -> dict:
    steps = [{"title": "迎接客户", "points": ["起身微笑"], "phrases": ["greet"], "timing": [timing]},
             {"title": "登记车辆信息", "points": ["核对行驶证"]}]
    if extra_step:
        steps.insert(1, {"title": "环车检查", "points": ["与客户一起绕车一周"]})
    steps.append({"title": "礼貌送别", "points": ["送到门口"]})
    return {"id": "reception", "title": "售后接待", "domain": "after-sales", "roles": ["service-advisor"],
            "source": "test", "steps": steps}


UNTOUCHED = {"id": "washing", "title": "洗车交车", "domain": "after-sales", "roles": ["service-advisor"],
             "source": "test", "customer_facing": False,
             "steps": [{"title": "交车前检查", "points": ["车内无遗留物"]}]}


def write(root: Path, proc: dict, greet: str = "您好，欢迎光临！请问有什么可以帮您？") -> None:
    (root / "procedures").mkdir(parents=True, exist_ok=True)
    (root / "phrases").mkdir(exist_ok=True)
    (root / "roles.yaml").write_text(dump(ROLES), encoding="utf-8")
    (root / "domains.yaml").write_text(dump(DOMAINS), encoding="utf-8")
    (root / "phrases" / "common.yaml").write_text(dump([{"id": "greet", "text": greet, "when": "客户进门",
                                                          "roles": ["service-advisor"], "source": "test"}]),
                                                  encoding="utf-8")
    (root / "procedures" / "reception.yaml").write_text(dump(proc), encoding="utf-8")
    (root / "procedures" / "washing.yaml").write_text(dump(UNTOUCHED), encoding="utf-8")


def git(repo: Path, *args: str, date: str = "2024-01-01T09:00:00+08:00") -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("history")
    content = root / "content"
    git(root, "init", "-q", "-b", "main")
    revs = {}
    steps = [("first", reception(), None, "2024-01-01"),
             ("step", reception(extra_step=True), None, "2024-02-01"),
             ("phrase", reception(extra_step=True), "您好，欢迎光临！我是服务顾问，请问今天车辆有什么需要？", "2024-03-01"),
             ("timing", reception(extra_step=True, timing="客户到店一分钟之内接待"),
              "您好，欢迎光临！我是服务顾问，请问今天车辆有什么需要？", "2024-04-01")]
    for name, proc, greet, day in steps:
        write(content, proc, *( [greet] if greet else []))
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", name, date=f"{day}T09:00:00+08:00")
        revs[name] = git(root, "rev-parse", "HEAD")
    return {"root": root, "content": content, "revs": revs}


def test_history_reports_each_change_as_such_newest_first(repo: dict) -> None:
    content = load_or_raise(repo["content"])[0]
    revisions = history(content)
    assert [r.day for r in revisions] == ["2024-04-01", "2024-03-01", "2024-02-01", "2024-01-01"]
    kinds = [[(p.id, c.kind) for p in r.procedures for c in p.changes] for r in revisions]
    assert kinds[0] == [("reception", "timing")]
    assert kinds[1] == [("reception", "phrase-reworded")]
    assert kinds[2] == [("reception", "step-added")]
    assert sorted(kinds[3]) == [("reception", "procedure-added"), ("washing", "procedure-added")]
    texts = [c.text for r in revisions[:3] for p in r.procedures for c in p.changes]
    assert "一分钟之内" in texts[0] and "两分钟之内" in texts[0]
    assert "我是服务顾问" in texts[1]
    assert "第 2 步" in texts[2] and "环车检查" in texts[2]


def test_history_is_kept_under_its_commits_and_loads_old_revisions_only_for_a_new_commit(
        repo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_CACHE", str(tmp_path / "cache"))
    loads: list[Path] = []
    real_load = changes.load_content
    monkeypatch.setattr(changes, "load_content", lambda *a, **k: loads.append(a[0]) or real_load(*a, **k))

    def history_afresh(content) -> list:
        """history() in a new process: nothing loaded yet but what the print cache kept."""
        monkeypatch.setattr(changes, "_LOADED", {})
        loads.clear()
        return history(content)

    content = load_or_raise(repo["content"])[0]
    first = history_afresh(content)
    assert len(first) == 4 and len(loads) == 4  # the four commits' trees (the first has no parent)
    assert history_afresh(content) == first and len(loads) == 1  # HEAD only, for uncommitted work
    (entry,) = (tmp_path / "cache" / "history").iterdir()
    entry.write_bytes(entry.read_bytes()[:-3])  # a damaged entry is made again, never served
    assert history_afresh(content) == first and len(loads) == 4

    copy = tmp_path / "copy"
    shutil.copytree(repo["root"], copy)
    write(copy / "content", reception(extra_step=True, timing="客户到店三十秒之内接待"),
          "您好，欢迎光临！我是服务顾问，请问今天车辆有什么需要？")
    git(copy, "commit", "-qam", "faster", date="2024-05-01T09:00:00+08:00")
    newer = history_afresh(load_or_raise(copy / "content")[0])
    assert [r.day for r in newer] == ["2024-05-01", *(r.day for r in first)] and len(loads) == 5
    assert newer[1:] == first


def test_untouched_procedure_keeps_its_version(repo: dict) -> None:
    content = load_or_raise(repo["content"])[0]
    versions = procedure_versions(content)
    assert versions["washing"].date == "2024-01-01"
    assert versions["reception"].date == "2024-04-01"
    assert all(v.committed and v.note == "" for v in versions.values())
    assert re.fullmatch(r"2024-01-01 · [0-9a-f]{8}", versions["washing"].label)
    assert changed_since(content, repo["revs"]["first"]) == {"reception"}


def test_renamed_step_removed_step_and_uncommitted_work(repo: dict, tmp_path: Path) -> None:
    from generator.changes import compare

    before = load_or_raise(repo["content"])[0]
    proc = reception(extra_step=True, timing="客户到店一分钟之内接待")
    proc["steps"][2]["title"] = "登记车辆和客户信息"
    del proc["steps"][3]
    copy = tmp_path / "content"
    write(copy, proc, "您好，欢迎光临！我是服务顾问，请问今天车辆有什么需要？")
    after = load_or_raise(copy)[0]
    (found,) = compare(before, after)
    assert [c.kind for c in found.changes] == ["step-removed", "step-renamed"]


@pytest.mark.slow
def test_playbook_changes_prints_the_same(repo: dict, cli) -> None:
    run = cli("changes", "--content", str(repo["content"]), "--since", repo["revs"]["first"])
    assert run.code == 0, run.err
    assert "售后接待" in run.out and "洗车交车" not in run.out
    assert "新增第 2 步：「环车检查」" in run.out
    assert "规范用语改写" in run.out and "时限改为" in run.out
    by_date = cli("changes", "--content", str(repo["content"]), "--since", "2024-02-15")
    assert by_date.code == 0, by_date.err
    assert "环车检查" not in by_date.out and "时限改为" in by_date.out and "规范用语改写" in by_date.out
    whole = cli("changes", "--content", str(repo["content"]))
    assert whole.code == 0 and whole.out.index("2024-04-01") < whole.out.index("2024-03-01")


@pytest.mark.slow
def test_recent_changes_page(repo: dict, tmp_path: Path) -> None:
    config = write_config(tmp_path, repo["content"], plugin={"printables": "never"})
    run = mkdocs_build(config, tmp_path / "site", strict=True)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "changes.html").read_text(encoding="utf-8")
    assert page.index("2024-04-01") < page.index("2024-03-01") < page.index("2024-02-01")
    for needle in ("时限改为", "规范用语改写", "新增第 2 步", "售后接待"):
        assert needle in page, needle
    proc = (tmp_path / "site" / "procedures" / "washing.html").read_text(encoding="utf-8")
    assert re.search(r"2024-01-01 · [0-9a-f]{8}", proc)


def test_read_and_sign_marks_what_changed_since(repo: dict, tmp_path: Path, cli) -> None:
    out = tmp_path / "sign.pdf"
    run = cli("booklet", "--content", str(repo["content"]), "--role", "service-advisor", "--sign",
              "--since", repo["revs"]["step"], "--out", str(out))
    assert run.code == 0, run.err
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    rows = {line.split()[1]: line for line in text.splitlines() if re.match(r"^\s*\d+\s", line)}
    assert "需重新确认" in rows["售后接待"]
    assert "需重新确认" not in rows["洗车交车"]


@pytest.mark.parametrize("since, code", [("no-such-rev", "H003"), ("2024-02-31", "H003")])
def test_bad_revision(repo: dict, since: str, code: str, cli) -> None:
    run = cli("changes", "--content", str(repo["content"]), "--since", since)
    assert run.code == 1 and "Traceback" not in run.err
    assert re.search(rf"^命令行:1:1: error\[{code}\]: ", run.err, re.M), run.err


@pytest.mark.slow
def test_content_outside_git_falls_back(tmp_path: Path, cli) -> None:
    root = tmp_path / "content"
    write(root, reception())
    content = load_or_raise(root)[0]
    versions = procedure_versions(content)
    assert not versions["reception"].committed and "文件修改时间" in versions["reception"].note
    assert history(content) is None
    run = cli("changes", "--content", str(root))
    assert run.code == 1 and "error[H004]" in run.err and "Traceback" not in run.err
    config = write_config(tmp_path, root, plugin={"printables": "never"})
    built = mkdocs_build(config, tmp_path / "site", strict=True)
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site" / "changes.html").read_text(encoding="utf-8")
    assert "不在 git 仓库里" in page
