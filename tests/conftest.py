"""Fixtures every test can use: a fixed clock, fixture files by name, default rule settings.

Area-specific fixtures live in tests/support/ (database, fake Google, web app) and are registered
here, so each area keeps its setup next to it while every test sees one namespace.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from calfeed.core.model import RuleSettings

# No per-example deadline: a loaded 2-core CI machine must not turn slow examples into failures.
# In CI the examples are derandomized, so a red run is reproducible and never a coin toss.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

pytest_plugins = [
    "tests.support.db",
    "tests.support.google_fake",
    "tests.support.web",
    "tests.support.ics_server",
]

FIXTURES = Path(__file__).parent / "fixtures"

#: the fixed "now" of the test suite: the day this project started
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def fixture_path():
    def find(name: str) -> Path:
        path = FIXTURES / name
        assert path.exists(), f"no fixture {name}"
        return path

    return find


@pytest.fixture
def load_json(fixture_path):
    def load(name: str) -> Any:
        return json.loads(fixture_path(name).read_text(encoding="utf-8"))

    return load


@pytest.fixture
def settings() -> RuleSettings:
    return RuleSettings(time_zone="Asia/Jakarta")
