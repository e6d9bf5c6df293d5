"""The command line's own usage errors, in the user's language (Chinese by default).

An unknown command or option, a missing argument, an option without its value
or a value outside its choices: one clear message on stderr, in Chinese unless
``--lang en`` (or ``KCTRACK_LANG=en``), the usage line and a pointer to ``-h``,
exit code 2, nothing on stdout and no traceback. The expected texts are
written out by hand.
"""

from __future__ import annotations

import pytest
from conftest import run


def usage_error(*args: str, env: dict[str, str | None] | None = None) -> list[str]:
    result = run(*args, env=env)
    assert result.exit_code == 2, f"exit {result.exit_code}\n{result.stderr}"
    assert result.stdout == ""
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_unknown_command_suggests_the_close_one() -> None:
    assert usage_error("improt", "x.xlsx") == [
        "用法：kctrack [OPTIONS] COMMAND [ARGS]...",
        "运行 “kctrack -h” 查看帮助。",
        "没有 “improt” 这个命令（是否想输入 import？）",
    ]
    assert usage_error("--lang", "en", "improt")[-1] == "No such command 'improt'; did you mean import?"


def test_unknown_command_without_a_close_one() -> None:
    assert usage_error("frobnicate")[-1] == "没有 “frobnicate” 这个命令"


def test_missing_option_names_it() -> None:
    assert usage_error("record", "FIRMS_SERVED", "5")[-1] == "缺少选项 --month / -m。"
    assert usage_error("--lang", "en", "record", "FIRMS_SERVED", "5")[-1] == "Missing option --month / -m."


def test_not_a_whole_number() -> None:
    lines = usage_error("undo", "abc")
    assert lines[0] == "用法：kctrack undo [OPTIONS] [batch]"  # optional: --run undoes a whole import
    assert lines[-1] == "batch 要填一个整数。"
    assert usage_error("--lang", "en", "undo", "abc")[-1] == "batch must be a whole number."


def test_unknown_option_with_usage_and_help_hint() -> None:
    assert usage_error("status", "--bogus") == [
        "用法：kctrack status [OPTIONS]",
        "运行 “kctrack status -h” 查看帮助。",
        "没有 “--bogus” 这个选项",
    ]
    assert usage_error("--lang", "en", "status", "--bogus") == [
        "Usage: kctrack status [OPTIONS]",
        "Try 'kctrack status -h' for help.",
        "No such option '--bogus'",
    ]


def test_missing_argument_names_it() -> None:
    lines = usage_error("record", "FIRMS_SERVED")
    assert lines[0].startswith("用法：kctrack record [OPTIONS]")
    assert lines[-1] == "缺少参数 value。"
    assert usage_error("--lang=en", "record")[-1] == "Missing argument code."


def test_option_without_its_value() -> None:
    assert usage_error("status", "--as-of")[-1] == "选项 --as-of 后面要跟一个值。"
    assert usage_error("--lang", "en", "status", "--as-of")[-1] == "Option --as-of requires a value."


def test_value_outside_the_choices_lists_them() -> None:
    assert usage_error("status", "--format", "xml")[-1] == "--format / -f 的值 “xml” 无效，可选：table、json、csv、md。"
    assert (
        usage_error("--lang", "en", "status", "--format", "xml")[-1]
        == "Invalid value 'xml' for --format / -f: choose one of table, json, csv, md."
    )


def test_extra_argument() -> None:
    assert usage_error("status", "extra")[-1] == "多余的参数：extra"


@pytest.mark.parametrize(
    ("env", "want"), [({"KCTRACK_LANG": "en"}, "No such option '--bogus'"), ({}, "没有 “--bogus” 这个选项")]
)
def test_language_from_the_environment(env: dict[str, str | None], want: str) -> None:
    assert usage_error("status", "--bogus", env=env)[-1] == want


def test_a_bad_language_is_itself_a_usage_error_in_chinese() -> None:
    assert usage_error("--lang", "fr", "status")[-1] == "--lang 的值 “fr” 无效，可选：zh、en。"


def test_help_still_exits_zero() -> None:
    result = run("status", "-h")
    assert result.exit_code == 0
    assert "--as-of" in result.stdout
