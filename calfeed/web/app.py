"""The application factory's parts, each a small `register_*` step (see `calfeed.create_app`).

Extensions are created unbound and attached here; the database engine is built per app (it
connects lazily, on the first request), so creating an app does no I/O and tests can build as many
apps as they like, each on its own database.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
import jinja2
from flask import Flask

from calfeed.config import Config, load_config
from calfeed.crypto import TokenCipher
from calfeed.store.db import make_engine, make_session_factory
from calfeed.web.runtime import JOBS_KEY, RUNTIME_KEY, Runtime, csrf, runtime

PACKAGE = Path(__file__).resolve().parent.parent


class CompiledTemplates(jinja2.BytecodeCache):
    """The pages compiled once per process and shared by every app it builds.

    Jinja compiles each template per environment, and every app has its own; a process that
    builds many apps (the test suite builds one per test) would parse the same pages again and
    again. Entries are keyed by the template's name and checked against its source's checksum, so
    an edited page is compiled anew.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def template_folder() -> Path:
    """Installed wheels carry the pages as calfeed/templates; a source checkout has templates/."""
    packaged = PACKAGE / "templates"
    return packaged if packaged.is_dir() else PACKAGE.parent / "templates"


def build_app(config: Config | None = None) -> Flask:
    """See `calfeed.create_app`."""
    config = config or load_config()
    app = Flask(
        "calfeed",
        template_folder=str(template_folder()),
        static_folder=str(PACKAGE / "static"),
        instance_path=str(config.instance_path.resolve()),
    )
    app.jinja_options = {**app.jinja_options, "bytecode_cache": COMPILED_TEMPLATES}
    register_config(app, config)
    register_database(app, config)
    register_security(app, config)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    register_wsgi(app, config)
    register_jobs(app, config)
    return app


def register_config(app: Flask, config: Config) -> None:
    app.config.update(
        SECRET_KEY=config.secret_key,
        DEBUG=config.env == "development",
        TESTING=config.env == "test",
        MAX_CONTENT_LENGTH=64 * 1024,  # the largest form (settings) is a few KB
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        SESSION_REFRESH_EACH_REQUEST=False,  # a cookie only when the session changed
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead: a dashboard left open still works
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        JSON_SORT_KEYS=False,
    )


def register_database(app: Flask, config: Config) -> None:
    engine = make_engine(config.database_url)
    app.extensions[RUNTIME_KEY] = Runtime(
        config=config,
        sessions=make_session_factory(engine),
        cipher=TokenCipher(config.encryption_key),
    )


def register_security(app: Flask, config: Config) -> None:
    from calfeed.web.middleware import init_logging
    from calfeed.web.security import init_security

    csrf.init_app(app)
    init_security(app, secure=config.env != "development")
    init_logging()


def register_blueprints(app: Flask) -> None:
    from calfeed.web import (
        auth,
        background,
        dashboard,
        feeds,
        google_calendar,
        health,
        pages,
        passkeys,
        settings,
        sources,
    )
    from calfeed.web.context import init_context

    init_context(app)
    for module in (pages, auth, feeds, dashboard, settings, health):
        app.register_blueprint(module.bp)
    for module in (background, sources, passkeys, google_calendar):
        app.register_blueprint(module.bp)
    # Calendar apps never send CSRF tokens, and the feed route only reads.
    csrf.exempt(feeds.bp)
    csrf.exempt(health.bp)
    # Google's push notifications carry no CSRF token; they are verified by channel
    csrf.exempt(background.notify)


def register_errors(app: Flask) -> None:
    from calfeed.web.errors import init_errors

    init_errors(app)


def register_wsgi(app: Flask, config: Config) -> None:
    """The WSGI layers around Flask, outermost first: ProxyFix (production), the edge middleware
    (security headers, request log), the warm-feed fast path, then Flask itself."""
    from calfeed.web.feeds import WarmFeeds
    from calfeed.web.middleware import EdgeMiddleware
    from calfeed.web.security import GOOGLE_CONSENT_ORIGIN, headers_for, origin_of

    # forms may lead to Google's consent page (the configured one, and Google's own)
    consent = {GOOGLE_CONSENT_ORIGIN, origin_of(config.google_auth_uri) or GOOGLE_CONSENT_ORIGIN}
    wsgi = EdgeMiddleware(
        WarmFeeds(app.wsgi_app, app), https_only=config.production, headers=headers_for(consent)
    )
    if config.production and config.proxy_count:
        # Platforms (Heroku, Dokku, Scalingo) end TLS at their router: trust its hops
        # (CALFEED_PROXY_COUNT, default 1) for the client address and the scheme. Never the
        # host: external URLs come from CALFEED_BASE_URL, required in production.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = config.proxy_count
        wsgi = ProxyFix(wsgi, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[assignment]
    app.wsgi_app = wsgi  # type: ignore[method-assign]


def register_cli(app: Flask) -> None:
    """`flask --app calfeed db upgrade`: the same migration `calfeed db upgrade` runs."""
    db = click.Group("db", help="Database schema commands.")

    @db.command("upgrade")
    def upgrade() -> None:
        """Create or migrate the database schema to the latest version."""
        from calfeed.store import upgrade as store_upgrade

        store_upgrade(runtime(app).config.database_url)
        click.echo("database schema is up to date")

    app.cli.add_command(db)


def register_jobs(app: Flask, config: Config) -> None:
    """The task queue (built on first use); `flask run` on the embedded default runs a worker in
    its own process, as `calfeed serve` does."""
    import os

    from calfeed.background.jobs import JobContext, Jobs

    def context() -> JobContext:
        rt = runtime(app)
        return JobContext(rt.config, rt.sessions, rt.clock)

    found = app.extensions[JOBS_KEY] = Jobs(config, context)
    # `flask run` sets FLASK_RUN_FROM_CLI before loading the app (with the reloader, both of its
    # processes load it: two consumers of one SQLite queue are as safe as two worker processes)
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true" and found.embedded:
        found.start_in_process()
