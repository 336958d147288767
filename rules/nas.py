"""NAS rules: file systems encrypted with a KMS key; permission groups not open to every address."""

from .base import check, each, rule, unknown
from .common import BadField, allowlist_open, items, read

# DescribeFileSystems EncryptType (tests/documented/SOURCES-nas.md): 0 not encrypted, 1 a NAS-managed key,
# 2 a KMS-managed key (the key named by KMSKeyId). Only 2 puts the key under the account's KMS.
ENCRYPT_TYPES = (0, 1, 2)
ENCRYPT_MEANING = {0: "not encrypted", 1: "encrypted with a NAS-managed key, not a KMS key"}


@rule(id="nas-encrypted-kms", product="nas", severity="high", resource_type="nas:filesystem",
      needs=("nas:DescribeFileSystems",),
      title="NAS file systems are encrypted at rest with a KMS key",
      rationale="GL8 5.1(b) and GL14 5.12: files shared between applications (claims documents, policy records) "
                "are encrypted at rest with a key held in KMS, whose use is logged and can be revoked.",
      remediation={
          "console": "NAS console: encryption is chosen when a file system is created. Create a new file system with "
                     "Encryption = KMS-managed key (your KMS key), copy the data across, and retire {resource_id}.",
          "cli": "aliyun nas CreateFileSystem --region {region} --FileSystemType standard --ProtocolType NFS "
                 "--StorageType Capacity --EncryptType 2 --KmsKeyId <kms-key-id>",
          "terraform": "alicloud_nas_file_system (replacing {resource_id}, {region}): encrypt_type = 2, kms_key_id = "
                       "alicloud_kms_key.<key>.id (encrypt_type forces a new file system)",
      })
@each("nas", "file_systems", "FileSystemId")
def encrypted_kms(fs, acct, settings):
    kind = read(fs, "EncryptType", "int", name="DescribeFileSystems.EncryptType", optional=False,
                values=ENCRYPT_TYPES)
    key = read(fs, "KMSKeyId", "str", name="DescribeFileSystems.KMSKeyId")
    evidence = {"DescribeFileSystems.EncryptType": kind, "DescribeFileSystems.KMSKeyId": key,
                "DescribeFileSystems.FileSystemType": fs.get("FileSystemType")}
    if kind == 2 and not key:
        raise BadField("DescribeFileSystems.KMSKeyId", key, "the KMS key of a file system with EncryptType 2",
                       reason="EncryptType is 2 (a KMS-managed key) but KMSKeyId names no key: cannot judge")
    ok = kind == 2
    return check(fs.get("FileSystemId"), fs.region, ok, evidence, "" if ok else ENCRYPT_MEANING[kind])


@rule(id="nas-access-rule-not-open", product="nas", severity="high", resource_type="nas:accessgroup",
      needs=("nas:DescribeAccessGroups", "nas:DescribeAccessRules"),
      title="NAS permission groups do not admit every address",
      rationale="GL14 5.12 and GL20 protection: a permission group whose rules cover 0.0.0.0/0 (or ::/0) lets "
                "any host that reaches a mount target in the VPC read, and with RDWR change, the shared files.",
      remediation={
          "console": "NAS console > File System > Permission Groups > {resource_id} > Manage Rules: replace the rule "
                     "for 0.0.0.0/0 with the CIDR blocks of the application's vSwitches.",
          "cli": "aliyun nas ModifyAccessRule --region {region} --AccessGroupName {resource_id} --AccessRuleId <rule-id> "
                 "--SourceCidrIp <application-cidr>",
          "terraform": "alicloud_nas_access_rule (access_group_name = \"{resource_id}\", {region}): source_cidr_ip = "
                       "<application-cidr>",
      })
@each("nas", "access_groups", "AccessGroupName")
def access_rule_not_open(group, acct, settings):
    """Every rule of the group counts, whatever its RWAccess: read access to every address is already an
    exposure. Openness is judged on the union of the rules' sources (rules/netset.py), IPv4 and IPv6."""
    name = group.get("AccessGroupName")
    if "rules" not in group:
        return unknown(name, group.region, "the group's access rules (nas:DescribeAccessRules) were not read")
    rules = items(group, "rules", name="DescribeAccessRules.AccessRules.AccessRule", optional=False)
    sources = []
    for r in rules:
        v4 = read(r, "SourceCidrIp", "str", name="DescribeAccessRules.AccessRules.AccessRule.SourceCidrIp")
        v6 = read(r, "Ipv6SourceCidrIp", "str", name="DescribeAccessRules.AccessRules.AccessRule.Ipv6SourceCidrIp")
        if not v4 and not v6:
            raise BadField("DescribeAccessRules.AccessRules.AccessRule.SourceCidrIp", r.get("SourceCidrIp"),
                           "an IP address or CIDR block (or Ipv6SourceCidrIp)")
        sources.append((r.get("AccessRuleId"), ",".join(s for s in (v4, v6) if s)))
    open_rules = allowlist_open(sources, "DescribeAccessRules.AccessRules.AccessRule.SourceCidrIp")
    evidence = {"DescribeAccessRules.AccessRules.AccessRule[].SourceCidrIp": dict(sources),
                "DescribeAccessRules.AccessRules.AccessRule[].RWAccess": {r.get("AccessRuleId"): r.get("RWAccess")
                                                                          for r in rules},
                "DescribeAccessGroups.MountTargetCount": group.get("MountTargetCount")}
    return check(name, group.region, not open_rules, evidence,
                 "" if not open_rules else f"every address is admitted by rule(s) {', '.join(open_rules)}")
