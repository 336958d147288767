"""ApsaraDB RDS 2014-08-15: instances, attributes, backup policy, TDE, SSL, SQL audit and parameters.

An instance whose snapshot item lacks a detail sub-document is served the
value a new instance has on the real service (see DEFAULTS).
"""

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "rds"
VERSION = "2014-08-15"
HOST_PREFIXES = ("rds",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("DBInstanceId", "dbinstance")
DETAILS = ("attribute", "backup_policy", "tde", "ssl", "ip_arrays", "cross_backup", "sql_audit", "sql_audit_retention",
           "parameters")
# SQL Explorer (SQL audit) is documented for these engines only (DescribeSQLCollectorPolicy /
# DescribeSQLCollectorRetention "Supported database engines"); the documentation names no error for the
# others: the fake answers them as for an unknown instance (see sql_audit below).
SQL_AUDIT_ENGINES = {"MySQL", "SQLServer", "PostgreSQL"}

DEFAULTS = {
    "backup_policy": {"BackupRetentionPeriod": 7, "PreferredBackupPeriod": "Monday,Wednesday,Friday,Sunday",
                      "PreferredBackupTime": "19:00Z-20:00Z", "BackupLog": "Enable", "LogBackupRetentionPeriod": 7},
    "tde": {"TDEStatus": "Disabled"},
    "ssl": {"SSLEnabled": "No", "RequireUpdate": "No"},
    # A new instance: the default group only, no access; cross-region backup off.
    "ip_arrays": [{"DBInstanceIPArrayName": "default", "DBInstanceIPArrayAttribute": "", "WhitelistNetworkType": "MIX",
                   "SecurityIPList": "127.0.0.1", "SecurityIPType": "IPv4"}],
    "cross_backup": {"BackupEnabled": "Disable", "LogBackupEnabled": "Disable", "CrossBackupRegion": ""},
    # SQL Explorer is off on a new instance; its shortest retention choice is 30 days.
    "sql_audit": {"SQLCollectorStatus": "Disabled", "StoragePeriod": 0},
    "sql_audit_retention": {"ConfigValue": "30"},
}
# PostgreSQL's own defaults for the connection logging parameters (off).
PG_DEFAULT_PARAMETERS = [{"ParameterName": name, "ParameterValue": "off", "ParameterDefaultValue": "off",
                          "ParameterValueRange": "[on|off]", "ParameterDescription": ""}
                         for name in ("log_connections", "log_disconnections", "log_duration")]


def describe_db_instances(call: Call) -> dict:
    items = call.items("instances")
    if call.params.get("DBInstanceId"):
        wanted = set(call.params["DBInstanceId"].split(","))
        items = [i for i in items if i.get("DBInstanceId") in wanted]
    page, number, size = page_by_number(call, items, default=30, minimum=1, maximum=100)
    return {
        "Items": {"DBInstance": [strip(i, DETAILS) for i in page]},
        "TotalRecordCount": len(items),
        "PageNumber": number,
        "PageRecordCount": len(page),
    }


def _instance(call: Call) -> dict:
    instance_id = call.require("DBInstanceId")
    # The detail calls take no RegionId and the SDK sends most regions to the central endpoint
    # (rds.aliyuncs.com): the instance is found by its id in whichever region it lives.
    item = call.find("instances", "DBInstanceId", instance_id, any_region=True)
    call.fail_if_recorded(resource=instance_id)
    if item is None:
        raise ApiError("InvalidDBInstanceId.NotFound", "Specified instance does not exist or not support.", 404)
    return item


def describe_db_instance_attribute(call: Call) -> dict:
    item = _instance(call)
    attr = item.get("attribute") or strip(item, DETAILS)
    return {"Items": {"DBInstanceAttribute": [attr]}}


def _detail(name: str):
    def handler(call: Call) -> dict:
        item = _instance(call)
        return dict(item.get(name) or DEFAULTS[name])

    handler.__name__ = f"describe_{name}"
    return handler


def describe_ip_array_list(call: Call) -> dict:
    item = _instance(call)
    arrays = item.get("ip_arrays") if item.get("ip_arrays") is not None else DEFAULTS["ip_arrays"]
    return {"Items": {"DBInstanceIPArray": list(arrays)}}


def describe_cross_backup_policy(call: Call) -> dict:
    call.require("RegionId")
    try:
        item = _instance(call)
    except ApiError as err:
        if err.code == "InvalidDBInstanceId.NotFound":  # documented as 400 for this action
            raise ApiError(err.code, err.message, 400) from None
        raise
    policy = dict(item.get("cross_backup") or DEFAULTS["cross_backup"])
    policy.update({k: item[k] for k in ("DBInstanceId", "Engine", "EngineVersion", "RegionId", "DBInstanceStatus")
                   if k in item})
    return policy


def _sql_audit(name: str):
    def handler(call: Call) -> dict:
        item = _instance(call)
        if item.get("Engine") not in SQL_AUDIT_ENGINES:
            raise ApiError("InvalidDBInstanceId.NotFound", "Specified instance does not exist or not support.", 404)
        return dict(item.get(name) or DEFAULTS[name])

    handler.__name__ = f"describe_{name}"
    return handler


def describe_parameters(call: Call) -> dict:
    item = _instance(call)
    if item.get("parameters") is not None:
        return dict(item["parameters"])
    running = PG_DEFAULT_PARAMETERS if item.get("Engine") == "PostgreSQL" else []
    return {"Engine": item.get("Engine"), "EngineVersion": item.get("EngineVersion"),
            "ConfigParameters": {"DBInstanceParameter": []},
            "RunningParameters": {"DBInstanceParameter": [dict(p) for p in running]}}


ACTIONS = {
    "DescribeDBInstances": describe_db_instances,
    "DescribeDBInstanceAttribute": describe_db_instance_attribute,
    "DescribeBackupPolicy": _detail("backup_policy"),
    "DescribeDBInstanceTDE": _detail("tde"),
    "DescribeDBInstanceSSL": _detail("ssl"),
    "DescribeDBInstanceIPArrayList": describe_ip_array_list,
    "DescribeInstanceCrossBackupPolicy": describe_cross_backup_policy,
    "DescribeSQLCollectorPolicy": _sql_audit("sql_audit"),
    "DescribeSQLCollectorRetention": _sql_audit("sql_audit_retention"),
    "DescribeParameters": describe_parameters,
}
