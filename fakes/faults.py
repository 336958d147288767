"""Seeded fault injection: throttling, unavailability, latency, dropped connections, bad bodies.

    {seed: 7, faults: [{product: ecs, action: DescribeDisks, kind: throttle, rate: 0.3}]}

`product` and `action` accept `*` (and other fnmatch wildcards); `rate` (0..1, default 1) is the
share of matching calls that get the fault; `ms` is the added delay of `latency`. Whether a call
gets a fault depends only on the seed, the rule, the request (product, action, region, query)
and how many times that same request was made before: a run is reproducible whatever the order
in which threads send their requests, and a retry of a failed request draws again.

Kinds, each in the product's own shape (RPC JSON, OSS XML):
  throttle     RPC 400 Throttling.User; OSS 503 MetaOperationQpsLimitExceeded
  qps          flow control: each API (product, action, region) admits at most `qps` calls in any one
               second (a sliding window, the calls counted as they arrive); the others get the throttle
               answer. The only kind that depends on timing, not only on the seed (`rate` is not used)
  unavailable  503 ServiceUnavailable
  latency      the answer comes `ms` milliseconds late (combines with other kinds)
  drop         the connection is closed without an answer
  malformed    200 with a body that is not valid JSON/XML
  truncated    200 with the real body cut in half
  empty        200 with an empty body

List faults: a 200 that lies about a list. The page faults are served by the list handlers (the
pagination helpers of rpc.py, RAM ListUsers, OSS ListBuckets); a list without pages ignores them:
  short_page      the page's last item is left out and the body says the list goes on after the page
                  (a NextToken / Marker / NextMarker; PageNumber lists keep their TotalCount)
  empty_page      the same with every item of the page left out
  repeat_token    the next token (marker) is the one the request sent; the first page's is new
The body faults change the list in the answer: by default the shallowest list in the body (JSON: a
list of objects or an empty list; XML: the first element whose children repeat one name), or the
one at `path` (dotted, from the body's top, "Items.DBInstance"; XML: from the root element); with
`field`, that field of every item instead of the list itself:
  duplicate_item  the list's first item is served twice
  missing_field   the list (or the field) is left out
  null_field      JSON null (XML has no null: the element comes back empty)
  wrong_type      a list becomes a string; a field becomes an object
"""

from __future__ import annotations

import fnmatch
import hashlib
import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

from . import list_faults as lists
from .wire import ApiError, DropConnection, Request, Response

PAGE_KINDS = ("short_page", "empty_page", "repeat_token")
BODY_KINDS = ("duplicate_item", "missing_field", "null_field", "wrong_type")
KINDS = ("throttle", "qps", "unavailable", "latency", "drop", "malformed", "truncated", "empty", *PAGE_KINDS,
         *BODY_KINDS)
_RULE_KEYS = {"product", "action", "kind", "rate", "ms", "path", "field", "qps"}

_ERRORS = {
    ("throttle", "rpc"): ("Throttling.User", "Request was denied due to user flow control.", 400),
    ("throttle", "oss"): ("MetaOperationQpsLimitExceeded", "Qps limit for the meta operation is exceeded", 503),
    ("unavailable", "rpc"): ("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", 503),
    ("unavailable", "oss"): ("ServiceUnavailable", "Thread pool is almost full, please retry later", 503),
}


class FaultSpecError(ValueError):
    """A fault file or dict that does not follow the format."""


@dataclass(frozen=True)
class Rule:
    product: str
    action: str
    kind: str
    rate: float
    ms: int
    path: str | None = None
    field: str | None = None
    qps: int = 0

    def matches(self, product: str, action: str) -> bool:
        return (fnmatch.fnmatchcase(product.lower(), self.product.lower())
                and fnmatch.fnmatchcase(action.lower(), self.action.lower()))


@dataclass(frozen=True)
class Fault:
    """The fault a call gets. `error` builds the error answer; `mangle` spoils a 200 answer."""

    kind: str
    path: str | None = None
    field: str | None = None

    @property
    def error(self):
        if self.kind not in ("throttle", "unavailable"):
            return None
        return lambda style: ApiError(*_ERRORS[(self.kind, style)])

    def mangle(self, resp: Response) -> Response:
        body = resp.body
        if self.kind == "malformed":
            xml = "xml" in resp.headers.get("Content-Type", "")
            body = b'<?xml version="1.0" encoding="UTF-8"?>\n<Result><Broken>' if xml else b'{"RequestId": "FAKE", "Items": {'
        elif self.kind == "truncated":
            body = body[: len(body) // 2]
        elif self.kind == "empty":
            body = b""
        elif self.kind in BODY_KINDS:
            xml = "xml" in resp.headers.get("Content-Type", "")
            body = (lists.mangle_xml if xml else lists.mangle_json)(body, self.kind, self.path, self.field)
        return Response(resp.status, dict(resp.headers), body, resp.label)


def validate(spec) -> tuple[int, list[Rule]]:
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault file is a mapping with `seed` and `faults`")
    unknown = set(spec) - {"seed", "faults"}
    if unknown:
        raise FaultSpecError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (known: seed, faults)")
    seed = spec.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise FaultSpecError("seed must be an integer")
    items = spec.get("faults") or []
    if not isinstance(items, list):
        raise FaultSpecError("faults must be a list")
    rules = []
    for n, item in enumerate(items, 1):
        where = f"faults[{n}]"
        if not isinstance(item, dict):
            raise FaultSpecError(f"{where}: expected a mapping")
        unknown = set(item) - _RULE_KEYS
        if unknown:
            raise FaultSpecError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        kind = item.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"{where}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
        rate = item.get("rate", 1.0)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise FaultSpecError(f"{where}: rate must be a number from 0 to 1, got {rate!r}")
        ms = item.get("ms", 0)
        if kind == "latency" and "ms" not in item:
            raise FaultSpecError(f"{where}: latency needs ms")
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise FaultSpecError(f"{where}: ms must be a non-negative integer")
        product, action = item.get("product", "*"), item.get("action", "*")
        if not isinstance(product, str) or not isinstance(action, str) or not product or not action:
            raise FaultSpecError(f"{where}: product and action must be non-empty strings")
        qps = item.get("qps", 0)
        if kind == "qps" and "qps" not in item:
            raise FaultSpecError(f"{where}: qps needs qps (calls a second)")
        if "qps" in item and (kind != "qps" or isinstance(qps, bool) or not isinstance(qps, int) or qps < 1):
            raise FaultSpecError(f"{where}: qps is a positive integer, for the kind qps only")
        for key in ("path", "field"):
            if key in item and (kind not in BODY_KINDS or not isinstance(item[key], str) or not item[key]):
                raise FaultSpecError(f"{where}: {key} is a non-empty string, for {', '.join(BODY_KINDS)} only")
        rules.append(Rule(product, action, kind, float(rate), ms, item.get("path"), item.get("field"), qps))
    return seed, rules


def _fingerprint(product: str, action: str, req: Request) -> str:
    query = "&".join(f"{k}={v}" for k, v in sorted(req.query.items()))
    parts = [product, action, req.method, req.host, req.path, query, req.headers.get("x-acs-region-id", "")]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class Faults:
    def __init__(self, spec, sleep=time.sleep, clock=time.monotonic):
        self.seed, self.rules = validate(spec)
        self._seen: Counter = Counter()
        self._lock = threading.Lock()
        self._sleep, self._clock = sleep, clock
        self._admitted: dict[tuple, deque] = {}  # (rule, product, action, region) -> arrival times, last second
        self.injected: Counter = Counter()  # (product, action, kind) -> how many times

    def apply(self, product: str, action: str, req: Request) -> Fault | None:
        if not self.rules:
            return None
        fp = _fingerprint(product, action, req)
        with self._lock:
            n = self._seen[fp]
            self._seen[fp] += 1
        chosen = None
        for i, rule in enumerate(self.rules):
            if not rule.matches(product, action):
                continue
            if rule.kind == "qps":
                if self._over_quota(i, rule.qps, product, action, req):
                    with self._lock:
                        self.injected[(product, action, "qps")] += 1
                    chosen = chosen or Fault("throttle")
                continue
            draw = random.Random(f"{self.seed}|{i}|{fp}|{n}").random()
            if draw >= rule.rate:
                continue
            with self._lock:
                self.injected[(product, action, rule.kind)] += 1
            if rule.kind == "latency":
                self._sleep(rule.ms / 1000)
                continue
            if rule.kind == "drop":
                raise DropConnection(f"{product}:{action}")
            chosen = chosen or Fault(rule.kind, rule.path, rule.field)
        return chosen

    def _over_quota(self, i: int, qps: int, product: str, action: str, req: Request) -> bool:
        """Whether this call is one too many for its API in the last second (an admitted call is counted)."""
        region = req.headers.get("x-acs-region-id") or req.host
        now = self._clock()
        with self._lock:
            window = self._admitted.setdefault((i, product, action, region), deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= qps:
                return True
            window.append(now)
            return False
