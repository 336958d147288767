"""examples/ci: the workflows use options aliaudit has, and the pre-apply script gates a real plan."""

import os
import shutil
import stat
import subprocess
import sys

import yaml

from aliaudit.waivers import load as load_waivers
from conftest import ROOT

CI = os.path.join(ROOT, "examples", "ci")
PLANS = os.path.join(ROOT, "tests", "plans")


def test_github_workflow_plans_scans_to_sarif_and_uploads_it():
    with open(os.path.join(CI, "github-actions.yml"), encoding="utf-8") as fh:
        wf = yaml.safe_load(fh)
    steps = wf["jobs"]["plan-gate"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "terraform show -json tfplan > plan.json" in runs
    assert "aliaudit scan --terraform-plan plan.json" in runs and "--format sarif" in runs
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert upload and upload[0]["if"] == "always()"
    assert wf["permissions"]["security-events"] == "write"


def test_gitlab_job_publishes_a_junit_report():
    with open(os.path.join(CI, "gitlab-ci.yml"), encoding="utf-8") as fh:
        jobs = yaml.safe_load(fh)
    gate = jobs["aliaudit-plan-gate"]
    assert any("--format junit" in line for line in gate["script"])
    assert gate["artifacts"]["reports"]["junit"] == "$INFRA_DIR/aliaudit-junit.xml"
    assert gate["artifacts"]["when"] == "always"


def test_example_waiver_file_is_valid():
    from aliaudit.rules import all_rules

    assert load_waivers(os.path.join(CI, "waivers.example.yaml"), {r.id for r in all_rules()})


def _fake_terraform(tmp_path, plan: str) -> str:
    """A stand-in for the terraform binary: `plan` writes a plan file, `show -json` prints the test plan,
    `apply` leaves a marker."""
    path = tmp_path / "terraform"
    path.write_text(f"""#!/usr/bin/env bash
case "$1" in
  plan) echo binary-plan > tfplan ;;
  show) cat {plan!r} ;;
  apply) touch applied ;;
esac
""")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def _run_pre_apply(tmp_path, plan_name):
    work = tmp_path / plan_name
    work.mkdir()
    aliaudit = shutil.which("aliaudit", path=os.path.dirname(sys.executable)) or "aliaudit"
    env = {**os.environ, "TERRAFORM": _fake_terraform(tmp_path, os.path.join(PLANS, f"{plan_name}.plan.json")),
           "ALIAUDIT": aliaudit}
    proc = subprocess.run(["bash", os.path.join(CI, "pre-apply.sh"), str(work)], capture_output=True, text=True, env=env)
    return proc, (work / "applied").exists()


def test_pre_apply_script_blocks_a_failing_plan(tmp_path):
    proc, applied = _run_pre_apply(tmp_path, "gaps")
    assert proc.returncode == 1 and not applied
    assert "alicloud_slb_listener.http" in proc.stdout
    assert "not applied" in proc.stderr


def test_pre_apply_script_applies_a_compliant_plan(tmp_path):
    proc, applied = _run_pre_apply(tmp_path, "fixed")
    assert proc.returncode == 0, proc.stderr
    assert applied
