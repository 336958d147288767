"""No hidden global state: evaluation restores the garbage collector as it found it, and options are frozen."""

import dataclasses
import gc

import pytest

from aliaudit import credentials, engine, ratelimit, scan, settings
from aliaudit.rules import all_rules
from aliaudit.settings import Settings


def _snapshot() -> dict:
    return {"format": "aliaudit-snapshot/1", "collected_at": "2025-01-15T02:00:00Z", "source": "fixture",
            "identities": [], "accounts": [{"account_id": "1", "global": {}, "regions": {}, "errors": []}]}


@pytest.mark.parametrize("enabled", [True, False])
def test_evaluation_leaves_the_gc_switch_as_it_found_it(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        seen = []

        class Probe:
            id, title, product, severity, needs = "probe", "probe", "ecs", "low", ("ecs:DescribeDisks",)
            remediation, resource_type = {}, "ecs:disk"

            def __call__(self, view, settings_):
                seen.append(gc.isenabled())
                return []

        engine.evaluate(_snapshot(), [Probe()], Settings())
        assert seen == [False]  # off while the rules run
        assert gc.isenabled() is enabled  # and back as it was
    finally:
        (gc.enable if was else gc.disable)()


def test_the_gc_switch_is_restored_when_evaluation_raises():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with engine.gc_paused():
            raise RuntimeError("boom")
    assert gc.isenabled()


@pytest.mark.parametrize("cls", [scan.ScanOptions, settings.Settings, ratelimit.CollectionConfig,
                                 credentials.CredentialOptions])
def test_options_are_frozen_dataclasses(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


def test_scan_options_cannot_be_changed_after_parsing():
    opts = scan.ScanOptions(regions=["cn-hongkong"], frameworks=["hkia-gl8"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.home_region = "cn-shanghai"
    assert opts.regions == ("cn-hongkong",) and opts.frameworks == ("hkia-gl8",)  # no list to append to
    assert len(all_rules()) > 0
