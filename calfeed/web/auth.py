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


def _redirect_uri() -> str:
    base = rt().config.base_url
    path = url_for("auth.callback")
    return base + path if base else url_for("auth.callback", _external=True)


@bp.get("/connect")
def connect() -> ResponseReturnValue:
    runtime = rt()
    if not runtime.config.google_configured:
        return error_page(503, N_("Google sign-in is not configured on this server."))
    url, state = accounts.begin_connect(runtime, _redirect_uri(), runtime.clock())
    session[STATE_KEY] = state
    return redirect(url, code=303)


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    runtime = rt()
    expected = session.pop(STATE_KEY, None)
    user_id = accounts.finish_connect(
        runtime, expected, _redirect_uri(), request.url, runtime.clock()
    )
    sign_in(user_id)
    return redirect(url_for("dashboard.index"), code=303)


@bp.post("/disconnect")
def disconnect() -> ResponseReturnValue:
    user_id = require_user()
    accounts.disconnect(rt(), user_id)
    sign_out()
    flash(_("Disconnected. Everything calfeed stored about you is deleted."), "ok")
    return redirect(url_for("pages.index"), code=303)
