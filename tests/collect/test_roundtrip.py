"""Loading a snapshot into the fake and collecting it back through the SDKs gives the same snapshot."""

import copy

import pytest

from aliaudit.collect import collect_account
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey
from conftest import load_fixture


def recollect(doc: dict) -> list[dict]:
    out = []
    with FakeCloud().load(doc) as cloud:
        for account in doc["accounts"]:
            key_id, secret = account_key(account["account_id"])
            clients = Clients(StaticKey(key_id, secret))
            out.append(collect_account(clients, account["account_id"], list(account["regions"]), workers=4))
        calls = dict(cloud.calls)
    return out, calls


@pytest.mark.parametrize("name", ["hk-insurer-gaps.json", "hk-insurer-compliant.json"])
def test_fixture_round_trip(name):
    doc = load_fixture(name)
    accounts, _ = recollect(doc)
    assert accounts == doc["accounts"]


def test_round_trip_across_many_pages():
    """Enough resources for several pages at the maximum page sizes of every list call."""
    doc = copy.deepcopy(load_fixture("hk-insurer-compliant.json"))
    region = doc["accounts"][0]["regions"]["cn-hongkong"]
    disk, inst = region["ecs"]["disks"][0], region["ecs"]["instances"][0]
    region["ecs"]["disks"] = [dict(disk, DiskId=f"d-many{i:05d}") for i in range(1203)]          # 500 a page
    region["ecs"]["instances"] = [dict(inst, InstanceId=f"i-many{i:04d}") for i in range(230)]    # 100 a page
    pol = region["ecs"]["auto_snapshot_policies"][0]
    region["ecs"]["auto_snapshot_policies"] = [dict(pol, AutoSnapshotPolicyId=f"sp-many{i:03d}") for i in range(101)]
    key = region["kms"]["keys"][0]
    region["kms"]["keys"] = [dict(key, KeyId=f"key-many{i:03d}", metadata=dict(key["metadata"], KeyId=f"key-many{i:03d}"))
                             for i in range(201)]                                              # 100 a page
    lb = region["slb"]["load_balancers"][0]
    region["slb"]["load_balancers"] = [
        dict(lb, LoadBalancerId=f"lb-many{i:03d}",
             listeners=[dict(x, LoadBalancerId=f"lb-many{i:03d}") for x in lb["listeners"]]) for i in range(105)]
    bucket = region["oss"]["buckets"][0]
    region["oss"]["buckets"] = [dict(bucket, Name=f"many-bucket-{i:04d}", info=dict(bucket["info"], Name=f"many-bucket-{i:04d}"))
                                for i in range(1002)]                                          # 1000 a page
    accounts, calls = recollect(doc)
    got = accounts[0]["regions"]["cn-hongkong"]
    assert len(got["ecs"]["disks"]) == 1203 and len(got["oss"]["buckets"]) == 1002
    assert accounts == doc["accounts"]
    # Maximum page sizes: the fewest list calls the documented limits allow.
    assert calls[("ecs", "DescribeDisks")] == 3
    assert calls[("ecs", "DescribeInstances")] == 3
    assert calls[("ecs", "DescribeAutoSnapshotPolicyEx")] == 2
    assert calls[("kms", "ListKeys")] == 3
    assert calls[("slb", "DescribeLoadBalancers")] == 2
    assert calls[("slb", "DescribeLoadBalancerListeners")] == 11   # ten balancers a call
    assert calls[("oss", "ListBuckets")] == 2
