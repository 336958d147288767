"""Apsara File Storage NAS 2017-06-26: file systems, permission (access) groups and their rules.

Written from the documentation (tests/documented/SOURCES-nas.md), not from the collector's spec:
every list pages by PageNumber/PageSize (1-100, default 10) with TotalCount. DescribeFileSystems
lists every file system type by default ("all"); DescribeAccessGroups and DescribeAccessRules list
the groups of one FileSystemType (standard by default).
"""

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "nas"
VERSION = "2017-06-26"
HOST_PREFIXES = ("nas",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py):
# DescribeAccessRules is authorised on acs:nas:{region}:{account}:accessgroup/{name}.
RESOURCE = ("AccessGroupName", "accessgroup")
DETAILS = ("rules",)


def _page(call: Call, items: list) -> tuple[list, int, int]:
    size = call.params.get("PageSize")
    if size not in (None, "") and not (str(size).isdigit() and 1 <= int(size) <= 100):
        raise ApiError("InvalidParam.PageSize", "The specified parameter PageSize is not valid.", 400)
    return page_by_number(call, items, default=10, minimum=1, maximum=100)


def _of_type(call: Call, items: list) -> list:
    wanted = call.params.get("FileSystemType") or "standard"
    return [i for i in items if (i.get("FileSystemType") or "standard") == wanted]


def describe_file_systems(call: Call) -> dict:
    items = call.items("file_systems")
    types = call.params.get("FileSystemType") or "all"
    if types != "all":
        wanted = set(types.split(","))
        items = [i for i in items if i.get("FileSystemType") in wanted]
    if call.params.get("FileSystemId"):
        items = [i for i in items if i.get("FileSystemId") == call.params["FileSystemId"]]
        if not items:
            raise ApiError("InvalidFileSystem.NotFound", "The specified file system does not exist.", 404)
    page, number, size = _page(call, items)
    return {"FileSystems": {"FileSystem": page}, "TotalCount": len(items), "PageNumber": number, "PageSize": size}


def describe_access_groups(call: Call) -> dict:
    groups = _of_type(call, call.items("access_groups"))
    if call.params.get("AccessGroupName"):
        groups = [g for g in groups if g.get("AccessGroupName") == call.params["AccessGroupName"]]
        if not groups:
            raise ApiError("InvalidAccessGroup.NotFound", "The specified access group does not exist.", 404)
    page, number, size = _page(call, groups)
    return {"AccessGroups": {"AccessGroup": [strip(g, DETAILS) for g in page]}, "TotalCount": len(groups),
            "PageNumber": number, "PageSize": size}


def describe_access_rules(call: Call) -> dict:
    name = call.require("AccessGroupName")
    call.fail_if_recorded(resource=name)
    group = next((g for g in _of_type(call, call.items("access_groups")) if g.get("AccessGroupName") == name), None)
    if group is None:
        raise ApiError("InvalidAccessGroup.NotFound", "The specified access group does not exist.", 404)
    rules = group.get("rules") or []
    page, number, size = _page(call, rules)
    return {"AccessRules": {"AccessRule": page}, "TotalCount": len(rules), "PageNumber": number, "PageSize": size}


ACTIONS = {
    "DescribeFileSystems": describe_file_systems,
    "DescribeAccessGroups": describe_access_groups,
    "DescribeAccessRules": describe_access_rules,
}
