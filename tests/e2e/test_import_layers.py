"""The import layers of aliaudit: a module imports only from its own layer or the layers below, and no
imports form a cycle - imports inside functions included, since they hide the same dependency.

The layers, lowest first (a name ending in ".*" covers a package's modules; "rules" and "fakes" are the
aliaudit.rules and aliaudit.fakes packages). A new module must be given a layer here.
"""

from __future__ import annotations

import ast
import fnmatch
import os

from conftest import ROOT

LAYERS: list[tuple[str, list[str]]] = [
    ("foundation", ["__init__", "errors", "model", "progress", "inputs", "jsontext"]),
    ("data", ["settings", "snapshot", "sdk", "lazy_models", "record", "clauses", "waivers", "attestations",
              "history", "scope", "remediation"]),
    ("collection", ["collectors", "collectors.*", "ratelimit", "options", "credentials", "identity", "regions",
                    "collect", "fakes", "fakes.*"]),
    ("evaluation", ["rules", "rules.*", "engine", "report", "explain"]),
    ("sources and adjustments", ["plan", "plan.*", "org", "offline", "sources", "baseline"]),
    ("outputs", ["reporters", "reporters.*", "cli_output"]),
    ("pipeline", ["scan"]),
    ("command line", ["cli", "cli_*"]),
]
PACKAGES = {"aliaudit": os.path.join(ROOT, "auditor"), "aliaudit.rules": os.path.join(ROOT, "rules"),
            "aliaudit.fakes": os.path.join(ROOT, "fakes")}
# Upward imports and cycles that exist today and are being removed; nothing may be added here.
KNOWN: set[str] = set()


def modules(packages: dict[str, str]) -> dict[str, str]:
    """Dotted module name (relative to "aliaudit"; "__init__" for the top package) -> file."""
    out = {}
    for dotted, folder in packages.items():
        prefix = dotted.split(".", 1)[1] if "." in dotted else ""
        for base, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith((".", "__"))]
            for name in files:
                if not name.endswith(".py"):
                    continue
                rel = os.path.relpath(os.path.join(base, name), folder)[:-3].replace(os.sep, ".")
                if rel.endswith("__init__"):
                    rel = rel[:-len(".__init__")] if rel != "__init__" else ""
                full = ".".join(p for p in (prefix, rel) if p)
                out[full or "__init__"] = os.path.join(base, name)
    return out


def imports(name: str, path: str, known: dict[str, str]) -> set[str]:
    """The modules of the program that `name` imports, at any depth of its code."""
    is_package = path.endswith("__init__.py")
    package = name if is_package else name.rpartition(".")[0]
    if name == "__init__":
        package = ""
    found = set()
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read(), path)):
        targets = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            elif node.module and (node.module == "aliaudit" or node.module.startswith("aliaudit.")):
                base = node.module[len("aliaudit."):] if node.module != "aliaudit" else ""
            else:
                continue
            for alias in node.names:
                sub = ".".join(p for p in (base, alias.name) if p)
                targets.append(sub if sub in known else (base or "__init__"))
        elif isinstance(node, ast.Import):
            targets = [a.name[len("aliaudit."):] for a in node.names if a.name.startswith("aliaudit.")]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            t = t or "__init__"
            if t != name and t in known:
                found.add(t)
    return found


def layer_of(name: str, layers) -> int | None:
    for i, (_, patterns) in enumerate(layers):
        if any(fnmatch.fnmatchcase(name, p) for p in patterns):
            return i
    return None


def violations(packages: dict[str, str], layers) -> list[str]:
    known = modules(packages)
    graph = {name: imports(name, path, known) for name, path in known.items()}
    out = [f"{name} has no layer" for name in sorted(known) if layer_of(name, layers) is None]
    for name, targets in sorted(graph.items()):
        here = layer_of(name, layers)
        for t in sorted(targets):
            there = layer_of(t, layers)
            if here is not None and there is not None and there > here:
                out.append(f"{name} ({layers[here][0]}) imports {t} ({layers[there][0]}), a layer above")
    out += [f"import cycle: {' -> '.join(c)}" for c in cycles(graph)]
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan's algorithm)."""
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp) + [sorted(comp)[0]])

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def test_no_upward_import_and_no_cycle():
    assert set(violations(PACKAGES, LAYERS)) - KNOWN == set()
    assert KNOWN - set(violations(PACKAGES, LAYERS)) == set(), "remove the entries of KNOWN that are fixed"


def _package(tmp_path, files: dict[str, str]) -> dict[str, str]:
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.py").write_text(text)
    return {"aliaudit": str(folder)}


SYNTHETIC_LAYERS = [("low", ["__init__", "low*"]), ("high", ["high*"])]


def test_the_layer_test_fails_on_a_cycle(tmp_path):
    pkg = _package(tmp_path, {"__init__": "", "low_a": "from . import low_b\n",
                              "low_b": "def f():\n    from .low_a import g\n"})
    assert violations(pkg, SYNTHETIC_LAYERS) == ["import cycle: low_a -> low_b -> low_a"]


def test_the_layer_test_fails_on_an_upward_import(tmp_path):
    pkg = _package(tmp_path, {"__init__": "", "low": "from aliaudit.high import x\n", "high": "from . import low\n"})
    assert violations(pkg, SYNTHETIC_LAYERS) == ["low (low) imports high (high), a layer above",
                                                 "import cycle: high -> low -> high"]


def test_the_layer_test_fails_on_a_module_without_a_layer(tmp_path):
    pkg = _package(tmp_path, {"__init__": "", "low": "", "stray": "from . import low\n"})
    assert violations(pkg, SYNTHETIC_LAYERS) == ["stray has no layer"]


def test_the_layer_test_passes_a_clean_package(tmp_path):
    pkg = _package(tmp_path, {"__init__": "", "low": "import json\n", "high": "from . import low\nfrom .low import x\n"})
    assert violations(pkg, SYNTHETIC_LAYERS) == []
