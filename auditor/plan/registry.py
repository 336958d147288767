"""The plan mappers, found in this package: every module that defines MAPPERS is a product's mapping.

A mapper module declares
- MAPPERS: {alicloud resource type: (mapper function, stage)}; stage 0 creates items, 1 attaches to
  them, 2 attaches to attachments;
- ANSWERS: the API calls ("product:Action") whose answers its items give.
A rule needing a call no module answers is NOT_APPLICABLE in a plan scan ("not assessable from a
Terraform plan"); see annotate.py.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from typing import Callable

from aliaudit.rules import all_rules

CORE = {"adapter", "annotate", "context", "load", "references", "registry"}


def _modules() -> list:
    folder = os.path.dirname(os.path.abspath(__file__))
    names = sorted(m.name for m in pkgutil.iter_modules([folder]) if m.name not in CORE)
    return [importlib.import_module(f"{__package__}.{name}") for name in names]


def _collect() -> tuple[dict, dict]:
    mappers: dict[str, tuple[Callable, int]] = {}
    answers: dict[str, frozenset] = {}
    for module in MAPPING_MODULES:
        for rtype, entry in module.MAPPERS.items():
            if rtype in mappers:
                raise RuntimeError(f"{rtype} is mapped by two plan modules")
            mappers[rtype] = entry
        answers[module.__name__.rsplit(".", 1)[-1]] = frozenset(module.ANSWERS)
    return mappers, answers


MAPPING_MODULES = [m for m in _modules() if hasattr(m, "MAPPERS")]
MAPPERS, ANSWERS_BY_MODULE = _collect()
ANSWERED_CALLS = frozenset().union(*ANSWERS_BY_MODULE.values())


def unanswered_calls(rules=None) -> list[str]:
    """The calls the rules need that a plan cannot answer."""
    if rules is None:
        rules = all_rules()
    return sorted({c for r in rules for c in r.needs} - ANSWERED_CALLS)
