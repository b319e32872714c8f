"""One person, one account, over real HTTP with the loopback fake Google.

Before: an address-only (passkey) user who clicked "Connect Google" was switched to a new, second
account: the dashboard showed the Google interview but not the Outlook one, no addresses, no
passkeys, and another feed address. Now Google joins the account signed in; a Google account that
belongs to another calfeed account is refused with a plain page, and merged only when the person
confirms (one feed address kept, marks and corrections kept, the other account gone completely).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from calfeed.config import load_config
from calfeed.store import User, session_scope
from calfeed.store.merge import user_tables
from calfeed.store.passkeys import Passkey
from calfeed.web.runtime import runtime
from tests.support.google_fake import TEST_EMAIL, interview_event
from tests.support.ics_server import IcsServer, Route
from tests.support.passkey_client import Visitor
from tests.support.paths import FIXTURES
from tests.support.web import CSRF_RE, make_app

pytestmark = pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")

FEED_RE = re.compile(r'value="http://localhost(/feeds/[^"]+\.ics)"')
GOOGLE_INTERVIEW = "Interview with Rina (Acme) - Analyst"
OUTLOOK_INTERVIEW = "Sinar Abadi"
GOOGLE_KEY = f"{TEST_EMAIL}/g1"


@pytest.fixture
def app(google_env, db_url, now, fake_google):
    fake_google.put_event(TEST_EMAIL, interview_event("g1", GOOGLE_INTERVIEW, "2026-11-25"))
    env = dict(google_env, CALFEED_DATABASE_URL=db_url, CALFEED_FETCH_ALLOW="127.0.0.1/32")
    return make_app(load_config(env), now)


@pytest.fixture
def outlook(ics_server: IcsServer) -> str:
    ics_server.routes["/outlook.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    return ics_server.url("/outlook.ics")


def connect_google(client):
    """Click "Connect Google Calendar", consent at the fake, come back: our callback's answer."""
    start = client.get("/auth/connect")
    assert start.status_code == 303
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def page(client, path: str = "/dashboard") -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def feed_path(client) -> str:
    found = FEED_RE.search(page(client))
    assert found
    return found.group(1)


def token(client, path: str = "/dashboard") -> str:
    found = CSRF_RE.search(page(client, path))
    assert found
    return found.group(1)


def user_ids(app) -> list[int]:
    with session_scope(runtime(app).sessions) as s:
        return sorted(s.scalars(select(User.id)))


def rows_of(app, user_id: int) -> dict[str, int]:
    """Rows holding `user_id` in every per-user table (the merge must leave none)."""
    found = {}
    with session_scope(runtime(app).sessions) as s:
        for table in user_tables():
            n = s.scalar(select(func.count()).select_from(table).where(table.c.user_id == user_id))
            if n:
                found[table.name] = int(n)
    return found


def address_user(app, outlook: str) -> Visitor:
    visitor = Visitor(app.test_client())
    answer, _credential = visitor.sign_up(outlook, "Outlook")
    assert answer.status_code == 200
    return visitor


def test_connecting_google_while_signed_in_links_it_to_that_account(app, outlook) -> None:
    visitor = address_user(app, outlook)
    before = feed_path(visitor.client)
    [me] = user_ids(app)

    answer = connect_google(visitor.client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/dashboard"
    assert user_ids(app) == [me]  # no second account
    dashboard = page(visitor.client)
    assert GOOGLE_INTERVIEW in dashboard and OUTLOOK_INTERVIEW in dashboard
    assert "Outlook" in dashboard and "Passkeys for this account: 1." in dashboard
    assert "Google Calendar is connected to this account." in dashboard
    assert feed_path(visitor.client) == before
    feed = visitor.client.get(before).data
    assert b"Acme" in feed and b"Sinar Abadi" in feed

    visitor.post("/auth/signout")  # and the passkey still opens the same, whole account
    assert visitor.sign_in()[0].status_code == 200
    assert GOOGLE_INTERVIEW in page(visitor.client)


def test_the_dashboard_offers_google_to_an_address_only_user(app, outlook) -> None:
    visitor = address_user(app, outlook)
    assert "Connect Google Calendar too" in page(visitor.client)
    connect_google(visitor.client)
    assert "Connect Google Calendar too" not in page(visitor.client)


def google_account(app) -> tuple[object, int, str]:
    """ana@example.com connected as an account of its own, with a mark and a correction."""
    client = app.test_client()
    assert connect_google(client).status_code == 303
    [mine] = [u for u in user_ids(app)]
    csrf = token(client)
    marked = client.post(
        "/dashboard/mark",
        data={"csrf_token": csrf, "event": GOOGLE_KEY, "mark": "thank_you_sent", "value": "1"},
    )
    corrected = client.post(
        "/dashboard/correct",
        data={"csrf_token": csrf, "event": GOOGLE_KEY, "company": "Acme Corp", "position": ""},
    )
    assert marked.status_code == corrected.status_code == 303
    with_passkey = Visitor(client)
    assert with_passkey.add_passkey()[0].status_code == 200
    return client, mine, feed_path(client)


def test_a_google_account_of_another_account_is_refused_plainly(app, outlook) -> None:
    google_client, google_id, google_feed = google_account(app)
    visitor = address_user(app, outlook)
    mine = feed_path(visitor.client)
    ids = user_ids(app)

    answer = connect_google(visitor.client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/auth/merge"
    offer = visitor.client.get("/auth/merge")
    text = offer.get_data(as_text=True)
    assert offer.status_code == 409
    assert f"{TEST_EMAIL} is already connected to another calfeed account" in text
    assert "Nothing has changed." in text and "Merge into this account" in text
    assert user_ids(app) == ids  # nothing stored, nothing moved
    assert GOOGLE_INTERVIEW not in page(visitor.client)
    assert feed_path(visitor.client) == mine
    assert GOOGLE_INTERVIEW in page(google_client)  # the other account as it was

    csrf = token(visitor.client)
    cancelled = visitor.client.post("/auth/merge/cancel", data={"csrf_token": csrf})
    assert cancelled.status_code == 303
    assert "Nothing was merged" in page(visitor.client)
    late = visitor.client.post("/auth/merge", data={"csrf_token": token(visitor.client)})
    assert late.status_code == 400  # the offer is gone with the cancel
    assert user_ids(app) == ids


def test_a_confirmed_merge_keeps_one_account_feed_marks_and_corrections(app, outlook) -> None:
    google_client, google_id, google_feed = google_account(app)
    visitor = address_user(app, outlook)
    mine = feed_path(visitor.client)
    [me] = [u for u in user_ids(app) if u != google_id]
    connect_google(visitor.client)

    merged = visitor.client.post("/auth/merge", data={"csrf_token": token(visitor.client)})
    assert merged.status_code == 303 and merged.headers["Location"] == "/dashboard"
    assert user_ids(app) == [me]
    assert rows_of(app, google_id) == {}  # moved or deleted, every table
    dashboard = page(visitor.client)
    assert "The accounts are merged" in dashboard
    assert GOOGLE_INTERVIEW in dashboard and OUTLOOK_INTERVIEW in dashboard
    assert "Passkeys for this account: 2." in dashboard
    assert feed_path(visitor.client) == mine
    assert visitor.client.get(google_feed).status_code == 404  # the other feed address is gone
    with session_scope(runtime(app).sessions) as s:
        from calfeed.store import get_mark, get_user

        mark = get_mark(s, me, GOOGLE_KEY)
        assert mark.thank_you_sent and mark.company == "Acme Corp"
        user = get_user(s, me)
        assert user is not None and user.google_email == TEST_EMAIL and user.refresh_token_enc
        assert {p.user_id for p in s.scalars(select(Passkey))} == {me}
    feed = visitor.client.get(mine).data
    assert b"Check in: Acme Corp" in feed  # the correction
    assert b"Send thank-you: Acme Corp" not in feed  # the mark
    assert google_client.get("/dashboard").status_code == 303  # its session opens nothing now

    visitor.post("/auth/signout")  # Google alone now signs in to the merged account
    other = app.test_client()
    assert connect_google(other).status_code == 303
    assert user_ids(app) == [me] and feed_path(other) == mine


def test_a_merge_needs_the_offer_of_this_browser_and_user(app, outlook) -> None:
    google_account(app)
    visitor = address_user(app, outlook)
    ids = user_ids(app)
    bare = visitor.client.post("/auth/merge", data={"csrf_token": token(visitor.client)})
    assert bare.status_code == 400  # no offer made to this browser
    connect_google(visitor.client)
    stranger = address_user(app, outlook)  # another browser, another account
    refused = stranger.client.post("/auth/merge", data={"csrf_token": token(stranger.client)})
    assert refused.status_code == 400
    assert len(user_ids(app)) == len(ids) + 1


def test_a_google_user_connecting_another_google_account_is_refused(app, fake_google) -> None:
    client = app.test_client()
    connect_google(client)
    fake_google.add_user("budi@example.com", time_zone="Asia/Jakarta")
    fake_google.login_as = "budi@example.com"
    answer = connect_google(client)
    assert answer.status_code == 409
    assert "connected to another Google account" in answer.get_data(as_text=True)
    with session_scope(runtime(app).sessions) as s:
        assert sorted(s.scalars(select(User.google_email))) == [TEST_EMAIL]


def test_a_merge_offer_fits_in_a_cookie_whatever_the_calendar_list(
    app, outlook, fake_google
) -> None:
    for n in range(80):  # a long calendar list comes with every consent
        fake_google.add_calendar(
            TEST_EMAIL, f"team-{n}@group.calendar.google.com", f"Team {n} " * 4
        )
    google_account(app)
    visitor = address_user(app, outlook)
    answer = connect_google(visitor.client)
    assert answer.headers["Location"] == "/auth/merge"
    cookie = visitor.cookie()
    assert cookie is not None and len(cookie) < 4000, len(cookie or "")
    merged = visitor.client.post("/auth/merge", data={"csrf_token": token(visitor.client)})
    assert merged.status_code == 303 and len(user_ids(app)) == 1
    with session_scope(runtime(app).sessions) as s:
        from calfeed.store import Calendar

        assert s.query(Calendar).count() == 81  # the other account's list moved with it


def test_in_the_demo_google_never_joins_the_shared_demo_user(
    google_env, db_url, now, fake_google
) -> None:
    env = dict(google_env, CALFEED_DATABASE_URL=db_url, CALFEED_DEMO="1")
    demo = make_app(load_config(env), now)
    client = demo.test_client()
    assert client.get("/dashboard").status_code == 200  # every visitor is the demo user
    assert connect_google(client).status_code == 303
    with session_scope(runtime(demo).sessions) as s:
        emails = set(s.scalars(select(User.google_email)))
    assert emails == {None, TEST_EMAIL}  # the demo user as it was, and a Google account
