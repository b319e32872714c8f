"""Storage on SQLite and PostgreSQL: migrations, queries, cascades, marks that survive re-reads,
the feed cache, the pending-consent table and the per-user sync lock."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from calfeed import store
from calfeed.core.model import Marks, Revision, RuleSettings
from calfeed.crypto import TokenCipher, new_secret_token, token_hash
from calfeed.errors import ConfigError, SettingsError
from calfeed.store import (
    CachedFeed,
    CalendarInfo,
    EventRecord,
    Mark,
    session_scope,
)
from calfeed.store.migrate import alembic_config
from calfeed.store.schema import Base

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def record(event_id: str, *, end: datetime | None = None, status: str = "confirmed") -> EventRecord:
    raw = {"id": event_id, "status": status, "summary": f"Interview {event_id}"}
    return EventRecord(event_id, json.dumps(raw), status, NOW, end or NOW + timedelta(days=1))


@pytest.fixture
def user_id(session_factory) -> int:
    with session_scope(session_factory) as session:
        user = store.connect_google(
            session,
            email="ana@example.com",
            refresh_token_enc="enc",
            scopes=["s1", "s2"],
            now=NOW,
            primary_time_zone="Asia/Jakarta",
        )
        return user.id


def primary(session, user_id):
    return store.calendars_for_user(session, user_id)[0]


def head_revision() -> str:
    """The one head of the migration chain (each schema change appends its revision)."""

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, heads
    return heads[0]


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() == head_revision()
        assert compare_metadata(ctx, Base.metadata) == []


def test_upgrade_is_idempotent(db_url):
    store.upgrade(db_url)
    assert store.current(db_url) == head_revision()


def test_connect_creates_user_with_selected_primary(session_factory, user_id):
    with session_scope(session_factory) as session:
        user = store.get_user(session, user_id)
        assert user.google_email == "ana@example.com"
        assert user.granted_scopes == "s1 s2"
        assert not user.needs_reconnect
        (cal,) = store.calendars_for_user(session, user_id)
        assert (cal.google_id, cal.primary, cal.selected, cal.time_zone) == (
            "ana@example.com",
            True,
            True,
            "Asia/Jakarta",
        )
        assert user.created_at == NOW and user.created_at.tzinfo is not None


def test_reconnect_clears_flag_and_keeps_the_user(session_factory, user_id):
    with session_scope(session_factory) as session:
        store.mark_needs_reconnect(session, user_id, "revoked", NOW)
    with session_scope(session_factory) as session:
        assert store.get_user(session, user_id).needs_reconnect
        again = store.connect_google(
            session, email="ana@example.com", refresh_token_enc="new", scopes=["s1"], now=NOW
        )
        assert again.id == user_id
    with session_scope(session_factory) as session:
        user = store.get_user(session, user_id)
        assert (user.needs_reconnect, user.reconnect_reason, user.refresh_token_enc) == (
            False,
            None,
            "new",
        )
        assert len(store.calendars_for_user(session, user_id)) == 1


def test_feed_token_lookup_by_hash_and_rotation(session_factory, user_id):
    token = new_secret_token()
    assert len(token) >= 22  # >= 128 bits of url-safe base64
    with session_scope(session_factory) as session:
        store.set_feed_token(
            session, user_id, feed_token_hash=token_hash(token), feed_token_enc=None, now=NOW
        )
    with session_scope(session_factory) as session:
        assert store.get_user_by_feed_token(session, token).id == user_id
        assert store.get_user_by_feed_token_hash(session, token_hash(token)).id == user_id
        assert store.get_user_by_feed_token(session, token + "x") is None
        rotated = new_secret_token()
        store.set_feed_token(
            session, user_id, feed_token_hash=token_hash(rotated), feed_token_enc=None, now=NOW
        )
    with session_scope(session_factory) as session:
        assert store.get_user_by_feed_token(session, token) is None  # old address dead at once
        assert store.get_user_by_feed_token(session, rotated).id == user_id


def test_feed_token_hash_is_unique(session_factory, user_id):
    from sqlalchemy.exc import IntegrityError

    with session_scope(session_factory) as session:
        other = store.create_user(session, now=NOW, google_email="budi@example.com")
        store.set_feed_token(
            session, user_id, feed_token_hash="a" * 64, feed_token_enc=None, now=NOW
        )
        other_id = other.id
    with pytest.raises(IntegrityError), session_scope(session_factory) as session:
        store.set_feed_token(
            session, other_id, feed_token_hash="a" * 64, feed_token_enc=None, now=NOW
        )


def test_rule_settings_round_trip(session_factory, user_id):
    settings = RuleSettings(
        lang="id",
        time_zone="Asia/Jakarta",
        thank_you="evening",
        thank_you_delay=timedelta(minutes=90),
        evening_at=time(19, 30),
        grace_days=3,
        no_timeline_days=10,
        check_in_at=time(9, 15),
        holiday_country="ID",
        keywords=("wawancara", "interview"),
    )
    with session_scope(session_factory) as session:
        before = store.get_user(session, user_id).data_version
        assert store.rule_settings_of(store.get_user(session, user_id)) == RuleSettings()
        store.set_rule_settings(session, user_id, settings, NOW)
    with session_scope(session_factory) as session:
        user = store.get_user(session, user_id)
        session.refresh(user)
        assert store.rule_settings_of(user) == settings
        assert user.data_version > before


def test_bad_stored_settings_raise_settings_error():
    with pytest.raises(SettingsError):
        store.settings_from_json('{"grace_days": 40}')
    with pytest.raises(SettingsError):
        store.settings_from_json("not json")
    assert store.settings_from_json('{"lang": "id"}') == RuleSettings(lang="id")


def test_events_upsert_replace_delete_and_prune(session_factory, user_id):
    with session_scope(session_factory) as session:
        cal = primary(session, user_id)
        store.upsert_events(session, cal, [record("a"), record("b"), record("c")])
        store.upsert_events(session, cal, [record("a")])  # same key: updated, not duplicated
        assert store.count_events(session, user_id) == 3
        stored, removed = store.replace_events(session, cal, [record("b"), record("d")])
        assert (stored, removed) == (2, 2)
        assert store.delete_events(session, cal, ["d", "zzz"]) == 1
        store.upsert_events(session, cal, [record("old", end=NOW - timedelta(days=61))])
        assert store.prune_events(session, user_id, NOW - timedelta(days=60)) == 1
        events, skipped = store.source_events_for_user(session, user_id)
    # "b" has no start: the core reports it as Skipped instead of failing the feed
    assert events == [] and [s.event_id for s in skipped] == ["b"]


def test_source_events_parse_raw_json_with_calendar_zone(session_factory, user_id):
    raw = {
        "id": "evt1",
        "status": "confirmed",
        "summary": "Interview",
        "start": {"dateTime": "2026-11-27T10:00:00+07:00"},
        "end": {"dateTime": "2026-11-27T11:00:00+07:00"},
    }
    with session_scope(session_factory) as session:
        cal = primary(session, user_id)
        store.upsert_events(
            session, cal, [EventRecord("evt1", json.dumps(raw), "confirmed", None, NOW)]
        )
        (event,), skipped = store.source_events_for_user(session, user_id)
    assert skipped == []
    assert event.key == "ana@example.com/evt1"
    assert event.calendar_time_zone == "Asia/Jakarta"


def test_marks_survive_a_full_reread(session_factory, user_id):
    marks = Marks(heard_back=True, timeline="2 weeks")
    with session_scope(session_factory) as session:
        cal = primary(session, user_id)
        store.upsert_events(session, cal, [record("a")])
        store.set_mark(session, user_id, "ana@example.com/a", marks, NOW)
    with session_scope(session_factory) as session:
        store.replace_events(session, primary(session, user_id), [])  # Google lost it for a while
    with session_scope(session_factory) as session:
        store.replace_events(session, primary(session, user_id), [record("a")])
        assert store.marks_for_user(session, user_id) == {"ana@example.com/a": marks}
        assert store.get_mark(session, user_id, "ana@example.com/zz") == Marks()
        store.set_mark(session, user_id, "ana@example.com/a", Marks(thank_you_sent=True), NOW)
    with session_scope(session_factory) as session:
        assert store.get_mark(session, user_id, "ana@example.com/a") == Marks(thank_you_sent=True)
        assert session.scalar(select(func.count(Mark.id))) == 1


def test_revisions_upsert_and_keep_old(session_factory, user_id):
    first = {
        "u1": Revision(0, NOW, NOW + timedelta(days=1), "f1"),
        "u2": Revision(0, NOW, NOW + timedelta(days=2), "f2"),
    }
    with session_scope(session_factory) as session:
        store.save_revisions(session, user_id, first)
        store.save_revisions(
            session, user_id, {"u1": Revision(1, NOW + timedelta(hours=1), NOW, "f1b")}
        )
    with session_scope(session_factory) as session:
        got = store.revisions_for_user(session, user_id)
    assert got["u1"] == Revision(1, NOW + timedelta(hours=1), NOW, "f1b")
    assert got["u2"] == first["u2"]
    assert got["u2"].changed_at.tzinfo is not None


def test_feed_cache_put_get_and_overwrite(session_factory, user_id):
    feed = CachedFeed(b"BEGIN:VCALENDAR\r\n", '"abc"', NOW, 3)
    with session_scope(session_factory) as session:
        assert store.get_cached_feed(session, user_id, "kinds=all;lang=en") is None
        store.put_cached_feed(session, user_id, "kinds=all;lang=en", feed)
        store.put_cached_feed(session, user_id, "kinds=all;lang=en", feed)  # second writer
        store.put_cached_feed(session, user_id, "kinds=check-in;lang=en", feed)
    with session_scope(session_factory) as session:
        assert store.get_cached_feed(session, user_id, "kinds=all;lang=en") == feed
        store.drop_cached_feeds(session, user_id)
        assert store.get_cached_feed(session, user_id, "kinds=all;lang=en") is None


def test_data_version_tracks_feed_inputs(session_factory, user_id):
    def version() -> int:
        with session_scope(session_factory) as session:
            return store.get_user(session, user_id).data_version

    v0 = version()
    with session_scope(session_factory) as session:
        store.set_mark(session, user_id, "k", Marks(closed=True), NOW)
    v1 = version()
    with session_scope(session_factory) as session:
        store.bump_data_version(session, user_id, NOW)
    assert v0 < v1 < version()


def test_calendar_list_keeps_choices_and_drops_gone_calendars(session_factory, user_id):
    listed = [
        CalendarInfo("ana@example.com", "Ana", "Asia/Jakarta", True),
        CalendarInfo("work@group.calendar.google.com", "Work", "UTC"),
    ]
    with session_scope(session_factory) as session:
        store.save_calendar_list(session, user_id, listed, NOW)
        store.select_calendars(session, user_id, {"work@group.calendar.google.com"}, NOW)
    with session_scope(session_factory) as session:
        cals = {c.google_id: c for c in store.calendars_for_user(session, user_id)}
        assert [
            c.google_id for c in store.calendars_for_user(session, user_id, selected_only=True)
        ] == ["work@group.calendar.google.com"]
        store.upsert_events(session, cals["work@group.calendar.google.com"], [record("w")])
        store.save_calendar_list(session, user_id, listed[:1], NOW)  # unsubscribed from Work
    with session_scope(session_factory) as session:
        assert [c.google_id for c in store.calendars_for_user(session, user_id)] == [
            "ana@example.com"
        ]
        assert store.count_events(session, user_id) == 0


def test_deselecting_a_calendar_drops_its_cache_and_token(session_factory, user_id):
    with session_scope(session_factory) as session:
        cal = primary(session, user_id)
        cal.sync_token = "tok"
        store.upsert_events(session, cal, [record("a")])
        store.select_calendars(session, user_id, set(), NOW)
    with session_scope(session_factory) as session:
        cal = primary(session, user_id)
        assert (cal.selected, cal.sync_token) == (False, None)
        assert store.count_events(session, user_id) == 0


def test_deleting_a_user_cascades_everything(session_factory, user_id):
    with session_scope(session_factory) as session:
        cal = primary(session, user_id)
        store.upsert_events(session, cal, [record("a")])
        store.set_mark(session, user_id, "k", Marks(closed=True), NOW)
        store.save_revisions(session, user_id, {"u": Revision(0, NOW, NOW, "f")})
        store.put_cached_feed(session, user_id, "v", CachedFeed(b"x", "e", NOW, 1))
        other = store.create_user(session, now=NOW, google_email="budi@example.com")
        store.set_mark(session, other.id, "k", Marks(closed=True), NOW)
    with session_scope(session_factory) as session:
        assert store.delete_user(session, user_id)
        assert not store.delete_user(session, user_id)
    with session_scope(session_factory) as session:
        for table in Base.metadata.sorted_tables:
            if "user_id" in table.c:
                count = session.scalar(
                    select(func.count()).select_from(table).where(table.c.user_id == user_id)
                )
                assert count == 0, table.name
        assert store.marks_for_user(session, other.id)  # the other user is untouched


def test_naive_datetimes_are_refused(session_factory, user_id):
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError), session_scope(session_factory) as session:
        store.record_sync(session, user_id, now=datetime(2026, 1, 1), error=None, succeeded=True)


def test_sync_lock_is_exclusive_and_released(engine, session_factory, user_id):
    with session_scope(session_factory) as session:
        other_id = store.create_user(session, now=NOW).id
    with store.user_sync_lock(engine, user_id, NOW) as first:
        assert first
        with store.user_sync_lock(engine, user_id, NOW) as second:
            assert not second
        with store.user_sync_lock(engine, other_id, NOW) as other_user:
            assert other_user
    with store.user_sync_lock(engine, user_id, NOW) as again:
        assert again


def test_sync_lock_across_threads(engine, user_id):
    """Many simultaneous takers (as from several web processes): exactly one wins."""
    barrier = threading.Barrier(6)
    losers = threading.Semaphore(0)
    results: list[bool] = []

    def take() -> None:
        barrier.wait()
        with store.user_sync_lock(engine, user_id, NOW) as taken:
            results.append(taken)
            if taken:  # hold it until every other taker has been refused
                for _ in range(5):
                    assert losers.acquire(timeout=10)
            else:
                losers.release()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]


def test_expired_sqlite_lease_can_be_taken_over(sqlite_db_url):
    engine = store.make_engine(sqlite_db_url)
    factory = store.make_session_factory(engine)
    with session_scope(factory) as session:
        uid = store.create_user(session, now=NOW).id
    held = store.user_sync_lock(engine, uid, NOW)
    assert held.__enter__()  # a holder that crashed: never released
    later = NOW + store.lock.LEASE + timedelta(seconds=1)
    with store.user_sync_lock(engine, uid, later) as taken:
        assert taken
    engine.dispose()


def test_token_cipher_round_trip_and_wrong_key():
    from cryptography.fernet import Fernet

    from calfeed.crypto import DecryptionFailed

    cipher = TokenCipher(Fernet.generate_key().decode())
    secret = cipher.encrypt("1//refresh")
    assert secret != "1//refresh" and cipher.decrypt(secret) == "1//refresh"
    with pytest.raises(DecryptionFailed):
        TokenCipher(Fernet.generate_key().decode()).decrypt(secret)


def test_cli_db_upgrade(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CALFEED_ENV", "development")
    monkeypatch.setenv("CALFEED_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CALFEED_DATABASE_URL", url)
    assert store.cli_db(["upgrade"]) == 0
    assert head_revision() in capsys.readouterr().out
    assert store.cli_db(["current"]) == 0
    assert capsys.readouterr().out.strip() == head_revision()


def test_cli_db_reports_an_unusable_database(monkeypatch, tmp_path):
    """Only the database matters to `db upgrade` (no secrets: tests/cli/test_first_hour.py)."""
    monkeypatch.setenv("CALFEED_DATABASE_URL", "not a url")
    with pytest.raises(ConfigError, match="database"):
        store.cli_db(["upgrade"])


@pytest.mark.postgres
def test_advisory_locks_of_two_schemas_do_not_collide(_postgres_schema_url):
    """Two calfeeds (or two test runs) in different schemas of one PostgreSQL database."""
    mine = store.make_engine(_postgres_schema_url)
    other = store.make_engine(
        _postgres_schema_url.split("?")[0] + "?options=-csearch_path%3Dpublic"
    )
    try:
        with (
            store.lock._advisory(mine, 1) as taken_here,
            store.lock._advisory(other, 1) as taken_there,
        ):
            assert taken_here and taken_there
    finally:
        mine.dispose()
        other.dispose()
