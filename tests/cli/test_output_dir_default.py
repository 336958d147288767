"""--output-dir without --format writes the reports people read and keep: JSON, HTML and Markdown."""

import json

from click.testing import CliRunner

from aliaudit.cli import main
from conftest import fixture_path


def test_output_dir_without_format_writes_json_html_and_markdown(tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["scan", "--fixture", fixture_path("hk-insurer-gaps.json"),
                                       "--output-dir", str(out)])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["aliaudit-report.html", "aliaudit-report.json",
                                                     "aliaudit-report.md"]
    assert json.loads((out / "aliaudit-report.json").read_text(encoding="utf-8"))["findings"]
    assert result.stdout == ""
