"""One place per product: the registries are found from the product folders, counted, and each entry is checked.

A product is auditor/collectors/<p>.py (its SPEC), fakes/<p>.py and rules/<p>.py (see CONTRIBUTING.md).
COLLECTORS, the rule MODULES, the fake's RPC_PRODUCTS and its RAM resource types are discovered, not listed;
the call list the rules' `needs` are checked against and the RAM actions come from the specs.
"""

from __future__ import annotations

import importlib
import os

from aliaudit import sdk
from aliaudit.collectors import COLLECTORS, PRODUCTS, all_calls, list_calls, ram_action, ram_actions
from aliaudit.collectors.spec import ListCall, Product
from aliaudit.fakes.policy import resource_params
from aliaudit.fakes.router import RPC_PRODUCTS, handled_calls
from aliaudit.rules import MODULES, all_rules
from conftest import ROOT

PRODUCT_NAMES = {"ack", "actiontrail", "alb", "ecs", "hbr", "ims", "kms", "nas", "oss", "polardb", "ram", "rds", "redis", "slb", "vpc"}


def _method(cls, action: str) -> bool:
    wanted = (action + "WithOptions").lower()
    return any(n.replace("_", "").lower() == wanted for n in dir(cls))


def test_collectors_are_found_from_the_folder_and_each_spec_matches_its_sdk():
    assert len(COLLECTORS) == 15 and set(PRODUCTS) == PRODUCT_NAMES
    for module in COLLECTORS:
        spec = module.SPEC
        assert isinstance(spec, Product) and module.__name__.endswith("." + spec.name)
        assert (module.PRODUCT, tuple(module.CALLS)) == (spec.name, spec.actions)
        if spec.name == "oss":
            import alibabacloud_oss_v2 as oss

            for action in spec.actions:  # each call is an oss-v2 operation
                assert any(n.replace("_", "").lower() == action.lower() for n in dir(oss.Client)), action
            continue
        package, version = sdk.RPC_SDKS[spec.name]
        client = importlib.import_module(f"{package}.client").Client
        models = sdk.models(spec.name)
        for call in spec.calls:
            assert _method(client, call.action), f"{spec.name}:{call.action} is not in {package}"
        for call in (c for c in spec.lists if c.paging):  # the pager sets these on the SDK's request model
            request = getattr(models, f"{call.action}Request")()
            for attr in ("size_param", "number_param", "token_param", "marker_param"):
                if call.paging is not None and hasattr(call.paging, attr):
                    assert hasattr(request, getattr(call.paging, attr)), (spec.name, call.action, attr)


def test_rule_modules_are_found_from_the_folder():
    names = {m.__name__.rsplit(".", 1)[1] for m in MODULES}
    assert len(MODULES) == 16 and names == PRODUCT_NAMES - {"ims"} | {"ecs_sg", "residency"}
    from aliaudit.rules.base import Rule

    for module in MODULES:
        rules = [v for v in vars(module).values() if isinstance(v, Rule)]
        assert rules and all(r.needs for r in rules), module.__name__
        assert {c.split(":")[0] for r in rules for c in r.needs} <= set(PRODUCTS), module.__name__
    assert {c for r in all_rules() for c in r.needs} <= all_calls()


def test_fake_products_are_found_from_the_folder_and_serve_every_spec_call():
    assert len(RPC_PRODUCTS) == 16
    for module in RPC_PRODUCTS:
        assert sdk.RPC_SDKS[module.PRODUCT][1] == module.VERSION, module.PRODUCT  # the fake routes on it
    assert all_calls() <= handled_calls()
    # Each product whose calls name one resource has its RAM resource type; its parameter is what the
    # collector's per-resource calls take.
    params = resource_params()
    assert set(params) == {"ack", "alb", "kms", "nas", "polardb", "rds", "redis", "slb"}
    for product, (param, arn_type) in params.items():
        assert arn_type and param in {c.per for c in PRODUCTS[product].calls}, product


def test_each_product_lives_in_its_own_files():
    for name in PRODUCTS:
        assert os.path.exists(os.path.join(ROOT, "auditor", "collectors", f"{name}.py"))
        assert os.path.exists(os.path.join(ROOT, "fakes", f"{name}.py")), name


def test_derived_lists_come_from_the_specs():
    assert len(all_calls()) == sum(len(p.calls) for p in PRODUCTS.values())
    assert all(isinstance(c, ListCall) for c in list_calls().values())
    assert "kvstore:DescribeInstances" in ram_actions() and "redis:DescribeInstances" not in ram_actions()
    assert ram_action("redis:DescribeSecurityIps") == "kvstore:DescribeSecurityIps"


def test_the_fields_a_spec_says_rules_rely_on_are_read_by_the_rules_or_the_collector():
    """`require` is what plan mode and the documentation checks take as the fields a list must carry: each
    is read by a rule (rules/*.py), by the collector itself (auditor/collectors/<p>.py) or by region
    discovery (auditor/regions.py reads DescribeRegions)."""
    import glob

    files = glob.glob(os.path.join(ROOT, "rules", "*.py")) + [os.path.join(ROOT, "auditor", "regions.py")]
    rules_src = "".join(open(f, encoding="utf-8").read() for f in files)
    for name, spec in PRODUCTS.items():
        with open(os.path.join(ROOT, "auditor", "collectors", f"{name}.py"), encoding="utf-8") as fh:
            collector_src = fh.read().split("SPEC = ", 1)[1].split("\nPRODUCT = ", 1)[1]
        for call in spec.lists:
            for field in call.require:
                # a field, or a dotted path into an item ("HTTPListenerConfig.ListenerForward")
                assert f'"{field}' in rules_src or f'"{field}"' in collector_src, (name, call.action, field)
