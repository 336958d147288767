"""Security Center (SAS, account level): the edition, the server assets with their agent status and risk
counts, the notification, vulnerability-scan and asset-fingerprint settings, and the service-linked roles.

Security Center is central: the SDK's endpoint map sends every region of the Chinese mainland and Hong
Kong to tds.cn-shanghai.aliyuncs.com and the other regions to tds.ap-southeast-1.aliyuncs.com (the
documented endpoint table, tests/documented/SOURCES-sas.md). The scan asks one site, whatever the order
of its regions: the endpoint of cn-hongkong when the scan covers it, else of its first region (README,
known limits). Stored in the account section: global.sas.
"""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection, in_order
from .cost import Cost, pages
from .spec import Detail, ListCall, PageNumber, Product

# DescribeCloudCenterInstances: CurrentPage/PageSize, the total in PageInfo.TotalCount. The documentation
# gives the default page size (20) but no maximum; 100 is what Prowler 5.46 asks. A page the server cuts
# shorter leaves the count short of the total: the list is incomplete (ERROR), never taken as whole.
# DescribeNoticeConfig and DescribeVulConfig answer every setting in one body, without paging.
ASSET_PAGE = 100
# Where the documented RAM action of a call is not yundun-sas:<Action> (tests/documented/SOURCES-sas.md).
SPEC = Product("sas", regional=False, ram_code="yundun-sas", ram_codes=(("DescribeNoticeConfig", "yundun-aegis"),),
               lists=(
    ListCall("DescribeCloudCenterInstances", scope="account", items="Instances", id="Uuid", into="assets",
             paging=PageNumber(max_size=ASSET_PAGE, total="PageInfo.TotalCount", number_param="current_page"),
             require=("Uuid", "ClientStatus")),
    ListCall("DescribeNoticeConfig", scope="account", items="NoticeConfigList", id="Project", into="notice_configs",
             require=("Project", "Route")),
    ListCall("DescribeVulConfig", scope="account", items="TargetConfigs", id="Type", into="vul_configs",
             require=("Type", "Config")),
), details=(
    Detail("DescribeVersionConfig", scope="account", into="version_config", require="Version"),
    Detail("DescribeConcernNecessity", scope="account", into="concern_necessity", require="ConcernNecessity"),
    Detail("DescribeServiceLinkedRoleStatus", per="ServiceLinkedRole", into="status", require="RoleStatus.Status"),
    Detail("DescribePropertyScheduleConfig", per="Type", into="schedule", require="Config"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
REGIONAL_SECTIONS = False

# The documented ServiceLinkedRole values: Security Center's own role and the one of its configuration
# assessment (CSPM), each letting it read the account's other services.
SERVICE_ROLES = ("AliyunServiceRoleForSas", "AliyunServiceRoleForSasCspm")
# The documented asset fingerprint types (DescribePropertyScheduleConfig Type).
FINGERPRINT_TYPES = ("scheduler_port_period", "scheduler_process_period", "scheduler_account_period",
                     "scheduler_software_period", "scheduler_cron_period", "scheduler_sca_period",
                     "scheduler_autorun_period", "scheduler_lkm_period", "scheduler_sca_proxy_period")
ONCE = ("DescribeVersionConfig", "DescribeConcernNecessity")


SITE_REGION = "cn-hongkong"  # the region whose endpoint is asked when the scan covers it


def site_region(regions: list[str]) -> str:
    return SITE_REGION if SITE_REGION in regions or not regions else regions[0]


def collect_account(col: Collection) -> None:
    """Every call at once: none needs another's answer. The section's keys are then put in one order."""
    m = sdk.models("sas")
    region = site_region(col.regions)
    out = col.section(None, "sas")

    def once(action: str) -> None:
        spec = SPEC.call(action)
        body = col.rpc("sas", action, None, getattr(m, f"{action}Request")(), require=spec.require,
                       client_region=region)
        if body is not None:
            out[spec.into] = [body]

    def listed(action: str, params: dict) -> None:
        spec = SPEC.list(action)
        got = pager.list_rpc(col, PRODUCT, spec, None, params, client_region=region)
        if got.complete:
            out[spec.into] = got.items

    roles = [{"ServiceLinkedRole": name} for name in SERVICE_ROLES]
    types = [{"Type": kind} for kind in FINGERPRINT_TYPES]
    role_spec, type_spec = SPEC.call("DescribeServiceLinkedRoleStatus"), SPEC.call("DescribePropertyScheduleConfig")
    lists = (("DescribeCloudCenterInstances", {"machine_types": "ecs"}), ("DescribeNoticeConfig", {}),
             ("DescribeVulConfig", {}))
    col.at_once(*(lambda a=action: once(a) for action in ONCE),
                *(lambda a=action, p=params: listed(a, p) for action, params in lists),
                *(lambda r=r: pager.detail_rpc(col, PRODUCT, role_spec, None, r,
                                               {"service_linked_role": r["ServiceLinkedRole"]}, client_region=region)
                  for r in roles),
                *(lambda t=t: pager.detail_rpc(col, PRODUCT, type_spec, None, t, {"type": t["Type"]},
                                               client_region=region) for t in types))
    out["service_linked_roles"] = roles
    out["fingerprint_schedules"] = types
    in_order(out, [SPEC.call(a).into for a in ONCE] + [SPEC.list(a).into for a, _ in lists]
             + ["service_linked_roles", "fingerprint_schedules"])


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """The edition and the scan levels once each; the server assets 100 a page; the notification and
    vulnerability settings one body each; one call per service-linked role and per fingerprint type."""
    assets = ((account.get("global") or {}).get("sas") or {}).get("assets") or []
    n_pages = pages(len(assets), ASSET_PAGE)
    cost = Cost()
    for action in ONCE:
        cost.list(f"sas:{action}", 1)
    cost.list("sas:DescribeCloudCenterInstances", n_pages)
    cost.list("sas:DescribeNoticeConfig", 1).list("sas:DescribeVulConfig", 1)
    cost.detail("sas:DescribeServiceLinkedRoleStatus", len(SERVICE_ROLES))
    cost.detail("sas:DescribePropertyScheduleConfig", len(FINGERPRINT_TYPES))
    cost.chain = min(n_pages, 2)  # every call at once; a second page after the first (PageNumber)
    return cost
