"""Baselines: compare two JSON reports, and gate only on FAILs that are new.

The identity of a finding is (account, region, rule, resource_id). A finding is "failing" when it
is FAIL or WAIVED (a waived finding still fails; it is accepted, not fixed).
"""

from __future__ import annotations

from . import inputs
from .errors import UsageError
from .model import ERROR, FAIL, WAIVED, severity_rank
from .report import REPORT_FORMAT, incomplete

FAILING = (FAIL, WAIVED)


def identity(f: dict) -> tuple:
    return (f.get("account_id"), f.get("region"), f.get("rule"), f.get("resource_id"))


def load(path: str) -> dict:
    """A JSON report written by `aliaudit scan --format json`; problems are one-line UsageErrors."""
    doc = inputs.parse_json(inputs.read_text(path, "a JSON report", inputs.MAX_JSON_BYTES, syntax="JSON"), path)
    if not isinstance(doc, dict) or not str(doc.get("report_format", "")).startswith("aliaudit-report/"):
        raise UsageError("not an aliaudit JSON report (no report_format); write one with --format json", path,
                         "top level" if not isinstance(doc, dict) else "report_format")
    if doc["report_format"] != REPORT_FORMAT:
        raise UsageError(f"unknown report format {doc['report_format']!r} (this aliaudit reads {REPORT_FORMAT!r})",
                         path, "report_format")
    if not isinstance(doc.get("findings"), list):
        raise UsageError("the report has no findings list", path, "findings")
    for i, f in enumerate(doc["findings"]):
        if not isinstance(f, dict) or not {"rule", "status", "resource_id"} <= set(f):
            raise UsageError("a finding needs rule, status and resource_id", path, f"findings[{i}]")
    return doc


def _brief(f: dict) -> dict:
    return {k: f.get(k) for k in ("account_id", "region", "rule", "resource_id", "status", "severity", "reason", "title")}


def diff(old: dict, new: dict) -> dict:
    """New, fixed and still-failing findings between two reports."""
    before = {identity(f): f for f in old["findings"] if f["status"] in FAILING}
    after = {identity(f): f for f in new["findings"] if f["status"] in FAILING}
    now_all = {identity(f): f for f in new["findings"]}
    fixed = []
    for key, f in before.items():
        if key in after:
            continue
        later = now_all.get(key)
        fixed.append({**_brief(f), "now": later["status"] if later else "absent"})
    return {
        "new": [_brief(f) for k, f in sorted(after.items(), key=lambda kv: _sort(kv[0])) if k not in before],
        "fixed": sorted(fixed, key=lambda f: _sort(identity(f))),
        "still_failing": [_brief(f) for k, f in sorted(after.items(), key=lambda kv: _sort(kv[0])) if k in before],
    }


def _sort(key: tuple) -> tuple:
    return tuple("" if k is None else str(k) for k in key)


def mark(report: dict, old: dict) -> list[dict]:
    """Tag each failing finding of `report` new or existing against the baseline; return the new ones."""
    known = {identity(f) for f in old["findings"] if f["status"] in FAILING}
    new = []
    for f in report["findings"]:
        if f["status"] in FAILING:
            f["baseline"] = "existing" if identity(f) in known else "new"
            if f["baseline"] == "new":
                new.append(f)
    report["baseline"] = {"new": len(new), "existing": sum(1 for f in report["findings"] if f.get("baseline") == "existing")}
    return new


def exit_code(report: dict, fail_on: str) -> int:
    """Like report.exit_code, but only FAILs tagged new count: 1 new FAIL at/above fail_on; 3 any ERROR; else 0."""
    threshold = severity_rank(fail_on)
    if any(f["status"] == FAIL and f.get("baseline") == "new" and severity_rank(f["severity"]) >= threshold
           for f in report["findings"]):
        return 1
    if any(f["status"] == ERROR for f in report["findings"]):
        return 3
    return 3 if incomplete(report) else 0
