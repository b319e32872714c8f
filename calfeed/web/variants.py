"""Which rendering of a feed a request asks for: `?kinds=` and `?lang=` -> a cache key."""

from __future__ import annotations

from dataclasses import dataclass

from calfeed.core.model import FOLLOW_UP_KINDS, Lang
from calfeed.errors import CalfeedError


class BadFeedQuery(CalfeedError):
    """`?kinds=` or `?lang=` holds something we do not publish."""

    http_status = 400


@dataclass(frozen=True)
class Variant:
    """Which follow-ups, in which language: one cached rendering each."""

    kinds: tuple[str, ...] = FOLLOW_UP_KINDS
    lang: Lang | None = None  # None: the user's own setting

    @property
    def key(self) -> str:
        return f"kinds={','.join(self.kinds)};lang={self.lang or 'user'}"


DEFAULT = Variant()


def parse_variant(kinds: str | None, lang: str | None) -> Variant:
    """The variant a query string asks for; unknown values are an error, never silently dropped.

    Raises:
        BadFeedQuery: an unknown kind or language.
    """
    chosen = FOLLOW_UP_KINDS
    if kinds:
        wanted = {k.strip() for k in kinds.split(",") if k.strip()}
        if not wanted or not wanted <= set(FOLLOW_UP_KINDS):
            raise BadFeedQuery("kinds takes thank-you and/or check-in")
        chosen = tuple(k for k in FOLLOW_UP_KINDS if k in wanted)
    if lang and lang not in ("en", "id"):
        raise BadFeedQuery("lang takes en or id")
    return Variant(chosen, lang or None)  # type: ignore[arg-type]
