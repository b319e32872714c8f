"""How people are named and greeted (rules E1, T5, C5).

Pure, and below the model (`Person.first_name` uses it), so it imports nothing of calfeed. A display
name is what someone's mail program says about them: `Dr. "Ann" O'Neil`, `O'Neil, Ann`, `KIM PARK`,
an address, or a team's name; each has a first name a person would use.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
