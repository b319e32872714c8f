"""The pages' language: gettext catalogs read by Flask-Babel.

English is the source language: the messages in the code and the templates are English msgids.
Every other language is a catalog, `calfeed/translations/<lang>/LC_MESSAGES/messages.po`,
extracted and updated with `make messages` (pybabel extract/update) and compiled to `.mo` by
`make catalogs` (pybabel compile) and by the wheel build (`hatch_build.py`). Adding a language
means adding a catalog (and, for the feed's own texts, its draft templates).
`tests/web/test_i18n.py` fails when a message lacks its translation.

Pages translate through Flask-Babel (`_` in templates and views, in the request's language);
`gettext(message, lang)` here serves code that renders for a given user outside that (the
dashboard's presenter, tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from calfeed.core.model import LANGS, Lang

#: where the catalogs live (inside the package, so the wheel carries them)
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "extract, translate later"
    """Mark `message` for the catalogs without translating it (done where the language is known)."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang` (English, the source language, needs none)."""
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang], DOMAIN)


def gettext(message: str, lang: str = "en", **values: object) -> str:
    """`message` in `lang` (the English msgid when untranslated), %-formatted with `values`."""
    text = translations(lang).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, lang: str = "en", **values: object) -> str:
    """The singular or plural form for `num` in `lang`; `%(num)d` and `values` filled in."""
    return translations(lang).ngettext(singular, plural, num) % {"num": num, **values}


def pick_lang(*candidates: str | None, accept: Iterable[str] = ()) -> Lang:
    """The first supported language among explicit choices, then the browser's, else English."""
    for candidate in (*candidates, *accept):
        if candidate:
            short = candidate.split("-")[0].lower()
            if short in LANGS:
                return short
    return "en"
