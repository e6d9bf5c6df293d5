"""Five small faults a new user hit (issue 12 §5), each fixed as a whole kind.

1. ``record`` of the figure already in force writes nothing and says so.
2. ``lock`` without a month lists the locked months (table, json, csv, md).
3. Help examples work outside the repository (``init``), and the group help ends with one.
4. A mistyped unit gets "did you mean" in every command that takes a unit, and in a return's cell.
5. A negative VALUE reaches the value parser instead of being an unknown option.
6. A repeated option is not silently reduced to its last value: ``template --unit`` writes one
   file per unit, every single-valued option (``--unit``, ``--format``, ``--db``…) refuses a repeat.

Expected texts are written out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.testing
from conftest import OPERATOR, PLAN_FILE, Db, kc, ok, plan_text, query, run

from kctrack.plan import UNIT_MATCH_CUTOFF, UNIT_SUGGESTIONS_AT_MOST, Plan

TMT = "TECH_MANAGER_TEAMS"  # split by city: 苏州 25, 南京 25 (counts: whole numbers)
SURVEY = "M_2020_04_SURVEY"  # a milestone nobody is responsible for: the office records it


def usage_error(result: typer.testing.Result) -> list[str]:
    """A usage error: exit 2, nothing on stdout, no traceback; the lines on stderr."""
    assert result.exit_code == 2, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    assert result.stdout == ""
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.strip()]


def batches(db: Db) -> int:
    return int(query(db, "SELECT count(*) FROM batch")[0][0])


def record(*extra: str, value: str = "3", month: str = "2020-06", unit: str = "苏州") -> list[str]:
    return ["record", TMT, value, "--month", month, "--unit", unit, *extra]


# -- 1. recording the figure in force again ---------------------------------------------------------


def test_recording_the_same_figure_again_writes_nothing(db: Db) -> None:
    ok(kc(db, *record()))
    assert batches(db) == 1
    result = ok(kc(db, *record()))
    assert result.stdout == "TECH_MANAGER_TEAMS · 苏州市 · 2020-06 已是 3，未改动（未写入批次）\n"
    assert result.stderr == ""
    assert batches(db) == 1
    english = ok(kc(db, "--lang", "en", *record()))
    assert english.stdout == "TECH_MANAGER_TEAMS · Suzhou · 2020-06 is already 3: unchanged, nothing written\n"
    # the same figure in another form (the one number parser reads 3个 as 3), and the unit by another name
    ok(kc(db, *record(value="3个", unit="苏州市科协")))
    assert batches(db) == 1
    history = json.loads(ok(kc(db, "history", "--format", "json")).stdout)["batches"]
    assert len(history) == 1


def test_a_different_figure_or_a_new_note_is_still_written(db: Db) -> None:
    ok(kc(db, *record()))
    result = ok(kc(db, *record(value="4")))
    assert "3 → 4" in result.stdout
    assert batches(db) == 2
    ok(kc(db, *record("--note", "园区补报", value="4")))  # same figure, a note it did not have
    assert batches(db) == 3
    again = ok(kc(db, *record("--note", "园区补报", value="4")))  # now nothing new
    assert "未改动" in again.stdout
    ok(kc(db, *record(value="4")))  # no note given: the one in force stays
    assert batches(db) == 3
    assert query(db, "SELECT note FROM record ORDER BY id DESC LIMIT 1") == [("园区补报",)]


def test_the_same_figure_in_a_locked_month_needs_no_reason(db: Db) -> None:
    ok(kc(db, *record()))
    ok(kc(db, "lock", "2020-06"))
    assert "未改动" in ok(kc(db, *record())).stdout  # nothing changes: nothing to give a reason for
    result = kc(db, *record(value="4"))  # a change still needs one
    assert result.exit_code == 1
    assert "--reason" in result.stderr
    assert batches(db) == 1


def test_a_milestone_done_twice_is_recorded_once(db: Db) -> None:
    ok(kc(db, "record", SURVEY, "done", "--month", "2020-04"))
    result = ok(kc(db, "record", SURVEY, "完成", "--month", "2020-04"))
    assert result.stdout == "M_2020_04_SURVEY · 企业工作办公室 · 2020-04 已是 1，未改动（未写入批次）\n"
    assert batches(db) == 1


# -- 2. kctrack lock without a month ------------------------------------------------------------------


def test_lock_without_a_month_says_there_are_none(db: Db) -> None:
    assert ok(kc(db, "lock")).stdout == "没有锁定的月份\n"
    assert ok(kc(db, "--lang", "en", "lock")).stdout == "no month is locked\n"
    assert json.loads(ok(kc(db, "lock", "--format", "json")).stdout) == {"locks": []}
    assert len(ok(kc(db, "lock", "--format", "csv")).stdout.splitlines()) == 1  # the header alone


def test_lock_without_a_month_lists_the_locked_ones(db: Db) -> None:
    assert ok(kc(db, "lock", "2020-06", "--reason", "已报中国科协")).stdout == "已锁定 2020-06：此后修改需 --reason\n"
    ok(kc(db, "lock", "2020-05"))
    ok(kc(db, "lock", "2020-07"))
    ok(kc(db, "unlock", "2020-07", "--reason", "南京补报"))  # unlocked again: not listed
    ok(kc(db, "lock", "2020-04", "--reason", "第一次"))
    ok(kc(db, "unlock", "2020-04"))
    ok(kc(db, "lock", "2020-04", "--reason", "第二次"))  # the lock in force is the newest
    locks = json.loads(ok(kc(db, "lock", "-f", "json")).stdout)["locks"]
    assert [(k["month"], k["operator"], k["reason"]) for k in locks] == [
        ("2020-04", OPERATOR, "第二次"),
        ("2020-05", OPERATOR, None),
        ("2020-06", OPERATOR, "已报中国科协"),
    ]
    assert all(k["at"] for k in locks)
    rows = ok(kc(db, "lock", "-f", "csv")).stdout.splitlines()
    assert len(rows) == 1 + 3  # the header, then month, when, who, why
    assert [r.split(",")[0] for r in rows[1:]] == ["2020-04", "2020-05", "2020-06"]
    assert rows[3].endswith(f",{OPERATOR},已报中国科协")
    md = ok(kc(db, "lock", "-f", "md")).stdout.splitlines()
    assert len(md) == 2 + 3 and md[4].startswith("| 2020-06 |") and md[4].endswith(f"| {OPERATOR} | 已报中国科协 |")
    table = ok(kc(db, "lock")).stdout
    for text in ("月份", "操作人", "2020-04", "2020-05", "2020-06", "第二次", "已报中国科协"):
        assert text in table
    assert "2020-07" not in table and "第一次" not in table
    assert "operator" in ok(kc(db, "--lang", "en", "lock")).stdout


def test_lock_options_that_belong_to_the_other_form_are_refused(db: Db) -> None:
    assert usage_error(kc(db, "lock", "--reason", "x")) == ["--reason 用于锁定某个月份：kctrack lock MONTH --reason …"]
    assert usage_error(kc(db, "--lang", "en", "lock", "2020-06", "--format", "json")) == [
        "--format applies to the list of locked months (kctrack lock without a month)"
    ]
    assert query(db, "SELECT count(*) FROM period_lock") == [(0,)]


# -- 3. help examples ----------------------------------------------------------------------------------


def test_init_help_example_works_outside_the_repository(chdir_tmp: Path) -> None:
    text = ok(run("init", "-h")).stdout
    assert "Example: kctrack init\n" in text
    assert "kctrack init --plan 2021.yaml" in text
    assert "--plan data/" not in text
    # both, as written, in an empty folder: the bundled plan, and a plan file the user has
    ok(run("init"))
    (chdir_tmp / "2021.yaml").write_text(plan_text(), encoding="utf-8")
    assert "无变化" in ok(run("init", "--plan", "2021.yaml")).stdout
    assert PLAN_FILE.parent != chdir_tmp


def test_plain_kctrack_prints_the_help_with_its_example() -> None:
    result = run()  # the help, as click's usage error for no command (exit 2); tests/test_docs.py has -h
    assert result.exit_code == 2, result.output
    last = [line.strip() for line in result.output.splitlines() if line.strip()][-1]
    assert last == "Example: kctrack init && kctrack status --as-of 2020-06"


# -- 4. did you mean, for a unit --------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> Plan:
    from kctrack.planfile import load_plan

    return load_plan(PLAN_FILE)


# difflib's ratio is 2 × matching characters ÷ both lengths, against the names without 市/科协:
# 苏洲–苏州 2×1/4 = 0.5; 连云岗–连云港 2×2/6 = 0.67; nanjign–nanjing 2×6/14 = 0.86 (nanji + n),
# nanjign–nantong 2×4/14 = 0.57; wuxii–wuxi 2×4/9 = 0.89; 人才中–人才中心 2×3/7 = 0.86;
# 南经–南京 and 南经–南通 both 0.5: both are offered; 火星 shares nothing with any name; 杭州 and 州 are
# 0.5 and 0.67 from each of 徐州 常州 苏州 扬州 泰州: five alike are no suggestion.
@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("苏洲", ["suzhou"]),
        ("苏洲市", ["suzhou"]),
        ("苏洲市科协", ["suzhou"]),
        ("南经", ["nanjing", "nantong"]),
        ("nanjign", ["nanjing"]),
        ("连云岗", ["lianyungang"]),
        ("Wuxii", ["wuxi"]),
        ("人才中", ["talent_centre"]),
        ("火星", []),
        ("杭州", []),
        ("州", []),
        ("盐州", []),  # 盐城 and the five 州 cities, all 0.5
        ("", []),
    ],
)
def test_close_units(plan: Plan, typed: str, codes: list[str]) -> None:
    assert plan.close_units(typed) == codes


def test_the_cutoff_takes_one_character_of_two() -> None:
    assert UNIT_MATCH_CUTOFF == 0.5
    assert UNIT_SUGGESTIONS_AT_MOST == 3


def test_the_hint_in_both_languages(plan: Plan) -> None:
    assert plan.unit_hint("南经") == {
        "hint_zh": "（是否想输入 南京市 或 南通市？）",
        "hint_en": " (did you mean Nanjing or Nantong?)",
    }
    assert plan.unit_hint("火星") == {"hint_zh": "", "hint_en": ""}


def test_record_suggests_the_unit(db: Db) -> None:
    result = kc(db, *record(unit="苏洲"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "未知的填报单位 “苏洲”（是否想输入 苏州市？）。可用单位：南京市 "
    )  # then every unit
    english = kc(db, "--lang", "en", *record(unit="nanjign"))
    assert english.stderr.startswith("unknown reporting unit 'nanjign' (did you mean Nanjing?). Known units: ")
    assert batches(db) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--unit", "苏洲"],
        ["explain", TMT, "--unit", "苏洲"],
        ["history", "--unit", "苏洲"],
        ["template", "out.xlsx", "--unit", "苏洲"],
        ["import", "nothing-here", "--unit", "苏洲"],
    ],
    ids=["status", "explain", "history", "template", "import"],
)
def test_every_command_taking_a_unit_suggests_it(db: Db, args: list[str], chdir_tmp: Path) -> None:
    result = kc(db, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("未知的填报单位 “苏洲”（是否想输入 苏州市？）。")
    assert "(did you mean Suzhou?)" in kc(db, "--lang", "en", *args).stderr
    assert not (chdir_tmp / "out.xlsx").exists()


def test_a_unit_cell_of_a_return_gets_the_same_suggestion(db: Db, tmp_path: Path) -> None:
    from returns_helpers import long_workbook

    path = long_workbook(tmp_path / "long.xlsx", [(TMT, "苏洲", "2020-06", 5)])
    result = kc(db, "import", path)
    assert result.exit_code == 1
    assert (
        f"{path}!汇总!B2: 苏洲 → 未知的填报单位 “苏洲”（是否想输入 苏州市？）：请填写计划中的单位名称" in result.stderr
    )
    english = kc(db, "--lang", "en", "import", path)
    assert "unknown reporting unit '苏洲' (did you mean Suzhou?): use a unit name from the plan" in english.stderr
    assert batches(db) == 0


# -- 5. a negative VALUE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [TMT, "-1", "--month", "2020-06", "--unit", "苏州"],
        [TMT, "--month", "2020-06", "-1", "--unit", "苏州"],  # the value between the options
        [TMT, "--month", "2020-06", "--unit", "苏州", "--", "-1"],  # the way that worked before
    ],
)
def test_a_negative_value_is_told_as_negative(db: Db, args: list[str]) -> None:
    result = kc(db, "record", *args)
    assert result.exit_code == 1
    assert result.stderr == "VALUE: “-1” 是负数：完成量不能小于 0，请填写 0 或正数\n"
    assert batches(db) == 0


def test_a_negative_decimal_and_english(db: Db) -> None:
    # negative is told before "not whole" (TECH_MANAGER_TEAMS counts teams)
    result = kc(db, "--lang", "en", *record(value="-1.5"))
    assert result.exit_code == 1
    assert result.stderr == "VALUE: '-1.5' is negative: an amount cannot be below 0; enter 0 or more\n"


def test_an_unknown_option_is_still_a_usage_error(db: Db) -> None:
    assert usage_error(kc(db, *record("--bogus")))[-1] == "没有 “--bogus” 这个选项"
    assert usage_error(kc(db, *record("--bogus", value="-1")))[-1] == "没有 “--bogus” 这个选项"


def test_an_option_value_that_looks_negative_stays_the_option_s(db: Db) -> None:
    ok(kc(db, *record("--note", "-1")))
    assert query(db, "SELECT value, note FROM record") == [(3.0, "-1")]


# -- 6. repeated options -----------------------------------------------------------------------------


def test_template_writes_one_file_per_unit_named(db: Db, tmp_path: Path) -> None:
    out = tmp_path / "returns"
    result = ok(kc(db, "template", out, "--unit", "苏州", "-u", "南京", "--month", "2020-06"))
    suzhou = out / "JS-2020-71_苏州市_suzhou_2020-06.xlsx"
    nanjing = out / "JS-2020-71_南京市_nanjing_2020-06.xlsx"
    assert sorted(out.iterdir()) == sorted([suzhou, nanjing])
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"已生成 {suzhou}（") and lines[1].startswith(f"已生成 {nanjing}（")


def test_template_the_same_unit_twice_is_one_file(db: Db, tmp_path: Path) -> None:
    out = tmp_path / "returns" / "苏州.xlsx"
    result = ok(kc(db, "template", out, "--unit", "苏州", "--unit", "苏州市"))
    assert result.stdout.startswith(f"已生成 {out}（") and result.stdout.count("已生成") == 1
    assert list(out.parent.iterdir()) == [out]


def test_template_several_units_need_a_folder(db: Db, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert usage_error(kc(db, "template", out, "-u", "苏州", "-u", "南京")) == [
        f"{out}: 2 个单位各生成一个文件：输出应为一个目录"
    ]
    assert usage_error(kc(db, "--lang", "en", "template", out, "-u", "苏州", "-u", "南京")) == [
        f"{out}: 2 units get one file each: the output must be a folder"
    ]
    assert usage_error(kc(db, "template", tmp_path, "-u", "苏州", "--all-units")) == [
        "--unit 与 --all-units 只能选一个"
    ]
    assert list(tmp_path.rglob("*.xlsx")) == []


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (record("--unit", "南京"), "kctrack record [OPTIONS] {code} {value}"),
        (["status", "--unit", "苏州", "-u", "南京"], "kctrack status [OPTIONS]"),
        (["explain", TMT, "-u", "苏州", "--unit=南京"], "kctrack explain [OPTIONS] {code}"),
        (["history", "-u苏州", "-u", "南京"], "kctrack history [OPTIONS]"),
        (["import", "x.xlsx", "-u", "苏州", "-u", "南京"], "kctrack import [OPTIONS] {paths}..."),
    ],
    ids=["record", "status", "explain", "history", "import"],
)
def test_a_repeated_unit_is_refused(db: Db, args: list[str], usage: str) -> None:
    assert usage_error(kc(db, *args)) == [
        f"用法：{usage}",
        f"运行 “kctrack {args[0]} -h” 查看帮助。",
        "选项 --unit / -u 只能给一次，这里给了 苏州、南京",
    ]
    english = usage_error(kc(db, "--lang", "en", *args))[-1]
    assert english == "option --unit / -u can be given only once; it was given as 苏州, 南京"
    assert batches(db) == 0


def test_other_single_valued_options_refuse_a_repeat_too(db: Db) -> None:
    assert usage_error(kc(db, "status", "-f", "json", "--format", "csv"))[-1] == (
        "选项 --format / -f 只能给一次，这里给了 json、csv"
    )
    assert usage_error(kc(db, *record("--month", "2020-07")))[-1] == (
        "选项 --month / -m 只能给一次，这里给了 2020-06、2020-07"
    )
    # the global options, before the command
    lines = usage_error(run("--db", "a.db", "--db", "b.db", "status"))
    assert lines == [
        "用法：kctrack [OPTIONS] COMMAND [ARGS]...",
        "运行 “kctrack -h” 查看帮助。",
        "选项 --db 只能给一次，这里给了 a.db、b.db",
    ]
    assert usage_error(run("--lang", "en", "--lang", "zh", "status"))[-1] == (
        "option --lang can be given only once; it was given as en, zh"
    )


def test_the_same_value_twice_is_no_surprise(db: Db) -> None:
    ok(kc(db, "record", TMT, "3", "-m", "2020-06", "-u", "苏州", "--unit", "苏州"))
    assert json.loads(ok(kc(db, "status", "-f", "json", "-f", "json", "--as-of", "2020-06")).stdout)
    assert batches(db) == 1
