"""A database that reads but refuses writes (PostgreSQL with `default_transaction_read_only` on,
SQLite opened `mode=ro`).

Before: a feed variant never cached (`?lang=id`) answered 500 with a traceback in the log, and
"Get a new address" 500. Now every variant is rendered from the stored events without writing,
and every write answers a clear 503 page with the security headers and one log line.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from calfeed.store import Event, session_scope
from calfeed.web.runtime import runtime
from tests.support.web import CSRF_RE, make_app, seed_user, signed_in, web_config
from tests.web.test_faults import read_only

READ_ONLY_PAGE = "calfeed cannot save changes right now, so nothing was changed."
VARIANTS = ("?lang=id", "?kinds=check-in", "?kinds=thank-you&lang=en", "?lang=id&kinds=check-in")


@pytest.fixture
def apps(db_url: str, tmp_path: Path, now):
    """(the app on the writable database, the same deployment on it read-only, alice)."""
    config = web_config(db_url, tmp_path / "instance")
    writable = make_app(config, now)
    alice = seed_user(writable, "alice@example.com", now)
    assert writable.test_client().get(alice.feed_path).status_code == 200  # the default cached
    signed_in(writable.test_client(), alice)  # her session nonce exists before the freeze
    frozen = make_app(replace(config, database_url=read_only(db_url)), now)
    return writable, frozen, alice


def no_traceback(caplog) -> None:
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize("query", VARIANTS)
def test_a_variant_never_cached_is_rendered_without_writing(apps, query, caplog) -> None:
    writable, frozen, alice = apps
    answer = frozen.test_client().get(alice.feed_path + query)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.content_type.startswith("text/calendar")
    assert answer.data.startswith(b"BEGIN:VCALENDAR")
    same = writable.test_client().get(alice.feed_path + query)  # what it would have cached
    assert answer.data == same.data
    no_traceback(caplog)


def test_the_indonesian_feed_is_indonesian(apps) -> None:
    _writable, frozen, alice = apps
    english = frozen.test_client().get(alice.feed_path).data
    indonesian = frozen.test_client().get(alice.feed_path + "?lang=id").data
    assert indonesian != english and b"Kirim" in indonesian


def test_get_a_new_address_answers_a_clear_503(apps, caplog) -> None:
    _writable, frozen, alice = apps
    client = signed_in(frozen.test_client(), alice)
    page = client.get("/dashboard")
    assert page.status_code == 200  # reading still works
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    answer = client.post("/dashboard/rotate", data={"csrf_token": token})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 503 and READ_ONLY_PAGE in text
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Retry-After"] == "300"
    assert client.get(alice.feed_path).status_code == 200  # the old address still works
    no_traceback(caplog)
    assert "database refuses writes on dashboard.rotate" in caplog.text


def test_every_write_answers_503_never_500(apps, caplog) -> None:
    _writable, frozen, alice = apps
    client = signed_in(frozen.test_client(), alice)
    token = CSRF_RE.search(client.get("/dashboard").get_data(as_text=True)).group(1)
    with session_scope(runtime(frozen).sessions) as s:
        event_id = s.scalars(select(Event.google_id).where(Event.user_id == alice.id)).first()
    key = f"alice@example.com/{event_id}"
    answers = {}
    for rule in frozen.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.arguments or rule.rule == "/google/notify":
            continue
        form = {"csrf_token": token, "event": key, "mark": "heard_back", "value": "1"}
        answer = client.post(rule.rule, data=form, headers={"X-CSRFToken": token})
        answers[rule.rule] = answer.status_code
        if rule.rule in ("/auth/disconnect", "/auth/signout"):
            client = signed_in(frozen.test_client(), alice)
            token = CSRF_RE.search(client.get("/dashboard").get_data(as_text=True)).group(1)
    assert 500 not in answers.values(), answers
    writes = ("/dashboard/rotate", "/dashboard/mark", "/dashboard/refresh", "/auth/signout")
    assert {answers[path] for path in writes} == {503}, answers
    no_traceback(caplog)


def test_an_anonymous_sign_up_answers_503_not_500(apps, caplog) -> None:
    _writable, frozen, _alice = apps
    client = frozen.test_client()
    token = CSRF_RE.search(client.get("/").get_data(as_text=True)).group(1)
    answer = client.post(
        "/passkeys/signup/options",
        json={"address": "https://calendar.example.com/x.ics"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "300"
    assert answer.get_json() == {
        "error": READ_ONLY_PAGE + " Your calendar feed keeps working. Please try again later."
    }  # JSON: the passkey script shows it
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    no_traceback(caplog)


def test_the_runtime_is_really_read_only(apps) -> None:
    """The fixture's premise: the frozen app's database refuses a write."""
    from sqlalchemy import text

    from calfeed.store import engine_of
    from calfeed.store.db import refuses_writes

    _writable, frozen, _alice = apps
    engine = engine_of(runtime(frozen).sessions)
    with engine.connect() as conn, pytest.raises(Exception) as raised:  # noqa: PT011
        conn.execute(text("UPDATE users SET data_version = data_version + 1"))
        conn.commit()
    assert refuses_writes(raised.value)


def test_after_a_refused_write_polls_render_once(apps, monkeypatch, caplog) -> None:
    """The first poll finds out (a caching render refused, then one without writing); the polls
    after it render once, without trying to write, and log nothing more."""
    from calfeed.web import feedcache

    _writable, frozen, alice = apps
    calls: list[bool] = []
    real = feedcache.render

    def counting(*args, **kwargs):
        calls.append(kwargs.get("save", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(feedcache, "render", counting)
    client = frozen.test_client()
    for query in VARIANTS:
        assert client.get(alice.feed_path + query).status_code == 200
    assert calls == [True, False] + [False] * (len(VARIANTS) - 1)
    assert caplog.text.count("database refuses writes: feeds are rendered without caching") == 1
    monkeypatch.setattr(feedcache, "REFUSED_FOR", -1.0)  # as if 30 s had passed: tried again
    assert client.get(alice.feed_path + "?lang=id").status_code == 200
    assert calls[-2:] == [True, False]
