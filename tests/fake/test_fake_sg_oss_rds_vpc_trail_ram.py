"""Wire behaviour of the fake actions added for issue 4 (security groups, OSS, RDS, VPC, ActionTrail, RAM):
pagination and documented error shapes, through the real SDKs."""

import pytest
from Tea.exceptions import TeaException

from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")


def client(product, region="cn-hongkong"):
    clients = Clients(KEY)
    return clients, clients.rpc(product, region)


def test_security_groups_paginate_by_token_and_rules_filter(alicloud_fake):
    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    clients, ecs = client("ecs")
    m = models("ecs")
    seen, token = [], None
    while True:
        body = ecs.describe_security_groups_with_options(
            m.DescribeSecurityGroupsRequest(region_id="cn-hongkong", max_results=2, next_token=token),
            clients.runtime()).body.to_map()
        assert "permissions" not in str(body) and "TotalCount" not in body
        seen += [g["SecurityGroupId"] for g in body["SecurityGroups"]["SecurityGroup"]]
        token = body.get("NextToken")
        if not token:
            break
    assert seen == ["sg-j6cweb", "sg-j6clegacy", "sg-j6cdb"]
    with pytest.raises(TeaException) as err:
        ecs.describe_security_groups_with_options(
            m.DescribeSecurityGroupsRequest(region_id="cn-hongkong", max_results=101), clients.runtime())
    assert err.value.code == "InvalidParameter.MaxResults"
    body = ecs.describe_security_group_attribute_with_options(
        m.DescribeSecurityGroupAttributeRequest(region_id="cn-hongkong", security_group_id="sg-j6cweb",
                                                direction="ingress"), clients.runtime()).body.to_map()
    assert [p["SecurityGroupRuleId"] for p in body["Permissions"]["Permission"]] == \
        ["sgr-j6cweb443", "sgr-j6cweb80", "sgr-j6cwebssh"]
    assert body["NextToken"] == ""
    with pytest.raises(TeaException) as err:
        ecs.describe_security_group_attribute_with_options(
            m.DescribeSecurityGroupAttributeRequest(region_id="cn-hongkong", security_group_id="sg-j6cweb",
                                                    max_results=5), clients.runtime())
    assert err.value.code == "InvalidParameter.MaxResults"
    with pytest.raises(TeaException) as err:
        ecs.describe_security_group_attribute_with_options(
            m.DescribeSecurityGroupAttributeRequest(region_id="cn-hongkong", security_group_id="sg-nope"),
            clients.runtime())
    assert err.value.code == "InvalidSecurityGroupId.NotFound" and err.value.status_code == 404


def test_oss_bucket_subresources_and_not_configured_errors(alicloud_fake):
    import alibabacloud_oss_v2 as oss
    from alibabacloud_oss_v2.exceptions import OperationError

    from aliaudit.collectors.oss import _logging

    doc = load_fixture("hk-insurer-gaps.json")
    alicloud_fake.load(doc)
    c = Clients(StaticKey(*account_key("5184000000000001"))).oss(
        "cn-hongkong")
    assert c.get_bucket_acl(oss.GetBucketAclRequest(bucket="hkins-marketing-assets")).acl == "public-read"
    pab = c.get_bucket_public_access_block(oss.GetBucketPublicAccessBlockRequest(bucket="hkins-marketing-assets"))
    assert pab.public_access_block_configuration.block_public_access is False
    assert _logging(c, oss, "hkins-claims-docs")["LoggingEnabled"]["TargetBucket"] == "hkins-app-logs"
    assert _logging(c, oss, "hkins-marketing-assets") == {}
    with pytest.raises(OperationError) as err:
        c.get_bucket_replication(oss.GetBucketReplicationRequest(bucket="hkins-marketing-assets"))
    assert err.value.unwrap().code == "NoSuchReplicationConfiguration" and err.value.unwrap().status_code == 404
    with pytest.raises(OperationError) as err:
        c.get_bucket_https_config(oss.GetBucketHttpsConfigRequest(bucket="hkins-marketing-assets"))
    assert err.value.unwrap().code == "NoSuchHttpsConfig"
    tls = c.get_bucket_https_config(oss.GetBucketHttpsConfigRequest(bucket="hkins-app-logs")).https_configuration.tls
    assert tls.enable is True and tls.tls_versions == ["TLSv1.0", "TLSv1.1", "TLSv1.2"]
    # a recorded failure replays as the real error
    doc["accounts"][0]["errors"].append({"product": "oss", "action": "GetBucketAcl", "region": "cn-hongkong",
                                         "resource": "hkins-claims-docs", "code": "AccessDenied", "message": "no",
                                         "http_status": 403})
    alicloud_fake.load(doc)
    with pytest.raises(OperationError) as err:
        c.get_bucket_acl(oss.GetBucketAclRequest(bucket="hkins-claims-docs"))
    assert err.value.unwrap().code == "AccessDenied" and err.value.unwrap().status_code == 403


def test_rds_allow_lists_and_cross_backup_policy_errors(alicloud_fake):
    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    clients, rds = client("rds")
    m = models("rds")
    body = rds.describe_dbinstance_iparray_list_with_options(
        m.DescribeDBInstanceIPArrayListRequest(dbinstance_id="rm-j6cclaimspg01"), clients.runtime()).body.to_map()
    assert [(a["DBInstanceIPArrayName"], a["DBInstanceIPArrayAttribute"]) for a in body["Items"]["DBInstanceIPArray"]] \
        == [("default", ""), ("ali_dms_group", "hidden")]
    body = rds.describe_instance_cross_backup_policy_with_options(
        m.DescribeInstanceCrossBackupPolicyRequest(region_id="cn-hongkong", dbinstance_id="rm-j6cpolicydb01"),
        clients.runtime()).body.to_map()
    assert (body["BackupEnabled"], body["CrossBackupRegion"]) == ("Enable", "cn-shenzhen")
    with pytest.raises(TeaException) as err:
        rds.describe_instance_cross_backup_policy_with_options(
            m.DescribeInstanceCrossBackupPolicyRequest(region_id="cn-hongkong", dbinstance_id="rm-nope"),
            clients.runtime())
    assert err.value.code == "InvalidDBInstanceId.NotFound" and err.value.status_code == 400


def test_rds_cross_backup_not_supported_is_error_not_pass(gaps_doc):
    from conftest import findings, scan

    gaps_doc["accounts"][0]["errors"].append(
        {"product": "rds", "action": "DescribeInstanceCrossBackupPolicy", "region": "cn-hongkong",
         "resource": "rm-j6cpolicydb01", "code": "CrossBackupNotSupport",
         "message": "Specified region not support cross region backup", "http_status": 403})
    report = scan(gaps_doc, replay=True)
    [f] = findings(report, "rds-cross-region-backup", "rm-j6cpolicydb01")
    assert f["status"] == "ERROR" and f["evidence"]["error"]["code"] == "CrossBackupNotSupport"


def test_ram_users_paginate_by_marker_and_absent_states_are_documented_404s(alicloud_fake):
    doc = load_fixture("hk-insurer-gaps.json")
    alicloud_fake.load(doc)
    clients = Clients(StaticKey(*account_key("5184000000000001")))
    ram = clients.rpc("ram", "cn-hongkong")
    m = models("ram")
    names, marker, pages = [], None, 0
    while True:
        body = ram.list_users_with_options(m.ListUsersRequest(max_items=2, marker=marker), clients.runtime()).body.to_map()
        pages += 1
        names += [u["UserName"] for u in body["Users"]["User"]]
        if not body["IsTruncated"]:
            assert "Marker" not in body
            break
        marker = body["Marker"]
    assert (names, pages) == (["alice.admin", "bob.claims", "ci-deploy"], 2)
    with pytest.raises(TeaException) as err:
        ram.list_users_with_options(m.ListUsersRequest(max_items=1001), clients.runtime())
    assert err.value.code == "InvalidParameter.MaxItems"
    with pytest.raises(TeaException) as err:
        ram.get_login_profile_with_options(m.GetLoginProfileRequest(user_name="ci-deploy"), clients.runtime())
    assert (err.value.code, err.value.status_code) == ("EntityNotExist.User.LoginProfile", 404)
    with pytest.raises(TeaException) as err:
        ram.get_user_mfainfo_with_options(m.GetUserMFAInfoRequest(user_name="bob.claims"), clients.runtime())
    assert (err.value.code, err.value.status_code) == ("EntityNotExist.User.MFADevice", 404)
    with pytest.raises(TeaException) as err:
        ram.list_access_keys_with_options(m.ListAccessKeysRequest(user_name="nobody"), clients.runtime())
    assert (err.value.code, err.value.status_code) == ("EntityNotExist.User", 404)
    keys = ram.list_access_keys_with_options(m.ListAccessKeysRequest(user_name="bob.claims"),
                                             clients.runtime()).body.to_map()["AccessKeys"]["AccessKey"]
    assert [k["Status"] for k in keys] == ["Active", "Active", "Inactive"] and "last_used" not in keys[0]
    policy = ram.get_password_policy_with_options(clients.runtime()).body.to_map()["PasswordPolicy"]
    assert policy["MaxLoginAttemps"] == 0 and policy["MinimumPasswordLength"] == 8
    ims = clients.rpc("ims", "cn-hongkong")
    report = ims.get_account_security_practice_report_with_options(clients.runtime()).body.to_map()
    assert report["AccountSecurityPracticeInfo"]["AccountSecurityPracticeUserInfo"]["RootWithAccessKey"] == 1


def test_ram_list_users_failure_is_account_wide_error(gaps_doc):
    from conftest import findings, scan

    gaps_doc["accounts"][0]["errors"].append({"product": "ram", "action": "ListUsers", "region": None,
                                              "resource": None, "code": "NoPermission", "message": "denied",
                                              "http_status": 403})
    report = scan(gaps_doc, replay=True)
    [f] = findings(report, "ram-console-user-mfa")
    assert f["status"] == "ERROR" and f["resource_id"] == "*"
    assert {f["status"] for f in findings(report, "ram-password-min-length")} == {"FAIL"}


def test_vpc_flow_logs_paginate_and_filter(alicloud_fake):
    doc = load_fixture("hk-insurer-gaps.json")
    hk = doc["accounts"][0]["regions"]["cn-hongkong"]
    fl = hk["vpc"]["flow_logs"][0]
    hk["vpc"]["flow_logs"] = [dict(fl, FlowLogId=f"fl-many{i:03d}") for i in range(51)]
    alicloud_fake.load(doc)
    clients = Clients(StaticKey(*account_key("5184000000000001")))
    vpc = clients.rpc("vpc", "cn-hongkong")
    m = models("vpc")
    page2 = vpc.describe_flow_logs_with_options(m.DescribeFlowLogsRequest(region_id="cn-hongkong", page_size=50,
                                                                         page_number=2), clients.runtime()).body.to_map()
    assert [f["FlowLogId"] for f in page2["FlowLogs"]["FlowLog"]] == ["fl-many050"] and page2["TotalCount"] == "51"
    with pytest.raises(TeaException) as err:
        vpc.describe_vpcs_with_options(m.DescribeVpcsRequest(region_id="cn-hongkong", page_size=51), clients.runtime())
    assert err.value.code == "InvalidParameter.PageSize"
    from aliaudit.collect import collect_account

    got = collect_account(clients, "5184000000000001", ["cn-hongkong"], workers=1)
    assert len(got["regions"]["cn-hongkong"]["vpc"]["flow_logs"]) == 51
    assert alicloud_fake.calls[("vpc", "DescribeFlowLogs")] == 1 + 2


def test_actiontrail_shadow_trails_and_status_from_home_region(alicloud_fake):
    doc = load_fixture("hk-insurer-compliant.json")
    alicloud_fake.load(doc)
    clients = Clients(StaticKey(*account_key("5184000000000002")))
    at = clients.rpc("actiontrail", "cn-hongkong")
    m = models("actiontrail")
    body = at.describe_trails_with_options(m.DescribeTrailsRequest(), clients.runtime()).body.to_map()
    assert [t["Name"] for t in body["TrailList"]] == ["org-audit-all"] and "status" not in body["TrailList"][0]
    status = at.get_trail_status_with_options(m.GetTrailStatusRequest(name="org-audit-all"), clients.runtime())
    assert status.body.to_map()["IsLogging"] is True
    with pytest.raises(TeaException) as err:
        at.get_trail_status_with_options(m.GetTrailStatusRequest(name="nope"), clients.runtime())
    assert err.value.status_code == 404


def test_residency_follows_allowed_regions_setting(gaps_doc):
    from dataclasses import replace

    from aliaudit.settings import Settings
    from conftest import findings, scan

    report = scan(gaps_doc, settings=replace(Settings(), allowed_regions=("cn-hongkong", "ap-southeast-1")))
    assert {f["status"] for f in findings(report, "data-residency-allowed-regions")} == {"PASS"}
