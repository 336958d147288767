"""What an RPC-style action handler gets, and the pagination every list action shares."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from . import list_faults
from .auth import Principal
from .wire import ApiError, Request


@dataclass
class Call:
    state: Any
    principal: Principal
    product: str
    action: str
    region: str
    params: dict
    request: Request
    fault: Any = None  # the fault injected into this call (faults.Fault); the list helpers serve page faults

    @property
    def account_id(self) -> str:
        return self.principal.account_id

    def items(self, kind: str, product: str | None = None) -> list[dict]:
        return self.state.items(self.account_id, self.region, product or self.product, kind)

    def find(self, kind: str, field: str, value, *, any_region: bool = False) -> dict | None:
        """The item of this region's `kind` list whose `field` is `value` (indexed lookup).

        With any_region, an item not found here is looked for in every region, and the call's region
        becomes the item's: detail calls without a RegionId parameter go to a product's central endpoint
        (rds.aliyuncs.com, polardb.aliyuncs.com...), which finds the resource by its id alone.
        """
        item = self.state.find(self.account_id, self.region, self.product, kind, field, value)
        if item is None and any_region and not self.params.get("RegionId"):
            found = self.state.find_anywhere(self.account_id, self.product, kind, field, value)
            if found is not None:
                self.region, item = found
        return item

    def fail_if_recorded(self, resource: str | None = None, page: int | None = None) -> None:
        err = self.state.recorded_error(self.account_id, self.product, self.action, self.region, resource, page)
        if err is not None:
            raise ApiError(err["code"], err.get("message") or err["code"], err.get("http_status") or 400)

    def int_param(self, name: str, default: int, lo: int, hi: int) -> int:
        raw = self.params.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(f"InvalidParameter.{name}", f"The specified parameter {name} is not valid.") from None
        if not lo <= value <= hi:
            raise ApiError(f"InvalidParameter.{name}", f"The specified parameter {name} is out of range [{lo}, {hi}].")
        return value

    def json_list(self, name: str, limit: int) -> list | None:
        raw = self.params.get(name)
        if raw in (None, ""):
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise ApiError(f"InvalidParameter.{name}", f"The specified parameter {name} is not a JSON array.") from None
        if not isinstance(value, list) or len(value) > limit:
            raise ApiError(f"InvalidParameter.{name}", f"The specified parameter {name} is not valid.")
        return value

    def repeated(self, name: str, limit: int) -> list[str]:
        """Flattened repeated parameters: Name.1, Name.2, ..."""
        out = []
        n = 1
        while f"{name}.{n}" in self.params:
            out.append(self.params[f"{name}.{n}"])
            n += 1
        if len(out) > limit:
            raise ApiError(f"InvalidParameter.{name}", f"At most {limit} values of {name} are allowed.")
        return out

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise ApiError("MissingParameter", f"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.")
        return value


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def _decode_token(token: str) -> int:
    try:
        pad = "=" * (-len(token) % 4)
        offset = json.loads(base64.urlsafe_b64decode(token + pad))["offset"]
        if not isinstance(offset, int) or offset < 0:
            raise ValueError
        return offset
    except (ValueError, KeyError, TypeError):
        raise ApiError("InvalidParameter.NextToken", "The specified NextToken is not valid.") from None


def page_by_number(call: Call, items: list, *, size_param: str = "PageSize", number_param: str = "PageNumber",
                   default: int = 10, maximum: int = 100, minimum: int = 1) -> tuple[list, int, int]:
    """PageNumber/PageSize pagination: (items of the page, page number, page size)."""
    size = call.int_param(size_param, default, minimum, maximum)
    number = call.int_param(number_param, 1, 1, 1 << 30)
    call.fail_if_recorded(page=number)
    start = (number - 1) * size
    return list_faults.page_number(call.fault, items[start:start + size]), number, size


def page_by_token(call: Call, items: list, *, size_param: str = "MaxResults", default: int = 10,
                  maximum: int = 100, minimum: int = 1) -> tuple[list, str, int]:
    """NextToken/MaxResults pagination: (items of the page, next token or "", page size)."""
    size = call.int_param(size_param, default, minimum, maximum)
    token = call.params.get("NextToken") or ""
    start = _decode_token(token) if token else 0
    call.fail_if_recorded(page=start // size + 1)
    end = start + size
    page, token = list_faults.page(call.fault, items[start:end], _encode_token(end) if end < len(items) else "",
                                   request_cont=token, after_page=_encode_token(end))
    return page, token, size
