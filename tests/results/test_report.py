"""`playbook report`: the analysis, its outputs (HTML, PDF, XLSX, SVG), errors, privacy, and the re-drill."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.commands.report import load_results
from generator.quiz.assemble import build_quiz
from generator.quiz.scoring import Trainee, score_sheet, to_json
from generator.quiz.spec import load_spec
from generator.results import analysis
from generator.results.redrill import prepare_redrill

from ..conftest import run_cli
from .helpers import CONTENT, QUIZZES, REPO, quizzes, results_for, shipped

CLI_IN_PROCESS = True
"""`cli` runs `playbook report` (and quiz, grade, check) through the CLI in this process: these tests
are about what a report says and writes. The handbook build beside results runs as a real process."""


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("results")
    (d / "results.json").write_bytes(to_json(results_for(quizzes(), 14, seed=5)))
    return d / "results.json"


def test_quiz_json_says_what_each_question_cites():
    """The report reads a question's ``covers`` from the quiz JSON, never from its id."""
    c = shipped()
    questions = [q for quiz in quizzes().values() for q in quiz["questions"]]
    assert questions and all(q["covers"] for q in questions)
    nxt = next(q for q in questions if q["type"] == "next_step")
    r = analysis.covers_of(nxt)
    assert [x.kind for x in r] == ["step", "step"] and r[1].step == r[0].step + 1
    proc = c.procedures[r[0].id]
    assert analysis.ref_label(r[0], c) == f"《{proc.title}》第 {r[0].step + 1} 步「{proc.steps[r[0].step].title}」"
    cloze = next(q for q in questions if q["type"] == "cloze")
    assert analysis.covers_of(cloze)[0].kind == "phrase"
    assert analysis.covers_of(None) == ()
    renamed = dict(nxt, id="any-id-at-all")  # the id is not read
    assert analysis.covers_of(renamed) == r


def test_weakest_step_is_the_one_everyone_gets_wrong():
    """Everyone answers right except the questions citing one step (a step of 售楼处客户接待 that
    paper A drills): that step tops the weakest steps, overall and for the store."""
    qs = quizzes()
    cited = [r for q in qs["A"]["questions"] for r in analysis.covers_of(q)
             if r.kind == "step" and r.id == "sales-office-reception"]
    assert cited, "paper A drills 售楼处客户接待"
    target = cited[0]
    label = analysis.ref_label(target, shipped())
    sheets = []
    for i in range(12):
        quiz = qs["AB"[i % 2]]
        chosen = {}
        for q in quiz["questions"]:
            a = q["answer"]
            right = list(a) if isinstance(a, list) else [a]
            hits = target in analysis.covers_of(q)
            wrong = (list(reversed(right)) if isinstance(a, list) else [(a + 1) % len(q["options"])])
            chosen[q["id"]] = wrong if hits and i % 3 else right
        sheets.append(score_sheet(quiz, chosen, {}, serial=str(i), trainee=Trainee(f"人{i}", f"E{i}", "一店")))
    data = analysis.analyse(sheets, {"new-hire-sales-office": qs}, shipped())
    t = data.tests[0]
    assert t.weakest_steps[0].ref == target and t.weakest_steps[0].label == label
    assert t.weakest_steps[0].facility < 0.5
    assert t.store_weakest["一店"][0].label == label and t.store_weakest["一店"][0].facility < 0.5
    # per trainee: what was missed cites the step (a question drilling several steps cites them all)
    missed = [m for p in t.trainees for m in p.missed]
    assert missed and all(label in m.cites for m in missed)


def test_option_shares_add_up_across_versions():
    qs = quizzes()
    res = results_for(qs, 40, seed=9)
    data = analysis.analyse(res.sheets, {"new-hire-sales-office": qs}, shipped())
    for q in data.tests[0].questions:
        assert sum(o.share for o in q.options) == pytest.approx(1.0)
        assert sum(o.right for o in q.options) == 1
        assert q.n == 40


def test_distractor_nobody_chooses_is_flagged():
    qs = {"A": quizzes()["A"]}
    quiz = qs["A"]
    target = next(q for q in quiz["questions"] if q["type"] == "matching")
    sheets = []
    for i in range(20):
        chosen = {}
        for q in quiz["questions"]:
            a = q["answer"]
            if q is target:
                chosen[q["id"]] = [a] if i % 2 else [(a + 1) % 4]  # the other two options: never
            else:
                chosen[q["id"]] = list(a) if isinstance(a, list) else [a if i % 3 else (a + 1) % len(q["options"])]
        sheets.append(score_sheet(quiz, chosen, {}, serial=str(i), trainee=Trainee(f"人{i}")))
    data = analysis.analyse(sheets, {"new-hire-sales-office": qs}, shipped())
    q = next(x for x in data.tests[0].questions if x.id == target["id"])
    assert sum("没有人选" in f for f in q.flags) == 2


@pytest.mark.slow
def test_report_command_writes_only_to_out(small, tmp_path, cli):
    out = tmp_path / "report"
    before = sorted(p.name for p in QUIZZES.iterdir())
    r = cli("report", str(small), "--out", str(out))
    assert r.code == 0, r.err
    assert sorted(p.name for p in QUIZZES.iterdir()) == before
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == [".playbook-output.json", "charts/new-hire-sales-office-facility.svg", "charts/new-hire-sales-office-scores.svg",
                     "charts/new-hire-sales-office-steps.svg", "report.html", "report.pdf", "report.xlsx",
                     "trainees.html", "trainees.pdf"]
    assert not list(tmp_path.glob(".report*"))  # no temporary folders left behind
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "学员000" in html and "最薄弱的步骤" in html and "cdn" not in html.lower()
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    from generator.print.typst_compiler import page_count

    assert page_count((out / "trainees.pdf").read_bytes()) >= 14  # a sheet (a page or more) per trainee
    svg = (out / "charts/new-hire-sales-office-scores.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "<text" not in svg  # text drawn as paths: no font needed to view it
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO((out / "report.xlsx").read_bytes()))
    assert wb.sheet_names == ["测验", "成绩", "题目分析", "选项", "步骤", "规范用语", "流程"]
    rows = wb.get_sheet_by_name("成绩").to_python()
    assert len(rows) == 15 and rows[0][1] == "姓名"


@pytest.mark.slow
def test_report_twice_replaces_the_previous_report_and_keeps_the_trainers_files(small, tmp_path, cli):
    out = tmp_path / "r"
    assert cli("report", str(small), "--out", str(out)).code == 0
    (out / "my-notes.txt").write_text("x")
    before = (out / "report.html").stat().st_ino
    assert cli("report", str(small), "--out", str(out)).code == 0
    assert (out / "my-notes.txt").read_text() == "x"  # not ours: never deleted
    assert (out / "report.html").stat().st_ino != before  # ours: replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


@pytest.mark.slow
def test_bad_results_files_are_reported_not_tracebacks(tmp_path, cli):
    bad = tmp_path / "bad.json"
    bad.write_text('{"sheets": [\n  {"quiz": 1,,}\n]}', encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"people": []}', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text('{"sheets": []}', encoding="utf-8")
    out = tmp_path / "out"
    r = cli("report", str(bad), str(wrong), str(empty), str(tmp_path / "missing.json"), "--out", str(out))
    assert r.code == 1
    assert "Traceback" not in r.err
    assert ":2:14: error[T101]:" in r.err
    assert "wrong.json:1:1: error[T101]:" in r.err
    assert "empty.json:1:1: error[T102]:" in r.err
    assert "missing.json:1:1: error[T101]:" in r.err
    assert not out.exists()
    sheets, problems = load_results([wrong])
    assert sheets == [] and [p.code for p in problems] == ["T101"]


@pytest.mark.slow
def test_report_refuses_to_write_into_the_site(small, cli):
    r = cli("report", str(small), "--out", "site/report")
    assert r.code == 2 and "error[O002]" in r.err
    assert not (REPO / "site" / "report").exists()


@pytest.mark.slow
def test_changed_quiz_still_reports_with_a_warning(tmp_path, cli):
    qs = quizzes()
    res = results_for(qs, 6)
    data = json.loads(to_json(res))
    for s in data["sheets"]:
        s["fingerprint"] = "0000000000"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = cli("report", str(path), "--out", str(tmp_path / "out"))
    assert r.code == 0, r.err
    assert "warning[T104]" in r.err


@pytest.mark.slow
def test_redrill_spec_checks_builds_and_cites_the_weakest_steps(small, tmp_path, cli):
    quizdir = tmp_path / "quizzes"
    shutil.copytree(QUIZZES, quizdir)
    r = cli("report", str(small), "--out", str(tmp_path / "out"), "--quizzes", str(quizdir), "--redrill")
    assert r.code == 0, r.err
    spec = quizdir / "new-hire-sales-office-redrill.yaml"
    text = spec.read_text(encoding="utf-8")
    again = cli("report", str(small), "--out", str(tmp_path / "out"), "--quizzes", str(quizdir), "--redrill")
    assert again.code == 0, again.err  # the same spec again: nothing lost
    spec.write_text(text + "# 培训师改过\n", encoding="utf-8")
    edited = cli("report", str(small), "--out", str(tmp_path / "out2"), "--quizzes", str(quizdir), "--redrill")
    assert edited.code == 1 and "error[T105]" in edited.err and "不会覆盖" in edited.err
    assert spec.read_text(encoding="utf-8").endswith("# 培训师改过\n")
    assert not (tmp_path / "out2").exists()  # checked before anything is written
    spec.write_text(text, encoding="utf-8")
    assert "title: 新员工第一周·售楼处接待·复习" in text
    chk = cli("check", "--content", str(CONTENT), "--quizzes", str(quizdir))
    assert chk.code == 0, chk.err
    built = cli("quiz", str(spec), "--out", str(tmp_path / "built"), "--format", "json")
    assert built.code == 0, built.err
    quiz = json.loads((tmp_path / "built" / "quiz-A.json").read_text(encoding="utf-8"))
    # the weakest steps of the results, and the procedures they are in
    res = load_results([small])[0]
    data = analysis.analyse(res, {"new-hire-sales-office": quizzes()}, shipped())
    t = data.tests[0]
    weak_steps = {(r.ref.id, r.ref.step) for r in t.weakest_steps[:5]}
    weak_procs = {p for p, _ in weak_steps}
    cited = [analysis.covers_of(q) for q in quiz["questions"]]
    steps_cited = {(x.id, x.step) for refs in cited for x in refs if x.kind == "step"}
    assert steps_cited & weak_steps, "the re-drill drills at least one of the weakest steps"
    procs_cited = {x.id for refs in cited for x in refs if x.kind in ("step", "procedure")}
    assert procs_cited & weak_procs
    for line in text.splitlines():
        if line.startswith("#   "):
            assert "答对率" in line
    assert all(label in text for label in [r.label for r in t.weakest_steps[:3]])

    # The spec names the weakest steps, and the quiz asks about them first: more of its questions
    # drill them than the same spec without that focus.
    data_spec = yaml.safe_load(text)
    focus = {(ref.split("#")[0], int(ref.split("#")[1]) - 1) for ref in data_spec["draws_on"]["steps"]}
    all_weak = {(r.ref.id, r.ref.step) for r in t.weakest_steps if r.facility < 1.0}
    assert focus and focus <= all_weak
    del data_spec["draws_on"]["steps"]
    plain = quizdir / "plain-redrill.yaml"
    plain.write_text(yaml.safe_dump(data_spec, allow_unicode=True), encoding="utf-8")
    assert cli("quiz", str(plain), "--out", str(tmp_path / "plain"), "--format", "json").code == 0
    unfocused = json.loads((tmp_path / "plain" / "quiz-A.json").read_text(encoding="utf-8"))

    def drilling_focus(q: dict) -> bool:
        return any(x.kind == "step" and (x.id, x.step) in focus for x in analysis.covers_of(q))

    with_focus = sum(map(drilling_focus, quiz["questions"]))
    assert with_focus > sum(map(drilling_focus, unfocused["questions"])), with_focus


def test_results_stay_out_of_git():
    """results/ is git-ignored; that the build never loads the results code is an import-linter
    contract (pyproject.toml, checked and planted-against in tests/foundation/test_layers.py)."""
    gitignore = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/results/" in gitignore or "results/" in gitignore


@pytest.mark.slow
def test_no_trainee_name_reaches_a_built_site(small, tmp_path):
    """Names from a results file appear in the report and nowhere in a handbook built beside it."""
    pytest.importorskip("mkdocs")
    project = tmp_path / "project"
    project.mkdir()
    for name in ("content", "quizzes", "site_overrides"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    results = project / "results"
    results.mkdir()
    shutil.copy(small, results / "results.json")
    assert run_cli("report", "results/results.json", "--out", "results/report", cwd=project).code == 0
    marker = "学员000"
    assert marker in (results / "report" / "report.html").read_text(encoding="utf-8")
    r = run_cli("build", cwd=project)
    assert r.code == 0, r.err[-2000:]
    site = project / "site"
    assert site.is_dir()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".js", ".xml", ".txt", ".csv"):
            assert marker not in path.read_text(encoding="utf-8", errors="ignore"), path


@pytest.mark.slow
def test_an_incomplete_order_graded_from_a_table_is_reported(tmp_path, cli):
    """「A」 in an ordering column is what the trainee wrote: grade warns (T010) and counts it wrong,
    and report takes that results.json as it is (it used to refuse it as not a permutation)."""
    quiz = tmp_path / "quiz"
    r = cli("quiz", str(QUIZZES / "new-hire-sales-office.yaml"), "--content", str(CONTENT), "--out", str(quiz),
            "--format", "json")
    assert r.code == 0, r.err
    questions = json.loads((quiz / "quiz-A.json").read_text(encoding="utf-8"))["questions"]
    answers = ["A" if q["type"] == "ordering" else "ABCDEFGH"[q["answer"]] for q in questions]
    table = tmp_path / "scores.csv"
    table.write_text("姓名,工号,卷别," + ",".join(str(i + 1) for i in range(len(questions))) + "\n"
                     + "张三,E001,A," + ",".join(answers) + "\n", encoding="utf-8")
    r = cli("grade", str(table), "--quiz", str(quiz), "--out", str(tmp_path / "results"))
    assert r.code == 0 and "warning[T010]" in r.err, r.err
    orders = sum(q["type"] == "ordering" for q in questions)
    assert orders
    r = cli("report", str(tmp_path / "results" / "results.json"), "--content", str(CONTENT),
            "--quizzes", str(QUIZZES), "--out", str(tmp_path / "report"))
    assert r.code == 0 and "error" not in r.err, r.err
    scores = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    (sheet,) = scores["sheets"]
    assert sheet["score"] == pytest.approx(100 * (len(questions) - orders) / len(questions), abs=0.1)


@pytest.mark.slow
def test_a_redrill_keeps_out_what_the_trainer_excluded(small, tmp_path):
    """A question the spec excludes (or --retire took out) stays out of its re-drill; entries the
    re-drill's narrower pool cannot make are left behind rather than copied as stale (Q011)."""
    content = shipped()
    t = analysis.analyse(load_results([small])[0], {"new-hire-sales-office": quizzes()}, content).tests[0]
    original, _ = load_spec(QUIZZES / "new-hire-sales-office.yaml", content)
    _, blob = prepare_redrill(t, original, content, tmp_path)
    (tmp_path / "first.yaml").write_bytes(blob)
    first, _ = load_spec(tmp_path / "first.yaml", content)
    asked = [q.id for paper in build_quiz(content, first).papers for q in paper]
    spec_file = tmp_path / "new-hire-sales-office.yaml"
    spec_file.write_text((QUIZZES / "new-hire-sales-office.yaml").read_text(encoding="utf-8")
                         + f"exclude:\n  - {asked[0]}\n  - ordering:no-such-procedure:000000\n", encoding="utf-8")
    spec, problems = load_spec(spec_file, content)
    assert spec is not None, problems
    _, blob = prepare_redrill(t, spec, content, tmp_path / "quizzes")
    data = yaml.safe_load(blob)
    assert data["exclude"] == [asked[0]]
    (tmp_path / "again.yaml").write_bytes(blob)
    again, problems = load_spec(tmp_path / "again.yaml", content)
    assert again is not None and not [p for p in problems if p.code == "Q011"], problems
    assert asked[0] not in {q.id for paper in build_quiz(content, again).papers for q in paper}
