"""The JSON report: the full record (clauses, findings with evidence, collection errors)."""

from .. import jsontext

FORMATS = {"json": ("json", "render", "write")}  # format -> (extension, render[, writer]); see __init__.py


def render(report: dict, **_) -> str:
    return jsontext.dumps(report) + "\n"


def write(report: dict, fh, **_) -> None:
    """The same text as render, written piece by piece: never the whole report in one string."""
    jsontext.write(report, fh)
    fh.write("\n")
