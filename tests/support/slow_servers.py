"""Servers that answer too slowly on purpose, on loopback: a status line then one header byte at
a time, or a TLS handshake trickled a byte at a time. Each trickles until the client hangs up (or
`limit` seconds pass), so a fetch that does not cut its own exchange waits as long as the server
wants, exactly as a hostile server would make it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: what each kind sends first, then one `filler` byte every `pause` seconds
OPENINGS = {
    # a status line, then a header that never ends
    "headers": (b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nX-Slow: ", b"a"),
    # a TLS record header announcing a 16 KB handshake record, then its bytes one at a time
    "tls": (b"\x16\x03\x03\x40\x00", b"\x00"),
}


@contextmanager
def trickling_server(kind: str, pause: float = 0.2, limit: float = 60.0) -> Iterator[int]:
    """A loopback server of `kind` (see OPENINGS); yields its port."""
    opening, filler = OPENINGS[kind]
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        with conn:
            started = time.monotonic()
            try:
                if kind == "headers":
                    conn.recv(65536)  # the request
                conn.sendall(opening)
                while not stop.is_set() and time.monotonic() - started < limit:
                    time.sleep(pause)
                    conn.sendall(filler)
            except OSError:
                return  # the client hung up: what a good fetch does at its deadline

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()
