"""The set-up scripts: installs come from the lock, and every way set-up can fail says so in one
Chinese + English line and exit 1, leaving nothing half-made that the next run would trust.

Conditions a test machine cannot really have (no apt, no root, an old Python, no network) are
made with stand-in commands on PATH and pip settings; the scripts themselves run for real.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?: ; ([^\\]+?))?\s*\\?$")
FAILURE = re.compile(r"^setup-(system|python): 错误：.+\(error: .+\)$")


def locked(lock: Path, here: bool = False) -> dict[str, str]:
    """name -> version pinned in a pip-compile style lock file (``here``: only the pins whose
    environment marker holds on this machine, i.e. what pip installs here)."""
    from packaging.markers import Marker

    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = LOCK_LINE.match(line)
        if m and not (here and m.group(3) and not Marker(m.group(3)).evaluate()):
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _stand_ins(tmp_path: Path, scripts: dict[str, str], keep: list[str]) -> Path:
    """A PATH folder holding only `keep` (linked to the real commands) and the given scripts."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in keep:
        real = shutil.which(name)
        assert real, name
        (folder / name).symlink_to(real)
    for name, body in scripts.items():
        (folder / name).write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


BASICS = ["bash", "cat", "grep", "cut", "sha256sum", "head", "tail", "rm", "dirname", "env"]
NOT_INSTALLED = "exit 1"  # dpkg-query for a package that is not installed


def test_runtime_and_test_locks_agree_and_pin_everything() -> None:
    runtime = locked(ROOT / "requirements/runtime.txt")
    test = locked(ROOT / "requirements/test.txt")
    assert runtime and set(runtime) <= set(test)
    assert {n: test[n] for n in runtime} == runtime, "the test lock must pin the runtime lock's versions"
    for lock in ("runtime.txt", "test.txt"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        pinned = [b for b in blocks if b[:1].isalnum()]
        unread = [b.split("\n")[0] for b in pinned if not LOCK_LINE.match(b.split("\n")[0])]
        assert not unread, f"{lock}: lines this test cannot read: {unread}"
        assert all("--hash=sha256:" in b for b in pinned), f"{lock}: every pin needs hashes"


def test_installed_versions_equal_the_lock() -> None:
    """The environment running this suite was made by scripts/test.sh: pip freeze == the lock."""
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("not running in the project's .venv (scripts/test.sh runs the suite there)")
    installed = {_norm(d.metadata["Name"]): d.version for d in distributions()}
    installed.pop("playbook", None)
    for tool in ("pip",):  # the venv's own installer, not a dependency
        installed.pop(tool, None)
    assert installed == locked(ROOT / "requirements/test.txt", here=True)


def test_system_setup_without_apt_says_so(tmp_path: Path) -> None:
    path = _stand_ins(tmp_path, {}, BASICS + ["id"])
    run = _run(["bash", str(ROOT / "scripts/setup-system.sh")], ROOT, {"PATH": str(path)})
    assert run.returncode == 1
    assert FAILURE.match(run.stderr.strip()) and "apt" in run.stderr and "fonts-noto-cjk" in run.stderr


@pytest.mark.parametrize("sudo", [None, "exit 1"], ids=["no-sudo", "sudo-needs-password"])
def test_system_setup_as_a_user_without_root_says_so(tmp_path: Path, sudo: str | None) -> None:
    scripts = {"id": "echo 1000", "dpkg-query": NOT_INSTALLED, "apt-get": "echo apt-get must not run >&2; exit 3"}
    if sudo:
        scripts["sudo"] = sudo
    path = _stand_ins(tmp_path, scripts, BASICS)
    run = _run(["bash", str(ROOT / "scripts/setup-system.sh"), "--test"], ROOT, {"PATH": str(path)})
    assert run.returncode == 1, run
    assert FAILURE.match(run.stderr.strip()), run.stderr
    assert "root" in run.stderr and "chromium" in run.stderr and "apt-get must not run" not in run.stderr


def test_python_setup_with_an_old_python_says_so(tmp_path: Path) -> None:
    old = tmp_path / "python3.9"
    old.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.9.2" && exit 0\nexit 1\n', encoding="utf-8")
    old.chmod(0o755)
    project = _project_copy(tmp_path, [])
    run = _run(["bash", "scripts/setup-python.sh"], project, {**os.environ, "PYTHON": str(old)})
    assert run.returncode == 1 and FAILURE.match(run.stderr.strip()), run.stderr
    assert "3.11" in run.stderr and "Python 3.9.2" in run.stderr and not (project / ".venv").exists()


def _project_copy(tmp_path: Path, pins: list[str]) -> Path:
    """A tiny project with the real setup script and a lock of `pins` (copied from our lock)."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    (project / "requirements").mkdir()
    shutil.copy(ROOT / "scripts/setup-python.sh", project / "scripts")
    ours = (ROOT / "requirements/test.txt").read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"\n(?=[A-Za-z0-9])", ours) if LOCK_LINE.match(b.split("\n")[0])]
    chosen = "\n".join(b for b in blocks if _norm(LOCK_LINE.match(b.split("\n")[0]).group(1)) in pins) + "\n"
    assert chosen.count("==") == len(pins), chosen
    for lock in ("runtime.txt", "test.txt"):
        (project / "requirements" / lock).write_text(chosen, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tiny"\nversion = "0"\n[tool.setuptools]\npy-modules = []\n', encoding="utf-8")
    return project


@pytest.mark.slow
def test_python_setup_without_the_index_fails_clearly_and_a_rerun_repairs(tmp_path: Path) -> None:
    project = _project_copy(tmp_path, ["setuptools", "idna"])
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    offline = {**base, "PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
               "PIP_NO_CACHE_DIR": "1", "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"}
    run = _run(["bash", "scripts/setup-python.sh"], project, offline)
    assert run.returncode == 1, run
    assert FAILURE.match(run.stderr.strip().splitlines()[-1]) and "软件包索引" in run.stderr, run.stderr
    assert not (project / ".venv/.playbook-lock").exists(), "a failed install must not be trusted"

    online = {**base, **{k: v for k, v in os.environ.items() if k.startswith("PIP_")}}
    run = _run(["bash", "scripts/setup-python.sh"], project, online)
    assert run.returncode == 0, run.stderr
    python = project / ".venv/bin/python"
    assert _run([str(python), "-c", "import idna"], project, online).returncode == 0

    # An install interrupted half-way (a package gone, no completion mark) is redone, not trusted.
    (project / ".venv/.playbook-lock").unlink()
    package = Path(_run([str(python), "-c", "import idna; print(idna.__file__)"], project, online).stdout.strip())
    shutil.rmtree(package.parent)
    run = _run(["bash", "scripts/setup-python.sh"], project, online)
    assert run.returncode == 0, run.stderr
    assert _run([str(python), "-c", "import idna"], project, online).returncode == 0
    again = _run(["bash", "scripts/setup-python.sh"], project, online)
    assert again.returncode == 0 and "已是锁定版本" in again.stdout  # a complete install is kept
