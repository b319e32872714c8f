"""The stand-in Google's writes: app-created calendars, their events, the batch endpoint, a limiter.

A mixin of `tests.support.fake_google.FakeGoogle` (it shares its lock, calendars and users):
- `calendars.insert/get/patch/delete` (POST /calendars, GET/PATCH/DELETE /calendars/{id}) for
  calendars made with the `calendar.app.created` scope, marked app-created;
- `events.insert/get/update/patch/delete` on them (`events.list` is the reads' own), with
  Google's conditional modification (If-Match: 412 `conditionNotMet`) and error shapes: 409
  `duplicate` for a taken id, 410 `deleted` for deleting a deleted event, 404 `notFound` for a
  calendar that is gone, 400 `invalid` for an id that is not base32hex of 5-1024 characters;
- the batch endpoint (POST /batch/calendar/v3, `multipart/mixed` of `application/http` parts),
  each part dispatched as a request of its own (faults, limiter and all);
- a project-wide limiter (`limit_rate(calls, per_seconds)`): beyond it every API call answers 403
  `rateLimitExceeded` in domain `usageLimits`, counted in `rate_limited`;
- what a user does in Google Calendar: `user_edits_event`, `user_deletes_event`,
  `user_deletes_calendar`.
"""

from __future__ import annotations

import collections
import json
import re
import secrets
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import unquote, urlsplit

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

CAL = "https://www.googleapis.com/auth/calendar"
APP_CREATED = f"{CAL}.app.created"
#: scopes that may make calendars and write events in calendars the app created
CREATE_SCOPES = {APP_CREATED, CAL}
WRITE_SCOPES = {APP_CREATED, CAL, f"{CAL}.events"}
_EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")


def _error(code: int, reason: str, message: str, domain: str = "global", **extra: Any) -> Response:
    from tests.support.fake_google import api_error

    body = api_error(code, reason, message, domain, **extra)
    return Response(json.dumps(body), code, content_type="application/json; charset=UTF-8")


def _ok(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json; charset=UTF-8")


class CalendarWrites:
    """The write half of the fake (see the module docstring); FakeGoogle inherits it."""

    _lock: threading.RLock
    _calendars: dict[str, Any]
    _users: dict[str, list[str]]

    def _init_writes(self) -> None:
        #: API calls inside batches, in order (method, path, status); `requests` holds the batches
        self.batched: list[tuple[str, str, int]] = []
        self.rate_limited = 0
        self._rate: tuple[int, float] | None = None
        self._recent: collections.deque[float] = collections.deque()
        self.batch_sizes: list[int] = []
        self._throttles: list[list[Any]] = []  # [status, reason, retry_after, remaining]

    # --- seeding and inspecting -----------------------------------------------------------------

    def limit_rate(self, calls: int, per_seconds: float) -> None:
        """At most `calls` API calls in any `per_seconds` (all users): Google's project quota."""
        with self._lock:
            self._rate = (calls, per_seconds)
            self._recent.clear()

    def throttle(
        self, status: int = 429, *, retry_after: float = 1.0, count: int = 1, reason: str = ""
    ) -> None:
        """The next `count` API calls answer `status` (429, or 403 with `reason`
        rateLimitExceeded/userRateLimitExceeded) with a Retry-After header of `retry_after` s."""
        with self._lock:
            self._throttles.append([status, reason or "rateLimitExceeded", retry_after, count])

    def app_calendars(self, email: str) -> list[Any]:
        """The calendars the app created in `email`'s account (still there)."""
        with self._lock:
            return [
                self._calendars[c]
                for c in self._users.get(email, [])
                if getattr(self._calendars[c], "app_created", False)
            ]

    def live_events(self, calendar_id: str) -> dict[str, dict[str, Any]]:
        """The events of a calendar that are not deleted, by id."""
        with self._lock:
            return {
                k: e
                for k, (_, e) in self._calendars[calendar_id].events.items()
                if e.get("status") != "cancelled"
            }

    def user_edits_event(self, calendar_id: str, event_id: str, **changes: Any) -> None:
        with self._lock:
            _, old = self._calendars[calendar_id].events[event_id]
            self._store(calendar_id, {**old, **changes})

    def user_deletes_event(self, calendar_id: str, event_id: str) -> None:
        with self._lock:
            _, old = self._calendars[calendar_id].events[event_id]
            self._store(calendar_id, {**old, "status": "cancelled"})

    def user_deletes_calendar(self, calendar_id: str) -> None:
        with self._lock:
            cal = self._calendars.pop(calendar_id)
            self._users[cal.owner].remove(calendar_id)

    # --- HTTP -----------------------------------------------------------------------------------

    def _over_rate(self, path: str) -> Response | None:
        """The project limiter: 403 rateLimitExceeded beyond the configured rate."""
        if not path.startswith("/calendar/v3/"):
            return None
        with self._lock:
            throttle = self._throttles[0] if self._throttles else None
            if throttle is not None:
                throttle[3] -= 1
                if throttle[3] <= 0:
                    self._throttles.pop(0)
        if throttle is not None:
            status, reason, after, _ = throttle
            answer = _error(status, reason, "Rate Limit Exceeded", "usageLimits")
            answer.headers["Retry-After"] = str(int(after)) if after == int(after) else str(after)
            return answer
        if self._rate is None:
            return None
        calls, per = self._rate
        with self._lock:
            now = time.monotonic()
            while self._recent and self._recent[0] <= now - per:
                self._recent.popleft()
            if len(self._recent) >= calls:
                self.rate_limited += 1
                limited = True
            else:
                self._recent.append(now)
                limited = False
        if limited:
            return _error(403, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits")
        return None

    def _write_dispatch(self, request: Request, segments: list[str]) -> Response | None:
        """Answer the write endpoints; None for everything else (the reads' routing)."""
        path = request.path
        if path == "/batch/calendar/v3" and request.method == "POST":
            return self._batch(request)
        limited = self._over_rate(path)
        if limited is not None:
            return limited
        if segments[1:3] != ["calendar", "v3"]:
            return None
        parts = segments[3:]
        method = request.method
        if parts == ["calendars"] and method == "POST":
            return self._with_auth(
                request, lambda email, scopes: self._cal_insert(request, email, scopes)
            )
        if len(parts) == 2 and parts[0] == "calendars" and method in ("GET", "PATCH", "DELETE"):
            cal = self._calendars.get(parts[1])
            if parts[1] == "primary" or (cal is not None and not cal.app_created):
                return None  # the reads' own calendars.get answers
            return self._with_auth(
                request,
                lambda email, scopes: self._cal_one(request, parts[1], email, scopes),
            )
        events = len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events"
        if events and len(parts) == 3 and method == "POST":
            return self._with_auth(
                request, lambda email, scopes: self._ev_insert(request, parts[1], email, scopes)
            )
        if events and len(parts) == 4 and method in ("GET", "PUT", "PATCH", "DELETE"):
            return self._with_auth(
                request,
                lambda email, scopes: self._ev_one(request, parts[1], parts[3], email, scopes),
            )
        return None

    def _with_auth(self, request: Request, handler: Any) -> Response:
        who = self._auth(request)  # type: ignore[attr-defined]
        if isinstance(who, Response):
            return who
        email, scopes = who
        with self._lock:
            return handler(email, scopes)

    def _owned(self, calendar_id: str, email: str) -> Any:
        cal = self._calendars.get(calendar_id)
        if cal is None or calendar_id not in self._users.get(email, []):
            return None
        return cal

    def _cal_insert(self, request: Request, email: str, scopes: set[str]) -> Response:
        if not scopes & CREATE_SCOPES:
            return self._insufficient_scope()
        body = json.loads(request.get_data(as_text=True) or "{}")
        if not body.get("summary"):
            return _error(400, "required", "Missing title.")
        cal_id = secrets.token_hex(26) + "@group.calendar.google.com"
        self.add_calendar(  # type: ignore[attr-defined]
            email, cal_id, body["summary"], body.get("timeZone") or "UTC"
        )
        cal = self._calendars[cal_id]
        cal.description = str(body.get("description", ""))
        cal.app_created = True
        return _ok(self._cal_resource(cal))

    def _cal_resource(self, cal: Any) -> dict[str, Any]:
        return {
            "kind": "calendar#calendar",
            "etag": '"1700000000000001"',
            "id": cal.id,
            "summary": cal.summary,
            "description": cal.description,
            "timeZone": cal.time_zone,
        }

    def _cal_one(self, request: Request, cal_id: str, email: str, scopes: set[str]) -> Response:
        if not scopes & CREATE_SCOPES:
            return self._insufficient_scope()
        cal = self._owned(cal_id, email)
        if cal is None:
            return _error(404, "notFound", "Not Found")
        if request.method == "GET":
            return _ok(self._cal_resource(cal))
        if request.method == "PATCH":  # calendars.patch: the fields given replace their values
            body = json.loads(request.get_data(as_text=True) or "{}")
            cal.summary = str(body.get("summary", cal.summary))
            cal.description = str(body.get("description", cal.description))
            return _ok(self._cal_resource(cal))
        self.user_deletes_calendar(cal_id)
        return Response(b"", 204)

    def _store(self, cal_id: str, resource: dict[str, Any]) -> dict[str, Any]:
        """Keep a new version of an event: a fresh etag and `updated` (lock held)."""
        from tests.support.fake_google import _rfc3339

        version = self._tick()  # type: ignore[attr-defined]
        from datetime import UTC, datetime, timedelta

        stamp = _rfc3339(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=version))
        resource = {**resource, "etag": f'"{3000000000000000 + version}"', "updated": stamp}
        self._calendars[cal_id].events[resource["id"]] = (version, resource)
        return resource

    def _ev_insert(self, request: Request, cal_id: str, email: str, scopes: set[str]) -> Response:
        cal = self._owned(cal_id, email)
        if cal is None:
            return _error(404, "notFound", "Not Found")
        if not (scopes & {CAL, f"{CAL}.events"} or (APP_CREATED in scopes and cal.app_created)):
            return self._insufficient_scope()
        body = json.loads(request.get_data(as_text=True) or "{}")
        event_id = body.get("id") or secrets.token_hex(13)
        if not _EVENT_ID.match(event_id):
            return _error(400, "invalid", "Invalid resource id value.")
        if event_id in cal.events:
            return _error(409, "duplicate", "The requested identifier already exists.")
        if "start" not in body or "end" not in body:
            return _error(400, "required", "Missing end time.")
        resource = {
            "kind": "calendar#event",
            "status": "confirmed",
            "htmlLink": "https://www.google.com/calendar/event?eid=" + secrets.token_hex(8),
            "created": "2026-01-01T00:00:00.000Z",
            "creator": {"email": email},
            "organizer": {"email": cal_id, "displayName": cal.summary, "self": True},
            "iCalUID": f"{event_id}@google.com",
            "sequence": 0,
            **body,
            "id": event_id,
        }
        return _ok(self._store(cal_id, resource))

    def _ev_one(
        self, request: Request, cal_id: str, event_id: str, email: str, scopes: set[str]
    ) -> Response:
        cal = self._owned(cal_id, email)
        if cal is None:
            return _error(404, "notFound", "Not Found")
        method = request.method
        writing = method != "GET"
        allowed = WRITE_SCOPES if writing else WRITE_SCOPES | {f"{CAL}.events.readonly"}
        if not (scopes & (allowed - {APP_CREATED}) or (APP_CREATED in scopes and cal.app_created)):
            return self._insufficient_scope()
        found = cal.events.get(event_id)
        if found is None:
            return _error(404, "notFound", "Not Found")
        _, current = found
        if method == "GET":
            return _ok(current)
        match = request.headers.get("If-Match")
        if match and match != current["etag"]:
            return _error(
                412,
                "conditionNotMet",
                "Precondition Failed",
                location="If-Match",
                locationType="header",
            )
        if method == "DELETE":
            if current.get("status") == "cancelled":
                return _error(410, "deleted", "Resource has been deleted")
            self._store(cal_id, {**current, "status": "cancelled"})
            return Response(b"", 204)
        body = json.loads(request.get_data(as_text=True) or "{}")
        if method == "PUT":
            keep = {
                k: current[k]
                for k in ("kind", "htmlLink", "created", "creator", "organizer", "iCalUID")
                if k in current
            }
            resource = {**keep, "status": "confirmed", **body, "id": event_id}
        else:  # PATCH
            resource = {**current, **body, "id": event_id}
        resource["sequence"] = int(current.get("sequence", 0)) + 1
        return _ok(self._store(cal_id, resource))

    def _insufficient_scope(self) -> Response:
        from tests.support.fake_google import _insufficient

        return _insufficient()

    # --- the batch endpoint ---------------------------------------------------------------------

    def _batch(self, request: Request) -> Response:
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/mixed"):
            return _error(400, "badContent", "Batch requests need multipart/mixed")
        raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.get_data()
        message = BytesParser(policy=HTTP).parsebytes(raw)
        if not message.is_multipart():
            return _error(400, "badContent", "Not a multipart body")
        parts = list(message.iter_parts())
        if len(parts) > 1000:
            return _error(400, "badRequest", "Too many requests in a batch (at most 1000).")
        self.batch_sizes.append(len(parts))
        boundary = "batch_" + secrets.token_hex(12)
        out: list[bytes] = []
        for part in parts:
            content_id = str(part.get("Content-ID", ""))
            payload = part.get_payload(decode=True) or b""
            status, headers, body = self._inner(payload)
            reply_id = content_id.replace("<", "<response-", 1) if content_id else ""
            reason = {200: "OK", 204: "No Content"}.get(status, "Error")
            lines = [
                f"--{boundary}",
                "Content-Type: application/http",
                f"Content-ID: {reply_id}",
                "",
                f"HTTP/1.1 {status} {reason}",
            ]
            lines += [f"{k}: {v}" for k, v in headers]
            lines += [f"Content-Length: {len(body)}", "", ""]
            out.append("\r\n".join(lines).encode() + body + b"\r\n")
        out.append(f"--{boundary}--\r\n".encode())
        return Response(b"".join(out), 200, content_type=f"multipart/mixed; boundary={boundary}")

    def _inner(self, payload: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """One application/http part: its request line, headers and body, answered."""
        head, _, body = payload.replace(b"\r\n", b"\n").partition(b"\n\n")
        lines = head.decode("utf-8").split("\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip()] = value.strip()
        split = urlsplit(target)
        headers.pop("Content-Length", None)
        headers.pop("content-length", None)
        builder = EnvironBuilder(
            path=split.path, query_string=split.query, method=method, headers=headers, data=body
        )
        inner = Request(builder.get_environ())
        segments = [unquote(s) for s in split.path.split("/")]
        response = self._dispatch(inner, segments)  # type: ignore[attr-defined]
        data = response.get_data()
        with self._lock:
            self.batched.append((method, split.path, response.status_code))
        kept = [
            (k, v)
            for k, v in response.headers.items()
            if k.lower() in ("content-type", "retry-after", "etag")
        ]
        return response.status_code, kept, data
