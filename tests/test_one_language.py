"""Issue 12, one language: everything a person reads follows ``--lang`` (Chinese by default).

CSV and Markdown are for people: their header rows, states, kinds, yes/no and the returns grid's
words are in the chosen language, units by name.  The JSON is the stable English contract: keys
and state codes in English whatever ``--lang`` says.  Messages name a unit by its name, never by
its code (``kctrack template`` said "（nanjing，2 行）").

The expectations are written out by hand, header by header.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import clean_env, failed, kc, ok, run
from returns_helpers import fill, template

MONTHS = [f"2020-{m:02d}" for m in range(4, 13)]
TMT = "TECH_MANAGER_TEAMS"

# The header row of each read command's csv and md, in each language (hand-written, not from i18n).
HEADERS: dict[str, dict[str, list[str]]] = {
    "status": {
        "zh": [
            "类型",
            "编号",
            "指标",
            "计量单位",
            "目标",
            "完成",
            "应完成",
            "完成率",
            "状态",
            "截止",
            "可依托",
            "已动员",
            "完成月份",
            "晚几个月",
            "任务",
            "责任单位",
        ],
        "en": [
            "Kind",
            "Code",
            "Name",
            "Unit of measure",
            "Target",
            "Actual",
            "Expected",
            "Progress",
            "State",
            "Deadline",
            "Available",
            "Engaged",
            "Done in",
            "Months late",
            "Task",
            "Responsible",
        ],
    },
    "status --by unit": {
        "zh": ["编号", "填报单位", "任务数", "完成", "应完成", "状态"],
        "en": ["Code", "Reporting unit", "Quota", "Actual", "Expected", "State"],
    },
    "status --by month": {"zh": ["编号", "目标", *MONTHS], "en": ["Code", "Target", *MONTHS]},
    "targets": {
        "zh": ["编号", "类型", "指标", "计量单位", "目标", "至少", "截止", "可依托", "任务", "责任单位", "分解"],
        "en": [
            "Code",
            "Kind",
            "Name",
            "Unit of measure",
            "Target",
            "Minimum",
            "Deadline",
            "Available",
            "Task",
            "Responsible",
            "Split",
        ],
    },
    "history": {
        "zh": [
            "批次",
            "导入批次组",
            "时间",
            "操作人",
            "类型",
            "来源",
            "工作表",
            "状态",
            "指标编号",
            "填报单位",
            "月份",
            "本月完成",
            "累计完成",
            "单元格",
        ],
        "en": [
            "Batch",
            "Run",
            "Time",
            "Operator",
            "Kind",
            "Source",
            "Sheet",
            "State",
            "Target code",
            "Reporting unit",
            "Month",
            "This month",
            "Cumulative",
            "Cell",
        ],
    },
    "explain": {
        "zh": ["记录号", "批次", "填报单位", "月份", "完成", "来源", "时间", "操作人", "备注", "计入", "未计入原因"],
        "en": [
            "Record",
            "Batch",
            "Reporting unit",
            "Month",
            "Actual",
            "Source",
            "Time",
            "Operator",
            "Note",
            "Counts",
            "Why not counted",
        ],
    },
    "returns": {"zh": ["填报单位", *MONTHS], "en": ["Reporting unit", *MONTHS]},
    "lock": {"zh": ["月份", "时间", "操作人", "说明"], "en": ["Month", "Time", "Operator", "Reason"]},
}

ARGS: dict[str, list[str]] = {
    "status": ["status", "--as-of", "2020-09"],
    "status --by unit": ["status", "--as-of", "2020-09", "--by", "unit"],
    "status --by month": ["status", "--as-of", "2020-09", "--by", "month"],
    "targets": ["targets"],
    "history": ["history"],
    "explain": ["explain", TMT, "--unit", "南京", "--as-of", "2020-09"],
    "returns": ["returns", "--as-of", "2020-09"],
    "lock": ["lock"],
}

# Codes the JSON uses and a person must never read in Chinese: states, grid states, batch states,
# kinds, booleans.
CODES = {
    "done",
    "on_track",
    "behind",
    "off_track",
    "overdue",
    "pending",
    "not_achieved",
    "done_late",
    "received",
    "late",
    "missing",
    "not_due",
    "live",
    "superseded",
    "undone",
    "corrected",
    "commitment",
    "quota",
    "shared",
    "target",
    "resource",
    "milestone",
    "import",
    "record",
    "True",
    "False",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo database as of September (imported returns: every state, a late and a missing return),
    plus a record undone (counts: no, why: undone), a record in force and a locked month."""
    db = tmp_path_factory.mktemp("one-language") / "demo.db"
    env = clean_env()
    ok(run("--db", db, "demo", "--as-of", "2020-09", env=env))
    ok(run("--db", db, "record", TMT, "1", "--month", "2020-08", "--unit", "南京", env=env))
    batches = json.loads(ok(run("--db", db, "history", "--format", "json", env=env)).stdout)["batches"]
    [recorded] = [b["id"] for b in batches if b["kind"] == "record"]
    ok(run("--db", db, "undo", recorded, env=env))
    ok(run("--db", db, "record", TMT, "2", "--month", "2020-08", "--unit", "南京", env=env))
    ok(run("--db", db, "lock", "2020-06", "--reason", "已报中国科协", env=env))
    yield db


def csv_table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def md_table(text: str) -> list[list[str]]:
    """A Markdown table's rows (the ``|---|`` line left out), cells stripped."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines if not line.startswith("|--")]


def table_of(demo: Path, lang: str, what: str, fmt: str) -> list[list[str]]:
    out = ok(kc(demo, "--lang", lang, *ARGS[what], "--format", fmt)).stdout
    return csv_table(out) if fmt == "csv" else md_table(out)


@pytest.mark.parametrize("fmt", ["csv", "md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("what", list(HEADERS))
def test_the_header_row_is_in_the_chosen_language(demo: Path, what: str, lang: str, fmt: str) -> None:
    head, *body = table_of(demo, lang, what, fmt)
    assert head == HEADERS[what][lang]
    assert body, "every table here has rows"
    assert {len(row) for row in body} == {len(head)}


@pytest.mark.parametrize("fmt", ["csv", "md"])
@pytest.mark.parametrize("what", list(HEADERS))
def test_no_code_is_read_in_chinese(demo: Path, what: str, fmt: str) -> None:
    _, *body = table_of(demo, "zh", what, fmt)
    cells = {cell for row in body for cell in row}
    assert not cells & CODES, sorted(cells & CODES)


@pytest.mark.parametrize("fmt", ["csv", "md"])
@pytest.mark.parametrize("what", list(HEADERS))
def test_no_code_with_an_underscore_is_read_in_english(demo: Path, what: str, fmt: str) -> None:
    """English has its words too: "on track", "not due", "yes"; never on_track, not_due, True."""
    _, *body = table_of(demo, "en", what, fmt)
    cells = {cell for row in body for cell in row}
    assert not {c for c in cells if c in CODES and ("_" in c or c in ("True", "False"))}


def column(table: list[list[str]], name: str) -> list[str]:
    at = table[0].index(name)
    return [row[at] for row in table[1:]]


def test_the_words_of_each_column(demo: Path) -> None:
    """The words a person reads, hand-picked: states, kinds, yes/no, grid and batch states."""
    status = table_of(demo, "zh", "status", "csv")
    words = {"已完成", "按期", "滞后", "严重滞后", "未完成", "逾期未完成", "未到期", "逾期完成", ""}
    assert {w for w in column(status, "状态") if not w.startswith("逾期完成（晚 ")} <= words
    assert {"已完成", "按期", "滞后", "严重滞后", "未完成"} <= set(column(status, "状态"))
    assert "逾期完成（晚 1 个月）" in column(status, "状态")  # the demo's M_2020_05_SERVICE_TEAMS: June, due May
    assert set(column(status, "类型")) == {"目标", "里程碑", "依托资源"}
    assert set(column(table_of(demo, "en", "status", "csv"), "Kind")) == {"target", "milestone", "resource"}
    states_en = set(column(table_of(demo, "en", "status", "csv"), "State"))
    assert {"done", "on track", "behind", "off track", "not achieved"} <= states_en

    targets = table_of(demo, "zh", "targets", "csv")
    assert set(column(targets, "类型")) == {"目标", "依托资源", "里程碑"}
    assert set(column(targets, "至少")) == {"是", "否", ""}
    tmt = next(row for row in targets[1:] if row[0] == TMT)
    assert "苏州市=25" in tmt[targets[0].index("分解")] and "、" in tmt[targets[0].index("分解")]

    grid = table_of(demo, "zh", "returns", "csv")
    assert {c for row in grid[1:] for c in row[1:]} == {"按时", "迟报", "缺报", "未到期"}
    grid_en = table_of(demo, "en", "returns", "csv")
    assert {c for row in grid_en[1:] for c in row[1:]} == {"received", "late", "missing", "not due"}
    assert grid[1][0] == "南京市" and grid_en[1][0] == "Nanjing"

    history = table_of(demo, "zh", "history", "csv")
    assert set(column(history, "类型")) == {"导入", "记录", "名册"}  # the demo's lists are batches of their own kind
    assert set(column(history, "状态")) == {"有效", "已撤销"}
    assert set(column(table_of(demo, "en", "history", "csv"), "State")) == {"live", "undone"}

    explain = table_of(demo, "zh", "explain", "csv")
    assert set(column(explain, "填报单位")) == {"南京市"}
    assert set(column(explain, "计入")) == {"是", "否"}
    assert set(column(explain, "未计入原因")) == {"", "已撤销"}
    explain_en = table_of(demo, "en", "explain", "csv")
    assert (set(column(explain_en, "Counts")), set(column(explain_en, "Why not counted"))) == (
        {"yes", "no"},
        {"", "undone"},
    )
    assert set(column(explain_en, "Reporting unit")) == {"Nanjing"}


def test_the_json_stays_the_english_contract(demo: Path) -> None:
    """Keys and codes are the same in both languages (only names of things follow --lang)."""
    zh = json.loads(ok(kc(demo, "status", "--as-of", "2020-09", "--format", "json")).stdout)
    en = json.loads(ok(kc(demo, "--lang", "en", "status", "--as-of", "2020-09", "--format", "json")).stdout)
    assert list(zh) == list(en) and list(zh["targets"][0]) == list(en["targets"][0])
    assert {"code", "name", "unit_of_measure", "target", "actual", "expected", "percent", "state"} <= set(
        zh["targets"][0]
    )
    assert [t["state"] for t in zh["targets"]] == [t["state"] for t in en["targets"]]
    assert {t["state"] for t in zh["targets"]} <= {"done", "on_track", "behind", "off_track", "not_achieved", None}
    grid = json.loads(ok(kc(demo, "returns", "--as-of", "2020-09", "--format", "json")).stdout)
    assert {s for u in grid["units"] for s in u["months"].values()} == {"received", "late", "missing", "not_due"}
    history = json.loads(ok(kc(demo, "history", "--format", "json")).stdout)["batches"]
    assert {(b["kind"], b["state"]) for b in history} == {
        ("import", "live"),
        ("record", "live"),
        ("record", "undone"),
        ("register", "live"),  # the demo's lists
    }
    explain = json.loads(ok(kc(demo, *ARGS["explain"], "--format", "json")).stdout)
    assert {(r["unit"], r["counts"], r["why_not"]) for r in explain["records"]} == {
        ("nanjing", True, None),
        ("nanjing", False, "undone"),
    }


def test_the_import_dry_run_as_csv_and_md(demo: Path, tmp_path: Path) -> None:
    form = fill(template(demo, tmp_path / "苏州.xlsx", "苏州", "2020-10"), {"E6": 5})
    zh = csv_table(ok(kc(demo, "import", form, "--dry-run", "--format", "csv")).stdout)
    assert zh[0] == ["编号", "填报单位", "月份", "原值", "新值", "变化", "来源"]
    assert zh[1][:6] == [TMT, "苏州市", "2020-10", "", "5", "新增"]
    en = md_table(ok(kc(demo, "--lang", "en", "import", form, "--dry-run", "--format", "md")).stdout)
    assert en[0] == ["Code", "Reporting unit", "Month", "Old", "New", "Change", "Source"]
    assert en[1][:6] == [TMT, "Suzhou", "2020-10", "", "5", "new"]


# -- messages ---------------------------------------------------------------------------------------


def test_template_names_the_unit(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "nj.xlsx"
    assert (
        ok(kc(demo, "template", out, "--unit", "nanjing", "--month", "2020-10")).stdout
        == f"已生成 {out}（南京市，2 行；名册：卡脖子难题名册）\n"
    )
    result = ok(kc(demo, "--lang", "en", "template", out, "--unit", "南京", "--month", "2020-10"))
    assert result.stdout == f"wrote {out} (Nanjing, 2 rows; registers: Register of chokepoint problems)\n"


def test_an_error_names_units_in_the_chosen_language(demo: Path) -> None:
    args: list[Any] = ["record", "HAIZHI_EVENTS", "5", "--month", "2020-09", "--unit", "苏州"]
    assert failed(kc(demo, *args), 1) == "--unit: 苏州市 不负责指标 HAIZHI_EVENTS；填报单位为：国际部"
    assert (
        failed(kc(demo, "--lang", "en", *args), 1)
        == "--unit: Suzhou does not report HAIZHI_EVENTS; it is reported by: International Department"
    )


def test_db_check_says_ok_in_the_chosen_language(demo: Path) -> None:
    assert "完整性 正常，" in ok(kc(demo, "db", "check")).stdout
    assert "integrity ok," in ok(kc(demo, "--lang", "en", "db", "check")).stdout
