"""One router for both front doors: the in-process mock and the HTTP server.

RPC products are found by host (``ecs.cn-hongkong.aliyuncs.com``) or, behind an
endpoint override, by the ``x-acs-version`` header; the action comes from
``x-acs-action`` (or the older ``Action`` query parameter). OSS is found by host
(virtual-hosted or path-style) and sub-resource.

Every call goes through the same gates, in this order: faults (if configured),
authentication (signature, STS token), RAM policy, then the product's handler.
"""

from __future__ import annotations

import re

from . import auth, oss, policy, roa
from .products import RPC_PRODUCTS
from .rpc import Call
from .wire import ApiError, Request, Response, json_response, replayed_error, request_id



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


def handled_calls() -> set[str]:
    """Every "product:Action" the fake serves."""
    calls = {f"{m.PRODUCT}:{a}" for m in RPC_PRODUCTS for a in m.ACTIONS}
    return calls | {f"oss:{a}" for a in oss.ACTIONS}


class Router:
    def __init__(self, state, default_region: str = "cn-hongkong", faults=None):
        self.state = state
        self.default_region = default_region
        self.faults = faults

    def handle(self, req: Request) -> Response:
        if is_oss(req):
            return oss.handle(self, req)
        return self._rpc(req)

    # -- gates shared by RPC and OSS -----------------------------------------
    def fault(self, product: str, action: str, req: Request):
        """The fault to inject into this call, or None. Latency is served here; drop raises."""
        if self.faults is None:
            return None
        return self.faults.apply(product, action, req)

    def count(self, product: str, action: str) -> None:
        with self.state.lock:
            self.state.calls[(product, action)] += 1

    # -- RPC -----------------------------------------------------------------
    def _rpc(self, req: Request) -> Response:
        rid = request_id()
        module, host_region = rpc_product_for(req)
        action = req.headers.get("x-acs-action") or req.query.get("Action") or ""
        label = f"{module.PRODUCT}:{action}" if module else f"?:{action}"
        fault = None
        is_roa = module is not None and roa.is_roa(module)
        params = req.query
        try:
            if module is None:
                raise ApiError("InvalidProduct.NotFound", f"No product is served at {req.host}.", 404)
            if module.VERSION != (req.headers.get("x-acs-version") or req.query.get("Version")):
                raise ApiError("InvalidVersion", "Specified parameter Version is not valid.", 400)
            if is_roa:  # a ROA product: the action and path parameters come from its route table (fakes/roa.py)
                action, path_params = roa.resolve(module, req)
                label = f"{module.PRODUCT}:{action}"
                params = {**req.query, **path_params}
            handler = module.ACTIONS.get(action)
            if handler is None:
                raise ApiError("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404)
            fault = self.fault(module.PRODUCT, action, req)
            if fault is not None and fault.error is not None:
                raise fault.error("rpc")
            principal = auth.authenticate_rpc(self.state, req)
            region = (req.query.get("RegionId") or (is_roa and req.query.get("region_id")) or host_region
                      or req.headers.get("x-acs-region-id") or self.default_region)
            call = Call(self.state, principal, module.PRODUCT, action, region, params, req, fault)
            self._unavailable(call)
            # DryRun=true checks the permission and answers DryRunOperation (ECS; tests/documented/NOTES.md),
            # so a refusal is never silent then.
            dry_run = action in getattr(module, "DRY_RUN_ACTIONS", ()) and str(req.query.get("DryRun", "")).lower() == "true"
            silent = None if dry_run else getattr(module, "EMPTY_WHEN_DENIED", {}).get(action)
            if policy.authorize_rpc(call, silent=silent is not None) != policy.ALLOW:
                handler = silent
            if dry_run:
                raise ApiError("DryRunOperation", "Request validation has been passed with DryRun flag set.", 400)
            self.count(module.PRODUCT, action)
            body = handler(call)
            if is_roa:
                resp = roa.ok_response(body, rid)
            else:
                body["RequestId"] = rid
                resp = json_response(200, body)
        except ApiError as err:
            if is_roa:
                resp = roa.error_response(err, rid)
            else:
                body = {
                    "RequestId": rid,
                    "HostId": req.host,
                    "Code": err.code,
                    "Message": err.message,
                    "Recommend": f"https://api.aliyun.com/troubleshoot?q={err.code}",
                }
                body.update(err.extra)
                resp = json_response(err.status, body)
        if fault is not None and resp.status == 200:
            resp = fault.mangle(resp)
        resp.label = label
        return resp

    def _unavailable(self, call: Call) -> None:
        """Replay a recorded "product not available in this region" for every call of that product there."""
        for u in self.state.account(call.account_id).get("unavailable", []):
            if u.get("product") == call.product and u.get("region") == call.region:
                raise replayed_error(u, 403)
