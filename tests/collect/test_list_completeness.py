"""The pager proves a list complete (collectors/pager.py), through the real SDKs against the fake.

A list is complete only when every page was read and nothing contradicts it: long lists over several pages
(NextToken, PageNumber, RAM Marker, OSS NextMarker) come back whole, and each way a list can lie is an
ERROR on it with the counts, never a shorter list: a repeated token after full pages, more pages than the
list can have, more or fewer items than its total, a total that changes, a list field the SDK model would
quietly turn into [].
"""

from __future__ import annotations

import copy
import dataclasses

import pytest

from aliaudit import snapshot
from aliaudit.collect import collect_account
from aliaudit.collectors import PRODUCTS, ecs, kms, pager, slb
from aliaudit.collectors.base import Collection, RetryPolicy
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

BASE = load_fixture("hk-insurer-compliant.json")
ACCOUNT = BASE["accounts"][0]["account_id"]
REGION = "cn-hongkong"
NO_SLEEP = RetryPolicy(attempts=2, sleep=lambda s: None)
KEY = StaticKey(*account_key(ACCOUNT))


def big_tenant(disks=0, users=0, buckets=0, keys=0) -> dict:
    doc = copy.deepcopy(BASE)
    account = doc["accounts"][0]
    region = account["regions"][REGION]
    if disks:
        disk = region["ecs"]["disks"][0]
        region["ecs"]["disks"] = [dict(disk, DiskId=f"d-big{i:05d}") for i in range(disks)]
    if users:
        user = account["global"]["ram"]["users"][0]
        account["global"]["ram"]["users"] = [dict(user, UserName=f"user{i:05d}", UserId=str(10 ** 9 + i))
                                             for i in range(users)]
    if buckets:
        bucket = region["oss"]["buckets"][0]
        region["oss"]["buckets"] = [dict(bucket, Name=f"bucket-{i:05d}") for i in range(buckets)]
    if keys:
        key = region["kms"]["keys"][0]
        region["kms"]["keys"] = [dict(key, KeyId=f"key-{i:05d}") for i in range(keys)]
    return doc


def collect(doc, collectors, faults=None):
    with FakeCloud(faults=faults).load(doc) as cloud:
        account = collect_account(Clients(KEY), ACCOUNT, [REGION], workers=1, detail_workers=4, retry=NO_SLEEP,
                                  collectors=collectors)
        return account, dict(cloud.calls)


def test_long_lists_of_every_paging_style_come_back_whole():
    from aliaudit.collectors import oss, ram

    doc = big_tenant(disks=1234, users=2100, buckets=1001, keys=250)
    with FakeCloud().load(doc) as cloud:
        col = Collection(Clients(KEY), snapshot.new_account(ACCOUNT), [REGION], NO_SLEEP)
        disks = pager.list_rpc(col, "ecs", ecs.SPEC.list("DescribeDisks"), REGION, {"region_id": REGION})
        keys = pager.list_rpc(col, "kms", kms.SPEC.list("ListKeys"), REGION)
        users = pager.list_rpc(col, "ram", ram.SPEC.list("ListUsers"), None, client_region=REGION)
        calls = dict(cloud.calls)
    assert col.account["errors"] == []
    assert (disks.complete, len(disks.items), len({d["DiskId"] for d in disks.items})) == (True, 1234, 1234)
    assert (keys.complete, len(keys.items)) == (True, 250)
    assert (users.complete, len(users.items)) == (True, 2100)
    assert calls[("ecs", "DescribeDisks")] == 3 and calls[("kms", "ListKeys")] == 3 and calls[("ram", "ListUsers")] == 3
    import alibabacloud_oss_v2 as oss_v2

    with FakeCloud().load(doc) as cloud:
        col = Collection(Clients(KEY), snapshot.new_account(ACCOUNT), [REGION], NO_SLEEP)
        client, spec = col.clients.oss(REGION), oss.SPEC.list("ListBuckets")
        buckets = pager.run(col, "oss", spec, None, lambda page, marker: col.call(
            "oss", "ListBuckets", None, lambda: oss._list(client, oss_v2, spec, marker), page=page))
        calls = dict(cloud.calls)
    assert col.account["errors"] == [] and (buckets.complete, len(buckets.items)) == (True, 1001)
    assert calls[("oss", "ListBuckets")] == 2


def test_a_token_repeated_after_full_pages_stops_at_once_with_the_counts():
    account, calls = collect(big_tenant(disks=1234), [ecs], {"faults": [
        {"product": "ecs", "action": "DescribeDisks", "kind": "repeat_token"}]})
    [err] = account["errors"]
    assert (err["action"], err["code"], err["page"], err["items"], err["region"]) == \
        ("DescribeDisks", "RepeatedToken", 2, 1000, REGION)
    assert "ecs:DescribeDisks in cn-hongkong" in err["message"] and "1000 items so far" in err["message"]
    assert calls[("ecs", "DescribeDisks")] == 2  # not 100,000 pages, not a silent stop


def test_more_pages_than_the_list_can_have_is_an_error_not_a_cap():
    spec = dataclasses.replace(ecs.SPEC.list("DescribeDisks"), max_items=1000)  # at most 2 pages, +2 margin
    with FakeCloud().load(big_tenant(disks=2300)):
        col = Collection(Clients(KEY), snapshot.new_account(ACCOUNT), [REGION], NO_SLEEP)
        got = pager.list_rpc(col, "ecs", spec, REGION, {"region_id": REGION})
    [err] = col.account["errors"]
    assert not got.complete and (err["code"], err["page"], err["items"]) == ("TooManyPages", 5, 2000)


def test_the_sdk_model_turns_a_missing_list_into_an_empty_one_and_the_pager_reads_the_raw_body():
    """Why the raw body: the CLB model's to_map() gives Listeners: [] when the field is absent."""
    faults = {"faults": [{"product": "slb", "action": "DescribeLoadBalancerListeners", "kind": "missing_field",
                          "path": "Listeners"}]}
    lb_id = BASE["accounts"][0]["regions"][REGION]["slb"]["load_balancers"][0]["LoadBalancerId"]
    with FakeCloud(faults=faults).load(BASE):
        clients = Clients(KEY)
        client = clients.rpc("slb", REGION)
        request = models("slb").DescribeLoadBalancerListenersRequest(region_id=REGION, load_balancer_id=[lb_id])
        body = client.describe_load_balancer_listeners_with_options(request, clients.runtime()).body.to_map()
    assert body["Listeners"] == []
    account, _ = collect(BASE, [slb], faults)
    assert {(e["action"], e["resource"], e["code"]) for e in account["errors"]} == \
        {("DescribeLoadBalancerListeners", lb_id, "MalformedResponse")}
    assert "listeners" not in account["regions"][REGION]["slb"]["load_balancers"][0]


def page_bodies(*pages):
    """A fetch that answers the given bodies in turn (the pager's own arithmetic, no SDK involved)."""
    it = iter(pages)
    return lambda page, cont: next(it)


@pytest.mark.parametrize("pages,code,message", [
    ([{"Keys": {"Key": [{"KeyId": "a"}, {"KeyId": "b"}]}, "TotalCount": 1}], "CountMismatch", "more than"),
    ([{"Keys": {"Key": [{"KeyId": "a"}]}, "TotalCount": 3}], "CountMismatch", "fewer than"),
    ([{"Keys": {"Key": [{"KeyId": str(i)} for i in range(100)]}, "TotalCount": 150},
      {"Keys": {"Key": [{"KeyId": "x"}]}, "TotalCount": 151}], "CountMismatch", "changed from 150 to 151"),
])
def test_counts_against_the_total(pages, code, message):
    col = Collection(None, snapshot.new_account(ACCOUNT), [REGION], NO_SLEEP)
    got = pager.run(col, "kms", kms.SPEC.list("ListKeys"), REGION, page_bodies(*pages))
    [err] = col.account["errors"]
    assert not got.complete and err["code"] == code and message in err["message"], err


@pytest.mark.parametrize("body,problem", [
    ({"TotalCount": 1}, "response has no Keys"),
    ({"Keys": None, "TotalCount": 1}, "Keys is null, not an object"),
    ({"Keys": {"Key": None}, "TotalCount": 1}, "Keys.Key is null"),
    ({"Keys": {"Key": "a"}, "TotalCount": 1}, "Keys.Key is a str, not a list"),
    ({"Keys": {"Key": [{"KeyArn": "x"}]}, "TotalCount": 1}, "Keys.Key[1].KeyId is missing"),
    ({"Keys": {"Key": [{"KeyId": None}]}, "TotalCount": 1}, "Keys.Key[1].KeyId is null"),
    ({"Keys": {"Key": [{"KeyId": {"x": 1}}]}, "TotalCount": 1}, "Keys.Key[1].KeyId is a dict"),
    ({"Keys": {"Key": []}}, "TotalCount is null, not a count"),
    ({"Keys": {"Key": []}, "TotalCount": "many"}, "TotalCount is a str, not a count"),
])
def test_raw_page_checks(body, problem):
    from aliaudit.sdk import MalformedResponse

    with pytest.raises(MalformedResponse, match=problem.replace("[", r"\[").replace("]", r"\]")):
        pager.check_page(kms.SPEC.list("ListKeys"), body)


def test_list_specs_carry_the_documented_maximum_page_sizes():
    """Spot checks against tests/documented/NOTES*.md (the fake, written from the same pages, accepts them:
    test_long_lists_of_every_paging_style_come_back_whole reads full pages)."""
    sizes = {f"{p.name}:{c.action}": c.page_size for p in PRODUCTS.values() for c in p.lists if c.paging}
    assert sizes["ecs:DescribeDisks"] == 500 and sizes["ram:ListUsers"] == 1000
    assert sizes["redis:DescribeInstances"] == 50 and sizes["vpc:DescribeFlowLogs"] == 50
    assert sizes["hbr:DescribeBackupPlans"] == 99 and sizes["oss:ListBuckets"] == 1000
    assert sizes["ecs:DescribeSecurityGroupAttribute"] == 1000 and sizes["alb:ListRules"] == 100
    assert "actiontrail:DescribeTrails" not in sizes  # documented without paging
