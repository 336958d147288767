"""Run the collectors for one account and return its snapshot section.

Bounded pools per account: `workers` threads run one (product, region)
collector each (by default one thread per task, up to 256, so that every list starts at once: a task mostly
waits on its calls); `detail_workers` threads run the per-resource detail calls the
collectors hand to `Collection.map`; a detail task that maps again (a batch
retried one resource at a time) uses a third pool, and deeper maps run inline,
so the pools cannot deadlock on each other. Whatever the pools, at most
`max_in_flight` calls are on the wire at once: collection waits on latency, not
CPU, so the default (64) is sized for the calls, not for the cores.

With `processes` > 1 the products are shared out between that many worker processes
(collectors/processes.py): the SDKs' HTTP path and models are CPU-bound under the GIL, and one process uses
one core.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable

from . import regions as region_mod
from . import snapshot
from .collectors import COLLECTORS
from .collectors import processes as processes_mod
from .collectors.base import Collection, RetryPolicy
from .collectors.gate import Gate
from .sdk import Clients

MAX_TASK_THREADS = 256  # (product, region) task threads at once, at most (a container may cap its threads)


def collect_account(clients: Clients, account_id: str, regions: list[str], *, workers: int | None = None,
                    detail_workers: int = 64, max_in_flight: int = 64, retry: RetryPolicy | None = None,
                    limiter=None, collector_deadline_s: float | None = None, oss_bucket_info: bool = True,
                    collectors=COLLECTORS,
                    progress: Callable[[str, int, int], None] | None = None,
                    prune_empty: bool = False, described_regions: list | None = None,
                    processes: int = 1) -> dict:
    """Collect every product in every region; failed calls end up in the section's "errors".

    With prune_empty, regions where every call succeeded and found nothing are left out (see regions.py).
    progress(account_id, done, total) is called as (product, region) tasks finish.
    described_regions: DescribeRegions' region list when region discovery asked for it already (never twice).
    collector_deadline_s: every collector ends this long after collection starts (calls left fail as
    DeadlineExceeded); None: no deadline but each call's own.
    processes: worker processes the products are shared out between (collectors/processes.py); 1 (or where a process
    cannot be forked safely: not the main thread, an in-process HTTP fake) collects in this process.
    """
    kwargs = dict(workers=workers, detail_workers=detail_workers, max_in_flight=max_in_flight, retry=retry,
                  limiter=limiter, oss_bucket_info=oss_bucket_info, progress=progress,
                  described_regions=described_regions)
    deadline = time.monotonic() + collector_deadline_s if collector_deadline_s else None
    groups = processes_mod.split(collectors, min(processes, max_in_flight)) if processes > 1 and processes_mod.can_fork() else []
    if len(groups) > 1:
        account = processes_mod.collect(collect_here, clients, account_id, list(regions), groups, deadline=deadline,
                                        order=tuple(collectors), **kwargs)
    else:
        account = collect_here(clients, account_id, list(regions), collectors=collectors, deadline=deadline, **kwargs)
    finish(account)
    if prune_empty:
        region_mod.prune_empty(account)
    return snapshot.clean_text(account)  # a lone surrogate in any API string: escaped, the scan goes on


def finish(account: dict) -> None:
    """Errors, unavailable products and the account-level sections in one order, whichever thread or process
    recorded them (the regional sections are made up front, in the collectors' order)."""
    if isinstance(account.get("global"), dict):
        account["global"] = dict(sorted(account["global"].items()))
    account["errors"].sort(key=lambda e: (e["product"], e["action"], e.get("region") or "", e.get("resource") or "",
                                          e.get("page") or 0))
    if account.get("unavailable"):
        account["unavailable"].sort(key=lambda u: (u["product"], u["region"]))


def collect_here(clients: Clients, account_id: str, regions: list[str], *, workers: int | None = None,
                 detail_workers: int = 64, max_in_flight: int = 64, retry: RetryPolicy | None = None,
                 limiter=None, deadline: float | None = None, oss_bucket_info: bool = False,
                 collectors=COLLECTORS, progress: Callable[[str, int, int], None] | None = None,
                 described_regions: list | None = None, in_flight=None) -> dict:
    """The collectors' threads in this process: the account's section, unsorted and unpruned. `in_flight`: the
    gate of the calls on the wire when it is shared with other processes (else this process's own)."""
    account = snapshot.new_account(account_id)
    with young_collections_rarer(), \
            ThreadPoolExecutor(max_workers=max(1, detail_workers), thread_name_prefix="detail") as details, \
            ThreadPoolExecutor(max_workers=max(1, detail_workers), thread_name_prefix="nested") as nested:
        col = Collection(clients, account, list(regions), retry or RetryPolicy(), limiter=limiter, details=details,
                         nested=nested,
                         in_flight=Gate(in_flight or threading.BoundedSemaphore(max(1, max_in_flight))),
                         deadline=deadline, described_regions=described_regions, oss_bucket_info=oss_bucket_info)
        for region in regions:
            for c, regional in processes_mod.sections(collectors):
                if regional:
                    col.section(region, c.PRODUCT)
        tasks = [(c.collect_account, (col,)) for c in collectors if hasattr(c, "collect_account")]
        tasks += [(c.collect_region, (col, r)) for r in regions for c in collectors if hasattr(c, "collect_region")]
        with ThreadPoolExecutor(max_workers=max(1, min(workers or MAX_TASK_THREADS, len(tasks), MAX_TASK_THREADS)),
                                thread_name_prefix="collect") as pool:
            futures = [pool.submit(fn, *args) for fn, args in tasks]
            for done, f in enumerate(as_completed(futures), 1):
                f.result()
                if progress is not None:
                    progress(account_id, done, len(tasks))
    return account


@contextlib.contextmanager
def young_collections_rarer(threshold: int = 20_000):
    """The cyclic collector's youngest generation collected every `threshold` allocations instead of 700, while
    collecting. The SDKs make and drop many objects per call (models, headers, responses), which reference
    counting frees at once; collecting the young generation every 700 allocations traversed them again and
    again under the GIL (0.2-0.5 s of CPU per process at 10k resources). Cycles are still collected."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], threshold), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def collect_identity(clients: Clients, opts, who: dict) -> dict:
    """One account's section: its regions discovered (or narrowed by --region, opts.regions), then collected.
    Regions that cannot be listed (DescribeRegions refused, unavailable, unparseable): the account's section
    records the failure and nothing else, and the report says the run is incomplete (regions.unlisted)."""
    via = opts.regions[0] if opts.regions else opts.home_region
    try:
        described = region_mod.describe(clients, via, opts.collection.retry_policy())
    except region_mod.DiscoveryFailed as exc:
        return region_mod.discovery_failed(who["account_id"], exc.err, via)
    available = region_mod.ids(described)
    regions = region_mod.narrow(available, list(opts.regions)) if opts.regions else available
    return collect_account(clients, who["account_id"], regions, prune_empty=not opts.regions,
                           described_regions=described, **opts.collect_kwargs())
