"""Every command has help text ending with an example, and appears in the README (house style 8)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import REPO, run

from kctrack.cli import app

# This typer vendors click (typer._click); the command tree is walked through the public
# attributes every click command has: ``commands`` on a group, ``params`` and ``help`` on each.


def _is_group(cmd: Any) -> bool:
    return isinstance(getattr(cmd, "commands", None), dict)


def _is_option(param: Any) -> bool:
    return param.param_type_name == "option"


def _walk(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, cmd in sorted(group.commands.items()):
        path = (*prefix, name)
        out.append((" ".join(path), cmd))
        if _is_group(cmd):
            out += _walk(cmd, path)
    return out


ROOT = typer.main.get_command(app)
assert _is_group(ROOT)
COMMANDS = _walk(ROOT)
LEAVES = [(name, cmd) for name, cmd in COMMANDS if not _is_group(cmd)]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_core_commands_are_there() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"init", "targets", "record", "status", "demo"} <= names


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help(name: str, cmd: Any) -> None:
    assert (cmd.help or "").strip(), name
    assert (cmd.get_short_help_str() or "").strip(), name


@pytest.mark.parametrize(("name", "cmd"), LEAVES, ids=[n for n, _ in LEAVES])
def test_command_docstring_ends_with_an_example(name: str, cmd: Any) -> None:
    lines = [line.strip() for line in (cmd.help or "").strip().splitlines() if line.strip()]
    assert lines, name
    last = lines[-1]
    assert last.startswith("Example:"), last
    assert re.search(rf"\bkctrack\b.*\b{re.escape(name)}\b", last), f"{name}: {last}"


@pytest.mark.parametrize(("name", "cmd"), LEAVES, ids=[n for n, _ in LEAVES])
def test_help_option_prints_the_example(name: str, cmd: Any) -> None:
    for flag in ("--help", "-h"):
        result = run(*name.split(), flag)
        assert result.exit_code == 0, result.output
        assert "Example:" in result.stdout
        assert "Traceback" not in result.output


GROUPS = [("", ROOT), *((name, cmd) for name, cmd in COMMANDS if _is_group(cmd))]


@pytest.mark.parametrize(("name", "cmd"), GROUPS, ids=[n or "kctrack" for n, _ in GROUPS])
def test_group_help_ends_with_an_example(name: str, cmd: Any) -> None:
    """``kctrack -h`` and ``kctrack db -h`` end with an example (their epilog), as each command's help does."""
    assert (cmd.epilog or "").strip().startswith("Example: kctrack"), name
    result = run(*name.split(), "-h")
    assert result.exit_code == 0, result.output
    last = [line.strip() for line in result.stdout.splitlines() if line.strip()][-1]
    assert last.startswith("Example:"), last
    assert re.search(rf"\bkctrack {re.escape(name)}\b", last) if name else last.startswith("Example: kctrack "), last


@pytest.mark.parametrize(
    ("name", "cmd"), [("", ROOT), *COMMANDS], ids=[n or "kctrack" for n, _ in [("", ROOT), *COMMANDS]]
)
def test_examples_need_no_file_of_the_repository(name: str, cmd: Any) -> None:
    """A command line in the help works outside a checkout: no example names data/… or tests/…"""
    for line in f"{cmd.help or ''}\n{cmd.epilog or ''}".splitlines():
        if "kctrack " in line:
            assert not re.search(r"(?<![\w/])(data|tests|docs)/", line), f"{name}: {line}"


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_appears_in_the_readme(name: str, cmd: Any) -> None:
    assert re.search(rf"\bkctrack {re.escape(name)}\b", README), f"`kctrack {name}` is not in README.md"


@pytest.mark.parametrize(("name", "cmd"), LEAVES, ids=[n for n, _ in LEAVES])
def test_every_option_has_help(name: str, cmd: Any) -> None:
    for param in cmd.params:
        if _is_option(param) and param.name != "help":
            assert (param.help or "").strip(), f"{name} {param.opts}"


def test_global_options_have_help() -> None:
    for param in ROOT.params:
        if _is_option(param) and param.name != "help":
            assert (param.help or "").strip(), param.opts
    assert {"--db", "--lang", "--no-color"} <= {o for p in ROOT.params for o in p.opts}


def test_every_message_key_in_the_code_exists() -> None:
    """Every literal key given to tr() or to an error type is in kctrack.i18n.MESSAGES, in both
    languages (tr returns the bare key for an unknown one: a user would read 'imp_foo')."""
    import ast

    from kctrack.i18n import MESSAGES

    callers = {"tr", "DataError", "UsageError", "PlanError", "DatabaseError", "KctrackError"}
    missing = []
    for path in sorted((Path(__file__).resolve().parent.parent / "kctrack").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0]
            if name in callers and isinstance(first, ast.Constant) and isinstance(first.value, str):
                if first.value not in MESSAGES or not all(MESSAGES[first.value]):
                    missing.append(f"{path.name}:{node.lineno} {first.value}")
    assert missing == []
