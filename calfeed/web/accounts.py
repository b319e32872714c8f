"""Connecting and disconnecting Google: the service functions behind the auth blueprint.

One person, one account: connecting Google while signed in links Google to the account signed in
(`calfeed.store.merge`), so an address-only or passkey user keeps one dashboard and one feed. A
Google account already connected to another calfeed account is refused (`Conflict`), and merged
only when the person confirms it on the page that says what a merge does; until then the fresh
grant waits, encrypted, in the signed session of the browser that completed the consent.

The OAuth `state` and the PKCE `code_verifier` travel in the signed session cookie (bound to
this browser), the verifier encrypted with the service's Fernet key; both are taken from the
session at the callback, so a replayed callback finds nothing. Nothing is written to the database
until Google has answered with a usable grant, so anonymous visitors cannot grow any table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app

from calfeed import store
from calfeed.adapters import google
from calfeed.background import google_writes, push, sync
from calfeed.errors import CalfeedError
from calfeed.store import get_user, merge, session_scope
from calfeed.store import google_delivery as gd
from calfeed.web.runtime import Runtime, jobs


class OtherGoogleAccount(CalfeedError):
    """The signed-in account is connected to another Google address: one Google account each."""

    http_status = 409

    def __init__(self, signed_in_email: str, offered_email: str) -> None:
        super().__init__("the account has another Google address")
        self.signed_in_email = signed_in_email
        self.offered_email = offered_email


@dataclass(frozen=True)
class Conflict:
    """The Google account of a completed consent belongs to another calfeed account."""

    email: str
    other_user_id: int
    grant_enc: str  # the consent's grant, encrypted, for a merge the person may confirm


def seal_grant(rt: Runtime, grant: google.Grant) -> str:
    """The grant encrypted for the session cookie, without its calendar list: the account it
    belongs to has that list already, and a cookie must stay under 4 KB whatever the list."""
    data = asdict(grant)
    data["expires_at"] = grant.expires_at.isoformat() if grant.expires_at else None
    data["calendars"] = []
    return rt.cipher.encrypt(json.dumps(data))


def open_grant(rt: Runtime, sealed: str) -> google.Grant:
    data = json.loads(rt.cipher.decrypt(sealed))
    return google.Grant(
        email=data["email"],
        refresh_token=data["refresh_token"],
        access_token=data["access_token"],
        expires_at=datetime.fromisoformat(data["expires_at"]) if data["expires_at"] else None,
        scopes=tuple(data["scopes"]),
        time_zone=data["time_zone"],
        calendars=tuple(google.CalendarListEntry(**c) for c in data["calendars"]),
    )


def begin_connect(rt: Runtime, redirect_uri: str, *, write: bool = True) -> tuple[str, str, str]:
    """Start consent: returns (Google's consent URL, the state, the encrypted PKCE verifier),
    the last two to keep in the browser's session until the callback. `write`: ask for the
    scope to write follow-ups into a calendar of calfeed's own."""
    start = google.start_authorization(rt.config, redirect_uri, write=write)
    return start.url, start.state, rt.cipher.encrypt(start.code_verifier)


def finish_connect(
    rt: Runtime,
    expected_state: str | None,
    verifier_enc: str | None,
    redirect_uri: str,
    callback_url: str,
    now: datetime,
    signed_in: int | None = None,
) -> int | Conflict:
    """Complete consent and store the grant; returns the user id to sign in, or a Conflict when
    `signed_in` is an account and the Google account belongs to another (nothing stored).

    Raises:
        google.AuthorizationError: denied, wrong/replayed state, no code, refused code, scopes.
        GoogleError: Google did not answer.
        OtherGoogleAccount: `signed_in` is connected to another Google address (nothing stored).
    """
    if not expected_state or not verifier_enc:
        raise google.AuthorizationError("state_mismatch")
    grant = google.finish_authorization(
        rt.config, redirect_uri, expected_state, rt.cipher.decrypt(verifier_enc), callback_url
    )
    if signed_in is not None:
        with session_scope(rt.sessions) as s:
            user = get_user(s, signed_in)
            mine = user.google_email if user is not None else None
            if user is not None and mine not in (None, grant.email):
                raise OtherGoogleAccount(str(mine), grant.email)
            owner = merge.owner_of_google(s, grant.email)
            if user is not None and owner is not None and owner != signed_in:
                return Conflict(grant.email, owner, seal_grant(rt, grant))
            if user is not None and mine is None:
                merge.link_google(s, signed_in, grant.email, now)
    return _store_grant(rt, grant, now)


def _store_grant(rt: Runtime, grant: google.Grant, now: datetime) -> int:
    user_id = sync.connect_user(rt.sessions, grant, config=rt.config, now=now)
    # The first read runs in the worker at once; the dashboard says when it has
    jobs(current_app).request_read(user_id)
    return user_id


def answered_write(rt: Runtime, user_id: int, *, granted: bool) -> bool:
    """The user answered the dashboard's question; True when writing is now on."""
    now = rt.clock()
    with session_scope(rt.sessions) as s:
        user = store.get_user(s, user_id)
        able = user is not None and google.can_write(user.granted_scopes.split())
        if not granted and able:  # a read-only sign-in of a user who allowed writing before
            return False  # (include_granted_scopes brought it back): their choice stands
        allowed = granted and able
        gd.mark_asked(s, user_id, now, declined=not allowed)
        if allowed:
            gd.set_enabled(s, user_id, True, now)
    if allowed:
        jobs(current_app).request_write(user_id)
    return allowed


def merge_into(rt: Runtime, keep: int, conflict_email: str, grant_enc: str, now: datetime) -> int:
    """The person confirmed: move the account holding the consent's Google address into `keep`
    (`calfeed.store.merge`), store the fresh grant there, and read it. Returns `keep`.

    Raises:
        NotFound: `keep` is gone. OtherGoogleAccount: `keep` has another Google address now.
    """
    grant = open_grant(rt, grant_enc)
    if grant.email != conflict_email:
        raise google.AuthorizationError("state_mismatch")
    with session_scope(rt.sessions) as s:
        user = get_user(s, keep)
        if user is None:
            from calfeed.errors import NotFound

            raise NotFound("no such user")
        if user.google_email not in (None, grant.email):
            raise OtherGoogleAccount(str(user.google_email), grant.email)
        owner = merge.owner_of_google(s, grant.email)
        if owner is not None and owner != keep:
            merge.merge_accounts(s, keep=keep, absorb=owner, now=now)
        if user.google_email is None:
            merge.link_google(s, keep, grant.email, now)
    return _store_grant(rt, grant, now)


def disconnect(rt: Runtime, user_id: int) -> tuple[bool, bool]:
    """Delete calfeed's calendar at Google, revoke the grant (both best effort) and
    delete everything of the user.

    Returns (whether Google confirmed the revocation, whether calfeed's calendar is deleted or
    there was none); the data is deleted either way.
    """
    calendar_deleted = google_writes.delete_calendar(rt.sessions, rt.config, user_id, rt.clock())
    push.stop_all(rt.sessions, rt.config, user_id)  # While the grant still works
    revoked = sync.disconnect_user(rt.sessions, user_id, config=rt.config)
    return revoked, calendar_deleted
