"""GET /feeds/<token>.ics: headers, conditional requests, variants, the shared cache, failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import event, update

from calfeed.errors import GoogleError
from calfeed.store import User, session_scope
from calfeed.web import feedcache, service
from calfeed.web.runtime import runtime
from tests.support.web import make_app, signed_in, web_config

JANE = "5q2b7m0c1kq3v7h1l8vbn2e0s4"  # the sample's "Interview with Jane Doe (Acme)"


def vevents(body: bytes) -> list[tuple[str, str]]:
    """(kind, related interview iCalUID) of every follow-up in a feed."""
    cal = Calendar.from_ical(body)
    out = []
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        kind = "check-in" if uid.startswith("check-in") else uid.split("-", 1)[0] + "-you"
        out.append(
            (kind if not uid.startswith("reconnect") else "notice", str(ev.get("RELATED-TO", "")))
        )
    return out


def count_queries(app):
    """A list that collects every SQL statement SQLite runs for the app from now on.

    Traced at the driver (the warm path runs on a raw DB-API cursor, below SQLAlchemy's events).
    """
    from calfeed.store import engine_of

    engine = engine_of(runtime(app).sessions)
    engine.dispose()  # new connections from here on, each traced
    seen: list[str] = []
    event.listen(engine, "connect", lambda dbapi, record: dbapi.set_trace_callback(seen.append))
    return seen


def test_feed_serves_calendar_with_cache_headers(client, alice):
    r = client.get(alice.feed_path)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert r.headers["ETag"].startswith('"') and len(r.headers["ETag"]) == 34
    assert r.headers["Last-Modified"].endswith("GMT")
    assert r.headers["Cache-Control"] == "private, no-cache"
    assert r.data.startswith(b"BEGIN:VCALENDAR\r\n")
    kinds = [k for k, _ in vevents(r.data)]
    assert "thank-you" in kinds and "check-in" in kinds
    assert "Set-Cookie" not in r.headers


def test_same_bytes_and_etag_on_every_request(client, alice):
    first, second = client.get(alice.feed_path), client.get(alice.feed_path)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_if_none_match_gives_304_without_body(client, alice):
    etag = client.get(alice.feed_path).headers["ETag"]
    r = client.get(alice.feed_path, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b""
    assert r.headers["ETag"] == etag
    assert client.get(alice.feed_path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(alice.feed_path, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(alice.feed_path, headers={"If-None-Match": "W/" + etag}).status_code == 304


def test_if_modified_since(client, alice):
    last = client.get(alice.feed_path).headers["Last-Modified"]
    assert client.get(alice.feed_path, headers={"If-Modified-Since": last}).status_code == 304
    old = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(alice.feed_path, headers={"If-Modified-Since": old}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/not-a-token.ics",
        "/feeds/" + "A" * 43 + ".ics",
        "/feeds/" + "x" * 500 + ".ics",
        "/feeds/.ics",
        "/feeds/abc",
    ],
)
def test_unknown_token_is_a_bare_404(client, alice, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.data in (b"Not found\n",)
    assert r.headers["Content-Type"].startswith("text/plain")


def test_a_token_with_the_right_prefix_is_still_404(client, alice):
    r = client.get(f"/feeds/{alice.token[:-1]}{'A' if alice.token[-1] != 'A' else 'B'}.ics")
    assert r.status_code == 404 and r.data == b"Not found\n"


def test_kinds_variant(client, alice):
    only = client.get(alice.feed_path + "?kinds=check-in")
    assert only.status_code == 200
    assert {k for k, _ in vevents(only.data)} == {"check-in"}
    thanks = client.get(alice.feed_path + "?kinds=thank-you")
    assert {k for k, _ in vevents(thanks.data)} == {"thank-you"}
    both = client.get(alice.feed_path + "?kinds=thank-you,check-in")
    assert both.data == client.get(alice.feed_path).data


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("?kinds=thank-you", "Thank-you notes"),
        ("?kinds=check-in", "Check-ins"),
        ("?kinds=thank-you&lang=id", "Ucapan terima kasih"),
        ("?kinds=check-in&lang=id", "Menanyakan kabar"),
        ("?kinds=thank-you,check-in", "Interview follow-ups"),
        ("", "Interview follow-ups"),
    ],
)
def test_separate_calendars_per_kind_are_named_apart(client, alice, query, name):
    """Two subscriptions (one per kind) must not carry the same name."""
    from icalendar import Calendar

    cal = Calendar.from_ical(client.get(alice.feed_path + query).data)
    assert str(cal["X-WR-CALNAME"]) == name


def test_lang_variant(client, alice):
    r = client.get(alice.feed_path + "?lang=id")
    assert r.status_code == 200
    assert b"Tindak lanjut wawancara" in r.data
    assert r.data != client.get(alice.feed_path).data


@pytest.mark.parametrize("query", ["?kinds=party", "?kinds=,", "?lang=fr", "?kinds=check-in,x"])
def test_bad_variant_is_400(client, alice, query):
    r = client.get(alice.feed_path + query)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/plain")


def test_warm_hit_is_one_query(app, client, alice):
    client.get(alice.feed_path)  # render and cache
    seen = count_queries(app)
    assert client.get(alice.feed_path).status_code == 200
    assert len(seen) == 1, seen
    assert "feed_cache" in seen[0] and "feed_token_hash" in seen[0]


def test_cache_is_shared_across_processes(app, client, alice, sqlite_db_url, tmp_path, now):
    client.get(alice.feed_path)
    other = make_app(web_config(sqlite_db_url, tmp_path / "other"), now)
    seen = count_queries(other)
    r = other.test_client().get(alice.feed_path)
    assert r.status_code == 200 and len(seen) == 1


def test_a_mark_changes_the_feed_at_once(app, client, alice, csrf_token):
    before = client.get(alice.feed_path)
    related = f"{JANE}@google.com"
    assert ("check-in", related) in vevents(before.data)
    signed_in(client, alice)
    token = csrf_token(client)
    r = client.post(
        "/dashboard/mark",
        data={
            "csrf_token": token,
            "event": f"alice@example.com/{JANE}",
            "mark": "heard_back",
            "value": "1",
        },
    )
    assert r.status_code == 303
    after = client.get(alice.feed_path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert ("check-in", related) not in vevents(after.data)
    assert ("thank-you", related) in vevents(after.data)


def test_stale_feed_poll_never_reads_google(app, client, alice, monkeypatch, now):
    """The poll answers from stored state at once; reads are the worker's."""
    with session_scope(runtime(app).sessions) as s:  # pretend alice has a Google grant
        s.execute(update(User).where(User.id == alice.id).values(refresh_token_enc="x"))
    calls: list[int] = []

    def no_sync(sessions, user_id, **kwargs):
        calls.append(user_id)
        raise GoogleError("a poll must not read Google")

    monkeypatch.setattr("calfeed.background.sync.sync_user", no_sync)
    monkeypatch.setattr("calfeed.background.sync.read_user", no_sync)
    first = client.get(alice.feed_path)
    later = now + timedelta(seconds=runtime(app).config.refresh_interval + 1)
    from dataclasses import replace

    app.extensions["calfeed"] = replace(runtime(app), clock=lambda: later)
    again = client.get(alice.feed_path)
    variant = client.get(alice.feed_path + "?kinds=thank-you")  # the Flask view, not the fast path
    assert first.status_code == again.status_code == variant.status_code == 200
    assert again.data == first.data and calls == []


def test_reconnect_notice_in_feed(app, client, alice):
    with session_scope(runtime(app).sessions) as s:
        s.execute(
            update(User)
            .where(User.id == alice.id)
            .values(needs_reconnect=True, data_version=User.data_version + 1)
        )
    r = client.get(alice.feed_path)
    assert r.status_code == 200
    assert b"reconnect Google Calendar" in r.data
    assert ("notice", "") in vevents(r.data)


def test_rotation_kills_the_old_address_at_once(app, client, alice):
    assert client.get(alice.feed_path).status_code == 200
    rt = runtime(app)
    new = service.rotate_feed_token(rt.sessions, rt.cipher, alice.id, rt.clock())
    assert client.get(alice.feed_path).status_code == 404
    assert client.get(f"/feeds/{new}.ics").status_code == 200


def test_token_is_long_and_stored_only_hashed(app, alice):
    assert len(alice.token) >= 22  # 128 bits in url-safe base64
    with session_scope(runtime(app).sessions) as s:
        user = s.get(User, alice.id)
        assert user.feed_token_hash != alice.token and alice.token not in (
            user.feed_token_enc or ""
        )


def test_parse_variant_keys():
    assert feedcache.parse_variant(None, None) == feedcache.DEFAULT
    assert feedcache.parse_variant("check-in, thank-you", None) == feedcache.DEFAULT
    assert feedcache.parse_variant("check-in", "id").key == "kinds=check-in;lang=id"


def test_fast_path_and_view_answer_alike(client, alice):
    client.get(alice.feed_path)  # warm: later plain requests take the WSGI fast path
    fast = client.get(alice.feed_path)
    slow = client.get(alice.feed_path + "?kinds=thank-you,check-in")  # the Flask view
    assert fast.data == slow.data
    for name in ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Length"):
        assert fast.headers[name] == slow.headers[name], name
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert fast.headers[name] == slow.headers[name], name
    etag = fast.headers["ETag"]
    assert client.get(alice.feed_path, headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get(alice.feed_path + "?lang=", headers={"If-None-Match": etag}).status_code == 304
    )


def test_head_gives_headers_without_body(client, alice):
    client.get(alice.feed_path)
    r = client.head(alice.feed_path)
    assert r.status_code == 200 and r.data == b""
    assert int(r.headers["Content-Length"]) > 1000


def test_feed_address_is_https_behind_a_proxy_in_production(sqlite_db_url, tmp_path, now):
    """The address comes from CALFEED_BASE_URL: a forged X-Forwarded-Host changes nothing."""
    from dataclasses import replace

    from tests.support.web import seed_user

    config = replace(
        web_config(sqlite_db_url, tmp_path), env="production", base_url="https://cal.example"
    )
    app = make_app(config, now)
    user = seed_user(app, "carol@example.com", now)
    client = signed_in(app.test_client(), user)
    page = client.get(
        "/dashboard", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    ).get_data(as_text=True)
    assert f'value="https://cal.example/feeds/{user.token}.ics"' in page
    assert "evil.example" not in page
    assert "max-age=" in client.get("/").headers["Strict-Transport-Security"]


def test_feed_cycle_on_every_backend(db_url, tmp_path, now, csrf_token):
    """Render, warm hit (raw cursor), 304, mark, re-render: on SQLite and PostgreSQL alike."""
    from tests.support.web import seed_user

    app = make_app(web_config(db_url, tmp_path / "instance"), now)
    user = seed_user(app, "dora@example.com", now)
    client = app.test_client()
    first = client.get(user.feed_path)
    warm = client.get(user.feed_path)
    assert first.status_code == warm.status_code == 200 and first.data == warm.data
    etag = warm.headers["ETag"]
    assert client.get(user.feed_path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/nope.ics").status_code == 404
    signed_in(client, user)
    data = {
        "csrf_token": csrf_token(client),
        "event": f"dora@example.com/{JANE}",
        "mark": "heard_back",
        "value": "1",
    }
    assert client.post("/dashboard/mark", data=data).status_code == 303
    after = client.get(user.feed_path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert ("check-in", f"{JANE}@google.com") not in vevents(after.data)
