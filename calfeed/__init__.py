"""calfeed: follow-up reminders for job interviews, published as a subscribable iCalendar feed.

`create_app()` is the only entry point of the web service (`flask --app calfeed run`, gunicorn
`'calfeed:create_app()'`). Importing the package does nothing else: no configuration is read, no
database is opened, so the core and the CLI import it freely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from calfeed.config import Config

__all__ = ["create_app"]


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask application: configuration, database, security, blueprints, errors, CLI.

    Args:
        config: a checked Config; None reads the `CALFEED_*` environment (`load_config`).

    Raises:
        ConfigError: listing every configuration problem at once.
    """
    from calfeed.web.app import build_app

    return build_app(config)
