"""Remediation filled in for one finding: the rule's CLI and Terraform fixes name its resource.

A rule's remediation text may hold these fields, substituted here (and only here) when a finding
is made:

    {resource_id}   the finding's resource id            {region}      its region
    {account_id}    its account                          {parent}      the resource id before the first "/"
    {child}         the resource id after the last "/"   {port}        the digits after the last ":"
    {ev:Name}       the evidence value whose field name ends with Name (a scalar)

A field the finding cannot fill (an account-level finding has no region; the evidence lacks the
value) becomes a `<placeholder>` a person fills in, e.g. `<region>`. Text in `<...>` written in
the rule itself stays: it names what the tool cannot know (a new bucket's name, a vault id).
"""

from __future__ import annotations

import re
from functools import lru_cache

FIELD = re.compile(r"\{(resource_id|region|account_id|parent|child|port|ev:[A-Za-z0-9_]+)\}")
KEYS = ("cli", "terraform")


@lru_cache(maxsize=1024)
def _placeholder(name: str) -> str:
    name = name.removeprefix("ev:")
    return "<" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).replace("_", "-").lower() + ">"


def _evidence_value(evidence, name: str):
    if not isinstance(evidence, dict):
        return None
    for key, value in evidence.items():
        if str(key).rsplit(".", 1)[-1] == name and isinstance(value, (str, int)) and not isinstance(value, bool) \
                and str(value) != "":
            return value
    return None


def values(finding: dict) -> dict:
    rid = finding.get("resource_id")
    rid = rid if isinstance(rid, str) and rid not in ("", "*") else None
    child = rid.rsplit("/", 1)[-1] if rid else None
    port = child.rsplit(":", 1)[-1] if child and ":" in child else None
    return {"resource_id": rid, "region": finding.get("region"), "account_id": finding.get("account_id"),
            "parent": rid.split("/", 1)[0] if rid else None, "child": child,
            "port": port if port and port.isdigit() else None}


@lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[str, ...]:
    """The text split at its fields: literal, field, literal, ... (a rule's few texts are split once)."""
    return tuple(FIELD.split(text))


def render(text: str, finding: dict, known: dict | None = None) -> str:
    parts = _parts(text)
    if len(parts) == 1:
        return text
    known = known if known is not None else values(finding)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
            continue
        value = _evidence_value(finding.get("evidence"), part[3:]) if part.startswith("ev:") else known.get(part)
        out.append(_placeholder(part) if value in (None, "") else str(value))
    return "".join(out)


class _Plan:
    """A remediation dict made ready for fill: each text split at its fields once, the fields it uses."""

    __slots__ = ("items", "known", "evidence")

    def __init__(self, remediation: dict):
        self.items: list[tuple] = []  # (key, value, None) for what has no field, else (key, None, parts)
        fields: set[str] = set()
        for key, value in remediation.items():
            parts = _parts(value) if isinstance(value, str) else (value,)
            if len(parts) == 1:
                self.items.append((key, value, None))
                continue
            self.items.append((key, None, tuple((p, None) if i % 2 == 0 else (p, _placeholder(p))
                                                for i, p in enumerate(parts))))
            fields.update(parts[1::2])
        self.known = any(not f.startswith("ev:") for f in fields)
        self.evidence = sorted(f for f in fields if f.startswith("ev:"))


_PLANS: dict[tuple, _Plan] = {}  # by the remediation's items: every finding of a rule shares its remediation


def fill(finding: dict) -> dict:
    """Substitute the fields of the finding's remediation (a new dict; the rule's stays as it is)."""
    rem = finding.get("remediation")
    if not isinstance(rem, dict):
        return finding
    try:
        key = tuple(rem.items())
        plan = _PLANS.get(key)
    except TypeError:  # a value that cannot be hashed: planned, not kept
        key, plan = None, None
    if plan is None:
        plan = _Plan(rem)
        if key is not None:
            if len(_PLANS) >= 4096:
                _PLANS.clear()
            _PLANS[key] = plan
    found = values(finding) if plan.known else {}
    if plan.evidence:
        evidence = finding.get("evidence")
        for field in plan.evidence:
            found[field] = _evidence_value(evidence, field[3:])
    out = {}
    for key, value, parts in plan.items:
        if parts is None:
            out[key] = value
            continue
        text = []
        for part, placeholder in parts:
            if placeholder is None:
                text.append(part)
            else:
                value = found.get(part)
                text.append(placeholder if value in (None, "") else str(value))
        out[key] = "".join(text)
    finding["remediation"] = out
    return finding


def generic(text: str) -> str:
    """The rule's text with every field shown as its placeholder (`rules show`)."""
    return FIELD.sub(lambda m: _placeholder(m.group(1)), text)


def generic_all(remediation: dict) -> dict:
    """A rule's remediation with every field shown as its placeholder, for text about the rule, not a finding."""
    return {k: generic(v) if isinstance(v, str) else v for k, v in remediation.items()}
