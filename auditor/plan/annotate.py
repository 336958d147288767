"""After evaluation: the findings of a plan scan, told in the plan's terms.

- A rule needing a call no mapping answers (registry.py) is NOT_APPLICABLE, per resource it judged
  (or once per region when it judged nothing): "not assessable from a Terraform plan: needs <call>;
  a live scan checks it". Never FAIL or PASS by omission.
- A finding whose evidence reads a field the plan cannot give (a gap) is ERROR, with the reason,
  unless the rule declares that field informative (shown, never deciding the verdict).
- Findings about resources the plan does not change are dropped; those about what the plan changes
  on them name the planned address.
- Resource ids become the planned addresses.
"""

from __future__ import annotations

from aliaudit.rules import all_rules

from ..engine import synthetic_finding
from ..model import ERROR, NOT_APPLICABLE
from .context import PLAN_ACCOUNT, PlanContext


def _reads(evidence: dict, api: str, informative=()) -> bool:
    """Whether a finding's evidence reads the API field `api` (or a field under it, or the call itself),
    leaving out the evidence keys the rule declares informative."""
    for key in evidence or {}:
        if key in informative:
            continue
        if key == api or key.startswith(api + ".") or api.startswith(key + "."):
            return True
    return False


def annotate(findings: list[dict], ctx: PlanContext, rules=None) -> list[dict]:
    """Findings of a plan scan: not-assessable rules NOT_APPLICABLE, gaps as ERROR, addresses as resource ids,
    findings on what the plan does not change dropped."""
    if rules is None:
        rules = all_rules()
    informative = {r.id: set(getattr(r, "informative", ()) or ()) for r in rules}
    out = []
    for f in not_assessable(findings, ctx, rules):
        rid = f.get("resource_id")
        evidence = f.get("evidence") or {}
        gaps = [g for g in ctx.gaps.get(rid, []) if _reads(evidence, g.api, informative.get(f["rule"], ()))]
        address = ctx.rename.get(rid) or ctx.owner.get(rid) or (rid if rid in ctx.planned else None)
        if rid in ctx.stubs:
            settled = [a for (name, api), a in ctx.settled.items() if name == rid and _reads(evidence, api)]
            if not settled or any(g.kind == "outside" for g in gaps):
                continue  # about a resource this plan does not change: not part of the review
            address = settled[0]
        if gaps:
            f["status"] = ERROR
            f["reason"] = "cannot be decided from the plan: " + "; ".join(g.reason for g in gaps)
            f["evidence"] = {**evidence, "plan_gaps": [{"api": g.api, "attribute": g.attribute} for g in gaps]}
        if f["status"] == ERROR:
            for value in evidence.values():  # an ERROR that depends on something outside the plan names it
                if isinstance(value, str) and value in ctx.stubs and value != rid and \
                        f"{value} is not created by this plan" not in f["reason"]:
                    f["reason"] += f" ({ctx.stubs[value]} {value} is not created by this plan)"
        if address:
            planned = ctx.planned.get(address)
            f["terraform"] = {"address": address, "type": planned.type if planned else None,
                              "actions": planned.actions if planned else None, "id": planned.api_id if planned else None}
            if rid in ctx.rename or rid in ctx.stubs:
                f["rule_resource_id"] = rid
                f["resource_id"] = address
        out.append(f)
    return out


def not_assessable(findings: list[dict], ctx: PlanContext, rules) -> list[dict]:
    """Each rule's findings, with those the plan cannot decide (they need an unanswered call) made
    NOT_APPLICABLE and put first, and one per region where the rule judged nothing. A rule that
    crashed keeps its ERROR."""
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], []).append(f)
    out: list[dict] = []
    for rule in rules:
        own = by_rule.pop(rule.id, [])
        needs = set(rule.needs)
        by_region = {region: {c: code for c, code in calls.items() if c in needs}
                     for region, calls in ctx.unanswered.items()}
        by_region = {region: calls for region, calls in by_region.items() if calls}
        if not by_region or any(f.get("resource_type") == "rule" and f["status"] == ERROR for f in own):
            out.extend(own)
            continue
        everywhere = {c: code for calls in by_region.values() for c, code in calls.items()}
        assessed, left, covered = [], [], set()
        for f in own:
            calls = by_region.get(f["region"]) if f["region"] is not None else everywhere
            if not calls:
                left.append(f)
                continue
            assessed.append(_mark(f, calls))
            covered.add(f["region"])
        if None not in covered:  # a rule that judged nothing in a region of the plan still says why
            for region, calls in sorted(by_region.items()):
                if region not in covered and region in ctx.regions:
                    assessed.append(_mark(synthetic_finding(rule, PLAN_ACCOUNT, region, region, "", {}, "region"),
                                          calls))
        out.extend(assessed + left)
    for rest in by_rule.values():  # findings of rules not in `rules`: untouched
        out.extend(rest)
    return out


def _mark(f: dict, calls: dict[str, str]) -> dict:
    names = sorted(calls)
    f["status"] = NOT_APPLICABLE
    f["reason"] = f"not assessable from a Terraform plan: needs {', '.join(names)}; a live scan checks it"
    f["evidence"] = {"not_assessable": {"needs": names, "code": sorted(set(calls.values()))[0]}}
    return f
