"""ECS DescribeInstances / DescribeDisks page both ways the documentation gives (tests/documented/NOTES.md):
NextToken + MaxResults, or PageNumber + PageSize (1 to 100, default 10) with TotalCount, one at a time.
Other clients (Prowler) page them by PageNumber."""

import copy

import pytest
from Tea.exceptions import TeaException

from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")


def _tenant(n: int) -> dict:
    doc = load_fixture("hk-insurer-gaps.json")
    ecs = doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]
    template = ecs["disks"][0]
    ecs["disks"] = [dict(copy.deepcopy(template), DiskId=f"d-page{i:03d}") for i in range(n)]
    template = ecs["instances"][0]
    ecs["instances"] = [dict(copy.deepcopy(template), InstanceId=f"i-page{i:03d}") for i in range(n)]
    return doc


@pytest.mark.parametrize("action, items, item, key", [
    ("DescribeDisks", "Disks", "Disk", "DiskId"), ("DescribeInstances", "Instances", "Instance", "InstanceId")])
def test_page_number_pages_every_item_once_with_the_total(alicloud_fake, action, items, item, key):
    alicloud_fake.load(_tenant(25))
    clients = Clients(KEY)
    client, m = clients.rpc("ecs", "cn-hongkong"), models("ecs")
    method = getattr(client, f"describe_{'disks' if action == 'DescribeDisks' else 'instances'}_with_options")
    request = getattr(m, f"{action}Request")
    seen = []
    for number, expected in ((1, 10), (2, 10), (3, 5), (4, 0)):
        body = method(request(region_id="cn-hongkong", page_number=number, page_size=10), clients.runtime()).body.to_map()
        assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (25, number, 10)
        assert len(body[items][item]) == expected
        seen += [i[key] for i in body[items][item]]
    assert len(seen) == len(set(seen)) == 25
    first = method(request(region_id="cn-hongkong"), clients.runtime()).body.to_map()  # defaults: page 1 of 10
    assert (first["PageNumber"], first["PageSize"], len(first[items][item])) == (1, 10, 10)
    with pytest.raises(TeaException):
        method(request(region_id="cn-hongkong", page_number=1, page_size=101), clients.runtime())
    # the NextToken way still pages as before, and ignores PageNumber
    token_page = method(request(region_id="cn-hongkong", max_results=100, page_number=3), clients.runtime()).body.to_map()
    assert len(token_page[items][item]) == 25 and "PageNumber" not in token_page
