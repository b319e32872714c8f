"""Follow-ups written into calfeed's calendar at the stand-in Google, over real HTTP.

Every test runs on SQLite and PostgreSQL. The user connects through the fake's consent (the write
scope on by default), interviews are read from their primary calendar, and `run_write` (the
queue's write task) is called as the worker calls it; the fake holds what Google would.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from calfeed import store
from calfeed.adapters.google_api import RetryPolicy
from calfeed.background import google_writes, sync
from calfeed.config import Config
from calfeed.core.detection.reading import read_calendar
from calfeed.core.google_events import UID_PROPERTY, event_id_for, marker_of
from calfeed.store import (
    SessionFactory,
    make_engine,
    make_session_factory,
    select_calendars,
    session_scope,
)
from calfeed.store import google_delivery as gd
from calfeed.web import service
from calfeed.web.rendering import render
from calfeed.web.variants import DEFAULT
from tests.support.background import connect
from tests.support.fake_google import FakeGoogle
from tests.support.google_fake import TEST_EMAIL, interview_event

FAST = RetryPolicy(attempts=6, base=0.01, cap=0.05, max_wait=30.0, deadline=60.0)


class Killed(BaseException):
    """A worker killed at this point (not an Exception: nothing catches it on the way out)."""


@dataclass
class World:
    fake: FakeGoogle
    config: Config
    sessions: SessionFactory
    user: int
    now: object
    sleeps: list[float] = field(default_factory=list)

    def add_interviews(self, n: int, first: int = 0) -> None:
        for i in range(first, first + n):
            day = (date(2026, 11, 27) + timedelta(days=i % 300)).isoformat()
            self.fake.put_event(
                TEST_EMAIL, interview_event(f"ev{i}", f"Interview - Acme{i} Analyst", day)
            )

    def read(self) -> None:
        assert sync.sync_user(self.sessions, self.user, config=self.config, now=self.now).ok

    def write(self, **options):
        google_writes.request(self.sessions, self.user, self.now)
        options.setdefault("retry", FAST)
        return google_writes.run_write(
            self.sessions, self.config, self.user, self.now, sleep=self.sleeps.append, **options
        )

    def calendar(self):
        (cal,) = self.fake.app_calendars(TEST_EMAIL)
        return cal

    def events(self) -> dict[str, dict]:
        return self.fake.live_events(self.calendar().id)

    def feed_uids(self) -> set[str]:
        ics = render(self.sessions, self.user, DEFAULT, self.now).ics
        return {str(e["UID"]) for e in Calendar.from_ical(ics).walk("VEVENT")}

    def delivery_marker(self) -> str:
        with session_scope(self.sessions) as s:
            found = gd.get_delivery(s, self.user)
            assert found is not None
            return found.marker

    def delivery(self) -> gd.DeliveryStatus:
        with session_scope(self.sessions) as s:
            found = gd.status(s, self.user)
        assert found is not None
        return found

    def written(self):
        with session_scope(self.sessions) as s:
            return gd.written_events(s, self.user)

    def writes(self) -> list[tuple[str, str]]:
        """Event and calendar calls sent, one per call (batched ones included)."""
        direct = [
            (r.method, r.path) for r in self.fake.requests if r.path.startswith("/calendar/v3/")
        ]
        return direct + [(m, p) for m, p, _ in self.fake.batched]


@pytest.fixture
def world(db_url, google_config, fake_google, now) -> World:
    sessions = make_session_factory(make_engine(db_url))
    user = connect(fake_google, google_config, sessions, TEST_EMAIL)
    w = World(fake_google, google_config, sessions, user, now)
    w.add_interviews(3)
    w.read()
    return w


def test_first_write_makes_one_calendar_in_the_users_zone_with_the_feeds_events(world):
    outcome = world.write()
    assert outcome.status == "ok"
    cal = world.calendar()
    assert cal.summary == "Interview follow-ups" and cal.time_zone == "Asia/Jakarta"
    events = world.events()
    uids = world.feed_uids()
    assert len(uids) >= 3
    assert set(events) == {event_id_for(u) for u in uids}  # one per follow-up, ids from UIDs
    for event in events.values():
        assert event["extendedProperties"]["private"][UID_PROPERTY] in uids
        assert event["reminders"]["overrides"] == [{"method": "popup", "minutes": 0}]
    assert world.delivery().last_written_at is not None and world.delivery().last_error is None


def test_an_unchanged_feed_sends_nothing(world):
    world.write()
    world.fake.reset_requests()
    outcome = world.write()
    assert outcome.status == "ok" and outcome.requests == 0
    assert world.writes() == []


def test_a_change_sends_only_the_difference(world):
    world.write()
    before = world.events()
    world.fake.reset_requests()
    world.add_interviews(1, first=10)  # one new interview: its follow-ups are new
    world.read()
    key = f"{TEST_EMAIL}/ev0"
    service.set_mark(world.sessions, world.user, key, "thank_you_sent", True, world.now)
    world.fake.reset_requests()
    outcome = world.write()
    after = world.events()
    assert set(after) == {event_id_for(u) for u in world.feed_uids()}  # equal to the feed again
    sent = world.writes()
    added = set(after) - set(before)
    removed = set(before) - set(after)
    changed = {k for k in set(after) & set(before) if after[k]["etag"] != before[k]["etag"]}
    assert added and removed  # the new interview's follow-ups; the thank-you sent is gone
    assert len(sent) == len(added) + len(removed) + len(changed) == outcome.calls
    assert all(m in ("POST", "PUT", "DELETE") for m, _ in sent)


def test_an_answered_question_is_written_as_the_feed_shows_it(world):
    """Rules D9 and E5: the writer reads with the user's answers and lessons, as the feed does.

    Regression: it read with the marks alone, so an event the user confirmed on the dashboard
    ("Is this one of your job interviews?" - Yes) had follow-ups in the feed and none in Google.
    """
    unsure = interview_event("telponhrd", "Telpon HRD Indomarco", "2026-12-02")
    unsure["attendees"][1] = {"email": "hrd@indomarco.example", "organizer": True}
    world.fake.put_event(TEST_EMAIL, unsure)
    world.read()
    world.write()
    before = set(world.events())
    with session_scope(world.sessions) as s:
        events, _ = store.source_events_for_user(s, world.user, limit=1000)
        settings = store.rule_settings_of(store.get_user(s, world.user))
    (event,) = [e for e in events if e.event_id == "telponhrd"]
    assert [q.event.key for q in read_calendar(events, settings).questions] == [event.key]
    service.answer_question(
        world.sessions, world.user, event.key, True, "Indomarco", None, world.now
    )
    assert world.write().status == "ok"
    events_at_google = world.events()
    assert set(events_at_google) == {event_id_for(u) for u in world.feed_uids()}
    assert len(events_at_google) > len(before)  # its thank-you and check-in


def test_the_reminder_setting_is_written(world):
    world.write()
    with session_scope(world.sessions) as s:
        gd.set_reminder(s, world.user, "15-min", world.now)
    world.write()
    assert {e["reminders"]["overrides"][0]["minutes"] for e in world.events().values()} == {15}
    with session_scope(world.sessions) as s:
        gd.set_reminder(s, world.user, "none", world.now)
    world.write()
    assert all(e["reminders"]["overrides"] == [] for e in world.events().values())


def test_a_change_of_language_renames_the_calendar(world):
    """The calendar's name is in the user's language, as the feed's is: a change renames it
    (one calendars.patch, the marker kept), and the next unchanged write sends nothing."""
    world.write()
    with session_scope(world.sessions) as s:
        user = store.get_user(s, world.user)
        settings = store.rule_settings_of(user)
        store.set_rule_settings(s, world.user, replace(settings, lang="id"), world.now)
    world.fake.reset_requests()
    assert world.write().status == "ok"
    cal = world.calendar()
    assert cal.summary == "Tindak lanjut wawancara"
    assert marker_of(cal.description) == world.delivery_marker()
    patched = [r for r in world.fake.requests if r.method == "PATCH" and r.path.count("/") == 4]
    assert len(patched) == 1
    world.fake.reset_requests()
    assert world.write().requests == 0


def test_a_worker_killed_between_creating_the_calendar_and_storing_its_id(world, monkeypatch):
    real = google_writes._store_calendar

    def die(*args):
        raise Killed

    monkeypatch.setattr(google_writes, "_store_calendar", die)
    with pytest.raises(Killed):
        world.write()
    assert len(world.fake.app_calendars(TEST_EMAIL)) == 1  # created, its id not stored
    assert world.delivery().calendar_id is None
    monkeypatch.setattr(google_writes, "_store_calendar", real)
    assert world.write().status == "ok"
    assert len(world.fake.app_calendars(TEST_EMAIL)) == 1  # found by its marker: no second one
    assert world.delivery().calendar_id == world.calendar().id
    assert set(world.events()) == {event_id_for(u) for u in world.feed_uids()}


def test_a_worker_killed_between_two_writes_doubles_and_loses_nothing(world, monkeypatch):
    real = google_writes._record
    calls = {"n": 0}

    def die_after_two(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 2:
            raise Killed  # the third write reached Google; its answer is never recorded
        return real(*args, **kwargs)

    monkeypatch.setattr(google_writes, "_record", die_after_two)
    with pytest.raises(Killed):
        world.write()
    assert len(world.events()) == 3 and len(world.written()) == 2
    monkeypatch.setattr(google_writes, "_record", real)
    assert world.write().status == "ok"
    expected = {event_id_for(u) for u in world.feed_uids()}
    assert set(world.events()) == expected and set(world.written()) == expected
    assert not any(w.touched for w in world.written().values())  # 409: recognised as its own

    # an update that reached Google but was not recorded: the next etag is unknown (412)
    world.add_interviews(1, first=20)
    world.read()
    service.set_correction(
        world.sessions, world.user, f"{TEST_EMAIL}/ev1", "Globex", "Engineer", world.now
    )
    calls["n"] = 0

    def die_at_once(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(google_writes, "_record", die_at_once)
    with pytest.raises(Killed):
        world.write()
    monkeypatch.setattr(google_writes, "_record", real)
    assert world.write().status == "ok"
    expected = {event_id_for(u) for u in world.feed_uids()}
    assert set(world.events()) == expected and set(world.written()) == expected
    assert not any(w.touched for w in world.written().values())
    assert any("Globex" in e["summary"] for e in world.events().values())


def test_an_event_the_user_edited_is_never_overwritten(world):
    world.write()
    target = sorted(world.events())[0]
    world.fake.user_edits_event(world.calendar().id, target, summary="My own words")
    with session_scope(world.sessions) as s:  # a change that would rewrite every event
        gd.set_reminder(s, world.user, "15-min", world.now)
    world.write()
    assert world.events()[target]["summary"] == "My own words"
    assert world.events()[target]["reminders"]["overrides"][0]["minutes"] == 0
    assert world.written()[target].touched
    world.fake.reset_requests()
    with session_scope(world.sessions) as s:
        gd.set_reminder(s, world.user, "none", world.now)
    world.write()
    assert all(target not in p for _, p in world.writes())  # not even tried again


def test_an_event_the_user_deleted_is_never_resurrected(world):
    world.write()
    target = sorted(world.events())[0]
    world.fake.user_deletes_event(world.calendar().id, target)
    with session_scope(world.sessions) as s:
        gd.set_reminder(s, world.user, "15-min", world.now)
    world.write()
    assert target not in world.events()
    assert world.written()[target].touched
    world.write()
    assert target not in world.events()


def test_a_deleted_calendar_stops_the_writing_without_a_retry_storm(world):
    world.write()
    world.fake.user_deletes_calendar(world.calendar().id)
    with session_scope(world.sessions) as s:
        gd.set_reminder(s, world.user, "15-min", world.now)
    world.fake.reset_requests()
    outcome = world.write()
    assert outcome.status == "gone" and outcome.retry_in is None
    status = world.delivery()
    assert status.calendar_gone and status.last_error == "calendar_gone"
    assert len(world.writes()) <= 2  # the failed call, and the check that the calendar is gone
    world.fake.reset_requests()
    assert not google_writes.request(world.sessions, world.user, world.now)  # nothing enqueued
    assert world.fake.app_calendars(TEST_EMAIL) == []  # and not created again by itself
    with session_scope(world.sessions) as s:  # the dashboard's "Create it again"
        gd.set_enabled(s, world.user, True, world.now)
    assert world.write().status == "ok"
    assert set(world.events()) == {event_id_for(u) for u in world.feed_uids()}


def test_a_first_fill_goes_in_batches_of_at_most_fifty(world):
    world.add_interviews(60, first=3)
    world.read()
    world.fake.reset_requests()
    outcome = world.write()
    expected = {event_id_for(u) for u in world.feed_uids()}
    assert len(expected) > 50
    assert set(world.events()) == expected
    assert world.fake.batch_sizes and max(world.fake.batch_sizes) <= 50
    assert outcome.requests < len(expected) / 10  # a handful of batch requests, not one per event


def test_rate_limits_and_5xx_are_retried_with_backoff_and_retry_after(world):
    world.fake.throttle(429, retry_after=2, count=1)
    world.fake.throttle(403, reason="userRateLimitExceeded", retry_after=1, count=1)
    world.fake.inject(503, count=1)
    assert world.write().status == "ok"
    assert set(world.events()) == {event_id_for(u) for u in world.feed_uids()}
    assert max(world.sleeps) >= 2.0  # Retry-After honoured
    assert len(world.sleeps) >= 3


def test_batched_calls_refused_for_now_are_sent_again(world):
    world.add_interviews(10, first=3)
    world.read()
    world.fake.throttle(403, reason="rateLimitExceeded", retry_after=0, count=3)
    assert world.write().status == "ok"
    assert set(world.events()) == {event_id_for(u) for u in world.feed_uids()}
    with session_scope(world.sessions) as s:  # every event rewritten: one batch
        gd.set_reminder(s, world.user, "15-min", world.now)
    world.fake.throttle(429, retry_after=2, count=2)  # two calls inside the batch
    world.sleeps.clear()
    world.fake.reset_requests()
    assert world.write().status == "ok"
    assert world.sleeps and min(world.sleeps) >= 2.0  # the part's Retry-After honoured
    assert {e["reminders"]["overrides"][0]["minutes"] for e in world.events().values()} == {15}
    assert len(world.fake.batch_sizes) >= 2  # the refused calls went again in a second batch


def test_google_down_keeps_the_write_wanted_and_says_so(world):
    world.fake.inject(503, count=1000)
    outcome = world.write()
    assert outcome.status == "failed" and outcome.retry_in is not None
    status = world.delivery()
    assert status.pending and status.last_error == "google_unavailable"
    # the feed is served all the same, from what was read
    assert render(world.sessions, world.user, DEFAULT, world.now).ics
    later = world.now + google_writes.STALE_AFTER + timedelta(seconds=1)
    assert google_writes.sweep(world.sessions, later) == [world.user]  # the safety net
    world.fake._faults.clear()
    assert world.write().status == "ok" and not world.delivery().pending


def test_requests_are_coalesced_per_user(world):
    assert google_writes.request(world.sessions, world.user, world.now)
    assert not google_writes.request(world.sessions, world.user, world.now)  # one task waits
    assert world.write().status == "ok"
    assert google_writes.run_write(world.sessions, world.config, world.user, world.now).status == (
        "nothing"
    )


def test_calfeeds_own_calendar_is_never_read_back(world):
    world.write()
    own = world.calendar().id
    sync.refresh_calendar_list(world.sessions, world.user, config=world.config, now=world.now)
    with session_scope(world.sessions) as s:
        select_calendars(s, world.user, [TEST_EMAIL, own], world.now)
    world.fake.reset_requests()
    world.read()
    assert not any(own in r.path and r.method == "GET" for r in world.fake.requests)
    choices = {c.id for c in service.load_settings(world.sessions, world.user)[1]}
    assert own not in choices


def test_off_deletes_the_calendar_and_on_makes_a_new_one(world):
    world.write()
    first = world.calendar().id
    assert google_writes.delete_calendar(world.sessions, world.config, world.user, world.now)
    assert world.fake.app_calendars(TEST_EMAIL) == []
    assert not world.delivery().enabled and world.written() == {}
    assert world.write().status == "nothing"  # off: no write wanted, none sent
    with session_scope(world.sessions) as s:
        gd.set_enabled(s, world.user, True, world.now)
    assert world.write().status == "ok"
    assert world.calendar().id != first
    assert set(world.events()) == {event_id_for(u) for u in world.feed_uids()}


def test_a_user_who_did_not_grant_writing_gets_no_calendar(db_url, google_config, fake_google, now):
    from calfeed.adapters.google import SCOPES

    sessions = make_session_factory(make_engine(db_url))
    fake_google.grant_scopes = list(SCOPES)  # the user unticked the write scope at Google
    user = connect(fake_google, google_config, sessions, TEST_EMAIL)
    with session_scope(sessions) as s:
        assert s.scalar(select(gd.GoogleDelivery).where(gd.GoogleDelivery.user_id == user)) is None
    assert not google_writes.request(sessions, user, now)
    assert fake_google.app_calendars(TEST_EMAIL) == []
