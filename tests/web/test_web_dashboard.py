"""The dashboard: the feed address and links, interviews with drafts, marks and timelines."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from calfeed.store import Mark, User, session_scope
from calfeed.web import present
from calfeed.web.runtime import runtime
from tests.support.web import signed_in
from tests.web.test_web_feeds import JANE, vevents

JANE_KEY = f"alice@example.com/{JANE}"


def marks_of(app, user_id: int) -> list[tuple]:
    with session_scope(runtime(app).sessions) as s:
        rows = s.query(Mark).filter(Mark.user_id == user_id).all()
        return sorted(
            (r.event_key, r.thank_you_sent, r.heard_back, r.not_interview, r.timeline) for r in rows
        )


def data_version(app, user_id: int) -> int:
    with session_scope(runtime(app).sessions) as s:
        return s.get(User, user_id).data_version


def test_dashboard_needs_sign_in(client, alice):
    r = client.get("/dashboard")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Please connect Google Calendar first." in page


def test_dashboard_shows_feed_address_and_subscribe_links(app, client, alice):
    from dataclasses import replace

    rt = runtime(app)
    app.extensions["calfeed"] = replace(
        rt, config=replace(rt.config, base_url="https://calfeed.example")
    )
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    url = f"https://calfeed.example/feeds/{alice.token}.ics"
    assert f'value="{url}"' in page
    webcal = f"webcal://calfeed.example/feeds/{alice.token}.ics"
    assert f'href="{webcal}"' in page
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    assert f'href="{google}"' in page
    assert "<svg" in page and 'class="segno"' in page  # the QR code, inline
    assert "Apple Calendar" in page and "Outlook" in page and "Google Calendar" in page
    assert 'id="not-public"' not in page


def test_a_private_feed_address_says_google_cannot_reach_it(client, alice):
    """Localhost (and the demo, a private network) is out of Google's reach."""
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    webcal = f"webcal://localhost/feeds/{alice.token}.ics"
    assert f'href="{webcal}"' in page  # Apple Calendar / Outlook on this machine: yes
    assert "calendar.google.com" not in page  # no button that cannot work
    notice = page[page.index('id="not-public"') :]
    assert "Google Calendar" in notice[: notice.index("</p>")]


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("calfeed.example.com", True),
        ("8.8.8.8", True),
        ("localhost", False),
        ("demo.localhost", False),
        ("127.0.0.1", False),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("172.16.3.4", False),
        ("[::1]", False),
        ("fe80::1", False),
        ("myhost", False),
        ("printer.local", False),
        ("box.home.arpa", False),
    ],
)
def test_which_feed_hosts_google_can_reach(host, public):
    assert present.is_public_host(host) is public


def test_dashboard_lists_interviews_with_drafts(client, alice):
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    assert "Interview with Jane Doe (Acme) - Store Manager" in page
    assert "Thank-you note" in page and "Check-in" in page
    assert "rule T2" in page and "rule C1" in page
    assert 'href="mailto:jane.doe@acme.co.id?' in page
    assert 'data-copy="d-' in page  # a copy button per draft
    assert "within a week" in page  # the stated timeline read from the event


def test_dashboard_is_in_users_language(app, client, alice, csrf_token):
    from calfeed.store import settings_from_json, settings_to_json

    with session_scope(runtime(app).sessions) as s:
        user = s.get(User, alice.id)
        from dataclasses import replace

        user.settings_json = settings_to_json(
            replace(settings_from_json(user.settings_json), lang="id")
        )
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    assert '<html lang="id">' in page and "Tindak lanjut Anda" in page


def post_mark(client, token, key, mark, value="1"):
    return client.post(
        "/dashboard/mark", data={"csrf_token": token, "event": key, "mark": mark, "value": value}
    )


def test_mark_heard_back_removes_the_check_in_and_undo_restores(app, client, alice, csrf_token):
    signed_in(client, alice)
    token = csrf_token(client)
    r = post_mark(client, token, JANE_KEY, "heard_back")
    # back at the interview that changed, where "Saved." is shown
    anchor = present.anchor_of(JANE_KEY)
    assert r.status_code == 303 and r.headers["Location"] == f"/dashboard?saved={anchor}#{anchor}"
    feed = client.get(alice.feed_path).data
    assert ("check-in", f"{JANE}@google.com") not in vevents(feed)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    card = page[page.index(f'id="{anchor}"') :]
    card = card[: card.index("</article>")]
    assert "Undo heard back" in card and "Saved." in card
    assert page.count("Saved.") == 1
    post_mark(client, token, JANE_KEY, "heard_back", "0")
    assert ("check-in", f"{JANE}@google.com") in vevents(client.get(alice.feed_path).data)


def test_mark_thank_you_sent_removes_the_thank_you(client, alice, csrf_token):
    signed_in(client, alice)
    post_mark(client, csrf_token(client), JANE_KEY, "thank_you_sent")
    feed = vevents(client.get(alice.feed_path).data)
    assert ("thank-you", f"{JANE}@google.com") not in feed


def test_not_an_interview_and_restore(client, alice, csrf_token):
    signed_in(client, alice)
    token = csrf_token(client)
    post_mark(client, token, JANE_KEY, "not_interview")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Marked as not an interview" in page and "It is an interview" in page
    assert all(rel != f"{JANE}@google.com" for _, rel in vevents(client.get(alice.feed_path).data))
    post_mark(client, token, JANE_KEY, "not_interview", "0")
    assert ("thank-you", f"{JANE}@google.com") in vevents(client.get(alice.feed_path).data)


@pytest.mark.parametrize(
    ("key", "mark", "value"),
    [
        (JANE_KEY, "closed", "1"),  # not a mark the form may set
        (JANE_KEY, "heard_back", "yes"),
        (JANE_KEY, "", "1"),
        ("alice@example.com/no-such-event", "heard_back", "1"),
        ("no-slash", "heard_back", "1"),
        ("", "heard_back", "1"),
    ],
)
def test_bad_mark_is_400_and_changes_nothing(app, client, alice, csrf_token, key, mark, value):
    signed_in(client, alice)
    before = data_version(app, alice.id)
    r = post_mark(client, csrf_token(client), key, mark, value)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "Unknown action." in page or "That interview is not in your calendar." in page
    assert marks_of(app, alice.id) == [] and data_version(app, alice.id) == before


def test_missing_csrf_is_400_and_changes_nothing(app, client, alice):
    signed_in(client, alice)
    r = client.post("/dashboard/mark", data={"event": JANE_KEY, "mark": "heard_back", "value": "1"})
    assert r.status_code == 400
    assert "The form expired" in r.get_data(as_text=True)
    bad = client.post(
        "/dashboard/mark",
        data={"csrf_token": "forged", "event": JANE_KEY, "mark": "heard_back", "value": "1"},
    )
    assert bad.status_code == 400
    assert marks_of(app, alice.id) == []


def test_a_user_cannot_mark_another_users_interview(app, client, alice, bob, csrf_token):
    signed_in(client, alice)
    bobs_key = f"bob@example.com/{JANE}"
    r = post_mark(client, csrf_token(client), bobs_key, "heard_back")
    assert r.status_code == 400
    assert marks_of(app, bob.id) == [] and marks_of(app, alice.id) == []
    assert ("check-in", f"{JANE}@google.com") in vevents(client.get(bob.feed_path).data)


def test_a_user_sees_only_their_own_feed_address(client, alice, bob):
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    assert alice.token in page and bob.token not in page
    assert "bob@example.com" not in page


def check_in_start(feed: bytes) -> str:
    from icalendar import Calendar

    for ev in Calendar.from_ical(feed).walk("VEVENT"):
        if (
            str(ev["UID"]).startswith("check-in")
            and str(ev.get("RELATED-TO")) == f"{JANE}@google.com"
        ):
            return ev.decoded("DTSTART").isoformat()
    raise AssertionError("no check-in")


def test_set_timeline_moves_the_check_in_at_once(client, alice, csrf_token):
    signed_in(client, alice)
    before = check_in_start(client.get(alice.feed_path).data)
    token = csrf_token(client)
    r = client.post(
        "/dashboard/timeline", data={"csrf_token": token, "event": JANE_KEY, "timeline": "3 weeks"}
    )
    assert r.status_code == 303
    after = check_in_start(client.get(alice.feed_path).data)
    assert after > before
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'value="3 weeks"' in page
    client.post(
        "/dashboard/timeline", data={"csrf_token": token, "event": JANE_KEY, "timeline": ""}
    )
    assert check_in_start(client.get(alice.feed_path).data) == before


@pytest.mark.parametrize("text", ["soonish", "hear back someday"])
def test_bad_timeline_is_400_with_message_and_changes_nothing(app, client, alice, csrf_token, text):
    signed_in(client, alice)
    r = client.post(
        "/dashboard/timeline",
        data={"csrf_token": csrf_token(client), "event": JANE_KEY, "timeline": text},
    )
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "calfeed cannot read that timeline" in page and 'aria-invalid="true"' in page
    assert marks_of(app, alice.id) == []
    # beside its field, the field focused, the typed text kept
    field = page[page.index(f'id="{present.anchor_of(JANE_KEY)}-tl"') :]
    field = field[: field.index("</p>")]
    assert f'value="{text}"' in field and "autofocus" in field
    assert "calfeed cannot read that timeline" in field


def test_too_long_timeline_says_too_long_and_keeps_the_text(app, client, alice, csrf_token):
    signed_in(client, alice)
    text = "within " + "x" * 100
    r = client.post(
        "/dashboard/timeline",
        data={"csrf_token": csrf_token(client), "event": JANE_KEY, "timeline": text},
    )
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "Too long: at most 100 characters." in page and f'value="{text}"' in page
    assert marks_of(app, alice.id) == []


def test_rotate_from_dashboard(client, alice, csrf_token):
    signed_in(client, alice)
    r = client.post("/dashboard/rotate", data={"csrf_token": csrf_token(client)})
    assert r.status_code == 303
    assert client.get(alice.feed_path).status_code == 404
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    new = re.search(r'value="http://localhost(/feeds/[^"]+\.ics)"', page).group(1)
    assert new != alice.feed_path and client.get(new).status_code == 200
    assert "new address" in page


def test_rotate_needs_csrf(client, alice):
    signed_in(client, alice)
    assert client.post("/dashboard/rotate").status_code == 400
    assert client.get(alice.feed_path).status_code == 200


def test_pages_have_labels_for_every_input(client, alice):
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    ids = re.findall(r'<input id="([^"]+)"', page)
    assert ids
    for input_id in ids:
        assert f'for="{input_id}"' in page, input_id


def test_old_interview_stays_while_its_check_in_is_ahead(app, client, alice, csrf_token, now):
    from dataclasses import replace
    from datetime import timedelta

    signed_in(client, alice)
    data = {"csrf_token": csrf_token(client), "event": JANE_KEY, "timeline": "2 months"}
    assert client.post("/dashboard/timeline", data=data).status_code == 303
    later = now + timedelta(days=45)
    app.extensions["calfeed"] = replace(runtime(app), clock=lambda: later)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Interview with Jane Doe (Acme) - Store Manager" in page  # check-in still ahead
    assert "Phone screen: Globex" not in page  # long past, nothing pending


def test_dates_read_naturally_in_both_languages() -> None:
    """Babel's (CLDR) formats of each language, in the interview's zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from calfeed.web.present import _due, _when

    tz = ZoneInfo("Asia/Jakarta")
    start, end = datetime(2026, 11, 23, 10, 0, tzinfo=tz), datetime(2026, 11, 23, 11, 30, tzinfo=tz)
    jakarta = "Asia/Jakarta"
    assert _when(start, end, jakarta, "en") == "Mon, Nov 23, 2026, 10:00–11:30 (Asia/Jakarta)"
    assert _when(start, end, jakarta, "id") == "Sen, 23 Nov 2026, 10.00–11.30 (Asia/Jakarta)"
    # shown in the interview's own zone (rule Z1), whatever zone the instant arrives in
    due = datetime(2026, 12, 2, 3, 0, tzinfo=ZoneInfo("UTC"))
    assert _due(due, "Asia/Jakarta", "id") == "Rab, 2 Des 2026, 10.00 (Asia/Jakarta)"
    overnight = _when(start, datetime(2026, 11, 24, 1, 0, tzinfo=tz), "Asia/Jakarta", "en")
    assert overnight == "Mon, Nov 23, 2026, 10:00–Tue, Nov 24, 2026, 01:00 (Asia/Jakarta)"


def test_dashboard_opens_on_the_days_actions(client, alice):
    """The day's actions first: overdue and due today, then this week, then interviews."""
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    order = [page.index(h) for h in ("To do today", "Upcoming interviews", "Your calendar feed")]
    assert order == sorted(order)
    today = page[page.index("To do today") : page.index("Upcoming interviews")]
    assert "<details>" in today and "Open in e-mail app" in today  # drafts one click away


@pytest.mark.parametrize(
    ("hours", "en", "id_"),
    [
        (0.5, "due now", "jatuh tempo sekarang"),
        (1, "1 hour late", "terlambat 1 jam"),
        (5, "5 hours late", "terlambat 5 jam"),
        (30, "1 day late", "terlambat 1 hari"),
        (73, "3 days late", "terlambat 3 hari"),
    ],
)
def test_an_overdue_follow_up_says_how_late(hours, en, id_, now):
    from datetime import timedelta

    due = now - timedelta(hours=hours)
    assert present.late_by(due, now, "en") == en
    assert present.late_by(due, now, "id") == id_
    assert present.late_by(now + timedelta(minutes=1), now, "en") == ""


def test_notes_fit_where_they_are_read(client, alice, now):
    """Dashboard tips never send the user to the dashboard, nor ask for a recorded timeline."""
    page = signed_in(client, alice).get("/dashboard").get_data(as_text=True)
    tips = re.findall(r'<p class="notes">(.*?)</p>', page, re.S)
    assert tips
    assert not any("calfeed dashboard" in t or "dasbor calfeed" in t for t in tips)
    recorded = [t for t in tips if "They said you would hear back" in t]  # Jane: within a week
    assert recorded and not any("Did they say when" in t for t in recorded)
    # the timeline form says it is already recorded instead of asking for it
    jane = page[page.index(f'id="{present.anchor_of(JANE_KEY)}-tlh"') :]
    hint = jane[: jane.index("</p>")]
    assert "Already recorded from the event's notes: “within a week”" in hint
