"""The feed's follow-ups as Google Calendar events, and the difference to write (a delivery target).

A Google Calendar user sees a subscribed feed hours late and without its reminders, so calfeed
also writes the same follow-ups into a calendar it created in the user's account. This module is
the pure half of that: it builds each Google event from the `FeedEvent`s the pipeline made for the
feed (`FeedResult.events`), so the two cannot disagree on instants, zone, title or text (drafts
and `mailto:` links included), and it computes what to send as a difference against what was
last written.

- Event ids are derived from the feed UID: base32hex (Google allows a-v and 0-9, 5 to 1024
  characters) of the UID's SHA-256, so every retry and every worker names an event the same way
  and an insert can never make a second copy (Google answers 409 instead).
- A fingerprint covers exactly the fields calfeed writes, normalised (instants in UTC), so the
  fingerprint of an event read back from Google equals the one of the body sent; it tells "this
  is what we wrote" (a write whose answer was lost) from "the user changed it".
- An event the user touched (edited or deleted in Google) is never planned again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from calfeed.core.feed import FeedEvent

Reminder = Literal["none", "at-start", "15-min"]
REMINDERS: tuple[Reminder, ...] = ("none", "at-start", "15-min")
#: a popup at the follow-up's start unless the user chose otherwise
DEFAULT_REMINDER: Reminder = "at-start"
_REMINDER_MINUTES: dict[Reminder, int | None] = {"none": None, "at-start": 0, "15-min": 15}

#: the calendar's name, as the feed's (`pipeline.FEED_NAMES`)
CALENDAR_NAMES = {"en": "Interview follow-ups", "id": "Tindak lanjut wawancara"}
CALENDAR_DESCRIPTIONS = {
    "en": "Written by calfeed: when to thank your interviewers and when to check in, with a "
    "draft for each. Deleting this calendar stops calfeed writing to it.",
    "id": "Ditulis oleh calfeed: kapan berterima kasih kepada pewawancara dan kapan "
    "menindaklanjuti, lengkap dengan draf e-mail. Menghapus kalender ini menghentikan calfeed "
    "menulis ke sana.",
}
#: the private extended properties calfeed sets on each event it writes
UID_PROPERTY = "calfeedUid"
HASH_PROPERTY = "calfeedHash"
_MARKER = re.compile(r"\[calfeed:([a-z0-9]{16,64})\]")
_BASE32HEX = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghijklmnopqrstuv")


def event_id_for(uid: str) -> str:
    """The Google event id of the follow-up with feed UID `uid` (52 base32hex characters)."""
    digest = hashlib.sha256(uid.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").translate(_BASE32HEX).lower()


def _when(value: datetime | date) -> dict[str, str]:
    if not isinstance(value, datetime):
        return {"date": value.isoformat()}
    zone = getattr(value.tzinfo, "key", None) or "UTC"
    # the offset makes the instant unambiguous even on a fall-back night; timeZone keeps the zone
    return {"dateTime": value.isoformat(timespec="seconds"), "timeZone": zone}


def reminders_for(reminder: Reminder) -> dict[str, Any]:
    minutes = _REMINDER_MINUTES[reminder]
    if minutes is None:
        return {"useDefault": False, "overrides": []}
    return {"useDefault": False, "overrides": [{"method": "popup", "minutes": minutes}]}


def event_body(item: FeedEvent, reminder: Reminder = DEFAULT_REMINDER) -> dict[str, Any]:
    """The events.insert/update body for one feed event (the fingerprint is in its properties)."""
    body: dict[str, Any] = {
        "id": event_id_for(item.uid),
        "summary": " ".join(item.summary.split())[:250],
        "description": item.description,
        "start": _when(item.start),
        "end": _when(item.end),
        "transparency": "transparent",  # a reminder to write an e-mail must not make one busy
        "visibility": "private",
        "reminders": reminders_for(reminder),
    }
    body["extendedProperties"] = {
        "private": {UID_PROPERTY: item.uid[:900], HASH_PROPERTY: fingerprint(body)}
    }
    return body


def _instant(part: Any) -> list[str]:
    if not isinstance(part, Mapping):
        return []
    if "dateTime" in part:
        try:
            moment = datetime.fromisoformat(str(part["dateTime"]).replace("Z", "+00:00"))
        except ValueError:
            return [str(part["dateTime"])]
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return [moment.isoformat(), str(part.get("timeZone") or "")]
    return [str(part.get("date", ""))]


def fingerprint(resource: Mapping[str, Any]) -> str:
    """A hash of the fields calfeed writes, the same for a body sent and the event read back."""
    reminders = resource.get("reminders") or {}
    overrides = reminders.get("overrides") or [] if isinstance(reminders, Mapping) else []
    popups = sorted(
        (str(o.get("method", "")), int(o.get("minutes", 0)))
        for o in overrides
        if isinstance(o, Mapping)
    )
    parts = [
        str(resource.get("summary", "")),
        str(resource.get("description", "")),
        _instant(resource.get("start")),
        _instant(resource.get("end")),
        str(resource.get("transparency", "opaque")),
        str(resource.get("visibility", "default")),
        bool(reminders.get("useDefault", True)) if isinstance(reminders, Mapping) else True,
        popups,
    ]
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Desired:
    """One event as it should be in calfeed's calendar."""

    event_id: str
    uid: str
    body: dict[str, Any] = field(compare=False, hash=False)
    hash: str = ""


@dataclass(frozen=True, slots=True)
class Written:
    """What calfeed last wrote of one event (or learnt the user did to it)."""

    event_id: str
    hash: str
    etag: str | None = None
    touched: bool = False  # edited or deleted by the user in Google: left alone for good


@dataclass(frozen=True, slots=True)
class Plan:
    """The difference to send, smallest first: nothing when the calendar already matches."""

    inserts: tuple[Desired, ...] = ()
    updates: tuple[tuple[Desired, Written], ...] = ()
    deletes: tuple[Written, ...] = ()

    @property
    def size(self) -> int:
        return len(self.inserts) + len(self.updates) + len(self.deletes)


def desired_events(
    items: Sequence[FeedEvent], reminder: Reminder = DEFAULT_REMINDER
) -> dict[str, Desired]:
    """The feed's follow-ups as Google events, by event id."""
    found: dict[str, Desired] = {}
    for item in items:
        body = event_body(item, reminder)
        found[body["id"]] = Desired(
            body["id"], item.uid, body, body["extendedProperties"]["private"][HASH_PROPERTY]
        )
    return found


def plan(desired: Mapping[str, Desired], written: Mapping[str, Written]) -> Plan:
    """Inserts for new follow-ups, updates for changed ones, deletes for those gone from the
    feed; the user's touched events are in none of them."""
    inserts = tuple(d for key, d in sorted(desired.items()) if key not in written)
    updates = tuple(
        (d, written[key])
        for key, d in sorted(desired.items())
        if key in written and not written[key].touched and written[key].hash != d.hash
    )
    deletes = tuple(w for key, w in sorted(written.items()) if key not in desired and not w.touched)
    return Plan(inserts, updates, deletes)


def calendar_body(lang: str, time_zone: str, marker: str) -> dict[str, Any]:
    """calendars.insert's body: the feed's name, a description ending with calfeed's marker (so a
    calendar created by a worker that died before storing its id is found again, not doubled)."""
    return {**calendar_names(lang, marker), "timeZone": time_zone}


def calendar_names(lang: str, marker: str) -> dict[str, Any]:
    """calendars.patch's body when the user's language changes: the name and description in
    `lang`, the description still ending with the marker."""
    description = CALENDAR_DESCRIPTIONS.get(lang, CALENDAR_DESCRIPTIONS["en"])
    return {
        "summary": CALENDAR_NAMES.get(lang, CALENDAR_NAMES["en"]),
        "description": f"{description}\n\n[calfeed:{marker}]",
    }


def marker_of(description: str | None) -> str | None:
    """The marker in a calendar's description, if calfeed wrote one."""
    found = _MARKER.search(description or "")
    return found.group(1) if found else None
