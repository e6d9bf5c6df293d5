"""Registers as data (issue 14 §1) and their pure rules: cells, keys, entries in force, counts, checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import plan_text, run, write_plan

from kctrack.errors import DataError, ManyErrors
from kctrack.plan import Plan
from kctrack.planfile import load_plan, parse_plan
from kctrack.registers import Entry, cell_value, check, counted, entry_key, feed_count, in_force, levels
from kctrack.resources import default_plan

PLAN = load_plan(default_plan())
A, B, C = "91320100617067490P", "91320200675763820H", "913205007019088200"


def entry(plan: Plan, register: str, unit: str, month: str, row: int = 6, batch: int = 1, **values: Any) -> Entry:
    reg = plan.register(register)
    assert reg is not None
    return Entry(register, unit, month, entry_key(reg, values), values, {}, row, batch, "f.xlsx!s")


# -- the plan's registers ------------------------------------------------------------------------


def test_the_2020_plan_keeps_five_registers_each_counting_its_targets() -> None:
    fed = {t: PLAN.fed_by(t)[0].code for t in (t.code for t in PLAN.targets) if PLAN.fed_by(t)}  # type: ignore[index]
    assert fed == {
        "FIRMS_SERVED": "FIRMS_REGISTER",
        "CHOKEPOINTS_SOLVED": "CHOKEPOINT_REGISTER",
        "SERVICE_TEAMS": "SERVICE_TEAM_ROSTER",
        "EXPERT_POOL": "EXPERT_POOL_REGISTER",
        "TALENT_TRAINING_SESSIONS": "TRAINING_ARCHIVE",
        "YOUTH_TRAININGS": "TRAINING_ARCHIVE",
        "TALENT_TRAINEES": "TRAINING_ARCHIVE",
        "WORKER_TRAINEES": "TRAINING_ARCHIVE",
    }
    firms = PLAN.register("FIRMS_REGISTER")
    assert firms is not None
    assert [f.heading.zh for f in firms.fields] == [
        "统一社会信用代码",
        "企业名称",
        "所在地",
        "服务内容",
        "服务月份",
        "备注",
    ]
    assert firms.units == ("enterprise_office", "enterprise_innovation_centre")  # task 8's responsible units
    roster = PLAN.register("SERVICE_TEAM_ROSTER")
    assert roster is not None and roster.personal == ("expert",) and not roster.shared


def test_a_stored_plan_keeps_its_registers() -> None:
    again = Plan.from_json(PLAN.to_json())
    assert again.registers == PLAN.registers
    assert again.addressee is not None and again.addressee.zh == "中国科协"
    assert [x.zh for x in again.issuers] == ["江苏省科学技术协会", "江苏省工业和信息化厅"]


def _bad(tmp_path: Path, old: str, new: str) -> str:
    text = plan_text()
    assert old in text
    path = write_plan(tmp_path / "plan.yaml", text.replace(old, new, 1))
    with pytest.raises(ManyErrors) as info:
        load_plan(path)
    return info.value.render("en")


def _line(needle: str) -> int:
    text = plan_text()
    return text.count("\n", 0, text.index(needle)) + 1


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            "{target: FIRMS_SERVED, count: distinct}",
            "{target: FIRMS_SERVD, count: distinct}",
            "registers[0].feeds[0].target",
            "the plan sets no target FIRMS_SERVD",
        ),
        ("    key: [uscc]\n", "    key: [usc]\n", "registers[0].key[0]", "the register has no field 'usc'"),
        (
            "choices: [征集, 攻关中, 已解决], required: true}",
            "required: true}",
            "registers[1].fields[5].choices",
            "needs choices",
        ),
        ("where: {state: 已解决}}", "where: {state: 解决}}", "registers[1].feeds[0].where.state", "not one of"),
        (
            "count: sum, field: trainees, where: {category: 科技人才}",
            "count: sum, field: training, where: {category: 科技人才}",
            "registers[4].feeds[2].field",
            "count: sum needs field naming an integer field",
        ),
        (
            "type: uscc, required: true, name_field: firm, aliases",
            "type: usc, required: true, name_field: firm, aliases",
            "registers[0].fields[0].type",
            "Input should be",
        ),
    ],
)
def test_a_bad_register_definition_is_named_with_file_line_and_key(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    text = _bad(tmp_path, old, new)
    line = _line(old.strip().split("\n")[0])
    assert f"plan.yaml:{line}: {key}" in text, text
    assert message in text


def test_a_target_counted_by_two_registers_is_refused(tmp_path: Path) -> None:
    text = _bad(tmp_path, "{target: EXPERT_POOL, count: distinct}", "{target: FIRMS_SERVED, count: distinct}")
    assert "registers[3].feeds[0].target" in text and "already counted by register FIRMS_REGISTER" in text


def test_the_cli_refuses_a_bad_register_with_exit_2(tmp_path: Path) -> None:
    path = write_plan(tmp_path / "plan.yaml", plan_text().replace("    key: [uscc]\n", "    key: [usc]\n", 1))
    out = run("--db", tmp_path / "x.db", "init", "--plan", path)
    assert out.exit_code == 2
    assert f"plan.yaml:{_line('    key: [uscc]')}: registers[0].key[0]" in out.stderr
    assert not (tmp_path / "x.db").exists()


# -- cells ------------------------------------------------------------------------------------------


def test_a_credit_code_is_validated_by_its_check_character() -> None:
    firms = PLAN.register("FIRMS_REGISTER")
    assert firms is not None
    uscc = firms.field("uscc")
    assert cell_value(uscc, " 91320100617067490p ", PLAN) == A  # compact, upper case
    for bad, key in [
        ("91320100617067490X", "reg_uscc_check"),
        ("9132010061706749", "reg_uscc_length"),
        ("91320100617O67490P", "reg_uscc_format"),
        (913201006170674.0, "reg_uscc_number"),
    ]:
        with pytest.raises(DataError) as info:
            cell_value(uscc, bad, PLAN)
        assert info.value.key == key, bad


def test_other_cells_by_type() -> None:
    reg = PLAN.register("TRAINING_ARCHIVE")
    chk = PLAN.register("CHOKEPOINT_REGISTER")
    assert reg is not None and chk is not None
    assert cell_value(reg.field("trainees"), "1,200人", PLAN) == 1200
    assert cell_value(reg.field("date"), "2020年6月5日", PLAN) == "2020-06-05"
    assert cell_value(chk.field("city"), "苏州", PLAN) == "suzhou"
    assert cell_value(chk.field("solved"), "8月", PLAN) == "2020-08"
    assert cell_value(reg.field("category"), " 技术工人 ", PLAN) == "技术工人"
    assert cell_value(reg.field("training"), "   ", PLAN) is None
    for field, raw, key in [
        ("trainees", 2.5, "reg_bad_integer"),
        ("date", "2020-06", "reg_bad_date"),
        ("category", "工人", "reg_bad_choice"),
    ]:
        with pytest.raises(DataError) as info:
            cell_value(reg.field(field), raw, PLAN)
        assert info.value.key == key


# -- in force, counts ---------------------------------------------------------------------------------


def test_the_newest_entry_of_a_key_is_in_force_and_a_later_month_is_not_seen_earlier() -> None:
    june = entry(
        PLAN, "CHOKEPOINT_REGISTER", "enterprise_innovation_centre", "2020-06", problem="P", uscc=A, state="攻关中"
    )
    aug = entry(
        PLAN,
        "CHOKEPOINT_REGISTER",
        "enterprise_innovation_centre",
        "2020-08",
        batch=2,
        problem="P",
        uscc=A,
        state="已解决",
    )
    assert in_force([june, aug], "2020-07") == [june]
    assert in_force([june, aug], "2020-08") == [aug]


def test_levels_count_distinct_across_units_and_each_unit_alone() -> None:
    office = [entry(PLAN, "FIRMS_REGISTER", "enterprise_office", "2020-06", row=r, uscc=c) for r, c in ((6, A), (7, B))]
    centre = [
        entry(PLAN, "FIRMS_REGISTER", "enterprise_innovation_centre", "2020-07", row=6, batch=2, uscc=" " + B.lower())
    ]
    figs = levels(PLAN, office + centre, ["2020-05", "2020-06", "2020-07"])
    assert figs.province["FIRMS_SERVED"] == {"2020-05": 0, "2020-06": 2, "2020-07": 2}
    assert figs.by_unit[("FIRMS_SERVED", "enterprise_office")]["2020-07"] == 2
    assert figs.by_unit[("FIRMS_SERVED", "enterprise_innovation_centre")]["2020-07"] == 1
    assert figs.listing["FIRMS_SERVED"] == {"enterprise_office", "enterprise_innovation_centre"}
    assert "CHOKEPOINTS_SOLVED" not in figs.province  # a register nobody has sent counts nothing


def test_counted_adds_up_to_the_count() -> None:
    reg = PLAN.register("TRAINING_ARCHIVE")
    assert reg is not None
    es = [
        entry(
            PLAN,
            "TRAINING_ARCHIVE",
            "enterprise_innovation_centre",
            "2020-06",
            row=6,
            training="T1",
            date="2020-06-01",
            category="科技人才",
            trainees=40,
        ),
        entry(
            PLAN,
            "TRAINING_ARCHIVE",
            "enterprise_innovation_centre",
            "2020-06",
            row=7,
            training="T2",
            date="2020-06-02",
            category="技术工人",
            trainees=300,
        ),
        entry(
            PLAN,
            "TRAINING_ARCHIVE",
            "society_centre",
            "2020-06",
            row=6,
            batch=2,
            training="T1",
            date="2020-06-01",
            category="科技人才",
            trainees=40,
        ),
    ]
    feed = next(f for f in reg.feeds if f.target == "TALENT_TRAINEES")
    rows = counted(reg, feed, es)
    assert sum(c.value for c in rows) == feed_count(reg, feed, in_force(es, "2020-06")) == 40  # T1 once
    assert sorted(c.why_not or "" for c in rows) == ["", "counted_once", "not_matching"]


# -- rules -----------------------------------------------------------------------------------------------


def _team(name: str, n: int, unit: str = "society_centre") -> list[Entry]:
    return [
        entry(PLAN, "SERVICE_TEAM_ROSTER", unit, "2020-06", row=6 + i, team=name, expert=f"{name}专家{i}", employer="X")
        for i in range(n)
    ]


def test_teams_of_6_and_11_break_the_7_to_10_rule_and_7_and_10_do_not() -> None:
    findings = check(PLAN, _team("甲队", 6) + _team("乙队", 11) + _team("丙队", 7) + _team("丁队", 10), "2020-12")
    sizes = [(f.params["group"], f.params["n"]) for f in findings if f.kind == "group_size"]
    assert sizes == [("甲队", 6), ("乙队", 11)]
    assert all(f.violation for f in findings if f.kind == "group_size")


def test_an_unnamed_quota_cannot_be_checked_yet_and_says_where_to_name_them() -> None:
    findings = [f for f in check(PLAN, [], "2020-12") if f.kind == "quota"]
    assert [f.violation for f in findings] == [False, False]
    assert findings[0].params["path"] == "registers[1].rules[0].members"


def test_a_named_pilot_city_below_three_is_a_violation(tmp_path: Path) -> None:
    text = plan_text().replace(
        "- {kind: quota, by: city, members: []", "- {kind: quota, by: city, members: [suzhou, wuxi]", 1
    )
    plan = parse_plan(text, "p.yaml")
    solved = [
        entry(
            plan,
            "CHOKEPOINT_REGISTER",
            "suzhou",
            "2020-09",
            row=6 + i,
            problem=f"P{i}",
            uscc=A,
            state="已解决",
            city="suzhou",
        )
        for i in range(3)
    ] + [
        entry(
            plan,
            "CHOKEPOINT_REGISTER",
            "wuxi",
            "2020-09",
            row=6,
            batch=2,
            problem="W",
            uscc=B,
            state="已解决",
            city="wuxi",
        )
    ]
    quota = [f for f in check(plan, solved, "2020-12") if f.kind == "quota" and f.violation]
    assert [(str(f.params["member"].zh), f.params["n"]) for f in quota] == [("无锡市", 1)]


def test_one_credit_code_with_two_names_is_a_violation_across_registers() -> None:
    es = [
        entry(PLAN, "FIRMS_REGISTER", "enterprise_office", "2020-06", uscc=A, firm="南京甲科技有限公司"),
        entry(
            PLAN,
            "CHOKEPOINT_REGISTER",
            "nanjing",
            "2020-06",
            batch=2,
            problem="P",
            uscc=A,
            firm="南京甲科技公司",
            state="征集",
        ),
        entry(
            PLAN, "FIRMS_REGISTER", "enterprise_innovation_centre", "2020-06", batch=3, uscc=B, firm="无锡乙（集团）"
        ),
        entry(
            PLAN, "FIRMS_REGISTER", "enterprise_office", "2020-06", row=7, uscc=B, firm="无锡乙(集团)"
        ),  # the same name
    ]
    two = [f for f in check(PLAN, es, "2020-12") if f.kind == "one_name_per_code"]
    assert [(f.params["code"], f.params["names"]) for f in two] == [(A, "南京甲科技有限公司、南京甲科技公司")]


def test_an_expert_in_two_teams_is_found_where_the_plan_forbids_it() -> None:
    text = plan_text().replace(
        "      - {kind: group_size, group: [team], min: 7, max: 10, source: 每队由7至10名相关联专家组成}\n",
        "      - {kind: group_size, group: [team], min: 7, max: 10, source: 每队由7至10名相关联专家组成}\n"
        "      - {kind: one_group_per_member, member: [expert, employer], group: [team], source: 每名专家只参加一支服务队}\n",
        1,
    )
    plan = parse_plan(text, "p.yaml")
    es = (
        _team("甲队", 7)
        + _team("乙队", 6)
        + [
            entry(
                plan,
                "SERVICE_TEAM_ROSTER",
                "society_centre",
                "2020-06",
                row=40,
                team="乙队",
                expert="甲队专家0",
                employer="X",
            )
        ]
    )
    twice = [f for f in check(plan, es, "2020-12") if f.kind == "one_group_per_member"]
    assert [(f.params["member"], f.params["groups"]) for f in twice] == [("甲队专家0 X", "甲队、乙队")]
