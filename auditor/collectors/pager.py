"""The pager: runs a list spec (spec.ListCall) to the end and proves the list is complete.

A listing is complete only when every page was read and nothing says otherwise. Each of these makes
the list an ERROR, recorded in the account's "errors" with the call, the region (and resource), the
page and the counts, so every rule that needs the call is ERROR there (never "no resources"):
  - MalformedResponse: the items field, an item or an item's id is missing, null or of the wrong type
    in the raw body (read before the SDK model, whose to_map() turns an absent list into []), or a
    pagination field is (a NextToken that is not a string, IsTruncated without a Marker...);
  - ShortPage: a page with fewer items than asked for while the list says more follow;
  - CountMismatch: fewer or more items than the list's documented total (TotalCount...);
  - RepeatedToken: a NextToken / Marker / NextMarker seen before;
  - TooManyPages: more pages than the total (or the spec's max_items) allows, with a margin;
  - DuplicateItem: an id seen twice. The item is kept once and each duplicate is recorded in the
    account's "duplicates"; the list is still an ERROR, because an enumeration that shows an item
    twice moved while it was read and may have skipped another.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable

from .. import sdk
from .spec import ABSENT, Detail, ListCall, Marker, NextToken, Offset, PageNumber

CODES = ("ShortPage", "CountMismatch", "RepeatedToken", "TooManyPages", "DuplicateItem")

# -- the raw body, before the SDK model ----------------------------------------------------------------

_local = threading.local()
_install = threading.Lock()


def capture_raw(client: Any, method: str = "call_api") -> None:
    """Have a tea-openapi client hand each raw response body, as parsed from the JSON and before the SDK model
    fills its defaults, to the check set by `checking` in the calling thread. Every RPC and ROA product SDK
    sends its calls through the client's `call_api`; SLS's, through its gateway, `execute`. The wrapper is
    set on this instance."""
    flag = f"_aliaudit_checks_{method}"
    if client.__dict__.get(flag):
        return
    with _install:
        if client.__dict__.get(flag):
            return
        original = getattr(client, method)

        def wrapped(params, request, runtime):
            out = original(params, request, runtime)
            check = getattr(_local, "check", None)
            if check is not None:
                check(out.get("body") if isinstance(out, dict) else None)
            return out

        setattr(client, method, wrapped)
        setattr(client, flag, True)


@contextmanager
def checking(check: Callable[[Any], None] | None):
    before = getattr(_local, "check", None)
    _local.check = check
    try:
        yield
    finally:
        _local.check = before


def resolve(body: Any, path: str) -> tuple[Any, str | None]:
    """body at a dotted path: (value, None), or (None, what is wrong) when a step is missing or not an object."""
    node = body
    done = []
    for part in path.split("."):
        if not isinstance(node, dict):
            where = ".".join(done) or "the body"
            return None, f"{where} is {_kind(node)}, not an object"
        if part not in node:
            return None, f"response has no {'.'.join([*done, part])}"
        node = node[part]
        done.append(part)
    return node, None


def _kind(value: Any) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


def require(body: Any, path: str) -> None:
    """MalformedResponse unless the raw body has `path` (not null); a path ending in [] must be a list."""
    value, problem = resolve(body, path.removesuffix("[]"))
    if problem is None and value is None:
        problem = f"{path.removesuffix('[]')} is null"
    if problem is None and path.endswith("[]") and not isinstance(value, list):
        problem = f"{path.removesuffix('[]')} is {_kind(value)}, not a list"
    if problem:
        raise sdk.MalformedResponse(problem)


def check_page(spec: ListCall, body: Any) -> None:
    """A raw page body against its spec: the item list, every item's id, and the pagination fields."""
    if not isinstance(body, dict):
        raise sdk.MalformedResponse("response has no body")
    require(body, spec.items + "[]")
    items, _ = resolve(body, spec.items)
    for n, item in enumerate(items, 1):
        if spec.names:
            if not isinstance(item, str) or not item:
                what = "empty" if item == "" else _kind(item)
                raise sdk.MalformedResponse(f"{spec.items}[{n}] is {what}, not a name")
            continue
        if not isinstance(item, dict):
            raise sdk.MalformedResponse(f"{spec.items}[{n}] is {_kind(item)}, not an object")
        for key in spec.ids:
            value = item.get(key)
            if not _is_id(value):
                what = "missing" if key not in item else "empty" if value == "" else _kind(value)
                raise sdk.MalformedResponse(f"{spec.items}[{n}].{key} is {what}, not an id")
    paging = spec.paging
    if paging is None:
        return
    if getattr(paging, "total", None):
        _total(body, paging.total)
    if isinstance(paging, Offset) and paging.count:
        _total(body, paging.count)
    if isinstance(paging, NextToken):
        token = body.get(paging.token_field)
        if token is not None and not isinstance(token, str):
            raise sdk.MalformedResponse(f"{paging.token_field} is {_kind(token)}, not a string")
    elif isinstance(paging, Marker):
        truncated = body.get(paging.truncated)
        if not isinstance(truncated, bool) and not (truncated is None and paging.truncated_optional):
            raise sdk.MalformedResponse(f"{paging.truncated} is {_kind(truncated)}, not true or false")
        marker = body.get(paging.marker_field)
        if truncated and (not isinstance(marker, str) or not marker):
            raise sdk.MalformedResponse(f"{paging.truncated} is true without a {paging.marker_field}")


def _is_id(value: Any) -> bool:
    """An id is a non-empty string (a port number, in a composite id, is an integer)."""
    return (isinstance(value, str) and value != "") or (isinstance(value, int) and not isinstance(value, bool))


def _total(body: dict, name: str) -> int:
    value, _ = resolve(body, name)  # a dotted path where the total is nested (ACK page_info.total_count, SAS PageInfo.TotalCount)
    if isinstance(value, str) and value.isdigit():  # VPC DescribeFlowLogs documents string counters
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise sdk.MalformedResponse(f"{name} is {_kind(value)}, not a count")
    return value


# -- the listing --------------------------------------------------------------------------------------

@dataclass
class Listing:
    items: list
    complete: bool
    body: dict | None = None   # the last page's body (API-shaped, through the SDK model)


class _Incomplete(Exception):
    def __init__(self, code: str, message: str, page: int):
        super().__init__(message)
        self.code, self.message, self.page = code, message, page


def paging_args(spec: ListCall, page: int, cont: str | None) -> dict:
    """The SDK request attributes of one page: the documented maximum size and where to go on."""
    p = spec.paging
    if p is None:
        return {}
    if isinstance(p, PageNumber):
        return {p.size_param: p.max_size, p.number_param: page}
    if isinstance(p, Offset):
        return {p.size_param: p.max_size, p.offset_param: (page - 1) * p.max_size}
    if isinstance(p, NextToken):
        return {p.size_param: p.max_size, p.token_param: cont}
    return {p.size_param: p.max_size, p.marker_param: cont}


def run(col, product: str, spec: ListCall, region: str | None, fetch: Callable[[int, str | None], Any], *,
        resource: str | None = None, record: bool = True) -> Listing:
    """Read every page; fetch(page, continuation) returns the page's body (or None: failed and recorded)."""
    where = f"{product}:{spec.action} in {region or 'the account'}" + (f" for {resource}" if resource else "")
    state = _State(spec, where)
    body = None
    ahead: dict[int, Any] = {}  # pages fetched at once, once page 1 gave the total (PageNumber)
    try:
        page = 1
        while True:
            if page > state.cap:
                raise _Incomplete("TooManyPages", f"{where}: more than {state.cap} pages for at most "
                                  f"{state.bound} items at {spec.page_size} a page ({len(state.items)} items so far)",
                                  page)
            body = ahead.pop(page) if page in ahead else fetch(page, state.cont)
            if body is None:
                return Listing(state.items, False, None)
            if not state.take(page, body):
                break
            if page == 1:
                ahead = _fetch_ahead(col, spec, state, fetch)
            page += 1
        state.finish(page)
    except _Incomplete as exc:
        if record:
            col.record_error(product, spec.action, region, resource,
                             {"code": exc.code, "message": exc.message, "http_status": None, "request_id": None,
                              "items": len(state.items), "total": state.total, "pages": exc.page}, exc.page)
        if record:
            state.record_duplicates(col, product, region, resource)
        return Listing(state.items, False, body)
    return Listing(state.items, True, body)


def _fetch_ahead(col, spec: ListCall, state: "_State", fetch) -> dict[int, Any]:
    """A PageNumber list whose first page gave its total: every other page it says there is, fetched at
    once (in order on the collection's detail pool), instead of one after the other. They are then taken in
    order, exactly as if read one by one: a short page, a changed total or a duplicate still ends the list
    as an ERROR (pages fetched past it are not used), and a list that still says more follows goes on one
    page at a time."""
    p = spec.paging
    if not isinstance(p, PageNumber) or state.total is None or getattr(col, "map", None) is None:
        return {}
    last = min(-(-state.total // p.max_size), state.cap)
    pages = list(range(2, last + 1))
    if len(pages) < 1:
        return {}
    return dict(zip(pages, col.map(lambda n: fetch(n, None), pages)))


class _State:
    def __init__(self, spec: ListCall, where: str):
        self.spec, self.where = spec, where
        self.items: list = []
        self.ids: set = set()
        self.duplicates: list = []
        self.seen: set = set()
        self.cont: str | None = None
        self.total: int | None = None
        self.short: _Incomplete | None = None
        self.bound = spec.max_items
        self.cap = spec.max_pages()

    def key(self, item):
        if self.spec.names:
            return (item,)
        return tuple(item.get(k) for k in self.spec.ids) if self.spec.ids else None

    def take(self, page: int, body: dict) -> bool:
        """Add one page; True when the list says more follow."""
        spec, p = self.spec, self.spec.paging
        got = _items(body, spec.items)
        repeated = len(self.duplicates)
        for item in got:
            key = self.key(item)
            if key is not None and key in self.ids:
                self.duplicates.append({"id": "/".join(map(str, key)), "page": page})
                continue
            if key is not None:
                self.ids.add(key)
            self.items.append(item)
        if p is None:
            return False
        count = getattr(p, "count", None)
        if count and _total_of(body, count) != len(got) and len(self.duplicates) == repeated:
            raise _Incomplete("CountMismatch", f"{self.where}: page {page} says {count} {_total_of(body, count)} "
                              f"but holds {len(got)} items", page)
        if getattr(p, "total", None):
            total = _total_of(body, p.total)
            if self.total is not None and total != self.total:
                raise _Incomplete("CountMismatch", f"{self.where}: the total changed from {self.total} to {total} "
                                  f"on page {page}", page)
            self.total = total
            self.bound = total
            self.cap = spec.max_pages(total)
        if isinstance(p, (PageNumber, Offset)):
            return len(got) >= p.max_size and len(self.items) < self.total
        cont = _continuation(body, p)
        if not cont:
            return False
        if cont in self.seen or cont == self.cont:
            raise _Incomplete("RepeatedToken", f"{self.where}: page {page} gives a {_cont_name(p)} seen before "
                              f"({len(self.items)} items so far)", page)
        if len(got) < p.max_size and self.short is None:
            self.short = _Incomplete("ShortPage", f"{self.where}: page {page} has {len(got)} items of {p.max_size} "
                                     f"asked for, and the list says more follow", page)
        self.seen.add(cont)
        self.cont = cont
        return True

    def finish(self, page: int) -> None:
        if self.total is not None and len(self.items) != self.total:
            fewer = "fewer" if len(self.items) < self.total else "more"
            raise _Incomplete("CountMismatch", f"{self.where}: {len(self.items)} items in {page} pages, {fewer} than "
                              f"the {self.spec.paging.total} of {self.total}", page)
        if self.short is not None:
            raise self.short
        if self.duplicates:
            first = self.duplicates[0]
            raise _Incomplete("DuplicateItem", f"{self.where}: {first['id']} listed again on page {first['page']} "
                              f"({len(self.duplicates)} duplicates, kept once): the list moved while it was read",
                              first["page"])

    def record_duplicates(self, col, product: str, region: str | None, resource: str | None) -> None:
        if not self.duplicates:
            return
        entries = [{"product": product, "action": self.spec.action, "region": region, "resource": resource, **d}
                   for d in self.duplicates]
        with col._lock:
            col.account.setdefault("duplicates", []).extend(entries)


def _items(body: dict, path: str) -> list:
    value, _ = resolve(body, path)
    return value if isinstance(value, list) else []


def _total_of(body: dict, name: str) -> int:
    value, _ = resolve(body, name)
    return int(value) if isinstance(value, str) else value


def _continuation(body: dict, p) -> str | None:
    if isinstance(p, NextToken):
        return body.get(p.token_field) or None
    if body.get(p.truncated) in (True, "true"):
        return body.get(p.marker_field)
    return None


def _cont_name(p) -> str:
    return p.token_field if isinstance(p, NextToken) else p.marker_field


# -- RPC lists ----------------------------------------------------------------------------------------

def list_rpc(col, product: str, spec: ListCall, region: str | None, params: dict | None = None, *,
             resource: str | None = None, record: bool = True, client_region: str | None = None) -> Listing:
    """Run an RPC list spec: `params` are the SDK request model's attributes (region_id=..., ...); the pager
    adds the page size and where to go on. Returns the items (through the SDK model, API-shaped)."""
    request_cls = getattr(sdk.models(product), f"{spec.action}Request", None)  # None: the call takes no request
    fixed = dict(params or {})

    def fetch(page: int, cont: str | None):
        args = {**fixed, **paging_args(spec, page, cont)}
        request = request_cls(**args) if request_cls is not None or args else None
        return col.rpc(product, spec.action, region, request, resource=resource, page=page, record=record,
                       client_region=client_region, success_flag=spec.success_flag,
                       check=lambda raw: check_page(spec, raw))

    return run(col, product, spec, region, fetch, resource=resource, record=record)


def detail_rpc(col, product: str, spec: Detail, region: str | None, item: dict, params: dict, *,
               client_region: str | None = None) -> dict | None:
    """Run a per-resource Detail spec for one item: the response body goes to item[spec.into], a documented
    "not configured" answer (spec.absent) stores None, a failed call leaves the key absent (it is recorded)."""
    request = getattr(sdk.models(product), f"{spec.action}Request")(**params)
    body = col.rpc(product, spec.action, region, request, resource=str(item[spec.per]), require=spec.require,
                   absent=spec.absent, client_region=client_region)
    if body is ABSENT:
        item[spec.into] = None
    elif body is not None:
        item[spec.into] = body
    return body
