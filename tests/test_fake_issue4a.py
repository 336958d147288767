"""Wire behaviour of the fake actions added for issue 4 (security groups, OSS, RDS, VPC, ActionTrail, RAM):
pagination and documented error shapes, through the real SDKs."""

import pytest
from Tea.exceptions import TeaException

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
