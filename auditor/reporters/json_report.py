"""The JSON report: the full record (clauses, findings with evidence, collection errors)."""

import json

FORMATS = {"json": ("json", "render")}  # format -> (file extension, render function); see __init__.py


def render(report: dict, **_) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
