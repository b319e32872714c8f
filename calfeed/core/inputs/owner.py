"""Whose calendar an .ics export is, when no event marks anyone `self` (rule E1).

Google marks the user on every event; exports from other apps often do not, and the reader needs
the owner to tell the user's interviewers from the user.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from calfeed.core.detection.companies import FREE_MAIL
from calfeed.core.model import SourceEvent


def guess_owner(events: Sequence[SourceEvent]) -> str | None:
    """Whose calendar an .ics export is, when it marks nobody `self` (rule E1).

    Every address scores one per event it is on, and two more per event it organises alone (an
    event the user made for themself: "Interview at Stripe"). The owner is the best score among
    addresses on more than half of the events that name people; a tie goes to a free-mail address
    (job seekers write from their own, interviewers from their employer's); None when no address
    stands out: better no owner than the wrong one.
    """
    present: Counter[str] = Counter()
    score: Counter[str] = Counter()
    with_people = 0
    for event in events:
        addresses = {a.email.casefold() for a in event.attendees if not a.resource}
        if event.organizer is not None:
            organizer = event.organizer.email.casefold()
            if not addresses - {organizer}:
                score[organizer] += 2
            addresses.add(organizer)
        if addresses:
            with_people += 1
            present.update(addresses)
            score.update(addresses)
    if with_people < 2:
        return None

    def rank(address: str) -> tuple[int, int, str]:
        return (-score[address], 0 if address.rpartition("@")[2] in FREE_MAIL else 1, address)

    ranked = sorted((a for a in present if present[a] * 2 > with_people), key=rank)
    if not ranked:
        return None
    if len(ranked) > 1 and rank(ranked[1])[:2] == rank(ranked[0])[:2]:
        return None
    return ranked[0]
