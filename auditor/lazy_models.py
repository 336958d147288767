"""SDK model packages that import one model at a time.

Each Alibaba Cloud SDK package has a `models` package whose `__init__` imports every
model of the API, one file per request/response: ECS 1,153 files, PolarDB 1,488,
RDS 1,278, VPC 1,215. aliaudit calls a few dozen actions, so importing them all
costs about two seconds of start-up for nothing.

`install(package)` puts in `sys.modules` a `package.models` that knows, from the
package's own `models/__init__.py` (its `from ._file import Name` lines, read as
text, not run), which file defines each name, and imports that file the first time
the name is used. The generated clients and models refer to each other only as
`main_models.Name`, so they work unchanged. A package whose `models` was imported
before (by a test, say) is left as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
import types

_FROM = re.compile(r"^from \.(\w+) import (?:\(([^)]*)\)|([^\n]+))$", re.M)
_lock = threading.Lock()


class LazyModels(types.ModuleType):
    """A models package whose names are imported on first use."""

    def __init__(self, name: str, origin: str, names: dict[str, str]):
        super().__init__(name)
        self.__file__ = origin
        self.__package__ = name
        self.__dict__["_sources"] = names
        self.__all__ = sorted(names)

    def __getattr__(self, attr: str):
        source = self.__dict__["_sources"].get(attr)
        if source is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
        value = getattr(importlib.import_module(f"{self.__name__}.{source}"), attr)
        setattr(self, attr, value)
        return value

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.__dict__["_sources"]))


def names_in(init_text: str) -> dict[str, str]:
    """{model name: the file (module) that defines it} from a models/__init__.py."""
    out: dict[str, str] = {}
    for m in _FROM.finditer(init_text):
        for name in (m.group(2) or m.group(3)).split(","):
            name = name.strip()
            if name:
                out.setdefault(name, m.group(1))
    return out


def install(package: str) -> types.ModuleType:
    """`package.models`, lazy unless it was imported already."""
    name = f"{package}.models"
    with _lock:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not spec.submodule_search_locations:
            return importlib.import_module(name)
        with open(spec.origin, encoding="utf-8") as fh:
            names = names_in(fh.read())
        if not names:
            return importlib.import_module(name)
        module = LazyModels(name, spec.origin, names)
        module.__spec__ = spec
        module.__loader__ = spec.loader
        module.__path__ = list(spec.submodule_search_locations)
        sys.modules[name] = module
        setattr(sys.modules[package], "models", module)
        return module
