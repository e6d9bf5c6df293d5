"""Every kind of bad cell: `file!sheet!cell: value → reason`, exit 1, nothing written (issue 3, §2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from returns_helpers import (
    SHEET,
    Db,
    counts,
    db_files,
    fill,
    kc,
    ok,
    problem_lines,
    returns_db,
    share,
    status_json,
    template,
)

from kctrack.i18n import tr

NOTHING_WRITTEN = "有错误，未写入任何内容。"


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


@pytest.fixture
def form(rdb: Db, tmp_path: Path) -> Path:
    """苏州's June form: row 6 TECH_MANAGER_TEAMS (quota 25), row 7 M_CITY_SPECIAL_BODIES."""
    return template(rdb, tmp_path / "苏州-2020-06.xlsx", "苏州", "2020-06")


def _rejected(db: Db, path: Path, *extra: Any) -> list[str]:
    """Import a faulty return: exit 1, the database untouched; returns the problem lines."""
    before = db_files(db)
    counted = counts(db)
    result = kc(db, "import", path, *extra)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert NOTHING_WRITTEN in result.stderr
    assert counts(db) == counted
    assert db_files(db) == before
    return problem_lines(result)


def _line(path: Path, cell: str, shown: str | None, key: str, sheet: str = SHEET, **params: Any) -> str:
    """The line the import prints for one bad cell: ``file!sheet!cell: value → reason``."""
    reason = tr(key, "zh", **params)
    return f"{path}!{sheet}!{cell}: {shown} → {reason}" if shown is not None else f"{path}!{sheet}!{cell}: {reason}"


def test_messages_read_as_the_issue_says(rdb: Db, form: Path) -> None:
    """Two lines written out in full, so the wording itself is checked once."""
    fill(form, {"E6": "abc", "E7": "maybe"})
    assert sorted(_rejected(rdb, form)) == [
        f"{form}!{SHEET}!E6: abc → “abc” 不是数字：请填写一个不小于 0 的数，如 12、1,234 或 1.5万",
        f"{form}!{SHEET}!E7: maybe → 里程碑只能填“完成”（或留空）",
    ]


def test_unknown_code_with_a_suggestion(rdb: Db, form: Path) -> None:
    fill(form, {"A6": "TECH_MANAGER_TEAM", "E6": 5})
    assert _rejected(rdb, form) == [
        _line(
            form,
            "A6",
            "TECH_MANAGER_TEAM",
            "imp_unknown_code",
            code="TECH_MANAGER_TEAM",
            suggestion="TECH_MANAGER_TEAMS",
        )
    ]
    assert "TECH_MANAGER_TEAMS" in tr("imp_unknown_code", "zh", code="X", suggestion="TECH_MANAGER_TEAMS")


def test_unknown_code_in_english(rdb: Db, form: Path) -> None:
    fill(form, {"A6": "tech_manager_teamz", "E6": 5})
    result = kc(rdb, "--lang", "en", "import", form)
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{form}!{SHEET}!A6: tech_manager_teamz → unknown target code TECH_MANAGER_TEAMZ; did you mean TECH_MANAGER_TEAMS?"
    ]
    assert "there are errors; nothing was written." in result.stderr


def test_unit_not_in_the_plan(rdb: Db, form: Path) -> None:
    fill(form, {"B2": "火星市", "E6": 5})
    assert _rejected(rdb, form) == [_line(form, "B2", "火星市", "imp_unknown_unit", unit="火星市")]


def test_unit_in_a_column_not_in_the_plan(rdb: Db, tmp_path: Path) -> None:
    from returns_helpers import long_workbook

    path = long_workbook(tmp_path / "long.xlsx", [("TECH_MANAGER_TEAMS", "火星", "2020-06", 5)])
    assert _rejected(rdb, path) == [_line(path, "B2", "火星", "imp_unknown_unit", sheet="汇总", unit="火星")]


def test_unit_reporting_a_target_not_its_own(rdb: Db, form: Path) -> None:
    fill(form, {"E6": 5, "A8": "EXPERT_POOL", "E8": 3})
    assert _rejected(rdb, form) == [
        _line(form, "A8", "EXPERT_POOL", "imp_not_reporter", code="EXPERT_POOL", unit="苏州市", units="人才服务中心")
    ]


def test_city_reporting_another_citys_share(rdb: Db, tmp_path: Path) -> None:
    """A split target: 苏州 may report only its own share; a 南京 row in 苏州's column form is 南京's."""
    from returns_helpers import long_workbook

    path = long_workbook(tmp_path / "long.xlsx", [("EXPERT_POOL", "南京", "2020-06", 5)])
    assert _rejected(rdb, path) == [
        _line(
            path,
            "A2",
            "EXPERT_POOL",
            "imp_not_reporter",
            sheet="汇总",
            code="EXPERT_POOL",
            unit="南京市",
            units="人才服务中心",
        )
    ]


@pytest.mark.parametrize("month", ["2021-01", "2020-03"])
def test_month_outside_the_window(rdb: Db, form: Path, month: str) -> None:
    fill(form, {"B3": month, "E6": 5})
    lines = _rejected(rdb, form)
    assert lines[0] == _line(form, "B3", month, "imp_month_outside", value=month, start="2020-04", end="2020-12")
    assert set(lines) == {lines[0]}


def test_month_outside_the_window_reported_once(rdb: Db, form: Path) -> None:
    """One bad month cell is one problem, not one per row below it."""
    fill(form, {"B3": "2021-01", "E6": 5, "E7": "完成"})
    assert len(_rejected(rdb, form)) == 1


def test_month_not_understood(rdb: Db, form: Path) -> None:
    fill(form, {"B3": "六月份吧", "E6": 5})
    assert _rejected(rdb, form) == [_line(form, "B3", "六月份吧", "imp_bad_month", value="六月份吧")]


def test_not_a_number(rdb: Db, form: Path) -> None:
    fill(form, {"E6": "几个"})  # 五个 is 5 (Chinese numerals are read: tests/test_parse.py)
    assert _rejected(rdb, form) == [_line(form, "E6", "几个", "num_not_number", value="几个")]


def test_negative(rdb: Db, form: Path) -> None:
    """A number typed as -3 is shown as -3 in the reason too (not -3.0)."""
    fill(form, {"E6": -3})
    assert _rejected(rdb, form) == [_line(form, "E6", "-3", "num_negative", value="-3")]


def test_negative_cumulative_as_text(rdb: Db, form: Path) -> None:
    fill(form, {"F6": "-2"})
    assert _rejected(rdb, form) == [_line(form, "F6", "-2", "num_negative", value="-2")]


def test_milestone_with_a_number(rdb: Db, form: Path) -> None:
    fill(form, {"E7": 5})
    assert _rejected(rdb, form) == [_line(form, "E7", "5", "imp_milestone_value")]


def test_cumulative_lower_than_the_previous_month(rdb: Db, tmp_path: Path) -> None:
    may = template(rdb, tmp_path / "may.xlsx", "苏州", "2020-05")
    fill(may, {"E6": 10})
    ok(kc(rdb, "import", may))
    june = template(rdb, tmp_path / "june.xlsx", "苏州", "2020-06")
    fill(june, {"F6": 8})
    assert _rejected(rdb, june) == [_line(june, "F6", "8", "imp_cumulative_down", cumulative="8", earlier="10")]


def test_cumulative_lower_than_this_runs_earlier_month(rdb: Db, tmp_path: Path) -> None:
    """May and June in the same run: June's running total is checked against May's figure being imported."""
    may = fill(template(rdb, tmp_path / "may.xlsx", "苏州", "2020-05"), {"F6": 10})
    june = fill(template(rdb, tmp_path / "june.xlsx", "苏州", "2020-06"), {"F6": 7})
    assert _rejected(rdb, may, june) == [_line(june, "F6", "7", "imp_cumulative_down", cumulative="7", earlier="10")]


def test_same_target_twice_in_one_return(rdb: Db, form: Path) -> None:
    fill(form, {"E6": 5, "A8": "TECH_MANAGER_TEAMS", "E8": 2})
    assert _rejected(rdb, form) == [_line(form, "E8", "2", "imp_duplicate", code="TECH_MANAGER_TEAMS", first="E6")]


def test_figure_without_a_code(rdb: Db, form: Path) -> None:
    fill(form, {"E6": 5, "E9": 4})
    assert _rejected(rdb, form) == [_line(form, "A9", None, "imp_no_code")]


def test_total_row_is_not_a_figure_without_code(rdb: Db, form: Path) -> None:
    """A 合计 row under the figures is skipped, not reported."""
    fill(form, {"E6": 5, "B9": "合计", "E9": 5})
    ok(kc(rdb, "import", form))
    assert share(status_json(rdb), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 5


def test_every_problem_of_a_file_at_once(rdb: Db, form: Path) -> None:
    fill(
        form,
        {
            "E6": "abc",  # not a number
            "F6": "-1",  # negative (as text: see test_negative for a typed number)
            "E7": "maybe",  # milestone
            "A8": "NO_SUCH_CODE",
            "E8": 1,
            "A9": "EXPERT_POOL",  # not 苏州's
            "E9": 2,
        },
    )
    lines = _rejected(rdb, form)
    assert sorted(lines) == sorted(
        [
            _line(form, "E6", "abc", "num_not_number", value="abc"),
            _line(form, "F6", "-1", "num_negative", value="-1"),
            _line(form, "E7", "maybe", "imp_milestone_value"),
            _line(form, "A8", "NO_SUCH_CODE", "imp_unknown_code", code="NO_SUCH_CODE", suggestion=""),
            _line(
                form, "A9", "EXPERT_POOL", "imp_not_reporter", code="EXPERT_POOL", unit="苏州市", units="人才服务中心"
            ),
        ]
    )


def test_problems_of_several_files_at_once(rdb: Db, tmp_path: Path) -> None:
    a = fill(template(rdb, tmp_path / "a.xlsx", "苏州", "2020-06"), {"E6": "-1"})
    b = fill(template(rdb, tmp_path / "b.xlsx", "无锡", "2020-06"), {"E6": "x"})
    assert sorted(_rejected(rdb, a, b)) == [
        _line(a, "E6", "-1", "num_negative", value="-1"),
        _line(b, "E6", "x", "num_not_number", value="x"),
    ]


def test_summary_counts_the_rejected_cells(rdb: Db, form: Path) -> None:
    fill(form, {"E6": "abc", "E7": "maybe"})
    result = kc(rdb, "import", form)
    assert result.exit_code == 1
    assert "1 个文件，0 份月报：新增 0，修改 0，不变 0，移除 0，拒绝 2" in result.stderr


def test_formula_without_a_saved_result(rdb: Db, form: Path) -> None:
    """openpyxl writes a formula with no cached value (only Excel/WPS compute and save one).

    A formula *with* a cached value cannot be produced by openpyxl, so that path is not covered here.
    """
    fill(form, {"E6": "=2+3"})
    reason = tr("imp_formula_no_value", "zh")
    assert reason == "公式没有保存计算结果：请在 Excel/WPS 中打开并保存后再导入"
    assert _rejected(rdb, form) == [f"{form}!{SHEET}!E6: {reason}"]
    assert _rejected(rdb, form) == [_line(form, "E6", None, "imp_formula_no_value")]
