"""The fewest API calls a collection needs, and how they depend on each other: the model behind
`benchmarks/scan_bench.py`'s `min_api_calls` and `ideal_s`.

Each collector module has `min_calls(account, region)` (regional) and/or `min_calls_account(account,
regions)` next to its CALLS, computed from a snapshot of the tenant (what the fake serves) and the
documented maximum page and batch sizes the collector uses. A test checks them against the calls the
fake counts, so they stay in sync with the collectors.

Two kinds of calls:
- list calls, made by the (product, region) collector task itself: pages of a list, one after the other;
- detail calls, one resource (or one batch) each, spread over the `detail_workers` pool.
`chain` is the longest run of calls that must follow one another in a task: the longest list's pages,
then the deepest chain of detail calls behind one resource (for example ListAccessKeys, then
GetAccessKeyLastUsed for each key).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


def pages(n: int, size: int) -> int:
    """Calls to list n items, size a page: one at least (an empty list still takes a call)."""
    return max(1, math.ceil(n / size))


@dataclass
class Cost:
    calls: Counter = field(default_factory=Counter)  # "product:Action" -> calls
    list_calls: int = 0
    detail_calls: int = 0
    chain: int = 0

    def list(self, call: str, n: int) -> "Cost":
        self.calls[call] += n
        self.list_calls += n
        return self

    def detail(self, call: str, n: int) -> "Cost":
        self.calls[call] += n
        self.detail_calls += n
        return self

    @property
    def total(self) -> int:
        return self.list_calls + self.detail_calls


def region_section(account: dict, region: str, product: str) -> dict:
    return (account.get("regions", {}).get(region) or {}).get(product) or {}
