"""VPC rules: every VPC has an active flow log."""

from .base import check, rule


@rule(id="vpc-flow-logs-enabled", product="vpc", severity="medium", resource_type="vpc:vpc",
      needs=("vpc:DescribeVpcs", "vpc:DescribeFlowLogs"),
      title="Every VPC has an active flow log",
      rationale="GL20 monitoring and GL14 5.15(c): flow logs record who talked to what inside the network, the "
                "evidence to detect and investigate an intrusion.",
      remediation={
          "console": "VPC console > Flow Logs > Create Flow Log: resource type VPC, the VPC, traffic type All, "
                     "and a Simple Log Service logstore.",
          "cli": "aliyun vpc CreateFlowLog --RegionId {region} --ResourceType VPC --ResourceId {resource_id} "
                 "--TrafficType All --ProjectName <sls-project> --LogStoreName <logstore>",
          "terraform": "alicloud_vpc_flow_log (resource_id = \"{resource_id}\", resource_type = \"VPC\", traffic_type = \"All\")",
      })
def flow_logs_enabled(acct, settings):
    for vpc in acct.resources("vpc", "vpcs"):
        vid = vpc.get("VpcId")
        logs = [f for f in acct.in_region(vpc.region, "vpc", "flow_logs")
                if f.get("ResourceType") == "VPC" and f.get("ResourceId") == vid]
        active = [f for f in logs if f.get("Status") == "Active"]
        yield check(vid, vpc.region, bool(active),
                    {"DescribeFlowLogs.FlowLog": [{"FlowLogId": f.get("FlowLogId"), "Status": f.get("Status"),
                                                   "TrafficType": f.get("TrafficType")} for f in logs]},
                    "" if active else ("no flow log covers the VPC" if not logs else "the VPC's flow logs are not Active"))
