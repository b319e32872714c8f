"""Parsers of what calendars hand us (Google's event JSON, any .ics) into `SourceEvent`s; pure."""
