"""Where a scan's snapshot comes from: a recorded fixture, the live tenant (one account, or every member of
a resource directory), or a Terraform plan. Each source returns a `Taken`: the snapshot, the report's
`source`, the secrets to keep out of files, and (for a plan) the context that annotates the findings."""

from __future__ import annotations

import dataclasses
import datetime as dt

from . import credentials, offline, org, plan as plans, progress, snapshot
from .collect import collect_account, collect_identity
from .collectors.base import RetryPolicy
from .errors import UsageError
from .identity import identify
from .options import ScanOptions, SourceOptions
from .sdk import Clients, StaticKey


@dataclasses.dataclass(frozen=True)
class Taken:
    snapshot: dict
    source: dict
    secrets: tuple[str, ...] = ()
    plan: plans.PlanContext | None = None


def from_fixture(path: str, opts: ScanOptions, replay: bool = False) -> Taken:
    """The fixture evaluated as it is (offline.py), or with `replay` served by the fake cloud and collected
    back through the SDKs (the same findings, slower)."""
    doc = collect_fixture(path, opts) if replay else offline.collect(path, opts)
    return Taken(doc, {"kind": "fixture", "path": path})


def from_plan(doc: dict, path: str, opts: ScanOptions) -> Taken:
    """The snapshot of a plan (validated like any other), and the context that annotates its findings."""
    if len(opts.regions) > 1:
        raise UsageError("with --terraform-plan, --region gives the one region to assume when the provider's "
                         "region is not in the plan")
    snap, ctx = plans.to_snapshot(doc, path, opts.regions[0] if opts.regions else None)
    snap["collected_at"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    snapshot.validate(snap, path)
    return Taken(snap, {"kind": "terraform-plan", "path": path, "terraform_version": doc.get("terraform_version")},
                 plan=ctx)


def from_live(src: SourceOptions, opts: ScanOptions) -> Taken:
    """The tenant itself, through the credential chain (or a role), with progress on stderr."""
    opts = dataclasses.replace(opts, home_region=src.sts_region or (opts.regions[0] if opts.regions
                                                                    else opts.home_region))
    cred_opts = credentials.CredentialOptions(profile=src.profile, role_arn=src.role_arn,
                                              role_session_name=src.role_session_name or "aliaudit",
                                              sts_region=opts.home_region)
    credential = credentials.resolve(cred_opts, opts.home_region, opts.endpoint_override)
    with progress.reporter(src.verbose) as update:
        opts = dataclasses.replace(opts, progress=update)
        if getattr(update, "waiting", None) is not None:  # a terminal or --verbose: show the retries' waits
            opts = dataclasses.replace(opts, collection=dataclasses.replace(
                opts.collection, retry={**opts.collection.retry, "on_wait": update.waiting}))
        if src.resource_directory:
            collected = org.collect_organisation(credential, opts, src.member_role_name)
        else:
            collected = collect_live(credential, opts)
    source = {"kind": "live", "endpoint_override": opts.endpoint_override}
    if src.resource_directory:
        source["resource_directory"] = True
    return Taken(collected, source, tuple(credentials.secrets_of(credential)))


def _recorded_tries(collected: dict, recorded: dict) -> None:
    """A recorded failure the replay answered once (the fake keeps its request id) says how many tries the
    recording scan took ("... (after 10 attempts)"), which is not in the API's answer: that note is put back,
    so that the replay's snapshot is the recording's."""
    notes = {}
    for e in recorded.get("errors") or []:
        message, rid = e.get("message") or "", e.get("request_id")
        if rid and message.endswith(" attempts)") and " (after " in message:
            notes[(rid, e.get("code"))] = message[message.rindex(" (after "):]
    for e in collected.get("errors") or []:
        note = notes.get((e.get("request_id"), e.get("code")))
        if note and not (e.get("message") or "").endswith(note):
            e["message"] = (e.get("message") or "") + note


def collect_fixture(fixture: str | dict, opts: ScanOptions) -> dict:
    """Serve the fixture (a path or a snapshot dict) through the fake cloud and collect it back through the SDKs."""
    from aliaudit.fakes import FakeCloud  # the fake (and `responses`) only for a replay: a live scan starts sooner
    from aliaudit.fakes.state import account_key

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
            regions = list(opts.regions) or sorted(account.get("regions", {})) or [opts.home_region]
            who = identify(clients, regions[0])
            out["identities"].append(who)
            # A fixture holds each call's final outcome, after the recording scan's retries: a
            # recorded failure is answered the same way every time, so asking again only waits (no limiter
            # either: without an API's bucket, a throttling answer counts as a try like any other).
            # processes=1: the fake is in this process (responses), a worker process's calls would miss it.
            kwargs = dict(opts.collect_kwargs(), retry=RetryPolicy(attempts=1), processes=1, limiter=None)
            collected = collect_account(clients, who["account_id"], regions, **kwargs)
            _recorded_tries(collected, account)
            if account.get("regions_without_resources") and not opts.regions:
                collected["regions_without_resources"] = list(account["regions_without_resources"])
            out["accounts"].append(collected)
    if doc.get("organisation") is not None:
        out["organisation"] = doc["organisation"]
    return out


def collect_live(credential, opts: ScanOptions) -> dict:
    out = snapshot.new("live")
    clients = Clients(credential, opts.endpoint_override, **opts.collection.client_kwargs())
    who = identify(clients, opts.regions[0] if opts.regions else opts.home_region, opts.collection.retry_policy())
    out["identities"] = [who]
    out["accounts"].append(collect_identity(clients, opts, who))
    return out

