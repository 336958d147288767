"""The aliaudit command line. SDKs and rules load only when a command needs them."""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import CredentialsError, UsageError
from .model import SEVERITIES

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"aliaudit: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aliaudit")
def main() -> None:
    """Audit an Alibaba Cloud tenant against the HKIA guidelines (GL8, GL14, GL20), clause by clause."""


@main.command()
@click.option("--fixture", type=click.Path(dir_okay=False), help="Scan a recorded snapshot offline, served by the fake cloud.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region to scan (repeatable). Default: cn-hongkong live; the fixture's regions offline.")
@click.option("--framework", "frameworks", multiple=True, metavar="NAME",
              help="Framework to report (repeatable): hkia-gl8, hkia-gl14, hkia-gl20. Default: all.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of standard output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="low", show_default=True,
              help="Exit 1 when a FAIL of this severity or higher exists.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="YAML file of rule thresholds.")
@click.option("--endpoint-override", metavar="URL", help="Send every product's API calls to this address.")
@click.option("--attestations", "attestations_path", type=click.Path(dir_okay=False),
              help="YAML list of attestations for manual clauses (clause, statement, evidence, owner, date, expires).")
def scan(fixture, regions, frameworks, fmt, output, fail_on, config_path, endpoint_override, attestations_path):
    """Collect account state, evaluate the rules and report per clause.

    Exit codes: 0 no FAIL at or above --fail-on; 1 such a FAIL; 2 bad usage or input;
    3 no such FAIL but some check could not read its data (incomplete).
    """
    from . import scan as scanning, settings, snapshot
    from .reporters import FORMATS

    try:
        opts = scanning.ScanOptions(regions=list(regions), frameworks=list(frameworks),
                                    settings=settings.load(config_path), endpoint_override=endpoint_override)
        if frameworks:
            from . import clauses

            clauses.load(list(frameworks))
        if attestations_path:
            from . import attestations, clauses

            opts.attestations = attestations.load(attestations_path, clauses.load())
        if fixture:
            collected = scanning.collect_fixture(fixture, opts)
            source = {"kind": "fixture", "path": fixture}
        else:
            collected = scanning.collect_live(scanning.default_credential(), opts)
            source = {"kind": "live", "endpoint_override": endpoint_override}
        report = scanning.evaluate(collected, opts, source)
    except UsageError as exc:
        _fail(str(exc))
    except CredentialsError as exc:
        _fail(f"{exc}. Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile, "
              "or use --fixture FILE for an offline run.")
    text = FORMATS[fmt](report, color=(fmt == "table" and output is None and sys.stdout.isatty()))
    if output:
        try:
            snapshot.write_atomic(output, text)
        except OSError as exc:
            _fail(f"{output}: cannot write: {exc.strerror}")
    else:
        click.echo(text, nl=False)
    sys.exit(scanning.exit_code(report, fail_on))


from .cli_catalogue import frameworks_group, rules_group  # noqa: E402

main.add_command(rules_group)
main.add_command(frameworks_group)

if __name__ == "__main__":
    main()
