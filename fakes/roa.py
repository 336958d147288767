"""ROA front door pieces: routing a REST-style call (method + path) to its action, and the ROA error body.

A ROA product module (fakes/ack.py) has, besides PRODUCT, VERSION, HOST_PREFIXES and ACTIONS, a route
table ROUTES: (method, path template) -> action, with `{Name}` path parameters:

    ROUTES = {("GET", "/api/v1/clusters"): "DescribeClustersV1",
              ("GET", "/clusters/{cluster_id}/nodepools"): "DescribeClusterNodePools"}

The router finds the product by host (or x-acs-version) as for RPC; the action then comes from the
route the request's method and path match, not from x-acs-action (the ROA gateway routes on the path; the
SDK also sends x-acs-action, which must name the same action). Path parameters join the call's
parameters under their template names, so a product's RESOURCE ("cluster_id", "cluster") names the RAM
resource as for RPC. Authentication is the same ACS3-HMAC-SHA256 check (fakes/auth.py): tea-openapi signs
a ROA request with the path as the canonical URI, the query sorted and encoded, and the x-acs-* headers.

Errors: ROA APIs answer a JSON object with lower-case keys, `code`, `message`, `requestId` (tea-openapi
reads `Code`/`code`, `Message`/`message`, `RequestId`/`requestId`), with the HTTP status; ACK adds
`status`. Sources: tests/documented/SOURCES-ack.md.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from .wire import ApiError, Request, Response, json_response

_PARAM = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=None)
def _compiled(template: str) -> re.Pattern:
    parts = _PARAM.split(template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{pattern}/?$")


def is_roa(module) -> bool:
    return hasattr(module, "ROUTES")


def resolve(module, req: Request) -> tuple[str, dict]:
    """(action, path parameters) of a ROA request; ApiError 404 when no route matches."""
    for (method, template), action in module.ROUTES.items():
        if method != req.method:
            continue
        m = _compiled(template).match(req.path or "/")
        if m:
            sent = req.headers.get("x-acs-action")
            if sent and sent != action:
                raise ApiError("InvalidAction.NotFound", f"x-acs-action {sent} does not match {req.method} "
                               f"{req.path} ({action}).", 400)
            return action, {k: unquote(v) for k, v in m.groupdict().items()}
    raise ApiError("InvalidAction.NotFound", f"Specified api is not found: {req.method} {req.path}.", 404)


def error_response(err: ApiError, rid: str) -> Response:
    """The ROA error body: code, message, requestId (the recorded one when an error is replayed), status."""
    body = {"code": err.code, "message": err.message, "requestId": err.extra.get("RequestId") or rid,
            "status": err.status}
    body.update({k: v for k, v in err.extra.items() if k != "RequestId"})
    return json_response(err.status, body)


def ok_response(body: dict, rid: str) -> Response:
    """A ROA success body is the resource itself (no RequestId field); the request id is a header."""
    resp = json_response(200, body)
    resp.headers["x-acs-request-id"] = rid
    return resp
