"""The options of `calfeed feed` and `calfeed interviews`, and the rule settings they make.

Every rule setting is an option, named as in docs/rules.md, with the rule's own default; what the
options mean is checked here (and by `RuleSettings` itself), so a bad value is one line and exit 2.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from calfeed.core.model import (
    CHECK_IN_AT,
    DEFAULT_KEYWORDS,
    EVENING_AT,
    GRACE_DAYS,
    LANGS,
    NO_TIMELINE_DAYS,
    THANK_YOU_DELAY_MINUTES,
    RuleSettings,
)
from calfeed.errors import SourceError

#: where the numbered rules are explained (in the repository and the installed package's docs)
RULES_DOC = "docs/rules.md"


def clock_time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time of day (HH:MM): {text!r}") from None


def window_date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def add_feed_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "feed",
        help="derive follow-ups from a saved calendar and write the .ics feed",
        description="Read interview events from a saved Google events.list JSON or an .ics file "
        "and write the follow-up feed (stdout by default).",
        epilog=f"Each rule id (D1, T2, C1, ...) has its paragraph in {RULES_DOC} (the anchor is "
        "the id in lower case, e.g. docs/rules.md#c1), and at /rules on a running calfeed.",
    )
    add_source_options(p)


def add_interviews_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "interviews",
        help="show what calfeed read: each interview's company, position, people, follow-ups",
        description="Read a saved calendar as `calfeed feed` does and show the interviews found "
        "(non-interviews are absent), as an aligned table or as JSON.",
    )
    add_source_options(p)
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        dest="format",
        help="text (an aligned table) or json (default: text)",
    )


def add_source_options(p: argparse.ArgumentParser) -> None:
    """The options `feed` and `interviews` share: the source, the rule settings, the user."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--events", type=Path, metavar="FILE.json", help="Google events.list JSON")
    src.add_argument(
        "--ics",
        type=ics_source,
        metavar="FILE.ics|ADDRESS",
        help="any iCalendar export, or a calendar's (secret) https:// or webcal:// address",
    )
    p.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="let --ics ADDRESS reach this machine and private networks (local use; cloud "
        "metadata addresses stay refused)",
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE.ics", help="write here instead of stdout"
    )
    p.add_argument(
        "--name",
        default="",
        metavar="NAME",
        help="your name, to sign the drafts (default: none)",
    )
    p.add_argument(
        "--lang", choices=LANGS, default="en", help="language of the texts: en or id (default: en)"
    )
    p.add_argument(
        "--timezone",
        default="UTC",
        metavar="ZONE",
        help="your IANA zone (e.g. Asia/Jakarta), for events without one "
        "(rule Z1: docs/rules.md#z1; default: UTC)",
    )
    p.add_argument(
        "--thank-you",
        choices=["soon", "evening"],
        default="soon",
        dest="thank_you",
        help="when the thank-you is due: soon after the interview or that evening "
        "(rules T2, T3: docs/rules.md#t2; default: soon)",
    )
    lo, hi = THANK_YOU_DELAY_MINUTES
    p.add_argument(
        "--thank-you-delay",
        type=int,
        default=60,
        metavar="MIN",
        help=f"minutes after the interview ends, {lo}-{hi} "
        "(rule T2: docs/rules.md#t2; default: 60)",
    )
    p.add_argument(
        "--evening-at",
        type=clock_time,
        default=time(18),
        metavar="HH:MM",
        help=f"the evening thank-you's time, {EVENING_AT[0]:%H:%M}-{EVENING_AT[1]:%H:%M} "
        "(rule T3: docs/rules.md#t3; default: 18:00)",
    )
    p.add_argument(
        "--grace-days",
        type=int,
        default=2,
        metavar="N",
        help=f"working days after the stated timeline, {GRACE_DAYS[0]}-{GRACE_DAYS[1]} "
        "(rule C1: docs/rules.md#c1; default: 2)",
    )
    p.add_argument(
        "--no-timeline-days",
        type=int,
        default=7,
        metavar="N",
        help=f"days to wait when no timeline was stated, {NO_TIMELINE_DAYS[0]}-"
        f"{NO_TIMELINE_DAYS[1]} (rule C2: docs/rules.md#c2; default: 7)",
    )
    p.add_argument(
        "--check-in-at",
        type=clock_time,
        default=time(10),
        metavar="HH:MM",
        help=f"the check-in's time, {CHECK_IN_AT[0]:%H:%M}-{CHECK_IN_AT[1]:%H:%M} "
        "(rule C3: docs/rules.md#c3; default: 10:00)",
    )
    p.add_argument(
        "--holidays",
        metavar="CC",
        help="skip this country's public holidays: a two-letter code such as ID, US, DE "
        "(rule C3: docs/rules.md#c3)",
    )
    p.add_argument(
        "--keyword",
        action="append",
        default=[],
        metavar="WORD",
        help="an extra word that marks an interview, repeatable (rule D1: docs/rules.md#d1)",
    )
    p.add_argument(
        "--kinds",
        default="thank-you,check-in",
        metavar="KINDS",
        help="which follow-ups to publish: thank-you, check-in or both, comma-separated "
        "(default: both)",
    )
    p.add_argument(
        "--calendar-id",
        default=None,
        metavar="ID",
        help="source calendar id, part of the UIDs (default: primary, or the .ics file's name)",
    )
    p.add_argument(
        "--self-email",
        action="append",
        default=[],
        metavar="ADDRESS",
        help=".ics: your own address(es), so you are never taken for an interviewer "
        "(rule E1: docs/rules.md#e1)",
    )
    p.add_argument(
        "--from",
        dest="window_start",
        type=window_date,
        metavar="DATE",
        help=".ics: expand repeating events from this ISO date (default: 60 days ago)",
    )
    p.add_argument(
        "--to",
        dest="window_end",
        type=window_date,
        metavar="DATE",
        help=".ics: expand repeating events until this ISO date (default: a year ahead)",
    )


def ics_source(text: str) -> Path | str:
    """--ics: an address when it names a scheme, else a file."""
    return text.strip() if "://" in text else Path(text)


def rule_settings(args: argparse.Namespace) -> RuleSettings:
    return RuleSettings(
        lang=args.lang,
        time_zone=args.timezone,
        thank_you=args.thank_you,
        thank_you_delay=timedelta(minutes=args.thank_you_delay),
        evening_at=args.evening_at,
        grace_days=args.grace_days,
        no_timeline_days=args.no_timeline_days,
        check_in_at=args.check_in_at,
        holiday_country=args.holidays,
        keywords=DEFAULT_KEYWORDS + tuple(args.keyword),
        user_name=args.name,
    )


def chosen_kinds(args: argparse.Namespace) -> set[str]:
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()}
    if not kinds <= {"thank-you", "check-in"}:
        raise SourceError(f"--kinds takes thank-you and/or check-in, not {args.kinds!r}")
    return kinds
