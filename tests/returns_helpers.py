"""Shared helpers for the tests of the monthly returns (tests/test_returns_*.py).

Plain functions, no fixtures: each test module defines its own small fixtures
on top of these (named ``rdb``… so they never clash with tests/conftest.py).
Every workbook is built here or in the test with openpyxl; no binary fixtures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from backends import Db, db_state, query
from typer.testing import CliRunner, Result

from kctrack.cli import app

runner = CliRunner()

PLAN_CODE = "JS-2020-71"
OPERATOR = "returns-tester"
SHEET = "月报"  # the template's sheet name (zh)
HEADER_ZH = ("指标编号", "指标名称", "计量单位", "本单位任务", "本月完成", "累计完成", "备注")
HEADER_EN = ("code", "name", "unit_of_measure", "quota", "this_month", "cumulative", "note")
FIRST_ROW = 6  # the template's first data row (header on row 5)

# The template rows of every unit in data/targets.yaml, by unit code: (Chinese name, targets, milestones).
# Written out by hand from the plan file (responsible / breakdown of each target and milestone).
CITIES = {
    "nanjing": "南京市",
    "wuxi": "无锡市",
    "xuzhou": "徐州市",
    "changzhou": "常州市",
    "suzhou": "苏州市",
    "nantong": "南通市",
    "lianyungang": "连云港市",
    "huaian": "淮安市",
    "yancheng": "盐城市",
    "yangzhou": "扬州市",
    "zhenjiang": "镇江市",
    "taizhou": "泰州市",
    "suqian": "宿迁市",
}
# TECH_MANAGER_TEAMS quotas: 苏州、无锡、常州、镇江和南京各25个；扬州、泰州、南通各15个；徐州、连云港、淮安、盐城、宿迁各6个
CITY_QUOTA = {
    "nanjing": 25,
    "wuxi": 25,
    "xuzhou": 6,
    "changzhou": 25,
    "suzhou": 25,
    "nantong": 15,
    "lianyungang": 6,
    "huaian": 6,
    "yancheng": 6,
    "yangzhou": 15,
    "zhenjiang": 25,
    "taizhou": 15,
    "suqian": 6,
}
PROVINCIAL = {
    "talent_centre": "人才服务中心",
    "enterprise_innovation_centre": "企业创新服务中心",
    "society_centre": "学会服务中心",
    "enterprise_office": "企业工作办公室",
    "rural_tech_centre": "农村技术中心",
    "intl_exchange_centre": "国际交流中心",
    "international_dept": "国际部",
    "popsci_dept": "科普部",
    "research_publicity_dept": "调宣部",
}
ALL_UNITS = {**CITIES, **PROVINCIAL}


# -- the command line -------------------------------------------------------------------


def kc(db: Db, *args: Any, env: Mapping[str, str | None] | None = None) -> Result:
    """Run ``kctrack --db DB ARGS…`` in-process; global options go before the command."""
    return runner.invoke(app, ["--db", str(db), *(str(a) for a in args)], env=env)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def no_traceback(result: Result) -> None:
    """A handled failure: exit 1 from typer.Exit, no Python exception escaped, no traceback printed."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def returns_db(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    """tests/conftest.py's ``db`` (made by ``kctrack --db DB init``, on each backend), in a clean environment.

    Each test module's ``rdb`` fixture takes ``db`` as an argument, so that its tests get a
    variant per database (see tests/backends.py).
    """
    clean_env(monkeypatch)
    return db


def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No KCTRACK_* setting leaks in from the shell; a known operator; plain, wide output."""
    for name in (
        "KCTRACK_DB",
        "KCTRACK_LANG",
        "KCTRACK_MAX_FILE_MB",
        "KCTRACK_MAX_UNCOMPRESSED_MB",
        "KCTRACK_BUSY_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KCTRACK_USER", OPERATOR)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


def counts(db: Db) -> dict[str, int]:
    """Rows of the tables an import writes."""
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("batch", "record", "current_value")}


def db_files(db: Db) -> dict[str, Any]:
    """The database as "unchanged" compares it: a SQLite file's bytes (and -wal/-shm), a PostgreSQL snapshot."""
    return db_state(db)


def status_json(db: Db, as_of: str = "2020-06", *extra: str) -> dict[str, Any]:
    return json.loads(ok(kc(db, "status", "--format", "json", "--as-of", as_of, *extra)).stdout)


def target_row(status: dict[str, Any], code: str) -> dict[str, Any]:
    rows = [t for t in status["targets"] if t["code"] == code]
    assert len(rows) == 1, code
    return rows[0]


def share(status: dict[str, Any], code: str, unit_name: str) -> dict[str, Any]:
    rows = [s for s in target_row(status, code)["breakdown"] if s["unit"] == unit_name]
    assert len(rows) == 1, (code, unit_name)
    return rows[0]


def milestone_row(status: dict[str, Any], code: str) -> dict[str, Any]:
    rows = [m for m in status["milestones"] if m["code"] == code]
    assert len(rows) == 1, code
    return rows[0]


def history(db: Db, *extra: str) -> list[dict[str, Any]]:
    return json.loads(ok(kc(db, "history", "--format", "json", *extra)).stdout)["batches"]


def explain(db: Db, code: str, *extra: str) -> dict[str, Any]:
    return json.loads(ok(kc(db, "explain", code, "--format", "json", *extra)).stdout)


def problem_lines(result: Result) -> list[str]:
    """The ``file!sheet!cell: value → reason`` lines an import printed on stderr."""
    return [line for line in result.stderr.splitlines() if "!" in line and ": " in line and not _is_warning(line)]


def _is_warning(line: str) -> bool:
    """A warning line (``…: value → 警告：…``): the import went ahead, or refused it only with --strict."""
    reason = line.split(" → ", 1)[-1].split(": ", 1)[-1]
    return reason.startswith(("警告：", "warning:")) or " → 警告：" in line or " → warning:" in line


# -- workbooks ----------------------------------------------------------------------------


def template(db: Db, out: Path, unit: str = "苏州", month: str | None = "2020-06", *extra: str) -> Path:
    args = ["template", out, "--unit", unit, *extra]
    if month is not None:
        args += ["--month", month]
    ok(kc(db, *args))
    assert out.exists()
    return out


def fill(path: Path, cells: Mapping[str, Any], sheet: str = SHEET, dest: Path | None = None) -> Path:
    """Type values into a workbook's cells (as a unit would) and save it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    dest = dest or path
    wb.save(dest)
    return dest


def template_codes(path: Path, sheet: str = SHEET) -> list[str]:
    """The codes in column A of a template, from the first data row down."""
    ws = openpyxl.load_workbook(path)[sheet]
    codes = []
    for r in range(FIRST_ROW, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if v is None:
            break
        codes.append(v)
    return codes


def sheet_workbook(
    path: Path,
    rows: Sequence[Sequence[Any]],
    title: str = "Sheet1",
    above: Iterable[Sequence[Any]] = (),
) -> Path:
    """A plain workbook: optional rows above (labels), then a header row and data rows, from A1."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in above:
        ws.append(list(row))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def long_workbook(path: Path, rows: Sequence[Sequence[Any]], title: str = "汇总") -> Path:
    """A consolidated sheet in long format: code | unit | month | this_month, header on row 1."""
    return sheet_workbook(path, [("code", "unit", "month", "this_month"), *rows], title=title)


# -- figures in the template, amounts in force, refusals and warnings (tests/test_returns_*.py) ------

TEMPLATE_HEADER_ROW = 5  # the template's header row


@dataclass(frozen=True)
class Place:
    """Where one target's figures go in a template: its row, and the 本月 / 累计 / 上月累计 columns."""

    row: int
    this_month_col: str
    cumulative_col: str
    previous_col: str

    @property
    def this_month(self) -> str:
        return f"{self.this_month_col}{self.row}"

    @property
    def cumulative(self) -> str:
        return f"{self.cumulative_col}{self.row}"

    @property
    def previous(self) -> str:
        return f"{self.previous_col}{self.row}"


def place(path: Path, code: str = "TECH_MANAGER_TEAMS", sheet: str = SHEET) -> Place:
    """Scan the header row for 本月完成 / 累计完成 / 上月累计 and column A for the code."""
    from openpyxl.utils import get_column_letter

    ws = openpyxl.load_workbook(path)[sheet]
    row = TEMPLATE_HEADER_ROW
    header = {ws.cell(row, c).value: get_column_letter(c) for c in range(1, ws.max_column + 1)}
    rows = [r for r in range(row + 1, ws.max_row + 1) if ws.cell(r, 1).value == code]
    assert len(rows) == 1, (code, rows)
    return Place(rows[0], header["本月完成"], header["累计完成"], header["上月累计"])


def suzhou(db: Db, tmp_path: Path, name: str = "sz.xlsx", month: str | None = "2020-06") -> tuple[Path, Place]:
    """苏州's template for a month, and where its TECH_MANAGER_TEAMS figures go."""
    path = template(db, tmp_path / name, "苏州", month)
    return path, place(path)


def amount(db: Db, code: str, unit: str, month: str) -> float | None:
    """The month's amount in force (the current_value table), None when there is none."""
    rows = query(
        db,
        "SELECT value FROM current_value WHERE target_code = ? AND unit_code = ? AND month = ?",
        (code, unit, month),
    )
    return None if not rows else rows[0][0]


def refused(db: Db, result: Result, before: Any, where: str, code: int = 1) -> None:
    """Exit ``code``, the place ``file!sheet!cell`` named on stderr, no traceback, the database as it was."""
    assert result.exit_code == code, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    no_traceback(result)
    assert f"{where}:" in result.stderr, result.stderr
    assert db_files(db) == before


def warned(result: Result, where: str, word: str = "警告") -> None:
    """Exit 0 and a line on stderr naming the place and the word 警告 (or "warning")."""
    ok(result)
    lines = [line for line in result.stderr.splitlines() if where in line]
    assert any(word in line.lower() for line in lines), result.stderr


def returns_grid(db: Db, as_of: str = "2020-07") -> dict[str, dict[str, str]]:
    """``kctrack returns --format json``: unit code → month → received / late / missing / not_due."""
    data = json.loads(ok(kc(db, "returns", "--format", "json", "--as-of", as_of)).stdout)
    return {u["code"]: u["months"] for u in data["units"]}


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """``src`` converted by LibreOffice to ``fmt`` (xls, ods) in ``outdir``: formulas computed, as saved.

    The test is skipped, with the reason, where LibreOffice is not installed.
    """
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: no way to write this format here")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir.parent / f"lo-profile-{outdir.name}"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt]
        + ["--outdir", str(outdir), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / f"{src.stem}.{fmt}"
    assert out.exists(), f"soffice wrote no {out.name}"
    return out


def plain_sheet(path: Path, rows: list[list[Any]], title: str = "汇总") -> Path:
    """A consolidated sheet exactly as given, from A1 (the header is the caller's first row)."""
    return sheet_workbook(path, rows, title=title)


def with_cell_xml(
    src: Path, dest: Path, ref: str, cell_xml: str, *, drop_full_calc: bool = False, sheet: str = SHEET
) -> Path:
    """A copy of a workbook whose cell ``ref`` on the first sheet is exactly ``cell_xml``.

    For what neither openpyxl nor XlsxWriter writes: a formula's saved result as Excel or WPS
    leaves it.  ``drop_full_calc`` also removes openpyxl's fullCalcOnLoad, so that the saved
    result is all there is to read.
    """
    import re
    import zipfile

    fill(src, {ref: "=0"}, sheet=sheet, dest=dest)  # the cell exists, as a formula, to be replaced whole
    out = dest.with_name(dest.stem + "-patched" + dest.suffix)
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"(?:\s[^>]*)?(?:/>|(?<!/)>.*?</c>)', re.S)
    with zipfile.ZipFile(dest) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = pattern.subn(cell_xml.encode(), data)
                assert n == 1, data[:2000]
            if info.filename == "xl/workbook.xml" and drop_full_calc:
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            zout.writestr(info, data)
    out.replace(dest)
    return dest


def visible_copy(src: Path, dest: Path, sheet: str = SHEET) -> Path:
    """The return sheet's values copied into a new workbook: no hidden _kctrack sheet, no merges."""
    ws = openpyxl.load_workbook(src)[sheet]
    wb = openpyxl.Workbook()
    copy = wb.active
    copy.title = sheet
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                copy.cell(cell.row, cell.column, cell.value)
    wb.save(dest)
    return dest
