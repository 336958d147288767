"""Catalogue commands: `rules list`, `rules show ID`, `frameworks show NAME` and `explain`.

The CLI imports this module at start-up to register the commands: what they need (rich, the rules,
the catalogues) is imported inside them, so `aliaudit --help` stays fast."""

from __future__ import annotations

import json
import sys

import click

from .errors import UsageError
from .model import SEVERITIES


def _fail(message: str) -> None:
    click.echo(f"aliaudit: error: {message}", err=True)
    sys.exit(2)


@click.group("rules")
def rules_group() -> None:
    """The automated rules."""


@rules_group.command("list")
@click.option("--framework", "frameworks", multiple=True, metavar="NAME",
              help="Only rules this framework's clauses use (repeatable).")
@click.option("--clause", "clause_ids", multiple=True, metavar="CLAUSE", help="Only rules this clause uses (repeatable).")
@click.option("--product", "products", multiple=True, metavar="PRODUCT", help="Only rules of this product (repeatable).")
@click.option("--severity", type=click.Choice(SEVERITIES), default=None, help="Only rules of this severity or higher.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_rules(frameworks, clause_ids, products, severity, fmt: str) -> None:
    """Every rule (or those in scope): id, title, product, severity and the clauses it evidences."""
    from . import clauses, scope as scoping
    from .rules import all_rules

    every = all_rules()
    try:
        scope = scoping.Scope.build(every, frameworks=frameworks, clauses=clause_ids, products=products,
                                    severity=severity)
    except UsageError as exc:
        _fail(str(exc))
    mapping = clauses.rule_clauses(scope.catalogues(every) if (frameworks or clause_ids) else None)
    opt_in = clauses.opt_in_frameworks()  # CIS-only rules: listed, but scanned only with their framework
    rows = [{"id": r.id, "title": r.title, "product": r.product, "severity": r.severity,
             "clauses": mapping.get(r.id, []), "api": list(r.needs),
             **({"only_with_framework": opt_in[r.id]} if r.id in opt_in else {})}
            for r in scope.select_rules(every, listing=True)]
    if fmt == "json":
        click.echo(json.dumps({"rules": rows, "count": len(rows), "products": sorted({r["product"] for r in rows}),
                               "scope": scope.record()}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title(rows))
    for col in ("id", "product", "severity", "clauses", "title"):
        table.add_column(col)
    for r in rows:
        only = r.get("only_with_framework")
        note = f" (scanned only with --framework {', '.join(only)})" if only else ""
        table.add_row(r["id"], r["product"], r["severity"], ", ".join(r["clauses"]) + note, r["title"])
    Console(file=sys.stdout, width=200, color_system=None).print(table)


CROSS_PRODUCT = ("residency",)  # rule "products" that are checks across the cloud products, not one of them


def title(rows: list[dict]) -> str:
    """"85 rules over 12 products, plus data residency across them" (the README says the same)."""
    products = {r["product"] for r in rows}
    cloud = products - set(CROSS_PRODUCT)
    extra = ", plus data residency across them" if products & set(CROSS_PRODUCT) else ""
    return f"{len(rows)} rules over {len(cloud)} products{extra}"


@rules_group.command("show")
@click.argument("rule_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show_rule(rule_id: str, fmt: str) -> None:
    """One rule: title, rationale, severity, product, clauses, API calls, the evidence fields it reads,
    remediation, and a PASS and a FAIL example of evidence (the rule evaluated on the bundled fixtures)."""
    from . import explain

    try:
        card = explain.rule_card(explain.find_rule(rule_id))
    except UsageError as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False))
    else:
        click.echo(explain.render_card(card), nl=False)


@click.command("explain")
@click.option("--report", "report_path", required=True, type=click.Path(),
              help="A JSON report (aliaudit scan --format json).")
@click.argument("rule_id", metavar="RULE")
@click.argument("resource", metavar="RESOURCE")
@click.option("--account", help="The account, when the report has the finding in several.")
@click.option("--region", help="The region, when the report has the finding in several.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain_command(report_path, rule_id, resource, account, region, fmt):
    """Explain one finding of a report: what was observed, why it matters, the clauses, the fix.

    Exit codes: 0 explained; 2 no such finding or a bad report."""
    from . import baseline, explain

    try:
        report = baseline.load(report_path)
        found = explain.find_findings(report, rule_id, resource, account, region)
    except UsageError as exc:
        _fail(str(exc))
    cards = [explain.finding_card(f) for f in found]
    if fmt == "json":
        click.echo(json.dumps(cards if len(cards) > 1 else cards[0], indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(explain.render_finding(c) for c in cards), nl=False)


@click.group("frameworks")
def frameworks_group() -> None:
    """The clause catalogues (hkia-gl8, hkia-gl14, hkia-gl20, cis-alibaba-2.0)."""


@frameworks_group.command("show")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def show(name: str, fmt: str) -> None:
    """Each clause of framework NAME with its kind (automated, hybrid, manual) and its rules (title, severity)."""
    from . import clauses
    from .rules import all_rules

    try:
        [cat] = clauses.load([name])
    except UsageError as exc:
        _fail(str(exc))
    known = {r.id: r for r in all_rules()}

    def brief(rid: str) -> dict:
        r = known.get(rid)
        return {"id": rid, "title": r.title if r else None, "severity": r.severity if r else None}

    sections = {str(s["id"]): s["title"] for s in cat.get("sections", [])}
    rows = [{**_row(c, sections), "rule_details": [brief(rid) for rid in c.get("rules", [])]} for c in cat["clauses"]]
    if fmt == "json":
        doc = {"framework": cat["framework"], "title": cat["title"], "note": cat.get("note"), "clauses": rows}
        if sections:
            doc["sections"] = [{"id": k, "title": v, "clauses": sum(r["section"] == k for r in rows)}
                               for k, v in sections.items()]
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"{cat['framework']}: {cat['title']}")
    if cat.get("note"):
        click.echo(" ".join(cat["note"].split()))
    width = max((len(r["id"]) for row in rows for r in row["rule_details"]), default=0)
    section = None
    for r in rows:
        if r.get("section") is not None and r["section"] != section:
            section = r["section"]
            click.echo(f"\n== {section} {r['section_title']}")
        mark = " (unverified paraphrase)" if r["unverified"] else ""
        extra = f" (benchmark: level {r['level']}, {r['assessment']})" if "level" in r else ""
        click.echo(f"\n{r['clause']}  {r['title']}  [{r['kind']}]{extra}{mark}")
        if r.get("manual_part"):
            click.echo(f"  manual: {r['manual_part']}")
        if r.get("reason"):
            click.echo(f"  manual: {r['reason']}")
        for rule in r["rule_details"]:
            click.echo(f"  - {rule['id'].ljust(width)}  {(rule['severity'] or '?').ljust(8)}  {rule['title'] or ''}")
        if r["supporting_rules"]:
            click.echo(f"  supporting (not deciding): {', '.join(r['supporting_rules'])}")
        if r["kind"] == "manual" and not r["rules"]:
            click.echo("  - (attestation only)")


def _row(c: dict, sections: dict) -> dict:
    row = {"clause": c["id"], "title": c["title"], "kind": c["kind"], "unverified": bool(c.get("unverified")),
           "rules": list(c.get("rules", [])), "supporting_rules": list(c.get("supporting_rules", []))}
    if c.get("section") is not None:
        row.update(section=str(c["section"]), section_title=sections.get(str(c["section"]), ""))
    for key in ("level", "assessment", "level_disputed", "manual_part", "planned"):
        if c.get(key) is not None:
            row[key] = c[key]
    if c.get("reason"):
        row["reason"] = " ".join(str(c["reason"]).split())
    return row
