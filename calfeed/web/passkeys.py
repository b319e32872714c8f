"""issue 11: passkeys (WebAuthn, through the maintained `webauthn` package).

Three ceremonies, each an options call then a verify call, JSON both ways (static/passkeys.js
drives the browser's `navigator.credentials`; CSRF rides in the X-CSRFToken header):
- sign-up with a calendar address and no Google: `/passkeys/signup/*` creates the user, their
  passkey and their first source (read at once), then signs them in;
- sign-in: `/passkeys/signin/*`, discoverable credentials, so no name or address is typed;
- a signed-in user (a Google one too) adds a passkey: `/passkeys/add/*`.
The challenge lives in the signed session and is taken once; the relying party is the host of
CALFEED_BASE_URL (or of the request, locally), and so is the only origin accepted.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, request, session, url_for
from flask.typing import ResponseReturnValue
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from calfeed.adapters.fetch import FetchRefused, precheck
from calfeed.background import ics_reads
from calfeed.errors import LimitReached
from calfeed.store import create_user, session_scope
from calfeed.store import passkeys as db
from calfeed.web.context import _, require_user, rt, sign_in

bp = Blueprint("passkeys", __name__, url_prefix="/passkeys")

PENDING = "pk"  # the session key of a ceremony in progress
RP_NAME = "calfeed"


def _relying_party() -> tuple[str, str]:
    """(rp id, origin): CALFEED_BASE_URL's host when set, else this request's."""
    base = rt().config.base_url or request.host_url
    parts = urlsplit(base)
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def _error(message: str, status: int = 400) -> ResponseReturnValue:
    """A ceremony refused: JSON the script shows in the form's status line."""
    return jsonify({"error": message}), status


def _registration(user_name: str, handle: str, exclude: list[str]) -> tuple[str, bytes]:
    rp_id, _origin = _relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=base64url_to_bytes(handle),
        user_name=user_name,
        user_display_name=user_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in exclude
        ],
    )
    return options_to_json(options), options.challenge


def _take(purpose: str) -> dict[str, Any] | None:
    """The pending ceremony of this kind, removed from the session (a challenge is used once)."""
    pending = session.pop(PENDING, None)
    return pending if isinstance(pending, dict) and pending.get("purpose") == purpose else None


def _verified_registration(pending: dict[str, Any]) -> Any:
    rp_id, origin = _relying_party()
    return verify_registration_response(
        credential=request.get_json(silent=True) or {},
        expected_challenge=base64url_to_bytes(pending["challenge"]),
        expected_rp_id=rp_id,
        expected_origin=origin,
    )


# --- sign-up with a calendar address --------------------------------------------------------------


def _signups_full() -> bool:
    """True when this hour's passkey sign-ups reached `CALFEED_SIGNUPS_PER_HOUR` (issue 7, point
    9: anonymous visitors can't grow the tables without bound)."""
    runtime = rt()
    since = runtime.clock() - timedelta(hours=1)
    with session_scope(runtime.sessions) as s:
        return db.passkeys_created_since(s, since) >= runtime.config.signups_per_hour


def _signups_full_error() -> ResponseReturnValue:
    return _error(_("Too many new accounts were made in the last hour. Try again later."), 429)


@bp.post("/signup/options")
def signup_options() -> ResponseReturnValue:
    if _signups_full():
        return _signups_full_error()
    data = request.get_json(silent=True) or {}
    address = str(data.get("address", ""))[:2000]
    name = str(data.get("name", ""))[: ics_reads.NAME_LIMIT]
    try:
        url = precheck(address, ics_reads.policy_for(rt().config))
    except FetchRefused as exc:
        return _error(_("This address cannot be read: %(reason)s.", reason=exc))
    handle = bytes_to_base64url(secrets.token_bytes(32))
    host = urlsplit(url).hostname or "calendar"
    options, challenge = _registration(f"calfeed ({name or host})", handle, [])
    session[PENDING] = {
        "purpose": "signup",
        "challenge": bytes_to_base64url(challenge),
        "handle": handle,
        "address": rt().cipher.encrypt(url),  # the session cookie is readable by its holder
        "name": name,
    }
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/signup/verify")
def signup_verify() -> ResponseReturnValue:
    pending = _take("signup")
    if pending is None:
        return _error(_("This passkey request has expired. Try again."))
    if _signups_full():  # checked again: options may have been asked for before the bound filled
        return _signups_full_error()
    try:
        verified = _verified_registration(pending)
    except WebAuthnException:
        return _error(_("The passkey could not be checked. Try again."))
    runtime = rt()
    now = runtime.clock()
    with session_scope(runtime.sessions) as s:
        user_id = create_user(s, now=now).id
        db.add_passkey(
            s,
            user_id,
            credential_id=bytes_to_base64url(verified.credential_id),
            user_handle=pending["handle"],
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            now=now,
        )
    sign_in(user_id)
    address = runtime.cipher.decrypt(pending["address"])
    from calfeed.web.sources import added_message, read_first

    try:
        source_id = ics_reads.add_source(
            runtime.sessions,
            runtime.cipher,
            user_id,
            address,
            pending["name"],
            now,
            policy=ics_reads.policy_for(runtime.config),
            max_sources=runtime.config.max_sources,
        )
    except FetchRefused as exc:
        flash(_("This address cannot be read: %(reason)s.", reason=exc), "error")
    else:
        read_first(user_id, source_id)  # in the worker: the sign-up never waits on the server
        flash(*added_message())
    return jsonify({"redirect": url_for("dashboard.index")})


# --- sign-in --------------------------------------------------------------------------------------


@bp.post("/signin/options")
def signin_options() -> ResponseReturnValue:
    rp_id, _origin = _relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, user_verification=UserVerificationRequirement.PREFERRED
    )
    session[PENDING] = {"purpose": "signin", "challenge": bytes_to_base64url(options.challenge)}
    return options_to_json(options), 200, {"Content-Type": "application/json"}


@bp.post("/signin/verify")
def signin_verify() -> ResponseReturnValue:
    pending = _take("signin")
    if pending is None:
        return _error(_("This passkey request has expired. Try again."))
    credential = request.get_json(silent=True) or {}
    runtime = rt()
    now = runtime.clock()
    rp_id, origin = _relying_party()
    with session_scope(runtime.sessions) as s:
        row = db.find_passkey(s, str(credential.get("id", ""))[:1400])
        if row is None:
            return _error(_("This passkey belongs to no calfeed account."))
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(pending["challenge"]),
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=row.public_key,
                credential_current_sign_count=row.sign_count,
            )
        except WebAuthnException:
            return _error(_("The passkey could not be checked. Try again."))
        row.sign_count = verified.new_sign_count
        row.last_used_at = now
        user_id = row.user_id
    sign_in(user_id)
    return jsonify({"redirect": url_for("dashboard.index")})


# --- a signed-in user adds a passkey --------------------------------------------------------------


@bp.post("/add/options")
def add_options() -> ResponseReturnValue:
    user_id = require_user()
    if _passkeys_full(user_id):
        return _passkeys_full_error()
    with session_scope(rt().sessions) as s:
        handle = db.user_handle_of(s, user_id) or bytes_to_base64url(secrets.token_bytes(32))
        existing = [p.credential_id for p in db.passkeys_of(s, user_id)]
        from calfeed.store import get_user

        user = get_user(s, user_id)
        label = (user.google_email if user else None) or "calfeed"
    options, challenge = _registration(label, handle, existing)
    session[PENDING] = {
        "purpose": "add",
        "challenge": bytes_to_base64url(challenge),
        "handle": handle,
        "user": user_id,
    }
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/add/verify")
def add_verify() -> ResponseReturnValue:
    user_id = require_user()
    pending = _take("add")
    if pending is None or pending.get("user") != user_id:
        return _error(_("This passkey request has expired. Try again."))
    try:
        verified = _verified_registration(pending)
    except WebAuthnException:
        return _error(_("The passkey could not be checked. Try again."))
    with session_scope(rt().sessions) as s:
        credential_id = bytes_to_base64url(verified.credential_id)
        if db.find_passkey(s, credential_id) is not None:
            return _error(_("This passkey is already added."), 409)
        try:
            db.add_passkey(
                s,
                user_id,
                credential_id=credential_id,
                user_handle=pending["handle"],
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                now=rt().clock(),
                limit=rt().config.max_passkeys,
            )
        except LimitReached:
            return _passkeys_full_error()
    flash(_("Passkey added: you can sign in with it from now on."), "ok")
    return jsonify({"redirect": url_for("dashboard.index")})


def _passkeys_full(user_id: int) -> bool:
    with session_scope(rt().sessions) as s:
        return db.count_passkeys(s, user_id) >= rt().config.max_passkeys


def _passkeys_full_error() -> ResponseReturnValue:
    limit = rt().config.max_passkeys
    return _error(_("An account holds at most %(limit)s passkeys.", limit=limit), 409)


@bp.app_context_processor
def _context() -> dict[str, Any]:
    def passkey_count() -> int:
        from calfeed.web.context import current_user_id

        uid = current_user_id()
        if uid is None:
            return 0
        with session_scope(rt().sessions) as s:
            return db.count_passkeys(s, uid)

    return {"passkey_count": passkey_count, "passkey_limit": rt().config.max_passkeys}
