"""A failed call is never silence: the rules that needed it report ERROR, the clause is INCOMPLETE."""

from functools import partial

import conftest
from conftest import clause, findings

# The failures are injected into a fixture that still holds the data: served by the fake, which answers the
# recorded failure, and collected back through the SDKs (the replay), as a live scan would meet them.
scan = partial(conftest.scan, replay=True)


def _error(product, action, region="cn-hongkong", resource=None, code="AccessDenied", status=403, page=None):
    err = {"product": product, "action": action, "region": region, "resource": resource, "code": code,
           "message": f"{code} for the test", "http_status": status, "request_id": None}
    if page:
        err["page"] = page
    return err


def test_failed_bucket_encryption_is_error_for_that_bucket_only(compliant_doc):
    acct = compliant_doc["accounts"][0]
    acct["errors"].append(_error("oss", "GetBucketEncryption", resource="hkvi-policy-documents"))
    report = scan(compliant_doc)
    [f] = findings(report, "oss-bucket-sse-kms", "hkvi-policy-documents")
    assert f["status"] == "ERROR"
    assert f["evidence"]["error"]["call"] == "oss:GetBucketEncryption"
    assert f["evidence"]["error"]["code"] == "AccessDenied"
    # Other rules on the same bucket, and the recorded error itself, come through unchanged.
    assert findings(report, "oss-bucket-versioning", "hkvi-policy-documents")[0]["status"] == "PASS"
    assert any(e["action"] == "GetBucketEncryption" for e in report["collection_errors"])
    assert clause(report, "hkia-gl8", "5.1(b)")["status"] == "INCOMPLETE"
    assert clause(report, "hkia-gl8", "5.1(c)")["status"] == "COMPLIANT"


def test_failed_bucket_encryption_never_passes_even_with_another_fail(gaps_doc):
    acct = gaps_doc["accounts"][0]
    acct["errors"].append(_error("oss", "GetBucketEncryption", resource="hkins-claims-docs"))
    report = scan(gaps_doc)
    [f] = findings(report, "oss-bucket-sse-kms", "hkins-claims-docs")
    assert f["status"] == "ERROR"
    assert clause(report, "hkia-gl8", "5.1(b)")["status"] == "NON_COMPLIANT"


def test_cli_exit_3_when_incomplete(compliant_doc, tmp_path):
    import json
    import subprocess
    import sys

    compliant_doc["accounts"][0]["errors"].append(_error("rds", "DescribeBackupPolicy", resource="rm-j6dcore01",
                                                        code="Throttling.User", status=400))
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(compliant_doc))
    proc = subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan", "--fixture", str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    report = json.loads(proc.stdout)
    statuses = {f["rule"]: f["status"] for f in report["findings"] if f["resource_id"] == "rm-j6dcore01"}
    assert statuses["rds-backup-retention"] == "ERROR"
    assert statuses["rds-log-backup-enabled"] == "ERROR"
    assert statuses["rds-ssl-enabled"] == "PASS"


def test_list_call_failure_makes_the_region_error(compliant_doc):
    compliant_doc["accounts"][0]["errors"].append(_error("ecs", "DescribeDisks", code="Throttling.User", status=400))
    report = scan(compliant_doc)
    for rule in ("ecs-disk-encrypted", "ecs-disk-encrypted-cmk", "ecs-disk-auto-snapshot"):
        got = findings(report, rule)
        assert [f["status"] for f in got] == ["ERROR"], rule
        assert got[0]["resource_id"] == "cn-hongkong" and "DescribeDisks" in got[0]["reason"]
    # Rules that do not read disks are unaffected.
    assert {f["status"] for f in findings(report, "ecs-snapshot-policy-retention")} == {"PASS"}
    assert clause(report, "hkia-gl8", "5.1(b)")["status"] == "INCOMPLETE"


def test_failure_on_a_later_page_does_not_pass_on_the_first_pages(compliant_doc):
    """Page 2 of DescribeDisks fails: no PASS may stand for "all disks" from page 1."""
    region = compliant_doc["accounts"][0]["regions"]["cn-hongkong"]
    template = region["ecs"]["disks"][0]
    region["ecs"]["disks"] = [dict(template, DiskId=f"d-page{i:04d}") for i in range(700)]
    compliant_doc["accounts"][0]["errors"].append(_error("ecs", "DescribeDisks", code="ServiceUnavailable",
                                                         status=503, page=2))
    report = scan(compliant_doc)
    got = findings(report, "ecs-disk-encrypted")
    assert [f["status"] for f in got] == ["ERROR"]
    assert "page 2" in got[0]["reason"]
    recorded = [e for e in report["collection_errors"] if e["action"] == "DescribeDisks"]
    assert recorded and recorded[0]["page"] == 2


def test_account_level_failure_errors_every_bucket_rule(compliant_doc):
    compliant_doc["accounts"][0]["errors"].append(_error("oss", "ListBuckets", region=None))
    report = scan(compliant_doc)
    for rule in ("oss-bucket-sse-kms", "oss-bucket-https-only", "oss-bucket-versioning"):
        assert [f["status"] for f in findings(report, rule)] == ["ERROR"]
    assert clause(report, "hkia-gl8", "5.1(b)")["status"] == "INCOMPLETE"


def test_detail_failure_for_a_key_makes_dependent_disks_error(compliant_doc):
    compliant_doc["accounts"][0]["errors"].append(
        _error("kms", "DescribeKey", resource="key-hk-core-1f2e3d4c5b6a", code="Forbidden.NoPermission"))
    report = scan(compliant_doc)
    assert {f["status"] for f in findings(report, "ecs-disk-encrypted-cmk")} == {"ERROR"}
    assert [f["status"] for f in findings(report, "kms-key-rotation")] == ["ERROR"]
    assert {f["status"] for f in findings(report, "ecs-disk-encrypted")} == {"PASS"}


def test_slb_listener_batch_failure_is_narrowed_to_one_balancer(gaps_doc):
    gaps_doc["accounts"][0]["errors"].append(
        _error("slb", "DescribeLoadBalancerListeners", resource="lb-j6clegacy01", code="Forbidden.RAM"))
    report = scan(gaps_doc)
    legacy = [f for f in findings(report, "slb-listener-https-only") if f["resource_id"].startswith("lb-j6clegacy01")]
    web = [f for f in findings(report, "slb-listener-https-only") if f["resource_id"].startswith("lb-j6cweb01")]
    assert [f["status"] for f in legacy] == ["ERROR"]
    assert {f["status"] for f in web} == {"PASS"} and len(web) == 2
