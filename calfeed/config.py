"""The one place configuration is read: `CALFEED_*` environment -> a frozen, checked Config.

Every problem is collected and reported together (ConfigError), so a misconfigured deployment fails
once with the full list instead of one variable per restart. Secrets have no defaults in production;
for local use (development, tests, the demo) missing ones are generated into the instance folder.
Nothing here runs at import time: call `load_config()`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calfeed.errors import ConfigError

ENV_PREFIX = "CALFEED_"


@dataclass(frozen=True, slots=True)
class Config:
    """Deployment-wide settings (per-user rule settings live in `model.RuleSettings`)."""

    env: str  # "production", "development" or "test"
    instance_path: Path
    secret_key: str
    encryption_key: str
    database_url: str
    refresh_interval: int  # issue 9: seconds between scheduled background reads (the safety net)
    base_url: str | None  # public origin, e.g. https://calfeed.example; None: from the request
    google_client_secrets: Path | None
    google_client_id: str | None
    google_client_secret: str | None
    google_api_endpoint: str | None  # Calendar API base, e.g. http://127.0.0.1:8089/calendar/v3/
    google_revoke_uri: str
    google_auth_uri: str
    google_token_uri: str
    demo: bool = False
    #: issue 9: the task queue. None: a SQLite file in the instance folder (nothing to install);
    #: redis://host:port/db: Redis, shared by any number of web processes and workers;
    #: "immediate": tasks run inside the caller (tests, never production)
    queue_url: str | None = None
    #: issue 9: the queue's name (Redis keys huey.*.<name>): deployments sharing one Redis differ
    queue_name: str = "calfeed"
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (production)
    proxy_count: int = 1
    #: issue 11: networks a calendar address may reach although private (tests: 127.0.0.1/32);
    #: empty by default, refused in production; cloud metadata addresses stay refused whatever
    fetch_allow: tuple[Any, ...] = ()
    #: issue 11: seconds between two reads of one calendar address (polite: 15 minutes)
    source_interval: int = 900
    #: passkey sign-ups (accounts made by anonymous visitors) allowed per hour, all clients
    #: together: a hard bound on how fast anyone can grow the tables (issue 7, point 9)
    signups_per_hour: int = 60
    #: issue 14: Calendar API calls per minute, all workers together (Google allows 10,000 per
    #: project) and per user (Google: 600); kept under Google's so its limiter never answers 403
    google_quota_per_minute: int = 9000
    google_user_quota_per_minute: int = 500
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def google_configured(self) -> bool:
        return bool(
            self.google_client_secrets or (self.google_client_id and self.google_client_secret)
        )


def _int(
    env: Mapping[str, str], name: str, default: int, lo: int, hi: int, problems: list[str]
) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{ENV_PREFIX}{name} must be a whole number, not {raw!r}")
        return default
    if not lo <= value <= hi:
        problems.append(f"{ENV_PREFIX}{name} must be between {lo} and {hi}, not {value}")
    return value


#: the shortest CALFEED_SECRET_KEY production accepts (it signs the session cookies)
MIN_SECRET_KEY_BYTES = 32


def _local_secret(instance_path: Path, name: str, make: str) -> str:
    """Read or create a secret kept in the instance folder (local use only, never production).

    The folder is made 0700 and the file appears complete and 0600 in one step (written to a
    private temporary file, then linked into place), so no other user can ever read it, and two
    processes starting at once agree on one value.
    """
    path = instance_path / name
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if make == "fernet":
        from cryptography.fernet import Fernet

        value = Fernet.generate_key().decode()
    else:
        value = secrets.token_urlsafe(48)
    temporary = instance_path / f".{name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(value + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:  # another process won the race: use its value
            return path.read_text().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return value


def instance_path_of(env: Mapping[str, str], default: Path | None = None) -> Path:
    """The instance folder: `CALFEED_INSTANCE_PATH`, else `default`, else ./instance."""
    return Path(env.get(ENV_PREFIX + "INSTANCE_PATH") or default or Path.cwd() / "instance")


def database_url_of(env: Mapping[str, str], instance_path: Path) -> str:
    """The SQLAlchemy URL from `CALFEED_DATABASE_URL` (SQLite in the instance folder by default).

    Needs no secret: `calfeed db upgrade` reads only this, so migrating works before the
    production secrets are set (or on a machine that never holds them).
    """
    url = env.get(ENV_PREFIX + "DATABASE_URL") or f"sqlite:///{instance_path / 'calfeed.sqlite3'}"
    if url.startswith("postgres://"):  # what Heroku-style platforms hand out
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def load_config(
    env: Mapping[str, str] | None = None,
    *,
    instance_path: Path | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """Build the Config from `env` (default: the process environment) and check it.

    Raises ConfigError listing every problem found.
    """
    env = dict(os.environ if env is None else env)
    problems: list[str] = []
    mode = env.get(ENV_PREFIX + "ENV", "production")
    if mode not in ("production", "development", "test"):
        problems.append(f"{ENV_PREFIX}ENV must be production, development or test, not {mode!r}")
    production = mode == "production"
    inst = instance_path_of(env, instance_path)

    def secret(name: str, make: str) -> str:
        value = env.get(ENV_PREFIX + name, "")
        if value:
            return value
        if production:
            problems.append(f"{ENV_PREFIX}{name} is required in production")
            return ""
        return _local_secret(inst, name.lower(), make)

    secret_key = secret("SECRET_KEY", "token")
    if production and secret_key and len(secret_key.encode()) < MIN_SECRET_KEY_BYTES:
        problems.append(
            f"{ENV_PREFIX}SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production"
            " (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    encryption_key = secret("ENCRYPTION_KEY", "fernet")
    if encryption_key:
        try:
            from cryptography.fernet import Fernet

            Fernet(encryption_key.encode())
        except (ValueError, TypeError):
            problems.append(
                f"{ENV_PREFIX}ENCRYPTION_KEY must be a Fernet key (32 url-safe base64 bytes)"
            )

    database_url = database_url_of(env, inst)

    secrets_path = env.get(ENV_PREFIX + "GOOGLE_CLIENT_SECRETS") or None
    if secrets_path and not Path(secrets_path).is_file():
        problems.append(f"{ENV_PREFIX}GOOGLE_CLIENT_SECRETS names no file: {secrets_path}")

    base_url = (env.get(ENV_PREFIX + "BASE_URL") or "").rstrip("/") or None
    if base_url and not base_url.startswith(("http://", "https://")):
        problems.append(f"{ENV_PREFIX}BASE_URL must start with http:// or https://")
    if production and not base_url:
        # without it the OAuth redirect and the feed address would follow the request's Host
        problems.append(f"{ENV_PREFIX}BASE_URL is required in production (https://your.host)")

    queue_url = env.get(ENV_PREFIX + "QUEUE_URL") or None
    if queue_url and not queue_url.startswith(("redis://", "rediss://", "unix://", "immediate")):
        problems.append(f"{ENV_PREFIX}QUEUE_URL must be a redis:// address (or unset)")
    queue_name = env.get(ENV_PREFIX + "QUEUE_NAME") or ""
    if queue_name and not queue_name.replace("_", "").isalnum():
        problems.append(f"{ENV_PREFIX}QUEUE_NAME may hold letters, digits and _ only")
    if queue_url == "immediate" and production:
        problems.append(f"{ENV_PREFIX}QUEUE_URL=immediate runs Google reads inside web requests")
    fetch_allow: tuple[Any, ...] = ()
    if allow := env.get(ENV_PREFIX + "FETCH_ALLOW", "").strip():
        try:
            fetch_allow = parse_networks(allow)
        except ValueError:
            problems.append(f"{ENV_PREFIX}FETCH_ALLOW must list addresses or networks: {allow!r}")
        if production:
            problems.append(f"{ENV_PREFIX}FETCH_ALLOW opens private addresses: not in production")

    config = Config(
        env=mode,
        instance_path=inst,
        secret_key=secret_key,
        encryption_key=encryption_key,
        database_url=database_url,
        refresh_interval=_int(env, "REFRESH_INTERVAL", 6 * 3600, 30, 7 * 86_400, problems),
        base_url=base_url,
        google_client_secrets=Path(secrets_path) if secrets_path else None,
        google_client_id=env.get(ENV_PREFIX + "GOOGLE_CLIENT_ID") or None,
        google_client_secret=env.get(ENV_PREFIX + "GOOGLE_CLIENT_SECRET") or None,
        google_api_endpoint=env.get(ENV_PREFIX + "GOOGLE_API_ENDPOINT") or None,
        google_revoke_uri=env.get(ENV_PREFIX + "GOOGLE_REVOKE_URI")
        or "https://oauth2.googleapis.com/revoke",
        google_auth_uri=env.get(ENV_PREFIX + "GOOGLE_AUTH_URI")
        or "https://accounts.google.com/o/oauth2/auth",
        google_token_uri=env.get(ENV_PREFIX + "GOOGLE_TOKEN_URI")
        or "https://oauth2.googleapis.com/token",
        demo=env.get(ENV_PREFIX + "DEMO", "") in ("1", "true", "yes"),
        queue_url=queue_url,
        queue_name=env.get(ENV_PREFIX + "QUEUE_NAME") or "calfeed",
        proxy_count=_int(env, "PROXY_COUNT", 1, 0, 5, problems),
        fetch_allow=fetch_allow,
        source_interval=_int(env, "SOURCE_INTERVAL", 900, 60, 7 * 86_400, problems),
        signups_per_hour=_int(env, "SIGNUPS_PER_HOUR", 60, 1, 100_000, problems),
        google_quota_per_minute=_int(env, "GOOGLE_QUOTA_PER_MINUTE", 9000, 1, 10**7, problems),
        google_user_quota_per_minute=_int(
            env, "GOOGLE_USER_QUOTA_PER_MINUTE", 500, 1, 10**6, problems
        ),
    )
    if overrides:
        from dataclasses import replace

        config = replace(config, **overrides)  # type: ignore[arg-type]
    if problems:
        raise ConfigError(problems)
    return config


def parse_networks(text: str) -> tuple[Any, ...]:
    """`CALFEED_FETCH_ALLOW`: comma-separated addresses or networks; raises ValueError."""
    return tuple(ipaddress.ip_network(p.strip()) for p in text.split(",") if p.strip())
