"""What the plan adapter knows while it maps a plan: the planned resources, the snapshot items made from
them, and the gaps (values a plan cannot give) that later make findings ERROR."""

from __future__ import annotations

from dataclasses import dataclass, field

PLAN_ACCOUNT = "terraform-plan"
PLAN_SOURCE = "terraform-plan"  # the snapshot source of a plan scan
NOT_IN_PLAN = "NotInTerraformPlan"


@dataclass
class Gap:
    api: str          # the API field (or call) whose value the plan cannot give, e.g. "DescribeDisks.KMSKeyId"
    attribute: str    # the provider attribute, e.g. "kms_key_id"
    reason: str       # "unknown until apply", "not set by this plan: ...", ...
    kind: str = "unknown"  # unknown | missing (a companion resource may settle it) | outside (not in the plan)


@dataclass
class Planned:
    address: str
    type: str
    actions: list
    region: str
    api_id: str | None


@dataclass
class PlanContext:
    path: str
    format_version: str
    terraform_version: str | None
    region: str
    planned: dict[str, Planned] = field(default_factory=dict)        # address -> planned resource
    items: dict[str, dict] = field(default_factory=dict)             # address -> snapshot item
    gaps: dict[str, list[Gap]] = field(default_factory=dict)         # snapshot id -> gaps
    rename: dict[str, str] = field(default_factory=dict)             # id a rule reports -> the address to report
    owner: dict[str, str] = field(default_factory=dict)              # id of a part (a disk of an instance) -> address
    settled: dict[tuple, str] = field(default_factory=dict)          # (existing resource, API call) -> the address setting it
    stubs: dict[str, str] = field(default_factory=dict)              # id of a resource outside the plan -> what it is ("the key")
    not_assessed: dict[str, list[str]] = field(default_factory=dict)  # alicloud type -> addresses
    skipped: list[dict] = field(default_factory=list)                # deletes, data sources
    unanswered: dict[str, dict[str, str]] = field(default_factory=dict)  # region -> {call no mapping answers: code}
    regions: list[str] = field(default_factory=list)                 # the regions of the snapshot

    def gap(self, sid: str, api: str, attribute: str, reason: str, kind: str = "unknown") -> None:
        self.gaps.setdefault(sid, []).append(Gap(api, attribute, reason, kind))

    def stub(self, sid: str, noun: str) -> None:
        self.stubs.setdefault(sid, noun)

    def settle(self, sid: str, api: str, address: str) -> None:
        """A companion resource of this plan sets `api` on `sid`: the gap saying the plan lacks it (missing) or
        cannot read it (outside) goes; a value the plan itself leaves unknown stays a gap, whatever comes later."""
        self.gaps[sid] = [g for g in self.gaps.get(sid, []) if g.api != api or g.kind == "unknown"]
        if sid in self.stubs:
            self.settled[(sid, api)] = address

    def summary(self) -> dict:
        return {
            "path": self.path,
            "format_version": self.format_version,
            "terraform_version": self.terraform_version,
            "assessed": [{"address": p.address, "type": p.type, "actions": p.actions, "region": p.region,
                          "id": p.api_id} for p in self.planned.values()],
            "not_assessed": {t: sorted(a) for t, a in sorted(self.not_assessed.items())},
            "referenced_not_planned": sorted(self.stubs),
            "skipped": self.skipped,
        }
