"""One router for both front doors: the in-process mock and the HTTP server.

RPC products are found by host (``ecs.cn-hongkong.aliyuncs.com``) or, behind an
endpoint override, by the ``x-acs-version`` header; the action comes from
``x-acs-action`` (or the older ``Action`` query parameter). OSS is found by host
(virtual-hosted or path-style) and sub-resource.
"""

from __future__ import annotations

import re

from . import actiontrail, auth, ecs, ims, kms, oss, ram, rds, slb, sts, vpc
from .rpc import Call
from .wire import ApiError, Request, Response, json_response, request_id

# The explicit registry of RPC products the fake implements.
RPC_PRODUCTS = (ecs, kms, rds, slb, sts, vpc, actiontrail, ram, ims)

_REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")


def rpc_product_for(req: Request):
    host = req.host.split(":")[0]
    if host.endswith(".aliyuncs.com"):
        first = host[: -len(".aliyuncs.com")]
        for module in RPC_PRODUCTS:
            for prefix in module.HOST_PREFIXES:
                if first == prefix or first.startswith(prefix + ".") or first.startswith(prefix + "-"):
                    rest = first[len(prefix) + 1:]
                    return module, (rest if _REGION.match(rest) else None)
        return None, None
    version = req.headers.get("x-acs-version") or req.query.get("Version")
    for module in RPC_PRODUCTS:
        if module.VERSION == version:
            return module, None
    return None, None


def is_oss(req: Request) -> bool:
    host = req.host.split(":")[0]
    if host.endswith(".aliyuncs.com"):
        return host.startswith("oss-") or ".oss-" in host
    return req.headers.get("authorization", "").startswith("OSS")


class Router:
    def __init__(self, state, default_region: str = "cn-hongkong"):
        self.state = state
        self.default_region = default_region

    def handle(self, req: Request) -> Response:
        if is_oss(req):
            return oss.handle(self.state, req)
        return self._rpc(req)

    def _rpc(self, req: Request) -> Response:
        rid = request_id()
        module, host_region = rpc_product_for(req)
        try:
            if module is None:
                raise ApiError("InvalidProduct.NotFound", f"No product is served at {req.host}.", 404)
            action = req.headers.get("x-acs-action") or req.query.get("Action")
            if module.VERSION != (req.headers.get("x-acs-version") or req.query.get("Version")):
                raise ApiError("InvalidVersion", "Specified parameter Version is not valid.", 400)
            handler = module.ACTIONS.get(action or "")
            if handler is None:
                raise ApiError("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404)
            principal = auth.authenticate_rpc(self.state, req)
            region = req.query.get("RegionId") or host_region or self.default_region
            with self.state.lock:
                self.state.calls[(module.PRODUCT, action)] += 1
            call = Call(self.state, principal, module.PRODUCT, action, region, req.query, req)
            body = handler(call)
            body["RequestId"] = rid
            return json_response(200, body)
        except ApiError as err:
            body = {
                "RequestId": rid,
                "HostId": req.host,
                "Code": err.code,
                "Message": err.message,
                "Recommend": f"https://api.aliyun.com/troubleshoot?q={err.code}",
            }
            body.update(err.extra)
            return json_response(err.status, body)
