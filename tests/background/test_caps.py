"""Caps per user: calendars by address, events stored per address and per user, passkeys, and one
reader per calendar however long a read runs. SQLite and PostgreSQL.

Before: 300 addresses were accepted for one account, a 100,000-event address was stored whole
(136-186 s, 371-485 MB in the worker), one account added 70 passkeys, and a read past its
2-minute claim got a second, overlapping reader.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from calfeed import store
from calfeed.adapters.fetch import Fetched, FetchPolicy, fetch
from calfeed.background import ics_reads
from calfeed.background.ics_reads import ReadCaps, read_ics_source
from calfeed.config import parse_networks
from calfeed.core.inputs.ics_trim import trim_events
from calfeed.core.model import RuleSettings
from calfeed.crypto import TokenCipher
from calfeed.errors import LimitReached
from calfeed.store import passkeys as pk
from calfeed.store import session_scope
from calfeed.store.ics_sources import IcsEvent, IcsSource
from tests.support.big_calendar import big_calendar
from tests.support.ics_server import IcsServer, Route
from tests.support.web import make_app, seed_user, signed_in, web_config

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
POLICY = FetchPolicy(allowed_networks=parse_networks("127.0.0.1/32"))
INTERVAL = timedelta(minutes=15)
CIPHER = TokenCipher(Fernet.generate_key().decode())
WINDOW = (NOW - ics_reads.WINDOW_BACK, NOW + ics_reads.WINDOW_AHEAD)

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")


@pytest.fixture
def user_id(session_factory) -> int:
    with session_scope(session_factory) as s:
        return store.create_user(s, now=NOW, settings=RuleSettings(time_zone="Asia/Jakarta")).id


def add(session_factory, user_id: int, url: str, **kwargs) -> int:
    return ics_reads.add_source(session_factory, CIPHER, user_id, url, "", NOW, **kwargs)


def row(session_factory, source_id: int) -> IcsSource:
    with session_scope(session_factory) as s:
        found = s.get(IcsSource, source_id)
        assert found is not None
        s.expunge(found)
        return found


def stored_count(session_factory, source_id: int) -> int:
    with session_scope(session_factory) as s:
        query = select(func.count(IcsEvent.id)).where(IcsEvent.source_id == source_id)
        return int(s.scalar(query) or 0)


# --- calendars by address -------------------------------------------------------------------------


def test_calendars_by_address_stop_at_the_cap(session_factory, user_id) -> None:
    for n in range(3):
        add(session_factory, user_id, f"https://cal.example.com/{n}.ics", max_sources=3)
    with pytest.raises(LimitReached, match="at most 3 calendars"):
        add(session_factory, user_id, "https://cal.example.com/3.ics", max_sources=3)
    with session_scope(session_factory) as s:
        assert len(store.ics_sources.sources_for_user(s, user_id)) == 3


def test_the_dashboard_says_the_cap(sqlite_db_url, tmp_path, now, csrf_token) -> None:
    app = make_app(web_config(sqlite_db_url, tmp_path / "instance", max_sources=1), now)
    client = app.test_client()
    signed_in(client, seed_user(app, "dan@example.com", now))
    for n, status in ((0, 303), (1, 409)):
        form = {"csrf_token": csrf_token(client), "address": f"https://cal.example.com/{n}.ics"}
        answer = client.post("/sources/add", data=form)
        assert answer.status_code == status
    assert "at most 1 calendars by address" in answer.get_data(as_text=True)


# --- events per address and per user -------------------------------------------------------------


def test_a_100k_event_address_is_cut_to_the_cap_with_a_message(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    """The 100,000-event address: the 5,000 events nearest to today are stored, and it says so.
    (Time and memory: bench/big_address.py.)"""
    body = big_calendar(100_000, NOW - timedelta(days=50))
    ics_server.routes["/big.ics"] = Route(body)
    source_id = add(session_factory, user_id, ics_server.url("/big.ics"))
    result = read_ics_source(
        session_factory, CIPHER, source_id, NOW, policy=POLICY, interval=INTERVAL, force=True
    )
    assert result.status == "read" and result.events == 5_000
    assert stored_count(session_factory, source_id) == 5_000
    source = row(session_factory, source_id)
    assert source.notice is not None and "100,000 events" in source.notice
    assert "at most 5,000 per calendar" in source.notice
    with session_scope(session_factory) as s:
        events, _ = store.source_events_for_user(s, user_id)
    distance = max(abs((e.start - NOW).total_seconds()) for e in events)  # type: ignore[operator]
    assert distance < 10 * 86_400  # 5,000 events five minutes apart: the ~9 days around today


def test_a_calendar_under_the_cap_has_no_notice(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    ics_server.routes["/small.ics"] = Route(big_calendar(50, NOW))
    source_id = add(session_factory, user_id, ics_server.url("/small.ics"))
    result = read_ics_source(
        session_factory, CIPHER, source_id, NOW, policy=POLICY, interval=INTERVAL, force=True
    )
    assert result.events == 50 and row(session_factory, source_id).notice is None


def test_the_user_cap_counts_every_address(session_factory, user_id, ics_server: IcsServer) -> None:
    caps = ReadCaps(per_source=300, per_user=500)
    ids = []
    for n in range(2):
        ics_server.routes[f"/{n}.ics"] = Route(big_calendar(300, NOW + timedelta(days=n)))
        ids.append(add(session_factory, user_id, ics_server.url(f"/{n}.ics")))
    results = [
        read_ics_source(
            session_factory,
            CIPHER,
            source_id,
            NOW,
            policy=POLICY,
            interval=INTERVAL,
            force=True,
            caps=caps,
        )
        for source_id in ids
    ]
    assert [r.events for r in results] == [300, 200]
    assert row(session_factory, ids[0]).notice is None
    notice = row(session_factory, ids[1]).notice
    assert notice is not None and "together hold at most 500 events" in notice


# --- one reader at a time, however long it takes --------------------------------------------------


def test_a_read_past_its_claim_gets_no_second_reader(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    """A read that outlives its claim (here 0.3 s; in the service 2 minutes) keeps it renewed:
    a second reader that comes after the first claim would have run out is skipped, and only the
    first reader stores."""
    ics_server.routes["/cal.ics"] = Route(big_calendar(20, NOW))
    source_id = add(session_factory, user_id, ics_server.url("/cal.ics"))
    hold = timedelta(seconds=0.3)
    second: list[str] = []
    fetched = threading.Event()

    def slow_fetch(address: str, policy: FetchPolicy, **kwargs: object) -> Fetched:
        got = fetch(address, policy, **kwargs)  # type: ignore[arg-type]
        time.sleep(1.0)  # three claims long
        later = NOW + timedelta(seconds=0.9)  # the first claim (NOW + 0.3 s) has run out
        other = read_ics_source(
            session_factory, CIPHER, source_id, later, policy=POLICY, interval=INTERVAL, hold=hold
        )
        second.append(other.status)
        fetched.set()
        return got

    first = read_ics_source(
        session_factory,
        CIPHER,
        source_id,
        NOW,
        policy=POLICY,
        interval=INTERVAL,
        fetcher=slow_fetch,
        hold=hold,
    )
    assert fetched.is_set() and second == ["skipped"]
    assert first.status == "read" and first.events == 20
    assert len(ics_server.requests) == 1


def test_a_reader_whose_claim_was_taken_stores_nothing(
    session_factory, user_id, ics_server: IcsServer
) -> None:
    """A reader killed in all but name (its renewals stopped) and then overtaken writes nothing
    over the newer reader's result."""
    ics_server.routes["/cal.ics"] = Route(big_calendar(20, NOW))
    source_id = add(session_factory, user_id, ics_server.url("/cal.ics"))

    def overtaken(address: str, policy: FetchPolicy, **kwargs: object) -> Fetched:
        with session_scope(session_factory) as s:  # its claim ran out; another reader took it
            s.execute(
                update(IcsSource).where(IcsSource.id == source_id).values(claim_token="other")
            )
        return fetch(address, policy, **kwargs)  # type: ignore[arg-type]

    result = read_ics_source(
        session_factory,
        CIPHER,
        source_id,
        NOW,
        policy=POLICY,
        interval=INTERVAL,
        force=True,
        fetcher=overtaken,
    )
    assert result.status == "skipped" and stored_count(session_factory, source_id) == 0


# --- passkeys -------------------------------------------------------------------------------------


def test_forcing_a_read_never_overrides_a_live_claim(session_factory, user_id) -> None:
    source_id = add(session_factory, user_id, "https://cal.example.com/a.ics")
    with session_scope(session_factory) as s:
        first = store.ics_sources.claim_source(s, source_id, NOW)
        assert first is not None
        assert store.ics_sources.claim_source(s, source_id, NOW, force=True) is None


def test_passkeys_stop_at_the_cap(session_factory, user_id) -> None:
    with session_scope(session_factory) as s:
        for n in range(2):
            pk.add_passkey(
                s, user_id, credential_id=f"c{n}", user_handle="h", public_key=b"k",
                sign_count=0, now=NOW, limit=2,
            )  # fmt: skip
        with pytest.raises(LimitReached):
            pk.add_passkey(
                s, user_id, credential_id="c2", user_handle="h", public_key=b"k",
                sign_count=0, now=NOW, limit=2,
            )  # fmt: skip
        assert pk.count_passkeys(s, user_id) == 2


def test_adding_a_passkey_past_the_cap_is_refused(sqlite_db_url, tmp_path, now, csrf_token) -> None:
    app = make_app(web_config(sqlite_db_url, tmp_path / "instance", max_passkeys=1), now)
    client = app.test_client()
    user = seed_user(app, "dan@example.com", now)
    signed_in(client, user)
    token = csrf_token(client)
    assert client.post("/passkeys/add/options", headers={"X-CSRFToken": token}).status_code == 200
    from calfeed.web.runtime import runtime

    with session_scope(runtime(app).sessions) as s:
        pk.add_passkey(
            s, user.id, credential_id="c0", user_handle="h", public_key=b"k", sign_count=0, now=now
        )
    refused = client.post("/passkeys/add/options", headers={"X-CSRFToken": token})
    assert refused.status_code == 409 and "at most 1 passkeys" in refused.get_data(as_text=True)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Add a passkey" not in page and "at most 1 passkeys" in page


# --- the cut before parsing ----------------------------------------------------------------------


@settings(max_examples=40)
@given(
    days=st.lists(st.integers(min_value=-200, max_value=500), min_size=0, max_size=60),
    repeats=st.sets(st.integers(min_value=0, max_value=59), max_size=5),
    cap=st.integers(min_value=1, max_value=40),
)
def test_trim_keeps_at_most_the_cap_in_file_order(days, repeats, cap) -> None:
    blocks = []
    for n, day in enumerate(days):
        start = (NOW + timedelta(days=day)).strftime("%Y%m%dT%H%M%SZ")
        rule = "RRULE:FREQ=WEEKLY;COUNT=3\r\n" if n in repeats else ""
        blocks.append(f"BEGIN:VEVENT\r\nUID:{n}\r\nDTSTART:{start}\r\n{rule}END:VEVENT\r\n")
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nEND:VTIMEZONE\r\n"
    data = (head + "".join(blocks) + "END:VCALENDAR\r\n").encode()
    got = trim_events(data, max_events=cap, now=NOW, window_start=WINDOW[0], window_end=WINDOW[1])
    assert got.total == len(days)
    if len(days) <= cap:
        assert got.data is data and not got.cut
        return
    kept = [b for b in blocks if b.encode() in got.data]
    assert len(kept) == got.kept <= cap
    assert got.data.startswith(head.encode()) and got.data.endswith(b"END:VCALENDAR\r\n")
    assert "".join(kept).encode() in got.data  # file order kept
    recurring = [b for n, b in enumerate(blocks) if n in repeats]
    assert all(b in kept for b in recurring[:cap])  # series first: their expansion is bounded


def test_trim_scans_the_100k_address_without_parsing_it() -> None:
    data = big_calendar(100_000, NOW - timedelta(days=50))
    got = trim_events(data, max_events=5_000, now=NOW, window_start=WINDOW[0], window_end=WINDOW[1])
    assert (got.total, got.kept) == (100_000, 5_000) and len(got.data) < len(data) / 10


def test_corpus_calendars_under_the_cap_pass_untouched() -> None:
    corpus = Path("/work/shared/corpus/ics")
    if not corpus.is_dir():
        pytest.skip("the shared .ics corpus is not on this machine")
    for path in sorted(corpus.glob("*.ics"))[:300]:
        data = path.read_bytes()
        got = trim_events(
            data, max_events=5_000, now=NOW, window_start=WINDOW[0], window_end=WINDOW[1]
        )
        if got.total <= 5_000:
            assert got.data is data, path.name
