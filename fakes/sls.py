"""SLS (Simple Log Service) 2020-12-30: ListProject, ListLogStores, GetLogStore and ListAlerts, with its own
front door (like OSS): its requests are REST calls signed with the "LOG" signature (sls_auth.py), not RPC.

Written from the documentation (tests/documented/SOURCES-sls.md), not from the collector's spec:
  - the project is named in the host, `<project>.<region>.log.aliyuncs.com`; ListProject goes to
    `<region>.log.aliyuncs.com`. Behind an endpoint override (`fake serve` on one address) the region comes
    from x-acs-region-id and the project from the signed x-log-project header (a fake-only convention of
    aliaudit's collector, see collectors/sls.py: `<project>.127.0.0.1` does not resolve);
  - GET / (ListProject: offset, size 1-500, default 100 in the SDKs; {count, total, projects}),
    GET /logstores (ListLogStores: offset, size 1-500, default 200; logstoreName filters by substring;
    {count, total, logstores} where logstores are names), GET /logstores/{logstore} (GetLogStore: the
    Logstore structure), GET /alerts (ListAlerts: offset, size 1-200, default 10; {total, count, results});
  - errors are JSON {errorCode, errorMessage} with the request id in the x-log-requestid header:
    400 ParameterInvalid, 404 ProjectNotExist / LogStoreNotExist, 401 Unauthorized for a RAM refusal
    ("denied by sts or ram, action: ..., resource: ..."), and the signature errors of sls_auth.py.
    The faults of faults.py keep their kind: throttle is 503 ServerBusy, unavailable 500 InternalServerError.
RAM: the action is log:<Action>; the resource acs:log:<region>:<account>:project/<project>[/logstore/<name>|
/logstore/*|/alert/*] (project/* for ListProject).
"""

from __future__ import annotations

import json
import re

from . import list_faults, policy, sls_auth
from .common import strip
from .rpc import Call
from .wire import ApiError, Request, Response, http_date, replayed_error, request_id

PRODUCT = "sls"
VERSION = "2020-12-30"
DETAILS = ("logstores", "alerts")
_HOST = re.compile(r"^(?:(?P<project>[a-z0-9][a-z0-9_-]{1,61}[a-z0-9])\.)?(?P<region>[a-z]{2,}(?:-[a-z0-9]+)+)"
                   r"(?:-intranet|-share)?\.log\.aliyuncs\.com$")
_LOGSTORE_PATH = re.compile(r"^/logstores/(?P<name>[^/]+)$")


def is_sls(req: Request) -> bool:
    host = req.host.split(":")[0]
    if host.endswith(".aliyuncs.com"):
        return host.endswith(".log.aliyuncs.com")
    auth = req.headers.get("authorization", "")
    return auth.startswith("LOG ") or auth.startswith("SLS4-HMAC-SHA256")


def _target(req: Request) -> tuple[str | None, str | None]:
    """(project, region) from the host, or from the headers behind an endpoint override."""
    m = _HOST.match(req.host.split(":")[0])
    if m:
        return m.group("project"), m.group("region")
    return req.headers.get("x-log-project") or None, req.headers.get("x-acs-region-id") or None


def _action(req: Request, project: str | None) -> tuple[str | None, str | None]:
    """(action, logstore) of a GET."""
    path = req.path or "/"
    if project is None:
        return ("ListProject", None) if path == "/" else (None, None)
    if path == "/logstores":
        return "ListLogStores", None
    if path == "/alerts":
        return "ListAlerts", None
    m = _LOGSTORE_PATH.match(path)
    return ("GetLogStore", m.group("name")) if m else (None, None)


ACTIONS = ("ListProject", "ListLogStores", "GetLogStore", "ListAlerts")


def _headers(rid: str) -> dict:
    return {"Content-Type": "application/json", "x-log-requestid": rid, "Date": http_date(), "Server": "AliyunSLS"}


def _error(err: ApiError, rid: str) -> Response:
    rid = err.extra.get("RequestId") or rid  # a recorded failure keeps its request id
    body = {"errorCode": err.code, "errorMessage": err.message}
    return Response(err.status, _headers(rid), json.dumps(body).encode())


def _fault_error(fault) -> ApiError | None:
    if fault is None or fault.error is None:
        return None
    if fault.kind == "throttle":
        return ApiError("ServerBusy", "The server is busy, please try again later.", 503)
    return ApiError("InternalServerError", "Internal server error.", 500)


def handle(router, req: Request) -> Response:
    state = router.state
    rid = request_id()
    project, host_region = _target(req)
    action, logstore = _action(req, project) if req.method == "GET" else (None, None)
    fault = None
    try:
        if action is None:
            raise ApiError("ParameterInvalid", "The fake serves only the SLS calls aliaudit reads.", 400)
        fault = router.fault(PRODUCT, action, req)
        err = _fault_error(fault)
        if err is not None:
            raise err
        principal = sls_auth.authenticate(state, req)
        region = host_region or router.default_region
        call = Call(state, principal, PRODUCT, action, region, dict(req.query), req, fault)
        for u in state.account(call.account_id).get("unavailable", []):
            if u.get("product") == PRODUCT and u.get("region") == region:
                raise replayed_error(u, 403)
        _authorize(call, project, logstore)
        router.count(PRODUCT, action)
        body = HANDLERS[action](call, project, logstore)
        resp = Response(200, _headers(rid), json.dumps(body).encode())
    except ApiError as err:
        resp = _error(err, rid)
    if fault is not None and resp.status == 200:
        resp = fault.mangle(resp)
    resp.label = f"{PRODUCT}:{action or req.method}"
    return resp


def _authorize(call: Call, project: str | None, logstore: str | None) -> None:
    principal = call.principal
    if principal.policy is None:
        return
    base = f"acs:log:{call.region}:{call.account_id}:project/"
    resource = {"ListProject": base + "*", "ListLogStores": f"{base}{project}/logstore/*",
                "GetLogStore": f"{base}{project}/logstore/{logstore}",
                "ListAlerts": f"{base}{project}/alert/*"}[call.action]
    action = f"log:{call.action}"
    if policy.evaluate(principal.policy, action, resource) != policy.ALLOW:
        raise ApiError("Unauthorized", f"denied by sts or ram, action: {action}, resource: {resource}", 401)


def _offset_page(call: Call, items: list, *, default: int, maximum: int, resource: str | None) -> list:
    offset = _int(call, "offset", 0, 0, 1 << 31)
    size = _int(call, "size", default, 1, maximum)
    if resource is None:  # a per-project list replayed its recorded errors before paging
        call.fail_if_recorded(page=offset // size + 1)
    return list_faults.page_number(call.fault, items[offset:offset + size])


def _int(call: Call, name: str, default: int, lo: int, hi: int) -> int:
    raw = call.params.get(name)
    if raw in (None, ""):
        return default
    if not str(raw).isdigit() or not lo <= int(raw) <= hi:
        raise ApiError("ParameterInvalid", f"Invalid parameter {name}, ({lo}, {hi}].", 400)
    return int(raw)


def _project(call: Call, name: str) -> dict:
    item = call.find("projects", "projectName", name)
    if item is None:
        raise ApiError("ProjectNotExist", f"Project {name} does not exist.", 404)
    return item


def list_project(call: Call, project, logstore) -> dict:
    projects = call.items("projects")
    wanted = call.params.get("projectName")
    if wanted:
        projects = [p for p in projects if wanted in p.get("projectName", "")]
    page = _offset_page(call, projects, default=100, maximum=500, resource=None)
    return {"count": len(page), "total": len(projects), "projects": [strip(p, DETAILS) for p in page]}


def list_log_stores(call: Call, project, logstore) -> dict:
    call.fail_if_recorded(resource=project)
    names = [s.get("logstoreName") for s in _project(call, project).get("logstores") or []]
    wanted = call.params.get("logstoreName")
    if wanted:
        names = [n for n in names if wanted in n]
    page = _offset_page(call, names, default=200, maximum=500, resource=project)
    return {"count": len(page), "total": len(names), "logstores": page}


def get_log_store(call: Call, project, logstore) -> dict:
    call.fail_if_recorded(resource=f"{project}/{logstore}")
    store = next((s for s in _project(call, project).get("logstores") or [] if s.get("logstoreName") == logstore), None)
    if store is None:
        raise ApiError("LogStoreNotExist", f"logstore {logstore} does not exist", 404)
    return {"logstoreName": logstore, **(store.get("config") or {})}


def list_alerts(call: Call, project, logstore) -> dict:
    call.fail_if_recorded(resource=project)
    alerts = _project(call, project).get("alerts") or []
    page = _offset_page(call, alerts, default=10, maximum=200, resource=project)
    return {"total": len(alerts), "count": len(page), "results": page}


HANDLERS = {"ListProject": list_project, "ListLogStores": list_log_stores, "GetLogStore": get_log_store,
            "ListAlerts": list_alerts}
