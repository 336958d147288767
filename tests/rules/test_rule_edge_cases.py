"""Edge cases of the issue-4 rules, through the fake and the SDKs (conftest.scan)."""

from conftest import findings, scan


def _hk(doc):
    return doc["accounts"][0]["regions"]["cn-hongkong"]


def _status(report, rule, resource):
    [f] = findings(report, rule, resource)
    return f["status"]


def test_sg_rules_failed_call_is_error_for_that_group_only(gaps_doc):
    gaps_doc["accounts"][0]["errors"].append(
        {"product": "ecs", "action": "DescribeSecurityGroupAttribute", "region": "cn-hongkong",
         "resource": "sg-j6cdb", "code": "Forbidden.RAM", "message": "denied", "http_status": 403})
    report = scan(gaps_doc)
    assert _status(report, "ecs-sg-no-public-ssh", "sg-j6cdb") == "ERROR"
    assert _status(report, "ecs-sg-no-public-ssh", "sg-j6clegacy") == "FAIL"
    assert _status(report, "ecs-sg-no-public-ssh", "sg-j6cweb") == "PASS"


def test_sg_classic_group_internet_rules_are_read_and_drop_scope_matters(gaps_doc):
    hk = _hk(gaps_doc)
    web = hk["ecs"]["security_groups"][0]
    classic = {**web, "SecurityGroupId": "sg-j6cclassic", "VpcId": "", "permissions": [
        {**web["permissions"][0], "SecurityGroupRuleId": "sgr-c1", "PortRange": "3389/3389", "NicType": "internet"},
        # a Drop for part of the internet does not close the port to the rest
        {**web["permissions"][0], "SecurityGroupRuleId": "sgr-c2", "PortRange": "3389/3389", "Policy": "Drop",
         "SourceCidrIp": "1.2.3.0/24", "NicType": "internet"},
        # a Drop of lower priority (higher number) does not shadow an Accept
        {**web["permissions"][0], "SecurityGroupRuleId": "sgr-c3", "PortRange": "22/22", "Policy": "Drop",
         "Priority": 100},
        {**web["permissions"][0], "SecurityGroupRuleId": "sgr-c4", "PortRange": "22/22", "Priority": 5},
        # egress to anywhere is not exposure
        {**web["permissions"][0], "SecurityGroupRuleId": "sgr-c5", "PortRange": "3306/3306", "Direction": "egress"},
    ]}
    hk["ecs"]["security_groups"].append(classic)
    report = scan(gaps_doc)
    assert _status(report, "ecs-sg-no-public-rdp", "sg-j6cclassic") == "FAIL"
    [f] = findings(report, "ecs-sg-no-public-ssh", "sg-j6cclassic")
    assert f["status"] == "FAIL"
    assert f["evidence"]["DescribeSecurityGroupAttribute.Permission.SecurityGroupRuleId"] == "sgr-c4"
    assert _status(report, "ecs-sg-no-public-mysql", "sg-j6cclassic") == "PASS"


def test_trail_bucket_not_in_the_snapshot_is_error_never_pass(gaps_doc):
    """CIS 2.2: a trail's bucket that the scan did not see (another account, a region not scanned, deleted)
    cannot be judged."""
    trail = _hk(gaps_doc)["actiontrail"]["trails"][0]
    trail["OssBucketName"] = "audit-bucket-of-another-account"
    report = scan(gaps_doc)
    assert _status(report, "actiontrail-oss-bucket-not-public", "hk-write-audit") == "ERROR"
    assert _status(report, "actiontrail-oss-bucket-not-public", "sg-ops-audit") == "FAIL"


def test_trail_bucket_public_by_policy_alone_fails(gaps_doc):
    """A private ACL does not save a bucket whose policy allows everyone; a source-IP condition does."""
    trail = _hk(gaps_doc)["actiontrail"]["trails"][0]
    trail["OssBucketName"] = "hkins-claims-docs"  # private ACL
    [bucket] = [b for b in _hk(gaps_doc)["oss"]["buckets"] if b["Name"] == "hkins-claims-docs"]
    bucket["policy"]["Statement"].append({"Effect": "Allow", "Action": ["oss:GetObject"], "Principal": ["*"],
                                          "Resource": ["acs:oss:*:*:hkins-claims-docs/*"]})
    assert _status(scan(gaps_doc), "actiontrail-oss-bucket-not-public", "hk-write-audit") == "FAIL"
    bucket["policy"]["Statement"][-1]["Condition"] = {"IpAddress": {"acs:SourceIp": ["203.0.113.0/24"]}}
    assert _status(scan(gaps_doc), "actiontrail-oss-bucket-not-public", "hk-write-audit") == "PASS"


def test_unattached_disk_rule_judges_available_disks_only(gaps_doc):
    disks = {d["DiskId"]: d for d in _hk(gaps_doc)["ecs"]["disks"]}
    disks["d-j6cspare01"]["Encrypted"] = True
    disks["d-j6cbatch01data"]["Status"] = "Detaching"
    report = scan(gaps_doc)
    assert _status(report, "ecs-unattached-disk-encrypted", "d-j6cspare01") == "PASS"
    assert _status(report, "ecs-unattached-disk-encrypted", "d-j6cbatch01data") == "NOT_APPLICABLE"
    disks["d-j6cspare01"]["Status"] = "Unattached"  # not a documented disk state
    assert _status(scan(gaps_doc), "ecs-unattached-disk-encrypted", "d-j6cspare01") == "ERROR"


def test_root_mfa_without_the_security_report_is_error(gaps_doc):
    gaps_doc["accounts"][0]["global"]["ram"]["security_report"][0]["AccountSecurityPracticeUserInfo"]["BindMfa"] = "yes"
    assert _status(scan(gaps_doc), "ram-root-mfa", "5184000000000001") == "ERROR"
    del gaps_doc["accounts"][0]["global"]["ram"]["security_report"]
    assert _status(scan(gaps_doc), "ram-root-mfa", "5184000000000001") == "ERROR"
