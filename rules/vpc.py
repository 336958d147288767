"""VPC rules: every VPC has an active flow log."""

from .base import check, each, rule
from .common import read

FLOW_LOG_STATUS = ("Active", "Activating", "Inactive")  # DescribeFlowLogs FlowLog.Status


def _flow_logs(acct, settings) -> dict:
    out: dict = {}
    for f in acct.resources("vpc", "flow_logs"):
        out.setdefault((f.region, f.get("ResourceId")), []).append(f.data)
    return out


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
@each("vpc", "vpcs", "VpcId", prepare=_flow_logs)
def flow_logs_enabled(vpc, acct, settings, flow_logs):
    vid = vpc.get("VpcId")
    logs = [f for f in flow_logs.get((vpc.region, vid), [])
            if read(f, "ResourceType", "str", name="DescribeFlowLogs.FlowLog.ResourceType", optional=False) == "VPC"]
    active = [f for f in logs if read(f, "Status", "str", name="DescribeFlowLogs.FlowLog.Status", optional=False,
                                      values=FLOW_LOG_STATUS) == "Active"]
    return check(vid, vpc.region, bool(active),
                 {"DescribeFlowLogs.FlowLog": [{"FlowLogId": f.get("FlowLogId"), "Status": f.get("Status"),
                                                "TrafficType": f.get("TrafficType")} for f in logs]},
                 "" if active else ("no flow log covers the VPC" if not logs else "the VPC's flow logs are not Active"))
