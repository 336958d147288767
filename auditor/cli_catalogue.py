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
    """The clause catalogues (hkia-gl8, hkia-gl14, hkia-gl20)."""


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
    rows = [{"clause": c["id"], "title": c["title"], "kind": c["kind"], "unverified": bool(c.get("unverified")),
             "rules": list(c.get("rules", [])), "supporting_rules": list(c.get("supporting_rules", [])),
             **({"manual_part": c["manual_part"]} if c.get("manual_part") else {})} for c in cat["clauses"]]
    if fmt == "json":
        click.echo(json.dumps({"framework": cat["framework"], "title": cat["title"], "note": cat.get("note"),
                               "clauses": rows}, indent=2))
        return
    click.echo(f"{cat['framework']}: {cat['title']}")
    if cat.get("note"):
        click.echo(" ".join(cat["note"].split()))
    for r in rows:
        mark = " (unverified paraphrase)" if r["unverified"] else ""
        click.echo(f"\n{r['clause']}  {r['title']}  [{r['kind']}]{mark}")
        if r.get("manual_part"):
            click.echo(f"  manual: {r['manual_part']}")
        for rid in r["rules"]:
            click.echo(f"  - {rid}")
        if r["kind"] == "manual" and not r["rules"]:
            click.echo("  - (attestation only)")
