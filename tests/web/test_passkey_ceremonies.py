"""A passkey challenge is used once, on the server, by the session it was for.

The challenge used to ride in the signed session cookie, so whoever held the cookie from before a
verification could send it again: a replayed assertion signed in again (the authenticator's
counter stays 0), a replayed registration answered 500 (IntegrityError), and a new credential on
the old challenge made a second account sharing the first one's user handle. Each test drives
the real endpoints with answers py_webauthn verifies (tests/support/authenticator.py) and fails
on the cookie-held challenge.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from calfeed.config import parse_networks
from calfeed.store import User, session_scope
from calfeed.store.ceremonies import PasskeyChallenge
from calfeed.store.passkeys import Passkey
from calfeed.web.runtime import runtime
from tests.support.ics_server import IcsServer, Route
from tests.support.passkey_client import Visitor, error_of
from tests.support.paths import FIXTURES
from tests.support.web import make_app, seed_user, signed_in, web_config

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")

USED = "This passkey request has expired or was used already. Start again."


@pytest.fixture
def pk_config(db_url: str, tmp_path: Path):
    return web_config(db_url, tmp_path / "instance", fetch_allow=parse_networks("127.0.0.1/32"))


@pytest.fixture
def pk_app(pk_config, now):
    return make_app(pk_config, now)


@pytest.fixture
def outlook(ics_server: IcsServer) -> str:
    ics_server.routes["/outlook.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    return ics_server.url("/outlook.ics")


def count(app, model) -> int:
    with session_scope(runtime(app).sessions) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def handles(app) -> dict[str, set[int]]:
    with session_scope(runtime(app).sessions) as s:
        found: dict[str, set[int]] = {}
        for row in s.scalars(select(Passkey)):
            found.setdefault(row.user_handle, set()).add(row.user_id)
        return found


def test_sign_up_sign_out_and_sign_in_again(pk_app, outlook) -> None:
    visitor = Visitor(pk_app.test_client())
    answer, _credential = visitor.sign_up(outlook, "Outlook")
    assert answer.status_code == 200 and answer.get_json() == {"redirect": "/dashboard"}
    assert "Sinar Abadi" in visitor.client.get("/dashboard").get_data(as_text=True)
    visitor.post("/auth/signout")
    answer, _assertion = visitor.sign_in()
    assert answer.status_code == 200, error_of(answer)
    assert count(pk_app, PasskeyChallenge) == 0  # every ceremony taken


def test_a_replayed_assertion_with_the_earlier_cookie_is_refused(pk_app, outlook) -> None:
    visitor = Visitor(pk_app.test_client())
    visitor.sign_up(outlook)
    visitor.post("/auth/signout")
    options = visitor.post("/passkeys/signin/options")
    before = visitor.cookie()
    assertion = visitor.authenticator.get(json.loads(options.data))  # counter stays 0
    assert visitor.post("/passkeys/signin/verify", assertion).status_code == 200
    visitor.post("/auth/signout")

    visitor.restore(before)  # the cookie from before the verification, and the same answer
    replay = visitor.post("/passkeys/signin/verify", assertion)
    assert replay.status_code == 400 and error_of(replay) == USED
    assert visitor.client.get("/dashboard").status_code == 303  # not signed in by it


def test_a_replayed_registration_is_400_not_500(pk_app, outlook) -> None:
    visitor = Visitor(pk_app.test_client())
    options = visitor.signup_options(outlook)
    before = visitor.cookie()
    credential = visitor.authenticator.create(json.loads(options.data))
    assert visitor.post("/passkeys/signup/verify", credential).status_code == 200
    visitor.restore(before)
    replay = visitor.post("/passkeys/signup/verify", credential)
    assert replay.status_code == 400 and error_of(replay) == USED
    assert count(pk_app, User) == 1 and count(pk_app, Passkey) == 1


def test_a_new_credential_on_an_old_challenge_makes_no_second_account(pk_app, outlook) -> None:
    visitor = Visitor(pk_app.test_client())
    options = json.loads(visitor.signup_options(outlook).data)
    before = visitor.cookie()
    assert (
        visitor.post("/passkeys/signup/verify", visitor.authenticator.create(options)).status_code
        == 200
    )
    visitor.restore(before)
    second = visitor.post("/passkeys/signup/verify", visitor.authenticator.create(options))
    assert second.status_code == 400 and error_of(second) == USED
    assert count(pk_app, User) == 1
    assert all(len(users) == 1 for users in handles(pk_app).values())


def test_a_challenge_answered_from_another_browser_is_refused(pk_app, outlook) -> None:
    first, second = Visitor(pk_app.test_client()), Visitor(pk_app.test_client())
    options = json.loads(first.signup_options(outlook).data)
    stolen = second.post("/passkeys/signup/verify", second.authenticator.create(options))
    assert stolen.status_code == 400 and error_of(stolen) == USED
    assert count(pk_app, User) == 0


def test_an_add_challenge_is_only_the_signed_in_users(pk_app, now) -> None:
    alice = seed_user(pk_app, "alice@example.com", now)
    bob = seed_user(pk_app, "bob@example.com", now)
    visitor = Visitor(signed_in(pk_app.test_client(), alice))
    options = json.loads(visitor.post("/passkeys/add/options").data)
    signed_in(visitor.client, bob)  # the same browser, now another user
    answer = visitor.post("/passkeys/add/verify", visitor.authenticator.create(options))
    assert answer.status_code == 400 and error_of(answer) == USED
    assert count(pk_app, Passkey) == 0


def test_an_expired_challenge_is_refused(pk_config, now, outlook) -> None:
    early = make_app(pk_config, now)
    visitor = Visitor(early.test_client())
    options = json.loads(visitor.signup_options(outlook).data)
    late = make_app(pk_config, now + timedelta(minutes=6))
    cookie = visitor.cookie()
    visitor.client = late.test_client()
    visitor.restore(cookie)
    answer = visitor.post("/passkeys/signup/verify", visitor.authenticator.create(options))
    assert answer.status_code == 400 and error_of(answer) == USED


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"response": "x"},
        {"response": {"clientDataJSON": "!!"}},
        {"response": {"clientDataJSON": "e30"}},  # "{}"
        {"id": "x", "response": {"clientDataJSON": "eyJjaGFsbGVuZ2UiOjF9"}},  # challenge: 1
    ],
)
def test_a_malformed_answer_is_400(pk_app, body) -> None:
    visitor = Visitor(pk_app.test_client())
    for path in ("/passkeys/signup/verify", "/passkeys/signin/verify"):
        answer = visitor.post(path, body)
        assert answer.status_code == 400 and error_of(answer) == USED


def test_one_client_cannot_fill_the_challenge_table(pk_app, outlook) -> None:
    visitor = Visitor(pk_app.test_client(), address="203.0.113.9")
    answers = [visitor.post("/passkeys/signin/options").status_code for _ in range(15)]
    assert answers == [200] * 10 + [429] * 5
    other = Visitor(pk_app.test_client(), address="198.51.100.4")
    assert other.post("/passkeys/signin/options").status_code == 200


def test_the_id_messages_are_translated(pk_app, outlook) -> None:
    visitor = Visitor(pk_app.test_client())
    visitor.client.get("/?lang=id")
    visitor.extra_headers = {"Accept-Language": "id"}
    answer = visitor.post("/passkeys/signin/verify", {})
    assert answer.status_code == 400 and error_of(answer) not in ("", USED)
