"""A large .ics calendar made on the spot, shaped like a real export (VCALENDAR with a VTIMEZONE,
one VEVENT per meeting): 100,000 events is about 9.5 MB (the address once seen was 8.5 MB and
held a worker for minutes). Used by the caps tests and `bench/big_address.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

HEAD = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calfeed tests//big calendar//EN\r\n"
    b"X-WR-CALNAME:Busy\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Jakarta\r\nBEGIN:STANDARD\r\n"
    b"DTSTART:19700101T000000\r\nTZOFFSETFROM:+0700\r\nTZOFFSETTO:+0700\r\nTZNAME:WIB\r\n"
    b"END:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def big_calendar(events: int, start: datetime, every: timedelta = timedelta(minutes=5)) -> bytes:
    """`events` one-hour meetings from `start`, one every `every` (UTC), every tenth an interview
    (about 95 bytes an event: 100,000 events in 9.5 MB, under the 10 MB download cap)."""
    parts = [HEAD]
    for n in range(events):
        begin = start + n * every
        stamp = begin.strftime("%Y%m%dT%H%M%SZ").encode()
        title = b"Interview Acme" if n % 10 == 0 else b"Sync"
        parts.append(
            b"BEGIN:VEVENT\r\nUID:%d@b\r\nDTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:%s\r\n"
            b"END:VEVENT\r\n" % (n, stamp, title)
        )
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)
