"""Connect Google (consent round trip) and disconnect (revoke + delete everything).

Redirects only ever go to our own fixed endpoints or to the consent URL Google's library built
from configuration: no `next=` parameter, so no open redirect.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from calfeed.web import accounts
from calfeed.web.context import _, require_user, rt, sign_in, sign_out
from calfeed.web.errors import error_page
from calfeed.web.i18n import N_

bp = Blueprint("auth", __name__, url_prefix="/auth")

STATE_KEY = "oauth_state"
VERIFIER_KEY = "oauth_pkce"  # the PKCE verifier, Fernet-encrypted (the cookie is only signed)


def _redirect_uri() -> str:
    base = rt().config.base_url
    path = url_for("auth.callback")
    return base + path if base else url_for("auth.callback", _external=True)


@bp.get("/connect")
def connect() -> ResponseReturnValue:
    runtime = rt()
    if not runtime.config.google_configured:
        return error_page(503, N_("Google sign-in is not configured on this server."))
    url, state, verifier_enc = accounts.begin_connect(runtime, _redirect_uri())
    session[STATE_KEY] = state
    session[VERIFIER_KEY] = verifier_enc
    return redirect(url, code=303)


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    runtime = rt()
    expected, verifier_enc = session.pop(STATE_KEY, None), session.pop(VERIFIER_KEY, None)
    user_id = accounts.finish_connect(
        runtime, expected, verifier_enc, _redirect_uri(), request.url, runtime.clock()
    )
    sign_in(user_id)
    return redirect(url_for("dashboard.index"), code=303)


@bp.post("/disconnect")
def disconnect() -> ResponseReturnValue:
    user_id = require_user()
    sign_out(user_id)  # first: even if deleting fails half-way, no cookie opens the row again
    accounts.disconnect(rt(), user_id)
    flash(_("Disconnected. Everything calfeed stored about you is deleted."), "ok")
    return redirect(url_for("pages.index"), code=303)


@bp.post("/signout")
def signout() -> ResponseReturnValue:
    """End this session (and the user's others: the nonce they share is renewed)."""
    user_id = require_user()
    sign_out(user_id)
    flash(_("Signed out."), "ok")
    return redirect(url_for("pages.index"), code=303)
