"""The start page, and the rules page: docs/rules.md as the project states its rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, render_template
from markupsafe import Markup

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html")


def rules_path() -> Path:
    """docs/rules.md: inside the installed package (the wheel carries it), or the checkout's."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "docs" / "rules.md"
    return installed if installed.is_file() else here.parent / "docs" / "rules.md"


@cache
def rules_html() -> Markup:
    """The rules as HTML, with the document's own anchors (`#d1`, `#c1`, ...) kept as they are."""
    import markdown

    text = rules_path().read_text(encoding="utf-8")
    # the project's own document (raw HTML only for its <a id> anchors), not user input
    return Markup(markdown.markdown(text, output_format="html"))  # noqa: S704


@bp.get("/rules")
def rules() -> str:
    """Every rule id the pages, the feed and `calfeed --help` cite links to its paragraph here."""
    return render_template("rules.html", rules=rules_html())
