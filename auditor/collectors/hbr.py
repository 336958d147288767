"""Cloud Backup (HBR): backup plans of ECS files and instances, OSS buckets and NAS file systems.

HBR can answer HTTP 200 with `Success: false` and the error `Code` in the body: that is recorded as
a failed call, never read as "no plans".
"""

from __future__ import annotations

from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import ListCall, PageNumber, Product

# DescribeBackupPlans: PageSize 1-99 with TotalCount (tests/documented/NOTES-issue4.md); Success in the body.
SPEC = Product("hbr", lists=(
    ListCall("DescribeBackupPlans", items="BackupPlans.BackupPlan", id="PlanId", into="backup_plans",
             paging=PageNumber(max_size=99, total="TotalCount"), success_flag=True,
             require=("PlanId", "SourceType", "Disabled", "Retention")),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
PAGE_SIZE = SPEC.list("DescribeBackupPlans").page_size
# One call per data source type: older API versions require SourceType.
SOURCE_TYPES = ("ECS_FILE", "UDM_ECS", "OSS", "NAS")


def collect_region(col: Collection, region: str) -> None:
    out = col.section(region, "hbr")
    lists = col.at_once(*(lambda t=source_type: pager.list_rpc(col, PRODUCT, SPEC.list("DescribeBackupPlans"), region,
                                                               {"source_type": t})
                          for source_type in SOURCE_TYPES))
    # an incomplete list is recorded: every HBR rule in this region is then ERROR
    out["backup_plans"] = [plan for got in lists for plan in got.items]


def min_calls(account: dict, region: str) -> Cost:
    """DescribeBackupPlans once per source type, 99 a page (documented maximum)."""
    plans = region_section(account, region, "hbr").get("backup_plans") or []
    cost = Cost()
    per_type = [pages(sum(1 for p in plans if p.get("SourceType") == source_type), PAGE_SIZE)
                for source_type in SOURCE_TYPES]
    for n in per_type:
        cost.list("hbr:DescribeBackupPlans", n)
    cost.chain = max(per_type)  # the source types are listed at once
    return cost
