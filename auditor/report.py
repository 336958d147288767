"""The report: findings rolled up into clause statuses, the summary, the organisation's view, and the exit code.

Roll-up: see clauses.py (any FAIL -> NON_COMPLIANT, else any ERROR -> INCOMPLETE, else any PASS ->
COMPLIANT, nothing in scope -> NOT_APPLICABLE; manual clauses MANUAL until attested).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import __version__, attestations as attesting, clauses, record, regions
from .remediation import fill
from .model import COMPLIANT, ERROR, FAIL, INCOMPLETE, MANUAL, NON_COMPLIANT, NOT_APPLICABLE, severity_rank

REPORT_FORMAT = "aliaudit-report/1"
SCANNED, UNREACHABLE = "SCANNED", "UNREACHABLE"  # an organisation member's scan_status
_ORDER = {NON_COMPLIANT: 0, INCOMPLETE: 1, COMPLIANT: 2, NOT_APPLICABLE: 3}


def build(collected: dict, findings: list[dict], opts, source: dict, scope, cats: list[dict],
          digest: str | None = None) -> dict:
    """The report of a scan: clause statuses from the findings (and attestations) of the catalogues in scope
    (`cats`, from scope.catalogues), with what was read. --status keeps findings after the roll-up. `digest`:
    the snapshot's, computed before its resources were dropped (snapshot.drop_resources)."""
    unlisted = regions.unlisted(collected)  # accounts whose regions are unknown: no verdict stands for them
    findings = [f for f in findings if f.get("account_id") not in unlisted]
    clause_results = clauses.roll_up(cats, findings)
    incomplete = regions.mark_unlisted(unlisted, clause_results) if unlisted else None
    if opts.attestations is not None:
        attesting.apply(clause_results, list(opts.attestations))
    findings = [f for f in findings if scope.keep_finding(f)]
    mapping = clauses.rule_clauses(cats)
    for f in findings:
        f["clauses"] = mapping.get(f["rule"], [])
        fill(f)
    errors = [e for a in collected["accounts"] for e in a.get("errors", [])]
    report = {
        "report_format": REPORT_FORMAT,
        "tool_version": __version__,
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "collected_at": collected.get("collected_at"),
        "source": source,
        "identities": collected.get("identities", []),
        "accounts": [a["account_id"] for a in collected["accounts"]],
        "regions": sorted({r for a in collected["accounts"] for r in a.get("regions", {})}),
        "frameworks": [c["framework"] for c in cats],
        "scope": scope.record(),
        "summary": None,  # the one-page summary (auditor/reporters/summary.py), filled by the pipeline's roll-up
        "clauses": clause_results,
        "findings": findings,
        "collection_errors": errors,
        "snapshot_digest": digest if digest is not None else record.digest(collected),
        **({"attestations": list(opts.attestations)} if opts.attestations is not None else {}),
    }
    if incomplete:
        report["incomplete"] = incomplete
    unavailable = [u for a in collected["accounts"] for u in a.get("unavailable", [])]
    if unavailable:
        report["unavailable"] = unavailable
    empty = {a["account_id"]: a["regions_without_resources"] for a in collected["accounts"]
             if a.get("regions_without_resources")}
    if empty:
        report["regions_without_resources"] = empty
    if collected.get("organisation") is not None:
        report["organisation"] = organisation(collected["organisation"], cats, findings)
    return report


def organisation(org: dict, catalogues: list[dict], findings: list[dict]) -> dict:
    """Per clause: each account's status and the organisation's (the worst; INCOMPLETE if an account was missed)."""
    reached = [a["account_id"] for a in org["accounts"] if a.get("scan_status") == SCANNED]
    missed = [a["account_id"] for a in org["accounts"] if a.get("scan_status") != SCANNED]
    per_account = {acct: clauses.roll_up(catalogues, [f for f in findings if f["account_id"] == acct])
                   for acct in reached}
    rows = []
    for i, clause in enumerate(clauses.roll_up(catalogues, [])):
        statuses = {acct: per_account[acct][i]["status"] for acct in reached}
        if clause["kind"] == "manual":
            status = MANUAL
        else:
            status = min(statuses.values(), key=lambda s: _ORDER[s], default=NOT_APPLICABLE)
            if missed and status != NON_COMPLIANT:
                status = INCOMPLETE
        counts: dict[str, int] = {}
        for s in statuses.values():
            counts[s] = counts.get(s, 0) + 1
        if missed and clause["kind"] != "manual":
            counts[UNREACHABLE] = len(missed)
        rows.append({"framework": clause["framework"], "clause": clause["clause"], "title": clause["title"],
                     "kind": clause["kind"], "status": status, "accounts": statuses, "counts": dict(sorted(counts.items()))})
    return {**org, "clauses": rows}


def incomplete(report: dict) -> bool:
    """A member account was not reached, or a call failed. A failed call that no rule declares (ECS
    DescribeZones, DescribeRegions in the collection) changes no verdict, but the scan did not read
    all it meant to: never exit 0 then."""
    org: Any = report.get("organisation") or {}
    if report.get("collection_errors"):
        return True
    return any(a.get("scan_status") != SCANNED for a in org.get("accounts", []))



def exit_code(report: dict, fail_on: str) -> int:
    """0: no FAIL at or above fail_on; 1: such a FAIL; 3: none, but some ERROR (incomplete)."""
    threshold = severity_rank(fail_on)
    if any(f["status"] == FAIL and severity_rank(f["severity"]) >= threshold for f in report["findings"]):
        return 1
    if any(f["status"] == ERROR for f in report["findings"]):
        return 3
    return 3 if incomplete(report) else 0
