"""`calfeed feed | interviews | db | serve | demo | worker`: the command-line shell.

Errors from the core arrive as CalfeedError and leave as one line on stderr and the error's exit
status; nothing else is caught, so a real bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from time import monotonic

from calfeed.core.model import (
    CHECK_IN_AT,
    DEFAULT_KEYWORDS,
    EVENING_AT,
    GRACE_DAYS,
    LANGS,
    NO_TIMELINE_DAYS,
    THANK_YOU_DELAY_MINUTES,
    RuleSettings,
    Skipped,
    SourceEvent,
)
from calfeed.errors import CalfeedError, SourceError

#: where the numbered rules are explained (in the repository and the installed package's docs)
RULES_DOC = "docs/rules.md"


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time of day (HH:MM): {text!r}") from None


def _window(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _feed_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "feed",
        help="derive follow-ups from a saved calendar and write the .ics feed",
        description="Read interview events from a saved Google events.list JSON or an .ics file "
        "and write the follow-up feed (stdout by default).",
        epilog=f"Each rule id (D1, T2, C1, ...) has its paragraph in {RULES_DOC} (the anchor is "
        "the id in lower case, e.g. docs/rules.md#c1), and at /rules on a running calfeed.",
    )
    _source_options(p)


def _interviews_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "interviews",
        help="show what calfeed read: each interview's company, position, people, follow-ups",
        description="Read a saved calendar as `calfeed feed` does and show the interviews found "
        "(non-interviews are absent), as an aligned table or as JSON.",
    )
    _source_options(p)
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        dest="format",
        help="text (an aligned table) or json (default: text)",
    )


def _source_options(p: argparse.ArgumentParser) -> None:
    """The options `feed` and `interviews` share: the source, the rule settings, the user."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--events", type=Path, metavar="FILE.json", help="Google events.list JSON")
    src.add_argument(
        "--ics",
        type=_ics_source,
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
        type=_clock,
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
        type=_clock,
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
        type=_window,
        metavar="DATE",
        help=".ics: expand repeating events from this ISO date (default: 60 days ago)",
    )
    p.add_argument(
        "--to",
        dest="window_end",
        type=_window,
        metavar="DATE",
        help=".ics: expand repeating events until this ISO date (default: a year ahead)",
    )


def _ics_source(text: str) -> Path | str:
    """--ics: an address when it names a scheme (issue 11), else a file."""
    return text.strip() if "://" in text else Path(text)


def _fetch_address(args: argparse.Namespace, address: str) -> bytes:
    """Download `address` under the service's rules (issue 11): refusals are SourceErrors."""
    from calfeed.adapters.fetch import FetchPolicy, fetch

    policy = FetchPolicy(allow_private=args.allow_private_addresses)
    return fetch(address, policy).body


def _address_name(address: str) -> str:
    """The calendar id of an address read by the CLI: its host (never the secret path)."""
    from urllib.parse import urlsplit

    try:
        return urlsplit(address).hostname or "calendar"
    except ValueError:
        return "calendar"


def _read_events(args: argparse.Namespace) -> tuple[list[SourceEvent], list[Skipped]]:
    if isinstance(args.ics, str):
        data = _fetch_address(args, args.ics)
        return _read_ics_bytes(args, data, _address_name(args.ics), "the address")
    path: Path = args.events or args.ics
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        if args.events:
            from calfeed.core.inputs.google_json import events_from_payload

            try:
                payload = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise SourceError(f"not JSON: {exc}") from None
            return events_from_payload(payload, calendar_id=args.calendar_id or "primary")
        return _read_ics_bytes(args, data, path.stem, str(path))
    except SourceError as exc:
        raise SourceError(f"{path}: {exc}") from None


def _read_ics_bytes(
    args: argparse.Namespace, data: bytes, default_id: str, label: str
) -> tuple[list[SourceEvent], list[Skipped]]:
    from calfeed.core.inputs.ics import read_ics

    now = datetime.now(UTC)  # the shell owns the clock; the core gets a window
    start = args.window_start or now - timedelta(days=60)
    end = args.window_end or now + timedelta(days=365)
    read = read_ics(
        data,
        calendar_id=args.calendar_id or default_id,
        window_start=start,
        window_end=end,
        self_emails=args.self_email,
        clock=monotonic,  # recurring series are bounded in time too (rrule_bound.Work)
    )
    for warning in read.warnings:
        print(f"calfeed: {label}: {warning}", file=sys.stderr)
    return list(read.events), list(read.skipped)


def _settings(args: argparse.Namespace) -> RuleSettings:
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


def _kinds(args: argparse.Namespace) -> set[str]:
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()}
    if not kinds <= {"thank-you", "check-in"}:
        raise SourceError(f"--kinds takes thank-you and/or check-in, not {args.kinds!r}")
    return kinds


def _write(args: argparse.Namespace, data: bytes) -> None:
    if args.output:
        try:
            args.output.write_bytes(data)
        except OSError as exc:
            raise SourceError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _read_reporting(args: argparse.Namespace) -> list[SourceEvent]:
    events, skipped = _read_events(args)
    for s in skipped:
        print(f"calfeed: skipped event {s.event_id}: {s.reason}", file=sys.stderr)
    return events


def cmd_feed(args: argparse.Namespace) -> int:
    from calfeed.core.pipeline import build_feed

    settings = _settings(args)
    kinds = _kinds(args)
    result = build_feed(_read_reporting(args), settings, kinds=kinds)
    _write(args, result.ics)
    return 0


def cmd_interviews(args: argparse.Namespace) -> int:
    """`calfeed interviews`: what was read, for people (a table) and for tests (JSON)."""
    from calfeed.core.pipeline import derive
    from calfeed.core.report import interviews_json, interviews_table

    settings = _settings(args)
    kinds = _kinds(args)
    interviews, follow_ups = derive(_read_reporting(args), settings)
    chosen = [f for f in follow_ups if f.kind in kinds]
    if args.format == "json":
        text = interviews_json(interviews, chosen)
    else:
        text = interviews_table(interviews, chosen)
    _write(args, text.encode("utf-8"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calfeed", description="Interview follow-ups as a subscribable calendar feed."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _feed_parser(sub)
    _interviews_parser(sub)
    # listed for --help; their own parsers (in the shell modules that own them) read the options
    sub.add_parser("db", help="database migrations: calfeed db upgrade")
    sub.add_parser("serve", help="run the web service")
    sub.add_parser("demo", help="run the service on the bundled sample calendar")
    sub.add_parser("worker", help="run the background worker (every Google read)")
    return parser


def _delegate(command: str, argv: list[str]) -> int:
    if command == "db":
        from calfeed.store import cli_db

        return cli_db(argv)
    if command == "worker":
        from calfeed.background import worker

        return worker.main(argv)
    from calfeed.web import cli as web_cli

    return web_cli.serve(argv) if command == "serve" else web_cli.demo(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `calfeed` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in ("db", "serve", "demo", "worker"):
            return _delegate(argv[0], argv[1:])
        args = build_parser().parse_args(argv)
        return cmd_interviews(args) if args.command == "interviews" else cmd_feed(args)
    except CalfeedError as exc:
        print(f"calfeed: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
