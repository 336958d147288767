"""examples/ram-policy.json lists exactly the RAM actions aliaudit calls, all of them read-only."""

import json
import os

from aliaudit import org, scan as scanning
from aliaudit.collectors import all_calls
from aliaudit.sdk import ram_action

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
    calls = all_calls() | set(org.CALLS) | set(scanning.IDENTITY_CALLS)
    assert set(actions) == {ram_action(c) for c in calls}
    assert "kvstore:DescribeInstances" in actions  # Redis's RAM code, not our product name


def test_every_action_is_read_only():
    for action in _policy_actions():
        name = action.split(":", 1)[1]
        assert name.startswith(("Describe", "List", "Get")) or action == "sts:AssumeRole", action
