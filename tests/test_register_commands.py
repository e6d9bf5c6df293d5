"""Issue 14, the registers' commands: ``kctrack register list`` and ``kctrack register check``, and the
register sheets of the year-end workbook.

The lists are written straight into the database with :func:`kctrack.store.write_batches` (the import of
register sheets is another piece of work): a row per entry, its cells in the register's column order
from column A and row 5 on, so that every cell named below is written out by hand.  The bundled plan's
rules: 每队由7至10名相关联专家组成 (a team of 6 or of 11 breaks it); the two chokepoint quotas name no one
yet (two notices, never a violation); one credit code, one firm name, across every register.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import Db, csv_rows, failed, kc, ok, plan_dict, write_plan
from rich.cells import cell_len

from kctrack import service, store
from kctrack.registers import Entry, entry_key

TEAMS = "SERVICE_TEAM_ROSTER"
FIRMS = "FIRMS_REGISTER"
CHOKEPOINTS = "CHOKEPOINT_REGISTER"
SOCIETY_CENTRE = "society_centre"  # 学会服务中心: the unit that sends the roster
TEAMS_FILE = "学会服务中心-2020-06.xlsx"
TEAMS_SHEET = "科技服务队名册"
FIRST_ROW = 5  # the rows written start here; column A holds the register's first field
# valid unified social credit codes (GB 32100-2015 check character computed by python-stdnum)
USCC_A = "91320500MA1M11110Y"
USCC_B = "91320200MA1N22221T"

# the two quota rules of the chokepoint register name no one yet: their notices, in the plan's order
QUOTA_NOTICES = [
    "计划文件未列出按“牵头学会”计数的对象：请在计划文件 registers[1].rules[0].members 中列出"
    "（学会写名册中的名称，城市写编号如 suzhou），再运行 kctrack init --plan 文件",
    "计划文件未列出按“所在市”计数的对象：请在计划文件 registers[1].rules[1].members 中列出"
    "（学会写名册中的名称，城市写编号如 suzhou），再运行 kctrack init --plan 文件",
]


def write_list(
    db: Db, register: str, unit: str, month: str, rows: list[dict[str, Any]], source: str, sheet: str
) -> None:
    """One unit's list of a register for a month, as one batch: row ``FIRST_ROW + i`` for ``rows[i]``."""
    opened = store.open_db(str(db))
    conn = opened.conn
    try:
        reg = service.plan_of(conn).register(register)
        assert reg is not None
        columns = {f.code: chr(ord("A") + i) for i, f in enumerate(reg.fields)}
        entries = [
            Entry(
                register,
                unit,
                month,
                entry_key(reg, values),
                values,
                {code: f"{columns[code]}{FIRST_ROW + i}" for code in columns if code in values},
                FIRST_ROW + i,
            )
            for i, values in enumerate(rows)
        ]
        batch = store.NewBatch(
            records=[],
            kind="register",
            source=source,
            sheet=sheet,
            unit_code=unit,
            month=month,
            register_code=register,
            entries=entries,
        )
        with conn.transaction():
            store.write_batches(conn, [batch])
    finally:
        conn.close()


def team(name: str, size: int, first: int = 1) -> list[dict[str, Any]]:
    """A team of ``size`` experts 专家1…: the roster's fields (专家姓名 is personal data)."""
    return [
        {"team": name, "society": "省机械工程学会", "expert": f"专家{n}", "employer": f"单位{n}", "title": "教授"}
        for n in range(first, first + size)
    ]


def teams(db: Db, *sizes: tuple[str, int]) -> None:
    """The society centre's roster for 2020-06, teams one after the other (experts numbered on)."""
    rows: list[dict[str, Any]] = []
    for name, size in sizes:
        rows += team(name, size, first=len(rows) + 1)
    write_list(db, TEAMS, SOCIETY_CENTRE, "2020-06", rows, TEAMS_FILE, TEAMS_SHEET)


def cells(first: int, last: int) -> list[str]:
    return [f"{TEAMS_FILE}!{TEAMS_SHEET}!A{r}" for r in range(first, last + 1)]


def check_json(db: Db, *args: Any) -> tuple[int, dict[str, Any]]:
    result = kc(db, "register", "check", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


# == register check ====================================================================================


def test_a_team_of_6_and_one_of_11_break_the_rule(db: Db) -> None:
    teams(db, ("甲队", 6), ("乙队", 11))  # rows 5–10 and 11–21
    code, data = check_json(db, "--as-of", "2020-06")
    assert code == 1
    assert (data["as_of"], data["violations"], data["notices"]) == ("2020-06", 2, 2)
    found = data["findings"]
    assert [f["message"] for f in found] == [
        *QUOTA_NOTICES,
        "“甲队” 有 6 人，应为 7 至 10 人",
        "“乙队” 有 11 人，应为 7 至 10 人",
    ]
    assert [f["violation"] for f in found] == [False, False, True, True]
    assert [f["kind"] for f in found] == ["quota", "quota", "group_size", "group_size"]
    six, eleven = found[2], found[3]
    assert six["register"] == TEAMS and six["registers"] == [TEAMS]
    assert six["rule"] == "每队由7至10名相关联专家组成"
    assert six["units"] == [SOCIETY_CENTRE]
    assert six["cells"] == cells(5, 10)
    assert eleven["cells"] == cells(11, 21)
    assert found[0]["cells"] == [] and found[0]["units"] == []

    table = kc(db, "register", "check", "--as-of", "2020-06")
    assert table.exit_code == 1, table.output
    out = table.stdout
    assert "“甲队” 有 6 人，应为 7 至 10 人" in out
    assert "“乙队” 有 11 人，应为 7 至 10 人" in out
    assert "科技服务队名册 · 规则：每队由7至10名相关联专家组成" in out
    assert out.count("✖ 违反规则") == 2 and out.count("○ 尚无法检查") == 2
    # the first 3 cells of each team, and how many in all
    assert f"{TEAMS_FILE}!{TEAMS_SHEET}!A5、A6、A7 等（共6处）" in out
    assert f"{TEAMS_FILE}!{TEAMS_SHEET}!A11、A12、A13 等（共11处）" in out
    assert "A8" not in out  # the 4th cell of 甲队 is counted, not named
    assert out.rstrip().splitlines()[-1] == "截至 2020-06：2 处违反规则，2 条规则尚无法检查"
    assert "专家1" not in out  # no expert's name anywhere

    en = kc(db, "--lang", "en", "register", "check", "--as-of", "2020-06")
    assert en.exit_code == 1
    assert "'甲队' has 6 members; the document asks for 7 to 10" in en.stdout
    assert "'乙队' has 11 members; the document asks for 7 to 10" in en.stdout
    assert en.stdout.rstrip().splitlines()[-1] == "as of 2020-06: 2 violation(s), 2 rule(s) that cannot be checked yet"


def test_teams_of_7_and_10_break_nothing_but_the_notices_are_shown(db: Db) -> None:
    teams(db, ("甲队", 7), ("乙队", 10))
    code, data = check_json(db, "--as-of", "2020-06")
    assert code == 0
    assert (data["violations"], data["notices"]) == (0, 2)
    assert [f["message"] for f in data["findings"]] == QUOTA_NOTICES
    out = ok(kc(db, "register", "check", "--as-of", "2020-06")).stdout
    assert out.count("○ 尚无法检查") == 2
    assert "registers[1].rules[0].members" in out and "registers[1].rules[1].members" in out
    assert "违反规则" not in out.replace("未发现违反规则", "")
    assert out.rstrip().splitlines()[-1] == "截至 2020-06 名册未发现违反规则之处（2 条规则尚无法检查）"


def test_a_list_not_yet_in_force_is_not_checked(db: Db) -> None:
    teams(db, ("甲队", 6))  # listed in 2020-06
    code, data = check_json(db, "--as-of", "2020-05")
    assert (code, data["violations"]) == (0, 0)


def test_one_credit_code_with_two_names_across_two_registers(db: Db) -> None:
    firm_a = {"uscc": USCC_A, "firm": "苏州甲科技有限公司", "place": "苏州"}
    firm_b = {"uscc": USCC_B, "firm": "无锡乙科技有限公司"}
    write_list(db, FIRMS, "enterprise_office", "2020-06", [firm_a, firm_b], "企业办.xlsx", "服务企业名册")
    problem = {
        "problem": "高端轴承寿命",
        "uscc": USCC_A,
        "firm": "苏州丙科技有限公司",
        "city": "suzhou",
        "state": "攻关中",
    }
    write_list(db, CHOKEPOINTS, "suzhou", "2020-07", [problem], "苏州.xlsx", "卡脖子难题名册")

    code, data = check_json(db, "--as-of", "2020-07")
    assert code == 1
    assert data["violations"] == 1
    two = data["findings"][-1]
    assert two["message"] == f"统一社会信用代码 {USCC_A} 对应了不同的企业名称：苏州甲科技有限公司、苏州丙科技有限公司"
    assert two["kind"] == "one_name_per_code" and two["violation"] is True
    assert two["rule"] == "GB 32100-2015"
    assert two["register"] == FIRMS and two["registers"] == [FIRMS, CHOKEPOINTS]
    assert two["units"] == ["enterprise_office", "suzhou"]
    # 统一社会信用代码 is the firms register's column A; the problem's first cell is its column A too
    assert two["cells"] == ["企业办.xlsx!服务企业名册!A5", "苏州.xlsx!卡脖子难题名册!A5"]

    out = kc(db, "register", "check", "--as-of", "2020-07")
    assert out.exit_code == 1
    assert "服务企业名册、卡脖子难题名册 · 规则：GB 32100-2015" in out.stdout
    assert "苏州甲科技有限公司、苏州丙科技有限公司" in out.stdout
    # in June the chokepoint list is not in force yet: one name per code
    code, june = check_json(db, "--as-of", "2020-06")
    assert (code, june["violations"]) == (0, 0)


def test_check_csv_lists_every_cell_and_says_the_counts_on_stderr(db: Db) -> None:
    teams(db, ("甲队", 6))
    result = kc(db, "register", "check", "--as-of", "2020-06", "--format", "csv")
    assert result.exit_code == 1
    rows = csv_rows(result.stdout)
    assert list(rows[0]) == ["名册", "规则", "类别", "问题", "单位", "单元格"]
    assert [r["类别"] for r in rows] == ["尚无法检查", "尚无法检查", "违反规则"]
    assert rows[2]["单元格"] == "、".join(cells(5, 10))
    assert rows[2]["单位"] == "学会服务中心"
    assert rows[2]["名册"] == "科技服务队名册"
    assert result.stderr.strip() == "截至 2020-06：1 处违反规则，2 条规则尚无法检查"


def test_an_expert_in_two_teams_is_not_named_without_with_names(db: Db, tmp_path: Path) -> None:
    data = plan_dict()
    roster = next(r for r in data["registers"] if r["code"] == TEAMS)
    roster["rules"].append(
        {"kind": "one_group_per_member", "member": ["expert"], "group": ["team"], "source": "一名专家只在一个服务队"}
    )
    ok(kc(db, "init", "--plan", write_plan(tmp_path / "plan.yaml", data)))
    rows = team("甲队", 7) + team("乙队", 7, first=7)  # 专家7 in both: rows 11 and 12
    write_list(db, TEAMS, SOCIETY_CENTRE, "2020-06", rows, TEAMS_FILE, TEAMS_SHEET)

    code, found = check_json(db, "--as-of", "2020-06")
    assert (code, found["violations"]) == (1, 1)
    twice = found["findings"][-1]
    assert twice["message"] == "“姓名未显示” 同时在 2 个队：甲队、乙队"
    assert twice["cells"] == cells(11, 12)
    table = kc(db, "register", "check", "--as-of", "2020-06")
    assert "专家7" not in table.stdout
    assert "1 条问题中的姓名未显示（加 --with-names 显示）" in table.stdout

    code, named = check_json(db, "--as-of", "2020-06", "--with-names")
    assert named["findings"][-1]["message"] == "“专家7” 同时在 2 个队：甲队、乙队"


# == register list =====================================================================================

ROSTER_HEAD = ["填报单位", "列入月份", "服务队名称", "牵头学会", "工作单位", "职称", "专业领域", "来源"]


def test_list_leaves_the_experts_names_out_unless_asked(db: Db) -> None:
    teams(db, ("甲队", 7))
    args = ("register", "list", TEAMS, "--as-of", "2020-06")

    table = ok(kc(db, *args)).stdout
    assert "甲队" in table and "单位1" in table
    assert "专家1" not in table
    # 专业领域 is blank in every row: no column in the table (csv, json and md have it)
    assert table.splitlines()[1].split() == ["单元格", "服务队名称", "牵头学会", "工作单位", "职称"]
    assert "未显示个人信息字段：专家姓名（加 --with-names 显示）" in table
    assert table.splitlines()[0] == "科技服务队名册（SERVICE_TEAM_ROSTER）截至 2020-06 在册 7 条"
    named = ok(kc(db, *args, "--with-names")).stdout
    assert all(f"专家{n}" in named for n in range(1, 8))
    assert "专家姓名" in named.splitlines()[1] and "未显示个人信息" not in named

    data = json.loads(ok(kc(db, *args, "--format", "json")).stdout)
    assert data["register"] == TEAMS and data["name"] == "科技服务队名册" and data["as_of"] == "2020-06"
    assert data["unit"] is None
    assert [f["code"] for f in data["fields"]] == ["team", "society", "employer", "title", "speciality"]
    assert data["personal_left_out"] == ["expert"]
    assert data["count"] == 7
    first = data["entries"][0]
    assert first == {
        "unit": SOCIETY_CENTRE,
        "month": "2020-06",
        "values": {
            "team": "甲队",
            "society": "省机械工程学会",
            "employer": "单位1",
            "title": "教授",
            "speciality": None,
        },
        "source": f"{TEAMS_FILE}!{TEAMS_SHEET}!A5",
    }
    assert "专家" not in json.dumps(data, ensure_ascii=False).replace("专家姓名", "")
    with_names = json.loads(ok(kc(db, *args, "--format", "json", "--with-names")).stdout)
    assert with_names["personal_left_out"] == []
    assert [e["values"]["expert"] for e in with_names["entries"]] == [f"专家{n}" for n in range(1, 8)]

    result = ok(kc(db, *args, "--format", "csv"))
    rows = csv_rows(result.stdout)
    assert list(rows[0]) == ROSTER_HEAD
    assert [r["工作单位"] for r in rows] == [f"单位{n}" for n in range(1, 8)]
    assert rows[0]["填报单位"] == "学会服务中心" and rows[6]["来源"] == f"{TEAMS_FILE}!{TEAMS_SHEET}!A11"
    assert "专家1" not in result.stdout
    assert result.stderr.strip() == "未显示个人信息字段：专家姓名（加 --with-names 显示）"
    named_csv = csv_rows(ok(kc(db, *args, "--format", "csv", "--with-names")).stdout)
    assert list(named_csv[0]) == [*ROSTER_HEAD[:4], "专家姓名", *ROSTER_HEAD[4:]]
    assert named_csv[2]["专家姓名"] == "专家3"

    md = ok(kc(db, *args, "--format", "md")).stdout
    assert "专家1" not in md and "| 甲队 |" in md


def test_list_by_chinese_or_english_name(db: Db) -> None:
    teams(db, ("甲队", 7))
    for name in ("科技服务队名册", "Roster of S&T service teams", "service_team_roster"):
        data = json.loads(ok(kc(db, "register", "list", name, "--as-of", "2020-06", "--format", "json")).stdout)
        assert (data["register"], data["count"]) == (TEAMS, 7), name


def firms(db: Db) -> None:
    """企业工作办公室 lists firm A in June; 企业创新服务中心 firm B in July."""
    office = [{"uscc": USCC_A, "firm": "苏州甲科技有限公司", "month": "2020-06"}]
    centre = [{"uscc": USCC_B, "firm": "无锡乙科技有限公司", "service": "关键问题会商"}]
    write_list(db, FIRMS, "enterprise_office", "2020-06", office, "企业办.xlsx", "服务企业名册")
    write_list(db, FIRMS, "enterprise_innovation_centre", "2020-07", centre, "创新中心.xlsx", "服务企业名册")


def listing(db: Db, *args: Any) -> dict[str, Any]:
    return json.loads(ok(kc(db, "register", "list", FIRMS, "--format", "json", *args)).stdout)


def test_unit_and_as_of_limit_the_list(db: Db) -> None:
    firms(db)
    july = listing(db, "--as-of", "2020-07")
    # the plan lists 企业创新服务中心 before 企业工作办公室
    assert [(e["unit"], e["values"]["uscc"]) for e in july["entries"]] == [
        ("enterprise_innovation_centre", USCC_B),
        ("enterprise_office", USCC_A),
    ]
    assert july["personal_left_out"] == []  # the firms register holds no personal data
    office = listing(db, "--as-of", "2020-07", "--unit", "企业工作办公室")
    assert office["unit"] == "enterprise_office"
    assert [e["values"]["firm"] for e in office["entries"]] == ["苏州甲科技有限公司"]
    assert [e["source"] for e in office["entries"]] == ["企业办.xlsx!服务企业名册!A5"]
    # June: the centre's July list is not in force yet; May: nothing is
    assert [e["unit"] for e in listing(db, "--as-of", "2020-06")["entries"]] == ["enterprise_office"]
    may = listing(db, "--as-of", "2020-05")
    assert (may["count"], may["entries"]) == (0, [])
    assert ok(kc(db, "register", "list", FIRMS, "--as-of", "2020-05")).stdout.splitlines() == [
        "服务企业名册（FIRMS_REGISTER）截至 2020-05 在册 0 条",
        "截至 2020-05 没有在册条目",
    ]
    table = ok(kc(db, "register", "list", FIRMS, "--as-of", "2020-07", "-u", "企业创新服务中心")).stdout
    assert table.splitlines()[0] == "服务企业名册（FIRMS_REGISTER）企业创新服务中心 截至 2020-07 在册 1 条"
    assert "无锡乙科技有限公司" in table and "苏州甲科技有限公司" not in table


def test_an_unknown_register_is_a_usage_error_naming_the_registers(db: Db) -> None:
    message = failed(kc(db, "register", "list", "NO_SUCH_LIST"), 2)
    assert message == (
        "未知的名册 “NO_SUCH_LIST”。可用名册：FIRMS_REGISTER（服务企业名册）、CHOKEPOINT_REGISTER（卡脖子难题名册）、"
        "SERVICE_TEAM_ROSTER（科技服务队名册）、EXPERT_POOL_REGISTER（院士专家人才库）、TRAINING_ARCHIVE（培训档案）"
    )
    assert "Known registers: FIRMS_REGISTER (Register of firms served)" in failed(
        kc(db, "--lang", "en", "register", "list", "nope"), 2
    )
    assert failed(kc(db, "register", "list", FIRMS, "--unit", "杭州"), 2).startswith("未知的填报单位 “杭州”")


@pytest.mark.parametrize("register", [TEAMS, CHOKEPOINTS])
def test_the_table_fits_80_columns(db: Db, register: str) -> None:
    teams(db, ("甲队", 7))
    problem = {
        "problem": "高端数控机床主轴轴承寿命与精度保持性难题",
        "uscc": USCC_A,
        "firm": "苏州甲科技有限公司",
        "society": "省机械工程学会",
        "city": "suzhou",
        "state": "攻关中",
        "outcome": "已组织三轮会商",
    }
    write_list(db, CHOKEPOINTS, "suzhou", "2020-06", [problem], "苏州市科协-2020-06.xlsx", "卡脖子难题名册")
    out = ok(kc(db, "register", "list", register, "--as-of", "2020-06", "--with-names", env={"COLUMNS": "80"})).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    if register == CHOKEPOINTS:  # every required field: the problem, the credit code (whole), the firm, the state
        assert all(heading in out for heading in ("难题名称", "企业统一社会信用代码", "企业名称", "状态"))
        assert USCC_A in out and "攻关中" in out
        assert "此宽度下未显示的字段：" in out
        wide = ok(kc(db, "register", "list", register, "--as-of", "2020-06", env={"COLUMNS": "200"})).stdout
        assert "此宽度下未显示的字段" not in wide and "已组织三轮会商" in wide


# == the year-end workbook =============================================================================


def workbook_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def test_the_export_has_a_sheet_per_register_and_the_findings(db: Db, tmp_path: Path) -> None:
    teams(db, ("甲队", 6))
    firms(db)
    out = tmp_path / "总结.xlsx"
    ok(kc(db, "export", out, "--as-of", "2020-07"))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        *["总表", "指标明细", "分市", "月度进展", "里程碑", "依托资源", "数据来源"],
        "名册检查",
        "服务企业名册",
        "科技服务队名册",
    ]
    findings = wb["名册检查"]
    assert findings["A3"].value == "名册检查（截至 2020-07）：1 处违反规则，2 条规则尚无法检查"
    assert [c.value for c in findings[4]] == ["名册", "规则（文件原文）", "类别", "问题", "单位", "单元格"]
    rows = [[c.value for c in row] for row in findings.iter_rows(min_row=5)]
    assert [r[2] for r in rows] == ["尚无法检查", "尚无法检查", "违反规则"]
    assert rows[2] == [
        "科技服务队名册",
        "每队由7至10名相关联专家组成",
        "违反规则",
        "“甲队” 有 6 人，应为 7 至 10 人",
        "学会服务中心",
        "、".join(cells(5, 10)),
    ]
    assert rows[0][0] == "卡脖子难题名册" and rows[0][3] == QUOTA_NOTICES[0] and rows[0][4] is None

    roster = wb["科技服务队名册"]
    assert (
        roster["A3"].value
        == "科技服务队名册：在册 6 条（各单位名册中每个条目最新列出的一行；几个单位都列出的各列一次）"
    )
    assert (
        roster["A4"].value
        == "未列出个人信息（专家姓名）：本名册按计划不随表报送个人信息；如需报送，请在计划文件中为该名册写 shared: true"
    )
    assert [c.value for c in roster[5]] == ROSTER_HEAD
    assert [c.value for c in roster[6]] == [
        "学会服务中心",
        "2020-06",
        "甲队",
        "省机械工程学会",
        "单位1",
        "教授",
        None,
        f"{TEAMS_FILE}!{TEAMS_SHEET}!A5",
    ]
    assert roster.max_row == 11  # 6 experts: rows 6–11
    firms_sheet = wb["服务企业名册"]
    assert (
        firms_sheet["A3"].value
        == "服务企业名册：在册 2 条（各单位名册中每个条目最新列出的一行；几个单位都列出的各列一次）"
    )
    assert [c.value for c in firms_sheet[4]][:4] == ["填报单位", "列入月份", "统一社会信用代码", "企业名称"]
    assert [[c.value for c in row][:4] for row in firms_sheet.iter_rows(min_row=5)] == [
        ["企业创新服务中心", "2020-07", USCC_B, "无锡乙科技有限公司"],
        ["企业工作办公室", "2020-06", USCC_A, "苏州甲科技有限公司"],
    ]
    assert "专家1" not in workbook_text(out)


def test_a_shared_register_goes_to_the_workbook_whole(db: Db, tmp_path: Path) -> None:
    data = plan_dict()
    next(r for r in data["registers"] if r["code"] == TEAMS)["shared"] = True
    ok(kc(db, "init", "--plan", write_plan(tmp_path / "plan.yaml", data)))
    teams(db, ("甲队", 7))
    out = tmp_path / "summary.xlsx"
    ok(kc(db, "--lang", "en", "export", out, "--as-of", "2020-06"))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[7:] == ["Register check", "Roster of S&T service teams"]
    roster = wb["Roster of S&T service teams"]
    assert [c.value for c in roster[4]] == [
        "Reporting unit",
        "Listed in",
        "Team",
        "Lead society",
        "Expert",
        "Employer",
        "Title",
        "Speciality",
        "Source",
    ]
    assert [roster.cell(r, 5).value for r in range(5, 12)] == [f"专家{n}" for n in range(1, 8)]
    check = wb["Register check"]
    assert check["A3"].value == "Register check as of 2020-06: 0 violation(s), 2 rule(s) that cannot be checked yet"


def test_no_register_kept_no_register_sheet(db: Db, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    ok(kc(db, "export", out, "--as-of", "2020-06"))
    assert openpyxl.load_workbook(out).sheetnames == [
        "总表",
        "指标明细",
        "分市",
        "月度进展",
        "里程碑",
        "依托资源",
        "数据来源",
    ]


def test_sheet_names_excel_takes() -> None:
    from kctrack.export import sheet_name

    assert sheet_name("Academician and expert talent pool", []) == "Academician and expert talent…"
    assert len(sheet_name("Academician and expert talent pool", [])) <= 31
    assert sheet_name("名册[2020]: a/b", []) == "名册_2020__ a_b"
    assert sheet_name("培训档案", ["总表", "培训档案"]) == "培训档案 (2)"
    assert sheet_name("Sources", ["sources"]) == "Sources (2)"
