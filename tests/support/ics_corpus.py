"""The corpus of .ics files other projects wrote (../shared/corpus/ics), for the tests that read it.

1,133 files from 15 projects (MANIFEST.tsv says where each comes from), read in place: they keep
their own projects' licences and are never copied into this repository. Where the folder is absent
(a clone without ../shared) the tests skip, unless CALFEED_REQUIRE_CORPUS=1 (set by .ci/run), which
makes its absence a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.paths import ROOT

CORPUS = Path(os.environ.get("CALFEED_ICS_CORPUS", ROOT.parent / "shared" / "corpus" / "ics"))
MANIFEST = CORPUS / "MANIFEST.tsv"


def corpus_files() -> list[str]:
    """The corpus's files (relative to CORPUS) in MANIFEST order; [] when the corpus is absent."""
    if not MANIFEST.is_file():
        return []
    rows = MANIFEST.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[4] for row in rows if row.strip()]


def require_corpus() -> None:
    """Skip the calling test without the corpus; fail instead when CALFEED_REQUIRE_CORPUS=1."""
    if MANIFEST.is_file():
        return
    message = f"the .ics corpus is absent ({MANIFEST} not found)"
    if os.environ.get("CALFEED_REQUIRE_CORPUS") == "1":
        pytest.fail(f"the .ics corpus is required (CALFEED_REQUIRE_CORPUS=1) but: {message}")
    pytest.skip(message)
