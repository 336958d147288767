"""STS 2015-04-01: who is calling."""

from .rpc import Call

PRODUCT = "sts"
VERSION = "2015-04-01"
HOST_PREFIXES = ("sts",)


def get_caller_identity(call: Call) -> dict:
    call.fail_if_recorded()
    account = call.account_id
    return {
        "IdentityType": "Account",
        "AccountId": account,
        "PrincipalId": account,
        "UserId": account,
        "Arn": f"acs:ram::{account}:root",
    }


ACTIONS = {"GetCallerIdentity": get_caller_identity}
