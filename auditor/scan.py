"""A scan end to end: collect (live or from a fixture served by the fake) -> evaluate -> roll up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import __version__, clauses, engine, snapshot
from .collect import collect_account
from .errors import CredentialsError, UsageError
from .model import FAIL, ERROR, severity_rank
from .sdk import Clients, StaticKey
from .settings import Settings

REPORT_FORMAT = "aliaudit-report/1"


@dataclass
class ScanOptions:
    regions: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    endpoint_override: str | None = None
    workers: int = 8
    attestations: list[dict] | None = None  # checked entries from attestations.load


def identify(clients: Clients, region: str) -> dict:
    """GetCallerIdentity: the account and principal behind the credentials."""
    from . import sdk
    from .collectors.base import sdk_method

    if not isinstance(clients.credential, StaticKey):
        from alibabacloud_credentials.exceptions import CredentialException

        try:
            clients.credential.get_credential()
        except CredentialException as exc:
            raise CredentialsError("no usable credentials: " + _chain_summary(str(exc))) from None
    client = clients.rpc("sts", region)
    try:
        resp = sdk_method(client, "GetCallerIdentity")(clients.runtime())
    except sdk.sdk_errors() as exc:
        err = sdk.describe_error(exc)
        raise CredentialsError(f"the credentials were refused: {err['code']}: {err['message']}") from None
    body = resp.body.to_map()
    if not body.get("AccountId"):
        raise CredentialsError("GetCallerIdentity returned no AccountId")
    return {"account_id": body["AccountId"], "principal": body.get("Arn"), "identity_type": body.get("IdentityType")}


def _chain_summary(message: str) -> str:
    """The credential chain's message, without the provider-by-provider detail."""
    if "unable to load credentials from any of the providers" in message:
        return "none of the providers in the default chain (environment, profile files, ECS RAM role, OIDC) had any"
    return " ".join(message.split())[:300]


def collect_fixture(fixture: str | dict, opts: ScanOptions) -> dict:
    """Serve the fixture (a path or a snapshot dict) through the fake cloud and collect it back through the SDKs."""
    from aliaudit.fakes import FakeCloud
    from aliaudit.fakes.state import account_key

    doc = snapshot.load(fixture) if isinstance(fixture, str) else snapshot.validate(fixture)
    out = snapshot.new("fixture")
    # The state is as it was when the fixture was recorded: ages are measured from then.
    out["collected_at"] = doc.get("collected_at") or out["collected_at"]
    out["identities"] = []
    with FakeCloud().load(doc):
        for account in doc["accounts"]:
            key_id, secret = account_key(account["account_id"])
            clients = Clients(StaticKey(key_id, secret), opts.endpoint_override)
            regions = opts.regions or sorted(account.get("regions", {})) or ["cn-hongkong"]
            who = identify(clients, regions[0])
            out["identities"].append(who)
            out["accounts"].append(collect_account(clients, who["account_id"], regions, workers=opts.workers))
    return out


def collect_live(credential, opts: ScanOptions) -> dict:
    out = snapshot.new("live")
    clients = Clients(credential, opts.endpoint_override)
    regions = opts.regions or ["cn-hongkong"]
    who = identify(clients, regions[0])
    out["identities"] = [who]
    out["accounts"].append(collect_account(clients, who["account_id"], regions, workers=opts.workers))
    return out


def default_credential():
    """The default credential chain of alibabacloud-credentials (environment, profile, ECS RAM role, OIDC)."""
    import logging

    from alibabacloud_credentials.client import Client as CredClient

    # The chain logs every provider it tries, with tracebacks; the scan reports one clear line instead.
    logging.getLogger("credentials").setLevel(logging.CRITICAL)

    from alibabacloud_credentials.exceptions import CredentialException

    try:
        return CredClient()
    except CredentialException as exc:
        raise CredentialsError("no usable credentials: " + _chain_summary(str(exc))) from None


def evaluate(collected: dict, opts: ScanOptions, source: dict) -> dict:
    from aliaudit.rules import all_rules

    rules = all_rules()
    cats = clauses.load(opts.frameworks or None)
    findings = engine.evaluate(collected, rules, opts.settings)
    clause_results = clauses.roll_up(cats, findings)
    if opts.attestations is not None:
        from . import attestations

        attestations.apply(clause_results, opts.attestations)
    mapping = clauses.rule_clauses()
    for f in findings:
        f["clauses"] = mapping.get(f["rule"], [])
    errors = [e for a in collected["accounts"] for e in a.get("errors", [])]
    return {
        "report_format": REPORT_FORMAT,
        "tool_version": __version__,
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "collected_at": collected.get("collected_at"),
        "source": source,
        "identities": collected.get("identities", []),
        "accounts": [a["account_id"] for a in collected["accounts"]],
        "regions": sorted({r for a in collected["accounts"] for r in a.get("regions", {})}),
        "frameworks": [c["framework"] for c in cats],
        "summary": _summary(clause_results, findings),
        "clauses": clause_results,
        "findings": findings,
        "collection_errors": errors,
        **({"attestations": opts.attestations} if opts.attestations is not None else {}),
    }


def _summary(clause_results: list[dict], findings: list[dict]) -> dict:
    def count(items, key):
        out: dict[str, int] = {}
        for i in items:
            out[i[key]] = out.get(i[key], 0) + 1
        return dict(sorted(out.items()))

    return {"clauses": count(clause_results, "status"), "findings": count(findings, "status")}


def exit_code(report: dict, fail_on: str) -> int:
    """0: no FAIL at or above fail_on; 1: such a FAIL; 3: none, but some ERROR (incomplete)."""
    threshold = severity_rank(fail_on)
    if any(f["status"] == FAIL and severity_rank(f["severity"]) >= threshold for f in report["findings"]):
        return 1
    if any(f["status"] == ERROR for f in report["findings"]):
        return 3
    return 0


__all__ = ["ScanOptions", "collect_fixture", "collect_live", "evaluate", "exit_code", "UsageError"]
