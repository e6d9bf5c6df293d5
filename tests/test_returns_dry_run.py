"""--dry-run, one transaction for many files, --errors-out (issue 3, §2)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from returns_helpers import (
    CITIES,
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
from tables import cells

from kctrack.i18n import tr


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


@pytest.fixture
def imported(rdb: Db, tmp_path: Path) -> dict[str, Path]:
    """苏州 June imported (5 teams, milestone done); a corrected June (7 teams) and 无锡's June (4) ready."""
    june = fill(template(rdb, tmp_path / "sz-june.xlsx", "苏州", "2020-06"), {"E6": 5, "E7": "完成"})
    ok(kc(rdb, "import", june))
    corrected = fill(template(rdb, tmp_path / "sz-june-v2.xlsx", "苏州", "2020-06"), {"E6": 7, "E7": "完成"})
    wuxi = fill(template(rdb, tmp_path / "wx-june.xlsx", "无锡", "2020-06"), {"E6": 4})
    return {"june": june, "corrected": corrected, "wuxi": wuxi}


def test_dry_run_leaves_the_database_byte_for_byte(rdb: Db, imported: dict[str, Path]) -> None:
    before = db_files(rdb)
    result = ok(kc(rdb, "import", imported["corrected"], imported["wuxi"], "--replace", "--dry-run"))
    assert db_files(rdb) == before
    assert counts(rdb) == {"batch": 1, "record": 2, "current_value": 2}
    assert "2 个文件，2 份月报：新增 1，修改 1，不变 1，移除 0，拒绝 0" in result.stderr
    assert "预演：数据库未改动" in result.stderr
    # the table on stdout: per target and unit, old → new
    assert cells(result.stdout)[1:] == [
        ["TECH_MANAGER_TEAMS", "苏州市", "2020-06", "5", "7", "修改"],
        ["M_CITY_SPECIAL_BODIES", "苏州市", "2020-06", "1", "1", "不变"],
        ["TECH_MANAGER_TEAMS", "无锡市", "2020-06", "", "4", "新增"],
    ]
    assert share(status_json(rdb), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 5


def test_dry_run_as_json(rdb: Db, imported: dict[str, Path]) -> None:
    before = db_files(rdb)
    result = ok(
        kc(rdb, "import", imported["corrected"], imported["wuxi"], "--replace", "--dry-run", "--format", "json")
    )
    assert db_files(rdb) == before
    data = json.loads(result.stdout)
    assert data["dry_run"] is True
    assert (data["files"], data["returns"], data["batches"]) == (2, 2, [])
    assert data["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "removed": 0, "rejected": 0}
    assert sorted(
        (c["code"], c["unit"], c["old"], c["new"], c["change"], c["source"]) for c in data["changes"]
    ) == sorted(
        [
            ("TECH_MANAGER_TEAMS", "苏州市", 5, 7, "changed", f"{imported['corrected']}!{SHEET}!E6"),
            ("M_CITY_SPECIAL_BODIES", "苏州市", 1, 1, "unchanged", f"{imported['corrected']}!{SHEET}!E7"),
            ("TECH_MANAGER_TEAMS", "无锡市", None, 4, "new", f"{imported['wuxi']}!{SHEET}!E6"),
        ]
    )
    assert data["errors"] == []


def test_dry_run_then_the_real_import(rdb: Db, imported: dict[str, Path]) -> None:
    ok(kc(rdb, "import", imported["wuxi"], "--dry-run"))
    result = ok(kc(rdb, "import", imported["wuxi"]))
    assert "已导入，批次 2" in result.stderr
    assert share(status_json(rdb), "TECH_MANAGER_TEAMS", "无锡市")["actual"] == 4


def test_dry_run_counts_rejected_cells(rdb: Db, imported: dict[str, Path], tmp_path: Path) -> None:
    bad = fill(template(rdb, tmp_path / "nj.xlsx", "南京", "2020-06"), {"E6": "abc", "E7": "maybe"})
    before = db_files(rdb)
    result = kc(rdb, "import", imported["wuxi"], bad, "--dry-run")
    assert result.exit_code == 1
    assert "2 个文件，0 份月报：新增 1，修改 0，不变 0，移除 0，拒绝 2" in result.stderr
    assert db_files(rdb) == before


def test_dry_run_of_a_correction_without_replace(rdb: Db, imported: dict[str, Path]) -> None:
    """A dry run says what a real run would: the correction needs --replace."""
    before = db_files(rdb)
    result = kc(rdb, "import", imported["corrected"], "--dry-run")
    assert result.exit_code == 1
    assert "--replace" in result.stderr
    assert db_files(rdb) == before


# -- one transaction ----------------------------------------------------------------------------


def _five_city_returns(db: Db, folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, city in enumerate(list(CITIES)[:5], start=1):  # 南京 无锡 徐州 常州 苏州
        paths.append(fill(template(db, folder / f"{city}.xlsx", city, "2020-06"), {"E6": i}))
    return paths


def test_many_files_with_one_bad_file_write_nothing(rdb: Db, tmp_path: Path) -> None:
    paths = _five_city_returns(rdb, tmp_path / "june")
    fill(paths[3], {"E6": "-4"})  # 常州 (as text: a typed number shows as -4.0, see test_returns_bad_cells)
    before = db_files(rdb)
    result = kc(rdb, "import", *paths)
    assert result.exit_code == 1
    assert problem_lines(result) == [f"{paths[3]}!{SHEET}!E6: -4 → {tr('num_negative', 'zh', value='-4')}"]
    assert "5 个文件，0 份月报：新增 4，修改 0，不变 0，移除 0，拒绝 1" in result.stderr
    assert counts(rdb) == {"batch": 0, "record": 0, "current_value": 0}
    assert db_files(rdb) == before


def test_a_folder_of_returns_with_one_bad_file_writes_nothing(rdb: Db, tmp_path: Path) -> None:
    paths = _five_city_returns(rdb, tmp_path / "june")
    fill(paths[0], {"A6": "TECH_MANAGER"})
    (tmp_path / "june" / "readme.txt").write_text("not a return")  # not .xlsx: not read
    result = kc(rdb, "import", tmp_path / "june")
    assert result.exit_code == 1
    assert len(problem_lines(result)) == 1
    assert counts(rdb)["record"] == 0
    fill(paths[0], {"A6": "TECH_MANAGER_TEAMS"})
    result = ok(kc(rdb, "import", tmp_path / "june"))
    assert "5 个文件，5 份月报：新增 5" in result.stderr
    # 南京 1 + 无锡 2 + 徐州 3 + 常州 4 + 苏州 5
    assert (
        status_json(rdb)["targets"][[t["code"] for t in status_json(rdb)["targets"]].index("TECH_MANAGER_TEAMS")][
            "actual"
        ]
        == 15
    )


def test_the_same_return_twice_in_one_run(rdb: Db, tmp_path: Path) -> None:
    a = fill(template(rdb, tmp_path / "a.xlsx", "苏州", "2020-06"), {"E6": 5})
    b = fill(template(rdb, tmp_path / "b.xlsx", "苏州", "2020-06"), {"E6": 6})
    result = kc(rdb, "import", a, b)
    assert result.exit_code == 1
    reason = tr("imp_return_twice", "zh", unit="苏州市", month="2020-06", other=f"{a}!{SHEET}")
    assert problem_lines(result) == [f"{b}!{SHEET}: {reason}"]
    assert counts(rdb)["batch"] == 0


# -- --errors-out ----------------------------------------------------------------------------------


def test_errors_out_writes_a_marked_copy(rdb: Db, tmp_path: Path) -> None:
    path = fill(
        template(rdb, tmp_path / "苏州-2020-06.xlsx", "苏州", "2020-06"),
        {"E6": "abc", "E7": "完成", "A8": "NO_SUCH_CODE", "E8": 1},
    )
    original = path.read_bytes()
    out = tmp_path / "back-to-units"
    result = kc(rdb, "import", path, "--errors-out", out)
    assert result.exit_code == 1
    copy = out / "苏州-2020-06.errors.xlsx"
    assert [p.name for p in out.iterdir()] == [copy.name]
    assert tr("imp_error_copy", "zh", source=path, copy=copy) in result.stderr
    assert path.read_bytes() == original  # the unit's own file is untouched
    ws = openpyxl.load_workbook(copy)[SHEET]
    assert ws["E6"].comment.text == tr("num_not_number", "zh", value="abc")
    assert ws["A8"].comment.text == tr("imp_unknown_code", "zh", code="NO_SUCH_CODE", suggestion="")
    assert ws["E6"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["A8"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["E7"].comment is None
    assert ws["E7"].fill.fgColor.rgb.endswith("FFF2CC")  # the template's input colour, untouched
    assert (ws["E6"].value, ws["E7"].value, ws["A8"].value) == ("abc", "完成", "NO_SUCH_CODE")
    assert counts(rdb)["record"] == 0


def test_errors_out_only_for_faulty_workbooks(rdb: Db, tmp_path: Path) -> None:
    good = fill(template(rdb, tmp_path / "good.xlsx", "无锡", "2020-06"), {"E6": 3})
    bad = fill(template(rdb, tmp_path / "bad.xlsx", "苏州", "2020-06"), {"E6": -1})
    out = tmp_path / "errors"
    assert kc(rdb, "import", good, bad, "--errors-out", out).exit_code == 1
    assert [p.name for p in out.iterdir()] == ["bad.errors.xlsx"]
    ws = openpyxl.load_workbook(out / "bad.errors.xlsx")[SHEET]
    assert "0" in ws["E6"].comment.text and ws["E6"].comment.author == "kctrack"


def test_errors_out_in_english(rdb: Db, tmp_path: Path) -> None:
    bad = fill(template(rdb, tmp_path / "bad.xlsx", "苏州", "2020-06"), {"E6": "abc"})
    out = tmp_path / "errors"
    assert kc(rdb, "--lang", "en", "import", bad, "--errors-out", out).exit_code == 1
    ws = openpyxl.load_workbook(out / "bad.errors.xlsx")[SHEET]
    assert ws["E6"].comment.text == "'abc' is not a number: enter a number of at least 0, such as 12, 1,234 or 1.5万"
