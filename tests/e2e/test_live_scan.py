"""Live-scan plumbing against the fake: credentials, assume-role on the regional STS endpoint, region discovery,
product-not-available, resource directories, retries under throttling. All through the real SDKs."""

import copy
import json
import random

import pytest

from aliaudit import org, regions, scan as scanning
from aliaudit.collectors.base import RetryPolicy
from aliaudit.credentials import AssumedRole
from aliaudit.errors import CredentialsError, UsageError
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.fakes.wire import json_response
from aliaudit.ratelimit import AdaptiveBucket, AdaptiveLimiter, CollectionConfig, parse
from aliaudit.sdk import Clients, StaticKey

from conftest import fixture_path, load_fixture

from org_fixture import MGMT, org_doc as _org_doc


def _fast(**kw):
    return CollectionConfig(workers=4, detail_workers=4, retry={"base_delay_s": 0.001, "max_delay_s": 0.01, **kw})


def _verdicts(report):
    return sorted((f["account_id"], f["rule"], f["region"] or "", f["resource_id"], f["status"])
                  for f in report["findings"])


def test_live_scan_discovers_regions_and_matches_the_fixture_scan(gaps_doc, gaps_report):
    with FakeCloud().load(gaps_doc):
        opts = scanning.ScanOptions(collection=_fast())
        collected = scanning.collect_live(StaticKey(*account_key(MGMT)), opts)
    account = collected["accounts"][0]
    assert sorted(account["regions"]) == sorted(gaps_doc["accounts"][0]["regions"])
    report = scanning.evaluate(collected, opts, {"kind": "live"})
    assert _verdicts(report) == _verdicts(gaps_report)
    assert report["identities"] == [{"account_id": MGMT, "principal": f"acs:ram::{MGMT}:root",
                                     "identity_type": "Account"}]
    assert len(report["snapshot_digest"]) == 64


def test_empty_regions_are_dropped_and_listed_but_failing_regions_are_kept(gaps_doc):
    acct = gaps_doc["accounts"][0]
    acct.setdefault("global", {}).setdefault("ecs", {})["regions"] = [
        {"RegionId": r, "LocalName": r, "RegionEndpoint": f"ecs.{r}.aliyuncs.com"}
        for r in [*acct["regions"], "eu-central-1", "us-west-1"]]
    acct.setdefault("errors", []).append({"product": "kms", "action": "ListKeys", "region": "us-west-1",
                                          "resource": None, "code": "Throttling", "http_status": 400,
                                          "message": "Request was denied due to request throttling."})
    with FakeCloud().load(gaps_doc):
        collected = scanning.collect_live(StaticKey(*account_key(MGMT)), scanning.ScanOptions(collection=_fast(attempts=2)))
    account = collected["accounts"][0]
    assert account["regions_without_resources"] == ["eu-central-1"]
    assert "us-west-1" in account["regions"] and "eu-central-1" not in account["regions"]
    assert any(e["region"] == "us-west-1" and e["action"] == "ListKeys" for e in account["errors"])


def test_region_option_must_name_a_region_describe_regions_lists(gaps_doc):
    with FakeCloud().load(gaps_doc):
        with pytest.raises(UsageError, match="unknown region"):
            scanning.collect_live(StaticKey(*account_key(MGMT)),
                                  scanning.ScanOptions(regions=["cn-hongkng"], collection=_fast()))


def test_kms_not_enabled_is_not_applicable_not_an_error(gaps_doc):
    acct = gaps_doc["accounts"][0]
    region = sorted(acct["regions"])[0]
    acct["unavailable"] = [{"product": "kms", "region": region, "action": "ListKeys",
                            "code": "Forbidden.KmsServiceNotEnabled", "message": "KMS is not enabled.",
                            "http_status": 403}]
    with FakeCloud().load(gaps_doc):
        opts = scanning.ScanOptions(regions=[region], collection=_fast())
        collected = scanning.collect_live(StaticKey(*account_key(MGMT)), opts)
    account = collected["accounts"][0]
    assert account["unavailable"][0]["code"] == "Forbidden.KmsServiceNotEnabled"
    assert not [e for e in account["errors"] if e["product"] == "kms"]
    report = scanning.evaluate(collected, opts, {"kind": "live"})
    kms = [f for f in report["findings"] if f["rule"] == "kms-key-rotation"]
    assert [(f["status"], f["region"]) for f in kms] == [("NOT_APPLICABLE", region)]
    assert "Forbidden.KmsServiceNotEnabled" in kms[0]["reason"]


def test_assume_role_uses_the_regional_sts_endpoint(gaps_doc, compliant_doc):
    doc = _org_doc(gaps_doc, compliant_doc)
    hosts = []
    with FakeCloud().load(doc) as cloud:
        handle = cloud.router.handle
        cloud.router.handle = lambda req: (hosts.append((req.host, req.headers.get("x-acs-action"))), handle(req))[1]
        role = AssumedRole(StaticKey(*account_key(MGMT)), "acs:ram::5184000000000002:role/resourcedirectoryaccountaccessrole",
                           sts_region="ap-southeast-1")
        who = scanning.identify(Clients(role), "ap-southeast-1")
    assert ("sts.ap-southeast-1.aliyuncs.com", "AssumeRole") in hosts
    assert not any(h == "sts.aliyuncs.com" for h, _ in hosts)
    assert who["account_id"] == "5184000000000002"
    assert who["identity_type"] == "AssumedRoleUser"
    assert who["principal"] == "acs:ram::5184000000000002:assumed-role/resourcedirectoryaccountaccessrole/aliaudit"


def test_assume_role_refused_is_one_clear_credentials_error(gaps_doc, compliant_doc):
    with FakeCloud().load(_org_doc(gaps_doc, compliant_doc)):
        role = AssumedRole(StaticKey(*account_key(MGMT)), "acs:ram::5184000000000077:role/nope", sts_region="cn-hongkong")
        with pytest.raises(CredentialsError, match="cannot assume acs:ram::5184000000000077:role/nope: NoPermission"):
            scanning.identify(Clients(role), "cn-hongkong")


def test_resource_directory_scans_members_and_reports_the_unreachable_one(gaps_doc, compliant_doc, gaps_report,
                                                                           compliant_report):
    with FakeCloud().load(_org_doc(gaps_doc, compliant_doc)):
        opts = scanning.ScanOptions(collection=_fast())
        collected = org.collect_organisation(StaticKey(*account_key(MGMT)), opts)
    assert [a["account_id"] for a in collected["accounts"]] == [MGMT, "5184000000000002"]
    report = scanning.evaluate(collected, opts, {"kind": "live"})
    accounts = {a["account_id"]: a for a in report["organisation"]["accounts"]}
    assert accounts["5184000000000099"]["scan_status"] == "UNREACHABLE"
    assert "NoPermission" in accounts["5184000000000099"]["error"]
    assert accounts[MGMT]["scan_status"] == accounts["5184000000000002"]["scan_status"] == "SCANNED"
    # the member's verdicts are those of the compliant fixture, the management account's those of the gaps one
    member = [v[1:] for v in _verdicts(report) if v[0] == "5184000000000002"]
    assert member == [v[1:] for v in _verdicts(compliant_report)]
    row = next(c for c in report["organisation"]["clauses"] if c["framework"] == "hkia-gl8" and c["clause"] == "5.1(b)")
    assert row["accounts"] == {MGMT: "NON_COMPLIANT", "5184000000000002": "COMPLIANT"}
    assert row["status"] == "NON_COMPLIANT" and row["counts"]["UNREACHABLE"] == 1
    per = scanning.account_reports(collected, opts, {"kind": "live"})
    assert set(per) == {MGMT, "5184000000000002"}
    assert scanning.exit_code(per["5184000000000002"], "low") == 0


def test_an_unreachable_member_makes_a_clean_organisation_incomplete(gaps_doc, compliant_doc):
    doc = _org_doc(gaps_doc, compliant_doc)
    doc["accounts"] = doc["accounts"][1:]
    mgmt = copy.deepcopy(load_fixture("hk-insurer-compliant.json")["accounts"][0])
    mgmt["account_id"] = MGMT
    doc["accounts"].insert(0, mgmt)
    with FakeCloud().load(doc):
        opts = scanning.ScanOptions(collection=_fast())
        collected = org.collect_organisation(StaticKey(*account_key(MGMT)), opts)
    report = scanning.evaluate(collected, opts, {"kind": "live"})
    assert scanning.exit_code(report, "low") == 3
    row = next(c for c in report["organisation"]["clauses"] if c["clause"] == "5.1(b)")
    assert row["status"] == "INCOMPLETE"


def test_list_accounts_is_paginated(gaps_doc, compliant_doc):
    doc = _org_doc(gaps_doc, compliant_doc)
    doc["fake"]["resource_directory"]["accounts"] += [
        {"AccountId": str(6000000000000000 + i), "DisplayName": f"m{i}", "Status": "CreateSuccess"} for i in range(230)]
    with FakeCloud().load(doc) as cloud:
        members = org.list_members(Clients(StaticKey(*account_key(MGMT))), "cn-hongkong")
        assert cloud.calls[("resourcemanager", "ListAccounts")] == 3
    assert len(members) == 233


class _Throttle:
    """Wraps the fake's router: a deterministic share of RPC calls answer Throttling (HTTP 400), as the API does."""

    def __init__(self, router, share, seed=7, retry_after_ms=None):
        self.handle, self.share, self.rng = router.handle, share, random.Random(seed)
        self.retry_after_ms, self.throttled = retry_after_ms, 0

    def __call__(self, req):
        if req.headers.get("x-acs-action") and self.rng.random() < self.share:
            self.throttled += 1
            resp = json_response(400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control.",
                                       "RequestId": "FAKE-THROTTLE"})
            if self.retry_after_ms:
                resp.headers["x-acs-retry-after"] = str(self.retry_after_ms)
            return resp
        return self.handle(req)


def test_thirty_percent_throttling_gives_the_same_verdicts(gaps_doc, gaps_report):
    with FakeCloud().load(gaps_doc) as cloud:
        throttle = _Throttle(cloud.router, 0.3)
        cloud.router.handle = throttle
        opts = scanning.ScanOptions(collection=_fast(attempts=20))
        collected = scanning.collect_live(StaticKey(*account_key(MGMT)), opts)
    assert throttle.throttled > 10
    assert collected["accounts"][0]["errors"] == gaps_doc["accounts"][0].get("errors", [])
    assert _verdicts(scanning.evaluate(collected, opts, {"kind": "live"})) == _verdicts(gaps_report)


def test_retry_after_header_is_honoured(gaps_doc):
    waits = []
    policy = dict(attempts=3, base_delay_s=0.001, max_delay_s=0.002)
    with FakeCloud().load(gaps_doc) as cloud:
        cloud.router.handle = _Throttle(cloud.router, 1.0, retry_after_ms=1500)
        from aliaudit.collectors.base import Collection

        col = Collection(Clients(StaticKey(*account_key(MGMT))), {"account_id": MGMT, "regions": {}, "errors": []},
                         ["cn-hongkong"], RetryPolicy(**policy, sleep=waits.append))
        from aliaudit import sdk

        assert col.rpc("ecs", "DescribeZones", "cn-hongkong",
                       sdk.models("ecs").DescribeZonesRequest(region_id="cn-hongkong")) is None
    assert waits == [1.5, 1.5]
    err = col.account["errors"][0]
    assert err["code"] == "Throttling.User" and "after 3 attempts" in err["message"] and "retry_after_ms" not in err


def test_retry_policy_backoff_is_bounded_in_count_and_time():
    p = RetryPolicy(attempts=5, base_delay_s=1, max_delay_s=4, max_total_s=10, rng=random.Random(1))
    waits = [p.delay(n, 0) for n in range(1, 6)]
    assert waits[-1] is None
    for n, w in enumerate(waits[:-1], 1):
        cap = min(4, 2 ** (n - 1))
        assert cap / 2 <= w <= cap
    assert p.delay(2, 9.5) is None  # would end past max_total_s
    assert p.delay(1, 0, retry_after_s=3) == 3


def test_configured_rate_limits_cap_each_api():
    now = [0.0]
    bucket = AdaptiveBucket(ceiling=2, burst=1, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    for _ in range(5):
        bucket.acquire()
    assert now[0] == pytest.approx(2.0)  # 1 at once, then 4 at 2 per second
    limiter = AdaptiveLimiter({"default": 1, "ecs": 5, "ecs:DescribeDisks": 7})
    assert limiter.bucket("ecs:DescribeDisks:cn-hongkong").rate == 7
    assert limiter.bucket("ecs:DescribeZones:cn-hongkong").rate == 5
    assert limiter.bucket("kms:ListKeys:cn-hongkong").rate == 1
    assert AdaptiveLimiter().bucket("kms:ListKeys:cn-hongkong").rate is None  # unlimited until throttled


def test_collection_config_is_validated():
    cfg = parse({"workers": 3, "retry": {"attempts": 2}, "rate_limits": {"ecs": 4}})
    assert cfg.workers == 3 and cfg.retry_policy().attempts == 2 and cfg.limiter() is not None
    with pytest.raises(UsageError, match="unknown setting 'wokers'"):
        parse({"wokers": 3})
    with pytest.raises(UsageError, match="positive"):
        parse({"retry": {"attempts": 0}})
