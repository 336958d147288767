"""The one-page summary (report["summary"]): the verdict's wording, clauses per framework, severities, top risks."""

from aliaudit.reporters import summary


def _clause(fw, cid, kind, status):
    return {"framework": fw, "clause": cid, "title": cid, "kind": kind, "status": status, "rules": [], "counts": {}}


def _finding(rule, resource, severity, status="FAIL", clauses=("hkia-gl8:5.1(b)",)):
    return {"rule": rule, "title": rule.replace("-", " "), "product": rule.split("-")[0], "severity": severity,
            "status": status, "resource_id": resource, "clauses": list(clauses)}


def _verdict(*clauses):
    return summary.build({"clauses": list(clauses), "findings": []})["verdict"]["text"]


def test_the_verdict_names_the_automated_clauses_and_the_attestations_needed():
    gl8 = "hkia-gl8"
    assert _verdict(_clause(gl8, "a", "automated", "COMPLIANT"), _clause(gl8, "b", "hybrid", "COMPLIANT"),
                    _clause(gl8, "c", "manual", "MANUAL")) == (
        "Automated clauses: compliant (2 of 2 compliant). 1 clause needs attestation.")
    assert _verdict(_clause(gl8, "a", "automated", "COMPLIANT"), _clause(gl8, "b", "automated", "INCOMPLETE"),
                    _clause(gl8, "c", "manual", "ATTESTED")) == (
        "Automated clauses: incomplete (1 of 2 compliant, 1 could not be fully checked). 1 manual clause attested.")
    assert _verdict(_clause(gl8, "a", "automated", "NON_COMPLIANT"), _clause(gl8, "b", "automated", "INCOMPLETE"),
                    _clause(gl8, "c", "manual", "MANUAL"), _clause(gl8, "d", "manual", "MANUAL")) == (
        "Automated clauses: non-compliant (0 of 2 compliant, 1 could not be fully checked). "
        "2 clauses need attestation.")
    assert _verdict(_clause(gl8, "a", "automated", "NOT_APPLICABLE")) == "Automated clauses: nothing in scope."
    assert _verdict(_clause(gl8, "c", "manual", "MANUAL")) == "No automated clause in scope. 1 clause needs attestation."
    for text in (_verdict(_clause(gl8, "c", "manual", "MANUAL")), _verdict()):
        assert "Manual" not in text


def test_clauses_per_framework_and_the_share_of_automated_clauses_compliant():
    s = summary.build({"frameworks": ["hkia-gl8", "hkia-gl14"], "findings": [], "clauses": [
        _clause("hkia-gl8", "a", "automated", "COMPLIANT"), _clause("hkia-gl8", "b", "hybrid", "NON_COMPLIANT"),
        _clause("hkia-gl8", "c", "automated", "NOT_APPLICABLE"), _clause("hkia-gl8", "d", "manual", "ATTESTED"),
        _clause("hkia-gl14", "e", "manual", "MANUAL")]})
    gl8, gl14 = s["frameworks"]
    assert (gl8["clauses"], gl8["COMPLIANT"], gl8["NON_COMPLIANT"], gl8["NOT_APPLICABLE"], gl8["ATTESTED"]) == (4, 1, 1, 1, 1)
    assert (gl8["automated"], gl8["automated_assessed"], gl8["automated_compliant"], gl8["automated_share"]) == (3, 2, 1, 0.5)
    assert summary.share_text(gl8) == "1 of 2 automated clauses compliant (50%)"
    assert gl14["automated_share"] is None and summary.share_text(gl14) == "no automated clause assessed"
    assert s["clauses"] == {"ATTESTED": 1, "COMPLIANT": 1, "MANUAL": 1, "NON_COMPLIANT": 1, "NOT_APPLICABLE": 1}


def test_top_risks_group_critical_and_high_fails_by_rule():
    findings = [_finding("ecs-a", f"r{i}", "high") for i in range(3)]
    findings += [_finding("ram-root", "acct", "critical"), _finding("oss-b", "b1", "high"),
                 _finding("oss-b", "b2", "high", status="PASS"), _finding("kms-m", "k1", "medium"),
                 _finding("rds-e", "e1", "critical", status="ERROR")]
    findings += [_finding(f"zz-{i:02d}", "x", "high") for i in range(12)]
    s = summary.build({"clauses": [], "findings": findings})
    assert [(r["rule"], r["resources"]) for r in s["top_risks"][:4]] == [
        ("ram-root", 1), ("ecs-a", 3), ("oss-b", 1), ("zz-00", 1)]
    assert len(s["top_risks"]) == 10 and s["top_risks_total"] == 15
    assert s["severities"]["high"] == {"FAIL": 16, "PASS": 1} and s["severities"]["critical"] == {"ERROR": 1, "FAIL": 1}
    assert summary.failing_by_severity(s) == [("critical", 1), ("high", 16), ("medium", 1)]


def test_the_trend_text():
    assert summary.trend_text({"account_id": "1", "first": True}) == "account 1: first stored scan, no trend yet"
    text = summary.trend_text({"account_id": "1", "first": False, "since": "2026-01-01T00:00:00Z", "new": 1,
                               "fixed": 2, "clause_changes": [{"clause": "hkia-gl8:5.1(b)", "before": "NON_COMPLIANT",
                                                               "after": "COMPLIANT"}]})
    assert text == ("account 1 since 2026-01-01T00:00:00Z: 1 new failing or unreadable finding, 2 fixed, "
                    "1 clause status change (hkia-gl8:5.1(b) NON_COMPLIANT → COMPLIANT)")
