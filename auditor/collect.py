"""Run the collectors for one account and return its snapshot section."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from . import snapshot
from .collectors import COLLECTORS
from .collectors.base import Collection, RetryPolicy
from .sdk import Clients


def collect_account(clients: Clients, account_id: str, regions: list[str], *, workers: int = 8,
                    retry: RetryPolicy | None = None, collectors=COLLECTORS) -> dict:
    """Collect every product in every region; failed calls end up in the section's "errors"."""
    account = snapshot.new_account(account_id)
    col = Collection(clients, account, list(regions), retry or RetryPolicy())
    for region in regions:
        for c in collectors:
            if hasattr(c, "collect_region") or getattr(c, "REGIONAL_SECTIONS", True) and hasattr(c, "collect_account"):
                col.section(region, c.PRODUCT)
    tasks = [(c.collect_account, (col,)) for c in collectors if hasattr(c, "collect_account")]
    tasks += [(c.collect_region, (col, r)) for r in regions for c in collectors if hasattr(c, "collect_region")]
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="collect") as pool:
        futures = [pool.submit(fn, *args) for fn, args in tasks]
        for f in futures:
            f.result()
    account["errors"].sort(key=lambda e: (e["product"], e["action"], e.get("region") or "", e.get("resource") or "",
                                          e.get("page") or 0))
    return account
