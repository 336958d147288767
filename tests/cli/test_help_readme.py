"""`--help` and the README agree: every option of every command is in the README's usage synopsis, the
defaults the README documents are the Click options' defaults, and the rule and product counts match."""

import os
import re

import click
import pytest
from click.testing import CliRunner

from aliaudit.cli import main
from conftest import ROOT

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as _fh:
    README = _fh.read()

COMMANDS = [("scan",), ("diff",), ("explain",), ("verify",), ("history",), ("drift",), ("rules", "list"),
            ("rules", "show"), ("frameworks", "show")]


def command(path):
    cmd = main
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def synopsis(path) -> str:
    """The README usage block's lines for one command (its first line and the indented ones after it)."""
    block = README.split("## Usage", 1)[1].split("```", 2)[1]
    out, inside = [], False
    for line in block.splitlines():
        if line.startswith("aliaudit "):
            inside = line.startswith("aliaudit " + " ".join(path) + " ") or line == "aliaudit " + " ".join(path)
        if inside:
            out.append(line)
    assert out, path
    return "\n".join(out)


def bullet(option: str) -> str:
    """The README Usage bullets that mention `--option`, whitespace and backticks normalised."""
    usage = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"\n- ", usage)
    found = [b for b in bullets if re.search(rf"`{re.escape(option)}(?![\w-])", b)]
    return norm(" ".join(found))


def norm(text: str) -> str:
    return " ".join(text.replace("`", "").replace("**", "").split()).lower()


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_option_is_in_the_readme_synopsis(path):
    text = synopsis(path)
    for param in command(path).params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            long = [o for o in param.opts if o.startswith("--")][0]
            assert re.search(rf"{re.escape(long)}(?![\w-])", text), f"{' '.join(path)} {long} not in the README synopsis"


def scan_options():
    return [p for p in command(("scan",)).params if isinstance(p, click.Option) and p.name != "help"]


@pytest.mark.parametrize("param", scan_options(), ids=lambda p: p.opts[0])
def test_documented_defaults_are_the_click_defaults(param):
    long = [o for o in param.opts if o.startswith("--")][0]
    default = param.default
    if type(default).__name__ == "Sentinel":  # click 8.3: no default given (UNSET)
        default = None
    stated = re.search(r"Default: (.+?)\.(?:\s|$)", param.help or "")
    if default in (None, False, (), []) and not stated:
        return  # no default to document
    text = bullet(long)
    assert text, f"{long} has a default but no README bullet"
    if default not in (None, False, (), []):
        assert norm(str(default)) in text, f"{long}: default {default!r} is not what the README says"
    if stated:
        assert norm(stated.group(1)) in text, f"{long}: --help says 'Default: {stated.group(1)}', the README does not"


def test_region_default_is_not_cn_hongkong_alone():
    """The issue that started this: --help said cn-hongkong, the README the regions with resources."""
    [region] = [p for p in scan_options() if p.name == "regions"]
    assert "regions where the tenant has resources" in region.help
    assert "regions where the tenant has resources" in bullet("--region")


def test_rules_list_counts_agree_with_the_readme():
    title = CliRunner().invoke(main, ["rules", "list"]).stdout.strip().splitlines()[0].strip()
    m = re.fullmatch(r"(\d+) rules over (\d+) products, plus data residency across them", title)
    assert m, title
    assert f"{m.group(1)} automated rules over {m.group(2)} products, plus data residency across them" in README
