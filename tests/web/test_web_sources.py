"""Adding, renaming, pausing, removing calendars by address (dashboard)."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from calfeed.config import parse_networks
from calfeed.store import session_scope
from calfeed.store.ics_sources import IcsEvent, IcsSource
from calfeed.web.runtime import runtime
from tests.support.background import wait_for
from tests.support.ics_server import IcsServer, Route
from tests.support.paths import FIXTURES
from tests.support.slow_servers import trickling_server
from tests.support.web import WebUser, make_app, seed_user, signed_in, web_config

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")


@pytest.fixture
def app(sqlite_db_url: str, tmp_path: Path, now) -> Flask:
    config = web_config(
        sqlite_db_url, tmp_path / "instance", fetch_allow=parse_networks("127.0.0.1/32")
    )
    return make_app(config, now)


@pytest.fixture
def carol(app: Flask, now) -> WebUser:
    return seed_user(app, "carol@example.com", now)


@pytest.fixture
def served(ics_server: IcsServer) -> IcsServer:
    ics_server.routes["/outlook.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    return ics_server


def post(client: FlaskClient, csrf_token, path: str, **form: str):
    token = csrf_token(client)
    return client.post(path, data={"csrf_token": token, **form})


def sources(app: Flask) -> list[IcsSource]:
    with session_scope(runtime(app).sessions) as s:
        return list(s.query(IcsSource).order_by(IcsSource.id))


def test_add_reads_and_shows_what_it_found(
    app, client, carol, csrf_token, served: IcsServer
) -> None:
    signed_in(client, carol)
    answer = post(
        client, csrf_token, "/sources/add", address=served.url("/outlook.ics"), name="Outlook"
    )
    assert answer.status_code == 303 and answer.location.endswith("/dashboard#sources-h")
    page = client.get("/dashboard").get_data(as_text=True)
    (source,) = sources(app)
    assert source.name == "Outlook" and source.events_found > 0 and source.interviews_found > 0
    found = f"{source.events_found} events, {source.interviews_found} interviews"
    assert "calfeed is reading the calendar now" in page  # the worker read it (immediate here)
    assert page.count(found) == 1 and "Reading …" not in page  # the source's own line
    assert "Sinar Abadi" in page  # its interviews are on the dashboard
    feed = client.get(carol.feed_path)
    assert feed.status_code == 200 and b"Sinar Abadi" in feed.data


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("file:///etc/passwd", "only http, https and webcal"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://me:pw@example.com/cal.ics", "user name or password"),
    ],
)
def test_refused_addresses_re_render_with_the_reason(
    app, client, carol, csrf_token, address: str, words: str
) -> None:
    signed_in(client, carol)
    answer = post(client, csrf_token, "/sources/add", address=address)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert words in page and 'aria-invalid="true"' in page
    assert sources(app) == []


def test_private_address_refused_on_a_server_without_the_allow_list(
    sqlite_db_url, tmp_path, now, csrf_token, served: IcsServer
) -> None:
    app = make_app(web_config(sqlite_db_url, tmp_path / "instance"), now)
    client = app.test_client()
    signed_in(client, seed_user(app, "dan@example.com", now))
    answer = post(client, csrf_token, "/sources/add", address=served.url("/outlook.ics"))
    assert answer.status_code == 400 and "loopback" in answer.get_data(as_text=True)
    assert served.requests == [] and sources(app) == []


def test_rename_pause_resume_remove(app, client, carol, csrf_token, served: IcsServer) -> None:
    signed_in(client, carol)
    post(client, csrf_token, "/sources/add", address=served.url("/outlook.ics"))
    (source,) = sources(app)
    assert source.name == "127.0.0.1"  # the host until the user names it
    post(client, csrf_token, f"/sources/{source.id}/rename", name="Work")
    assert sources(app)[0].name == "Work"
    assert post(client, csrf_token, f"/sources/{source.id}/rename", name=" ").status_code == 400
    post(client, csrf_token, f"/sources/{source.id}/pause", value="1")
    assert sources(app)[0].paused
    assert b"Sinar Abadi" not in client.get(carol.feed_path).data
    post(client, csrf_token, f"/sources/{source.id}/pause", value="0")
    assert b"Sinar Abadi" in client.get(carol.feed_path).data
    post(client, csrf_token, f"/sources/{source.id}/remove")
    assert sources(app) == []
    with session_scope(runtime(app).sessions) as s:
        assert s.query(IcsEvent).count() == 0
    assert b"Sinar Abadi" not in client.get(carol.feed_path).data


def test_read_now_is_polite(app, client, carol, csrf_token, served: IcsServer) -> None:
    signed_in(client, carol)
    post(client, csrf_token, "/sources/add", address=served.url("/outlook.ics"))
    (source,) = sources(app)
    post(client, csrf_token, f"/sources/{source.id}/read")
    assert len(served.requests) == 1  # within 15 minutes of the last read: not read again
    assert "at most every 15 minutes" in client.get("/dashboard").get_data(as_text=True)


def test_other_users_sources_are_not_found(
    app, client, carol, csrf_token, served: IcsServer, now
) -> None:
    signed_in(client, carol)
    post(client, csrf_token, "/sources/add", address=served.url("/outlook.ics"))
    (source,) = sources(app)
    other = app.test_client()
    signed_in(other, seed_user(app, "eve@example.com", now))
    for action, form in (("rename", {"name": "x"}), ("pause", {"value": "1"}), ("remove", {})):
        assert post(other, csrf_token, f"/sources/{source.id}/{action}", **form).status_code == 404
    assert post(other, csrf_token, f"/sources/{source.id}/read").status_code == 404
    assert sources(app)[0].name == "127.0.0.1" and not sources(app)[0].paused


def test_failing_source_shows_the_error_and_keeps_the_feed(
    app, client, carol, csrf_token, served: IcsServer, now
) -> None:
    signed_in(client, carol)
    post(client, csrf_token, "/sources/add", address=served.url("/outlook.ics"))
    served.routes["/outlook.ics"] = Route(b"", status=500)
    (source,) = sources(app)
    from dataclasses import replace
    from datetime import timedelta

    later = now + timedelta(minutes=16)
    app.extensions["calfeed"] = replace(runtime(app), clock=lambda: later)
    post(client, csrf_token, f"/sources/{source.id}/read")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "The last read failed" in page and "HTTP 500" in page
    assert b"Sinar Abadi" in client.get(carol.feed_path).data


def test_indonesian_words(app, client, carol, csrf_token) -> None:
    signed_in(client, carol)
    page = client.get("/dashboard?lang=id").get_data(as_text=True)
    assert "Calendars by address" in page or "Kalender lewat alamat" in page


def test_marks_on_an_address_interview_through_the_dashboard(
    app, client, carol, csrf_token, served: IcsServer
) -> None:
    """The dashboard's mark form works on an .ics interview as on a Google one."""
    signed_in(client, carol)
    post(client, csrf_token, "/sources/add", address=served.url("/outlook.ics"))
    (source,) = sources(app)
    with session_scope(runtime(app).sessions) as s:
        keys = [k for (k,) in s.query(IcsEvent.event_id)]
    page = client.get("/dashboard").get_data(as_text=True)
    key = next(f"ics:{source.id}/{k}" for k in keys if f"ics:{source.id}/{k}" in page)
    before = client.get(carol.feed_path).data.count(b"BEGIN:VEVENT")
    answer = post(client, csrf_token, "/dashboard/mark", event=key, mark="not_interview", value="1")
    assert answer.status_code == 303
    assert client.get(carol.feed_path).data.count(b"BEGIN:VEVENT") < before


# --- the first read leaves the web request -------------------------------------------------------


@pytest.fixture
def queued_app(sqlite_db_url: str, tmp_path: Path, now) -> Flask:
    """The app on a real queue (the SQLite file) that nothing consumes until the test says so."""
    config = web_config(
        sqlite_db_url,
        tmp_path / "instance",
        fetch_allow=parse_networks("127.0.0.1/32"),
        queue_url=None,
        queue_name=f"t{uuid.uuid4().hex[:10]}",
    )
    return make_app(config, now)


def test_adding_a_trickling_server_returns_at_once(queued_app: Flask, csrf_token, now) -> None:
    """A server sending one header byte at a time held "add calendar" for about 100 s; the add now
    answers at once, the page says "reading" and reloads itself, and the worker does the read."""
    from calfeed.background.jobs import JobContext, Jobs

    client = queued_app.test_client()
    carol = seed_user(queued_app, "carol@example.com", now)
    signed_in(client, carol)
    with trickling_server("headers", pause=0.2) as port:
        form = {"csrf_token": csrf_token(client), "address": f"http://127.0.0.1:{port}/x.ics"}
        started = time.monotonic()
        answer = client.post("/sources/add", data=form)
        took = time.monotonic() - started
        assert answer.status_code == 303 and took < 1.0, took
        page = client.get("/dashboard").get_data(as_text=True)
        assert "Reading …" in page and 'http-equiv="refresh"' in page
        form["address"] = "file:///etc/passwd"  # a refused form's page never reloads itself
        refused = client.post("/sources/add", data=form)
        assert refused.status_code == 400
        assert 'http-equiv="refresh"' not in refused.get_data(as_text=True)
        (source,) = sources(queued_app)
        assert source.last_attempt_at is None  # nothing was fetched in the request
        config = replace(runtime(queued_app).config, fetch_timeout=1)
        context = JobContext(config, runtime(queued_app).sessions, lambda: now)
        worker = Jobs(config, lambda: context)
        consumer = worker.start_in_process(workers=1)
        try:
            wait_for(lambda: sources(queued_app)[0].last_error, timeout=15)
        finally:
            consumer.stop(graceful=False)
            worker.flush()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "longer than 1 s" in page and 'http-equiv="refresh"' not in page


def test_private_literal_refused_at_once_without_a_read(
    sqlite_db_url, tmp_path, now, csrf_token, served: IcsServer
) -> None:
    """Refusals that need no network still answer in the form (no worker, no source kept)."""
    app = make_app(web_config(sqlite_db_url, tmp_path / "instance"), now)
    client = app.test_client()
    signed_in(client, seed_user(app, "dan@example.com", now))
    answer = post(client, csrf_token, "/sources/add", address="http://[64:ff9b::a9fe:a9fe]/x")
    assert answer.status_code == 400 and "metadata" in answer.get_data(as_text=True)
    assert sources(app) == []


def test_passkey_sign_up_with_a_trickling_address_returns_at_once(
    queued_app: Flask, csrf_token, monkeypatch
) -> None:
    """An anonymous passkey sign-up with such an address took 100 s; now its read is queued.

    The WebAuthn check itself is the browser test's (tests/deployed/test_browser_passkeys.py):
    here it is replaced by a verified credential, so only what the sign-up does with the address
    is timed.
    """
    import json
    from types import SimpleNamespace

    from webauthn.helpers import bytes_to_base64url

    import calfeed.web.passkeys as passkeys

    verified = SimpleNamespace(credential_id=b"cred-1", credential_public_key=b"k", sign_count=0)
    monkeypatch.setattr(passkeys, "_verified_registration", lambda *args: verified)
    client = queued_app.test_client()
    with trickling_server("headers", pause=0.2) as port:
        token = csrf_token(client, "/")
        address = f"http://127.0.0.1:{port}/x.ics"
        options = client.post(
            "/passkeys/signup/options", json={"address": address}, headers={"X-CSRFToken": token}
        )
        assert options.status_code == 200
        challenge = options.get_json()["challenge"]  # what the browser would sign
        client_data = json.dumps({"type": "webauthn.create", "challenge": challenge}).encode()
        answer_of_browser = {"response": {"clientDataJSON": bytes_to_base64url(client_data)}}
        started = time.monotonic()
        answer = client.post(
            "/passkeys/signup/verify", json=answer_of_browser, headers={"X-CSRFToken": token}
        )
        took = time.monotonic() - started
    assert answer.status_code == 200 and took < 1.0, took
    (source,) = sources(queued_app)
    assert source.last_attempt_at is None  # queued for the worker, not read in the request
    assert "Reading …" in client.get("/dashboard").get_data(as_text=True)


def test_passkey_sign_up_refuses_a_wrapped_metadata_address_at_once(app: Flask, csrf_token) -> None:
    client = app.test_client()
    token = csrf_token(client, "/")
    answer = client.post(
        "/passkeys/signup/options",
        json={"address": "http://[2002:a9fe:a9fe::]/latest/meta-data/"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 400 and "metadata" in answer.get_data(as_text=True)
