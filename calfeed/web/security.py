"""Security headers and cookie settings, applied to every response in one place.

The pages carry no inline script or style, so the Content-Security-Policy can forbid both; the
only script is the copy button's static file. Feeds get the same headers: harmless to calendar
apps, and a feed opened in a browser must not become a place to run anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """The pages' Content-Security-Policy.

    `form_targets` are the origins a form may lead to besides our own: Google's consent page, to
    which "Connect Google Calendar" (a form, for its write-access box) and the dashboard's "allow
    writing" answer redirect. Chromium applies `form-action` to a form's redirects too, so with
    `'self'` alone the connect form was blocked (net::ERR_ABORTED) before Google was reached.
    """
    targets = " ".join(["'self'", *sorted(set(form_targets))])
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            f"form-action {targets}",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


def origin_of(url: str) -> str | None:
    """`https://accounts.google.com/o/oauth2/auth` -> `https://accounts.google.com`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


#: where Google's OAuth consent page lives (a client secrets file may name no other)
GOOGLE_CONSENT_ORIGIN = "https://accounts.google.com"
CSP = content_security_policy()

#: endpoints for machines, not people: no session cookie is read or written there
MACHINE_PREFIXES = ("/feeds/", "/healthz")

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin: no Referer ever leaves the site (a feed address in one would leak the secret),
    # while our own form posts carry one, which Flask-WTF's strict CSRF check demands over HTTPS
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def headers_for(form_targets: Iterable[str]) -> dict[str, str]:
    """HEADERS, with a policy that lets forms lead to `form_targets` (content_security_policy)."""
    return dict(HEADERS, **{"Content-Security-Policy": content_security_policy(form_targets)})


def configure_cookies(app: Flask, *, secure: bool) -> None:
    """Session cookie: HttpOnly, SameSite=Lax, Secure except in local development over http."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="calfeed_session",
    )


class LightSessionInterface(SecureCookieSessionInterface):
    """No cookie work on machine endpoints (feeds, health): calendar apps send no cookies, and
    unsigning one on every poll would cost more than the feed lookup itself."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(MACHINE_PREFIXES):
            return self.session_class()
        return super().open_session(app, request)


def init_security(app: Flask, *, secure: bool) -> None:
    """Cookie settings and the lighter session for machine endpoints.

    The headers themselves are added by `middleware.EdgeMiddleware` (see `app.register_wsgi`),
    which imports them from here: this module depends on nothing else of the web layer.
    """
    configure_cookies(app, secure=secure)
    app.session_interface = LightSessionInterface()
    app.after_request(_no_store_for_secret_pages)


#: blueprints whose pages show the feed secret: never kept by a browser or a shared cache
SECRET_PAGES = frozenset({"dashboard", "settings"})


def _no_store_for_secret_pages(response: Response) -> Response:
    if request.blueprint in SECRET_PAGES:
        response.headers["Cache-Control"] = "no-store"
    return response
