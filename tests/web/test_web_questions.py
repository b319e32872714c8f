"""Rule D9 on the web: the dashboard asks about events calfeed is unsure of, keeps the answer
like a correction, and learns from it (rule E5); answers are the user's alone and leave with
the account."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from icalendar import Calendar

from calfeed import store
from calfeed.demo import sample_payload
from calfeed.store import session_scope
from calfeed.store.answers import ReadingAnswer
from calfeed.web.demo_seed import _record
from calfeed.web.runtime import runtime
from tests.support.web import signed_in

UNSURE_ID = "unsure0telponhrd"
TITLE = "Telpon HRD Indomarco"


def unsure_item(now: datetime, event_id: str = UNSURE_ID, title: str = TITLE) -> dict:
    start = (now + timedelta(days=2)).replace(hour=3, minute=0, second=0, microsecond=0)
    return {
        "kind": "calendar#event",
        "id": event_id,
        "status": "confirmed",
        "summary": title,
        "updated": "2026-11-20T08:12:45.301Z",
        "iCalUID": f"{event_id}@google.com",
        "organizer": {"email": "hrd@indomarco.co.id", "displayName": "HRD Indomarco"},
        "attendees": [
            {"email": "hrd@indomarco.co.id", "organizer": True, "responseStatus": "accepted"},
            {"email": "alice@example.com", "self": True, "responseStatus": "accepted"},
        ],
        "start": {"dateTime": start.isoformat(), "timeZone": "Asia/Jakarta"},
        "end": {
            "dateTime": (start + timedelta(minutes=30)).isoformat(),
            "timeZone": "Asia/Jakarta",
        },
    }


def add_items(app, now: datetime, email: str, *items: dict) -> None:
    """The user's calendar read again with `items` added (what a Google read would store)."""
    payload = sample_payload(now.date())
    with session_scope(runtime(app).sessions) as s:
        (calendar,) = [c for c in s.query(store.Calendar).all() if c.google_id == email]
        zone = payload.get("timeZone") or "UTC"
        records = [_record(item, email, zone) for item in [*payload["items"], *items]]
        store.replace_events(s, calendar, [r for r in records if r.google_id])
        store.bump_data_version(s, calendar.user_id, now)


def answer(client, token: str, key: str, choice: str, company: str = "", position: str = ""):
    data = {"csrf_token": token, "event": key, "answer": choice}
    data |= {"company": company, "position": position}
    return client.post("/dashboard/answer", data=data)


def summaries(feed: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(feed).walk("VEVENT")]


def related(feed: bytes, event_id: str) -> list[str]:
    cal = Calendar.from_ical(feed)
    return [
        str(e["SUMMARY"])
        for e in cal.walk("VEVENT")
        if str(e.get("RELATED-TO")) == f"{event_id}@google.com"
    ]


def test_d9_the_dashboard_asks_and_the_feed_waits(app, client, alice, now):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, alice)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Is this one of your job interviews?" in page
    section = page.split('class="questions"', 1)[1].split("</section>", 1)[0]
    assert TITLE in section and 'value="Indomarco"' in section
    assert related(client.get(alice.feed_path).data, UNSURE_ID) == []  # no follow-ups yet
    # near the top: after the day's actions, before the interview cards
    assert page.index('class="questions"') < page.index('class="card interview"')


def test_d9_yes_with_an_edited_company_gives_follow_ups(app, client, alice, now, csrf_token):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, alice)
    key = f"{alice.email}/{UNSURE_ID}"
    r = answer(client, csrf_token(client), key, "yes", "PT Indomarco Prismatama", "Kasir")
    assert r.status_code == 303
    found = related(client.get(alice.feed_path).data, UNSURE_ID)
    assert found and all("PT Indomarco Prismatama" in s for s in found)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'class="questions"' not in page
    with session_scope(runtime(app).sessions) as s:
        row = s.query(ReadingAnswer).filter_by(user_id=alice.id, event_key=key).one()
        assert (row.is_interview, row.company, row.organizer) == (
            True,
            "PT Indomarco Prismatama",
            "hrd@indomarco.co.id",
        )


def test_d9_no_removes_it_and_e5_stops_the_shape(app, client, alice, now, csrf_token):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, alice)
    assert answer(client, csrf_token(client), f"{alice.email}/{UNSURE_ID}", "no").status_code == 303
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'class="questions"' not in page
    # the same shape from the same sender, next week: neither taken nor asked (rule E5)
    add_items(app, now, alice.email, unsure_item(now), unsure_item(now, "unsure1again"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'class="questions"' not in page
    assert related(client.get(alice.feed_path).data, "unsure1again") == []


def test_d9_another_users_event_cannot_be_answered(app, client, alice, bob, now, csrf_token):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, bob)
    r = answer(client, csrf_token(client), f"{alice.email}/{UNSURE_ID}", "yes", "X", "Y")
    assert r.status_code == 400
    with session_scope(runtime(app).sessions) as s:
        assert s.query(ReadingAnswer).count() == 0


def test_d9_unknown_answer_is_refused(app, client, alice, now, csrf_token):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, alice)
    r = answer(client, csrf_token(client), f"{alice.email}/{UNSURE_ID}", "maybe")
    assert r.status_code == 400


def test_d9_too_long_a_company_is_refused_and_nothing_kept(app, client, alice, now, csrf_token):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, alice)
    r = answer(client, csrf_token(client), f"{alice.email}/{UNSURE_ID}", "yes", "x" * 500)
    assert r.status_code == 400
    assert 'aria-invalid="true"' in r.get_data(as_text=True)
    with session_scope(runtime(app).sessions) as s:
        assert s.query(ReadingAnswer).count() == 0


def test_d9_the_questions_in_indonesian(app, client, alice, now):
    add_items(app, now, alice.email, unsure_item(now))
    with session_scope(runtime(app).sessions) as s:
        settings = store.rule_settings_of(store.get_user(s, alice.id))
        store.set_rule_settings(s, alice.id, replace(settings, lang="id"), now)
    signed_in(client, alice)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Apakah ini salah satu wawancara kerja Anda?" in page
    assert "Ya, wawancara saya" in page


def test_e5_answers_leave_with_the_account(app, client, alice, now, csrf_token):
    add_items(app, now, alice.email, unsure_item(now))
    signed_in(client, alice)
    answer(client, csrf_token(client), f"{alice.email}/{UNSURE_ID}", "yes", "Indomarco", "")
    from calfeed.web import service

    service.delete_user(runtime(app).sessions, alice.id)
    with session_scope(runtime(app).sessions) as s:
        assert s.query(ReadingAnswer).filter_by(user_id=alice.id).count() == 0


def test_e5_not_an_interview_on_a_loop_stops_its_shape(app, client, alice, now, csrf_token):
    """The card's "Not an interview" on an employer's event teaches like a "no" (rule E5)."""

    def loop(event_id: str, candidate: str) -> dict:
        item = unsure_item(now, event_id, f"Interview: {candidate} - Frontend Intern")
        item["organizer"] = {"email": "sinta@lumina.io", "displayName": "Sinta"}
        item["attendees"][0] = {"email": "sinta@lumina.io", "organizer": True}
        return item

    add_items(app, now, alice.email, loop("loop0budi", "Budi Santoso"))
    signed_in(client, alice)
    assert related(client.get(alice.feed_path).data, "loop0budi")  # taken for hers at first
    r = client.post(
        "/dashboard/mark",
        data={
            "csrf_token": csrf_token(client),
            "event": f"{alice.email}/loop0budi",
            "mark": "not_interview",
            "value": "1",
        },
    )
    assert r.status_code == 303
    add_items(app, now, alice.email, loop("loop0budi", "Budi Santoso"), loop("loop1rina", "Rina"))
    assert related(client.get(alice.feed_path).data, "loop1rina") == []
