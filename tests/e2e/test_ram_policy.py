"""examples/ram-policy.json lists exactly the RAM actions aliaudit calls, all of them read-only."""

import json
import os

from aliaudit import org, scan as scanning
from aliaudit.collectors import all_calls, ram_action, ram_actions

from conftest import ROOT


def _policy_actions():
    with open(os.path.join(ROOT, "examples", "ram-policy.json"), encoding="utf-8") as fh:
        policy = json.load(fh)
    assert policy["Version"] == "1"
    actions = []
    for stmt in policy["Statement"]:
        assert stmt["Effect"] == "Allow" and stmt["Resource"] == "*"
        actions += stmt["Action"]
    return actions


def test_policy_lists_exactly_the_calls_the_code_makes():
    actions = _policy_actions()
    assert len(actions) == len(set(actions))
    # Derived from the product specs (auditor/collectors/<p>.py): a call added to a spec and not to the
    # policy (or left in the policy after it left the spec) fails here, naming it.
    derived = ram_actions() | {ram_action(c) for c in set(org.CALLS) | set(scanning.IDENTITY_CALLS)}
    assert {"missing from examples/ram-policy.json": sorted(derived - set(actions)),
            "not called any more": sorted(set(actions) - derived)} == {"missing from examples/ram-policy.json": [],
                                                                       "not called any more": []}
    assert derived == {ram_action(c) for c in all_calls() | set(org.CALLS) | set(scanning.IDENTITY_CALLS)}
    assert "kvstore:DescribeInstances" in actions  # Redis's RAM code, not our product name


def test_every_action_is_read_only():
    for action in _policy_actions():
        name = action.split(":", 1)[1]
        # ACK CheckControlPlaneLogEnable is a GET that reads the control-plane log setting (SOURCES-ack.md)
        assert name.startswith(("Describe", "List", "Get")) or action in ("sts:AssumeRole",
                                                                            "cs:CheckControlPlaneLogEnable"), action


def test_a_full_scan_under_the_least_privilege_policy_reads_everything(tmp_path):
    """The scan's identity holds only examples/ram-policy.json: nothing is refused, nothing changes."""
    from conftest import fixture_path, scan
    from fake_server_helpers import fake_server, live_scan, verdicts

    gaps = fixture_path("hk-insurer-gaps.json")
    policy = os.path.join(ROOT, "examples", "ram-policy.json")
    with fake_server("--state", gaps, "--policy", policy) as (url, _, _):
        code, report, err = live_scan(url)
    assert code == 1, err
    assert report["collection_errors"] == []
    assert verdicts(report) == verdicts(scan(gaps))
    # and the policy is what the fake enforced: without one of its actions, that call is refused
    with open(policy, encoding="utf-8") as fh:
        doc = json.load(fh)
    doc["Statement"][0]["Action"].remove("kvstore:DescribeInstances")
    narrower = tmp_path / "narrower.json"
    narrower.write_text(json.dumps(doc))
    with fake_server("--state", gaps, "--policy", str(narrower)) as (url, _, _):
        code, report, err = live_scan(url)
    assert {(e["action"], e["code"]) for e in report["collection_errors"]} == {("DescribeInstances", "Forbidden.RAM")}
    assert {e["product"] for e in report["collection_errors"]} == {"redis"}
