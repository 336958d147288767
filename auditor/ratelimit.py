"""Collection tuning and the call engine's pacing: in-flight cap, adaptive per-API token buckets, deadlines.

Read from the ``collection`` section of the ``--config`` YAML file::

    collection:
      max_in_flight: 64     # API calls in flight at once, per account (calls wait on latency, not CPU)
      workers: 64           # (product, region) collection tasks at once, per account (default: all of them,
                            # up to 256; a task mostly waits on its calls, and max_in_flight bounds the wire)
      detail_workers: 64    # per-resource detail calls at once, per account
      account_workers: 4    # accounts at once (--resource-directory)
      processes: 2          # worker processes collection is shared out between, by product (default on
                            # Linux: the CPUs this process may use, at most 8; elsewhere 1: one process)
      retry:
        attempts: 10        # tries per call, the first included
        base_delay_s: 0.2   # backoff: base * 2^(try-1), capped, with jitter
        max_delay_s: 5.0
        max_total_s: 20.0   # the per-call deadline: every try of one call ends within this
      collector_deadline_s: 90  # every collector ends this long after collection starts; calls not done
                                # by then fail as DeadlineExceeded (ERROR, exit 3)
      rate_limits:          # calls per second; the most specific key wins (a ceiling for the adaptive rate)
        default: 20
        ecs: 10
        "rds:DescribeDBInstanceAttribute": 5
      burst: 5              # tokens a bucket holds (calls that may go at once after a pause)
      connect_timeout_s: 5  # per try: connecting, then waiting for the answer (a timeout is retried,
      read_timeout_s: 10    # then recorded like any failed call)

Every API (product, action, region) has its own adaptive bucket (`AdaptiveLimiter`): unlimited until the
service throttles it, then additive-increase / multiplicative-decrease (AIMD) — halved on a throttling
answer (at most once a second), one call per second more for each success — and paused for as long as
`x-acs-retry-after` / `Retry-After` asks. A throttled API slows down alone; the others keep going.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import UsageError


class AdaptiveBucket:
    """One API's pace: unlimited (or its configured ceiling) until throttled, then AIMD.

    - `throttled(retry_after_s)`: once `min_throttles` throttling answers, and at least `min_share` of the
      calls started, came within `window_s` (a few refusals, or a minority refused at random, say nothing
      about the rate: they are retried; an API pushed well past its limit refuses most calls), the rate
      halves, at most once per `window_s` (the answers to one round of calls in flight count once), but
      never below the rate of successful calls over that window: the
      API has just shown it serves that much, so a throttling answer that is not about the rate (a share
      of calls refused at random) does not starve the API. Unlimited until then, "the rate" is the rate
      calls were started at over the window. With a retry-after, every call of this API waits that long.
    - `succeeded()`: the rate grows by `increase` calls per second, up to the ceiling.
    """

    def __init__(self, ceiling: float | None = None, burst: float = 5, min_rate: float = 1.0,
                 increase: float = 1.0, window_s: float = 1.0, min_throttles: int = 10, min_share: float = 0.6,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.ceiling = float(ceiling) if ceiling else None
        self.rate: float | None = self.ceiling
        self.burst, self.min_rate, self.increase, self.window_s = max(1.0, float(burst)), min_rate, increase, window_s
        self.throttles = 0
        self.min_throttles, self.min_share = min_throttles, min_share
        self._refused: deque = deque()  # times of the throttling answers of the last window
        self._tokens = self.burst
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._first: float | None = None
        self._paused_until = 0.0
        self._decreased_at = float("-inf")
        self._started: deque = deque()  # start times of the calls of the last window
        self._ok: deque = deque()       # end times of the successful calls of the last window
        self._lock = threading.Lock()

    def _trim(self, times: deque, now: float) -> None:
        while times and times[0] < now - self.window_s:
            times.popleft()

    def acquire(self) -> float:
        """Wait for this API's turn; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                if now < self._paused_until:
                    wait = self._paused_until - now
                else:
                    if self.rate is not None:
                        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                        self._last = now
                    if self.rate is None or self._tokens >= 1 - 1e-9:  # (float rounding: no wait too small to pass)
                        if self.rate is not None:
                            self._tokens = max(0.0, self._tokens - 1)
                        self._first = now if self._first is None else self._first
                        self._started.append(now)
                        self._trim(self._started, now)
                        return waited
                    wait = (1 - self._tokens) / self.rate
            self._sleep(wait)
            waited += wait

    def throttled(self, retry_after_s: float | None = None) -> None:
        with self._lock:
            now = self._clock()
            self.throttles += 1
            if retry_after_s and retry_after_s > 0:
                self._paused_until = max(self._paused_until, now + retry_after_s)
            self._refused.append(now)
            self._trim(self._refused, now)
            self._trim(self._started, now)
            if not self._overloaded() or now - self._decreased_at < self.window_s:
                return
            self._decreased_at = now
            self._trim(self._started, now)
            self._trim(self._ok, now)
            span = max(0.001, min(self.window_s, now - (self._first if self._first is not None else now)))
            current = self.rate if self.rate is not None else len(self._started) / span
            self.rate = max(self.min_rate, current / 2, len(self._ok) / span)
            if self.ceiling:
                self.rate = min(self.rate, self.ceiling)
            self._tokens = min(self._tokens, 1.0)
            self._last = now

    def overloaded(self) -> bool:
        """Whether this API looks pushed past its rate: over the last window, at least `min_throttles`
        throttling answers and at least `min_share` of the calls started (the test `throttled` halves the
        rate on). Otherwise its refusals are a minority, at random or in a burst."""
        with self._lock:
            now = self._clock()
            self._trim(self._refused, now)
            self._trim(self._started, now)
            return self._overloaded()

    def _overloaded(self) -> bool:  # under the lock, the windows trimmed
        return len(self._refused) >= max(self.min_throttles, self.min_share * len(self._started))

    def succeeded(self) -> None:
        with self._lock:
            now = self._clock()
            self._ok.append(now)
            self._trim(self._ok, now)
            if self.rate is not None:
                grown = self.rate + self.increase
                self.rate = min(grown, self.ceiling) if self.ceiling else grown


class AdaptiveLimiter:
    """An `AdaptiveBucket` per API ("product:Action:region"), created on first use; the configured
    `rate_limits` ("product:Action", "product" or "default", the most specific wins) are their ceilings."""

    def __init__(self, limits: dict[str, float] | None = None, burst: float = 5, **bucket_kw):
        self.limits = dict(limits or {})
        self.burst = burst
        self._bucket_kw = bucket_kw
        self._buckets: dict[str, AdaptiveBucket] = {}
        self._lock = threading.Lock()

    def ceiling(self, call: str) -> float | None:
        product, action = call.split(":", 2)[:2]
        return (self.limits.get(f"{product}:{action}") or self.limits.get(product)
                or self.limits.get("default"))

    def bucket(self, api: str) -> AdaptiveBucket:
        found = self._buckets.get(api)
        if found is None:
            with self._lock:
                found = self._buckets.get(api)
                if found is None:
                    found = self._buckets[api] = AdaptiveBucket(self.ceiling(api), self.burst, **self._bucket_kw)
        return found

    def throttled(self) -> dict[str, int]:
        """API -> throttling answers it got (for the bench and the tests)."""
        return {k: b.throttles for k, b in sorted(self._buckets.items()) if b.throttles}


@dataclass(frozen=True)
class CollectionConfig:
    max_in_flight: int = 64
    workers: int | None = None
    detail_workers: int = 64
    account_workers: int = 4
    retry: dict = field(default_factory=dict)
    rate_limits: dict = field(default_factory=dict)
    burst: float = 5
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    collector_deadline_s: float = 90.0
    # OSS: read the bucket fields GetBucketInfo carries from it instead of five sub-resource calls (made only
    # when GetBucketInfo fails or leaves an element out; tests/collect/test_fault_matrix.py faults them there)
    oss_bucket_info: bool = True
    processes: int | None = None  # None: default_processes()

    def client_kwargs(self) -> dict:
        """The SDK clients' timeouts (sdk.Clients takes milliseconds)."""
        return {"connect_timeout_ms": max(1, int(self.connect_timeout_s * 1000)),
                "read_timeout_ms": max(1, int(self.read_timeout_s * 1000)), "max_connections": self.max_in_flight}

    def worker_processes(self) -> int:
        return self.processes or default_processes()

    def retry_policy(self):
        from .collectors.base import RetryPolicy

        return RetryPolicy(**self.retry)

    def limiter(self) -> AdaptiveLimiter:
        """A fresh set of per-API buckets (one per account collection)."""
        return AdaptiveLimiter(self.rate_limits, self.burst)


def default_processes() -> int:
    """The CPUs this process may use (its affinity), at most 8: collection's worker processes by default, on
    Linux. Elsewhere 1 (macOS system libraries, e.g. the proxy lookup, are not safe in a forked child)."""
    if not sys.platform.startswith("linux"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))


_RETRY_KEYS = {"attempts": int, "base_delay_s": (int, float), "max_delay_s": (int, float), "max_total_s": (int, float)}


def _positive(value: Any, types, path: str | None, where: str):
    if isinstance(value, bool) or not isinstance(value, types) or not math.isfinite(value) or value <= 0:
        raise UsageError("expected a positive number", path, where)
    return value


def parse(section: Any, path: str | None = None) -> CollectionConfig:
    if section is None:
        return CollectionConfig()
    if not isinstance(section, dict):
        raise UsageError("collection is a mapping", path, "collection")
    known = {"max_in_flight", "workers", "detail_workers", "account_workers", "retry", "rate_limits", "burst",
             "connect_timeout_s", "read_timeout_s", "collector_deadline_s", "oss_bucket_info", "processes"}
    values: dict = {}
    for key, value in section.items():
        where = f"collection.{key}"
        if key not in known:
            raise UsageError(f"unknown setting {key!r} (known: {', '.join(sorted(known))})", path, where)
        if key == "oss_bucket_info":
            if not isinstance(value, bool):
                raise UsageError("expected true or false", path, where)
            values[key] = value
        elif key in ("max_in_flight", "workers", "detail_workers", "account_workers", "processes"):
            values[key] = _positive(value, int, path, where)
        elif key in ("burst", "connect_timeout_s", "read_timeout_s", "collector_deadline_s"):
            values[key] = _positive(value, (int, float), path, where)
        elif key == "retry":
            if not isinstance(value, dict):
                raise UsageError("expected a mapping", path, where)
            for k, v in value.items():
                if k not in _RETRY_KEYS:
                    raise UsageError(f"unknown setting {k!r} (known: {', '.join(_RETRY_KEYS)})", path, f"{where}.{k}")
                _positive(v, _RETRY_KEYS[k], path, f"{where}.{k}")
            values[key] = dict(value)
        else:
            if not isinstance(value, dict):
                raise UsageError("expected a mapping of call or product to calls per second", path, where)
            for k, v in value.items():
                _positive(v, (int, float), path, f"{where}.{k}")
            values[key] = {str(k): float(v) for k, v in value.items()}
    return CollectionConfig(**values)


def load(path: str | None) -> CollectionConfig:
    """The collection section of a --config file (the file's other keys are rule settings)."""
    if not path:
        return CollectionConfig()
    from .settings import read_config

    doc = read_config(path)
    return parse(doc.get("collection") if isinstance(doc, dict) else None, path)
