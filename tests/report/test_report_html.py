"""The HTML report: self-contained, escaped, complete (clauses, evidence, remediation, waivers, attestations)."""

import re
from html.parser import HTMLParser

from report_samples import HOSTILE, enriched, hostile

from aliaudit.reporters import common, html


class Page(HTMLParser):
    """Every tag with its attributes, and the text, as a browser's parser sees them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.ids, self.data_clauses = [], [], set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "data-clause" in attrs and tag == "section":
            self.data_clauses.append(attrs["data-clause"])

    def handle_data(self, data):
        self.text.append(data)


RESOURCE_LOAD = re.compile(r"https?://|@import|url\(|<link(?![^>]*href=\"data:,\")|\bsrc\s*=", re.I)


def test_self_contained_no_resource_reference(gaps_report):
    out = html.render(enriched(gaps_report))
    assert not RESOURCE_LOAD.search(out), RESOURCE_LOAD.search(out)
    page = Page(out)
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts == [{}]  # one inline script, no src
    assert [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed", "font")] == []
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp.startswith("default-src 'none'; style-src 'sha256-") and "unsafe-inline" not in csp


def test_every_clause_has_a_drilldown_with_rules_evidence_and_remediation(gaps_report):
    out = html.render(gaps_report)
    page = Page(out)
    keys = [common.clause_key(c) for c in gaps_report["clauses"]]
    assert page.data_clauses == keys
    text = " ".join(page.text)
    f = next(f for f in gaps_report["findings"] if f["rule"] == "ecs-disk-encrypted" and f["status"] == "FAIL")
    assert f["resource_id"] in text and "DescribeDisks.Encrypted" in text
    assert "aliyun ecs CreateDisk" in text and "alicloud_ecs_disk.encrypted" in text
    # one finding row per (clause, finding) pair
    rows = [a for t, a in page.tags if t == "tr" and "finding" in a.get("class", "").split()]
    assert len(rows) == sum(len(f["clauses"]) for f in gaps_report["findings"])
    assert {a["data-status"] for a in rows} == {"PASS", "FAIL", "NOT_APPLICABLE"}
    # scan metadata
    for value in (gaps_report["accounts"][0], gaps_report["generated_at"], "ap-southeast-1", "aliaudit 0.1.0"):
        assert value in text


def test_chart_counts_findings_by_clause_and_severity(gaps_report):
    ctx = html.context(gaps_report)
    row = next(r for r in ctx["chart"]["rows"] if r["label"] == "HKIA GL8 5.1(b)")
    fails = [f for f in gaps_report["findings"] if "hkia-gl8:5.1(b)" in f["clauses"] and f["status"] == "FAIL"]
    by_sev = {}
    for f in fails:
        by_sev[f"FAIL:{f['severity']}"] = by_sev.get(f"FAIL:{f['severity']}", 0) + 1
    assert {k: v for k, v in row["counts"].items() if k.startswith("FAIL:")} == by_sev
    assert row["fail"] == len(fails) > 0
    out = html.render(gaps_report)
    assert "<svg" in out and "seg-fail-high" in out


def test_waivers_attestations_and_digest(gaps_report):
    report = enriched(gaps_report)
    page = Page(html.render(report))
    text = " ".join(page.text)
    assert {"waivers", "attestations"} <= page.ids
    assert "sha256:" + "ab" * 32 in text
    assert "Waived until 2099-12-31 by ciso@insurer.invalid" in text
    assert "2020-01-31" in text and "expired" in text  # the expired waiver is listed with its expiry
    assert "Attested by head of security on 2026-03-01, expires 2099-03-01" in " ".join(text.split())
    assert "the attestation expired on 2020-01-10" in text
    states = [a.get("data-state") for t, a in page.tags if t == "tr" and "data-state" in a]
    assert states == ["valid", "expired", "active", "expired"]
    rows = [a for t, a in page.tags if t == "tr" and a.get("data-status") == "WAIVED"]
    assert len(rows) == 2  # the waived finding, under each of its two clauses


def test_hostile_names_are_inert(gaps_report):
    out = html.render(hostile(gaps_report))
    page = Page(out)
    assert [t for t, _ in page.tags].count("script") == 1
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert "\x1b" not in out and "://" not in out
    text = "".join(page.text)
    shown = common.visible(HOSTILE)  # ESC shown as \x1b; the rest exactly as named
    assert shown in text and "\\x1b[31m" in text


def test_report_without_findings_renders(gaps_report):
    empty = dict(gaps_report, findings=[], clauses=[], collection_errors=[], summary={"clauses": {}, "findings": {}})
    page = Page(html.render(empty))
    assert "Not applicable" in " ".join(page.text)
