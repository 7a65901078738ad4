"""Benchmark: every checklist (A4 page and A6 card) for N synthetic procedures, and the role sets.

    python benchmarks/bench_checklist.py [--procedures 1000] [--roles]

Generates a content set in a temporary directory, loads it with the real loader, makes each
PDF's data once (Typst documents: JSON for ``print/checklist.typ``), then lays out and writes all
PDFs the way a build does (:class:`generator.print.batch.PrintBatch`: a layout thread beside the
calling one), then the same PDFs one at a time in this thread, so the two can be compared in one
run. ``--roles`` also times the role checklist sets (every checklist of a role in one PDF). Prints
pages per second and CPU seconds (the load average too). The print cache is turned off unless
PLAYBOOK_CACHE is set (the second run would otherwise be served from it).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.checklist.render import SIZES, procedure_jobs, role_jobs  # noqa: E402
from generator.checklist.view import checklist_views  # noqa: E402
from generator.loader import load_or_raise  # noqa: E402
from generator.print import print_document  # noqa: E402
from generator.print.batch import PrintBatch, PrintJob  # noqa: E402

VERBS = ["确认", "检查", "登记", "提醒", "介绍", "核对", "陪同", "记录", "回访", "整理"]
THINGS = ["客户资料", "车辆外观", "预约时间", "维修项目", "结算单据", "样板房", "认购合同", "交车文件", "休息区", "工单"]
ROLES = [("service-advisor", "服务顾问(SA)"), ("receptionist", "前台接待"), ("store-manager", "店长"),
         ("follow-up-specialist", "回访专员")]


def write_jobs(jobs: list[PrintJob], directory: Path) -> int:
    """The build's two-thread batch: every job's PDF into directory; returns total pages."""
    printed = PrintBatch.start(jobs).collect()
    for job, pdf in zip(jobs, printed, strict=True):
        (directory / job.name).write_bytes(pdf.data)
    return sum(pdf.pages for pdf in printed)


def _sentence(rng: random.Random, n: int = 1) -> str:
    return "，".join(f"{rng.choice(VERBS)}{rng.choice(THINGS)}" for _ in range(n))


def make_content(root: Path, n: int, seed: int = 1) -> Path:
    """n procedures of 5-20 steps, realistic mix of points, rules, timing and phrases."""
    rng = random.Random(seed)
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # noqa: E731
    (root / "procedures").mkdir(parents=True)
    (root / "phrases").mkdir()
    (root / "roles.yaml").write_text(dump([{"id": i, "name": name} for i, name in ROLES]), encoding="utf-8")
    (root / "domains.yaml").write_text(dump([{"id": "after-sales", "name": "售后"}]), encoding="utf-8")
    phrases = [{"id": f"phrase-{i}", "text": f"您好，我来为您{_sentence(rng)}，请您稍等{i % 9 + 1}分钟。",
                "when": _sentence(rng), "source": "bench"} for i in range(200)]
    (root / "phrases" / "bench.yaml").write_text(dump(phrases), encoding="utf-8")
    for p in range(n):
        steps = []
        for s in range(rng.randint(5, 20)):
            step: dict = {"title": f"{_sentence(rng)}（第{s + 1}步）",
                          "points": [_sentence(rng, rng.randint(1, 4)) for _ in range(rng.randint(1, 3))]}
            if rng.random() < 0.3:
                step["must"] = [f"一定{_sentence(rng)}"]
            if rng.random() < 0.2:
                step["never"] = [f"不得{_sentence(rng)}"]
            if rng.random() < 0.15:
                step["timing"] = [f"提前{rng.randint(1, 3)}天{_sentence(rng)}"]
            if rng.random() < 0.4:
                step["phrases"] = [f"phrase-{rng.randrange(len(phrases))}"]
            steps.append(step)
        proc = {"id": f"bench-{p:05d}", "title": f"测试流程{p}：{_sentence(rng)}", "domain": "after-sales",
                "roles": sorted(rng.sample([r for r, _ in ROLES], rng.randint(1, 2))), "source": "bench",
                "recurring": "daily" if p % 25 == 0 else "none", "steps": steps}
        (root / "procedures" / f"{proc['id']}.yaml").write_text(dump(proc), encoding="utf-8")
    return root


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    return result, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--procedures", type=int, default=1000, help="number of procedures (default 1000)")
    parser.add_argument("--roles", action="store_true", help="also time the combined role PDFs")
    args = parser.parse_args(argv)
    os.environ.setdefault("PLAYBOOK_CACHE", "off")

    with tempfile.TemporaryDirectory(prefix="bench-checklist-") as tmp:
        tmp_path = Path(tmp)
        _, gen_s = timed("generate", lambda: make_content(tmp_path / "content", args.procedures))
        (content, _), load_s = timed("load", lambda: load_or_raise(tmp_path / "content"))
        steps = sum(len(p.steps) for p in content.procedures.values())
        print(f"procedures: {len(content.procedures)}  steps: {steps}  cpus: {os.cpu_count()}  "
              f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"generate content: {gen_s:.1f} s   load + validate: {load_s:.1f} s")
        views, view_s = timed("views", lambda: checklist_views(content))
        jobs, html_s = timed("data", lambda: procedure_jobs(views, SIZES))
        print(f"views (incl. git/mtime dates): {view_s:.2f} s   data for {len(jobs)} PDFs: {html_s:.2f} s")

        def one_by_one(out: Path) -> int:
            pages = 0
            for job in jobs:
                printed = print_document(job.document)
                (out / job.name).write_bytes(printed.data)
                pages += printed.pages
            return pages

        results = {}
        for label, run in (("batch (2 threads)", lambda out: write_jobs(jobs, out)), ("one by one", one_by_one)):
            out = tmp_path / label.split()[0]
            out.mkdir()
            cpu_before = _cpu_seconds()
            pages, seconds = timed("pdf", lambda: run(out))  # noqa: B023
            cpu = _cpu_seconds() - cpu_before
            size_mb = sum(f.stat().st_size for f in out.iterdir()) / 1e6
            results[label] = (pages, seconds)
            print(f"PDF, {label}: {len(jobs)} files, {pages} pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s, "
                  f"{len(jobs) / seconds:.1f} files/s, {size_mb:.1f} MB; CPU {cpu:.1f} s; "
                  f"load average now {os.getloadavg()[0]:.1f}")
        (p1, s1), (p2, s2) = results.values()
        assert p1 == p2, "both runs must lay out the same pages"
        print(f"batch vs one by one: {s2 / s1:.2f}x (wall clock; on a busy machine other processes take the second core)")
        if args.roles:
            rjobs = role_jobs(content, views)
            out = tmp_path / "roles"
            out.mkdir()
            pages, seconds = timed("roles", lambda: write_jobs(rjobs, out))
            print(f"role PDFs: {len(rjobs)} files, {pages} pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
