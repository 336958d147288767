"""Resource Manager 2020-03-31: ListAccounts, the members of the resource directory in the snapshot's "fake" section."""

from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "resourcemanager"
VERSION = "2020-03-31"
HOST_PREFIXES = ("resourcemanager",)


def list_accounts(call: Call) -> dict:
    call.fail_if_recorded()
    rd = call.state.resource_directory
    if not rd or rd.get("management_account_id") != call.account_id:
        raise ApiError("ResourceDirectoryNotInUse", "The specified account is not an Alibaba Cloud account or a "
                       "member account of the resource directory.", 404)
    accounts = list(rd.get("accounts", []))
    page, number, size = page_by_number(call, accounts, default=10, maximum=100)
    return {"Accounts": {"Account": page}, "TotalCount": len(accounts), "PageNumber": number, "PageSize": size}


ACTIONS = {"ListAccounts": list_accounts}
