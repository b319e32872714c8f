"""`calfeed feed`: the offline command."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from calfeed.cli import main
from tests.support.factories import google_event
from tests.support.paths import FIXTURES

SAMPLE = FIXTURES / "google_events_sample.json"


def run(capsysbinary, *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_feed_to_stdout(capsysbinary) -> None:
    code, out, err = run(
        capsysbinary, "feed", "--events", str(SAMPLE), "--timezone", "Asia/Jakarta"
    )
    assert code == 0 and err == ""
    cal = Calendar.from_ical(out)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    # five real interviews, each with one thank-you and one check-in; none for the others
    assert len(summaries) == 10
    assert sum(s.startswith("Send thank-you") for s in summaries) == 5
    assert not any("Hooli" in s or "Umbrella" in s or "Dentist" in s for s in summaries)


def test_feed_to_file_in_indonesian(capsysbinary, tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    code, out, _ = run(
        capsysbinary, "feed", "--events", str(SAMPLE), "--lang", "id", "-o", str(target)
    )
    assert code == 0 and out == b""
    assert "Kirim ucapan terima kasih" in target.read_text(encoding="utf-8")


def test_options_reach_the_rules(capsysbinary) -> None:
    code, out, _ = run(
        capsysbinary,
        "feed",
        "--events",
        str(SAMPLE),
        "--thank-you",
        "evening",
        "--evening-at",
        "19:00",
        "--kinds",
        "thank-you",
        "--timezone",
        "Asia/Jakarta",
    )
    assert code == 0
    starts = {e["DTSTART"].dt.time().isoformat() for e in Calendar.from_ical(out).walk("VEVENT")}
    assert "19:00:00" in starts


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"{not json", "not JSON"),
        (b'{"kind": "calendar#events"}', "expected an events.list response"),
        (b"\xff\xfe\x00", "not JSON"),
    ],
)
def test_bad_file_one_clear_line(capsysbinary, tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "events.json"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsysbinary, "feed", "--events", str(path))
    assert code == 2 and out == b""
    assert err.count("\n") == 1 and str(path) in err and message in err
    assert "Traceback" not in err


def test_bad_settings_are_listed(capsysbinary) -> None:
    code, _, err = run(
        capsysbinary,
        "feed",
        "--events",
        str(SAMPLE),
        "--grace-days",
        "9",
        "--timezone",
        "Mars/Base",
    )
    assert code == 2 and "grace_days" in err and "Mars/Base" in err


def test_one_bad_event_is_skipped_with_a_warning(capsysbinary, tmp_path: Path) -> None:
    broken = google_event(event_id="broken")
    del broken["start"]
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"items": [broken, google_event(event_id="fine")]}))
    code, out, err = run(capsysbinary, "feed", "--events", str(path))
    assert code == 0
    assert "skipped event broken: no start" in err
    assert len(Calendar.from_ical(out).walk("VEVENT")) == 2


def test_console_script_runs_from_any_directory(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("calfeed")
    result = subprocess.run(
        [str(exe), "feed", "--events", str(SAMPLE)], cwd=tmp_path, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_regression_service_commands_get_their_options(command: str, monkeypatch) -> None:
    # argparse.REMAINDER dropped leading options: `calfeed demo --port 5077` was refused
    from calfeed.cli import serve as web_cli

    seen: list[list[str]] = []
    monkeypatch.setattr(web_cli, command, lambda argv: seen.append(argv) or 0)
    assert main([command, "--port", "5077"]) == 0
    assert seen == [["--port", "5077"]]


# --- `calfeed interviews`: the detected interviews as JSON
INTERVIEW_KEYS = {
    "id",
    "ical_uid",
    "start",
    "company",
    "position",
    "interviewers",
    "timeline",
    "follow_ups",
}


def test_interviews_json_is_exactly_the_contract(capsysbinary) -> None:
    code, out, err = run(capsysbinary, "interviews", "--events", str(SAMPLE), "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {"interviews", "questions"}  # rule D9: questions beside interviews
    entries = document["interviews"]
    payload = json.loads(SAMPLE.read_text())
    titles = {item["id"]: item.get("summary", "") for item in payload["items"]}
    assert entries and len(entries) < len(titles)  # non-interviews are absent
    for entry in entries:
        assert set(entry) == INTERVIEW_KEYS
        assert entry["id"] in titles
        assert isinstance(entry["ical_uid"], str | None)
        assert datetime.fromisoformat(entry["start"]).tzinfo is not None
        assert isinstance(entry["company"], str | None)
        assert isinstance(entry["position"], str | None)
        assert all(set(p) == {"name", "email"} for p in entry["interviewers"])
        assert isinstance(entry["timeline"], str | None)
        for follow_up in entry["follow_ups"]:
            assert set(follow_up) == {"kind", "start"}
            assert follow_up["kind"] in ("thank-you", "check-in")
            assert datetime.fromisoformat(follow_up["start"]).tzinfo is not None
    first = entries[0]
    assert (first["company"], first["position"]) == ("Acme", "Store Manager")
    assert [f["kind"] for f in first["follow_ups"]] == ["thank-you", "check-in"]


def test_interviews_share_the_feed_options(capsysbinary) -> None:
    code, out, _ = run(
        capsysbinary, "interviews", "--events", str(SAMPLE), "--format", "json",
        "--kinds", "check-in",
    )  # fmt: skip
    assert code == 0
    kinds = {f["kind"] for e in json.loads(out)["interviews"] for f in e["follow_ups"]}
    assert kinds == {"check-in"}


def test_interviews_text_is_an_aligned_table(capsysbinary) -> None:
    code, out, _ = run(capsysbinary, "interviews", "--events", str(SAMPLE))
    assert code == 0
    lines = out.decode().splitlines()
    header = lines[0]
    assert header.split() == ["start", "company", "position", "interviewers", "timeline",
                              "follow-ups"]  # fmt: skip
    starts = [header.index(word) for word in ("company", "position", "interviewers")]
    table = lines[1 : lines.index("")] if "" in lines else lines[1:]  # questions come apart
    for line in table:
        for column in starts:
            assert line[column - 2 : column] == "  " and line[column] != " "
    assert "Acme" in lines[1] and "Store Manager" in lines[1]


def test_name_signs_the_drafts(capsysbinary) -> None:
    code, out, _ = run(capsysbinary, "feed", "--events", str(SAMPLE), "--name", "Budi S.")
    assert code == 0
    assert b"Budi S." in out.replace(b"\r\n ", b"")


DEV = FIXTURES / "reader_dev"


def test_interviews_json_lists_questions_apart(capsysbinary) -> None:
    """Rule D9: an unsure event is a question, never also an interview, with the contract's keys."""
    code, out, err = run(
        capsysbinary, "interviews", "--events", str(DEV / "rizky.json"), "--format", "json",
        "--name", "Rizky Aditya",
    )  # fmt: skip
    assert (code, err) == (0, "")
    document = json.loads(out)
    questions = document["questions"]
    assert questions, "the development calendar holds at least one unsure event"
    for q in questions:
        assert set(q) == {"id", "ical_uid", "start", "title", "company", "position", "why"}
        assert q["why"]
    asked = {q["id"] for q in questions}
    assert not asked & {e["id"] for e in document["interviews"]}
    assert "Telpon HRD Indomarco" in {q["title"] for q in questions}


def test_interviews_text_shows_questions_apart(capsysbinary) -> None:
    code, out, _ = run(capsysbinary, "interviews", "--events", str(DEV / "rizky.json"))
    text = out.decode()
    assert code == 0
    table, _, rest = text.partition("\nIs this one of your job interviews?")
    assert "Telpon HRD Indomarco" in rest and "Telpon HRD Indomarco" not in table


@pytest.mark.parametrize("command", ["feed", "interviews"])
def test_the_collector_is_on_again_after_a_run(capsysbinary, command: str) -> None:
    """A run pauses the cyclic garbage collector; a caller in the same process gets it back."""
    import gc

    assert gc.isenabled()
    code, _, _ = run(capsysbinary, command, "--events", str(SAMPLE))
    assert code == 0 and gc.isenabled()
    code, _, _ = run(capsysbinary, command, "--events", "/nonexistent/events.json")
    assert code != 0 and gc.isenabled()  # and after a run that failed


def test_a_paused_collector_stays_paused() -> None:
    import gc

    from calfeed.cli.commands import collector_paused

    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
