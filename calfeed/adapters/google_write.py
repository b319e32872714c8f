"""Calendar API v3 writes into the one secondary calendar calfeed created for a user.

Scope `calendar.app.created`: calfeed can create calendars and touch only those it created, never
the user's own events. Requests are built by google-api-python-client from the static discovery
document (as `google_api` does for reads), batches by its `BatchHttpRequest` against Google's
batch endpoint (`multipart/mixed`, at most 50 calls each: Google's advice for Calendar).

Every call first reserves its share of the project's quota (`calfeed.adapters.quota`), so the
workers together stay under Google's limits; should Google still answer 403 `rateLimitExceeded`
/ `userRateLimitExceeded`, 429 or 5xx, the call is retried with capped exponential backoff and
full jitter, never sooner than its `Retry-After`.

Answers that mean something to the caller become exceptions (calfeed.errors.GoogleError kinds):
409 `Duplicate` (the id is taken: the event is there), 412 `Changed` (the etag given in If-Match
is not the event's any more: someone else wrote it), 404/410 on an event `EventMissing`, 404 on
the calendar `CalendarGone`, 403 `insufficientPermissions` `WriteNotGranted`, a refused refresh
`ReauthorizationRequired`.
"""

from __future__ import annotations

import contextlib
import email.utils
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import BatchError, HttpError
from googleapiclient.http import BatchHttpRequest

from calfeed.adapters.google_api import (
    HTTP_TIMEOUT,
    CalendarGone,
    RetryPolicy,
    error_reason,
    retryable,
)
from calfeed.adapters.quota import Quota
from calfeed.config import Config
from calfeed.core.google_events import marker_of
from calfeed.errors import GoogleError, ReauthorizationRequired

__all__ = [
    "BATCH_LIMIT",
    "CalendarGone",
    "CalendarWriter",
    "Changed",
    "Duplicate",
    "EventMissing",
    "Op",
    "WriteNotGranted",
]

#: Google's batch endpoint takes up to 1000 calls, but advises at most 50 for Calendar
BATCH_LIMIT = 50
#: a worker may wait longer than a page would: a write is nobody's request
WRITE_RETRY = RetryPolicy(attempts=6, base=0.5, cap=16.0, max_wait=60.0, deadline=120.0)
DEFAULT_ROOT = "https://www.googleapis.com/"


class Duplicate(GoogleError):
    """HTTP 409 on insert: an event with this id already exists (perhaps deleted)."""


class Changed(GoogleError):
    """HTTP 412: the event's etag is not the one given in If-Match."""


class EventMissing(GoogleError):
    """HTTP 404 or 410 on an event: deleted (or never there)."""


class WriteNotGranted(GoogleError):
    """HTTP 403 insufficientPermissions: the user did not allow calfeed to write."""


@dataclass(frozen=True, slots=True)
class Op:
    """One event call: `kind` insert/update/delete/get, with its body and the If-Match etag."""

    kind: str
    event_id: str
    body: dict[str, Any] | None = None
    etag: str | None = None


def _retry_after(exc: HttpError) -> float:
    """Seconds Google asked us to wait (Retry-After: seconds or an HTTP date), else 0."""
    raw = exc.resp.get("retry-after") if exc.resp is not None else None
    if not raw:
        return 0.0
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _classify(exc: HttpError, *, event: bool) -> GoogleError | None:
    """The exception an answer means, or None when it is worth trying again."""
    status = exc.status_code
    if status == 409:
        return Duplicate("an event with this id already exists")
    if status == 412:
        return Changed("the event changed since calfeed wrote it")
    if status == 410 or (status == 404 and event):
        return EventMissing("the event is not there")
    if status == 404:
        return CalendarGone("calendar not found")
    if status == 403 and error_reason(exc) == "insufficientPermissions":
        return WriteNotGranted("writing to Google Calendar was not granted")
    if status == 401:
        return ReauthorizationRequired("Google refused the access token")
    if retryable(exc):
        return None
    return GoogleError(f"Google Calendar answered {status} {error_reason(exc)}".strip())


def batch_uri(config: Config) -> str:
    """Google's batch endpoint beside the configured API base (a stand-in in tests)."""
    endpoint = config.google_api_endpoint
    root = DEFAULT_ROOT
    if endpoint:
        root = endpoint.removesuffix("/").removesuffix("calendar/v3") or DEFAULT_ROOT
        root = root if root.endswith("/") else root + "/"
    return f"{root}batch/calendar/v3"


class CalendarWriter:
    """Writes one user's calfeed calendar. Not thread-safe: one per job."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        config: Config,
        quota: Quota,
        user_key: str,
        sleep: Callable[[float], None] | None = None,
        retry: RetryPolicy = WRITE_RETRY,
        rng: random.Random | None = None,
        timeout: float = HTTP_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.credentials = credentials
        self._quota = quota
        self._user = user_key
        self._sleep = sleep or time.sleep
        self._retry = retry
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
        options = (
            {"api_endpoint": config.google_api_endpoint} if config.google_api_endpoint else None
        )
        self._service = build(
            "calendar",
            "v3",
            http=self._http,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        self._batch_uri = batch_uri(config)
        #: HTTP requests sent (a batch is one) and Calendar API calls made (a batch's each)
        self.requests = 0
        self.calls = 0
        self._waited = 0.0
        self._clock = clock
        self._started = clock()

    # --- the retry loop -------------------------------------------------------------------------

    def _pause(self, attempt: int, at_least: float) -> bool:
        """Sleep before retry `attempt`; False when the retry budget is spent."""
        delay = max(self._retry.delay(attempt, self._rng), at_least)
        elapsed = self._clock() - self._started
        if (
            attempt + 1 >= self._retry.attempts
            or self._waited + delay > self._retry.max_wait
            or elapsed + delay > self._retry.deadline
        ):
            return False
        self._waited += delay
        self._sleep(delay)
        return True

    def _execute(self, request: Any, *, event: bool) -> dict[str, Any]:
        attempt = 0
        while True:
            self._quota.take(self._user)
            try:
                self.requests += 1
                self.calls += 1
                result = request.execute(num_retries=0)
                return result if isinstance(result, dict) else {}
            except HttpError as exc:
                meaning = _classify(exc, event=event)
                if meaning is not None:
                    raise meaning from exc
                if not self._pause(attempt, _retry_after(exc)):
                    raise GoogleError(
                        f"Google Calendar answered {exc.status_code} {error_reason(exc)}".strip()
                    ) from exc
            except RefreshError as exc:
                raise ReauthorizationRequired("Google no longer accepts this grant") from exc
            except (TimeoutError, OSError, httplib2.HttpLib2Error, TransportError) as exc:
                if not self._pause(attempt, 0.0):
                    raise GoogleError(f"Google did not answer: {type(exc).__name__}") from exc
            attempt += 1

    # --- the calendar ---------------------------------------------------------------------------

    def create_calendar(self, body: dict[str, Any]) -> str:
        """calendars.insert: the new calendar's id."""
        answer = self._execute(self._service.calendars().insert(body=body), event=False)
        calendar_id = answer.get("id")
        if not isinstance(calendar_id, str) or not calendar_id:
            raise GoogleError("Google created a calendar without an id")
        return calendar_id

    def rename_calendar(self, calendar_id: str, body: dict[str, Any]) -> None:
        """calendars.patch: the calendar's name and description (CalendarGone on 404)."""
        self._execute(
            self._service.calendars().patch(calendarId=calendar_id, body=body), event=False
        )

    def calendar_exists(self, calendar_id: str) -> bool:
        """calendars.get: False on 404 (the user deleted it)."""
        try:
            self._execute(self._service.calendars().get(calendarId=calendar_id), event=False)
        except CalendarGone:
            return False
        return True

    def delete_calendar(self, calendar_id: str) -> None:
        """calendars.delete; a calendar already gone counts as deleted."""
        with contextlib.suppress(CalendarGone, EventMissing):
            self._execute(self._service.calendars().delete(calendarId=calendar_id), event=False)

    def find_calendar(self, marker: str) -> str | None:
        """The id of the calendar whose description holds `marker` (one calfeed created for this
        user and did not get to store), from the user's calendar list; None when there is none."""
        page_token: str | None = None
        while True:
            answer = self._execute(
                self._service.calendarList().list(
                    maxResults=250, pageToken=page_token, minAccessRole="owner"
                ),
                event=False,
            )
            for item in answer.get("items") or []:
                if isinstance(item, dict) and marker_of(item.get("description")) == marker:
                    return str(item["id"])
            page_token = answer.get("nextPageToken")
            if not page_token:
                return None

    # --- events ---------------------------------------------------------------------------------

    def _request(self, calendar_id: str, op: Op) -> Any:
        events = self._service.events()
        if op.kind == "insert":
            request = events.insert(calendarId=calendar_id, body=op.body)
        elif op.kind == "update":
            request = events.update(calendarId=calendar_id, eventId=op.event_id, body=op.body)
        elif op.kind == "delete":
            request = events.delete(calendarId=calendar_id, eventId=op.event_id)
        elif op.kind == "get":
            request = events.get(calendarId=calendar_id, eventId=op.event_id)
        else:
            raise ValueError(f"unknown event call {op.kind!r}")
        if op.etag and op.kind in ("update", "delete"):
            request.headers["If-Match"] = op.etag  # Google's conditional modification: 412
        return request

    def call(self, calendar_id: str, op: Op) -> dict[str, Any]:
        """One event call on its own; raises the exceptions of the module docstring."""
        return self._execute(self._request(calendar_id, op), event=True)

    def list_events(self, calendar_id: str) -> list[dict[str, Any]]:
        """Every event of calfeed's calendar, deleted ones included (showDeleted)."""
        items: list[dict[str, Any]] = []
        page_token: str | None = None
        while True:
            answer = self._execute(
                self._service.events().list(
                    calendarId=calendar_id,
                    maxResults=2500,
                    showDeleted=True,
                    pageToken=page_token,
                ),
                event=False,
            )
            items.extend(i for i in answer.get("items") or [] if isinstance(i, dict))
            page_token = answer.get("nextPageToken")
            if not page_token:
                return items

    def batch(self, calendar_id: str, ops: Sequence[Op]) -> list[dict[str, Any] | GoogleError]:
        """Many event calls in batches of at most BATCH_LIMIT; per call its answer or the
        exception it means. Calls Google asks to retry go again (alone in a later batch, after
        backoff) until the retry budget is spent, then come back as GoogleError."""
        results: dict[int, dict[str, Any] | GoogleError] = {}
        pending = list(range(len(ops)))
        attempt = 0
        while pending:
            retry: list[int] = []
            at_least = 0.0
            for start in range(0, len(pending), BATCH_LIMIT):
                chunk = pending[start : start + BATCH_LIMIT]
                answers, failed, wait = self._one_batch(calendar_id, ops, chunk)
                results.update(answers)
                retry.extend(failed)
                at_least = max(at_least, wait)
            pending = retry
            if pending and not self._pause(attempt, at_least):
                for index in pending:
                    results[index] = GoogleError("Google Calendar kept refusing; tried later")
                break
            attempt += 1
        return [results[i] for i in range(len(ops))]

    def _one_batch(
        self, calendar_id: str, ops: Sequence[Op], chunk: Sequence[int]
    ) -> tuple[dict[int, dict[str, Any] | GoogleError], list[int], float]:
        answers: dict[int, dict[str, Any] | GoogleError] = {}
        failed: list[int] = []
        wait = 0.0

        def done(request_id: str, response: Any, exception: HttpError | None) -> None:
            nonlocal wait
            index = int(request_id)
            if exception is None:
                answers[index] = response if isinstance(response, dict) else {}
                return
            meaning = _classify(exception, event=True)
            if meaning is None:
                failed.append(index)
                wait = max(wait, _retry_after(exception))
            else:
                answers[index] = meaning

        batch = BatchHttpRequest(callback=done, batch_uri=self._batch_uri)
        for index in chunk:
            batch.add(self._request(calendar_id, ops[index]), request_id=str(index))
        self._quota.take(self._user, len(chunk))
        self.requests += 1
        self.calls += len(chunk)
        try:
            batch.execute(http=self._http)
        except HttpError as exc:  # the batch request itself (not one of its calls) failed
            meaning = _classify(exc, event=False)
            if meaning is not None and not isinstance(meaning, CalendarGone):
                raise meaning from exc
            return {}, list(chunk), _retry_after(exc)
        except RefreshError as exc:
            raise ReauthorizationRequired("Google no longer accepts this grant") from exc
        except (BatchError, TimeoutError, OSError, httplib2.HttpLib2Error, TransportError):
            return {}, list(chunk), 0.0
        missing = [i for i in chunk if i not in answers and i not in failed]
        return answers, failed + missing, wait
