"""Reporters: each turns a report dict into text. Listed explicitly."""

from . import csv_report, html, json_report, junit, markdown, ocsf, sarif, table

FORMATS = {
    "table": table.render,
    "json": json_report.render,
    "html": html.render,
    "markdown": markdown.render,
    "csv": csv_report.render,
    "ocsf": ocsf.render,
    "ocsf-ndjson": ocsf.render_ndjson,
    "sarif": sarif.render,
    "junit": junit.render,
}
