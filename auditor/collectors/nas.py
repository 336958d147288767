"""NAS (Apsara File Storage NAS): file systems (encryption and its key) and permission groups with their rules."""

from __future__ import annotations

from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import ListCall, PageNumber, Product

# Every list: PageSize 1-100 with TotalCount (tests/documented/SOURCES-nas.md). DescribeFileSystems lists all
# file system types by default; DescribeAccessGroups/DescribeAccessRules list one FileSystemType, standard by
# default: the permission groups of Extreme NAS and CPFS are not read (README, NAS).
SPEC = Product("nas", lists=(
    ListCall("DescribeFileSystems", items="FileSystems.FileSystem", id="FileSystemId", into="file_systems",
             paging=PageNumber(max_size=100, total="TotalCount"), require=("FileSystemId",)),
    ListCall("DescribeAccessGroups", items="AccessGroups.AccessGroup", id="AccessGroupName", into="access_groups",
             paging=PageNumber(max_size=100, total="TotalCount"), require=("AccessGroupName",)),
    ListCall("DescribeAccessRules", scope="resource", per="AccessGroupName", items="AccessRules.AccessRule",
             id="AccessRuleId", into="rules", paging=PageNumber(max_size=100, total="TotalCount"),
             require=("AccessRuleId",), max_items=300),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions


def collect_region(col: Collection, region: str) -> None:
    out = col.section(region, "nas")
    out["file_systems"] = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeFileSystems"), region).items
    groups = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeAccessGroups"), region,
                            {"file_system_type": "standard"}).items
    rules = SPEC.list("DescribeAccessRules")

    def read_rules(group: dict) -> None:
        name = group["AccessGroupName"]
        got = pager.list_rpc(col, PRODUCT, rules, region, {"access_group_name": name, "file_system_type": "standard"},
                             resource=name)
        if got.complete:
            group["rules"] = got.items

    col.map(read_rules, groups)
    out["access_groups"] = groups


def min_calls(account: dict, region: str) -> Cost:
    """DescribeFileSystems and DescribeAccessGroups 100 a page; DescribeAccessRules per group, 100 rules a page."""
    section = region_section(account, region, "nas")
    n_fs = len(section.get("file_systems") or [])
    groups = section.get("access_groups") or []
    cost = Cost().list("nas:DescribeFileSystems", pages(n_fs, 100))
    cost.list("nas:DescribeAccessGroups", pages(len(groups), 100))
    if groups:  # one call per group at least
        cost.detail("nas:DescribeAccessRules", sum(pages(len(g.get("rules") or []), 100) for g in groups))
    deepest = max((pages(len(g.get("rules") or []), 100) for g in groups), default=0)
    cost.chain = max(pages(n_fs, 100), pages(len(groups), 100) + deepest)
    return cost
