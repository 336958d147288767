"""NAS through the real SDK and the fake: paging of the permission-group rules, the documented page-size
limit and errors, the general-purpose-only scope of the permission groups, and the rule edge cases the
example fixtures do not reach (an open union of two rules, an IPv6 rule, EncryptType 2 without a key)."""

import copy

import pytest
from Tea.exceptions import TeaException

from aliaudit.collectors.base import sdk_method
from aliaudit.sdk import Clients, StaticKey, models
from conftest import findings, scan

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")
HK = "cn-hongkong"


def _call(action, request):
    clients = Clients(KEY)
    return sdk_method(clients.rpc("nas", HK), action)(request, clients.runtime()).body.to_map()


def _nas(doc):
    return doc["accounts"][0]["regions"][HK]["nas"]


def _statuses(report, rule):
    return {f["resource_id"]: (f["status"], f.get("reason") or "") for f in findings(report, rule)}


def test_rules_of_a_group_page_at_100_and_are_all_judged(alicloud_fake, compliant_doc):
    group = _nas(compliant_doc)["access_groups"][0]
    rule = group["rules"][0]
    # 150 narrow rules, then the two halves of the internet on the last page: open only as a union
    group["rules"] = [dict(copy.deepcopy(rule), AccessRuleId=str(i), SourceCidrIp=f"10.30.{i}.0/24")
                      for i in range(1, 151)]
    group["rules"] += [dict(copy.deepcopy(rule), AccessRuleId="151", SourceCidrIp="0.0.0.0/1"),
                       dict(copy.deepcopy(rule), AccessRuleId="152", SourceCidrIp="128.0.0.0/1")]
    alicloud_fake.load(compliant_doc)
    m = models("nas")
    name = group["AccessGroupName"]
    page2 = _call("DescribeAccessRules", m.DescribeAccessRulesRequest(access_group_name=name, page_size=100,
                                                                      page_number=2))
    assert page2["TotalCount"] == 152 and len(page2["AccessRules"]["AccessRule"]) == 52
    with pytest.raises(TeaException) as exc:
        _call("DescribeAccessRules", m.DescribeAccessRulesRequest(access_group_name=name, page_size=101))
    assert exc.value.code == "InvalidParam.PageSize" and exc.value.status_code == 400
    with pytest.raises(TeaException) as exc:
        _call("DescribeAccessRules", m.DescribeAccessRulesRequest(access_group_name="no-such-group"))
    assert exc.value.code == "InvalidAccessGroup.NotFound" and exc.value.status_code == 404

    status, reason = _statuses(scan(compliant_doc, replay=True), "nas-access-rule-not-open")[name]
    assert status == "FAIL" and "151" in reason and "152" in reason


def test_an_ipv6_rule_for_every_address_is_open(compliant_doc):
    rule = _nas(compliant_doc)["access_groups"][0]["rules"][0]
    rule.pop("SourceCidrIp")
    rule["Ipv6SourceCidrIp"] = "::/0"
    assert _statuses(scan(compliant_doc), "nas-access-rule-not-open")["hk-core-vpc"][0] == "FAIL"


def test_groups_of_other_file_system_types_are_not_listed(alicloud_fake, compliant_doc):
    """DescribeAccessGroups lists one FileSystemType (standard by default); the collector asks for standard,
    so an Extreme NAS group is not judged (a documented limit: no finding, never a PASS)."""
    groups = _nas(compliant_doc)["access_groups"]
    extreme = dict(copy.deepcopy(groups[0]), AccessGroupName="hk-extreme", FileSystemType="extreme")
    extreme["rules"] = [dict(extreme["rules"][0], SourceCidrIp="0.0.0.0/0", FileSystemType="extreme")]
    groups.append(extreme)
    alicloud_fake.load(compliant_doc)
    m = models("nas")
    got = _call("DescribeAccessGroups", m.DescribeAccessGroupsRequest(file_system_type="extreme", page_size=100))
    assert [g["AccessGroupName"] for g in got["AccessGroups"]["AccessGroup"]] == ["hk-extreme"]
    assert set(_statuses(scan(compliant_doc, replay=True), "nas-access-rule-not-open")) == {"hk-core-vpc"}


@pytest.mark.parametrize("encrypt, key, expected", [
    (2, "key-hk-core-1f2e3d4c5b6a", "PASS"),
    (1, None, "FAIL"),          # a NAS-managed key: encrypted, but not with a KMS key
    (0, None, "FAIL"),
    (2, None, "ERROR"),         # KMS-managed but no key named: cannot judge
    ("2", "key-hk-core-1f2e3d4c5b6a", "ERROR"),  # documented as an Integer
    (3, None, "ERROR"),         # not a documented value
])
def test_encryption_verdicts(compliant_doc, encrypt, key, expected):
    fs = _nas(compliant_doc)["file_systems"][0]
    fs["EncryptType"] = encrypt
    fs.pop("KMSKeyId", None)
    if key:
        fs["KMSKeyId"] = key
    assert _statuses(scan(compliant_doc), "nas-encrypted-kms")[fs["FileSystemId"]][0] == expected
