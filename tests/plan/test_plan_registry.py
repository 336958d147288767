"""The plan mappings are found in auditor/plan/, one module per product: each declares the resource types it
maps and the calls it answers, and each is exercised by a plan under tests/plans/."""

import glob
import json
import os
import re

import pytest

from aliaudit import plan
from aliaudit.collectors import all_calls
from aliaudit.rules import all_rules
from conftest import ROOT

MODULES = plan.registry.MAPPING_MODULES
# the resource types of the plans on disk, and of the plans the tests of tests/plan/ build (Plan.add)
PLANNED_TYPES = {rc["type"] for path in glob.glob(os.path.join(ROOT, "tests", "plans", "*.plan.json"))
                 for rc in json.load(open(path, encoding="utf-8")).get("resource_changes", [])} | \
    {m for path in glob.glob(os.path.join(ROOT, "tests", "plan", "*.py"))
     for m in re.findall(r'\.add\("(alicloud_[a-z0-9_]+)"', open(path, encoding="utf-8").read())}


def test_the_mapper_modules_found_are_every_product_module_of_the_folder():
    folder = os.path.dirname(plan.__file__)
    files = {f[:-3] for f in os.listdir(folder) if f.endswith(".py") and not f.startswith("_")} - plan.registry.CORE
    assert {m.__name__.rsplit(".", 1)[-1] for m in MODULES} == files
    assert len(MODULES) >= 8
    assert len(plan.MAPPERS) == sum(len(m.MAPPERS) for m in MODULES)  # no type mapped twice


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_each_mapping_answers_calls_of_its_product_that_rules_need(module):
    product = module.__name__.rsplit(".", 1)[-1]
    needed = {c for r in all_rules() for c in r.needs}
    assert module.ANSWERS, f"{product} answers no call"
    assert {c.split(":")[0] for c in module.ANSWERS} == {product}
    assert set(module.ANSWERS) <= all_calls() & needed, set(module.ANSWERS) - (all_calls() & needed)
    for rtype, (mapper, stage) in module.MAPPERS.items():
        assert rtype.startswith("alicloud_") and callable(mapper) and stage in (0, 1, 2)
        assert rtype in PLANNED_TYPES, f"{rtype}: add it to a plan in tests/plans/build_plans.py or a test of tests/plan/"


def test_a_call_no_mapping_answers_is_not_assessable_and_every_other_is():
    unanswered = set(plan.unanswered_calls())
    needed = {c for r in all_rules() for c in r.needs}
    assert unanswered == needed - plan.ANSWERED_CALLS
    assert unanswered and plan.ANSWERED_CALLS and not unanswered & plan.ANSWERED_CALLS
