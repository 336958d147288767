"""Thresholds the rules use, with documented defaults, from one YAML file (--config)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .errors import UsageError


@dataclass(frozen=True)
class Settings:
    # GL8 5.1(c): days of RDS data backups to keep.
    rds_backup_retention_days: int = 7
    # GL8 5.1(c): days an automatic snapshot policy keeps snapshots (-1, forever, also passes).
    snapshot_retention_days: int = 7
    # GL14 5.17: distinct zones a region's ECS instances must span.
    min_zones: int = 2
    # GL14 5.19(d): regions where data may reside.
    allowed_regions: tuple[str, ...] = ("cn-hongkong",)
    # GL8 5.1(b): the oldest TLS version a listener policy may accept.
    min_tls_version: str = "1.2"
    # GL8 5.1(c): days of PolarDB backups to keep (the longer of level-1 and level-2 retention).
    polardb_backup_retention_days: int = 7
    # GL8 5.1(c): days of Redis/Tair backups to keep (the service keeps 7 to 730; 7 is its default).
    redis_backup_retention_days: int = 14
    # GL8 5.1(c): days a Cloud Backup (HBR) plan keeps its backups.
    hbr_retention_days: int = 7
    # GL8 5.1(d): the most days an AccessKey may live.
    access_key_max_age_days: int = 90
    # GL8 5.1(d): the most days an active AccessKey may go unused (never used: counted from its creation).
    access_key_max_unused_days: int = 90
    # GL8 5.1(d): RAM password policy.
    password_min_length: int = 14
    password_max_age_days: int = 90
    password_reuse_prevention: int = 5
    password_max_login_attempts: int = 5


def read_config(path: str):
    """The parsed --config file (None when it holds only comments); a bad file is a one-line UsageError."""
    from . import inputs

    return inputs.parse_yaml(inputs.read_text(path, "a config file", inputs.MAX_YAML_BYTES), path)


def load(path: str | None) -> Settings:
    if not path:
        return Settings()
    doc = read_config(path)
    if doc is None:
        return Settings()
    if not isinstance(doc, dict):
        raise UsageError("a config file is a mapping of setting: value", path, "top level")
    known = {f.name: f for f in dataclasses.fields(Settings)}
    values = {}
    for key, value in doc.items():
        if key == "collection":  # collection tuning, read by aliaudit.ratelimit
            continue
        if key not in known:
            raise UsageError(f"unknown setting {key!r} (known: {', '.join(sorted(known))})", path, str(key))
        default = getattr(Settings(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise UsageError("expected a list of strings", path, key)
            value = tuple(value)
        elif isinstance(default, bool) or not isinstance(value, type(default)) or isinstance(value, bool):
            raise UsageError(f"expected {type(default).__name__}, got {type(value).__name__}", path, key)
        values[key] = value
    return Settings(**values)
