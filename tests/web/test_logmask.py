"""Log lines hold no secrets and cannot be forged."""

from __future__ import annotations

import io
import logging

import pytest
from werkzeug.test import Client

from calfeed.crypto import new_secret_token
from calfeed.logmask import MaskingFilter, clean_line, escape_controls, mask
from calfeed.web.middleware import EdgeMiddleware, public_path

#: shaped exactly like `new_secret_token()`'s output, but fixed: every pytest-xdist worker must
#: collect the same test ids (the token is in them)
TOKEN = "Oq6hTOPeSZZTJasUibsK93a5VK_39XT1NOAu_hGxEiM"
assert len(TOKEN) == len(new_secret_token())


@pytest.mark.parametrize(
    "line",
    [
        f"Error handling request GET /feeds/{TOKEN}.ics",
        f'"GET /feeds/{TOKEN}.ics?kinds=thank-you HTTP/1.1" 200',
        f"GET /auth/callback?code=4/0A{TOKEN}&state=abc",
        f"refresh failed for {TOKEN}",
    ],
)
def test_secrets_are_masked(line: str) -> None:
    assert TOKEN not in mask(line) and TOKEN[5:30] not in mask(line)


def test_plain_text_is_left_alone() -> None:
    assert mask("GET /dashboard 200 1234 5.0ms") == "GET /dashboard 200 1234 5.0ms"
    assert mask("what? nothing") == "what? nothing"


@pytest.mark.parametrize("char", ["\r", "\n", "\x1b", "\x00", "\x85", "\u2028", "\u2029", "\x7f"])
def test_control_characters_are_escaped(char: str) -> None:
    out = escape_controls(f"GET /a{char}FORGED 200")
    assert char not in out and "FORGED" in out and out.isprintable()


def test_the_request_log_escapes_paths() -> None:
    assert public_path("/nope\r\n2026 INFO fake") == "/nope\\r\\n2026 INFO fake"
    assert public_path(f"/feeds/{TOKEN}.ics") == "/feeds/<token>.ics"


def test_the_filter_masks_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("test.logmask")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"bad /feeds/{TOKEN}.ics")
        except ValueError:
            logger.exception("failed on %s with error=%s", f"/feeds/{TOKEN}.ics", "x\r\nFORGED")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert TOKEN not in text and "\nFORGED" not in text and "Traceback" in text


def test_an_exception_escaping_the_app_is_our_own_500_with_headers(caplog) -> None:
    def broken(environ, start_response):
        raise RuntimeError(f"boom on {environ['PATH_INFO']}")

    client = Client(EdgeMiddleware(broken, https_only=True))
    with caplog.at_level(logging.INFO):
        answer = client.get(f"/feeds/{TOKEN}.ics")
    assert answer.status_code == 500
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in answer.headers
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert TOKEN not in caplog.text
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def test_clean_line_is_one_line() -> None:
    assert "\n" not in clean_line(f"a\nb /feeds/{TOKEN}.ics")
