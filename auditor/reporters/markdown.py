"""A Markdown report for a pull-request comment: the one-page summary, then what fails, by severity.

    ## aliaudit: <verdict>            (e.g. "Automated clauses: compliant (16 of 16 compliant). 9 clauses need attestation.")
    summary: clauses per framework, findings per severity, top risks, trend (--store), scope
    <details> status per clause
    <details> per severity: the FAIL and ERROR findings, four columns, the fix as a sub-line

GitHub refuses comments over 65,536 characters; this report stays under LIMIT. When the findings do
not fit one a row, they are grouped: one row a rule, with its resources (as many as fit), the first
finding's evidence, reason and fix; so every failing rule is still shown. It says so when it leaves
findings or rules out. Evidence is shortened by dropping whole fields (and saying how
many), never by cutting a field name. Names are data: Markdown and HTML in them are escaped.
"""

from __future__ import annotations

import re

from . import common, summary as summaries

FORMATS = {"markdown": ("md", "render")}  # format -> (extension, render[, writer]); see __init__.py

LIMIT = 65_000
EVIDENCE_BUDGET = 300  # characters of evidence text per finding
VALUE_LIMIT = 120  # characters of one evidence value
SYMBOL = {"COMPLIANT": "✅", "NON_COMPLIANT": "❌", "INCOMPLETE": "⚠️", "MANUAL": "📝", "ATTESTED": "☑️",
          "NOT_APPLICABLE": "➖", "FAIL": "❌", "ERROR": "⚠️", "WAIVED": "⏸️", "PASS": "✅"}
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
FINDING_HEAD = "| Resource | Rule | Evidence (API field = value) | Why · Fix |\n|---|---|---|---|\n"
RULE_HEAD = "| Rule | Resources | Evidence of the first (API field = value) | Why · Fix (of the first) |\n|---|---|---|---|\n"
RESOURCES_BUDGET = 600  # characters of resource names in one grouped row


def md(value, limit: int | None = None) -> str:
    """One table-cell-safe line: control characters visible, Markdown and HTML inert."""
    text = common.one_line(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return common.markdown_inert(_SPECIAL.sub(r"\\\1", text))


def _status(status: str) -> str:
    return f"{SYMBOL.get(status, '')} {common.LABELS.get(status, status)}".strip()


def evidence(fields: dict, budget: int = EVIDENCE_BUDGET) -> str:
    """Whole fields, one per line, while they fit in the budget; a value may be shortened, a field name never.
    The fields left out are counted."""
    shown, used, dropped = [], 0, 0
    for key, value in (fields or {}).items():
        name = common.one_line(key)
        text = common.one_line(common.evidence_value(value))
        if len(text) > VALUE_LIMIT:
            text = text[: VALUE_LIMIT - 1] + "…"
        cost = len(name) + 3 + len(text)
        if used + cost > budget:
            dropped += 1
            continue
        shown.append(f"{md(name)} = {md(text)}")
        used += cost
    if dropped:
        shown.append(f"<i>+{dropped} more field{'s' if dropped != 1 else ''} in the JSON report</i>")
    return "<br>".join(shown) or "<i>no fields</i>"


def _where(f: dict) -> str:
    where = f.get("region") or "account-wide"
    return f"{f['account_id']} / {where}" if f.get("account_id") else where


def _why_fix(f: dict) -> str:
    marker = "" if f["status"] == "FAIL" else f"{_status(f['status'])}: "
    why = f.get("reason") or f.get("title", "")
    rem = f.get("remediation") or {}
    fix = rem.get("cli") or rem.get("console") or ""
    fix_line = f"<br><sub>**Fix:** <code>{md(fix, 240)}</code></sub>" if rem.get("cli") else (
        f"<br><sub>**Fix:** {md(fix, 240)}</sub>" if fix else "")
    return f"{marker}{md(why, 200)}{fix_line}"


def _finding_row(f: dict) -> str:
    return (f"| {md(f.get('resource_id'), 120)}<br><sub>{md(_where(f))}</sub> | {md(f['rule'])} | "
            f"{evidence(f.get('evidence'))} | {_why_fix(f)} |")


def _rule_row(items: list[dict]) -> str:
    """One rule's failing or unreadable findings in one row: its resources while they fit, then a count."""
    first = items[0]
    fails = sum(f["status"] == "FAIL" for f in items)
    counts = ", ".join(filter(None, [f"{fails} failing" if fails else "",
                                     f"{len(items) - fails} unreadable" if len(items) > fails else ""]))
    names, used = [], 0
    for f in items:
        name = f"{md(f.get('resource_id'), 120)} <sub>{md(_where(f))}</sub>"
        if names and used + len(name) > RESOURCES_BUDGET:
            break
        names.append(name)
        used += len(name)
    more = len(items) - len(names)
    listed = "<br>".join(names) + (f"<br><i>+{more} more in the JSON report</i>" if more else "")
    return (f"| {md(first.get('title') or first['rule'], 120)}<br><sub>{md(first['rule'])}</sub> | "
            f"**{counts}**<br>{listed} | {evidence(first.get('evidence'))} | {_why_fix(first)} |")


def _summary_block(s: dict) -> list[str]:
    failing = summaries.failing_by_severity(s)
    n = s["findings"]
    lines = [
        f"**Findings** (one per rule and resource): {_status('FAIL')} {n.get('FAIL', 0)}"
        + (" (" + ", ".join(f"{sev} {k}" for sev, k in failing) + ")" if failing else "")
        + f" · {_status('ERROR')} {n.get('ERROR', 0)} · {_status('WAIVED')} {n.get('WAIVED', 0)}"
        f" · {_status('PASS')} {n.get('PASS', 0)} · {_status('NOT_APPLICABLE')} {n.get('NOT_APPLICABLE', 0)}",
        "",
        "| Framework | Compliant | Non-compliant | Incomplete | Manual | Attested | Automated clauses compliant |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in s["frameworks"]:
        lines.append(f"| {md(row['name'])} | {row['COMPLIANT']} | {row['NON_COMPLIANT']} | {row['INCOMPLETE']} | "
                     f"{row['MANUAL']} | {row['ATTESTED']} | {md(summaries.share_text(row))} |")
    if s["top_risks"]:
        more = f", {len(s['top_risks'])} of {s['top_risks_total']}" if s["top_risks_total"] > len(s["top_risks"]) else ""
        lines += ["", f"**Top risks** (critical and high FAILs by rule{more})", "",
                  "| Severity | Rule | Resources | Clauses |", "|---|---|--:|---|"]
        for r in s["top_risks"]:
            lines.append(f"| {md(r['severity'])} | {md(r['title'])}<br><sub>{md(r['rule'])}</sub> | {r['resources']} | "
                         f"{md(', '.join(r['clauses']))} |")
    for t in s.get("trend") or []:
        lines += ["", f"**Trend:** {md(summaries.trend_text(t))}"]
    return lines


def render(report: dict, *, limit: int = LIMIT, **_) -> str:
    s = summaries.of(report)
    clauses = report.get("clauses", [])
    findings = report.get("findings", [])
    v = s["verdict"]
    head = [f"## aliaudit: {SYMBOL.get(v['automated'], '')} {md(v['text'])}", "",
            f"accounts {md(', '.join(report.get('accounts', [])) or '-')} · regions "
            f"{md(', '.join(report.get('regions', [])) or '-')} · aliaudit {md(report.get('tool_version', ''))} · "
            f"{md(report.get('generated_at', ''))}"]
    scope = summaries.scope_text(report)
    if scope:
        head += ["", f"**Scope:** {md(scope)}"]
    head += [""] + _summary_block(s)
    expired = [w for w in report.get("waivers") or [] if w.get("state") in ("expired", "stale")]
    expired_att = [a for a in report.get("attestations") or [] if a.get("state") == "expired"]
    if expired or expired_att:
        head += ["", "**Expired or stale:** " + "; ".join(
            [f"waiver {md(w.get('rule'))} on {md(w.get('resource'))} ({md(w.get('state'))} {md(w.get('expires'))})"
             for w in expired]
            + [f"attestation for {md(a.get('clause'))} (expired {md(a.get('expires'))})" for a in expired_att])]
    head += ["", f"<details><summary>Status per clause ({len(clauses)})</summary>", "",
             "| Framework | Clause | Status | Pass · Fail · Error · Waived |", "|---|---|---|---|"]
    for heading, c in common.new_sections(clauses):
        if heading:  # a catalogue with sections (CIS): a heading row where each section starts
            head.append(f"| {md(common.framework_name(c['framework']))} | **{md(heading)}** | | |")
        n = c.get("counts", {})
        head.append(f"| {md(common.framework_name(c['framework']))} | {md(c['clause'])} {md(c.get('title', ''), 80)} | "
                    f"{_status(c['status'])} | {n.get('PASS', 0)} · {n.get('FAIL', 0)} · {n.get('ERROR', 0)} · "
                    f"{n.get('WAIVED', 0)} |")
    head += ["", "</details>"]
    text = "\n".join(head) + "\n"
    action = [f for f in findings if f["status"] in ("FAIL", "ERROR")]
    out, shown = _findings(action, limit - len(text), by_rule=False)
    if shown < len(action):  # one a row does not fit: one row a rule
        note = (f"\n**Grouped by rule:** the {len(action)} failing or unreadable findings do not fit one a row in "
                f"a comment of {limit:,} characters, so each rule has one row with its resources. The JSON, HTML "
                "and CSV reports have every finding with its evidence.\n")
        out, shown = _findings(action, limit - len(text) - len(note), by_rule=True)
        out = note + out
    if not action:
        out += "\nNo failing or unreadable finding.\n"
    return text + out


def _findings(action: list[dict], room: int, *, by_rule: bool) -> tuple[str, int]:
    """One <details> block per severity with FAIL or ERROR findings (the most severe open), within `room`: a row
    a finding, or (by_rule) a row a rule. Returns the text and how many findings (or rules) it shows."""
    levels = list(summaries.SEVERITY_ORDER)
    levels += sorted({str(f.get("severity")) for f in action} - set(levels))
    shown, out = 0, ""
    reserve = 400  # the closing tags and the truncation note
    total = len({f["rule"] for f in action}) if by_rule else len(action)
    for sev in levels:
        items = sorted((f for f in action if str(f.get("severity")) == sev),
                       key=lambda f: (f["rule"], common.finding_sort_key(f)))
        if not items:
            continue
        fails = sum(f["status"] == "FAIL" for f in items)
        errors = len(items) - fails
        label = ", ".join(filter(None, [f"{fails} failing" if fails else "", f"{errors} unreadable" if errors else ""]))
        block = (f"\n<details{'' if out else ' open'}><summary><b>{md(sev.capitalize())}</b>: {label}</summary>\n\n"
                 + (RULE_HEAD if by_rule else FINDING_HEAD))
        if len(out) + len(block) + reserve > room:
            break
        out += block
        complete = True
        groups = _by_rule(items) if by_rule else [[f] for f in items]
        for group in groups:
            row = (_rule_row(group) if by_rule else _finding_row(group[0])) + "\n"
            if len(out) + len(row) + reserve > room:
                complete = False
                break
            out += row
            shown += 1
        out += "\n</details>\n"
        if not complete:
            break
    if shown < total and by_rule:
        out += (f"\n**Truncated:** {shown} of {total} rules with failing or unreadable findings shown, to keep this "
                "comment under the limit. The JSON, HTML and CSV reports have all of them.\n")
    return out, shown


def _by_rule(items: list[dict]) -> list[list[dict]]:
    groups: dict[str, list[dict]] = {}
    for f in items:
        groups.setdefault(f["rule"], []).append(f)
    return list(groups.values())
