"""`playbook serve` shows content problems in the browser: an overlay over the last good page lists
every problem as file:line:col: error[CODE] with the offending line quoted; fixing the file brings
the normal page back by itself (live reload). The terminal gets the same lines, no traceback."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import preview_server, write_config, write_small_content  # noqa: E402
from test_serve import _poll  # noqa: E402

pytestmark = pytest.mark.slow

BAD_LINE = "  bad: [unclosed"


def test_a_yaml_mistake_shows_in_the_browser_and_goes_away_when_fixed(tmp_path: Path, browser) -> None:
    content = write_small_content(tmp_path / "content", title="前台接待")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    with preview_server(content, config, tmp_path / "serve.log", cwd=tmp_path) as (server, port):
        page = browser.new_page()
        try:
            url = f"http://127.0.0.1:{port}/procedures/front-desk.html"
            _poll(url, "前台接待", 90, server)
            page.goto(url)
            assert page.locator("#playbook-problems").count() == 0
            time.sleep(1.0)  # the live-reload script is connected

            proc = content / "procedures" / "front-desk.yaml"
            good = proc.read_text(encoding="utf-8")
            proc.write_text(good.replace("title: 前台接待\n", f"title: 前台接待\n{BAD_LINE}\n"), encoding="utf-8")
            # The open tab reloads by itself and shows the problems.
            overlay = page.locator("#playbook-problems")
            overlay.wait_for(state="visible", timeout=60_000)
            text = overlay.inner_text()
            assert "内容有问题" in text
            assert "content/procedures/front-desk.yaml:3:6: error[Y001]: YAML 语法错误" in text
            assert BAD_LINE in text and "3 | " in text  # the offending line, quoted with its number
            box = overlay.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 300  # covers the page, readable

            # Every page of the last good site is still there, with the overlay.
            other = _poll(f"http://127.0.0.1:{port}/glossary.html", "playbook-problems", 10, server)
            assert "Service Advisor" in other

            proc.write_text(good.replace("title: 前台接待", "title: 迎宾接待"), encoding="utf-8")
            page.wait_for_function("() => !document.getElementById('playbook-problems')"
                                   " && document.querySelector('h1') && document.querySelector('h1').textContent.includes('迎宾接待')",
                                   timeout=60_000)
            assert page.locator("#playbook-problems").count() == 0
        finally:
            page.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in output, output
    assert "content/procedures/front-desk.yaml:3:6: error[Y001]" in output
    assert "内容已改好" in output
