#!/usr/bin/env bash
# Plan, check the plan with aliaudit, and apply only a compliant plan.
#
#   examples/ci/pre-apply.sh [terraform-dir]
#
# Environment: WAIVERS (a waiver YAML), BASELINE (a JSON report: block only on new FAILs),
# FAIL_ON (lowest blocking severity, default low), ALLOW_INCOMPLETE=1 (apply even when some
# check could not be decided from the plan, exit 3), TERRAFORM (default terraform),
# ALIAUDIT (default aliaudit).
#
# Rules a plan cannot assess (Cloud Backup, ActionTrail, RAM, flow logs, ...) are NOT_APPLICABLE
# ("not assessable from a Terraform plan"); keep a scheduled live scan for them.
set -euo pipefail

dir="${1:-.}"
tf="${TERRAFORM:-terraform}"
aliaudit="${ALIAUDIT:-aliaudit}"
cd "$dir"

"$tf" plan -input=false -out=tfplan
"$tf" show -json tfplan > tfplan.json

args=(scan --terraform-plan tfplan.json --fail-on "${FAIL_ON:-low}")
[[ -n "${WAIVERS:-}" ]] && args+=(--waivers "$WAIVERS")
[[ -n "${BASELINE:-}" ]] && args+=(--baseline "$BASELINE")

set +e
"$aliaudit" "${args[@]}"
code=$?
set -e

case "$code" in
  0) echo "aliaudit: compliant; applying" ;;
  1) echo "aliaudit: the plan fails HKIA checks; not applied" >&2; exit 1 ;;
  3) if [[ "${ALLOW_INCOMPLETE:-0}" == 1 ]]; then
       echo "aliaudit: some checks could not be decided from the plan; applying (ALLOW_INCOMPLETE=1)" >&2
     else
       echo "aliaudit: some checks could not be decided from the plan; not applied (set ALLOW_INCOMPLETE=1 to apply)" >&2
       exit 3
     fi ;;
  *) echo "aliaudit: error (exit $code); not applied" >&2; exit "$code" ;;
esac

"$tf" apply -input=false tfplan
