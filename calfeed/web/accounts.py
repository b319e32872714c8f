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

from calfeed.adapters import google
from calfeed.background import push, sync
from calfeed.web.runtime import Runtime, jobs


def begin_connect(rt: Runtime, redirect_uri: str) -> tuple[str, str, str]:
    """Start consent: returns (Google's consent URL, the state, the encrypted PKCE verifier),
    the last two to keep in the browser's session until the callback."""
    start = google.start_authorization(rt.config, redirect_uri)
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


def disconnect(rt: Runtime, user_id: int) -> bool:
    """Revoke the grant at Google (best effort) and delete everything of the user.

    Returns whether Google confirmed the revocation; the data is deleted either way.
    """
    push.stop_all(rt.sessions, rt.config, user_id)  # issue 9: while the grant still works
    return sync.disconnect_user(rt.sessions, user_id, config=rt.config)
