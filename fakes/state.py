"""The fake's state: a snapshot, split into per-account, per-region stores."""

from __future__ import annotations

import copy
import threading
from collections import Counter
from typing import Any

DEFAULT_ACCESS_KEY_ID = "fake-access-key-id"
DEFAULT_ACCESS_KEY_SECRET = "fake-access-key-secret"
DEFAULT_ACCOUNT_ID = "5000000000000001"


def account_key(account_id: str) -> tuple[str, str]:
    """The access key pair the fake gives each account of a loaded snapshot."""
    return f"fake-key-{account_id}", f"fake-secret-{account_id}"


class FakeState:
    """What the fake cloud knows: accounts with their resources, access keys, recorded errors.

    Nothing here is global: each FakeCloud or fake server owns its own state.
    """

    def __init__(self, snapshot: Any = None):
        self.lock = threading.RLock()
        self.accounts: dict[str, dict] = {}
        self.keys: dict[str, dict] = {}
        self.calls: Counter = Counter()
        self.roles: list[dict] = []
        self.resource_directory: dict | None = None
        self.unavailable: dict[str, list[dict]] = {}
        self._index: dict[tuple, tuple] = {}
        self.reset()
        if snapshot is not None:
            self.load(snapshot)

    def reset(self) -> None:
        with self.lock:
            self.accounts = {}
            self.keys = {
                DEFAULT_ACCESS_KEY_ID: {
                    "secret": DEFAULT_ACCESS_KEY_SECRET,
                    "account_id": DEFAULT_ACCOUNT_ID,
                    "policy": None,
                }
            }
            self.calls = Counter()
            self.roles = []
            self.resource_directory = None

    # -- loading -----------------------------------------------------------
    def load(self, snapshot: Any) -> "FakeState":
        """Load a snapshot (a path or a dict); it replaces what the state held."""
        from aliaudit import snapshot as snap

        doc = snap.load(str(snapshot)) if not isinstance(snapshot, dict) else snap.validate(snapshot)
        doc = copy.deepcopy(doc)
        with self.lock:
            self.reset()
            for account in doc.get("accounts", []):
                account.setdefault("global", {})
                account.setdefault("errors", [])
                self.accounts[account["account_id"]] = account
                key_id, secret = account_key(account["account_id"])
                self.add_key(key_id, secret, account["account_id"])
            fake = doc.get("fake", {})
            first = next(iter(self.accounts), DEFAULT_ACCOUNT_ID)
            self.keys[DEFAULT_ACCESS_KEY_ID]["account_id"] = first
            if fake.get("default_policy") is not None:
                self.keys[DEFAULT_ACCESS_KEY_ID]["policy"] = fake["default_policy"]
            for key in fake.get("access_keys", []):
                if key.get("security_token"):
                    self.add_temporary_key(key["id"], key["secret"], key["security_token"],
                                           key.get("account_id") or first, key.get("policy"), key.get("expires"))
                else:
                    self.add_key(key["id"], key["secret"], key.get("account_id") or first, key.get("policy"))
            # Roles that STS AssumeRole can hand out, and the resource directory ListAccounts serves:
            #   "roles": [{"account_id", "name", "trusted_accounts": [...], "policy": {...}?}]
            #   "resource_directory": {"management_account_id", "accounts": [ListAccounts Account items]}
            self.roles = list(fake.get("roles", []))
            self.resource_directory = fake.get("resource_directory")
        return self

    def add_key(self, key_id: str, secret: str, account_id: str, policy: dict | None = None) -> None:
        """A permanent AccessKey pair; `policy` (a RAM policy document) limits what it may call."""
        with self.lock:
            self.keys[key_id] = {"secret": secret, "account_id": account_id, "policy": policy}

    def add_temporary_key(self, key_id: str, secret: str, token: str, account_id: str,
                          policy: dict | None = None, expires=None) -> None:
        """An STS credential: every call must carry `token` (x-acs-security-token / x-oss-security-token).

        `expires` (a datetime, an ISO 8601 string or epoch seconds; None: never) makes the token expire.
        """
        with self.lock:
            self.keys[key_id] = {"secret": secret, "account_id": account_id, "policy": policy,
                                 "security_token": token, "expires": expires}

    def set_policy(self, key_id: str, policy: dict | None) -> None:
        """Attach a RAM policy document to a key (None: allow everything)."""
        with self.lock:
            self.keys[key_id]["policy"] = policy

    def role(self, account_id: str, name: str) -> dict | None:
        for role in self.roles:
            if role.get("account_id") == account_id and str(role.get("name", "")).lower() == name.lower():
                return role
        return None

    # -- reading -----------------------------------------------------------
    def account(self, account_id: str) -> dict:
        with self.lock:
            acct = self.accounts.get(account_id)
            if acct is None:
                acct = {"account_id": account_id, "global": {}, "regions": {}, "errors": []}
                self.accounts[account_id] = acct
            return acct

    def items(self, account_id: str, region: str, product: str, kind: str) -> list[dict]:
        regions = self.account(account_id)["regions"]
        return regions.get(region, {}).get(product, {}).get(kind, [])

    def all_items(self, account_id: str, product: str, kind: str) -> list[tuple[str, dict]]:
        out = []
        for region, products in self.account(account_id)["regions"].items():
            for item in products.get(product, {}).get(kind, []):
                out.append((region, item))
        return out

    def find(self, account_id: str, region: str | None, product: str, kind: str, field: str, value) -> dict | None:
        """The first item of a list (regional, or global with region None) whose `field` is `value`.

        Served from a dict index built on first use, so a detail call costs the same for 10 or
        100,000 resources. The index is rebuilt when the list object or its length changes; a hit is
        checked against the item, and a miss falls back to a scan, so an edited state is never misread.
        """
        if region is None:
            items = self.global_items(account_id, product, kind) or []
        else:
            items = self.items(account_id, region, product, kind)
        if not items:
            return None
        key = (account_id, region, product, kind, field)
        entry = self._index.get(key)
        if entry is None or entry[0] is not items or entry[1] != len(items):
            index: dict = {}
            for item in items:
                index.setdefault(item.get(field), item)
            entry = (items, len(items), index)
            self._index[key] = entry
        item = entry[2].get(value)
        if item is not None and item.get(field) == value:
            return item
        return next((i for i in items if i.get(field) == value), None)

    def find_anywhere(self, account_id: str, product: str, kind: str, field: str, value) -> tuple[str, dict] | None:
        """(region, item) of the first region holding an item whose `field` is `value`."""
        for region in self.region_ids(account_id):
            item = self.find(account_id, region, product, kind, field, value)
            if item is not None:
                return region, item
        return None

    def global_items(self, account_id: str, product: str, kind: str) -> list[dict] | None:
        return self.account(account_id)["global"].get(product, {}).get(kind)

    def region_ids(self, account_id: str) -> list[str]:
        return list(self.account(account_id)["regions"])

    def recorded_error(self, account_id: str, product: str, action: str, region: str | None,
                       resource: str | None = None, page: int | None = None) -> dict | None:
        """A failure recorded in the snapshot, replayed for the same call."""
        for err in self.account(account_id).get("errors", []):
            if err.get("product") != product or err.get("action") != action:
                continue
            if err.get("region") not in (None, region):
                continue
            if err.get("resource") != resource:
                continue
            if (err.get("page") or 1) != (page or 1) and resource is None:
                continue
            return err
        return None
