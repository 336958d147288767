"""Catalogue commands: `aliaudit rules list` and `aliaudit frameworks show NAME`."""

from __future__ import annotations

import json
import sys

import click


@click.group("rules")
def rules_group() -> None:
    """The automated rules."""


@rules_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_rules(fmt: str) -> None:
    """Every rule: id, title, product, severity and the clauses it evidences."""
    from . import clauses
    from .rules import all_rules

    mapping = clauses.rule_clauses()
    rows = [{"id": r.id, "title": r.title, "product": r.product, "severity": r.severity,
             "clauses": mapping.get(r.id, []), "api": list(r.needs)} for r in all_rules()]
    if fmt == "json":
        click.echo(json.dumps({"rules": rows, "count": len(rows),
                               "products": sorted({r["product"] for r in rows})}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} rules over {len({r['product'] for r in rows})} products")
    for col in ("id", "product", "severity", "clauses", "title"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["product"], r["severity"], ", ".join(r["clauses"]), r["title"])
    Console(file=sys.stdout, width=200, color_system=None).print(table)


@click.group("frameworks")
def frameworks_group() -> None:
    """The clause catalogues (hkia-gl8, hkia-gl14, hkia-gl20, cis-alibaba-2.0)."""


@frameworks_group.command("show")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def show(name: str, fmt: str) -> None:
    """Each clause of framework NAME with its kind (automated, hybrid, manual) and its rules."""
    from . import clauses
    from .errors import UsageError

    try:
        [cat] = clauses.load([name])
    except UsageError as exc:
        click.echo(f"aliaudit: error: {exc}", err=True)
        sys.exit(2)
    sections = {str(s["id"]): s["title"] for s in cat.get("sections", [])}
    rows = [_row(c, sections) for c in cat["clauses"]]
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
        for rid in r["rules"]:
            click.echo(f"  - {rid}")
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
