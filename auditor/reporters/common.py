"""What every human-facing reporter needs: orderings, labels, clause keys and safe text.

Reporters are pure functions of the report dict (auditor/scan.py `evaluate`). Keys added by
other parts of the tool are optional here: `waivers`, `attestations`, `snapshot_digest`,
`organisation` on the report, `waiver` on a finding and `attestation` on a clause.
"""

from __future__ import annotations

import json
import re

from aliaudit.model import SEVERITIES

FINDING_ORDER = ("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE")
CLAUSE_ORDER = ("NON_COMPLIANT", "INCOMPLETE", "MANUAL", "ATTESTED", "COMPLIANT", "NOT_APPLICABLE")
LABELS = {
    "PASS": "Pass", "FAIL": "Fail", "ERROR": "Error", "WAIVED": "Waived", "NOT_APPLICABLE": "Not applicable",
    "COMPLIANT": "Compliant", "NON_COMPLIANT": "Non-compliant", "INCOMPLETE": "Incomplete", "MANUAL": "Manual",
    "ATTESTED": "Attested",
}
FRAMEWORK_NAMES = {"hkia-gl8": "HKIA GL8", "hkia-gl14": "HKIA GL14", "hkia-gl20": "HKIA GL20",
                   "cis-alibaba-2.0": "CIS Alibaba 2.0"}

# C0 and C1 control characters (ANSI escapes start with ESC), except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(value) -> str:
    """Text with every control character shown as \\xNN, so a terminal escape in a name is inert."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(value) -> str:
    return " ".join(visible(value).split())


def clause_key(clause: dict) -> str:
    """The clause reference used in findings and attestations: 'hkia-gl8:5.1(b)'."""
    return f"{clause['framework']}:{clause['clause']}"


def section_heading(clause: dict) -> str | None:
    """'2 Logging and Monitoring' for a clause of a catalogue with sections (CIS), else None."""
    if clause.get("section") is None:
        return None
    return one_line(f"{clause['section']} {clause.get('section_title') or ''}")


def new_sections(clauses: list[dict]):
    """(heading or None, clause) per clause; the heading only where a framework's section starts."""
    last = None
    for c in clauses:
        heading = section_heading(c)
        key = (c.get("framework"), c.get("section"))
        yield (heading if heading and key != last else None), c
        last = key


def framework_name(framework: str) -> str:
    return FRAMEWORK_NAMES.get(framework, framework)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def finding_sort_key(f: dict):
    status = f.get("status")
    return (FINDING_ORDER.index(status) if status in FINDING_ORDER else len(FINDING_ORDER),
            -severity_rank(f.get("severity", "")), f.get("rule", ""), f.get("account_id") or "",
            f.get("region") or "", f.get("resource_id") or "")


def evidence_json(evidence) -> str:
    """Evidence as one compact JSON line, keys in the order the rule recorded them."""
    return json.dumps(evidence or {}, ensure_ascii=False, separators=(",", ":"), default=str)


def evidence_value(value) -> str:
    """One evidence value as an auditor reads it: JSON scalars as JSON (true, null, "TLSv1.0")."""
    if isinstance(value, str):
        return value if value else '""'

    return json.dumps(value, ensure_ascii=False, default=str)


def findings_by_clause(report: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in report.get("findings", []):
        for ref in f.get("clauses", []):
            out.setdefault(ref, []).append(f)
    for items in out.values():
        items.sort(key=finding_sort_key)
    return out


def verdict(report: dict) -> str:
    """The one-word headline: the worst clause status present."""
    present = {c["status"] for c in report.get("clauses", [])}
    for status in ("NON_COMPLIANT", "INCOMPLETE", "MANUAL"):
        if status in present:
            return status
    return "COMPLIANT" if present & {"COMPLIANT", "ATTESTED"} else "NOT_APPLICABLE"
