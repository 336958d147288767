"""Cloud Backup (HBR): backup plans of ECS files and instances, OSS buckets and NAS file systems.

HBR can answer HTTP 200 with `Success: false` and the error `Code` in the body: that is recorded as
a failed call, never read as "no plans".
"""

from __future__ import annotations

from .. import sdk
from .base import Collection
from .cost import Cost, pages, region_section

PRODUCT = "hbr"
CALLS = ("DescribeBackupPlans",)
PAGE_SIZE = 99  # documented maximum
# One call per data source type: older API versions require SourceType.
SOURCE_TYPES = ("ECS_FILE", "UDM_ECS", "OSS", "NAS")


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("hbr")
    out = col.section(region, "hbr")
    plans: list[dict] = []
    for source_type in SOURCE_TYPES:
        got, ok = col.pages_by_number(
            "hbr", "DescribeBackupPlans", region,
            lambda page, st=source_type: m.DescribeBackupPlansRequest(source_type=st, page_size=PAGE_SIZE,
                                                                      page_number=page),
            "BackupPlans.BackupPlan[]", total_field="TotalCount", page_size=PAGE_SIZE, success_flag=True)
        plans.extend(got)
        if not ok:  # recorded: every HBR rule in this region is ERROR; asking further adds nothing
            break
    out["backup_plans"] = plans


def min_calls(account: dict, region: str) -> Cost:
    """DescribeBackupPlans once per source type, 99 a page (documented maximum)."""
    plans = region_section(account, region, "hbr").get("backup_plans") or []
    cost = Cost()
    for source_type in SOURCE_TYPES:
        cost.list("hbr:DescribeBackupPlans", pages(sum(1 for p in plans if p.get("SourceType") == source_type), PAGE_SIZE))
    cost.chain = cost.list_calls
    return cost
