"""A scan end to end: collect (live or from a fixture served by the fake) -> evaluate -> roll up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from . import __version__, clauses, engine, record, snapshot
from .collect import collect_account
from .errors import CredentialsError, IncompleteScan, UsageError
from .model import FAIL, ERROR, severity_rank
from .ratelimit import CollectionConfig
from .scope import Scope
from .sdk import Clients, StaticKey
from .settings import Settings

REPORT_FORMAT = "aliaudit-report/1"
# Calls a scan makes besides the collectors' (RAM actions; see examples/ram-policy.json).
IDENTITY_CALLS = ("sts:GetCallerIdentity",)


@dataclass
class ScanOptions:
    regions: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    endpoint_override: str | None = None
    workers: int | None = None
    collection: CollectionConfig = field(default_factory=CollectionConfig)
    # the region whose endpoints serve account-level calls (STS, DescribeRegions) before regions are known
    home_region: str = "cn-hongkong"
    progress: Callable[[str, int, int], None] | None = None
    scope: "Scope | None" = None  # auditor/scope.py; None: every rule of opts.frameworks

    def collect_kwargs(self) -> dict:
        c = self.collection
        return {"workers": self.workers or c.workers, "detail_workers": c.detail_workers,
                "retry": c.retry_policy(), "limiter": c.limiter(), "progress": self.progress}
    attestations: list[dict] | None = None  # checked entries from attestations.load


def identify(clients: Clients, region: str, retry=None) -> dict:
    """GetCallerIdentity: the account and principal behind the credentials."""
    from .collectors.base import RetryPolicy, attempt, sdk_method

    if not isinstance(clients.credential, StaticKey):
        from alibabacloud_credentials.exceptions import CredentialException

        try:
            clients.credential.get_credential()
        except CredentialException as exc:
            raise CredentialsError("no usable credentials: " + _chain_summary(str(exc))) from None
    client = clients.rpc("sts", region)
    resp, err = attempt(lambda: sdk_method(client, "GetCallerIdentity")(clients.runtime()), retry or RetryPolicy())
    if err is not None:
        raise call_failure("sts:GetCallerIdentity", err, "the credentials were refused")
    body = resp.body.to_map() if resp is not None and resp.body is not None else {}
    if not isinstance(body, dict) or not body.get("AccountId"):
        raise IncompleteScan("could not confirm the identity: the sts:GetCallerIdentity answer has no AccountId "
                             "(MalformedResponse); nothing was checked")
    return snapshot.clean_text({"account_id": body["AccountId"], "principal": body.get("Arn"),
                                "identity_type": body.get("IdentityType")})


def call_failure(call: str, err: dict, refused: str) -> CredentialsError:
    """A failed identity or region call: refused credentials (exit 2), or a transient or unparseable
    answer (IncompleteScan, exit 3): a throttled STS is not a configuration error."""
    from .collectors.base import RetryPolicy

    text = f"{call} failed: {err['code']}: {err['message']}"
    if RetryPolicy().retryable(err) or err["code"] in ("MalformedResponse", "RequestFailed", "Timeout"):
        return IncompleteScan(f"could not confirm the identity ({text}); nothing was checked")
    return CredentialsError(f"{refused}: {err['code']}: {err['message']}")


def _chain_summary(message: str) -> str:
    from .credentials import chain_summary

    return chain_summary(message)


def collect_fixture(fixture: str | dict, opts: ScanOptions) -> dict:
    """Serve the fixture (a path or a snapshot dict) through the fake cloud and collect it back through the SDKs."""
    from aliaudit.fakes import FakeCloud
    from aliaudit.fakes.state import account_key

    from .collectors.base import RetryPolicy

    doc = snapshot.load(fixture) if isinstance(fixture, str) else snapshot.validate(fixture)
    out = snapshot.new("fixture")
    # The state is as it was when the fixture was recorded: ages are measured from then.
    out["collected_at"] = doc.get("collected_at") or out["collected_at"]
    out["identities"] = []
    extra = (opts.endpoint_override,) if opts.endpoint_override else ()
    with FakeCloud(extra_urls=extra).load(doc):
        for account in doc["accounts"]:
            key_id, secret = account_key(account["account_id"])
            clients = Clients(StaticKey(key_id, secret), opts.endpoint_override)
            regions = opts.regions or sorted(account.get("regions", {})) or [opts.home_region]
            who = identify(clients, regions[0])
            out["identities"].append(who)
            # A fixture holds each call's final outcome, after the recording scan's retries: a
            # recorded failure is answered the same way every time, so asking again only waits.
            kwargs = dict(opts.collect_kwargs(), retry=RetryPolicy(attempts=1))
            collected = collect_account(clients, who["account_id"], regions, **kwargs)
            if account.get("regions_without_resources") and not opts.regions:
                collected["regions_without_resources"] = list(account["regions_without_resources"])
            out["accounts"].append(collected)
    if doc.get("organisation") is not None:
        out["organisation"] = doc["organisation"]
    return out


def collect_identity(clients: Clients, opts: ScanOptions, who: dict) -> dict:
    """One account's section: its regions discovered (or narrowed by --region), then collected."""
    from . import regions as region_mod

    via = opts.regions[0] if opts.regions else opts.home_region
    try:
        described = region_mod.describe(clients, via, opts.collection.retry_policy())
    except region_mod.DiscoveryFailed as exc:
        return region_mod.discovery_failed(who["account_id"], exc.err, via)
    available = region_mod.ids(described)
    regions = region_mod.narrow(available, opts.regions) if opts.regions else available
    return collect_account(clients, who["account_id"], regions, prune_empty=not opts.regions,
                           described_regions=described, **opts.collect_kwargs())


def collect_live(credential, opts: ScanOptions) -> dict:
    out = snapshot.new("live")
    clients = Clients(credential, opts.endpoint_override, **opts.collection.client_kwargs())
    who = identify(clients, opts.regions[0] if opts.regions else opts.home_region, opts.collection.retry_policy())
    out["identities"] = [who]
    out["accounts"].append(collect_identity(clients, opts, who))
    return out


def default_credential(profile: str | None = None):
    """The default credential chain of alibabacloud-credentials (environment, profile, ECS RAM role, OIDC)."""
    from .credentials import base_credential

    return base_credential(profile)


def evaluate(collected: dict, opts: ScanOptions, source: dict, adjust=None) -> dict:
    """`adjust(findings) -> findings` runs before the roll-up (Terraform plan annotation, waivers)."""
    from aliaudit.rules import all_rules

    scope = opts.scope if opts.scope is not None else Scope(frameworks=tuple(opts.frameworks))
    every = all_rules()
    cats = scope.catalogues(every)
    rules = scope.select_rules(every, cats)
    findings = engine.evaluate(collected, rules, opts.settings)
    if adjust is not None:
        findings = adjust(findings)
    from . import regions as region_mod

    unlisted = region_mod.unlisted(collected)  # accounts whose regions are unknown: no verdict stands
    findings = [f for f in findings if f.get("account_id") not in unlisted]
    clause_results = clauses.roll_up(cats, findings)
    incomplete = region_mod.mark_unlisted(unlisted, clause_results) if unlisted else None
    if opts.attestations is not None:
        from . import attestations

        attestations.apply(clause_results, opts.attestations)
    findings = [f for f in findings if scope.keep_finding(f)]  # --status: after the roll-up
    mapping = clauses.rule_clauses(cats)
    from .remediation import fill

    for f in findings:
        f["clauses"] = mapping.get(f["rule"], [])
        fill(f)
    errors = [e for a in collected["accounts"] for e in a.get("errors", [])]
    report = {
        "report_format": REPORT_FORMAT,
        "tool_version": __version__,
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "collected_at": collected.get("collected_at"),
        "source": source,
        "identities": collected.get("identities", []),
        "accounts": [a["account_id"] for a in collected["accounts"]],
        "regions": sorted({r for a in collected["accounts"] for r in a.get("regions", {})}),
        "frameworks": [c["framework"] for c in cats],
        "scope": scope.record(),
        "summary": None,  # below: the one-page summary (auditor/reporters/summary.py), kept near the top
        "clauses": clause_results,
        "findings": findings,
        "collection_errors": errors,
        "snapshot_digest": record.digest(collected),
        **({"attestations": opts.attestations} if opts.attestations is not None else {}),
    }
    if incomplete:
        report["incomplete"] = incomplete
    unavailable = [u for a in collected["accounts"] for u in a.get("unavailable", [])]
    if unavailable:
        report["unavailable"] = unavailable
    empty = {a["account_id"]: a["regions_without_resources"] for a in collected["accounts"]
             if a.get("regions_without_resources")}
    if empty:
        report["regions_without_resources"] = empty
    if collected.get("organisation") is not None:
        from . import org

        report["organisation"] = org.summarise(collected["organisation"], cats, findings)
    from .reporters import summary

    report["summary"] = summary.build(report)
    return report


def exit_code(report: dict, fail_on: str) -> int:
    """0: no FAIL at or above fail_on; 1: such a FAIL; 3: none, but some ERROR (incomplete)."""
    threshold = severity_rank(fail_on)
    if any(f["status"] == FAIL and severity_rank(f["severity"]) >= threshold for f in report["findings"]):
        return 1
    if any(f["status"] == ERROR for f in report["findings"]):
        return 3
    from .org import incomplete

    if incomplete(report):
        return 3
    return 0


__all__ = ["ScanOptions", "collect_fixture", "collect_live", "evaluate", "exit_code", "UsageError"]
