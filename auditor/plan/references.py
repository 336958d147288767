"""A planned resource's values, and what its configuration expressions refer to.

`change.after` holds the planned values and `change.after_unknown` the leaves known only after
apply. When a value is unknown, the `configuration` section says where it comes from: another
resource of the plan (`alicloud_kms_key.disk.id`), a data source, or a module variable
(`var.key_id` in a child module), which the module call in the parent module feeds - possibly
from a variable of its own parent, across nested modules. `References.resolve` follows those
links to the address of a planned resource.
"""

from __future__ import annotations

import re
from typing import Any

_REF = re.compile(r"^(?:(data)\.)?(alicloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?")
_VAR = re.compile(r"^var\.([A-Za-z0-9_-]+)")
_MODULE_OUTPUT = re.compile(r"^module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?\.([A-Za-z0-9_-]+)")
_MODULE_STEP = re.compile(r"module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?")


class Values:
    """A planned resource's `after` with `after_unknown`, and its configuration expressions."""

    def __init__(self, rc: dict, config: dict | None):
        change = rc.get("change") or {}
        self.after = change.get("after") or {}
        self.unknown = change.get("after_unknown") or {}
        self.config = (config or {}).get("expressions") or {}

    def get(self, path: str) -> tuple[Any, bool]:
        """(value, unknown) at a dotted path; list indexes are numbers ("data_disks.0.encrypted")."""
        value, unk = self.after, self.unknown
        for part in path.split("."):
            key: Any = int(part) if part.isdigit() else part
            if unk is True:
                return None, True
            value = step(value, key)
            unk = step(unk, key)
        return value, unk is True

    def refs(self, path: str) -> list[str]:
        return expression_refs(self.config, path)


def expression_refs(expressions: dict, path: str) -> list[str]:
    expr: Any = expressions
    for part in path.split("."):
        expr = step(expr, int(part) if part.isdigit() else part)
        if expr is None:
            return []
    return list(expr.get("references") or []) if isinstance(expr, dict) else []


def step(node: Any, key: Any) -> Any:
    if isinstance(node, dict):
        return node.get(key) if isinstance(key, str) else None
    if isinstance(node, list) and isinstance(key, int):
        return node[key] if 0 <= key < len(node) else None
    return None


def config_keys(values: Values, attr: str) -> set[str]:
    """The attribute names the configuration sets in the block that holds `attr`."""
    node: Any = values.config
    for part in attr.split(".")[:-1]:
        node = step(node, int(part) if part.isdigit() else part)
    return set(node) if isinstance(node, dict) else set()


def config_path(module_address: str | None) -> str:
    """module.a[0].module.b -> module.a.module.b: the configuration is per module, not per instance."""
    return re.sub(r"\[[^\]]*\]", "", module_address or "")


def config_address(rc: dict) -> str:
    module = config_path(rc.get("module_address"))
    return (module + "." if module else "") + f"{rc.get('type')}.{rc.get('name')}"


def _join(module: str, rest: str) -> str:
    return (module + "." if module else "") + rest


class References:
    """The configuration's resources and module calls, indexed by their configuration address."""

    def __init__(self, configuration: dict):
        self.resources: dict[str, dict] = {}
        self.modules: dict[str, dict] = {}  # configuration path of a module -> its module block

        def walk(module: dict, prefix: str) -> None:
            self.modules[prefix] = module
            for res in module.get("resources") or []:
                self.resources[_join(prefix, f"{res.get('type')}.{res.get('name')}")] = res
            for name, call in (module.get("module_calls") or {}).items():
                walk(call.get("module") or {}, _join(prefix, f"module.{name}"))

        walk(configuration.get("root_module") or {}, "")

    def config(self, rc: dict) -> dict | None:
        return self.resources.get(config_address(rc))

    def resolve(self, module: str, refs: list[str], planned, depth: int = 0) -> tuple[str | None, str]:
        """The planned address that references made in module instance `module` point at, or (None, why).

        `planned` is the set of planned addresses. A `var.x` reference is followed to the argument `x`
        of the module call in the parent module; a `module.m.out` reference to the output `out` of m."""
        if depth > 32:
            return None, "refers through more than 32 module levels"
        for ref in refs:
            m = _REF.match(ref)
            if m:
                if m.group(1):
                    return None, f"comes from data source data.{m.group(2)}.{m.group(3)}, read only at apply"
                return self._planned(_join(module, f"{m.group(2)}.{m.group(3)}"), m.group(4), planned)
            v = _VAR.match(ref)
            if v and module:
                parent, call = _parent(module)
                args = ((self.modules.get(config_path(parent)) or {}).get("module_calls") or {}).get(call) or {}
                inner = expression_refs(args.get("expressions") or {}, v.group(1))
                if inner:
                    return self.resolve(parent, inner, planned, depth + 1)
                return None, f"comes from var.{v.group(1)} of {module}, which its module call does not set " \
                             "from a resource of this plan"
            o = _MODULE_OUTPUT.match(ref)
            if o:
                child = _join(module, f"module.{o.group(1)}{o.group(2) or ''}")
                outputs = (self.modules.get(config_path(child)) or {}).get("outputs") or {}
                inner = list(((outputs.get(o.group(3)) or {}).get("expression") or {}).get("references") or [])
                if inner:
                    return self.resolve(child, inner, planned, depth + 1)
        return None, "unknown until apply"

    @staticmethod
    def _planned(base: str, index: str | None, planned) -> tuple[str | None, str]:
        if index and base + index in planned:
            return base + index, ""
        matches = [a for a in planned if a == base or a.startswith(base + "[")]
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, f"refers to one of {len(matches)} instances of {base}"
        return None, f"refers to {base}, which this plan does not create"


def _parent(module: str) -> tuple[str, str]:
    """module.a[0].module.b -> ("module.a[0]", "b")."""
    steps = _MODULE_STEP.findall(module)
    name = re.sub(r"\[[^\]]*\]$", "", steps[-1])[len("module."):]
    return ".".join(steps[:-1]), name
