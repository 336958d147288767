"""Reports for the reporter tests: the gaps-fixture scan, enriched with what other parts of the tool add.

Waivers (issue 5), attestations (issue 4), the snapshot digest and the organisation summary
(issue 6) are added here in the shapes agreed in the common brief, so the reporters are tested
on them before those parts land. HOSTILE is a resource name built to break every format.
"""

import copy

from aliaudit.reporters import summary

HOSTILE = "<script>alert(1)</script>\"onmouseover=alert(2) x='|`[a](b)`| =cmd|' \x1b[31mred\x1b[0m https://evil.invalid/x.js"


def enriched(report: dict) -> dict:
    r = copy.deepcopy(report)
    r["snapshot_digest"] = "sha256:" + "ab" * 32
    waived = next(f for f in r["findings"] if f["rule"] == "oss-bucket-versioning" and f["status"] == "FAIL")
    waiver = {"rule": waived["rule"], "resource": waived["resource_id"], "justification": "logs bucket is write-once",
              "approver": "ciso@insurer.invalid", "expires": "2099-12-31"}
    waived["status"] = "WAIVED"
    waived["waiver"] = dict(waiver)
    r["waivers"] = [dict(waiver, state="active"),
                    {"rule": "rds-ssl-enabled", "resource": "rm-old*", "justification": "decommissioned",
                     "approver": "cto@insurer.invalid", "expires": "2020-01-31", "state": "expired"}]
    r["attestations"] = [
        {"clause": "hkia-gl8:5.1(a)", "statement": "Annual penetration test done by an accredited firm",
         "evidence": "PT-2026-report.pdf", "owner": "head of security", "date": "2026-03-01", "expires": "2099-03-01",
         "state": "valid"},
        {"clause": "hkia-gl14:5.8", "statement": "Due diligence on the provider", "evidence": "DD-2019.pdf",
         "owner": "procurement", "date": "2019-01-10", "expires": "2020-01-10", "state": "expired"}]
    for c in r["clauses"]:
        if (c["framework"], c["clause"]) == ("hkia-gl8", "5.1(a)"):
            c["status"] = "ATTESTED"
            c["attestation"] = dict(r["attestations"][0])
            c.pop("reason", None)
        if (c["framework"], c["clause"]) == ("hkia-gl14", "5.8"):
            c["reason"] = "the attestation expired on 2020-01-10"
    for c in r["clauses"]:
        if "hkia-gl8:5.1(c)" == f"{c['framework']}:{c['clause']}":
            c["counts"]["FAIL"] -= 1
            c["counts"]["WAIVED"] = 1
    r["summary"] = summary.build(r)  # computed once, from the report as it now stands
    return r


def hostile(report: dict) -> dict:
    """A report whose resource names, evidence, reasons and remediation are all attacker-controlled text."""
    r = copy.deepcopy(report)
    f = copy.deepcopy(next(f for f in r["findings"] if f["status"] == "FAIL"))
    f.update(resource_id=HOSTILE, reason=HOSTILE, region="cn-hongkong",
             evidence={"GetBucketInfo.Name": HOSTILE, HOSTILE: [HOSTILE, None], "DescribeX.Enabled": False},
             remediation={"console": HOSTILE, "cli": "aliyun oss " + HOSTILE, "terraform": HOSTILE})
    r["findings"].append(f)
    r["collection_errors"] = [{"product": "oss", "action": "GetBucketPolicy", "region": "cn-hongkong",
                               "resource": HOSTILE, "code": "AccessDenied", "message": HOSTILE, "http_status": 403}]
    r["identities"] = [{"account_id": r["accounts"][0], "principal": HOSTILE}]
    r["summary"] = summary.build(r)
    return r
