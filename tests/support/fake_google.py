"""A stand-in for Google's OAuth and Calendar v3 endpoints, speaking real HTTP on 127.0.0.1.

The real clients (google-auth-oauthlib, google-api-python-client) are pointed at it through
configuration only, so the tests exercise the same requests and responses production sees. The JSON
shapes and error bodies follow Google's documentation:
- OAuth errors: {"error": "invalid_grant", "error_description": "..."} (RFC 6749 section 5.2)
- API errors: {"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}

State lives in plain dicts under one lock; tests seed it (`add_user`, `put_event`, ...), make it
misbehave (`inject`, `expire_sync_tokens`, `revoke_user`), and read what was asked (`requests`).

Push notifications: `events.watch` opens a web_hook channel and `channels.stop` closes it;
every change to a watched calendar (put_event, delete_event, cancel_series) is announced to each of
its channels by a real HTTP POST from a sender thread, with Google's headers (X-Goog-Channel-ID,
X-Goog-Channel-Token, X-Goog-Resource-ID, X-Goog-Resource-URI, X-Goog-Resource-State `sync` when the
channel opens and `exists` after, X-Goog-Message-Number, X-Goog-Channel-Expiration). What was sent
and how the service answered is in `notifications`; `flush_notifications()` waits for the sender.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import queue
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.support.fake_google_writes import CalendarWrites

CAL = "https://www.googleapis.com/auth/calendar"
EVENTS_SCOPES = {f"{CAL}.events.readonly", f"{CAL}.events", f"{CAL}.readonly", CAL}
LIST_SCOPES = {f"{CAL}.calendarlist.readonly", f"{CAL}.calendarlist", f"{CAL}.readonly", CAL}
CALENDARS_SCOPES = {f"{CAL}.calendars.readonly", f"{CAL}.calendars", f"{CAL}.readonly", CAL}
#: notifications are posted by this many threads (Google delivers them concurrently too)
SENDERS = 4
FORBIDDEN_WITH_SYNC_TOKEN = ("timeMin", "timeMax", "orderBy", "q", "updatedMin", "iCalUID")

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    410: "FAILED_PRECONDITION",  # Google sends no status string for 410; harmless extra
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_FAULTS = {
    429: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    403: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("global", "backendError", "Backend Error"),
    502: ("global", "backendError", "Bad Gateway"),
    503: ("global", "backendError", "The service is currently unavailable."),
}


def api_error(code: int, reason: str, message: str, domain: str = "global", **extra: Any) -> dict:
    """Google's JSON error envelope for the Calendar API."""
    detail = {"domain": domain, "reason": reason, "message": message, **extra}
    body: dict[str, Any] = {"code": code, "message": message, "errors": [detail]}
    if code in _STATUS and code != 410:
        body["status"] = _STATUS[code]
    return {"error": body}


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _event_bounds(event: dict[str, Any]) -> tuple[datetime, datetime]:
    def one(part: dict[str, Any]) -> datetime:
        if "dateTime" in part:
            return _parse_time(part["dateTime"])
        return datetime.combine(date.fromisoformat(part["date"]), datetime.min.time(), tzinfo=UTC)

    start = one(event["start"])
    return start, one(event.get("end") or event["start"])


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # the tests count; no access log
        pass


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    status: int = 0


@dataclass
class _Calendar:
    id: str
    owner: str
    summary: str
    time_zone: str
    primary: bool
    events: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    description: str = ""
    app_created: bool = False  # made by calendars.insert (scope calendar.app.created)


@dataclass
class _Fault:
    prefix: str
    status: int
    remaining: int
    reason: str | None
    delay: float
    body: str | None = None


class FakeGoogle(CalendarWrites):
    """Google's OAuth server and Calendar API in one loopback HTTP server (start/stop it).

    The writes (app-created calendars, events, batch, limiter) are in
    tests/support/fake_google_writes.py.
    """

    def __init__(self, client_id: str = "fake-client.apps.googleusercontent.com") -> None:
        self.client_id = client_id
        self.client_secret = "fake-secret-" + secrets.token_hex(8)
        #: who "signs in" at the consent screen, and what they do there
        self.login_as: str | None = None
        self.consent = "allow"  # or "deny"
        self.grant_scopes: list[str] | None = None  # None: whatever was asked
        self.access_token_lifetime = 3599
        self.requests: list[Recorded] = []
        self._lock = threading.RLock()
        self._calendars: dict[str, _Calendar] = {}
        self._users: dict[str, list[str]] = {}  # email -> calendar ids on their list
        self._codes: dict[str, dict[str, Any]] = {}
        self._grants: dict[str, dict[str, Any]] = {}  # refresh token -> grant
        self._access: dict[str, dict[str, Any]] = {}  # access token -> {refresh, expires}
        self._sync_tokens: dict[str, tuple[str, int]] = {}
        self._pages: dict[str, tuple[list[dict], dict[str, Any]]] = {}
        self._faults: list[_Fault] = []
        self._version = itertools.count(1)
        self._now_version = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""
        #: open channels by id, what was sent (channel id, state, HTTP status), the sender
        self._channels: dict[str, dict[str, Any]] = {}
        self.notifications: list[tuple[str, str, int]] = []
        self.push_enabled = True
        self._outbox: queue.Queue[tuple[dict[str, Any], str] | None] = queue.Queue()
        self._senders: list[threading.Thread] = []
        #: Calendar API requests in flight per user address, and the most ever seen at once
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self._init_writes()

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self._senders = [
            threading.Thread(target=self._send_loop, daemon=True) for _ in range(SENDERS)
        ]
        for sender in self._senders:
            sender.start()
        return self

    def stop(self) -> None:
        for _ in self._senders:
            self._outbox.put(None)
        for sender in self._senders:
            sender.join(timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def api_endpoint(self) -> str:
        return f"{self.url}/calendar/v3/"

    @property
    def auth_uri(self) -> str:
        return f"{self.url}/o/oauth2/auth"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    @property
    def revoke_uri(self) -> str:
        return f"{self.url}/revoke"

    def env(self) -> dict[str, str]:
        """The CALFEED_GOOGLE_* settings a deployment would set to use this fake (tests and
        benchmarks add the rest: database, keys, instance folder)."""
        return {
            "CALFEED_GOOGLE_CLIENT_ID": self.client_id,
            "CALFEED_GOOGLE_CLIENT_SECRET": self.client_secret,
            "CALFEED_GOOGLE_AUTH_URI": self.auth_uri,
            "CALFEED_GOOGLE_TOKEN_URI": self.token_uri,
            "CALFEED_GOOGLE_REVOKE_URI": self.revoke_uri,
            "CALFEED_GOOGLE_API_ENDPOINT": self.api_endpoint,
        }

    # --- seeding and misbehaving ----------------------------------------------------------------

    def add_user(self, email: str, time_zone: str = "UTC") -> str:
        """A Google account with its primary calendar (id = the address)."""
        with self._lock:
            self._users.setdefault(email, [])
            self.add_calendar(email, email, email, time_zone, primary=True)
            if self.login_as is None:
                self.login_as = email
        return email

    def add_calendar(
        self, email: str, calendar_id: str, summary: str, time_zone: str = "UTC", primary=False
    ) -> str:
        with self._lock:
            self._calendars[calendar_id] = _Calendar(
                calendar_id, email, summary, time_zone, primary
            )
            self._users.setdefault(email, []).append(calendar_id)
        return calendar_id

    def _tick(self) -> int:
        self._now_version = next(self._version)
        return self._now_version

    def put_event(self, calendar_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """Create or replace an event (what a user editing it in Google Calendar does)."""
        with self._lock:
            cal = self._calendars[calendar_id]
            version = self._tick()
            stamp = _rfc3339(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=version))
            resource = {
                "kind": "calendar#event",
                "etag": f'"{3000000000000000 + version}"',
                "id": event.get("id") or secrets.token_hex(13),
                "status": "confirmed",
                "htmlLink": "https://www.google.com/calendar/event?eid=" + secrets.token_hex(8),
                "created": stamp,
                "updated": stamp,
                "creator": {"email": cal.owner, "self": True},
                "organizer": {"email": cal.owner, "self": True},
                "sequence": 0,
                "reminders": {"useDefault": True},
                "eventType": "default",
                **event,
            }
            resource["updated"] = stamp
            resource.setdefault("iCalUID", f"{resource['id']}@google.com")
            cal.events[resource["id"]] = (version, resource)
            self._announce(calendar_id)
            return resource

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        """Delete: full reads stop listing it; incremental reads report it as cancelled."""
        with self._lock:
            cal = self._calendars[calendar_id]
            _, old = cal.events[event_id]
            cal.events[event_id] = (self._tick(), {**old, "status": "cancelled"})
            self._announce(calendar_id)

    def cancel_series(self, calendar_id: str, series_id: str) -> None:
        """Delete a whole recurring series, reporting (as the worst case) only the series id as
        cancelled in incremental answers, not each expanded instance."""
        with self._lock:
            cal = self._calendars[calendar_id]
            for event_id, (version, event) in list(cal.events.items()):
                if event.get("recurringEventId") == series_id:
                    cal.events[event_id] = (version, {**event, "status": "cancelled"})
            tomb = {"id": series_id, "etag": '"0"', "status": "cancelled"}
            cal.events[series_id] = (self._tick(), tomb)
            self._announce(calendar_id)

    def events(self, calendar_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for _, e in self._calendars[calendar_id].events.values()]

    def expire_sync_tokens(self) -> None:
        """Every sync token handed out so far now answers 410 Gone."""
        with self._lock:
            self._sync_tokens.clear()

    def revoke_user(self, email: str) -> None:
        """The user removes calfeed at myaccount.google.com: refresh tokens stop working."""
        with self._lock:
            for grant in self._grants.values():
                if grant["email"] == email:
                    grant["revoked"] = True

    def expire_access_tokens(self) -> None:
        with self._lock:
            for info in self._access.values():
                info["expires"] = 0.0

    def inject(
        self,
        status: int,
        *,
        count: int = 1,
        prefix: str = "/calendar/v3/",
        reason: str | None = None,
        delay: float = 0.0,
        body: str | None = None,
    ) -> None:
        """The next `count` requests under `prefix` fail with `status` (after `delay` seconds).

        `body` answers those bytes as they are (e.g. "" or a JSON page without nextSyncToken,
        with status 200: what a misbehaving proxy or a truncated answer looks like).
        """
        with self._lock:
            self._faults.append(_Fault(prefix, status, count, reason, delay, body))

    def api_requests(self, prefix: str = "/calendar/v3/") -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def issue_grant(self, email: str, scopes: list[str]) -> tuple[str, str]:
        """(refresh token, access token) as a finished consent would hand out, without the
        round trip (the scale test and benchmarks connect hundreds of users)."""
        with self._lock:
            refresh = "1//0" + secrets.token_urlsafe(40)
            self._grants[refresh] = {"email": email, "scopes": list(scopes), "revoked": False}
            return refresh, self._issue_access(refresh)

    def grants_for(self, email: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(g) for g in self._grants.values() if g["email"] == email]

    # --- HTTP -------------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path
        segments = [unquote(s) for s in urlsplit(raw).path.split("/")]
        record = Recorded(request.method, request.path, dict(request.args))
        with self._lock:
            self.requests.append(record)
        response = self._dispatch(request, segments)
        record.status = response.status_code
        return response(environ, start_response)

    def _fault(self, path: str) -> Response | None:
        with self._lock:
            fault = next((f for f in self._faults if path.startswith(f.prefix)), None)
            if fault is None:
                return None
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status == 0:
            return None
        if fault.body is not None:
            return Response(fault.body, fault.status, content_type="application/json")
        if fault.reason == "html":  # what a proxy in front of Google may send
            return Response(
                "<html><body>502 Bad Gateway</body></html>", fault.status, content_type="text/html"
            )
        domain, reason, message = _FAULTS.get(fault.status, ("global", "backendError", "Error"))
        body = api_error(fault.status, fault.reason or reason, message, domain)
        return _json(body, fault.status)

    def _dispatch(self, request: Request, segments: list[str]) -> Response:
        fault = self._fault(request.path)
        if fault is not None:
            return fault
        written = self._write_dispatch(request, segments)  # the writes (and the limiter)
        if written is not None:
            return written
        path = request.path
        if path == "/o/oauth2/auth" and request.method == "GET":
            return self._authorize(request)
        if path == "/token" and request.method == "POST":
            return self._token(request)
        if path == "/revoke" and request.method == "POST":
            return self._revoke(request)
        if segments[1:3] == ["calendar", "v3"] and request.method == "GET":
            return self._tracked(request, segments[3:], self._api)
        if segments[1:3] == ["calendar", "v3"] and request.method == "POST":
            return self._tracked(request, segments[3:], self._push_api)
        return _json(api_error(404, "notFound", "Not Found"), 404)

    # --- push notifications ----------------------------------------------------------------------

    def channels(self) -> dict[str, dict[str, Any]]:
        """The open channels by id (copies)."""
        with self._lock:
            return {k: dict(v) for k, v in self._channels.items()}

    def _announce(self, calendar_id: str) -> None:
        """Queue an `exists` notification to every channel watching `calendar_id` (lock held)."""
        if not self.push_enabled:
            return
        for channel in self._channels.values():
            if channel["calendar_id"] == calendar_id:
                channel["number"] += 1
                self._outbox.put((dict(channel), "exists"))

    def notify(self, channel_id: str, state: str = "exists") -> None:
        """Send one notification on an open channel now (as Google does on a change)."""
        with self._lock:
            channel = self._channels[channel_id]
            channel["number"] += 1
            self._outbox.put((dict(channel), state))

    def flush_notifications(self, timeout: float = 10.0) -> None:
        """Wait until every queued notification has been delivered (or failed)."""
        deadline = time.monotonic() + timeout
        while self._outbox.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _send_loop(self) -> None:
        import requests

        while True:
            item = self._outbox.get()
            try:
                if item is None:
                    return
                channel, state = item
                headers = {
                    "X-Goog-Channel-ID": channel["id"],
                    "X-Goog-Channel-Token": channel["token"],
                    "X-Goog-Channel-Expiration": channel["expiration_http"],
                    "X-Goog-Resource-ID": channel["resource_id"],
                    "X-Goog-Resource-URI": channel["resource_uri"],
                    "X-Goog-Resource-State": state,
                    "X-Goog-Message-Number": str(channel["number"]),
                    "Content-Length": "0",
                }
                try:
                    answer = requests.post(channel["address"], headers=headers, timeout=10)
                    status = answer.status_code
                except requests.RequestException:
                    status = 0
                with self._lock:
                    self.notifications.append((channel["id"], state, status))
            finally:
                self._outbox.task_done()

    def _tracked(self, request: Request, parts: list[str], handler: Any) -> Response:
        """Count API requests in flight per user (the scale test: never two reads at once)."""
        who = self._auth(request)
        if isinstance(who, Response):
            return who
        email = who[0]
        with self._lock:
            self.in_flight[email] = self.in_flight.get(email, 0) + 1
            self.max_in_flight[email] = max(self.max_in_flight.get(email, 0), self.in_flight[email])
        try:
            return handler(request, parts)
        finally:
            with self._lock:
                self.in_flight[email] -= 1

    def _push_api(self, request: Request, parts: list[str]) -> Response:
        who = self._auth(request)
        if isinstance(who, Response):
            return who
        email, scopes = who
        not_found = _json(api_error(404, "notFound", "Not Found"), 404)
        try:
            body = json.loads(request.get_data(as_text=True) or "{}")
        except json.JSONDecodeError:
            return _json(api_error(400, "parseError", "Parse Error"), 400)
        with self._lock:
            if parts == ["channels", "stop"]:
                channel = self._channels.get(str(body.get("id")))
                if channel is None or channel["resource_id"] != body.get("resourceId"):
                    return not_found
                if channel["email"] != email:
                    return _json(api_error(403, "forbidden", "Forbidden"), 403)
                del self._channels[channel["id"]]
                return Response(status=204)
            if len(parts) == 4 and parts[0] == "calendars" and parts[2:] == ["events", "watch"]:
                if not scopes & EVENTS_SCOPES:
                    return _insufficient()
                cal_id = email if parts[1] == "primary" else parts[1]
                if cal_id not in self._users.get(email, []):
                    return not_found
                if body.get("type") != "web_hook" or not str(body.get("address", "")).startswith(
                    ("https://", "http://")
                ):
                    return _json(api_error(400, "invalid", "Invalid Value"), 400)
                channel_id = str(body.get("id", ""))
                if not channel_id or channel_id in self._channels:
                    return _json(api_error(400, "channelIdNotUnique", "Channel id not unique"), 400)
                ttl = int((body.get("params") or {}).get("ttl", 604800))
                expires_ms = int((time.time() + min(ttl, 2592000)) * 1000)
                channel = {
                    "id": channel_id,
                    "calendar_id": cal_id,
                    "email": email,
                    "resource_id": "res-" + secrets.token_urlsafe(12),
                    "resource_uri": f"{self.api_endpoint}calendars/{cal_id}/events?alt=json",
                    "token": str(body.get("token", "")),
                    "address": str(body["address"]),
                    "expiration": expires_ms,
                    "expiration_http": datetime.fromtimestamp(expires_ms / 1000, UTC).strftime(
                        "%a, %d %b %Y %H:%M:%S GMT"
                    ),
                    "number": 1,
                }
                self._channels[channel_id] = channel
                if self.push_enabled:
                    self._outbox.put((dict(channel), "sync"))
                return _json(
                    {
                        "kind": "api#channel",
                        "id": channel_id,
                        "resourceId": channel["resource_id"],
                        "resourceUri": channel["resource_uri"],
                        "token": channel["token"],
                        "expiration": str(expires_ms),
                    }
                )
        return not_found

    # --- OAuth ------------------------------------------------------------------------------------

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id:
            return Response("Error 401: invalid_client", 401, content_type="text/html")
        redirect_uri, state = args.get("redirect_uri", ""), args.get("state")
        if not redirect_uri or args.get("response_type") != "code":
            return Response("Error 400: invalid_request", 400, content_type="text/html")
        params: dict[str, str] = {}
        if self.consent == "deny" or self.login_as is None:
            params["error"] = "access_denied"
        else:
            asked = args.get("scope", "").split()
            granted = self.grant_scopes if self.grant_scopes is not None else asked
            code = "4/0A" + secrets.token_urlsafe(32)
            with self._lock:
                self._codes[code] = {
                    "email": self.login_as,
                    "scopes": list(granted),
                    "redirect_uri": redirect_uri,
                    "challenge": args.get("code_challenge"),
                    "method": args.get("code_challenge_method", "plain"),
                    "used": False,
                }
            params.update(code=code, scope=" ".join(granted), authuser="0", prompt="consent")
        if state is not None:
            params = {"state": state, **params}
        return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(params)}"})

    def _client_ok(self, request: Request) -> bool:
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            return auth.username == self.client_id and auth.password == self.client_secret
        form = request.form
        return form.get("client_id") == self.client_id and form.get("client_secret") == (
            self.client_secret
        )

    def _token(self, request: Request) -> Response:
        form = request.form
        if not self._client_ok(request):
            return _json({"error": "invalid_client", "error_description": "Unauthorized"}, 401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(form)
        if grant_type == "refresh_token":
            with self._lock:
                grant = self._grants.get(form.get("refresh_token", ""))
                if grant is None or grant["revoked"]:
                    return _oauth_error("invalid_grant", "Token has been expired or revoked.")
                access = self._issue_access(form["refresh_token"])
            return _json(
                {
                    "access_token": access,
                    "expires_in": self.access_token_lifetime,
                    "scope": " ".join(grant["scopes"]),
                    "token_type": "Bearer",
                }
            )
        return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _code_grant(self, form: Any) -> Response:
        with self._lock:
            entry = self._codes.get(form.get("code", ""))
            if entry is None or entry["used"]:
                return _oauth_error("invalid_grant", "Bad Request")
            if form.get("redirect_uri") != entry["redirect_uri"]:
                return _oauth_error("redirect_uri_mismatch", "Bad Request")
            if entry["challenge"]:
                verifier = form.get("code_verifier")
                if not verifier:
                    return _oauth_error("invalid_grant", "Missing code verifier.")
                digest = hashlib.sha256(verifier.encode()).digest()
                expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
                if entry["method"] == "plain":
                    expected = verifier
                if expected != entry["challenge"]:
                    return _oauth_error("invalid_grant", "Invalid code verifier.")
            entry["used"] = True
            refresh = "1//0" + secrets.token_urlsafe(40)
            self._grants[refresh] = {
                "email": entry["email"],
                "scopes": entry["scopes"],
                "revoked": False,
            }
            access = self._issue_access(refresh)
        return _json(
            {
                "access_token": access,
                "expires_in": self.access_token_lifetime,
                "refresh_token": refresh,
                "scope": " ".join(entry["scopes"]),
                "token_type": "Bearer",
            }
        )

    def _issue_access(self, refresh: str) -> str:
        token = "ya29." + secrets.token_urlsafe(40)
        self._access[token] = {
            "refresh": refresh,
            "expires": time.monotonic() + self.access_token_lifetime,
        }
        return token

    def _revoke(self, request: Request) -> Response:
        token = request.form.get("token") or request.args.get("token", "")
        with self._lock:
            refresh = token if token in self._grants else self._access.get(token, {}).get("refresh")
            grant = self._grants.get(refresh or "")
            if grant is None or grant["revoked"]:
                return _oauth_error("invalid_token", "Token expired or revoked")
            grant["revoked"] = True
        return _json({})

    # --- Calendar API -----------------------------------------------------------------------------

    def _auth(self, request: Request) -> tuple[str, set[str]] | Response:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        with self._lock:
            info = self._access.get(token)
            grant = self._grants.get(info["refresh"]) if info else None
            if (
                info is None
                or grant is None
                or grant["revoked"]
                or info["expires"] < time.monotonic()
            ):
                body = api_error(
                    401,
                    "authError",
                    "Request had invalid authentication credentials.",
                    location="Authorization",
                    locationType="header",
                )
                return _json(
                    body, 401, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
                )
            return grant["email"], set(grant["scopes"])

    def _api(self, request: Request, parts: list[str]) -> Response:
        who = self._auth(request)
        if isinstance(who, Response):
            return who
        email, scopes = who

        def calendar(cal_id: str) -> _Calendar | None:
            cal_id = email if cal_id == "primary" else cal_id
            cal = self._calendars.get(cal_id)
            return cal if cal is not None and cal_id in self._users.get(email, []) else None

        not_found = _json(api_error(404, "notFound", "Not Found"), 404)
        with self._lock:
            if parts[:3] == ["users", "me", "calendarList"]:
                if not scopes & LIST_SCOPES:
                    return _insufficient()
                if len(parts) == 3:
                    cals = [self._calendars[c] for c in self._users.get(email, [])]
                    return self._paged_list(request, [_list_entry(c) for c in cals])
                cal = calendar(parts[3])
                return _json(_list_entry(cal)) if cal else not_found
            if parts[:1] == ["calendars"] and len(parts) >= 2:
                cal = calendar(parts[1])
                if len(parts) == 2:
                    if not scopes & CALENDARS_SCOPES:
                        return _insufficient()
                    return _json(_calendar_resource(cal)) if cal else not_found
                if len(parts) == 3 and parts[2] == "events":
                    if not scopes & EVENTS_SCOPES:
                        return _insufficient()
                    return self._events(request, cal) if cal else not_found
        return not_found

    def _paged_list(self, request: Request, items: list[dict]) -> Response:
        limit = min(int(request.args.get("maxResults", 100)), 250)
        start = int(request.args.get("pageToken", "0") or 0)
        body: dict[str, Any] = {
            "kind": "calendar#calendarList",
            "etag": f'"p{self._now_version}"',
            "items": items[start : start + limit],
        }
        if start + limit < len(items):
            body["nextPageToken"] = str(start + limit)
        else:
            body["nextSyncToken"] = "cl" + secrets.token_hex(8)
        return _json(body)

    def _events(self, request: Request, cal: _Calendar) -> Response:
        args = request.args
        limit = max(1, min(int(args.get("maxResults", 250)), 2500))
        page_token = args.get("pageToken")
        if page_token:
            if page_token not in self._pages:
                return _json(api_error(400, "invalid", "Invalid Value", location="pageToken"), 400)
            remaining, meta = self._pages.pop(page_token)
        else:
            sync_token = args.get("syncToken")
            if sync_token:
                clash = [p for p in FORBIDDEN_WITH_SYNC_TOKEN if p in args]
                if clash:
                    message = f"Invalid request: syncToken cannot be combined with {clash[0]}."
                    return _json(api_error(400, "invalid", message), 400)
                known = self._sync_tokens.get(sync_token)
                if known is None or known[0] != cal.id:
                    body = api_error(
                        410,
                        "fullSyncRequired",
                        "Sync token is no longer valid, a full sync is required.",
                    )
                    return _json(body, 410)
                since = known[1]
                remaining = [
                    e if e["status"] != "cancelled" else _tombstone(e)
                    for v, e in sorted(cal.events.values(), key=lambda ve: ve[0])
                    if v > since
                ]
            else:
                remaining = self._window(cal, args)
            meta = {"version": self._now_version}
        page, rest = remaining[:limit], remaining[limit:]
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"p{meta["version"]}"',
            "summary": cal.summary,
            "description": "",
            "updated": _rfc3339(
                datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=meta["version"])
            ),
            "timeZone": cal.time_zone,
            "accessRole": "owner",
            "defaultReminders": [{"method": "popup", "minutes": 10}],
        }
        if rest:
            token = secrets.token_urlsafe(24)
            self._pages[token] = (rest, meta)
            body["nextPageToken"] = token
        else:
            token = "CP" + secrets.token_urlsafe(24)
            self._sync_tokens[token] = (cal.id, meta["version"])
            body["nextSyncToken"] = token
        body["items"] = page
        return _json(body)

    def _window(self, cal: _Calendar, args: Any) -> list[dict[str, Any]]:
        lo = _parse_time(args["timeMin"]) if "timeMin" in args else None
        hi = _parse_time(args["timeMax"]) if "timeMax" in args else None
        chosen = []
        for _, event in sorted(cal.events.values(), key=lambda ve: ve[1]["id"]):
            if event["status"] == "cancelled" and args.get("showDeleted") != "true":
                continue
            try:
                start, end = _event_bounds(event)
            except (KeyError, ValueError):  # a malformed event a test planted: always listed
                chosen.append(event)
                continue
            if (lo is None or end > lo) and (hi is None or start < hi):
                chosen.append(event)
        return chosen


def _tombstone(event: dict[str, Any]) -> dict[str, Any]:
    """What Google lists for a deleted event in an incremental answer: id and status only."""
    return {
        "kind": "calendar#event",
        "etag": event["etag"],
        "id": event["id"],
        "status": "cancelled",
    }


def _list_entry(cal: _Calendar) -> dict[str, Any]:
    entry = {
        "kind": "calendar#calendarListEntry",
        "etag": '"1700000000000000"',
        "id": cal.id,
        "summary": cal.summary,
        "timeZone": cal.time_zone,
        "colorId": "14",
        "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000",
        "selected": True,
        "accessRole": "owner",
        "defaultReminders": [{"method": "popup", "minutes": 10}] if cal.primary else [],
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }
    if cal.primary:
        entry["primary"] = True
    if cal.description:
        entry["description"] = cal.description
    return entry


def _calendar_resource(cal: _Calendar) -> dict[str, Any]:
    return {
        "kind": "calendar#calendar",
        "etag": '"1700000000000000"',
        "id": cal.id,
        "summary": cal.summary,
        "timeZone": cal.time_zone,
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }


def _insufficient() -> Response:
    body = api_error(
        403, "insufficientPermissions", "Request had insufficient authentication scopes."
    )
    body["error"]["errors"][0]["message"] = "Insufficient Permission"
    return _json(body, 403)


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return _json({"error": error, "error_description": description}, status)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status, headers=headers, content_type="application/json; charset=UTF-8"
    )
