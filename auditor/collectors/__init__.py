"""Collectors: one module per product, listed here explicitly.

A collector module has PRODUCT, CALLS (every API action it calls) and
`collect_account(col)` (once per account) and/or `collect_region(col, region)`.
Collectors write API-shaped data into the snapshot and record every failed
call; they never decide compliance.
"""

from . import actiontrail, alb, ecs, hbr, ims, kms, oss, polardb, ram, rds, redis, slb, vpc

COLLECTORS = (ecs, kms, oss, rds, slb, polardb, redis, alb, hbr, vpc, actiontrail, ram, ims)


def all_calls() -> set[str]:
    """Every "product:Action" the collectors make."""
    return {f"{c.PRODUCT}:{action}" for c in COLLECTORS for action in c.CALLS}
