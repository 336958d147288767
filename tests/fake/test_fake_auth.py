"""Authentication like the real cloud: ACS3 for RPC, OSS V4 for OSS, STS tokens."""

import datetime as dt

import alibabacloud_oss_v2 as oss
import pytest
from Tea.exceptions import TeaException

from aliaudit.fakes import FakeCloud, FakeState
from aliaudit.fakes.server import FakeServer
from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

GOOD = StaticKey("fake-access-key-id", "fake-access-key-secret")
ACCOUNT = "5184000000000001"


def describe_regions(clients: Clients):
    client = clients.rpc("ecs", "cn-hongkong")
    return client.describe_regions_with_options(models("ecs").DescribeRegionsRequest(), clients.runtime())


def list_buckets(clients: Clients):
    return clients.oss("cn-hongkong").list_buckets(oss.ListBucketsRequest())


def oss_error(fn):
    with pytest.raises(oss.exceptions.OperationError) as err:
        fn()
    return err.value.unwrap()


def rpc_error(fn):
    with pytest.raises(TeaException) as err:
        fn()
    return err.value


@pytest.fixture
def cloud():
    with FakeCloud().load(load_fixture("hk-insurer-gaps.json")) as c:
        yield c


@pytest.fixture(scope="module")
def server():
    state = FakeState(load_fixture("hk-insurer-gaps.json"))
    with FakeServer(state, log=None) as s:
        yield s


def test_oss_v4_signature_is_verified_virtual_hosted(cloud):
    names = [b.name for b in list_buckets(Clients(GOOD)).buckets]
    assert "hkins-claims-docs" in names
    err = oss_error(lambda: list_buckets(Clients(StaticKey("fake-access-key-id", "wrong"))))
    assert (err.code, err.status_code) == ("SignatureDoesNotMatch", 403)
    err = oss_error(lambda: list_buckets(Clients(StaticKey("nobody", "x"))))
    assert (err.code, err.status_code) == ("InvalidAccessKeyId", 403)


def test_oss_v4_signature_is_verified_path_style_through_the_server(server):
    good = Clients(GOOD, server.url)
    info = good.oss("cn-hongkong").get_bucket_info(oss.GetBucketInfoRequest(bucket="hkins-claims-docs"))
    assert info.bucket_info.name == "hkins-claims-docs"
    bad = Clients(StaticKey("fake-access-key-id", "wrong"), server.url)
    err = oss_error(lambda: bad.oss("cn-hongkong").get_bucket_info(oss.GetBucketInfoRequest(bucket="hkins-claims-docs")))
    assert (err.code, err.status_code) == ("SignatureDoesNotMatch", 403)


def test_rpc_errors_through_the_server(server):
    assert describe_regions(Clients(GOOD, server.url)).body.to_map()["Regions"]["Region"]
    err = rpc_error(lambda: describe_regions(Clients(StaticKey("fake-access-key-id", "wrong"), server.url)))
    assert (err.code, err.status_code) == ("SignatureDoesNotMatch", 400)
    err = rpc_error(lambda: describe_regions(Clients(StaticKey("nobody", "x"), server.url)))
    assert (err.code, err.status_code) == ("InvalidAccessKeyId.NotFound", 404)


def test_temporary_key_needs_its_token(cloud):
    cloud.state.add_temporary_key("STS.fake-temp", "temp-secret", "token-1", ACCOUNT)
    ok = Clients(StaticKey("STS.fake-temp", "temp-secret", "token-1"))
    assert describe_regions(ok).body.to_map()["Regions"]["Region"]
    assert list_buckets(ok).buckets

    missing = Clients(StaticKey("STS.fake-temp", "temp-secret"))
    assert rpc_error(lambda: describe_regions(missing)).code == "MissingSecurityToken"
    assert oss_error(lambda: list_buckets(missing)).code == "InvalidSecurityToken"

    wrong = Clients(StaticKey("STS.fake-temp", "temp-secret", "token-2"))
    err = rpc_error(lambda: describe_regions(wrong))
    assert (err.code, err.status_code) == ("InvalidSecurityToken.MismatchWithAccessKey", 400)
    err = oss_error(lambda: list_buckets(wrong))
    assert (err.code, err.status_code) == ("InvalidSecurityToken", 403)


def test_expired_token(cloud):
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    cloud.state.add_temporary_key("STS.fake-old", "old-secret", "token-old", ACCOUNT, expires=past)
    clients = Clients(StaticKey("STS.fake-old", "old-secret", "token-old"))
    err = rpc_error(lambda: describe_regions(clients))
    assert (err.code, err.status_code) == ("InvalidSecurityToken.Expired", 400)
    err = oss_error(lambda: list_buckets(clients))
    assert (err.code, err.status_code) == ("SecurityTokenExpired", 403)


def test_keys_from_the_snapshot_fake_section():
    doc = load_fixture("hk-insurer-gaps.json")
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc["fake"] = {"access_keys": [
        {"id": "auditor-key", "secret": "auditor-secret"},
        {"id": "STS.auditor", "secret": "sts-secret", "security_token": "tok", "expires": future},
    ]}
    with FakeCloud().load(doc):
        body = describe_regions(Clients(StaticKey("auditor-key", "auditor-secret"))).body.to_map()
        assert body["Regions"]["Region"]
        assert list_buckets(Clients(StaticKey("STS.auditor", "sts-secret", "tok"))).buckets
        err = rpc_error(lambda: describe_regions(Clients(StaticKey("STS.auditor", "sts-secret", "bad"))))
        assert err.code == "InvalidSecurityToken.MismatchWithAccessKey"


def test_scan_with_a_temporary_key_sees_the_account(cloud):
    from aliaudit import scan as scanning

    cloud.state.add_temporary_key("STS.scan", "scan-secret", "scan-token", ACCOUNT)
    opts = scanning.ScanOptions(regions=["cn-hongkong"], workers=2)
    collected = scanning.collect_live(StaticKey("STS.scan", "scan-secret", "scan-token"), opts)
    assert collected["identities"][0]["account_id"] == ACCOUNT
    assert collected["accounts"][0]["errors"] == []
    with pytest.raises(scanning.CredentialsError, match="InvalidSecurityToken.Expired"):
        cloud.state.add_temporary_key("STS.scan", "scan-secret", "scan-token", ACCOUNT,
                                      expires="2000-01-01T00:00:00Z")
        scanning.collect_live(StaticKey("STS.scan", "scan-secret", "scan-token"), opts)
