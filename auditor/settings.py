"""Thresholds the rules use, with documented defaults, from one YAML file (--config)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .errors import UsageError


@dataclass(frozen=True)
class Settings:
    # GL8 5.1(c): days of RDS data backups to keep.
    rds_backup_retention_days: int = 7
    # GL20 monitoring / CIS 6.4: days RDS SQL audit logs must be kept (SQL Explorer offers 30, 180, 365,
    # 1095 and 1825; 180 is the benchmark's "6 months").
    rds_sql_audit_retention_days: int = 180
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
    # GL8 5.1(c): days of MongoDB backups to keep (the service keeps 30 by default since 2021-09-10).
    mongodb_backup_retention_days: int = 7
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
    # GL20 protection.exposure: the instance tag "key=value" that marks an ECS instance as data tier (no
    # public IP address allowed on it).
    data_tier_tag: str = "aliaudit:tier=data"
    # CIS 1.5: days a RAM user with console logon may go without logging on.
    console_user_max_idle_days: int = 90
    # CIS 7.4: the most days since an ACK cluster check last finished successfully (the benchmark: weekly).
    cluster_check_max_age_days: int = 7


# The domain of each setting, checked at load time: (smallest, largest) for numbers; the choices for text.
TLS_VERSIONS = ("1.0", "1.1", "1.2", "1.3")
RANGES = {
    "rds_backup_retention_days": (1, 7300), "rds_sql_audit_retention_days": (1, 1825), "snapshot_retention_days": (1, 65536), "min_zones": (1, 32),
    "polardb_backup_retention_days": (1, 7300), "redis_backup_retention_days": (1, 7300),
    "mongodb_backup_retention_days": (1, 7300),
    "hbr_retention_days": (1, 36500), "access_key_max_age_days": (1, 36500),
    "access_key_max_unused_days": (1, 36500), "password_min_length": (1, 32), "password_max_age_days": (1, 1095),
    "password_reuse_prevention": (0, 24), "password_max_login_attempts": (1, 32),
    "console_user_max_idle_days": (1, 36500),
    "cluster_check_max_age_days": (1, 366),
}
REGION_ID = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")


def _check_domain(key: str, value, path: str):
    if key in RANGES:
        low, high = RANGES[key]
        if not low <= value <= high:
            raise UsageError(f"{value} is out of range: {key} is between {low} and {high}", path, key)
    elif key == "min_tls_version" and value not in TLS_VERSIONS:
        raise UsageError(f"{value!r} is not a TLS version (one of {', '.join(TLS_VERSIONS)})", path, key)
    elif key == "data_tier_tag" and not re.fullmatch(r"[^=\s][^=]{0,127}=[^=]{0,128}", value):
        raise UsageError(f"{value!r} is not a tag as key=value (like aliaudit:tier=data)", path, key)
    elif key == "allowed_regions":
        if not value:
            raise UsageError("an empty list: name at least one region", path, key)
        bad = [v for v in value if not REGION_ID.match(v)]
        if bad:
            raise UsageError(f"{bad[0]!r} is not a region id (like cn-hongkong)", path, key)


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
        _check_domain(key, value, path)
        values[key] = value
    return Settings(**values)
