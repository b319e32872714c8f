"""Calendar API v3 reads for one user: calendar list, full and incremental event reads, retries.

One `CalendarClient` per sync call and thread: it owns an httplib2.Http (not thread-safe) and a
googleapiclient Resource built from the static discovery document (no discovery fetch at run time).
The API base comes from `CALFEED_GOOGLE_API_ENDPOINT` via `client_options["api_endpoint"]`.

Faults, as Google documents them, map to calfeed.errors:
- 429, 403 `rateLimitExceeded`/`userRateLimitExceeded`, 5xx, timeouts, dropped connections:
  retried with capped exponential backoff and full jitter, then GoogleError (a soft failure).
- 410 `fullSyncRequired` on a sync-token read: SyncTokenExpired (the caller reads in full).
- `invalid_grant` on refresh, 403 `insufficientPermissions`: ReauthorizationRequired.
- 404 on a calendar: CalendarGone.
- an answer that is not the JSON object expected (an HTML page or an empty body with 200, items
  that are not a list, a read whose last page has no `nextSyncToken`): GoogleError, retried like
  a 5xx. Never "zero events": a full read replaces the stored events, so trusting such an answer
  would empty the feed.

Lone surrogates in the JSON (which no database can store) become U+FFFD as the answer is read.

A worker's reads draw from the project's Calendar API budget (`calfeed.adapters.quota`), the one
its writes draw from, so a burst of reads and writes together stays under Google's limiter.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from calfeed.adapters.quota import quota_for
from calfeed.config import Config
from calfeed.core.sanitize import clean_surrogates
from calfeed.errors import GoogleError, ReauthorizationRequired

__all__ = [
    "CalendarClient",
    "CalendarGone",
    "CalendarListEntry",
    "EventsRead",
    "RetryPolicy",
    "SyncTokenExpired",
]

#: seconds any single HTTP exchange with Google may take
HTTP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class CalendarListEntry:
    """A calendar on the user's list (users/me/calendarList); the primary's id is the address."""

    id: str
    summary: str
    time_zone: str | None
    primary: bool
    access_role: str


#: Google's maximum page size for events.list; fewer pages means fewer requests
MAX_RESULTS = 2500
RETRY_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError"})


class SyncTokenExpired(GoogleError):
    """HTTP 410: the sync token is no longer valid; only a full read can continue."""


class UnexpectedAnswer(GoogleError):
    """A 200 whose body is not the JSON object the Calendar API documents."""


class CalendarGone(GoogleError):
    """HTTP 404 for a calendar: deleted, or the user no longer has access to it."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter (AWS "Exponential Backoff and Jitter").

    `attempts` counts every try, the first included; waits are uniform in [0, min(cap, base*2^n)].
    `max_wait` caps the seconds one client sleeps in total (all calendars and pages of a read), and
    no retry starts once `deadline` seconds have passed since the client was made (a Google that
    hangs costs a timeout per try), so an outage cannot hold a feed request for long.
    """

    attempts: int = 5
    base: float = 0.5
    cap: float = 16.0
    max_wait: float = 10.0
    deadline: float = 25.0

    def delay(self, retry: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap, self.base * 2**retry))


@dataclass(slots=True)
class EventsRead:
    """The outcome of reading one calendar: raw event resources and the token for next time."""

    items: list[dict[str, Any]] = field(default_factory=list)
    next_sync_token: str | None = None
    full: bool = True
    time_zone: str | None = None


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("window bounds must be aware datetimes")
    return moment.isoformat()


def error_reason(exc: HttpError) -> str:
    """The `reason` of Google's first error detail ("rateLimitExceeded", "notFound"), or ""."""
    details = exc.error_details
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return str(details[0].get("reason", ""))
    return ""


def retryable(exc: HttpError) -> bool:
    """Whether Google asks us to try again: 429, 5xx, or a 403 for a rate limit."""
    status = exc.status_code
    if status == 429 or status >= 500:
        return True
    return status == 403 and error_reason(exc) in RETRY_REASONS


class CalendarClient:
    """Reads one user's calendars. Not thread-safe by design: build one per sync call."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        config: Config,
        sleep: Callable[[float], None] | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        timeout: float = HTTP_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        user_id: int | None = None,
    ) -> None:
        self.credentials = credentials
        #: a worker's reads (`user_id` given) draw from the budget every worker's reads and writes
        #: share; the consent's two calls in a web request (no user yet) do not: a person waits
        self._quota = quota_for(config) if user_id is not None else None
        self._user = str(user_id)
        self._sleep = sleep or time.sleep
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
        options = (
            {"api_endpoint": config.google_api_endpoint} if config.google_api_endpoint else None
        )
        self._service = build(
            "calendar",
            "v3",
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        #: Calendar API requests sent, retries included (token refreshes are not counted)
        self.requests = 0
        self._waited = 0.0  # seconds slept in backoff so far (bounded by retry.max_wait)
        self._clock = clock
        self._started = clock()

    def _execute(self, request: Any) -> dict[str, Any]:
        attempts = max(1, self._retry.attempts)
        for attempt in range(attempts):
            delay = self._retry.delay(attempt, self._rng)
            elapsed = self._clock() - self._started
            last = (
                attempt == attempts - 1
                or self._waited + delay > self._retry.max_wait
                or elapsed + delay > self._retry.deadline
            )
            if self._quota is not None:
                self._quota.take(self._user)
            try:
                self.requests += 1
                result = request.execute(num_retries=0)
                if not isinstance(result, dict):
                    raise UnexpectedAnswer(f"a JSON {type(result).__name__}, not an object")
                cleaned: dict[str, Any] = clean_surrogates(result)
                return cleaned
            except (UnexpectedAnswer, ValueError) as exc:  # ValueError: the body is not JSON
                if last:
                    raise GoogleError(
                        f"Google Calendar answered something unexpected: {type(exc).__name__}"
                    ) from exc
            except HttpError as exc:
                if exc.status_code == 410:
                    raise SyncTokenExpired("sync token expired; a full read is needed") from exc
                if exc.status_code == 404:
                    raise CalendarGone("calendar not found") from exc
                if exc.status_code == 403 and error_reason(exc) == "insufficientPermissions":
                    raise ReauthorizationRequired("calendar access was not granted") from exc
                if last or not retryable(exc):
                    raise GoogleError(
                        f"Google Calendar answered {exc.status_code} {error_reason(exc)}".strip()
                    ) from exc
            except RefreshError as exc:
                data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
                if data.get("error") in ("invalid_grant", "unauthorized_client"):
                    raise ReauthorizationRequired(
                        "Google no longer accepts this grant (revoked or expired)"
                    ) from exc
                if last or not exc.retryable:
                    raise GoogleError("Google's token endpoint refused the refresh") from exc
            except (TimeoutError, OSError, httplib2.HttpLib2Error, TransportError) as exc:
                if last:
                    raise GoogleError(f"Google did not answer: {type(exc).__name__}") from exc
            self._waited += delay
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def calendar_list(self) -> list[CalendarListEntry]:
        """Every calendar on the user's list (all pages)."""
        entries: list[CalendarListEntry] = []
        page_token: str | None = None
        while True:
            answer = self._execute(
                self._service.calendarList().list(maxResults=250, pageToken=page_token)
            )
            entries.extend(_entry(item) for item in _items(answer) if isinstance(item, dict))
            page_token = answer.get("nextPageToken")
            if not page_token:
                return entries

    def primary_entry(self) -> CalendarListEntry:
        """The primary calendar's list entry: its id is the user's address."""
        return _entry(self._execute(self._service.calendarList().get(calendarId="primary")))

    def read_full(
        self, calendar_id: str, window_start: datetime, window_end: datetime
    ) -> EventsRead:
        """Every event in the window, recurrences expanded, all pages; ends with a sync token."""
        params = {
            "calendarId": calendar_id,
            "timeMin": _rfc3339(window_start),
            "timeMax": _rfc3339(window_end),
            "singleEvents": True,
            "maxResults": MAX_RESULTS,
        }
        return self._read_pages(params, full=True)

    def read_changes(self, calendar_id: str, sync_token: str) -> EventsRead:
        """What changed since `sync_token`, cancelled events included.

        Google refuses timeMin/timeMax/orderBy with a sync token: the window is applied locally.
        Raises SyncTokenExpired on HTTP 410.
        """
        params = {
            "calendarId": calendar_id,
            "syncToken": sync_token,
            "singleEvents": True,
            "maxResults": MAX_RESULTS,
        }
        return self._read_pages(params, full=False)

    def watch(
        self, calendar_id: str, channel_id: str, address: str, token: str, ttl: int
    ) -> dict[str, Any]:
        """Open a push channel (`events.watch`, web_hook); Google's answer (resourceId,
        expiration in epoch milliseconds)."""
        body = {
            "id": channel_id,
            "type": "web_hook",
            "address": address,
            "token": token,
            "params": {"ttl": str(ttl)},
        }
        return self._execute(self._service.events().watch(calendarId=calendar_id, body=body))

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        """`channels.stop`; a channel Google no longer knows counts as stopped."""
        with contextlib.suppress(CalendarGone):
            self._execute(
                self._service.channels().stop(body={"id": channel_id, "resourceId": resource_id})
            )

    def _read_pages(self, params: dict[str, Any], *, full: bool) -> EventsRead:
        read = EventsRead(full=full)
        last: dict[str, Any] = {}
        for answer in self._pages(params):
            read.items.extend(i for i in _items(answer) if isinstance(i, dict))
            read.time_zone = answer.get("timeZone") or read.time_zone
            last = answer
        token = last.get("nextSyncToken")
        if not isinstance(token, str) or not token:
            # Google ends every complete read with one; without it the read is not complete
            raise GoogleError("Google Calendar's last page had no nextSyncToken")
        read.next_sync_token = token
        return read

    def _pages(self, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        page_token: str | None = None
        while True:
            answer = self._execute(self._service.events().list(**params, pageToken=page_token))
            yield answer
            page_token = answer.get("nextPageToken")
            if not page_token:
                return


def _items(answer: dict[str, Any]) -> list[Any]:
    """The page's `items` (absent means none); anything but a list is not a Calendar answer."""
    items = answer.get("items", [])
    if not isinstance(items, list):
        raise GoogleError("Google Calendar answered items that are not a list")
    return items


def _entry(item: dict[str, Any]) -> CalendarListEntry:
    return CalendarListEntry(
        id=str(item.get("id", "")),
        summary=str(item.get("summaryOverride") or item.get("summary") or item.get("id", "")),
        time_zone=item.get("timeZone"),
        primary=item.get("primary") is True,
        access_role=str(item.get("accessRole", "")),
    )
