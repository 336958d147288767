"""The HTML report: one self-contained file an auditor can read offline, archive and print.

Everything is inline (styles, the filtering script, an SVG chart); nothing is loaded from
anywhere. A Content-Security-Policy allows only the page's own style and script, by hash.
Every value from the report is data: the templates autoescape, control characters are shown
as \\xNN, and "://" in data is written with an entity so the file never holds a URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from aliaudit import clauses
from aliaudit.rules import all_rules

from ..remediation import generic_all
from . import common, summary as summaries

FORMATS = {"html": ("html", "render")}  # format -> (extension, render[, writer]); see __init__.py

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
CHART_SEGMENTS = [(f"FAIL:{s}", f"Fail, {s}") for s in SEVERITY_ORDER] + [
    ("ERROR", "Error"), ("WAIVED", "Waived"), ("PASS", "Pass"), ("NOT_APPLICABLE", "Not applicable")]


def _finalize(value):
    """Applied to every {{ expression }}: data becomes inert, escaped text."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return Markup(str(escape(common.visible(value))).replace("://", "&#58;//"))


@lru_cache(maxsize=1)
def _env():
    env = Environment(loader=PackageLoader("aliaudit.reporters", "templates"), autoescape=True,
                      finalize=_finalize, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["label"] = lambda s: common.LABELS.get(s, s)
    env.filters["evidence_value"] = common.evidence_value
    env.filters["framework_name"] = common.framework_name
    return env


def _anchor(key: str) -> str:
    return "clause-" + re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-").lower()


def _catalogue_info() -> tuple[dict, dict]:
    """Framework titles and clause texts from the installed catalogues (package data)."""
    titles, texts = {}, {}
    for cat in clauses.load_all():
        titles[cat["framework"]] = cat.get("title", cat["framework"])
        for c in cat["clauses"]:
            texts[f"{cat['framework']}:{c['id']}"] = {"text": c.get("text", ""), "unverified": c.get("unverified", False)}
    return titles, texts


def _rule_info() -> dict:
    return {r.id: {"title": r.title, "severity": r.severity, "product": r.product, "rationale": r.rationale,
                   "remediation": generic_all(r.remediation)} for r in all_rules()}


def _groups(findings: list[dict], registry: dict) -> list[dict]:
    """The findings grouped by rule, most severe rule first, then by rule id; one entry per finding inside."""
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], []).append(f)
    out = []
    for rid, mine in by_rule.items():
        known = registry.get(rid, {})
        first = mine[0]
        counts = _count(f["status"] for f in mine)
        mine.sort(key=common.finding_sort_key)
        out.append({
            "id": rid,
            "title": first.get("title") or known.get("title") or rid,
            "severity": first.get("severity") or known.get("severity") or "",
            "product": first.get("product") or known.get("product") or "",
            "rationale": known.get("rationale", ""),
            "clauses": first.get("clauses") or [],
            "findings": mine,
            "counts": [(s, counts[s]) for s in common.FINDING_ORDER if counts.get(s)],
            "action": counts.get("FAIL", 0) + counts.get("ERROR", 0),
        })
    out.sort(key=lambda g: (-common.severity_rank(g["severity"]), g["id"]))
    return out


def _chart(clauses: list[dict], by_clause: dict) -> dict:
    """Horizontal stacked bars: per clause with findings, its findings by status and, for FAILs, severity."""
    rows = []
    for c in clauses:
        items = by_clause.get(c["key"], [])
        if not items:
            continue
        counts: dict[str, int] = {}
        for f in items:
            key = f"FAIL:{f.get('severity')}" if f["status"] == "FAIL" else f["status"]
            counts[key] = counts.get(key, 0) + 1
        rows.append({"label": f"{common.framework_name(c['framework'])} {c['clause']}", "anchor": c["anchor"],
                     "counts": counts, "total": len(items),
                     "fail": sum(v for k, v in counts.items() if k.startswith("FAIL:"))})
    label_w, bar_w, row_h, pad = 200, 540, 24, 8
    biggest = max((r["total"] for r in rows), default=1)
    for i, r in enumerate(rows):
        x, segs = float(label_w), []
        for key, caption in CHART_SEGMENTS:
            n = r["counts"].get(key, 0)
            if not n:
                continue
            w = bar_w * n / biggest
            segs.append({"x": round(x, 2), "w": round(w, 2), "cls": "seg-" + key.replace(":", "-").lower(),
                         "title": f"{r['label']}: {n} {caption.lower()}"})
            x += w
        r.update(y=pad + i * row_h, segs=segs, end=round(x + 6, 2))
    legend = [{"cls": "seg-" + k.replace(":", "-").lower(), "caption": cap} for k, cap in CHART_SEGMENTS]
    return {"rows": rows, "width": label_w + bar_w + 130, "height": pad * 2 + row_h * len(rows),
            "row_h": row_h, "label_w": label_w, "legend": legend}


def _meta(report: dict) -> list[tuple[str, object]]:
    source = report.get("source") or {}
    src = source.get("kind", "")
    if source.get("path"):
        src += f" ({source['path']})"
    rows = [
        ("Accounts", ", ".join(report.get("accounts", [])) or "-"),
        ("Identities", "; ".join(filter(None, (i.get("principal") or i.get("account_id")
                                               for i in report.get("identities", [])))) or "-"),
        ("Regions", ", ".join(report.get("regions", [])) or "-"),
        ("Frameworks", ", ".join(common.framework_name(f) for f in report.get("frameworks", []))),
        ("Collected", report.get("collected_at") or "-"),
        ("Report generated", report.get("generated_at") or "-"),
        ("Source", src or "-"),
        ("Tool version", f"aliaudit {report.get('tool_version', '')}"),
        ("Report format", report.get("report_format", "")),
    ]
    if report.get("snapshot_digest"):
        rows.append(("Snapshot digest", report["snapshot_digest"]))
    return rows


def _organisation(org) -> dict | None:
    """Issue 6's organisation summary: a per-clause, per-account table when it has that shape."""
    if not org:
        return None
    entries = org.get("clauses") if isinstance(org, dict) else org
    if isinstance(entries, list) and all(isinstance(e, dict) and isinstance(e.get("accounts"), dict) for e in entries):
        accounts = sorted({a for e in entries for a in e["accounts"]})
        return {"accounts": accounts, "rows": entries}
    return {"raw": json.dumps(org, indent=2, ensure_ascii=False, default=str)}


def _count(statuses) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in statuses:
        out[s] = out.get(s, 0) + 1
    return out


def context(report: dict) -> dict:
    titles, texts = _catalogue_info()
    registry = _rule_info()
    by_clause = common.findings_by_clause(report)
    clauses = []
    for heading, c in common.new_sections(report.get("clauses", [])):
        key = common.clause_key(c)
        clauses.append({**c, "key": key, "section_heading": heading, "anchor": _anchor(key), "text": texts.get(key, {}).get("text", ""),
                        "unverified": texts.get(key, {}).get("unverified", False),
                        "waived": sum(1 for f in by_clause.get(key, []) if f["status"] == "WAIVED")})
    frameworks = []
    for fw in report.get("frameworks", []) or sorted({c["framework"] for c in clauses}):
        mine = [c for c in clauses if c["framework"] == fw]
        if mine:
            frameworks.append({"id": fw, "name": common.framework_name(fw), "title": titles.get(fw, fw),
                               "clauses": mine})
    findings = report.get("findings", [])
    s = summaries.of(report)
    finding_counts = s["findings"]
    return {
        "report": report,
        "summary": s,
        "verdict": s["verdict"],
        "scope": summaries.scope_text(report),
        "share_text": summaries.share_text,
        "trend_text": summaries.trend_text,
        "meta": _meta(report),
        "frameworks": frameworks,
        "clause_names": [(c["key"], f"{common.framework_name(c['framework'])} {c['clause']} {c['title']}")
                         for c in clauses],
        "groups": _groups(findings, registry),
        "chart": _chart(clauses, by_clause),
        "finding_counts": [(st, finding_counts[st]) for st in common.FINDING_ORDER if finding_counts.get(st)],
        "severities": [(sev, counts) for sev, counts in s["severities"].items() if counts],
        "severity_statuses": [st for st in common.FINDING_ORDER if finding_counts.get(st)],
        "statuses": [st for st in common.FINDING_ORDER if finding_counts.get(st)],
        "products": sorted({f.get("product") for f in findings if f.get("product")}),
        "waivers": report.get("waivers") or [],
        "attestations": report.get("attestations") or [],
        "errors": report.get("collection_errors") or [],
        "organisation": _organisation(report.get("organisation")),
        "multi_account": len(report.get("accounts", [])) > 1,
    }


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return (resources.files("aliaudit.reporters") / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render(report: dict, **_) -> str:
    env = _env()
    style, script = _asset("report.css"), _asset("report.js")
    csp = f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; img-src data:"
    page = env.get_template("report.html.j2").render(**context(report), style=Markup(style), script=Markup(script),
                                                     csp=csp)
    return page
