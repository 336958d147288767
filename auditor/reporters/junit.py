"""JUnit XML, for CI test-report views (GitLab `artifacts:reports:junit`, Jenkins, Azure DevOps).

One <testcase> per finding: classname the rule id, name the resource id, and in its <properties>
the clauses it evidences (one `clause` property each), severity, status, account and region.
The cases are grouped in one <testsuite> per severity (critical first), so the totals equal the
report's summary: tests = findings, failures = FAIL, errors = ERROR, skipped = WAIVED + NOT_APPLICABLE.
FAIL -> <failure>, ERROR -> <error>, NOT_APPLICABLE and WAIVED -> <skipped> with the reason or
the waiver. Written with junitparser.
"""

from __future__ import annotations

import json

from junitparser import Error, Failure, JUnitXml, Properties, Property, Skipped, TestCase, TestSuite

from . import summary as summaries
from .common import finding_sort_key, visible

FORMATS = {"junit": ("junit.xml", "render")}  # format -> (extension, render[, writer]); see __init__.py


def _body(f: dict) -> str:
    rem = f.get("remediation") or {}
    lines = [f"rule: {f['rule']} ({f.get('severity')})", f"resource: {f['resource_id']}",
             f"account: {f.get('account_id')}  region: {f.get('region') or '-'}",
             f"reason: {f.get('reason') or '-'}",
             "evidence: " + json.dumps(f.get("evidence") or {}, ensure_ascii=False, sort_keys=True)]
    lines += [f"remediation ({k}): {rem[k]}" for k in ("console", "cli", "terraform") if rem.get(k)]
    return "\n".join(lines)


def _case(f: dict) -> TestCase:
    case = TestCase(str(f["resource_id"]), f["rule"])
    props = Properties()
    for ref in f.get("clauses") or []:
        props.add_property(Property("clause", ref))
    for name, value in (("severity", f.get("severity")), ("status", f["status"]), ("account", f.get("account_id")),
                        ("region", f.get("region") or "account-wide"), ("product", f.get("product"))):
        if value is not None:
            props.add_property(Property(name, str(value)))
    case.append(props)
    status = f["status"]
    if status == "FAIL":
        result = Failure(f.get("reason") or f["title"], f.get("severity") or "FAIL")
        result.text = _body(f)
        case.result = [result]
    elif status == "ERROR":
        result = Error(f.get("reason") or "the check could not read its data", "ERROR")
        result.text = _body(f)
        case.result = [result]
    elif status == "WAIVED":
        w = f.get("waiver") or {}
        case.result = [Skipped(f"WAIVED: {w.get('justification')} (approved by {w.get('approver')}, "
                               f"expires {w.get('expires')})")]
    elif status == "NOT_APPLICABLE":
        case.result = [Skipped(f"NOT_APPLICABLE: {f.get('reason') or 'not applicable'}")]
    case.system_out = _body(f)
    return case


def _xml_safe(value):
    """XML 1.0 cannot carry most control characters (an ANSI escape in a resource name): show them as \\xNN."""
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_xml_safe(v) for v in value]
    return visible(value) if isinstance(value, str) else value


def build(report: dict) -> JUnitXml:
    report = _xml_safe(report)
    xml = JUnitXml("aliaudit")
    levels = list(summaries.SEVERITY_ORDER)
    levels += sorted({str(f.get("severity")) for f in report["findings"]} - set(levels))
    for sev in levels:
        mine = [f for f in report["findings"] if str(f.get("severity")) == sev]
        if not mine:
            continue
        suite = TestSuite(f"aliaudit: {sev} severity")
        suite.add_property("severity", sev)
        for f in sorted(mine, key=lambda f: (f["rule"], finding_sort_key(f))):
            suite.add_testcase(_case(f))
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    return xml


def render(report: dict, **_) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + build(report).tostring().decode("utf-8") + "\n"
