"""The fake server is a test tool with no real security: it binds loopback unless told otherwise, and bounds
what one request (or one idle client) can cost it. (The CLI's refusal of a non-loopback --host and the 413
for a large declared body are in test_fake_server.py.)"""

import socket
import time

import pytest

from aliaudit.fakes.server import FakeServer, is_loopback


def _ask(server, raw: bytes) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=5) as s:
        s.sendall(raw)
        return s.recv(200)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "10.0.0.1", "example.invalid"])
def test_non_loopback_addresses_are_refused_without_allow_remote(host):
    assert not is_loopback(host)
    with pytest.raises(ValueError, match="loopback only"):
        FakeServer(host=host, log=None)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_addresses_are_loopback(host):
    assert is_loopback(host)


def test_the_default_bind_is_loopback():
    with FakeServer(log=None) as server:
        assert server.host == "127.0.0.1" and server.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("request_bytes,status", [
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", b"413"),        # declared over the cap
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", b"400"),          # negative
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n", b"400"),        # not a number
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", b"411"),  # no length to check
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),             # request line
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n", b"431"),
])
def test_oversized_or_unbounded_requests_are_refused(request_bytes, status):
    with FakeServer(log=None, max_body=1024) as server:
        assert _ask(server, request_bytes).startswith(b"HTTP/1.") and status in _ask(server, request_bytes)[:20]


def test_an_idle_client_is_disconnected():
    with FakeServer(log=None, idle_timeout=0.3) as server:
        with socket.create_connection((server.host, server.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
            started = time.monotonic()
            assert s.recv(100) == b""  # closed by the server
            assert time.monotonic() - started < 3
