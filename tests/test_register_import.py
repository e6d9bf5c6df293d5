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


def with_return(book: Path, unit: str, month: str, code: str, this_month: float) -> Path:
    """Add to a list's workbook the unit's return for the month, giving one target's 本月."""
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("月报")
    ws["A1"], ws["A2"] = f"填报单位：{unit}", f"月份：{month}"
    ws.append([])
    ws.append(["指标编号", "本月完成"])
    ws.append([code, this_month])
    wb.save(book)
    return book


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
    with_return(book, "企工办", "2020-06", "FIRMS_SERVED", 5)
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
    assert h["batches_in_all"] == 1
    assert (h["batches"][0]["kind"], h["batches"][0]["unit"], h["batches"][0]["month"]) == (
        "register",
        "enterprise_office",
        "2020-06",
    )
    table = ok(kc(db, "history")).stdout
    assert (
        "v1.xlsx!名册  企业工作办公室  2020-06     2  有效" in table
    )  # its 2 entries where a return shows its records


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


# -- what a newcomer's trial found (each fixed for its kind) ----------------------------------------------


def test_a_unit_starting_lists_mid_year_keeps_what_its_returns_gave_before(db: Db, tmp_path: Path) -> None:
    for month, n in (("2020-04", 20), ("2020-05", 15), ("2020-06", 10)):
        ok(kc(db, "record", "FIRMS_SERVED", n, "--unit", "企创中心", "--month", month))
    book = firms(tmp_path / "jul.xlsx", "企创中心", "2020-07", A, B, C)  # July's new firms only
    with_return(book, "企创中心", "2020-07", "FIRMS_SERVED", 3)
    out = ok(kc(db, "import", book))
    assert "名册计" not in out.stderr  # 45 carried + 3 listed = the return's 48: no disagreement
    assert actual(db, "2020-06", "FIRMS_SERVED") == 45
    assert actual(db, "2020-07", "FIRMS_SERVED") == 48  # never drops to the list's 3
    data = status_json(db, "2020-07")
    assert share_row(data, "FIRMS_SERVED", "企业创新服务中心")["actual"] == 48
    e = json.loads(ok(kc(db, "explain", "FIRMS_SERVED", "--as-of", "2020-07", "--format", "json")).stdout)
    assert e["total"] == 48
    assert sum(r["value"] for r in e["records"] if r["counts"]) == 48


def test_two_units_giving_one_problem_different_states_count_it_solved_in_either_order(db: Db, tmp_path: Path) -> None:
    row = ("车规级MCU芯片设计", C, "苏州丙材料有限公司", "", "苏州")
    centre = register_book(tmp_path / "c.xlsx", "企创中心", "2020-07", PROBLEMS, [(*row, "已解决", "2020-07")])
    city = register_book(tmp_path / "s.xlsx", "苏州", "2020-07", PROBLEMS, [(*row, "攻关中", None)])
    ok(kc(db, "import", city))
    ok(kc(db, "import", centre))
    assert actual(db, "2020-07", "CHOKEPOINTS_SOLVED") == 1
    ok(kc(db, "undo", "--run", "2"))
    ok(kc(db, "undo", "--run", "1"))
    ok(kc(db, "import", centre))
    ok(kc(db, "import", city))
    assert actual(db, "2020-07", "CHOKEPOINTS_SOLVED") == 1
    e = json.loads(ok(kc(db, "explain", "CHOKEPOINTS_SOLVED", "--as-of", "2020-07", "--format", "json")).stdout)
    assert sorted((r["unit"], r["value"], r["why_not"]) for r in e["records"]) == [
        ("enterprise_innovation_centre", 1, None),
        ("suzhou", 0, "counted_once"),
    ]


def test_a_units_view_of_a_target_it_alone_reports_is_its_own_list(db: Db, tmp_path: Path) -> None:
    youth = [
        ("双创营一期", "青年双创", "2020-07-01", "学会中心", 30),
        ("双创营二期", "青年双创", "2020-07-15", "学会中心", 25),
    ]
    ok(kc(db, "import", register_book(tmp_path / "s.xlsx", "学会中心", "2020-07", TRAININGS, youth)))
    other = [("创业沙龙", "青年双创", "2020-07-20", "企创中心", 40)]
    ok(kc(db, "import", register_book(tmp_path / "c.xlsx", "企创中心", "2020-07", TRAININGS, other)))
    assert actual(db, "2020-07", "YOUTH_TRAININGS") == 3  # the province: every list
    assert actual(db, "2020-07", "YOUTH_TRAININGS", "--unit", "学会中心") == 2  # the society centre's own


def test_a_name_padded_with_a_space_is_the_same_person(db: Db, tmp_path: Path) -> None:
    head = ("姓名", "工作单位", "职称或称号", "专业领域")
    rows = [("张　伟", "东南大学", "教授", ""), ("张伟", "东南大学 ", "教授", ""), ("王 建国", "南京大学", "", ""),
            ("王建国", "南京大学", "", "")]  # fmt: skip
    ok(kc(db, "import", register_book(tmp_path / "p.xlsx", "人才中心", "2020-06", head, rows)))
    assert actual(db, "2020-07", "EXPERT_POOL") == 2
    stored = [json.loads(f)["name"] for (f,) in query(db, "SELECT fields FROM register_entry ORDER BY row")]
    assert stored == ["张　伟", "张伟", "王 建国", "王建国"]  # stored as typed; compared without the spaces


def test_one_code_with_two_names_in_one_register_is_found(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", register_book(tmp_path / "o.xlsx", "企工办", "2020-06", FIRMS, [(A, "南京甲科技有限公司")])))
    ok(kc(db, "import", register_book(tmp_path / "c.xlsx", "企创中心", "2020-06", FIRMS, [(A, "南京乙科技有限公司")])))
    out = kc(db, "register", "check", "--as-of", "2020-06", "--format", "json")
    assert out.exit_code == 1
    two = [f for f in json.loads(out.stdout)["findings"] if f["kind"] == "one_name_per_code"]
    assert [f["message"] for f in two] == [
        f"统一社会信用代码 {A} 对应了不同的企业名称：南京甲科技有限公司、南京乙科技有限公司"
    ]


def test_explain_keeps_personal_data_out(db: Db, tmp_path: Path) -> None:
    rows = [("队甲", "学会", f"专家{i}", "东南大学", "", "") for i in range(7)]
    ok(kc(db, "import", register_book(tmp_path / "r.xlsx", "学会中心", "2020-06", ROSTER, rows)))
    out = ok(kc(db, "explain", "SERVICE_TEAMS", "--as-of", "2020-06", "--format", "json")).stdout
    assert "专家" not in out  # no expert's name anywhere
    assert {r["note"] for r in json.loads(out)["records"]} == {"队甲"}  # the team: the key without its personal part


def test_a_merged_team_name_applies_to_each_of_its_rows(db: Db, tmp_path: Path) -> None:
    rows = [("队甲" if i == 0 else None, "学会", f"专家{i}", "东南大学", "", "") for i in range(7)]
    path = register_book(tmp_path / "r.xlsx", "学会中心", "2020-06", ROSTER, rows)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("A6:A12")
    wb.save(path)
    ok(kc(db, "import", path))
    assert actual(db, "2020-06", "SERVICE_TEAMS") == 1
    assert ok(kc(db, "register", "check", "--as-of", "2020-06")).exit_code == 0  # 7 experts in 队甲


def test_a_list_with_a_required_column_misnamed_says_which(db: Db, tmp_path: Path) -> None:
    head = ("信用号码", "企业名称", "所在地")
    out = kc(db, "import", register_book(tmp_path / "x.xlsx", "企工办", "2020-06", head, [(A, "南京甲", "")]))
    assert out.exit_code == 1
    assert "x.xlsx!名册!A5: 第 5 行像是服务企业名册的表头，但缺少必填列：统一社会信用代码" in out.stderr


def test_a_list_naming_neither_unit_nor_month_says_both_at_once(db: Db, tmp_path: Path) -> None:
    out = kc(db, "import", register_book(tmp_path / "x.xlsx", None, None, FIRMS, [(A, "南京甲")]))
    assert out.exit_code == 1
    assert "名册未写明填报单位" in out.stderr and "名册未写明月份" in out.stderr


def test_a_city_field_takes_a_city_only(db: Db, tmp_path: Path) -> None:
    row = ("难题", C, "苏州丙", "", "国际部", "征集", None)
    out = kc(db, "import", register_book(tmp_path / "x.xlsx", "企创中心", "2020-06", PROBLEMS, [row]))
    assert out.exit_code == 1 and "E6: 国际部 → 所在市 不是计划中的设区市或单位" in out.stderr


def test_replacing_a_list_says_what_it_drops_in_a_dry_run_too(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", firms(tmp_path / "v1.xlsx", "企工办", "2020-06", A, B, C)))
    out = ok(kc(db, "import", firms(tmp_path / "v2.xlsx", "企工办", "2020-06", A), "--replace", "--dry-run"))
    assert "企业工作办公室 2020-06 的服务企业名册更正为 1 条，替换批次 1 的 3 条" in out.stderr
    assert "3 条记录" in ok(kc(db, "undo", "1", "--dry-run")).stdout  # a list counts its entries


# -- what the review found (each fixed for its kind) -------------------------------------------------------


def test_a_first_list_after_returns_says_what_it_carries(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "record", "FIRMS_SERVED", "2", "--unit", "企工办", "--month", "2020-06"))
    out = ok(kc(db, "import", firms(tmp_path / "jul.xlsx", "企工办", "2020-07", A, B, C)))
    assert "企业工作办公室 自 2020-07 起报送服务企业名册：此前月报所填 FIRMS_SERVED 共 2 已计入" in out.stderr
    assert actual(db, "2020-07", "FIRMS_SERVED") == 5  # 2 carried + 3 listed, as said
    # a later list of the same unit carries nothing new: no second warning
    assert "已计入" not in ok(kc(db, "import", firms(tmp_path / "aug.xlsx", "企工办", "2020-08", D))).stderr


def test_a_list_changing_a_locked_later_month_needs_a_reason(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", firms(tmp_path / "jul.xlsx", "企工办", "2020-07", A, B)))
    ok(kc(db, "lock", "2020-07"))
    june = firms(tmp_path / "jun.xlsx", "企工办", "2020-06", C)
    out = kc(db, "import", june)
    assert out.exit_code == 1 and "2020-07" in out.stderr and "--reason" in out.stderr
    assert actual(db, "2020-07", "FIRMS_SERVED") == 2
    ok(kc(db, "import", june, "--reason", "企工办补报6月名册"))
    assert actual(db, "2020-07", "FIRMS_SERVED") == 3
    assert kc(db, "undo", "--run", "2").exit_code == 1  # undoing it changes July too
    ok(kc(db, "undo", "--run", "2", "--reason", "撤回补报"))


def test_a_sheet_named_after_a_register_is_that_register_or_refused(db: Db, tmp_path: Path) -> None:
    head = ("问题名称", *PROBLEMS[1:])  # 问题名称 for 难题名称: an alias the plan gives
    row = ("高端轴承寿命", A, "南京甲科技有限公司", "", "南京", "已解决", "2020-06", "")
    ok(kc(db, "import", register_book(tmp_path / "p.xlsx", "企工办", "2020-06", head, [row], sheet="卡脖子难题名册")))
    assert (actual(db, "2020-06", "CHOKEPOINTS_SOLVED"), actual(db, "2020-06", "FIRMS_SERVED")) == (1, 0)
    # the same columns with the problem's heading misspelt: never read as the firms register it also matches
    bad = register_book(
        tmp_path / "q.xlsx", "企工办", "2020-07", ("课题名称", *PROBLEMS[1:]), [row], sheet="卡脖子难题名册"
    )
    out = kc(db, "import", bad)
    assert out.exit_code == 1 and "像是卡脖子难题名册的表头，但缺少必填列：难题名称" in out.stderr


def test_a_list_missing_a_column_beside_a_return_is_refused_not_dropped(db: Db, tmp_path: Path) -> None:
    book = register_book(
        tmp_path / "x.xlsx", "企工办", "2020-06", ("企业名称", "所在地", "服务内容"), [("南京甲", "南京", "")]
    )
    with_return(book, "企工办", "2020-06", "NATIONAL_SOCIETIES", 3)
    out = kc(db, "import", book)
    assert out.exit_code == 1 and "缺少必填列：统一社会信用代码" in out.stderr
    assert query(db, "SELECT count(*) FROM batch")[0][0] == 0


def test_two_sessions_of_one_name_and_day_are_told_apart_by_their_hosts(db: Db, tmp_path: Path) -> None:
    rows = [("科技人才培训班", "科技人才", "2020-05-10", "省机械工程学会", 100),
            ("科技人才培训班", "科技人才", "2020-05-10", "省电子学会", 80)]  # fmt: skip
    ok(kc(db, "import", register_book(tmp_path / "t.xlsx", "企创中心", "2020-05", TRAININGS, rows)))
    assert actual(db, "2020-05", "TALENT_TRAINEES") == 180
    assert actual(db, "2020-05", "TALENT_TRAINING_SESSIONS") == 2


def test_one_session_given_twice_with_other_trainees_is_refused(db: Db, tmp_path: Path) -> None:
    rows = [("培训班", "科技人才", "2020-05-10", "省科协", 100), ("培训班", "科技人才", "2020-05-10", "省科协", 80)]
    out = kc(db, "import", register_book(tmp_path / "t.xlsx", "企创中心", "2020-05", TRAININGS, rows))
    assert out.exit_code == 1
    assert "!名册!A7: 与第 6 行是同一条目（培训班 2020-05-10 省科协），但参训人数不同" in out.stderr
    assert entries(db) == 0


def test_a_date_or_month_outside_the_plan_is_refused_at_its_cell(db: Db, tmp_path: Path) -> None:
    rows = [("培训", "科技人才", "2019-05-10", "省科协", 50)]
    out = kc(db, "import", register_book(tmp_path / "t.xlsx", "企创中心", "2020-06", TRAININGS, rows))
    assert out.exit_code == 1 and "!名册!C6: 2019-05-10 → 日期 2019-05 不在计划期 2020-04 … 2020-12 之内" in out.stderr
    served = [(A, "南京甲", "", "", "2019-03")]
    out = kc(db, "import", register_book(tmp_path / "f.xlsx", "企工办", "2020-06", FIRMS, served))
    assert out.exit_code == 1 and "!名册!E6: 2019-03 → 服务月份 2019-03 不在计划期" in out.stderr


def test_recording_a_figure_a_list_counts_says_so(db: Db, tmp_path: Path) -> None:
    ok(kc(db, "import", firms(tmp_path / "jul.xlsx", "企工办", "2020-07", A, B)))
    out = ok(kc(db, "record", "FIRMS_SERVED", "50", "--unit", "企工办", "--month", "2020-07"))
    assert "已记录，但 企业工作办公室 自 2020-07 起的 FIRMS_SERVED 以其服务企业名册计" in out.stderr
    assert actual(db, "2020-07", "FIRMS_SERVED") == 2


def test_a_listing_unit_that_does_not_report_the_target_is_in_the_breakdown(db: Db, tmp_path: Path) -> None:
    row = ("晶圆检测", C, "苏州丙", "", "苏州", "已解决", "2020-07")
    ok(kc(db, "import", register_book(tmp_path / "s.xlsx", "苏州", "2020-07", PROBLEMS, [row])))
    data = status_json(db, "2020-07")
    assert target_row(data, "CHOKEPOINTS_SOLVED")["actual"] == 1
    assert share_row(data, "CHOKEPOINTS_SOLVED", "苏州市")["actual"] == 1


def test_a_column_no_field_names_is_said(db: Db, tmp_path: Path) -> None:
    out = ok(
        kc(db, "import", register_book(tmp_path / "f.xlsx", "企工办", "2020-06", (*FIRMS, "联系电话"), [(A, "南京甲")]))
    )
    assert "!名册!G5: 列标题“联系电话”不是服务企业名册的字段，该列未读入" in out.stderr


def test_a_unit_or_month_column_against_the_options_is_refused_at_its_cell(db: Db, tmp_path: Path) -> None:
    head = ("填报单位", "报送月份", *FIRMS)
    rows = [
        ("企工办", "2020-06", A, "南京甲"),
        ("企创中心", "2020-06", B, "无锡乙"),
        ("企工办", "2020-07", C, "苏州丙"),
    ]
    book = register_book(tmp_path / "x.xlsx", None, None, head, rows)
    out = kc(db, "import", book, "--unit", "企工办", "--month", "2020-06")
    assert out.exit_code == 1
    assert f"{book}!名册!A7" in out.stderr and "--unit" in out.stderr  # 企创中心 against --unit 企工办
    assert f"{book}!名册!B8" in out.stderr and "--month" in out.stderr  # 2020-07 against --month 2020-06
    assert "名册未写明" not in out.stderr  # the refused cells say it all
    assert entries(db) == 0
    ok(kc(db, "import", book))  # without the options, each row goes to its own unit and month
    assert actual(db, "2020-07", "FIRMS_SERVED") == 3


def test_an_unknown_unit_in_a_row_is_one_problem_at_its_cell(db: Db, tmp_path: Path) -> None:
    head = ("填报单位", *FIRMS)
    book = register_book(tmp_path / "x.xlsx", None, "2020-06", head, [("企发办", A, "南京甲")])
    out = kc(db, "import", book)
    assert out.exit_code == 1 and f"{book}!名册!A6: 企发办" in out.stderr
    assert "名册未写明填报单位" not in out.stderr
