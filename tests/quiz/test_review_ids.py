"""Question ids stay put while a question's source text does (seed, version, position) and change with it."""

from __future__ import annotations

from generator.content import Content
from generator.model import Procedure
from generator.quiz.assemble import build_quiz
from generator.quiz.drawable import available
from generator.quiz.ids import parts, question_id
from generator.quiz.pool import select
from generator.quiz.spec import load_spec

from .helpers import make_content, shipped, spec_paths

PROC = "sales-office-reception"
POSITIONAL = {"ordering"}  # four steps in a row: a step inserted before them makes other windows


def _with(proc: dict) -> Content:
    """The shipped content with one procedure replaced (phrases and scenarios as shipped)."""
    c = shipped()
    procs = [proc if p.id == proc["id"] else p.model_dump(exclude_defaults=True) for p in c.procedures.values()]
    return make_content(procs, [p.model_dump(exclude_defaults=True) for p in c.phrases.values()],
                        [s.model_dump(exclude_defaults=True) for s in c.scenarios.values()])


def _ids(content: Content, seed: int = 1) -> dict[str, dict[str, str]]:
    """type -> id -> prompt, for every question the procedure supports."""
    pool = select(content, procedures=[PROC])
    return {t: {q.id: q.prompt for q in qs} for t, qs in available(pool, seed).items()}


def _dump() -> dict:
    return shipped().procedures[PROC].model_dump(exclude_defaults=True)


def test_the_id_reads_type_content_and_hash() -> None:
    qid = question_id("next_step", PROC, "迎接客户", "介绍展板内容")
    assert parts(qid) == ("next_step", PROC, qid.rsplit(":", 1)[1])
    assert len(qid.rsplit(":", 1)[1]) == 6
    assert question_id("next_step", PROC, "迎接客户，", " 介绍展板内容") == qid  # spacing and punctuation do not count
    assert question_id("next_step", PROC, "介绍展板内容", "迎接客户") != qid
    assert parts("rule:" + PROC) == ("rule", PROC, "")


def test_ids_do_not_depend_on_seed() -> None:
    one, other = _ids(shipped(), 1), _ids(shipped(), 987)
    assert sum(len(v) for v in one.values()) > 40
    for t in one:
        assert one[t].keys() == other[t].keys(), t
        assert one[t] == other[t], t  # and each id is the same question (the same prompt)


def test_the_same_question_has_the_same_id_on_every_version_and_seed() -> None:
    for path in spec_paths():
        spec, problems = load_spec(path, shipped())
        assert spec is not None, problems
        seen: dict[str, tuple] = {}
        for seed in (1, 2, 3):
            quiz = build_quiz(shipped(), spec, seed=seed, versions=3)
            for paper in quiz.papers:
                for q in paper:
                    right = tuple(q.options[i] for i in q.answer) if q.is_ordering else q.options[q.answer]
                    assert seen.setdefault(q.id, (q.prompt, right)) == (q.prompt, right), q.id


def test_an_unrelated_step_inserted_before_changes_no_id() -> None:
    before = _ids(shipped())
    proc = _dump()
    proc["steps"].insert(0, {"title": "整理仪容仪表，提前到岗", "points": ["检查工牌、着装和桌面资料是否齐全"]})
    after = _ids(_with(proc))
    for t in before:
        if t in POSITIONAL:
            continue
        # the old first step now has a step before it: that one next_step question is new
        assert before[t].keys() <= after[t].keys(), (t, sorted(before[t].keys() - after[t].keys()))
    assert len(after["next_step"]) == len(before["next_step"]) + 1


def test_an_id_changes_when_its_source_text_changes() -> None:
    before = _ids(shipped())
    proc = _dump()
    old_title = proc["steps"][2]["title"]
    proc["steps"][2]["title"] = old_title + "并递上资料"
    after = _ids(_with(proc))
    gone = {t: sorted(before[t].keys() - after[t].keys()) for t in before}
    came = {t: sorted(after[t].keys() - before[t].keys()) for t in before}
    # the question on step 2 -> 3 and the one on 3 -> 4 are different questions now; no other
    assert len(gone["next_step"]) == 2 and len(came["next_step"]) == 2
    assert sum(old_title in before["next_step"][i] for i in gone["next_step"]) == 1  # 「…」之后的下一步
    kept = before["next_step"].keys() & after["next_step"].keys()
    assert kept and all(before["next_step"][i] == after["next_step"][i] for i in kept)
    # a point's text: only its own question changes
    proc = _dump()
    si, pi = next((si, pi) for si, s in enumerate(proc["steps"]) for pi, p in enumerate(s.get("points", []))
                  if any(p in prompt for prompt in before["step_of_point"].values()))
    old = proc["steps"][si]["points"][pi]
    proc["steps"][si]["points"][pi] = old + "，并登记"
    after = _ids(_with(proc))
    gone = [i for i in before["step_of_point"] if i not in after["step_of_point"]]
    assert len(gone) == 1 and old in before["step_of_point"][gone[0]]
    assert len(after["step_of_point"]) == len(before["step_of_point"])


def test_the_model_round_trip_used_here_is_faithful() -> None:
    """The helper rebuilds the content from model dumps: unchanged, it gives the same ids."""
    assert Procedure.model_validate(_dump()) == shipped().procedures[PROC]
    assert _ids(_with(_dump())) == _ids(shipped())
