"""Collectors: one module per product, listed here explicitly.

A collector module has PRODUCT, CALLS (every API action it calls) and
`collect_account(col)` (once per account) and/or `collect_region(col, region)`.
Collectors write API-shaped data into the snapshot and record every failed
call; they never decide compliance.
"""

from . import actiontrail, alb, ecs, hbr, ims, kms, oss, polardb, ram, rds, redis, slb, vpc

COLLECTORS = (ecs, kms, oss, rds, slb, polardb, redis, alb, hbr, vpc, actiontrail, ram, ims)


def min_calls(account: dict, regions: list[str]) -> list:
    """The fewest calls each (product[, region]) collection task needs for this account (a snapshot
    section): one `cost.Cost` per task, from each collector's `min_calls` / `min_calls_account`."""
    tasks = [c.min_calls_account(account, regions) for c in COLLECTORS if hasattr(c, "collect_account")]
    tasks += [c.min_calls(account, r) for r in regions for c in COLLECTORS if hasattr(c, "collect_region")]
    return tasks


def all_calls() -> set[str]:
    """Every "product:Action" the collectors make."""
    return {f"{c.PRODUCT}:{action}" for c in COLLECTORS for action in c.CALLS}
