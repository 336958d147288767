"""Collection tuning: per-API rate limits (token buckets), retries, pool sizes.

Read from the ``collection`` section of the ``--config`` YAML file::

    collection:
      workers: 8            # (product, region) collection tasks at once, per account
      detail_workers: 8     # per-resource detail calls at once, per account
      account_workers: 4    # accounts at once (--resource-directory)
      retry:
        attempts: 10        # tries per call, the first included
        base_delay_s: 0.2   # backoff: base * 2^(try-1), capped, with jitter
        max_delay_s: 5.0
        max_total_s: 60.0   # no retry starts after this long on one call
      rate_limits:          # calls per second; the most specific key wins
        default: 20
        ecs: 10
        "rds:DescribeDBInstanceAttribute": 5
      burst: 5              # tokens a bucket holds (calls that may go at once after a pause)
      connect_timeout_s: 5  # per call: connecting, then waiting for the answer (a timeout is retried,
      read_timeout_s: 20    # then recorded like any failed call)
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import UsageError


class TokenBucket:
    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.rate, self.burst = float(rate), max(1.0, float(burst))
        self._tokens = self.burst
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, waiting for it if need be; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return waited
                wait = (1 - self._tokens) / self.rate
            self._sleep(wait)
            waited += wait


class RateLimiter:
    """One token bucket per configured key: "product:Action", "product" or "default"."""

    def __init__(self, limits: dict[str, float] | None = None, burst: float = 5, **bucket_kw):
        self._buckets = {k: TokenBucket(v, burst, **bucket_kw) for k, v in (limits or {}).items()}

    def bucket_for(self, call: str) -> TokenBucket | None:
        product = call.split(":", 1)[0]
        return self._buckets.get(call) or self._buckets.get(product) or self._buckets.get("default")

    def acquire(self, call: str) -> float:
        bucket = self.bucket_for(call)
        return bucket.acquire() if bucket else 0.0


@dataclass(frozen=True)
class CollectionConfig:
    workers: int = 8
    detail_workers: int = 8
    account_workers: int = 4
    retry: dict = field(default_factory=dict)
    rate_limits: dict = field(default_factory=dict)
    burst: float = 5
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0

    def client_kwargs(self) -> dict:
        """The SDK clients' timeouts (sdk.Clients takes milliseconds)."""
        return {"connect_timeout_ms": max(1, int(self.connect_timeout_s * 1000)),
                "read_timeout_ms": max(1, int(self.read_timeout_s * 1000))}

    def retry_policy(self):
        from .collectors.base import RetryPolicy

        return RetryPolicy(**self.retry)

    def limiter(self) -> RateLimiter | None:
        return RateLimiter(self.rate_limits, self.burst) if self.rate_limits else None


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
    known = {"workers", "detail_workers", "account_workers", "retry", "rate_limits", "burst", "connect_timeout_s",
             "read_timeout_s"}
    values: dict = {}
    for key, value in section.items():
        where = f"collection.{key}"
        if key not in known:
            raise UsageError(f"unknown setting {key!r} (known: {', '.join(sorted(known))})", path, where)
        if key in ("workers", "detail_workers", "account_workers"):
            values[key] = _positive(value, int, path, where)
        elif key in ("burst", "connect_timeout_s", "read_timeout_s"):
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
