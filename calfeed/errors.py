"""The domain's exceptions.

The core raises these and nothing else on purpose; the edges (CLI, web, sync jobs) translate them
to exit codes and HTTP statuses. Keeping the mapping next to the hierarchy keeps the edges honest.
"""

from __future__ import annotations


class CalfeedError(Exception):
    """Root of every error calfeed raises on purpose."""

    #: process exit status the CLI uses for this error
    exit_code: int = 1
    #: HTTP status the web layer uses for this error
    http_status: int = 500


class ConfigError(CalfeedError):
    """The configuration (environment, settings file) is unusable; lists every problem at once."""

    exit_code = 78  # EX_CONFIG

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class SettingsError(CalfeedError):
    """A user's rule settings are outside the ranges the rules allow."""

    exit_code = 2
    http_status = 400

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class SourceError(CalfeedError):
    """A whole input (a file, a Google answer) cannot be read at all."""

    exit_code = 2
    http_status = 400


class InvalidEvent(CalfeedError):
    """One event cannot be used; callers skip it and keep the rest of the feed."""

    exit_code = 2
    http_status = 400

    def __init__(self, reason: str, event_id: str | None = None) -> None:
        self.reason = reason
        self.event_id = event_id
        super().__init__(f"event {event_id or '?'}: {reason}")


class GoogleError(CalfeedError):
    """Google could not be read (after retries); the last good feed stays in service."""

    http_status = 502


class ReauthorizationRequired(GoogleError):
    """The user's grant was revoked or expired (`invalid_grant`): they must connect again."""

    http_status = 401


class NotFound(CalfeedError):
    """Something the caller asked for does not exist (or is not theirs: we never say which)."""

    http_status = 404


class ServiceUnavailable(CalfeedError):
    """The service cannot do this now (e.g. the database refuses writes): try again later."""

    http_status = 503
