"""Collectors: one module per product, found in this folder.

A collector module has `SPEC` (a spec.Product: every API it reads; PRODUCT and CALLS come from it) and
`collect_account(col)` (once per account) and/or `collect_region(col, region)`. Collectors write
API-shaped data into the snapshot and record every failed call; they never decide compliance.
Modules of this package that are not collectors (base, cost, pager, spec) have no SPEC.
"""

from __future__ import annotations

import importlib
import pkgutil

from .spec import Product

# The order collectors are started in (longest first); a product not named here runs after them.
_ORDER = ("ecs", "kms", "oss", "rds", "slb", "polardb", "redis", "alb", "hbr", "vpc", "actiontrail", "ram", "ims")


def _discover() -> tuple:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, Product):
            if not (hasattr(module, "collect_region") or hasattr(module, "collect_account")):
                raise RuntimeError(f"collector {info.name} has a SPEC but nothing that collects")
            found.append(module)
    rank = {name: i for i, name in enumerate(_ORDER)}
    return tuple(sorted(found, key=lambda m: (rank.get(m.SPEC.name, len(rank)), m.SPEC.name)))


COLLECTORS = _discover()
PRODUCTS = {c.SPEC.name: c.SPEC for c in COLLECTORS}


def min_calls(account: dict, regions: list[str]) -> list:
    """The fewest calls each (product[, region]) collection task needs for this account (a snapshot
    section): one `cost.Cost` per task, from each collector's `min_calls` / `min_calls_account`."""
    tasks = [c.min_calls_account(account, regions) for c in COLLECTORS if hasattr(c, "collect_account")]
    tasks += [c.min_calls(account, r) for r in regions for c in COLLECTORS if hasattr(c, "collect_region")]
    return tasks


def all_calls() -> set[str]:
    """Every "product:Action" the collectors make, from their specs."""
    return {f"{p.name}:{action}" for p in PRODUCTS.values() for action in p.actions}


def list_calls() -> dict[str, object]:
    """Every list call, "product:Action" -> its spec.ListCall (what the pager runs)."""
    return {f"{p.name}:{c.action}": c for p in PRODUCTS.values() for c in p.lists}


def ram_actions() -> set[str]:
    """The RAM actions of every collector call ("kvstore:DescribeInstances" for Redis)."""
    return {p.ram_action(action) for p in PRODUCTS.values() for action in p.actions}


def ram_action(call: str) -> str:
    """"redis:DescribeInstances" -> "kvstore:DescribeInstances": the action a RAM policy names. The RAM
    service code, where it differs from our product name, is in the product's spec (<p>.py here)."""
    product, action = call.split(":", 1)
    spec = PRODUCTS.get(product)
    return spec.ram_action(action) if spec is not None else call
