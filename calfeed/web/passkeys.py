"""Passkeys (WebAuthn, through the maintained `webauthn` package).

Three ceremonies, each an options call then a verify call, JSON both ways (static/passkeys.js
drives the browser's `navigator.credentials`; CSRF rides in the X-CSRFToken header):
- sign-up with a calendar address and no Google: `/passkeys/signup/*` creates the user, their
  passkey and their first source (read at once), then signs them in;
- sign-in: `/passkeys/signin/*`, discoverable credentials, so no name or address is typed;
- a signed-in user (a Google one too) adds a passkey: `/passkeys/add/*`.

Each challenge is kept on the server (`calfeed.store.ceremonies`), bound to this browser's
session and, for "add", to the signed-in user, and taken once: a replayed assertion or
registration, or a new credential answering an old challenge, finds nothing and gets 400 with a
plain message. The relying party is the host of CALFEED_BASE_URL (or of the request, locally),
and so is the only origin accepted.

Proof that a sign-up comes from a browser on this site: the options and verify calls carry the
CSRF token of a page we served, in a header (only a same-origin script can set one), and the
registration is WebAuthn's own, made for our origin on a challenge we issued. Sign-ups are
bounded per client, per network and for everyone (`calfeed.store.signups`); passkeys that
signed-in users add are not sign-ups and count against no bound.
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
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
from calfeed.store import ceremonies, create_user, session_scope, signups
from calfeed.store import passkeys as db
from calfeed.web.context import _, require_user, rt, sign_in

bp = Blueprint("passkeys", __name__, url_prefix="/passkeys")

BINDING = "pkb"  # the session key of the random value this browser's ceremonies are bound to
RP_NAME = "calfeed"


def _relying_party() -> tuple[str, str]:
    """(rp id, origin): CALFEED_BASE_URL's host when set, else this request's."""
    base = rt().config.base_url or request.host_url
    parts = urlsplit(base)
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def _error(message: str, status: int = 400) -> ResponseReturnValue:
    """A ceremony refused: JSON the script shows in the form's status line."""
    return jsonify({"error": message}), status


def _used_or_expired() -> ResponseReturnValue:
    return _error(_("This passkey request has expired or was used already. Start again."))


def _client() -> str:
    """This request's client key: its address as ProxyFix left it (the configured proxy count
    in production), keyed so no address is stored."""
    return signups.client_key(request.remote_addr, rt().config.secret_key)


def _binding() -> str:
    """This browser session's random ceremony binding, made on first use."""
    value = session.get(BINDING)
    if not isinstance(value, str) or len(value) < 32:
        value = session[BINDING] = secrets.token_urlsafe(32)
    return value


def _begin(
    purpose: str,
    challenge: bytes,
    *,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> ResponseReturnValue | None:
    """Keep the challenge just made on the server; an error answer when this client (or
    everyone) holds too many ceremonies open already, else None."""
    runtime = rt()
    now = runtime.clock()
    client = _client()
    binding = _binding()
    payload_enc = runtime.cipher.encrypt(json.dumps(payload)) if payload is not None else None
    with session_scope(runtime.sessions) as s:
        mine, everyone = ceremonies.pending_counts(s, client, now)
        if mine >= ceremonies.PENDING_PER_CLIENT or everyone >= ceremonies.PENDING_TOTAL:
            return _error(
                _("Too many passkey requests are open. Wait a few minutes and try again."), 429
            )
        ceremonies.put_challenge(
            s,
            challenge=challenge,
            purpose=purpose,
            binding=binding,
            client_key=client,
            now=now,
            user_id=user_id,
            payload_enc=payload_enc,
        )
    return None


def _credential() -> dict[str, Any]:
    found = request.get_json(silent=True)
    return found if isinstance(found, dict) else {}


def _challenge_of(credential: dict[str, Any]) -> bytes | None:
    """The challenge the browser signed, read from its clientDataJSON (checked again, with the
    origin and type, by py_webauthn); None when the answer is not shaped like one."""
    try:
        response = credential["response"]
        client_data = json.loads(base64url_to_bytes(str(response["clientDataJSON"])))
        return base64url_to_bytes(str(client_data["challenge"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _take(
    purpose: str, credential: dict[str, Any], user_id: int | None = None
) -> tuple[bytes, dict[str, Any]] | None:
    """(the challenge, its payload) when the answer's challenge is an open ceremony of this
    purpose, this session (and user); the ceremony is gone afterwards, whatever follows."""
    challenge = _challenge_of(credential)
    binding = session.get(BINDING)
    if challenge is None or not isinstance(binding, str):
        return None
    runtime = rt()
    with session_scope(runtime.sessions) as s:
        taken = ceremonies.take_challenge(
            s,
            challenge=challenge,
            purpose=purpose,
            binding=binding,
            now=runtime.clock(),
            user_id=user_id,
        )
    if taken is None:
        return None
    payload = json.loads(runtime.cipher.decrypt(taken.payload_enc)) if taken.payload_enc else {}
    return challenge, payload


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


def _verified_registration(credential: dict[str, Any], challenge: bytes) -> Any:
    rp_id, origin = _relying_party()
    return verify_registration_response(
        credential=credential,
        expected_challenge=challenge,
        expected_rp_id=rp_id,
        expected_origin=origin,
    )


# --- sign-up with a calendar address --------------------------------------------------------------


def _signups_full() -> ResponseReturnValue | None:
    """The 429 answer when this client's (or its network's), or everyone's, sign-ups of the last
    hour reached their bound (`CALFEED_SIGNUPS_PER_CLIENT`, `NETWORK_FACTOR` times it, and
    `CALFEED_SIGNUPS_PER_HOUR`); None when there is room."""
    runtime = rt()
    since = runtime.clock() - signups.WINDOW
    network = signups.network_key(request.remote_addr, runtime.config.secret_key)
    with session_scope(runtime.sessions) as s:
        mine = signups.signups_since(s, since, client=_client())
        neighbours = signups.signups_since(s, since, network=network)
        everyone = signups.signups_since(s, since)
    per_client = runtime.config.signups_per_client
    if mine >= per_client or neighbours >= per_client * signups.NETWORK_FACTOR:
        return _error(
            _("Too many new accounts were made from your network this hour. Try again later."),
            429,
        )
    if everyone >= runtime.config.signups_per_hour:
        return _error(_("Too many new accounts were made in the last hour. Try again later."), 429)
    return None


@bp.post("/signup/options")
def signup_options() -> ResponseReturnValue:
    if (full := _signups_full()) is not None:
        return full
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
    payload = {"handle": handle, "address": url, "name": name}
    if (refused := _begin("signup", challenge, payload=payload)) is not None:
        return refused
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/signup/verify")
def signup_verify() -> ResponseReturnValue:
    credential = _credential()
    taken = _take("signup", credential)
    if taken is None:
        return _used_or_expired()
    challenge, pending = taken
    if (full := _signups_full()) is not None:  # again: options may predate the bound filling
        return full
    try:
        verified = _verified_registration(credential, challenge)
    except WebAuthnException:
        return _error(_("The passkey could not be checked. Try again."))
    runtime = rt()
    now = runtime.clock()
    credential_id = bytes_to_base64url(verified.credential_id)
    try:
        with session_scope(runtime.sessions) as s:
            if db.find_passkey(s, credential_id) is not None or db.users_of_handle(
                s, pending["handle"]
            ):
                return _error(_("This passkey is already registered. Sign in with it instead."))
            user_id = create_user(s, now=now).id
            db.add_passkey(
                s,
                user_id,
                credential_id=credential_id,
                user_handle=pending["handle"],
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                now=now,
            )
            network = signups.network_key(request.remote_addr, runtime.config.secret_key)
            signups.record_signup(s, _client(), network, now)
    except IntegrityError:  # the same passkey registered by a racing request
        return _error(_("This passkey is already registered. Sign in with it instead."))
    sign_in(user_id)
    address = pending["address"]  # kept on the server with the challenge
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
    if (refused := _begin("signin", options.challenge)) is not None:
        return refused
    return options_to_json(options), 200, {"Content-Type": "application/json"}


@bp.post("/signin/verify")
def signin_verify() -> ResponseReturnValue:
    credential = _credential()
    taken = _take("signin", credential)
    if taken is None:
        return _used_or_expired()
    challenge, _payload = taken
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
                expected_challenge=challenge,
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
    if (
        refused := _begin("add", challenge, user_id=user_id, payload={"handle": handle})
    ) is not None:
        return refused
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/add/verify")
def add_verify() -> ResponseReturnValue:
    user_id = require_user()
    credential = _credential()
    taken = _take("add", credential, user_id)
    if taken is None:
        return _used_or_expired()
    challenge, pending = taken
    try:
        verified = _verified_registration(credential, challenge)
    except WebAuthnException:
        return _error(_("The passkey could not be checked. Try again."))
    credential_id = bytes_to_base64url(verified.credential_id)
    try:
        with session_scope(rt().sessions) as s:
            if db.find_passkey(s, credential_id) is not None:
                return _error(_("This passkey is already added."), 409)
            if db.users_of_handle(s, pending["handle"]) - {user_id}:
                return _used_or_expired()  # never: handles are random per account
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
    except IntegrityError:
        return _error(_("This passkey is already added."), 409)
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
