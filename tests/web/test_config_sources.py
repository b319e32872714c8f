"""Settings for calendars by address (CALFEED_FETCH_ALLOW, _SOURCE_INTERVAL)."""

from __future__ import annotations

import ipaddress

import pytest

from calfeed.adapters.fetch import FetchPolicy
from calfeed.background.ics_reads import policy_for
from calfeed.config import load_config
from calfeed.errors import ConfigError
from tests.web.test_production_config import problems, production


def local(tmp_path, **extra: str) -> dict[str, str]:
    return {"CALFEED_ENV": "test", "CALFEED_INSTANCE_PATH": str(tmp_path), **extra}


def test_defaults_allow_nothing_private_and_read_every_15_minutes(tmp_path) -> None:
    config = load_config(local(tmp_path))
    assert config.fetch_allow == () and config.source_interval == 900
    assert policy_for(config) == FetchPolicy()


def test_allow_list_parsed(tmp_path) -> None:
    config = load_config(local(tmp_path, CALFEED_FETCH_ALLOW="127.0.0.1/32, ::1"))
    assert config.fetch_allow == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
    )
    assert policy_for(config).allowed_networks == config.fetch_allow


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"CALFEED_FETCH_ALLOW": "127.0.0.1/32"}, "not in production"),
        ({"CALFEED_FETCH_ALLOW": "localhost"}, "must list addresses"),
        ({"CALFEED_SOURCE_INTERVAL": "5"}, "between 60"),
    ],
)
def test_refused_settings(extra: dict[str, str], words: str) -> None:
    assert any(words in p for p in problems(production(**extra)))


def test_caps_per_user_and_the_fetch_deadline_are_settings(tmp_path) -> None:
    """The caps and the deadline have defaults, are read, and are range-checked."""
    config = load_config(local(tmp_path))
    assert (config.fetch_timeout, config.max_sources, config.max_passkeys) == (10, 20, 10)
    assert (config.max_source_events, config.max_user_events) == (5_000, 10_000)
    assert config.source_reads_per_user == 1
    tuned = load_config(
        local(
            tmp_path, CALFEED_FETCH_TIMEOUT="5", CALFEED_MAX_SOURCES="3", CALFEED_MAX_PASSKEYS="2"
        )
    )
    assert policy_for(tuned).timeout == 5 and tuned.max_sources == 3 and tuned.max_passkeys == 2
    for name, value in (("FETCH_TIMEOUT", "0"), ("MAX_SOURCES", "0"), ("MAX_SOURCE_EVENTS", "1")):
        with pytest.raises(ConfigError):
            load_config(local(tmp_path, **{f"CALFEED_{name}": value}))
