"""Security Center (SAS 2018-12-03, central: tds.cn-shanghai / tds.ap-southeast-1): the edition, the server
assets, the notification, vulnerability-scan and asset-fingerprint settings, the service-linked roles.

Written from the documentation (tests/documented/SOURCES-sas.md), not from the collector's spec. The state
is the snapshot's account section global.sas:
  version_config [body], concern_necessity [body], assets [Instances items], notice_configs
  [NoticeConfigList items], vul_configs [TargetConfigs items], service_linked_roles [{ServiceLinkedRole,
  status: body}], fingerprint_schedules [{Type, schedule: body}].
A snapshot without a sas section is served as an account that never set Security Center up (the Free
edition, no notification or scan setting, no role, no collection): not a claim about the real defaults.
"""

from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "sas"
VERSION = "2018-12-03"
HOST_PREFIXES = ("tds",)

FREE = {"Version": 1, "IsTrialVersion": 0, "HighestVersion": 1}
FINGERPRINT_TYPES = ("scheduler_port_period", "scheduler_process_period", "scheduler_account_period",
                     "scheduler_software_period", "scheduler_cron_period", "scheduler_sca_period",
                     "scheduler_autorun_period", "scheduler_lkm_period", "scheduler_sca_proxy_period")
ROLES = ("AliyunServiceRoleForSas", "AliyunServiceRoleForSasCspm")


def _stored(call: Call, kind: str):
    return call.state.global_items(call.account_id, "sas", kind)


def describe_version_config(call: Call) -> dict:
    call.fail_if_recorded()
    stored = _stored(call, "version_config")
    return dict(stored[0]) if stored else dict(FREE)


def describe_concern_necessity(call: Call) -> dict:
    call.fail_if_recorded()
    stored = _stored(call, "concern_necessity")
    return dict(stored[0]) if stored else {"ConcernNecessity": []}


def describe_cloud_center_instances(call: Call) -> dict:
    """CurrentPage / PageSize (default 20; the documentation gives no maximum, the fake takes 1-100), the
    total in PageInfo.TotalCount. The snapshot holds the server assets (MachineTypes=ecs)."""
    assets = _stored(call, "assets") or []
    page, number, size = page_by_number(call, assets, size_param="PageSize", number_param="CurrentPage",
                                        default=20, minimum=1, maximum=100)
    return {"Success": True, "Instances": page,
            "PageInfo": {"CurrentPage": number, "PageSize": size, "TotalCount": len(assets), "Count": len(page)}}


def describe_notice_config(call: Call) -> dict:
    call.fail_if_recorded()
    return {"NoticeConfigList": [dict(c) for c in _stored(call, "notice_configs") or []]}


def describe_vul_config(call: Call) -> dict:
    call.fail_if_recorded()
    configs = [dict(c) for c in _stored(call, "vul_configs") or []]
    wanted = call.params.get("Type")
    if wanted:
        configs = [c for c in configs if c.get("Type") == wanted]
    return {"TargetConfigs": configs, "TotalCount": len(configs)}


def describe_service_linked_role_status(call: Call) -> dict:
    name = call.params.get("ServiceLinkedRole") or "AliyunServiceRoleForSas"
    call.fail_if_recorded(resource=name)
    if name not in ROLES:
        raise ApiError("InvalidParam", f"The specified ServiceLinkedRole {name} is not valid.", 400)
    role = next((r for r in _stored(call, "service_linked_roles") or [] if r.get("ServiceLinkedRole") == name), None)
    if role is None or not isinstance(role.get("status"), dict):
        return {"RoleStatus": {"Status": False}}
    return dict(role["status"])


def describe_property_schedule_config(call: Call) -> dict:
    kind = call.require("Type")
    call.fail_if_recorded(resource=kind)
    if kind not in FINGERPRINT_TYPES:
        raise ApiError("InvalidParam", f"The specified Type {kind} is not valid.", 400)
    entry = next((t for t in _stored(call, "fingerprint_schedules") or [] if t.get("Type") == kind), None)
    if entry is None or not isinstance(entry.get("schedule"), dict):
        return {"Config": "0"}
    return dict(entry["schedule"])


ACTIONS = {
    "DescribeVersionConfig": describe_version_config,
    "DescribeConcernNecessity": describe_concern_necessity,
    "DescribeCloudCenterInstances": describe_cloud_center_instances,
    "DescribeNoticeConfig": describe_notice_config,
    "DescribeVulConfig": describe_vul_config,
    "DescribeServiceLinkedRoleStatus": describe_service_linked_role_status,
    "DescribePropertyScheduleConfig": describe_property_schedule_config,
}
