"""ACK (a ROA API) through the real SDK and the fake: the route table and path parameters, page_number /
page_size paging with page_info.total_count, the ROA error body, the ACS3 signature over the path, RAM on
a cluster resource, and what a failed per-cluster call does to the rules (ERROR, never a PASS)."""

import copy

import pytest
from Tea.exceptions import TeaException

from aliaudit import snapshot
from aliaudit.collect import collect_account
from aliaudit.collectors.base import RetryPolicy, sdk_method
from aliaudit.fakes import FakeCloud
from aliaudit.sdk import Clients, StaticKey, models
from conftest import findings, scan

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")
HK = "cn-hongkong"


def _clusters(doc):
    return doc["accounts"][0]["regions"][HK]["ack"]["clusters"]


def _call(action, *args):
    clients = Clients(KEY)
    return sdk_method(clients.rpc("ack", HK), action)(*args, {}, clients.runtime()).body


def _statuses(report, rule):
    return {f["resource_id"]: (f["status"], f.get("reason") or "") for f in findings(report, rule)}


def test_clusters_page_by_number_and_are_all_judged(alicloud_fake, compliant_doc):
    template = _clusters(compliant_doc)[0]
    many = [dict(copy.deepcopy(template), cluster_id=f"c{i:016x}", name=f"hk-{i}") for i in range(1, 151)]
    many[149]["deletion_protection"] = False  # the last one, on page 2
    _clusters(compliant_doc)[:] = many
    alicloud_fake.load(compliant_doc)
    m = models("ack")
    page2 = _call("DescribeClustersV1", m.DescribeClustersV1Request(page_size=100, page_number=2, region_id=HK))
    body = page2.to_map()
    assert body["page_info"] == {"page_number": 2, "page_size": 100, "total_count": 150}
    assert len(body["clusters"]) == 50 and "node_pools" not in body["clusters"][0]  # details are their own calls
    with pytest.raises(TeaException) as exc:
        _call("DescribeClustersV1", m.DescribeClustersV1Request(page_size=101))
    assert exc.value.code == "InvalidParameter.page_size" and exc.value.status_code == 400

    statuses = _statuses(scan(compliant_doc, replay=True), "ack-deletion-protection")
    assert len(statuses) == 150 and statuses[many[149]["cluster_id"]][0] == "FAIL"
    assert sum(s == "PASS" for s, _ in statuses.values()) == 149


def test_a_cluster_path_is_routed_and_an_unknown_one_answers_the_roa_error(alicloud_fake, compliant_doc):
    alicloud_fake.load(compliant_doc)
    cid = _clusters(compliant_doc)[0]["cluster_id"]
    body = _call("CheckControlPlaneLogEnable", cid)
    assert "apiserver" in body.components and body.log_project
    pools = _call("DescribeClusterNodePools", cid, models("ack").DescribeClusterNodePoolsRequest()).to_map()
    assert pools["nodepools"][0]["scaling_group"]["system_disk_encrypted"] is True
    with pytest.raises(TeaException) as exc:
        _call("ListClusterAddonInstances", "c-no-such-cluster")
    # ROA errors are lower-case code/message/requestId: the SDK reads them all
    assert (exc.value.code, exc.value.status_code) == ("ErrorClusterNotFound", 404)
    assert exc.value.data["requestId"].startswith("FAKE-") and "c-no-such-cluster" in exc.value.data["message"]


def test_the_roa_signature_covers_the_path(compliant_doc):
    """The fake checks ACS3 over the request's path: a key whose secret differs fails on a ROA call too."""
    with FakeCloud().load(compliant_doc):
        clients = Clients(StaticKey("fake-access-key-id", "not-the-secret"))
        client = clients.rpc("ack", HK)
        with pytest.raises(TeaException) as exc:
            client.check_control_plane_log_enable_with_options(_clusters(compliant_doc)[0]["cluster_id"], {},
                                                               clients.runtime())
        assert (exc.value.code, exc.value.status_code) == ("SignatureDoesNotMatch", 400)


def test_ram_on_one_cluster_makes_only_its_rules_error(compliant_doc):
    """cs:DescribeClusterNodePools allowed on every cluster but one: that cluster's node-pool rules are ERROR
    naming the call; its other rules and the other cluster are judged as usual."""
    other = dict(copy.deepcopy(_clusters(compliant_doc)[0]), cluster_id="c00000000000000b1", name="hk-core-2")
    _clusters(compliant_doc).append(other)
    denied = _clusters(compliant_doc)[0]["cluster_id"]
    key_id, secret = KEY.access_key_id, KEY.access_key_secret
    account = compliant_doc["accounts"][0]["account_id"]
    with FakeCloud().load(compliant_doc) as cloud:
        cloud.state.set_policy(key_id, {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "cs:DescribeClusterNodePools",
             "Resource": f"acs:cs:{HK}:{account}:cluster/{denied}"}]})
        collected = collect_account(Clients(StaticKey(key_id, secret)), account, [HK], workers=1)
    [error] = [e for e in collected["errors"] if e["product"] == "ack"]
    assert (error["action"], error["resource"], error["code"]) == ("DescribeClusterNodePools", denied, "Forbidden.RAM")
    doc = snapshot.new("fixture")
    doc.update(collected_at=compliant_doc["collected_at"], accounts=[collected])
    report = scan(doc)
    for rule in ("ack-node-pool-disks-encrypted", "ack-cloudmonitor-enabled"):
        got = _statuses(report, rule)
        assert got[denied][0] == "ERROR" and got[other["cluster_id"]][0] == "PASS", (rule, got)
    assert _statuses(report, "ack-deletion-protection")[denied][0] == "PASS"


@pytest.mark.parametrize("detail,rules", [
    ("addon_instances", ("ack-dashboard-not-installed", "ack-log-service-enabled", "ack-network-policy-supported",
                         "ack-eni-multi-ip")),
    ("control_plane_log", ("ack-control-plane-logs",)),
    ("cluster_checks", ("ack-cluster-check-weekly",)),
])
def test_a_recorded_per_cluster_failure_replays_and_its_rules_are_error(compliant_doc, detail, rules):
    cluster = _clusters(compliant_doc)[0]
    action = {"addon_instances": "ListClusterAddonInstances", "control_plane_log": "CheckControlPlaneLogEnable",
              "cluster_checks": "ListClusterChecks"}[detail]
    compliant_doc["accounts"][0].setdefault("errors", []).append(
        {"product": "ack", "action": action, "region": HK, "resource": cluster["cluster_id"],
         "code": "Throttling.User", "message": "Request was denied due to user flow control.", "http_status": 400,
         "request_id": None})
    report = scan(compliant_doc, replay=True)
    for rule in rules:
        status, reason = _statuses(report, rule)[cluster["cluster_id"]]
        assert status == "ERROR" and action in reason, (rule, status, reason)
    assert _statuses(report, "ack-api-server-private")[cluster["cluster_id"]][0] == "PASS"


def test_rule_edges_the_fixtures_do_not_reach(compliant_doc):
    cluster = _clusters(compliant_doc)[0]
    cid = cluster["cluster_id"]
    cluster["addon_instances"]["addons"] = [a for a in cluster["addon_instances"]["addons"]
                                            if not a["name"].startswith("terway")]
    cluster["master_url"] = "not json"
    cluster["current_version"] = "v1.30"
    cluster["node_pools"]["nodepools"] = []
    report = scan(compliant_doc)
    # no network plug-in among the add-ons: cannot judge 7.7 / 7.8
    assert _statuses(report, "ack-network-policy-supported")[cid][0] == "ERROR"
    assert _statuses(report, "ack-eni-multi-ip")[cid][0] == "ERROR"
    assert _statuses(report, "ack-api-server-private")[cid][0] == "ERROR"
    assert _statuses(report, "ack-basic-auth-removed")[cid][0] == "ERROR"
    assert _statuses(report, "ack-node-pool-disks-encrypted")[cid][0] == "NOT_APPLICABLE"
    cluster["addon_instances"]["addons"].append({"name": "terway-eni", "version": "1", "state": "active"})
    report = scan(compliant_doc)
    assert _statuses(report, "ack-network-policy-supported")[cid][0] == "PASS"
    status, reason = _statuses(report, "ack-eni-multi-ip")[cid]
    assert status == "FAIL" and "terway-eni" in reason


def test_cluster_checks_are_read_per_cluster_and_filtered_by_type(alicloud_fake, compliant_doc):
    cluster = _clusters(compliant_doc)[0]
    cluster["cluster_checks"]["checks"].append(dict(cluster["cluster_checks"]["checks"][0], check_id="chk-2",
                                                    type="NodePoolUpgrade"))
    alicloud_fake.load(compliant_doc)
    m = models("ack")
    every = _call("ListClusterChecks", cluster["cluster_id"], m.ListClusterChecksRequest()).to_map()
    assert [c["check_id"] for c in every["checks"]] == [c["check_id"] for c in cluster["cluster_checks"]["checks"]]
    upgrades = _call("ListClusterChecks", cluster["cluster_id"], m.ListClusterChecksRequest(type="NodePoolUpgrade"))
    assert [c.check_id for c in upgrades.checks] == ["chk-2"]
    with pytest.raises(TeaException) as exc:
        _call("ListClusterChecks", "c-no-such-cluster", m.ListClusterChecksRequest())
    assert (exc.value.code, exc.value.status_code) == ("ErrorClusterNotFound", 404)


def test_cluster_check_age_is_judged_against_the_snapshot_time(compliant_doc):
    """collected_at is 2026-11-27T00:00:00Z: a check that finished 8 days before fails at the default 7 days and
    passes with cluster_check_max_age_days 8; only Succeeded checks count; an unreadable finished_at on the
    only successful check is ERROR, never a PASS."""
    from aliaudit.settings import Settings

    cluster = _clusters(compliant_doc)[0]
    cid = cluster["cluster_id"]
    [chk] = cluster["cluster_checks"]["checks"]
    chk["finished_at"] = "2026-11-18T23:00:00.123456789Z"
    status, reason = _statuses(scan(compliant_doc), "ack-cluster-check-weekly")[cid]
    assert status == "FAIL" and "8 days ago" in reason
    assert _statuses(scan(compliant_doc, settings=Settings(cluster_check_max_age_days=8)),
                     "ack-cluster-check-weekly")[cid][0] == "PASS"
    chk["finished_at"] = "2026-11-26T23:00:00Z"
    chk["status"] = "Running"
    status, reason = _statuses(scan(compliant_doc), "ack-cluster-check-weekly")[cid]
    assert status == "FAIL" and "no cluster check has finished successfully" in reason
    chk["status"] = "Succeeded"
    chk["finished_at"] = "yesterday"
    status, reason = _statuses(scan(compliant_doc), "ack-cluster-check-weekly")[cid]
    assert status == "ERROR" and "finished_at" in reason
    cluster["cluster_checks"] = {"checks": []}
    assert _statuses(scan(compliant_doc), "ack-cluster-check-weekly")[cid][0] == "FAIL"
    del cluster["cluster_checks"]
    status, reason = _statuses(scan(compliant_doc), "ack-cluster-check-weekly")[cid]
    assert status == "ERROR" and "ListClusterChecks" in reason


@pytest.mark.parametrize("kind", ["missing_field", "wrong_type", "throttle"])
def test_a_cluster_check_answer_without_its_list_is_recorded_and_the_rule_errors(compliant_doc, kind):
    """ListClusterChecks requires `checks` (a list) on the raw body: an answer without it is not "no checks" (a
    FAIL) but a recorded failure, and the weekly-check rule is ERROR naming the call."""
    account = compliant_doc["accounts"][0]["account_id"]
    rule = {"product": "ack", "action": "ListClusterChecks", "kind": kind}
    faults = {"faults": [dict(rule, path="checks") if kind != "throttle" else rule]}
    with FakeCloud(faults=faults).load(compliant_doc):
        collected = collect_account(Clients(KEY), account, [HK], workers=1,
                                    retry=RetryPolicy(attempts=2, sleep=lambda s: None))
    cid = _clusters(compliant_doc)[0]["cluster_id"]
    [error] = [e for e in collected["errors"] if e["product"] == "ack"]
    assert (error["action"], error["resource"]) == ("ListClusterChecks", cid)
    [cluster] = collected["regions"][HK]["ack"]["clusters"]
    assert "cluster_checks" not in cluster and "control_plane_log" in cluster
    doc = snapshot.new("fixture")
    doc.update(collected_at=compliant_doc["collected_at"], accounts=[collected])
    status, reason = _statuses(scan(doc), "ack-cluster-check-weekly")[cid]
    assert status == "ERROR" and "ListClusterChecks" in reason
