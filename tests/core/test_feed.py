"""The published calendar: what calendar apps expect, byte for byte."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from calfeed.core.inputs.google_json import events_from_payload
from calfeed.core.model import Notice, RuleSettings
from calfeed.core.pipeline import build_feed
from tests.support.factories import source_event
from tests.support.paths import FIXTURES

GOLDEN = FIXTURES / "golden"


@pytest.fixture
def sample(load_json):
    events, skipped = events_from_payload(load_json("google_events_sample.json"))
    assert skipped == []
    return events


def lines(ics: bytes) -> list[bytes]:
    assert ics.endswith(b"\r\n")
    return ics[:-2].split(b"\r\n")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_golden_sample_feed(lang: str, sample) -> None:
    """The sample calendar's feed, frozen; CALFEED_UPDATE_GOLDEN=1 rewrites it after a review."""
    ics = build_feed(sample, RuleSettings(lang=lang, time_zone="Asia/Jakarta")).ics
    path = GOLDEN / f"sample.{lang}.ics"
    if os.environ.get("CALFEED_UPDATE_GOLDEN"):
        path.write_bytes(ics)
    assert ics == path.read_bytes()


def test_calendar_properties(sample) -> None:
    cal = Calendar.from_ical(build_feed(sample, RuleSettings(time_zone="Asia/Jakarta")).ics)
    assert cal["VERSION"] == "2.0" and cal["PRODID"].startswith("-//calfeed//")
    assert cal["X-WR-CALNAME"] == cal["NAME"] == "Interview follow-ups"
    assert cal["DESCRIPTION"]
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"  # a duration string, as Outlook expects
    assert "SOURCE" not in cal  # it would leak the secret address
    assert "METHOD" not in cal  # a subscription, not an iTIP message (see calfeed/core/feed.py)


def test_event_properties(sample) -> None:
    result = build_feed(sample, RuleSettings(time_zone="Asia/Jakarta"))
    cal = Calendar.from_ical(result.ics)
    events = cal.walk("VEVENT")
    assert len(events) == len(result.follow_ups) == 10
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and all(u.isascii() for u in uids)
    interview_uids = {f.interview.event.ical_uid for f in result.follow_ups}
    for e in events:
        assert str(e["RELATED-TO"]) in interview_uids
        assert e["DTSTAMP"].dt == e["LAST-MODIFIED"].dt and e["DTSTAMP"].dt.tzinfo is not None
        assert int(e["SEQUENCE"]) == 0
        assert str(e["URL"]).startswith("mailto:")
        assert e["CATEGORIES"].cats[0] == "Job search"
        assert len(str(e["SUMMARY"])) < 255
        assert str(e["TRANSP"]) == "TRANSPARENT"
        [alarm] = e.walk("VALARM")  # rule T4: one reminder at its start
        assert str(alarm["ACTION"]) == "DISPLAY" and alarm["TRIGGER"].dt == timedelta(0)
        assert "\r" not in str(e["DESCRIPTION"])


def test_bytes_crlf_folded_utf8(sample) -> None:
    ics = build_feed(sample, RuleSettings(lang="id", time_zone="Asia/Jakarta")).ics
    ics.decode("utf-8")  # valid UTF-8 as a whole ...
    for line in lines(ics):
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line
        line.decode("utf-8")  # ... and folding never splits a character


def test_emoji_and_control_characters_survive(settings: RuleSettings) -> None:
    event = source_event(summary="Interview 🎉 with Jane (Acme\u0007) - Store\r\nManager 🚀" * 3)
    ics = build_feed([event], settings).ics
    for line in lines(ics):
        assert len(line) <= 75
        line.decode("utf-8")
    assert b"\x07" not in ics
    Calendar.from_ical(ics)


def test_notice_is_an_all_day_event(settings: RuleSettings) -> None:
    notice = Notice(
        uid="reconnect-1@calfeed",
        summary="Reconnect Google Calendar",
        description="calfeed lost access",
        day=date(2026, 11, 26),
        since=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
    )
    cal = Calendar.from_ical(build_feed([], settings, notices=[notice]).ics)
    [e] = cal.walk("VEVENT")
    assert e["DTSTART"].dt == date(2026, 11, 26) and e["DTEND"].dt == date(2026, 11, 27)
    assert e["DTSTART"].params.get("VALUE") == "DATE"


def test_kinds_filter(sample) -> None:
    result = build_feed(sample, RuleSettings(time_zone="Asia/Jakarta"), kinds={"check-in"})
    assert {f.kind for f in result.follow_ups} == {"check-in"}
    assert b"Send thank-you" not in result.ics


def test_second_of_a_repeated_hour_is_published_in_utc() -> None:
    # 02:30 happens twice in Berlin on 25 October 2026; TZID would name the first (RFC 5545 3.3.5)
    settings = RuleSettings(time_zone="Europe/Berlin")
    start = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    end = datetime(2026, 10, 25, 0, 30 + 29, tzinfo=UTC)  # 02:59 CEST
    event = source_event(start=start, end=end, tz="Europe/Berlin")
    result = build_feed([event], settings, kinds={"thank-you"})
    [f] = result.follow_ups
    [e] = Calendar.from_ical(result.ics).walk("VEVENT")
    assert e["DTSTART"].dt.timestamp() == f.start.timestamp()
    assert b"DTSTART:20261025T015900Z" in result.ics


# DTSTAMP / LAST-MODIFIED / SEQUENCE bookkeeping
def test_stateless_stamp_is_the_source_update(settings: RuleSettings) -> None:
    event = source_event(updated="2026-11-20T08:12:45.301Z")
    [e, _] = Calendar.from_ical(build_feed([event], settings).ics).walk("VEVENT")
    assert e["DTSTAMP"].dt == datetime(2026, 11, 20, 8, 12, 45, tzinfo=UTC)


def test_revisions_sequence_and_stamps(settings: RuleSettings, now: datetime) -> None:
    event = source_event()
    first = build_feed([event], settings, now=now, revisions={})
    again = build_feed([event], settings, now=now + timedelta(hours=5), revisions=first.revisions)
    assert again.ics == first.ics  # nothing changed: same bytes, old stamps
    moved = source_event(start=datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # a day later
    later = now + timedelta(days=1)
    third = build_feed([moved], settings, now=later, revisions=again.revisions)
    for uid, rev in third.revisions.items():
        assert rev.sequence == 1 and rev.changed_at == later, uid
    reworded = build_feed(
        [moved],
        replace(settings, lang="id"),
        now=later + timedelta(hours=1),
        revisions=third.revisions,
    )
    assert all(r.sequence == 1 for r in reworded.revisions.values())  # wording: no new SEQUENCE
    assert all(r.changed_at == later + timedelta(hours=1) for r in reworded.revisions.values())


def test_same_input_same_bytes(sample) -> None:
    settings = RuleSettings(time_zone="Asia/Jakarta")
    assert build_feed(sample, settings).ics == build_feed(list(reversed(sample)), settings).ics
