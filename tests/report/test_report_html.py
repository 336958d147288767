"""The HTML report: self-contained, escaped, complete (clauses, evidence, remediation, waivers, attestations)."""

import re
from html.parser import HTMLParser

from report_samples import HOSTILE, enriched, hostile

from aliaudit.reporters import common, html


class Page(HTMLParser):
    """Every tag with its attributes, and the text, as a browser's parser sees them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.ids, self.clause_rows = [], [], set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "data-clause" in attrs and tag == "tr":
            self.clause_rows.append(attrs["data-clause"])

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


def _rows(page):
    return [a for t, a in page.tags if t == "tr" and "finding" in a.get("class", "").split()]


def test_one_row_per_finding_grouped_by_rule_with_clause_tags(gaps_report):
    out = html.render(gaps_report)
    page = Page(out)
    assert page.clause_rows == [common.clause_key(c) for c in gaps_report["clauses"]]
    text = " ".join(page.text)
    f = next(f for f in gaps_report["findings"] if f["rule"] == "ecs-disk-encrypted" and f["status"] == "FAIL")
    assert f["resource_id"] in text and "DescribeDisks.Encrypted" in text
    assert "aliyun ecs CreateDisk" in text and "alicloud_ecs_disk.encrypted" in text
    # one finding row per finding (not one per clause and finding), each with its clauses
    rows = _rows(page)
    assert len(rows) == len(gaps_report["findings"]) == sum(gaps_report["summary"]["findings"].values())
    assert sorted(r["data-clauses"].split() for r in rows) == sorted(f["clauses"] for f in gaps_report["findings"])
    assert {a["data-status"] for a in rows} == {"PASS", "FAIL", "NOT_APPLICABLE"}
    tags = [t for t, a in page.tags if t == "span" and a.get("class") == "tag"]
    assert len(tags) == sum(len(f["clauses"]) for f in gaps_report["findings"])
    # grouped by rule, most severe first; critical groups open, the others collapsed
    groups = [a for t, a in page.tags if t == "details" and "rule" in a.get("class", "").split()]
    assert len(groups) == len({f["rule"] for f in gaps_report["findings"]})
    ranks = [common.severity_rank(g["data-severity"]) for g in groups]
    assert ranks == sorted(ranks, reverse=True)
    assert {g["data-rule"] for g in groups if "open" in g} == {"ecs-sg-no-public-all-ports", "ram-no-root-access-key",
                                                               "ram-root-mfa", "ram-user-no-direct-admin"}
    # the page opens on what needs action
    status = next(a for t, a in page.tags if t == "select" and a.get("id") == "filter-status")
    assert status["data-default"] == "ACTION"
    selected = [a for t, a in page.tags if t == "option" and "selected" in a]
    assert [a["value"] for a in selected] == ["ACTION"]
    assert {"filter-severity", "filter-status", "filter-product", "filter-clause"} <= page.ids
    # scan metadata
    for value in (gaps_report["accounts"][0], gaps_report["generated_at"], "ap-southeast-1", "aliaudit 0.1.0"):
        assert value in text


def test_the_summary_is_at_the_top(gaps_report):
    out = html.render(gaps_report)
    page = Page(out)
    text = " ".join(" ".join(page.text).split())
    s = gaps_report["summary"]
    assert s["verdict"]["text"] == "Automated clauses: non-compliant (0 of 16 compliant). 9 clauses need attestation."
    assert text.count(s["verdict"]["text"]) == 2  # masthead and result
    assert "Overall:" not in text
    assert {"framework-summary", "severity-summary", "top-risks"} <= page.ids
    top = out.index('id="top-risks"')
    assert top < out.index('id="findings"')
    risk_rows = [a["data-rule"] for t, a in page.tags if t == "tr" and "data-rule" in a]
    assert risk_rows == [r["rule"] for r in s["top_risks"]] and len(risk_rows) == 10
    assert "0 of 8 automated clauses compliant (0%)" in text


def test_a_compliant_tenant_reads_compliant_not_manual(compliant_report):
    page = Page(html.render(compliant_report))
    text = " ".join(" ".join(page.text).split())
    assert "Automated clauses: compliant (16 of 16 compliant). 9 clauses need attestation." in text
    assert "No critical or high failure." in text


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
    assert len(rows) == 1  # the waived finding, once, its two clauses as tags
    assert rows[0]["data-clauses"].split() == next(f["clauses"] for f in report["findings"] if f["status"] == "WAIVED")


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
    assert "No automated clause in scope." in " ".join(page.text)
