"""A terminal table: the one-page summary, status per clause, then every FAIL and ERROR finding
(most severe first, then by rule), and a closing line of counts per status and severity."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..attestations import warnings
from . import summary as summaries
from .common import LABELS, finding_sort_key, new_sections, severity_rank, visible

FORMATS = {"table": ("txt", "render")}  # format -> (extension, render[, writer]); see __init__.py

STYLE = {
    "COMPLIANT": "green", "NON_COMPLIANT": "bold red", "INCOMPLETE": "yellow", "NOT_APPLICABLE": "dim",
    "MANUAL": "cyan", "ATTESTED": "green", "PASS": "green", "FAIL": "red", "ERROR": "yellow", "WAIVED": "magenta",
}


def _plain(value) -> Text:
    """Text that rich does not interpret (resource names are data, not markup), with control characters
    (an ANSI escape in a name) shown as \\xNN so the terminal does not run them."""
    return Text(visible(value))


def render(report: dict, *, color: bool = False, width: int = 140) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=color, no_color=not color, highlight=False)
    ids = ", ".join(report.get("accounts", [])) or "-"
    console.print(_plain(f"aliaudit {report['tool_version']}  accounts: {ids}  regions: "
                         f"{', '.join(report.get('regions', [])) or '-'}  source: {report['source'].get('kind')}"))
    s = summaries.of(report)
    _summary(console, report, s)
    clauses = Table(title="Status per clause", show_lines=False)
    for col in ("Framework", "Clause", "Title", "Status", "Pass", "Fail", "Error", "Waived"):
        clauses.add_column(col, no_wrap=col in ("Clause", "Status"))
    for heading, c in new_sections(report["clauses"]):
        if heading:  # a catalogue with sections (CIS): one heading row where each section starts
            clauses.add_row(_plain(c["framework"]), Text(""), Text(visible(heading), style="bold"))
        counts = c.get("counts", {})
        clauses.add_row(_plain(c["framework"]), _plain(c["clause"]), _plain(c["title"]),
                        Text(c["status"], style=STYLE.get(c["status"], "")),
                        _plain(counts.get("PASS", "")), _plain(counts.get("FAIL", "")), _plain(counts.get("ERROR", "")),
                        _plain(counts.get("WAIVED", "")))
    console.print(clauses)
    problems = [f for f in report["findings"] if f["status"] in ("FAIL", "ERROR")]
    if problems:
        table = Table(title=f"Findings that need action ({len(problems)})")
        for col in ("Status", "Severity", "Rule", "Resource", "Region", "Reason"):
            table.add_column(col)
        for f in sorted(problems, key=_by_severity):
            mark = {"new": " new", "existing": " known"}.get(f.get("baseline"), "")  # with --baseline
            table.add_row(Text(f["status"] + mark, style=STYLE.get(f["status"], "")), _plain(f["severity"]),
                          _plain(f["rule"]),
                          _plain(f["resource_id"]), _plain(f["region"] or "-"), _plain(f["reason"]))
        console.print(table)
    _waivers(console, report)
    _expired_attestations(console, report)
    failing = summaries.failing_by_severity(s)
    console.print(_plain("clauses: " + ", ".join(f"{k} {v}" for k, v in s["clauses"].items())
                         + "  |  findings: " + ", ".join(f"{k} {v}" for k, v in s["findings"].items())
                         + "  |  FAIL by severity: " + (", ".join(f"{sev} {n}" for sev, n in failing) or "none")))
    return buf.getvalue()


def _by_severity(f: dict):
    """Most severe first, then by rule, then FAIL before ERROR, then where."""
    return (-severity_rank(f.get("severity", "")), f.get("rule", ""), finding_sort_key(f))


def _summary(console: Console, report: dict, s: dict) -> None:
    """The one-page summary: the verdict, clauses per framework, findings per severity, top risks, trend."""
    v = s["verdict"]
    console.print(Text(visible(v["text"]), style=STYLE.get(v["automated"], "") + " bold"))
    scope = summaries.scope_text(report)
    if scope:
        console.print(_plain(f"scope: {scope}"))
    fw = Table(title="Clauses per framework")
    for col in ("Framework", "Clauses", "Compliant", "Non-compliant", "Incomplete", "Manual", "Attested",
                "Automated clauses compliant"):
        fw.add_column(col, justify="left" if col in ("Framework", "Automated clauses compliant") else "right")
    for row in s["frameworks"]:
        fw.add_row(_plain(row["name"]), *(_plain(row[k]) for k in ("clauses", "COMPLIANT", "NON_COMPLIANT",
                                                                   "INCOMPLETE", "MANUAL", "ATTESTED")),
                   _plain(summaries.share_text(row)))
    console.print(fw)
    sev = Table(title="Findings per severity")
    statuses = [st for st in ("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE") if st in s["findings"]]
    sev.add_column("Severity")
    for st in statuses:
        sev.add_column(LABELS.get(st, st), justify="right")
    for name, counts in s["severities"].items():
        if counts:
            sev.add_row(_plain(name), *(Text(str(counts.get(st, 0)), style=STYLE.get(st, "") if counts.get(st) else "")
                                        for st in statuses))
    console.print(sev)
    if s["top_risks"]:
        shown = len(s["top_risks"])
        more = f", {shown} of {s['top_risks_total']}" if s["top_risks_total"] > shown else ""
        risks = Table(title=f"Top risks (critical and high FAILs by rule{more})")
        for col in ("Severity", "Rule", "Title", "Resources"):
            risks.add_column(col, justify="right" if col == "Resources" else "left")
        for r in s["top_risks"]:
            risks.add_row(Text(r["severity"], style="bold red"), _plain(r["rule"]), _plain(r["title"]),
                          _plain(r["resources"]))
        console.print(risks)
    for t in s.get("trend") or []:
        console.print(_plain("trend: " + summaries.trend_text(t)))


def _waivers(console: Console, report: dict) -> None:
    """Waived findings, and waivers that expired or match nothing (--waivers)."""
    waived = [f for f in report["findings"] if f["status"] == "WAIVED"]
    if waived:
        table = Table(title=f"Waived findings ({len(waived)})")
        for col in ("Rule", "Resource", "Region", "Justification", "Approver", "Expires"):
            table.add_column(col)
        for f in sorted(waived, key=lambda f: (f["rule"], f["resource_id"])):
            w = f.get("waiver") or {}
            table.add_row(_plain(f["rule"]), _plain(f["resource_id"]), _plain(f["region"] or "-"),
                          _plain(w.get("justification")), _plain(w.get("approver")), _plain(w.get("expires")))
        console.print(table)
    attention = [w for w in report.get("waivers") or [] if w.get("state") in ("expired", "stale")]
    if attention:
        table = Table(title=f"Waivers that need attention ({len(attention)})")
        for col in ("State", "Rule", "Resource pattern", "Approver", "Expires"):
            table.add_column(col)
        for w in attention:
            table.add_row(Text(w["state"].upper(), style="red" if w["state"] == "expired" else "yellow"),
                          _plain(w["rule"]), _plain(w["resource"]), _plain(w["approver"]), _plain(w["expires"]))
        console.print(table)


def _expired_attestations(console: Console, report: dict) -> None:
    """Attestations that expired (--attestations): the clause is MANUAL again until a new one is given."""
    lines = warnings(report)
    if lines:
        table = Table(title=f"Attestations that need attention ({len(lines)})")
        for col in ("State", "Clause", "Owner", "Expired on"):
            table.add_column(col)
        covered = {f"{c['framework']}:{c['clause']}" for c in report.get("clauses", [])}
        valid = {a["clause"] for a in report.get("attestations") or [] if a.get("state") == "valid"}
        for a in report.get("attestations") or []:
            if a.get("state") == "expired" and a["clause"] in covered and a["clause"] not in valid:
                table.add_row(Text("EXPIRED", style="red"), _plain(a["clause"]), _plain(a["owner"]),
                              _plain(a["expires"]))
        console.print(table)
