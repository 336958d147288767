"""ApsaraDB for MongoDB (dds 2015-12-01): instances and their TDE, SSL, backup and IP whitelist settings.

An instance whose snapshot item lacks a detail sub-document is served the value a new instance has on
the real service (see DEFAULTS).
"""

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "mongodb"
VERSION = "2015-12-01"
HOST_PREFIXES = ("mongodb",)  # mongodb.aliyuncs.com, mongodb.<region>.aliyuncs.com (the SDK's endpoint map)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("DBInstanceId", "dbinstance")
DETAILS = ("attribute", "tde", "ssl", "backup_policy", "security_ips")
PAGE_SIZES = (30, 50, 100)  # DescribeDBInstances PageSize: 30 (default), 50 or 100

DEFAULTS = {
    "tde": {"TDEStatus": "disabled"},
    "ssl": {"SSLStatus": "Closed", "ForceEncryption": "0"},
    # instances created after 2021-09-10 keep backups 30 days; log backup is off by default
    "backup_policy": {"BackupRetentionPeriod": "30", "PreferredBackupPeriod": "Monday,Wednesday,Friday,Sunday",
                      "PreferredBackupTime": "19:00Z-20:00Z", "EnableBackupLog": 0, "LogBackupRetentionPeriod": 7},
    # a new instance: the default group with the loopback address only
    "security_ips": {"SecurityIps": "127.0.0.1", "SecurityIpGroups": {"SecurityIpGroup": [
        {"SecurityIpGroupName": "default", "SecurityIpGroupAttribute": "", "SecurityIpList": "127.0.0.1"}]}},
}


def describe_db_instances(call: Call) -> dict:
    kind = call.params.get("DBInstanceType") or "replicate"  # documented default
    items = [i for i in call.items("instances") if (i.get("DBInstanceType") or "replicate") == kind]
    if call.params.get("DBInstanceId"):
        items = [i for i in items if i.get("DBInstanceId") == call.params["DBInstanceId"]]
    if call.params.get("PageSize") not in (None, "") and call.params["PageSize"] not in {str(s) for s in PAGE_SIZES}:
        raise ApiError("InvalidParameter", "The specified parameter PageSize is not valid.", 400)
    page, number, size = page_by_number(call, items, default=30, maximum=100)
    return {"DBInstances": {"DBInstance": [strip(i, DETAILS) for i in page]}, "TotalCount": len(items),
            "PageNumber": number, "PageSize": size}


def _instance(call: Call) -> dict:
    instance_id = call.require("DBInstanceId")
    item = call.find("instances", "DBInstanceId", instance_id, any_region=True)
    call.fail_if_recorded(resource=instance_id)
    if item is None:
        raise ApiError("InvalidDBInstanceId.NotFound", "The specified instance is not found.", 404)
    return item


def describe_db_instance_attribute(call: Call) -> dict:
    item = _instance(call)
    return {"DBInstances": {"DBInstance": [item.get("attribute") or strip(item, DETAILS)]}}


def _detail(name: str):
    def handler(call: Call) -> dict:
        item = _instance(call)
        return dict(item.get(name) or DEFAULTS[name])

    handler.__name__ = f"describe_{name}"
    return handler


ACTIONS = {
    "DescribeDBInstances": describe_db_instances,
    "DescribeDBInstanceAttribute": describe_db_instance_attribute,
    "DescribeDBInstanceTDEInfo": _detail("tde"),
    "DescribeDBInstanceSSL": _detail("ssl"),
    "DescribeBackupPolicy": _detail("backup_policy"),
    "DescribeSecurityIps": _detail("security_ips"),
}
