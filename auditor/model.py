"""Statuses, severities and the finding record."""

from __future__ import annotations

PASS, FAIL, ERROR, NOT_APPLICABLE = "PASS", "FAIL", "ERROR", "NOT_APPLICABLE"
WAIVED = "WAIVED"  # a FAIL accepted by an active waiver (--waivers); never fails the gate
FINDING_STATUSES = (PASS, FAIL, ERROR, NOT_APPLICABLE, WAIVED)

COMPLIANT, NON_COMPLIANT, INCOMPLETE, MANUAL = "COMPLIANT", "NON_COMPLIANT", "INCOMPLETE", "MANUAL"
ATTESTED = "ATTESTED"  # a manual clause with a valid attestation (auditor/attestations.py)
CLAUSE_STATUSES = (COMPLIANT, NON_COMPLIANT, INCOMPLETE, NOT_APPLICABLE, MANUAL, ATTESTED)

SEVERITIES = ("info", "low", "medium", "high", "critical")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)
