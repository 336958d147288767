"""A rule's `informative` evidence keys are shown for context and never decide its verdict.

A Terraform plan leaves such a value unknown without making the rule ERROR (tests/plan/test_plan_fidelity.py),
so the claim must hold: for every finding that shows an informative key, the rule's verdict on that resource
is the same whatever the snapshot field behind the key holds.
"""

import copy
import json
import os

import pytest

from aliaudit import engine
from aliaudit.rules import all_rules
from aliaudit.settings import Settings
from conftest import ROOT

FIXTURES = [os.path.join(ROOT, "examples", "fixtures", f"{name}.json") for name in ("hk-insurer-gaps", "hk-insurer-compliant")]
RULES = [r for r in all_rules() if r.informative]
VALUES = (None, "", "Basic", "HighAvailability", "cloud_essd", 0, True)


def _load(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _items_of(node, resource_id):
    """The dicts of the snapshot that name resource_id among their values (the resource's item)."""
    if isinstance(node, dict):
        if resource_id in node.values():
            yield node
        for value in node.values():
            yield from _items_of(value, resource_id)
    elif isinstance(node, list):
        for value in node:
            yield from _items_of(value, resource_id)


def _set_everywhere(node, field, value):
    if isinstance(node, dict):
        for key in list(node):
            if key == field:
                node[key] = value
            else:
                _set_everywhere(node[key], field, value)
    elif isinstance(node, list):
        for child in node:
            _set_everywhere(child, field, value)


def test_some_rules_declare_informative_evidence():
    assert {r.id for r in RULES} >= {"rds-multi-zone", "ecs-disk-encrypted"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_an_informative_field_never_changes_the_verdict(rule):
    shown = 0
    for path in FIXTURES:
        doc = _load(path)
        for finding in engine.evaluate(doc, [rule], Settings()):
            for key in rule.informative:
                if key not in finding["evidence"]:
                    continue
                shown += 1
                field = key.rsplit(".", 1)[-1]
                for value in VALUES:
                    changed = copy.deepcopy(doc)
                    for item in _items_of(changed, finding["resource_id"]):
                        _set_everywhere(item, field, value)
                    again = {(f["resource_id"]): f["status"] for f in engine.evaluate(changed, [rule], Settings())}
                    assert again[finding["resource_id"]] == finding["status"], (key, value, finding["resource_id"])
    assert shown, f"{rule.id}: no finding of the example fixtures shows {rule.informative}: the test would prove nothing"
