"""Read `terraform show -json` output (HashiCorp's documented JSON output format, format_version 1.x)."""

from __future__ import annotations

from .. import inputs
from ..errors import UsageError

SUPPORTED_MAJOR = "1"


def load(path: str) -> dict:
    """The plan document; every problem is a one-line UsageError (exit 2)."""
    text = inputs.read_text(path, "a plan (the output of `terraform show -json PLAN`)", inputs.MAX_JSON_BYTES,
                            syntax="JSON")
    doc = inputs.parse_json(text, path)
    if not isinstance(doc, dict):
        raise UsageError("a plan is a JSON object", path, "top level")
    version = doc.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        raise UsageError(f"unsupported plan format_version {version!r} (expected 1.x, from `terraform show -json`)",
                         path, "format_version")
    if "resource_changes" not in doc and "planned_values" not in doc:
        raise UsageError("no resource_changes: this is not a plan (state files are not supported)", path)
    changes = doc.get("resource_changes", [])
    if not isinstance(changes, list):
        raise UsageError("resource_changes is not a list", path, "resource_changes")
    for i, rc in enumerate(changes):
        where = f"resource_changes[{i}]"
        if not isinstance(rc, dict):
            raise UsageError(f"{where} is {_kind(rc)}, not a resource change object", path, where)
        if not isinstance(rc.get("change"), dict):
            raise UsageError(f"{where} ({rc.get('address', 'no address')}) has no change object", path, where)
        if not isinstance(rc.get("type"), str) or not isinstance(rc.get("address"), str):
            raise UsageError(f"{where} has no type or address", path, where)
    return doc


def _kind(value) -> str:
    return "null" if value is None else f"a {type(value).__name__}"
