"""ROA calls (REST-style APIs: a method and a path, `/clusters/{cluster_id}/nodepools`), as the pager and
Collection.rpc make RPC calls.

A ROA SDK method takes its path parameters first, then its request model (when the API has query
parameters), then headers and runtime options: `describe_cluster_node_pools_with_options(cluster_id,
request, headers, runtime)`. The helpers here call it by action name, check the raw body (before the SDK
model fills its defaults) and record every failure in the snapshot through `Collection.call`, so a ROA
call fails exactly as an RPC call does: its rules are ERROR, never "no resources".
"""

from __future__ import annotations

from typing import Any, Callable

from .. import sdk
from . import pager
from .base import sdk_method
from .spec import ABSENT, Detail, ListCall


def call(col, product: str, action: str, region: str, path: tuple = (), request: Any = None, *,
         resource: str | None = None, page: int | None = None, require: str | None = None,
         check: Callable[[Any], None] | None = None, absent=(), record: bool = True) -> dict | None:
    """Call a ROA action by name; return its response body (API-shaped dict), or None (failed, recorded).

    `path` are the path parameters in the method's order; `request` the request model, or None for an
    action without query parameters. `require` (a dotted path, a list when it ends in []) and `check`
    (raises sdk.MalformedResponse) look at the raw body."""
    client = col.clients.rpc(product, region)
    method = sdk_method(client, action)
    runtime = col.clients.runtime()
    pager.capture_raw(client)

    def raw_check(raw):
        if require:
            pager.require(raw, require)
        if check is not None:
            check(raw)

    def fn():
        args = (*path, request) if request is not None else tuple(path)
        with pager.checking(raw_check if require or check else None):
            resp = method(*args, {}, runtime)
        body = resp.body if resp is not None else None
        if body is not None and not isinstance(body, dict):
            body = body.to_map()
        if not isinstance(body, dict):
            raise sdk.MalformedResponse("response has no body")
        return body

    return col.call(product, action, region, fn, resource=resource, page=page, absent=absent, record=record)


def list_roa(col, product: str, spec: ListCall, region: str, params: dict | None = None, *, path: tuple = (),
             resource: str | None = None, record: bool = True) -> pager.Listing:
    """Run a ROA list spec through the pager: `params` are the request model's attributes, the pager adds
    the page size and number (spec.paging names them: page_size/page_number for ACK)."""
    request_cls = getattr(sdk.models(product), f"{spec.action}Request")
    fixed = dict(params or {})

    def fetch(page: int, cont: str | None):
        request = request_cls(**fixed, **pager.paging_args(spec, page, cont))
        return call(col, product, spec.action, region, path, request, resource=resource, page=page, record=record,
                    check=lambda raw: pager.check_page(spec, raw))

    return pager.run(col, product, spec, region, fetch, resource=resource, record=record)


def detail(col, product: str, spec: Detail, region: str, item: dict, path: tuple, request: Any = None) -> dict | None:
    """A per-resource ROA Detail for one item: the body goes to item[spec.into]; a documented "not
    configured" answer (spec.absent) stores None; a failed call leaves the key absent (it is recorded)."""
    body = call(col, product, spec.action, region, path, request, resource=str(item[spec.per]),
                require=spec.require, absent=spec.absent)
    if body is ABSENT:
        item[spec.into] = None
    elif body is not None:
        item[spec.into] = body
    return body
