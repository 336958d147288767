"""Cloud Backup (HBR 2017-09-08): backup plans.

HBR reports some failures as HTTP 200 with `Success: false` and the error `Code` in the body. A
recorded error whose `http_status` is 200 is replayed that way; other recorded errors as HTTP errors.
"""

from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "hbr"
VERSION = "2017-09-08"
HOST_PREFIXES = ("hbr",)


def _failed_in_body(err: ApiError) -> dict:
    return {"Success": False, "Code": err.code, "Message": err.message}


def describe_backup_plans(call: Call) -> dict:
    plans = call.items("backup_plans")
    source_type = call.params.get("SourceType")
    if source_type:
        plans = [p for p in plans if p.get("SourceType") == source_type]
    try:
        page, number, size = page_by_number(call, plans, default=10, maximum=99)
    except ApiError as err:
        if err.status == 200:
            return _failed_in_body(err)
        raise
    return {"Success": True, "Code": "200", "Message": "successful", "PageNumber": number, "PageSize": size,
            "TotalCount": len(plans), "BackupPlans": {"BackupPlan": page}}


ACTIONS = {"DescribeBackupPlans": describe_backup_plans}
