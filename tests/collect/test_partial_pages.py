"""A list that fails half-way: pages 1-2 of 5 were read, page 3 failed. Nothing "for all" may pass on them.

DescribeDisks pages by NextToken at MaxResults 500 (its documented maximum), so 2,300 disks are 5 pages;
DescribeAutoSnapshotPolicyEx pages by PageNumber at PageSize 100, so 450 policies are 5 pages. The
fake replays the failure recorded for page 3 (and answers pages 1-2), through the real SDK.
"""

import copy

import pytest

from aliaudit import scan as scanning
from functools import partial

import conftest
from conftest import clause, findings, load_fixture

# Replayed through the fake and the SDK collectors: the pages before the failure are read, then the failure.
scan = partial(conftest.scan, replay=True)

BASE = load_fixture("hk-insurer-compliant.json")
REGION = "cn-hongkong"


def tenant(action: str, code: str, status: int) -> dict:
    doc = copy.deepcopy(BASE)
    account = doc["accounts"][0]
    ecs = account["regions"][REGION]["ecs"]
    disk, policy = ecs["disks"][0], ecs["auto_snapshot_policies"][0]
    # Every disk is encrypted and uses the one compliant policy: read in full, everything would PASS.
    ecs["disks"] = [dict(disk, DiskId=f"d-page{i:05d}", AutoSnapshotPolicyId=policy["AutoSnapshotPolicyId"])
                    for i in range(2300)]
    ecs["auto_snapshot_policies"] = [policy] + [dict(policy, AutoSnapshotPolicyId=f"sp-page{i:04d}")
                                                for i in range(449)]
    account["errors"].append({"product": "ecs", "action": action, "region": REGION, "resource": None, "page": 3,
                              "code": code, "message": "injected on page 3 of 5", "http_status": status})
    return doc


@pytest.fixture(scope="module")
def clean_report():
    doc = copy.deepcopy(tenant("DescribeDisks", "x", 500))
    doc["accounts"][0]["errors"] = []
    return scan(doc)


def test_the_same_tenant_read_in_full_passes(clean_report):
    assert {f["status"] for f in findings(clean_report, "ecs-disk-encrypted")} == {"PASS"}
    assert len(findings(clean_report, "ecs-disk-encrypted")) == 2300
    assert len(findings(clean_report, "ecs-snapshot-policy-retention")) == 450
    assert scanning.exit_code(clean_report, "low") == 0


@pytest.mark.parametrize("action,code,status,rules", [
    ("DescribeDisks", "Throttling.User", 400,
     ("ecs-disk-encrypted", "ecs-disk-encrypted-cmk", "ecs-disk-auto-snapshot", "data-residency-allowed-regions")),
    ("DescribeAutoSnapshotPolicyEx", "ServiceUnavailable", 503,
     ("ecs-snapshot-policy-retention", "ecs-disk-auto-snapshot")),
])
def test_a_failure_on_page_3_of_5_makes_the_region_error(action, code, status, rules):
    report = scan(tenant(action, code, status))
    for rule in rules:
        got = findings(report, rule)
        assert not [f for f in got if f["status"] == "PASS" and f["region"] == REGION], rule
        errors = [f for f in got if f["status"] == "ERROR"]
        assert [f["resource_id"] for f in errors] == [REGION], rule
        assert errors[0]["evidence"]["error"] == {**errors[0]["evidence"]["error"], "call": f"ecs:{action}",
                                                  "code": code, "page": 3}
        assert "(page 3)" in errors[0]["reason"]
    recorded = [e for e in report["collection_errors"] if e["action"] == action]
    assert [(e["page"], e["code"]) for e in recorded] == [(3, code)]
    assert clause(report, "hkia-gl8", "5.1(c)")["status"] == "INCOMPLETE"
    assert scanning.exit_code(report, "low") == 3
