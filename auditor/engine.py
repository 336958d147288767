"""Evaluate rules over a snapshot: checks become findings, failed calls become ERROR.

A rule declares the calls it needs. When the snapshot records that one of them
failed, the engine makes the rule's verdict ERROR for exactly what that call
would have told it: the resource, for a per-resource detail call; the whole
region, for a list call (a page that failed half-way included); every region,
for an account-level call.

An account's `unavailable` entries of scope "product" (written by collectors) make rules NOT_APPLICABLE
where the answer does not exist: the product is not available in a region; only the rules whose own
product it is are NOT_APPLICABLE there. Other scopes are for the source that wrote them (a Terraform
plan's "call" entries are read by aliaudit.plan.annotate): the engine never lets them hide a verdict.
"""

from __future__ import annotations

import contextlib
import gc
import traceback
from typing import Iterable, Iterator

from .model import ERROR, NOT_APPLICABLE
from .settings import Settings
from .snapshot import AccountView

def _finding(rule, account_id: str, check) -> dict:
    return {
        "rule": rule.id,
        "title": rule.title,
        "product": rule.product,
        "severity": rule.severity,
        "status": check.status,
        "account_id": account_id,
        "region": check.region,
        "resource_type": check.resource_type or rule.resource_type,
        "resource_id": check.resource_id,
        "evidence": check.evidence,
        "reason": check.reason,
        "api": list(rule.needs),
        "remediation": rule.remediation,
    }


def _error_evidence(err: dict) -> dict:
    out = {"call": f"{err['product']}:{err['action']}", "code": err.get("code")}
    if err.get("message"):
        out["message"] = err["message"]
    if err.get("page"):
        out["page"] = err["page"]
    for count in ("items", "total"):  # what an incomplete list had, and what it said it had (collectors/pager.py)
        if err.get(count) is not None:
            out[count] = err[count]
    if err.get("request_id"):
        out["request_id"] = err["request_id"]
    return out


def _matches(resource_id: str, err_resource: str) -> bool:
    return resource_id == err_resource or resource_id.startswith(err_resource + "/")


def _candidates(resource_id, by_resource: dict) -> list:
    """(index, error) of the per-resource errors that may concern resource_id: those recorded for it or for
    a parent ("user" for "user/key"), in recording order. A dict lookup per prefix, so a scan where a call
    was refused for thousands of resources stays linear."""
    if not by_resource or not isinstance(resource_id, str):
        return []
    keys = [resource_id] + [resource_id[:i] for i, ch in enumerate(resource_id) if ch == "/"]
    found = [pair for key in keys for pair in by_resource.get(key, ())]
    return sorted(found, key=lambda pair: pair[0])


def evaluate_account(account: dict, rules: Iterable, settings: Settings, collected_at: str | None = None) -> list[dict]:
    view = AccountView(account, collected_at)
    findings: list[dict] = []
    for rule in rules:
        findings.extend(_evaluate_rule(rule, view, settings))
    return findings


def synthetic_finding(rule, account_id: str, resource_id: str, region: str | None, reason: str, evidence: dict,
                      resource_type: str | None, status: str = ERROR) -> dict:
    """A finding the engine (or a source's annotation) makes for a rule without a check of the rule's own."""
    return _finding(rule, account_id, _Synthetic(resource_id, region, reason, evidence, resource_type, status))


def _evaluate_rule(rule, view: AccountView, settings: Settings) -> list[dict]:
    needs = set(rule.needs)
    errors = [e for e in view.errors if f"{e['product']}:{e['action']}" in needs]
    try:
        checks = list(rule(view, settings))
    except Exception as exc:  # a rule bug must surface as ERROR for that rule, never as silence
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return [{**_finding(rule, view.account_id, _RuleCrash(exc, frame)), "status": ERROR}]

    account_wide = [e for e in errors if e.get("region") is None and e.get("resource") is None]
    regional = {}
    for e in errors:
        if e.get("region") is not None and e.get("resource") is None:
            regional.setdefault(e["region"], e)
    per_resource = [e for e in errors if e.get("resource") is not None]

    out: list[dict] = []
    # Only the product whose resources the rule judges: KMS not enabled in a region must not turn
    # "disks encrypted with a customer key" there into NOT_APPLICABLE.
    products = {rule.product}
    unavailable = {}
    for u in view.raw.get("unavailable", []):
        if u.get("scope", "product") == "product" and u["product"] in products:
            unavailable.setdefault(u["region"], u)
    for region, u in sorted(unavailable.items()):
        out.append(_finding(rule, view.account_id, _Synthetic(
            region, region, f"{u['product']} is not available in {region}: {u['code']}",
            {"unavailable": {"call": f"{u['product']}:{u.get('action')}", "code": u["code"]}}, "region",
            NOT_APPLICABLE)))
    checks = [c for c in checks if c.region not in unavailable]
    if account_wide:
        err = account_wide[0]
        out.append(_scope_error(rule, view.account_id, None, err))
        return out
    for region, err in regional.items():
        out.append(_scope_error(rule, view.account_id, region, err))
    matched: set[int] = set()
    by_resource: dict[str, list] = {}
    for i, err in enumerate(per_resource):
        by_resource.setdefault(err["resource"], []).append((i, err))
    regional_resource_errors = [e for e in per_resource if e.get("region") is not None]
    for check in checks:
        if check.region in regional:
            continue
        finding = _finding(rule, view.account_id, check)
        if check.region is None and check.status != NOT_APPLICABLE and (regional or regional_resource_errors):
            # An account-level verdict drawn from regional data (a multi-region trail) cannot stand when
            # part of that data was not read: whether it passes or fails, it is ERROR.
            err = next(iter(regional.values()), None) or regional_resource_errors[0]
            out.append({**finding, "status": ERROR, "evidence": {**finding["evidence"], "error": _error_evidence(err)},
                        "reason": f"{err['product']}:{err['action']} failed in {err['region']}"
                                  f"{' for ' + err['resource'] if err.get('resource') else ''}: {err.get('code')}"})
            continue
        if check.status == ERROR and "error" not in finding["evidence"]:
            # The rule saw the data missing itself: name the failed call that explains it, if one does.
            related = [e for e in errors if e.get("region") in (None, check.region)]
            err = next((e for e in related if e.get("resource") and e["resource"] in check.reason), None) or \
                next(iter(related), None)
            if err is not None:
                finding["evidence"] = {**finding["evidence"], "error": _error_evidence(err)}
        for i, err in _candidates(check.resource_id, by_resource):
            if err.get("region") in (None, check.region) and _matches(check.resource_id, err["resource"]):
                matched.add(i)
                finding["status"] = ERROR
                finding["reason"] = (f"{err['product']}:{err['action']} failed for {err['resource']}: "
                                     f"{err.get('code')}")
                finding["evidence"] = {**finding["evidence"], "error": _error_evidence(err)}
                break
        out.append(finding)
    for i, err in enumerate(per_resource):
        if i not in matched and err.get("region") not in regional:
            out.append(_resource_error(rule, view.account_id, err))
    return out


def _scope_error(rule, account_id: str, region: str | None, err: dict) -> dict:
    where = f"in {region}" if region else "for the account"
    page = f" (page {err['page']})" if err.get("page") else ""
    check = _Synthetic(region or "*", region, f"{err['product']}:{err['action']} failed {where}{page}: "
                       f"{err.get('code')} - {err.get('message', '')}".rstrip(" -"),
                       {"error": _error_evidence(err)}, "region" if region else "account")
    return _finding(rule, account_id, check)


def _resource_error(rule, account_id: str, err: dict) -> dict:
    check = _Synthetic(err["resource"], err.get("region"),
                       f"{err['product']}:{err['action']} failed for {err['resource']}: {err.get('code')}",
                       {"error": _error_evidence(err)}, None)
    return _finding(rule, account_id, check)


class _Synthetic:
    def __init__(self, resource_id, region, reason, evidence, resource_type, status=ERROR):
        self.resource_id, self.region, self.reason = resource_id, region, reason
        self.evidence, self.resource_type, self.status = evidence, resource_type, status


class _RuleCrash(_Synthetic):
    def __init__(self, exc: Exception, frame):
        super().__init__("*", None, f"rule crashed: {type(exc).__name__}: {exc} ({frame.filename.rsplit('/', 1)[-1]}:"
                         f"{frame.lineno})", {}, "rule")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block, and back as it was after it (even on an exception).

    Evaluation allocates one dict per finding and creates no reference cycles; the cyclic collector
    would rescan the whole snapshot again and again (3x slower at 100k resources)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def evaluate(doc: dict, rules: Iterable, settings: Settings) -> list[dict]:
    rules = list(rules)
    findings: list[dict] = []
    with gc_paused():
        for account in doc.get("accounts", []):
            findings.extend(evaluate_account(account, rules, settings, doc.get("collected_at")))
    return findings
