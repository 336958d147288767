"""PolarDB 2017-08-01: clusters, attribute, TDE, SSL, backup policy and access whitelist.

A cluster whose snapshot item lacks a detail sub-document is served the value
a new cluster has on the real service (see DEFAULTS).
"""

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "polardb"
VERSION = "2017-08-01"
HOST_PREFIXES = ("polardb",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("DBClusterId", "dbcluster")
DETAILS = ("attribute", "tde", "ssl", "backup_policy", "whitelist")
PAGE_SIZES = (30, 50, 100)

DEFAULTS = {
    "tde": {"TDEStatus": "Disabled"},
    "ssl": {"Items": []},
    "backup_policy": {"DataLevel1BackupRetentionPeriod": "7", "DataLevel2BackupRetentionPeriod": "0",
                      "PreferredBackupPeriod": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
                      "PreferredBackupTime": "07:00Z-08:00Z", "BackupRetentionPolicyOnClusterDeletion": "NONE",
                      "DataLevel2BackupAnotherRegionRetentionPeriod": "0", "BackupFrequency": "Normal"},
    "whitelist": {"Items": {"DBClusterIPArray": [{"DBClusterIPArrayName": "default", "DBClusterIPArrayAttribute": "",
                                                  "SecurityIps": "127.0.0.1"}]}},
}


def describe_db_clusters(call: Call) -> dict:
    items = call.items("clusters")
    if call.params.get("DBClusterIds"):
        wanted = set(call.params["DBClusterIds"].split(","))
        items = [i for i in items if i.get("DBClusterId") in wanted]
    size = call.params.get("PageSize")
    if size not in (None, "") and size not in {str(s) for s in PAGE_SIZES}:
        raise ApiError("InvalidPageSize.Malformed", "The specified parameter PageSize is not valid.")
    page, number, _ = page_by_number(call, items, default=30, minimum=30, maximum=100)
    return {"Items": {"DBCluster": [strip(i, DETAILS) for i in page]}, "TotalRecordCount": len(items),
            "PageNumber": number, "PageRecordCount": len(page)}


def _cluster(call: Call) -> dict:
    cluster_id = call.require("DBClusterId")
    if not cluster_id.startswith("pc-"):
        raise ApiError("InvalidDBClusterId.Malformed", "The specified parameter DBClusterId is not valid.")
    item = call.find("clusters", "DBClusterId", cluster_id, any_region=True)
    call.fail_if_recorded(resource=cluster_id)
    if item is None:
        raise ApiError("InvalidDBCluster.NotFound", "The DBClusterId provided does not exist in our records.", 404)
    return item


def describe_db_cluster_attribute(call: Call) -> dict:
    item = _cluster(call)
    return dict(item.get("attribute") or strip(item, DETAILS))


def _detail(name: str):
    def handler(call: Call) -> dict:
        item = _cluster(call)
        body = dict(item.get(name) or DEFAULTS[name])
        if name == "tde":
            body.setdefault("DBClusterId", item["DBClusterId"])
        return body

    handler.__name__ = f"describe_{name}"
    return handler


ACTIONS = {
    "DescribeDBClusters": describe_db_clusters,
    "DescribeDBClusterAttribute": describe_db_cluster_attribute,
    "DescribeDBClusterTDE": _detail("tde"),
    "DescribeDBClusterSSL": _detail("ssl"),
    "DescribeBackupPolicy": _detail("backup_policy"),
    "DescribeDBClusterAccessWhitelist": _detail("whitelist"),
}
