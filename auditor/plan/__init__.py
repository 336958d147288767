"""Terraform plans: `terraform show -json` output mapped into the snapshot model, so the same rules run before apply.

The plan JSON format is HashiCorp's documented one (format_version 1.x): each entry of
`resource_changes` carries `change.after` (the planned values) and `change.after_unknown` (the
leaves known only after apply). A planned `alicloud_*` resource becomes an API-shaped snapshot
item whose field names are the ones the rules read (DescribeDisks `Encrypted`, CLB listener
`HTTPListenerConfig.ListenerForward`, ...), and whose id is the resource ADDRESS
(`alicloud_ecs_disk.data`), so findings name what the reviewer sees in the plan.

    load.py        the plan file, strictly (a malformed resource_changes entry is exit 2, naming its index)
    references.py  planned values, and references to other resources, through module variables too
    adapter.py     resource_changes -> snapshot, calling each product's mapper
    <product>.py   one mapping per product: MAPPERS (resource type -> mapper) and ANSWERS (the calls it answers)
    registry.py    finds the mapper modules of this folder
    annotate.py    after evaluation: not-assessable rules, gaps as ERROR, addresses as resource ids

Never a false PASS:
- A value unknown until apply is left out of the item and recorded as a "gap" on the item
  (`api` field, provider attribute, reason). After evaluation, every finding on that item whose
  evidence reads that field becomes ERROR, with the reason. A later mapping (a companion resource)
  never settles a value the plan leaves unknown.
- A value that is unknown because it refers to another resource of the same plan (a listener's
  `load_balancer_id`, a disk's `kms_key_id`, a policy's `bucket`) is resolved through the
  `configuration` references to that resource's address, through module variables and outputs.
- A resource the plan refers to but does not create (an existing key or load balancer, a
  data source) is added as a stub whose detail is a gap; findings about the stub itself are
  dropped (it is not part of the change) and findings that depend on it are ERROR.
- A detail that lives in a resource type the plan does not contain (an RDS instance without an
  `alicloud_db_backup_policy`) is a gap too: the provider leaves it to the service default, which
  the plan cannot show.
- A call no mapper answers (HBR backup plans, ActionTrail, RAM, VPC flow logs, PolarDB SSL
  endpoints, ...): the snapshot's account lists it as an `unavailable` entry with scope "call", one
  per region of the plan, and every rule needing it is NOT_APPLICABLE: "not assessable from a
  Terraform plan: needs <call>; a live scan checks it".
"""

from __future__ import annotations

from .adapter import Adapter, to_snapshot
from .annotate import annotate, not_assessable
from .context import NOT_IN_PLAN, PLAN_ACCOUNT, PLAN_SOURCE, Gap, PlanContext, Planned
from .load import load
from .registry import ANSWERED_CALLS, ANSWERS_BY_MODULE, MAPPERS, unanswered_calls

__all__ = ["ANSWERED_CALLS", "ANSWERS_BY_MODULE", "Adapter", "Gap", "MAPPERS", "NOT_IN_PLAN", "PLAN_ACCOUNT",
           "PLAN_SOURCE", "PlanContext", "Planned", "annotate", "load", "not_assessable", "to_snapshot", "unanswered_calls"]
