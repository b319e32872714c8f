"""Working days: weekends and, when the user picks a country, its public holidays (rules C1, C3).

Pure functions of dates; the `holidays` package supplies the holiday tables, loaded lazily and
cached per (country, year) so a feed of thousands of check-ins asks for each year once. It is
imported only when a country is chosen: importing it costs about 75 ms (its calendars and its
package metadata), a tenth of a `calfeed feed` run that needs only weekends.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


@cache
def supported_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes the holiday tables know."""
    import holidays

    return frozenset(holidays.list_supported_countries())


@cache
def country_names() -> dict[str, str]:
    """ISO code -> English country name ("US" -> "United States"), sorted by name, for menus."""
    import re

    from holidays.registry import COUNTRIES

    names = {
        entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0])
        for entry in COUNTRIES.values()
        if entry[1] in supported_countries()
    }
    return dict(sorted(names.items(), key=lambda item: item[1]))


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_working_day(day: date, country: str | None = None) -> bool:
    """A weekday that is not a public holiday in `country` (when one is given)."""
    if day.weekday() >= 5:
        return False
    return country is None or day not in _holidays(country, day.year)


def next_working_day(day: date, country: str | None = None) -> date:
    """`day` itself when it is a working day, else the first working day after it (rule C3)."""
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, country: str | None = None) -> date:
    """The `count`-th working day after `day` ("in 5 business days", rule C1)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day, country):
            count -= 1
    return day
