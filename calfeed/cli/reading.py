"""Where `calfeed feed` and `calfeed interviews` read events from: a Google JSON export, an .ics
file, or a calendar address fetched under the service's own safe-fetch rules.

The shell owns the clock: the window of repeating events is computed here and handed to the core.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from calfeed.clock import monotonic
from calfeed.core.model import (
    Skipped,
    SourceEvent,
)
from calfeed.errors import SourceError


def fetch_address(args: argparse.Namespace, address: str) -> bytes:
    """Download `address` under the service's rules: refusals are SourceErrors."""
    from calfeed.adapters.fetch import FetchPolicy, fetch

    policy = FetchPolicy(allow_private=args.allow_private_addresses)
    return fetch(address, policy).body


def address_name(address: str) -> str:
    """The calendar id of an address read by the CLI: its host (never the secret path)."""
    from urllib.parse import urlsplit

    try:
        return urlsplit(address).hostname or "calendar"
    except ValueError:
        return "calendar"


def read_events(args: argparse.Namespace) -> tuple[list[SourceEvent], list[Skipped]]:
    if isinstance(args.ics, str):
        data = fetch_address(args, args.ics)
        return read_ics_bytes(args, data, address_name(args.ics), "the address")
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
        return read_ics_bytes(args, data, path.stem, str(path))
    except SourceError as exc:
        raise SourceError(f"{path}: {exc}") from None


def read_ics_bytes(
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


def read_reporting(args: argparse.Namespace) -> list[SourceEvent]:
    events, skipped = read_events(args)
    for s in skipped:
        print(f"calfeed: skipped event {s.event_id}: {s.reason}", file=sys.stderr)
    return events
