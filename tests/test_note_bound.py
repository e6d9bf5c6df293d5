"""Issue 13, row 12: how long a note may be, and what the export does with one longer than a cell.

A note (a return's 备注 cell, ``record --note``) and a reason (``record --reason``) are a sentence or
a paragraph.  The bound is the one the return form already states and enforces as its cell's data
validation: 500 characters (kctrack.template.NOTE_MAX_CHARS, "备注（可选，500 字以内）").  A longer one
is refused where it is given — the import names the cell, ``record`` the option — and nothing is
written.  A database written before the bound may hold longer notes; an Excel cell holds 32,767
characters (UTF-16 code units), and XlsxWriter cut longer text silently: the export now cuts it
itself, ends the cell with a marker saying so, and says under the list how many were cut.

Every expected message and cell is written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import Db, db_state, execute, failed, kc, ok, query
from returns_helpers import fill, place, template

TMT = "TECH_MANAGER_TEAMS"
BOUND = 500
EXCEL_CELL = 32_767


def sources_texts(path: Path) -> list[str]:
    """Every text cell of the export's last sheet (数据来源 / Sources), row by row."""
    ws = openpyxl.load_workbook(path).worksheets[-1]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def export(db: Db, out: Path, *lang: str) -> list[str]:
    ok(kc(db, *lang, "export", out, "--as-of", "2020-06"))
    return sources_texts(out)


# -- refused where it is given ----------------------------------------------------------------------


def test_import_refuses_a_note_longer_than_the_bound_at_its_cell(db: Db, tmp_path: Path) -> None:
    path = template(db, tmp_path / "sz.xlsx", "苏州", "2020-06")
    row = place(path).row
    fill(path, {f"E{row}": 5, f"G{row}": "备" * 501})
    before = db_state(db)
    result = kc(db, "import", path)
    assert result.exit_code == 1, result.output
    assert (
        f"{path}!月报!G{row}: 备注有 501 个字，超过上限 500 字：请把备注缩短到 500 字以内（详细说明另附），再重新导入"
        in (result.stderr.splitlines())
    )
    assert "备" * 501 not in result.output  # the cell is named, its text not echoed
    assert db_state(db) == before
    result = kc(db, "--lang", "en", "import", path)
    assert result.exit_code == 1, result.output
    assert (
        f"{path}!月报!G{row}: the note is 501 characters long, above the limit of 500: shorten it to 500 characters"
        " or fewer (send a longer explanation separately) and import again"
    ) in result.stderr.splitlines()
    assert db_state(db) == before


@pytest.mark.parametrize("option", ["--note", "--reason"])
def test_record_refuses_a_note_or_reason_longer_than_the_bound(db: Db, option: str) -> None:
    before = db_state(db)
    args = ("record", TMT, "5", "--month", "2020-06", "--unit", "苏州", option, "x" * 2_000)
    assert failed(kc(db, *args), 1) == f"{option}: 太长：2,000 个字，上限 500 字；请缩短到 500 字以内"
    assert failed(kc(db, "--lang", "en", *args), 1) == (
        f"{option}: too long: 2,000 characters, the limit is 500; shorten it to 500 characters or fewer"
    )
    assert db_state(db) == before


def test_a_note_at_the_bound_is_taken_and_exported_whole(db: Db, tmp_path: Path) -> None:
    imported, recorded = "备" * 500, "注" * 499 + "。"
    path = template(db, tmp_path / "sz.xlsx", "苏州", "2020-06")
    row = place(path).row
    fill(path, {f"E{row}": 5, f"G{row}": imported})
    ok(kc(db, "import", path))
    ok(kc(db, "record", TMT, "7", "--month", "2020-06", "--unit", "无锡", "--note", recorded))
    notes = query(db, "SELECT note FROM record ORDER BY id")
    assert notes == [(imported,), (recorded,)]
    texts = export(db, tmp_path / "summary.xlsx")
    assert imported in texts and recorded in texts
    assert not [t for t in texts if "已截断" in t or "超过 Excel" in t]


# -- stored before the bound: cut on export, and said ------------------------------------------------------

MARKER_100K = " …〔已截断：原文 100,000 字，Excel 单元格最多 32,767 字；全文见 kctrack history --format json〕"
MARKER_40K = " …〔已截断：原文 40,000 字，Excel 单元格最多 32,767 字；全文见 kctrack history --format json〕"
NOTICE_2 = "2 条备注或原因超过 Excel 单元格上限 32,767 字，已截断并在末尾注明；全文见 kctrack history --format json"


def test_an_older_database_s_overlong_note_and_reason_are_cut_with_a_marker_and_a_notice(
    db: Db, tmp_path: Path
) -> None:
    ok(kc(db, "record", TMT, "5", "--month", "2020-06", "--unit", "苏州", "--note", "短"))
    ok(kc(db, "record", TMT, "7", "--month", "2020-06", "--unit", "无锡"))
    note, reason = "备" * 100_000, "因" * 40_000
    execute(db, "UPDATE record SET note = ? WHERE batch_id = 1", (note,))
    execute(db, "UPDATE batch SET reason = ? WHERE id = 2", (reason,))
    texts = export(db, tmp_path / "summary.xlsx")
    assert "备" * (EXCEL_CELL - len(MARKER_100K)) + MARKER_100K in texts
    assert "因" * (EXCEL_CELL - len(MARKER_40K)) + MARKER_40K in texts
    assert max(len(t) for t in texts) == EXCEL_CELL  # each cut cell as full as a cell can be
    assert texts[-1] == NOTICE_2  # under the list of notes
    en = export(db, tmp_path / "summary-en.xlsx", "--lang", "en")
    marker = (
        " … [cut: 100,000 characters in all, an Excel cell holds 32,767; kctrack history --format json has it whole]"
    )
    assert "备" * (EXCEL_CELL - len(marker)) + marker in en
    assert en[-1] == (
        "2 notes or reasons are longer than an Excel cell holds (32,767 characters): each is cut and says so at"
        " its end; kctrack history --format json has them whole"
    )
    # what the marker points at: the history has the note whole
    assert query(db, "SELECT length(note) FROM record WHERE batch_id = 1") == [(100_000,)]


def test_a_cut_counts_as_excel_does_and_never_splits_a_character(db: Db, tmp_path: Path) -> None:
    """𠀀 (U+20000) is two UTF-16 code units, as Excel counts: 20,000 of them are 40,000, over a cell."""
    ok(kc(db, "record", TMT, "5", "--month", "2020-06", "--unit", "苏州", "--note", "短"))
    execute(db, "UPDATE record SET note = ? WHERE batch_id = 1", ("𠀀" * 20_000,))
    marker = " …〔已截断：原文 20,000 字，Excel 单元格最多 32,767 字；全文见 kctrack history --format json〕"
    assert len(marker) == 74
    kept = 16_346  # (32,767 - 74) / 2 = 16,346.5 characters: the half of one is dropped, not written
    texts = export(db, tmp_path / "summary.xlsx")
    assert "𠀀" * kept + marker in texts
    assert (
        texts[-1]
        == "1 条备注或原因超过 Excel 单元格上限 32,767 字，已截断并在末尾注明；全文见 kctrack history --format json"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("import", "--reason"),
        ("undo", "1", "--reason"),
        ("lock", "2020-06", "--reason"),
        ("unlock", "2020-06", "--reason"),
    ],
    ids=lambda a: a[0],
)
def test_every_reason_is_bounded_like_a_note(db: Db, tmp_path: Path, args: tuple[str, ...]) -> None:
    """A reason is free text a person gives, kept with the change and printed in history and the
    export: the same 500-character bound as a note, refused before anything is read or written."""
    before = db_state(db)
    command = list(args)
    if command[0] == "import":
        command.insert(1, str(fill(template(db, tmp_path / "sz.xlsx"), {"E6": 5})))
    message = failed(kc(db, *command, "理" * 501), 1)
    assert message == "--reason: 太长：501 个字，上限 500 字；请缩短到 500 字以内"
    assert db_state(db) == before
