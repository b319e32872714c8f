"""Connecting and disconnecting Google: the service functions behind the auth blueprint.

The OAuth `state` travels in the signed session cookie (bound to this browser); the PKCE
`code_verifier` stays server-side, encrypted, in issue 3's pending-authorization table, taken
exactly once, so a replayed callback finds nothing. Nothing is stored for the user until Google
has answered with a usable grant.
"""

from __future__ import annotations

import logging
from datetime import datetime

from calfeed import store
from calfeed.sources import google
from calfeed.store import session_scope
from calfeed.store.queries import CalendarInfo
from calfeed.web.app import Runtime
from calfeed.web.feedcache import try_sync

log = logging.getLogger(__name__)


def begin_connect(rt: Runtime, redirect_uri: str, now: datetime) -> tuple[str, str]:
    """Start consent: returns (Google's consent URL, the state to bind to the browser session)."""
    start = google.start_authorization(rt.config, redirect_uri)
    with session_scope(rt.sessions) as s:
        store.save_pending_authorization(
            s, start.state, rt.cipher.encrypt(start.code_verifier), now
        )
    return start.url, start.state


def finish_connect(
    rt: Runtime, expected_state: str | None, redirect_uri: str, callback_url: str, now: datetime
) -> int:
    """Complete consent and store the grant; returns the user id to sign in.

    Raises:
        google.AuthorizationError: denied, wrong/replayed state, no code, refused code, scopes.
        GoogleError: Google did not answer.
    """
    if not expected_state:
        raise google.AuthorizationError("state_mismatch")
    with session_scope(rt.sessions) as s:
        verifier_enc = store.take_pending_authorization(s, expected_state, now)
    if verifier_enc is None:
        raise google.AuthorizationError("state_mismatch")
    grant = google.finish_authorization(
        rt.config, redirect_uri, expected_state, rt.cipher.decrypt(verifier_enc), callback_url
    )
    with session_scope(rt.sessions) as s:
        user = store.connect_google(
            s,
            email=grant.email,
            refresh_token_enc=rt.cipher.encrypt(grant.refresh_token),
            scopes=grant.scopes,
            now=now,
            access_token_enc=rt.cipher.encrypt(grant.access_token),
            access_token_expires_at=grant.expires_at,
            primary_time_zone=grant.time_zone,
        )
        if grant.calendars:
            listed = [
                CalendarInfo(c.id, c.summary or c.id, c.time_zone, c.primary)
                for c in grant.calendars
            ]
            store.save_calendar_list(s, user.id, listed, now)
        user_id = user.id
    try_sync(rt.sessions, rt.config, user_id, now)  # the first read, so the dashboard is not empty
    return user_id


def disconnect(rt: Runtime, user_id: int) -> bool:
    """Revoke the grant at Google (best effort) and delete everything of the user.

    Returns whether Google confirmed the revocation; the data is deleted either way.
    """
    with session_scope(rt.sessions) as s:
        user = store.get_user(s, user_id)
        token_enc = user.refresh_token_enc if user is not None else None
    revoked = True
    if token_enc:
        try:
            revoked = google.revoke(rt.config, rt.cipher.decrypt(token_enc))
        except Exception:  # noqa: BLE001 - a failed revoke must never keep the user's data
            log.warning("revoking the Google grant failed; deleting the data anyway")
            revoked = False
    with session_scope(rt.sessions) as s:
        store.delete_user(s, user_id)
    return revoked
