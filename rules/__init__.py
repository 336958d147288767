"""The rule registry: every rule module is listed here, explicitly.

A test counts the rules, so a module that fails to load or a rule that is
dropped cannot go unnoticed.
"""

from __future__ import annotations

from . import alb, ecs, hbr, kms, oss, polardb, rds, redis, slb
from .base import Rule

MODULES = (ecs, kms, oss, rds, slb, polardb, redis, alb, hbr)


def all_rules() -> list[Rule]:
    rules = [obj for module in MODULES for obj in vars(module).values() if isinstance(obj, Rule)]
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule ids: {sorted(duplicates)}")
    return sorted(rules, key=lambda r: r.id)
