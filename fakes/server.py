"""The HTTP front door: the same Router behind a threaded stdlib HTTP server.

Binds to loopback by default. Each request is logged in one line:
``<method> <product:Action> <status> <ms>ms``, and counted: ``GET /_aliaudit/calls`` answers
``{"total": N, "calls": {"ecs:DescribeDisks": n, ...}, "busy_s": s, "span_s": s}`` (every request the fake
answered or dropped, whatever its status; the counts request itself is not counted; busy_s sums the
requests' times in the server, span_s runs from the first request's start to the last one's end, so
busy_s / span_s is the average number of requests in flight). No bucket name can start with ``_``,
so the path never shadows an OSS request.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import json
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from .faults import Faults
from .router import Router
from .state import FakeState
from .wire import DropConnection, Request

MAX_BODY_BYTES = 1 << 20  # the collectors send no request bodies; anything large is refused
COUNTS_PATH = "/_aliaudit/calls"
IDLE_TIMEOUT_S = 30.0     # a connection that sends nothing for this long is closed (no thread held for ever)
# http.server itself bounds the rest: a request line or header line over 65,536 bytes is 414 / 431, more than
# 100 headers is 431.


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False



class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a client opening its pool's connections at once (64 calls in flight)
    # overflows it, and the dropped connections wait out TCP's one-second SYN retry, a stall no real endpoint
    # adds. A backlog as deep as the kernel allows (net.core.somaxconn caps it).
    request_queue_size = 1024

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: the headers and the body are two writes; with Nagle's algorithm the body waits for the
    # client's delayed ACK of the headers (about 40 ms on Linux), which would add 40 ms to every call.
    disable_nagle_algorithm = True
    server_version = "aliaudit-fake"
    sys_version = ""

    def setup(self) -> None:
        self.timeout = self.server.fake.idle_timeout  # type: ignore[attr-defined]
        super().setup()

    def _serve(self) -> None:
        started = time.monotonic()
        fake: FakeServer = self.server.fake  # type: ignore[attr-defined]
        if self.path == COUNTS_PATH and self.command == "GET":
            self._reply(200, {"Content-Type": "application/json"}, json.dumps(fake.counts()).encode())
            return
        if self.headers.get("Transfer-Encoding"):
            # A chunked body has no length to check first; the SDKs never send one.
            self._reply(411, {"Content-Type": "text/plain"}, b"a request body needs a Content-Length\n")
            self.close_connection = True
            fake.log(self.command, "-", 411, started)
            return
        length = self.headers.get("Content-Length")
        try:
            size = int(length) if length else 0
        except ValueError:
            size = -1
        if size < 0 or size > fake.max_body:
            self._reply(413 if size > 0 else 400, {"Content-Type": "text/plain"},
                        b"request body too large or invalid Content-Length\n")
            self.close_connection = True
            fake.log(self.command, "-", 413 if size > 0 else 400, started)
            return
        body = self.rfile.read(size) if size else b""
        host = self.headers.get("Host") or f"{fake.host}:{fake.port}"
        req = Request.build(self.command, f"http://{host}{self.path}", dict(self.headers.items()), body)
        try:
            resp = fake.router.handle(req)
        except DropConnection as drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            fake.log(self.command, drop.args[0] if drop.args else "-", "dropped", started)
            return
        try:
            self._reply(resp.status, resp.headers, resp.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its read timeout): not our error
            self.close_connection = True
            fake.log(self.command, resp.label or "-", "client-gone", started)
            return
        fake.log(self.command, resp.label or "-", resp.status, started)

    def _reply(self, status: int, headers: dict, body: bytes) -> None:
        self.send_response_only(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def log_message(self, format, *args) -> None:  # the server logs its own one line per request
        pass


class FakeServer:
    """The fake cloud over HTTP. ``start()`` serves in a background thread; ``serve_forever()`` blocks."""

    def __init__(self, state: FakeState | None = None, host: str = "127.0.0.1", port: int = 0, *,
                 faults=None, allow_remote: bool = False, log: TextIO | None = sys.stderr,
                 max_body: int = MAX_BODY_BYTES, idle_timeout: float = IDLE_TIMEOUT_S):
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"refusing to bind {host}: the fake serves loopback only unless allow_remote is set")
        self.state = state or FakeState()
        if faults is not None and not isinstance(faults, Faults):
            faults = Faults(faults)
        self.router = Router(self.state, faults=faults)
        self.max_body = max_body
        self.idle_timeout = idle_timeout
        self._log = log
        self._log_lock = threading.Lock()
        self.requests: Counter = Counter()  # label ("ecs:DescribeDisks") -> requests served
        self._busy = 0.0
        self._first: float | None = None
        self._last = 0.0
        self.httpd = _Server((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self  # type: ignore[attr-defined]
        self.host, self.port = self.httpd.server_address[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in str(self.host) else self.host
        return f"http://{host}:{self.port}"

    def counts(self) -> dict:
        with self._log_lock:
            span = self._last - self._first if self._first is not None else 0.0
            return {"total": sum(self.requests.values()), "calls": dict(sorted(self.requests.items())),
                    "busy_s": round(self._busy, 3), "span_s": round(span, 3)}

    def log(self, method: str, label: str, status, started: float) -> None:
        ended = time.monotonic()
        with self._log_lock:
            self.requests[label] += 1
            self._busy += ended - started
            self._first = started if self._first is None else min(self._first, started)
            self._last = max(self._last, ended)
        if self._log is None:
            return
        ms = (time.monotonic() - started) * 1000
        with self._log_lock:
            print(f"{method} {label} {status} {ms:.0f}ms", file=self._log, flush=True)

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> "FakeServer":
        self._thread = threading.Thread(target=self.serve_forever, name="fake-cloud", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
