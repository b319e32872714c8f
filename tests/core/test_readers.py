"""The feed as real readers see it: ical.js (Thunderbird), icalendar, vobject agree on each instant.

Feeds are built with the real pipeline (Google JSON -> `events_from_payload` -> `build_feed`) from
the bundled sample calendar and from generated interviews in zones that cross daylight saving, with
follow-ups placed before, after and exactly on the transition days. For every event each reader must
give the instant the engine computed (`FollowUp.start`/`end`, compared as UTC epoch seconds).

Readers:
- ical.js under node (tests/js/read_feed.mjs), marked `node`: skipped when node or
  tests/js/node_modules is missing, a failure instead when CALFEED_REQUIRE_NODE=1 (.ci/run).
- icalendar, twice: resolving TZIDs by name (its default, through zoneinfo), and through the feed's
  own VTIMEZONE definitions (`Timezone.to_tz(lookup_tzid=False)`), which is what ical.js and
  Outlook do and what catches a VTIMEZONE that disagrees with the tz database.
- vobject `readOne(..., validate=True)`, which also reads the feed's VTIMEZONEs (dateutil tzical);
  its process-wide TZID registry is cleared before each read, so each feed is judged on its own
  (one test shows what that registry does to span-limited VTIMEZONEs).

Scenarios that caught real misreads stay as regression tests (with icalendar's
`Timezone.from_tzid` the feed was misread; calfeed/core/vtimezone.py holds the shape that replaced
it):
- `berlin-2026-2027`, `sydney-2026-2027`: a span crossing the same kind of change twice made an
  observance with DTSTART plus RDATE; ical.js 2.2.1 (Timezone._expandComponent) then drops the
  DTSTART onset (libical had the same bug, libical/libical#156) and read a whole season an hour off.
- `berlin-repeated-hour`: the first 02:30 of 2026-10-25 written as a TZID wall time; RFC 5545
  3.3.5 means the first occurrence, ical.js (Timezone.utcOffset, `want_daylight = false`) takes the
  second, an hour late. Such instants must be written in UTC.
- `test_vobject_reads_a_later_feed_after_an_earlier_one_in_the_same_process`: VTIMEZONEs sized to
  each feed's span, read by a process that caches the first definition of a TZID.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from calfeed.core.drafts import title_for
from calfeed.core.inputs.google_json import events_from_payload
from calfeed.core.model import Notice, RuleSettings
from calfeed.core.pipeline import FeedResult, build_feed
from tests.support.paths import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
JS_DIR = ROOT / "tests" / "js"
READ_FEED = JS_DIR / "read_feed.mjs"
SAMPLE = FIXTURES / "google_events_sample.json"
UPDATED = "2026-01-05T08:00:00.000Z"
SELF = "budi.santoso@gmail.com"

JsonDict = dict[str, Any]


# --- generated calendars -------------------------------------------------------------------------


def interview(
    zone: str,
    local_start: str,
    title: str,
    interviewer: str,
    minutes: int = 60,
    description: str = "Video call. Jane: you will hear back within a week.",
) -> JsonDict:
    """A timed interview shaped like Google's events.list item, in `zone` (wall time given)."""
    tz = ZoneInfo(zone)
    start = datetime.fromisoformat(local_start).replace(tzinfo=tz)
    start = start.astimezone(UTC).astimezone(tz)  # a real instant even for wall times in a gap
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(tz)
    ident = f"{zone.split('/')[-1].lower()}{start.astimezone(UTC):%Y%m%dt%H%M}"
    return {
        "kind": "calendar#event",
        "id": ident,
        "status": "confirmed",
        "eventType": "default",
        "summary": title,
        "description": description,
        "updated": UPDATED,
        "iCalUID": f"{ident}@google.com",
        "start": {"dateTime": start.isoformat(), "timeZone": zone},
        "end": {"dateTime": end.isoformat(), "timeZone": zone},
        "organizer": {"email": interviewer},
        "attendees": [
            {"email": interviewer, "organizer": True, "responseStatus": "accepted"},
            {"email": SELF, "self": True, "responseStatus": "accepted"},
        ],
    }


def all_day_interview(first: str, last_exclusive: str, title: str) -> JsonDict:
    """An all-day interview (Google `date` values, exclusive end, no zone of its own)."""
    ident = f"allday{first.replace('-', '')}{last_exclusive.replace('-', '')}"
    return {
        "kind": "calendar#event",
        "id": ident,
        "status": "confirmed",
        "eventType": "default",
        "summary": title,
        "updated": UPDATED,
        "iCalUID": f"{ident}@google.com",
        "start": {"date": first},
        "end": {"date": last_exclusive},
        "attendees": [
            {"email": "hr@initech.de", "organizer": True, "responseStatus": "accepted"},
            {"email": SELF, "self": True, "responseStatus": "accepted"},
        ],
    }


def listing(items: list[JsonDict], zone: str = "Asia/Jakarta") -> JsonDict:
    """A saved events.list response around `items`."""
    return {
        "kind": "calendar#events",
        "summary": SELF,
        "timeZone": zone,
        "updated": UPDATED,
        "items": items,
    }


@dataclass(frozen=True)
class Scenario:
    """One feed to read: a calendar, the user's settings, optional all-day notices."""

    payload: JsonDict
    settings: RuleSettings
    notices: tuple[Notice, ...] = ()


BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
KOLKATA = "Asia/Kolkata"
ST_JOHNS = "America/St_Johns"
JAKARTA = "Asia/Jakarta"

BERLIN_2026 = [
    # check-in a week later, on the far side of the spring change (Sunday 2026-03-29, 02:00 CET)
    interview(BERLIN, "2026-03-26T10:00", "Interview with Jane Doe (Acme)", "jane.doe@acme.com"),
    # ends 01:30 CET on the transition day: the thank-you lands in the first hour of CEST
    interview(BERLIN, "2026-03-29T01:00", "Phone screen with Siemens", "lena@siemens.com", 30),
    # an ordinary Sunday-morning call on the transition day itself
    interview(BERLIN, "2026-03-29T10:00", "Final round - Zalando - Analyst", "max@zalando.de"),
    # C1 with business days, checked in after the autumn change (Sunday 2026-10-25, 03:00 CEST)
    interview(
        BERLIN,
        "2026-10-20T14:00",
        "Interview SAP - Product Owner",
        "anna.schmidt@sap.com",
        description="Decision within 3 business days.",
    ),
    interview(BERLIN, "2026-10-24T11:00", "Technical round with N26", "tom@n26.com"),
    interview(BERLIN, "2026-10-25T10:00", "Interview: Delivery Hero (Lead)", "sara@dh.com"),
    # just after the repeated hour: 03:00 CET happens once
    interview(BERLIN, "2026-10-25T03:00", "Interview with Celonis", "li.wei@celonis.com"),
]

BERLIN_2027 = [
    interview(BERLIN, "2027-03-25T09:30", "Interview with Bosch - Engineer", "k.meyer@bosch.com"),
    interview(BERLIN, "2027-03-28T16:00", "Recruiter call - Trivago", "recruiting@trivago.com"),
    interview(BERLIN, "2027-10-28T13:00", "Onsite at BMW", "j.huber@bmw.de"),
    interview(BERLIN, "2027-10-31T10:00", "Interview with Infineon", "p.lang@infineon.com"),
]

NEW_YORK_2026 = [
    interview(NEW_YORK, "2026-03-05T15:00", "Interview with Stripe - SWE", "alex@stripe.com"),
    # ends 01:00 EST on Sunday 2026-03-08: the thank-you is the first minute of EDT (03:00)
    interview(NEW_YORK, "2026-03-08T00:30", "Phone screen with Etsy", "kim@etsy.com", 30),
    interview(NEW_YORK, "2026-03-08T09:00", "Hiring manager call - Squarespace", "dana@sq.com"),
    interview(NEW_YORK, "2026-10-29T11:00", "Interview with Datadog", "chris@datadoghq.com"),
    interview(NEW_YORK, "2026-11-01T10:00", "Final round: MongoDB", "pat@mongodb.com"),
    # 03:00 EST on the autumn transition day: after the repeated hour
    interview(NEW_YORK, "2026-11-01T03:00", "Interview with Peloton", "sam@onepeloton.com"),
]

SYDNEY_2026 = [
    # southern hemisphere: DST ends Sunday 2026-04-05 03:00 AEDT, starts Sunday 2026-10-04 02:00
    interview(SYDNEY, "2026-04-02T14:00", "Interview with Atlassian - SRE", "liv@atlassian.com"),
    interview(SYDNEY, "2026-04-05T10:00", "Phone screen with Canva", "jack@canva.com"),
    interview(SYDNEY, "2026-10-01T10:00", "Interview with Afterpay", "mia@afterpay.com"),
    interview(SYDNEY, "2026-10-04T01:00", "Interview with Xero (late call)", "noah@xero.com", 30),
    interview(SYDNEY, "2026-10-04T11:00", "Onsite with Canva", "jack@canva.com"),
]

ODD_OFFSETS = [
    interview(KOLKATA, "2026-03-26T10:30", "Interview with Infosys", "ravi@infosys.com"),
    interview(KOLKATA, "2026-11-02T17:15", "Technical round - Flipkart", "priya@flipkart.com"),
    # Newfoundland: -03:30 / -02:30, changes with the rest of Canada at 02:00 local
    interview(ST_JOHNS, "2026-03-05T15:00", "Interview with Verafin", "liam@verafin.com"),
    interview(ST_JOHNS, "2026-03-08T10:00", "Phone screen with Colab", "emma@colab.com"),
    interview(ST_JOHNS, "2026-10-29T13:00", "Interview with Verafin (2)", "liam@verafin.com"),
    interview(ST_JOHNS, "2026-11-01T10:00", "Interview with Nasdaq Verafin", "olga@nasdaq.com"),
    interview(JAKARTA, "2026-11-23T10:00", "Wawancara PT Maju Jaya - Manajer", "rina@majujaya.id"),
]

ALL_DAY = [
    # all-day (rule D4: 09:00-17:00 local), zone from the calendar (rule Z1); the last day of the
    # first one is the spring transition day, the second's check-in falls after the autumn one
    all_day_interview("2026-03-27", "2026-03-30", "Assessment centre interview - Lidl"),
    all_day_interview("2026-10-23", "2026-10-24", "Onsite interview day at Initech"),
]
NOTICES = (
    Notice(
        uid="notice-reconnect@calfeed",
        summary="Reconnect Google to keep this calendar up to date",
        description="calfeed could not read your Google calendar.",
        day=date(2026, 3, 29),
        since=datetime(2026, 3, 28, 7, 0, tzinfo=UTC),
    ),
)

UNICODE = [
    interview(
        JAKARTA,
        "2026-11-24T13:00",
        "Wawancara 🎯 PT Kopi Kenangan – Manajer Produk «Jakarta Selatan»",
        "dewi.lestari@kopikenangan.co.id",
        description="Kami akan mengabari Anda dalam 3 hari kerja. ☕️ " + "Catatan: ½ jam. " * 200,
    ),
    interview(
        JAKARTA,
        "2026-11-25T09:00",
        "Interview – Café Ünïcødé GmbH – Ingénieur ✨ 日本語チーム",
        "zoë.brontë@cafe-unicode.de",
        description="🙂" * 600,
    ),
]

# spans of a year or more, each crossing the same kind of change twice (Berlin: March 2026 and
# March 2027; Sydney: April 2026 and April 2027), so icalendar lists the second onset of that
# observance as an RDATE beside its DTSTART
BERLIN_TWO_YEARS = [
    interview(BERLIN, "2026-03-18T10:00", "Interview with Lufthansa", "h.kurz@lufthansa.com"),
    interview(BERLIN, "2026-06-10T10:00", "Interview with Siemens Energy", "f.bauer@se.com"),
    interview(BERLIN, "2026-12-09T10:00", "Interview with Allianz", "m.wolf@allianz.de"),
    interview(BERLIN, "2027-06-09T10:00", "Interview with Adidas", "c.roth@adidas.com"),
]
SYDNEY_TWO_YEARS = [
    interview(SYDNEY, "2026-03-25T10:00", "Interview with Macquarie", "ella@macquarie.com"),
    interview(SYDNEY, "2026-06-10T10:00", "Interview with Telstra", "ava@telstra.com"),
    interview(SYDNEY, "2027-01-13T10:00", "Interview with Woolworths", "leo@woolworths.com.au"),
    interview(SYDNEY, "2027-06-09T10:00", "Interview with Qantas", "isla@qantas.com.au"),
]

# the repeated hour after "fall back": a wall time names two instants
BERLIN_REPEATED = [
    # ends 01:30 CEST on 2026-10-25; +1h = 02:30 CEST, the *first* 02:30 that day
    interview(BERLIN, "2026-10-25T00:30", "Interview with Helsing (late call)", "n.vogel@hs.ai"),
]
NEW_YORK_REPEATED = [
    # ends 01:00 EDT on 2026-11-01; +1h = 01:00 EST, the *second* 01:00 that day
    interview(NEW_YORK, "2026-11-01T00:00", "Interview with Jane Street (late)", "ed@js.com"),
]

# zones whose changes follow no simple pattern, odd offsets and dates past the tz rules' horizon
IRREGULAR = [
    # Chile falls back at 24:00 on Saturday 2026-04-04: 23:00-24:00 happens twice
    interview("America/Santiago", "2026-04-04T21:30", "Interview with Falabella", "a@falabella.cl"),
    interview("America/Santiago", "2026-04-04T22:30", "Interview with LATAM", "b@latam.com"),
    interview("America/Santiago", "2026-09-03T10:00", "Interview with Cencosud", "c@cencosud.cl"),
    # Morocco leaves +01 for +00 during Ramadan (dates move every year)
    interview("Africa/Casablanca", "2027-02-03T10:00", "Interview with OCP", "d@ocp.ma"),
    interview("Africa/Casablanca", "2027-03-04T10:00", "Interview with Maroc Telecom", "e@iam.ma"),
    # Lord Howe Island: a 30-minute shift (+11:00 -> +10:30 at 02:00 on 2026-04-05)
    interview("Australia/Lord_Howe", "2026-04-02T10:00", "Interview with LHI Board", "f@lhi.au"),
    interview(
        "Australia/Lord_Howe", "2026-04-05T01:00", "Phone screen - Island Air", "g@ia.au", 30
    ),
    interview("Pacific/Chatham", "2026-04-02T10:00", "Interview with Chatham Co", "k@chatham.nz"),
    interview("Asia/Tehran", "2026-03-18T10:00", "Interview with Digikala", "m@digikala.com"),
    interview("Europe/London", "2026-10-25T00:15", "Interview with Monzo", "j@monzo.com", 30),
    interview("Europe/Berlin", "2041-06-12T10:00", "Interview with Future GmbH", "h@future.de"),
    interview("America/New_York", "2045-03-08T10:00", "Interview with Future Inc", "i@future.com"),
]

SCENARIOS: dict[str, Scenario] = {
    "sample": Scenario(
        json.loads(SAMPLE.read_text(encoding="utf-8")), RuleSettings(time_zone="Asia/Jakarta")
    ),
    "berlin-2026": Scenario(listing(BERLIN_2026, BERLIN), RuleSettings(time_zone=BERLIN)),
    "berlin-2026-evening-id": Scenario(
        listing(BERLIN_2026, BERLIN),
        RuleSettings(time_zone=BERLIN, lang="id", thank_you="evening"),
    ),
    "berlin-2027": Scenario(listing(BERLIN_2027, BERLIN), RuleSettings(time_zone=BERLIN)),
    "new-york-2026": Scenario(listing(NEW_YORK_2026, NEW_YORK), RuleSettings(time_zone=NEW_YORK)),
    "sydney-2026": Scenario(listing(SYDNEY_2026, SYDNEY), RuleSettings(time_zone=SYDNEY)),
    "kolkata-st-johns-jakarta": Scenario(listing(ODD_OFFSETS), RuleSettings(time_zone="UTC")),
    "all-day-and-notice": Scenario(
        listing(ALL_DAY, BERLIN), RuleSettings(time_zone=BERLIN), notices=NOTICES
    ),
    "unicode-id": Scenario(listing(UNICODE), RuleSettings(time_zone="Asia/Jakarta", lang="id")),
    "irregular-zones": Scenario(listing(IRREGULAR, "UTC"), RuleSettings(time_zone="UTC")),
    "berlin-2026-2027": Scenario(listing(BERLIN_TWO_YEARS, BERLIN), RuleSettings(time_zone=BERLIN)),
    "sydney-2026-2027": Scenario(listing(SYDNEY_TWO_YEARS, SYDNEY), RuleSettings(time_zone=SYDNEY)),
    "berlin-repeated-hour": Scenario(
        listing(BERLIN_REPEATED, BERLIN), RuleSettings(time_zone=BERLIN)
    ),
    "new-york-repeated-hour": Scenario(
        listing(NEW_YORK_REPEATED, NEW_YORK), RuleSettings(time_zone=NEW_YORK)
    ),
}


@cache
def feed(name: str) -> FeedResult:
    """The scenario's feed, built once per test session with the real pipeline."""
    scenario = SCENARIOS[name]
    events, skipped = events_from_payload(scenario.payload, calendar_id=SELF)
    assert not skipped, skipped
    return build_feed(events, scenario.settings, notices=scenario.notices)


@dataclass(frozen=True)
class Expected:
    """What a reader must find for one VEVENT."""

    start: int | date  # UTC epoch seconds, or the DATE of an all-day value
    end: int | date
    summary: str
    url: str | None
    related_to: str | None


def expected(name: str) -> dict[str, Expected]:
    """Per UID: the instants the engine computed, and the fields the feed was asked to carry."""
    result = feed(name)
    lang = SCENARIOS[name].settings.lang
    want = {
        f.uid: Expected(
            start=int(f.start.timestamp()),
            end=int(f.end.timestamp()),
            summary=" ".join(title_for(f, lang).split())[:250],
            url=result.drafts[f.uid][0].mailto,
            related_to=f.interview.event.ical_uid or None,
        )
        for f in result.follow_ups
    }
    for n in SCENARIOS[name].notices:
        want[n.uid] = Expected(n.day, n.day + timedelta(days=1), n.summary, None, None)
    return want


def epoch(value: datetime | date) -> int | date:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"reader returned a floating time {value!r}"
        return int(value.timestamp())
    return value


def misreads(want: Mapping[str, Expected], got: Mapping[str, tuple[Any, Any]]) -> list[str]:
    """Human-readable differences between the engine's instants and a reader's."""
    problems = []
    assert set(got) == set(want), f"UIDs differ: {sorted(set(got) ^ set(want))}"
    for uid, exp in sorted(want.items()):
        for label, w, g in (("start", exp.start, got[uid][0]), ("end", exp.end, got[uid][1])):
            if w != g:
                shown = (
                    f"{datetime.fromtimestamp(w, UTC):%Y-%m-%dT%H:%M}Z" if isinstance(w, int) else w
                )
                delta = f" ({(g - w) / 3600:+g} h)" if isinstance(w, int) else ""
                problems.append(f"{uid} {label}: engine {shown}, reader {g}{delta}")
    return problems


# --- ical.js ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def icaljs() -> Callable[[bytes], JsonDict]:
    """Read a feed with ical.js under node; skip without it (fail if CALFEED_REQUIRE_NODE=1)."""
    problems = []
    node = shutil.which("node")
    if node is None:
        problems.append("node is not on PATH")
    if not (JS_DIR / "node_modules" / "ical.js" / "package.json").is_file():
        problems.append("tests/js/node_modules/ical.js is missing (run: npm ci --prefix tests/js)")
    if problems:
        message = "; ".join(problems)
        if os.environ.get("CALFEED_REQUIRE_NODE") == "1":
            pytest.fail(f"the ical.js reader is required (CALFEED_REQUIRE_NODE=1) but: {message}")
        pytest.skip(f"ical.js reader unavailable: {message}")
    assert node is not None

    def read(ics: bytes) -> JsonDict:
        run = subprocess.run(
            [node, str(READ_FEED)], input=ics, capture_output=True, cwd=JS_DIR, timeout=60
        )
        assert run.returncode == 0, run.stderr.decode(errors="replace")
        return json.loads(run.stdout)

    return read


def icaljs_value(detail: JsonDict) -> int | date:
    assert not detail["unresolved"], f"ical.js could not resolve TZID {detail['tzid']}"
    if detail["is_date"]:
        return date.fromisoformat(detail["local"])
    return int(detail["epoch"])


@pytest.mark.node
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_icaljs_reads_the_engines_instants(name: str, icaljs) -> None:
    read = icaljs(feed(name).ics)
    got = {
        e["uid"]: (icaljs_value(e["start_detail"]), icaljs_value(e["end_detail"]))
        for e in read["events"]
    }
    assert misreads(expected(name), got) == []


@pytest.mark.node
@pytest.mark.parametrize("name", ["sample", "berlin-2026-evening-id", "all-day-and-notice"])
def test_icaljs_reads_every_field(name: str, icaljs) -> None:
    read = icaljs(feed(name).ics)
    want = expected(name)
    assert sorted(read["zones"]) == sorted(
        {f.interview.zone for f in feed(name).follow_ups} - {"UTC"}
    )
    for e in read["events"]:
        exp = want[e["uid"]]
        assert e["summary"] == exp.summary
        assert e["is_date"] is isinstance(exp.start, date)
        assert e["alarms"] == 1
        assert e["url"] == exp.url
        assert e["related_to"] == exp.related_to
        assert e["sequence"] == 0


@pytest.mark.node
def test_icaljs_reads_the_cli_output(icaljs) -> None:
    """Done-when: `calfeed feed --events <sample>` is what ical.js reads (one per interview)."""
    ics = run_cli(SAMPLE, seed="0")
    read = icaljs(ics)
    assert {e["uid"] for e in read["events"]} == set(expected("sample"))


# --- icalendar and vobject ----------------------------------------------------------------------


def icalendar_instants(ics: bytes, *, own_vtimezones: bool) -> dict[str, tuple[Any, Any]]:
    cal = icalendar.Calendar.from_ical(ics)
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    got = {}
    for event in cal.walk("VEVENT"):
        pair = []
        for key in ("DTSTART", "DTEND"):
            value = event[key].dt
            tzid = event[key].params.get("TZID")
            if own_vtimezones and tzid is not None:
                assert isinstance(value, datetime)
                value = value.replace(tzinfo=zones[tzid])  # the same wall time, the feed's zone
            pair.append(epoch(value))
        got[str(event["UID"])] = (pair[0], pair[1])
    return got


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_icalendar_reads_the_engines_instants(name: str) -> None:
    got = icalendar_instants(feed(name).ics, own_vtimezones=False)
    assert misreads(expected(name), got) == []


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_icalendar_reads_the_same_instants_through_the_feeds_vtimezones(name: str) -> None:
    got = icalendar_instants(feed(name).ics, own_vtimezones=True)
    assert misreads(expected(name), got) == []


@pytest.mark.parametrize("name", list(SCENARIOS))
def vobject_instants(ics: bytes, *, fresh: bool = True) -> dict[str, tuple[Any, Any]]:
    """vobject's reading; `fresh` forgets the VTIMEZONEs of earlier reads first.

    vobject keeps one process-wide TZID -> tzinfo map and registers a VTIMEZONE only when its TZID
    is not known yet (TimezoneComponent.registerTzinfo), so without `fresh` a feed is read with
    whatever definition of that TZID the process saw first.
    """
    if fresh:
        vars(vobject.icalendar)["__tzidMap"].clear()
    cal = vobject.readOne(ics.decode("utf-8"), validate=True)
    return {
        ev.uid.value: (epoch(ev.dtstart.value), epoch(ev.dtend.value))
        for ev in cal.contents.get("vevent", [])
    }


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_vobject_validates_and_reads_the_engines_instants(name: str) -> None:
    assert misreads(expected(name), vobject_instants(feed(name).ics)) == []


def test_vobject_reads_a_later_feed_after_an_earlier_one_in_the_same_process() -> None:
    """Regression: VTIMEZONEs sized to each feed's span made a TZID mean different things.

    vobject (so a Radicale or any long-running vobject process) keeps the first definition of a
    TZID it sees; with span-limited VTIMEZONEs it read this feed's summer events with the sample
    feed's winter-only Europe/Berlin, an hour off. Definitions must not depend on the events.
    """
    vobject_instants(feed("sample").ics)  # Europe/Berlin for late Nov - Dec 2026: CET only
    got = vobject_instants(feed("berlin-2026").ics, fresh=False)
    assert misreads(expected("berlin-2026"), got) == []


def test_every_interview_gets_both_follow_ups_in_the_dst_calendars() -> None:
    """Guard against a scenario silently losing events (then nothing would be compared)."""
    for name in ("berlin-2026", "berlin-2027", "new-york-2026", "sydney-2026"):
        result = feed(name)
        assert len(result.interviews) == len(SCENARIOS[name].payload["items"])
        thank_yous = [f for f in result.follow_ups if f.kind == "thank-you"]
        assert len(thank_yous) == len(result.interviews)


# --- bytes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_lines_are_crlf_folded_at_75_octets_and_valid_utf8(name: str) -> None:
    ics = feed(name).ics
    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"") and b"\r" not in ics.replace(b"\r\n", b"")
    lines = ics.split(b"\r\n")[:-1]
    for number, line in enumerate(lines, 1):
        assert len(line) <= 75, f"line {number} has {len(line)} octets: {line[:40]!r}"
        # each physical line decodes alone: folding never split a multi-byte character
        line.decode("utf-8")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"


def test_unicode_feed_really_folds_multibyte_text() -> None:
    """The unicode scenario must exercise folding next to multi-byte characters."""
    lines = feed("unicode-id").ics.split(b"\r\n")
    continued = [line for line in lines if line.startswith(b" ")]
    assert any(len(line) < 75 and any(b >= 0x80 for b in line) for line in continued)
    # emoji are meeting noise to rule E2 and leave the names; the guillemets stay
    assert "«Jakarta Selatan»".encode() in feed("unicode-id").ics


def run_cli(events: Path, *, seed: str, zone: str = "Asia/Jakarta") -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run(
        [sys.executable, "-m", "calfeed.cli", "feed", "--events", str(events), "--timezone", zone],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    return run.stdout


@pytest.mark.parametrize("calendar", ["sample", "generated"])
def test_cli_output_is_byte_identical_across_hash_seeds(calendar: str, tmp_path: Path) -> None:
    if calendar == "sample":
        path = SAMPLE
    else:
        path = tmp_path / "dst_calendar.json"
        items = BERLIN_2026 + NEW_YORK_2026 + SYDNEY_2026 + ODD_OFFSETS + UNICODE + ALL_DAY
        path.write_text(json.dumps(listing(items, BERLIN)), encoding="utf-8")
    first = run_cli(path, seed="0")
    second = run_cli(path, seed="4242")
    assert first.startswith(b"BEGIN:VCALENDAR\r\n") and b"BEGIN:VEVENT" in first
    assert first == second
