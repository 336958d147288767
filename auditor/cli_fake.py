"""`aliaudit fake ...`: the fake Alibaba Cloud as a local HTTP server.

The CLI imports this module at start-up to register the command: what the command needs (rich, the
stores, the fake, the rules) is imported inside it, so `aliaudit --help` stays fast."""

from __future__ import annotations

import sys

import click

from .errors import UsageError


@click.group("fake")
def fake() -> None:
    """Run the fake Alibaba Cloud (for tests, demos and offline runs)."""


def _fail(message: str) -> None:
    click.echo(f"aliaudit: error: {message}", err=True)
    sys.exit(2)


def read_document(path: str):
    """A JSON or YAML file (JSON is YAML)."""
    from aliaudit import inputs

    return inputs.parse_yaml(inputs.read_text(path, "a JSON or YAML document", inputs.MAX_YAML_BYTES), path)


def load_policy(path: str) -> dict:
    from aliaudit.fakes.policy import PolicyError, validate

    try:
        return validate(read_document(path))
    except PolicyError as exc:
        raise UsageError(f"not a RAM policy document: {exc}", path) from None


def load_faults(path: str):
    from aliaudit.fakes.faults import Faults, FaultSpecError

    try:
        return Faults(read_document(path))
    except FaultSpecError as exc:
        raise UsageError(f"not a valid fault file: {exc}", path) from None


@fake.command("serve")
@click.option("--state", "state_path", type=click.Path(), help="Snapshot to serve (default: empty).")
@click.option("--port", type=int, default=18080, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback only, unless --allow-remote).")
@click.option("--allow-remote", is_flag=True, help="Allow binding a non-loopback address. The fake has no real security.")
@click.option("--policy", "policy_path", type=click.Path(),
              help="RAM policy document (JSON or YAML) to attach to the default key.")
@click.option("--faults", "faults_path", type=click.Path(),
              help="Fault file (YAML): {seed: 7, faults: [{product: ecs, action: DescribeDisks, kind: throttle, rate: 0.3}]}.")
@click.option("--quiet", is_flag=True, help="Do not log each request on stderr (they are still counted).")
def serve(state_path, port, host, allow_remote, policy_path, faults_path, quiet):
    """Serve a snapshot over HTTP through the same router the in-process fake uses.

    Prints the environment that points a scan at it, then logs one line per request on stderr.
    GET /_aliaudit/calls on the same address answers how many requests of each call it served.
    """
    from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeState
    from aliaudit.fakes.server import FakeServer, is_loopback

    if not allow_remote and not is_loopback(host):
        _fail(f"--host {host} is not a loopback address; pass --allow-remote to bind it anyway")
    try:
        state = FakeState()
        if state_path:
            state.load(state_path)
        if policy_path:
            state.set_policy(DEFAULT_ACCESS_KEY_ID, load_policy(policy_path))
        faults = load_faults(faults_path) if faults_path else None
        server = FakeServer(state, host, port, allow_remote=allow_remote, faults=faults,
                            log=None if quiet else sys.stderr)
    except UsageError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    click.echo(f"# fake Alibaba Cloud serving {state_path or 'an empty state'} at {server.url}")
    click.echo(f"export ALIBABA_CLOUD_ACCESS_KEY_ID={DEFAULT_ACCESS_KEY_ID}")
    click.echo(f"export ALIBABA_CLOUD_ACCESS_KEY_SECRET={DEFAULT_ACCESS_KEY_SECRET}")
    click.echo(f"aliaudit scan --endpoint-override {server.url}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
