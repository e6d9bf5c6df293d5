"""Issue 12 §1–3: the report states the truth.

* Context is not a commitment: the six resources the document says exist (依托资源) are listed
  apart, never given a state, optionally "engaged N of M".
* Each unit sees its own figures, in every format; a target reported jointly (task 8) shows each
  unit its own figure; ``--by unit`` covers every target with more than one reporter.
* The year ends: at the close of its deadline month a target is achieved or not achieved; a
  milestone done after its due month is done late, by so many months.

Every expected value below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    Db,
    csv_rows,
    find_target,
    kc,
    milestone_row,
    ok,
    plan_dict,
    share_row,
    status_json,
    target_row,
    write_plan,
)

from kctrack.planfile import load_plan

RESOURCES = [
    "OVERSEAS_BASES_MOBILISED",  # 已签约5家中国科协海外基地 (task 14)
    "OVERSEAS_GROUPS_MOBILISED",  # 90家海外团体资源 (task 14)
    "THINK_TANK_BASES",  # 40家科技智库基地 … 为支撑 (task 15)
    "THINK_TANK_PROVINCIAL_SOCIETIES",  # 151家省级学会
    "THINK_TANK_UNIVERSITY_ASSOCIATIONS",  # 86家高校科协
    "THINK_TANK_CITY_ASSOCIATIONS",  # 13个设区市科协
]
TMT = "TECH_MANAGER_TEAMS"


# -- 1. context is not a commitment -----------------------------------------------------------------------


def test_the_plan_has_28_commitments_and_6_resources() -> None:
    plan = load_plan(Path(__file__).resolve().parent.parent / "data" / "targets.yaml")
    assert len(plan.commitments) == 28
    assert [t.code for t in plan.resources] == RESOURCES
    assert [t.value for t in plan.resources] == [5, 90, 40, 151, 86, 13]
    assert [t.task for t in plan.resources] == [14, 14, 15, 15, 15, 15]


def test_resources_never_get_a_state_and_show_engaged_n_of_m(db: Db) -> None:
    # nothing recorded: each resource is listed with what is available, engaged unknown (null)
    data = status_json(db, "2020-12")
    assert [r["code"] for r in data["resources"]] == RESOURCES
    assert {r["code"]: (r["available"], r["engaged"]) for r in data["resources"]}["THINK_TANK_BASES"] == (40, None)
    assert all("state" not in r for r in data["resources"])
    assert not {t["code"] for t in data["targets"]} & set(RESOURCES)
    # 调宣部 reports 12 bases engaged by June and 8 more in September: 20 of 40
    ok(kc(db, "record", "THINK_TANK_BASES", "12", "--month", "2020-06", "--unit", "调宣部"))
    ok(kc(db, "record", "THINK_TANK_BASES", "8", "--month", "2020-09", "--unit", "调宣部"))
    rows = {r["code"]: r for r in status_json(db, "2020-09")["resources"]}
    assert (rows["THINK_TANK_BASES"]["available"], rows["THINK_TANK_BASES"]["engaged"]) == (40, 20)
    rows = {r["code"]: r for r in status_json(db, "2020-07")["resources"]}
    assert rows["THINK_TANK_BASES"]["engaged"] == 12  # as of July only June's 12


def test_resources_stand_apart_in_the_status_table(db: Db) -> None:
    out = ok(kc(db, "status", "--as-of", "2020-12")).stdout
    head, _, tail = out.partition("依托资源")
    assert tail, out
    # no resource name sits among the targets, and the resources part carries no state word
    assert "科技智库基地" not in head and "科技智库基地" in tail
    for word in ("严重滞后", "未完成", "按期", "滞后"):
        assert word not in tail.split("✔ 已完成")[0], word


def test_resources_apart_in_status_csv_and_targets(db: Db) -> None:
    rows = csv_rows(ok(kc(db, "--lang", "en", "status", "--as-of", "2020-12", "--format", "csv")).stdout)
    # the 28 targets, then the 56 milestones, then the 6 resources under their own columns
    kinds = [r["Kind"] for r in rows]
    assert (kinds.count("target"), kinds.count("milestone"), kinds.count("resource")) == (28, 56, 6)
    assert kinds[-6:] == ["resource"] * 6
    bases = next(r for r in rows if r["Code"] == "THINK_TANK_BASES")
    assert (bases["Available"], bases["Target"], bases["State"]) == ("40", "", "")
    # targets --format json: the resources in their own list, without a deadline
    data = ok(kc(db, "targets", "--format", "json")).stdout
    assert '"resources"' in data


def test_a_resource_needs_no_deadline_but_a_commitment_does(tmp_path: Path) -> None:
    data = plan_dict()
    find_target(data, "THINK_TANK_BASES").pop("deadline", None)
    target = find_target(data, "EXPERT_POOL")
    del target["deadline"]
    result = kc(tmp_path / "x.db", "init", "--plan", write_plan(tmp_path / "plan.yaml", data))
    assert result.exit_code == 2
    assert "发现 1 个问题" in result.stderr and "targets[0].deadline" in result.stderr
    target["deadline"] = "2020-07"
    target["kind"] = "wish"  # not a kind the schema knows
    result = kc(tmp_path / "x.db", "init", "--plan", write_plan(tmp_path / "plan.yaml", data))
    assert result.exit_code == 2
    assert "targets[0].kind" in result.stderr


def test_the_rows_that_demand_results_have_milestones() -> None:
    data = plan_dict()
    tasks_with_result_milestones = {m.get("task") for m in data["milestones"] if m["code"].startswith("M_T")}
    # tasks 2–3, 5 and 9 demand 形成成果/典型案例 like tasks 11–15
    assert {2, 3, 5, 9, 11, 12, 13, 14, 15} <= tasks_with_result_milestones


def test_the_may_service_teams_item_is_the_start_not_the_july_target(db: Db) -> None:
    # the May schedule item starts the teams; SERVICE_TEAMS (30 teams) is due at the end of July.
    # As of June with no teams: the milestone is overdue, the target is measured against the
    # schedule (30 × 3 / 4 = 22.5 expected), not as overdue or not achieved
    data = status_json(db, "2020-06")
    assert milestone_row(data, "M_2020_05_SERVICE_TEAMS")["state"] == "overdue"
    t = target_row(data, "SERVICE_TEAMS")
    assert (t["deadline"], t["expected"], t["state"]) == ("2020-07", 22.5, "off_track")
    assert "启动" in milestone_row(data, "M_2020_05_SERVICE_TEAMS")["name"]


# -- 2. each unit sees its own figures ---------------------------------------------------------------------


@pytest.fixture
def nanjing(db: Db) -> Db:
    # 南京: quota 25 teams due 2020-07; 6 in April, 9 in May → 15 by May.
    # 苏州: 20 in May. Province: 35.
    ok(kc(db, "record", TMT, "6", "--month", "2020-04", "--unit", "南京"))
    ok(kc(db, "record", TMT, "9", "--month", "2020-05", "--unit", "南京"))
    ok(kc(db, "record", TMT, "20", "--month", "2020-05", "--unit", "苏州"))
    return db


def test_a_city_sees_its_quota_in_json(nanjing: Db) -> None:
    # 南京 as of May: quota 25, actual 15, expected 25 × 2 / 4 = 12.5, 15 / 25 = 60 %, on track
    t = target_row(status_json(nanjing, "2020-05", "--unit", "南京"), TMT)
    assert (t["scope"], t["target"], t["actual"], t["expected"], t["percent"], t["state"]) == (
        "quota",
        25,
        15,
        12.5,
        60,
        "on_track",
    )
    # and the province's standing beside it: 35 of 200, expected 100, 35 < 80 → off track
    p = t["province"]
    assert (p["target"], p["actual"], p["expected"], p["state"]) == (200, 35, 100, "off_track")


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_a_city_sees_its_quota_in_csv_and_md(nanjing: Db, fmt: str) -> None:
    out = ok(kc(nanjing, "--lang", "en", "status", "--unit", "南京", "--as-of", "2020-05", "--format", fmt)).stdout
    if fmt == "csv":
        (row,) = [r for r in csv_rows(out) if TMT in r.values()]
        values = list(row.values())
    else:
        (line,) = [line for line in out.splitlines() if f"| {TMT} |" in line]
        values = [c.strip() for c in line.strip("|").split("|")]
    # 25 (quota), 15 (actual), 12.5 (expected), 60 (percent); never the province's 200 / 35 / 100
    assert {"25", "15", "12.5", "60"} <= set(values), values
    assert "200" not in values and "35" not in values


def test_a_city_sees_its_quota_in_the_table(nanjing: Db) -> None:
    out = ok(kc(nanjing, "status", "--unit", "南京", "--as-of", "2020-05")).stdout
    (row,) = [line for line in out.splitlines() if "12.5" in line]
    assert "25" in row and "15" in row and "60.0%" in row
    assert "200" not in row and "35" not in row


@pytest.fixture
def jointly(db: Db) -> Db:
    # FIRMS_SERVED (1000 firms by December) is reported by 企业工作办公室 and 企业创新服务中心:
    # 企工办 120 in May; 企创中心 200 in May and 80 in June.
    ok(kc(db, "record", "FIRMS_SERVED", "120", "--month", "2020-05", "--unit", "企工办"))
    ok(kc(db, "record", "FIRMS_SERVED", "200", "--month", "2020-05", "--unit", "企创中心"))
    ok(kc(db, "record", "FIRMS_SERVED", "80", "--month", "2020-06", "--unit", "企创中心"))
    return db


def test_a_joint_reporter_sees_its_own_figure(jointly: Db) -> None:
    t = target_row(status_json(jointly, "2020-06", "--unit", "企工办"), "FIRMS_SERVED")
    # its own 120, not the 400 of both units; no quota, so no expected value or state of its own
    assert (t["scope"], t["actual"], t["expected"], t["percent"], t["state"]) == ("shared", 120, None, None, None)
    # the joint target: 400 of 1000; expected 1000 × 3 / 9 = 333.33; 400 ≥ 333.33 → on track
    p = t["province"]
    assert (p["actual"], p["state"]) == (400, "on_track")
    assert p["expected"] == pytest.approx(1000 / 3, abs=1e-4)
    t = target_row(status_json(jointly, "2020-06", "--unit", "企创中心"), "FIRMS_SERVED")
    assert (t["actual"], t["province"]["actual"]) == (280, 400)
    out = ok(kc(jointly, "--lang", "en", "status", "--unit", "企工办", "--as-of", "2020-06", "--format", "csv")).stdout
    (row,) = [r for r in csv_rows(out) if "FIRMS_SERVED" in r.values()]
    assert "120" in row.values() and "400" not in row.values()


def test_by_unit_covers_every_target_with_more_than_one_reporter(jointly: Db) -> None:
    data = status_json(jointly, "2020-06")
    f = target_row(data, "FIRMS_SERVED")
    assert [(s["unit"], s["target"], s["actual"]) for s in f["breakdown"]] == [
        ("企业工作办公室", None, 120),
        ("企业创新服务中心", None, 280),
    ]
    assert share_row(data, TMT, "南京市")["target"] == 25
    out = ok(kc(jointly, "--lang", "en", "status", "--by", "unit", "--as-of", "2020-06", "--format", "csv")).stdout
    codes = {next(iter(r.values())) for r in csv_rows(out)}
    # the split target and all eight of task 8's joint targets
    assert {TMT, "FIRMS_SERVED", "CHOKEPOINTS_SOLVED", "NATIONAL_SOCIETIES"} <= codes
    assert "HAIZHI_EVENTS" not in codes  # one reporter: nothing to split


# -- 3. the year ends ----------------------------------------------------------------------------------


def test_at_the_close_of_the_year_every_target_is_achieved_or_not(db: Db) -> None:
    # HAIZHI_EVENTS: 200 due 2020-12, 210 recorded → done; TMT: 200 due 2020-07, 35 → not achieved
    ok(kc(db, "record", "HAIZHI_EVENTS", "210", "--month", "2020-11"))
    ok(kc(db, "record", TMT, "35", "--month", "2020-05", "--unit", "苏州"))
    data = status_json(db, "2020-12")
    assert data["closing"] is True
    states = {t["code"]: t["state"] for t in data["targets"]}
    assert states["HAIZHI_EVENTS"] == "done"
    assert states[TMT] == "not_achieved"
    assert set(states.values()) == {"done", "not_achieved"}
    assert sum(s == "done" for s in states.values()) == 1  # 27 of 28 not achieved
    # as of November the December targets are still on the schedule: not final
    nov = status_json(db, "2020-11")
    assert nov["closing"] is False
    assert target_row(nov, "FIRMS_SERVED")["state"] == "off_track"  # 0 < 0.8 × 1000 × 8 / 9


def test_the_year_end_table_says_not_achieved_not_off_track(db: Db) -> None:
    out = ok(kc(db, "status", "--as-of", "2020-12")).stdout
    body, _, _ = out.partition("里程碑")
    rows = [line for line in body.splitlines() if "%" in line]  # one line per target, with its percent
    assert len(rows) == 28
    assert all("✘ 未完成" in line for line in rows)  # nothing recorded: all 28 not achieved
    assert not any(word in line for line in rows for word in ("严重滞后", "滞后", "按期"))


def test_a_target_reached_after_its_deadline_is_done_late(db: Db) -> None:
    # BOTTLENECK_POOL: 300 due 2020-07; 100 in June, 200 more in September → reached in September
    ok(kc(db, "record", "BOTTLENECK_POOL", "100", "--month", "2020-06"))
    ok(kc(db, "record", "BOTTLENECK_POOL", "200", "--month", "2020-09"))
    states = {
        m: target_row(status_json(db, m), "BOTTLENECK_POOL") for m in ("2020-07", "2020-08", "2020-09", "2020-12")
    }
    assert states["2020-07"]["state"] == "not_achieved"  # 100 of 300 at the close of July
    assert states["2020-08"]["state"] == "not_achieved"
    assert (states["2020-09"]["state"], states["2020-09"]["months_late"]) == ("done_late", 2)  # July → September
    assert (states["2020-12"]["state"], states["2020-12"]["months_late"]) == ("done_late", 2)
    out = ok(kc(db, "status", "--as-of", "2020-12")).stdout
    assert "逾期完成" in out and "晚 2 个月" in out
    # reached in time: plain done, months_late 0
    ok(kc(db, "record", "EXPERT_POOL", "500", "--month", "2020-07"))
    t = target_row(status_json(db, "2020-12"), "EXPERT_POOL")
    assert (t["state"], t["months_late"]) == ("done", 0)


def test_a_citys_quota_reached_late_is_done_late_in_its_view_and_the_split(db: Db) -> None:
    # 南京: quota 25 teams due 2020-07; 20 by July, 5 more in October → reached 3 months late.
    # 苏州: 25 in June → done in time.
    ok(kc(db, "record", TMT, "20", "--month", "2020-07", "--unit", "南京"))
    ok(kc(db, "record", TMT, "5", "--month", "2020-10", "--unit", "南京"))
    ok(kc(db, "record", TMT, "25", "--month", "2020-06", "--unit", "苏州"))
    mine = target_row(status_json(db, "2020-12", "--unit", "南京"), TMT)
    assert (mine["scope"], mine["actual"], mine["state"], mine["months_late"]) == ("quota", 25, "done_late", 3)
    data = status_json(db, "2020-12")
    assert share_row(data, TMT, "南京市")["state"] == "done_late"
    assert share_row(data, TMT, "苏州市")["state"] == "done"
    assert share_row(data, TMT, "无锡市")["state"] == "not_achieved"


def test_a_milestone_of_the_13_cities_is_done_when_all_13_have_done_it(db: Db) -> None:
    # M_CITY_SPECIAL_BODIES (due 2020-12): every city sets up its own body
    ok(kc(db, "record", "M_CITY_SPECIAL_BODIES", "done", "--month", "2020-09", "--unit", "无锡"))
    data = status_json(db, "2020-10")
    m = milestone_row(data, "M_CITY_SPECIAL_BODIES")
    assert (m["state"], m["done_on"], m["units_done"], m["units"]) == ("pending", None, 1, 13)
    # each city sees its own: 无锡 done in September, 南京 not yet
    assert milestone_row(status_json(db, "2020-10", "--unit", "无锡"), "M_CITY_SPECIAL_BODIES")["state"] == "done"
    assert milestone_row(status_json(db, "2020-10", "--unit", "南京"), "M_CITY_SPECIAL_BODIES")["state"] == "pending"
    cities = ["南京", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"]
    for i, city in enumerate(cities):
        month = "2020-11" if i < 11 else "2021-01"  # 宿迁 the last, after the due month
        if month <= "2020-12":
            ok(kc(db, "record", "M_CITY_SPECIAL_BODIES", "done", "--month", month, "--unit", city))
    m = milestone_row(status_json(db, "2020-12"), "M_CITY_SPECIAL_BODIES")
    assert (m["state"], m["units_done"]) == ("overdue", 12)  # 宿迁 missing at the close of December
    ok(kc(db, "record", "M_CITY_SPECIAL_BODIES", "done", "--month", "2020-12", "--unit", "宿迁"))
    m = milestone_row(status_json(db, "2020-12"), "M_CITY_SPECIAL_BODIES")
    assert (m["state"], m["done_on"], m["units_done"]) == ("done", "2020-12", 13)  # the month the last did it


def test_a_joint_reporters_months_carry_no_state() -> None:
    from kctrack.status import compute

    plan = load_plan(Path(__file__).resolve().parent.parent / "data" / "targets.yaml")
    own = {("FIRMS_SERVED", "2020-05"): 120.0}
    province = {("FIRMS_SERVED", "2020-05"): 320.0}
    report = compute(plan, "2020-06", None, province, "enterprise_office", own)
    (row,) = [r for r in report.targets if r.target.code == "FIRMS_SERVED"]
    assert row.scope == "shared" and row.state is None
    assert [(c.month, c.actual, c.state) for c in row.monthly] == [
        ("2020-04", 0.0, None),
        ("2020-05", 120.0, None),
        ("2020-06", 120.0, None),
    ]


def test_more_engaged_than_exists_is_refused(db: Db) -> None:
    # THINK_TANK_BASES: 40 exist. 30 engaged in June, then 45 more typed for October: 75 > 40
    ok(kc(db, "record", "THINK_TANK_BASES", "30", "--month", "2020-06", "--unit", "调宣部"))
    result = kc(db, "record", "THINK_TANK_BASES", "45", "--month", "2020-10", "--unit", "调宣部")
    assert result.exit_code == 1
    # 30 + 45 = 75 > 40; at most 40 − 30 = 10 more for October
    assert "累计已动员将达 75" in result.stderr and "40家" in result.stderr and "最多还能记 10" in result.stderr
    rows = {r["code"]: r for r in status_json(db, "2020-12")["resources"]}
    assert rows["THINK_TANK_BASES"]["engaged"] == 30  # nothing written
    # 10 more is within: 40 of 40, and no "above the quota" warning (a resource has none)
    result = ok(kc(db, "record", "THINK_TANK_BASES", "10", "--month", "2020-10", "--unit", "调宣部"))
    assert "任务数" not in result.stderr and "超过" not in result.stderr
    assert {r["code"]: r for r in status_json(db, "2020-12")["resources"]}["THINK_TANK_BASES"]["engaged"] == 40


def test_an_import_engaging_more_than_exists_is_refused_at_its_cell(db: Db, tmp_path: Path) -> None:
    from returns_helpers import fill, template, template_codes

    form = template(db, tmp_path / "form.xlsx", "调宣部", "2020-06")
    codes = template_codes(form)
    row = 6 + codes.index("THINK_TANK_BASES")
    fill(form, {f"F{row}": 41})  # 累计 41 of the 40 bases
    result = kc(db, "import", form)
    assert result.exit_code == 1
    assert f"F{row}" in result.stderr and "累计已动员 41" in result.stderr
    assert status_json(db, "2020-12")["resources"][2]["engaged"] is None


def test_a_milestone_done_late_says_how_late(db: Db) -> None:
    # M_2020_04_SURVEY is due in April; done in June: two months late
    ok(kc(db, "record", "M_2020_04_SURVEY", "done", "--month", "2020-06"))
    m = milestone_row(status_json(db, "2020-09"), "M_2020_04_SURVEY")
    assert (m["state"], m["done_on"], m["months_late"]) == ("done_late", "2020-06", 2)
    assert milestone_row(status_json(db, "2020-05"), "M_2020_04_SURVEY")["state"] == "overdue"
    out = ok(kc(db, "status", "--as-of", "2020-09")).stdout
    assert "逾期完成" in out and "晚 2 个月" in out
    out = ok(kc(db, "--lang", "en", "status", "--as-of", "2020-09")).stdout
    assert "done late" in out and "2 months late" in out


# -- what the figures lack, said where they are read -----------------------------------------------------


def test_status_says_how_many_returns_are_missing(db: Db, tmp_path: Path) -> None:
    from returns_helpers import fill, template

    # 苏州 sends April's and May's returns; as of June, 22 units × 2 months = 44 returns were due
    # (April's by 10 May, May's by 10 June) and 42 of them are missing
    for month, received in (("2020-04", "2020-05-08"), ("2020-05", "2020-06-09")):
        form = fill(template(db, tmp_path / f"sz-{month}.xlsx", "苏州", month), {"E6": 3})
        ok(kc(db, "import", form, "--received", received))
    data = status_json(db, "2020-06")
    assert len(plan_dict()["units"]) == 22  # each reports something, so each owes a return a month
    assert data["returns"] == {"due": 44, "missing": 42}
    out = ok(kc(db, "status", "--as-of", "2020-06")).stdout
    assert "数据不完整：缺报 42/44 份月报（截至 2020-06）" in out
    # and the export's summary line, where CAST reads it
    md = tmp_path / "x.md"
    ok(kc(db, "export", md, "--as-of", "2020-06"))
    assert "数据不完整：缺报 42/44 份月报（截至 2020-06）" in md.read_text(encoding="utf-8")
    # 苏州's own view: both of its returns are in
    assert status_json(db, "2020-06", "--unit", "苏州")["returns"] == {"due": 2, "missing": 0}
    assert "数据不完整" not in ok(kc(db, "status", "--as-of", "2020-06", "--unit", "苏州")).stdout


def test_no_returns_no_missing_returns(db: Db) -> None:
    # an office that keeps its figures by `record` alone is not told of returns it never used
    ok(kc(db, "record", "HAIZHI_EVENTS", "30", "--month", "2020-05"))
    assert status_json(db, "2020-09")["returns"] == {"due": 0, "missing": 0}


def test_a_shared_targets_form_shows_no_quota_of_the_whole(db: Db, tmp_path: Path) -> None:
    from returns_helpers import template, template_codes

    form = template(db, tmp_path / "qgb.xlsx", "企工办", "2020-06")
    codes = template_codes(form)
    import openpyxl

    ws = openpyxl.load_workbook(form).worksheets[0]
    quota = {code: ws.cell(6 + i, 4).value for i, code in enumerate(codes)}
    assert quota["FIRMS_SERVED"] is None  # 1000 firms jointly with 企业创新服务中心: not 企工办's own task
    assert quota["NATIONAL_ACADEMICIAN_TEAMS"] == 11  # reported by 企工办 alone: its task
    form = template(db, tmp_path / "sz.xlsx", "苏州", "2020-06")
    ws = openpyxl.load_workbook(form).worksheets[0]
    assert ws.cell(6, 1).value == TMT and ws.cell(6, 4).value == 25  # a city's quota


def test_the_returns_grid_may_be_asked_a_month_past_the_plan(db: Db, tmp_path: Path) -> None:
    from returns_helpers import fill, template

    # December's return is due on 10 January: as of 2020-12 it is not due, as of 2021-01 it is in
    form = fill(template(db, tmp_path / "sz-12.xlsx", "苏州", "2020-12"), {"E6": 3})
    ok(kc(db, "import", form, "--received", "2021-01-08"))
    grid = json.loads(ok(kc(db, "returns", "--as-of", "2021-01", "--format", "json")).stdout)
    (suzhou,) = [u for u in grid["units"] if u["unit"] == "苏州市"]
    assert grid["as_of"] == "2021-01" and suzhou["months"]["2020-12"] == "received"
    grid = json.loads(ok(kc(db, "returns", "--as-of", "2020-12", "--format", "json")).stdout)
    (suzhou,) = [u for u in grid["units"] if u["unit"] == "苏州市"]
    assert suzhou["months"]["2020-12"] == "not_due"
    # status stays within the plan: 2021-01 is the plan's last month, 2020-12
    assert status_json(db, "2021-01")["as_of"] == "2020-12"


def test_the_legend_names_every_state_the_tables_show(db: Db) -> None:
    out = ok(kc(db, "status", "--as-of", "2020-12")).stdout
    legend = out.strip().splitlines()[-1]
    for word in ("已完成", "逾期完成", "按期", "滞后", "严重滞后", "未完成", "逾期未完成", "未到期"):
        assert word in legend, word


def test_a_milestone_nobody_else_owns_is_the_offices_in_every_view(db: Db) -> None:
    # M_2020_04_SURVEY names no unit: the office (企业工作办公室) records it, and every view says so
    rows = csv_rows(ok(kc(db, "status", "--as-of", "2020-06", "--format", "csv")).stdout)
    (survey,) = [r for r in rows if r["编号"] == "M_2020_04_SURVEY"]
    assert survey["责任单位"] == "企业工作办公室"
    targets = json.loads(ok(kc(db, "targets", "--format", "json")).stdout)
    (m,) = [m for m in targets["milestones"] if m["code"] == "M_2020_04_SURVEY"]
    assert m["responsible"] == ["企业工作办公室"]
