"""A synthetic tenant of N resources with a realistic mix, as a snapshot.

The items are copies of the example fixtures' items (themselves built from documented API
responses), with new identifiers, zones and a seeded share of settings turned off, so every rule
sees both outcomes. Mix (by count): disks >> instances > buckets > RDS > SLB, plus KMS keys and
snapshot policies; regions: both Hong Kong zones mostly, some Singapore and Shanghai.

    python -m benchmarks.synthetic 10000 > tenant.json
"""

from __future__ import annotations

import copy
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "examples", "fixtures", "hk-insurer-compliant.json")

# share of resources by kind (sums to 1)
MIX = {"disks": 0.62, "instances": 0.2, "buckets": 0.07, "rds": 0.04, "slb": 0.03, "keys": 0.02, "policies": 0.02}
REGIONS = {"cn-hongkong": (0.8, ("cn-hongkong-b", "cn-hongkong-c")),
           "ap-southeast-1": (0.15, ("ap-southeast-1a", "ap-southeast-1b")),
           "cn-shanghai": (0.05, ("cn-shanghai-e", "cn-shanghai-f"))}


def _templates() -> dict:
    with open(FIXTURE, encoding="utf-8") as fh:
        doc = json.load(fh)
    region = doc["accounts"][0]["regions"]["cn-hongkong"]
    return {
        "disk": region["ecs"]["disks"][0], "instance": region["ecs"]["instances"][0],
        "policy": region["ecs"]["auto_snapshot_policies"][0], "key": region["kms"]["keys"][0],
        "bucket": region["oss"]["buckets"][0], "rds": region["rds"]["instances"][0],
        "slb": region["slb"]["load_balancers"][0], "zone": region["ecs"]["zones"][0],
    }


def counts(n: int) -> dict[str, int]:
    out = {k: max(1, int(n * share)) for k, share in MIX.items()}
    out["disks"] += n - sum(out.values())
    return out


def generate(n: int, seed: int = 1, account_id: str = "5184000000009999") -> dict:
    rng = random.Random(seed)
    t = _templates()
    per_kind = counts(n)
    regions: dict[str, dict] = {}
    for name, (_, zones) in REGIONS.items():
        regions[name] = {"ecs": {"zones": [dict(t["zone"], ZoneId=z) for z in zones], "instances": [], "disks": [],
                                 "auto_snapshot_policies": []},
                         "kms": {"keys": []}, "oss": {"buckets": []}, "rds": {"instances": []},
                         "slb": {"load_balancers": []}}

    def place():
        r = rng.random()
        acc = 0.0
        for name, (share, zones) in REGIONS.items():
            acc += share
            if r <= acc:
                return name, rng.choice(zones)
        return "cn-hongkong", "cn-hongkong-b"

    def off(p=0.1):
        return rng.random() < p

    keys_by_region: dict[str, list[str]] = {r: [] for r in REGIONS}
    for i in range(per_kind["keys"]):
        region, _ = place()
        key = copy.deepcopy(t["key"])
        kid = f"key-syn-{i:06d}"
        key.update(KeyId=kid, KeyArn=f"acs:kms:{region}:{account_id}:key/{kid}")
        key["metadata"].update(KeyId=kid, Arn=key["KeyArn"], Creator=account_id,
                               AutomaticRotation="Disabled" if off() else "Enabled",
                               DeletionProtection="Disabled" if off() else "Enabled")
        regions[region]["kms"]["keys"].append(key)
        keys_by_region[region].append(kid)
    for region in REGIONS:  # every region with disks needs a key to point at
        if not keys_by_region[region]:
            key = copy.deepcopy(t["key"])
            kid = f"key-syn-{region}"
            key.update(KeyId=kid, KeyArn=f"acs:kms:{region}:{account_id}:key/{kid}")
            key["metadata"].update(KeyId=kid, Arn=key["KeyArn"], Creator=account_id)
            regions[region]["kms"]["keys"].append(key)
            keys_by_region[region].append(kid)
    policies_by_region: dict[str, list[str]] = {r: [] for r in REGIONS}
    for i in range(per_kind["policies"]):
        region, _ = place()
        pid = f"sp-syn{i:06d}"
        regions[region]["ecs"]["auto_snapshot_policies"].append(
            dict(t["policy"], AutoSnapshotPolicyId=pid, RegionId=region, RetentionDays=3 if off() else 30))
        policies_by_region[region].append(pid)
    instances = []
    for i in range(per_kind["instances"]):
        region, zone = place()
        iid = f"i-syn{i:07d}"
        regions[region]["ecs"]["instances"].append(dict(t["instance"], InstanceId=iid, InstanceName=iid, ZoneId=zone,
                                                        RegionId=region))
        instances.append((region, zone, iid))
    for i in range(per_kind["disks"]):
        region, zone, iid = instances[i % len(instances)]
        encrypted = not off()
        policy = "" if off() or not policies_by_region[region] else rng.choice(policies_by_region[region])
        regions[region]["ecs"]["disks"].append(dict(
            t["disk"], DiskId=f"d-syn{i:08d}", InstanceId=iid, ZoneId=zone, RegionId=region, Encrypted=encrypted,
            KMSKeyId=rng.choice(keys_by_region[region]) if encrypted else "", AutoSnapshotPolicyId=policy,
            EnableAutomatedSnapshotPolicy=bool(policy)))
    for i in range(per_kind["buckets"]):
        region, _ = place()
        b = copy.deepcopy(t["bucket"])
        name = f"syn-bucket-{i:06d}"
        b.update(Name=name, Region=region, Location=f"oss-{region}")
        b["info"].update(Name=name, Location=f"oss-{region}")
        if off():
            b["encryption"] = None
        if off():
            b["versioning"] = {}
        if off():
            b["policy"] = None
        else:
            for stmt in b["policy"]["Statement"]:
                stmt["Resource"] = [r.replace(t["bucket"]["Name"], name) for r in stmt["Resource"]]
        regions[region]["oss"]["buckets"].append(b)
    for i in range(per_kind["rds"]):
        region, zone = place()
        db = copy.deepcopy(t["rds"])
        iid = f"rm-syn{i:06d}"
        db.update(DBInstanceId=iid, RegionId=region, ZoneId=zone if off(0.3) else db["ZoneId"])
        db["attribute"].update(DBInstanceId=iid, RegionId=region)
        if off():
            db["tde"] = {"TDEStatus": "Disabled"}
        if off():
            db["backup_policy"] = dict(db["backup_policy"], BackupRetentionPeriod=3)
        regions[region]["rds"]["instances"].append(db)
    for i in range(per_kind["slb"]):
        region, zone = place()
        lb = copy.deepcopy(t["slb"])
        lid = f"lb-syn{i:06d}"
        lb.update(LoadBalancerId=lid, RegionId=region, MasterZoneId=zone, SlaveZoneId="" if off() else zone[:-1] + "x")
        for listener in lb["listeners"]:
            listener["LoadBalancerId"] = lid
        regions[region]["slb"]["load_balancers"].append(lb)
    return {"format": "aliaudit-snapshot/1", "collected_at": "2026-11-27T00:00:00Z", "tool_version": "bench",
            "source": "synthetic", "accounts": [{"account_id": account_id, "global": {}, "regions": regions,
                                                  "errors": []}]}


def resource_count(doc: dict) -> int:
    n = 0
    for account in doc["accounts"]:
        for products in account["regions"].values():
            for product, kinds in products.items():
                for kind, items in kinds.items():
                    if kind != "zones":
                        n += len(items)
    return n


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    json.dump(generate(size), sys.stdout)
