"""IMS 2019-08-15 (central, ims.aliyuncs.com): the account security report (global.ram.security_report)."""

from .rpc import Call

PRODUCT = "ims"
VERSION = "2019-08-15"
HOST_PREFIXES = ("ims",)


def get_account_security_practice_report(call: Call) -> dict:
    call.fail_if_recorded()
    stored = call.state.global_items(call.account_id, "ram", "security_report")
    if stored:
        return {"AccountSecurityPracticeInfo": dict(stored[0])}
    users = call.state.global_items(call.account_id, "ram", "users") or []
    return {"AccountSecurityPracticeInfo": {"AccountSecurityPracticeUserInfo": {
        "RootWithAccessKey": 0, "BindMfa": False, "SubUser": len(users), "SubUserBindMfa": 0,
        "UnusedAkNum": 0, "OldAkNum": 0, "SubUserWithOldAccessKey": 0, "SubUserWithUnusedAccessKey": 0}}}


ACTIONS = {"GetAccountSecurityPracticeReport": get_account_security_practice_report}
