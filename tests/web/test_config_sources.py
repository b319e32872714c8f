"""issue 11: settings for calendars by address (CALFEED_FETCH_ALLOW, _SOURCE_INTERVAL)."""

from __future__ import annotations

import ipaddress

import pytest

from calfeed.adapters.fetch import FetchPolicy
from calfeed.background.ics_reads import policy_for
from calfeed.config import load_config
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
