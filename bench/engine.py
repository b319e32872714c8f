"""Benchmark: derive and render a 5,000-event calendar, against icalendar's own serialization floor.

A script, not a test (run `make bench` or `.venv/bin/python bench/engine.py`). It generates a
calendar shaped like Google's `events.list` answer (5,000 events over a year, 1,000 of them
interviews in a few time zones, with realistic titles, attendees and descriptions), then times,
best of several runs with `time.perf_counter`:

- parse: the JSON text -> `SourceEvent`s (`json.loads` + `events_from_payload`), reported apart;
- engine: `build_feed` on the parsed events (detect, rules, drafts, rendering);
- floor: icalendar alone serializing as many plain events (UID, DTSTAMP, DTSTART, DTEND, SUMMARY)
  as the feed holds (2,000), and as many as the calendar holds (5,000).

It prints absolute seconds and the ratios to the floor; the target is at most 1.5x. `--profile`
adds a cProfile of one engine run (top 15 by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from bench.floor import plain_events, serialize_plain  # noqa: E402
from calfeed.core.inputs.google_json import events_from_payload  # noqa: E402
from calfeed.core.model import RuleSettings  # noqa: E402
from calfeed.core.pipeline import build_feed  # noqa: E402

TARGET = 1.5
SELF = "budi.santoso@gmail.com"
YEAR_START = date(2026, 1, 5)
ZONES = ("Asia/Jakarta", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata")

#: company names are built from these, one per interview, so that (as for a real job seeker) each
#: interview is its own application and rule C4 does not merge check-ins: 1,000 interviews give
#: 2,000 follow-ups
COMPANY_HEADS = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Stark", "Wayne",
    "Tyrell", "Cyberdyne", "Wonka", "Nusantara", "Maju Jaya", "Sinar", "Cahaya", "Bintang",
    "Garuda", "Rajawali", "Merapi", "Nordlicht", "Alpen", "Rhein", "Harbour", "Kookaburra",
    "Eucalypt", "Maple", "Hudson", "Ganges", "Lotus", "Saffron", "Monsoon",
]  # fmt: skip
COMPANY_TAILS = [
    "Labs", "Digital", "Logistik", "Retail", "Health", "Capital", "Energy", "Foods", "Media",
    "Robotics", "Analytics", "Systems", "Ventures", "Studio", "Mobility", "Pay", "Cloud",
    "Networks", "Bio", "Travel", "Games", "Insurance", "Learning", "Works", "Group", "Tbk",
    "GmbH", "Pty", "Inc", "Ltd", "Co", "Partners",
]  # fmt: skip
ROLES = [
    "Backend Engineer",
    "Store Manager",
    "Data Analyst",
    "Product Owner",
    "Site Reliability Engineer",
    "Manajer Toko",
    "UX Researcher",
    "Account Executive",
]
FIRST = ["Jane", "Rina", "Max", "Anna", "Priya", "Tom", "Dewi", "Liam", "Olivia", "Ravi", "Sara"]
LAST = ["Doe", "Wijaya", "Weber", "Schmidt", "Sharma", "Nguyen", "Lestari", "Smith", "Brown"]
INTERVIEW_TITLES = [
    "Interview with {person} ({company}) - {role}",
    "Phone screen - {company}",
    "{company} technical round: {role}",
    "Final round: {company} - {role}",
    "Wawancara {company} - {role}",
    "Hiring manager interview ({company})",
    "Recruiter call with {person}",
]
TIMELINES = [
    "We will get back to you within a week.",
    "Expect to hear back in 5 business days.",
    "Kami akan mengabari dalam 3 hari kerja.",
    "Decision by the end of next week.",
    "",
    "",
]
OTHER_TITLES = [
    "Standup",
    "1:1 with {person}",
    "Sprint planning",
    "Team retro",
    "Lunch with {person}",
    "Dentist",
    "Gym",
    "Coffee chat with {person}",
    "Pick up kids",
    "Review CV with {person}",
    "Yoga",
    "Arisan keluarga",
]
LOREM = (
    "Agenda: introductions, a walk through the role, questions from both sides. Please bring a "
    "copy of your CV and a short portfolio. Join with Google Meet: https://meet.google.com/"
    "abc-defg-hij or dial +62 21 5091 2345 PIN 123456#. "
)


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}"


def _when(moment: datetime, zone: str) -> dict[str, str]:
    return {"dateTime": moment.isoformat(), "timeZone": zone}


def _event(rng: random.Random, index: int, company: str | None) -> dict[str, Any]:
    """One Google event resource; an interview (`company` given) gets interviewers and a room."""
    interview = company is not None
    zone = rng.choice(ZONES)
    tz = ZoneInfo(zone)
    day = YEAR_START + timedelta(days=rng.randrange(360))
    if interview and day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())
    start = datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.choice((0, 30)))
    start = start.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    end = (start.astimezone(UTC) + timedelta(minutes=rng.choice((30, 45, 60, 90)))).astimezone(tz)
    company = company or rng.choice(COMPANY_HEADS)
    domain = company.lower().replace(" ", "") + rng.choice((".com", ".co.id", ".de", ".com.au"))
    name, local = _person(rng)
    email = f"{local}@{domain}"
    values = {"person": name, "company": company, "role": rng.choice(ROLES)}
    ident = f"bench{index:05d}{rng.getrandbits(40):010x}"
    resource: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": f'"{rng.getrandbits(60)}"',
        "id": ident,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={ident}",
        "created": "2025-12-01T08:00:00.000Z",
        "updated": (datetime(2025, 12, 1, tzinfo=UTC) + timedelta(minutes=index)).isoformat(),
        "iCalUID": f"{ident}@google.com",
        "sequence": 0,
        "eventType": "default",
        "reminders": {"useDefault": True},
    }
    if interview:
        resource["summary"] = rng.choice(INTERVIEW_TITLES).format(**values)
        resource["description"] = (
            LOREM * rng.randint(1, 4) + f"<br><br>{name}: " + rng.choice(TIMELINES)
        )
        resource["location"] = f"{company} HQ, meeting room {rng.randint(1, 12)}"
        resource["organizer"] = {"email": email, "displayName": name}
        resource["attendees"] = [
            {"email": email, "displayName": name, "organizer": True, "responseStatus": "accepted"},
            {"email": SELF, "self": True, "responseStatus": "accepted"},
            {
                "email": f"c_{rng.getrandbits(64):016x}@resource.calendar.google.com",
                "displayName": f"{company} HQ-{rng.randint(1, 9)}-Room",
                "resource": True,
                "responseStatus": "accepted",
            },
        ]
        if rng.random() < 0.4:
            other, other_local = _person(rng)
            resource["attendees"].insert(
                1,
                {
                    "email": f"{other_local}@{domain}",
                    "displayName": other,
                    "responseStatus": "needsAction",
                },
            )
        resource["start"], resource["end"] = _when(start, zone), _when(end, zone)
        return resource

    kind = rng.random()
    resource["summary"] = rng.choice(OTHER_TITLES).format(**values)
    resource["organizer"] = {"email": SELF, "self": True}
    if kind < 0.1:  # all-day
        resource["start"] = {"date": day.isoformat()}
        resource["end"] = {"date": (day + timedelta(days=1)).isoformat()}
        return resource
    if kind < 0.15:
        resource["eventType"] = rng.choice(("outOfOffice", "focusTime", "workingLocation"))
    elif kind < 0.18:
        resource["status"] = "cancelled"
    resource["description"] = LOREM * rng.randint(0, 2)
    resource["attendees"] = [
        {"email": SELF, "self": True, "organizer": True, "responseStatus": "accepted"},
        {
            "email": email,
            "displayName": name,
            "responseStatus": rng.choice(("accepted", "tentative")),
        },
    ]
    resource["start"], resource["end"] = _when(start, zone), _when(end, zone)
    return resource


def calendar_json(events: int, interviews: int, seed: int) -> str:
    """A saved `events.list` answer with `events` items, `interviews` of them interviews."""
    rng = random.Random(seed)
    names = [f"{head} {tail}" for head in COMPANY_HEADS for tail in COMPANY_TAILS]
    rng.shuffle(names)
    chosen = dict(zip(rng.sample(range(events), interviews), names, strict=False))
    items = [_event(rng, i, chosen.get(i)) for i in range(events)]
    payload = {
        "kind": "calendar#events",
        "summary": SELF,
        "timeZone": "Asia/Jakarta",
        "updated": "2026-11-26T08:00:00.000Z",
        "items": items,
    }
    return json.dumps(payload)


def best_of(repeat: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The best wall time of each run over `repeat` rounds.

    The runs are interleaved round by round, so that a busy machine slows the engine and the floor
    alike and the ratios stay meaningful even when the absolute seconds are not.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for label, run in runs.items():
            began = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - began)
    return best


def _clear_calfeed_caches() -> int:
    """Empty every functools cache in the loaded calfeed modules; how many there were."""
    caches = {
        id(value): value
        for name, module in list(sys.modules.items())
        if name == "calfeed" or name.startswith("calfeed.")
        for value in vars(module).values()
        if callable(getattr(value, "cache_clear", None))
    }
    for function in caches.values():
        function.cache_clear()
    return len(caches)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best is kept)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile one engine run (top 15)")
    args = parser.parse_args(argv)

    text = calendar_json(args.events, args.interviews, args.seed)
    settings = RuleSettings(time_zone="Asia/Jakarta")

    def parse() -> list[Any]:
        return events_from_payload(json.loads(text))[0]

    events = parse()
    result = build_feed(events, settings)  # also warms the template and VTIMEZONE caches
    feed_events = result.ics.count(b"BEGIN:VEVENT")

    floor_feed_rows, floor_all_rows = plain_events(feed_events), plain_events(args.events)
    best = best_of(
        args.repeat,
        {
            "parse": parse,
            "engine": lambda: build_feed(events, settings),
            "floor_feed": lambda: serialize_plain(floor_feed_rows),
            "floor_all": lambda: serialize_plain(floor_all_rows),
        },
    )
    parse_best, engine_best = best["parse"], best["engine"]
    floor_feed, floor_all = best["floor_feed"], best["floor_all"]
    # cold: every calfeed cache emptied (templates, VTIMEZONEs, patterns), as in a fresh process
    cleared = _clear_calfeed_caches()
    began = time.perf_counter()
    build_feed(events, settings)
    engine_cold = time.perf_counter() - began

    print(
        f"calendar: {args.events} events ({len(text) / 1e6:.1f} MB JSON), "
        f"{len(result.interviews)} interviews detected, {feed_events} feed events, "
        f"{len(result.ics) / 1e6:.1f} MB feed; best of {args.repeat} interleaved runs"
    )
    rows = [
        ("parse JSON -> SourceEvents", parse_best),
        ("calfeed build_feed (engine)", engine_best),
        (f"  first run, {cleared} calfeed caches cold", engine_cold),
        ("parse + build_feed", parse_best + engine_best),
        (f"floor: icalendar, {feed_events} plain events", floor_feed),
        (f"floor: icalendar, {args.events} plain events", floor_all),
    ]
    for label, seconds in rows:
        print(f"  {label:<44} {seconds:8.3f} s")
    ratios = [
        (f"build_feed / floor({feed_events})", engine_best / floor_feed),
        (f"build_feed / floor({args.events})", engine_best / floor_all),
        (f"parse + build_feed / floor({args.events})", (parse_best + engine_best) / floor_all),
    ]
    for label, ratio in ratios:
        verdict = "ok" if ratio <= TARGET else "over target"
        print(f"  {label:<44} {ratio:8.2f}x  (target <= {TARGET}x: {verdict})")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        build_feed(events, settings)
        profiler.disable()
        print("\nprofile of one build_feed run (top 15 by cumulative time):")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(15)
        print("the same run, top 10 by own time (where the CPU actually goes):")
        stats.sort_stats("tottime").print_stats(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
