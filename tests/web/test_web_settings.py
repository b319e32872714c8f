"""Settings: every field checked, all-or-nothing saves, calendars of one's own, disconnect."""

from __future__ import annotations

import pytest

from calfeed.store import Calendar, Event, Mark, User, session_scope
from calfeed.web.runtime import runtime
from tests.support.web import signed_in

GOOD = {
    "lang": "en",
    "time_zone": "Asia/Jakarta",
    "thank_you": "evening",
    "thank_you_delay": "30",
    "evening_at": "19:00",
    "grace_days": "3",
    "no_timeline_days": "10",
    "check_in_at": "09:30",
    "holiday_country": "ID",
    "keywords": "interview\nwawancara\ncoffee chat",
    "calendars": "alice@example.com",
}


def stored_settings(app, user_id):
    with session_scope(runtime(app).sessions) as s:
        return s.get(User, user_id).settings_json


def post(client, csrf_token, **changes):
    data = dict(GOOD, csrf_token=csrf_token(client, "/settings"), **changes)
    return client.post("/settings", data=data)


def test_settings_page_shows_current_values(client, alice):
    page = signed_in(client, alice).get("/settings").get_data(as_text=True)
    assert 'value="Asia/Jakarta"' in page
    assert 'name="thank_you" value="soon" checked' in page
    assert "wawancara" in page
    assert 'value="alice@example.com" checked' in page
    assert "Disconnect and delete everything" in page


def test_settings_need_sign_in(client):
    assert client.get("/settings").status_code == 303
    assert client.post("/settings", data=GOOD).status_code == 400  # CSRF first, nothing leaks


def test_save_settings_changes_the_feed(app, client, alice, csrf_token):
    signed_in(client, alice)
    before = client.get(alice.feed_path).data
    r = post(client, csrf_token)
    assert r.status_code == 303 and r.headers["Location"] == "/settings?saved=1#save"
    stored = stored_settings(app, alice.id)
    assert '"thank_you": "evening"' in stored and '"holiday_country": "ID"' in stored
    assert "coffee chat" in stored
    assert client.get(alice.feed_path).data != before


def test_language_setting_translates_pages(client, alice, csrf_token):
    signed_in(client, alice)
    r = post(client, csrf_token, lang="id")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert '<html lang="id">' in page and "Pengaturan" in page and "Tersimpan." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lang", "fr", "Choose English or Indonesian."),
        ("time_zone", "Mars/Olympus", "Unknown time zone."),
        ("thank_you", "never", "Choose soon or evening."),
        ("thank_you_delay", "500", "Enter a number of minutes from 0 to 180."),
        ("thank_you_delay", "abc", "Enter a number of minutes from 0 to 180."),
        ("evening_at", "23:00", "Enter a time from 17:00 to 20:00."),
        ("grace_days", "0", "Enter a number from 1 to 5."),
        ("no_timeline_days", "30", "Enter a number from 7 to 14."),
        ("check_in_at", "midnight", "Enter a time from 06:00 to 18:00."),
        ("holiday_country", "XX", "Unknown country."),
        ("keywords", "  \n ", "Enter at least one keyword"),
        ("calendars", "bob@example.com", "Choose at least one of your calendars."),
        ("keywords", "interview\n" + "k" * 61, "A keyword is too long"),
        ("time_zone", "Asia/" + "J" * 70, "Too long for a time zone name"),
    ],
)
def test_bad_value_is_400_with_message_and_nothing_changed(
    app, client, alice, bob, csrf_token, field, value, message
):
    signed_in(client, alice)
    before = stored_settings(app, alice.id)
    r = post(client, csrf_token, **{field: value})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "Nothing was changed." in page and message in page
    assert f'id="{field}-err"' in page
    assert stored_settings(app, alice.id) == before
    # the first field in error takes the focus; the summary links to it
    assert page.count("autofocus") == 1 and f'href="#{field}"' in page
    focused = page[: page.index("autofocus")]
    assert focused[focused.rindex("<") :].count(f'id="{field}"') == 1
    if field not in ("lang", "thank_you", "holiday_country", "calendars"):
        assert f'value="{value}"' in page or value in page  # the typed text kept


def test_settings_without_csrf_is_400(app, client, alice):
    signed_in(client, alice)
    before = stored_settings(app, alice.id)
    assert client.post("/settings", data=dict(GOOD, lang="id")).status_code == 400
    assert stored_settings(app, alice.id) == before


def test_disconnect_deletes_everything(app, client, alice, bob, csrf_token, monkeypatch):
    revoked: list[str] = []
    monkeypatch.setattr(
        "calfeed.background.sync.revoke", lambda config, t: revoked.append(t) or True
    )
    with session_scope(runtime(app).sessions) as s:
        s.get(User, alice.id).refresh_token_enc = runtime(app).cipher.encrypt("refresh-1")
    signed_in(client, alice)
    token = csrf_token(client, "/settings")
    client.post(
        "/dashboard/mark",
        data={
            "csrf_token": token,
            "event": "alice@example.com/5q2b7m0c1kq3v7h1l8vbn2e0s4",
            "mark": "heard_back",
            "value": "1",
        },
    )
    r = client.post("/auth/disconnect", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["Location"] == "/"
    assert revoked == ["refresh-1"]
    with session_scope(runtime(app).sessions) as s:
        assert s.get(User, alice.id) is None
        for model in (Calendar, Event, Mark):
            assert s.query(model).filter(model.user_id == alice.id).count() == 0
        assert s.get(User, bob.id) is not None
    assert client.get(alice.feed_path).status_code == 404
    assert client.get(bob.feed_path).status_code == 200
    assert "Everything calfeed stored about you is deleted" in client.get("/").get_data(
        as_text=True
    )
    assert client.get("/dashboard").status_code == 303  # the old session no longer signs in


def test_disconnect_needs_csrf(app, client, alice):
    signed_in(client, alice)
    assert client.post("/auth/disconnect").status_code == 400
    assert client.get(alice.feed_path).status_code == 200


def test_holiday_countries_are_listed_by_name() -> None:
    from calfeed.core.calendar_days import country_names, supported_countries

    names = country_names()
    assert names["ID"] == "Indonesia" and names["US"] == "United States"
    assert set(names) <= supported_countries() and len(names) > 100
    assert list(names.values()) == sorted(names.values())
