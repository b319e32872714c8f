"""Reading a calendar as its owner would: which events are the user's job interviews, with
which company, role and stated timeline, and what to ask when unsure (rules D, E)."""

from calfeed.core.detection.reading import CalendarReading, Question, read_calendar

__all__ = ["CalendarReading", "Question", "read_calendar"]
