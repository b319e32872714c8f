"""`calfeed serve` / `calfeed demo` entry points (the servers themselves are not started here)."""

from __future__ import annotations

import pytest

from calfeed.cli import serve as cli


def test_serve_reports_config_problems_and_exits_78(monkeypatch, capsys):
    for name in ("CALFEED_ENV", "CALFEED_SECRET_KEY", "CALFEED_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert cli.serve([]) == 78
    err = capsys.readouterr().err
    assert "CALFEED_SECRET_KEY is required in production" in err


def test_demo_prints_addresses_then_serves(monkeypatch, capsys, tmp_path):
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(cli, "_run", lambda app, host, port: served.append((host, port)))
    assert cli.demo(["--port", "5099", "--instance", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "dashboard: http://127.0.0.1:5099/dashboard" in out
    assert "feed:      http://127.0.0.1:5099/feeds/" in out and ".ics" in out
    assert served == [("127.0.0.1", 5099)]


def test_serve_help(capsys):
    with pytest.raises(SystemExit):
        cli.serve(["--help"])
    assert "--port" in capsys.readouterr().out
