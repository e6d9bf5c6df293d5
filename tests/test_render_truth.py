"""What the views print says what the domain knows (review of the status views and exports).

* A target reached after its deadline month reads 逾期完成（晚 N 个月） / "done late (N months late)"
  in the status table, its csv and md, and the export, written by one function (kctrack.words).
* A unit's own figure of a shared target has no state: ``--by month`` shows the bare figure.
* A milestone several units must do says how many have done it (3/13) until all have.
* ``status --format csv|md``: resources under 可依托/已动员, never under 目标/完成; a unit's row of a
  shared target leaves 目标 blank; the milestones are rows with 完成月份 and 晚几个月.
* CSV redirected to a regular file starts with the UTF-8 byte-order mark; a pipe gets none.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import Db, csv_rows, kc, md_tables, ok, run
from tables import SYMBOLS

from kctrack import export, render, words
from kctrack.status import MonthCell

BOM = b"\xef\xbb\xbf"

# BOTTLENECK_POOL: 300 problems due 2020-07, reported by 企业创新服务中心 alone; all 300 recorded for
# 2020-09 → reached in September, 2 months after the deadline month: done late, 2 months late.
# KEY_TECH_PROJECT_POOL: 50 projects due 2020-07; all 50 recorded for 2020-08 → 1 month late.
LATE = (
    ("BOTTLENECK_POOL", "300", "--month", "2020-09"),
    ("KEY_TECH_PROJECT_POOL", "50", "--month", "2020-08"),
)


@pytest.fixture
def late(db: Db) -> Db:
    for args in LATE:
        ok(kc(db, "record", *args))
    return db


def line_of(out: str, code: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith(code + " ")]
    return line


# -- 1. a target done late says how late, everywhere ------------------------------------------------------


def test_a_target_done_late_says_how_late_in_the_table(late: Db) -> None:
    out = ok(kc(late, "status", "--as-of", "2020-12")).stdout
    assert "✔ 逾期完成（晚 2 个月）" in line_of(out, "BOTTLENECK_POOL")
    assert "✔ 逾期完成（晚 1 个月）" in line_of(out, "KEY_TECH_PROJECT_POOL")
    en = ok(kc(late, "--lang", "en", "status", "--as-of", "2020-12")).stdout
    assert "✔ done late (2 months late)" in line_of(en, "BOTTLENECK_POOL")
    assert "✔ done late (1 month late)" in line_of(en, "KEY_TECH_PROJECT_POOL")  # one month: singular
    # as of August the pool is not yet reached (0 of 300, deadline closed): not achieved
    assert "✘ 未完成" in line_of(ok(kc(late, "status", "--as-of", "2020-08")).stdout, "BOTTLENECK_POOL")


def test_a_narrow_table_breaks_the_state_before_its_bracket(late: Db) -> None:
    out = ok(kc(late, "status", "--as-of", "2020-12", env={"COLUMNS": "80"})).stdout
    lines = out.splitlines()
    at = [n for n, line in enumerate(lines) if "✔ 逾期完成" in line and "● 按期" not in line]  # not the legend
    assert len(at) == 2  # the pool and the project pool, each over two lines
    for n, months in zip(at, (2, 1), strict=True):
        assert "逾期完成（" not in lines[n]  # never "✔ 逾期完成（晚" over "2 个月）"
        assert f"（晚 {months} 个月）" in lines[n + 1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_target_done_late_says_how_late_in_csv_and_md(late: Db, lang: str) -> None:
    args = ("--lang", lang, "status", "--as-of", "2020-12")
    rows = {r["编号" if lang == "zh" else "Code"]: r for r in csv_rows(ok(kc(late, *args, "--format", "csv")).stdout)}
    state, months_late = ("状态", "晚几个月") if lang == "zh" else ("State", "Months late")
    want = {"zh": "逾期完成（晚 2 个月）", "en": "done late (2 months late)"}[lang]
    assert (rows["BOTTLENECK_POOL"][state], rows["BOTTLENECK_POOL"][months_late]) == (want, "2")
    assert rows["KEY_TECH_PROJECT_POOL"][months_late] == "1"
    assert rows["EXPERT_POOL"][months_late] == ""  # not achieved: not late, blank
    md = ok(kc(late, *args, "--format", "md")).stdout
    (line,) = [line for line in md.splitlines() if "| BOTTLENECK_POOL |" in line]
    assert f"| {want} |" in line


def test_the_export_says_it_in_the_same_words(late: Db, tmp_path: Path) -> None:
    rows = {r["编号"]: r for r in csv_rows(ok_export(late, tmp_path / "x.csv").read_text(encoding="utf-8"))}
    assert (rows["BOTTLENECK_POOL"]["状态"], rows["BOTTLENECK_POOL"]["晚几个月"]) == ("逾期完成（晚 2 个月）", "2")
    wb = openpyxl.load_workbook(ok_export(late, tmp_path / "x.xlsx"))
    targets = {wb["指标明细"].cell(r, 1).value: wb["指标明细"].cell(r, 11).value for r in range(5, 33)}
    assert targets["BOTTLENECK_POOL"] == "逾期完成（晚 2 个月）"
    assert targets["KEY_TECH_PROJECT_POOL"] == "逾期完成（晚 1 个月）"
    # the closing report counts them apart: 0 done in time, 2 late, the other 26 of 28 not achieved
    assert wb["总表"]["A3"].value.startswith("年终：28 项目标中已完成 0 项，逾期完成 2 项，未完成 26 项")
    md = md_tables(ok_export(late, tmp_path / "x.md").read_text(encoding="utf-8"))
    assert ["BOTTLENECK_POOL", "逾期完成（晚 2 个月）"] == [md["指标明细"][2][0], md["指标明细"][2][-1]]


def ok_export(db: Db, out: Path) -> Path:
    ok(kc(db, "export", out, "--as-of", "2020-12"))
    return out


def test_one_function_writes_the_words_and_the_export_needs_no_rich() -> None:
    assert words.state_word("done_late", "zh", 2) == "逾期完成（晚 2 个月）"
    assert words.state_word("done_late", "en", 1) == "done late (1 month late)"
    assert words.state_word("done_late", "zh") == "逾期完成"  # a unit's share: how late is not known
    assert render.state_text("done_late", "zh", 2).plain == "✔ 逾期完成（晚 2 个月）"
    assert not hasattr(export, "target_state_text") and not hasattr(export, "milestone_state_text")
    # ✔ as done, in a colour of its own
    others = {s: v for s, v in render.STATE_STYLE.items() if s != "done_late"}
    assert render.STATE_SYMBOL["done_late"] == "✔" and render.STATE_STYLE["done_late"] not in others.values()
    code = "import sys, kctrack.export; assert not {'rich', 'kctrack.render'} & set(sys.modules), sys.modules"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


# -- 2. a shared target's own figures have no state; a milestone of many says how many ------------------------


def test_a_units_own_figure_of_a_shared_target_has_no_state(db: Db) -> None:
    # FIRMS_SERVED (1000 firms, task 8) is reported jointly by 企工办 and 企创中心, no quota: 企工办's own
    # 120 in May is 0 / 120 / 120 at the end of April, May and June, with no symbol. NATIONAL_ACADEMICIAN_TEAMS
    # (11 teams, 企工办 alone) has a state: 0 of 11 × 1/9 = 1.2 expected in April → ✖ off track.
    ok(kc(db, "record", "FIRMS_SERVED", "120", "--month", "2020-05", "--unit", "企工办"))
    out = ok(kc(db, "status", "--unit", "企工办", "--by", "month", "--as-of", "2020-06")).stdout
    firms = line_of(out, "FIRMS_SERVED")
    assert firms.split()[-3:] == ["0", "120", "120"]
    assert not set(firms) & set(SYMBOLS), firms
    assert line_of(out, "NATIONAL_ACADEMICIAN_TEAMS").split()[-3:] == ["✖0", "✖0", "✖0"]
    assert render._month_cell(MonthCell("2020-05", 120.0, 0.0, None)) == "120"


def test_a_milestone_of_13_cities_says_how_many_have_done_it(db: Db) -> None:
    # M_CITY_SPECIAL_BODIES (due 2020-12) is every city's: 南京 in May, 苏州 and 无锡 in June
    for unit, month in (("南京", "2020-05"), ("苏州", "2020-06"), ("无锡", "2020-06")):
        ok(kc(db, "record", "M_CITY_SPECIAL_BODIES", "done", "--month", month, "--unit", unit))
    code = "M_CITY_SPECIAL_BODIES"
    assert line_of(ok(kc(db, "status", "--as-of", "2020-05")).stdout, code).endswith("○ 未到期 1/13")
    assert line_of(ok(kc(db, "status", "--as-of", "2020-09")).stdout, code).endswith("○ 未到期 3/13")
    assert line_of(ok(kc(db, "status", "--as-of", "2020-12")).stdout, code).endswith("! 逾期未完成 3/13")
    # a milestone of one unit says no count
    assert line_of(ok(kc(db, "status", "--as-of", "2020-12")).stdout, "M_2020_04_SURVEY").endswith("! 逾期未完成")
    # the other ten in November: done, in the month the last did, and no count any more
    for unit in ("徐州", "常州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"):
        ok(kc(db, "record", code, "done", "--month", "2020-11", "--unit", unit))
    done = line_of(ok(kc(db, "status", "--as-of", "2020-12")).stdout, code)
    assert done.split()[-4:] == ["2020-12", "✔", "已完成", "2020-11"], done


# -- 4. csv and md by task: resources, shared rows and milestones in their own columns ------------------------


def test_status_csv_puts_resources_shared_rows_and_milestones_in_their_columns(db: Db) -> None:
    ok(kc(db, "record", "OVERSEAS_BASES_MOBILISED", "3", "--month", "2020-06"))  # 3 of the 5 bases engaged
    ok(kc(db, "record", "M_2020_04_SURVEY", "done", "--month", "2020-06"))  # due April: 2 months late
    ok(kc(db, "record", "FIRMS_SERVED", "120", "--month", "2020-05", "--unit", "企工办"))
    rows = {r["编号"]: r for r in csv_rows(ok(kc(db, "status", "--as-of", "2020-09", "--format", "csv")).stdout)}
    base = rows["OVERSEAS_BASES_MOBILISED"]
    assert (base["类型"], base["可依托"], base["已动员"]) == ("依托资源", "5", "3")
    assert base["目标"] == base["完成"] == base["状态"] == base["截止"] == ""
    assert rows["OVERSEAS_GROUPS_MOBILISED"]["已动员"] == ""  # never recorded
    survey = rows["M_2020_04_SURVEY"]
    assert (survey["类型"], survey["截止"], survey["状态"], survey["完成月份"], survey["晚几个月"]) == (
        "里程碑",
        "2020-04",
        "逾期完成（晚 2 个月）",
        "2020-06",
        "2",
    )
    assert survey["目标"] == survey["完成"] == survey["可依托"] == ""
    assert rows["M_2020_04_DRAFT_PLAN"]["状态"] == "逾期未完成"  # due April, not done
    assert rows["EXPERT_POOL"]["可依托"] == rows["EXPERT_POOL"]["已动员"] == ""  # a target: not a resource
    # 企工办's view: FIRMS_SERVED is shared, its own 120 under 完成 and no goal (the joint 1000 is not its)
    out = ok(kc(db, "status", "--unit", "企工办", "--as-of", "2020-09", "--format", "csv")).stdout
    firms = {r["编号"]: r for r in csv_rows(out)}["FIRMS_SERVED"]
    assert (firms["类型"], firms["目标"], firms["完成"], firms["状态"]) == ("共同指标", "", "120", "")
    # md: the same columns
    md = ok(kc(db, "status", "--as-of", "2020-09", "--format", "md")).stdout
    head = md.splitlines()[0]
    assert "| 可依托 | 已动员 | 完成月份 | 晚几个月 |" in head


def test_targets_csv_puts_a_resource_under_available(db: Db) -> None:
    rows = {r["编号"]: r for r in csv_rows(ok(kc(db, "targets", "--format", "csv")).stdout)}
    base = rows["OVERSEAS_BASES_MOBILISED"]
    assert (base["类型"], base["可依托"], base["目标"], base["至少"], base["截止"]) == ("依托资源", "5", "", "", "")
    pool = rows["EXPERT_POOL"]
    assert (pool["目标"], pool["至少"], pool["可依托"]) == ("500", "否", "")


# -- 5, 6. help and headings --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["status", "explain", "returns", "export"])
def test_the_as_of_help_says_the_last_month_that_has_ended(command: str) -> None:
    out = ok(run(command, "-h")).stdout
    assert "默认上一个已结束的月份" in out and "默认本月" not in out


def test_sections_are_numbered_in_the_language_of_the_table(db: Db) -> None:
    zh = ok(kc(db, "status", "--as-of", "2020-06")).stdout
    en = ok(kc(db, "--lang", "en", "status", "--as-of", "2020-06")).stdout
    assert "一、构建“科创江苏”网络化服务体系" in zh.splitlines()
    assert 'Section 1: Build a networked "Innovate Jiangsu" service system' in en.splitlines()
    assert "一、" not in en


# -- 7. a CSV redirected to a file is a CSV file -----------------------------------------------------------------


def test_csv_redirected_to_a_file_starts_with_the_bom_and_piped_has_none(db: Db, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "kctrack", "--db", str(db), "status", "--as-of", "2020-06", "--format", "csv"]
    path = tmp_path / "x.csv"
    with path.open("wb") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, check=True)
    piped = subprocess.run(cmd, capture_output=True, check=True).stdout
    data = path.read_bytes()
    assert data[:3] == BOM and data.count(BOM) == 1
    assert not piped.startswith(BOM) and piped.startswith("类型,编号".encode())
    assert data[3:] == piped  # the same CSV, UTF-8, with the mark in front
    md = tmp_path / "x.md"
    with md.open("wb") as out:  # only CSV gets the mark
        subprocess.run([*cmd[:-1], "md"], stdout=out, stderr=subprocess.PIPE, check=True)
    assert not md.read_bytes().startswith(BOM)
