"""Request and response values shared by the router and the product modules."""

from __future__ import annotations

import email.utils
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape


class ApiError(Exception):
    """An error the fake answers with, in the product's own shape."""

    def __init__(self, code: str, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra


# tea-openapi reports an RPC error as "code: <status>, <API message> request id: <id>"; a recording keeps that,
# with " (after N attempts)" when the recording scan tried it more than once (not part of the API's answer).
_SDK_DECORATION = re.compile(r"code: \d+, (?P<message>.*) request id: (?P<request_id>\S+)"
                             r"(?: \(after \d+ attempts\))?", re.S)


def replayed_error(err: dict, status: int = 400) -> ApiError:
    """The answer to a call whose failure a snapshot recorded: its code, HTTP status, request id and the API's
    own message, so that the SDK reports it as it was recorded (replaying a recording changes nothing)."""
    message, request_id = err.get("message") or err["code"], err.get("request_id")
    m = _SDK_DECORATION.fullmatch(message)
    if m:
        message, request_id = m.group("message"), request_id or m.group("request_id")
    extra = {"RequestId": request_id} if request_id else {}
    return ApiError(err["code"], message, err.get("http_status") or status, **extra)


@dataclass
class Request:
    method: str
    url: str
    headers: dict  # lower-case names
    body: bytes = b""
    host: str = ""
    path: str = "/"
    query: dict = field(default_factory=dict)
    raw_query: str = ""

    @classmethod
    def build(cls, method: str, url: str, headers, body) -> "Request":
        parts = urlsplit(url)
        hdrs = {k.lower(): v for k, v in dict(headers or {}).items()}
        host = (hdrs.get("host") or parts.netloc).lower()
        if isinstance(body, str):
            body = body.encode()
        return cls(
            method=method.upper(),
            url=url,
            headers=hdrs,
            body=body or b"",
            host=host,
            path=parts.path or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            raw_query=parts.query,
        )


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    label: str = ""  # "product:Action" of the call, for the server's request log


class DropConnection(Exception):
    """A fault: the front door closes the connection without answering."""


_ids = itertools.count(1)
_ids_lock = threading.Lock()


def request_id() -> str:
    with _ids_lock:
        n = next(_ids)
    return f"FAKE-{n:08d}-0000-4000-8000-000000000000"


def json_response(status: int, body: dict) -> Response:
    return Response(status, {"Content-Type": "application/json;charset=utf-8"}, json.dumps(body).encode())


def http_date() -> str:
    return email.utils.formatdate(usegmt=True)


def _xml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return escape(str(v))


def to_xml(tag: str, value) -> str:
    """Render an API-shaped dict as XML: lists repeat their element, None is left out."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "".join(to_xml(tag, v) for v in value)
    if isinstance(value, dict):
        inner = "".join(to_xml(k, v) for k, v in value.items())
        return f"<{tag}>{inner}</{tag}>"
    return f"<{tag}>{_xml_value(value)}</{tag}>"


def xml_document(root: str, value: dict) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + to_xml(root, value)).encode()
