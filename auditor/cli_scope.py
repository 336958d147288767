"""The scope options of `aliaudit scan` (auditor/scope.py has what they mean)."""

from __future__ import annotations

import click

from .model import FINDING_STATUSES, SEVERITIES


def _upper(ctx, param, value):
    return tuple(v.upper() for v in value)


SCAN_OPTIONS = [
    click.option("--framework", "frameworks", multiple=True, metavar="NAME",
                 help="Only this framework's clauses and the rules they use (repeatable): hkia-gl8, hkia-gl14, "
                      "hkia-gl20, cis-alibaba-2.0. Default: the three HKIA guidelines."),
    click.option("--clause", "clause_ids", multiple=True, metavar="CLAUSE",
                 help="Only this clause and the rules it uses (repeatable), e.g. hkia-gl14:5.14."),
    click.option("--severity", type=click.Choice(SEVERITIES), default=None,
                 help="Only rules of this severity or higher."),
    click.option("--product", "products", multiple=True, metavar="PRODUCT",
                 help="Only rules of this product (repeatable), e.g. oss, ram."),
    click.option("--rule", "rule_ids", multiple=True, metavar="RULE", help="Only this rule (repeatable)."),
    click.option("--exclude-rule", "exclude_rules", multiple=True, metavar="RULE",
                 help="Leave this rule out (repeatable)."),
    click.option("--status", "statuses", multiple=True, callback=_upper,
                 type=click.Choice(FINDING_STATUSES, case_sensitive=False),
                 help="Only findings of this status (repeatable); clause statuses are unchanged."),
    click.option("--allow-different-scope", is_flag=True,
                 help="With --baseline: compare even when the baseline's scope or accounts differ."),
]

SCOPE_KEYS = ("frameworks", "clause_ids", "severity", "products", "rule_ids", "exclude_rules", "statuses")


def scan_options(fn):
    for opt in reversed(SCAN_OPTIONS):
        fn = opt(fn)
    return fn


def from_options(kwargs: dict, regions=()):
    """Pop the scope options from a command's keyword arguments and build the Scope (a UsageError if bad)."""
    # the rules and catalogues load when a scan runs, not when the CLI starts
    from aliaudit.rules import all_rules

    from .scope import Scope

    values = {k: kwargs.pop(k, None) for k in SCOPE_KEYS}
    return Scope.build(all_rules(), frameworks=values["frameworks"] or (), clauses=values["clause_ids"] or (),
                       severity=values["severity"], products=values["products"] or (),
                       rules=values["rule_ids"] or (), exclude_rules=values["exclude_rules"] or (),
                       statuses=values["statuses"] or (), regions=regions)
