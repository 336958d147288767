"""Reporters: each turns a report dict into text. Listed explicitly."""

from . import html, json_report, table

FORMATS = {
    "table": table.render,
    "json": json_report.render,
    "html": html.render,
}
