"""The ECS hardening, OSS source-address (CIS 5.7) and RAM CIS 1.5 / 1.15 / 1.16 rules on the forms the
example fixtures do not show: each edge decided as documented, and every undecidable form ERROR, never PASS.
Scans go through the fixture path (`scan --fixture`); the RAM ones also collected back through the SDKs."""

import json

import pytest

from aliaudit.errors import UsageError
from aliaudit.settings import Settings, load
from conftest import findings, scan


def verdict(report, rule, resource):
    [f] = findings(report, rule, resource)
    return f["status"]


def _instance(doc, iid):
    return next(i for r in doc["accounts"][0]["regions"].values() for i in r.get("ecs", {}).get("instances", [])
                if i["InstanceId"] == iid)


def _bucket(doc, name):
    return next(b for r in doc["accounts"][0]["regions"].values() for b in r.get("oss", {}).get("buckets", [])
                if b["Name"] == name)


# --- ECS -------------------------------------------------------------------------------------------------------

def test_metadata_endpoint_switched_off_passes_and_an_undocumented_mode_is_error(compliant_doc):
    _instance(compliant_doc, "i-j6d0app01")["MetadataOptions"].update(HttpEndpoint="disabled", HttpTokens="optional")
    _instance(compliant_doc, "i-j6d0app02")["MetadataOptions"]["HttpTokens"] = "Required"
    report = scan(compliant_doc)
    assert verdict(report, "ecs-instance-metadata-hardened", "i-j6d0app01") == "PASS"
    assert verdict(report, "ecs-instance-metadata-hardened", "i-j6d0app02") == "ERROR"


def test_data_tier_tag_is_a_setting_and_none_tagged_is_not_applicable(compliant_doc, tmp_path):
    report = scan(compliant_doc, settings=Settings(data_tier_tag="tier=db"))
    [f] = findings(report, "ecs-data-tier-no-public-ip")
    assert f["status"] == "NOT_APPLICABLE" and "tier=db" in f["reason"]
    app01 = _instance(compliant_doc, "i-j6d0app01")
    app01["Tags"] = {"Tag": [{"TagKey": "tier", "TagValue": "db"}]}
    app01["EipAddress"] = {"AllocationId": "", "IpAddress": "", "InternetChargeType": ""}
    report = scan(compliant_doc, settings=Settings(data_tier_tag="tier=db"))
    assert verdict(report, "ecs-data-tier-no-public-ip", "i-j6d0app01") == "FAIL"  # it keeps its public IP
    # an EIP alone fails too; an EipAddress of an undocumented form is ERROR
    app02 = _instance(compliant_doc, "i-j6d0app02")
    app02["EipAddress"]["IpAddress"] = "47.242.0.10"
    assert verdict(scan(compliant_doc), "ecs-data-tier-no-public-ip", "i-j6d0app02") == "FAIL"
    del app02["EipAddress"]
    assert verdict(scan(compliant_doc), "ecs-data-tier-no-public-ip", "i-j6d0app02") == "ERROR"
    bad = tmp_path / "c.yaml"
    bad.write_text("data_tier_tag: no-equals-sign\n")
    with pytest.raises(UsageError, match="key=value"):
        load(str(bad))


# --- OSS CIS 5.7 --------------------------------------------------------------------------------------------------

ALLOW = {"Effect": "Allow", "Action": ["oss:GetObject"], "Principal": ["5184000000000002"],
         "Resource": ["acs:oss:*:5184000000000002:hkvi-policy-documents/*"]}


@pytest.mark.parametrize("condition, status", [
    ({"IpAddress": {"acs:SourceIp": ["203.0.113.0/24"]}}, "PASS"),
    ({"StringEquals": {"acs:SourceVpc": ["vpc-j6dprod01"]}}, "PASS"),
    ({"IpAddress": {"acs:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}, "FAIL"),  # the whole internet in two halves
    ({"IpAddress": {"acs:SourceIp": "203.0.113.7"}}, "PASS"),  # one address, the one-value form
    ({"IpAddress": {"acs:SourceIp": ["203.0.113.1-203.0.113.9"]}}, "ERROR"),  # not an address or CIDR block
    (None, "FAIL"),
])
def test_allow_statements_need_a_source_limit(compliant_doc, condition, status):
    b = _bucket(compliant_doc, "hkvi-policy-documents")
    b["policy"]["Statement"] = [dict(ALLOW, **({"Condition": condition} if condition else {}))]
    assert verdict(scan(compliant_doc), "oss-bucket-source-ip-restricted", "hkvi-policy-documents") == status


def test_a_deny_outside_chosen_addresses_passes_only_when_nothing_narrows_it(compliant_doc):
    b = _bucket(compliant_doc, "hkvi-policy-documents")
    deny = {"Effect": "Deny", "Action": ["oss:*"], "Principal": ["*"],
            "Resource": ["acs:oss:*:*:hkvi-policy-documents/*"],
            "Condition": {"NotIpAddress": {"acs:SourceIp": ["10.8.0.0/16"]}}}
    b["policy"]["Statement"] = [ALLOW, deny]
    assert verdict(scan(compliant_doc), "oss-bucket-source-ip-restricted", "hkvi-policy-documents") == "PASS"
    deny["Condition"]["Bool"] = {"acs:SecureTransport": ["false"]}  # denies only plain HTTP from outside
    assert verdict(scan(compliant_doc), "oss-bucket-source-ip-restricted", "hkvi-policy-documents") == "FAIL"
    b["policy"] = None  # no bucket policy (NoSuchBucketPolicy)
    assert verdict(scan(compliant_doc), "oss-bucket-source-ip-restricted", "hkvi-policy-documents") == "FAIL"


# --- RAM CIS 1.5, 1.15, 1.16 -------------------------------------------------------------------------------------

def _ram(doc):
    return doc["accounts"][0]["global"]["ram"]


@pytest.mark.parametrize("document, attached, status", [
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*",
                                     "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}}]}, 1, "FAIL"),
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, 0, "PASS"),
    ({"Version": "1", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, 1, "PASS"),
    ({"Version": "1", "Statement": [{"Effect": "Allow", "NotAction": "ram:*", "Resource": "*"}]}, 1, "ERROR"),
    ({"Version": "1", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, 1, "ERROR"),
    ("not json", 1, "ERROR"),
])
def test_full_administrator_custom_policies(compliant_doc, document, attached, status):
    [policy] = _ram(compliant_doc)["policies"]
    policy["AttachmentCount"] = attached
    policy["default_version"]["PolicyDocument"] = document if isinstance(document, str) else json.dumps(document)
    assert verdict(scan(compliant_doc), "ram-no-full-admin-custom-policy", "policy-docs-read") == status


def test_a_console_user_never_logged_on_counts_from_creation(compliant_doc):
    [ops] = [u for u in _ram(compliant_doc)["users"] if u["UserName"] == "ops.admin"]
    ops["detail"].pop("LastLoginDate")
    report = scan(compliant_doc, replay=True)  # through the fake and the SDK: GetUser without LastLoginDate
    [f] = findings(report, "ram-console-user-idle", "ops.admin")
    assert f["status"] == "FAIL" and "never logged on" in f["reason"]
    ops["detail"]["CreateDate"] = "2026-11-01T00:00:00Z"
    assert verdict(scan(compliant_doc, replay=True), "ram-console-user-idle", "ops.admin") == "PASS"


def test_policies_on_users_through_the_fake(gaps_doc):
    report = scan(gaps_doc, replay=True)
    assert verdict(report, "ram-user-no-direct-policy", "ci-deploy") == "FAIL"
    assert verdict(report, "ram-user-no-direct-admin", "ci-deploy") == "PASS"
    assert verdict(report, "ram-user-no-direct-admin", "bob.claims") == "FAIL"
    [bob] = findings(report, "ram-user-no-direct-policy", "bob.claims")
    assert bob["evidence"]["ListPoliciesForUser.Policies.Policy"] == ["System:AdministratorAccess"]
