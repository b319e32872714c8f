"""Google push notifications end to end, over real HTTP both ways.

The app is served on a loopback port and `CALFEED_BASE_URL` points at it; the fake Google opens
watch channels, posts notifications with Google's headers to `/google/notify`, and stops channels.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from calfeed.background import push, reads
from calfeed.config import load_config
from calfeed.core.rules import follow_up_uid
from calfeed.store import background as bg
from calfeed.store import count_events, select_calendars, session_scope
from calfeed.web import service
from calfeed.web.app import build_app
from calfeed.web.runtime import jobs, runtime
from tests.support.background import LiveApp, connect, free_port, real_now, wait_for
from tests.support.factories import google_event
from tests.support.fake_google import FakeGoogle

EMAIL = "ana@example.com"


def _event(n: int) -> dict:
    start = real_now().replace(microsecond=0) + timedelta(days=2, hours=n % 24)
    return google_event(f"Interview with Jane Doe (Acme {n}) - Analyst", start, event_id=f"ev{n}")


@pytest.fixture
def live(google_env, sqlite_db_url, request):
    """An app on a real port whose CALFEED_BASE_URL is that port; `queue` param: immediate or
    the embedded SQLite queue with worker threads in this process."""
    port = free_port()
    env = dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url)
    env["CALFEED_BASE_URL"] = f"http://127.0.0.1:{port}"
    if getattr(request, "param", "immediate") == "sqlite":
        env.pop("CALFEED_QUEUE_URL")
    app = build_app(load_config(env))
    server = LiveApp(app).start(port)
    consumer = None if jobs(app).immediate else jobs(app).start_in_process(workers=2)
    yield app
    if consumer is not None:
        consumer.stop()
        jobs(app).flush()
    server.stop()


def _connected(app, fake: FakeGoogle) -> int:
    rt = runtime(app)
    user = connect(fake, rt.config, rt.sessions, EMAIL)
    jobs(app).request_read(user)
    return user


def _event_reads(fake: FakeGoogle) -> list:
    return [r for r in fake.api_requests() if r.path.endswith("/events")]


def test_a_read_opens_a_channel_and_google_confirms_it(live, fake_google: FakeGoogle):
    user = _connected(live, fake_google)
    channels = fake_google.channels()
    assert len(channels) == 1
    (channel,) = channels.values()
    assert channel["address"] == runtime(live).config.base_url + "/google/notify"
    assert channel["calendar_id"] == EMAIL and len(channel["token"]) >= 32
    with session_scope(runtime(live).sessions) as s:
        (stored,) = bg.channels_for_user(s, user)
        assert stored.resource_id == channel["resource_id"]
        assert channel["token"] not in stored.token_hash  # only its hash is kept
    fake_google.flush_notifications()
    assert fake_google.notifications == [(channel["id"], "sync", 200)]


def test_a_change_at_google_reaches_the_feed_by_notification(live, fake_google: FakeGoogle):
    user = _connected(live, fake_google)
    rt = runtime(live)
    token = service.feed_token(rt.sessions, rt.cipher, user, real_now())
    fake_google.put_event(EMAIL, _event(7))
    fake_google.flush_notifications()
    uid = follow_up_uid(EMAIL, "ev7", "thank-you").encode()
    feed = f"{rt.config.base_url}/feeds/{token}.ics"
    wait_for(lambda: uid in requests.get(feed, timeout=5).content, timeout=10)


@pytest.mark.parametrize(
    "change",
    [
        {"X-Goog-Channel-ID": "unknown-channel"},
        {"X-Goog-Channel-Token": "not-the-token"},
        {"X-Goog-Resource-ID": "someone-elses-resource"},
        {"X-Goog-Channel-Token": ""},
    ],
)
def test_unknown_or_forged_notifications_get_404_and_start_no_read(
    live, fake_google: FakeGoogle, change
):
    user = _connected(live, fake_google)
    (channel,) = fake_google.channels().values()
    headers = {
        "X-Goog-Channel-ID": channel["id"],
        "X-Goog-Channel-Token": channel["token"],
        "X-Goog-Resource-ID": channel["resource_id"],
        "X-Goog-Resource-State": "exists",
        "X-Goog-Message-Number": "2",
        **change,
    }
    fake_google.flush_notifications()
    fake_google.reset_requests()
    with session_scope(runtime(live).sessions) as s:
        before = s.get(bg.SyncRequest, user).wanted
    url = runtime(live).config.base_url + "/google/notify"
    assert requests.post(url, headers=headers, timeout=5).status_code == 404
    assert fake_google.api_requests() == []
    with session_scope(runtime(live).sessions) as s:
        assert s.get(bg.SyncRequest, user).wanted == before
    genuine = {**headers, **{k: channel[v] for k, v in _REAL.items()}}
    assert requests.post(url, headers=genuine, timeout=5).status_code == 200


_REAL = {
    "X-Goog-Channel-ID": "id",
    "X-Goog-Channel-Token": "token",
    "X-Goog-Resource-ID": "resource_id",
}


@pytest.mark.parametrize("live", ["sqlite"], indirect=True)
def test_ten_notifications_in_a_second_make_one_read(live, fake_google: FakeGoogle):
    user = _connected(live, fake_google)
    rt = runtime(live)
    wait_for(lambda: reads.status(rt.sessions, user).last_read_at is not None)
    wait_for(lambda: fake_google.channels())
    (channel_id,) = fake_google.channels()
    fake_google.flush_notifications()
    fake_google.reset_requests()
    started = time.monotonic()
    for _ in range(10):
        fake_google.notify(channel_id)
    fake_google.flush_notifications()
    assert time.monotonic() - started < 1.0
    assert all(status == 200 for _, _, status in fake_google.notifications[-10:])
    wait_for(lambda: _event_reads(fake_google), timeout=15)
    time.sleep(2.5)  # a second read, if any, would have started by now
    assert len(_event_reads(fake_google)) == 1


def test_deselecting_a_calendar_stops_its_channel(live, fake_google: FakeGoogle):
    fake_google.add_calendar(EMAIL, "work@group.calendar.google.com", "Work")
    user = _connected(live, fake_google)
    rt = runtime(live)
    from calfeed.background import sync

    sync.refresh_calendar_list(rt.sessions, user, config=rt.config, now=real_now())
    with session_scope(rt.sessions) as s:
        select_calendars(s, user, [EMAIL, "work@group.calendar.google.com"], real_now())
    jobs(live).request_read(user)
    assert sorted(c["calendar_id"] for c in fake_google.channels().values()) == sorted(
        [EMAIL, "work@group.calendar.google.com"]
    )
    with session_scope(rt.sessions) as s:
        select_calendars(s, user, [EMAIL], real_now())
    jobs(live).request_read(user)
    assert [c["calendar_id"] for c in fake_google.channels().values()] == [EMAIL]
    with session_scope(rt.sessions) as s:
        assert [c.calendar_id for c in bg.channels_for_user(s, user)] != []
        assert s.scalar(select(func.count()).select_from(bg.WatchChannel)) == 1


def test_disconnect_stops_every_channel(live, fake_google: FakeGoogle):
    user = _connected(live, fake_google)
    assert fake_google.channels()
    client = live.test_client()
    _sign_in(client, user)
    page = client.get("/dashboard").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/auth/disconnect", data={"csrf_token": token}).status_code == 303
    assert fake_google.channels() == {}


def test_channels_are_renewed_before_they_expire(live, fake_google: FakeGoogle):
    user = _connected(live, fake_google)
    (old,) = fake_google.channels()
    rt = runtime(live)
    with session_scope(rt.sessions) as s:
        s.execute(update(bg.WatchChannel).values(expires_at=real_now() + timedelta(hours=2)))
    assert jobs(live).sweep_now() == 1  # the sweep asks for a read, which renews
    channels = fake_google.channels()
    assert len(channels) == 1 and old not in channels
    with session_scope(rt.sessions) as s:
        (stored,) = bg.channels_for_user(s, user)
        assert stored.expires_at > real_now() + push.RENEW_BEFORE


def test_without_a_base_url_no_channel_is_opened(fake_google, google_env, sqlite_db_url):
    app = build_app(load_config(dict(google_env, CALFEED_DATABASE_URL=sqlite_db_url)))
    user = _connected(app, fake_google)
    with session_scope(runtime(app).sessions) as s:
        assert count_events(s, user) == 0  # the read ran; the calendar is empty
        assert bg.channels_for_user(s, user) == []
    assert fake_google.channels() == {}


def test_watched_users_get_a_daily_safety_net_read_others_every_interval(
    live, fake_google: FakeGoogle
):
    user = _connected(live, fake_google)
    rt = runtime(live)
    last = reads.status(rt.sessions, user).last_read_at
    assert last is not None
    interval = timedelta(seconds=rt.config.refresh_interval)
    assert reads.sweep(rt.sessions, rt.config, last + interval + timedelta(minutes=1)) == []
    day = last + reads.WATCHED_INTERVAL + timedelta(minutes=1)
    assert reads.sweep(rt.sessions, rt.config, day) == [user]


def _sign_in(client, user_id: int) -> None:
    """A session as a sign-in leaves it (user id and session nonce)."""
    from calfeed.web import service
    from calfeed.web.runtime import runtime

    nonce = service.renew_session_nonce(runtime(client.application).sessions, user_id, keep=True)
    with client.session_transaction() as sess:
        sess["uid"] = user_id
        sess["sn"] = nonce
