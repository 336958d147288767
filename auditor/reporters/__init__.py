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

# Formats that can be written to a file piece by piece (the same text as FORMATS gives): a large report is
# never held as one string. write(report, fh) into a text file opened with newline="".
STREAMS = {
    "json": json_report.write,
    "csv": csv_report.write,
    "ocsf": ocsf.write,
    "ocsf-ndjson": ocsf.write_ndjson,
    "sarif": sarif.write,
}
