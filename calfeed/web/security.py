"""Security headers and cookie settings, applied to every response in one place.

The pages carry no inline script or style, so the Content-Security-Policy can forbid both; the
only script is the copy button's static file. Feeds get the same headers: harmless to calendar
apps, and a feed opened in a browser must not become a place to run anything.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a feed address in a Referer would leak the secret
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def configure_cookies(app: Flask, *, secure: bool) -> None:
    """Session cookie: HttpOnly, SameSite=Lax, Secure except in local development over http."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="calfeed_session",
    )


def add_security_headers(response: Response) -> Response:
    """after_request hook: the headers above, without overriding ones a view set on purpose."""
    headers = response.headers
    for name, value in HEADERS.items():
        if name not in headers:
            headers[name] = value
    return response


def init_security(app: Flask, *, secure: bool) -> None:
    """Attach cookie settings and the header hook to `app`."""
    configure_cookies(app, secure=secure)
    app.after_request(add_security_headers)
