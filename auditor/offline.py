"""Offline scans: a recorded fixture is a snapshot, so it is evaluated as it is.

`collect(fixture, opts)` returns the snapshot that replaying the fixture through the
fake cloud and the SDK collectors (`scan.collect_fixture`, `scan --replay`) would
collect, without the fake, the SDKs or a thread. What the replay does, done here
on the document itself:

- the document is validated against the snapshot schema (the replay's fake loads it the same way);
- `collected_at` is the recording's: ages are measured from when the state was read;
- each account's identity is the one the fake answers for the account's own key
  (`acs:ram::ACCOUNT:root`, type Account);
- regions: `--region` selects (in the order given, once each; a region the fixture
  does not hold is there and empty); without it, the fixture's regions, sorted (the
  replay collects them in that order), or the home region when there is none;
- a recorded failure stays recorded: errors of the regions collected and account-level
  ones (region null) are kept, sorted as the collectors sort them; `unavailable`
  entries of the regions collected are kept; `regions_without_resources` is kept
  only without `--region`;
- the organisation section is kept.

The two paths give the same findings, finding by finding, for every fixture in the
repository and for a freshly recorded tenant (tests/collect/test_offline_equivalence.py).
That holds for a document the collectors could have written (every recording). A
hand-edited document that records a failed call *and* still holds that call's data is
not one: the engine still makes every verdict that needed the call ERROR, but the
finding's evidence then shows the data the replay would not have read.
"""

from __future__ import annotations

import copy
from typing import Any

from . import snapshot


def identity(account_id: str) -> dict:
    """What sts:GetCallerIdentity answers for an account's own key in the fake (the replay asks it)."""
    return {"account_id": account_id, "principal": f"acs:ram::{account_id}:root", "identity_type": "Account"}


def _error_key(e: dict) -> tuple:
    return (e["product"], e["action"], e.get("region") or "", e.get("resource") or "", e.get("page") or 0)


def account_section(account: dict, regions: list[str], narrowed: bool) -> dict:
    """One account of the fixture as the collectors would write it back for `regions`."""
    held = account.get("regions", {})
    wanted = set(regions)
    out: dict[str, Any] = {"account_id": account["account_id"], "global": account.get("global", {}),
                           "regions": {r: held.get(r, {}) for r in regions}}
    out["errors"] = sorted((e for e in account.get("errors", []) if e.get("region") is None or e["region"] in wanted),
                           key=_error_key)
    unavailable = [u for u in account.get("unavailable", []) if u.get("region") in wanted]
    if unavailable:
        out["unavailable"] = sorted(unavailable, key=lambda u: (u["product"], u["region"]))
    if account.get("regions_without_resources") and not narrowed:
        out["regions_without_resources"] = list(account["regions_without_resources"])
    return out


def collect(fixture: str | dict, opts) -> dict:
    """The snapshot an offline scan of `fixture` (a path, or a snapshot dict, which is not changed) evaluates."""
    # a lone surrogate in a recorded API string: escaped, as the live path does
    if isinstance(fixture, str):
        doc = snapshot.load(fixture, clean=True)
    else:
        doc = snapshot.clean_text(copy.deepcopy(snapshot.validate(fixture)))
    out = snapshot.new("fixture")
    out["collected_at"] = doc.get("collected_at") or out["collected_at"]
    out["identities"] = []
    narrowed = bool(opts.regions)
    for account in doc["accounts"]:
        regions = list(dict.fromkeys(opts.regions)) or sorted(account.get("regions", {})) or [opts.home_region]
        out["identities"].append(identity(account["account_id"]))
        out["accounts"].append(account_section(account, regions, narrowed))
    if doc.get("organisation") is not None:
        out["organisation"] = doc["organisation"]
    return out


