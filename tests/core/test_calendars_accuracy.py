"""The whole-calendar corpus loads as the sources give it, and the reader stays above its floors.

The corpus (tests/fixtures/calendars/) is held out: written after the reader, from real invitation
templates, and never tuned to. The floors (calendars_floors.json) are what the reader scored when
they were written (`bench/interviews_accuracy.py --write-floors`); later work may only raise them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.calendars import (
    CALENDARS,
    Figures,
    Persona,
    Reading,
    Truth,
    check_floor,
    load_persona,
    load_personas,
    matches,
    measure,
    score,
)

FLOORS = json.loads((Path(__file__).parent / "calendars_floors.json").read_text(encoding="utf-8"))
PERSONAS = sorted(p.name for p in CALENDARS.iterdir() if (p / "labels.json").is_file())
GOOGLE_FIELDS = ("kind", "etag", "id", "status", "htmlLink", "created", "updated", "summary")


@pytest.fixture(scope="module")
def personas() -> dict[str, Persona]:
    return {p.name: p for p in load_personas()}


@pytest.fixture(scope="module")
def figures(personas: dict[str, Persona]) -> tuple[dict[str, Figures], Figures]:
    return measure(personas.values())


@pytest.mark.parametrize("name", PERSONAS)
def test_persona_parses_whole(name: str, personas: dict[str, Persona]) -> None:
    """Every file parses, nothing is skipped, every label names a real event (load checks it)."""
    persona = personas[name]
    assert persona.skipped == ()
    assert len(persona.events) >= 50
    assert 1 <= persona.months <= 2
    assert {"name", "emails", "time_zone", "months"} <= set(persona.user)
    assert sum(persona.truth(e).verdict == "interview" for e in persona.events) >= 10
    assert all(truth.verdict in ("interview", "not", "either") for truth in persona.labels.values())


def test_corpus_is_big_and_varied(personas: dict[str, Persona]) -> None:
    """>= 5 personas, >= 350 events, >= 60 own interviews (about a fifth), an .ics one."""
    events = [e for p in personas.values() for e in p.events]
    interviews = [
        e for p in personas.values() for e in p.events if p.truth(e).verdict == "interview"
    ]
    assert len(personas) >= 5
    assert len(events) >= 350
    assert len(interviews) >= 60
    assert 0.15 <= len(interviews) / len(events) <= 0.25
    assert any(any(CALENDARS.joinpath(n).glob("*.ics")) for n in personas)
    assert {p.user.get("lang") for p in personas.values()} == {"en", "id"}


@pytest.mark.parametrize("name", [n for n in PERSONAS if any(CALENDARS.joinpath(n).glob("*.json"))])
def test_google_files_are_events_list_responses(name: str) -> None:
    for path in CALENDARS.joinpath(name).glob("*.json"):
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


def test_a_label_for_a_missing_event_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rizky"
    shutil.copytree(CALENDARS / "rizky", folder)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    labels["events"]["nosuchevent0000000000000000"] = {"verdict": "not"}
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(ValueError, match="nosuchevent"):
        load_persona(folder)


def test_names_compare_as_a_reader_would() -> None:
    assert matches("tessellate.", ("Tessellate",))
    assert matches("Hotel Santika", ("Hotel Santika Gubeng", "Hotel Santika"))
    assert matches(None, None) and matches("", None)
    assert not matches("Fixed Term", ("Northgate Health",))
    assert not matches("Acme", None)


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
    # and one that takes every event: every "not" is a false interview
    everything = Reading({e.key: (None, None) for e in persona.events}, {})
    result = score(persona, everything)
    nots = sum(t.verdict == "not" for t in truths.values())
    assert result.false == nots and result.recall == 1.0


@pytest.mark.parametrize("name", PERSONAS)
def test_reader_holds_its_floor_per_persona(
    name: str, figures: tuple[dict[str, Figures], Figures]
) -> None:
    per, _ = figures
    assert name in FLOORS["personas"], f"no floor for {name}: run the bench with --write-floors"
    check_floor(name, per[name], FLOORS["personas"][name], FLOORS["questions_per_month_at_most"])


def test_reader_holds_its_floor_overall(figures: tuple[dict[str, Figures], Figures]) -> None:
    _, overall = figures
    check_floor("overall", overall, FLOORS["overall"], FLOORS["questions_per_month_at_most"])
