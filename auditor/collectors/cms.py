"""CloudMonitor (CMS 2019-01-01, account level): alert contacts and metric alert rules.

Alert contacts and alert rules belong to the account, not to a region: both lists are read once,
through the endpoint of the first scanned region (metrics.<region>.aliyuncs.com), into global.cms.
Both answers carry `Success`; a body that says `Success: false` is a failed call, never "no contacts".
"""

from __future__ import annotations

from . import pager
from .base import Collection
from .cost import Cost, pages
from .spec import ListCall, PageNumber, Product

# DescribeContactList: PageNumber/PageSize (default 100) with Total (integer); DescribeMetricRuleList:
# Page/PageSize (from 1, default 10) with Total (a string). No maximum page size is documented for
# either: 100 is asked for (the contact list's documented default); a smaller real page leaves the list
# short of its Total, which the pager reports as CountMismatch (ERROR), never as fewer items
# (tests/documented/SOURCES-cms.md).
SPEC = Product("cms", regional=False, lists=(
    ListCall("DescribeContactList", scope="account", items="Contacts.Contact", id="Name", into="contacts",
             paging=PageNumber(max_size=100, total="Total"), require=("Name", "Channels", "ChannelsState"),
             success_flag=True, max_items=10_000),
    ListCall("DescribeMetricRuleList", scope="account", items="Alarms.Alarm", id="RuleId", into="alarms",
             paging=PageNumber(max_size=100, total="Total", number_param="page"),
             require=("RuleId", "EnableState", "ContactGroups"), success_flag=True, max_items=10_000),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
REGIONAL_SECTIONS = False


def collect_account(col: Collection) -> None:
    region = col.regions[0] if col.regions else "cn-hongkong"
    out = col.section(None, "cms")
    for action in ("DescribeContactList", "DescribeMetricRuleList"):
        spec = SPEC.list(action)
        got = pager.list_rpc(col, PRODUCT, spec, None, client_region=region)
        if got.complete:
            out[spec.into] = got.items


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """Each list once for the account, 100 a page."""
    section = (account.get("global") or {}).get("cms") or {}
    n_contacts = pages(len(section.get("contacts") or []), 100)
    n_alarms = pages(len(section.get("alarms") or []), 100)
    cost = Cost().list("cms:DescribeContactList", n_contacts).list("cms:DescribeMetricRuleList", n_alarms)
    cost.chain = max(n_contacts, n_alarms)
    return cost
