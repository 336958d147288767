"""What `rules show` and `explain` print: a rule's card (with evidence examples taken from the bundled
fixtures by evaluating the rule on them) and one finding of a report, explained."""

from __future__ import annotations

import json
import os
from functools import lru_cache

from aliaudit.rules import all_rules

from . import clauses, engine, snapshot
from .errors import UsageError
from .model import FAIL, PASS
from .remediation import fill, generic_all
from .settings import Settings

# The bundled example fixtures (a source checkout or an editable install; a wheel has no examples).
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "fixtures")
EXAMPLE_FIXTURES = ("hk-insurer-compliant.json", "hk-insurer-gaps.json")


def find_rule(rule_id: str):
    rules = {r.id: r for r in all_rules()}
    if rule_id not in rules:
        close = [r for r in rules if rule_id in r]
        hint = f" (did you mean {', '.join(close[:3])}?)" if close else " (see `aliaudit rules list`)"
        raise UsageError(f"unknown rule {rule_id!r}{hint}")
    return rules[rule_id]


def clause_titles() -> dict[str, str]:
    return {f"{c['framework']}:{cl['id']}": cl["title"] for c in clauses.load_all() for cl in c["clauses"]}


@lru_cache(maxsize=1)
def _fixture_findings() -> tuple[tuple[str, dict], ...]:
    """(fixture file name, finding) for every finding of every rule on the bundled fixtures."""
    out = []
    for name in EXAMPLE_FIXTURES:
        path = os.path.join(EXAMPLES, name)
        if not os.path.exists(path):
            continue
        doc = snapshot.load(path)
        for f in engine.evaluate(doc, all_rules(), Settings()):
            out.append((name, f))
    return tuple(out)


def examples(rule_id: str) -> dict[str, dict | None]:
    """The first PASS and the first FAIL of the rule on the bundled fixtures, filled in like a scan's."""
    found: dict[str, dict | None] = {PASS: None, FAIL: None}
    for name, f in _fixture_findings():
        if f["rule"] == rule_id and f["status"] in found and found[f["status"]] is None:
            found[f["status"]] = {"fixture": f"examples/fixtures/{name}", **fill(dict(f))}
    return found


def fields_read(rule_id: str) -> list[str]:
    """The API fields the rule's evidence names on the bundled fixtures (its own thresholds left out)."""
    keys: dict[str, None] = {}
    for _, f in _fixture_findings():
        if f["rule"] == rule_id and f["status"] in (PASS, FAIL):
            for k in _keys(f["evidence"]):
                keys.setdefault(k, None)
    return sorted(keys)


def _keys(evidence, prefix: str = "") -> list[str]:
    out = []
    if isinstance(evidence, dict):
        for k, v in evidence.items():
            if "." in str(k) and not prefix:
                out.append(str(k))
            elif prefix:
                out.append(str(k) if "." in str(k) else f"{prefix}[].{k}")
            if isinstance(v, list) and v and isinstance(v[0], dict):
                out += [k2 for item in v[:1] for k2 in _keys(item, str(k))]
    return out


def rule_card(rule) -> dict:
    titles = clause_titles()
    mapped = clauses.rule_clauses().get(rule.id, [])
    return {"id": rule.id, "title": rule.title, "rationale": " ".join(rule.rationale.split()),
            "severity": rule.severity, "product": rule.product, "resource_type": rule.resource_type,
            "clauses": [{"clause": c, "title": titles.get(c, "")} for c in mapped],
            "api": list(rule.needs), "evidence_fields": fields_read(rule.id),
            "remediation": generic_all(rule.remediation), "examples": examples(rule.id)}


def render_card(card: dict) -> str:
    lines = [f"{card['id']}: {card['title']}",
             f"severity {card['severity']}  product {card['product']}  resource {card['resource_type']}", "",
             f"Why: {card['rationale']}", "", "Clauses:"]
    lines += [f"  {c['clause']}  {c['title']}" for c in card["clauses"]] or ["  (none)"]
    lines += ["", "API calls: " + ", ".join(card["api"]),
              "Evidence fields read: " + (", ".join(card["evidence_fields"]) or "(none on the bundled fixtures)"),
              "", "Remediation:"]
    lines += [f"  {k}: {card['remediation'][k]}" for k in ("console", "cli", "terraform") if card["remediation"].get(k)]
    for status in (PASS, FAIL):
        ex = card["examples"].get(status)
        lines.append("")
        if ex is None:
            lines.append(f"{status} example: none on the bundled fixtures")
            continue
        where = f"{ex['resource_id']}" + (f" in {ex['region']}" if ex.get("region") else "")
        lines.append(f"{status} example ({ex['fixture']}, {where}):")
        lines += ["  " + line for line in json.dumps(ex["evidence"], indent=2, ensure_ascii=False).splitlines()]
        if ex.get("reason"):
            lines.append(f"  reason: {ex['reason']}")
    return "\n".join(lines) + "\n"


# -- one finding of a report ---------------------------------------------------------------------------

def find_findings(report: dict, rule_id: str, resource: str, account: str | None = None,
                  region: str | None = None) -> list[dict]:
    out = [f for f in report["findings"] if f["rule"] == rule_id and f["resource_id"] == resource
           and (account is None or f.get("account_id") == account) and (region is None or f.get("region") == region)]
    if out:
        return out
    of_rule = sorted({f["resource_id"] for f in report["findings"] if f["rule"] == rule_id})
    if not of_rule:
        raise UsageError(f"the report has no finding of rule {rule_id!r}")
    shown = ", ".join(of_rule[:8]) + (f" and {len(of_rule) - 8} more" if len(of_rule) > 8 else "")
    raise UsageError(f"the report has no finding of {rule_id} for {resource!r} (its resources: {shown})")


def finding_card(f: dict) -> dict:
    titles = clause_titles()
    rule = None
    try:
        rule = find_rule(f["rule"])
    except UsageError:
        pass
    return {**{k: f.get(k) for k in ("rule", "title", "status", "severity", "product", "account_id", "region",
                                      "resource_type", "resource_id", "reason", "evidence", "api", "baseline")},
            **{k: f[k] for k in ("waiver", "expired_waiver", "terraform") if f.get(k)},
            "rationale": " ".join(rule.rationale.split()) if rule else None,
            "clauses": [{"clause": c, "title": titles.get(c, "")} for c in f.get("clauses", [])],
            "remediation": f.get("remediation") or {}}


def render_finding(card: dict) -> str:
    where = ", ".join(x for x in (card.get("region") or "account-wide", f"account {card.get('account_id')}") if x)
    lines = [f"{card['status']}  {card['rule']}: {card.get('title') or ''}",
             f"resource {card['resource_id']} ({card.get('resource_type') or '-'}), {where}; "
             f"severity {card.get('severity')}"]
    if card.get("baseline"):
        lines.append(f"baseline: {card['baseline']}")
    if card.get("waiver"):
        w = card["waiver"]
        lines.append(f"waived until {w.get('expires')} by {w.get('approver')}: {w.get('justification')}")
    if card.get("reason"):
        lines.append(f"reason: {card['reason']}")
    if card.get("rationale"):
        lines += ["", f"Why it matters: {card['rationale']}"]
    lines += ["", "Evidence (API field: value observed):"]
    for k, v in (card.get("evidence") or {}).items():
        lines.append(f"  {k}: {json.dumps(v, ensure_ascii=False)}")
    lines += ["", "API calls: " + ", ".join(card.get("api") or []), "", "Clauses:"]
    lines += [f"  {c['clause']}  {c['title']}" for c in card["clauses"]] or ["  (none in the report's scope)"]
    rem = card.get("remediation") or {}
    if rem:
        lines += ["", "Fix:"] + [f"  {k}: {rem[k]}" for k in ("console", "cli", "terraform") if rem.get(k)]
    return "\n".join(lines) + "\n"
