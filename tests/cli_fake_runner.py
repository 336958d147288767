"""Run the aliaudit CLI in a fresh process with the fake cloud in it (the credential chain reads the environment at
import, so live-mode CLI tests need a new process). Usage: python cli_fake_runner.py SNAPSHOT ARGS..."""

import sys

from aliaudit.cli import main
from aliaudit.fakes import FakeCloud

if __name__ == "__main__":
    with FakeCloud(extra_urls=("http://127.0.0.1:18080",)).load(sys.argv[1]):
        main(sys.argv[2:], prog_name="aliaudit")
