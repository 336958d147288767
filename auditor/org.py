"""Multi-account scans over a resource directory.

ListAccounts (paginated, 100 a page) names the members; in each member the scan
assumes `--member-role-name` (default ResourceDirectoryAccountAccessRole) through
the regional STS endpoint, confirms the identity, and collects. Accounts run
concurrently (`collection.account_workers`), each with its own bounded pools. A
member whose role cannot be assumed is reported UNREACHABLE; the others go on,
and the run counts as incomplete (exit 3 unless a FAIL gives 1).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import sdk, snapshot
from .credentials import AssumedRole
from .errors import CredentialsError
from .model import COMPLIANT, INCOMPLETE, MANUAL, NON_COMPLIANT, NOT_APPLICABLE

CALLS = ("resourcemanager:ListAccounts", "sts:AssumeRole")
DEFAULT_MEMBER_ROLE = "ResourceDirectoryAccountAccessRole"
PAGE_SIZE = 100
SCANNED, UNREACHABLE = "SCANNED", "UNREACHABLE"
_ORDER = {NON_COMPLIANT: 0, INCOMPLETE: 1, COMPLIANT: 2, NOT_APPLICABLE: 3}


def list_members(clients: sdk.Clients, region: str, retry=None) -> list[dict]:
    from .collectors.base import RetryPolicy, attempt, sdk_method

    m = sdk.models("resourcemanager")
    client = clients.rpc("resourcemanager", region)
    members: list[dict] = []
    page = 1
    while True:
        request = m.ListAccountsRequest(page_number=page, page_size=PAGE_SIZE)
        resp, err = attempt(lambda: sdk_method(client, "ListAccounts")(request, clients.runtime()),
                            retry or RetryPolicy())
        if err is not None:
            raise CredentialsError(f"cannot list the resource directory's members (resourcemanager:ListAccounts): "
                                   f"{err['code']}: {err['message']}")
        body = resp.body.to_map() if resp.body is not None else {}
        items = (body.get("Accounts") or {}).get("Account")
        if not isinstance(items, list):
            raise CredentialsError("cannot list members: the ListAccounts response has no Accounts.Account")
        members.extend(items)
        total = body.get("TotalCount")
        if len(items) < PAGE_SIZE or (isinstance(total, int) and len(members) >= total):
            return members
        page += 1


def collect_organisation(credential, opts, role_name: str = DEFAULT_MEMBER_ROLE) -> dict:
    """A snapshot of every member account, with an "organisation" section saying who was reached."""
    from .scan import collect_identity, identify

    home = opts.regions[0] if opts.regions else opts.home_region
    clients = sdk.Clients(credential, opts.endpoint_override, **opts.collection.client_kwargs())
    retry = opts.collection.retry_policy()
    who = identify(clients, home, retry)
    members = list_members(clients, home, retry)

    def one(member: dict) -> tuple[dict, dict | None, dict | None]:
        account_id = str(member.get("AccountId"))
        entry = {"account_id": account_id, "name": member.get("DisplayName"), "member_status": member.get("Status")}
        if account_id == who["account_id"]:
            member_clients, member_who = clients, who
        else:
            role_arn = f"acs:ram::{account_id}:role/{role_name.lower()}"
            role = AssumedRole(credential, role_arn, sts_region=home, endpoint_override=opts.endpoint_override,
                               retry=retry)
            member_clients = sdk.Clients(role, opts.endpoint_override, **opts.collection.client_kwargs())
            try:
                member_who = identify(member_clients, home, retry)
            except CredentialsError as exc:
                return {**entry, "scan_status": UNREACHABLE, "error": str(exc)}, None, None
        try:
            section = collect_identity(member_clients, opts, member_who)
        except CredentialsError as exc:
            return {**entry, "scan_status": UNREACHABLE, "error": str(exc)}, member_who, None
        return {**entry, "scan_status": SCANNED}, member_who, section

    out = snapshot.new("live")
    out["identities"] = [who]
    with ThreadPoolExecutor(max_workers=max(1, opts.collection.account_workers), thread_name_prefix="account") as pool:
        results = list(pool.map(one, members))
    entries = []
    for entry, member_who, section in results:
        entries.append(entry)
        if section is not None:
            out["accounts"].append(section)
            if member_who is not who:
                out["identities"].append(member_who)
    out["organisation"] = snapshot.clean_text({"management_account_id": who["account_id"], "member_role": role_name,
                                               "accounts": entries})
    return out


def summarise(org: dict, catalogues: list[dict], findings: list[dict]) -> dict:
    """Per clause: each account's status and the organisation's (the worst; INCOMPLETE if an account was missed)."""
    from . import clauses

    reached = [a["account_id"] for a in org["accounts"] if a.get("scan_status") == SCANNED]
    missed = [a["account_id"] for a in org["accounts"] if a.get("scan_status") != SCANNED]
    per_account = {acct: clauses.roll_up(catalogues, [f for f in findings if f["account_id"] == acct])
                   for acct in reached}
    rows = []
    for i, clause in enumerate(clauses.roll_up(catalogues, [])):
        statuses = {acct: per_account[acct][i]["status"] for acct in reached}
        if clause["kind"] == "manual":
            status = MANUAL
        else:
            status = min(statuses.values(), key=lambda s: _ORDER[s], default=NOT_APPLICABLE)
            if missed and status != NON_COMPLIANT:
                status = INCOMPLETE
        counts: dict[str, int] = {}
        for s in statuses.values():
            counts[s] = counts.get(s, 0) + 1
        if missed and clause["kind"] != "manual":
            counts[UNREACHABLE] = len(missed)
        rows.append({"framework": clause["framework"], "clause": clause["clause"], "title": clause["title"],
                     "kind": clause["kind"], "status": status, "accounts": statuses, "counts": dict(sorted(counts.items()))})
    return {**org, "clauses": rows}


def incomplete(report: dict) -> bool:
    """A member account was not reached, or a call failed. A failed call that no rule declares (ECS
    DescribeZones, DescribeRegions in the collection) changes no verdict, but the scan did not read
    all it meant to: never exit 0 then."""
    org: Any = report.get("organisation") or {}
    if report.get("collection_errors"):
        return True
    return any(a.get("scan_status") != SCANNED for a in org.get("accounts", []))


def account_reports(collected: dict, opts, source: dict) -> dict[str, dict]:
    """One report per account of a multi-account snapshot."""
    from .scan import evaluate

    out = {}
    for account in collected["accounts"]:
        one = {k: v for k, v in collected.items() if k not in ("accounts", "organisation", "identities")}
        one["accounts"] = [account]
        one["identities"] = [i for i in collected.get("identities", []) if i["account_id"] == account["account_id"]]
        out[account["account_id"]] = evaluate(one, opts, source)
    return out
