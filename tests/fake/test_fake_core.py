"""The fake cloud's wire behaviour, seen through the real SDKs."""

import json

import pytest
from Tea.exceptions import TeaException

from aliaudit.collectors.base import sdk_method
from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")


def ecs(clients=None):
    clients = clients or Clients(KEY)
    return clients, clients.rpc("ecs", "cn-hongkong")


def test_pytest_plugin_fixture_starts_empty_and_loads(alicloud_fake):
    clients, client = ecs()
    m = models("ecs")
    empty = client.describe_disks_with_options(m.DescribeDisksRequest(region_id="cn-hongkong"), clients.runtime())
    assert empty.body.to_map()["Disks"] == {"Disk": []}
    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    resp = client.describe_disks_with_options(m.DescribeDisksRequest(region_id="cn-hongkong", max_results=500),
                                              clients.runtime())
    ids = [d["DiskId"] for d in resp.body.to_map()["Disks"]["Disk"]]
    assert len(ids) == 6 and "d-j6cbatch01data" in ids and "d-j6cspare01" in ids  # the spare: CIS unattached disk
    assert alicloud_fake.calls[("ecs", "DescribeDisks")] == 1  # counted since the load


def test_describe_disks_filters_as_documented(alicloud_fake):
    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    clients, client = ecs()
    m = models("ecs")
    by_ids = client.describe_disks_with_options(
        m.DescribeDisksRequest(region_id="cn-hongkong", disk_ids=json.dumps(["d-j6cweb01sys", "d-nope"])),
        clients.runtime()).body.to_map()
    assert [d["DiskId"] for d in by_ids["Disks"]["Disk"]] == ["d-j6cweb01sys"]
    by_instance = client.describe_disks_with_options(
        m.DescribeDisksRequest(region_id="cn-hongkong", instance_id="i-j6c0batch01"), clients.runtime()).body.to_map()
    assert sorted(d["DiskId"] for d in by_instance["Disks"]["Disk"]) == ["d-j6cbatch01data", "d-j6cbatch01sys"]


def test_next_token_pagination(alicloud_fake):
    doc = load_fixture("hk-insurer-gaps.json")
    alicloud_fake.load(doc)
    clients, client = ecs()
    m = models("ecs")
    seen, token, pages = [], None, 0
    while True:
        body = client.describe_disks_with_options(
            m.DescribeDisksRequest(region_id="cn-hongkong", max_results=10, next_token=token),
            clients.runtime()).body.to_map()
        seen += [d["DiskId"] for d in body["Disks"]["Disk"]]
        pages += 1
        token = body.get("NextToken")
        if not token:
            break
    assert pages == 1 and len(seen) == 6


def test_page_size_out_of_range_is_the_real_error(alicloud_fake):
    clients, client = ecs()
    with pytest.raises(TeaException) as err:
        client.describe_disks_with_options(models("ecs").DescribeDisksRequest(region_id="cn-hongkong", max_results=501),
                                           clients.runtime())
    assert err.value.code == "InvalidParameter.MaxResults"


def test_unknown_access_key_and_wrong_secret(alicloud_fake):
    clients, client = ecs(Clients(StaticKey("no-such-key", "x")))
    with pytest.raises(TeaException) as err:
        client.describe_regions_with_options(models("ecs").DescribeRegionsRequest(), clients.runtime())
    assert err.value.code == "InvalidAccessKeyId.NotFound" and err.value.status_code == 404
    clients, client = ecs(Clients(StaticKey("fake-access-key-id", "wrong-secret")))
    with pytest.raises(TeaException) as err:
        client.describe_regions_with_options(models("ecs").DescribeRegionsRequest(), clients.runtime())
    assert err.value.code == "SignatureDoesNotMatch"


def test_unknown_action_is_404(alicloud_fake):
    clients, client = ecs()
    with pytest.raises(TeaException) as err:
        sdk_method(client, "DescribeImages")(models("ecs").DescribeImagesRequest(region_id="cn-hongkong"),
                                             clients.runtime())
    assert err.value.code == "InvalidAction.NotFound" and err.value.status_code == 404


def test_rds_central_endpoint_routes_by_region_param(alicloud_fake):
    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    clients = Clients(KEY)
    client = clients.rpc("rds", "cn-hongkong")
    assert client._endpoint == "rds.aliyuncs.com"
    body = client.describe_dbinstances_with_options(
        models("rds").DescribeDBInstancesRequest(region_id="cn-hongkong", page_size=100), clients.runtime()).body.to_map()
    assert body["TotalRecordCount"] == 2


def test_kms_key_not_found_is_404(alicloud_fake):
    clients = Clients(KEY)
    client = clients.rpc("kms", "cn-hongkong")
    with pytest.raises(TeaException) as err:
        client.describe_key_with_options(models("kms").DescribeKeyRequest(key_id="nope"), clients.runtime())
    assert err.value.code == "Forbidden.KeyNotFound" and err.value.status_code == 404


def test_oss_absent_configuration_is_the_documented_error(alicloud_fake):
    import alibabacloud_oss_v2 as oss

    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    client = Clients(KEY).oss("cn-hongkong")
    with pytest.raises(oss.exceptions.OperationError) as err:
        client.get_bucket_encryption(oss.GetBucketEncryptionRequest(bucket="hkins-app-logs"))
    inner = err.value.unwrap()
    assert inner.code == "NoSuchServerSideEncryptionRule" and inner.status_code == 404
    with pytest.raises(oss.exceptions.OperationError) as err:
        client.get_bucket_info(oss.GetBucketInfoRequest(bucket="no-such-bucket"))
    assert err.value.unwrap().code == "NoSuchBucket"


def test_oss_bucket_must_be_addressed_in_its_region(alicloud_fake):
    import alibabacloud_oss_v2 as oss

    alicloud_fake.load(load_fixture("hk-insurer-gaps.json"))
    client = Clients(KEY).oss("ap-southeast-1")
    with pytest.raises(oss.exceptions.OperationError) as err:
        client.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket="hkins-claims-docs"))
    assert err.value.unwrap().code == "AccessDenied"
