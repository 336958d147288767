"""The scan command's options for live scans, recording, history and multi-account runs.

Kept apart from cli.py so that the scan command itself stays short: `options` adds the click
options; `source_options` and `output_options` turn them into the frozen options of a Request
(auditor/options.py), which the pipeline (auditor/scan.py) runs.
"""

from __future__ import annotations

import click

from .options import DEFAULT_MEMBER_ROLE, OutputOptions, SourceOptions

_OPTIONS = [
    click.option("--profile", help="Profile of ~/.aliyun/config.json to take credentials from (default: the chain)."),
    click.option("--role-arn", help="Assume this RAM role (through the regional STS endpoint) for the scan."),
    click.option("--role-session-name", default="aliaudit", show_default=True, help="Session name for --role-arn."),
    click.option("--sts-region", metavar="REGION",
                 help="Region whose STS endpoint (sts.REGION.aliyuncs.com) assumes roles. Default: the first "
                      "--region, else cn-hongkong."),
    click.option("--resource-directory", is_flag=True,
                 help="Scan every member account of the resource directory (ListAccounts + AssumeRole)."),
    click.option("--member-role-name", default=DEFAULT_MEMBER_ROLE, show_default=True,
                 help="Role assumed in each member account with --resource-directory."),
    click.option("--per-account-dir", type=click.Path(),
                 help="Also write one report per account into this folder (ACCOUNT.json or .txt)."),
    click.option("--record", "record_path", type=click.Path(),
                 help="Save the collected snapshot as a fixture (no secrets; with a SHA-256 digest)."),
    click.option("--redact", is_flag=True, help="With --record: mask account ids and IP addresses."),
    click.option("--store", "store_url", metavar="URL", default=None,
                 help="Store the result in the history: a path or sqlite:///PATH, or postgresql://... "
                      "(use --store default for ~/.local/share/aliaudit/history.db)."),
    click.option("--verbose", "-v", is_flag=True, help="Progress on stderr even when it is not a terminal."),
    click.option("--replay", is_flag=True,
                 help="With --fixture: serve the fixture through the fake cloud and collect it back through the SDK "
                      "collectors (the same findings, slower; the offline path evaluates the fixture directly)."),
]


def options(fn):
    for opt in reversed(_OPTIONS):
        fn = opt(fn)
    return fn


def source_options(fixture: str | None, plan_path: str | None, live: dict) -> SourceOptions:
    return SourceOptions(fixture=fixture, plan_path=plan_path, profile=live.get("profile"),
                         role_arn=live.get("role_arn"), role_session_name=live.get("role_session_name") or "aliaudit",
                         sts_region=live.get("sts_region"), resource_directory=bool(live.get("resource_directory")),
                         member_role_name=live.get("member_role_name") or DEFAULT_MEMBER_ROLE,
                         verbose=bool(live.get("verbose")), replay=bool(live.get("replay")))


def output_options(targets: list, output_dir: str | None, isatty: bool, live: dict) -> OutputOptions:
    return OutputOptions(targets=tuple(targets), output_dir=output_dir, isatty=isatty,
                         record_path=live.get("record_path"), redact=bool(live.get("redact")),
                         per_account_dir=live.get("per_account_dir"), store_url=live.get("store_url"))
