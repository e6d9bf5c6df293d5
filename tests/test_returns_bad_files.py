"""Files that are not returns: one clear message each, exit 1, no traceback, nothing written (issue 3, §5)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from returns_helpers import (
    Db,
    counts,
    db_files,
    fill,
    kc,
    no_traceback,
    ok,
    returns_db,
    share,
    sheet_workbook,
    status_json,
    template,
)

import kctrack.env
import kctrack.excel
from kctrack.i18n import tr

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture
def rdb(db: Db, monkeypatch: pytest.MonkeyPatch) -> Db:
    return returns_db(db, monkeypatch)


@pytest.fixture
def good(rdb: Db, tmp_path: Path) -> Path:
    """A clean return of 苏州 for June (5 teams), to damage in various ways."""
    return fill(template(rdb, tmp_path / "good.xlsx", "苏州", "2020-06"), {"E6": 5})


def _refused(db: Db, path: Path, key: str, **params: Any) -> str:
    """Import a bad file: exit 1, no traceback, one message naming the file, the database untouched."""
    before = db_files(db)
    result = kc(db, "import", path)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    reason = tr(key, "zh", **params)
    lines = [line for line in result.stderr.splitlines() if reason in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(str(path)), lines[0]
    assert "有错误，未写入任何内容。" in result.stderr
    assert counts(db) == {"batch": 0, "record": 0, "current_value": 0}
    assert db_files(db) == before
    return lines[0]


def _rezip(source: Path, dest: Path, patch: dict[str, Any]) -> Path:
    """Copy an xlsx member by member, replacing some members' bytes (a callable gets the old bytes)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in patch:
                new = patch[info.filename]
                data = new(data) if callable(new) else new
            zout.writestr(info, data)
    return dest


def test_file_level_message_names_the_file_once(rdb: Db, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    line = _refused(rdb, path, "xl_empty")
    assert line == f"{path}: {tr('xl_empty', 'zh')}"


def test_csv_renamed_xlsx(rdb: Db, tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    path.write_text("code,unit,month,this_month\nTECH_MANAGER_TEAMS,苏州,2020-06,5\n", encoding="utf-8")
    _refused(rdb, path, "xl_not_xlsx")


def test_xls_or_encrypted_workbook(rdb: Db, tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(OLE_MAGIC + b"\x00junk" * 200)
    _refused(rdb, path, "xl_ole")


def test_corrupted_zip(rdb: Db, tmp_path: Path, good: Path) -> None:
    path = tmp_path / "truncated.xlsx"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _refused(rdb, path, "xl_corrupt")


def test_empty_file(rdb: Db, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.touch()
    _refused(rdb, path, "xl_empty")


def test_missing_file(rdb: Db, tmp_path: Path) -> None:
    _refused(rdb, tmp_path / "no-such-return.xlsx", "xl_missing")


def test_a_zip_that_is_not_a_workbook(rdb: Db, tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.txt", "not a workbook")
    _refused(rdb, path, "xl_not_xlsx")


def test_a_workbook_with_a_damaged_part(rdb: Db, tmp_path: Path, good: Path) -> None:
    path = _rezip(good, tmp_path / "damaged.xlsx", {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})
    before = db_files(rdb)
    result = kc(rdb, "import", path)
    assert result.exit_code == 1
    no_traceback(result)
    assert "工作簿无法读取" in result.stderr
    assert db_files(rdb) == before


def test_sheets_without_a_header_row(rdb: Db, tmp_path: Path) -> None:
    path = sheet_workbook(tmp_path / "notes.xlsx", [("本月工作总结",), ("新增团队五个",), (1, 2, 3)])
    _refused(rdb, path, "imp_no_header", rows=30)


def test_header_below_the_rows_scanned(rdb: Db, tmp_path: Path) -> None:
    path = sheet_workbook(
        tmp_path / "deep.xlsx", [("指标编号", "本月完成"), ("TECH_MANAGER_TEAMS", 5)], above=[("说明",)] * 30
    )
    _refused(rdb, path, "imp_no_header", rows=30)


def test_a_sheet_that_is_not_a_return(rdb: Db, tmp_path: Path) -> None:
    """A list of the targets (code and name, no figure column) is not a return: say so, exit 1."""
    path = sheet_workbook(
        tmp_path / "targets.xlsx",
        [("指标编号", "指标名称", "计量单位"), ("TECH_MANAGER_TEAMS", "技术经理人团队", "个")],
    )
    _refused(rdb, path, "imp_no_value_column")


def test_zip_bomb_by_compression_ratio(rdb: Db, tmp_path: Path, good: Path) -> None:
    """11 MB of XML that packs to a few KB: refused before any XML is parsed."""
    padding = b" " * (11 * 2**20)

    def pad(data: bytes) -> bytes:
        return data.replace(b"<sheetData>", b"<sheetData>" + padding, 1)

    path = _rezip(good, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": pad})
    assert path.stat().st_size < 200_000
    _refused(rdb, path, "xl_bomb", mb=11)


def test_uncompressed_size_over_the_limit(rdb: Db, tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kctrack.env, "max_uncompressed_bytes", lambda environ=None: 1024)
    _refused(rdb, good, "xl_bomb", mb=0)


def test_file_size_over_the_limit(rdb: Db, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kctrack.env, "max_file_bytes", lambda environ=None: 1024)
    _refused(rdb, good, "xl_too_big", mb=0)


DOCTYPE = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'


def _before_root(extra: bytes) -> Any:
    """Insert bytes before the root element (openpyxl writes no XML declaration)."""

    def patch(data: bytes) -> bytes:
        assert data.startswith((b"<workbook", b"<worksheet")), data[:40]
        return extra + data

    return patch


def test_xml_with_a_doctype_is_refused(rdb: Db, tmp_path: Path, good: Path) -> None:
    path = _rezip(good, tmp_path / "entity.xlsx", {"xl/workbook.xml": _before_root(DOCTYPE)})
    line = _refused(rdb, path, "xl_doctype")
    assert f"{path}!xl/workbook.xml: " in line


def test_doctype_in_a_sheet_is_refused(rdb: Db, tmp_path: Path, good: Path) -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    path = _rezip(good, tmp_path / "entity.xlsx", {"xl/worksheets/sheet1.xml": _before_root(doctype)})
    line = _refused(rdb, path, "xl_doctype")
    assert f"{path}!xl/worksheets/sheet1.xml: " in line


LATE_DOCTYPE = b'<?xml version="1.0"?><!--' + b"x" * 3000 + b"-->" + DOCTYPE


def test_doctype_behind_a_long_comment_is_refused(rdb: Db, tmp_path: Path, good: Path) -> None:
    """Valid XML may put a DOCTYPE after a comment of any length: the check must not stop at the first 2 KB."""
    path = _rezip(good, tmp_path / "late-entity.xlsx", {"xl/worksheets/sheet1.xml": _before_root(LATE_DOCTYPE)})
    _refused(rdb, path, "xl_doctype")


def test_doctype_behind_a_long_comment_with_errors_out(rdb: Db, tmp_path: Path, good: Path) -> None:
    """With a bad cell and --errors-out the faulty copy is written by openpyxl (defusedxml): no traceback."""
    bad = fill(good, {"E6": "abc"}, dest=tmp_path / "bad.xlsx")
    path = _rezip(bad, tmp_path / "late-entity.xlsx", {"xl/worksheets/sheet1.xml": _before_root(LATE_DOCTYPE)})
    result = kc(rdb, "import", path, "--errors-out", tmp_path / "errors")
    assert result.exit_code == 1
    no_traceback(result)
    assert counts(rdb)["record"] == 0


def test_one_bad_file_among_good_ones_writes_nothing(rdb: Db, tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("a,b\n1,2\n")
    wuxi = fill(template(rdb, tmp_path / "wuxi.xlsx", "无锡", "2020-06"), {"E6": 3})
    before = db_files(rdb)
    result = kc(rdb, "import", good, bad, wuxi)
    assert result.exit_code == 1
    no_traceback(result)
    assert db_files(rdb) == before
    ok(kc(rdb, "import", good, wuxi))
    assert share(status_json(rdb), "TECH_MANAGER_TEAMS", "苏州市")["actual"] == 5


def test_the_good_file_itself_imports(rdb: Db, good: Path) -> None:
    """The control: the undamaged file is a valid return."""
    ok(kc(rdb, "import", good))
    assert counts(rdb)["record"] == 1
    assert openpyxl.load_workbook(good)["月报"]["E6"].value == 5
