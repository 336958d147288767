"""Run the collectors for one account and return its snapshot section.

Two bounded pools per account: `workers` threads run one (product, region)
collector each; `detail_workers` threads run the per-resource detail calls the
collectors hand to `Collection.map`. Detail tasks never submit further work, so
the pools cannot deadlock on each other.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable

from . import regions as region_mod
from . import snapshot
from .collectors import COLLECTORS
from .collectors.base import Collection, RetryPolicy
from .sdk import Clients


def collect_account(clients: Clients, account_id: str, regions: list[str], *, workers: int = 8,
                    detail_workers: int = 8, retry: RetryPolicy | None = None, limiter=None,
                    collectors=COLLECTORS, progress: Callable[[str, int, int], None] | None = None,
                    prune_empty: bool = False, described_regions: list | None = None) -> dict:
    """Collect every product in every region; failed calls end up in the section's "errors".

    With prune_empty, regions where every call succeeded and found nothing are left out (see regions.py).
    progress(account_id, done, total) is called as (product, region) tasks finish.
    described_regions: DescribeRegions' region list when region discovery asked for it already (never twice).
    """
    account = snapshot.new_account(account_id)
    with ThreadPoolExecutor(max_workers=max(1, detail_workers), thread_name_prefix="detail") as details:
        col = Collection(clients, account, list(regions), retry or RetryPolicy(), limiter=limiter, details=details,
                         described_regions=described_regions)
        for region in regions:
            for c in collectors:
                if hasattr(c, "collect_region") or getattr(c, "REGIONAL_SECTIONS", True) and hasattr(c, "collect_account"):
                    col.section(region, c.PRODUCT)
        tasks = [(c.collect_account, (col,)) for c in collectors if hasattr(c, "collect_account")]
        tasks += [(c.collect_region, (col, r)) for r in regions for c in collectors if hasattr(c, "collect_region")]
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="collect") as pool:
            futures = [pool.submit(fn, *args) for fn, args in tasks]
            for done, f in enumerate(as_completed(futures), 1):
                f.result()
                if progress is not None:
                    progress(account_id, done, len(tasks))
    account["errors"].sort(key=lambda e: (e["product"], e["action"], e.get("region") or "", e.get("resource") or "",
                                          e.get("page") or 0))
    if account.get("unavailable"):
        account["unavailable"].sort(key=lambda u: (u["product"], u["region"]))
    if prune_empty:
        region_mod.prune_empty(account)
    return snapshot.clean_text(account)  # a lone surrogate in any API string: escaped, the scan goes on
