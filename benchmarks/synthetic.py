"""A synthetic tenant of N resources with a realistic mix, as a snapshot.

The items are copies of the example fixture's items (themselves built from documented API
responses), with new identifiers, zones and a seeded share of settings turned off, so every rule
sees both outcomes. Every product the collectors read is there, because each one costs calls:

- mix (by count): disks >> instances > buckets > RAM users > RDS > security groups > SLB, KMS keys,
  Redis, snapshot policies, PolarDB, ALB, VPCs (with flow logs), Cloud Backup plans; one trail per
  region with resources;
- regions: both Hong Kong zones for most, some Singapore and Shanghai; `global.ecs.regions` lists
  more regions that hold nothing (a discovering scan still asks each of them once per product).

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

# share of resources by kind; disks take what is left
MIX = {"instances": 0.17, "buckets": 0.05, "users": 0.04, "rds": 0.03, "security_groups": 0.03, "slb": 0.02,
       "keys": 0.02, "redis": 0.015, "policies": 0.01, "polardb": 0.01, "alb": 0.01, "vpcs": 0.01,
       "backup_plans": 0.01, "file_systems": 0.005, "ack_clusters": 0.002, "log_projects": 0.005, "mongodb": 0.005}
REGIONS = {"cn-hongkong": (0.8, ("cn-hongkong-b", "cn-hongkong-c")),
           "ap-southeast-1": (0.15, ("ap-southeast-1a", "ap-southeast-1b")),
           "cn-shanghai": (0.05, ("cn-shanghai-e", "cn-shanghai-f"))}
# Regions DescribeRegions lists where the tenant has nothing.
EMPTY_REGIONS = ("ap-northeast-1", "ap-southeast-3", "ap-southeast-5", "cn-beijing", "cn-hangzhou", "cn-shenzhen",
                 "eu-central-1", "us-west-1")


def _templates() -> dict:
    with open(FIXTURE, encoding="utf-8") as fh:
        doc = json.load(fh)
    account = doc["accounts"][0]
    r = account["regions"]["cn-hongkong"]
    return {
        "disk": r["ecs"]["disks"][0], "instance": r["ecs"]["instances"][0], "zone": r["ecs"]["zones"][0],
        "policy": r["ecs"]["auto_snapshot_policies"][0], "sg": r["ecs"]["security_groups"][0],
        "key": r["kms"]["keys"][0], "bucket": r["oss"]["buckets"][0], "rds": r["rds"]["instances"][0],
        "slb": r["slb"]["load_balancers"][0], "polardb": r["polardb"]["clusters"][0],
        "redis": r["redis"]["instances"][0], "alb": r["alb"]["load_balancers"][0],
        "alb_policy": r["alb"]["security_policies"][0], "vpc": r["vpc"]["vpcs"][0],
        "flow_log": r["vpc"]["flow_logs"][0], "plan": r["hbr"]["backup_plans"][0],
        "file_system": r["nas"]["file_systems"][0], "access_group": r["nas"]["access_groups"][0],
        "ack_cluster": r["ack"]["clusters"][0],
        "log_project": r["sls"]["projects"][0],
        "mongodb": r["mongodb"]["instances"][0],
        "trail": r["actiontrail"]["trails"][0], "users": account["global"]["ram"]["users"],
        "password_policy": account["global"]["ram"]["password_policy"],
        "security_report": account["global"]["ram"]["security_report"],
        "ram_policies": account["global"]["ram"].get("policies") or [],  # custom policies (CIS 1.15)
        "region": account["global"]["ecs"]["regions"][0],
        "sas": account["global"]["sas"],
        "cms": account["global"]["cms"],
        "waf": account["global"]["waf"],
        "cloudfw": account["global"]["cloudfw"], "cloudfw_asset": r["cloudfw"]["assets"][0],
    }


def counts(n: int) -> dict[str, int]:
    out = {k: max(1, int(n * share)) for k, share in MIX.items()}
    out["disks"] = max(1, n - sum(out.values()))
    return out


def _empty_region(zones, t) -> dict:
    return {"ecs": {"zones": [dict(t["zone"], ZoneId=z) for z in zones], "instances": [], "disks": [],
                    "auto_snapshot_policies": [], "security_groups": []},
            "kms": {"keys": []}, "oss": {"buckets": []}, "rds": {"instances": []}, "slb": {"load_balancers": []},
            "polardb": {"clusters": []}, "redis": {"instances": []}, "alb": {"load_balancers": []},
            "hbr": {"backup_plans": []}, "vpc": {"vpcs": [], "flow_logs": []}, "actiontrail": {"trails": []},
            "nas": {"file_systems": [], "access_groups": []}, "ack": {"clusters": []},
            "sls": {"projects": []}, "mongodb": {"instances": []}, "cloudfw": {"assets": []}}


def generate(n: int, seed: int = 1, account_id: str = "5184000000009999") -> dict:
    rng = random.Random(seed)
    t = _templates()
    per_kind = counts(n)
    regions = {name: _empty_region(zones, t) for name, (_, zones) in REGIONS.items()}

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

    def sec(region, product):
        return regions[region][product]

    keys_by_region: dict[str, list[str]] = {r: [] for r in REGIONS}

    def add_key(region, kid):
        key = copy.deepcopy(t["key"])
        key.update(KeyId=kid, KeyArn=f"acs:kms:{region}:{account_id}:key/{kid}")
        key["metadata"].update(KeyId=kid, Arn=key["KeyArn"], Creator=account_id,
                               AutomaticRotation="Disabled" if off() else "Enabled",
                               DeletionProtection="Disabled" if off() else "Enabled")
        sec(region, "kms")["keys"].append(key)
        keys_by_region[region].append(kid)

    for i in range(per_kind["keys"]):
        add_key(place()[0], f"key-syn-{i:06d}")
    for region in REGIONS:  # every region with disks needs a key to point at
        if not keys_by_region[region]:
            add_key(region, f"key-syn-{region}")
    policies_by_region: dict[str, list[str]] = {r: [] for r in REGIONS}
    for i in range(per_kind["policies"]):
        region, _ = place()
        pid = f"sp-syn{i:06d}"
        sec(region, "ecs")["auto_snapshot_policies"].append(
            dict(t["policy"], AutoSnapshotPolicyId=pid, RegionId=region, RetentionDays=3 if off() else 30))
        policies_by_region[region].append(pid)
    vpcs_by_region: dict[str, list[str]] = {r: [] for r in REGIONS}
    for i in range(per_kind["vpcs"]):
        region, _ = place()
        vid = f"vpc-syn{i:06d}"
        sec(region, "vpc")["vpcs"].append(dict(t["vpc"], VpcId=vid, VpcName=vid, RegionId=region))
        vpcs_by_region[region].append(vid)
        if not off(0.3):
            fid = f"fl-syn{i:06d}"
            sec(region, "vpc")["flow_logs"].append(dict(t["flow_log"], FlowLogId=fid, FlowLogName=fid,
                                                        Description=fid, ResourceId=vid, RegionId=region))
    for i in range(per_kind["security_groups"]):
        region, _ = place()
        sg = copy.deepcopy(t["sg"])
        # the template group's prefix-list rule names a list of the fixture's region only: not copied
        sg["permissions"] = [p for p in sg["permissions"] if not p.get("SourcePrefixListId")]
        gid = f"sg-syn{i:06d}"
        # one group in twenty is a classic-network group (no VpcId): asked for twice (intranet, internet)
        sg.update(SecurityGroupId=gid, SecurityGroupName=gid,
                  VpcId="" if off(0.05) else rng.choice(vpcs_by_region[region] or ["vpc-syn-none"]))
        if off():
            sg["permissions"].append(dict(sg["permissions"][0], SourceCidrIp="0.0.0.0/0", PortRange="22/22",
                                          SecurityGroupRuleId=f"sgr-{gid}-ssh",  # ids are unique in a group
                                          Description=f"{gid}-ssh", Priority=1, Policy="Accept",
                                          Direction="ingress"))
        sec(region, "ecs")["security_groups"].append(sg)
    instances = []
    for i in range(per_kind["instances"]):
        region, zone = place()
        iid = f"i-syn{i:07d}"
        sec(region, "ecs")["instances"].append(dict(t["instance"], InstanceId=iid, InstanceName=iid, ZoneId=zone,
                                                    RegionId=region))
        instances.append((region, zone, iid))
    for i in range(per_kind["disks"]):
        region, zone, iid = instances[i % len(instances)]
        encrypted = not off()
        policy = "" if off() or not policies_by_region[region] else rng.choice(policies_by_region[region])
        sec(region, "ecs")["disks"].append(dict(
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
        elif b.get("policy"):
            for stmt in b["policy"]["Statement"]:
                res = stmt.get("Resource")
                if isinstance(res, list):
                    stmt["Resource"] = [r.replace(t["bucket"]["Name"], name) for r in res]
        sec(region, "oss")["buckets"].append(b)
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
        sec(region, "rds")["instances"].append(db)
    for i in range(per_kind["slb"]):
        region, zone = place()
        lb = copy.deepcopy(t["slb"])
        lid = f"lb-syn{i:06d}"
        lb.update(LoadBalancerId=lid, RegionId=region, MasterZoneId=zone, SlaveZoneId="" if off() else zone[:-1] + "x")
        for listener in lb["listeners"]:
            listener["LoadBalancerId"] = lid
        sec(region, "slb")["load_balancers"].append(lb)
    for i in range(per_kind["polardb"]):
        region, _ = place()
        c = copy.deepcopy(t["polardb"])
        cid = f"pc-syn{i:06d}"
        c.update(DBClusterId=cid, DBClusterDescription=cid, RegionId=region)
        if isinstance(c.get("attribute"), dict):
            c["attribute"].update(DBClusterId=cid, RegionId=region)
        sec(region, "polardb")["clusters"].append(c)
    for i in range(per_kind["redis"]):
        region, _ = place()
        r = copy.deepcopy(t["redis"])
        rid = f"r-syn{i:06d}"
        r.update(InstanceId=rid, InstanceName=rid, RegionId=region)
        if isinstance(r.get("attribute"), dict):
            r["attribute"].update(InstanceId=rid, RegionId=region)
        sec(region, "redis")["instances"].append(r)
    for i in range(per_kind["alb"]):
        region, _ = place()
        lb = copy.deepcopy(t["alb"])
        lid = f"alb-syn{i:06d}"
        lb.update(LoadBalancerId=lid, LoadBalancerName=lid)
        if isinstance(lb.get("attribute"), dict):
            lb["attribute"].update(LoadBalancerId=lid, LoadBalancerName=lid)
        for n, listener in enumerate(lb.get("listeners", [])):
            lsn = f"lsn-syn{i:06d}-{n}"
            listener.update(LoadBalancerId=lid, ListenerId=lsn)
            for k, rule in enumerate(listener.get("rules", [])):
                rule.update(LoadBalancerId=lid, ListenerId=lsn, RuleId=f"rule-syn{i:06d}-{n}-{k}")
        sec(region, "alb")["load_balancers"].append(lb)
    for region in REGIONS:
        if sec(region, "alb")["load_balancers"]:
            sec(region, "alb")["security_policies"] = [copy.deepcopy(t["alb_policy"])]
    for i in range(per_kind["backup_plans"]):
        region, _ = place()
        sec(region, "hbr")["backup_plans"].append(dict(t["plan"], PlanId=f"plan-syn{i:06d}", Disabled=off()))
    for i in range(per_kind["file_systems"]):
        region, zone = place()
        fs = dict(copy.deepcopy(t["file_system"]), FileSystemId=f"31a8syn{i:06d}", RegionId=region, ZoneId=zone,
                  EncryptType=1 if off() else 2)
        sec(region, "nas")["file_systems"].append(fs)
    for region in REGIONS:  # one permission group (with its rules) where the region has file systems
        if sec(region, "nas")["file_systems"]:
            sec(region, "nas")["access_groups"] = [dict(copy.deepcopy(t["access_group"]), RegionId=region)]
    for i in range(per_kind["ack_clusters"]):  # ACK clusters, with their add-ons, log setting, node pools and checks
        region, _ = place()
        cluster = dict(copy.deepcopy(t["ack_cluster"]), cluster_id=f"csyn{i:06d}{'0' * 22}", name=f"syn-{i:06d}",
                       region_id=region, deletion_protection=not off())
        sec(region, "ack")["clusters"].append(cluster)
    for i in range(per_kind["log_projects"]):  # SLS projects, each with the template's logstore(s) and alert(s)
        region, _ = place()
        p = copy.deepcopy(t["log_project"])
        p.update(projectName=f"syn-logs-{i:05d}", region=region)
        for store in p.get("logstores") or []:
            if isinstance(store.get("config"), dict) and off():
                store["config"]["ttl"] = 30
        sec(region, "sls")["projects"].append(p)
    for i in range(per_kind["mongodb"]):
        region, zone = place()
        db = copy.deepcopy(t["mongodb"])
        iid = f"dds-syn{i:06d}"
        db.update(DBInstanceId=iid, RegionId=region, ZoneId=zone, DBInstanceType="sharding" if off(0.3) else "replicate")
        db["attribute"].update(DBInstanceId=iid, RegionId=region, ZoneId=zone, DBInstanceType=db["DBInstanceType"])
        if off():
            db["ssl"] = dict(db["ssl"], SSLStatus="Closed")
        sec(region, "mongodb")["instances"].append(db)
    for region in REGIONS:  # one internet-facing asset per region with instances, behind the internet firewall
        for k, inst in enumerate(sec(region, "ecs")["instances"][:2]):
            sec(region, "cloudfw")["assets"].append(dict(copy.deepcopy(t["cloudfw_asset"]), RegionID=region,
                                                         ResourceInstanceId=inst["InstanceId"],
                                                         BindInstanceId=inst["InstanceId"],
                                                         InternetAddress=f"203.0.113.{100 + 10 * list(REGIONS).index(region) + k}"))
    for region in REGIONS:  # a multi-region trail lives in Hong Kong and shows up as a shadow elsewhere
        sec(region, "actiontrail")["trails"].append(dict(copy.deepcopy(t["trail"]), Region=region))
    users = []
    for i in range(per_kind["users"]):
        u = copy.deepcopy(t["users"][i % len(t["users"])])
        name = f"syn-user-{i:05d}"
        u.update(UserName=name, DisplayName=name, UserId=f"20300000{i:08d}", Email=f"{name}@example.com")
        if u.get("login_profile"):
            u["login_profile"]["UserName"] = name
        if u.get("detail"):  # GetUser's answer names the user too
            u["detail"].update(UserName=name, DisplayName=name, UserId=u["UserId"], Email=u["Email"])
        if u.get("mfa_device"):
            u["mfa_device"]["SerialNumber"] = f"acs:ram::{u['UserId']}:mfa/{name}"
        for k, key in enumerate(u.get("access_keys") or []):
            key["AccessKeyId"] = f"FAKEKEY{i:07d}{k}"
        users.append(u)
    region_list = [dict(t["region"], RegionId=r, LocalName=r, RegionEndpoint=f"ecs.{r}.aliyuncs.com")
                   for r in sorted([*REGIONS, *EMPTY_REGIONS])]
    glob = {"ecs": {"regions": region_list},
            "ram": {"password_policy": copy.deepcopy(t["password_policy"]), "users": users,
                    "security_report": copy.deepcopy(t["security_report"]),
                    "policies": copy.deepcopy(t["ram_policies"])},
            "sas": _sas(t["sas"], instances, off),
            # CloudMonitor (account level): the compliant fixture's contacts, one alert rule per region
            "cms": {"contacts": copy.deepcopy(t["cms"]["contacts"]),
                    "alarms": [dict(copy.deepcopy(t["cms"]["alarms"][0]), RuleId=f"cms-rule-syn-{r}") for r in REGIONS]},
            # WAF 3.0: the compliant fixture's site outside the mainland; none bought on the mainland site
            "waf": copy.deepcopy(t["waf"]),
            # Cloud Firewall: the compliant fixture's edition (valid, logging)
            "cloudfw": copy.deepcopy(t["cloudfw"])}
    return {"format": "aliaudit-snapshot/1", "collected_at": "2026-11-27T00:00:00Z", "tool_version": "bench",
            "source": "synthetic", "accounts": [{"account_id": account_id, "global": glob, "regions": regions,
                                                  "errors": []}]}


def _sas(template: dict, instances: list, off) -> dict:
    """Security Center: the compliant fixture's settings, and one server asset per ECS instance (the
    instances seen by Security Center), a seeded share with the agent offline."""
    sas = copy.deepcopy({k: v for k, v in template.items() if k != "assets"})
    base = template["assets"][0]
    sas["assets"] = []
    for n, (region, _, iid) in enumerate(instances):
        status = "offline" if off() else "online"
        sas["assets"].append(dict(base, Uuid=f"5a5e0000-syn0-4000-8000-{n:012d}", InstanceId=iid, InstanceName=iid,
                                  RegionId=region, ClientStatus=status, ClientSubStatus=status))
    return sas


# Lists that describe the account or a region rather than resources in it; Security Center's settings, and
# its assets (the ECS instances as Security Center sees them).
NOT_RESOURCES = {"zones", "regions", "password_policy", "security_report", "version_config", "concern_necessity",
                 "notice_configs", "vul_configs", "service_linked_roles", "fingerprint_schedules", "assets"}


def resource_count(doc: dict) -> int:
    n = 0
    for account in doc["accounts"]:
        sections = [*account["regions"].values(), account.get("global", {})]
        for products in sections:
            for product, kinds in products.items():
                for kind, items in kinds.items():
                    if kind not in NOT_RESOURCES:
                        n += len(items)
    return n


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    json.dump(generate(size), sys.stdout)
