"""ApsaraDB for Redis / Tair (R-kvstore 2015-01-01): instances and their security and backup settings.

An instance whose snapshot item lacks a detail sub-document is served the value
a new instance has on the real service (see DEFAULTS).
"""

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "redis"
VERSION = "2015-01-01"
HOST_PREFIXES = ("r-kvstore",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("InstanceId", "instance")
DETAILS = ("attribute", "ssl", "tde", "backup_policy", "security_ips")

DEFAULTS = {
    "ssl": {"SSLEnabled": "Disable"},
    "tde": {"TDEStatus": "Disable"},
    "backup_policy": {"BackupRetentionPeriod": "7", "PreferredBackupPeriod": "Monday,Tuesday,Wednesday,Thursday,"
                      "Friday,Saturday,Sunday", "PreferredBackupTime": "05:00Z-06:00Z", "EnableBackupLog": 0,
                      "DbsInstance": "0"},
    "security_ips": {"SecurityIpGroups": {"SecurityIpGroup": [
        {"SecurityIpGroupName": "default", "SecurityIpGroupAttribute": "", "SecurityIpList": "127.0.0.1"}]}},
}


def describe_instances(call: Call) -> dict:
    items = call.items("instances")
    if call.params.get("InstanceIds"):
        wanted = set(call.params["InstanceIds"].split(","))
        items = [i for i in items if i.get("InstanceId") in wanted]
    if call.params.get("PageSize") not in (None, ""):
        try:
            ok = 1 <= int(call.params["PageSize"]) <= 50
        except ValueError:
            ok = False
        if not ok:
            raise ApiError("InvalidPageSize.Malformed", "The specified parameter PageSize is not valid.")
    page, number, size = page_by_number(call, items, default=30, maximum=50)
    return {"Instances": {"KVStoreInstance": [strip(i, DETAILS) for i in page]}, "TotalCount": len(items),
            "PageNumber": number, "PageSize": size}


def _instance(call: Call) -> dict:
    instance_id = call.require("InstanceId")
    item = call.find("instances", "InstanceId", instance_id, any_region=True)
    call.fail_if_recorded(resource=instance_id)
    if item is None:
        raise ApiError("InvalidInstanceId.NotFound", "The specified instance is not found.", 404)
    return item


def describe_instance_attribute(call: Call) -> dict:
    item = _instance(call)
    return {"Instances": {"DBInstanceAttribute": [item.get("attribute") or strip(item, DETAILS)]}}


def _detail(name: str):
    def handler(call: Call) -> dict:
        item = _instance(call)
        body = dict(item.get(name) or DEFAULTS[name])
        if name == "ssl":
            body.setdefault("InstanceId", item["InstanceId"])
        return body

    handler.__name__ = f"describe_{name}"
    return handler


ACTIONS = {
    "DescribeInstances": describe_instances,
    "DescribeInstanceAttribute": describe_instance_attribute,
    "DescribeInstanceSSL": _detail("ssl"),
    "DescribeInstanceTDEStatus": _detail("tde"),
    "DescribeBackupPolicy": _detail("backup_policy"),
    "DescribeSecurityIps": _detail("security_ips"),
}
