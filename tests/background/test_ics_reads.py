"""Calendars read by address, over real HTTP from a server the test runs.

The server serves the Outlook, iCloud and Google export fixtures and changes them between reads;
every test runs on SQLite and on PostgreSQL (`session_factory`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from calfeed import store
from calfeed.adapters.fetch import FetchPolicy, FetchRefused
from calfeed.background import ics_reads
from calfeed.background.ics_reads import SourceExists, backoff, read_ics_source
from calfeed.config import parse_networks
from calfeed.core.inputs.ics import read_ics
from calfeed.core.model import RuleSettings
from calfeed.core.pipeline import build_feed
from calfeed.crypto import TokenCipher
from calfeed.errors import NotFound
from calfeed.store import session_scope
from calfeed.store.ics_sources import IcsEvent, IcsSource
from calfeed.web import service
from tests.support.ics_server import IcsServer, Route
from tests.support.paths import FIXTURES

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
POLICY = FetchPolicy(allowed_networks=parse_networks("127.0.0.1/32"))
INTERVAL = timedelta(minutes=15)
CIPHER = TokenCipher(Fernet.generate_key().decode())

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")


def calendar(*events: str) -> bytes:
    body = "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events))
    return (body + "\r\nEND:VCALENDAR\r\n").encode()


def vevent(uid: str, start: str, summary: str, minutes: int = 60) -> str:
    begin = datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    end = (begin + timedelta(minutes=minutes)).strftime("%Y%m%dT%H%M%SZ")
    org = f"rina@{uid.rsplit('@', 1)[-1]}.example"  # the company's domain (rule E2)
    return "\r\n".join(
        (
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:{summary}",
            f"ORGANIZER;CN=Rina Hartono:mailto:{org}",
            f"ATTENDEE;CN=Rina Hartono;PARTSTAT=ACCEPTED:mailto:{org}",
            "ATTENDEE;CN=Sari;PARTSTAT=ACCEPTED:mailto:sari@example.com",
            "END:VEVENT",
        )
    )


@pytest.fixture
def user_id(session_factory) -> int:
    with session_scope(session_factory) as s:
        return store.create_user(s, now=NOW, settings=RuleSettings(time_zone="Asia/Jakarta")).id


def add(session_factory, user_id: int, server: IcsServer, path: str, name: str = "") -> int:
    return ics_reads.add_source(session_factory, CIPHER, user_id, server.url(path), name, NOW)


def read(session_factory, source_id: int, now: datetime = NOW, *, force: bool = True):
    return read_ics_source(
        session_factory, CIPHER, source_id, now, policy=POLICY, interval=INTERVAL, force=force
    )


def stored(session_factory, user_id: int):
    with session_scope(session_factory) as s:
        return store.source_events_for_user(s, user_id)[0]


def data_version(session_factory, user_id: int) -> int:
    with session_scope(session_factory) as s:
        return store.get_user(s, user_id).data_version


def feed(session_factory, user_id: int) -> bytes:
    with session_scope(session_factory) as s:
        events, _ = store.source_events_for_user(s, user_id)
        settings = store.rule_settings_of(store.get_user(s, user_id))
        marks = store.marks_for_user(s, user_id)
    return build_feed(events, settings, marks=marks).ics


@pytest.mark.parametrize("fixture", ["outlook_export", "icloud_export", "google_export"])
def test_exports_read_over_http_give_the_same_feed_as_the_file(
    session_factory, user_id, ics_server: IcsServer, fixture: str
) -> None:
    """What is stored and read back is exactly what the reader made of the file, so the
    feed (rules, drafts, UIDs, time zones) is byte for byte the one the file itself gives."""
    body = (FIXTURES / f"{fixture}.ics").read_bytes()
    ics_server.routes["/cal.ics"] = Route(body)
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    result = read(session_factory, source_id)
    direct = read_ics(
        body,
        calendar_id=f"ics:{source_id}",
        window_start=NOW - timedelta(days=60),
        window_end=NOW + timedelta(days=365),
    )
    assert result.status == "read" and result.changed and result.error is None
    assert result.events == len({e.key for e in direct.events}) > 0
    assert result.interviews > 0
    assert sorted(stored(session_factory, user_id), key=lambda e: e.key) == sorted(
        direct.events, key=lambda e: e.key
    )
    settings = RuleSettings(time_zone="Asia/Jakarta")
    assert feed(session_factory, user_id) == build_feed(list(direct.events), settings).ics
    assert b"BEGIN:VEVENT" in feed(session_factory, user_id)


def test_etag_and_304(session_factory, user_id, ics_server: IcsServer) -> None:
    ics_server.routes["/cal.ics"] = Route((FIXTURES / "icloud_export.ics").read_bytes())
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    assert read(session_factory, source_id).status == "read"
    version = data_version(session_factory, user_id)
    again = read(session_factory, source_id, NOW + INTERVAL)
    assert again.status == "unchanged" and again.interviews > 0
    assert ics_server.requests[-1].headers["if-none-match"].startswith('"')
    assert data_version(session_factory, user_id) == version  # nothing a feed shows changed


def test_a_week_after_the_last_download_no_validators_are_sent(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    """A 304 would leave the expansion window of recurring events where it was: weekly, the
    calendar is downloaded whole again."""
    ics_server.routes["/cal.ics"] = Route(calendar())
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    assert read(session_factory, source_id, NOW + timedelta(days=6)).status == "unchanged"
    assert "if-none-match" in ics_server.requests[-1].headers
    assert read(session_factory, source_id, NOW + timedelta(days=7)).status == "read"
    assert "if-none-match" not in ics_server.requests[-1].headers


def test_last_modified_sent_back(session_factory, user_id, ics_server: IcsServer) -> None:
    when = "Wed, 25 Nov 2026 10:00:00 GMT"
    ics_server.routes["/cal.ics"] = Route(calendar(), etag=False, last_modified=when)
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    assert read(session_factory, source_id, NOW + INTERVAL).status == "unchanged"
    assert ics_server.requests[-1].headers["if-modified-since"] == when


def test_at_most_one_read_per_interval(session_factory, user_id, ics_server: IcsServer) -> None:
    ics_server.routes["/cal.ics"] = Route(calendar())
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    early = read(session_factory, source_id, NOW + INTERVAL - timedelta(seconds=1), force=False)
    assert early.status == "skipped" and len(ics_server.requests) == 1
    due = read(session_factory, source_id, NOW + INTERVAL, force=False)
    assert due.status == "unchanged" and len(ics_server.requests) == 2


def test_moving_an_interview_moves_its_follow_ups(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    interview = "Interview: Acme - Data Analyst"
    ics_server.routes["/cal.ics"] = Route(
        calendar(vevent("move-1@acme", "20261201T030000Z", interview))
    )
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    before = feed(session_factory, user_id)
    uid = b"UID:move-1@acme"
    ics_server.routes["/cal.ics"].body = calendar(
        vevent("move-1@acme", "20261203T070000Z", interview)
    )
    moved = read(session_factory, source_id, NOW + INTERVAL)
    assert moved.status == "read" and moved.changed
    after = feed(session_factory, user_id)
    assert before != after
    uids = [line for line in after.split(b"\r\n") if line.startswith(b"UID:")]
    assert uids == [line for line in before.split(b"\r\n") if line.startswith(b"UID:")]
    assert b"20261203" in after and b"20261201" not in after
    assert uid not in after  # follow-up UIDs are calfeed's own, derived from the event key


def test_deleting_at_the_source_removes_follow_ups(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    ics_server.routes["/cal.ics"] = Route(
        calendar(
            vevent("keep@acme", "20261201T030000Z", "Interview with Acme"),
            vevent("gone@globex", "20261202T030000Z", "Interview with Globex"),
        )
    )
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    assert b"Globex" in feed(session_factory, user_id)
    version = data_version(session_factory, user_id)
    ics_server.routes["/cal.ics"].body = calendar(
        vevent("keep@acme", "20261201T030000Z", "Interview with Acme")
    )
    result = read(session_factory, source_id, NOW + INTERVAL)
    assert (result.status, result.events, result.interviews) == ("read", 1, 1)
    assert b"Globex" not in feed(session_factory, user_id) and b"Acme" in feed(
        session_factory, user_id
    )
    assert data_version(session_factory, user_id) > version  # cached feeds are stale


@pytest.mark.parametrize(
    ("route", "words"),
    [
        (Route(b"oops", status=500), "HTTP 500"),
        (Route(b"gone", status=410), "no calendar"),
        (Route(b"<html>Sign in</html>", content_type="text/html"), "not an iCalendar"),
        (Route(status=302, location="http://169.254.169.254/latest/"), "metadata"),
        (Route(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:cut"), "VCALENDAR"),
    ],
)
def test_a_failing_source_keeps_its_last_good_events(
    session_factory, user_id, ics_server: IcsServer, route: Route, words: str
) -> None:
    ics_server.routes["/cal.ics"] = Route(
        calendar(vevent("a@acme", "20261201T030000Z", "Interview with Acme"))
    )
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    good = feed(session_factory, user_id)
    ics_server.routes["/cal.ics"] = route
    result = read(session_factory, source_id, NOW + INTERVAL)
    assert result.status == "failed" and words in (result.error or "")
    assert (result.events, result.interviews) == (1, 1)
    assert feed(session_factory, user_id) == good
    with session_scope(session_factory) as s:
        (view,) = store.ics_sources.source_views(s, user_id)
    assert view.last_error == result.error and view.last_success_at == NOW


def test_backoff_and_retry_after(session_factory, user_id, ics_server: IcsServer) -> None:
    ics_server.routes["/cal.ics"] = Route(b"busy", status=503)
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    first = read(session_factory, source_id)
    assert first.next_read_at == NOW + INTERVAL
    second = read(session_factory, source_id, NOW + INTERVAL, force=False)
    assert second.next_read_at == NOW + INTERVAL + 2 * INTERVAL
    ics_server.routes["/cal.ics"] = Route(b"", status=429, headers={"Retry-After": "7200"})
    third = read(session_factory, source_id, NOW + 3 * INTERVAL, force=False)
    assert third.next_read_at == NOW + 3 * INTERVAL + timedelta(hours=2)  # more than 4 x 15 min
    ics_server.routes["/cal.ics"] = Route(calendar())
    ok = read(session_factory, source_id, third.next_read_at, force=False)
    assert ok.status == "read" and ok.next_read_at == third.next_read_at + INTERVAL


def test_backoff_table() -> None:
    assert [backoff(INTERVAL, n, None) for n in (1, 2, 3, 4)] == [
        INTERVAL * k for k in (1, 2, 4, 8)
    ]
    assert backoff(INTERVAL, 40, None) == timedelta(days=1)
    assert backoff(INTERVAL, 1, 3600.0) == timedelta(hours=1)
    assert backoff(INTERVAL, 1, 10 * 86400.0) == timedelta(days=1)


def test_address_stored_encrypted_and_once(session_factory, user_id, ics_server) -> None:
    secret = "/owa/calendar/00000000-1111/abcdefsecret/calendar.ics"
    ics_server.routes[secret] = Route(calendar())
    source_id = add(session_factory, user_id, ics_server, secret, name="  Work   mail ")
    with session_scope(session_factory) as s:
        row = s.get(IcsSource, source_id)
        assert "abcdefsecret" not in row.address_enc + row.address_hash
        assert CIPHER.decrypt(row.address_enc) == ics_server.url(secret)
        assert row.name == "Work mail"
    with pytest.raises(SourceExists):
        add(session_factory, user_id, ics_server, secret)
    webcal = ics_server.url(secret).replace("http://", "webcal://")
    with pytest.raises(FetchRefused):
        ics_reads.add_source(session_factory, CIPHER, user_id, "file:///etc/passwd", "", NOW)
    assert webcal  # webcal:// is https://, a different address from http:// (not a duplicate)


def test_marks_corrections_and_pause_and_remove(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    """Marks work on .ics interviews as on Google's; pausing hides, removing deletes events."""
    ics_server.routes["/cal.ics"] = Route(
        calendar(vevent("x/y@acme", "20261201T030000Z", "Interview with Acme"))
    )
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    key = f"ics:{source_id}/x/y@acme"  # a UID with a slash
    service.set_mark(session_factory, user_id, key, "thank_you_sent", True, NOW)
    with session_scope(session_factory) as s:
        assert store.get_mark(s, user_id, key).thank_you_sent
    with pytest.raises(NotFound):
        service.set_mark(session_factory, user_id, f"ics:{source_id}/nope", "heard_back", True, NOW)
    with pytest.raises(NotFound):
        service.set_mark(session_factory, user_id + 999, key, "heard_back", True, NOW)
    ics_reads.pause_source(session_factory, user_id, source_id, True, NOW)
    assert stored(session_factory, user_id) == []
    assert read(session_factory, source_id).status == "skipped"  # paused: nothing is read
    ics_reads.pause_source(session_factory, user_id, source_id, False, NOW)
    assert len(stored(session_factory, user_id)) == 1
    ics_reads.rename_source(session_factory, user_id, source_id, "Outlook", NOW)
    with pytest.raises(NotFound):
        ics_reads.remove_source(session_factory, user_id + 999, source_id, NOW)
    ics_reads.remove_source(session_factory, user_id, source_id, NOW)
    with session_scope(session_factory) as s:
        assert s.scalars(select(IcsEvent)).all() == []
        assert store.ics_sources.sources_for_user(s, user_id) == []


def test_the_interviews_counted_include_those_the_user_confirmed(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    """Rules D9 and E5: an address is read with the user's answers and lessons, as the feed is.

    Regression: its interview count was read with the marks alone, so an event the user had
    confirmed ("Is this one of your job interviews?" - Yes) was left out of it.
    """
    sure = vevent("one@acme", "20261201T030000Z", "Interview with Acme")
    unsure = vevent("two@indomarco", "20261202T030000Z", "Telpon HRD Indomarco")
    ics_server.routes["/cal.ics"] = Route(calendar(sure, unsure))
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    assert read(session_factory, source_id).interviews == 1
    key = f"ics:{source_id}/two@indomarco"
    service.answer_question(session_factory, user_id, key, True, "Indomarco", None, NOW)
    lunch = vevent("three@home", "20261203T050000Z", "Lunch")
    ics_server.routes["/cal.ics"] = Route(calendar(sure, unsure, lunch))
    assert read(session_factory, source_id).interviews == 2


def test_thank_you_mark_drops_the_thank_you(session_factory, user_id, ics_server) -> None:
    ics_server.routes["/cal.ics"] = Route(
        calendar(vevent("t@acme", "20261125T030000Z", "Interview with Acme"))
    )
    source_id = add(session_factory, user_id, ics_server, "/cal.ics")
    read(session_factory, source_id)
    before = feed(session_factory, user_id).count(b"BEGIN:VEVENT")
    service.set_mark(
        session_factory, user_id, f"ics:{source_id}/t@acme", "thank_you_sent", True, NOW
    )
    assert feed(session_factory, user_id).count(b"BEGIN:VEVENT") == before - 1


def test_deleting_the_user_deletes_sources(session_factory, user_id, ics_server) -> None:
    ics_server.routes["/cal.ics"] = Route(
        calendar(vevent("d@acme", "20261201T030000Z", "Interview with Acme"))
    )
    read(session_factory, add(session_factory, user_id, ics_server, "/cal.ics"))
    service.delete_user(session_factory, user_id)
    with session_scope(session_factory) as s:
        assert s.scalars(select(IcsSource)).all() == []
        assert s.scalars(select(IcsEvent)).all() == []


def test_sweep_reads_due_sources(session_factory, user_id, ics_server: IcsServer) -> None:
    ics_server.routes["/a.ics"] = Route(calendar())
    ics_server.routes["/b.ics"] = Route(calendar())
    a = add(session_factory, user_id, ics_server, "/a.ics")
    b = add(session_factory, user_id, ics_server, "/b.ics")
    ics_reads.pause_source(session_factory, user_id, b, True, NOW)
    done = ics_reads.read_due_sources(
        session_factory, CIPHER, NOW, policy=POLICY, interval=INTERVAL
    )
    assert [(r.source_id, r.status) for r in done] == [(a, "read")]
    assert (
        ics_reads.read_due_sources(
            session_factory, CIPHER, NOW + timedelta(minutes=1), policy=POLICY, interval=INTERVAL
        )
        == []
    )
