"""The CI gate around a scan: a Terraform plan as input, waivers, and a baseline.

The scan command calls `Gate.load(...)` with its options, takes the snapshot from
`gate.collect()` when a plan is given, passes `gate.adjust` to `scan.evaluate`, then
`gate.finish(report)` (adds report["terraform"], report["waivers"], baseline marks) and exits
with `gate.exit_code(report, fail_on)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import baseline as baselines, terraform, waivers as waiving
from .errors import UsageError


@dataclass
class Gate:
    plan_path: str | None = None
    plan_doc: dict | None = None
    plan_ctx: terraform.PlanContext | None = None
    waivers: list[dict] | None = None
    waiver_states: list[dict] = field(default_factory=list)
    baseline: dict | None = None
    today: dt.date | None = None
    messages: list[str] = field(default_factory=list)
    allow_different_scope: bool = False  # --allow-different-scope: a baseline of another scope or account

    @classmethod
    def load(cls, terraform_plan: str | None = None, waivers_path: str | None = None,
             baseline_path: str | None = None, today: dt.date | None = None) -> "Gate":
        gate = cls(plan_path=terraform_plan, today=today)
        if terraform_plan:
            gate.plan_doc = terraform.load(terraform_plan)
        if waivers_path:
            from aliaudit.rules import all_rules

            gate.waivers = waiving.load(waivers_path, {r.id for r in all_rules()})
        if baseline_path:
            gate.baseline = baselines.load(baseline_path)
        return gate

    def collect(self, regions: list[str]) -> tuple[dict, dict]:
        """The snapshot of the plan, and the report's source."""
        if len(regions) > 1:
            raise UsageError("with --terraform-plan, --region gives the one region to assume when the provider's "
                             "region is not in the plan")
        snap, self.plan_ctx = terraform.to_snapshot(self.plan_doc, self.plan_path, regions[0] if regions else None)
        from . import snapshot

        snap["collected_at"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        snapshot.validate(snap, self.plan_path)
        return snap, {"kind": "terraform-plan", "path": self.plan_path,
                      "terraform_version": self.plan_doc.get("terraform_version")}

    def adjust(self, findings: list[dict]) -> list[dict]:
        if self.plan_ctx is not None:
            findings = terraform.annotate(findings, self.plan_ctx)
        if self.waivers is not None:
            findings, self.waiver_states = waiving.apply(findings, self.waivers, self.today)
        return findings

    def finish(self, report: dict) -> dict:
        if self.plan_ctx is not None:
            report["terraform"] = self.plan_ctx.summary()
            if not self.plan_ctx.planned:
                self.messages.append(f"{self.plan_path}: the plan creates or changes no resource type aliaudit "
                                     "assesses; nothing was checked")
            for rtype, addresses in sorted(self.plan_ctx.not_assessed.items()):
                self.messages.append(f"not assessed (no mapping for {rtype}): {', '.join(sorted(addresses))}")
        if self.waivers is not None:
            report["waivers"] = self.waiver_states
            self.messages += waiving.warnings(self.waiver_states)
        from .attestations import warnings as attestation_warnings
        from .scope import check_baseline

        self.messages += attestation_warnings(report)
        if self.baseline is not None:
            check_baseline(self.baseline, report, self.allow_different_scope)
            new = baselines.mark(report, self.baseline)
            from .model import FAIL

            fails = [f for f in new if f["status"] == FAIL]
            if fails:
                self.messages.append(f"{len(fails)} FAIL(s) not in the baseline: " + ", ".join(
                    sorted({f"{f['rule']} {f['resource_id']}" for f in fails})))
        return report

    def exit_code(self, report: dict, fail_on: str) -> int:
        if self.baseline is not None:
            return baselines.exit_code(report, fail_on)
        from .scan import exit_code

        return exit_code(report, fail_on)
