"""Template → fill → import → status, for every reporting unit (issue 3, "Done when")."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from returns_helpers import (
    ALL_UNITS,
    CITIES,
    CITY_QUOTA,
    FIRST_ROW,
    HEADER_EN,
    PLAN_CODE,
    SHEET,
    Db,
    counts,
    history,
    kc,
    milestone_row,
    ok,
    returns_db,
    share,
    sheet_workbook,
    status_json,
    target_row,
    template,
    template_codes,
)


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


# What each unit types in 本月完成 for every target row of its form (milestone rows get 完成).
CITY_VALUE = {code: i for i, code in enumerate(CITIES, start=1)}  # 南京 1, 无锡 2, … 宿迁 13
PROVINCIAL_VALUE = {
    "talent_centre": 20,
    "enterprise_innovation_centre": 30,
    "society_centre": 40,
    "enterprise_office": 50,
    "international_dept": 60,
    "research_publicity_dept": 70,
    # rural_tech_centre, intl_exchange_centre, popsci_dept: milestones only
}

# The resources drawn on are filled with 3 each: never more engaged than exist (5 overseas bases at the least).
RESOURCES = {"OVERSEAS_BASES_MOBILISED", "OVERSEAS_GROUPS_MOBILISED", "THINK_TANK_BASES",
             "THINK_TANK_PROVINCIAL_SOCIETIES", "THINK_TANK_UNIVERSITY_ASSOCIATIONS", "THINK_TANK_CITY_ASSOCIATIONS"}  # fmt: skip
RESOURCE_ENGAGED = 3
# Status actual of every target after that, by hand from the plan's responsible units.
EXPECTED_ACTUAL = {
    "EXPERT_POOL": 20,
    "BOTTLENECK_POOL": 30,
    "KEY_TECH_PROJECT_POOL": 30,
    "NATIONAL_ACADEMICIAN_TEAMS": 50,
    "PROVINCIAL_ACADEMICIAN_TEAMS": 50,
    "PARK_EXPERT_TEAMS": 50,
    "SERVICE_TEAMS": 40,
    "TECH_MANAGER_TEAMS": 91,  # 1 + 2 + … + 13
    # task 8: reported by both 企业工作办公室 and 企业创新服务中心: 50 + 30
    "NATIONAL_SOCIETIES": 80,
    "PROVINCIAL_SOCIETIES": 80,
    "CITY_COUNTY_SOCIETIES": 80,
    "OVERSEAS_SOCIETIES": 80,
    "CITY_COUNTY_GOVERNMENTS": 80,
    "UNIVERSITIES_INSTITUTES": 80,
    "FIRMS_SERVED": 80,
    "CHOKEPOINTS_SOLVED": 80,
    "TALENT_TRAINING_SESSIONS": 30,
    "TALENT_TRAINEES": 30,
    "WORKER_TRAINEES": 30,
    "INNOVATION_CASES": 30,
    "PATENT_INFO_PUSHES": 30,
    "YOUTH_TRAININGS": 40,
    "OFFSHORE_BASES_EVALUATED": 60,
    "OVERSEAS_TALENTS": 60,
    "ROADSHOW_PROJECTS": 60,
    "HAIZHI_EVENTS": 60,
    "SIGNED_PROJECTS": 60,
    "LANDED_PROJECTS": 60,
    # the resources drawn on: 3 engaged each (never more than exist: 5 overseas bases at the least)
    "OVERSEAS_BASES_MOBILISED": RESOURCE_ENGAGED,
    "OVERSEAS_GROUPS_MOBILISED": RESOURCE_ENGAGED,
    "THINK_TANK_BASES": RESOURCE_ENGAGED,
    "THINK_TANK_PROVINCIAL_SOCIETIES": RESOURCE_ENGAGED,
    "THINK_TANK_UNIVERSITY_ASSOCIATIONS": RESOURCE_ENGAGED,
    "THINK_TANK_CITY_ASSOCIATIONS": RESOURCE_ENGAGED,
}
# Rows of each form: 13 cities × 2, then the provincial units (targets + milestones).
FORM_ROWS = dict.fromkeys(CITIES, 2) | {
    "talent_centre": 1,
    "enterprise_innovation_centre": 21,  # with M_T2_CASES, M_T3_CASES, M_T9_TRAINING_ARCHIVE, M_T9_CASES
    "society_centre": 8,
    "enterprise_office": 36,  # with M_T5_RESULTS
    "rural_tech_centre": 2,
    "intl_exchange_centre": 2,
    "international_dept": 14,
    "popsci_dept": 5,
    "research_publicity_dept": 7,
}


def _fill_form(path: Path, value: int | None) -> int:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    n = 0
    for r in range(FIRST_ROW, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if code is None:
            break
        if code.startswith("M_"):
            ws.cell(r, 5).value = "完成"
        else:
            ws.cell(r, 5).value = RESOURCE_ENGAGED if code in RESOURCES and value is not None else value
        n += 1
    wb.save(path)
    return n


def test_round_trip_every_unit(rdb: Db, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    ok(kc(rdb, "template", forms, "--all-units", "--month", "2020-06"))
    for code, name in ALL_UNITS.items():
        path = forms / f"{PLAN_CODE}_{name}_{code}_2020-06.xlsx"
        value = CITY_VALUE.get(code, PROVINCIAL_VALUE.get(code))
        assert _fill_form(path, value) == FORM_ROWS[code], code

    result = ok(kc(rdb, "import", forms))
    assert sum(FORM_ROWS.values()) == 122
    assert "22 个文件，22 份月报：新增 122，修改 0，不变 0，移除 0，拒绝 0" in result.stderr
    assert counts(rdb) == {"batch": 22, "record": 122, "current_value": 122}
    batches = history(rdb)
    assert sorted(b["unit"] for b in batches) == sorted(ALL_UNITS)
    assert {b["month"] for b in batches} == {"2020-06"}
    assert {b["operator"] for b in batches} == {"returns-tester"}
    assert {len(b["records"]) for b in batches if b["unit"] == "enterprise_office"} == {36}

    status = status_json(rdb, "2020-06")
    # the commitments as targets, the resources (engaged N of M) apart
    got = {t["code"]: t["actual"] for t in status["targets"]} | {r["code"]: r["engaged"] for r in status["resources"]}
    assert got == EXPECTED_ACTUAL
    assert len(status["targets"]) == 28 and len(status["resources"]) == 6
    for code, name in CITIES.items():
        s = share(status, "TECH_MANAGER_TEAMS", name)
        assert (s["target"], s["actual"]) == (CITY_QUOTA[code], CITY_VALUE[code]), name
    # 苏州: 5 of 25, expected 25 × 3/4 = 18.75 by June (deadline July); 5 < 0.8 × 18.75 → off track
    assert share(status, "TECH_MANAGER_TEAMS", "苏州市") == {
        "unit": "苏州市",
        "target": 25,
        "actual": 5,
        "expected": 18.75,
        "state": "off_track",
    }
    # 宿迁: 13 of 6 → done
    assert share(status, "TECH_MANAGER_TEAMS", "宿迁市")["state"] == "done"
    assert len(status["milestones"]) == 56
    # all done in June: the 3 due in April two months late, the 4 due in May one month late
    late = sorted((m["due"], m["months_late"]) for m in status["milestones"] if m["state"] == "done_late")
    assert late == [("2020-04", 2)] * 3 + [("2020-05", 1)] * 4
    assert {(m["state"], m["done_on"]) for m in status["milestones"]} == {("done", "2020-06"), ("done_late", "2020-06")}


def test_round_trip_city_status_of_its_own(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "无锡.xlsx", "无锡", "2020-05")
    wb = openpyxl.load_workbook(path)
    wb[SHEET]["E6"] = 7
    wb.save(path)
    ok(kc(rdb, "import", path))
    status = status_json(rdb, "2020-05", "--unit", "无锡")
    assert [t["code"] for t in status["targets"]] == ["TECH_MANAGER_TEAMS"]
    row = target_row(status, "TECH_MANAGER_TEAMS")
    assert row["actual"] == 7
    # 25 × 2/4 = 12.5 expected by May; 7 < 0.8 × 12.5 = 10 → off track
    assert row["breakdown"] == [{"unit": "无锡市", "target": 25, "actual": 7, "expected": 12.5, "state": "off_track"}]
    assert milestone_row(status, "M_CITY_SPECIAL_BODIES")["state"] == "pending"


def test_provincial_centre_return(rdb: Db, tmp_path: Path) -> None:
    """人才服务中心 reports EXPERT_POOL (500 persons by July), not split."""
    path = template(rdb, tmp_path / "人才.xlsx", "人才中心", "2020-06")  # an alias of the unit
    assert template_codes(path) == ["EXPERT_POOL"]
    ws_wb = openpyxl.load_workbook(path)
    ws = ws_wb[SHEET]
    assert (ws["B2"].value, ws["D6"].value, ws["C6"].value) == ("人才服务中心", 500, "人")
    ws["E6"] = 120
    ws["G6"] = "首批入库"
    ws_wb.save(path)
    ok(kc(rdb, "import", path))
    status = status_json(rdb, "2020-06", "--unit", "人才服务中心")
    assert [t["code"] for t in status["targets"]] == ["EXPERT_POOL"]
    # 120 of 500; expected 500 × 3/4 = 375; 120 < 300 → off track; 24 %
    row = target_row(status, "EXPERT_POOL")
    assert (row["actual"], row["expected"], row["percent"], row["state"], row["breakdown"]) == (
        120,
        375,
        24,
        "off_track",
        [],
    )
    assert status["milestones"] == []
    [batch] = history(rdb)
    assert (batch["unit"], batch["month"], batch["sheet"], batch["source"]) == (
        "talent_centre",
        "2020-06",
        SHEET,
        str(path),
    )
    assert batch["records"][0]["note"] == "首批入库"
    assert batch["records"][0]["cell"] == f"{SHEET}!E6"


def test_provincial_office_targets_and_milestones(rdb: Db, tmp_path: Path) -> None:
    """企业工作办公室 records its targets and the milestones nobody else is responsible for."""
    path = template(rdb, tmp_path / "企工办.xlsx", "企工办", "2020-04")
    codes = template_codes(path)
    assert codes[:3] == ["NATIONAL_ACADEMICIAN_TEAMS", "PROVINCIAL_ACADEMICIAN_TEAMS", "PARK_EXPERT_TEAMS"]
    assert "M_2020_04_SURVEY" in codes and "M_CITY_SPECIAL_BODIES" not in codes
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.cell(FIRST_ROW + codes.index("NATIONAL_ACADEMICIAN_TEAMS"), 5).value = 3
    ws.cell(FIRST_ROW + codes.index("M_2020_04_SURVEY"), 5).value = "完成"
    wb.save(path)
    ok(kc(rdb, "import", path))
    status = status_json(rdb, "2020-04")
    assert target_row(status, "NATIONAL_ACADEMICIAN_TEAMS")["actual"] == 3
    assert milestone_row(status, "M_2020_04_SURVEY") | {} == {
        "code": "M_2020_04_SURVEY",
        "name": "组织调研摸准需求",
        "due": "2020-04",
        "state": "done",
        "done_on": "2020-04",
        "months_late": 0,
        "units_done": 1,
        "units": 1,
    }
    assert milestone_row(status, "M_2020_04_DRAFT_PLAN")["state"] == "overdue"  # April closed without it


def test_english_template_round_trip(rdb: Db, tmp_path: Path) -> None:
    path = tmp_path / "suzhou-en.xlsx"
    ok(kc(rdb, "--lang", "en", "template", path, "--unit", "苏州", "--month", "2020-07"))
    wb = openpyxl.load_workbook(path)
    ws = wb["Return"]
    ws["E6"] = 9
    ws["E7"] = "done"
    wb.save(path)
    ok(kc(rdb, "import", path))
    status = status_json(rdb, "2020-07")
    assert share(status, "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 9
    # 苏州's own view: the province's waits for all 13 cities
    assert milestone_row(status_json(rdb, "2020-07", "--unit", "苏州"), "M_CITY_SPECIAL_BODIES")["done_on"] == "2020-07"


def test_english_headers_on_a_hand_made_sheet(rdb: Db, tmp_path: Path) -> None:
    path = sheet_workbook(
        tmp_path / "en.xlsx",
        [
            HEADER_EN,
            ("TECH_MANAGER_TEAMS", "tech-manager teams", "teams", 25, 4, None, "four new teams"),
        ],
        title="June",
    )
    result = ok(kc(rdb, "import", path, "--unit", "Suzhou", "--month", "2020-06"))
    assert "新增 1" in result.stderr
    assert share(status_json(rdb), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 4
    [batch] = history(rdb)
    assert batch["records"][0]["cell"] == "June!E2"
    assert batch["records"][0]["note"] == "four new teams"


def test_english_template_without_its_hidden_sheet(rdb: Db, tmp_path: Path) -> None:
    """The visible labels of the English form (Reporting unit / Month) name the unit and month by themselves."""
    path = tmp_path / "suzhou-en.xlsx"
    ok(kc(rdb, "--lang", "en", "template", path, "--unit", "苏州", "--month", "2020-07"))
    wb = openpyxl.load_workbook(path)
    del wb["_kctrack"]  # e.g. the unit copied the sheet into a workbook of its own
    wb["Return"]["E6"] = 9
    wb.save(path)
    result = kc(rdb, "import", path)
    assert result.exit_code == 0, result.stderr
    assert share(status_json(rdb, "2020-07"), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 9


def test_chinese_template_without_its_hidden_sheet(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "sz.xlsx", "苏州", "2020-07")
    wb = openpyxl.load_workbook(path)
    del wb["_kctrack"]
    wb[SHEET]["E6"] = 9
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert share(status_json(rdb, "2020-07"), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 9


def test_template_without_month_filled_in_by_the_unit(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "sz.xlsx", "苏州", None)
    wb = openpyxl.load_workbook(path)
    wb[SHEET]["B3"] = "2020年6月"
    wb[SHEET]["E6"] = 5
    wb.save(path)
    ok(kc(rdb, "import", path))
    assert [(b["unit"], b["month"]) for b in history(rdb)] == [("suzhou", "2020-06")]


def test_template_without_month_and_the_month_on_the_command_line(rdb: Db, tmp_path: Path) -> None:
    """The unit left 月份 blank; the analyst gives --month. The hint beside the blank cell is not a month."""
    path = template(rdb, tmp_path / "sz.xlsx", "苏州", None)
    wb = openpyxl.load_workbook(path)
    wb[SHEET]["E6"] = 5
    wb.save(path)
    result = kc(rdb, "import", path, "--month", "2020-06")
    assert result.exit_code == 0, result.stderr
    assert [(b["unit"], b["month"]) for b in history(rdb)] == [("suzhou", "2020-06")]


def test_template_without_month_left_blank_says_the_month_is_missing(rdb: Db, tmp_path: Path) -> None:
    path = template(rdb, tmp_path / "sz.xlsx", "苏州", None)
    wb = openpyxl.load_workbook(path)
    wb[SHEET]["E6"] = 5
    wb.save(path)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    assert "不知道这份月报属于哪个月" in result.stderr
    assert "请填写月份，如 2020-06 →" not in result.stderr  # the hint is not read as the month


def test_lower_case_code_is_accepted(rdb: Db, tmp_path: Path) -> None:
    path = sheet_workbook(
        tmp_path / "lower.xlsx",
        [("指标编号", "本月完成"), (" tech_manager_teams ", 2)],
        above=[("填报单位", "苏州"), ("月份", "2020-06")],
    )
    ok(kc(rdb, "import", path))
    assert share(status_json(rdb), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 2
