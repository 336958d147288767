"""The call model behind benchmarks/scan_bench.py, checked against what the fake counts; lazy imports.

No timing here: performance figures come from the benchmark, not from tests.
"""

import json
import subprocess
import sys
import urllib.request

import pytest

from aliaudit import scan as scanning
from aliaudit.collectors import COLLECTORS
from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeState
from aliaudit.fakes.server import COUNTS_PATH, FakeServer
from aliaudit.ratelimit import CollectionConfig
from aliaudit.sdk import StaticKey
from benchmarks import scan_bench, synthetic


@pytest.mark.parametrize("collector", COLLECTORS, ids=lambda c: c.PRODUCT)
def test_every_collector_states_its_fewest_calls(collector, gaps_doc):
    """Each collector's minimum, for the gaps fixture, is at least one call and only calls that collector makes
    (an account-level minimum for collect_account, a per-region one for collect_region)."""
    account = gaps_doc["accounts"][0]
    regions = sorted(account["regions"])
    own = {f"{collector.PRODUCT}:{action}" for action in collector.CALLS}
    costs = []
    if hasattr(collector, "collect_account"):
        costs.append(collector.min_calls_account(account, regions))
    if hasattr(collector, "collect_region"):
        costs += [collector.min_calls(account, region) for region in regions]
    assert costs, f"{collector.PRODUCT} collects nothing"
    for cost in costs:
        assert cost.total >= 1 and cost.total == sum(cost.calls.values())
        assert set(cost.calls) <= own, set(cost.calls) - own


def test_a_discovering_scan_stays_within_the_documented_minimum():
    doc = synthetic.generate(300)
    with FakeServer(FakeState(doc), log=None) as server:
        opts = scanning.ScanOptions(endpoint_override=server.url, collection=CollectionConfig(oss_bucket_info=True))
        collected = scanning.collect_live(StaticKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET), opts)
        with urllib.request.urlopen(server.url + COUNTS_PATH) as resp:
            counted = json.load(resp)
    account = collected["accounts"][0]
    assert account["errors"] == []
    # every region DescribeRegions lists was asked; the empty ones were dropped afterwards
    assert sorted(account["regions"]) == sorted(synthetic.REGIONS)
    assert account["regions_without_resources"] == sorted(synthetic.EMPTY_REGIONS)
    expected = scan_bench.model(doc, 0.05)
    assert counted["calls"]["ecs:DescribeRegions"] == 1 and counted["calls"]["sts:GetCallerIdentity"] == 1
    # Call by call: exactly the documented minimum, but for the DryRun=true DescribeInstances that
    # confirms each empty instance list (a RAM identity without the permission gets an empty list).
    off = {k: counted["calls"].get(k, 0) - n for k, n in expected["by_call"].items() if counted["calls"].get(k, 0) != n}
    off.update({k: n for k, n in counted["calls"].items() if k not in expected["by_call"]})
    empty = [r for r in scan_bench.scanned_regions(doc["accounts"][0])
             if not ((doc["accounts"][0]["regions"].get(r) or {}).get("ecs") or {}).get("instances")]
    assert off == {"ecs:DescribeInstances": len(empty)}
    assert counted["total"] <= 1.1 * expected["min_api_calls"]


def test_the_documented_minimum_is_not_the_collectors_own_count():
    """GetBucketInfo carries what five OSS calls would read; ALB lists take 20 balancers a call: the model
    counts what the documentation allows, whatever the collectors do."""
    doc = synthetic.generate(300)
    by_call = scan_bench.model(doc, 0.05)["by_call"]
    buckets = sum(len((r.get("oss") or {}).get("buckets") or []) for r in doc["accounts"][0]["regions"].values())
    assert by_call["oss:GetBucketInfo"] == buckets
    for carried in ("GetBucketAcl", "GetBucketEncryption", "GetBucketVersioning", "GetBucketPublicAccessBlock",
                    "GetBucketLogging"):
        assert f"oss:{carried}" not in by_call
    albs = sum(len((r.get("alb") or {}).get("load_balancers") or []) for r in doc["accounts"][0]["regions"].values())
    assert by_call["alb:ListListeners"] < albs


def test_synthetic_tenant_has_every_product_and_the_mix():
    doc = synthetic.generate(2000)
    account = doc["accounts"][0]
    hk = account["regions"]["cn-hongkong"]
    zones = {d["ZoneId"] for d in hk["ecs"]["disks"]}
    assert zones == {"cn-hongkong-b", "cn-hongkong-c"}
    n = synthetic.counts(2000)
    assert n["disks"] > n["instances"] > n["buckets"] > n["rds"] > n["slb"]
    products = {p for r in account["regions"].values() for p, kinds in r.items() if any(kinds.values())}
    assert products >= {c.PRODUCT for c in COLLECTORS if hasattr(c, "collect_region")}
    assert account["global"]["ram"]["users"]
    assert synthetic.resource_count(doc) >= 2000


def test_help_and_version_load_no_sdk_and_no_rules():
    code = ("import sys, aliaudit.cli; heavy = ('alibabacloud', 'Tea', 'darabonba', 'requests', 'aliaudit.rules', "
            "'aliaudit.collectors', 'jinja2', 'jsonschema', 'yaml'); "
            "print([m for m in sys.modules if m.startswith(heavy)])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_state_index_follows_edits():
    doc = synthetic.generate(100)
    state = FakeState(doc)
    account_id = doc["accounts"][0]["account_id"]
    keys = state.items(account_id, "cn-hongkong", "kms", "keys")
    first = keys[0]["KeyId"]
    assert state.find(account_id, "cn-hongkong", "kms", "keys", "KeyId", first) is keys[0]
    keys.append({"KeyId": "key-added-later"})
    assert state.find(account_id, "cn-hongkong", "kms", "keys", "KeyId", "key-added-later") is keys[-1]
    keys[0]["KeyId"] = "key-renamed"
    assert state.find(account_id, "cn-hongkong", "kms", "keys", "KeyId", first) is None
    assert state.find(account_id, "cn-hongkong", "kms", "keys", "KeyId", "key-renamed") is keys[0]
    assert state.find_anywhere(account_id, "kms", "keys", "KeyId", "no-such-key") is None


def test_bucket_info_gives_the_verdicts_of_the_sub_resource_calls():
    from conftest import load_fixture

    for name in ("hk-insurer-gaps.json", "hk-insurer-compliant.json"):
        reports = []
        for shortcut in (False, True):
            opts = scanning.ScanOptions(collection=CollectionConfig(oss_bucket_info=shortcut))
            report = scanning.evaluate(scanning.collect_fixture(load_fixture(name), opts), opts, {"kind": "fixture"})
            reports.append(sorted((f["rule"], f["resource_id"], f["status"], f["region"] or "")
                                  for f in report["findings"] if f["rule"].startswith("oss-")))
        assert reports[0] == reports[1] and reports[0], name
