"""PolarDB, Redis/Tair, ALB and Cloud Backup (HBR) through the real SDKs and the fake: wire shapes,
pagination limits, error replay, and the rule edge cases the example fixtures do not reach."""

import copy

import pytest
from Tea.exceptions import TeaException

from aliaudit.collectors.base import sdk_method
from aliaudit.sdk import Clients, StaticKey, models
from conftest import findings, load_fixture, scan

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")
HK = "cn-hongkong"


def _call(product, action, request):
    clients = Clients(KEY)
    client = clients.rpc(product, HK)
    return sdk_method(client, action)(request, clients.runtime()).body.to_map()


def _error(product, action, resource=None, code="Forbidden.RAM", status=403, region=HK):
    return {"product": product, "action": action, "region": region, "resource": resource, "code": code,
            "message": f"{code} for the test", "http_status": status, "request_id": None}


def _hk(doc):
    return doc["accounts"][0]["regions"][HK]


def _statuses(report, rule):
    return {f["resource_id"]: f["status"] for f in findings(report, rule)}


# ---- PolarDB -------------------------------------------------------------------------------------

def test_polardb_clusters_page_at_100_and_reject_other_sizes(alicloud_fake, compliant_doc):
    base = _hk(compliant_doc)["polardb"]["clusters"][0]
    _hk(compliant_doc)["polardb"]["clusters"] = [dict(copy.deepcopy(base), DBClusterId=f"pc-j6dmany{i:03d}")
                                                  for i in range(130)]
    alicloud_fake.load(compliant_doc)
    m = models("polardb")
    page1 = _call("polardb", "DescribeDBClusters", m.DescribeDBClustersRequest(region_id=HK, page_size=100))
    page2 = _call("polardb", "DescribeDBClusters",
                  m.DescribeDBClustersRequest(region_id=HK, page_size=100, page_number=2))
    assert len(page1["Items"]["DBCluster"]) == 100 and page1["TotalRecordCount"] == 130
    assert len(page2["Items"]["DBCluster"]) == 30 and page2["PageRecordCount"] == 30
    assert "tde" not in page1["Items"]["DBCluster"][0]  # detail sub-documents are not list fields
    with pytest.raises(TeaException) as exc:
        _call("polardb", "DescribeDBClusters", m.DescribeDBClustersRequest(region_id=HK, page_size=40))
    assert exc.value.code == "InvalidPageSize.Malformed" and exc.value.status_code == 400
    report = scan(compliant_doc, frameworks=["hkia-gl8"])
    assert len(findings(report, "polardb-tde-enabled")) == 130


def test_polardb_unknown_cluster_is_the_documented_404(alicloud_fake, compliant_doc):
    alicloud_fake.load(compliant_doc)
    m = models("polardb")
    with pytest.raises(TeaException) as exc:
        _call("polardb", "DescribeDBClusterTDE", m.DescribeDBClusterTDERequest(dbcluster_id="pc-nope"))
    assert exc.value.code == "InvalidDBCluster.NotFound" and exc.value.status_code == 404
    with pytest.raises(TeaException) as exc:
        _call("polardb", "DescribeDBClusterAttribute", m.DescribeDBClusterAttributeRequest(dbcluster_id="x-1"))
    assert exc.value.code == "InvalidDBClusterId.Malformed"


def test_polardb_failed_tde_call_is_error_for_that_cluster_only(gaps_doc):
    gaps_doc["accounts"][0]["errors"].append(_error("polardb", "DescribeDBClusterTDE", resource="pc-j6cpolicy01"))
    report = scan(gaps_doc, replay=True)
    assert _statuses(report, "polardb-tde-enabled") == {"pc-j6cpolicy01": "ERROR", "pc-j6cclaims01": "FAIL"}
    assert _statuses(report, "polardb-tde-cmk")["pc-j6cpolicy01"] == "ERROR"
    assert _statuses(report, "polardb-ssl-enabled")["pc-j6cpolicy01"] == "PASS"


def test_polardb_edge_cases(compliant_doc):
    cluster = _hk(compliant_doc)["polardb"]["clusters"][0]
    cluster["PayType"] = cluster["attribute"]["PayType"] = "Prepaid"
    cluster["backup_policy"].update(DataLevel1BackupRetentionPeriod="3", DataLevel2BackupRetentionPeriod="-1")
    cluster["tde"]["EncryptionKey"] = "key-not-listed-by-kms"
    cluster["ssl"]["Items"] = []
    report = scan(compliant_doc)
    assert _statuses(report, "polardb-deletion-protection") == {"pc-j6dcore01": "NOT_APPLICABLE"}
    assert _statuses(report, "polardb-backup-retention") == {"pc-j6dcore01": "PASS"}  # level 2 kept for ever
    assert _statuses(report, "polardb-tde-cmk") == {"pc-j6dcore01": "FAIL"}
    assert _statuses(report, "polardb-ssl-enabled") == {"pc-j6dcore01": "FAIL"}


# ---- Redis / Tair --------------------------------------------------------------------------------

def test_redis_instances_page_at_most_50(alicloud_fake, compliant_doc):
    base = _hk(compliant_doc)["redis"]["instances"][0]
    _hk(compliant_doc)["redis"]["instances"] = [dict(copy.deepcopy(base), InstanceId=f"r-j6dmany{i:03d}")
                                                for i in range(51)]
    alicloud_fake.load(compliant_doc)
    m = models("redis")
    body = _call("redis", "DescribeInstances", m.DescribeInstancesRequest(region_id=HK, page_size=50))
    assert len(body["Instances"]["KVStoreInstance"]) == 50 and body["TotalCount"] == 51
    with pytest.raises(TeaException) as exc:
        _call("redis", "DescribeInstances", m.DescribeInstancesRequest(region_id=HK, page_size=100))
    assert exc.value.code == "InvalidPageSize.Malformed"
    attr = _call("redis", "DescribeInstanceAttribute", m.DescribeInstanceAttributeRequest(instance_id="r-j6dmany050"))
    assert len(attr["Instances"]["DBInstanceAttribute"]) == 1
    with pytest.raises(TeaException) as exc:
        _call("redis", "DescribeInstanceSSL", m.DescribeInstanceSSLRequest(instance_id="r-nope"))
    assert exc.value.code == "InvalidInstanceId.NotFound" and exc.value.status_code == 404
    assert len(findings(scan(compliant_doc), "redis-tls-enabled")) == 51


def test_redis_tde_not_supported_is_not_applicable_and_not_asked(compliant_doc):
    inst = _hk(compliant_doc)["redis"]["instances"][0]
    inst["attribute"]["IsSupportTDE"] = False
    del inst["tde"]
    report = scan(compliant_doc)
    [f] = findings(report, "redis-tde-enabled")
    assert f["status"] == "NOT_APPLICABLE" and f["evidence"]["DescribeInstanceAttribute.IsSupportTDE"] is False
    assert not report["collection_errors"]


def test_redis_failed_ssl_call_is_error(compliant_doc):
    compliant_doc["accounts"][0]["errors"].append(_error("redis", "DescribeInstanceSSL", resource="r-j6dsession01",
                                                         code="Throttling.User", status=400))
    report = scan(compliant_doc, replay=True)
    assert _statuses(report, "redis-tls-enabled") == {"r-j6dsession01": "ERROR"}
    assert _statuses(report, "redis-tde-enabled") == {"r-j6dsession01": "PASS"}


# ---- ALB -----------------------------------------------------------------------------------------

def test_alb_lists_are_bare_arrays_with_next_token(alicloud_fake, gaps_doc):
    alicloud_fake.load(gaps_doc)
    m = models("alb")
    first = _call("alb", "ListLoadBalancers", m.ListLoadBalancersRequest(max_results=1))
    assert isinstance(first["LoadBalancers"], list) and len(first["LoadBalancers"]) == 1 and first["NextToken"]
    second = _call("alb", "ListLoadBalancers", m.ListLoadBalancersRequest(max_results=1, next_token=first["NextToken"]))
    assert len(second["LoadBalancers"]) == 1 and second["NextToken"] == ""
    listeners = _call("alb", "ListListeners", m.ListListenersRequest(load_balancer_ids=["alb-j6clegacy01"], max_results=2))
    assert [x["ListenerPort"] for x in listeners["Listeners"]] == [80, 443] and listeners["NextToken"]
    assert all("rules" not in x for x in listeners["Listeners"])
    rules = _call("alb", "ListRules", m.ListRulesRequest(load_balancer_ids=["alb-j6cweb01"], max_results=100))
    assert rules["Rules"][0]["RuleActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert rules["Rules"][0]["ListenerId"] == "lsn-j6cweb01http"
    with pytest.raises(TeaException) as exc:
        _call("alb", "ListLoadBalancers", m.ListLoadBalancersRequest(max_results=101))
    assert exc.value.status_code == 400
    with pytest.raises(TeaException) as exc:
        _call("alb", "GetLoadBalancerAttribute", m.GetLoadBalancerAttributeRequest(load_balancer_id="alb-nope"))
    assert exc.value.code == "ResourceNotFound.LoadBalancer" and exc.value.status_code == 404


def test_alb_failed_rules_call_makes_that_balancers_listeners_error(gaps_doc):
    gaps_doc["accounts"][0]["errors"].append(_error("alb", "ListRules", resource="alb-j6cweb01"))
    report = scan(gaps_doc, replay=True)
    got = _statuses(report, "alb-listener-https-only")
    assert got["alb-j6cweb01/HTTP:80"] == "ERROR" and got["alb-j6clegacy01/HTTP:80"] == "FAIL"


def test_alb_redirect_must_be_evaluated_first_and_catch_all(compliant_doc):
    lb = _hk(compliant_doc)["alb"]["load_balancers"][0]
    http = next(x for x in lb["listeners"] if x["ListenerProtocol"] == "HTTP")
    forward = copy.deepcopy(http["rules"][0])
    forward.update(RuleId="rule-j6dforward", Priority=1,
                   RuleActions=[{"Order": 1, "Type": "ForwardGroup",
                                 "ForwardGroupConfig": {"ServerGroupTuples": [{"ServerGroupId": "sgp-j6d0001"}]}}])
    http["rules"][0]["Priority"] = 2
    http["rules"].append(forward)
    assert _statuses(scan(compliant_doc), "alb-listener-https-only")["alb-j6dweb01/HTTP:80"] == "FAIL"
    http["rules"] = [dict(http["rules"][0], Priority=1,
                          RuleConditions=[{"Type": "Path", "PathConfig": {"Values": ["/login"]}}])]
    assert _statuses(scan(compliant_doc), "alb-listener-https-only")["alb-j6dweb01/HTTP:80"] == "FAIL"


def test_alb_unlisted_custom_policy_is_error_not_pass(compliant_doc):
    _hk(compliant_doc)["alb"]["security_policies"] = []
    report = scan(compliant_doc)
    assert _statuses(report, "alb-https-listener-tls12") == {"alb-j6dweb01/HTTPS:443": "ERROR"}


# ---- HBR -----------------------------------------------------------------------------------------

def test_hbr_page_size_limit_and_source_type_filter(alicloud_fake, compliant_doc):
    alicloud_fake.load(compliant_doc)
    m = models("hbr")
    body = _call("hbr", "DescribeBackupPlans", m.DescribeBackupPlansRequest(source_type="OSS", page_size=99))
    assert body["Success"] is True and [p["Bucket"] for p in body["BackupPlans"]["BackupPlan"]] == [
        "hkvi-policy-documents"]
    with pytest.raises(TeaException) as exc:
        _call("hbr", "DescribeBackupPlans", m.DescribeBackupPlansRequest(source_type="OSS", page_size=100))
    assert exc.value.status_code == 400


def test_hbr_success_false_in_a_200_body_is_an_error_never_no_plans(alicloud_fake, compliant_doc):
    err = _error("hbr", "DescribeBackupPlans", code="403", status=200)
    compliant_doc["accounts"][0]["errors"].append(err)
    alicloud_fake.load(compliant_doc)
    body = _call("hbr", "DescribeBackupPlans", models("hbr").DescribeBackupPlansRequest(source_type="OSS"))
    assert body["Success"] is False and body["Code"] == "403" and "BackupPlans" not in body
    report = scan(compliant_doc, replay=True)
    for rule in ("hbr-backup-plan-enabled", "hbr-backup-plan-retention", "hbr-ecs-instance-covered",
                 "hbr-oss-bucket-covered"):
        assert {f["status"] for f in findings(report, rule)} == {"ERROR"}, rule
    recorded = [e for e in report["collection_errors"] if e["product"] == "hbr"]
    # the data source types are listed at once, so each one's call failed and is recorded
    from aliaudit.collectors.hbr import SOURCE_TYPES

    assert len(recorded) == len(SOURCE_TYPES)
    assert all(e["code"] == "403" and e["http_status"] == 200 for e in recorded)
    assert next(c for c in report["clauses"] if c["clause"] == "5.1(c)")["status"] == "INCOMPLETE"
