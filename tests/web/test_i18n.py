"""The pages' translations are gettext catalogs.

Every message the code and the templates hold must have its Indonesian translation: the test
extracts the messages afresh (as `make messages` does) and fails on any that the catalog lacks,
leaves empty or marks fuzzy, or whose placeholders differ.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from calfeed.core.model import LANGS
from calfeed.web.i18n import TRANSLATIONS
from tests.support.paths import ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> set[str]:
    """The msgids in the code and templates now (singular ids for plurals)."""
    found: set[str] = set()
    for folder, method in ((ROOT / "calfeed", "python"), (ROOT / "templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def test_there_are_messages_to_translate():
    messages = extracted()
    assert len(messages) > 100
    assert "Settings" in messages and "%(num)d day late" in messages


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_message_has_its_translation(lang):
    po = catalog(lang)
    missing = []
    for msgid in sorted(extracted()):
        entry = po.get(msgid)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(msgid)
            continue
        wanted = set(PLACEHOLDER.findall(msgid))
        assert all(set(PLACEHOLDER.findall(s)) == wanted for s in strings), msgid
    assert missing == [], f"{lang}: untranslated (run `make messages`, then translate): {missing}"


def test_catalogs_exist_for_every_language_but_the_source():
    assert {p.name for p in TRANSLATIONS.iterdir() if p.is_dir()} == set(LANGS) - {"en"}


def test_pages_come_out_in_indonesian(client):
    page = client.get("/?lang=id").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Jangan lupa menindaklanjuti setelah wawancara" in page
