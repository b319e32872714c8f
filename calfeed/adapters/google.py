"""Google sign-in for calendar reading: the OAuth 2.0 web-server flow, credentials, revocation.

Scopes (least privilege, read-only): `calendar.events.readonly` reads events on every calendar the
user has, and `calendar.calendarlist.readonly` lists those calendars so the user can pick which to
read. Together they read less than `calendar.readonly` (no calendar settings, ACLs or free/busy
of others), and they identify the user with no extra scope: the calendar list's primary entry has
the user's address as its id (so no `openid email` and no `calendars/primary`, which needs
`calendar.readonly` or `calendar.calendars.readonly`). A broader calendar scope granted earlier
(`include_granted_scopes`) covers ours and is accepted.

Writing (optional, on by default at connect): `calendar.app.created` lets calfeed create secondary
calendars and change events only in those, never the user's own events; calfeed writes the
follow-ups into one calendar it creates, so Google Calendar shows them within seconds and with a
reminder (a subscribed feed shows them hours late, without). A user may connect read-only, or
refuse it later (incremental authorization): reading works the same without it.

Every Google address is configuration: the authorize and token endpoints from the client
configuration (`auth_uri`, `token_uri`), revocation from `CALFEED_GOOGLE_REVOKE_URI`, so a stand-in
on loopback can take Google's place in tests (which then set OAUTHLIB_INSECURE_TRANSPORT=1; this
module never does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from calfeed.adapters.google_api import HTTP_TIMEOUT, CalendarClient, CalendarListEntry
from calfeed.config import Config
from calfeed.crypto import same_secret
from calfeed.errors import CalfeedError, ConfigError, GoogleError

EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events.readonly"
CALENDARLIST_SCOPE = "https://www.googleapis.com/auth/calendar.calendarlist.readonly"
SCOPES: tuple[str, ...] = (EVENTS_SCOPE, CALENDARLIST_SCOPE)
#: create calfeed's own calendar and write its events, nothing else
WRITE_SCOPE = "https://www.googleapis.com/auth/calendar.app.created"
_CALENDAR = "https://www.googleapis.com/auth/calendar"
#: scopes that cover each one we ask for (Google may grant a broader one the user gave before)
COVERED_BY: dict[str, frozenset[str]] = {
    EVENTS_SCOPE: frozenset(
        {EVENTS_SCOPE, f"{_CALENDAR}.events", f"{_CALENDAR}.readonly", _CALENDAR}
    ),
    CALENDARLIST_SCOPE: frozenset(
        {CALENDARLIST_SCOPE, f"{_CALENDAR}.calendarlist", f"{_CALENDAR}.readonly", _CALENDAR}
    ),
}
#: RFC 6749 5.2 errors that mean "this consent cannot complete" rather than "Google is down"
CLIENT_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "access_denied",
        "redirect_uri_mismatch",
        "insecure_transport",
    }
)


class AuthorizationError(CalfeedError):
    """The consent round trip failed: denied, a wrong or replayed state, no code, a bad code.

    `reason` is a short machine word for the page to choose its message by; nothing is stored.
    """

    http_status = 400

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"authorization failed: {reason}" + (f" ({detail})" if detail else ""))


class ScopeNotGranted(AuthorizationError):
    """Google answered, but the user did not let us read their calendars (granular consent)."""

    def __init__(self, missing: Collection[str]) -> None:
        self.missing = tuple(sorted(missing))
        super().__init__("scope_not_granted", ", ".join(self.missing))


@dataclass(frozen=True, slots=True)
class AuthorizationStart:
    """Where to send the browser, and what the callback needs back (keep both server-side)."""

    url: str
    state: str
    code_verifier: str


@dataclass(frozen=True, slots=True)
class Grant:
    """What a completed consent gives us. `calendars` is the user's calendar list at that time."""

    email: str
    refresh_token: str
    access_token: str
    expires_at: datetime | None
    scopes: tuple[str, ...]
    time_zone: str | None
    calendars: tuple[CalendarListEntry, ...] = ()


def client_config(config: Config) -> dict[str, dict[str, Any]]:
    """The OAuth client in Google's client-secrets format ({"web": {...}}).

    From `CALFEED_GOOGLE_CLIENT_SECRETS` (Google's downloaded JSON, whose auth_uri/token_uri win) or
    from `CALFEED_GOOGLE_CLIENT_ID` + `_SECRET` with the configured endpoints.
    """
    if config.google_client_secrets is not None:
        try:
            data = json.loads(config.google_client_secrets.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"CALFEED_GOOGLE_CLIENT_SECRETS is unreadable: {exc}") from exc
        kind = "web" if "web" in data else "installed" if "installed" in data else None
        if kind is None or not isinstance(data[kind], dict):
            raise ConfigError("CALFEED_GOOGLE_CLIENT_SECRETS must hold a 'web' client")
        web = dict(data[kind])
        web.setdefault("auth_uri", config.google_auth_uri)
        web.setdefault("token_uri", config.google_token_uri)
        return {"web": web}
    if not (config.google_client_id and config.google_client_secret):
        raise ConfigError(
            "Google is not configured: set CALFEED_GOOGLE_CLIENT_SECRETS or _ID/_SECRET"
        )
    return {
        "web": {
            "client_id": config.google_client_id,
            "client_secret": config.google_client_secret,
            "auth_uri": config.google_auth_uri,
            "token_uri": config.google_token_uri,
        }
    }


def can_write(granted: Collection[str]) -> bool:
    """Whether `granted` lets calfeed create its calendar and write its events."""
    return bool({WRITE_SCOPE, _CALENDAR} & set(granted))


def start_authorization(
    config: Config, redirect_uri: str, *, write: bool = True
) -> AuthorizationStart:
    """Begin consent: offline access (a refresh token), forced consent (so Google sends the refresh
    token again on reconnect), incremental scopes, PKCE S256 with a fresh verifier; with `write`,
    the write scope too (in the URL's `scope` parameter, beside the read scopes).

    The caller keeps `state` (bound to the browser session) and `code_verifier` (server-side) and
    hands both to `finish_authorization`.
    """
    scopes = [*SCOPES, WRITE_SCOPE] if write else list(SCOPES)
    flow = Flow.from_client_config(client_config(config), scopes=scopes, redirect_uri=redirect_uri)
    url, state = flow.authorization_url(
        access_type="offline", prompt="consent", include_granted_scopes="true"
    )
    if not flow.code_verifier:  # google-auth-oauthlib < 1.3 sent no PKCE challenge
        raise ConfigError("google-auth-oauthlib >= 1.3 is required (PKCE)")
    return AuthorizationStart(url=url, state=state, code_verifier=flow.code_verifier)


def missing_scopes(granted: Collection[str]) -> set[str]:
    """The scopes we need that `granted` does not cover."""
    have = set(granted)
    return {scope for scope, covers in COVERED_BY.items() if not covers & have}


def _callback_params(authorization_response_url: str, expected_state: str) -> str:
    """Check the redirect back from Google and return its code; raises AuthorizationError."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorization_response_url).query).items()}
    if "error" in params:  # e.g. access_denied when the user clicked Cancel
        raise AuthorizationError(params["error"][:100])
    state = params.get("state", "")
    if not state or not expected_state or not same_secret(state, expected_state):
        raise AuthorizationError("state_mismatch")
    code = params.get("code", "")
    if not code:
        raise AuthorizationError("missing_code")
    return code


def exchange_code(
    config: Config,
    redirect_uri: str,
    state: str,
    code_verifier: str,
    authorization_response_url: str,
) -> dict[str, Any]:
    """Trade the callback's code (+ PKCE verifier) for tokens; returns the token response."""
    code = _callback_params(authorization_response_url, state)
    flow = Flow.from_client_config(
        client_config(config),
        scopes=list(SCOPES),
        redirect_uri=redirect_uri,
        state=state,
        code_verifier=code_verifier,
        autogenerate_code_verifier=False,
    )
    try:
        return dict(flow.fetch_token(code=code, timeout=HTTP_TIMEOUT))
    except Warning as exc:
        # oauthlib raises "Scope has changed" when Google grants more or fewer scopes than asked
        # (include_granted_scopes, granular consent); the token is fine, we check scopes ourselves
        token = getattr(exc, "token", None)
        if token is None:
            raise
        return dict(token)
    except OAuth2Error as exc:
        if isinstance(exc.error, str) and exc.error in CLIENT_ERRORS:
            # invalid_grant: a used or bad code, a PKCE mismatch; invalid_client: our credentials
            raise AuthorizationError(exc.error, exc.description or "") from exc
        raise GoogleError("Google's token endpoint failed") from exc  # a 5xx answer, say
    except (requests.RequestException, ValueError) as exc:  # no answer, or not OAuth's JSON
        raise GoogleError(f"Google's token endpoint did not answer: {type(exc).__name__}") from exc


def finish_authorization(
    config: Config,
    redirect_uri: str,
    state: str,
    code_verifier: str,
    authorization_response_url: str,
    *,
    sleep: Callable[[float], None] | None = None,
) -> Grant:
    """Complete consent: check state, exchange the code, check scopes, identify the user.

    Raises:
        AuthorizationError: denied consent, wrong state, no code, a code Google refused.
        ScopeNotGranted: calendar access was not granted (show the user how to grant it).
        GoogleError: Google could not be reached.
    """
    token = exchange_code(config, redirect_uri, state, code_verifier, authorization_response_url)
    raw_scope = token.get("scope")
    if raw_scope is None:  # RFC 6749 5.1: no "scope" in the answer means "as requested"
        scopes: tuple[str, ...] = SCOPES
    else:
        scopes = tuple(raw_scope.split() if isinstance(raw_scope, str) else raw_scope)
    missing = missing_scopes(scopes)
    if missing:
        raise ScopeNotGranted(missing)
    refresh_token = token.get("refresh_token")
    if not refresh_token:
        raise AuthorizationError("no_refresh_token")
    expires_at = None
    if isinstance(token.get("expires_at"), int | float):
        expires_at = datetime.fromtimestamp(token["expires_at"], tz=UTC)
    credentials = user_credentials(
        config, refresh_token, access_token=token["access_token"], expires_at=expires_at
    )
    client = CalendarClient(credentials, config=config, sleep=sleep)
    calendars = client.calendar_list()
    primary = next((c for c in calendars if c.primary), None) or client.primary_entry()
    return Grant(
        email=primary.id,
        refresh_token=refresh_token,
        access_token=token["access_token"],
        expires_at=expires_at,
        scopes=scopes,
        time_zone=primary.time_zone,
        calendars=tuple(calendars),
    )


def user_credentials(
    config: Config,
    refresh_token: str,
    *,
    access_token: str | None = None,
    expires_at: datetime | None = None,
) -> Credentials:
    """Credentials that refresh their access token by themselves at the configured token_uri."""
    web = client_config(config)["web"]
    return Credentials(
        token=access_token,
        refresh_token=refresh_token,
        token_uri=web["token_uri"],
        client_id=web["client_id"],
        client_secret=web["client_secret"],
        # google-auth compares expiry with a naive UTC clock
        expiry=expires_at.astimezone(UTC).replace(tzinfo=None) if expires_at else None,
    )


def credentials_expiry(credentials: Credentials) -> datetime | None:
    """The access token's expiry as an aware datetime (google-auth keeps it naive UTC)."""
    expiry = credentials.expiry
    return expiry.replace(tzinfo=UTC) if expiry is not None else None


def revoke(config: Config, token: str) -> bool:
    """Revoke a grant at Google (refresh or access token; either ends the whole grant).

    Returns True when Google confirmed or already considered it revoked, False when Google could
    not be reached (the caller deletes the user's data anyway and tells them where to check).
    """
    try:
        response = requests.post(
            config.google_revoke_uri,
            data={"token": token},
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=HTTP_TIMEOUT,
        )
    except requests.RequestException:
        return False
    if response.status_code == 200:
        return True
    # 400 invalid_token: already revoked or expired, which is what we wanted
    return response.status_code == 400 and "invalid_token" in response.text
