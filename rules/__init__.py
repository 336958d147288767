"""The rule registry: every rule module is listed here, explicitly.

A test counts the rules, so a module that fails to load or a rule that is
dropped cannot go unnoticed.
"""

from __future__ import annotations

from . import actiontrail, alb, ecs, ecs_sg, hbr, kms, oss, polardb, ram, rds, redis, residency, slb, vpc
from .base import Rule

MODULES = (ecs, ecs_sg, kms, oss, rds, slb, polardb, redis, alb, hbr, vpc, actiontrail, ram, residency)


def all_rules() -> list[Rule]:
    rules = [obj for module in MODULES for obj in vars(module).values() if isinstance(obj, Rule)]
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule ids: {sorted(duplicates)}")
    return sorted(rules, key=lambda r: r.id)
