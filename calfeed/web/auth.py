"""Connect Google (consent round trip) and disconnect (revoke + delete everything).

Redirects only ever go to our own fixed endpoints or to the consent URL Google's library built
from configuration: no `next=` parameter, so no open redirect.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from calfeed.adapters.google import AuthorizationError
from calfeed.web import accounts
from calfeed.web.context import _, current_user_id, require_user, rt, sign_in, sign_out
from calfeed.web.errors import error_page
from calfeed.web.i18n import N_

bp = Blueprint("auth", __name__, url_prefix="/auth")

STATE_KEY = "oauth_state"
VERIFIER_KEY = "oauth_pkce"  # the PKCE verifier, Fernet-encrypted (the cookie is only signed)
#: issue 14: the signed-in user who asked (on the dashboard) to allow writing to Google Calendar
UPGRADE_KEY = "oauth_write_upgrade"
WRITE_KEY = "oauth_write"  # whether this consent asked for writing


def _redirect_uri() -> str:
    base = rt().config.base_url
    path = url_for("auth.callback")
    return base + path if base else url_for("auth.callback", _external=True)


@bp.get("/connect")
def connect() -> ResponseReturnValue:
    runtime = rt()
    if not runtime.config.google_configured:
        return error_page(503, N_("Google sign-in is not configured on this server."))
    # issue 14: writing is asked for unless the connect form's box was unticked (a plain link
    # to this page asks for it too: on by default); `then=write` comes from the dashboard
    access = request.args.getlist("access")
    write = "write" in access or not access
    url, state, verifier_enc = accounts.begin_connect(runtime, _redirect_uri(), write=write)
    session[STATE_KEY] = state
    session[VERIFIER_KEY] = verifier_enc
    session[WRITE_KEY] = write
    signed_in = current_user_id()
    if request.args.get("then") == "write" and signed_in is not None:
        session[UPGRADE_KEY] = signed_in
    else:
        session.pop(UPGRADE_KEY, None)
    return redirect(url, code=303)


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    runtime = rt()
    expected, verifier_enc = session.pop(STATE_KEY, None), session.pop(VERIFIER_KEY, None)
    upgrade = session.pop(UPGRADE_KEY, None)
    asked_write = session.pop(WRITE_KEY, True)
    asking = upgrade is not None and upgrade == current_user_id()
    try:
        user_id = accounts.finish_connect(
            runtime, expected, verifier_enc, _redirect_uri(), request.url, runtime.clock()
        )
    except AuthorizationError as exc:
        if not (asking and exc.reason == "access_denied"):
            raise
        # issue 14: an existing user said no to writing: reading goes on as it was
        accounts.answered_write(runtime, upgrade, granted=False)
        flash(_(KEPT_READING), "ok")
        return redirect(url_for("dashboard.index"), code=303)
    sign_in(user_id)
    if not asked_write:  # connected read-only on purpose: the dashboard does not ask again
        accounts.answered_write(runtime, user_id, granted=False)
    elif asking and user_id == upgrade:
        if accounts.answered_write(runtime, user_id, granted=True):
            flash(_("calfeed writes your follow-ups into your Google Calendar from now on."), "ok")
        else:
            flash(_(KEPT_READING), "ok")
    return redirect(url_for("dashboard.index"), code=303)


KEPT_READING = N_("Nothing changed: calfeed keeps reading your calendar and does not write to it.")


@bp.post("/disconnect")
def disconnect() -> ResponseReturnValue:
    user_id = require_user()
    sign_out(user_id)  # first: even if deleting fails half-way, no cookie opens the row again
    _revoked, calendar_deleted = accounts.disconnect(rt(), user_id)
    flash(_("Disconnected. Everything calfeed stored about you is deleted."), "ok")
    if not calendar_deleted:  # issue 14: Google failed; the local data is deleted all the same
        flash(
            _(
                "Google did not let calfeed delete its calendar “Interview follow-ups”: delete "
                "it yourself in Google Calendar's settings."
            ),
            "error",
        )
    return redirect(url_for("pages.index"), code=303)


@bp.post("/signout")
def signout() -> ResponseReturnValue:
    """End this session (and the user's others: the nonce they share is renewed)."""
    user_id = require_user()
    sign_out(user_id)
    flash(_("Signed out."), "ok")
    return redirect(url_for("pages.index"), code=303)
