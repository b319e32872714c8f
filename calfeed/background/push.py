"""Google push notifications: watch channels per calendar read, and their verification.

Google calls `CALFEED_BASE_URL/google/notify` when a watched calendar changes; the message carries
the channel id, the resource id Google gave the channel and the token we gave it, and nothing of
the change itself, so a notification only ever asks for an incremental read. Anything that does
not match a channel we opened gets 404 and starts no read. Without `CALFEED_BASE_URL` no channel
is opened and the scheduled reads carry the load.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from calfeed.config import Config
from calfeed.crypto import DecryptionFailed, TokenCipher, new_secret_token, same_secret, token_hash
from calfeed.errors import GoogleError
from calfeed.store import SessionFactory, get_user, session_scope
from calfeed.store import background as bg

if TYPE_CHECKING:
    from calfeed.adapters.google_api import CalendarClient

log = logging.getLogger(__name__)

NOTIFY_PATH = "/google/notify"
#: the resource id of a channel asked for and not yet answered (Google's ids are never empty)
PENDING = ""
#: asked-for channel lifetime (Google may grant less; its answer's expiration is what we store)
CHANNEL_TTL = timedelta(days=7)
#: channels expiring within this are renewed by the next read (the sweep asks for one)
RENEW_BEFORE = timedelta(days=1)
#: the resource states Google sends: "sync" opens a channel, the others report a change
CHANGE_STATES = frozenset({"exists", "not_exists"})


def notify_address(config: Config) -> str | None:
    """Where Google posts notifications, or None when push is off (no base URL; or production
    without HTTPS, which Google refuses anyway)."""
    base = config.base_url
    if not base or (config.production and not base.startswith("https://")):
        return None
    return base + NOTIFY_PATH


def _client(sessions: SessionFactory, config: Config, user_id: int) -> CalendarClient | None:
    from calfeed.adapters.google import user_credentials
    from calfeed.adapters.google_api import CalendarClient

    with session_scope(sessions) as s:
        user = get_user(s, user_id)
        refresh_enc = user.refresh_token_enc if user is not None else None
    if not refresh_enc:
        return None
    try:
        refresh = TokenCipher(config.encryption_key).decrypt(refresh_enc)
    except DecryptionFailed:
        return None
    return CalendarClient(
        user_credentials(config, refresh),
        config=config,
        user_id=user_id,
    )


def _expiry(answer: Mapping[str, object], now: datetime) -> datetime:
    raw = answer.get("expiration")
    try:
        return datetime.fromtimestamp(int(str(raw)) / 1000, tz=UTC)
    except (TypeError, ValueError):
        return now + CHANNEL_TTL


def ensure_channels(sessions: SessionFactory, config: Config, user_id: int, now: datetime) -> int:
    """Open channels for selected calendars that lack a live one, renew those about to expire,
    and stop those of deselected calendars. Returns the Calendar API requests spent."""
    address = notify_address(config)
    if address is None:
        return 0
    with session_scope(sessions) as s:
        stop = [(c.channel_id, c.resource_id) for c in bg.channels_to_stop(s, user_id)]
        watch = bg.calendars_to_watch(s, user_id, now, RENEW_BEFORE)
        existing = [
            (c.channel_id, c.resource_id, c.calendar_id) for c in bg.channels_for_user(s, user_id)
        ]
    if not stop and not watch:
        return 0
    client = _client(sessions, config, user_id)
    if client is None:
        return 0
    for calendar_pk, google_id in watch:
        channel_id, token = uuid.uuid4().hex, new_secret_token()
        # stored before asking: Google's "sync" message may arrive before its answer does
        with session_scope(sessions) as s:
            bg.add_channel(
                s,
                channel_id=channel_id,
                user_id=user_id,
                calendar_pk=calendar_pk,
                resource_id=PENDING,
                token_hash=token_hash(token),
                expires_at=now,  # not live until Google answered
                now=now,
            )
        try:
            answer = client.watch(
                google_id, channel_id, address, token, int(CHANNEL_TTL.total_seconds())
            )
        except BaseException:
            with session_scope(sessions) as s:
                bg.drop_channels(s, [channel_id])
            raise
        with session_scope(sessions) as s:
            bg.activate_channel(
                s, channel_id, str(answer.get("resourceId", "")), _expiry(answer, now)
            )
        # the new channel is live: the one it renews goes (a notification meanwhile reads twice)
        stop += [(cid, rid) for cid, rid, cal in existing if cal == calendar_pk]
    _stop(sessions, client, stop)
    return int(client.requests)


def _stop(
    sessions: SessionFactory, client: CalendarClient, channels: list[tuple[str, str]]
) -> None:
    for channel_id, resource_id in channels:
        try:
            client.stop_channel(channel_id, resource_id)
        except GoogleError as exc:  # it expires by itself; its notifications find no channel
            log.warning("channels.stop failed: %s", type(exc).__name__)
    with session_scope(sessions) as s:
        bg.drop_channels(s, [cid for cid, _ in channels])


def stop_all(sessions: SessionFactory, config: Config, user_id: int) -> None:
    """Stop every channel of the user at Google (before disconnecting: the grant still works)."""
    with session_scope(sessions) as s:
        channels = [(c.channel_id, c.resource_id) for c in bg.channels_for_user(s, user_id)]
    if not channels:
        return
    client = _client(sessions, config, user_id)
    if client is None:
        with session_scope(sessions) as s:
            bg.drop_channels(s, [cid for cid, _ in channels])
        return
    _stop(sessions, client, channels)


@dataclass(frozen=True)
class Notification:
    user_id: int
    state: str

    @property
    def change(self) -> bool:
        return self.state in CHANGE_STATES


def verify(sessions: SessionFactory, headers: Mapping[str, str]) -> Notification | None:
    """The notification's user when channel id, resource id and token all match ours, else None.

    `headers` has lower-case names (x-goog-channel-id, ...).
    """
    channel_id = headers.get("x-goog-channel-id", "")
    resource_id = headers.get("x-goog-resource-id", "")
    token = headers.get("x-goog-channel-token", "")
    state = headers.get("x-goog-resource-state", "")
    if not channel_id or not resource_id or not token or len(channel_id) > 64 or len(token) > 256:
        return None
    with session_scope(sessions) as s:
        channel = bg.find_channel(s, channel_id)
        if channel is None or not same_secret(channel.token_hash, token_hash(token)):
            return None
        if channel.resource_id == PENDING:  # only the opening "sync" can come this early
            return Notification(channel.user_id, state) if state == "sync" else None
        if not same_secret(channel.resource_id, resource_id):
            return None
        return Notification(channel.user_id, state)
