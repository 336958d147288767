"""KMS 2016-01-20: keys and their metadata (rotation, deletion protection, state)."""

from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "kms"
VERSION = "2016-01-20"
HOST_PREFIXES = ("kms",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("KeyId", "key")


def list_keys(call: Call) -> dict:
    keys = call.items("keys")
    page, number, size = page_by_number(call, keys, default=10, maximum=100)
    return {
        "Keys": {"Key": [{"KeyId": k["KeyId"], "KeyArn": k.get("KeyArn")} for k in page]},
        "TotalCount": len(keys),
        "PageNumber": number,
        "PageSize": size,
    }


def describe_key(call: Call) -> dict:
    key_id = call.require("KeyId")
    call.fail_if_recorded(resource=key_id)
    key = call.find("keys", "KeyId", key_id)
    if key is None:
        raise ApiError("Forbidden.KeyNotFound", "The specified Key is not found.", 404, HttpStatus=404)
    meta = key.get("metadata") or {"KeyId": key_id, "Arn": key.get("KeyArn"), "KeyState": "Enabled"}
    return {"KeyMetadata": meta}


ACTIONS = {
    "ListKeys": list_keys,
    "DescribeKey": describe_key,
}
