"""gunicorn as deployed, for tests: the checked-in gunicorn.conf.py over TLS (trustme), run apart.

`start_gunicorn(env, tmp)` returns a `Deployed` whose `output()` is everything gunicorn and the app
wrote (error log, access log when enabled, calfeed's lines), for tests that look for leaks.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.fake_google import FakeGoogle
from tests.support.google_fake import TEST_ENCRYPTION_KEY

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Deployed:
    url: str
    ssl_context: ssl.SSLContext
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback https only
                self.url + path, timeout=10, context=self.ssl_context
            ) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def production_env(db_url: str, base_url: str, fake: FakeGoogle, instance: Path) -> dict[str, str]:
    """The environment of a production deployment, with Google pointed at the loopback fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALFEED_")}
    env.update(
        CALFEED_ENV="production",
        CALFEED_SECRET_KEY=secrets.token_urlsafe(48),
        CALFEED_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
        CALFEED_DATABASE_URL=db_url,
        CALFEED_BASE_URL=base_url,
        CALFEED_INSTANCE_PATH=str(instance),
        **fake.env(),
        # the fake speaks plain http; our own side is https
        OAUTHLIB_INSECURE_TRANSPORT="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_gunicorn(env: dict[str, str], tmp: Path, *extra: str) -> Deployed:
    """gunicorn with the checked-in gunicorn.conf.py, over TLS with a fresh trustme certificate."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    port = int(env.get("PORT") or free_port())
    base = f"https://127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(GUNICORN),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--certfile",
            str(cert_file),
            "--keyfile",
            str(key_file),
            *extra,
            "calfeed:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deployed = Deployed(base, context, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + deployed.output())
        try:
            deployed.get("/healthz")
            return deployed
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(deployed)
    raise AssertionError("gunicorn did not answer:\n" + deployed.output())


def stop_gunicorn(deployed: Deployed) -> None:
    if deployed.process.poll() is None:
        deployed.process.send_signal(signal.SIGTERM)
        try:
            deployed.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            deployed.process.kill()
            deployed.process.wait(timeout=10)
