"""The learner's loop in real Chromium over a real build: 我已读完 and the 入职路径, the 错题本, the
phrase drill (FSRS), all kept in localStorage under one key, with no request leaving the site."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import CONTENT, mkdocs_build, serve_dir, write_config, write_small_content  # noqa: E402

pytestmark = pytest.mark.slow

KEY = "playbook:learner:v1"
ROLE = "receptionist"


class Visit:
    """One browser context on one served site; every request it makes is recorded."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(locale="zh-CN")
        self.requests: list[str] = []
        self.context.on("request", lambda req: self.requests.append(req.url))
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def stored(self) -> dict:
        raw = self.page.evaluate(f"() => localStorage.getItem({KEY!r})")
        return json.loads(raw) if raw else {}

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base) and not u.startswith(("data:", "blob:"))]


@pytest.fixture
def visit(browser, site_url: str) -> Iterator[Visit]:
    v = Visit(browser, site_url)
    try:
        yield v
        assert v.foreign() == [], "requests left the site"
    finally:
        v.context.close()


def _progress(v: Visit) -> str:
    v.open(f"learn/{ROLE}.html")
    return v.page.get_attribute("[data-path-progress]", "data-path-progress")


def _path_items(built_site: Path) -> list[str]:
    html = (built_site / "learn" / f"{ROLE}.html").read_text(encoding="utf-8")
    return [part.split('"', 1)[0] for part in html.split('data-learner-item="')[1:]]


def test_path_page_renders_the_stages_written_in_content(built_site: Path) -> None:
    role = next(r for r in yaml.safe_load((CONTENT / "roles.yaml").read_text(encoding="utf-8")) if r["id"] == ROLE)
    html = (built_site / "learn" / f"{ROLE}.html").read_text(encoding="utf-8")
    positions = [html.index(f">{stage['title']}<") for stage in role["path"]]
    assert positions == sorted(positions)
    assert _path_items(built_site) == [pid for stage in role["path"] for pid in stage["procedures"]]
    total = sum(len(stage["procedures"]) for stage in role["path"])
    assert f'data-path-progress="0/{total}"' in html
    assert f'href="../learn/{ROLE}.html"' in (built_site / "roles" / f"{ROLE}.html").read_text(encoding="utf-8")


def test_marking_read_moves_the_path_survives_reload_and_clears(visit: Visit, built_site: Path) -> None:
    items = _path_items(built_site)
    assert _progress(visit) == f"0/{len(items)}"
    for pid in items[:2]:
        visit.open(f"procedures/{pid}.html")
        visit.page.click("[data-mark-read]")
        assert visit.page.get_attribute(".pb-learner-read", "data-learner-read") == "done"
    assert _progress(visit) == f"2/{len(items)}"
    assert visit.page.get_attribute(f'[data-learner-item="{items[0]}"]', "data-learner-read") == "done"
    assert items[2] in visit.page.get_attribute("[data-learner-next] a", "href")
    visit.page.reload()
    assert visit.page.get_attribute("[data-path-progress]", "data-path-progress") == f"2/{len(items)}"
    assert set(visit.stored()["read"]) == set(items[:2])
    visit.open("index.html")
    row = visit.page.locator(f'[data-learner-role="{ROLE}"]')
    assert row.is_visible() and f"2 / {len(items)}" in row.inner_text()
    # Only the paths this learner opened, although what they read is in other roles' paths too.
    assert visit.page.locator('[data-learner-role="property-consultant"]').is_hidden()
    visit.page.click("[data-learner-clear]")
    assert visit.stored() == {}
    assert _progress(visit) == f"0/{len(items)}"


def _single_choice(page) -> tuple[int, int, int]:
    """(question number, right option, a wrong option) of the first single-choice question."""
    page.wait_for_selector(".pb-quiz[data-pb-ready] fieldset.pb-quiz-q")
    return page.evaluate("""() => {
      const all = [...document.querySelectorAll('.pb-quiz fieldset.pb-quiz-q')];
      const n = all.findIndex(fs => fs.querySelector('input[type=radio]'));
      const right = JSON.parse(all[n].getAttribute('data-answer'));
      const count = all[n].querySelectorAll('input[type=radio]').length;
      return [n, right, (right + 1) % count];
    }""")


def _answer(page, n: int, option: int) -> None:
    page.locator(".pb-quiz fieldset.pb-quiz-q").nth(n).locator(f'input[value="{option}"]').check()
    page.click(".pb-quiz button[type=submit]")
    page.wait_for_selector(".pb-quiz .pb-quiz-feedback:not([hidden])")


def test_wrong_answer_stays_in_the_mistakes_notebook_until_right_twice(visit: Visit) -> None:
    pid = "sales-office-reception"
    visit.open(f"procedures/{pid}.html")
    n, right, wrong = _single_choice(visit.page)
    _answer(visit.page, n, wrong)
    stored = visit.stored()
    assert stored["quiz"][pid]["total"] >= 1
    assert f"上次自测答对 {stored['quiz'][pid]['right']} / {stored['quiz'][pid]['total']} 题" in \
        visit.page.inner_text(".pb-learner-read")
    (qid, entry), = stored["mistakes"].items()
    assert entry["procedure"] == pid and entry["chosen"].startswith("ABCDEFGHIJ"[wrong])

    visit.open("learn/mistakes.html")
    item = visit.page.locator(f'[data-mistake="{qid}"]')
    assert item.count() == 1
    step_link = item.locator("a").first.get_attribute("href")
    assert step_link.startswith(f"../procedures/{pid}.html#step-"), step_link
    visit.open(f"procedures/{pid}.html")
    _answer(visit.page, n, right)
    visit.open("learn/mistakes.html")
    assert visit.page.locator(f'[data-mistake="{qid}"]').count() == 1  # right once: not yet
    visit.open(f"procedures/{pid}.html")
    _answer(visit.page, n, right)
    visit.open("learn/mistakes.html")
    assert visit.page.locator("[data-mistake]").count() == 0
    assert visit.page.locator("[data-learner-mistakes-empty]").is_visible()
    # A question the procedure page no longer asks (its content changed) leaves the notebook there.
    visit.page.evaluate("""([key, pid]) => localStorage.setItem(key, JSON.stringify({v: 1, read: {}, quiz: {},
        cards: {}, mistakes: {gone: {procedure: pid, title: 't', prompt: 'p', chosen: 'c', step: 0, right: 0}}}))""",
                        [KEY, pid])
    visit.open(f"procedures/{pid}.html")
    assert visit.stored()["mistakes"] == {}


def test_a_wrong_answer_on_a_quiz_page_goes_into_the_notebook_with_its_procedure(visit: Visit) -> None:
    """The 在线练习 of a quiz spec records mistakes too: 出自 links the procedure's step, 去重做 the quiz
    page; the procedure's own page does not drop it; two right answers there take it out."""
    quiz_page = "quizzes/new-hire-sales-office/index.html"
    visit.open(quiz_page)
    n, right, wrong = _single_choice(visit.page)
    pid, title = visit.page.evaluate(f"""() => {{
      const fs = document.querySelectorAll('.pb-quiz fieldset.pb-quiz-q')[{n}];
      return [fs.getAttribute('data-procedure'), fs.getAttribute('data-procedure-title')];
    }}""")
    assert pid and title
    _answer(visit.page, n, wrong)
    stored = visit.stored()
    (qid, entry), = stored["mistakes"].items()
    assert (entry["procedure"], entry["title"], entry["redo"]) == (pid, title, quiz_page)
    assert entry["page"] == f"procedures/{pid}.html" and stored["quiz"] == {}  # no procedure's self-check score

    visit.open("learn/mistakes.html")
    links = visit.page.locator(f'[data-mistake="{qid}"] a')
    assert links.nth(0).get_attribute("href").startswith(f"../procedures/{pid}.html")
    assert links.nth(0).inner_text().startswith(title)
    assert links.nth(1).get_attribute("href") == f"../{quiz_page}"
    visit.open(f"procedures/{pid}.html")  # the procedure page does not ask it: still kept
    visit.page.wait_for_selector(".pb-quiz[data-pb-ready]")
    assert qid in visit.stored()["mistakes"]
    for _ in range(2):
        visit.open(quiz_page)
        _answer(visit.page, n, right)
    assert visit.stored()["mistakes"] == {}


def _end_of_today() -> datetime:
    return datetime.now().replace(hour=23, minute=59, second=59)


def test_drill_compares_typed_phrases_and_schedules_with_fsrs(visit: Visit) -> None:
    visit.open(f"learn/{ROLE}-drill.html")
    page = visit.page
    total = int(page.get_attribute("[data-drill-due]", "data-drill-due"))
    card = page.locator("[data-drill-card]:visible")
    first = card.get_attribute("data-drill-card")
    text = card.locator(".pb-drill-text").text_content()
    letters = [i for i, ch in enumerate(text) if ch.isalnum()]
    k = letters[len(letters) // 2]
    typo = text[:k] + ("错" if text[k] != "错" else "对") + text[k + 1:]
    card.locator("[data-drill-input]").fill(typo)
    card.locator("[data-drill-check]").click()
    assert card.locator("[data-drill-result]").get_attribute("data-drill-result") == "wrong"
    assert card.locator(".pb-drill-extra").all_text_contents() == [typo[k]]
    assert card.locator(".pb-drill-missing").all_text_contents() == [text[k]]
    loose = " ".join(ch for ch in text if ch.isalnum())  # no punctuation, spaces everywhere
    card.locator("[data-drill-input]").fill(loose)
    card.locator("[data-drill-check]").click()
    assert card.locator("[data-drill-result]").get_attribute("data-drill-result") == "correct"
    card.locator('[data-drill-rate="good"]').click()  # 会了

    second = page.locator("[data-drill-card]:visible").get_attribute("data-drill-card")
    assert second != first
    page.locator("[data-drill-card]:visible [data-drill-show]").click()
    page.locator('[data-drill-card]:visible [data-drill-rate="again"]').click()  # 忘了
    cards = visit.stored()["cards"]
    good, again = (datetime.fromisoformat(cards[c]["due"].replace("Z", "+00:00")).astimezone().replace(tzinfo=None)
                   for c in (first, second))
    assert good > _end_of_today()
    assert datetime.now() < again <= _end_of_today() or again - datetime.now() < timedelta(minutes=11)
    assert page.get_attribute("[data-drill-due]", "data-drill-due") == str(total - 2)

    page.reload()  # a later visit the same day: neither is due right now
    assert page.get_attribute("[data-drill-due]", "data-drill-due") == str(total - 2)
    assert page.locator("[data-drill-card]:visible").get_attribute("data-drill-card") not in (first, second)
    page.clock.install(time=datetime.now() + timedelta(days=4))
    page.reload()  # four days later: both are due again
    assert page.get_attribute("[data-drill-due]", "data-drill-due") == str(total)
    assert page.locator("[data-drill-card]:visible").get_attribute("data-drill-card") == first
    page.locator('[data-drill-card]:visible [data-drill-show]').click()
    page.locator('[data-drill-card]:visible [data-drill-rate="good"]').click()  # 会了 again: a longer interval
    again_good = visit.stored()["cards"][first]
    assert again_good["reps"] == 2
    assert datetime.fromisoformat(again_good["due"].replace("Z", "+00:00")).astimezone().replace(tzinfo=None) \
        > datetime.now() + timedelta(days=4 + 3)


def test_progress_survives_a_rebuild_and_a_changed_procedure_asks_to_be_read_again(browser, tmp_path: Path) -> None:
    # A small content folder (the path's logic is the same; three builds of the shipped one took 20 s):
    # two procedures on the receptionist's path.
    content = write_small_content(tmp_path / "content")
    front = (content / "procedures" / "front-desk.yaml").read_text(encoding="utf-8")
    (content / "procedures" / "seat-guests.yaml").write_text(
        front.replace("id: front-desk", "id: seat-guests").replace("title: 前台接待", "title: 引导就座"), encoding="utf-8")
    (content / "roles.yaml").write_text(yaml.safe_dump([{
        "id": ROLE, "name": "前台接待员", "description": "接待来访客户。",
        "path": [{"title": "第一天", "procedures": ["front-desk", "seat-guests"], "phrases": ["greet"]}]}],
        allow_unicode=True), encoding="utf-8")
    config = write_config(tmp_path, content, plugin={"printables": "never", "self_check": False})
    site = tmp_path / "site"
    assert mkdocs_build(config, site).returncode == 0
    items = _path_items(site)
    with serve_dir(site) as base:
        v = Visit(browser, base)
        try:
            for pid in items[:2]:
                v.open(f"procedures/{pid}.html")
                v.page.click("[data-mark-read]")
            assert _progress(v) == f"2/{len(items)}"
            assert mkdocs_build(config, site).returncode == 0  # the same content again
            assert _progress(v) == f"2/{len(items)}"
            proc = content / "procedures" / f"{items[0]}.yaml"
            proc.write_text(proc.read_text(encoding="utf-8").replace("title:", "title: 改过的", 2).replace(
                "title: 改过的", "title:", 1), encoding="utf-8")
            assert mkdocs_build(config, site).returncode == 0
            assert _progress(v) == f"1/{len(items)}"
            state = v.page.locator(f'[data-learner-item="{items[0]}"]')
            assert state.get_attribute("data-learner-read") == "outdated" and "有更新，请重读" in state.inner_text()
            v.open(f"procedures/{items[0]}.html")
            assert "有更新，请重读" in v.page.inner_text(".pb-learner-read")
            assert v.foreign() == []
        finally:
            v.context.close()


HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def test_hostile_content_text_is_inert_on_the_learner_pages(browser, tmp_path: Path) -> None:
    content = write_small_content(tmp_path / "content", title=json.dumps("接待" + HOSTILE),
                                  phrase="您好" + HOSTILE)
    (content / "roles.yaml").write_text(yaml.safe_dump([{
        "id": "receptionist", "name": "前台" + HOSTILE,
        "path": [{"title": "第一天" + HOSTILE, "procedures": ["front-desk"], "phrases": ["greet"]}]}],
        allow_unicode=True), encoding="utf-8")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    site = tmp_path / "site"
    run = mkdocs_build(config, site)
    assert run.returncode == 0, run.stderr
    with serve_dir(site) as base:
        v = Visit(browser, base)
        try:
            v.open("procedures/front-desk.html")
            v.page.click("[data-mark-read]")
            for path in ("learn/receptionist.html", "learn/receptionist-drill.html", "index.html",
                         "roles/receptionist.html", "learn/mistakes.html"):
                v.open(path)
                assert v.page.evaluate("() => window.__pwned") is None, path
                assert v.page.locator("main img[src=x], main script:text('__pwned')").count() == 0, path
            v.open("learn/receptionist.html")
            assert HOSTILE in v.page.inner_text("main")
            assert v.page.get_attribute("[data-path-progress]", "data-path-progress") == "1/1"
            v.open("learn/receptionist-drill.html")
            card = v.page.locator("[data-drill-card]:visible")
            card.locator("[data-drill-input]").fill("您好" + HOSTILE.replace("img", "imq"))
            card.locator("[data-drill-check]").click()
            assert card.locator("[data-drill-result]").get_attribute("data-drill-result") == "wrong"
            assert v.page.evaluate("() => window.__pwned") is None
            # What learner.js writes from storage (a 错题本 entry holds question and option text) is text too.
            v.page.evaluate("""([key, text]) => localStorage.setItem(key, JSON.stringify({v: 1, read: {}, quiz: {},
                cards: {}, mistakes: {q1: {procedure: 'front-desk', page: 'procedures/front-desk.html', title: text,
                prompt: text, chosen: text, step: 1, right: 0, wrong: 1, at: '2026-01-01T00:00:00Z'}}}))""",
                            [KEY, HOSTILE])
            v.open("learn/mistakes.html")
            assert v.page.inner_text('[data-mistake="q1"]').count(HOSTILE) == 3
            assert v.page.evaluate("() => window.__pwned") is None
            assert v.foreign() == []
        finally:
            v.context.close()
