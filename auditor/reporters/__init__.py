"""Reporters: each turns a report dict into text. Listed explicitly."""

from . import json_report, junit, sarif, table

FORMATS = {
    "table": table.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
}
