"""What every collector shares: calling the SDK, recording failures, paginating.

A failed call never disappears: it is written to the account's "errors" with
the call, region and resource, and the caller gets None. The rules that need
that call then report ERROR for exactly what it would have told them.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .. import sdk
from . import gate, pager
from .spec import ABSENT  # noqa: F401  (collectors import it from here)

RETRYABLE_CODES = {"Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable",
                   "ServiceUnavailableTemporary", "RequestTimeout", "Timeout", "InternalError", "InternalFailure",
                   "SlowDown", "ConcurrentLimit", "TimeoutRetryLater", "ConnectTimeoutRetryLater", "RequestFailed"}

# Documented codes meaning "this product is not available to this account in this region" (not activated,
# region not served). A list call answered with one of them is recorded in the account's "unavailable", not
# in "errors": the rules of that product are NOT_APPLICABLE there. Sources: tests/documented/NOTES-issue6.md.
UNAVAILABLE_CODES = {
    "Forbidden.KmsServiceNotEnabled",   # KMS common errors, 403
    "InvalidRegionId.NotFound",         # ECS DescribeZones (404), DescribeAutoSnapshotPolicyEx (400)
    "InvalidRegion.NotFound",           # ECS DescribeDisks (400)
}
# Codes (besides HTTP 429) that mean "too fast": they halve that API's rate (ratelimit.AdaptiveBucket).
# SLS answers 503 ServerBusy ("The server is busy, please try again later": its error codes page).
THROTTLING_CODES = {"SlowDown", "ConcurrentLimit", "MetaOperationQpsLimitExceeded", "TooManyRequests",
                    "ServiceUnavailableTemporary", "ServerBusy"}


def is_throttling(err: dict) -> bool:
    return err["code"].startswith("Throttling") or err["code"] in THROTTLING_CODES or err.get("http_status") == 429


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter on throttling, 5xx and transient failures, bounded in tries and time.

    The n-th retry waits between half and all of min(max_delay_s, base_delay_s * 2^(n-1)) ("equal jitter"),
    or what the service asked for in x-acs-retry-after; no wait runs past max_total_s from the first try.
    max_total_s is also the call's deadline: every try's timeouts are cut to what is left of it.

    A throttling answer while most of that API's calls go through (its bucket not `overloaded`: a minority
    refused at random or in a burst, not an API pushed past its rate) is retried
    after a short random wait (up to base_delay_s / 2) and does not use up `attempts`: "later", said of a
    few calls, is not a reason to give up on one, and backing off exponentially there only makes the chain
    behind that call longer. Such retries are bounded by the call's deadline. When most calls are refused,
    the backoff above applies, and the API's bucket slows all its calls (ratelimit.AdaptiveBucket).
    """

    attempts: int = 10
    base_delay_s: float = 0.2
    max_delay_s: float = 5.0
    max_total_s: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random, repr=False)
    # told before each wait: on_wait(error, tries so far, seconds to wait) (progress on a terminal)
    on_wait: Callable[[dict, int, float], None] | None = field(default=None, repr=False, compare=False)

    def retryable(self, err: dict) -> bool:
        status = err.get("http_status") or 0
        return err["code"] in RETRYABLE_CODES or status >= 500 or err["code"].startswith("Throttling")

    def delay(self, attempt: int, elapsed: float, retry_after_s: float | None = None,
              calm: bool = False) -> float | None:
        """Seconds to wait before try attempt+1, or None when no try is left (count or time). `calm`: a
        throttling answer while the API is not overloaded (attempt counts only the other tries)."""
        if attempt >= self.attempts:
            return None
        if retry_after_s is not None and retry_after_s > 0:
            wait = retry_after_s
        elif calm:
            wait = self.rng.uniform(0, self.base_delay_s / 2)
        else:
            cap = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
            wait = cap / 2 + self.rng.uniform(0, cap / 2)
        if elapsed + wait > self.max_total_s:
            return None
        return wait


@dataclass
class Collection:
    """The state of collecting one account: the snapshot section being filled, and its errors.

    `details` is a thread pool for per-resource detail calls (see `map`); it is not the pool that runs the
    collectors, so a collector waiting on its detail calls never starves them. `nested` runs what a detail
    task maps in turn (a batch retried one resource at a time, in parallel).
    `in_flight` (gate.Gate) caps the calls on the wire at once, lists first; `limiter` paces each API
    (ratelimit.AdaptiveLimiter);
    `deadline` (monotonic) is when every collector must be done: a call not done by then fails as
    DeadlineExceeded.
    """

    clients: sdk.Clients
    account: dict
    regions: list[str]
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: Any = None
    details: Any = None
    nested: Any = None
    in_flight: Any = None
    deadline: float | None = None
    oss_bucket_info: bool = False  # collection.oss_bucket_info (see collectors/oss.py)
    described_regions: list | None = None  # DescribeRegions' Regions.Region when discovery asked already
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- where results go ---------------------------------------------------
    def section(self, region: str | None, product: str) -> dict:
        with self._lock:
            if region is None:
                return self.account.setdefault("global", {}).setdefault(product, {})
            return self.account["regions"].setdefault(region, {}).setdefault(product, {})

    def record_error(self, product: str, action: str, region: str | None, resource: str | None,
                     err: dict, page: int | None = None) -> None:
        entry = {"product": product, "action": action, "region": region, "resource": resource}
        if page and page > 1:
            entry["page"] = page
        entry.update(err)
        with self._lock:
            self.account.setdefault("errors", []).append(entry)

    def record_unavailable(self, product: str, action: str, region: str, err: dict) -> None:
        entry = {"product": product, "region": region, "action": action, "code": err["code"],
                 "message": err.get("message", ""), "http_status": err.get("http_status")}
        with self._lock:
            known = self.account.setdefault("unavailable", [])
            if not any(e["product"] == product and e["region"] == region for e in known):
                known.append(entry)

    def unavailable(self, product: str, region: str | None) -> bool:
        with self._lock:
            return any(e["product"] == product and e["region"] == region for e in self.account.get("unavailable", []))

    def map(self, fn: Callable[[Any], Any], items: Iterable) -> list:
        """fn over items on the detail pool (in order). A detail task that maps again uses the nested
        pool; deeper than that runs in the calling thread."""
        items = list(items)
        depth = getattr(_task, "depth", 0)
        pool = self.details if depth == 0 else self.nested if depth == 1 else None
        if pool is None or len(items) < 2:
            return [fn(i) for i in items]

        def run(item):
            _task.depth = depth + 1
            try:
                return fn(item)
            finally:
                _task.depth = 0

        return list(pool.map(run, items))

    def at_once(self, *fns: Callable[[], Any]) -> list:
        """A task's independent calls (lists of one product with different filters, account-level settings) at
        once, each in a thread of its own at the caller's pool depth (what they map goes to the same pool as the
        caller's would, so the pools cannot deadlock); their results in order. An exception is raised again."""
        depth = getattr(_task, "depth", 0)
        if len(fns) < 2:
            return [fn() for fn in fns]
        results: list = [None] * len(fns)
        failed: list = []

        def run(i: int, fn: Callable[[], Any]) -> None:
            _task.depth = depth
            try:
                results[i] = fn()
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread below
                failed.append(exc)

        threads = [threading.Thread(target=run, args=(i, fn), daemon=True) for i, fn in enumerate(fns[1:], 1)]
        for t in threads:
            t.start()
        run(0, fns[0])
        for t in threads:
            t.join()
        if failed:
            raise failed[0]
        return results

    def together(self, item: dict, order: Iterable[str], *fns: Callable[[], Any]) -> None:
        """Independent calls of one resource at once (the next pool down, as map), so that a resource's chain is
        one call long, not one call per API. The keys they add to `item` are then put in `order` (the order
        one call after the other adds them), so a recording does not depend on which answer came first."""
        self.map(lambda fn: fn(), fns)
        in_order(item, order)

    # -- calling ------------------------------------------------------------
    def call(self, product: str, action: str, region: str | None, fn: Callable[[], Any], *,
             resource: str | None = None, page: int | None = None, absent: Iterable[str] = (),
             record: bool = True) -> Any:
        """Run one SDK call with retries. Returns its result, or None after recording the failure.

        `absent` lists error codes that mean "not configured" (for example
        NoSuchBucketPolicy): for those the result is the `ABSENT` marker. With
        record=False the caller takes charge of the failure (it retries narrower).
        """
        before = after = overloaded = None
        if self.limiter is not None:
            bucket = self.limiter.bucket(f"{product}:{action}:{region or '-'}")
            before, overloaded = bucket.acquire, bucket.overloaded

            def after(err: dict | None) -> None:
                if err is None:
                    bucket.succeeded()
                elif is_throttling(err):
                    ms = err.get("retry_after_ms")
                    bucket.throttled(ms / 1000 if ms else None)
        if self.in_flight is not None:
            # held while the request is on the wire (sdk.wire_gate); a list's pages and the account- and
            # region-level calls open the work the others wait on: they go first
            held, inner = self.in_flight.hold(gate.DETAIL if resource is not None else gate.LIST), fn
            tries = 0

            def fn():
                nonlocal tries
                tries += 1
                if tries > 1:  # a retry: ahead of the calls not tried yet
                    held.priority = gate.RETRY
                sdk.wire_gate(held)
                try:
                    return inner()
                finally:
                    sdk.wire_gate(None)
        result, err = attempt(fn, self.retry, before=before, after=after, stop=set(absent) | UNAVAILABLE_CODES,
                              deadline=self.deadline, overloaded=overloaded)
        if err is None:
            return result
        if err["code"] in absent:
            return ABSENT
        if err["code"] in UNAVAILABLE_CODES and region is not None and resource is None:
            if record:
                self.record_unavailable(product, action, region, err)
            return None
        if record:
            self.record_error(product, action, region, resource, err, page)
        return None

    def rpc(self, product: str, action: str, region: str, request: Any, *, resource: str | None = None,
            page: int | None = None, require: str | None = None, absent: Iterable[str] = (),
            record: bool = True, client_region: str | None = None, success_flag: bool = False,
            check: Callable[[Any], None] | None = None) -> dict | None:
        """Call an RPC action by name; return the response body as an API-shaped dict.

        An account-level call (region None) names the region whose endpoint serves it in `client_region`.
        With `success_flag`, a body whose `Success` is not true is a failed call (HBR answers
        HTTP 200 with `Success: false` and the error `Code` in the body). `require` (a dotted path, a
        list when it ends in []) and `check` (raises sdk.MalformedResponse) look at the raw body, before
        the SDK model turns an absent list into [] (see pager.py).
        """
        client = self.clients.rpc(product, client_region or region)
        method = sdk_method(client, action)
        runtime = self.clients.runtime()
        pager.capture_raw(client)

        def raw_check(raw):
            if success_flag and isinstance(raw, dict) and raw.get("Success") is not True:
                return  # a failed call, said in the body: recorded as such below
            if require:
                pager.require(raw, require)
            if check is not None:
                check(raw)

        def fn():
            with pager.checking(raw_check if require or check else None):
                resp = method(runtime) if request is None else method(request, runtime)
            body = resp.body.to_map() if resp is not None and resp.body is not None else None
            if not isinstance(body, dict):
                raise sdk.MalformedResponse("response has no body")
            if success_flag and body.get("Success") is not True:
                if body.get("Success") is None:
                    raise sdk.MalformedResponse("response has no Success flag")
                raise sdk.FailedInBody(str(body.get("Code") or "Success=false"),
                                       str(body.get("Message") or "the body says Success: false"),
                                       body.get("RequestId"))
            body.pop("RequestId", None)
            return body

        return self.call(product, action, region, fn, resource=resource, page=page, absent=absent, record=record)


def in_order(item: dict, order: Iterable[str]) -> None:
    """The keys of `order` that item has, moved to its end in that order: calls made at once add their keys in
    whichever order they are answered; a recording must not depend on it."""
    for key in order:
        if key in item:
            item[key] = item.pop(key)


def attempt(fn: Callable[[], Any], retry: RetryPolicy, *, before: Callable[[], Any] | None = None,
            after: Callable[[dict | None], Any] | None = None, stop: Iterable[str] = (),
            deadline: float | None = None, overloaded: Callable[[], bool] | None = None) -> tuple[Any, dict | None]:
    """Run one SDK call with retries: (result, None), or (None, the error as describe_error gives it).

    before() runs before each try (pacing), after(err or None) after it (feedback); overloaded() says whether
    the API looks pushed past its rate: a throttling answer while it does not is retried soon and not counted
    against retry.attempts (see RetryPolicy; without overloaded(), every answer counts). The call's deadline is
    retry.max_total_s from now (plus the time before() waited for the API's turn), or `deadline`
    (monotonic) if sooner: each try's timeouts are cut to it (sdk.set_deadline), and past it no try starts.
    """
    errors = sdk.sdk_errors()
    started = time.monotonic()
    ends = started + retry.max_total_s if deadline is None else min(deadline, started + retry.max_total_s)
    tries = counted = 0
    while True:
        if before is not None:
            waited = before()
            if isinstance(waited, (int, float)) and waited > 0:
                # the call's deadline counts its own time, not its wait for its API's turn; the
                # collectors' deadline still bounds both
                ends = ends + waited if deadline is None else min(ends + waited, deadline)
        if time.monotonic() >= ends:
            return None, _deadline_error(tries, deadline is not None and ends == deadline)
        tries += 1
        sdk.set_deadline(ends)
        try:
            result = fn()
        except errors as exc:
            err = sdk.describe_error(exc)
            _drop_tracebacks(exc)
        else:
            if after is not None:
                after(None)
            return result, None
        finally:
            sdk.set_deadline(None)
        if after is not None:
            after(err)
        retry_after_ms = err.pop("retry_after_ms", None)
        calm = overloaded is not None and is_throttling(err) and not overloaded()
        if not calm:
            counted += 1
        wait = None
        if err["code"] not in stop and retry.retryable(err):
            wait = retry.delay(counted, time.monotonic() - started, retry_after_ms / 1000 if retry_after_ms else None,
                               calm=calm)
            if wait is not None and time.monotonic() + wait >= ends:
                wait = None  # the next try could not start before the deadline: this error is the outcome
        if wait is None:
            if tries > 1:
                err["message"] = f"{err['message']} (after {tries} attempts)"
            return None, err
        if retry.on_wait is not None:
            retry.on_wait(err, tries, wait)
        retry.sleep(wait)


def _drop_tracebacks(exc: BaseException) -> None:
    """A failed call's exception (and those it was raised from) without its traceback, once described: the
    SDKs' frames on it hold the exception again (an `except ... as e` kept in a local), a cycle that only the
    cyclic collector would free. Without the traceback, reference counting frees them at once."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        if exc.__cause__ is not None:
            _drop_tracebacks(exc.__cause__)
        exc = exc.__context__


def _deadline_error(tries: int, collector: bool) -> dict:
    what = "the collectors' deadline (collection.collector_deadline_s)" if collector else \
        "the call's deadline (collection.retry.max_total_s)"
    return {"code": "DeadlineExceeded", "http_status": None, "request_id": None,
            "message": f"{what} passed" + (f" after {tries} attempts" if tries else " before the call could start")}


_task = threading.local()  # depth of Collection.map in this thread


def dig(doc: Any, path: str) -> Any:
    """doc["A"]["B"] for path "A.B"; None if any step is missing."""
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def sdk_method(client: Any, action: str) -> Callable:
    """The client's `<action>_with_options` method. SDK method names split words
    inconsistently (describe_dbinstance_attribute), so match without underscores (looked up once per
    client class and action: dir() of an SDK client is thousands of names)."""
    key = (type(client), action)
    name = _METHOD_NAMES.get(key)
    if name is None:
        wanted = (action + "WithOptions").lower()
        name = next((n for n in dir(type(client)) if n.replace("_", "").lower() == wanted
                     and not n.endswith("_async")), None)
        if name is None:
            raise AttributeError(f"{type(client).__module__} has no method for {action}")
        _METHOD_NAMES[key] = name
    return getattr(client, name)


_METHOD_NAMES: dict[tuple[type, str], str] = {}


def chunks(seq: list, size: int) -> list[list]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]
