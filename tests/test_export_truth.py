"""The report states the truth: `kctrack export` after the domain learned resources, the year-end rule
and milestones done late.

* The 28 commitments are the targets; the 6 resources (依托资源) are listed apart in every format,
  never with a state, a percent or a colour, never in the counts of targets.
* As of the plan's last month the export is the closing (year-end) report: every target is achieved
  or not achieved, and the summary counts them.
* A milestone done after its due month reads 逾期完成（晚 N 个月） / done late (N months late).
* The English export is English, but for data (unit names the plan does not translate, the
  document's number, commands as typed).
* The workbook is written one function per sheet.

Each test records a few figures by hand (``SMALL``) on a freshly initialised database; the
expectations below are counted from data/targets.yaml by hand.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import Db, csv_rows, kc, md_tables, ok

from kctrack import export as xp
from kctrack.export import CSV_HEAD
from kctrack.i18n import tr

# Figures recorded by every test (``kctrack record``), and what they make of the plan:
SMALL = (
    ("EXPERT_POOL", "500", "--month", "2020-06"),  # 500 of 500, due July: achieved
    ("FIRMS_SERVED", "1000", "--month", "2020-06", "--unit", "企业工作办公室"),  # 1000 of 1000: achieved
    ("CHOKEPOINTS_SOLVED", "2", "--month", "2020-06", "--unit", "企业工作办公室"),  # 2 of 30
    ("OVERSEAS_BASES_MOBILISED", "3", "--month", "2020-06"),  # a resource: 3 of the 5 bases engaged
    ("M_2020_05_PILOT_APPLICATION", "done", "--month", "2020-07"),  # due May, done July: 2 months late
    ("M_2020_04_SURVEY", "done", "--month", "2020-05"),  # due April, done May: 1 month late
    ("M_2020_04_DRAFT_PLAN", "done", "--month", "2020-04"),  # due April, done April: on time
)
# The 28 commitments of data/targets.yaml; 5 are due 2020-07 (EXPERT_POOL, BOTTLENECK_POOL,
# KEY_TECH_PROJECT_POOL, SERVICE_TEAMS, TECH_MANAGER_TEAMS), 23 are due 2020-12, none has checkpoints.
# As of 2020-12 (closing): achieved EXPERT_POOL and FIRMS_SERVED, the other 26 not achieved.
# As of 2020-09: EXPERT_POOL and FIRMS_SERVED done; the other four due in July not achieved; the other
# 22 due in December below 0.8 × their expected value (value × 6/9 > 0; CHOKEPOINTS 2 < 16): off track.
ACHIEVED = {"EXPERT_POOL", "FIRMS_SERVED"}
COUNTS = {
    "2020-12": {"targets": 28, "done": 2, "done_late": 0, "on_track": 0, "behind": 0, "off_track": 0,
                "not_achieved": 26},
    "2020-09": {"targets": 28, "done": 2, "done_late": 0, "on_track": 0, "behind": 0, "off_track": 22,
                "not_achieved": 4},
}  # fmt: skip
# The 6 resources (依托资源) of data/targets.yaml: code, task, name, unit of measure, available; engaged
# is 3 for the overseas bases (SMALL) and not recorded for the others.
RESOURCES = [
    ("OVERSEAS_BASES_MOBILISED", 14, "已签约中国科协海外基地", "家", 5),
    ("OVERSEAS_GROUPS_MOBILISED", 14, "海外团体", "家", 90),
    ("THINK_TANK_BASES", 15, "科技智库基地", "家", 40),
    ("THINK_TANK_PROVINCIAL_SOCIETIES", 15, "省级学会", "家", 151),
    ("THINK_TANK_UNIVERSITY_ASSOCIATIONS", 15, "高校科协", "家", 86),
    ("THINK_TANK_CITY_ASSOCIATIONS", 15, "设区市科协", "个", 13),
]
ENGAGED = {"OVERSEAS_BASES_MOBILISED": 3}
RESOURCE_CODES = {r[0] for r in RESOURCES}
# the words of every state of a target before the year end, which the closing report never shows
NOT_AT_YEAR_END = {"按期", "滞后", "严重滞后"}
TITLE = "2020年服务企业科技创新专项行动（苏科协发〔2020〕71号）"
DOCUMENT = "苏科协发〔2020〕71号"
# participating bodies the plan names but does not know as units (kinds of body): data, shown as written
UNTRANSLATED_BODIES = {"省级学会", "高校科协", "市县科协", "企业科协", "科学中心", "科普中心", "农技协"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def small(db: Db) -> Db:
    for args in SMALL:
        ok(kc(db, "record", *args))
    return db


def export(db: Db, out: Path, as_of: str, lang: str = "zh") -> Path:
    ok(kc(db, "--lang", lang, "export", out, "--as-of", as_of))
    return out


def rows_from(ws: Any, first: int, ncols: int) -> list[list[Any]]:
    """Rows from ``first`` down to the first empty one."""
    out = []
    r = first
    while any(ws.cell(r, c).value is not None for c in range(1, ncols + 1)):
        out.append([ws.cell(r, c).value for c in range(1, ncols + 1)])
        r += 1
    return out


KIND = {"目标": "commitment", "依托资源": "resource", "里程碑": "milestone"}
STATE = {tr("state_" + s, "zh"): s for s in ("done", "not_achieved", "done_late", "overdue", "pending", "on_track",
                                             "behind", "off_track")}  # fmt: skip
DONE_LATE_BY = re.compile(r"逾期完成（晚 [1-9][0-9]* 个月）")  # done late, saying how late


def export_rows(path: Path) -> list[dict[str, str]]:
    """The export CSV (Chinese headers, kinds and states, for people) keyed by its columns, with the
    kinds and states read back to their codes."""
    rows = csv_rows(path.read_text(encoding="utf-8-sig"))
    assert list(rows[0])[:3] == ["类型", "编号", "指标"]
    out = []
    for row in rows:
        r = dict(zip(CSV_HEAD, row.values(), strict=True))
        r["kind"] = KIND[r["kind"]]
        r["state"] = "done_late" if DONE_LATE_BY.fullmatch(r["state"]) else STATE.get(r["state"], r["state"])
        out.append(r)
    return out


def chart_title(chart: Any) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))


# == resources apart ================================================================================


def test_resources_are_listed_apart_in_every_format(small: Db, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export(small, tmp_path / "x.xlsx", "2020-12"))
    assert wb.sheetnames[4:6] == ["里程碑", "依托资源"]
    ws = wb["依托资源"]
    assert ws["A3"].value == "依托资源（文件所列已有资源，不是目标，不计进度）"
    assert [ws.cell(4, c).value for c in range(1, 7)] == [
        "编号",
        "重点目标任务",
        "依托资源",
        "计量单位",
        "可依托",
        "已动员",
    ]
    want = [[code, task, name, uom, value, ENGAGED.get(code, "未填报")] for code, task, name, uom, value in RESOURCES]
    assert rows_from(ws, 5, 6) == want
    # never coloured (as behind or otherwise): no fill in any of their cells, and no state column
    assert all(ws.cell(r, c).fill.fill_type is None for r in range(5, 11) for c in range(1, 7))
    # not among the targets anywhere else
    for sheet in ("指标明细", "分市", "月度进展"):
        assert not {c.value for c in wb[sheet]["A"]} & RESOURCE_CODES, sheet
    assert len(rows_from(wb["指标明细"], 5, 12)) == 28
    assert wb["总表"]["A3"].value.endswith("；另列依托资源 6 项（不是目标，不计入）")
    # md: their own table, engaged or 未填报, no state
    md = md_tables(export(small, tmp_path / "x.md", "2020-12").read_text(encoding="utf-8"))
    assert md["依托资源"][0] == ["编号", "重点目标任务", "依托资源", "计量单位", "可依托", "已动员"]
    assert md["依托资源"][1:] == [[str(v) if not isinstance(v, str) else v for v in row] for row in want]
    assert not {row[0] for row in md["指标明细"][1:]} & RESOURCE_CODES
    # csv: kind says which; a resource has available and engaged, never a target, percent or state
    rows = export_rows(export(small, tmp_path / "x.csv", "2020-12"))
    res = [r for r in rows if r["kind"] == "resource"]
    assert [(r["code"], r["available"], r["engaged"]) for r in res] == [
        (code, str(value), str(ENGAGED.get(code, ""))) for code, _, _, _, value in RESOURCES
    ]
    for r in res:
        assert r["target"] == r["percent"] == r["state"] == r["expected"] == r["deadline"] == "", r["code"]
    assert [r["kind"] for r in rows].count("commitment") == 28
    assert not {r["code"] for r in rows if r["kind"] == "commitment"} & RESOURCE_CODES
    # json: a resources array, no state in it; the counts are of the 28 commitments only
    doc = json.loads(export(small, tmp_path / "x.json", "2020-12").read_text(encoding="utf-8"))
    assert doc["resources"] == [
        {"code": code, "name": name, "unit_of_measure": uom, "available": value,
         "engaged": ENGAGED.get(code), "task": task}
        for code, task, name, uom, value in RESOURCES
    ]  # fmt: skip
    assert not {t["code"] for t in doc["targets"]} & RESOURCE_CODES
    assert doc["counts"]["targets"] == 28


# == the closing report =============================================================================


def test_closing_export_says_achieved_or_not_achieved(small: Db, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export(small, tmp_path / "x.xlsx", "2020-12"))
    summary = wb["总表"]
    assert summary["A1"].value == TITLE + "年终总结（终期报告）"
    assert summary["A3"].value == "年终：28 项目标中已完成 2 项，未完成 26 项；另列依托资源 6 项（不是目标，不计入）"
    targets = wb["指标明细"]
    rows = rows_from(targets, 5, 12)
    assert {r[0] for r in rows if r[10] == "已完成"} == ACHIEVED
    assert [r[10] for r in rows].count("未完成") == 26
    # two colours only in the state column: achieved, not achieved
    fill = {r[10]: targets.cell(5 + i, 11).fill.fgColor.rgb for i, r in enumerate(rows)}
    assert len(set(fill.values())) == 2
    assert {targets.cell(5 + i, 11).fill.fgColor.rgb for i in range(len(rows))} == set(fill.values())
    # nowhere in the workbook a state of before the year end, and the December column of the monthly
    # sheet coloured only as achieved or not achieved
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not texts & NOT_AT_YEAR_END
    monthly = wb["月度进展"]
    december = [monthly.cell(r, 12).fill.fgColor.rgb for r in range(5, 5 + 2 * 28, 2)]
    assert set(december) == set(fill.values())
    city = rows_from(wb["分市"], 5, 7)
    assert city[0][1] == "企业和园区科协行业型“技术经理人团队”（个）"  # the target by name, above its cities
    assert {r[6] for r in city[1:]} == {"未完成"}  # no city formed a team: none reached its quota
    # md
    md = export(small, tmp_path / "x.md", "2020-12").read_text(encoding="utf-8")
    lines = md.splitlines()
    assert lines[0] == f"# {TITLE}年终总结（终期报告）"
    assert lines[4] == "年终：28 项目标中已完成 2 项，未完成 26 项；另列依托资源 6 项（不是目标，不计入）"
    states = [row[-1] for row in md_tables(md)["指标明细"][1:]]
    assert (states.count("已完成"), states.count("未完成"), len(states)) == (2, 26, 28)
    # json and csv
    doc = json.loads(export(small, tmp_path / "x.json", "2020-12").read_text(encoding="utf-8"))
    assert doc["closing"] is True
    assert doc["counts"] == COUNTS["2020-12"]
    rows_csv = export_rows(export(small, tmp_path / "x.csv", "2020-12"))
    assert sorted({r["state"] for r in rows_csv if r["kind"] == "commitment"}) == ["done", "not_achieved"]
    # English
    en = export(small, tmp_path / "en.md", "2020-12", "en").read_text(encoding="utf-8").splitlines()
    assert en[0].endswith(f"({DOCUMENT}): year-end closing report")
    assert en[4] == (
        "Year end: of 28 targets, 2 achieved, 26 not achieved; 6 resources drawn on are listed apart"
        " (not targets, not counted)"
    )


def test_before_the_year_end_the_export_is_a_progress_report(small: Db, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export(small, tmp_path / "x.xlsx", "2020-09"))
    assert wb["总表"]["A1"].value == TITLE + "进展报告"
    assert wb["总表"]["A3"].value == (
        "28 项目标：已完成 2，按期 0，滞后 0，严重滞后 22，到期未完成 4；另列依托资源 6 项（不是目标，不计入）"
    )
    doc = json.loads(export(small, tmp_path / "x.json", "2020-09").read_text(encoding="utf-8"))
    assert doc["closing"] is False
    assert doc["counts"] == COUNTS["2020-09"]


# == milestones done late ==========================================================================


def test_milestones_done_late_say_how_late_in_every_format(small: Db, tmp_path: Path) -> None:
    want = {  # code: (due, done in, zh, en)
        "M_2020_05_PILOT_APPLICATION": ("2020-05", "2020-07", "逾期完成（晚 2 个月）", "done late (2 months late)"),
        "M_2020_04_SURVEY": ("2020-04", "2020-05", "逾期完成（晚 1 个月）", "done late (1 month late)"),
        "M_2020_04_DRAFT_PLAN": ("2020-04", "2020-04", "已完成", "done"),
        "M_2020_04_PILOT_CITIES": ("2020-04", None, "逾期未完成", "overdue"),
    }
    for lang, col in (("zh", 2), ("en", 3)):
        wb = openpyxl.load_workbook(export(small, tmp_path / f"x-{lang}.xlsx", "2020-09", lang))
        ws = wb.worksheets[4]
        rows = {r[0]: (r[3], r[4], r[5]) for r in rows_from(ws, 5, 6)}
        for code, w in want.items():
            assert rows[code] == (w[0], w[1], w[col]), (lang, code)
        fills = {code: ws.cell(5 + list(rows).index(code), 6).fill.fgColor.rgb for code in want}
        # done late has a colour of its own, neither done's nor overdue's
        late = fills["M_2020_05_PILOT_APPLICATION"]
        assert late == fills["M_2020_04_SURVEY"]
        assert late not in (fills["M_2020_04_DRAFT_PLAN"], fills["M_2020_04_PILOT_CITIES"])
        md = md_tables(export(small, tmp_path / f"x-{lang}.md", "2020-09", lang).read_text(encoding="utf-8"))
        ms = {r[0]: (r[3], r[4], r[5]) for r in md["里程碑" if lang == "zh" else "Milestones"][1:]}
        for code, w in want.items():
            assert ms[code] == (w[0], w[1] or "", w[col]), (lang, code)
    rows_csv = {
        r["code"]: r for r in export_rows(export(small, tmp_path / "x.csv", "2020-09")) if r["kind"] == "milestone"
    }
    late = rows_csv["M_2020_05_PILOT_APPLICATION"]
    assert (late["deadline"], late["done_on"], late["state"], late["months_late"]) == (
        "2020-05",
        "2020-07",
        "done_late",
        "2",
    )
    assert rows_csv["M_2020_04_SURVEY"]["months_late"] == "1"
    assert rows_csv["M_2020_04_DRAFT_PLAN"]["state"] == "done" and rows_csv["M_2020_04_DRAFT_PLAN"]["months_late"] == ""
    doc = json.loads(export(small, tmp_path / "x.json", "2020-09").read_text(encoding="utf-8"))
    ms_json = {m["code"]: m for m in doc["milestones"]}
    assert (ms_json["M_2020_05_PILOT_APPLICATION"]["state"], ms_json["M_2020_05_PILOT_APPLICATION"]["months_late"]) == (
        "done_late",
        2,
    )
    assert ms_json["M_2020_04_SURVEY"]["months_late"] == 1


# == one language at a time =========================================================================


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("全年", "whole year"),
        ("7月份", "July"),
        ("7月", "July"),
        ("7月底前", "by the end of July"),
        ("12月底前", "by the end of December"),
        ("7至8月份", "July to August"),
        (" 7 月份 ", "July"),  # spaces a PDF conversion left
        # forms it does not read stay as the document wrote them: never a wrong word
        ("上半年", "上半年"),
        ("13月份", "13月份"),
        ("8至7月", "8至7月"),
        ("7月中旬", "7月中旬"),
    ],
)
def test_time_node_in_english(text: str, english: str) -> None:
    assert xp.time_node_text(text, "en") == english
    assert xp.time_node_text(text, "zh") == text


def _data_removed(text: str) -> str:
    """A cell's text without what is data: the document's number, participating bodies as written."""
    text = text.replace(DOCUMENT, "")
    return ", ".join(part for part in text.split(", ") if part not in UNTRANSLATED_BODIES)


def test_english_workbook_and_markdown_have_no_chinese_but_data(small: Db, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export(small, tmp_path / "en.xlsx", "2020-12", "en"))
    left = []
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str):
                    continue
                if ws.title == "Sources" and c.column == 5 and c.row > 5:
                    continue  # the source of a batch: a file name or a command as typed (data)
                if CJK.search(_data_removed(c.value)):
                    left.append((ws.title, c.coordinate, c.value))
        for chart in ws._charts:
            if CJK.search(chart_title(chart)):
                left.append((ws.title, "chart", chart_title(chart)))
    assert left == []
    # the monthly charts are titled by the targets' English names, not their codes
    titles = [chart_title(c) for c in wb["Monthly"]._charts]
    assert titles == [
        "Firms given innovation services (firms)",
        "Enterprise chokepoint core-technology problems solved (problems)",
        "Sector-based technology-manager teams of enterprise and park S&T associations (teams)",
        "Provincial-society S&T service teams (teams)",
    ]
    # time nodes: task 1 and 2 are 7月份, the others 全年
    summary = wb["Summary"]
    nodes = {summary.cell(r, 1).value: summary.cell(r, 5).value for r in range(5, summary.max_row + 1)}
    nodes.pop(None, None)
    assert nodes == {1: "July", 2: "July", **dict.fromkeys(range(3, 16), "whole year")}
    # participating units the plan knows by name are in English; the bodies it does not, as written
    row4 = next(r for r in range(5, summary.max_row + 1) if summary.cell(r, 1).value == 4)
    assert summary.cell(row4, 4).value == "Enterprise Innovation Service Centre, 省级学会, 市县科协"
    md = export(small, tmp_path / "en.md", "2020-12", "en").read_text(encoding="utf-8")
    assert [line for line in md.splitlines() if CJK.search(line.replace(DOCUMENT, ""))] == []


# == one function per sheet ========================================================================


def test_write_xlsx_is_the_list_of_its_sheets() -> None:
    source = inspect.getsource(xp.write_xlsx)
    tree = ast.parse(source)
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert not [n for n in ast.walk(fn) if isinstance(n, ast.FunctionDef | ast.Lambda) and n is not fn]
    assert len(source.splitlines()) <= 15
    # it calls one function per sheet, in the workbook's order
    called = [n.func.id for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert [name for name in called if name.endswith("_sheet")] == [f"{key}_sheet" for key in xp.SHEETS]
    for key in xp.SHEETS:
        sheet_fn = getattr(xp, f"{key}_sheet")
        assert len(inspect.getsource(sheet_fn).splitlines()) <= 70, key
    for method in ("look", "put", "wrapped", "header", "sheet", "close"):
        assert callable(getattr(xp.Book, method)), method
