"""Every log line, ours and gunicorn's, without secrets and without forged lines.

Feed addresses carry their secret in the path, the OAuth callback carries codes in its query, and
a request path or an OAuth `error` value is whatever the client sent. `clean_line` masks the first
two and escapes CR, LF and every other control character (so no client can start a fake line of
its own); `MaskingFilter` applies it to each record a handler emits, tracebacks included
(masked, not escaped: their line breaks are real). `calfeed.web.gunicornlog` puts the filter on
gunicorn's error and access logs (`gunicorn.conf.py`), so "Error handling request GET /feeds/…"
never shows a token either.
"""

from __future__ import annotations

import logging
import re

#: a feed path, whatever follows the prefix (the secret, maybe mangled)
_FEED = re.compile(r"/feeds/[^\s\"'?]*")
#: a query string: everything after "?" up to white space or a quote (codes, states, tokens)
_QUERY = re.compile(r"(?<=[\w/.])\?[^\s\"']+")
#: any long run of URL-safe base64, the shape of our secrets and of Google's codes and tokens
_SECRET = re.compile(r"[A-Za-z0-9_-]{40,}")
#: C0 and C1 controls, DEL and the Unicode line and paragraph separators
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def mask(text: str) -> str:
    """`text` with feed secrets, query strings and secret-shaped runs replaced by placeholders."""
    text = _FEED.sub("/feeds/<token>.ics", text)
    text = _QUERY.sub("?<query>", text)
    return _SECRET.sub("<secret>", text)


def escape_controls(text: str) -> str:
    """CR, LF and other control characters as visible escapes (`\\r`, `\\n`, `\\x1b`, `\\u2028`)."""

    def one(found: re.Match[str]) -> str:
        char = found.group(0)
        named = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}.get(char)
        if named:
            return named
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(one, text)


def clean_line(text: str) -> str:
    """A log message as it may be written: masked, and on one line."""
    return escape_controls(mask(text))


class MaskingFilter(logging.Filter):
    """Rewrites each record's message (masked, escaped) and traceback (masked) in place."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = clean_line(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


def install(logger: logging.Logger) -> None:
    """Put one MaskingFilter on each of `logger`'s handlers (idempotent)."""
    for handler in logger.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
