"""SARIF 2.1.0, for code-scanning uploads (GitHub `upload-sarif`, GitLab, Azure DevOps).

- `tool.driver.rules`: every rule, with its title, rationale and remediation as help, the clauses
  it evidences and a `security-severity` as properties.
- `results`: the findings that need a decision: FAIL (level from the severity), ERROR (level
  warning: the check could not be made) and WAIVED (with a `suppressions` entry carrying the
  waiver). PASS and NOT_APPLICABLE are left out, as code-scanning tools expect.
- Location: for a Terraform plan, the plan file plus a logical location named by the resource
  address; for a live or fixture scan, a logical location whose fullyQualifiedName is an ARN-like
  id `acs:<product>:<region>:<account>:<type>/<id>`.
- `partialFingerprints["aliaudit/v1"]`: sha256 of (account, region, rule, resource_id), the same
  identity `--baseline` and `aliaudit diff` use, so a platform deduplicates across runs.
"""

from __future__ import annotations

import hashlib
import json

from aliaudit import __version__
from aliaudit.clauses import for_report, rule_clauses
from aliaudit.rules import all_rules

from ..remediation import generic_all

FORMATS = {"sarif": ("sarif", "render", "write")}  # format -> (extension, render[, writer]); see __init__.py

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
REPORTED = ("FAIL", "ERROR", "WAIVED")


def fingerprint(f: dict) -> str:
    key = "\x1f".join(str(f.get(k) or "") for k in ("account_id", "region", "rule", "resource_id"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def arn(f: dict) -> str:
    product, _, kind = (f.get("resource_type") or f.get("product") or "").partition(":")
    if not kind:
        product, kind = f.get("product") or product, product or "resource"
    return f"acs:{product}:{f.get('region') or ''}:{f.get('account_id') or ''}:{kind}/{f.get('resource_id')}"


def _rule_descriptor(rule, clauses: list[str]) -> dict:
    rem = generic_all(rule.remediation)
    steps = [f"Console: {rem['console']}"] + [f"{k.upper() if k == 'cli' else k.title()}: {rem[k]}"
                                                for k in ("cli", "terraform") if rem.get(k)]
    text = f"{rule.rationale}\n\nRemediation:\n" + "\n".join(f"- {s}" for s in steps)
    markdown = (f"{rule.rationale}\n\n**Clauses:** {', '.join(clauses) or '-'}\n\n**Remediation**\n\n"
                + "\n".join(f"- {s}" for s in steps))
    return {
        "id": rule.id,
        "name": "".join(p.title() for p in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["security", "compliance", rule.product, *clauses],
                       "security-severity": SECURITY_SEVERITY[rule.severity], "severity": rule.severity},
    }


def _message(f: dict) -> str:
    head = {"FAIL": "", "ERROR": "Could not be checked: ", "WAIVED": "Waived: "}[f["status"]]
    evidence = json.dumps(f.get("evidence") or {}, ensure_ascii=False, sort_keys=True)
    reason = f.get("reason") or f.get("title")
    return f"{head}{f['title']}: {reason}. Resource {f['resource_id']} ({f.get('region') or 'account'}). Evidence: {evidence}"


def _locations(f: dict, report: dict) -> list[dict]:
    source = report.get("source") or {}
    if source.get("kind") == "terraform-plan":
        address = (f.get("terraform") or {}).get("address") or f["resource_id"]
        return [{"physicalLocation": {"artifactLocation": {"uri": source.get("path") or "plan.json"}},
                 "logicalLocations": [{"fullyQualifiedName": address, "name": f["resource_id"], "kind": "resource"}]}]
    return [{"logicalLocations": [{"fullyQualifiedName": arn(f), "name": str(f["resource_id"]), "kind": "resource"}]}]


def build(report: dict) -> dict:
    mapping = rule_clauses(for_report(report.get("frameworks") or None))
    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in report["findings"]:
        if f["status"] not in REPORTED:
            continue
        result = {
            "ruleId": f["rule"],
            "level": "warning" if f["status"] == "ERROR" else LEVEL.get(f.get("severity"), "warning"),
            "message": {"text": _message(f)},
            "locations": _locations(f, report),
            "partialFingerprints": {"aliaudit/v1": fingerprint(f)},
            "properties": {"status": f["status"], "severity": f.get("severity"), "account": f.get("account_id"),
                           "region": f.get("region"), "clauses": f.get("clauses", []),
                           "evidence": f.get("evidence") or {}},
        }
        if f["rule"] in index:
            result["ruleIndex"] = index[f["rule"]]
        if f.get("baseline"):
            result["baselineState"] = "new" if f["baseline"] == "new" else "unchanged"
        if f["status"] == "WAIVED" and f.get("waiver"):
            w = f["waiver"]
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": f"{w['justification']} (approved by {w['approver']}, "
                                                        f"expires {w['expires']})",
                                       "properties": dict(w)}]
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "aliaudit", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/aliaudit/aliaudit",
                                "rules": [_rule_descriptor(r, mapping.get(r.id, [])) for r in rules]}},
            "automationDetails": {"id": f"aliaudit/{(report.get('source') or {}).get('kind', 'scan')}/"},
            "invocations": [{"executionSuccessful": True,
                             "endTimeUtc": report.get("generated_at")}] if report.get("generated_at") else [],
            "results": results,
            "properties": {"summary": report.get("summary"), "accounts": report.get("accounts"),
                           "regions": report.get("regions"), "frameworks": report.get("frameworks")},
        }],
    }


def render(report: dict, **_) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"


def write(report: dict, fh, **_) -> None:
    json.dump(build(report), fh, indent=2, ensure_ascii=False)
    fh.write("\n")
