"""Sign-ups can't be locked out, nor grow the tables without bound.

Before: one global hourly bound counted passkeys, so 55 scripted sign-ups in 3.9 s exhausted it
and the next real visitor got 429, passkeys added by signed-in users counted too, and the
accounts the flood made stayed forever. Now each client has its own bound (its address as the
configured proxies report it), everyone together a far higher one, and empty accounts are
pruned by the worker's sweep.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from calfeed.background import ics_reads
from calfeed.background.jobs import JobContext, prune_empty_accounts
from calfeed.config import parse_networks
from calfeed.store import User, session_scope
from calfeed.store import passkeys as db
from calfeed.store.ics_sources import IcsSource
from calfeed.store.signups import EMPTY_GRACE, client_key, network_key
from calfeed.web.runtime import jobs, runtime
from tests.support.ics_server import IcsServer, Route
from tests.support.passkey_client import Visitor, error_of
from tests.support.paths import FIXTURES
from tests.support.web import make_app, seed_user, signed_in, web_config

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")

PER_CLIENT = "Too many new accounts were made from your network this hour. Try again later."
EVERYONE = "Too many new accounts were made in the last hour. Try again later."


@pytest.fixture
def outlook(ics_server: IcsServer) -> str:
    ics_server.routes["/outlook.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    return ics_server.url("/outlook.ics")


def config_for(db_url: str, tmp_path: Path, **overrides: object):
    return web_config(
        db_url, tmp_path / "instance", fetch_allow=parse_networks("127.0.0.1/32"), **overrides
    )


def users(app) -> int:
    with session_scope(runtime(app).sessions) as s:
        return int(s.scalar(select(func.count()).select_from(User)) or 0)


def test_a_flood_from_one_client_leaves_the_next_visitor_able_to_sign_up(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    """The review's flood: 55 sign-ups in under 4 seconds, then a real person (default bounds)."""
    app = make_app(config_for(db_url, tmp_path), now)
    flood = Visitor(app.test_client(), address="203.0.113.7")
    started = time.monotonic()
    statuses = []
    for _ in range(55):
        options = flood.signup_options(outlook)
        if options.status_code != 200:
            statuses.append((options.status_code, error_of(options)))
            continue
        answer = flood.post(
            "/passkeys/signup/verify", flood.authenticator.create(options.get_json())
        )
        statuses.append((answer.status_code, error_of(answer)))
        flood.post("/auth/signout")
    elapsed = time.monotonic() - started
    assert statuses[:5] == [(200, "")] * 5  # the per-client bound (default 5 an hour)
    assert statuses[5:] == [(429, PER_CLIENT)] * 50
    assert users(app) == 5

    person = Visitor(app.test_client(), address="198.51.100.23")
    answer, _credential = person.sign_up(outlook, "Outlook")
    assert answer.status_code == 200, error_of(answer)
    assert "Sinar Abadi" in person.client.get("/dashboard").get_data(as_text=True)
    print(f"55 flood sign-ups in {elapsed:.1f} s, then a real one: 200")


def test_everyone_together_stops_at_the_hourly_bound(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    app = make_app(config_for(db_url, tmp_path, signups_per_hour=3), now)
    for n in range(3):  # three clients, one sign-up each
        answer, _credential = Visitor(app.test_client(), address=f"192.0.2.{n + 1}").sign_up(
            outlook
        )
        assert answer.status_code == 200, error_of(answer)
    fourth = Visitor(app.test_client(), address="192.0.2.99").signup_options(outlook)
    assert fourth.status_code == 429 and error_of(fourth) == EVERYONE

    later = make_app(config_for(db_url, tmp_path, signups_per_hour=3), now + timedelta(minutes=61))
    assert Visitor(later.test_client(), address="192.0.2.99").sign_up(outlook)[0].status_code == 200


def test_passkeys_added_by_signed_in_users_are_not_sign_ups(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    app = make_app(config_for(db_url, tmp_path, signups_per_hour=1, signups_per_client=1), now)
    alice = seed_user(app, "alice@example.com", now)
    visitor = Visitor(signed_in(app.test_client(), alice), address="203.0.113.50")
    for _ in range(3):
        answer, _credential = visitor.add_passkey()
        assert answer.status_code == 200, error_of(answer)
    with session_scope(runtime(app).sessions) as s:
        assert len(db.passkeys_of(s, alice.id)) == 3
    newcomer = Visitor(app.test_client(), address="203.0.113.50")  # the same network
    assert newcomer.sign_up(outlook)[0].status_code == 200


def test_the_client_is_the_address_the_configured_proxies_report(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    """Production, one proxy (CALFEED_PROXY_COUNT=1): the client is the last X-Forwarded-For hop,
    so a forged entry in front of it does not make a new client."""
    config = replace(
        config_for(db_url, tmp_path, signups_per_client=2),
        env="production",
        base_url="https://localhost",
        proxy_count=1,
    )
    app = make_app(config, now)

    def visitor(forwarded: str) -> Visitor:
        found = Visitor(
            app.test_client(),
            address="10.0.0.2",  # the platform's router
            origin="https://localhost",
            base_url="https://localhost",
        )
        found.extra_headers = {"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https"}
        return found

    answers = [
        visitor(f"{forged}, 203.0.113.7").sign_up(outlook)[0].status_code
        for forged in ("1.1.1.1", "2.2.2.2")
    ]
    assert answers == [200, 200]
    third = visitor("3.3.3.3, 203.0.113.7").signup_options(outlook)
    assert third.status_code == 429 and error_of(third) == PER_CLIENT
    assert visitor("203.0.113.8").sign_up(outlook)[0].status_code == 200  # another client


def test_an_ipv6_client_counts_by_its_64() -> None:
    secret = "s" * 40
    assert client_key("2001:db8:1:2::1", secret) == client_key("2001:db8:1:2:ffff::9", secret)
    assert client_key("2001:db8:1:2::1", secret) != client_key("2001:db8:1:3::1", secret)
    assert client_key("::ffff:203.0.113.7", secret) == client_key("203.0.113.7", secret)
    assert client_key("203.0.113.7", secret) != client_key("203.0.113.8", secret)
    assert "203.0.113.7" not in client_key("203.0.113.7", secret)  # a keyed hash, not the address
    assert network_key("2001:db8:1:2::1", secret) == network_key("2001:db8:1:ffff::1", secret)
    assert network_key("2001:db8:1::1", secret) != network_key("2001:db8:2::1", secret)
    assert network_key("203.0.113.7", secret) == network_key("203.0.113.200", secret)
    assert network_key("203.0.113.7", secret) != client_key("203.0.113.0", secret)


def test_stepping_through_the_64s_of_one_48_stops_at_the_network_bound(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    """One site holds a whole /48, 65,536 /64s: each a client, all one network (10x the bound)."""
    app = make_app(config_for(db_url, tmp_path, signups_per_client=1), now)
    answers = []
    for n in range(12):
        visitor = Visitor(app.test_client(), address=f"2001:db8:7:{n:x}::1")
        options = visitor.signup_options(outlook)
        if options.status_code != 200:
            answers.append(options.status_code)
            continue
        credential = visitor.authenticator.create(options.get_json())
        answers.append(visitor.post("/passkeys/signup/verify", credential).status_code)
    assert answers == [200] * 10 + [429] * 2
    elsewhere = Visitor(app.test_client(), address="2001:db8:8::1")  # another /48
    assert elsewhere.sign_up(outlook)[0].status_code == 200


def test_a_sign_up_needs_the_pages_token_and_our_origin(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    """The browser proof: a same-origin script's CSRF header, and WebAuthn made for our origin."""
    app = make_app(config_for(db_url, tmp_path), now)
    bare = app.test_client().post(
        "/passkeys/signup/options", json={"address": outlook, "name": "x"}
    )
    assert bare.status_code == 400  # no token from a page of ours
    elsewhere = Visitor(app.test_client())
    elsewhere.authenticator.origin = "https://calfeed.evil.example"
    answer, _credential = elsewhere.sign_up(outlook)
    assert answer.status_code == 400
    assert error_of(answer) == "The passkey could not be checked. Try again."
    assert users(app) == 0


def test_empty_accounts_are_pruned_by_the_sweep(db_url: str, tmp_path: Path, now, outlook) -> None:
    config = config_for(db_url, tmp_path)
    app = make_app(config, now)
    empty = Visitor(app.test_client(), address="192.0.2.1")
    assert empty.sign_up(outlook)[0].status_code == 200
    with session_scope(runtime(app).sessions) as s:  # then removes its only address
        empty_id, source_id = s.execute(select(IcsSource.user_id, IcsSource.id)).one()
    ics_reads.remove_source(runtime(app).sessions, empty_id, source_id, now)
    kept = Visitor(app.test_client(), address="192.0.2.2")
    assert kept.sign_up(outlook)[0].status_code == 200
    google = seed_user(app, "alice@example.com", now)
    assert users(app) == 3

    def sweep(at):
        later = make_app(config, at)
        jobs(later).sweep_now()
        return later

    sweep(now + EMPTY_GRACE - timedelta(minutes=1))
    assert users(app) == 3  # still in its grace period: the person may add an address
    sweep(now + EMPTY_GRACE + timedelta(minutes=1))
    with session_scope(runtime(app).sessions) as s:
        left = {u.google_email: u.id for u in s.scalars(select(User))}
    assert set(left) == {None, google.email}  # the one with an address, and the Google one
    assert users(app) == 2
    assert empty.client.get("/dashboard").status_code == 303  # its session opens nothing


def test_a_failing_prune_is_one_line(db_url: str, tmp_path: Path, now, caplog) -> None:
    app = make_app(config_for(db_url, tmp_path), now)
    rt = runtime(app)

    def broken():
        raise RuntimeError("clock broke")

    caplog.set_level(logging.INFO, logger="calfeed")
    for _ in range(3):  # three sweeps, one outage: one line
        assert prune_empty_accounts(JobContext(rt.config, rt.sessions, broken)) == 0
    assert caplog.text.count("pruning empty accounts failed: RuntimeError") == 1
    assert prune_empty_accounts(JobContext(rt.config, rt.sessions, rt.clock)) == 0
    assert "pruning empty accounts works again" in caplog.text


def test_removing_the_last_address_gives_a_day_before_pruning(
    db_url: str, tmp_path: Path, now, outlook
) -> None:
    config = config_for(db_url, tmp_path)
    old = make_app(config, now - timedelta(days=30))  # signed up a month ago
    assert Visitor(old.test_client()).sign_up(outlook)[0].status_code == 200
    with session_scope(runtime(old).sessions) as s:
        user_id, source_id = s.execute(select(IcsSource.user_id, IcsSource.id)).one()
    ics_reads.remove_source(runtime(old).sessions, user_id, source_id, now)  # emptied today
    jobs(make_app(config, now + timedelta(hours=23))).sweep_now()
    assert users(old) == 1
    jobs(make_app(config, now + EMPTY_GRACE + timedelta(minutes=1))).sweep_now()
    assert users(old) == 0
