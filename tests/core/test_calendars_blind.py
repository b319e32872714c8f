"""The third, blind corpus loads as the sources give it, and the reader stays above its floors.

tests/fixtures/calendars_blind/ was written blind (without reading the reader, its rules, its
development fixtures or its tests, and without running it until every event and label was
written) after the first two sets (tests/fixtures/calendars/, tests/fixtures/calendars_heldout/)
began to be tuned against, so it is the honest measure: nobody changes an event or a label for the
reader's sake. The floors (calendars_blind_floors.json) are what the reader scored when the set was
written (`bench/interviews_accuracy.py --write-floors --set blind`); later work may only raise them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.calendars import (
    BLIND,
    Figures,
    Persona,
    Reading,
    Truth,
    load_personas,
    measure,
    score,
)

FLOORS = json.loads(
    (Path(__file__).parent / "calendars_blind_floors.json").read_text(encoding="utf-8")
)
PERSONAS = sorted(p.name for p in BLIND.iterdir() if (p / "labels.json").is_file())
GOOGLE_FIELDS = ("kind", "etag", "id", "status", "htmlLink", "created", "updated", "summary")


@pytest.fixture(scope="module")
def personas() -> dict[str, Persona]:
    return {p.name: p for p in load_personas(BLIND)}


@pytest.fixture(scope="module")
def figures(personas: dict[str, Persona]) -> tuple[dict[str, Figures], Figures]:
    return measure(personas.values())


@pytest.mark.parametrize("name", PERSONAS)
def test_persona_parses_whole(name: str, personas: dict[str, Persona]) -> None:
    """Every file parses, nothing is skipped, every label names a real event (load checks it)."""
    persona = personas[name]
    assert persona.skipped == ()
    assert len(persona.events) >= 55
    assert 1 <= persona.months <= 2
    assert {"name", "emails", "time_zone", "months"} <= set(persona.user)
    assert sum(persona.truth(e).verdict == "interview" for e in persona.events) >= 10
    assert all(truth.verdict in ("interview", "not", "either") for truth in persona.labels.values())
    # every interview says which company the thank-you names
    interviews = [t for t in persona.labels.values() if t.verdict == "interview"]
    assert all(t.company for t in interviews)


def test_corpus_is_big_and_varied(personas: dict[str, Persona]) -> None:
    """Six personas, >= 400 events, about 70 own interviews, Google, Outlook and Apple shapes."""
    events = [e for p in personas.values() for e in p.events]
    interviews = [
        e for p in personas.values() for e in p.events if p.truth(e).verdict == "interview"
    ]
    assert len(personas) >= 6
    assert len(events) >= 400
    assert len(interviews) >= 65
    assert 0.1 <= len(interviews) / len(events) <= 0.25
    assert {p.user.get("lang") for p in personas.values()} == {"en", "id"}
    ics = [b for b in (BLIND.joinpath(n, "calendar.ics") for n in personas) if b.is_file()]
    products = {path.read_bytes().split(b"PRODID:")[1].split(b"//")[1] for path in ics}
    assert products == {b"Microsoft Corporation", b"Apple Inc."}
    kinds = {e.event_type for e in events}
    assert {"workingLocation", "focusTime", "outOfOffice", "default"} <= kinds
    assert any(e.status == "cancelled" for e in events)
    verdicts = {t.verdict for p in personas.values() for t in p.labels.values()}
    assert verdicts == {"interview", "not", "either"}


@pytest.mark.parametrize("name", [n for n in PERSONAS if any(BLIND.joinpath(n).glob("*.json"))])
def test_google_files_are_events_list_responses(name: str) -> None:
    for path in BLIND.joinpath(name).glob("*.json"):
        if path.name == "labels.json":
            continue
        payload = json.loads(path.read_text(encoding="utf-8"))
        assert payload["kind"] == "calendar#events"
        ids = [item["id"] for item in payload["items"]]
        assert len(ids) == len(set(ids))
        for item in payload["items"]:
            assert all(key in item for key in GOOGLE_FIELDS), item["id"]
            assert item["kind"] == "calendar#event"
            assert ("dateTime" in item["start"]) == ("dateTime" in item["end"])
            if "recurringEventId" in item:
                assert item["id"].startswith(item["recurringEventId"] + "_")
                assert "originalStartTime" in item


def test_the_generator_rewrites_every_file_byte_for_byte(tmp_path: Path) -> None:
    """`source/build.py` run on a copy writes exactly the files that are checked in."""
    shutil.copytree(
        BLIND / "source", tmp_path / "source", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [sys.executable, str(tmp_path / "source" / "build.py")],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    for name in PERSONAS:
        written = sorted(p.name for p in (tmp_path / name).iterdir())
        assert written == sorted(p.name for p in (BLIND / name).iterdir()), name
        for file in written:
            assert (tmp_path / name / file).read_bytes() == (BLIND / name / file).read_bytes(), (
                f"{name}/{file} differs from what source/build.py writes"
            )


@pytest.mark.parametrize("name", PERSONAS)
def test_a_perfect_reading_scores_perfectly(name: str, personas: dict[str, Persona]) -> None:
    """The scorer against a reading that is the truth itself: every figure at its best."""
    persona = personas[name]

    def first(names: tuple[str | None, ...] | None) -> str | None:
        return names[0] if names else None

    truths: dict[str, Truth] = {e.key: persona.truth(e) for e in persona.events}
    reading = Reading(
        {
            k: (first(t.company), first(t.position))
            for k, t in truths.items()
            if t.verdict == "interview"
        },
        {},
    )
    result = score(persona, reading)
    assert (result.recall, result.false, result.follow_ups_right) == (1.0, 0, 1.0)
    assert (result.company, result.position) == (1.0, 1.0)


def _check(name: str, got: Figures, floor: dict[str, float]) -> None:
    tiny = 1e-9
    assert got.recall + tiny >= floor["recall"], f"{name}: recall {got.recall:.3f}"
    assert got.company_right / got.true_interviews + tiny >= floor["company_right_of_true"], name
    assert got.position_right / got.true_interviews + tiny >= floor["position_right_of_true"], name
    assert got.follow_ups_right + tiny >= floor["follow_ups_right"], (
        f"{name}: follow-ups right {got.follow_ups_right:.3f}"
    )
    assert got.false_per_100 <= floor["false_per_100_at_most"] + tiny, (
        f"{name}: {got.false_per_100:.2f} false interviews per 100 events"
    )
    assert got.questions_per_month <= FLOORS["questions_per_month_at_most"] + tiny, name


@pytest.mark.parametrize("name", PERSONAS)
def test_reader_holds_its_floor_per_persona(
    name: str, figures: tuple[dict[str, Figures], Figures]
) -> None:
    per, _ = figures
    assert name in FLOORS["personas"], (
        f"no floor for {name}: run the bench with --write-floors --set blind"
    )
    _check(name, per[name], FLOORS["personas"][name])


def test_reader_holds_its_floor_overall(figures: tuple[dict[str, Figures], Figures]) -> None:
    _, overall = figures
    _check("overall", overall, FLOORS["overall"])
