"""Connect Google (consent round trip), merge accounts, and disconnect (revoke + delete all).

Connecting while signed in links Google to that account (`accounts.finish_connect`); a Google
account that belongs to another calfeed account is refused at `/auth/merge`, which offers the
merge and does it only on a POST from the same signed-in browser, within `MERGE_LIFETIME`.

Redirects only ever go to our own fixed endpoints or to the consent URL Google's library built
from configuration: no `next=` parameter, so no open redirect.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from calfeed.adapters.google import AuthorizationError
from calfeed.web import accounts
from calfeed.web.context import _, current_user_id, require_user, rt, sign_in, sign_out
from calfeed.web.errors import error_page
from calfeed.web.i18n import N_

bp = Blueprint("auth", __name__, url_prefix="/auth")

STATE_KEY = "oauth_state"
VERIFIER_KEY = "oauth_pkce"  # the PKCE verifier, Fernet-encrypted (the cookie is only signed)
#: the signed-in user who asked (on the dashboard) to allow writing to Google Calendar
UPGRADE_KEY = "oauth_write_upgrade"
WRITE_KEY = "oauth_write"  # whether this consent asked for writing
MERGE_KEY = "merge"  # a merge offered and not yet confirmed: who, which Google address, the grant
#: how long a merge offer waits for its confirmation
MERGE_LIFETIME = timedelta(minutes=15)
OTHER_GOOGLE = N_(
    "This calfeed account is connected to another Google account. Disconnect it first, or sign"
    " out and connect the other Google account on its own."
)


def _redirect_uri() -> str:
    base = rt().config.base_url
    path = url_for("auth.callback")
    return base + path if base else url_for("auth.callback", _external=True)


@bp.get("/connect")
def connect() -> ResponseReturnValue:
    runtime = rt()
    if not runtime.config.google_configured:
        return error_page(503, N_("Google sign-in is not configured on this server."))
    # Writing is asked for unless the connect form's box was unticked (a plain link
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
    # the demo's visitors all share the demo user: Google never joins it
    signed_in = None if runtime.config.demo else current_user_id()
    asking = upgrade is not None and upgrade == signed_in
    try:
        found = accounts.finish_connect(
            runtime,
            expected,
            verifier_enc,
            _redirect_uri(),
            request.url,
            runtime.clock(),
            signed_in=signed_in,
        )
    except accounts.OtherGoogleAccount:
        return error_page(409, OTHER_GOOGLE)
    except AuthorizationError as exc:
        if not (asking and exc.reason == "access_denied"):
            raise
        # An existing user said no to writing: reading goes on as it was
        accounts.answered_write(runtime, upgrade, granted=False)
        flash(_(KEPT_READING), "ok")
        return redirect(url_for("dashboard.index"), code=303)
    if isinstance(found, accounts.Conflict):
        session[MERGE_KEY] = {
            "into": signed_in,
            "email": found.email,
            "grant": found.grant_enc,
            "until": (runtime.clock() + MERGE_LIFETIME).isoformat(),
        }
        return redirect(url_for("auth.merge"), code=303)
    sign_in(found)  # a fresh session either way (no fixation), then what happened
    if not asked_write:  # connected read-only on purpose: the dashboard does not ask again
        accounts.answered_write(runtime, found, granted=False)
    elif asking and found == upgrade:
        if accounts.answered_write(runtime, found, granted=True):
            flash(_("calfeed writes your follow-ups into your Google Calendar from now on."), "ok")
        else:
            flash(_(KEPT_READING), "ok")
    elif found == signed_in:
        flash(_("Google Calendar is connected to this account."), "ok")
    return redirect(url_for("dashboard.index"), code=303)


def _offer() -> dict[str, str] | None:
    """The merge offered to this browser for the signed-in user, while it is valid."""
    user_id = require_user()
    offer = session.get(MERGE_KEY)
    if not isinstance(offer, dict) or offer.get("into") != user_id:
        return None
    try:
        until = datetime.fromisoformat(str(offer.get("until")))
    except ValueError:
        return None
    return offer if rt().clock() < until else None


@bp.get("/merge")
def merge() -> ResponseReturnValue:
    """The plain refusal, and the merge it offers: nothing changes unless the person confirms."""
    offer = _offer()
    if offer is None:
        return redirect(url_for("dashboard.index"), code=303)
    return render_template("merge.html", email=offer["email"]), 409


@bp.post("/merge")
def merge_confirm() -> ResponseReturnValue:
    user_id = require_user()
    offer = _offer()
    session.pop(MERGE_KEY, None)
    if offer is None:
        return error_page(400, N_("This merge offer has expired. Connect Google again to see it."))
    runtime = rt()
    try:
        accounts.merge_into(runtime, user_id, offer["email"], offer["grant"], runtime.clock())
    except accounts.OtherGoogleAccount:
        return error_page(409, OTHER_GOOGLE)
    sign_in(user_id)  # the other account's sessions opened a deleted row: this one goes on
    flash(_("The accounts are merged: everything is in this account now."), "ok")
    return redirect(url_for("dashboard.index"), code=303)


@bp.post("/merge/cancel")
def merge_cancel() -> ResponseReturnValue:
    require_user()
    session.pop(MERGE_KEY, None)
    flash(_("Nothing was merged. Both accounts stay as they were."), "ok")
    return redirect(url_for("dashboard.index"), code=303)


KEPT_READING = N_("Nothing changed: calfeed keeps reading your calendar and does not write to it.")


@bp.post("/disconnect")
def disconnect() -> ResponseReturnValue:
    user_id = require_user()
    sign_out(user_id)  # first: even if deleting fails half-way, no cookie opens the row again
    _revoked, calendar_deleted = accounts.disconnect(rt(), user_id)
    flash(_("Disconnected. Everything calfeed stored about you is deleted."), "ok")
    if not calendar_deleted:  # Google failed; the local data is deleted all the same
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
