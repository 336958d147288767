"""PageNumber lists: page 1 gives the total, then every other page is fetched at once, and the pages are
taken in order with the same completeness proofs as one by one (auditor/collectors/pager.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from aliaudit import snapshot
from aliaudit.collectors import pager
from aliaudit.collectors.base import Collection
from aliaudit.collectors.spec import ListCall, PageNumber

SPEC = ListCall("ListKeys", items="Keys.Key", id="KeyId", into="keys", require=("KeyId",),
                paging=PageNumber(max_size=100, total="TotalCount"))


def _pages(total: int, short: int | None = None, dup: int | None = None) -> dict[int, dict]:
    ids = [f"key-{i:04d}" for i in range(total)]
    pages = {}
    for n in range(1, -(-total // 100) + 2):
        chunk = ids[(n - 1) * 100:n * 100]
        if n == short:
            chunk = chunk[:-1]
        if n == dup:
            chunk = [ids[0]] + chunk[1:]
        pages[n] = {"Keys": {"Key": [{"KeyId": i} for i in chunk]}, "TotalCount": total, "PageNumber": n}
    return pages


def _run(pages: dict[int, dict], concurrent: set[int] = frozenset()):
    barrier = threading.Barrier(len(concurrent), timeout=10) if concurrent else None
    asked = []

    def fetch(page, cont):
        asked.append(page)
        if page in concurrent:
            barrier.wait()  # passes only when all these pages are being fetched at the same time
        return pages[page]

    account = snapshot.new_account("1")
    with ThreadPoolExecutor(8) as details:
        col = Collection(None, account, ["cn-hongkong"], details=details)
        listing = pager.run(col, "kms", SPEC, "cn-hongkong", fetch)
    return listing, account, sorted(asked)


def test_the_pages_after_the_first_are_fetched_at_once():
    listing, account, asked = _run(_pages(450), concurrent={2, 3, 4, 5})
    assert listing.complete and len(listing.items) == 450 and account["errors"] == []
    assert [i["KeyId"] for i in listing.items] == [f"key-{i:04d}" for i in range(450)]  # in page order
    assert asked == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("fault, code, page", [({"short": 2}, "CountMismatch", 2), ({"dup": 3}, "CountMismatch", 5)])
def test_a_page_fetched_at_once_still_proves_the_list(fault, code, page):
    """A short page 2 ends the list there, as read one by one (pages 3 to 5, fetched already, are not
    used); an item repeated on page 3 is kept once, recorded, and the count falls short."""
    listing, account, _ = _run(_pages(450, **fault))
    assert not listing.complete
    assert [(e["code"], e.get("page")) for e in account["errors"]] == [(code, page)]
    if "short" in fault:
        assert len(listing.items) == 199
    else:
        assert [d["id"] for d in account["duplicates"]] == ["key-0000"] and len(listing.items) == 449


def test_a_failed_page_fetched_at_once_makes_the_list_incomplete():
    pages = _pages(350)
    pages[3] = None
    listing, account, asked = _run(pages)
    assert not listing.complete and asked == [1, 2, 3, 4]
