"""The aliaudit command line. SDKs and rules load only when a command needs them."""

from __future__ import annotations

import sys

import click

from . import __version__, cli_live, cli_output, cli_scope
from .cli_output import FORMAT_NAMES
from .errors import CredentialsError, IncompleteScan, UsageError, one_line
from .model import SEVERITIES

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"aliaudit: error: {one_line(message)}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aliaudit")
def main() -> None:
    """Audit an Alibaba Cloud tenant against the HKIA guidelines (GL8, GL14, GL20), clause by clause."""


@main.command()
@click.option("--fixture", type=click.Path(), help="Scan a recorded snapshot offline (evaluated as it is; with --replay, served by the fake cloud and collected back through the SDKs).")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region to scan (repeatable). Default: live, the regions where the tenant has resources; "
                   "offline, every region in the fixture.")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
              help="Report format (repeatable): " + ", ".join(FORMAT_NAMES) + ". Default: table; with --output-dir, "
                   "json, html and markdown.")
@click.option("--output", "outputs", multiple=True, type=click.Path(),
              help="Write the report to FILE instead of standard output; once per --format, in the same order.")
@click.option("--output-dir", type=click.Path(),
              help="Write each --format to DIR/aliaudit-report.<ext> (no --format: json, html and markdown).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="low", show_default=True,
              help="Exit 1 when a FAIL of this severity or higher exists.")
@click.option("--config", "config_path", type=click.Path(), help="YAML file of rule thresholds.")
@click.option("--endpoint-override", metavar="URL", help="Send every product's API calls to this address.")
@click.option("--terraform-plan", "plan_path", type=click.Path(),
              help="Check a plan before apply: the output of `terraform show -json PLAN`.")
@click.option("--waivers", "waivers_path", type=click.Path(), help="YAML list of waivers (accepted FAILs).")
@click.option("--baseline", "baseline_path", type=click.Path(),
              help="A JSON report: exit 1 only for FAILs that are not in it.")
@click.option("--attestations", "attestations_path", type=click.Path(),
              help="YAML list of attestations for manual clauses (clause, statement, evidence, owner, date, expires).")
@cli_scope.scan_options
@cli_live.options
def scan(fixture, regions, formats, outputs, output_dir, fail_on, config_path, endpoint_override,
         plan_path, waivers_path, baseline_path, attestations_path, allow_different_scope, **live):
    """Collect account state, evaluate the rules and report per clause.

    Exit codes: 0 no FAIL at or above --fail-on; 1 such a FAIL; 2 bad usage or input;
    3 no such FAIL but some check could not read its data (incomplete); 130/143 interrupted (SIGINT/SIGTERM).
    Every file is written at the end, all together or none.
    """
    # The pipeline (rules, SDKs, collectors) loads only when a scan runs: `aliaudit --help` stays fast.
    from . import progress, ratelimit, scan as pipeline, settings
    from .options import Request, ScanOptions

    with cli_output.interruptible():  # SIGINT/SIGTERM: every file of the run removed, exit 130/143
        status = progress.OfflineLine(enabled=bool(fixture))  # offline: a status line on a terminal after 1 s
        try:
            targets = cli_output.plan(formats, outputs, output_dir, live.get("record_path"))  # checked before the scan
            scope = cli_scope.from_options(live, regions)  # takes the scope options out of `live`
            request = Request(
                opts=ScanOptions(regions=regions, frameworks=scope.frameworks, scope=scope,
                                 settings=settings.load(config_path), endpoint_override=endpoint_override,
                                 collection=ratelimit.load(config_path)),
                source=cli_live.source_options(fixture, plan_path, live),
                outputs=cli_live.output_options(targets, output_dir, sys.stdout.isatty(), live),
                waivers_path=waivers_path, baseline_path=baseline_path, attestations_path=attestations_path,
                allow_different_scope=allow_different_scope, fail_on=fail_on)
            result = pipeline.run(request, status.step)  # writes every file, all together or none
        except UsageError as exc:
            _fail(str(exc))
        except IncompleteScan as exc:
            _fail(f"{exc}.", EXIT_INCOMPLETE)
        except CredentialsError as exc:
            hint = (". Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile, "
                    "or use --fixture FILE for an offline run") if str(exc).startswith("no usable credentials") else ""
            _fail(f"{exc}{hint}.")
        finally:
            status.close()  # the status line is erased before anything else is printed
    for line in result.messages:
        click.echo(f"aliaudit: warning: {line}", err=True)
    if result.stdout is not None:
        click.echo(result.stdout, nl=False)
    _say_where(result.report, request.outputs.targets, sys.stderr.isatty() or bool(live.get("verbose")))
    if result.report.get("incomplete"):
        _say_incomplete(result.report)
    sys.exit(result.exit_code)


def _say_incomplete(report: dict) -> None:
    """An account whose regions could not be listed: one error line (the report says the run is incomplete)."""
    listed = [e for e in report.get("collection_errors", []) if (e.get("product"), e.get("action"), e.get("region"))
              == ("ecs", "DescribeRegions", None)]
    detail = f" ({listed[0]['code']}: {listed[0].get('message')})" if listed else ""
    click.echo(f"aliaudit: error: {one_line(report['incomplete'] + detail)}; the report says the run is "
               "incomplete.", err=True)


def _say_where(report: dict, targets, terminal: bool) -> None:
    """On a terminal (or with --verbose): the verdict and where each report file was written."""
    written = [(fmt, path) for fmt, path in targets if path is not None]
    if not (terminal and written):
        return
    from .reporters import summary  # the verdict's wording lives with the reports

    click.echo(f"aliaudit: {summary.of(report)['verdict']['text']}", err=True)
    for fmt, path in written:
        click.echo(f"aliaudit: wrote the {fmt} report to {path}", err=True)


def _register() -> None:
    # each command's module keeps its heavy imports inside the command: importing them all here is cheap
    from .cli_catalogue import explain_command, frameworks_group, rules_group
    from .cli_diff import diff
    from .cli_fake import fake
    from .cli_history import drift, history, verify

    for command in (diff, fake, verify, history, drift, rules_group, frameworks_group, explain_command):
        main.add_command(command)


_register()

if __name__ == "__main__":
    main()
