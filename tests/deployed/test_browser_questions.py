"""Rule D9 in headless Chromium: the dashboard's questions on a phone and a desktop, in English
and Indonesian, axe clean, answered with the keyboard-reachable form (tests/deployed/test_browser.py
starts Chromium and runs axe the same way)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from calfeed import store
from calfeed.demo import sample_payload
from calfeed.store import session_scope
from calfeed.web.demo import demo_app
from calfeed.web.demo_seed import _record
from calfeed.web.runtime import runtime
from tests.deployed.test_browser import DESKTOP, NOW, PHONE, axe_violations, browser, fetch  # noqa: F401
from tests.web.test_web_questions import TITLE, unsure_item

pytestmark = pytest.mark.browser


@pytest.fixture
def asking_server(tmp_path: Path) -> Iterator[str]:
    """The demo with one event calfeed is unsure of ("Telpon HRD Indomarco", two days ahead)."""
    app = demo_app(tmp_path / "demo", NOW)
    app.extensions["calfeed"] = replace(runtime(app), clock=lambda: NOW)
    payload = sample_payload(NOW.date())
    with session_scope(runtime(app).sessions) as s:
        (calendar,) = s.query(store.Calendar).all()
        zone = payload.get("timeZone") or "UTC"
        items = [*payload["items"], unsure_item(NOW)]
        records = [_record(item, calendar.google_id, zone) for item in items]
        store.replace_events(s, calendar, [r for r in records if r.google_id])
        store.bump_data_version(s, calendar.user_id, NOW)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_d9_questions_read_and_answer_in_chromium(browser, asking_server, viewport) -> None:  # noqa: F811
    context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(asking_server + "/dashboard")
    section = page.locator("section.questions")
    assert section.get_by_role("heading", name="Is this one of your job interviews?").is_visible()
    question = section.locator("li.question", has_text=TITLE)
    company = question.get_by_label("Company")
    assert company.input_value() == "Indomarco"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page scrolls sideways ({width}px)"
    # the day's actions stay first; the questions come right after them
    headings = page.locator("main h2").all_text_contents()
    assert headings.index("Is this one of your job interviews?") < headings.index(
        "Upcoming interviews"
    )
    assert axe_violations(page) == []
    # Indonesian
    page.goto(asking_server + "/settings")
    page.select_option("#lang", "id")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    page.goto(asking_server + "/dashboard")
    section = page.locator("section.questions")
    assert "Apakah ini salah satu wawancara kerja Anda?" in section.text_content()
    assert axe_violations(page) == []
    # answer: edit the company, then "yes"; the question leaves and the interview has its card
    question = page.locator("li.question", has_text=TITLE)
    question.get_by_label("Perusahaan").fill("PT Indomarco Prismatama")
    with page.expect_navigation():
        question.get_by_role("button", name="Ya, wawancara saya").click()
    assert page.locator("section.questions").count() == 0
    card = page.locator("article.interview", has_text=TITLE)
    assert card.count() == 1
    assert problems == []
    context.close()
