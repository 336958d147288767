"""The rule registry: every module of this package that defines rules (rules/<product>.py).

A test counts the modules and the rules, so a module that fails to load or a rule that is dropped
cannot go unnoticed. base.py and common.py hold the machinery and define no rule.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import Rule


def _discover() -> tuple:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if any(isinstance(v, Rule) for v in vars(module).values()):
            found.append(module)
    return tuple(found)


MODULES = _discover()


def all_rules() -> list[Rule]:
    rules = [obj for module in MODULES for obj in vars(module).values() if isinstance(obj, Rule)]
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule ids: {sorted(duplicates)}")
    return sorted(rules, key=lambda r: r.id)
