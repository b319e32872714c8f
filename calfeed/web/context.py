"""Who is asking and in which language: the request context every page shares.

Signed-in state is the user id and that user's session nonce in Flask's signed session cookie;
both must match the user row on every request, so a cookie opens only the sign-in it came from
(not a deleted account's successor, not a session ended by "Sign out"). The language is
the user's setting when signed in, else `?lang=`, else the browser's Accept-Language. Both are
computed lazily so the feed route, which renders no page, never pays for them.
"""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import Flask, current_app, g, request, session

from calfeed.core.model import Lang
from calfeed.errors import CalfeedError
from calfeed.web import service
from calfeed.web.i18n import TRANSLATIONS, pick_lang
from calfeed.web.runtime import Runtime, runtime

SESSION_USER = "uid"
SESSION_NONCE = "sn"


class SignInRequired(CalfeedError):
    """A page for signed-in users was asked for without a session: sent to the start page."""

    http_status = 401


def rt() -> Runtime:
    """The Runtime of the app serving this request."""
    return runtime(current_app)


def current_user_id() -> int | None:
    """The signed-in user's id; in demo mode the demo user stands in for a visitor."""
    if "calfeed_uid" in g:
        cached: int | None = g.calfeed_uid
        return cached
    uid, nonce = session.get(SESSION_USER), session.get(SESSION_NONCE)
    found: int | None = None
    if (
        isinstance(uid, int)
        and isinstance(nonce, str)
        and service.session_opens(rt().sessions, uid, nonce)
    ):
        found = uid
    elif rt().config.demo:
        found = service.demo_user_id(rt().sessions)
        if found is None:  # the visitor tried "delete everything": the demo starts over
            from calfeed.web.demo_seed import seed

            found = seed(current_app, rt().clock())
        sign_in(found, renew=False)
    elif uid is not None:
        session.clear()  # deleted, signed out elsewhere, or a cookie from before: forget it
    g.calfeed_uid = found
    return found


def require_user() -> int:
    """The signed-in user's id, or SignInRequired (the error handler sends them to the start)."""
    uid = current_user_id()
    if uid is None:
        raise SignInRequired("sign in first")
    return uid


def sign_in(user_id: int, *, renew: bool = True) -> None:
    """Start a fresh session for `user_id` (a new cookie: no session fixation).

    The user's nonce is renewed, so cookies from earlier sign-ins stop working; the demo keeps
    its shared user's nonce (`renew=False`), since every visitor is that user.
    """
    nonce = service.renew_session_nonce(rt().sessions, user_id, keep=not renew)
    session.clear()
    session[SESSION_USER] = user_id
    session[SESSION_NONCE] = nonce
    session.permanent = True
    g.calfeed_uid = user_id


def sign_out(user_id: int | None = None) -> None:
    """End the session; with `user_id` (still stored) every other session of the user ends too."""
    if user_id is not None:
        service.renew_session_nonce(rt().sessions, user_id)
    session.clear()
    g.calfeed_uid = None


def current_lang() -> Lang:
    """The language of the pages for this request."""
    if "calfeed_lang" not in g:
        uid = current_user_id()
        user_lang = service.user_lang(rt().sessions, uid) if uid is not None else None
        accept = [lang for lang, _q in request.accept_languages]
        g.calfeed_lang = pick_lang(user_lang, request.args.get("lang"), accept=accept)
    lang: Lang = g.calfeed_lang
    return lang


def _(message: str, **values: object) -> str:
    """`message` (an English msgid) in the request's language, through Flask-Babel."""
    return flask_babel.gettext(message, **values)


def _template_context() -> dict[str, Any]:
    return {
        "lang": current_lang(),
        "signed_in": current_user_id() is not None,
        "demo": rt().config.demo,
        "google_configured": rt().config.google_configured,
    }


def init_context(app: Flask) -> None:
    # templates get `_`, `gettext` and `ngettext` from Flask-Babel's Jinja i18n extension
    flask_babel.Babel(
        app, locale_selector=current_lang, default_translation_directories=str(TRANSLATIONS)
    )
    app.context_processor(_template_context)
