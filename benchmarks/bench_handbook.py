"""How fast is the handbook build? The `playbook` plugin against the same procedures written by hand.

    python benchmarks/bench_handbook.py [--sizes 100,500,2000] [--repeat 3] [--profile N]

For each size, in the same run and on the same generated content (benchmarks/corpus.py):
  (a) ours:  mkdocs build with the repo's mkdocs.yml (playbook plugin, Material, navigation.prune, zh search,
             tags, offline), with `printables: never` so checklist PDFs and quiz papers are not counted;
             the self-check quiz under each procedure is built, as in production.
  (b) plain: one hand-written .md per procedure with the same steps, points, timing, must/never rules and
             phrases; a flat nav listing every page; the same theme settings WITHOUT navigation.prune, the
             same Markdown extensions, search (zh) and offline plugins — as most users would write it.
  (c) sect:  the same hand-written pages grouped into one nav section per domain, with Material's
             navigation.prune and navigation.sections (the fastest honest way to hand-write this site);
             same theme language (zh), same Markdown extensions, search (zh, jieba installed) and offline
             plugins, no playbook plugin.
Each build runs in a fresh process (`python -m mkdocs build`), timed inside the process around
load_config + build (CPU seconds too, since the machine is shared), with its peak RSS. Each side is
built --repeat times (default 3), the variants alternating, and each variant's fastest run is reported.

Prints build time, time per page, ours/plain and ours/sect, growth of the per-page time from the smallest to the largest
size, search_index.json size per 100 procedures (raw and gzipped), the weight of one procedure page,
and peak memory.
Issue 4's goals: ours <= 1.15x plain at 100; our per-page time at 2,000 <= 1.5x that at 100.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import write_corpus  # noqa: E402

CHILD = r"""
import json, resource, sys, time, logging, os
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
logging.disable(logging.WARNING)
t0 = time.perf_counter(); c0 = time.process_time()
from mkdocs.config import load_config
from mkdocs.commands.build import build
config = load_config(sys.argv[1])
prof = sys.argv[2] if len(sys.argv) > 2 else ""
if prof:
    import cProfile, pstats
    p = cProfile.Profile(); p.enable()
build(config)
if prof:
    p.disable(); pstats.Stats(p).sort_stats("cumulative").dump_stats(prof)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _base_config() -> dict:
    return yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))


SELF_CHECK = True
REPEAT = 1


def ours_config(root: Path, content: Path) -> Path:
    config = _base_config()
    config.update(docs_dir=str(content), site_dir=str(root / "site-ours"))
    config["theme"]["custom_dir"] = str(REPO / "site_overrides")
    config["plugins"] = [{"playbook": {"printables": "never", "self_check": SELF_CHECK,
                                       "quizzes_dir": str(root / "no-quizzes")}}
                         if (p if isinstance(p, str) else next(iter(p))) == "playbook" else p
                         for p in config["plugins"]]
    path = root / "mkdocs-ours.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plain_config(root: Path, docs: Path, nav: list) -> Path:
    config = _base_config()
    config.update(docs_dir=str(docs), site_dir=str(root / "site-plain"), nav=nav)
    config["theme"]["custom_dir"] = str(REPO / "site_overrides")  # same CSS/JS files
    config["theme"]["features"] = [f for f in config["theme"]["features"] if f != "navigation.prune"]
    config["plugins"] = [p for p in config["plugins"] if (p if isinstance(p, str) else next(iter(p)))
                         in ("search", "offline")]
    path = root / "mkdocs-plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def sections_config(root: Path, docs: Path, nav: list) -> Path:
    """Plain MkDocs + Material, nav grouped by domain, with navigation.prune and navigation.sections."""
    config = _base_config()
    config.update(docs_dir=str(docs), site_dir=str(root / "site-sect"), nav=nav)
    config["theme"]["custom_dir"] = str(REPO / "site_overrides")  # same CSS/JS files
    features = config["theme"]["features"]
    config["theme"]["features"] = features + [f for f in ("navigation.sections", "navigation.prune")
                                              if f not in features]
    config["plugins"] = [p for p in config["plugins"] if (p if isinstance(p, str) else next(iter(p)))
                         in ("search", "offline")]
    path = root / "mkdocs-sect.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def sectioned_nav(content: Path, flat_nav: list) -> list:
    """The flat nav's procedure pages grouped into one section per domain (domains.yaml order)."""
    from generator.loader import load_content

    model, _ = load_content(content)
    by_path = {f"procedures/{proc.id}.md": proc.domain for proc in model.procedures.values()}
    sections: dict[str, list] = {d: [] for d in model.domains}
    for entry in flat_nav[1:]:
        (title, path), = entry.items()
        sections[by_path[path]].append({title: path})
    return flat_nav[:1] + [{model.domains[d].name: pages} for d, pages in sections.items() if pages]


def write_plain_markdown(content: Path, docs: Path) -> list:
    """The same procedures as hand-written Markdown, and a flat nav of all pages."""
    from generator.loader import load_content

    model, _ = load_content(content)
    (docs / "procedures").mkdir(parents=True)
    (docs / "index.md").write_text("# 服务手册\n\n全部流程见左侧导航。\n", encoding="utf-8")
    nav: list = [{"首页": "index.md"}]
    for proc in model.procedures.values():
        out = [f"# {proc.title}\n\n{proc.summary}\n\n## 步骤\n\n"]
        for i, step in enumerate(proc.steps, 1):
            out.append(f"### {i}. {step.title}\n\n" + "".join(f"- {p}\n" for p in step.points) + "\n")
            out += [f"- **{t}**\n" for t in step.timing]
            if step.must:
                out.append('\n!!! success "必须做到"\n\n' + "".join(f"    - {m}\n" for m in step.must) + "\n")
            if step.never:
                out.append('!!! failure "严禁"\n\n' + "".join(f"    - {m}\n" for m in step.never) + "\n")
            for use in step.phrases:
                text = model.phrases[use].text if isinstance(use, str) else use.text
                out.append(f"> **规范用语：** {text}\n\n")
            if step.why:
                out.append(f'!!! note "为什么"\n\n    {step.why}\n\n')
        path = f"procedures/{proc.id}.md"
        (docs / path).write_text("".join(out), encoding="utf-8")
        nav.append({proc.title: path})
    return nav


def run_build(config: Path, profile: str = "") -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(config), profile], env=env, capture_output=True,
                          text=True, cwd=config.parent)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({config.name}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def site_stats(site: Path, page: str) -> dict:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    index = (site / "search/search_index.json").read_bytes()
    return {"pages": len(pages), "index_bytes": len(index), "index_gz": len(gzip.compress(index)),
            "page_bytes": (site / page).stat().st_size}


def measure(n: int, work: Path, profile_size: int | None) -> dict:
    root = work / f"n{n}"
    content = write_corpus(root / "content", n)
    nav = write_plain_markdown(content, root / "docs")
    first = "procedures/procedure-0.html"
    prof = str(root / "ours.prof") if profile_size == n else ""
    ours_yml, plain_yml = ours_config(root, content), plain_config(root, root / "docs", nav)
    sect_yml = sections_config(root, root / "docs", sectioned_nav(content, nav))
    ours = run_build(ours_yml, prof)
    plain = run_build(plain_yml)
    sect = run_build(sect_yml)
    for _ in range(REPEAT - 1):  # alternate the three, keep each one's best run (the machine is shared)
        ours = min(ours, run_build(ours_yml), key=lambda r: r["wall"])
        plain = min(plain, run_build(plain_yml), key=lambda r: r["wall"])
        sect = min(sect, run_build(sect_yml), key=lambda r: r["wall"])
    ours |= site_stats(root / "site-ours", first)
    plain |= site_stats(root / "site-plain", first)
    sect |= site_stats(root / "site-sect", first)
    if prof:
        import pstats

        print(f"\n--- profile of our build at {n} procedures (cumulative, top 30) ---")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    return {"n": n, "ours": ours, "plain": plain, "sect": sect}


def report(rows: list[dict]) -> None:
    print("\nHandbook build: playbook plugin (ours, printables: never) vs hand-written Markdown (plain)\n")
    head = (f"{'procs':>6} {'pages':>11} {'ours s':>7} {'plain s':>7} {'ours ms/pg':>10} {'plain ms/pg':>11} "
            f"{'ratio':>6} {'ours cpu':>8} {'plain cpu':>9} {'cpu ratio':>9} {'index KB/100':>12} {'gz':>4} "
            f"{'page KB':>11} {'peak MB':>11}")
    print(head)
    print("-" * len(head))
    for r in rows:
        o, p = r["ours"], r["plain"]
        print(f"{r['n']:>6} {o['pages']:>5}/{p['pages']:<5} {o['wall']:>7.1f} {p['wall']:>7.1f} "
              f"{1000 * o['wall'] / o['pages']:>10.1f} {1000 * p['wall'] / p['pages']:>11.1f} "
              f"{o['wall'] / p['wall']:>6.2f} {o['cpu']:>8.1f} {p['cpu']:>9.1f} {o['cpu'] / p['cpu']:>9.2f} "
              f"{o['index_bytes'] / 1024 / (r['n'] / 100):>12.0f} {o['index_gz'] / 1024 / (r['n'] / 100):>4.0f} "
              f"{o['page_bytes'] / 1024:>5.0f}/{p['page_bytes'] / 1024:<5.0f} "
              f"{o['maxrss_kb'] / 1024:>5.0f}/{p['maxrss_kb'] / 1024:<5.0f}")
    if len(rows) > 1:
        a, b = rows[0], rows[-1]

        def growth(side: str, key: str) -> float:
            return (b[side][key] / b[side]["pages"]) / (a[side][key] / a[side]["pages"])

        print(f"\nper-page time growth {a['n']} -> {b['n']} procedures: ours {growth('ours', 'wall'):.2f}x "
              f"(cpu {growth('ours', 'cpu'):.2f}x), plain {growth('plain', 'wall'):.2f}x "
              f"(cpu {growth('plain', 'cpu'):.2f}x)")
    small = rows[0]
    print(f"goal 1: ours <= 1.15x plain at {small['n']}: {small['ours']['wall'] / small['plain']['wall']:.2f}x wall, "
          f"{small['ours']['cpu'] / small['plain']['cpu']:.2f}x cpu")
    print("columns: pages ours/plain; page KB = procedure-0.html ours/plain; peak MB = max RSS ours/plain; "
          "index KB/100 = ours search_index.json per 100 procedures (gz: gzipped, what a phone downloads)")

    print("\nAgainst plain MkDocs + Material with navigation.prune + navigation.sections, nav grouped by domain "
          "(sect: same zh search with jieba, offline plugin, no playbook plugin); ours with printables: never, "
          "so checklist PDFs and quiz papers are not counted\n")
    head = (f"{'procs':>6} {'pages':>11} {'ours s':>7} {'sect s':>7} {'ours ms/pg':>10} {'sect ms/pg':>10} "
            f"{'ours/sect':>9} {'cpu ratio':>9} {'sect/plain':>10} {'page KB':>11} {'peak MB':>11}")
    print(head)
    print("-" * len(head))
    for r in rows:
        o, s, p = r["ours"], r["sect"], r["plain"]
        print(f"{r['n']:>6} {o['pages']:>5}/{s['pages']:<5} {o['wall']:>7.1f} {s['wall']:>7.1f} "
              f"{1000 * o['wall'] / o['pages']:>10.1f} {1000 * s['wall'] / s['pages']:>10.1f} "
              f"{o['wall'] / s['wall']:>9.2f} {o['cpu'] / s['cpu']:>9.2f} {s['wall'] / p['wall']:>10.2f} "
              f"{o['page_bytes'] / 1024:>5.0f}/{s['page_bytes'] / 1024:<5.0f} "
              f"{o['maxrss_kb'] / 1024:>5.0f}/{s['maxrss_kb'] / 1024:<5.0f}")
    print("columns: pages, page KB and peak MB are ours/sect; ours/sect and cpu ratio: wall and CPU seconds; "
          "sect/plain: what prune + sections cost or save a hand-written site (wall)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,2000",
                        help="comma-separated procedure counts, e.g. --sizes 100 for a quick run")
    parser.add_argument("--no-self-check", action="store_true",
                        help="build ours without the self-check quiz under each procedure (quiz engine cost)")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="build each side N times, alternating, and report each side's fastest run")
    parser.add_argument("--profile", type=int, default=None, metavar="N", help="cProfile our build at this size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    global SELF_CHECK, REPEAT
    SELF_CHECK = not args.no_self_check
    REPEAT = max(1, args.repeat)
    print(f"ours: printables never (PDF rendering not counted), self-check quiz {'on' if SELF_CHECK else 'off'}; "
          f"best of {REPEAT} runs per variant")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-handbook-") as tmp:
        for n in sizes:
            rows.append(measure(n, Path(tmp), args.profile))
            r = rows[-1]
            print(f"{n} procedures: ours {r['ours']['wall']:.1f} s, plain {r['plain']['wall']:.1f} s, "
                  f"sect {r['sect']['wall']:.1f} s", flush=True)
    report(rows)


if __name__ == "__main__":
    main()
