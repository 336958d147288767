"""The adapter: a plan document in, an API-shaped snapshot (and the PlanContext that annotates its findings) out.

It walks `resource_changes`, keeps the managed `alicloud_*` resources a mapper knows (see registry.py),
and calls each product's mapper in stages: resources first, then what attaches to them. The helpers
below are what mappers use to read a value and record a gap when the plan cannot give it.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import UsageError
from .context import NOT_IN_PLAN, PLAN_ACCOUNT, PLAN_SOURCE, PlanContext, Planned
from .references import References, Values, config_keys
from .registry import MAPPERS, unanswered_calls


class Adapter:
    def __init__(self, doc: dict, path: str, default_region: str | None):
        self.doc = doc
        self.refs = References(doc.get("configuration") or {})
        self.variables = {k: (v or {}).get("value") for k, v in (doc.get("variables") or {}).items()}
        self.default_region = default_region
        self.ctx = PlanContext(path=path, format_version=doc.get("format_version"),
                               terraform_version=doc.get("terraform_version"), region="")
        self.regions: dict[str, dict] = {}
        self.changes: list[tuple[dict, Values, str]] = []
        self.by_api_id: dict[str, str] = {}

    # -- regions and references

    def region_of(self, rc: dict) -> str:
        conf = self.refs.config(rc) or {}
        key = conf.get("provider_config_key") or "alicloud"
        provider = ((self.doc.get("configuration") or {}).get("provider_config") or {}).get(key) or {}
        expr = (provider.get("expressions") or {}).get("region") or {}
        if isinstance(expr.get("constant_value"), str):
            return expr["constant_value"]
        for ref in expr.get("references") or []:
            if ref.startswith("var.") and isinstance(self.variables.get(ref[4:]), str):
                return self.variables[ref[4:]]
        env = os.environ.get("ALIBABA_CLOUD_REGION") or os.environ.get("ALICLOUD_REGION")
        region = self.default_region or env
        if not region:
            raise UsageError(f"cannot tell the region of {rc.get('address')}: the provider's region is not a "
                             "constant or a variable in the plan; pass --region", self.ctx.path)
        return region

    def resolve(self, rc: dict, values: Values, attr: str) -> tuple[str | None, str]:
        """The snapshot id that an unknown reference attribute points at, or (None, why)."""
        return self.refs.resolve(rc.get("module_address") or "", values.refs(attr), self.ctx.planned)

    def ref_value(self, sid: str, rc: dict, values: Values, attr: str, api: str) -> tuple[Any, bool]:
        """An id-valued attribute: the literal id (mapped to a planned address when it is one), or the
        address of the planned resource a reference names. Records a gap when neither is possible."""
        value, unknown = values.get(attr)
        if unknown:
            target, why = self.resolve(rc, values, attr)
            if target:
                return target, True
            self.ctx.gap(sid, api, attr, f"{attr} {why}")
            return None, False
        if isinstance(value, str) and value in self.by_api_id:
            return self.by_api_id[value], True
        return value, False

    def known(self, sid: str, values: Values, attr: str, api: str) -> Any:
        value, unknown = values.get(attr)
        if unknown:
            self.ctx.gap(sid, api, attr, f"{attr} is unknown until apply")
            return None
        return value

    def known_or_default(self, sid: str, values: Values, attr: str, api: str, default: Any) -> Any:
        """An attribute with a documented provider default: the default when the configuration does not
        set it (Terraform shows such computed values as unknown), a gap when the configuration sets it
        to something known only at apply."""
        value, unknown = values.get(attr)
        if unknown:
            if attr.split(".")[-1] in config_keys(values, attr):
                self.ctx.gap(sid, api, attr, f"{attr} is unknown until apply")
                return None
            return default
        return default if value is None else value

    def region_bucket(self, region: str, product: str, kind: str) -> list:
        return self.regions.setdefault(region, {}).setdefault(product, {}).setdefault(kind, [])

    def register(self, address: str, item: dict) -> dict:
        self.ctx.items[address] = item
        planned = self.ctx.planned.get(address)
        item["terraform"] = {"address": address, "id": planned.api_id if planned else None}
        return item

    def _provider_region(self) -> str:
        """The default provider's region, for account-level entries of a plan that maps no resource."""
        try:
            return self.region_of({"address": "(provider)"})
        except UsageError:
            return "*"

    # -- the run

    def run(self) -> tuple[dict, PlanContext]:
        for rc in self.doc.get("resource_changes") or []:
            if not isinstance(rc, dict):
                continue  # load() refuses these; a document built in code may still hold one
            actions = list((rc.get("change") or {}).get("actions") or [])
            address = rc.get("address", "?")
            if rc.get("mode") != "managed":
                self.ctx.skipped.append({"address": address, "why": "data source"})
                continue
            if rc.get("deposed"):
                continue
            if "delete" in actions and "create" not in actions:
                self.ctx.skipped.append({"address": address, "why": "deleted by the plan"})
                continue
            rtype = rc.get("type") or ""
            if not rtype.startswith("alicloud_"):
                continue
            if rtype not in MAPPERS:
                self.ctx.not_assessed.setdefault(rtype, []).append(address)
                continue
            values = Values(rc, self.refs.config(rc))
            region = self.region_of(rc)
            api_id, unk = values.get("id")
            api_id = None if unk or not isinstance(api_id, str) else api_id
            self.ctx.planned[address] = Planned(address, rtype, actions, region, api_id)
            if api_id:
                self.by_api_id[api_id] = address
            self.changes.append((rc, values, region))
        # resources first, then what attaches to them
        for order in (0, 1, 2):
            for rc, values, region in self.changes:
                mapper, stage = MAPPERS[rc["type"]]
                if stage == order:
                    mapper(self, rc, values, region)
        regions = sorted({p.region for p in self.ctx.planned.values()})
        self.ctx.region = regions[0] if regions else (self.default_region or "")
        self.ctx.regions = sorted(self.regions)
        account = {"account_id": PLAN_ACCOUNT, "global": {}, "regions": self.regions, "errors": []}
        calls = unanswered_calls()
        unavailable = [{"product": call.split(":")[0], "action": call.split(":")[1], "region": region,
                        "scope": "call", "code": NOT_IN_PLAN,
                        "message": "a Terraform plan does not describe this; a live scan checks it"}
                       for region in sorted(self.regions) or [self._provider_region()] for call in calls]
        for u in unavailable:
            self.ctx.unanswered.setdefault(u["region"], {})[f"{u['product']}:{u['action']}"] = u["code"]
        if unavailable:
            account["unavailable"] = unavailable
        snap = {"format": "aliaudit-snapshot/1", "collected_at": None, "source": PLAN_SOURCE,
                "accounts": [account], "identities": []}
        return snap, self.ctx


def to_snapshot(doc: dict, path: str, default_region: str | None = None) -> tuple[dict, PlanContext]:
    return Adapter(doc, path, default_region).run()
