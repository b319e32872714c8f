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
    refresh_interval: int  # seconds between scheduled background reads (the safety net)
    base_url: str | None  # public origin, e.g. https://calfeed.example; None: from the request
    google_client_secrets: Path | None
    google_client_id: str | None
    google_client_secret: str | None
    google_api_endpoint: str | None  # Calendar API base, e.g. http://127.0.0.1:8089/calendar/v3/
    google_revoke_uri: str
    google_auth_uri: str
    google_token_uri: str
    demo: bool = False
    #: the task queue. None: a SQLite file in the instance folder (nothing to install);
    #: redis://host:port/db: Redis, shared by any number of web processes and workers;
    #: "immediate": tasks run inside the caller (tests, never production)
    queue_url: str | None = None
    #: the queue's name (Redis keys huey.*.<name>): deployments sharing one Redis differ
    queue_name: str = "calfeed"
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (production)
    proxy_count: int = 1
    #: networks a calendar address may reach although private (tests: 127.0.0.1/32);
    #: empty by default, refused in production; cloud metadata addresses stay refused whatever
    fetch_allow: tuple[Any, ...] = ()
    #: seconds between two reads of one calendar address (polite: 15 minutes)
    source_interval: int = 900
    #: passkey sign-ups (accounts made by anonymous visitors) allowed per hour, all clients
    #: together: a hard bound on how fast anyone can grow the tables, set high enough that only
    #: many addresses at once (hundreds, each under its own bound) can reach it
    signups_per_hour: int = 1000
    #: passkey sign-ups allowed per hour from one client (its address as the configured proxies
    #: report it; an IPv6 /64): a flood from one place stops there, everyone else signs up
    signups_per_client: int = 5
    #: what one user can add and what one read can cost (docs/web.md, "Caps per user"): the whole
    #: exchange of one calendar read, in seconds; calendars by address; events stored from one
    #: address and from all of them together (a read past either is cut, with a message); passkeys
    fetch_timeout: int = 10
    max_sources: int = 20
    max_source_events: int = 5_000
    max_user_events: int = 10_000
    max_passkeys: int = 10
    #: reads of one user's calendars the worker runs at once: one user's slow addresses leave
    #: the other worker threads to everyone else
    source_reads_per_user: int = 1
    #: Calendar API calls per minute, all workers together (Google allows 10,000 per
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
#: the fewest different characters a secret key may hold: 32 random url-safe characters hold
#: about 25, 64 random hex digits all 16; `'a' * 32` or a word repeated holds a handful
MIN_DISTINCT_CHARACTERS = 12
#: the fewest different bytes in each half of a Fernet key (signing, encryption): 16 random
#: bytes hold about 15, so fewer than 8 is a made-up key, not a generated one
MIN_DISTINCT_KEY_BYTES = 8
HOW_TO_MAKE_SECRETS = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
HOW_TO_MAKE_KEYS = (
    "e.g. python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def _repeats_a_pattern(text: str) -> bool:
    """Whether `text` is a shorter piece repeated (`abcabcabc...`, cut anywhere)."""
    size = len(text)
    return any(text == (text[:k] * (size // k + 1))[:size] for k in range(1, size // 2 + 1))


def _runs_in_steps(text: str) -> bool:
    """Whether most of `text` is runs of evenly stepping characters (`abcdef`, `123456`, `zyx`)."""
    codes = [ord(c) for c in text]
    stepping = sum(
        1 for a, b, c in zip(codes, codes[1:], codes[2:], strict=False) if b - a == c - b
    )
    return stepping * 2 > len(text)


def weak_text(value: str) -> str | None:
    """Why a secret is too weak in content (whatever its length), or None when it is not.

    A generated secret (`secrets.token_urlsafe`, `token_hex`, `openssl rand -base64`) passes every
    test; a typed one (blanks, one character repeated, a word repeated, `abcdef...`) fails one.
    """
    if not value.strip():
        return "is blank"
    if _repeats_a_pattern(value):
        return "is one short piece repeated"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"holds fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    if _runs_in_steps(value):
        return "is mostly a sequence (abcdef..., 123456...)"
    return None


def weak_key_bytes(fernet_key: str) -> str | None:
    """Why a well-formed Fernet key is too weak (all zero, a repeated byte...), or None."""
    import base64

    raw = base64.urlsafe_b64decode(fernet_key.encode())
    for half, name in ((raw[:16], "signing"), (raw[16:], "encryption")):
        if len(set(half)) < MIN_DISTINCT_KEY_BYTES:
            return f"is not random: its {name} half repeats too few byte values"
    return None


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
            f" ({HOW_TO_MAKE_SECRETS})"
        )
    elif production and secret_key and (weakness := weak_text(secret_key)):
        problems.append(f"{ENV_PREFIX}SECRET_KEY {weakness} ({HOW_TO_MAKE_SECRETS})")
    encryption_key = secret("ENCRYPTION_KEY", "fernet")
    if encryption_key:
        try:
            from cryptography.fernet import Fernet

            Fernet(encryption_key.encode())
        except (ValueError, TypeError):
            problems.append(
                f"{ENV_PREFIX}ENCRYPTION_KEY must be a Fernet key (32 url-safe base64 bytes)"
            )
        else:
            if production and (weakness := weak_key_bytes(encryption_key)):
                problems.append(f"{ENV_PREFIX}ENCRYPTION_KEY {weakness} ({HOW_TO_MAKE_KEYS})")
    if production and secret_key and secret_key.strip() == encryption_key.strip():
        problems.append(
            f"{ENV_PREFIX}SECRET_KEY and {ENV_PREFIX}ENCRYPTION_KEY must differ: one leaked"
            " secret must not give away the other"
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
    elif production and base_url and not base_url.startswith("https://"):
        # feed secrets, session cookies (Secure) and passkeys all need the https origin
        problems.append(f"{ENV_PREFIX}BASE_URL must start with https:// in production")
    demo = env.get(ENV_PREFIX + "DEMO", "") in ("1", "true", "yes")
    if production and demo:
        # every anonymous visitor would open the demo user: in production, the oldest account
        # without a Google address and its feed address
        problems.append(f"{ENV_PREFIX}DEMO opens an account to every visitor: not in production")

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
        demo=demo,
        queue_url=queue_url,
        queue_name=env.get(ENV_PREFIX + "QUEUE_NAME") or "calfeed",
        proxy_count=_int(env, "PROXY_COUNT", 1, 0, 5, problems),
        fetch_allow=fetch_allow,
        source_interval=_int(env, "SOURCE_INTERVAL", 900, 60, 7 * 86_400, problems),
        signups_per_hour=_int(env, "SIGNUPS_PER_HOUR", 1000, 1, 1_000_000, problems),
        signups_per_client=_int(env, "SIGNUPS_PER_CLIENT", 5, 1, 1000, problems),
        fetch_timeout=_int(env, "FETCH_TIMEOUT", 10, 1, 60, problems),
        max_sources=_int(env, "MAX_SOURCES", 20, 1, 1_000, problems),
        max_source_events=_int(env, "MAX_SOURCE_EVENTS", 5_000, 10, 100_000, problems),
        max_user_events=_int(env, "MAX_USER_EVENTS", 10_000, 10, 1_000_000, problems),
        max_passkeys=_int(env, "MAX_PASSKEYS", 10, 1, 100, problems),
        source_reads_per_user=_int(env, "SOURCE_READS_PER_USER", 1, 1, 16, problems),
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
