"""Registers' lists in returns (issue 14 §3–4): import, all or nothing, --replace, undo, counts from the lists.

Every list is built here with openpyxl; every credit code is a valid GB 32100-2015 code (its check
character computed by python-stdnum when the code was chosen, and written out literally below).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from backends import query
from conftest import Db, kc, ok, share_row, status_json, target_row

# valid unified social credit codes (GB 32100-2015), written out: the tests do not compute check characters
A, B, C, D = "91320100617067490P", "91320200675763820H", "913205007019088200", "913206009574854705"
FIRMS = ("统一社会信用代码", "企业名称", "所在地", "服务内容", "服务月份", "备注")
PROBLEMS = ("难题名称", "企业统一社会信用代码", "企业名称", "牵头学会", "所在市", "状态", "解决月份", "成果说明")
TRAININGS = ("培训名称", "类别", "日期", "主办单位", "参训人数")
ROSTER = ("服务队名称", "牵头学会", "专家姓名", "工作单位", "职称", "专业领域")


def register_book(
    path: Path,
    unit: str | None,
    month: str | None,
    head: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    sheet: str = "名册",
) -> Path:
    """A unit's own sheet: a title, the unit and month as labels, the header at row 5, the rows below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = "名册"
    if unit is not None:
        ws["A2"] = f"填报单位：{unit}"
    if month is not None:
        ws["A3"] = f"月份：{month}"
    for c, h in enumerate(head, start=1):
        ws.cell(5, c, h)
    for r, row in enumerate(rows, start=6):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    wb.save(path)
    return path


def firms(path: Path, unit: str, month: str, *codes: str) -> Path:
    names = {A: "南京甲科技有限公司", B: "无锡乙股份有限公司", C: "苏州丙材料有限公司", D: "常州丁装备有限公司"}
    return register_book(path, unit, month, FIRMS, [(c, names[c], "江苏", "技术攻关", month, None) for c in codes])


def actual(db: Db, month: str, code: str, *extra: str) -> float:
    return target_row(status_json(db, month, *extra), code)["actual"]


def entries(db: Db) -> int:
    return query(db, "SELECT count(*) FROM register_entry")[0][0]


# -- distinct across units ---------------------------------------------------------------------


def test_a_firm_two_units_list_counts_once_for_the_province_and_once_for_each(db: Db, tmp_path: Path) -> None:
    office = firms(tmp_path / "office.xlsx", "企工办", "2020-06", A, B)
    centre = firms(tmp_path / "centre.xlsx", "企创中心", "2020-06", B, C)
    out = ok(kc(db, "import", office, centre))
    assert "名册 2 份，共 4 条" in out.stderr
    # named once, on the list read second (units in code order: the centre's, then the office's)
    assert f"{office}!名册!A7: 91320200675763820H 也列在 企业创新服务中心 的服务企业名册中：全省只计一次" in out.stderr
    assert out.stderr.count("也列在") == 1
    # A, B, C: three different firms; B listed twice counts once
    assert actual(db, "2020-06", "FIRMS_SERVED") == 3
    data = status_json(db, "2020-06")
    assert share_row(data, "FIRMS_SERVED", "企业工作办公室")["actual"] == 2
    assert share_row(data, "FIRMS_SERVED", "企业创新服务中心")["actual"] == 2
    assert actual(db, "2020-06", "FIRMS_SERVED", "--unit", "企工办") == 2
    # before the lists' month nothing is listed
    assert actual(db, "2020-05", "FIRMS_SERVED") == 0


def test_explain_lists_every_entry_with_its_cell_and_the_duplicate_counted_once(db: Db, tmp_path: Path) -> None:
    office = firms(tmp_path / "office.xlsx", "企工办", "2020-06", A, B)
    centre = firms(tmp_path / "centre.xlsx", "企创中心", "2020-06", B)
    ok(kc(db, "import", office, centre))
    e = json.loads(ok(kc(db, "explain", "FIRMS_SERVED", "--as-of", "2020-06", "--format", "json")).stdout)
    assert e["total"] == 2
    rows = {(r["source"], r["counts"]) for r in e["records"]}
    assert rows == {
        (f"{centre}!名册!A6", False),  # B, listed by the centre: counted at the office's (newer batch) row
        (f"{office}!名册!A6", True),  # A
        (f"{office}!名册!A7", True),  # B
    }
    assert sum(r["value"] for r in e["records"]) == 2


def test_a_return_figure_differing_from_the_list_is_a_warning(db: Db, tmp_path: Path) -> None:
    book = firms(tmp_path / "office.xlsx", "企工办", "2020-06", A, B)
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("月报")
    ws["A1"], ws["A2"] = "填报单位：企工办", "月份：2020-06"
    ws.append([])
    ws.append(["指标编号", "本月完成"])
    ws.append(["FIRMS_SERVED", 5])
    wb.save(book)
    out = ok(kc(db, "import", book))
    assert "FIRMS_SERVED 为 5，其服务企业名册计 2" in out.stderr
    assert actual(db, "2020-06", "FIRMS_SERVED") == 2  # the list counts
    unit = status_json(db, "2020-06", "--unit", "企工办")
    assert target_row(unit, "FIRMS_SERVED")["actual"] == 2
    assert target_row(unit, "FIRMS_SERVED")["returned"] == 5


def test_a_unit_without_a_list_keeps_its_returns_figure(db: Db) -> None:
    ok(kc(db, "record", "FIRMS_SERVED", "40", "--unit", "企创中心", "--month", "2020-05"))
    assert actual(db, "2020-06", "FIRMS_SERVED") == 40


def test_list_units_and_figure_units_add_up(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "record", "FIRMS_SERVED", "40", "--unit", "企创中心", "--month", "2020-05"))
    ok(kc(db, "import", firms(tmp_path / "office.xlsx", "企工办", "2020-06", A, B, C)))
    # 40 from the centre's returns (it sends no list) + 3 firms on the office's list
    assert actual(db, "2020-06", "FIRMS_SERVED") == 43
    assert actual(db, "2020-05", "FIRMS_SERVED") == 40


# -- refused at the cell, nothing written -----------------------------------------------------------


def test_a_bad_check_character_is_refused_at_its_cell_and_nothing_is_written(db: Db, tmp_path: Path) -> None:
    good = firms(tmp_path / "good.xlsx", "企工办", "2020-06", A)
    bad = register_book(
        tmp_path / "bad.xlsx",
        "企创中心",
        "2020-06",
        FIRMS,
        [("91320100617067490X", "南京甲科技有限公司", "", "", "", "")],
    )
    out = kc(db, "import", good, bad)
    assert out.exit_code == 1
    assert f"{bad}!名册!A6: 91320100617067490X → 统一社会信用代码校验位不对（按 GB 32100-2015 应为 P）" in out.stderr
    assert entries(db) == 0
    assert query(db, "SELECT count(*) FROM batch")[0][0] == 0


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("9132010061706749", "统一社会信用代码应为 18 位，这里是 16 位"),
        ("91320100617O67490P", "统一社会信用代码含有 GB 32100-2015 不用的字符"),
        (913201006170674, "统一社会信用代码被存成了数字"),
    ],
)
def test_every_kind_of_bad_credit_code_is_named(db: Db, tmp_path: Path, cell: Any, message: str) -> None:
    bad = register_book(tmp_path / "bad.xlsx", "企工办", "2020-06", FIRMS, [(cell, "某公司", "", "", "", "")])
    out = kc(db, "import", bad)
    assert out.exit_code == 1
    assert f"{bad}!名册!A6" in out.stderr and message in out.stderr
    assert entries(db) == 0


def test_every_bad_cell_of_a_list_is_named_at_once(db: Db, tmp_path: Path) -> None:
    bad = register_book(
        tmp_path / "t.xlsx",
        "企创中心",
        "2020-06",
        TRAININGS,
        [("专利培训", "科技人材", "2020-06-31", "", "三十人"), ("", "技术工人", "2020-06-02", "", -3)],
    )
    out = kc(db, "import", bad)
    assert out.exit_code == 1
    err = out.stderr
    assert f"{bad}!名册!B6: 科技人材 → 类别 只能填：科技人才、技术工人、青年双创" in err
    assert f"{bad}!名册!C6: 2020-06-31 → 日期 不是日期" in err
    assert f"{bad}!名册!A7: 培训名称 必填" in err
    assert f"{bad}!名册!E7" in err  # a negative number of trainees
    assert "E6" not in err  # 三十人 is thirty
    assert entries(db) == 0


def test_a_list_from_a_unit_that_does_not_send_it_is_refused(db: Db, tmp_path: Path) -> None:
    book = firms(tmp_path / "x.xlsx", "苏州", "2020-06", A)
    out = kc(db, "import", book)
    assert out.exit_code == 1
    assert "苏州市 不报送服务企业名册（报送单位：企业工作办公室 企业创新服务中心）" in out.stderr
    assert entries(db) == 0


def test_a_list_naming_no_unit_is_refused_and_unit_option_places_it(db: Db, tmp_path: Path) -> None:
    book = register_book(tmp_path / "x.xlsx", None, "2020-06", FIRMS, [(A, "南京甲科技有限公司", "", "", "", "")])
    out = kc(db, "import", book)
    assert out.exit_code == 1 and "名册未写明填报单位" in out.stderr
    ok(kc(db, "import", book, "--unit", "企工办"))
    assert actual(db, "2020-06", "FIRMS_SERVED") == 1


def test_dry_run_writes_nothing(db: Db, tmp_path: Path) -> None:
    out = ok(kc(db, "import", firms(tmp_path / "o.xlsx", "企工办", "2020-06", A, B), "--dry-run"))
    assert "名册 1 份，共 2 条" in out.stderr
    assert entries(db) == 0


# -- months, corrections, undo -------------------------------------------------------------------------


def problems(path: Path, month: str, state: str, solved: str | None) -> Path:
    row = ("高端轴承寿命", A, "南京甲科技有限公司", "江苏省机械工程学会", "南京", state, solved, None)
    return register_book(path, "企创中心", month, PROBLEMS, [row])


def test_a_problem_solved_in_a_later_month_counts_from_that_month(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", problems(tmp_path / "june.xlsx", "2020-06", "攻关中", None)))
    ok(kc(db, "import", problems(tmp_path / "aug.xlsx", "2020-08", "已解决", "2020-08")))
    assert actual(db, "2020-06", "CHOKEPOINTS_SOLVED") == 0
    assert actual(db, "2020-07", "CHOKEPOINTS_SOLVED") == 0
    assert actual(db, "2020-08", "CHOKEPOINTS_SOLVED") == 1
    assert actual(db, "2020-12", "CHOKEPOINTS_SOLVED") == 1


def test_a_training_archive_sums_its_trainees_by_category(db: Db, tmp_path: Path) -> None:
    rows = [
        ("专利布局培训", "科技人才", "2020-06-05", "省科协", 120),
        ("数控技能培训", "技术工人", "2020-06-10", "省科协", 800),
        ("创新方法培训", "科技人才", "2020-06-18", "省科协", 95),
        ("青年双创训练营", "青年双创", "2020-06-20", "学会服务中心", 60),
    ]
    ok(kc(db, "import", register_book(tmp_path / "t.xlsx", "企创中心", "2020-06", TRAININGS, rows)))
    assert actual(db, "2020-06", "TALENT_TRAINEES") == 215  # 120 + 95
    assert actual(db, "2020-06", "WORKER_TRAINEES") == 800
    assert actual(db, "2020-06", "TALENT_TRAINING_SESSIONS") == 2
    assert actual(db, "2020-06", "YOUTH_TRAININGS") == 1


def test_a_list_already_imported_is_refused_and_replace_corrects_it(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", firms(tmp_path / "v1.xlsx", "企工办", "2020-06", A, B, C)))
    v2 = firms(tmp_path / "v2.xlsx", "企工办", "2020-06", A, B)
    out = kc(db, "import", v2)
    assert out.exit_code == 1 and "已于批次 1 导入" in out.stderr and "--replace" in out.stderr
    assert actual(db, "2020-06", "FIRMS_SERVED") == 3
    ok(kc(db, "import", v2, "--replace"))
    assert actual(db, "2020-06", "FIRMS_SERVED") == 2  # C left the corrected list
    # the same file again is skipped, not refused
    out = ok(kc(db, "import", v2))
    assert "跳过" in out.stderr or "skipped" in out.stderr
    # undoing the correction restores the first list
    ok(kc(db, "undo", "2"))
    assert actual(db, "2020-06", "FIRMS_SERVED") == 3
    ok(kc(db, "undo", "1"))
    assert actual(db, "2020-06", "FIRMS_SERVED") == 0


def test_history_shows_a_list_as_a_batch(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", firms(tmp_path / "v1.xlsx", "企工办", "2020-06", A, B)))
    h = json.loads(ok(kc(db, "history", "--format", "json")).stdout)
    batch = h["batches"][0] if "batches" in h else h[0]
    assert batch["kind"] == "register"


def test_a_team_roster_counts_distinct_teams(db: Db, tmp_path: Path) -> None:
    rows = [(f"队{t}", "学会", f"专家{t}{i}", f"单位{i}", "", "") for t in (1, 2) for i in range(7)]
    rows.append(("队1", "学会", "专家10", "单位0", "", ""))  # a second row of the same member: counted once
    out = ok(kc(db, "import", register_book(tmp_path / "r.xlsx", "学会中心", "2020-06", ROSTER, rows)))
    assert "与第 6 行是同一条目" in out.stderr
    assert actual(db, "2020-07", "SERVICE_TEAMS") == 2


# -- the round trip: template → fill → import → status ------------------------------------------------


def _fill_register(path: Path, sheet: str, rows: list[tuple[Any, ...]]) -> None:
    """Type rows into a template's register sheet under its header (row 5), as a unit would."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    heads = [c.value for c in ws[5]]
    assert (
        heads[: len(rows[0])]
        == list({"服务企业名册": FIRMS, "卡脖子难题名册": PROBLEMS, "培训档案": TRAININGS}[sheet])[: len(rows[0])]
    )
    for r, row in enumerate(rows, start=6):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    wb.save(path)


def test_round_trip_for_the_enterprise_innovation_centre(db: Db, tmp_path: Path) -> None:
    path = tmp_path / "eic.xlsx"
    out = ok(kc(db, "template", path, "--unit", "企创中心", "--month", "2020-06"))
    assert "21 行；名册：服务企业名册、卡脖子难题名册、培训档案）" in out.stdout
    _fill_register(
        path, "服务企业名册", [(A, "南京甲科技有限公司", "南京", "攻关", "2020-06"), (B, "无锡乙", "无锡", "", "6月")]
    )
    _fill_register(path, "卡脖子难题名册", [("轴承寿命", C, "苏州丙", "机械学会", "苏州", "已解决", "2020-06")])
    _fill_register(path, "培训档案", [("专利培训", "科技人才", "2020-06-12", "省科协", 88)])
    out = ok(kc(db, "import", path))
    assert "名册 3 份，共 4 条" in out.stderr
    data = status_json(db, "2020-06")
    assert [target_row(data, c)["actual"] for c in ("FIRMS_SERVED", "CHOKEPOINTS_SOLVED", "TALENT_TRAINEES")] == [
        2,
        1,
        88,
    ]
    assert target_row(data, "FIRMS_SERVED")["register"] == "FIRMS_REGISTER"
    assert target_row(data, "FIRMS_SERVED")["listing"] == ["企业创新服务中心"]


def test_round_trip_for_a_city(db: Db, tmp_path: Path) -> None:
    path = tmp_path / "sz.xlsx"
    ok(kc(db, "template", path, "--unit", "苏州", "--month", "2020-07"))
    _fill_register(
        path,
        "卡脖子难题名册",
        [
            ("晶圆缺陷检测", C, "苏州丙", "", "苏州", "已解决", "2020-07"),
            ("高纯靶材", D, "常州丁", "", "常州", "攻关中"),
        ],
    )
    out = ok(kc(db, "import", path))
    assert "名册 1 份，共 2 条" in out.stderr
    # the city's return (its template's main sheet, left blank) is a nil return; its list counts for the province
    assert actual(db, "2020-07", "CHOKEPOINTS_SOLVED") == 1
    ok(kc(db, "undo", "--run", "1"))
    assert actual(db, "2020-07", "CHOKEPOINTS_SOLVED") == 0
    assert entries(db) == 2  # undone, never deleted
