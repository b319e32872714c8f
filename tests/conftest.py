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
from tests.support.paths import FIXTURES

# No per-example deadline: a loaded 2-core CI machine must not turn slow examples into failures.
# In CI the examples are derandomized, so a red run is reproducible and never a coin toss.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
# `make check` (the fast tier) tries fewer examples of each property; `make test` and CI the usual.
hypothesis_settings.register_profile("check", deadline=None, max_examples=12)
hypothesis_settings.load_profile(
    os.environ.get("CALFEED_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

pytest_plugins = [
    "tests.support.db",
    "tests.support.google_fake",
    "tests.support.web",
    "tests.support.ics_server",
]


#: fixtures that start a server on loopback (the fake Google, an .ics server) or a browser
SERVER_FIXTURES = frozenset({"fake_google", "google_env", "google_config", "ics_server", "browser"})
#: what a test module calls when it starts servers, processes or workers of its own
SERVER_CALLS = ("subprocess", "Popen", "IcsServer(", "FakeGoogle(", "start_in_process", "gunicorn")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `server` every test that starts a server, a browser, a worker or a subprocess.

    `make check` (the fast tier) runs the rest: the core, storage on the databases already
    running, the web app through Flask's test client. A test module that starts such things by
    itself (SERVER_CALLS in its source) is marked whole: the fast tier may miss a quick test, but
    never waits on a server.
    """
    starts: dict[Path, bool] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in starts:
            source = path.read_text(encoding="utf-8") if path.suffix == ".py" else ""
            starts[path] = any(call in source for call in SERVER_CALLS)
        if starts[path] or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


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
