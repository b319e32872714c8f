"""`calfeed feed|interviews --ics ADDRESS` fetch under the service's rules."""

from __future__ import annotations

import json

import pytest
from icalendar import Calendar

from calfeed.cli import main
from tests.support.ics_server import IcsServer, Route
from tests.support.paths import FIXTURES

WINDOW = ("--from", "2026-10-01", "--to", "2027-01-01")


def run(capsysbinary, *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


@pytest.fixture
def served(ics_server: IcsServer) -> IcsServer:
    ics_server.routes["/cal.ics"] = Route((FIXTURES / "outlook_export.ics").read_bytes())
    return ics_server


def test_loopback_address_refused_in_one_line(capsysbinary, served: IcsServer) -> None:
    code, out, err = run(capsysbinary, "feed", "--ics", served.url("/cal.ics"))
    assert (code, out) == (2, b"")
    assert err.count("\n") == 1 and err.startswith("calfeed: ") and "loopback" in err
    assert served.requests == []


def test_allow_private_addresses_reads_the_local_server(capsysbinary, served: IcsServer) -> None:
    address = served.url("/cal.ics")
    code, out, err = run(
        capsysbinary, "feed", "--ics", address, "--allow-private-addresses", *WINDOW
    )
    assert code == 0, err
    from_address = Calendar.from_ical(out)
    code, from_file, _ = run(
        capsysbinary,
        "feed",
        "--ics",
        str(FIXTURES / "outlook_export.ics"),
        "--calendar-id",
        "127.0.0.1",  # an address's calendar id is its host
        *WINDOW,
    )
    assert code == 0 and out == from_file  # the same rules and bytes as the file
    assert len(from_address.walk("VEVENT")) > 0
    assert served.requests[0].headers["user-agent"].startswith("calfeed/")


def test_interviews_reads_an_address(capsysbinary, served: IcsServer) -> None:
    code, out, err = run(
        capsysbinary,
        "interviews",
        "--ics",
        served.url("/cal.ics").replace("http://", "webcal://"),
        "--allow-private-addresses",
        "--format",
        "json",
        *WINDOW,
    )
    # webcal is https: the plain-http test server cannot answer it, a clear one-line failure
    assert code == 2 and out == b"" and err.count("\n") == 1
    code, out, err = run(
        capsysbinary,
        "interviews",
        "--ics",
        served.url("/cal.ics"),
        "--allow-private-addresses",
        "--format",
        "json",
        *WINDOW,
    )
    assert code == 0, err
    assert json.loads(out)["interviews"]


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/latest/", "metadata"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("ftp://example.com/cal.ics", "only http"),
        ("https://user:pw@example.com/cal.ics", "user name"),
    ],
)
def test_refused_even_with_private_addresses_allowed(capsysbinary, address, words) -> None:
    code, out, err = run(capsysbinary, "feed", "--ics", address, "--allow-private-addresses")
    assert (code, out) == (2, b"")
    assert err.count("\n") == 1 and words in err


def test_redirect_to_metadata_refused(capsysbinary, ics_server: IcsServer) -> None:
    ics_server.routes["/cal.ics"] = Route(status=302, location="http://169.254.169.254/")
    code, _, err = run(
        capsysbinary, "feed", "--ics", ics_server.url("/cal.ics"), "--allow-private-addresses"
    )
    assert code == 2 and "metadata" in err and err.count("\n") == 1


def test_failing_address_one_line(capsysbinary, ics_server: IcsServer) -> None:
    ics_server.routes["/cal.ics"] = Route(b"", status=404)
    code, _, err = run(
        capsysbinary, "interviews", "--ics", ics_server.url("/cal.ics"), "--allow-private-addresses"
    )
    assert code == 2 and "no calendar at this address" in err and err.count("\n") == 1
