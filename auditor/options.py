"""The options of a scan, fixed once the command line is parsed. They are frozen: a stage that needs
another value (the progress callback, the home region of a live scan) makes a copy with
dataclasses.replace. Light on purpose: the command line imports this module at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .ratelimit import CollectionConfig
from .settings import Settings

if TYPE_CHECKING:  # the command line imports this module at start-up; scope.py loads the catalogues' YAML
    from .scope import Scope

DEFAULT_MEMBER_ROLE = "ResourceDirectoryAccountAccessRole"


@dataclass(frozen=True)
class ScanOptions:
    """What to collect and evaluate, and how."""

    regions: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)
    endpoint_override: str | None = None
    workers: int | None = None
    collection: CollectionConfig = field(default_factory=CollectionConfig)
    # the region whose endpoints serve account-level calls (STS, DescribeRegions) before regions are known
    home_region: str = "cn-hongkong"
    progress: Callable[[str, int, int], None] | None = None
    attestations: tuple[dict, ...] | None = None  # checked entries from attestations.load
    scope: Scope | None = None  # auditor/scope.py; None: every rule of `frameworks`

    def __post_init__(self) -> None:
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "frameworks", tuple(self.frameworks))
        if self.attestations is not None:
            object.__setattr__(self, "attestations", tuple(self.attestations))

    def collect_kwargs(self) -> dict:
        c = self.collection
        return {"workers": self.workers or c.workers, "detail_workers": c.detail_workers,
                "max_in_flight": c.max_in_flight, "retry": c.retry_policy(), "limiter": c.limiter(),
                "collector_deadline_s": c.collector_deadline_s, "oss_bucket_info": c.oss_bucket_info,
                "progress": self.progress, "processes": c.worker_processes()}


@dataclass(frozen=True)
class SourceOptions:
    """Where the snapshot comes from: a fixture, a Terraform plan, or (neither) the live tenant."""

    fixture: str | None = None
    plan_path: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    role_session_name: str = "aliaudit"
    sts_region: str | None = None
    resource_directory: bool = False
    member_role_name: str = DEFAULT_MEMBER_ROLE
    verbose: bool = False
    replay: bool = False  # with a fixture: through the fake cloud and the SDK collectors (offline.py otherwise)


@dataclass(frozen=True)
class OutputOptions:
    """Where the results go: report files (or standard output), the recorded snapshot, per-account
    reports, the history store."""

    targets: tuple[tuple[str, str | None], ...] = (("table", None),)  # (format, path or None for stdout)
    output_dir: str | None = None
    isatty: bool = False
    record_path: str | None = None
    redact: bool = False
    per_account_dir: str | None = None
    store_url: str | None = None


@dataclass(frozen=True)
class Request:
    """Everything `aliaudit scan` was asked to do."""

    opts: ScanOptions = field(default_factory=ScanOptions)
    source: SourceOptions = field(default_factory=SourceOptions)
    outputs: OutputOptions = field(default_factory=OutputOptions)
    waivers_path: str | None = None
    baseline_path: str | None = None
    attestations_path: str | None = None
    allow_different_scope: bool = False  # --baseline of another scope or accounts
    fail_on: str = "low"
