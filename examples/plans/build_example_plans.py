"""Build the example Terraform plans (what `terraform show -json PLAN` prints), from the builder of the test plans.

    compliant.plan.json            every planned resource meets its rules             exit 0
    gaps.plan.json                 an unencrypted disk, SSH open to 0.0.0.0/0,        exit 1
                                   an HTTP listener that does not redirect
    unknown-after-apply.plan.json  values Terraform knows only after apply            exit 3 (ERROR, never PASS)

    python examples/plans/build_example_plans.py    # rewrites examples/plans/*.plan.json
    aliaudit scan --terraform-plan examples/plans/gaps.plan.json
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BUILDER = os.path.join(HERE, "..", "..", "tests", "plans", "build_plans.py")


def _builder():
    spec = importlib.util.spec_from_file_location("build_plans", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unknown_after_apply(b):
    """A disk whose encryption comes from a data source read only at apply: ERROR, never PASS."""
    p = b.Plan()
    p.add("alicloud_kms_keys", "existing", {"ids": ["key-hk-app-0a1b2c3d4e5f"]}, actions=("read",), mode="data")
    p.add("alicloud_ecs_disk", "scratch", {"zone_id": "cn-hongkong-c", "category": "cloud_essd", "size": 50,
                                           "disk_name": "scratch", "encrypted": None, "kms_key_id": None,
                                           "enable_auto_snapshot": True},
          unknown={"encrypted": True, "kms_key_id": True, "status": True},
          refs={"encrypted": ["data.alicloud_kms_keys.existing.ids", "data.alicloud_kms_keys.existing"],
                "kms_key_id": ["data.alicloud_kms_keys.existing.ids", "data.alicloud_kms_keys.existing"]})
    p.add("alicloud_ecs_auto_snapshot_policy", "daily", {"auto_snapshot_policy_name": "daily-30",
                                                         "repeat_weekdays": ["1", "2", "3", "4", "5", "6", "7"],
                                                         "time_points": ["2"], "retention_days": 30},
          unknown={"status": True})
    p.add("alicloud_ecs_auto_snapshot_policy_attachment", "scratch",
          {"auto_snapshot_policy_id": None, "disk_id": None},
          unknown={"auto_snapshot_policy_id": True, "disk_id": True},
          refs={"auto_snapshot_policy_id": ["alicloud_ecs_auto_snapshot_policy.daily.id",
                                            "alicloud_ecs_auto_snapshot_policy.daily"],
                "disk_id": ["alicloud_ecs_disk.scratch.id", "alicloud_ecs_disk.scratch"]})
    return p


def plans() -> dict[str, dict]:
    b = _builder()
    return {name: copy.deepcopy(plan.doc()) for name, plan in (
        ("compliant", b.fixed_plan()), ("gaps", b.gaps_plan()), ("unknown-after-apply", unknown_after_apply(b)))}


def main() -> None:
    for name, doc in plans().items():
        with open(os.path.join(HERE, f"{name}.plan.json"), "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")


if __name__ == "__main__":
    main()
