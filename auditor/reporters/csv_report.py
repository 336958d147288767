"""CSV: one row per finding, with stable columns (documented in README.md, "CSV columns").

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) get a leading apostrophe. Evidence is one compact JSON object per cell.
"""

from __future__ import annotations

import csv
import io

from . import common

COLUMNS = (
    "account_id", "region", "product", "resource_type", "resource_id", "rule", "title", "severity", "status",
    "reason", "evidence", "clauses", "api", "remediation_console", "remediation_cli", "remediation_terraform",
    "waiver_justification", "waiver_approver", "waiver_expires", "generated_at",
)

FORMATS = {"csv": ("csv", "render", "write")}  # format -> (extension, render[, writer]); see __init__.py
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe(value) -> str:
    text = common.visible_cell(value)  # control, bidi and line-break characters escaped
    return "'" + text if text.startswith(_FORMULA) else text


def row(f: dict, report: dict) -> dict:
    rem = f.get("remediation") or {}
    waiver = f.get("waiver") or {}
    values = {
        "account_id": f.get("account_id"), "region": f.get("region"), "product": f.get("product"),
        "resource_type": f.get("resource_type"), "resource_id": f.get("resource_id"), "rule": f.get("rule"),
        "title": f.get("title"), "severity": f.get("severity"), "status": f.get("status"), "reason": f.get("reason"),
        "evidence": common.evidence_json(f.get("evidence")), "clauses": ";".join(f.get("clauses", [])),
        "api": ";".join(f.get("api", [])), "remediation_console": rem.get("console"),
        "remediation_cli": rem.get("cli"), "remediation_terraform": rem.get("terraform"),
        "waiver_justification": waiver.get("justification"), "waiver_approver": waiver.get("approver"),
        "waiver_expires": waiver.get("expires"), "generated_at": report.get("generated_at"),
    }
    return {k: safe(values[k]) for k in COLUMNS}


def render(report: dict, **_) -> str:
    buf = io.StringIO()
    write(report, buf)
    return buf.getvalue()


def write(report: dict, fh, **_) -> None:
    """One row at a time into fh (opened with newline="")."""
    writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for f in sorted(report.get("findings", []), key=common.finding_sort_key):
        writer.writerow(row(f, report))
