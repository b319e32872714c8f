"""The stand-in Google's writes answer as Google documents, to google-api-python-client's requests.

calendars.insert/get/delete, events.insert/get/list/update/patch/delete on an app-created
calendar, the batch endpoint, and the error shapes: 409 duplicate, 412 conditionNotMet, 410
deleted, 404 notFound for a calendar that is gone, 403 rateLimitExceeded from the limiter and
403 insufficientPermissions without the write scope.
"""

from __future__ import annotations

import httplib2
import pytest
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from calfeed.adapters.google import SCOPES, WRITE_SCOPE, user_credentials
from calfeed.adapters.google_write import batch_uri
from tests.support.google_fake import TEST_EMAIL

BODY = {
    "id": "abcdefghij0123456789",
    "summary": "Send thank-you",
    "start": {"dateTime": "2026-11-27T12:00:00+07:00", "timeZone": "Asia/Jakarta"},
    "end": {"dateTime": "2026-11-27T12:15:00+07:00", "timeZone": "Asia/Jakarta"},
}


def _service(fake, config, scopes):
    refresh, _access = fake.issue_grant(TEST_EMAIL, scopes)
    http = AuthorizedHttp(user_credentials(config, refresh), http=httplib2.Http(timeout=5))
    service = build(
        "calendar",
        "v3",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": config.google_api_endpoint},
    )
    return service, http


def _reason(exc: HttpError) -> str:
    return exc.error_details[0]["reason"]


def test_calendars_and_events_round_trip(fake_google, google_config):
    service, http = _service(fake_google, google_config, [*SCOPES, WRITE_SCOPE])
    cal = service.calendars().insert(body={"summary": "Interview follow-ups"}).execute()
    assert service.calendars().get(calendarId=cal["id"]).execute()["summary"] == (
        "Interview follow-ups"
    )
    events = service.events()
    made = events.insert(calendarId=cal["id"], body=BODY).execute()
    assert made["id"] == BODY["id"] and made["etag"]
    with pytest.raises(HttpError) as taken:
        events.insert(calendarId=cal["id"], body=BODY).execute()
    assert taken.value.status_code == 409 and _reason(taken.value) == "duplicate"
    patched = events.patch(
        calendarId=cal["id"], eventId=BODY["id"], body={"summary": "Patched"}
    ).execute()
    assert patched["summary"] == "Patched" and patched["etag"] != made["etag"]
    stale = events.update(calendarId=cal["id"], eventId=BODY["id"], body=BODY)
    stale.headers["If-Match"] = made["etag"]
    with pytest.raises(HttpError) as changed:
        stale.execute()
    assert changed.value.status_code == 412 and _reason(changed.value) == "conditionNotMet"
    listed = events.list(calendarId=cal["id"]).execute()["items"]
    assert [e["id"] for e in listed] == [BODY["id"]]
    events.delete(calendarId=cal["id"], eventId=BODY["id"]).execute()
    with pytest.raises(HttpError) as deleted:
        events.delete(calendarId=cal["id"], eventId=BODY["id"]).execute()
    assert deleted.value.status_code == 410 and _reason(deleted.value) == "deleted"
    assert events.get(calendarId=cal["id"], eventId=BODY["id"]).execute()["status"] == ("cancelled")
    service.calendars().delete(calendarId=cal["id"]).execute()
    with pytest.raises(HttpError) as gone:
        events.insert(calendarId=cal["id"], body=BODY).execute()
    assert gone.value.status_code == 404 and _reason(gone.value) == "notFound"


def test_the_batch_endpoint_answers_each_part(fake_google, google_config):
    service, http = _service(fake_google, google_config, [*SCOPES, WRITE_SCOPE])
    cal = service.calendars().insert(body={"summary": "Interview follow-ups"}).execute()
    answers: dict[str, tuple] = {}
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: answers.__setitem__(rid, (resp, exc)),
        batch_uri=batch_uri(google_config),
    )
    for n in range(3):
        body = {**BODY, "id": f"batchevent{n}"}
        batch.add(service.events().insert(calendarId=cal["id"], body=body), request_id=str(n))
    batch.add(service.events().insert(calendarId=cal["id"], body={**BODY, "id": "batchevent0"}))
    batch.execute(http=http)
    assert [answers[str(n)][0]["id"] for n in range(3)] == [f"batchevent{n}" for n in range(3)]
    (duplicate,) = [exc for resp, exc in answers.values() if exc is not None]
    assert duplicate.status_code == 409
    assert fake_google.batch_sizes == [4]


def test_writing_needs_the_write_scope_and_the_limiter_answers_403(fake_google, google_config):
    service, _http = _service(fake_google, google_config, list(SCOPES))
    with pytest.raises(HttpError) as refused:
        service.calendars().insert(body={"summary": "x"}).execute()
    assert refused.value.status_code == 403 and _reason(refused.value) == "insufficientPermissions"
    fake_google.limit_rate(1, 60.0)
    service.calendarList().list().execute()
    with pytest.raises(HttpError) as limited:
        service.calendarList().list().execute()
    assert limited.value.status_code == 403 and _reason(limited.value) == "rateLimitExceeded"
    assert fake_google.rate_limited == 1
