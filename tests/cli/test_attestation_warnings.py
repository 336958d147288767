"""An expired attestation is not silent: a warning on stderr and a table section, for the clauses in scope."""

import os

from click.testing import CliRunner

from aliaudit.cli import main
from conftest import ROOT, fixture_path

EXAMPLE = os.path.join(ROOT, "examples", "attestations", "hk-insurer.yaml")  # hkia-gl14:5.10 has expired


def scan(*args):
    return CliRunner().invoke(main, ["scan", "--fixture", fixture_path("hk-insurer-compliant.json"),
                                     "--attestations", EXAMPLE, *args])


def test_an_expired_attestation_warns_on_stderr_and_in_the_table():
    result = scan()
    assert result.exit_code == 0, result.output
    warning = [ln for ln in result.stderr.splitlines() if "hkia-gl14:5.10" in ln]
    assert len(warning) == 1 and warning[0].startswith("aliaudit: warning: attestation of hkia-gl14:5.10")
    assert "expired on" in warning[0]
    assert "hkia-gl8:5.1(a)" not in result.stderr  # a valid one says nothing
    assert "Attestations that need attention (1)" in result.stdout and "EXPIRED" in result.stdout


def test_no_warning_for_an_attestation_outside_the_scope():
    result = scan("--framework", "hkia-gl8")
    assert result.exit_code == 0 and "expired" not in result.stderr
    assert "Attestations that need attention" not in result.stdout
