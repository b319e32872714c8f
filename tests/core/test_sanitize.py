"""Text from outside made safe to store and show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfeed.core.model import Attendee, RuleSettings, SourceEvent
from calfeed.core.pipeline import build_feed
from calfeed.core.sanitize import clean_display, clean_event, clean_surrogates

START = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

SPOOFS = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068",
          "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]  # fmt: skip


@pytest.mark.parametrize("char", SPOOFS)
def test_bidi_and_zero_width_characters_are_removed(char: str) -> None:
    assert clean_display(f"Interview{char} - Acme") == "Interview - Acme"


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_odd_separators_become_line_breaks(char: str) -> None:
    assert clean_display(f"line one{char}line two") == "line one\nline two"


def test_lone_surrogates_become_replacement_characters() -> None:
    raw = {"summary": "Glob\ud800ex", "items": [{"x": "\udfff"}], "n": 1}
    assert clean_surrogates(raw) == {"summary": "Glob\ufffdex", "items": [{"x": "\ufffd"}], "n": 1}
    "".join(str(v) for v in clean_surrogates(raw).values()).encode("utf-8")  # encodes now


@given(st.text())
def test_cleaned_text_always_encodes_and_is_stable(text: str) -> None:
    once = clean_display(clean_surrogates(text))
    once.encode("utf-8")
    assert clean_display(once) == once
    assert not any(c in once for c in SPOOFS)


def spoofed_event() -> SourceEvent:
    return SourceEvent(
        calendar_id="ana@example.com",
        event_id="ev1",
        start=START,
        end=START + timedelta(hours=1),
        summary="Interview with \u202eemoc.liam\u202c Acme",
        description="Hi Ana,\u2028we will call you.\u2029See you",
        attendees=(
            Attendee("ana@example.com", is_self=True, response_status="accepted"),
            Attendee("jane@acme.example", display_name="Jane\u200b Doe", organizer=True),
        ),
        updated=START,
    )


def test_events_are_cleaned_before_the_core_sees_them() -> None:
    cleaned = clean_event(spoofed_event())
    assert cleaned.summary == "Interview with emoc.liam Acme"
    assert cleaned.description == "Hi Ana,\nwe will call you.\nSee you"
    assert cleaned.attendees[1].display_name == "Jane Doe"
    plain = clean_event(cleaned)
    assert plain is cleaned  # nothing left to clean: no copy


def test_the_feed_holds_no_bidi_controls_or_odd_separators() -> None:
    result = build_feed([spoofed_event()], RuleSettings(time_zone="Asia/Jakarta"))
    text = result.ics.decode("utf-8")
    assert "BEGIN:VEVENT" in text
    assert not any(c in text for c in [*SPOOFS, "\u2028", "\u2029", "\u0085"])


def test_a_surrogate_from_any_source_is_cleaned_before_the_core() -> None:
    event = spoofed_event()
    from dataclasses import replace

    cleaned = clean_event(replace(event, location="Room \udc80"))
    assert cleaned.location == "Room \ufffd"
    result = build_feed([replace(event, summary="Interview - Glob\ud800ex")], RuleSettings())
    result.ics.decode("utf-8")
