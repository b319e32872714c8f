"""Driving the passkey ceremonies over the test client, as static/passkeys.js does in a browser.

`Visitor` is one browser: a test client with its CSRF token (read from a page we served, sent in
the X-CSRFToken header as the script sends it) and a software authenticator for the app's origin.
`cookie()`/`restore()` keep and put back the session cookie, so a test can replay a verification
with the cookie from before it, as an attacker holding the browser could.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.authenticator import SoftAuthenticator

COOKIE = "calfeed_session"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Visitor:
    client: FlaskClient
    address: str = "127.0.0.1"
    origin: str = "http://localhost"
    authenticator: SoftAuthenticator = field(init=False)
    base_url: str = "http://localhost"
    extra_headers: dict[str, str] = field(default_factory=dict)
    _token: str | None = None

    def __post_init__(self) -> None:
        self.authenticator = SoftAuthenticator(self.origin)

    def _environ(self) -> dict[str, Any]:
        scheme = "https" if self.base_url.startswith("https") else "http"
        return {"REMOTE_ADDR": self.address, "wsgi.url_scheme": scheme}

    def token(self) -> str:
        if self._token is None:
            page = self.client.get(
                "/",
                base_url=self.base_url,
                environ_base=self._environ(),
                headers=self.extra_headers,
            )
            found = CSRF_RE.search(page.get_data(as_text=True))
            assert found, f"no CSRF token on the start page ({page.status_code})"
            self._token = found.group(1)
        return self._token

    def post(self, path: str, body: dict[str, Any] | None = None) -> TestResponse:
        headers = {"X-CSRFToken": self.token(), "Referer": self.base_url + "/"}
        headers.update(self.extra_headers)
        answer = self.client.post(
            path,
            json=body or {},
            headers=headers,
            base_url=self.base_url,
            environ_base=self._environ(),
        )
        if path.endswith("/verify") or path.startswith("/auth/"):
            self._token = None  # a sign-in or sign-out starts a new session: a new CSRF token
        return answer

    def cookie(self) -> str | None:
        found = self.client.get_cookie(COOKIE)
        return found.value if found else None

    def restore(self, value: str | None) -> None:
        assert value is not None
        self.client.set_cookie(COOKIE, value, domain="localhost")
        self._token = None

    # --- the three ceremonies -------------------------------------------------------------------

    def signup_options(self, address: str, name: str = "Work") -> TestResponse:
        return self.post("/passkeys/signup/options", {"address": address, "name": name})

    def sign_up(self, address: str, name: str = "Work") -> tuple[TestResponse, dict[str, Any]]:
        """(the verify answer, the credential sent); the options call must succeed."""
        options = self.signup_options(address, name)
        assert options.status_code == 200, options.get_data(as_text=True)
        credential = self.authenticator.create(json.loads(options.data))
        return self.post("/passkeys/signup/verify", credential), credential

    def sign_in(self) -> tuple[TestResponse, dict[str, Any]]:
        options = self.post("/passkeys/signin/options")
        assert options.status_code == 200, options.get_data(as_text=True)
        assertion = self.authenticator.get(json.loads(options.data))
        return self.post("/passkeys/signin/verify", assertion), assertion

    def add_passkey(self) -> tuple[TestResponse, dict[str, Any]]:
        options = self.post("/passkeys/add/options")
        assert options.status_code == 200, options.get_data(as_text=True)
        credential = self.authenticator.create(json.loads(options.data))
        return self.post("/passkeys/add/verify", credential), credential


def error_of(answer: TestResponse) -> str:
    return str((answer.get_json(silent=True) or {}).get("error", ""))
