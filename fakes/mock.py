"""The in-process front door: the real SDKs' HTTP calls answered by the router through `responses`."""

from __future__ import annotations

import re
from typing import Any

import requests
import responses

from .faults import Faults
from .router import Router
from .state import FakeState
from .wire import DropConnection, Request

_ALIYUN = re.compile(r"^https?://([a-z0-9.-]+\.)?aliyuncs\.com(:\d+)?(/.*)?$")
_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD")


class FakeCloud:
    """Intercepts every request to ``*.aliyuncs.com`` (and to extra hosts) and serves it from a FakeState.

    >>> with FakeCloud().load("examples/fixtures/hk-insurer-gaps.json") as cloud:
    ...     ...  # SDK clients created here talk to the fake
    """

    def __init__(self, state: FakeState | None = None, extra_urls: tuple[str, ...] = (), faults=None):
        self.state = state or FakeState()
        self.router = Router(self.state)
        self.set_faults(faults)
        self._extra = [re.compile("^" + re.escape(u.rstrip("/")) + r"(/.*)?(\?.*)?$") for u in extra_urls]
        self._mock: responses.RequestsMock | None = None

    def load(self, snapshot: Any) -> "FakeCloud":
        self.state.load(snapshot)
        return self

    def set_faults(self, faults) -> "FakeCloud":
        """Inject faults: a dict in the fault-file format (see fakes/faults.py), a Faults, or None for none."""
        self.router.faults = faults if faults is None or isinstance(faults, Faults) else Faults(faults)
        return self

    @property
    def calls(self):
        return self.state.calls

    def _callback(self, prepared):
        req = Request.build(prepared.method, prepared.url, prepared.headers, prepared.body)
        try:
            resp = self.router.handle(req)
        except DropConnection:
            raise requests.ConnectionError("Connection aborted: the fake cloud dropped the connection",
                                           request=prepared) from None
        headers = dict(resp.headers)
        headers["Content-Length"] = str(len(resp.body))  # as an HTTP server would send it
        return resp.status, headers, resp.body

    def start(self) -> "FakeCloud":
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in _METHODS:
            for pattern in [_ALIYUN, *self._extra]:
                mock.add_callback(method, pattern, callback=self._callback)
        mock.start()
        self._mock = mock
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock.reset()
            self._mock = None

    def __enter__(self) -> "FakeCloud":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
