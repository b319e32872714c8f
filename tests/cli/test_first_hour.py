"""A newcomer's first hour: the README's commands work as written.

`calfeed db upgrade` needs only the database; the demo keeps its state in a per-user data folder
(stable feed address, `--reset`), leaves nothing in the temporary folder, and refuses a busy port
in one line before printing any address; every file problem of the CLI is one line and exit 2;
`--help` states each option's range or accepted values.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from calfeed.cli import main
from calfeed.cli import serve as web_cli
from tests.support.paths import ROOT

SAMPLE = ROOT / "tests" / "fixtures" / "google_events_sample.json"


@pytest.fixture
def no_server(monkeypatch):
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(web_cli, "_run", lambda app, host, port: served.append((host, port)))
    return served


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _feed_line(out: str) -> str:
    return next(line for line in out.splitlines() if "feed:" in line).split()[-1]


# --- calfeed db upgrade ----------------------------------------------------------------------


def test_db_upgrade_needs_only_the_database(monkeypatch, tmp_path, capsys):
    """Regression: in production mode without secret keys, the README's command failed (78)."""
    for name in ("CALFEED_ENV", "CALFEED_SECRET_KEY", "CALFEED_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CALFEED_DATABASE_URL", raising=False)
    monkeypatch.delenv("CALFEED_INSTANCE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)  # a fresh folder: ./instance does not exist yet
    assert main(["db", "upgrade"]) == 0
    assert "database is at " in capsys.readouterr().out
    assert (tmp_path / "instance" / "calfeed.sqlite3").is_file()
    assert not (tmp_path / "instance" / "secret_key").exists()  # no secret made or needed


def test_db_upgrade_unreachable_database_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("CALFEED_DATABASE_URL", "postgresql://who:pw@127.0.0.1:1/none")
    assert main(["db", "upgrade"]) == 78
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("calfeed: database ")
    assert "pw" not in err  # the password is masked


# --- calfeed demo ----------------------------------------------------------------------------


def test_demo_keeps_its_state_in_the_user_data_folder(
    monkeypatch, tmp_path, capsys, no_server, free_port
):
    data_home, temp = tmp_path / "data", tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert web_cli.demo_folder() == data_home / "calfeed" / "demo"

    assert web_cli.demo(["--port", str(free_port)]) == 0
    first = _feed_line(capsys.readouterr().out)
    assert web_cli.demo(["--port", str(free_port)]) == 0
    out = capsys.readouterr().out
    assert _feed_line(out) == first  # a subscription made yesterday still answers today
    assert str(data_home / "calfeed" / "demo") in out and "--reset" in out
    folder = data_home / "calfeed" / "demo"
    assert (folder / "secret_key").is_file() and (folder / "encryption_key").is_file()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert list(temp.iterdir()) == []  # no secrets (nor anything else) left in the temp folder

    assert web_cli.demo(["--port", str(free_port), "--reset"]) == 0
    assert _feed_line(capsys.readouterr().out) != first
    assert len(no_server) == 3


def test_demo_keeps_marks_across_runs(tmp_path, now):
    from datetime import timedelta

    from calfeed.web import service
    from calfeed.web.demo import demo_app
    from calfeed.web.runtime import runtime

    app = demo_app(tmp_path, now)
    rt = runtime(app)
    user_id = service.demo_user_id(rt.sessions)
    again = demo_app(tmp_path, now + timedelta(days=8))  # a week later: the sample moved along
    assert service.demo_user_id(runtime(again).sessions) == user_id
    page = again.test_client().get("/dashboard").get_data(as_text=True)
    assert "Interview with Jane Doe" in page


def test_busy_port_is_one_line_before_any_address(capsys, tmp_path, no_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["demo", "--port", str(port), "--instance", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and no_server == []
    assert len(err.strip().splitlines()) == 1
    assert f"port {port}" in err and "--port" in err
    assert not (tmp_path / "demo.sqlite3").exists()  # nothing was set up either


def test_serve_refuses_a_busy_port_too(monkeypatch, capsys, tmp_path, no_server):
    monkeypatch.setenv("CALFEED_ENV", "development")
    monkeypatch.setenv("CALFEED_INSTANCE_PATH", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "already in use" in err and no_server == []


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_port_outside_its_range_is_refused(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        web_cli.demo(["--port", port])
    assert exit_.value.code == 2
    assert "1-65535" in capsys.readouterr().err


def test_demo_instance_that_is_a_file_is_one_line(tmp_path, capsys, free_port, no_server):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["demo", "--port", str(free_port), "--instance", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"calfeed: {a_file}: not a folder"


# --- calfeed feed: file problems -------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--events", "{missing}"],
        ["--events", "{folder}"],
        ["--ics", "{missing}"],
        ["--events", str(SAMPLE), "-o", "{missing}/sub/out.ics"],
        ["--events", str(SAMPLE), "-o", "{folder}"],
    ],
    ids=["missing-input", "input-is-folder", "missing-ics", "no-output-folder", "output-is-folder"],
)
def test_every_file_problem_is_one_line_and_exit_2(argv, tmp_path, capsysbinary):
    args = [a.format(missing=tmp_path / "nope", folder=tmp_path) for a in argv]
    code = main(["feed", *args])
    out, err = capsysbinary.readouterr()
    lines = err.decode().strip().splitlines()
    assert code == 2 and out == b""
    assert len(lines) == 1 and lines[0].startswith("calfeed: ") and "Traceback" not in lines[0]


def test_feed_help_states_every_range_and_choice(capsys):
    with pytest.raises(SystemExit):
        main(["feed", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for expected in (
        "en or id",
        "soon after the interview or that evening",
        "0-180",
        "17:00-20:00",
        "1-5",
        "7-14",
        "06:00-18:00",
        "two-letter code",
        "thank-you, check-in or both",
        "docs/rules.md",
    ):
        assert expected in text, expected


def test_demo_help_states_port_range_and_folder(capsys):
    with pytest.raises(SystemExit):
        web_cli.demo(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "1-65535" in text and "--reset" in text and "calfeed" in text


# --- make demo, .gitignore -------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_installs_only_what_running_needs(tmp_path):
    dry = subprocess.run(
        ["make", "-n", "-B", "demo", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pip install" in dry and "calfeed demo" in dry
    assert "[test]" not in dry and "requirements-dev.txt" not in dry


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_gitignore_lists_no_tracked_file():
    ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ignored == ""


def test_calfeed_deprecation_warnings_are_errors_in_the_test_run():
    import warnings

    from calfeed import cli

    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("x", DeprecationWarning, "calfeed/cli.py", 1, module=cli.__name__)
    # a third-party module's warning stays a warning
    with pytest.warns(DeprecationWarning):
        warnings.warn_explicit("y", DeprecationWarning, "other.py", 1, module="other")


@pytest.mark.parametrize("name", ["/proc/no-such-folder/x.db", "not-a-database.txt"])
def test_db_upgrade_sqlite_file_problem_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path, name):
    path = tmp_path / name if not name.startswith("/") else Path(name)
    if not name.startswith("/"):
        path.write_text("just some text, not SQLite\n" * 100)
    monkeypatch.setenv("CALFEED_DATABASE_URL", f"sqlite:///{path}")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("calfeed: database sqlite")
