"""The one-page summary: computed once from the report, stored as report["summary"], drawn by every reporter.

    clauses      {clause status: n}                       (all frameworks)
    findings     {finding status: n}                      (one finding per rule and resource)
    severities   {severity: {finding status: n}}          (critical first)
    frameworks   [{framework, name, clauses, COMPLIANT, NON_COMPLIANT, INCOMPLETE, MANUAL, ATTESTED,
                   NOT_APPLICABLE, automated, automated_assessed, automated_compliant, automated_share}]
    verdict      {automated: status of the automated clauses taken together, automated_clauses,
                  automated_compliant, needs_attestation, attested, text}
    top_risks    [{rule, title, severity, product, resources, clauses}]: critical and high FAILs grouped
                 by rule, the ten with most weight (severity, then resources); top_risks_total counts them all
    trend        with --store: per account, what changed since its previous stored scan (`trend`), else absent

"Automated" clauses are the automated and hybrid ones (a hybrid clause's technical part is checked; its
manual part is shown as an attestation to give). The verdict never reads plain "Manual": it says how the
automated clauses stand and how many clauses still need an attestation.
"""

from __future__ import annotations

from . import common

CLAUSE_STATUSES = ("COMPLIANT", "NON_COMPLIANT", "INCOMPLETE", "MANUAL", "ATTESTED", "NOT_APPLICABLE")
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
RISK_SEVERITIES = ("critical", "high")
TOP = 10
WORDS = {"COMPLIANT": "compliant", "NON_COMPLIANT": "non-compliant", "INCOMPLETE": "incomplete",
         "NOT_APPLICABLE": "nothing in scope"}


def _count(items, key) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in items:
        out[i[key]] = out.get(i[key], 0) + 1
    return dict(sorted(out.items()))


def _automated_status(statuses: list[str]) -> str:
    for status in ("NON_COMPLIANT", "INCOMPLETE", "COMPLIANT"):
        if status in statuses:
            return status
    return "NOT_APPLICABLE"


def _framework(fw: str, clauses: list[dict]) -> dict:
    auto = [c for c in clauses if c.get("kind") != "manual"]
    assessed = [c for c in auto if c["status"] != "NOT_APPLICABLE"]
    compliant = sum(c["status"] == "COMPLIANT" for c in auto)
    row = {"framework": fw, "name": common.framework_name(fw), "clauses": len(clauses)}
    row.update({s: sum(c["status"] == s for c in clauses) for s in CLAUSE_STATUSES})
    row.update(automated=len(auto), automated_assessed=len(assessed), automated_compliant=compliant,
               automated_share=round(compliant / len(assessed), 4) if assessed else None)
    return row


def _verdict(clauses: list[dict]) -> dict:
    auto = [c for c in clauses if c.get("kind") != "manual"]
    status = _automated_status([c["status"] for c in auto])
    compliant = sum(c["status"] == "COMPLIANT" for c in auto)
    needs = sum(c["status"] == "MANUAL" for c in clauses)
    attested = sum(c["status"] == "ATTESTED" for c in clauses)
    incomplete = sum(c["status"] == "INCOMPLETE" for c in auto)
    if not auto:
        text = "No automated clause in scope."
    elif status == "NOT_APPLICABLE":
        text = "Automated clauses: nothing in scope."
    else:
        text = f"Automated clauses: {WORDS[status]} ({compliant} of {len(auto)} compliant"
        text += f", {incomplete} could not be fully checked)." if incomplete else ")."
    if needs:
        text += f" {needs} clause{'s' if needs != 1 else ''} need{'' if needs != 1 else 's'} attestation."
    elif attested:
        text += f" {attested} manual clause{'s' if attested != 1 else ''} attested."
    return {"automated": status, "automated_clauses": len(auto), "automated_compliant": compliant,
            "needs_attestation": needs, "attested": attested, "text": text}


def _top_risks(findings: list[dict]) -> list[dict]:
    groups: dict[str, dict] = {}
    for f in findings:
        if f["status"] != "FAIL" or f.get("severity") not in RISK_SEVERITIES:
            continue
        g = groups.setdefault(f["rule"], {"rule": f["rule"], "title": f.get("title") or f["rule"],
                                          "severity": f["severity"], "product": f.get("product") or "",
                                          "resources": 0, "clauses": list(f.get("clauses") or [])})
        g["resources"] += 1
    return sorted(groups.values(), key=lambda g: (RISK_SEVERITIES.index(g["severity"]), -g["resources"], g["rule"]))


def build(report: dict) -> dict:
    """The summary of a report (its clauses and findings, as they stand when called)."""
    clauses, findings = report.get("clauses", []), report.get("findings", [])
    severities: dict[str, dict[str, int]] = {s: {} for s in SEVERITY_ORDER}
    for f in findings:
        row = severities.setdefault(f.get("severity") or "info", {})
        row[f["status"]] = row.get(f["status"], 0) + 1
    frameworks = list(report.get("frameworks") or [])
    frameworks += sorted({c["framework"] for c in clauses} - set(frameworks))
    risks = _top_risks(findings)
    return {
        "clauses": _count(clauses, "status"),
        "findings": _count(findings, "status"),
        "severities": {s: dict(sorted(v.items())) for s, v in severities.items()},
        "frameworks": [_framework(fw, [c for c in clauses if c["framework"] == fw]) for fw in frameworks
                       if any(c["framework"] == fw for c in clauses)],
        "verdict": _verdict(clauses),
        "top_risks": risks[:TOP],
        "top_risks_total": len(risks),
    }


def of(report: dict) -> dict:
    """report["summary"], or (a report from before the summary existed, or one built by hand) computed now."""
    s = report.get("summary")
    return s if isinstance(s, dict) and "verdict" in s else build(report)


def trend(store, report: dict) -> list[dict]:
    """With --store, after the report was saved: per account, what changed since its previous stored scan.
    An account without a previous scan gets {"account_id", "first": True}."""
    out = []
    for account_id in report.get("accounts", []):
        if len(store.scans(account_id, 2)) < 2:
            out.append({"account_id": account_id, "first": True})
            continue
        d = store.drift(account_id)
        out.append({"account_id": account_id, "first": False, "since": d["before"].get("scanned_at"),
                    "since_digest": d["before"].get("snapshot_digest"),
                    "new": len(d["new_findings"]), "fixed": len(d["fixed_findings"]),
                    "clause_changes": d["clause_changes"]})
    return out


def failing_by_severity(summary: dict) -> list[tuple[str, int]]:
    """[(severity, FAIL count)] for the severities with a FAIL, critical first."""
    return [(s, n) for s in SEVERITY_ORDER if (n := summary.get("severities", {}).get(s, {}).get("FAIL", 0))]


def share_text(row: dict) -> str:
    if row.get("automated_share") is None:
        return "no automated clause assessed"
    return (f"{row['automated_compliant']} of {row['automated_assessed']} automated clauses compliant "
            f"({round(100 * row['automated_share'])}%)")


def trend_text(t: dict) -> str:
    if t.get("first"):
        return f"account {t['account_id']}: first stored scan, no trend yet"
    changes = t.get("clause_changes") or []
    parts = [f"{t['new']} new failing or unreadable finding{'s' if t['new'] != 1 else ''}",
             f"{t['fixed']} fixed", f"{len(changes)} clause status change{'s' if len(changes) != 1 else ''}"]
    text = f"account {t['account_id']} since {t.get('since')}: " + ", ".join(parts)
    if changes:
        text += " (" + "; ".join(f"{c['clause']} {c['before'] or '-'} → {c['after'] or '-'}" for c in changes[:8])
        text += ", …)" if len(changes) > 8 else ")"
    return text


def scope_text(report: dict) -> str | None:
    """The scan's scope (`scope` in the report, from scan's scope options), as one line; None when unscoped."""
    scope = report.get("scope")
    if not scope:
        return None
    if not isinstance(scope, dict):
        return str(scope)
    parts = []
    for key, value in scope.items():
        if value in (None, "", [], {}, False):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts) or None
