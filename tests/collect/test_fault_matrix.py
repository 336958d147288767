"""The fault matrix: every API the collectors call x every fault, through the real SDKs against the fake.

For each (API, fault) the collector of that API's product runs against the compliant example tenant
(one region, one resource of each kind, every API called at least once) with that one fault injected,
its section replaces the same section of a clean collection, and the whole report is evaluated.
Then, for that pair:
  - the failure is recorded with the call and the fault's documented error code;
  - every rule that declares the API reports ERROR naming the call, and none reports PASS;
  - every other rule gives exactly its clean verdicts (so `needs` declarations are exact both ways);
  - every clause holding a dependent rule is INCOMPLETE, and the exit code is 3.
Faults: AccessDenied/Forbidden.RAM (a RAM policy denying that one action), Throttling.User that never
clears, 503, timeout (an answer later than the client's read timeout, over real HTTP), a malformed,
a truncated and an empty 200 body. STS GetCallerIdentity (made before any collector) is covered end
to end through the CLI. The count of pairs is printed at the end of the run (conftest.py).
"""

from __future__ import annotations

import copy
import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from aliaudit import clauses, engine, scan as scanning
from aliaudit.collect import collect_account
from aliaudit.collectors import COLLECTORS, all_calls, list_calls
from aliaudit.collectors.base import RetryPolicy
from aliaudit.fakes import FakeCloud, FakeState
from aliaudit.fakes.server import FakeServer
from aliaudit.fakes.state import account_key
from aliaudit.rules import all_rules
from aliaudit.collectors import oss as oss_collector, ram_action
from aliaudit.sdk import Clients, StaticKey
from aliaudit.settings import Settings
from conftest import FAULT_MATRIX, load_fixture

DOC = load_fixture("hk-insurer-compliant.json")
ACCOUNT = DOC["accounts"][0]["account_id"]
REGIONS = sorted(DOC["accounts"][0]["regions"])
RULES = all_rules()
NO_SLEEP = RetryPolicy(attempts=2, sleep=lambda s: None)  # a retry happens, and waits for nothing
READ_TIMEOUT_MS = 150  # the timeout fault answers after 1 s
FAULTS = ("denied", "throttle", "unavailable", "timeout", "malformed", "truncated", "empty")
CALLS = sorted(all_calls())
COLLECTOR_OF = {f"{c.PRODUCT}:{a}": c for c in COLLECTORS for a in c.CALLS}
# Calls GetBucketInfo stands for (collection.oss_bucket_info, the default): made only when GetBucketInfo failed
# or left their fields out, so each is faulted on that path, the collection without the shortcut.
CARRIED = {f"oss:{a}" for a in oss_collector.CARRIED.values()}
CODES = {
    ("rpc", "denied"): "Forbidden.RAM", ("oss", "denied"): "AccessDenied",
    ("rpc", "throttle"): "Throttling.User", ("oss", "throttle"): "MetaOperationQpsLimitExceeded",
    **{(s, "unavailable"): "ServiceUnavailable" for s in ("rpc", "oss")},
    **{(s, "timeout"): "Timeout" for s in ("rpc", "oss")},
    **{(s, k): "MalformedResponse" for s in ("rpc", "oss") for k in ("malformed", "truncated", "empty")},
}


def _deny(call: str) -> dict:
    return {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                                          {"Effect": "Deny", "Action": ram_action(call), "Resource": "*"}]}


def _faults(call: str, fault: str) -> dict | None:
    product, action = call.split(":")
    if fault == "denied":
        return None
    if fault == "timeout":
        return {"faults": [{"product": product, "action": action, "kind": "latency", "ms": 1000}]}
    return {"faults": [{"product": product, "action": action, "kind": fault}]}


def collect(collectors, call: str | None = None, fault: str | None = None) -> dict:
    """One collection in process (FakeCloud); the policy of the account's key denies `call` for "denied"."""
    key = StaticKey(*account_key(ACCOUNT))
    with FakeCloud(faults=_faults(call, fault) if call else None).load(DOC) as cloud:
        if fault == "denied":
            cloud.state.set_policy(key.access_key_id, _deny(call))
        return collect_account(Clients(key), ACCOUNT, REGIONS, workers=1, detail_workers=2, retry=NO_SLEEP,
                               collectors=collectors, oss_bucket_info=call not in CARRIED)


def collect_timeout(call: str) -> dict:
    """Over real HTTP: the fake answers `call` after 1 s, the client gives up after READ_TIMEOUT_MS."""
    key = StaticKey(*account_key(ACCOUNT))
    with FakeServer(FakeState(DOC), faults=_faults(call, "timeout"), log=None) as server:
        clients = Clients(key, server.url, connect_timeout_ms=1000, read_timeout_ms=READ_TIMEOUT_MS)
        return collect_account(clients, ACCOUNT, REGIONS, workers=1, detail_workers=2, retry=NO_SLEEP,
                               collectors=[COLLECTOR_OF[call]], oss_bucket_info=call not in CARRIED)


def sections(account: dict) -> dict:
    out = {}
    for region, products in account["regions"].items():
        for product, kinds in products.items():
            for kind, items in kinds.items():
                out[(region, product, kind)] = items
    for product, kinds in account.get("global", {}).items():
        for kind, items in kinds.items():
            out[(None, product, kind)] = items
    return out


class Matrix:
    def __init__(self):
        self.clean = collect(COLLECTORS)
        assert self.clean["errors"] == [] and not self.clean.get("unavailable")
        # What each collector writes (IMS writes into the RAM section: keys, not products, are owned).
        self.owned = {c.PRODUCT: set(sections(collect([c]))) for c in COLLECTORS}
        self.baseline = self.report(self.clean)
        self.timeouts: dict[str, dict] = {}

    def splice(self, faulted: dict, collector) -> dict:
        """The clean account with `collector`'s part replaced by the faulted collection's."""
        acct = copy.deepcopy(self.clean)
        for region, product, kind in self.owned[collector.PRODUCT]:
            scope = acct["regions"][region] if region else acct["global"]
            scope.get(product, {}).pop(kind, None)
        for (region, product, kind), items in sections(faulted).items():
            scope = acct["regions"].setdefault(region, {}) if region else acct["global"]
            scope.setdefault(product, {})[kind] = items
        acct["errors"] = faulted["errors"]
        if faulted.get("unavailable"):
            acct["unavailable"] = faulted["unavailable"]
        return acct

    @staticmethod
    def report(account: dict) -> dict:
        collected = {"format": DOC["format"], "collected_at": DOC["collected_at"], "identities": [],
                     "accounts": [account]}
        return scanning.evaluate(collected, scanning.ScanOptions(), {"kind": "fixture"})

    def faulted_report(self, call: str, fault: str) -> tuple[dict, dict]:
        collector = COLLECTOR_OF[call]
        got = self.timeouts[call] if fault == "timeout" else collect([collector], call, fault)
        return got, self.report(self.splice(got, collector))


@pytest.fixture(scope="module")
def matrix():
    m = Matrix()
    # Timeouts wait for real: all of them at once, each against its own server.
    with ThreadPoolExecutor(max_workers=12) as pool:
        m.timeouts = dict(zip(CALLS, pool.map(collect_timeout, CALLS)))
    return m


def verdicts(report: dict) -> dict:
    return {(f["rule"], f["region"], f["resource_id"]): f["status"] for f in report["findings"]}


def test_the_clean_tenant_exercises_every_api_and_every_rule(matrix):
    """The matrix is only as good as its tenant: every API is called (those GetBucketInfo stands for when
    the shortcut is off) and every rule decides something."""
    called = {}
    for shortcut in (True, False):
        with FakeCloud().load(DOC) as cloud:
            collect_account(Clients(StaticKey(*account_key(ACCOUNT))), ACCOUNT, REGIONS, workers=1, retry=NO_SLEEP,
                            oss_bucket_info=shortcut)
            called[shortcut] = {f"{p}:{a}" for (p, a), n in cloud.calls.items() if n}
    # GetBucketInfo says only whether replication is on: the rules' destinations are asked where it is.
    assert set(CALLS) - CARRIED <= called[True] and called[True] & CARRIED == {"oss:GetBucketReplication"}
    assert set(CALLS) <= called[False]
    statuses = {}
    for f in matrix.baseline["findings"]:
        statuses.setdefault(f["rule"], set()).add(f["status"])
    assert {r.id for r in RULES} == set(statuses)
    assert {rid for rid, s in statuses.items() if "PASS" not in s or s - {"PASS", "NOT_APPLICABLE"}} == set()
    assert scanning.exit_code(matrix.baseline, "low") == 0


def test_the_spliced_collection_is_the_clean_collection(matrix):
    """Splicing a clean per-product collection into the clean one changes nothing (so splicing is sound)."""
    for c in COLLECTORS:
        assert verdicts(matrix.report(matrix.splice(collect([c]), c))) == verdicts(matrix.baseline), c.PRODUCT


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("call", CALLS)
def test_fault(matrix, call, fault):
    got, report = matrix.faulted_report(call, fault)
    product = call.split(":")[0]
    style = "oss" if product == "oss" else "rpc"
    recorded = {(f"{e['product']}:{e['action']}", e["code"]) for e in got["errors"]}
    assert (call, CODES[(style, fault)]) in recorded, got["errors"]
    assert {c for c, _ in recorded} == {call}, "only the faulted call fails"

    dependent = {r.id for r in RULES if call in r.needs}
    before = verdicts(matrix.baseline)
    for f in report["findings"]:
        where = (f["rule"], f["region"], f["resource_id"])
        if f["rule"] in dependent:
            assert f["status"] not in ("PASS", "FAIL"), f"{f['status']} without the data of {call}: {where}"
        else:
            assert before.get(where) == f["status"], f"{f['rule']} changed without declaring {call}: {where}"
    for rid in dependent:
        errors = [f for f in report["findings"] if f["rule"] == rid and f["status"] == "ERROR"]
        assert errors and all(f["evidence"]["error"]["call"] == call and call in f["reason"] for f in errors), rid
    # Every clause of a dependent rule is INCOMPLETE (the clean tenant has no FAIL); the run exits 3.
    mapping = clauses.rule_clauses()
    affected = {c for rid in dependent for c in mapping.get(rid, [])}
    for c in report["clauses"]:
        if f"{c['framework']}:{c['clause']}" in affected:
            assert c["status"] == "INCOMPLETE", c
        elif c["kind"] != "manual":
            assert c["status"] in ("COMPLIANT", "NOT_APPLICABLE"), c
    assert scanning.exit_code(report, "low") == 3
    FAULT_MATRIX["pairs"].add((call, fault))


@pytest.mark.parametrize("call", sorted(CARRIED))
def test_a_carried_call_is_made_and_can_fail_when_get_bucket_info_fails(matrix, call):
    """With the shortcut on (the default): GetBucketInfo denied, the sub-resource call is made instead; denied
    too, the rules that need it are ERROR naming it, and the rules that need only GetBucketInfo's own fields."""
    key = StaticKey(*account_key(ACCOUNT))
    with FakeCloud().load(DOC) as cloud:
        cloud.state.set_policy(key.access_key_id, {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": [ram_action("oss:GetBucketInfo"), ram_action(call)], "Resource": "*"}]})
        got = collect_account(Clients(key), ACCOUNT, REGIONS, workers=1, detail_workers=2, retry=NO_SLEEP,
                              collectors=[COLLECTOR_OF[call]])
    assert {f"{e['product']}:{e['action']}" for e in got["errors"]} == {"oss:GetBucketInfo", call}
    report = matrix.report(matrix.splice(got, COLLECTOR_OF[call]))
    dependent = {r.id for r in RULES if call in r.needs or "oss:GetBucketInfo" in r.needs}
    before = verdicts(matrix.baseline)
    for f in report["findings"]:
        if f["rule"] in dependent:
            assert f["status"] == "ERROR", f
        else:
            assert before.get((f["rule"], f["region"], f["resource_id"])) == f["status"], f


def test_needs_declarations_match_what_the_collectors_call(matrix):
    """Deny each API: the rules whose verdicts turn from PASS/FAIL to ERROR are exactly those declaring it."""
    before = verdicts(matrix.baseline)
    for call in CALLS:
        _, report = matrix.faulted_report(call, "denied")
        after = verdicts(report)
        changed = {key[0] for key in set(before) | set(after) if before.get(key) != after.get(key)}
        assert changed == {r.id for r in RULES if call in r.needs}, call


# --- list faults: every list call x every list fault the fake serves (fakes/faults.py) -------------------
# The pager (collectors/pager.py) must turn each into an ERROR on that list, naming the call, the region and
# the counts: the rules that need the list are ERROR (never PASS), nothing else changes, no resource the clean
# collection judged disappears without an ERROR, and the run exits 3. Page faults apply to paged lists
# (repeat_token to token and marker lists); the field faults hit the items list and, separately, the item id.
# Not expressible: null_field on the OSS Buckets element (XML has no null; an empty element is no buckets).

LIST_CALLS = list_calls()
LIST_CODES = {"short_page": {"ShortPage", "CountMismatch"}, "empty_page": {"ShortPage", "CountMismatch"},
              "repeat_token": {"RepeatedToken"}, "duplicate_item": {"DuplicateItem"},
              **{k: {"MalformedResponse"} for k in ("missing_field", "null_field", "wrong_type")}}
FIELD_KINDS = ("missing_field", "null_field", "wrong_type")


def list_cases() -> list:
    cases = []
    for call, spec in sorted(LIST_CALLS.items()):
        xml = call.startswith("oss:")
        kinds = [("duplicate_item", None)] + [(k, None) for k in FIELD_KINDS if not (xml and k == "null_field")]
        kinds += [(k, spec.ids[0]) for k in FIELD_KINDS]
        if spec.paging is not None:
            kinds += [("short_page", None), ("empty_page", None)]
            if spec.paging.style != "page_number":
                kinds.append(("repeat_token", None))
        cases += [pytest.param(call, kind, field, id=f"{call}-{kind}" + (f"-{field}" if field else ""))
                  for kind, field in kinds]
    return cases


def list_faults(call: str, kind: str, field: str | None) -> dict:
    product, action = call.split(":")
    rule = {"product": product, "action": action, "kind": kind}
    if kind not in ("short_page", "empty_page", "repeat_token"):
        items = LIST_CALLS[call].items
        rule["path"] = items.rsplit(".", 1)[0] if product == "oss" else items  # XML: the element holding the items
    if field:
        rule["field"] = field
    return {"faults": [rule]}


def test_every_list_call_is_declared_with_its_paging_and_id():
    assert set(LIST_CALLS) <= set(CALLS)
    for call, spec in LIST_CALLS.items():
        assert spec.ids, f"{call}: an item id makes duplicates and missing ids visible"
        if spec.paging is not None:
            assert spec.paging.max_size > 1, call
    assert len(list_cases()) >= 7 * len(LIST_CALLS)


@pytest.mark.parametrize("call,kind,field", list_cases())
def test_list_fault(matrix, call, kind, field):
    collector = COLLECTOR_OF[call]
    key = StaticKey(*account_key(ACCOUNT))
    with FakeCloud(faults=list_faults(call, kind, field)).load(DOC) as cloud:
        got = collect_account(Clients(key), ACCOUNT, REGIONS, workers=1, detail_workers=2, retry=NO_SLEEP,
                              collectors=[collector])
        assert sum(cloud.router.faults.injected.values()), "the fault reached the call"
    report = matrix.report(matrix.splice(got, collector))
    recorded = [e for e in got["errors"]]
    assert {f"{e['product']}:{e['action']}" for e in recorded} == {call}, recorded
    assert {e["code"] for e in recorded} <= LIST_CODES[kind], recorded
    for e in recorded:
        if e["code"] != "MalformedResponse":
            assert isinstance(e["items"], int) and e["pages"] >= 1, e
            assert call in e["message"] and (e["region"] or "the account") in e["message"], e
    if kind == "duplicate_item":
        assert [d["action"] for d in got["duplicates"]] == [call.split(":")[1]] * len(got["duplicates"])
        assert got["duplicates"], "the duplicate is recorded in the snapshot"

    dependent = {r.id for r in RULES if call in r.needs}
    before = verdicts(matrix.baseline)
    after = verdicts(report)
    # A per-resource list is faulted for every resource; one whose list is empty (a user without AccessKeys)
    # has nothing to duplicate or spoil, so its verdict stands when no error names it.
    per_resource = LIST_CALLS[call].scope in ("resource", "batch")
    failed_for = {e["resource"] for e in recorded}
    for f in report["findings"]:
        where = (f["rule"], f["region"], f["resource_id"])
        untouched = per_resource and not any(f["resource_id"] == r or f["resource_id"].startswith(f"{r}/")
                                             for r in failed_for)
        if f["rule"] in dependent and not (untouched and before.get(where) == f["status"]):
            assert f["status"] not in ("PASS", "FAIL"), f"{f['status']} without the whole list of {call}: {where}"
        else:
            assert before.get(where) == f["status"], f"{f['rule']} changed without declaring {call}: {where}"
    for rid in dependent:
        errors = [f for f in report["findings"] if f["rule"] == rid and f["status"] == "ERROR"]
        assert errors and all(f["evidence"]["error"]["call"] == call for f in errors), rid
    # No resource the clean collection judged disappears without an ERROR that covers it.
    errors_at = {(f["rule"], f["resource_id"]) for f in report["findings"] if f["status"] == "ERROR"}
    for rule, region, resource in before:
        if (rule, region, resource) not in after:
            parents = {(rule, resource.rsplit("/", n)[0]) for n in range(resource.count("/") + 1)}
            assert (parents | {(rule, region), (rule, "*")}) & errors_at, (rule, region, resource)
    mapping = clauses.rule_clauses()
    affected = {c for rid in dependent for c in mapping.get(rid, [])}
    for c in report["clauses"]:
        if f"{c['framework']}:{c['clause']}" in affected:
            assert c["status"] == "INCOMPLETE", c
    assert scanning.exit_code(report, "low") == 3
    FAULT_MATRIX["pairs"].add((call, kind))


# --- STS GetCallerIdentity and region discovery (before any collector), and the CLI end to end -----------

STS_FAULTS = ("throttle", "unavailable", "timeout", "malformed", "truncated", "empty")  # never denied (RAM)
FAST = {"read_timeout_s": 0.15, "connect_timeout_s": 1, "retry": {"attempts": 2, "base_delay_s": 0.01,
                                                                   "max_delay_s": 0.01}}


def live_collect(faults, regions=REGIONS):
    from aliaudit import ratelimit

    opts = scanning.ScanOptions(regions=list(regions), collection=ratelimit.parse(FAST))
    with FakeServer(FakeState(DOC), faults=faults, log=None) as server:
        opts = dataclasses.replace(opts, endpoint_override=server.url)  # options are frozen
        return scanning.collect_live(StaticKey(*account_key(ACCOUNT)), opts)


@pytest.mark.parametrize("fault", STS_FAULTS)
def test_sts_get_caller_identity_fault_stops_the_scan_as_incomplete(fault):
    """Nothing can be checked without the identity: IncompleteScan (exit 3, not 2: the credentials are fine),
    naming the call and the fault's code; no report is made (never an empty report that reads as a pass)."""
    from aliaudit.errors import IncompleteScan

    with pytest.raises(IncompleteScan) as err:
        live_collect(_faults("sts:GetCallerIdentity", fault))
    assert "sts:GetCallerIdentity" in str(err.value) and CODES[("rpc", fault)] in str(err.value)
    FAULT_MATRIX["pairs"].add(("sts:GetCallerIdentity", fault))


def test_region_discovery_fault_is_incomplete_not_a_credentials_error():
    """Without --region, DescribeRegions decides what is scanned: if it fails, nothing is checked, and the
    report says so (its clauses INCOMPLETE, the call's error recorded; tests/collect/test_region_discovery.py)."""
    collected = live_collect(_faults("ecs:DescribeRegions", "unavailable"), regions=())
    account = collected["accounts"][0]
    assert account["regions"] == {} and [(e["action"], e["code"]) for e in account["errors"]] == \
        [("DescribeRegions", "ServiceUnavailable")]
    report = scanning.evaluate(collected, scanning.ScanOptions(), {"kind": "live"})
    assert "cannot list regions" in report["incomplete"] and scanning.exit_code(report, "low") == 3
    assert {c["status"] for c in report["clauses"]} <= {"INCOMPLETE", "MANUAL"}


def cli_scan(tmp_path, faults=None, policy=None):
    """`aliaudit scan` (a separate process) against `aliaudit fake serve`: (exit code, report or None, stderr)."""
    import json
    import subprocess

    import yaml

    from fake_server_helpers import CLI, clean_env, fake_server

    args = []
    if faults:
        (tmp_path / "faults.yaml").write_text(yaml.safe_dump(faults))
        args += ["--faults", str(tmp_path / "faults.yaml")]
    if policy:
        (tmp_path / "policy.json").write_text(json.dumps(policy))
        args += ["--policy", str(tmp_path / "policy.json")]
    (tmp_path / "aliaudit.yaml").write_text(yaml.safe_dump({"collection": FAST}))
    out = tmp_path / "report.json"
    state = tmp_path / "state.json"
    state.write_text(json.dumps(DOC))
    with fake_server("--state", str(state), *args) as (url, _, _):
        done = subprocess.run([*CLI, "scan", "--endpoint-override", url, "--region", REGIONS[0], "--config",
                               str(tmp_path / "aliaudit.yaml"), "--format", "json", "--output", str(out)],
                              capture_output=True, text=True, timeout=120,
                              env=clean_env(ALIBABA_CLOUD_ACCESS_KEY_ID="fake-access-key-id",
                                            ALIBABA_CLOUD_ACCESS_KEY_SECRET="fake-access-key-secret"))
    report = json.loads(out.read_text()) if out.exists() else None
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".aliaudit-")] == []
    assert "Traceback" not in done.stderr
    return done.returncode, report, done.stderr


def test_sts_fault_through_the_cli_is_one_line_and_exit_3(tmp_path):
    code, report, stderr = cli_scan(tmp_path, _faults("sts:GetCallerIdentity", "unavailable"))
    assert (code, report) == (3, None)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "sts:GetCallerIdentity failed: ServiceUnavailable" in lines[0], stderr


@pytest.mark.parametrize("call,fault", [("ecs:DescribeDisks", "timeout"), ("ecs:DescribeInstances", "denied"),
                                        ("oss:GetBucketPolicy", "denied"), ("ecs:DescribeDisks", "repeat_token"),
                                        ("ram:ListUsers", "short_page"), ("oss:ListBuckets", "missing_field")])
def test_faults_end_to_end_through_the_cli(tmp_path, call, fault):
    code, report, stderr = cli_scan(tmp_path, _faults(call, fault), _deny(call) if fault == "denied" else None)
    assert code == 3, stderr
    dependent = {r.id for r in RULES if call in r.needs}
    assert dependent
    for f in report["findings"]:
        if f["rule"] in dependent:
            assert f["status"] == "ERROR" and f["evidence"]["error"]["call"] == call, f
    assert {(e["product"] + ":" + e["action"]) for e in report["collection_errors"]} == {call}
    mapping = clauses.rule_clauses()
    affected = {c for rid in dependent for c in mapping.get(rid, [])}
    assert affected and all(c["status"] == "INCOMPLETE" for c in report["clauses"]
                            if f"{c['framework']}:{c['clause']}" in affected)
