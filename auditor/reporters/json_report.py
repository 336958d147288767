"""The JSON report: the full record (clauses, findings with evidence, collection errors)."""

import json


def render(report: dict, **_) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def write(report: dict, fh, **_) -> None:
    """The same text as render, written piece by piece: never the whole report in one string."""
    json.dump(report, fh, indent=2, ensure_ascii=False)
    fh.write("\n")
