"""The JSON report: the full record (clauses, findings with evidence, collection errors)."""

import json


def render(report: dict, **_) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
