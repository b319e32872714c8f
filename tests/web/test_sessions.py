"""A session opens only its own live account, on SQLite and PostgreSQL.

Before: on SQLite a cookie kept from a deleted account opened the next account created (its
`users.id` was reused), showing that account's feed address and letting it rotate it. Now the
cookie holds a per-user nonce checked on every request, renewed at sign-in and sign-out, and ids
are never reused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from calfeed import store
from calfeed.store import User, make_engine, session_scope
from calfeed.web.runtime import runtime
from tests.support.google_fake import TEST_EMAIL
from tests.support.web import CSRF_RE, make_app, seed_user, signed_in, web_config
from tests.web.test_web_auth import consent, start


@pytest.fixture
def app_on(db_url: str, tmp_path: Path, now):
    return make_app(web_config(db_url, tmp_path / "instance"), now)


def post(client, path: str, page: str = "/settings", **form: str):
    token = CSRF_RE.search(client.get(page).get_data(as_text=True))
    assert token, "no CSRF token on " + page
    return client.post(path, data={"csrf_token": token.group(1), **form})


def cookie_of(client) -> str:
    cookie = client.get_cookie("calfeed_session")
    assert cookie is not None
    return cookie.value


def with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("calfeed_session", value)
    return other


def test_a_deleted_accounts_cookie_opens_no_later_account(app_on, now) -> None:
    alice = seed_user(app_on, "alice@example.com", now)
    client = signed_in(app_on.test_client(), alice)
    assert client.get("/dashboard").status_code == 200
    kept = cookie_of(client)
    assert post(client, "/auth/disconnect").status_code == 303

    carol = seed_user(app_on, "carol@example.com", now)
    assert carol.id != alice.id  # never reused, SQLite included
    signed_in(app_on.test_client(), carol)  # carol has a live session of her own
    thief = with_cookie(app_on, kept)
    answer = thief.get("/dashboard")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert carol.token not in thief.get("/dashboard", follow_redirects=True).get_data(as_text=True)
    assert thief.post("/dashboard/rotate").status_code in (302, 303, 400)
    with session_scope(runtime(app_on).sessions) as s:
        assert s.get(User, carol.id).feed_token_hash is not None
    assert app_on.test_client().get(carol.feed_path).status_code == 200  # not rotated


def test_even_a_reused_id_does_not_open_for_an_old_cookie(app_on, now) -> None:
    """Belt and braces: should an id come back (restored backup, manual SQL), the nonce differs."""
    alice = seed_user(app_on, "alice@example.com", now)
    client = signed_in(app_on.test_client(), alice)
    kept = cookie_of(client)
    sessions = runtime(app_on).sessions
    with session_scope(sessions) as s:
        store.delete_user(s, alice.id)
    with session_scope(sessions) as s:
        s.execute(
            insert(User).values(
                id=alice.id,
                google_email="mallory-victim@example.com",
                granted_scopes="",
                needs_reconnect=False,
                settings_json="{}",
                data_version=0,
                created_at=now,
                updated_at=now,
                session_nonce="a-fresh-nonce-of-the-new-account",
            )
        )
    assert with_cookie(app_on, kept).get("/dashboard").status_code == 303


def test_sign_out_ends_this_and_every_copied_session(app_on, now) -> None:
    alice = seed_user(app_on, "alice@example.com", now)
    client = signed_in(app_on.test_client(), alice)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'action="/auth/signout"' in page and "Sign out" in page
    copy = with_cookie(app_on, cookie_of(client))
    assert copy.get("/dashboard").status_code == 200
    answer = post(client, "/auth/signout", page="/dashboard")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert "Signed out." in client.get("/").get_data(as_text=True)
    assert client.get("/dashboard").status_code == 303
    assert copy.get("/dashboard").status_code == 303
    assert app_on.test_client().get(alice.feed_path).status_code == 200  # the feed lives on


def test_sign_out_needs_the_csrf_token(app_on, now) -> None:
    alice = seed_user(app_on, "alice@example.com", now)
    app_on.config["WTF_CSRF_ENABLED"] = True
    client = signed_in(app_on.test_client(), alice)
    assert client.post("/auth/signout").status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_sign_in_renews_the_nonce(google_env, db_url, now) -> None:
    from calfeed.config import load_config

    app = make_app(load_config(dict(google_env, CALFEED_DATABASE_URL=db_url)), now)
    first = app.test_client()
    assert first.get(consent(start(first))).status_code == 303
    assert first.get("/dashboard").status_code == 200
    second = app.test_client()
    assert second.get(consent(start(second))).status_code == 303
    assert second.get("/dashboard").status_code == 200
    assert first.get("/dashboard").status_code == 303  # the earlier sign-in's cookie is done
    with session_scope(runtime(app).sessions) as s:
        assert s.scalar(select(User.google_email)) == TEST_EMAIL


def test_sqlite_migration_keeps_rows_and_adds_autoincrement(tmp_path: Path, now) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    store.upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, google_email, granted_scopes, needs_reconnect,"
                " settings_json, data_version, created_at, updated_at)"
                " VALUES (7, 'old@example.com', '', 0, '{}', 0, :t, :t)"
            ),
            {"t": now.isoformat()},
        )
        conn.execute(
            text(
                'INSERT INTO calendars (user_id, google_id, summary, "primary", selected)'
                " VALUES (7, 'old@example.com', 'Old', 1, 1)"
            )
        )
    store.upgrade(url)
    with engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM calendars WHERE user_id = 7")) == 1
        ddl = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
        assert "AUTOINCREMENT" in ddl.upper()
        conn.execute(text("DELETE FROM users WHERE id = 7"))
        assert conn.scalar(text("SELECT count(*) FROM calendars")) == 0  # cascades still work
        conn.execute(
            text(
                "INSERT INTO users (google_email, granted_scopes, needs_reconnect,"
                " settings_json, data_version, created_at, updated_at)"
                " VALUES ('new@example.com', '', 0, '{}', 0, :t, :t)"
            ),
            {"t": now.isoformat()},
        )
        assert conn.scalar(text("SELECT id FROM users")) == 8
    engine.dispose()
