"""Production configuration refuses what would be unsafe."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from calfeed.config import load_config
from calfeed.errors import ConfigError
from tests.support.web import make_app, signed_in, web_config

STRONG = "q7Vd-2LmZx9_TfRk4WnPb8Hs1JcYe6Ua"  # as secrets.token_urlsafe makes them


def production(**extra: str) -> dict[str, str]:
    env = {
        "CALFEED_ENV": "production",
        "CALFEED_SECRET_KEY": STRONG,
        "CALFEED_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CALFEED_BASE_URL": "https://cal.example",
        "CALFEED_DATABASE_URL": "sqlite:///unused.sqlite3",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v != "-"}


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config(env)
    return raised.value.problems


def test_a_complete_production_config_loads() -> None:
    config = load_config(production())
    assert config.base_url == "https://cal.example" and config.proxy_count == 1


def test_base_url_is_required_in_production() -> None:
    found = problems(production(CALFEED_BASE_URL="-"))
    assert any("CALFEED_BASE_URL is required" in p for p in found)


@pytest.mark.parametrize("weak", ["short", "x" * 31])
def test_a_weak_secret_key_is_refused(weak: str) -> None:
    assert any("at least 32 bytes" in p for p in problems(production(CALFEED_SECRET_KEY=weak)))


# a fixed key cut short (not a fresh one): every pytest-xdist worker must collect the same ids
TRUNCATED_KEY = "pQ0eLvA4i3N9Yb0zrX8m2cW5sTqJ7uHkD6gFhE1oRyA="[:-2]


@pytest.mark.parametrize("bad", ["not-a-key", "a" * 44, TRUNCATED_KEY])
def test_a_malformed_fernet_key_is_refused(bad: str) -> None:
    assert any("Fernet key" in p for p in problems(production(CALFEED_ENCRYPTION_KEY=bad)))


ZERO_FERNET = "A" * 43 + "="  # 32 zero bytes, a well-formed Fernet key


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("a" * 32, "one short piece repeated"),
        (" " * 32, "blank"),
        ("correcthorse" * 3, "one short piece repeated"),
        ("abcdefghijklmnopqrstuvwxyz012345", "sequence"),
        ("passwordpasswordpassword1passwor", "fewer than 12 different characters"),
        ("tls-test-" + "s" * 40, "fewer than 12 different characters"),
    ],
)
def test_a_secret_key_weak_in_content_is_refused(weak: str, why: str) -> None:
    """'a' * 32 and 32 spaces used to be accepted (they are 32 bytes long)."""
    found = problems(production(CALFEED_SECRET_KEY=weak))
    assert any("CALFEED_SECRET_KEY" in p and why in p for p in found), found


@pytest.mark.parametrize("key", [ZERO_FERNET, "_" * 43 + "=", ("AQID" * 11)[:43] + "="])
def test_a_fernet_key_that_is_not_random_is_refused(key: str) -> None:
    Fernet(key.encode())  # well-formed: the format check alone lets it through
    found = problems(production(CALFEED_ENCRYPTION_KEY=key))
    assert any("CALFEED_ENCRYPTION_KEY is not random" in p for p in found), found


def test_the_same_value_for_both_secrets_is_refused() -> None:
    key = Fernet.generate_key().decode()  # a strong value, used twice
    found = problems(production(CALFEED_SECRET_KEY=key, CALFEED_ENCRYPTION_KEY=key))
    assert found == [
        "CALFEED_SECRET_KEY and CALFEED_ENCRYPTION_KEY must differ: one leaked secret must not"
        " give away the other"
    ]


def test_an_http_base_url_is_refused_in_production() -> None:
    found = problems(production(CALFEED_BASE_URL="http://cal.example"))
    assert found == ["CALFEED_BASE_URL must start with https:// in production"]
    local = dict(production(CALFEED_BASE_URL="http://cal.example"), CALFEED_ENV="test")
    assert load_config(local).base_url == "http://cal.example"  # fine off production


def test_demo_mode_is_refused_in_production() -> None:
    """CALFEED_DEMO=1 in production used to open the oldest address-only account (and its feed
    address) to every anonymous visitor."""
    assert problems(production(CALFEED_DEMO="1")) == [
        "CALFEED_DEMO opens an account to every visitor: not in production"
    ]
    assert load_config(dict(production(CALFEED_DEMO="1"), CALFEED_ENV="development")).demo


def test_generated_secrets_pass(tmp_path: Path) -> None:
    import secrets

    for _ in range(200):  # what the error message tells the operator to run, and its cousins
        for key in (secrets.token_urlsafe(48), secrets.token_hex(32), secrets.token_urlsafe(32)):
            load_config(production(CALFEED_SECRET_KEY=key))
        load_config(production(CALFEED_ENCRYPTION_KEY=Fernet.generate_key().decode()))


def test_every_weakness_is_listed_at_once() -> None:
    found = problems(
        production(
            CALFEED_SECRET_KEY="a" * 32,
            CALFEED_ENCRYPTION_KEY=ZERO_FERNET,
            CALFEED_BASE_URL="http://cal.example",
            CALFEED_DEMO="1",
        )
    )
    assert len(found) == 4, found


def test_every_problem_is_listed_at_once() -> None:
    found = problems(production(CALFEED_BASE_URL="-", CALFEED_SECRET_KEY="short"))
    assert len(found) == 2


@pytest.mark.parametrize("count", ["-1", "6", "many"])
def test_proxy_count_is_checked(count: str) -> None:
    assert any("PROXY_COUNT" in p for p in problems(production(CALFEED_PROXY_COUNT=count)))


def test_local_key_files_are_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    old = os.umask(0o022)
    try:
        load_config({"CALFEED_ENV": "development", "CALFEED_INSTANCE_PATH": str(instance)})
    finally:
        os.umask(old)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("secret_key", "encryption_key"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600
    assert sorted(p.name for p in instance.iterdir()) == ["encryption_key", "secret_key"]
    again = load_config({"CALFEED_ENV": "development", "CALFEED_INSTANCE_PATH": str(instance)})
    assert again.secret_key == (instance / "secret_key").read_text().strip()


def test_forwarded_host_never_reaches_the_oauth_redirect(sqlite_db_url, tmp_path, now) -> None:
    config = replace(
        web_config(sqlite_db_url, tmp_path),
        env="production",
        base_url="https://cal.example",
        google_client_id="id",
        google_client_secret="secret",
    )
    answer = (
        make_app(config, now)
        .test_client()
        .get("/auth/connect", headers={"X-Forwarded-Host": "evil.example"})
    )
    assert answer.status_code == 303
    assert "evil.example" not in answer.headers["Location"]
    assert "redirect_uri=https%3A%2F%2Fcal.example%2Fauth%2Fcallback" in answer.headers["Location"]


def test_pages_showing_the_secret_are_not_stored(client, alice) -> None:
    signed_in(client, alice)
    for path in ("/dashboard", "/settings"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_405_keeps_allow(client) -> None:
    answer = client.get("/dashboard/rotate")
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"]
    assert "GET" in client.post("/healthz").headers["Allow"]


def test_csrf_stays_strict_over_https(sqlite_db_url, tmp_path, now) -> None:
    """A post over HTTPS with a valid token but a foreign or missing Referer is refused."""
    from tests.support.web import CSRF_RE, seed_user

    config = replace(
        web_config(sqlite_db_url, tmp_path), env="production", base_url="https://localhost"
    )
    app = make_app(config, now)
    app.config["WTF_CSRF_ENABLED"] = True
    assert app.config["WTF_CSRF_SSL_STRICT"] is True
    user = seed_user(app, "fay@example.com", now)
    client = signed_in(app.test_client(), user)
    https = {"wsgi.url_scheme": "https"}
    page = client.get("/dashboard", base_url="https://localhost").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)

    def rotate(referer: str | None) -> int:
        headers = {"Referer": referer} if referer else {}
        return client.post(
            "/dashboard/rotate",
            data={"csrf_token": token},
            headers=headers,
            base_url="https://localhost",
            environ_base=https,
        ).status_code

    assert rotate(None) == 400
    assert rotate("https://evil.example/x") == 400
    assert rotate("https://localhost/dashboard") == 303


@given(piece=st.text(min_size=1, max_size=12), times=st.integers(min_value=2, max_value=40))
def test_any_short_piece_repeated_is_refused(piece: str, times: int) -> None:
    """A property: whatever is typed, repeating it never makes a secret strong."""
    from calfeed.config import weak_text

    assert weak_text((piece * times)[: max(32, len(piece) * 2)]) is not None


@given(size=st.integers(min_value=24, max_value=64))
def test_any_generated_secret_passes(size: int) -> None:
    import secrets

    from calfeed.config import weak_text

    assert weak_text(secrets.token_urlsafe(size)) is None
