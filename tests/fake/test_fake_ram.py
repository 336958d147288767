"""RAM policy enforcement in the fake, through the real SDKs and through `fake serve --policy`."""

import json

from aliaudit.rules import all_rules

import alibabacloud_oss_v2 as oss
import pytest
from Tea.exceptions import TeaException

from aliaudit.collectors import all_calls
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.policy import ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, PolicyError, evaluate, validate
from aliaudit.collectors import ram_action
from aliaudit.sdk import Clients, StaticKey, models
from conftest import fixture_path, load_fixture, scan
from fake_server_helpers import CLI, clean_env, fake_server, live_scan, verdicts

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")
ACCOUNT = "5184000000000001"


def policy(*statements):
    return {"Version": "1", "Statement": [{"Effect": e, "Action": a, "Resource": r} for e, a, r in statements]}


def all_but(*denied: str) -> dict:
    """Allow exactly the collectors' calls, minus `denied`."""
    return policy(("Allow", sorted(ram_action(c) for c in all_calls() if c not in denied), "*"),
                  ("Allow", ["oss:*"], [f"acs:oss:*:{ACCOUNT}:*"]))


def test_policy_language():
    p = policy(("Allow", ["ecs:Describe*", "RDS:DescribeDBInstance???"], "*"),
               ("Deny", "ecs:DescribeDisks", "*"),
               ("Allow", "kms:DescribeKey", "acs:kms:cn-hongkong:*:key/key-hk-*"))
    assert evaluate(p, "ecs:DescribeInstances", "*") == ALLOW
    assert evaluate(p, "ECS:describeinstances", "*") == ALLOW            # actions are case-insensitive
    assert evaluate(p, "ecs:DescribeDisks", "*") == EXPLICIT_DENY        # explicit deny wins over ecs:Describe*
    assert evaluate(p, "rds:DescribeDBInstanceTDE", "*") == ALLOW        # ? is one character
    assert evaluate(p, "rds:DescribeDBInstanceAttribute", "*") == IMPLICIT_DENY
    assert evaluate(p, "kms:DescribeKey", "acs:kms:cn-hongkong:1:key/key-hk-1") == ALLOW
    assert evaluate(p, "kms:DescribeKey", "acs:kms:ap-southeast-1:1:key/key-hk-1") == IMPLICIT_DENY
    assert evaluate(p, "kms:ListKeys", "*") == IMPLICIT_DENY             # default deny
    with pytest.raises(PolicyError, match="Effect"):
        validate({"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]})


def test_refused_rpc_call_is_forbidden_ram_with_access_denied_detail():
    with FakeCloud().load(load_fixture("hk-insurer-gaps.json")) as cloud:
        cloud.state.set_policy("fake-access-key-id", policy(("Allow", "ecs:*", "*"), ("Deny", "ecs:DescribeDisks", "*")))
        clients = Clients(KEY)
        client, m = clients.rpc("ecs", "cn-hongkong"), models("ecs")
        assert client.describe_instances_with_options(m.DescribeInstancesRequest(region_id="cn-hongkong"),
                                                      clients.runtime()).body.to_map()["Instances"]["Instance"]
        with pytest.raises(TeaException) as err:
            client.describe_disks_with_options(m.DescribeDisksRequest(region_id="cn-hongkong"), clients.runtime())
        assert (err.value.code, err.value.status_code) == ("Forbidden.RAM", 403)
        detail = err.value.accessDeniedDetail
        assert detail["AuthAction"] == "ecs:DescribeDisks" and detail["NoPermissionType"] == "ExplicitDeny"
        assert detail["AuthPrincipalOwnerId"] == ACCOUNT and detail["EncodedDiagnosticMessage"]
        rds = clients.rpc("rds", "cn-hongkong")
        with pytest.raises(TeaException) as err:
            rds.describe_dbinstances_with_options(models("rds").DescribeDBInstancesRequest(region_id="cn-hongkong"),
                                                  clients.runtime())
        assert err.value.accessDeniedDetail["NoPermissionType"] == "ImplicitDeny"
        # DescribeInstances answers a RAM identity without permission with an empty list (documented)
        cloud.state.set_policy("fake-access-key-id", policy(("Deny", "ecs:DescribeInstances", "*"), ("Allow", "*", "*")))
        body = client.describe_instances_with_options(m.DescribeInstancesRequest(region_id="cn-hongkong"),
                                                      clients.runtime()).body.to_map()
        assert body["Instances"]["Instance"] == [] and body["TotalCount"] == 0
        # GetCallerIdentity needs no permission
        sts = clients.rpc("sts", "cn-hongkong")
        assert sts.get_caller_identity_with_options(clients.runtime()).body.account_id == ACCOUNT


def test_resource_level_policy_on_rds_and_oss():
    with FakeCloud().load(load_fixture("hk-insurer-gaps.json")) as cloud:
        rds_ids = [i["DBInstanceId"] for i in
                   load_fixture("hk-insurer-gaps.json")["accounts"][0]["regions"]["cn-hongkong"]["rds"]["instances"]]
        cloud.state.set_policy("fake-access-key-id", policy(
            ("Allow", "rds:DescribeDBInstanceSSL", f"acs:rds:cn-hongkong:{ACCOUNT}:dbinstance/{rds_ids[0]}"),
            ("Allow", ["oss:ListBuckets", "oss:GetBucketInfo"], f"acs:oss:*:{ACCOUNT}:*"),
            ("Deny", "oss:GetBucketInfo", f"acs:oss:*:{ACCOUNT}:hkins-claims-*")))
        clients = Clients(KEY)
        rds, m = clients.rpc("rds", "cn-hongkong"), models("rds")
        assert rds.describe_dbinstance_sslwith_options(m.DescribeDBInstanceSSLRequest(dbinstance_id=rds_ids[0]),
                                                       clients.runtime()).body.to_map()
        with pytest.raises(TeaException) as err:
            rds.describe_dbinstance_sslwith_options(m.DescribeDBInstanceSSLRequest(dbinstance_id=rds_ids[1]),
                                                    clients.runtime())
        assert err.value.code == "Forbidden.RAM"
        client = clients.oss("cn-hongkong")
        assert client.list_buckets(oss.ListBucketsRequest()).buckets
        with pytest.raises(oss.exceptions.OperationError) as err:
            client.get_bucket_info(oss.GetBucketInfoRequest(bucket="hkins-claims-docs"))
        assert (err.value.unwrap().code, err.value.unwrap().status_code) == ("AccessDenied", 403)
        with pytest.raises(oss.exceptions.OperationError) as err:
            client.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket="hkins-claims-docs"))
        assert err.value.unwrap().code == "AccessDenied"


def test_scan_under_a_policy_missing_one_action_errors_exactly_the_rules_that_need_it(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(all_but("rds:DescribeDBInstanceTDE")))
    gaps = fixture_path("hk-insurer-gaps.json")
    regions = ("--region", "cn-hongkong", "--region", "ap-southeast-1")
    with fake_server("--state", gaps, "--policy", str(path)) as (url, _, _):
        code, restricted, err = live_scan(url, *regions)
    full = scan(gaps, regions=["cn-hongkong", "ap-southeast-1"])
    assert code == 1, err
    needing = {r.id for r in all_rules() if "rds:DescribeDBInstanceTDE" in r.needs}
    assert needing == {"rds-tde-enabled", "rds-tde-cmk"}
    errors = [f for f in restricted["findings"] if f["status"] == "ERROR"]
    expected = [(f["rule"], f["resource_id"]) for f in full["findings"] if f["rule"] in needing]
    assert expected and sorted((f["rule"], f["resource_id"]) for f in errors) == sorted(expected)
    assert {e["code"] for e in restricted["collection_errors"]} == {"Forbidden.RAM"}
    assert {e["action"] for e in restricted["collection_errors"]} == {"DescribeDBInstanceTDE"}
    others = lambda r: [v for v in verdicts(r)[1] if v[0] not in needing]
    assert others(restricted) == others(full)


def test_policy_file_is_validated(tmp_path):
    import subprocess

    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "1", "Statement": []}')
    done = subprocess.run([*CLI, "fake", "serve", "--port", "0", "--policy", str(bad)], capture_output=True,
                          text=True, env=clean_env(), timeout=60)
    assert done.returncode == 2 and "not a RAM policy document" in done.stderr
