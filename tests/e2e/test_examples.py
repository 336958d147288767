"""The examples a newcomer starts from work: a recorded fixture `verify` accepts, three Terraform plans
(compliant, gaps, unknown after apply) with the exit codes they document, and waivers that match."""

import importlib.util
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from aliaudit.cli import main
from conftest import ROOT, fixture_path

EXAMPLES = os.path.join(ROOT, "examples")
RECORDING = os.path.join(EXAMPLES, "recordings", "hk-insurer-gaps.recorded.json")
PLANS = os.path.join(EXAMPLES, "plans")


def cli(*args):
    return CliRunner().invoke(main, list(args))


def test_the_recorded_example_verifies_and_scans(tmp_path):
    ok = cli("verify", RECORDING)
    assert ok.exit_code == 0 and "OK sha256" in ok.stdout
    with open(RECORDING, encoding="utf-8") as fh:
        doc = json.load(fh)
    assert doc["digest"]["value"] in ok.stdout
    tampered = tmp_path / "tampered.json"
    shutil.copy(RECORDING, tampered)
    text = tampered.read_text(encoding="utf-8").replace('"Encrypted": false', '"Encrypted": true', 1)
    tampered.write_text(text, encoding="utf-8")
    assert cli("verify", str(tampered)).exit_code == 1
    scanned = cli("scan", "--fixture", RECORDING, "--format", "json")
    assert scanned.exit_code == 1 and json.loads(scanned.stdout)["summary"]["findings"]["FAIL"] > 0


@pytest.mark.parametrize("name, code, statuses", [
    ("compliant", 0, {"PASS", "NOT_APPLICABLE"}),
    ("gaps", 1, {"PASS", "FAIL", "NOT_APPLICABLE"}),
    ("unknown-after-apply", 3, {"PASS", "ERROR", "NOT_APPLICABLE"}),
])
def test_each_example_plan_gives_its_documented_exit_code(name, code, statuses):
    result = cli("scan", "--terraform-plan", os.path.join(PLANS, f"{name}.plan.json"), "--format", "json")
    assert result.exit_code == code, result.stderr
    report = json.loads(result.stdout)
    assert set(report["summary"]["findings"]) == statuses
    if name == "unknown-after-apply":
        encrypted = [f for f in report["findings"] if f["rule"] == "ecs-disk-encrypted"]
        assert encrypted and {f["status"] for f in encrypted} == {"ERROR"}
        assert "unknown until apply" in encrypted[0]["reason"]


def test_the_example_plans_are_what_the_builder_writes():
    spec = importlib.util.spec_from_file_location("build_example_plans", os.path.join(PLANS, "build_example_plans.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, doc in module.plans().items():
        with open(os.path.join(PLANS, f"{name}.plan.json"), encoding="utf-8") as fh:
            assert json.load(fh) == doc, name


@pytest.mark.parametrize("source, waivers, waived", [
    (("--fixture", fixture_path("hk-insurer-gaps.json")), os.path.join(EXAMPLES, "waivers", "hk-insurer-gaps.yaml"),
     {"d-j6cbatch01sys", "d-j6cbatch01data"}),
    (("--terraform-plan", os.path.join(PLANS, "gaps.plan.json")), os.path.join(EXAMPLES, "ci", "waivers.example.yaml"),
     {"alicloud_disk.data"}),
])
def test_the_example_waivers_match_their_examples(source, waivers, waived):
    result = cli("scan", *source, "--waivers", waivers, "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert "stale" not in result.stderr and "expired" not in result.stderr
    report = json.loads(result.stdout)
    assert {f["resource_id"] for f in report["findings"] if f["status"] == "WAIVED"} == waived
    assert [w["state"] for w in report["waivers"]] == ["active"]
