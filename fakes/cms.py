"""CloudMonitor (CMS 2019-01-01): alert contacts and metric alert rules, which belong to the account
(global.cms): every regional endpoint (metrics.<region>.aliyuncs.com) answers with the same lists.

Written from the documentation (tests/documented/SOURCES-cms.md), not from the collector's spec:
DescribeContactList pages by PageNumber/PageSize (default 100) with an integer Total;
DescribeMetricRuleList by Page/PageSize (default 10) with Total as a string. Both bodies carry
Success and Code.
"""

from .rpc import Call, page_by_number

PRODUCT = "cms"
VERSION = "2019-01-01"
HOST_PREFIXES = ("metrics",)
# No maximum page size is documented; the fake refuses sizes above 100 (InvalidParameter.PageSize),
# which is what the collector asks for.
MAX_PAGE = 100


def _global(call: Call, kind: str) -> list:
    return call.state.global_items(call.account_id, "cms", kind) or []


def describe_contact_list(call: Call) -> dict:
    contacts = _global(call, "contacts")
    if call.params.get("ContactName"):
        contacts = [c for c in contacts if c.get("Name") == call.params["ContactName"]]
    page, _, _ = page_by_number(call, contacts, default=100, maximum=MAX_PAGE)
    return {"Code": "200", "Success": True, "Total": len(contacts), "Contacts": {"Contact": page}}


def describe_metric_rule_list(call: Call) -> dict:
    alarms = _global(call, "alarms")
    if call.params.get("Namespace"):
        alarms = [a for a in alarms if a.get("Namespace") == call.params["Namespace"]]
    if call.params.get("EnableState") not in (None, ""):
        wanted = str(call.params["EnableState"]).lower() == "true"
        alarms = [a for a in alarms if a.get("EnableState") is wanted]
    page, _, _ = page_by_number(call, alarms, number_param="Page", default=10, maximum=MAX_PAGE)
    return {"Code": 200, "Success": True, "Total": str(len(alarms)), "Alarms": {"Alarm": page}}


ACTIONS = {
    "DescribeContactList": describe_contact_list,
    "DescribeMetricRuleList": describe_metric_rule_list,
}
