"""Anonymous visitors can't grow the tables without bound (issue 7, point 9), passkey sign-ups
included (issue 11): at most CALFEED_SIGNUPS_PER_HOUR accounts an hour, all clients together."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from calfeed.store import passkeys as db
from calfeed.store import session_scope
from calfeed.web.runtime import runtime
from tests.support.web import make_app, seed_user, web_config

QUARTER = timedelta(minutes=15)


def _options(client, csrf_token):
    token = csrf_token(client, "/")
    return client.post(
        "/passkeys/signup/options",
        json={"address": "https://calendar.example.com/secret.ics", "name": "Work"},
        headers={"X-CSRFToken": token},
    )


def test_passkey_sign_ups_stop_at_the_hourly_bound(db_url: str, tmp_path: Path, now, csrf_token):
    app = make_app(web_config(db_url, tmp_path / "instance", signups_per_hour=2), now)
    alice = seed_user(app, "alice@example.com", now)
    client = app.test_client()
    assert _options(client, csrf_token).status_code == 200  # under the bound

    with session_scope(runtime(app).sessions) as s:
        for n, age in enumerate((timedelta(minutes=5), timedelta(minutes=50))):
            db.add_passkey(
                s, alice.id, credential_id=f"c{n}", user_handle="h", public_key=b"k",
                sign_count=0, now=now - age,
            )  # fmt: skip
    refused = _options(client, csrf_token)
    assert refused.status_code == 429
    assert "Too many new accounts" in refused.get_data(as_text=True)

    # a quarter of an hour on, the passkey made 50 minutes ago no longer counts: room again
    later = make_app(web_config(db_url, tmp_path / "instance", signups_per_hour=2), now + QUARTER)
    assert _options(later.test_client(), csrf_token).status_code == 200
