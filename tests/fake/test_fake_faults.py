"""Seeded faults, through the real SDKs: what the collectors record is an ERROR, never a PASS."""

import subprocess
import time

import pytest

from aliaudit import engine
from aliaudit.collect import collect_account
from aliaudit.collectors.base import RetryPolicy
from aliaudit.fakes import FakeCloud, FakeState
from aliaudit.fakes.faults import BODY_KINDS, KINDS, PAGE_KINDS, Faults, FaultSpecError
from aliaudit.fakes.server import FakeServer
from aliaudit.fakes.state import account_key
from aliaudit.rules import all_rules
from aliaudit.sdk import Clients, StaticKey
from aliaudit.settings import Settings
from conftest import fixture_path, load_fixture
from fake_server_helpers import CLI, clean_env, fake_server, live_scan

DOC = load_fixture("hk-insurer-gaps.json")
ACCOUNT = DOC["accounts"][0]["account_id"]
NO_SLEEP = RetryPolicy(attempts=4, sleep=lambda s: None)  # few tries, so that a 30% fault rate still shows

EXPECTED_CODE = {
    ("rpc", "throttle"): "Throttling.User", ("oss", "throttle"): "MetaOperationQpsLimitExceeded",
    ("rpc", "unavailable"): "ServiceUnavailable", ("oss", "unavailable"): "ServiceUnavailable",
    ("rpc", "drop"): "RequestFailed", ("oss", "drop"): "RequestFailed",
    **{(style, kind): "MalformedResponse" for style in ("rpc", "oss") for kind in ("malformed", "truncated", "empty")},
}


def collect(faults, endpoint=None, cloud_faults=True, regions=("cn-hongkong",)):
    key = StaticKey(*account_key(ACCOUNT))
    if endpoint:
        return collect_account(Clients(key, endpoint), ACCOUNT, list(regions), workers=2, retry=NO_SLEEP)
    with FakeCloud(faults=faults).load(DOC):
        return collect_account(Clients(key), ACCOUNT, list(regions), workers=2, retry=NO_SLEEP)


def statuses(account: dict, call: str) -> set:
    findings = engine.evaluate({"accounts": [account]}, all_rules(), Settings())
    needing = {r.id for r in all_rules() if call in r.needs}
    assert needing
    return {f["status"] for f in findings if f["rule"] in needing}


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("latency", "qps") and k not in PAGE_KINDS + BODY_KINDS])
@pytest.mark.parametrize("product,action", [("ecs", "DescribeDisks"), ("rds", "DescribeDBInstanceTDE"),
                                            ("oss", "GetBucketInfo"), ("oss", "ListBuckets")])
def test_each_fault_kind_becomes_a_recorded_error(kind, product, action):
    account = collect({"seed": 7, "faults": [{"product": product, "action": action, "kind": kind}]})
    codes = {(e["product"], e["action"], e["code"]) for e in account["errors"]}
    style = "oss" if product == "oss" else "rpc"
    assert codes == {(product, action, EXPECTED_CODE[(style, kind)])}
    assert statuses(account, f"{product}:{action}") == {"ERROR"}


def test_flow_control_admits_qps_calls_a_second_per_api_and_region():
    from aliaudit.fakes.wire import Request

    now = [0.0]
    faults = Faults({"faults": [{"product": "ecs", "action": "*", "kind": "qps", "qps": 2}]}, clock=lambda: now[0])

    def call(action="DescribeDisks", region="cn-hongkong"):
        req = Request.build("GET", f"http://ecs.{region}.aliyuncs.com/?RegionId={region}",
                            {"x-acs-region-id": region}, b"")
        fault = faults.apply("ecs", action, req)
        return fault.kind if fault else "ok"

    assert [call(), call(), call()] == ["ok", "ok", "throttle"]  # the third in the same second
    assert call(region="cn-shanghai") == "ok" and call("DescribeInstances") == "ok"  # other APIs: their own quota
    now[0] = 0.5
    assert call() == "throttle"  # a refused call is not admitted, and uses no quota
    now[0] = 1.01
    assert [call(), call(), call()] == ["ok", "ok", "throttle"]  # the window has moved on
    assert faults.injected[("ecs", "DescribeDisks", "qps")] == 3
    assert faults.apply("kms", "ListKeys", Request.build("GET", "http://kms.cn-hongkong.aliyuncs.com/", {}, b"")) is None


def test_list_faults_from_the_pytest_plugin(alicloud_fake):
    """The alicloud_fake fixture takes the list faults like any other; the pager turns them into errors."""
    alicloud_fake.load(DOC)
    alicloud_fake.set_faults({"faults": [{"product": "ecs", "action": "DescribeDisks", "kind": "short_page"},
                                         {"product": "kms", "action": "ListKeys", "kind": "wrong_type",
                                          "path": "Keys.Key", "field": "KeyId"}]})
    account = collect_account(Clients(StaticKey(*account_key(ACCOUNT))), ACCOUNT, ["cn-hongkong"], workers=2,
                              retry=NO_SLEEP)
    assert {(e["action"], e["code"]) for e in account["errors"]} == {("DescribeDisks", "ShortPage"),
                                                                     ("ListKeys", "MalformedResponse")}
    assert statuses(account, "ecs:DescribeDisks") == {"ERROR"}


@pytest.mark.parametrize("rule,problem", [
    ({"kind": "short_page", "field": "KeyId"}, "field is a non-empty string"),
    ({"kind": "missing_field", "path": ""}, "path is a non-empty string"),
    ({"kind": "null_field", "field": 3}, "field is a non-empty string"),
])
def test_list_fault_keys_are_checked(rule, problem):
    with pytest.raises(FaultSpecError, match=problem):
        Faults({"faults": [rule]})


def test_retryable_faults_are_retried_before_they_are_recorded():
    account = collect({"faults": [{"product": "ecs", "action": "DescribeDisks", "kind": "throttle"}]})
    assert account["errors"][0]["message"].endswith(f"(after {NO_SLEEP.attempts} attempts)")


def test_wildcards_and_latency():
    faults = Faults({"faults": [{"product": "*", "action": "GetCallerIdentity", "kind": "latency", "ms": 120}]})
    with FakeCloud(faults=faults).load(DOC):
        clients = Clients(StaticKey(*account_key(ACCOUNT)))
        started = time.monotonic()
        body = clients.rpc("sts", "cn-hongkong").get_caller_identity_with_options(clients.runtime()).body
        assert time.monotonic() - started >= 0.12 and body.account_id == ACCOUNT
    assert faults.injected[("sts", "GetCallerIdentity", "latency")] == 1


def test_same_seed_same_faults_whatever_the_thread_order():
    spec = {"seed": 7, "faults": [{"product": "*", "action": "*", "kind": "unavailable", "rate": 0.3}]}
    def failed(account):  # request ids differ between runs; the failed calls must not
        return [(e["product"], e["action"], e["region"], e["resource"], e.get("page"), e["code"])
                for e in account["errors"]]

    runs = [collect(spec, regions=("cn-hongkong", "ap-southeast-1")) for _ in range(2)]
    assert failed(runs[0]) and failed(runs[0]) == failed(runs[1])
    other = collect(dict(spec, seed=8), regions=("cn-hongkong", "ap-southeast-1"))
    assert failed(other) != failed(runs[0])
    for run in runs:   # a fault that cleared on a retry leaves no trace; none turned into data
        assert all(e["code"] == "ServiceUnavailable" for e in run["errors"])


def test_set_faults_and_clearing_them():
    with FakeCloud().load(DOC) as cloud:
        key = StaticKey(*account_key(ACCOUNT))
        cloud.set_faults({"faults": [{"product": "kms", "action": "ListKeys", "kind": "empty"}]})
        failed = collect_account(Clients(key), ACCOUNT, ["cn-hongkong"], workers=2, retry=NO_SLEEP)
        cloud.set_faults(None)
        clean = collect_account(Clients(key), ACCOUNT, ["cn-hongkong"], workers=2, retry=NO_SLEEP)
    assert [e["action"] for e in failed["errors"]] == ["ListKeys"] and clean["errors"] == []


@pytest.mark.parametrize("kind", ["drop", "truncated", "malformed", "empty"])
def test_faults_through_the_http_server(kind):
    spec = {"faults": [{"product": "ecs", "action": "DescribeDisks", "kind": kind},
                       {"product": "oss", "action": "GetBucketHttpsConfig", "kind": kind}]}
    with FakeServer(FakeState(DOC), faults=spec, log=None) as server:
        account = collect(None, endpoint=server.url)
    code = "RequestFailed" if kind == "drop" else "MalformedResponse"
    assert {(e["action"], e["code"]) for e in account["errors"]} == {("DescribeDisks", code),
                                                                     ("GetBucketHttpsConfig", code)}
    assert statuses(account, "ecs:DescribeDisks") == {"ERROR"}


@pytest.mark.parametrize("spec,message", [
    ({"faults": [{"kind": "explode"}]}, "unknown kind 'explode'"),
    ({"faults": [{"kind": "throttle", "rate": 1.5}]}, "rate must be a number from 0 to 1"),
    ({"faults": [{"kind": "throttle", "rate": -0.1}]}, "rate must be a number from 0 to 1"),
    ({"faults": [{"kind": "latency"}]}, "latency needs ms"),
    ({"faults": [{"kind": "qps"}]}, "qps needs qps"),
    ({"faults": [{"kind": "qps", "qps": 0}]}, "qps is a positive integer"),
    ({"faults": [{"kind": "throttle", "qps": 5}]}, "for the kind qps only"),
    ({"faults": [{"kind": "drop", "produtc": "ecs"}]}, "unknown key(s) produtc"),
    ({"seed": "seven", "faults": []}, "seed must be an integer"),
    (["throttle"], "a fault file is a mapping"),
])
def test_fault_spec_is_validated(spec, message):
    with pytest.raises(FaultSpecError) as err:
        Faults(spec)
    assert message in str(err.value)


def test_serve_rejects_a_bad_fault_file(tmp_path):
    bad = tmp_path / "faults.yaml"
    bad.write_text("seed: 7\nfaults:\n  - {product: ecs, action: DescribeDisks, kind: throttle, rate: 2}\n")
    done = subprocess.run([*CLI, "fake", "serve", "--port", "0", "--faults", str(bad)], capture_output=True,
                          text=True, env=clean_env(), timeout=60)
    assert done.returncode == 2 and "not a valid fault file" in done.stderr and "rate" in done.stderr


def test_scan_through_serve_with_a_fault_file(tmp_path):
    path = tmp_path / "faults.yaml"
    path.write_text("seed: 7\nfaults:\n  - {product: rds, action: DescribeDBInstanceTDE, kind: throttle, rate: 1.0}\n")
    with fake_server("--state", fixture_path("hk-insurer-gaps.json"), "--faults", str(path)) as (url, _, _):
        code, report, err = live_scan(url)
    assert code == 1, err
    assert {f["status"] for f in report["findings"] if f["rule"] == "rds-tde-enabled"} == {"ERROR"}
    assert {(e["action"], e["code"]) for e in report["collection_errors"]} == {("DescribeDBInstanceTDE", "Throttling.User")}
