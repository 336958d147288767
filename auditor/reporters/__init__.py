"""Reporters: every module of this folder that declares FORMATS renders a report dict as text.

    FORMATS = {"junit": ("junit.xml", "render")}   # format name -> (file extension, render function)
    FORMATS = {"json": ("json", "render", "write")}  # ... and a function writing it piece by piece

A format with a writer (write(report, fh) into a text file opened with newline="", the same text render
gives) is streamed to its file: a large report is never held as one string (STREAMS).

The declarations are literals read from the source with `ast`, so `aliaudit --help` lists the formats
without importing Jinja2, junitparser and the rest: a format's module loads when it renders. To add a
format, add a module here with its FORMATS and a render(report, color=False, **kw) -> str;
tests/report/test_formats_registry.py renders the gaps fixture in every format it finds.
"""

from __future__ import annotations

import ast
import importlib
import os
from dataclasses import dataclass

DEFAULT = "table"  # first in --help, and what --format defaults to
FOLDER = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    module: str
    function: str
    writer: str | None = None

    def render(self, report: dict, **kwargs) -> str:
        return getattr(importlib.import_module(f"{__name__}.{self.module}"), self.function)(report, **kwargs)

    def write(self, report: dict, fh, **kwargs) -> None:
        getattr(importlib.import_module(f"{__name__}.{self.module}"), self.writer)(report, fh, **kwargs)


def _declared(path: str) -> dict | None:
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "FORMATS" for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def discover(folder: str = FOLDER) -> dict[str, Format]:
    found: dict[str, Format] = {}
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".py") or entry.startswith("_"):
            continue
        declared = _declared(os.path.join(folder, entry)) or {}
        for name, (extension, function, *writer) in declared.items():
            if name in found:
                raise RuntimeError(f"format {name} is declared by {found[name].module} and {entry[:-3]}")
            found[name] = Format(name, extension, entry[:-3], function, *writer)
    return dict(sorted(found.items(), key=lambda kv: (kv[0] != DEFAULT, kv[0])))


REGISTRY = discover()
FORMAT_NAMES = tuple(REGISTRY)
EXTENSIONS = {name: f.extension for name, f in REGISTRY.items()}
FORMATS = {name: f.render for name, f in REGISTRY.items()}
STREAMS = {name: f.write for name, f in REGISTRY.items() if f.writer}
