"""SLS (Simple Log Service) through alibabacloud-sls20201230: projects, their logstores (retention and
encryption) and their alert rules (Alert 2.0), per region.

The SDK signs through alibabacloud-gateway-sls (the "LOG" signature, x-log-* headers) and addresses a
project's calls to `<project>.<region>.log.aliyuncs.com`; ListProject goes to `<region>.log.aliyuncs.com`.
Every list pages by offset/size with the list's `total` and the page's `count` (tests/documented/SOURCES-sls.md):
ListProject and ListLogStores at most 500 a page, ListAlerts at most 200. ListLogStores answers names only;
GetLogStore is read for each. The snapshot keeps each project as ListProject gives it, with `logstores`
(`{"logstoreName": name, "config": <GetLogStore body>}`) and `alerts` (ListAlerts' results) on it, each
set only when its listing was complete, so a failed call leaves the key absent and the rules ERROR.
"""

from __future__ import annotations

import threading
from typing import Any

from .. import sdk
from . import pager
from .base import Collection, sdk_method
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, Offset, Product

SPEC = Product("sls", ram_code="log", lists=(
    ListCall("ListProject", items="projects", id="projectName", into="projects",
             paging=Offset(max_size=500), require=("projectName",)),
    ListCall("ListLogStores", scope="resource", per="projectName", items="logstores", id=None, names=True,
             into="logstores", paging=Offset(max_size=500)),
    ListCall("ListAlerts", scope="resource", per="projectName", items="results", id="name", into="alerts",
             paging=Offset(max_size=200), require=("name",)),
), details=(Detail("GetLogStore", per="logstoreName", into="config", require="logstoreName"),))
PRODUCT = SPEC.name
CALLS = SPEC.actions

_swap = threading.Lock()


def _client(col: Collection, region: str):
    """The region's SLS client. Behind an endpoint override (the fake served over HTTP on one address), a
    project cannot be named in the host (`<project>.127.0.0.1` does not resolve): the gateway then keeps
    the host and names the project in the signed `x-log-project` header instead (fakes/sls.py reads both)."""
    client = col.clients.rpc(PRODUCT, region)
    if col.clients.endpoint_override and not getattr(client._spi, "one_host", False):
        with _swap:
            if not getattr(client._spi, "one_host", False):
                client._spi = _one_host_gateway()
    pager.capture_raw(client, "execute")  # the SLS SDK sends through its gateway, not call_api
    return client


def _one_host_gateway():
    from alibabacloud_gateway_sls.client import Client

    class OneHostGateway(Client):
        one_host = True

        def modify_request(self, context, attribute_map) -> None:
            project = (context.request.host_map or {}).get("project")
            if project:
                context.request.headers["x-log-project"] = project
            super().modify_request(context, attribute_map)

        def get_host(self, network, project, endpoint):
            return endpoint

    return OneHostGateway()


def _call(col: Collection, region: str, action: str, args: tuple, *, resource: str | None = None,
          page: int | None = None, check=None, record: bool = True) -> dict | None:
    """One SLS call (args: the SDK method's leading arguments), its raw body checked; the raw body, once the
    SDK's model has accepted it."""
    client = _client(col, region)
    method = sdk_method(client, action)

    def fn():
        seen = []

        def keep(raw):
            seen.append(raw)
            if check is not None:
                check(raw)

        with pager.checking(keep):
            resp = method(*args, {}, col.clients.runtime())
        if resp is None or resp.body is None or not seen or not isinstance(seen[-1], dict):
            raise sdk.MalformedResponse("response has no body")
        return seen[-1]  # the body as the API sent it (the SDK model parsed it; its to_map() adds empty lists)

    return col.call(PRODUCT, action, region, fn, resource=resource, page=page, record=record)


def _list(col: Collection, region: str, action: str, lead: tuple, *, resource: str | None = None) -> pager.Listing:
    spec = SPEC.list(action)
    request_cls = getattr(sdk.models(PRODUCT), f"{action}Request")

    def fetch(page: int, cont: str | None):
        request = request_cls(**pager.paging_args(spec, page, cont))
        return _call(col, region, action, (*lead, request), resource=resource, page=page,
                     check=lambda raw: pager.check_page(spec, raw))

    return pager.run(col, PRODUCT, spec, region, fetch, resource=resource)


def collect_region(col: Collection, region: str) -> None:
    out = col.section(region, PRODUCT)
    listing = _list(col, region, "ListProject", ())
    if not listing.complete:
        return
    projects = listing.items
    col.map(lambda p: _project(col, region, p), projects)
    out["projects"] = projects


def _project(col: Collection, region: str, project: dict) -> None:
    name = project["projectName"]
    alerts = _list(col, region, "ListAlerts", (name,), resource=name)
    if alerts.complete:
        project["alerts"] = alerts.items
    stores = _list(col, region, "ListLogStores", (name,), resource=name)
    if not stores.complete:
        return
    logstores = [{"logstoreName": s} for s in stores.items]

    def detail(store: dict) -> None:
        body = _call(col, region, "GetLogStore", (name, store["logstoreName"]),
                     resource=f"{name}/{store['logstoreName']}",
                     check=lambda raw: pager.require(raw, "logstoreName"))
        if body is not None:
            store["config"] = body

    col.map(detail, logstores)
    project["logstores"] = logstores


def min_calls(account: dict, region: str) -> Cost:
    """ListProject 500 a page; per project ListAlerts (200 a page) and ListLogStores (500 a page), one call at
    least each; GetLogStore once per logstore (no batch form)."""
    projects = region_section(account, region, PRODUCT).get("projects") or []
    listing = pages(len(projects), 500)
    cost = Cost().list("sls:ListProject", listing)
    deepest = 0
    if projects:
        alerts = [pages(len(p.get("alerts") or []), 200) for p in projects]
        stores = [pages(len(p.get("logstores") or []), 500) for p in projects]
        cost.detail("sls:ListAlerts", sum(alerts)).detail("sls:ListLogStores", sum(stores))
        n_stores = sum(len(p.get("logstores") or []) for p in projects)
        if n_stores:
            cost.detail("sls:GetLogStore", n_stores)
        deepest = max(max(alerts), max(s + (1 if p.get("logstores") else 0) for s, p in zip(stores, projects)))
    cost.chain = listing + deepest
    return cost
