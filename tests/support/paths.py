"""Where the tests find the repository and their fixture files, wherever a test module sits."""

from __future__ import annotations

from pathlib import Path

#: the repository's top level (pyproject.toml, templates/, docs/)
ROOT = Path(__file__).resolve().parents[2]
#: fixture files shaped exactly like the real thing (Google's JSON, real .ics exports)
FIXTURES = ROOT / "tests" / "fixtures"
