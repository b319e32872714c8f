"""How people are named and greeted (rules E1, T5, C5), and who owns a calendar without `self`.

Pure. A display name is what someone's mail program says about them: `Dr. "Ann" O'Neil`,
`O'Neil, Ann`, `KIM PARK`, an address, or a team's name; each has a first name a person would use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from calfeed.core.model import SourceEvent

#: titles that come before a name in English; Indonesian ones (Ibu, Pak) are kept: "Halo Ibu Rina"
_TITLES = frozenset("dr dr. mr mr. mrs mrs. ms ms. miss mx mx. prof prof. sir dame".split())
_ID_TITLES = frozenset("ibu bu pak bapak".split())
_BRACKETED = re.compile(r"\s*[(\[].*?[)\]]\s*")
_NICKNAME = re.compile(r"[\"“”'‘’]([^\"“”'‘’]{2,40})[\"“”'‘’]")


@lru_cache(maxsize=4096)
def first_name(name: str) -> str:
    """The name to greet someone by; "" when none can be told (the draft then says "Hello,").

    `Dr. "Ann" O'Neil` -> Ann; `O'Neil, Ann` -> Ann; `KIM PARK` -> Kim; `Ibu Rina` -> Ibu Rina;
    `kim@figma.com` -> "" (the caller names people from addresses); `J. Doe` -> "".
    """
    name = " ".join(name.split())
    if not name or "@" in name:
        return ""
    nickname = _NICKNAME.search(name)
    if nickname and " " not in nickname.group(1).strip():
        return _capitalise(nickname.group(1).strip())
    name = _BRACKETED.sub(" ", name).strip()  # "Kim Park (Figma)"
    if "," in name:  # "O'Neil, Ann" (Outlook's Last, First)
        last, _, rest = name.partition(",")
        name = rest.strip() or last.strip()
    words = [w for w in name.split() if w.casefold() not in _TITLES]
    if not words:
        return ""
    if words[0].casefold() in _ID_TITLES and len(words) > 1:
        return f"{words[0].capitalize()} {_capitalise(words[1])}"
    first = words[0].strip(".,;:")
    return _capitalise(first) if len(first) > 1 and any(c.isalpha() for c in first) else ""


def _capitalise(word: str) -> str:
    """`KIM` -> Kim, `kim` -> Kim; mixed case as written (`McKay`, `DeShawn`)."""
    return word.capitalize() if word.isupper() or word.islower() else word


def guess_owner(events: Sequence[SourceEvent]) -> str | None:
    """Whose calendar an .ics export is, when it marks nobody `self` (rule E1, issue 8 point 3).

    Every address scores one per event it is on, and two more per event it organises alone (an
    event the user made for themself: "Interview at Stripe"). The owner is the best score among
    addresses on more than half of the events that name people; a tie goes to a free-mail address
    (job seekers write from their own, interviewers from their employer's); None when no address
    stands out: better no owner than the wrong one.
    """
    from calfeed.core.detection.companies import FREE_MAIL

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
