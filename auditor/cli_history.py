"""`aliaudit verify`, `aliaudit history` and `aliaudit drift`.

The CLI imports this module at start-up to register the command: what the command needs (rich, the
stores, the fake, the rules) is imported inside it, so `aliaudit --help` stays fast."""

from __future__ import annotations

import json
import sys

import click

from .errors import UsageError

_store = click.option("--store", "store_url", metavar="URL", default="default", show_default=True,
                      help="History database: a path, sqlite:///PATH or postgresql://...")
_fmt = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)


def _fail(message: str) -> None:
    click.echo(f"aliaudit: error: {message}", err=True)
    sys.exit(2)


@click.command()
@click.argument("file", type=click.Path())
def verify(file):
    """Check a recording's SHA-256 digest. Exit 0: it matches; 1: it does not; 2: the file cannot be read."""
    from . import record

    try:
        ok, recorded, computed = record.verify(file)
    except UsageError as exc:
        _fail(str(exc))
    if ok:
        click.echo(f"{file}: OK sha256 {computed}")
        sys.exit(0)
    click.echo(f"{file}: MISMATCH recorded sha256 {recorded}, content is {computed}")
    sys.exit(1)


@click.command()
@click.option("--account", "account_id", help="Only this account.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Latest scans shown.")
@_store
@_fmt
def history(account_id, limit, store_url, fmt):
    """Per-clause status over the stored scans."""
    from . import history as hist

    try:
        data = hist.open_store(store_url).history(account_id, limit)
    except UsageError as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    if not data["accounts"]:
        click.echo(hist.EMPTY)
    for acct in data["accounts"]:
        click.echo(f"account {acct['account_id']}: {len(acct['scans'])} scan(s), each named by when it ran and "
                   "the digest of what it read")
        labels = [s["label"] for s in acct["scans"]]
        width = max([len(x) for x in labels] + [14])
        click.echo("  " + "clause".ljust(36) + "  ".join(t.ljust(width) for t in labels))
        for clause, statuses in acct["clauses"].items():
            click.echo("  " + clause.ljust(36) + "  ".join((s or "-").ljust(width) for s in statuses))


@click.command()
@click.option("--account", "account_id", help="The account (default: the only one stored).")
@_store
@_fmt
def drift(account_id, store_url, fmt):
    """What changed between the last two stored scans of an account."""
    from . import history as hist

    try:
        store = hist.open_store(store_url)
        if not account_id:
            accounts = store.accounts()
            if not accounts:
                raise UsageError(hist.EMPTY)
            if len(accounts) != 1:
                raise UsageError(f"{len(accounts)} accounts are stored; name one with --account")
            account_id = accounts[0]
        data = store.drift(account_id)
    except UsageError as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"account {account_id}: scan {data['before']['label']} -> {data['after']['label']}")
    click.echo(f"clause status changes: {len(data['clause_changes'])}")
    for c in data["clause_changes"]:
        click.echo(f"  {c['clause']}: {c['before'] or '-'} -> {c['after'] or '-'}")
    click.echo(f"new findings: {len(data['new_findings'])}")
    for f in data["new_findings"]:
        click.echo(f"  {f['status']} {f['rule']} {f['region']} {f['resource_id']}")
    click.echo(f"fixed findings: {len(data['fixed_findings'])}")
    for f in data["fixed_findings"]:
        click.echo(f"  {f['status']} -> {f['now']} {f['rule']} {f['region']} {f['resource_id']}")
