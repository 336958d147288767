"""`aliaudit diff OLD.json NEW.json`: new, fixed and still-failing findings between two JSON reports.

The CLI imports this module at start-up to register the command: what the command needs (rich, the
stores, the fake, the rules) is imported inside it, so `aliaudit --help` stays fast."""

from __future__ import annotations

import io
import json
import sys

import click

from .errors import UsageError


@click.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--allow-different-scope", is_flag=True,
              help="Compare even when the two reports' scopes or accounts differ.")
def diff(old, new, fmt, allow_different_scope):
    """Compare two JSON reports (from `aliaudit scan --format json`).

    A finding is identified by (account, region, rule, resource_id). Reports of other accounts or
    another scope (--framework, --severity, ...) are refused unless --allow-different-scope.
    Exit codes: 0 no new failing finding; 1 some finding fails in NEW that did not in OLD; 2 bad input.
    """
    from . import baseline, scope

    try:
        before, after = baseline.load(old), baseline.load(new)
        problem = None if allow_different_scope else scope.mismatch(before, after, what=old)
        if problem:
            raise UsageError(problem.replace("this report", new, 1))
        result = baseline.diff(before, after)
    except UsageError as exc:
        click.echo(f"aliaudit: error: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps({"old": old, "new": new, **result}, indent=2, ensure_ascii=False))
    else:
        click.echo(render_table(result), nl=False)
    sys.exit(1 if result["new"] else 0)


def render_table(result: dict, width: int = 140) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=True, highlight=False)
    for key, title in (("new", "New failing findings"), ("fixed", "Fixed"), ("still_failing", "Still failing")):
        rows = result[key]
        table = Table(title=f"{title} ({len(rows)})")
        for col in ("Rule", "Resource", "Region", "Account", "Severity", "Status" if key != "fixed" else "Now"):
            table.add_column(col)
        for f in rows:
            table.add_row(*(Text(str(v if v is not None else "-")) for v in (
                f["rule"], f["resource_id"], f["region"], f["account_id"], f["severity"],
                f["status"] if key != "fixed" else f["now"])))
        console.print(table)
    console.print(Text(f"new {len(result['new'])}  fixed {len(result['fixed'])}  still failing {len(result['still_failing'])}"))
    return buf.getvalue()
