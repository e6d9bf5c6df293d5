"""Files kctrack writes (exports, templates) are written whole or not at all, and a bad place is one message."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Db, failed, kc, ok

from kctrack import export as xp
from kctrack.i18n import tr


@pytest.fixture
def demo(empty_db: Db) -> Db:
    ok(kc(empty_db, "demo"))
    return empty_db


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("name", ["summary.xlsx", "summary.md", "summary.csv", "summary.json"])
def test_export_under_a_file_is_one_message_and_writes_nothing(demo: Db, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    blocker = folder / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / name
    line = failed(kc(demo, "export", out), 2)
    assert line.startswith(f"{out}: ")
    assert tr("out_unwritable", "zh", reason="")[:6] in line
    assert blocker.read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in folder.iterdir()) == ["not-a-folder"]


def test_a_failed_export_keeps_the_earlier_file(demo: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "2020年度总结.xlsx"
    ok(kc(demo, "export", out))
    before = out.read_bytes()

    def half_then_full_disk(path: Path, data: object, lang: str) -> None:
        path.write_bytes(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xp, "write_xlsx", half_then_full_disk)
    line = failed(kc(demo, "--lang", "en", "export", out), 2)
    assert line == f"{out}: " + tr("out_unwritable", "en", reason="No space left on device")
    assert out.read_bytes() == before  # the earlier export is whole
    assert _leftovers(tmp_path) == []  # and the half one is gone


def test_a_full_disk_while_xlsxwriter_writes_is_one_message(
    demo: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # XlsxWriter wraps the OSError of writing the file in its own FileCreateError: still one message
    import xlsxwriter.workbook

    out = tmp_path / "out" / "summary.xlsx"
    ok(kc(demo, "export", out))
    before = out.read_bytes()

    def full_disk(self: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full_disk)
    line = failed(kc(demo, "--lang", "en", "export", out), 2)
    assert line == f"{out}: " + tr("out_unwritable", "en", reason="No space left on device")
    assert out.read_bytes() == before
    assert _leftovers(out.parent) == []


@pytest.mark.parametrize("name", [".", ""])
def test_export_to_a_folder_is_one_message(
    demo: Db, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = name or str(tmp_path)
    line = failed(kc(demo, "export", target, "--format", "md"), 2)
    assert line == f"{Path(target)}: " + tr("out_unwritable", "zh", reason="Is a directory")


def test_export_makes_missing_folders_and_replaces_its_own_file(demo: Db, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "summary.md"
    ok(kc(demo, "export", out))
    first = out.read_text(encoding="utf-8")
    ok(kc(demo, "export", out, "--as-of", "2020-06"))
    assert out.read_text(encoding="utf-8") != first
    assert "2020-06" in out.read_text(encoding="utf-8")
    assert _leftovers(out.parent) == []


def test_template_to_an_unwritable_place_is_one_message(demo: Db, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    line = failed(kc(demo, "template", blocker / "t.xlsx", "--unit", "苏州"), 2)
    assert line.startswith(f"{blocker / 't.xlsx'}: 无法写入此文件（")
    assert line.endswith(tr("out_unwritable", "zh", reason="").split("）", 1)[1])
    assert blocker.read_text(encoding="utf-8") == "x"
    assert _leftovers(tmp_path) == []
