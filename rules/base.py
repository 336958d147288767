"""A rule is a small object: an id, metadata, and one pure function of the snapshot.

    @rule(id="ecs-disk-encrypted", product="ecs", severity="high",
          needs=("ecs:DescribeDisks",), title="...", rationale="...",
          remediation={"console": "...", "cli": "...", "terraform": "..."})
    def disk_encrypted(acct, settings):
        for disk in acct.resources("ecs", "disks"):
            yield check(disk.get("DiskId"), disk.region, disk.get("Encrypted") is True,
                        {"Encrypted": disk.get("Encrypted")})

Which clauses a rule evidences is data: see catalogues/*.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from aliaudit.model import ERROR, FAIL, NOT_APPLICABLE, PASS, SEVERITIES


@dataclass(frozen=True)
class Check:
    """One rule's verdict on one resource, with the API fields it read."""

    resource_id: str
    region: str | None
    status: str
    evidence: dict
    reason: str = ""
    resource_type: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    product: str
    severity: str
    needs: tuple[str, ...]
    rationale: str
    remediation: dict
    resource_type: str
    evaluate: Callable[..., Iterable[Check]] = field(repr=False, compare=False)
    # evidence keys shown for context that never decide the verdict: a value unknown there (a Terraform
    # plan's gap) leaves the verdict standing; tests/rules/test_informative_evidence.py checks the claim
    informative: tuple[str, ...] = ()

    def __call__(self, acct, settings) -> Iterable[Check]:
        return self.evaluate(acct, settings)


def rule(*, id: str, title: str, product: str, severity: str, needs: Iterable[str], rationale: str,
         remediation: dict, resource_type: str, informative: Iterable[str] = ()) -> Callable[[Callable], Rule]:
    if severity not in SEVERITIES:
        raise ValueError(f"rule {id}: unknown severity {severity!r}")
    needs = tuple(needs)
    if not needs or not all(":" in n for n in needs):
        raise ValueError(f"rule {id}: needs must list product:Action calls")
    if set(remediation) - {"console", "cli", "terraform"} or "console" not in remediation:
        raise ValueError(f"rule {id}: remediation needs console steps (and may give cli, terraform)")

    def wrap(fn: Callable) -> Rule:
        return Rule(id=id, title=title, product=product, severity=severity, needs=needs, rationale=rationale,
                    remediation=dict(remediation), resource_type=resource_type, evaluate=fn,
                    informative=tuple(informative))

    return wrap


def check(resource_id: Any, region: str | None, passed: bool, evidence: dict, reason: str = "",
          resource_type: str | None = None) -> Check:
    """PASS or FAIL. `reason` says why it failed (or why it passed, where that is not obvious)."""
    return Check(str(resource_id), region, PASS if passed else FAIL, evidence, reason, resource_type)


def not_applicable(resource_id: Any, region: str | None, reason: str, evidence: dict | None = None,
                   resource_type: str | None = None) -> Check:
    return Check(str(resource_id), region, NOT_APPLICABLE, evidence or {}, reason, resource_type)


def unknown(resource_id: Any, region: str | None, reason: str, evidence: dict | None = None,
            resource_type: str | None = None) -> Check:
    """ERROR: the data this verdict needs was not read."""
    return Check(str(resource_id), region, ERROR, evidence or {}, reason, resource_type)


def judged(resource_id: Any, region: str | None, fn: Callable[[], Any]) -> Any:
    """fn() for one resource: its Check, or ERROR when a field it read has an undocumented form (BadField)."""
    try:
        return fn()
    except BadField as bad:
        return unknown(resource_id, region, bad.reason, bad.evidence)


class BadField(Exception):
    """A field whose value is not of a documented form."""

    def __init__(self, name: str, value: Any, expected: str, reason: str | None = None):
        super().__init__(f"{name} is {value!r}, not {expected}")
        self.name, self.value, self.expected, self._reason = name, value, expected, reason

    @property
    def reason(self) -> str:
        return self._reason or f"{self.name} has an undocumented form {self.value!r} ({self.expected} expected): " \
                               "cannot judge"

    @property
    def evidence(self) -> dict:
        return {self.name: self.value}


def each(product: str, kind: str, id_field: str, prepare: Callable | None = None):
    """Judge one resource at a time: fn(resource, acct, settings) returns a Check, several, or None.
    With `prepare`, fn(resource, acct, settings, prepare(acct, settings)): an index built once per run.

    A field of an undocumented form (common.BadField, raised by common.read) makes that resource's
    verdict ERROR with the raw value as evidence; the other resources are judged as usual."""
    def wrap(fn: Callable) -> Callable:
        def evaluate(acct, settings):
            extra = () if prepare is None else (prepare(acct, settings),)
            for item in acct.resources(product, kind):
                try:
                    got = fn(item, acct, settings, *extra)
                    got = [got] if isinstance(got, Check) else list(got or ())
                except BadField as bad:
                    got = [unknown(item.get(id_field), item.region, bad.reason, bad.evidence)]
                yield from got

        evaluate.__name__ = fn.__name__
        evaluate.__doc__ = fn.__doc__
        return evaluate

    return wrap
