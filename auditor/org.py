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
from . import sdk, snapshot
from .collect import collect_identity
from .collectors.base import RetryPolicy, attempt, sdk_method
from .credentials import AssumedRole
from .errors import CredentialsError
from .identity import identify
from .options import DEFAULT_MEMBER_ROLE
from .report import SCANNED, UNREACHABLE

CALLS = ("resourcemanager:ListAccounts", "sts:AssumeRole")
PAGE_SIZE = 100


def list_members(clients: sdk.Clients, region: str, retry=None) -> list[dict]:
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
