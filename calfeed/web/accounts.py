"""Connecting and disconnecting Google: the service functions behind the auth blueprint.

The OAuth `state` and the PKCE `code_verifier` travel in the signed session cookie (bound to
this browser), the verifier encrypted with the service's Fernet key; both are taken from the
session at the callback, so a replayed callback finds nothing. Nothing is written to the database
until Google has answered with a usable grant, so anonymous visitors cannot grow any table
(issue 7, point 9; the pending-authorization table of issue 3 is no longer written).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from calfeed import store
from calfeed.adapters import google
from calfeed.background import google_writes, push, sync
from calfeed.store import google_delivery as gd
from calfeed.store import session_scope
from calfeed.web.runtime import Runtime, jobs


def begin_connect(rt: Runtime, redirect_uri: str, *, write: bool = True) -> tuple[str, str, str]:
    """Start consent: returns (Google's consent URL, the state, the encrypted PKCE verifier),
    the last two to keep in the browser's session until the callback. `write`: ask for the
    scope to write follow-ups into a calendar of calfeed's own (issue 14)."""
    start = google.start_authorization(rt.config, redirect_uri, write=write)
    return start.url, start.state, rt.cipher.encrypt(start.code_verifier)


def finish_connect(
    rt: Runtime,
    expected_state: str | None,
    verifier_enc: str | None,
    redirect_uri: str,
    callback_url: str,
    now: datetime,
) -> int:
    """Complete consent and store the grant; returns the user id to sign in.

    Raises:
        google.AuthorizationError: denied, wrong/replayed state, no code, refused code, scopes.
        GoogleError: Google did not answer.
    """
    if not expected_state or not verifier_enc:
        raise google.AuthorizationError("state_mismatch")
    grant = google.finish_authorization(
        rt.config, redirect_uri, expected_state, rt.cipher.decrypt(verifier_enc), callback_url
    )
    user_id = sync.connect_user(rt.sessions, grant, config=rt.config, now=now)
    # issue 9: the first read runs in the worker at once; the dashboard says when it has
    jobs(current_app).request_read(user_id)
    return user_id


def answered_write(rt: Runtime, user_id: int, *, granted: bool) -> bool:
    """issue 14: the user answered the dashboard's question; True when writing is now on."""
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


def disconnect(rt: Runtime, user_id: int) -> tuple[bool, bool]:
    """Delete calfeed's calendar at Google (issue 14), revoke the grant (both best effort) and
    delete everything of the user.

    Returns (whether Google confirmed the revocation, whether calfeed's calendar is deleted or
    there was none); the data is deleted either way.
    """
    calendar_deleted = google_writes.delete_calendar(rt.sessions, rt.config, user_id, rt.clock())
    push.stop_all(rt.sessions, rt.config, user_id)  # issue 9: while the grant still works
    revoked = sync.disconnect_user(rt.sessions, user_id, config=rt.config)
    return revoked, calendar_deleted
