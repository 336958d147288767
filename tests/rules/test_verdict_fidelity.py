"""What "open", "kept", "TLS 1.2" and "unknown" mean, through the fake and the official SDKs (conftest.scan).

One tenant, the gaps fixture plus the cases below, is served by the fake, collected through the SDKs and
evaluated once; each test reads the verdicts of its own resources. Every case names the documentation that
makes its verdict right (sources in tests/documented/SOURCES-fidelity.md).
"""

from __future__ import annotations

import copy

import pytest

from conftest import findings, load_fixture, scan

HK = "cn-hongkong"


def _hk(doc):
    return doc["accounts"][0]["regions"][HK]


def _status(report, rule, resource):
    got = findings(report, rule, resource)
    assert len(got) == 1, (rule, resource, got)
    return got[0]["status"]


# ---- the tenant -----------------------------------------------------------------------------------------

def _perm(template, rid, ports, *, v4="", v6="", prefix_list="", policy="Accept", priority=1, protocol="TCP"):
    return dict(template, SecurityGroupRuleId=rid, Description=rid, IpProtocol=protocol, PortRange=ports,
                SourceCidrIp=v4, Ipv6SourceCidrIp=v6, SourcePrefixListId=prefix_list, Policy=policy,
                Priority=priority, Direction="ingress", NicType="intranet")


def _group(template_group, gid, perms):
    return dict(copy.deepcopy(template_group), SecurityGroupId=gid, SecurityGroupName=gid, permissions=perms)


def _prefix_list(pid, cidrs):
    # DescribePrefixListAttributes response (tests/documented/ecs/DescribePrefixListAttributes.json)
    return {"PrefixListId": pid, "PrefixListName": pid, "AddressFamily": "IPv4", "MaxEntries": 20,
            "CreationTime": "2021-02-20T07:11Z", "Description": pid,
            "Entries": {"Entry": [{"Cidr": c, "Description": c} for c in cidrs]}}


def _security_groups(hk):
    g0 = hk["ecs"]["security_groups"][0]
    t = g0["permissions"][0]
    hk["ecs"]["prefix_lists"].extend([_prefix_list("pl-halves", ["0.0.0.0/1", "128.0.0.0/1"]),
                                      _prefix_list("pl-office", ["203.0.113.0/24"])])
    hk["ecs"]["security_groups"] += [
        # SSH through two /1 rules; RDP over IPv6 through two /1 rules
        _group(g0, "sg-halves", [_perm(t, "r1", "22/22", v4="0.0.0.0/1"), _perm(t, "r2", "22/22", v4="128.0.0.0/1"),
                                 _perm(t, "r3", "3389/3389", v6="::/1"), _perm(t, "r4", "3389/3389", v6="8000::/1")]),
        # every TCP port through two overlapping ranges
        _group(g0, "sg-ranges", [_perm(t, "r1", "1/40000", v4="0.0.0.0/0"), _perm(t, "r2", "30000/65535", v4="0.0.0.0/0")]),
        # MySQL from a prefix list whose entries are the whole IPv4 space; PostgreSQL from an office list
        _group(g0, "sg-lists", [_perm(t, "r1", "3306/3306", prefix_list="pl-halves"),
                                _perm(t, "r2", "5432/5432", prefix_list="pl-office")]),
        # a prefix list that does not exist (DescribePrefixListAttributes answers NotFound)
        _group(g0, "sg-lost-list", [_perm(t, "r1", "22/22", prefix_list="pl-gone")]),
        # Drop priority kept: Drops of higher priority covering the whole internet close SSH; a Drop for part of
        # the internet leaves RDP open to the rest
        _group(g0, "sg-drops", [_perm(t, "r1", "22/22", v4="0.0.0.0/0", priority=5),
                                _perm(t, "r2", "22/22", v4="0.0.0.0/1", policy="Drop", priority=1),
                                _perm(t, "r3", "22/22", v4="128.0.0.0/1", policy="Drop", priority=1),
                                _perm(t, "r4", "3389/3389", v4="0.0.0.0/0", priority=5),
                                _perm(t, "r5", "3389/3389", v4="1.2.3.0/24", policy="Drop", priority=1)]),
        # a port range of an undocumented form
        _group(g0, "sg-odd", [_perm(t, "r1", "22-22", v4="10.0.0.0/8")]),
    ]


def _allow_lists(hk):
    rds = hk["rds"]["instances"]
    base = copy.deepcopy(rds[0])

    def db(iid, groups):
        item = dict(copy.deepcopy(base), DBInstanceId=iid, DBInstanceDescription=iid)
        item["ip_arrays"] = [dict(copy.deepcopy(base["ip_arrays"][0]), DBInstanceIPArrayName=name, SecurityIPList=ips)
                             for name, ips in groups]
        return item
    rds += [db("rm-halves", [("default", "10.0.0.0/8,0.0.0.0/1"), ("hidden_dts", "128.0.0.0/1")]),
            db("rm-percent", [("default", "%")]),
            db("rm-range", [("default", "10.0.0.1-10.0.0.9")]),
            db("rm-narrow", [("default", "10.0.0.0/8,192.168.0.0/16")])]
    pc = copy.deepcopy(hk["polardb"]["clusters"][0])
    pc.update(DBClusterId="pc-halves")
    pc["whitelist"]["Items"]["DBClusterIPArray"] = [
        {"DBClusterIPArrayName": "default", "DBClusterIPArrayAttribute": "", "SecurityIps": "0.0.0.0/1"},
        {"DBClusterIPArrayName": "app", "DBClusterIPArrayAttribute": "", "SecurityIps": "128.0.0.0/1"}]
    hk["polardb"]["clusters"].append(pc)
    r = copy.deepcopy(hk["redis"]["instances"][0])
    r.update(InstanceId="r-halves", InstanceName="r-halves")
    r["security_ips"]["SecurityIpGroups"]["SecurityIpGroup"] = [
        {"SecurityIpGroupName": "default", "SecurityIpGroupAttribute": "", "SecurityIpList": "::/1,0.0.0.0/1"},
        {"SecurityIpGroupName": "app", "SecurityIpGroupAttribute": "", "SecurityIpList": "128.0.0.0/1,8000::/1"}]
    hk["redis"]["instances"].append(r)


def _retention(hk):
    c = hk["polardb"]["clusters"]
    for cid, level1, level2, other in (("pc-keep-cross", "3", "0", "-1"), ("pc-keep-none", "3", "0", "0"),
                                       ("pc-keep-cross30", "3", "0", "30")):
        item = copy.deepcopy(c[0])
        item.update(DBClusterId=cid)
        item["backup_policy"].update(DataLevel1BackupRetentionPeriod=level1, DataLevel2BackupRetentionPeriod=level2,
                                     DataLevel2BackupAnotherRegionRetentionPeriod=other,
                                     DataLevel2BackupAnotherRegionRegion="cn-shanghai" if other != "0" else "")
        c.append(item)
    rds = hk["rds"]["instances"]
    item = copy.deepcopy(rds[0])
    item.update(DBInstanceId="rm-cross-kept")
    item["backup_policy"]["BackupRetentionPeriod"] = 3
    item["cross_backup"].update(BackupEnabled="Enable", Retention=30, CrossBackupRegion="cn-shenzhen")
    rds.append(item)
    plans = hk["hbr"]["backup_plans"]
    plan = copy.deepcopy(plans[0])
    plan.update(PlanId="plan-copied", Retention=3, Rules={"Rule": [
        {"RuleId": "rule-copy", "Disabled": False, "Retention": 3, "DoCopy": True, "DestinationRegionId": "cn-shanghai",
         "DestinationRetention": 90, "Schedule": "I|1631685600|P1D", "BackupType": "COMPLETE"}]})
    plans.append(plan)


def _tls(hk):
    lbs = hk["alb"]["load_balancers"]
    lb = copy.deepcopy(lbs[0])
    lb.update(LoadBalancerId="alb-tls")
    https = copy.deepcopy(lb["listeners"][0])
    lb["listeners"] = [dict(https, ListenerId="lsn-a", ListenerPort=443, SecurityPolicyId="tls_cipher_policy_1_0_to_1_3"),
                       dict(https, ListenerId="lsn-b", ListenerPort=444, SecurityPolicyId="tls_cipher_policy_1_2_strict"),
                       dict(https, ListenerId="lsn-c", ListenerPort=445, SecurityPolicyId="spy-nowhere"),
                       dict(https, ListenerId="lsn-d", ListenerPort=446, SecurityPolicyId="spy-j6clegacytls11")]
    lbs.append(lb)
    clb = hk["slb"]["load_balancers"]
    item = copy.deepcopy(clb[0])
    item.update(LoadBalancerId="lb-tls")
    listener = next(x for x in item["listeners"] if x["ListenerProtocol"] == "https")
    item["listeners"] = [dict(listener, LoadBalancerId="lb-tls", ListenerPort=443, HTTPSListenerConfig=dict(
        listener.get("HTTPSListenerConfig") or {}, TLSCipherPolicy="tls-custom-policy-1"))]
    clb.append(item)


def _malformed(hk):
    disks = hk["ecs"]["disks"]
    disks.append(dict(copy.deepcopy(disks[0]), DiskId="d-strbool", Encrypted="true"))
    buckets = hk["oss"]["buckets"]
    for name, policy in (("b-empty-policy", {}), ("b-statement-null", {"Version": "1", "Statement": None}),
                         ("b-statement-str", {"Version": "1", "Statement": "allow all"})):
        b = copy.deepcopy(buckets[0])
        b.update(Name=name, policy=policy)
        b["info"]["Name"] = name
        buckets.append(b)
    plans = hk["hbr"]["backup_plans"]
    plans.append(dict(copy.deepcopy(plans[0]), PlanId="plan-strnum", Retention="30"))


@pytest.fixture(scope="module")
def report():
    doc = copy.deepcopy(load_fixture("hk-insurer-gaps.json"))
    hk = _hk(doc)
    for build in (_security_groups, _allow_lists, _retention, _tls, _malformed):
        build(hk)
    return scan(doc)


# ---- 1. "open to the internet" is a set question ----------------------------------------------------------

@pytest.mark.parametrize("rule,group,status", [
    # ECS security groups: "the rule with the highest priority wins; at equal priority Drop wins" (ECS "Security
    # group rules"); sources are CIDR blocks or prefix lists (DescribeSecurityGroupAttribute SourceCidrIp,
    # Ipv6SourceCidrIp, SourcePrefixListId); a prefix list's entries are CIDR blocks (DescribePrefixListAttributes).
    ("ecs-sg-no-public-ssh", "sg-halves", "FAIL"),          # 0.0.0.0/1 + 128.0.0.0/1 = 0.0.0.0/0
    ("ecs-sg-no-public-rdp", "sg-halves", "FAIL"),          # ::/1 + 8000::/1 = ::/0
    ("ecs-sg-no-public-mysql", "sg-halves", "PASS"),
    ("ecs-sg-no-public-all-ports", "sg-ranges", "FAIL"),    # 1/40000 and 30000/65535 overlap: every port
    ("ecs-sg-no-public-mysql", "sg-lists", "FAIL"),         # the prefix list's two halves
    ("ecs-sg-no-public-postgresql", "sg-lists", "PASS"),    # an office prefix list
    ("ecs-sg-no-public-ssh", "sg-lost-list", "ERROR"),      # the list's entries were not read: never PASS
    ("ecs-sg-no-public-ssh", "sg-drops", "PASS"),           # Drops of priority 1 cover the internet
    ("ecs-sg-no-public-rdp", "sg-drops", "FAIL"),           # a Drop for 1.2.3.0/24 leaves the rest open
    ("ecs-sg-no-public-ssh", "sg-odd", "ERROR"),            # PortRange "22-22" is not the documented "22/22"
])
def test_security_group_openness_is_judged_on_the_union_of_sources(report, rule, group, status):
    assert _status(report, rule, group) == status


def test_a_prefix_list_that_cannot_be_read_names_the_list(report):
    [f] = findings(report, "ecs-sg-no-public-ssh", "sg-lost-list")
    assert "pl-gone" in f["reason"] and "DescribePrefixListAttributes" in f["reason"]


def test_a_port_open_through_a_prefix_list_shows_its_cidrs(report):
    [f] = findings(report, "ecs-sg-no-public-mysql", "sg-lists")
    assert f["evidence"]["DescribePrefixListAttributes.Entries.Entry.Cidr"] == {"pl-halves": ["0.0.0.0/1", "128.0.0.0/1"]}


@pytest.mark.parametrize("rule,resource,status", [
    # RDS: entries are IP addresses or CIDR blocks, comma-separated (ModifySecurityIps); "% or 0.0.0.0/0
    # indicates any IP address is allowed" (RDS "Set whitelist", doc-detail/26198). Groups add up: hidden too.
    ("rds-allowlist-not-open", "rm-halves", "FAIL"),
    ("rds-allowlist-not-open", "rm-percent", "FAIL"),
    ("rds-allowlist-not-open", "rm-range", "ERROR"),   # "a-b" is not a documented entry form
    ("rds-allowlist-not-open", "rm-narrow", "PASS"),
    # PolarDB: "IP address, such as 10.23.12.24; CIDR block, such as 10.23.12.24/24" (ModifyDBClusterAccessWhitelist)
    ("polardb-whitelist-not-open", "pc-halves", "FAIL"),
    # Redis: IP addresses and CIDR blocks, IPv4 or IPv6 (ModifySecurityIps)
    ("redis-whitelist-not-open", "r-halves", "FAIL"),
])
def test_allow_lists_are_judged_on_the_union_of_all_groups(report, rule, resource, status):
    assert _status(report, rule, resource) == status


# ---- 2. retention counts every documented copy -------------------------------------------------------------

@pytest.mark.parametrize("rule,resource,status", [
    # PolarDB DescribeBackupPolicy: DataLevel2BackupAnotherRegionRetentionPeriod "0: disabled; 30 to 7300 days;
    # -1: retained permanently" (same values as DataLevel2BackupRetentionPeriod)
    ("polardb-backup-retention", "pc-keep-cross", "PASS"),
    ("polardb-backup-retention", "pc-keep-cross30", "PASS"),
    ("polardb-backup-retention", "pc-keep-none", "FAIL"),
    # RDS DescribeInstanceCrossBackupPolicy: Retention (days) of the cross-region copies when BackupEnabled = Enable
    ("rds-backup-retention", "rm-cross-kept", "PASS"),
    # HBR DescribeBackupPlans: Rules.Rule[].DestinationRetention, the retention of the copy (DoCopy) in
    # DestinationRegionId
    ("hbr-backup-plan-retention", "plan-copied", "PASS"),
])
def test_retention_counts_every_copy(report, rule, resource, status):
    assert _status(report, rule, resource) == status


# ---- 3. TLS policies come from the API -------------------------------------------------------------------

@pytest.mark.parametrize("listener,status", [
    # ALB ListSystemSecurityPolicies: tls_cipher_policy_1_0_to_1_3 lists TLSv1.0 ("TLS security policies" page)
    ("alb-tls/HTTPS:443", "FAIL"),
    ("alb-tls/HTTPS:444", "PASS"),   # tls_cipher_policy_1_2_strict: TLSv1.2 only
    ("alb-tls/HTTPS:445", "ERROR"),  # listed by neither ListSystemSecurityPolicies nor ListSecurityPolicies
    ("alb-tls/HTTPS:446", "FAIL"),   # a custom policy (ListSecurityPolicies) with TLSv1.1
])
def test_alb_tls_versions_come_from_the_policy_lists(report, listener, status):
    assert _status(report, "alb-https-listener-tls12", listener) == status


def test_alb_tls_verdict_shows_the_listed_versions(report):
    [f] = findings(report, "alb-https-listener-tls12", "alb-tls/HTTPS:443")
    assert f["evidence"]["ListSystemSecurityPolicies.TLSVersions"] == ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]


def test_an_unknown_clb_policy_is_error(report):
    # CLB "TLS security policies" (doc-detail/90740) lists the system policies; a custom one is unknown here
    assert _status(report, "slb-https-listener-tls12", "lb-tls/https:443") == "ERROR"


def test_alb_system_policies_not_listed_is_error_not_a_table_verdict(gaps_doc):
    # the region answers ListSystemSecurityPolicies with no policy: no built-in table decides
    _hk(gaps_doc)["alb"]["system_security_policies"] = []
    got = scan(gaps_doc)
    assert _status(got, "alb-https-listener-tls12", "alb-j6cweb01/HTTPS:443") == "ERROR"


# ---- 4. malformed documents are ERROR, never PASS -----------------------------------------------------------

@pytest.mark.parametrize("rule,resource", [
    # OSS GetBucketPolicy: a policy document has a Statement list of Effect/Action/Principal/Resource statements
    *[(r, b) for r in ("oss-bucket-https-only", "oss-bucket-policy-not-public")
      for b in ("b-empty-policy", "b-statement-null", "b-statement-str")],
    # ECS DescribeDisks: Encrypted is a Boolean
    ("ecs-disk-encrypted", "d-strbool"),
    # HBR DescribeBackupPlans: Retention is a Long
    ("hbr-backup-plan-retention", "plan-strnum"),
])
def test_a_field_of_an_undocumented_form_is_error_with_its_raw_value(report, rule, resource):
    [f] = findings(report, rule, resource)
    assert f["status"] == "ERROR", f
    assert "undocumented" in f["reason"] or "Statement" in f["reason"]
