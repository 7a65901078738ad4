"""WCAG 2.1 AA, checked in Chromium: axe-core (vendored in tests/vendor/axe-core) over every page type
of a real build and every page grade, report and quiz write, at a phone and a desktop width, must
report no violation; the interactive parts are used by keyboard alone; text at 200 % reflows."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from generator.exports.pack import pack_files
from generator.handbook.problems_page import OVERLAY_ID, problems_overlay, with_overlay
from generator.loader import load_content
from generator.problems import Problem
from generator.quiz.scoring import to_json

TESTS = Path(__file__).resolve().parents[1]
for _folder in ("handbook", "sheet", "results"):
    sys.path.insert(0, str(TESTS / _folder))
from handbook_support import CONTENT, REPO, playbook  # noqa: E402
from helpers import quizzes, results_for  # noqa: E402  (tests/results)
from synth import Pen, fill, rasterise  # noqa: E402  (tests/sheet)

from tests.conftest import made_once  # noqa: E402

pytestmark = pytest.mark.slow

AXE = TESTS / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [390, 1280]


def _answer_every_question(page) -> None:
    """Pick the first option of each choice question, number each ordering item, submit: the
    verdicts (right and wrong) and explanations are then on the page for axe to check."""
    page.wait_for_selector(".pb-quiz[data-pb-ready] fieldset.pb-quiz-q")
    page.evaluate("""() => {
      for (const fs of document.querySelectorAll('.pb-quiz fieldset.pb-quiz-q')) {
        const radio = fs.querySelector('input[type=radio]');
        if (radio) { radio.checked = true; }
        fs.querySelectorAll('select').forEach((sel, i) => { sel.value = String(i + 1); });
      }
    }""")
    page.locator(".pb-quiz button[type=submit]").first.click()
    page.wait_for_selector(".pb-quiz .pb-quiz-feedback:not([hidden])")


def _quiz_ready(page) -> None:
    page.wait_for_selector(".pb-quiz[data-pb-ready]")


def _search_results(page) -> None:
    """Open Material's search and show the results of a query (the header search at 1280 px, the
    full-screen one on a phone)."""
    if page.viewport_size["width"] < 960:
        page.locator("label.md-header__button[for=__search]").click()
    else:
        page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").fill("投")
    for _ in range(15):
        page.keyboard.type("诉")
        try:
            page.wait_for_selector("li.md-search-result__item", timeout=2000)
            return
        except Exception:
            page.keyboard.press("Backspace")
    raise AssertionError("search shows no results")


def _open_drawer(page) -> None:
    """The navigation drawer a phone opens with the ☰ button (at 1280 px the sidebar is always open)."""
    if page.viewport_size["width"] < 1220:
        page.locator("label.md-header__button[for=__drawer]").click()
        page.wait_for_function("document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0")


def _drill_checked(page) -> None:
    """A typed answer with differences checked: the verdict, the marked differences and the rating buttons show."""
    card = page.locator("[data-drill-card]:visible")
    card.locator("[data-drill-input]").fill("您好，这是一句不对的话")
    card.locator("[data-drill-check]").click()
    page.wait_for_selector("[data-drill-result]")


def _learner_records(page) -> None:
    """This device has read a procedure, drilled a phrase and got a question wrong: the learner's
    pages then show states, scores and a 错题本 entry."""
    page.evaluate("""() => localStorage.setItem('playbook:learner:v1', JSON.stringify({v: 1,
      read: {'sales-office-reception': {version: 'old', at: '2026-01-01T00:00:00Z'}},
      quiz: {'sales-office-reception': {right: 3, total: 5, at: '2026-01-01T00:00:00Z'}},
      cards: {'welcome-viewing': {due: '2026-01-01T00:00:00Z', state: 2, reps: 1}}, paths: {},
      mistakes: {q1: {procedure: 'sales-office-reception', page: 'procedures/sales-office-reception.html',
        title: '售楼处客户接待', prompt: '客户进门后先做什么？', chosen: 'B. 递上资料', step: 2, right: 1,
        wrong: 1, at: '2026-01-01T00:00:00Z'}}}))""")
    page.reload(wait_until="load")


# One row per page type: (name, path in the site, what to do before axe runs or None).
# Add a row for each new kind of page.
PAGES: list[tuple[str, str, Callable | None]] = [
    ("home", "index.html", None),
    ("home, search results", "index.html", _search_results),
    ("home, navigation drawer", "index.html", _open_drawer),
    ("procedure", "procedures/sales-office-reception.html", _quiz_ready),
    ("procedure, self-check answered", "procedures/sales-office-reception.html", _answer_every_question),
    ("role", "roles/property-consultant.html", None),
    ("roles", "roles/index.html", None),
    ("domain", "domains/sales-office.html", None),
    ("phrases", "phrases.html", None),
    ("scenarios", "scenarios.html", None),
    ("cases", "cases.html", None),
    ("glossary", "glossary.html", None),
    ("quiz", "quizzes/new-hire-sales-office/index.html", _quiz_ready),
    ("quiz, answered", "quizzes/new-hire-sales-office/index.html", _answer_every_question),
    ("tags", "tags.html", None),
    ("changes (最近更新)", "changes.html", None),
    ("hand-written page", "pages/author-guide.html", None),
    ("404", "404.html", None),
    ("入职路径", "learn/property-consultant.html", None),
    ("规范用语练习, answer checked", "learn/property-consultant-drill.html", _drill_checked),
    ("错题本", "learn/mistakes.html", None),
    ("错题本, with an entry", "learn/mistakes.html", _learner_records),
    ("入职路径, with progress", "learn/property-consultant.html", _learner_records),
]


def axe_violations(page) -> list[dict]:
    """Inject axe-core into the open page and run the WCAG 2.1 A/AA rules; the violations found.
    Transitions (a drawer sliding in, a tooltip fading) finish first: colours are judged at rest."""
    page.wait_for_function("""() => document.getAnimations().every(
        a => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)""")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                       resultTypes: ['violations']})
                                  .then(r => r.violations)""", TAGS)


def describe(violations: list[dict]) -> str:
    """One paragraph per rule: id, impact, how many elements, the first few with axe's summary."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}")
        for node in v["nodes"][:3]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


def violations_at_each_width(browser, url: str, prepare: Callable | None = None,
                             by_width: bool = False) -> tuple[dict[int, list[dict]], list[str]]:
    """axe's violations at each of WIDTHS, and the page's script errors. The page is loaded (and
    prepared) once and resized, as a reader turning a tablet does; ``by_width``: loaded at each width,
    for a state that differs by width (the phone's drawer, the full-screen search)."""
    found: dict[int, list[dict]] = {}
    errors: list[str] = []
    page = None
    try:
        for width in WIDTHS:
            if page is None or by_width:
                if page is not None:
                    page.close()
                # axe judges the page, not the offline install (test_learner_offline.py): without the
                # service worker a page load does not precache 5.7 MB (about 12 % of this module's CPU).
                page = browser.new_page(viewport={"width": width, "height": 900}, service_workers="block")
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(url, wait_until="load")
                if prepare:
                    prepare(page)
            else:
                page.set_viewport_size({"width": width, "height": 900})
            assert page.get_attribute("html", "lang") == "zh-CN"
            found[width] = axe_violations(page)
    finally:
        if page is not None:
            page.close()
    return found, errors


def _no_violation(found: dict[int, list[dict]], what: str) -> None:
    bad = [f"{what} at {width} px:\n{describe(v)}" for width, v in found.items() if v]
    assert not bad, "\n".join(bad)


BY_WIDTH = (_search_results, _open_drawer)
"""Prepared states that differ by width: loaded at each width."""


@pytest.mark.parametrize(("name", "path", "prepare"), PAGES, ids=[row[0] for row in PAGES])
def test_page_type_has_no_wcag_violation(browser, site_url: str, name: str, path: str,
                                         prepare: Callable | None) -> None:
    found, errors = violations_at_each_width(browser, site_url + path, prepare, by_width=prepare in BY_WIDTH)
    _no_violation(found, f"{name} ({path})")
    assert errors == []


_FOCUS = """() => {
  const el = document.activeElement;
  const fs = el && el.closest('fieldset.pb-quiz-q');
  const style = el ? getComputedStyle(el) : null;
  return {
    inQuiz: !!(el && el.closest('.pb-quiz')),
    question: fs ? [...document.querySelectorAll('fieldset.pb-quiz-q')].indexOf(fs) : -1,
    tag: el ? el.tagName.toLowerCase() : '', type: el ? (el.type || '') : '',
    text: el ? el.textContent.trim() : '', cls: el ? el.className : '',
    ring: !!style && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
  };
}"""


def test_self_check_question_by_keyboard_alone(browser, site_url: str) -> None:
    """Tab to the quiz, order the items of an ordering question and choose in two choice questions
    (one right, one wrong) with arrow keys, submit with Enter, read why: every stop shows a focus ring,
    right and wrong are said in words, the score is where focus lands."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(site_url + "quizzes/new-hire-sales-office/index.html", wait_until="load")
        _quiz_ready(page)
        questions = page.eval_on_selector_all(
            "fieldset.pb-quiz-q", "fss => fss.map(fs => ({answer: JSON.parse(fs.dataset.answer),"
                                  " n: fs.querySelectorAll('.pb-quiz-opt').length}))")
        ordering = next(i for i, q in enumerate(questions) if isinstance(q["answer"], list))
        choices = [i for i, q in enumerate(questions) if isinstance(q["answer"], int)]
        right_choice, wrong_choice = choices[0], choices[1]
        plan = {ordering: "order", right_choice: "right", wrong_choice: "wrong"}

        done: set[int] = set()
        stops = 0
        for _ in range(800):
            page.keyboard.press("Tab")
            now = page.evaluate(_FOCUS)
            if not now["inQuiz"]:
                continue
            stops += 1
            assert now["ring"], f"no visible focus on {now}"
            q = now["question"]
            if now["tag"] == "button" and now["type"] == "submit":
                break
            if q in plan and q not in done:
                answer = questions[q]["answer"]
                if plan[q] == "order":  # one select per item, in option order: item k is step answer.index(k)+1
                    for k in range(questions[q]["n"]):
                        assert page.evaluate(_FOCUS)["tag"] == "select"
                        for _ in range(answer.index(k) + 1):
                            page.keyboard.press("ArrowDown")
                        if k + 1 < questions[q]["n"]:
                            page.keyboard.press("Tab")
                else:
                    pick = answer if plan[q] == "right" else (answer + 1) % questions[q]["n"]
                    page.keyboard.press("Space" if pick == 0 else "ArrowDown")
                    for _ in range(pick - 1):
                        page.keyboard.press("ArrowDown")
                    assert page.evaluate(f"document.querySelectorAll('fieldset.pb-quiz-q')[{q}]"
                                         f".querySelector('input:checked').value") == str(pick)
                done.add(q)
        else:
            raise AssertionError("Tab never reached the submit button")
        assert done == set(plan), f"questions never reached by Tab: {set(plan) - done}"
        page.keyboard.press("Enter")

        after = page.evaluate(_FOCUS)
        assert "pb-quiz-score" in after["cls"].split() and after["ring"], after
        assert after["text"].startswith("答对 ")
        assert page.get_attribute(".pb-quiz-score", "aria-live") == "polite"
        sets = page.locator("fieldset.pb-quiz-q")
        for q in (ordering, right_choice):
            assert sets.nth(q).locator(".pb-quiz-verdict").inner_text().startswith("✔ 回答正确")
            assert sets.nth(q).locator(".pb-quiz-explain").is_visible()
        marks = sets.nth(ordering).locator(".pb-quiz-mark").all_inner_texts()
        assert marks == ["✔ 正确"] * questions[ordering]["n"]
        assert sets.nth(right_choice).locator(".pb-quiz-mark").all_inner_texts() == ["✔ 正确答案"]
        wrong = sets.nth(wrong_choice)
        assert wrong.locator(".pb-quiz-verdict").inner_text().startswith("✘ 回答错误。正确答案：")
        assert wrong.locator(".pb-quiz-mark").all_inner_texts() == ["✔ 正确答案", "✘ 你选的"] or \
            wrong.locator(".pb-quiz-mark").all_inner_texts() == ["✘ 你选的", "✔ 正确答案"]
        # Shift+Tab from the score goes back into the questions (nothing traps focus).
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(_FOCUS)["inQuiz"]
    finally:
        page.close()


def test_serve_problems_overlay_by_keyboard(browser, site_url: str, built_site: Path, tmp_path: Path) -> None:
    """The overlay `playbook serve` puts over the last good page (the real markup, on a real page):
    no axe violation, focus starts in it so the keyboard scrolls it, every stop is inside it with a
    visible ring, and the hidden page under it takes no focus."""
    source = tmp_path / "content" / "procedures" / "front-desk.yaml"
    source.parent.mkdir(parents=True)
    long = "，客户进门三秒内起身问好" * 12  # a line wider than the phone: its quote scrolls sideways
    lines = [f"  - title: 第 {i} 步" + (long if i == 3 else "") for i in range(1, 31)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [Problem("content/procedures/front-desk.yaml", i, 5, "P003", "步骤缺少要点", f"steps[{i}].points")
                for i in range(1, 31)]
    path = "procedures/sales-office-reception.html"
    html = with_overlay((built_site / path).read_text(encoding="utf-8"), problems_overlay(problems, tmp_path))
    page = browser.new_page(viewport={"width": 390, "height": 700})
    try:
        page.route(site_url + path, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        page.goto(site_url + path, wait_until="load")
        violations = axe_violations(page)
        assert not violations, describe(violations)
        assert page.evaluate("document.activeElement.id") == OVERLAY_ID
        page.keyboard.press("PageDown")
        page.wait_for_function(f"document.getElementById('{OVERLAY_ID}').scrollTop > 0")
        seen = 0
        for _ in range(40):
            page.keyboard.press("Tab")
            where = page.evaluate(f"""() => {{
              const el = document.activeElement, s = getComputedStyle(el);
              return {{inside: !!el.closest('#{OVERLAY_ID}'), body: el === document.body, tag: el.tagName,
                       ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1}};
            }}""")
            assert where["inside"] or where["body"], f"focus went under the overlay: {where}"
            if where["inside"]:
                seen += 1
                assert where["ring"], where
        assert seen >= len(problems)
    finally:
        page.close()


# --- pages the trainer opens from disk: the pack's index, papers and keys, review.html of
# `playbook grade`, report.html and trainees.html of `playbook report`

SPEC = "new-hire-sales-office"


@pytest.fixture(scope="module")
def trainer_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`playbook quiz` of a shipped spec (papers, keys, coverage as HTML; JSON and answer sheets for
    grading) and the pack's index.html over it, as `playbook build` writes them into trainer-pack/.
    Made once per run for both test workers, as are the two below."""
    return made_once(tmp_path_factory, "a11y-pack", _make_pack)


def _make_pack(root: Path) -> None:
    quiz = root / SPEC
    run = playbook("quiz", str(REPO / "quizzes" / f"{SPEC}.yaml"), "--out", str(quiz),
                   "--format", "json,sheet,html", "--sheets", "1")
    assert run.returncode == 0, run.stderr
    outputs = {p.name: p.read_bytes() for p in sorted(quiz.iterdir()) if p.is_file() and not p.name.startswith(".")}
    index = pack_files({SPEC: ("新员工第一周·售楼处接待", outputs)})["index.html"]
    (root / "index.html").write_bytes(index)
    run = playbook("quiz", str(REPO / "quizzes" / f"{SPEC}.yaml"), "--preview", "--out", str(root / "preview"))
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, trainer_pack: Path) -> Path:
    """`playbook grade` of one scanned answer sheet with doubtful marks (double and light ones, a
    staff number left blank, an ordering question marked twice): review.html has every kind of card."""
    def grade(root: Path) -> None:
        quiz = trainer_pack / SPEC
        layout = json.loads((quiz / "sheet-A.json").read_text(encoding="utf-8"))
        img = rasterise((quiz / "sheet-A.pdf").read_bytes(), 200, page=0)
        rng = random.Random(7)
        fill(img, 200, layout, rng, ambiguous=0.5, staff_id=None)
        ordering = next(q for q in layout["questions"] if q["kind"] == "ordering")
        pen = Pen(img, 200, rng)
        for bubble in ordering["bubbles"][:3]:
            pen.mark("solid", bubble["center_mm"], bubble["radius_mm"])
        Image.fromarray(img).save(root / "scan.png")
        run = playbook("grade", str(root / "scan.png"), "--quiz", str(quiz), "--out", str(root / "results"))
        assert run.returncode == 0, run.stderr

    return made_once(tmp_path_factory, "a11y-graded", grade) / "results"


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`playbook report` over 14 trainees of the shipped quiz: report.html and trainees.html."""
    def report(root: Path) -> None:
        (root / "results.json").write_bytes(to_json(results_for(quizzes(), 14, seed=5)))
        run = playbook("report", str(root / "results.json"), "--out", str(root / "report"))
        assert run.returncode == 0, run.stderr

    return made_once(tmp_path_factory, "a11y-report", report) / "report"


# One row per page a command writes outside the site: (fixture, path in its folder).
TRAINER_PAGES = [
    ("trainer_pack", "index.html"),
    ("trainer_pack", f"{SPEC}/paper-A.html"),
    ("trainer_pack", f"{SPEC}/key-A.html"),
    ("trainer_pack", f"{SPEC}/coverage.html"),
    ("trainer_pack", "preview/preview.html"),
    ("graded", "review.html"),
    ("reported", "report.html"),
    ("reported", "trainees.html"),
]


@pytest.mark.parametrize(("fixture", "name"), TRAINER_PAGES, ids=[row[1] for row in TRAINER_PAGES])
def test_trainer_pages_have_lang_and_no_wcag_violation(browser, request: pytest.FixtureRequest, fixture: str,
                                                        name: str) -> None:
    folder: Path = request.getfixturevalue(fixture)
    found, _errors = violations_at_each_width(browser, (folder / name).as_uri())
    _no_violation(found, name)


def test_review_page_by_keyboard_alone(browser, graded: Path) -> None:
    """Tab through review.html: every stop shows a focus ring; Space picks an answer (pressed is said
    by aria-pressed and a ✔, not only by colour); the order is typed; Enter on 保存更正 saves and the
    result is announced in a live region."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto((graded / "review.html").as_uri(), wait_until="load")
        picked = typed = False
        for _ in range(200):
            page.keyboard.press("Tab")
            now = page.evaluate("""() => {
              const el = document.activeElement, s = getComputedStyle(el);
              return {id: el.id, tag: el.tagName.toLowerCase(), cls: el.className,
                      group: el.closest('[role=group]') ? el.closest('[role=group]').getAttribute('aria-label') : null,
                      ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
            }""")
            assert now["tag"] != "body", "Tab left the page before reaching 保存更正"
            assert now["ring"], f"no visible focus on {now}"
            if now["tag"] == "button" and "opt" in now["cls"].split() and not picked:
                assert now["group"] and now["group"].startswith("第 "), now  # the buttons are named by question
                page.keyboard.press("Space")
                state = page.evaluate("""() => [document.activeElement.getAttribute('aria-pressed'),
                                                getComputedStyle(document.activeElement, '::before').content]""")
                assert state[0] == "true" and "✔" in state[1], state
                picked = True
            elif now["tag"] == "input" and "order" in now["cls"].split() and not typed:
                page.keyboard.type("ABCD")
                typed = True
            elif now["id"] == "save":
                break
        assert picked and typed
        assert page.get_attribute("#status", "role") == "status"
        with page.expect_download():
            page.keyboard.press("Enter")
        assert page.inner_text("#status").startswith("已保存 ")
    finally:
        page.close()


# Text zoomed to 200 % on a 390 px phone = a 195 CSS px wide viewport (WCAG 1.4.10 reflow).
REFLOW = [
    ("procedure", "procedures/sales-office-reception.html", _answer_every_question),
    ("quiz", "quizzes/new-hire-sales-office/index.html", _answer_every_question),
    ("phrase drill", "learn/property-consultant-drill.html", _drill_checked),
]


@pytest.mark.parametrize(("name", "path", "prepare"), REFLOW, ids=[row[0] for row in REFLOW])
def test_zoomed_to_200_percent_on_a_phone_reflows_without_horizontal_scrolling(
        browser, site_url: str, name: str, path: str, prepare: Callable | None) -> None:
    page = browser.new_page(viewport={"width": 195, "height": 420})
    try:
        page.goto(site_url + path, wait_until="load")
        if prepare:
            prepare(page)  # the answered state: marks and explanations are on the page too
        widths = page.evaluate("""() => {
          const root = document.scrollingElement;
          const wide = [...document.querySelectorAll('.md-content *')]
            .filter(el => { const r = el.getBoundingClientRect(); return r.width && r.right > root.clientWidth + 1; })
            .filter(el => !el.closest('pre, .md-typeset__scrollwrap'))  // code and tables scroll on their own
            .slice(0, 5)
            .map(el => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
          return {scroll: root.scrollWidth, client: root.clientWidth, wide};
        }""")
    finally:
        page.close()
    assert widths["scroll"] <= widths["client"], f"{name} scrolls sideways at 195 px: {widths}"
    assert not widths["wide"], f"{name}: content sticks out at 195 px: {widths['wide']}"


def test_phrase_copy_button_by_keyboard_is_announced(browser, site_url: str) -> None:
    """Tab reaches a 规范用语's 复制 button with a visible ring; Enter copies the exact words and a
    live region says so (the button's changing text alone is not read out)."""
    context = browser.new_context(viewport={"width": 390, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(site_url + "procedures/sales-office-reception.html", wait_until="load")
        page.wait_for_selector(".pb-copy")
        for _ in range(300):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('pb-copy')"):
                break
        else:
            raise AssertionError("Tab never reached a 复制 button")
        ring = page.evaluate("(s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)"
                             "(getComputedStyle(document.activeElement))")
        assert ring
        words = page.evaluate("document.activeElement.parentNode.querySelector('.pb-phrase-text').textContent")
        page.keyboard.press("Enter")
        page.wait_for_function("() => (document.getElementById('pb-announce') || {}).textContent"
                               " === '已复制这句规范用语'")
        assert page.get_attribute("#pb-announce", "role") == "status"
        assert page.evaluate("navigator.clipboard.readText()") == words
    finally:
        context.close()


def test_glossary_term_definition_by_keyboard(browser, site_url: str) -> None:
    """Tab reaches a glossary term in the text and Material's tooltip shows its definition, as a
    mouse hover does; Escape dismisses it (WCAG 1.4.13) without moving focus or pointer."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(site_url + "procedures/sales-office-reception.html", wait_until="load")
        for _ in range(300):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.tagName") == "ABBR":
                break
        else:
            raise AssertionError("Tab never reached a glossary term")
        word = page.evaluate("document.activeElement.textContent")
        content, _ = load_content(CONTENT)
        definitions = [t.definition for t in content.glossary if word in (t.term, *t.aliases)]
        assert definitions, f"{word} is not a glossary term"
        tooltip = page.locator(".md-tooltip2--active")
        tooltip.wait_for(state="visible")
        assert " ".join(tooltip.inner_text().split()) in [" ".join(d.split()) for d in definitions]
        ring = page.evaluate("(s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)"
                             "(getComputedStyle(document.activeElement))")
        assert ring
        # WCAG 1.4.13: Escape dismisses it with the focus left on the term; focusing it again shows it.
        page.keyboard.press("Escape")
        tooltip.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.tagName") == "ABBR"
        page.keyboard.press("Shift+Tab")
        page.wait_for_selector(".md-tooltip2", state="detached")  # Material drops it once nothing holds it
        page.keyboard.press("Tab")
        tooltip.wait_for(state="visible")
        # and a definition shown by a hovering pointer, the pointer left on the term
        page.keyboard.press("Escape")
        tooltip.wait_for(state="hidden")
        page.evaluate("document.activeElement.blur()")
        term = page.locator(".md-content abbr[title]").nth(1)
        term.scroll_into_view_if_needed()
        term.hover()
        tooltip.wait_for(state="visible")
        page.keyboard.press("Escape")
        tooltip.wait_for(state="hidden")
    finally:
        page.close()
