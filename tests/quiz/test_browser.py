"""The online quiz clicked through in headless Chromium: keyboard and mouse, submit, right/wrong, explanation."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from generator.quiz.assemble import build_quiz
from generator.quiz.online import quiz_block
from generator.quiz.spec import load_spec

from .helpers import REPO, shipped, spec_paths

ASSETS = REPO / "site_overrides" / "assets"
pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path: Path):
    content = shipped()
    spec, _ = load_spec(spec_paths()[0], content)
    data = build_quiz(content, spec).to_json(0)
    page = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>自测</title><link rel="icon" href="data:,">'
            '<link rel="stylesheet" href="quiz.css"></head><body><h1>自测</h1>\n'
            + quiz_block(data, intro="测试") + '\n<script src="quiz.js"></script></body></html>')
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "quiz.js").write_bytes((ASSETS / "javascripts" / "quiz.js").read_bytes())
    (tmp_path / "quiz.css").write_bytes((ASSETS / "stylesheets" / "quiz.css").read_bytes())
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html", data
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_choose_submit_and_read_right_wrong_with_explanation(served, browser) -> None:
    url, data = served
    qs = data["questions"]
    # One shared browser per worker (tests/conftest.py): a second sync_playwright() would fail.
    page = browser.new_page()
    try:
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.wait_for_selector(".pb-quiz[data-pb-ready]")
        sets = page.locator("fieldset.pb-quiz-q")
        assert sets.count() == len(qs)

        expected: dict[int, bool] = {}
        first_single = next(i for i, q in enumerate(qs) if not isinstance(q["answer"], list))
        # Keyboard: Tab to the first radio group, Space to choose, ArrowDown to move to the next option.
        page.locator("body").click(position={"x": 1, "y": 1})
        for _ in range(200):
            page.keyboard.press("Tab")
            name = page.evaluate("document.activeElement && document.activeElement.name || ''")
            if name.endswith(f"-{first_single + 1}") and page.evaluate("document.activeElement.type") == "radio":
                break
        else:
            pytest.fail("could not reach the first radio button with Tab")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        chosen = int(page.evaluate(f"document.querySelector('input[name$=\"-{first_single + 1}\"]:checked').value"))
        assert chosen == 1
        expected[first_single] = qs[first_single]["answer"] == 1

        # Mouse: the right option for some questions, a wrong one for others; ordering via the selects.
        for i, q in enumerate(qs):
            if i == first_single:
                continue
            fs = sets.nth(i)
            if isinstance(q["answer"], list):
                right = i % 2 == 0
                order = q["answer"] if right else list(reversed(q["answer"]))
                for k, opt in enumerate(order):
                    fs.locator(f'.pb-quiz-opt[data-index="{opt}"] select').select_option(str(k + 1))
                expected[i] = right
            elif i % 3 == 2:
                continue  # left unanswered: counts as wrong
            else:
                pick = q["answer"] if i % 3 == 0 else (q["answer"] + 1) % len(q["options"])
                fs.locator(f'.pb-quiz-opt[data-index="{pick}"]').click()
                expected[i] = pick == q["answer"]
        page.get_by_role("button", name="提交答案").click()

        for i, q in enumerate(qs):
            fs = sets.nth(i)
            right = expected.get(i, False)
            cls = fs.get_attribute("class")
            assert ("pb-quiz-right" if right else "pb-quiz-wrong") in cls, (i, cls)
            feedback = fs.locator(".pb-quiz-feedback")
            assert feedback.is_visible()
            verdict = fs.locator(".pb-quiz-verdict").inner_text()
            assert ("回答正确" in verdict) if right else ("正确答案" in verdict), verdict
            assert fs.locator(".pb-quiz-explain").inner_text() == q["explanation"]
            if i not in expected:
                assert "未作答" in verdict
        score = page.locator(".pb-quiz-score").inner_text()
        assert score == f"答对 {sum(expected.values())} / {len(qs)} 题"
        assert page.evaluate("document.activeElement.className") == "pb-quiz-score"

        page.get_by_role("button", name="重新作答").click()
        assert not sets.nth(0).locator(".pb-quiz-feedback").is_visible()
        assert page.locator(".pb-quiz-score").inner_text() == ""
        assert errors == []
        assert all(u.startswith("http://127.0.0.1:") for u in requests), "the quiz fetched something external"
    finally:
        page.close()
