"""ECS security group rules: no administration, database or cache port open to the whole internet.

How a group decides (ECS documentation): ingress rules are matched by protocol, port and source;
the rule with the highest priority (lowest number, 1-100) wins, and at equal priority Drop wins.

"Open to the internet" is a set question (rules/netset.py). For one port, take the Accept rules that
cover it; their sources (SourceCidrIp, Ipv6SourceCidrIp, and the CIDRs of a SourcePrefixListId's prefix
list, read with DescribePrefixListAttributes) are unioned per address family. A port is open when that
union is the whole family (0.0.0.0/0 or ::/0), however many rules it takes. Drops keep their priority
semantics: Drops whose sources together are the whole family shadow the Accepts of the same or a lower
priority (a larger number); a Drop for part of the internet leaves the rest open, as before.

"Every port" is judged per port segment (the ports between the rules' range boundaries): all ports are
open when every segment from 1 to 65535 is open, through one rule or several overlapping ones.

A rule field of an undocumented form, or a prefix list whose entries were not read, makes the group's
verdict ERROR (never PASS).
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import check, each, rule, unknown
from .common import BadField, items, read
from .netset import covers_all, network

PROTOCOLS = ("tcp", "udp", "icmp", "icmpv6", "gre", "all")  # DescribeSecurityGroupAttribute IpProtocol
ALL_PORTS = (1, 65535)
P = "DescribeSecurityGroupAttribute.Permission"
NEEDS = ("ecs:DescribeSecurityGroups", "ecs:DescribeSecurityGroupAttribute", "ecs:DescribePrefixListAttributes")


@dataclass
class _Perm:
    protocol: str
    low: int
    high: int
    accept: bool
    priority: int
    sources: dict  # family -> [networks]
    raw: dict


def _ports(port_range: str, name: str) -> tuple[int, int]:
    """PortRange "22/22", "1/65535" or "-1/-1" (every port) as (low, high)."""
    try:
        low, high = (int(p) for p in port_range.split("/"))
    except ValueError:
        raise BadField(name, port_range, "a port range like 22/22 or -1/-1") from None
    if (low, high) == (-1, -1):
        return ALL_PORTS
    if not 1 <= low <= high <= 65535:
        raise BadField(name, port_range, "a port range within 1/65535")
    return low, high


def _cidr(perm: dict, field: str, family: int) -> list:
    text = read(perm, field, "str", name=f"{P}.{field}")
    if not text:
        return []
    net = network(text)
    if net is None or net.version != family:
        raise BadField(f"{P}.{field}", text, f"an IPv{family} address or CIDR block")
    return [net]


def _prefix_list(acct, region: str, list_id: str) -> dict:
    """{4: [...], 6: [...]} of a prefix list's entries; BadField (ERROR) when they were not read."""
    found = [pl for pl in acct.in_region(region, "ecs", "prefix_lists") if pl.get("PrefixListId") == list_id]
    if not found:
        raise BadField(f"{P}.SourcePrefixListId", list_id, "a prefix list whose entries were read",
                       reason=f"the entries of prefix list {list_id} were not read "
                              "(ecs:DescribePrefixListAttributes): the rule's sources are unknown")
    out = {4: [], 6: []}
    for entry in items(found[0], "Entries.Entry", name="DescribePrefixListAttributes.Entries.Entry", optional=False):
        cidr = read(entry, "Cidr", "str", name="DescribePrefixListAttributes.Entries.Entry.Cidr", optional=False)
        net = network(cidr)
        if net is None:
            raise BadField("DescribePrefixListAttributes.Entries.Entry.Cidr", cidr, "a CIDR block")
        out[net.version].append(net)
    return out


def _parse(acct, region: str, perm: dict) -> _Perm | None:
    """One rule as matched by the group; None for egress rules and protocols without ports (ICMP, GRE)."""
    direction = read(perm, "Direction", "str", name=f"{P}.Direction", optional=False)
    if direction.lower() not in ("ingress", "egress"):
        raise BadField(f"{P}.Direction", direction, "ingress or egress")
    protocol = read(perm, "IpProtocol", "str", name=f"{P}.IpProtocol", optional=False).lower()
    if protocol not in PROTOCOLS:
        raise BadField(f"{P}.IpProtocol", perm.get("IpProtocol"), "one of TCP, UDP, ICMP, ICMPv6, GRE, ALL")
    if direction.lower() != "ingress" or protocol not in ("tcp", "udp", "all"):
        return None
    low, high = _ports(read(perm, "PortRange", "str", name=f"{P}.PortRange", optional=False), f"{P}.PortRange")
    policy = (read(perm, "Policy", "str", name=f"{P}.Policy") or "Accept").lower()  # documented default: accept
    if policy not in ("accept", "drop"):
        raise BadField(f"{P}.Policy", perm.get("Policy"), "Accept or Drop")
    priority = read(perm, "Priority", "int", name=f"{P}.Priority")
    priority = 1 if priority is None else priority  # documented default: 1
    if not 1 <= priority <= 100:
        raise BadField(f"{P}.Priority", priority, "a priority from 1 to 100")
    sources = {4: _cidr(perm, "SourceCidrIp", 4), 6: _cidr(perm, "Ipv6SourceCidrIp", 6)}
    list_id = read(perm, "SourcePrefixListId", "str", name=f"{P}.SourcePrefixListId")
    if list_id:
        extra = _prefix_list(acct, region, list_id)
        sources = {f: sources[f] + extra[f] for f in (4, 6)}
    return _Perm(protocol, low, high, policy == "accept", priority, sources, perm)


def _open_segment(perms: list[_Perm], protocols: set[str], low: int, high: int) -> list[_Perm] | None:
    """The Accept rules that together open ports low..high (one segment) to a whole address family."""
    matching = [p for p in perms if p.protocol in protocols and p.low <= low and p.high >= high]
    for family in (4, 6):
        cut = None  # the first priority at which Drops cover the whole family
        for prio in sorted({p.priority for p in matching if not p.accept}):
            drops = [n for p in matching if not p.accept and p.priority <= prio for n in p.sources[family]]
            if covers_all(drops, family):
                cut = prio
                break
        accepts = [p for p in matching if p.accept and p.sources[family] and (cut is None or p.priority < cut)]
        if covers_all([n for p in accepts for n in p.sources[family]], family):
            return accepts
    return None


def open_rules(perms: list[_Perm], protocols: set[str], low: int, high: int) -> list[_Perm] | None:
    """The Accept rules that open every port of low..high to the whole internet, or None."""
    bounds = {low, high + 1}
    for p in perms:
        if p.protocol in protocols:
            bounds |= {b for b in (p.low, p.high + 1) if low < b <= high}
    edges = sorted(bounds)
    used: dict[int, _Perm] = {}
    for a, b in zip(edges, edges[1:]):
        got = _open_segment(perms, protocols, a, b - 1)
        if got is None:
            return None
        used.update((id(p), p) for p in got)
    return list(used.values())


def _evidence(perms: list[_Perm] | None) -> dict:
    if not perms:
        return {}
    keys = ("SecurityGroupRuleId", "Direction", "IpProtocol", "PortRange", "SourceCidrIp", "Ipv6SourceCidrIp",
            "SourcePrefixListId", "Policy", "Priority", "NicType")
    shown = [{k: p.raw.get(k) for k in keys if p.raw.get(k) not in (None, "")} for p in perms]
    out = {f"{P}.{k}": v for k, v in shown[0].items()}  # the first (often the only) rule, field by field
    if len(shown) > 1:  # the internet is admitted only through several rules together: all of them
        out[f"{P}[]"] = shown
    for p in perms:
        if p.raw.get("SourcePrefixListId"):
            out.setdefault("DescribePrefixListAttributes.Entries.Entry.Cidr", {})[p.raw["SourcePrefixListId"]] = \
                sorted(str(n) for f in (4, 6) for n in p.sources[f])
    return out


def _sources(perms: list[_Perm]) -> str:
    return ", ".join(sorted({str(n) for p in perms for f in (4, 6) for n in p.sources[f]}))


def _judge(group, acct, protocols_options: list[set[str]], low: int, high: int, what: str):
    gid = group.get("SecurityGroupId")
    rules_ = items(group, "permissions", name="DescribeSecurityGroupAttribute.Permissions.Permission",
                   optional=False)
    perms = [p for p in (_parse(acct, group.region, r) for r in rules_) if p is not None]
    opened = None
    for protocols in protocols_options:
        opened = open_rules(perms, protocols, low, high)
        if opened:
            break
    evidence = _evidence(opened) or {"DescribeSecurityGroupAttribute.Permissions":
                                     f"no winning Accept rules admit the whole internet to {what}"}
    evidence["DescribeSecurityGroups.VpcId"] = group.get("VpcId")
    return check(gid, group.region, opened is None, evidence,
                 "" if opened is None else f"{what} is accepted from {_sources(opened)} by rule(s) "
                 f"{', '.join(str(p.raw.get('SecurityGroupRuleId') or p.raw.get('PortRange')) for p in opened)}")


def _port_rule(rule_id: str, port: int, service: str, severity: str, clause_hint: str):
    @rule(id=rule_id, product="ecs", severity=severity, resource_type="ecs:security-group",
          needs=NEEDS,
          title=f"Security groups do not open {service} (TCP {port}) to the internet",
          rationale=f"{clause_hint} A {service} port reachable from 0.0.0.0/0 or ::/0 invites brute force and "
                    "exploitation of the service; reach it through a bastion host, VPN or a narrow allow-list.",
          remediation={
              "console": f"ECS console > Network & Security > Security Groups > the group > Rules > Inbound: delete "
                         f"the rule that accepts TCP {port} from 0.0.0.0/0 (or ::/0), or narrow its source to the "
                         "addresses that need it.",
              "cli": f"aliyun ecs RevokeSecurityGroup --RegionId {{region}} --SecurityGroupId {{resource_id}} "
                     f"--SecurityGroupRuleId.1 {{ev:SecurityGroupRuleId}}",
              "terraform": f"alicloud_security_group_rule (security_group_id = \"{{resource_id}}\", port_range covering {port}/{port}): "
                           "cidr_ip other than 0.0.0.0/0",
          })
    @each("ecs", "security_groups", "SecurityGroupId")
    def evaluate(group, acct, settings):
        if "permissions" not in group:
            return unknown(group.get("SecurityGroupId"), group.region, "the group's rules were not read")
        return _judge(group, acct, [{"tcp", "all"}], port, port, f"TCP {port} ({service})")

    return evaluate


ADMIN = "GL8 5.1(a) and (d): administrative access is not exposed to the internet."
DATA = "GL8 5.1(d): databases holding clients' personal information are not reachable from the internet."

sg_ssh = _port_rule("ecs-sg-no-public-ssh", 22, "SSH", "high", ADMIN)
sg_rdp = _port_rule("ecs-sg-no-public-rdp", 3389, "RDP", "high", ADMIN)
sg_telnet = _port_rule("ecs-sg-no-public-telnet", 23, "Telnet", "high", ADMIN)
sg_mysql = _port_rule("ecs-sg-no-public-mysql", 3306, "MySQL", "high", DATA)
sg_postgresql = _port_rule("ecs-sg-no-public-postgresql", 5432, "PostgreSQL", "high", DATA)
sg_sqlserver = _port_rule("ecs-sg-no-public-sqlserver", 1433, "SQL Server", "high", DATA)
sg_oracle = _port_rule("ecs-sg-no-public-oracle", 1521, "Oracle", "high", DATA)
sg_redis = _port_rule("ecs-sg-no-public-redis", 6379, "Redis", "high", DATA)
sg_mongodb = _port_rule("ecs-sg-no-public-mongodb", 27017, "MongoDB", "high", DATA)


@rule(id="ecs-sg-no-public-all-ports", product="ecs", severity="critical", resource_type="ecs:security-group",
      needs=NEEDS,
      title="Security groups do not accept every port from the internet",
      rationale="GL8 5.1(a) and (d): a rule accepting all protocols or all ports (-1/-1, 1/65535) from 0.0.0.0/0 "
                "exposes every service on every instance in the group.",
      remediation={
          "console": "ECS console > Security Groups > the group > Rules > Inbound: delete the rule that accepts "
                     "all ports from 0.0.0.0/0 (or ::/0) and add rules for the ports the service needs.",
          "cli": "aliyun ecs RevokeSecurityGroup --RegionId {region} --SecurityGroupId {resource_id} "
                 "--SecurityGroupRuleId.1 {ev:SecurityGroupRuleId}",
          "terraform": "alicloud_security_group_rule (security_group_id = \"{resource_id}\"): no ip_protocol = \"all\" / port_range = \"-1/-1\" with cidr_ip 0.0.0.0/0",
      })
@each("ecs", "security_groups", "SecurityGroupId")
def sg_all_ports(group, acct, settings):
    if "permissions" not in group:
        return unknown(group.get("SecurityGroupId"), group.region, "the group's rules were not read")
    return _judge(group, acct, [{"tcp", "all"}, {"udp", "all"}], *ALL_PORTS, "every TCP or UDP port")
