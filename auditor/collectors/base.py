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

RETRYABLE_CODES = {"Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable",
                   "RequestTimeout", "Timeout", "InternalError", "SlowDown"}
MAX_PAGES = 100_000


@dataclass
class RetryPolicy:
    attempts: int = 4
    base_delay_s: float = 0.2
    max_delay_s: float = 5.0
    max_total_s: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def retryable(self, err: dict) -> bool:
        status = err.get("http_status") or 0
        return err["code"] in RETRYABLE_CODES or status >= 500 or err["code"].startswith("Throttling")


@dataclass
class Collection:
    """The state of collecting one account: the snapshot section being filled, and its errors."""

    clients: sdk.Clients
    account: dict
    regions: list[str]
    retry: RetryPolicy = field(default_factory=RetryPolicy)
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

    # -- calling ------------------------------------------------------------
    def call(self, product: str, action: str, region: str | None, fn: Callable[[], Any], *,
             resource: str | None = None, page: int | None = None, absent: Iterable[str] = (),
             record: bool = True) -> Any:
        """Run one SDK call with retries. Returns its result, or None after recording the failure.

        `absent` lists error codes that mean "not configured" (for example
        NoSuchBucketPolicy): for those the result is the `ABSENT` marker. With
        record=False the caller takes charge of the failure (it retries narrower).
        """
        errors = sdk.sdk_errors()
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except errors as exc:
                err = sdk.describe_error(exc)
            if err["code"] in absent:
                return ABSENT
            elapsed = time.monotonic() - started
            if attempt >= self.retry.attempts or not self.retry.retryable(err) or elapsed >= self.retry.max_total_s:
                if attempt > 1:
                    err["message"] = f"{err['message']} (after {attempt} attempts)"
                if record:
                    self.record_error(product, action, region, resource, err, page)
                return None
            delay = min(self.retry.max_delay_s, self.retry.base_delay_s * 2 ** (attempt - 1))
            self.retry.sleep(random.uniform(0, delay))

    def rpc(self, product: str, action: str, region: str, request: Any, *, resource: str | None = None,
            page: int | None = None, require: str | None = None, absent: Iterable[str] = (),
            record: bool = True, client_region: str | None = None) -> dict | None:
        """Call an RPC action by name; return the response body as an API-shaped dict.

        An account-level call (region None) names the region whose endpoint serves it in `client_region`.
        """
        client = self.clients.rpc(product, client_region or region)
        method = sdk_method(client, action)
        runtime = self.clients.runtime()

        def fn():
            resp = method(runtime) if request is None else method(request, runtime)
            body = resp.body.to_map() if resp is not None and resp.body is not None else None
            if not isinstance(body, dict):
                raise sdk.MalformedResponse("response has no body")
            if require:
                value = dig(body, require.removesuffix("[]"))
                if value is None or (require.endswith("[]") and not isinstance(value, list)):
                    raise sdk.MalformedResponse(f"response has no {require}")
            body.pop("RequestId", None)
            return body

        return self.call(product, action, region, fn, resource=resource, page=page, absent=absent, record=record)

    def pages_by_token(self, product: str, action: str, region: str, make_request: Callable[[str | None], Any],
                       items_path: str, resource: str | None = None, record: bool = True) -> tuple[list[dict], bool]:
        """Follow NextToken to the end. Returns (items, complete)."""
        items: list[dict] = []
        token = None
        for page in range(1, MAX_PAGES + 1):
            body = self.rpc(product, action, region, make_request(token), resource=resource, page=page,
                            require=items_path, record=record)
            if body is None:
                return items, False
            items.extend(dig(body, items_path.removesuffix("[]")))
            token = body.get("NextToken")
            if not token:
                return items, True
        return items, False

    def pages_by_number(self, product: str, action: str, region: str, make_request: Callable[[int], Any],
                        items_path: str, total_field: str = "TotalCount", page_size: int = 100,
                        resource: str | None = None) -> tuple[list[dict], bool]:
        """Follow PageNumber until the total is reached or a short page arrives."""
        items: list[dict] = []
        for page in range(1, MAX_PAGES + 1):
            body = self.rpc(product, action, region, make_request(page), resource=resource, page=page,
                            require=items_path)
            if body is None:
                return items, False
            got = dig(body, items_path.removesuffix("[]"))
            items.extend(got)
            total = body.get(total_field)
            if len(got) < page_size or (isinstance(total, int) and len(items) >= total):
                return items, True
        return items, False


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = _Absent()


def dig(doc: Any, path: str) -> Any:
    """doc["A"]["B"] for path "A.B"; None if any step is missing."""
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def sdk_method(client: Any, action: str) -> Callable:
    """The client's `<action>_with_options` method. SDK method names split words
    inconsistently (describe_dbinstance_attribute), so match without underscores."""
    wanted = (action + "WithOptions").lower()
    for name in dir(type(client)):
        if name.replace("_", "").lower() == wanted and not name.endswith("_async"):
            return getattr(client, name)
    raise AttributeError(f"{type(client).__module__} has no method for {action}")


def chunks(seq: list, size: int) -> list[list]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]
