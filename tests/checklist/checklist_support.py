"""Small real content sets and PDF probes (poppler's pdftotext / pdfinfo / pdffonts)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"

ROLES = [
    {"id": "service-advisor", "name": "服务顾问(SA)", "description": "维修接待"},
    {"id": "receptionist", "name": "前台接待", "description": "前台"},
]
DOMAINS = [{"id": "after-sales", "name": "售后/维修接待"}]


def write_content(root: Path, procedures: list[dict], phrases: list[dict] | None = None) -> Path:
    """A minimal valid content/ tree in root; returns root."""
    (root / "procedures").mkdir(parents=True, exist_ok=True)
    (root / "phrases").mkdir(exist_ok=True)
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # noqa: E731
    (root / "roles.yaml").write_text(dump(ROLES), encoding="utf-8")
    (root / "domains.yaml").write_text(dump(DOMAINS), encoding="utf-8")
    (root / "phrases" / "test.yaml").write_text(dump(phrases or [
        {"id": "greet", "text": "您好，欢迎光临！请问有什么可以帮您？", "when": "客户进门", "source": "test"}]),
        encoding="utf-8")
    for proc in procedures:
        base = {"domain": "after-sales", "roles": ["service-advisor"], "source": "test"}
        (root / "procedures" / f"{proc['id']}.yaml").write_text(dump({**base, **proc}), encoding="utf-8")
    return root


def long_procedure(n_steps: int = 40, pid: str = "long-procedure", **extra) -> dict:
    """Steps of varying height, each with unique, searchable markers in its title and points."""
    steps = []
    for i in range(1, n_steps + 1):
        step = {"title": f"第{i}步标题甲{i}乙",
                "points": [f"要点{i}之{k}丙" + "认真核对客户资料并记录" * (1 + (i + k) % 3) for k in range(1 + i % 4)]}
        if i % 3 == 0:
            step["must"] = [f"必须规则{i}丁"]
        if i % 4 == 0:
            step["never"] = [f"严禁规则{i}戊"]
        if i % 5 == 0:
            step["timing"] = [f"时限规则{i}己两天之内"]
        step["phrases"] = ["greet"] if i % 2 else [{"text": f"内联用语{i}庚，请您稍候。"}]
        steps.append(step)
    return {"id": pid, "title": "很长的测试流程", "summary": "用来测试分页", "steps": steps, **extra}


def squash(text: str) -> str:
    """Text without any whitespace: pdftotext wraps long lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-isodates", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pages(pdf: Path) -> int:
    return int(pdfinfo(pdf)["Pages"])


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni objnum gen: the last five columns are fixed
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts
