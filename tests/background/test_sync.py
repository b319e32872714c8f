"""The whole Google flow against the fake, on SQLite and PostgreSQL: connect, first read,
incremental reads, deletions, expired sync tokens, revoked grants, faults, the per-user lock."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from calfeed import store
from calfeed.background.sync import (
    connect_user,
    disconnect_user,
    refresh_calendar_list,
    sync_due,
    sync_user,
)
from calfeed.core.model import Marks
from calfeed.core.pipeline import derive
from calfeed.errors import NotFound
from calfeed.store import session_scope
from tests.support.examples import examples

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CAL = "ana@example.com"
WORK = "work@group.calendar.google.com"


def interview(
    event_id: str,
    *,
    days: float = 1,
    summary: str = "Interview with Acme",
    domain: str = "acme.example",
) -> dict:
    start = NOW + timedelta(days=days)
    return {
        "id": event_id,
        "summary": summary,
        "start": {"dateTime": start.isoformat(), "timeZone": "Asia/Jakarta"},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": "Asia/Jakarta"},
        "attendees": [
            {"email": f"jane@{domain}", "displayName": "Jane Doe", "responseStatus": "accepted"},
            {"email": CAL, "self": True, "responseStatus": "accepted"},
        ],
    }


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def user_id(session_factory, google_grant, google_config, fake_google) -> int:
    uid = connect_user(session_factory, google_grant, config=google_config, now=NOW)
    fake_google.reset_requests()
    return uid


@pytest.fixture
def sync(session_factory, google_config, user_id, sleeps):
    def run(now: datetime = NOW):
        return sync_user(
            session_factory, user_id, config=google_config, now=now, sleep=sleeps.append
        )

    return run


def cached_ids(session_factory, user_id) -> set[str]:
    with session_scope(session_factory) as session:
        events, _ = store.source_events_for_user(session, user_id)
    return {e.event_id for e in events}


def follow_ups(session_factory, user_id, settings):
    with session_scope(session_factory) as session:
        events, _ = store.source_events_for_user(session, user_id)
        marks = store.marks_for_user(session, user_id)
    return derive(events, settings, marks)[1]


def user(session_factory, user_id):
    with session_scope(session_factory) as session:
        return store.get_user(session, user_id)


def test_first_read_then_an_unchanged_calendar_costs_one_request_each(
    session_factory, fake_google, user_id, sync
):
    fake_google.add_calendar(CAL, WORK, "Work")
    with session_scope(session_factory) as session:
        store.save_calendar_list(
            session,
            user_id,
            [
                store.CalendarInfo(CAL, CAL, "Asia/Jakarta", True),
                store.CalendarInfo(WORK, "Work", "UTC"),
            ],
            NOW,
        )
        store.select_calendars(session, user_id, {CAL, WORK}, NOW)
    fake_google.put_event(CAL, interview("a"))
    fake_google.put_event(WORK, interview("w", days=3))
    first = sync()
    assert (first.status, first.calendars, first.full_reads, first.stored) == ("ok", 2, 2, 2)
    assert cached_ids(session_factory, user_id) == {"a", "w"}

    fake_google.reset_requests()
    again = sync(NOW + timedelta(minutes=5))
    assert (again.status, again.full_reads, again.stored, again.removed) == ("ok", 0, 0, 0)
    assert len(fake_google.api_requests()) == again.requests == 2  # one per connected calendar
    assert not fake_google.api_requests("/token")  # the cached access token was reused
    assert user(session_factory, user_id).last_sync_at == NOW + timedelta(minutes=5)


def test_a_change_at_google_appears_after_the_next_read(
    session_factory, fake_google, user_id, sync, settings
):
    fake_google.put_event(CAL, interview("a", days=1))
    sync()
    before = {f.kind: f.start for f in follow_ups(session_factory, user_id, settings)}
    assert set(before) == {"thank-you", "check-in"}
    fake_google.put_event(CAL, interview("a", days=2))  # the interview moved a day later
    result = sync(NOW + timedelta(minutes=10))
    assert (result.full_reads, result.stored) == (0, 1)
    after = {f.kind: f.start for f in follow_ups(session_factory, user_id, settings)}
    assert after["thank-you"] > before["thank-you"]


def test_a_deleted_interview_loses_its_follow_ups(
    session_factory, fake_google, user_id, sync, settings
):
    fake_google.put_event(CAL, interview("a"))
    fake_google.put_event(
        CAL, interview("b", days=2, summary="Interview with Beta", domain="beta.example")
    )
    sync()
    ids = {f.interview.event.event_id for f in follow_ups(session_factory, user_id, settings)}
    assert ids == {"a", "b"}
    fake_google.delete_event(CAL, "b")
    result = sync(NOW + timedelta(minutes=10))
    assert result.removed == 1
    assert cached_ids(session_factory, user_id) == {"a"}
    assert {f.interview.event.event_id for f in follow_ups(session_factory, user_id, settings)} == {
        "a"
    }


def test_an_event_moved_out_of_the_window_is_dropped(session_factory, fake_google, user_id, sync):
    fake_google.put_event(CAL, interview("a"))
    sync()
    fake_google.put_event(CAL, interview("a", days=500))
    sync(NOW + timedelta(minutes=10))
    assert cached_ids(session_factory, user_id) == set()


def test_events_that_age_out_of_the_window_are_pruned(session_factory, fake_google, user_id, sync):
    fake_google.put_event(CAL, interview("a"))
    sync()
    result = sync(NOW + timedelta(days=70))
    assert result.removed == 1 and cached_ids(session_factory, user_id) == set()


def test_an_expired_sync_token_recovers_with_a_full_read_keeping_marks(
    session_factory, fake_google, user_id, sync
):
    fake_google.put_event(CAL, interview("a"))
    fake_google.put_event(CAL, interview("b", days=2))
    sync()
    with session_scope(session_factory) as session:
        store.set_mark(session, user_id, f"{CAL}/a", Marks(heard_back=True), NOW)
    fake_google.expire_sync_tokens()
    fake_google.delete_event(CAL, "b")
    fake_google.reset_requests()
    result = sync(NOW + timedelta(minutes=10))
    assert (result.status, result.full_reads, result.removed) == ("ok", 1, 1)
    assert [r.status for r in fake_google.api_requests()] == [410, 200]
    assert cached_ids(session_factory, user_id) == {"a"}
    with session_scope(session_factory) as session:
        assert store.marks_for_user(session, user_id) == {f"{CAL}/a": Marks(heard_back=True)}


def test_a_revoked_grant_keeps_the_data_and_asks_to_reconnect(
    session_factory, fake_google, user_id, sync, google_config, google_grant
):
    fake_google.put_event(CAL, interview("a"))
    sync()
    version = user(session_factory, user_id).data_version
    fake_google.revoke_user(CAL)
    fake_google.expire_access_tokens()
    result = sync(NOW + timedelta(minutes=10))
    assert result.status == "reconnect" and "revoked" in result.error
    after = user(session_factory, user_id)
    assert after.needs_reconnect and after.reconnect_reason
    assert after.data_version > version  # the feed re-renders with its reconnect notice
    assert cached_ids(session_factory, user_id) == {"a"}  # the last good data stays
    assert not sync_due(after, NOW + timedelta(days=1), timedelta(minutes=5))

    fake_google.reset_requests()
    assert sync(NOW + timedelta(minutes=20)).status == "reconnect"
    assert fake_google.requests == []  # no point asking Google again

    connect_user(session_factory, google_grant, config=google_config, now=NOW)  # reconnects
    assert not user(session_factory, user_id).needs_reconnect


def test_faults_are_retried(session_factory, fake_google, user_id, sync, sleeps):
    fake_google.put_event(CAL, interview("a"))
    fake_google.inject(429, count=1)
    fake_google.inject(503, count=1)
    result = sync()
    assert result.status == "ok" and result.requests == 3
    assert len(sleeps) == 2
    assert cached_ids(session_factory, user_id) == {"a"}


def test_persistent_faults_fail_softly_keeping_the_old_data(
    session_factory, fake_google, user_id, sync
):
    fake_google.put_event(CAL, interview("a"))
    sync()
    with session_scope(session_factory) as session:
        token = store.calendars_for_user(session, user_id)[0].sync_token
    fake_google.put_event(CAL, interview("b"))
    fake_google.inject(500, count=100)
    later = NOW + timedelta(minutes=10)
    result = sync(later)
    assert result.status == "failed" and "500" in result.error
    after = user(session_factory, user_id)
    assert after.last_sync_at == NOW and after.last_sync_attempt_at == later
    assert after.last_sync_error and not after.needs_reconnect
    assert cached_ids(session_factory, user_id) == {"a"}
    with session_scope(session_factory) as session:
        assert store.calendars_for_user(session, user_id)[0].sync_token == token
    assert not sync_due(after, later + timedelta(minutes=1), timedelta(minutes=5))
    assert sync_due(after, later + timedelta(minutes=5), timedelta(minutes=5))


def test_a_read_already_running_makes_the_next_one_busy(
    session_factory, fake_google, user_id, sync
):
    with store.user_sync_lock(store.engine_of(session_factory), user_id, NOW) as taken:
        assert taken
        assert sync().status == "busy"
    assert fake_google.api_requests() == []
    assert sync().status == "ok"


def test_concurrent_reads_never_run_twice(session_factory, fake_google, user_id, google_config):
    fake_google.put_event(CAL, interview("a"))
    fake_google.inject(0, count=1, delay=0.5)  # the first read is slow
    barrier = threading.Barrier(4)
    statuses: list[str] = []

    def run() -> None:
        barrier.wait()
        result = sync_user(
            session_factory, user_id, config=google_config, now=NOW, sleep=lambda s: None
        )
        statuses.append(result.status)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["busy", "busy", "busy", "ok"]
    assert len(fake_google.api_requests()) == 1


def test_a_deselected_calendar_is_not_read(session_factory, fake_google, user_id, sync):
    with session_scope(session_factory) as session:
        store.select_calendars(session, user_id, set(), NOW)
    result = sync()
    assert (result.status, result.calendars, result.requests) == ("ok", 0, 0)


def test_a_calendar_gone_at_google_fails_softly(session_factory, fake_google, user_id, sync):
    with session_scope(session_factory) as session:
        store.save_calendar_list(
            session,
            user_id,
            [
                store.CalendarInfo(CAL, CAL, "Asia/Jakarta", True),
                store.CalendarInfo(WORK, "W", "UTC"),
            ],
            NOW,
        )
        store.select_calendars(session, user_id, {CAL, WORK}, NOW)
    fake_google.put_event(CAL, interview("a"))
    result = sync()
    assert result.status == "failed" and WORK in result.error
    assert cached_ids(session_factory, user_id) == {"a"}  # the other calendar still read


def test_an_unusable_event_is_kept_and_reported_not_fatal(
    session_factory, fake_google, user_id, sync
):
    fake_google.put_event(CAL, interview("a"))
    fake_google.put_event(
        CAL,
        {"id": "bad", "summary": "Interview", "start": {"dateTime": "soon"}, "end": {"date": "x"}},
    )
    assert sync().status == "ok"
    with session_scope(session_factory) as session:
        events, skipped = store.source_events_for_user(session, user_id)
    assert [e.event_id for e in events] == ["a"]
    assert [s.event_id for s in skipped] == ["bad"]


def test_refresh_calendar_list(session_factory, fake_google, user_id, google_config):
    fake_google.add_calendar(CAL, WORK, "Work", "Europe/Berlin")
    infos = refresh_calendar_list(session_factory, user_id, config=google_config, now=NOW)
    assert [i.google_id for i in infos] == [CAL, WORK]
    with session_scope(session_factory) as session:
        cals = store.calendars_for_user(session, user_id)
    assert [(c.google_id, c.selected) for c in cals] == [(CAL, True), (WORK, False)]


def test_disconnect_revokes_and_deletes_everything(
    session_factory, fake_google, user_id, sync, google_config
):
    fake_google.put_event(CAL, interview("a"))
    sync()
    assert disconnect_user(session_factory, user_id, config=google_config) is True
    assert all(g["revoked"] for g in fake_google.grants_for(CAL))
    assert user(session_factory, user_id) is None
    with session_scope(session_factory) as session:
        assert store.count_events(session, user_id) == 0
    with pytest.raises(NotFound):
        sync_user(session_factory, user_id, config=google_config, now=NOW)


def test_refresh_token_is_encrypted_at_rest(session_factory, user_id, google_grant):
    stored = user(session_factory, user_id)
    assert google_grant.refresh_token not in (stored.refresh_token_enc or "")
    assert google_grant.access_token not in (stored.access_token_enc or "")


def test_a_changed_encryption_key_asks_to_reconnect(session_factory, user_id, google_config):
    from dataclasses import replace

    from cryptography.fernet import Fernet

    config = replace(google_config, encryption_key=Fernet.generate_key().decode())
    result = sync_user(session_factory, user_id, config=config, now=NOW)
    assert result.status == "reconnect"
    assert user(session_factory, user_id).needs_reconnect


def test_a_weekly_full_read_picks_up_events_that_drift_into_the_window(
    session_factory, fake_google, user_id, sync
):
    fake_google.put_event(CAL, interview("far", days=370))  # beyond the window's far end
    sync()
    assert cached_ids(session_factory, user_id) == set()
    assert sync(NOW + timedelta(days=6)).full_reads == 0  # incremental: nothing changed
    assert cached_ids(session_factory, user_id) == set()
    result = sync(NOW + timedelta(days=7))
    assert result.full_reads == 1
    assert cached_ids(session_factory, user_id) == {"far"}


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 6), st.integers(-75, 300)),
        st.tuples(st.just("delete"), st.integers(0, 6)),
        st.tuples(st.just("expire")),
        st.tuples(st.just("fault"), st.sampled_from([429, 500, 503])),
        st.tuples(st.just("sync"), st.integers(0, 4 * 24 * 60)),
    ),
    max_size=14,
)


@hypothesis_settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=_OPS)
def test_any_history_of_edits_faults_and_reads_converges_to_google(
    sqlite_db_url, fake_google, google_config, ops
):
    """Model-based: whatever happens at Google between reads (edits, deletions, expired tokens,
    faults) and however time moves, after every successful read the cache holds exactly Google's
    live events in the window."""
    from itertools import count

    from calfeed.adapters.google_api import RetryPolicy
    from tests.support.google_fake import authorize

    engine = store.make_engine(sqlite_db_url)
    factory = store.make_session_factory(engine)
    email = f"u{next(_EXAMPLES)}@example.com"
    fake_google.add_user(email)
    fake_google.login_as = email
    grant = authorize(google_config)
    uid = connect_user(factory, grant, config=google_config, now=NOW)
    clock = NOW
    live: set[str] = set()
    ids = count()

    def expected(now: datetime) -> set[str]:
        lo, hi = now - timedelta(days=60), now + timedelta(days=365)
        keep = set()
        for event in fake_google.events(email):
            start_at = datetime.fromisoformat(event["start"]["dateTime"])
            end_at = datetime.fromisoformat(event["end"]["dateTime"])
            if event["status"] != "cancelled" and end_at > lo and start_at < hi:
                keep.add(event["id"])
        return keep

    def read() -> str:
        result = sync_user(
            factory,
            uid,
            config=google_config,
            now=clock,
            sleep=lambda s: None,
            retry=RetryPolicy(attempts=3),
        )
        if result.ok:
            assert cached_ids(factory, uid) == expected(clock)
        return result.status

    try:
        for op in ops:
            if op[0] == "put":
                event_id = f"e{op[1]}" if op[1] < 4 else f"n{next(ids)}"
                fake_google.put_event(email, interview(event_id, days=op[2] + 0.25))
                live.add(event_id)
            elif op[0] == "delete" and f"e{op[1]}" in live:
                fake_google.delete_event(email, f"e{op[1]}")
                live.discard(f"e{op[1]}")
            elif op[0] == "expire":
                fake_google.expire_sync_tokens()
            elif op[0] == "fault":
                fake_google.inject(op[1])
            elif op[0] == "sync":
                clock += timedelta(minutes=op[1])
                read()
        fake_google._faults.clear()
        assert read() == "ok"
    finally:
        fake_google._faults.clear()
        engine.dispose()


_EXAMPLES = itertools.count()


def test_a_cancelled_recurring_series_removes_its_instances(
    session_factory, fake_google, user_id, sync
):
    for week in range(3):
        fake_google.put_event(
            CAL,
            interview(f"s1_2026112{week}T030000Z", days=1 + 7 * week) | {"recurringEventId": "s1"},
        )
    fake_google.put_event(CAL, interview("s10"))  # an unrelated id sharing the prefix
    sync()
    assert len(cached_ids(session_factory, user_id)) == 4
    fake_google.cancel_series(CAL, "s1")
    result = sync(NOW + timedelta(minutes=10))
    assert result.removed == 3
    assert cached_ids(session_factory, user_id) == {"s10"}
