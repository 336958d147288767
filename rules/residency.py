"""Data residency (GL14 5.19(d)): resources that hold or process data sit in an allowed region.

A pure rule over the snapshot: every resource of the kinds below, in a region outside
`allowed_regions` (default cn-hongkong), is a FAIL; inside, a PASS.
"""

from .base import check, rule

# (product, snapshot kind, id field, resource type, the list call that finds them)
RESOURCES = (
    ("ecs", "instances", "InstanceId", "ecs:instance", "DescribeInstances"),
    ("ecs", "disks", "DiskId", "ecs:disk", "DescribeDisks"),
    ("oss", "buckets", "Name", "oss:bucket", "ListBuckets"),
    ("rds", "instances", "DBInstanceId", "rds:instance", "DescribeDBInstances"),
    ("slb", "load_balancers", "LoadBalancerId", "slb:load-balancer", "DescribeLoadBalancers"),
    ("polardb", "clusters", "DBClusterId", "polardb:cluster", "DescribeDBClusters"),
    ("redis", "instances", "InstanceId", "redis:instance", "DescribeInstances"),
    ("alb", "load_balancers", "LoadBalancerId", "alb:load-balancer", "ListLoadBalancers"),
    ("mongodb", "instances", "DBInstanceId", "mongodb:instance", "DescribeDBInstances"),
)


@rule(id="data-residency-allowed-regions", product="residency", severity="medium", resource_type="resource",
      needs=tuple(f"{product}:{action}" for product, _, _, _, action in RESOURCES),
      title="Data-bearing resources are in an allowed region",
      rationale="GL14 5.19(d): records kept outside Hong Kong must stay accessible to the IA; the insurer decides "
                "which regions are acceptable (allowed_regions) and every resource elsewhere needs a decision.",
      remediation={
          "console": "Move the resource to an allowed region (snapshot/backup and restore, OSS cross-region copy), "
                     "or add the region to allowed_regions once the IA access arrangement for it is documented.",
          "cli": "move {resource_id} out of {region}: ECS: aliyun ecs CopySnapshot --RegionId {region} --SnapshotId "
                 "<snapshot-id> --DestinationRegionId <allowed-region> ...; OSS: aliyun oss cp -r oss://{resource_id} "
                 "oss://<bucket-in-allowed-region>",
      })
def allowed_regions(acct, settings):
    allowed = set(settings.allowed_regions)
    for product, kind, id_field, rtype, action in RESOURCES:
        for item in acct.resources(product, kind):
            ok = item.region in allowed
            yield check(item.get(id_field), item.region, ok,
                        # the region whose endpoint listed it (OSS: the bucket's Region/Location)
                        {f"{action}.region": item.region, "allowed_regions": sorted(allowed)},
                        "" if ok else f"{rtype} is in {item.region}, outside the allowed regions",
                        resource_type=rtype)
