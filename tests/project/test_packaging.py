"""A non-editable install carries everything the package reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # offline: the build backend is already installed (test extra)
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("calfeed-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_carries_templates_migrations_static_and_demo(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for drafts in Path(ROOT, "templates", "drafts").glob("*.txt"):
        assert f"calfeed/templates/drafts/{drafts.name}" in names
    for page in Path(ROOT, "templates").glob("*.html"):
        assert f"calfeed/templates/{page.name}" in names
    assert "calfeed/demo/calendar.json" in names
    assert "calfeed/docs/rules.md" in names  # the /rules page
    assert any(n.startswith("calfeed/migrations/versions/") for n in names)
    assert any(n.startswith("calfeed/static/") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_carries_the_compiled_catalogs(wheel: zipfile.ZipFile) -> None:
    """The .mo files are build output (not in git): the wheel build compiles them."""
    from io import BytesIO

    from babel.support import Translations

    names = set(wheel.namelist())
    for po in Path(ROOT, "calfeed", "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.relative_to(ROOT).with_suffix(".mo").as_posix()
        assert mo in names
        assert po.relative_to(ROOT).as_posix() in names
        catalog = Translations(BytesIO(wheel.read(mo)))
        assert catalog.gettext("Settings") == "Pengaturan"


def test_console_script_declared(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "calfeed = calfeed.cli:run" in wheel.read(entry_points).decode()
