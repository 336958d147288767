"""ECS security group rules: no administration, database or cache port open to the whole internet.

How a group decides (ECS documentation): ingress rules are matched by protocol, port and source;
the rule with the highest priority (lowest number, 1-100) wins, and at equal priority Drop wins.
A port counts as open to the internet when, for traffic from any address (0.0.0.0/0 or ::/0),
the winning rule is Accept. Only a Drop for the whole internet can shadow an Accept for it: a Drop
for part of the internet leaves the rest open.
"""

from __future__ import annotations

import ipaddress

from .base import check, rule, unknown

INTERNET = {4: "0.0.0.0/0", 6: "::/0"}
TCP_PROTOCOLS = {"tcp", "all"}


def _ports(port_range: str | None) -> tuple[int, int] | None:
    """PortRange "22/22", "1/65535" or "-1/-1" (every port) as (low, high)."""
    try:
        low, high = (int(p) for p in str(port_range).split("/"))
    except ValueError:
        return None
    if low == -1 and high == -1:
        return 1, 65535
    return low, high


def _whole_internet(cidr: str | None, family: int) -> bool:
    if not cidr:
        return False
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return False
    return net.version == family and net.prefixlen == 0


def _priority(perm: dict) -> int:
    try:
        return int(perm.get("Priority") or 1)
    except (TypeError, ValueError):
        return 1


def _source(perm: dict, family: int) -> str | None:
    return perm.get("SourceCidrIp") if family == 4 else perm.get("Ipv6SourceCidrIp")


def _covers(perm: dict, protocols: set[str], low: int, high: int) -> bool:
    if (perm.get("Direction") or "ingress").lower() != "ingress":
        return False
    if (perm.get("IpProtocol") or "").lower() not in protocols:
        return False
    rng = _ports(perm.get("PortRange"))
    return rng is not None and rng[0] <= low and rng[1] >= high


def open_rule(permissions: list[dict], protocols: set[str], low: int, high: int) -> dict | None:
    """The Accept rule that opens ports low..high to the whole internet, if the group has one that wins."""
    for family in (4, 6):
        matching = [p for p in permissions
                    if _covers(p, protocols, low, high) and _whole_internet(_source(p, family), family)]
        if not matching:
            continue
        best = min(_priority(p) for p in matching)
        winners = [p for p in matching if _priority(p) == best]
        if any((p.get("Policy") or "Accept").lower() == "drop" for p in winners):
            continue
        accept = [p for p in winners if (p.get("Policy") or "Accept").lower() == "accept"]
        if accept:
            return accept[0]
    return None


def _evidence(perm: dict | None) -> dict:
    if perm is None:
        return {}
    keys = ("SecurityGroupRuleId", "Direction", "IpProtocol", "PortRange", "SourceCidrIp", "Ipv6SourceCidrIp",
            "Policy", "Priority", "NicType")
    return {f"DescribeSecurityGroupAttribute.Permission.{k}": perm.get(k) for k in keys if perm.get(k) not in (None, "")}


def _groups(acct):
    for group in acct.resources("ecs", "security_groups"):
        yield group, group.get("SecurityGroupId")


def _port_rule(rule_id: str, port: int, service: str, severity: str, clause_hint: str):
    @rule(id=rule_id, product="ecs", severity=severity, resource_type="ecs:security-group",
          needs=("ecs:DescribeSecurityGroups", "ecs:DescribeSecurityGroupAttribute"),
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
    def evaluate(acct, settings):
        for group, gid in _groups(acct):
            if "permissions" not in group:
                yield unknown(gid, group.region, "the group's rules were not read")
                continue
            perm = open_rule(group["permissions"], TCP_PROTOCOLS, port, port)
            evidence = _evidence(perm) or {"DescribeSecurityGroupAttribute.Permissions": "no winning Accept rule "
                                                                                        f"for TCP {port} from the internet"}
            evidence["DescribeSecurityGroups.VpcId"] = group.get("VpcId")
            yield check(gid, group.region, perm is None, evidence,
                        "" if perm is None else f"TCP {port} ({service}) is accepted from "
                        f"{perm.get('SourceCidrIp') or perm.get('Ipv6SourceCidrIp')} by rule "
                        f"{perm.get('SecurityGroupRuleId') or perm.get('PortRange')}")

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
      needs=("ecs:DescribeSecurityGroups", "ecs:DescribeSecurityGroupAttribute"),
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
def sg_all_ports(acct, settings):
    for group, gid in _groups(acct):
        if "permissions" not in group:
            yield unknown(gid, group.region, "the group's rules were not read")
            continue
        perm = open_rule(group["permissions"], {"all", "tcp", "udp"}, 1, 65535)
        evidence = _evidence(perm) or {"DescribeSecurityGroupAttribute.Permissions": "no winning Accept rule for "
                                                                                    "all ports from the internet"}
        yield check(gid, group.region, perm is None, evidence,
                    "" if perm is None else f"{perm.get('IpProtocol')} {perm.get('PortRange')} is accepted from "
                    f"{perm.get('SourceCidrIp') or perm.get('Ipv6SourceCidrIp')}")
