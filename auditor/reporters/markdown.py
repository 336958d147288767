"""A Markdown summary for a pull-request comment: status per clause, then what fails.

GitHub refuses comments over 65,536 characters; this report stays under LIMIT and says so
when it leaves findings out. Names are data: Markdown and HTML in them are escaped.
"""

from __future__ import annotations

import re

from . import common

LIMIT = 65_000
SYMBOL = {"COMPLIANT": "✅", "NON_COMPLIANT": "❌", "INCOMPLETE": "⚠️", "MANUAL": "📝", "ATTESTED": "☑️",
          "NOT_APPLICABLE": "➖", "FAIL": "❌", "ERROR": "⚠️", "WAIVED": "⏸️", "PASS": "✅"}
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(value, limit: int | None = None) -> str:
    """One table-cell-safe line: control characters visible, Markdown and HTML inert."""
    text = common.one_line(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return common.markdown_inert(_SPECIAL.sub(r"\\\1", text))


def _status(status: str) -> str:
    return f"{SYMBOL.get(status, '')} {common.LABELS.get(status, status)}".strip()


def _evidence(evidence: dict) -> str:
    return md("; ".join(f"{k} = {common.evidence_value(v)}" for k, v in (evidence or {}).items()), 300)


def _finding_row(f: dict) -> str:
    where = f.get("region") or "account-wide"
    if f.get("account_id"):
        where = f"{f['account_id']} / {where}"
    why = f.get("reason") or f.get("title", "")
    fix = (f.get("remediation") or {}).get("cli") or (f.get("remediation") or {}).get("console", "")
    return (f"| {md(f.get('severity', ''))} | {md(f['rule'])} | {md(f.get('resource_id'), 120)} | {md(where)} | "
            f"{_evidence(f.get('evidence'))} | {md(why, 200)} | {md(fix, 200)} |")


def render(report: dict, *, limit: int = LIMIT, **_) -> str:
    verdict = common.verdict(report)
    clauses = report.get("clauses", [])
    findings = report.get("findings", [])
    failing = sorted((f for f in findings if f["status"] == "FAIL"), key=common.finding_sort_key)
    errors = sorted((f for f in findings if f["status"] == "ERROR"), key=common.finding_sort_key)
    waived = [f for f in findings if f["status"] == "WAIVED"]
    bad = sum(1 for c in clauses if c["status"] == "NON_COMPLIANT")
    head = [
        f"## aliaudit: {_status(verdict)}",
        "",
        f"**{bad} of {len(clauses)} clauses non-compliant** · {len(failing)} failing, {len(errors)} unreadable, "
        f"{len(waived)} waived findings · accounts {md(', '.join(report.get('accounts', [])) or '-')} · regions "
        f"{md(', '.join(report.get('regions', [])) or '-')} · aliaudit {md(report.get('tool_version', ''))} · "
        f"{md(report.get('generated_at', ''))}",
        "",
        "| Framework | Clause | Title | Status | Pass | Fail | Error | Waived |",
        "|---|---|---|---|--:|--:|--:|--:|",
    ]
    for c in clauses:
        n = c.get("counts", {})
        head.append(f"| {md(common.framework_name(c['framework']))} | {md(c['clause'])} | {md(c.get('title', ''), 80)} | "
                    f"{_status(c['status'])} | {n.get('PASS', '')} | {n.get('FAIL', '')} | {n.get('ERROR', '')} | "
                    f"{n.get('WAIVED', '')} |")
    expired = [w for w in report.get("waivers") or [] if w.get("state") in ("expired", "stale")]
    expired_att = [a for a in report.get("attestations") or [] if a.get("state") == "expired"]
    if expired or expired_att:
        head += ["", "**Expired or stale:** " + "; ".join(
            [f"waiver {md(w.get('rule'))} on {md(w.get('resource'))} ({md(w.get('state'))} {md(w.get('expires'))})"
             for w in expired]
            + [f"attestation for {md(a.get('clause'))} (expired {md(a.get('expires'))})" for a in expired_att])]
    text = "\n".join(head) + "\n"
    sections = [("Failing findings", failing), ("Findings that could not be checked", errors)]
    table_head = ("| Severity | Rule | Resource | Account / region | Evidence | Why | Fix |\n"
                  "|---|---|---|---|---|---|---|\n")
    shown = 0
    total = len(failing) + len(errors)
    for title, items in sections:
        if not items:
            continue
        block = f"\n### {title} ({len(items)})\n\n" + table_head
        if len(text) + len(block) > limit - 400:
            break
        text += block
        for f in items:
            row = _finding_row(f) + "\n"
            if len(text) + len(row) > limit - 400:
                break
            text += row
            shown += 1
        else:
            continue
        break
    if shown < total:
        text += (f"\n**Truncated:** {shown} of {total} failing or unreadable findings shown, to keep this comment "
                 f"under {limit:,} characters. The JSON, HTML and CSV reports have all of them.\n")
    return text
