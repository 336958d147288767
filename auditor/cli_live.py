"""The scan command's options for live scans, recording, history and multi-account runs.

Kept apart from cli.py so that the scan command itself stays short: `options`
adds the click options, `collect` chooses the source, `after` records/stores.
"""

from __future__ import annotations

import dataclasses
import os

import click

from .org import DEFAULT_MEMBER_ROLE

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


def collect(fixture: str | None, opts, live: dict) -> tuple[dict, dict, list[str]]:
    """(collected snapshot, report source, secrets to keep out of files)."""
    from . import credentials, org, progress, scan as scanning
    from .errors import UsageError

    if fixture:
        if live.get("replay"):
            return scanning.collect_fixture(fixture, opts), {"kind": "fixture", "path": fixture}, []
        from . import offline

        return offline.collect(fixture, opts), {"kind": "fixture", "path": fixture}, []
    if live.get("replay"):
        raise UsageError("--replay applies to --fixture FILE")
    if live.get("sts_region"):
        opts.home_region = live["sts_region"]
    elif opts.regions:
        opts.home_region = opts.regions[0]
    cred_opts = credentials.CredentialOptions(profile=live.get("profile"), role_arn=live.get("role_arn"),
                                              role_session_name=live.get("role_session_name") or "aliaudit",
                                              sts_region=opts.home_region)
    credential = credentials.resolve(cred_opts, opts.home_region, opts.endpoint_override)
    with progress.reporter(live.get("verbose", False)) as update:
        opts.progress = update
        if getattr(update, "waiting", None) is not None:  # a terminal or --verbose: show the retries' waits
            opts.collection = dataclasses.replace(opts.collection,
                                                  retry={**opts.collection.retry, "on_wait": update.waiting})
        if live.get("resource_directory"):
            collected = org.collect_organisation(credential, opts, live.get("member_role_name") or DEFAULT_MEMBER_ROLE)
        else:
            collected = scanning.collect_live(credential, opts)
    source = {"kind": "live", "endpoint_override": opts.endpoint_override}
    if live.get("resource_directory"):
        source["resource_directory"] = True
    return collected, source, credentials.secrets_of(credential)


def check_store(live: dict) -> None:
    """Open (and close) the --store before collecting: a store that cannot be opened is exit 2 at once."""
    if live.get("store_url"):
        from . import history

        history.open_store(live["store_url"]).close()


def after(report: dict, collected: dict, opts, source: dict, secrets: list[str], live: dict, fmt: str,
          pending) -> None:
    """--record and --per-account-dir (staged in `pending`, committed with the reports)."""
    from . import record, snapshot
    from .errors import UsageError

    if live.get("record_path"):
        out = record.prepare(collected, secrets, redact_ids=live.get("redact", False))
        pending.stage(live["record_path"], snapshot.dumps(out), "the recording")
    elif live.get("redact"):
        raise UsageError("--redact applies to --record FILE")
    if live.get("per_account_dir"):
        from .cli_output import EXTENSIONS
        from .org import account_reports
        from .reporters import FORMATS

        folder = live["per_account_dir"]
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the --per-account-dir: {exc.strerror}", folder) from None
        for account_id, one in account_reports(collected, opts, source).items():
            one = record.scrub(one, secrets)
            pending.stage(os.path.join(folder, f"{account_id}.{EXTENSIONS[fmt]}"), FORMATS[fmt](one, color=False),
                          f"the report of account {account_id}")


def store(report: dict, live: dict) -> None:
    """--store: the result saved in the history, and the trend since the previous scan added to the report's
    summary (so this runs before the reports are rendered)."""
    if live.get("store_url"):
        from . import history
        from .reporters import summary

        db = history.open_store(live["store_url"])
        try:
            db.save(report)
            report["summary"]["trend"] = summary.trend(db, report)
        finally:
            db.close()
