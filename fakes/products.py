"""The RPC products the fake implements, found from this package's modules (fakes/<product>.py).

Kept apart from the router so that the RAM policy engine (policy.py), which the router and the OSS front
door import, can read each product's RESOURCE without importing the router.
"""

from __future__ import annotations

import importlib
import pkgutil
import re


def _rpc_products() -> tuple:
    """The RPC products the fake implements: every module of this package with PRODUCT, VERSION,
    HOST_PREFIXES and ACTIONS (fakes/<product>.py); OSS has its own front door (oss.handle)."""
    package = __name__.rsplit(".", 1)[0]
    found = []
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        # Only product modules are imported (the front doors import this one): they set HOST_PREFIXES.
        origin = info.module_finder.find_spec(info.name).origin
        with open(origin, encoding="utf-8") as fh:
            if not re.search(r"^HOST_PREFIXES = ", fh.read(), re.M):
                continue
        module = importlib.import_module(f"{package}.{info.name}")
        if all(hasattr(module, a) for a in ("PRODUCT", "VERSION", "HOST_PREFIXES", "ACTIONS")):
            found.append(module)
    return tuple(sorted(found, key=lambda m: m.PRODUCT))


RPC_PRODUCTS = _rpc_products()
