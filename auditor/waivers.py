"""Waivers: accepted FAILs, each with a justification, an approver and an expiry date.

    # waivers.yaml: a YAML list
    - rule: ecs-disk-encrypted            # a rule id (aliaudit rules)
      resource: "d-j6cbatch01*"           # fnmatch pattern on the finding's resource_id (a plan: the address)
      justification: "batch scratch disk, no personal data; replaced in Q3"
      approver: "ciso@insurer.example"
      expires: 2026-09-30                 # the last day the waiver applies (UTC)

A FAIL that an active waiver matches becomes WAIVED, with `finding["waiver"]`; WAIVED never fails
the gate. An expired waiver waives nothing (the finding stays FAIL and carries `expired_waiver`)
and is reported; a waiver that matches no FAIL is reported as stale. Every waiver appears in
`report["waivers"]` with its state: active, expired or stale.
"""

from __future__ import annotations

import datetime as dt
import fnmatch

import yaml

from . import inputs
from .errors import UsageError
from .model import FAIL, WAIVED

FIELDS = ("rule", "resource", "justification", "approver", "expires")


def load(path: str, known_rules: set[str] | None = None) -> list[dict]:
    """Parse and check a waiver file; any problem is one UsageError naming the file and the place."""
    text = inputs.read_text(path, "a waiver file", inputs.MAX_YAML_BYTES)
    doc = inputs.parse_yaml(text, path)
    node = yaml.compose(text, Loader=yaml.SafeLoader)  # parsed once already: only for line numbers
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise UsageError("a waiver file is a YAML list of waivers", path, "top level")
    out = []
    for i, entry in enumerate(doc):
        line = node.value[i].start_mark.line + 1 if node is not None and i < len(node.value) else None
        out.append(_check(entry, path, f"[{i}]" + (f" (line {line})" if line else ""), known_rules))
    return out


def _check(entry, path: str, where: str, known_rules: set[str] | None) -> dict:
    if not isinstance(entry, dict):
        raise UsageError("a waiver is a mapping of " + ", ".join(FIELDS), path, where)
    unknown = sorted(str(k) for k in entry if k not in FIELDS)
    if unknown:
        raise UsageError(f"unknown key {unknown[0]!r} (known: {', '.join(FIELDS)})", path, where)
    for key in FIELDS:
        if key not in entry or entry[key] in (None, ""):
            raise UsageError(f"missing {key}", path, where)
    for key in ("rule", "resource", "justification", "approver"):
        if not isinstance(entry[key], str):
            raise UsageError(f"{key} must be a string, not {type(entry[key]).__name__}", path, where)
    if known_rules is not None and entry["rule"] not in known_rules:
        raise UsageError(f"unknown rule {entry['rule']!r}", path, where)
    expires = entry["expires"]
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    elif isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise UsageError(f"expires {expires!r} is not a date (YYYY-MM-DD)", path, where) from None
    elif not isinstance(expires, dt.date):
        raise UsageError("expires must be a date (YYYY-MM-DD)", path, where)
    return {"rule": entry["rule"], "resource": entry["resource"], "justification": entry["justification"].strip(),
            "approver": entry["approver"].strip(), "expires": expires.isoformat()}


def apply(findings: list[dict], waivers: list[dict], today: dt.date | None = None) -> tuple[list[dict], list[dict]]:
    """Mark waived FAILs WAIVED; return (findings, report["waivers"])."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    states = []
    for w in waivers:
        expired = dt.date.fromisoformat(w["expires"]) < today
        matched = [f for f in findings if f["status"] in (FAIL, WAIVED) and f["rule"] == w["rule"]
                   and fnmatch.fnmatchcase(str(f.get("resource_id")), w["resource"])]
        record = {**w}
        if expired:
            for f in matched:
                if f["status"] == FAIL:
                    f.setdefault("expired_waiver", dict(w))
            record["state"] = "expired"
        elif not matched:
            record["state"] = "stale"
        else:
            for f in matched:
                if f["status"] == FAIL:
                    f["status"] = WAIVED
                    f["waiver"] = dict(w)
            record["state"] = "active"
        record["matched"] = [f"{f.get('account_id')}/{f.get('region')}/{f.get('resource_id')}" for f in matched]
        states.append(record)
    return findings, states


def warnings(states: list[dict]) -> list[str]:
    """One line per waiver that needs attention (for stderr)."""
    out = []
    for w in states:
        if w["state"] == "expired":
            out.append(f"waiver for {w['rule']} on {w['resource']} expired on {w['expires']} (approver {w['approver']}); "
                       f"{len(w['matched'])} finding(s) fail again")
        elif w["state"] == "stale":
            out.append(f"waiver for {w['rule']} on {w['resource']} matches no failing finding (stale); remove it")
    return out
