"""Product specs: what each product reads, declared once, as data.

A collector module declares `SPEC = Product(...)`: every API it calls, with its scope, and for list
calls the pagination style, the documented maximum page size, where the items are and their id.
The pager (pager.py) runs the list specs; the call list that rules' `needs` are checked against,
the RAM actions of examples/ram-policy.json and the calls the min-call model and plan mode count
are derived from the specs (tests fail when a derived file is stale). The fake's wire behaviour is
written from the documentation, not from these specs, so the fake still tests them.

    SPEC = Product("kms", lists=(
        ListCall("ListKeys", items="Keys.Key", id="KeyId", into="keys",
                 paging=PageNumber(max_size=100, total="TotalCount")),
    ), details=(Detail("DescribeKey", per="KeyId", into="metadata", require="KeyMetadata"),))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

# Scopes: one call for the account, one per region, one per resource, or one per batch of resource ids.
SCOPES = ("account", "region", "resource", "batch")


@dataclass(frozen=True)
class PageNumber:
    """PageNumber/PageSize with the list's total (`total`, for example TotalCount or TotalRecordCount)."""

    max_size: int
    total: str = "TotalCount"
    size_param: str = "page_size"      # the SDK request model's attribute names
    number_param: str = "page_number"
    style = "page_number"


@dataclass(frozen=True)
class NextToken:
    """NextToken/MaxResults; an empty or absent NextToken ends the list. `total` only where the API
    documents a total of the whole list in token mode (ECS and RDS do not: their TotalCount is invalid then)."""

    max_size: int
    total: str | None = None
    size_param: str = "max_results"
    token_param: str = "next_token"
    token_field: str = "NextToken"
    style = "next_token"


@dataclass(frozen=True)
class Marker:
    """Marker/IsTruncated (RAM MaxItems/Marker; OSS max-keys/marker with NextMarker, the same shape as
    ContinuationToken/NextContinuationToken): while `truncated` is true, `marker_field` says where to go on."""

    max_size: int
    size_param: str = "max_items"
    marker_param: str = "marker"
    marker_field: str = "Marker"
    truncated: str = "IsTruncated"
    truncated_optional: bool = False  # OSS leaves IsTruncated out when every item fits in one page
    style = "marker"


Paging = Union[PageNumber, NextToken, Marker]


@dataclass(frozen=True)
class ListCall:
    """An API that returns a list of items.

    items: dotted path of the list in the response body ("Items.DBInstance"); id: the item field (or
    fields) that names an item; into: the snapshot key the items go to (None: the collector stores them);
    require: the item fields the rules rely on; per: for a per-resource list, the field of the parent
    item the call takes; batch: how many parent ids one call takes; max_items: the most items the list
    can hold (a documented quota, or a generous ceiling): with the page size it bounds the pages.
    """

    action: str
    items: str
    id: str | tuple[str, ...] | None
    paging: Paging | None = None
    scope: str = "region"
    into: str | None = None
    require: tuple[str, ...] = ()
    per: str | None = None
    batch: int = 1
    max_items: int = 100_000
    success_flag: bool = False   # HBR: an HTTP 200 with Success false is a failed call

    def __post_init__(self):
        if self.scope not in SCOPES:
            raise ValueError(f"{self.action}: scope {self.scope!r} is not one of {SCOPES}")
        if self.scope in ("resource", "batch") and not self.per:
            raise ValueError(f"{self.action}: a per-resource list names the parent field it takes (per=...)")

    @property
    def page_size(self) -> int | None:
        return self.paging.max_size if self.paging else None

    @property
    def ids(self) -> tuple[str, ...]:
        return () if self.id is None else (self.id,) if isinstance(self.id, str) else tuple(self.id)

    def max_pages(self, total: int | None = None) -> int:
        """The most pages a complete listing can take, with a margin: from the list's total when the
        body gives one, else from max_items."""
        if self.paging is None:
            return 1
        n = total if total is not None else self.max_items
        pages = max(1, math.ceil(n / self.paging.max_size))
        return pages + max(2, pages // 10)


@dataclass(frozen=True)
class Detail:
    """An API called for one resource (per: the item field it takes), or for a batch of them, or once
    (scope account/region). into: the item key its answer goes to; require: the body field that must be
    there; absent: the documented error codes that mean "not configured"; carried_by: another Detail of the
    product whose answer carries this one's fields, so this call is made only when that one failed or left
    the fields out (OSS GetBucketInfo, collection.oss_bucket_info)."""

    action: str
    per: str | None = None
    into: str | None = None
    require: str | None = None
    scope: str = "resource"
    batch: int = 1
    absent: tuple[str, ...] = ()
    carried_by: str | None = None

    def __post_init__(self):
        if self.scope not in SCOPES:
            raise ValueError(f"{self.action}: scope {self.scope!r} is not one of {SCOPES}")


@dataclass(frozen=True)
class Product:
    """One product: its name (as our snapshot and `needs` spell it), its RAM service code where it
    differs (Redis is "kvstore"), and every API it reads."""

    name: str
    lists: tuple[ListCall, ...] = ()
    details: tuple[Detail, ...] = ()
    ram_code: str | None = None
    regional: bool = True  # False: account-level sections only (RAM, IMS)

    def __post_init__(self):
        actions = [c.action for c in self.calls]
        dupes = {a for a in actions if actions.count(a) > 1}
        if dupes:
            raise ValueError(f"{self.name}: {sorted(dupes)} declared twice")

    @property
    def calls(self) -> tuple[ListCall | Detail, ...]:
        return (*self.lists, *self.details)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(c.action for c in self.calls)

    def list(self, action: str) -> ListCall:
        for c in self.lists:
            if c.action == action:
                return c
        raise KeyError(f"{self.name} declares no list call {action}")

    def call(self, action: str) -> ListCall | Detail:
        for c in self.calls:
            if c.action == action:
                return c
        raise KeyError(f"{self.name} declares no call {action}")

    def ram_action(self, action: str) -> str:
        return f"{self.ram_code or self.name}:{action}"


class _Absent:
    """What Collection.call returns for a documented "not configured" answer (spec.absent): falsy, and not None."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = _Absent()
