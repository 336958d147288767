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

FIELD = re.compile(r"\{(resource_id|region|account_id|parent|child|port|ev:[A-Za-z0-9_]+)\}")
KEYS = ("cli", "terraform")


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


def render(text: str, finding: dict) -> str:
    known = values(finding)

    def sub(m: re.Match) -> str:
        name = m.group(1)
        value = _evidence_value(finding.get("evidence"), name[3:]) if name.startswith("ev:") else known.get(name)
        return _placeholder(name) if value in (None, "") else str(value)

    return FIELD.sub(sub, text)


def fill(finding: dict) -> dict:
    """Substitute the fields of the finding's remediation in place (a new dict; the rule's stays as it is)."""
    rem = finding.get("remediation")
    if isinstance(rem, dict):
        finding["remediation"] = {k: render(v, finding) if isinstance(v, str) else v for k, v in rem.items()}
    return finding


def generic(text: str) -> str:
    """The rule's text with every field shown as its placeholder (`rules show`)."""
    return FIELD.sub(lambda m: _placeholder(m.group(1)), text)


def generic_all(remediation: dict) -> dict:
    """A rule's remediation with every field shown as its placeholder, for text about the rule, not a finding."""
    return {k: generic(v) if isinstance(v, str) else v for k, v in remediation.items()}
