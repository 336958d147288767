"""What a scan (or `rules list`) covers: frameworks, clauses, minimum severity, products, rules, statuses.

One `Scope` is built from the command-line options and used everywhere:

- `select_rules(rules)`: the rules evaluated. `--framework` and `--clause` keep only the rules those
  clauses use; without them, a rule only opt-in catalogues use (CIS-only) is left out unless --rule names it; `--severity` (the minimum), `--product`, `--rule` and `--exclude-rule` narrow further.
- `catalogues()`: the clause catalogues reported, cut down to the clauses in scope.
- `keep_finding(f)`: `--status` (applied after the roll-up, so a clause's status is never changed by it).
- `record()`: the scope as the JSON report keeps it (report["scope"]); `diff` and `--baseline` compare
  two reports' scopes and accounts with `mismatch()` and refuse to compare different ones.

A data module: the rules are passed in (the command line's options are in cli_scope.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import clauses as catalogue
from .errors import UsageError
from .model import severity_rank


@dataclass(frozen=True)
class Scope:
    frameworks: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()      # "framework:id"
    severity: str | None = None         # the minimum
    products: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    exclude_rules: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    regions: tuple[str, ...] = field(default=())  # the --region values asked for (empty: all)

    # -- building ------------------------------------------------------------
    @classmethod
    def build(cls, known_rules, *, frameworks=(), clauses=(), severity=None, products=(), rules=(), exclude_rules=(),
              statuses=(), regions=()) -> "Scope":
        """Check every value against the catalogues and the rules; a bad one is a UsageError."""
        cats = catalogue.load(list(frameworks) or None)  # raises on an unknown framework
        ids = _clause_ids(catalogue.load())
        every_id = _clause_ids(catalogue.load_all())  # an opt-in catalogue's clause (CIS) named with --clause
        resolved = tuple(_resolve_clause(c, ids, every_id) for c in clauses)
        if frameworks and resolved:
            outside = [c for c in resolved if c.split(":", 1)[0] not in frameworks]
            if outside:
                raise UsageError(f"--clause {outside[0]} is not in --framework {', '.join(frameworks)}")
        known_rules = list(known_rules)
        by_id = {r.id: r for r in known_rules}
        for rid in tuple(rules) + tuple(exclude_rules):
            if rid not in by_id:
                raise UsageError(f"unknown rule {rid!r} (see `aliaudit rules list`)")
        known_products = sorted({r.product for r in known_rules})
        for p in products:
            if p not in known_products:
                raise UsageError(f"unknown product {p!r} (known: {', '.join(known_products)})")
        scope = cls(frameworks=tuple(dict.fromkeys(frameworks)), clauses=tuple(dict.fromkeys(resolved)),
                    severity=severity, products=tuple(dict.fromkeys(products)), rules=tuple(dict.fromkeys(rules)),
                    exclude_rules=tuple(dict.fromkeys(exclude_rules)),
                    statuses=tuple(dict.fromkeys(s.upper() for s in statuses)), regions=tuple(regions))
        if not scope.select_rules(known_rules, cats if not resolved else None) and not scope.catalogues(known_rules):
            # a scan that checks nothing must not read as a pass
            raise UsageError("nothing is in scope: no rule and no clause matches these options")
        return scope

    # -- applying ------------------------------------------------------------
    @property
    def narrows_rules(self) -> bool:
        """True when a rule-level filter is given: clauses are then reported only for the rules in scope."""
        return bool(self.severity or self.products or self.rules or self.exclude_rules)

    def catalogues(self, rules) -> list[dict]:
        """The catalogues in scope; with --clause, or a rule-level filter, only the clauses it keeps.
        `rules`: every rule (aliaudit.rules.all_rules())."""
        cats = self._catalogues()
        if not self.clauses and not self.narrows_rules:
            return cats
        wanted = {r.id for r in self.select_rules(rules, cats)}
        out = []
        for cat in cats:
            kept = []
            for cl in cat["clauses"]:
                key = f"{cat['framework']}:{cl['id']}"
                if self.clauses and key not in self.clauses:
                    continue
                if self.narrows_rules and not set(cl.get("rules", [])) & wanted:
                    continue  # a product or severity filter: clauses none of whose rules are in scope go
                kept.append(cl)
            if kept:
                out.append({**cat, "clauses": kept})
        return out

    def select_rules(self, rules, cats: list[dict] | None = None, *, listing: bool = False) -> list:
        """The rules evaluated under this scope, in the order given. Without --framework or --clause, a rule
        whose clauses are all in opt-in catalogues (a CIS-only rule) is left out unless named with --rule;
        `listing` (`rules list`) keeps it."""
        rules = list(rules)
        if not (self.frameworks or self.clauses or listing):
            opt_in = catalogue.opt_in_frameworks()
            rules = [r for r in rules if r.id not in opt_in or r.id in self.rules]
        if self.frameworks or self.clauses:
            cats = cats if cats is not None else self._catalogues()
            used = {rid for cat in cats for cl in cat["clauses"]
                    if not self.clauses or f"{cat['framework']}:{cl['id']}" in self.clauses
                    for rid in cl.get("rules", [])}
            rules = [r for r in rules if r.id in used]
        return [r for r in rules if self.keeps_rule(r)]

    def _catalogues(self) -> list[dict]:
        """The frameworks named; with only --clause, the default ones and those of the clauses named."""
        if not self.frameworks and self.clauses:
            return _named(self.clauses)
        return catalogue.load(list(self.frameworks) or None)

    def keeps_rule(self, rule) -> bool:
        """The rule-level filters only (severity, product, rule, exclude-rule)."""
        if self.severity and severity_rank(rule.severity) < severity_rank(self.severity):
            return False
        if self.products and rule.product not in self.products:
            return False
        if self.rules and rule.id not in self.rules:
            return False
        return rule.id not in self.exclude_rules

    def keep_finding(self, finding: dict) -> bool:
        return not self.statuses or finding["status"] in self.statuses

    def record(self) -> dict:
        """The scope as report["scope"] keeps it; empty lists mean "all"."""
        return {"frameworks": list(self.frameworks), "clauses": list(self.clauses), "severity": self.severity,
                "products": list(self.products), "rules": list(self.rules),
                "exclude_rules": list(self.exclude_rules), "statuses": list(self.statuses),
                "regions": list(self.regions)}


ALL = Scope()


def _clause_ids(cats: list[dict]) -> list[str]:
    return [f"{c['framework']}:{cl['id']}" for c in cats for cl in c["clauses"]]


def _named(clause_ids) -> list[dict]:
    """The default catalogues and every catalogue one of these clauses ("framework:id") is in."""
    chosen = {c["framework"] for c in catalogue.load()} | {c.split(":", 1)[0] for c in clause_ids}
    return [c for c in catalogue.load_all() if c["framework"] in chosen]


def _resolve_clause(text: str, ids: list[str], every_id: list[str] = ()) -> str:
    """"hkia-gl14:5.14", or a bare "5.14" when exactly one default framework has it; a clause of an opt-in
    catalogue (cis-alibaba-2.0:4.3) only with its framework."""
    text = text.strip()
    if text in ids or text in every_id:
        return text
    matches = [i for i in ids if i.split(":", 1)[1] == text]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UsageError(f"--clause {text} is in several frameworks: give one of {', '.join(matches)}")
    raise UsageError(f"unknown clause {text!r} (a clause is framework:id, e.g. hkia-gl14:5.14; "
                     "see `aliaudit frameworks show NAME`)")


# -- comparing two reports ---------------------------------------------------------------------------

def of_report(report: dict) -> dict:
    """A report's recorded scope; one written before scopes were recorded is read from its frameworks."""
    if isinstance(report.get("scope"), dict):
        return {**ALL.record(), **report["scope"]}
    frameworks = list(report.get("frameworks") or [])
    default = [c["framework"] for c in catalogue.load()]
    return {**ALL.record(), "frameworks": [] if sorted(frameworks) == sorted(default) else frameworks}


def mismatch(old: dict, new: dict, what: str = "the baseline") -> str | None:
    """None when two reports may be compared; else one line saying what differs."""
    old_accounts, new_accounts = sorted(old.get("accounts") or []), sorted(new.get("accounts") or [])
    if old_accounts != new_accounts:
        return (f"{what} covers account(s) {', '.join(old_accounts) or '(none)'}, this report "
                f"{', '.join(new_accounts) or '(none)'}; give --allow-different-scope to compare anyway")
    a, b = of_report(old), of_report(new)
    differ = [k for k in a if _norm(a[k]) != _norm(b.get(k))]
    if differ:
        k = differ[0]
        return (f"{what} was scanned with a different scope ({k}: {_show(a[k])} vs {_show(b.get(k))}); "
                "give --allow-different-scope to compare anyway")
    return None


def _norm(value):
    return sorted(value) if isinstance(value, list) else value


def _show(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "all"
    return "all" if value is None else str(value)


# -- waivers and baselines under a scope -------------------------------------------------------------------------

def narrow_waivers(waivers: list[dict] | None, scope: Scope, rules) -> list[dict] | None:
    """Waivers of rules outside the scope are left out (they would otherwise be reported stale)."""
    if waivers is None or scope == ALL:
        return waivers
    kept = {r.id for r in scope.select_rules(rules)}
    return [w for w in waivers if w["rule"] in kept]


def check_baseline(baseline: dict | None, report: dict, allow_different: bool) -> None:
    """--baseline of another scope or other accounts: a UsageError (exit 2), unless allowed."""
    if baseline is None or allow_different:
        return
    problem = mismatch(baseline, report)
    if problem:
        raise UsageError(problem)
