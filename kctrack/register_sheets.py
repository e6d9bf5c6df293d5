"""Reading a register's list (名册) from a sheet of a return.

The pipeline, one small step each: which register a sheet holds
(:func:`find_register_header`: the row whose cells are a register's headings), the
unit and month it states (labels above the header, the template's hidden sheet,
``--unit``/``--month``, as for the figures), every row's cells by their field's type
(:func:`kctrack.registers.cell_value`, each bad cell named ``file!sheet!cell``), then
the rows of one entry given twice.  What it gives, :class:`RegisterList`, is one unit ×
month × register: the unit of import, history, undo and ``--replace``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kctrack.errors import DataError
from kctrack.excel import cell_ref, is_blank, norm_text
from kctrack.plan import Plan, Register
from kctrack.registers import Entry, cell_value, entry_key, same_text
from kctrack.returns import HEADER_SCAN_ROWS, Options, ReadResult, SheetBase, heading_key, total_kind

if TYPE_CHECKING:
    from kctrack.excel import Sheet, Workbook

# what a unit's own sheet may add to a heading: a required mark, a bracketed note (（必填）, (选填))
_HEADING_NOISE = re.compile(r"[*＊※]|[(（][^)）]*[)）]")
MIN_FIELDS_MATCHED = 2  # a row naming one heading only (备注, 姓名) is no register's header


@dataclass
class RegisterList:
    """One unit's list of one register for one month, from one sheet; ``entries`` in the sheet's order."""

    file: Path
    sheet: str
    sha256: str
    unit: str
    month: str
    register: Register
    entries: list[Entry] = field(default_factory=list)

    @property
    def file_order(self) -> tuple[str, str]:
        return (str(self.file), self.sheet)


@dataclass
class RegisterHeader:
    """Where a register's header is (0-based row) and the column of each field it names."""

    register: Register
    row: int
    columns: dict[str, int]  # field code → column
    unit_col: int | None = None  # a column naming each row's unit (填报单位)
    month_col: int | None = None  # a column naming each row's month (报送月份)


def _heading(value: Any) -> str:
    return same_text(_HEADING_NOISE.sub("", norm_text(value))) if isinstance(value, str) else ""


def _field_columns(reg: Register, row: list[Any]) -> dict[str, int]:
    """The columns of a row that name a field of ``reg`` (its Chinese or English heading, or an alias)."""
    names: dict[str, str] = {}
    for f in reg.fields:
        for name in (f.heading.zh, f.heading.en, *f.aliases):
            names.setdefault(_heading(name), f.code)
    out: dict[str, int] = {}
    for c, value in enumerate(row):
        code = names.get(_heading(value))
        if code is not None and code not in out:
            out[code] = c
    return out


def find_register_header(rows: list[list[Any]], plan: Plan) -> RegisterHeader | None:
    """The register whose headings a row of the sheet's top :data:`HEADER_SCAN_ROWS` gives: every required
    field and at least :data:`MIN_FIELDS_MATCHED` fields; of several, the one naming the most fields."""
    best: RegisterHeader | None = None
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for reg in plan.registers:
            columns = _field_columns(reg, row)
            required = {f.code for f in reg.fields if f.required}
            if len(columns) < MIN_FIELDS_MATCHED or not required <= columns.keys():
                continue
            if best is None or len(columns) > len(best.columns):
                best = RegisterHeader(reg, r, columns)
        if best is not None:
            break
    if best is None:
        return None
    taken = set(best.columns.values())
    for c, value in enumerate(rows[best.row]):
        key = heading_key(value) if c not in taken else None
        if key == "unit" and best.unit_col is None:
            best.unit_col = c
        elif key == "month" and best.month_col is None:
            best.month_col = c
    return best


class RegisterReader(SheetBase):
    """Reads one register sheet into lists (one per unit × month); every problem goes to ``out``."""

    def __init__(
        self,
        wb: Workbook,
        sheet: Sheet,
        plan: Plan,
        header: RegisterHeader,
        options: Options,
        meta: dict[str, str],
        out: ReadResult,
    ) -> None:
        super().__init__(wb, sheet, plan, options, out)
        self.header = header
        self.header_first = header.row
        self.reg = header.register
        self.problems_at_start = len(out.problems)
        self.lists: dict[tuple[str, str], RegisterList] = {}
        self.first_row: dict[tuple[str, str, str], int] = {}  # unit, month, key → the row that gave it first
        self.unplaced = False  # a row read with no unit or no month to put it under
        self.sheet_unit, self.sheet_month = self._sheet_unit_and_month(meta)

    def read(self) -> bool:
        """The pipeline: every row below the header, then the lists' checks.  Returns whether the sheet
        held anything (an entry or a problem): an empty register sheet (a template's, left blank) is no
        list, and a workbook holding nothing else is refused like one without a header."""
        rows = self.sheet.rows
        for r in range(self.header.row + 1, len(rows)):
            self.read_row(r, rows[r])
        self._finish()
        return bool(self.lists) or self.unplaced or len(self.out.problems) > self.problems_at_start

    def read_row(self, r: int, row: list[Any]) -> None:
        """One entry from a row: a blank row or a total row (合计) is passed over."""
        cells = [row[c] if c < len(row) else None for c in self.header.columns.values()]
        if all(is_blank(v) for v in cells) or self._total(row):
            return
        unit, month = self._row_unit(r, row), self._row_month(r, row)
        values, places = self._values(r, row)
        if unit is None or month is None:
            self.unplaced = True
        if values is None or not unit or not month:
            return
        key = entry_key(self.reg, values)
        source = f"{self.wb.path}!{self.sheet.name}"
        entry = Entry(self.reg.code, unit, month, key, values, places, r + 1, None, source)
        first = self.first_row.setdefault((unit, month, key), r + 1)
        if first != r + 1:
            shown = " ".join(str(values.get(k, "")) for k in self.reg.key)
            self.warning(
                cell_ref(r, min(self.header.columns.values())), None, "reg_row_twice", other=first, entry=shown
            )
        lst = self.lists.get((unit, month))
        if lst is None:
            lst = self.lists[(unit, month)] = RegisterList(
                self.wb.path, self.sheet.name, self.wb.sha256, unit, month, self.reg
            )
        lst.entries.append(entry)

    def _values(self, r: int, row: list[Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """Each field's value (None for the values when a cell is refused; each refusal is a problem)."""
        values: dict[str, Any] = {}
        places: dict[str, str] = {}
        ok = True
        for f in self.reg.fields:
            c = self.header.columns.get(f.code)
            raw = row[c] if c is not None and c < len(row) else None
            where = cell_ref(r, c) if c is not None else None
            try:
                value = cell_value(f, raw, self.plan)
            except DataError as exc:
                self.out.problems.append(self._at(where, raw, exc))
                ok = False
                continue
            if value is None:
                if f.required:
                    at = where or cell_ref(r, min(self.header.columns.values()))
                    self.problem(at, None, "reg_required", field=f.heading)
                    ok = False
                continue
            values[f.code] = value
            if where is not None:
                places[f.code] = where
        return (values if ok else None), places

    def _at(self, cell: str | None, raw: Any, exc: DataError) -> Any:
        from kctrack.returns import Problem

        return Problem(self.wb.path, self.sheet.name, cell, raw, exc)

    def _total(self, row: list[Any]) -> bool:
        first = next((v for v in row if not is_blank(v)), None)
        return first is not None and total_kind(first) is not None

    def _row_unit(self, r: int, row: list[Any]) -> str | None:
        c = self.header.unit_col
        raw = row[c] if c is not None and c < len(row) else None
        if is_blank(raw):
            return self.sheet_unit or None
        code = self.plan.find_unit(norm_text(raw))
        if code is None:
            self._unknown_unit(cell_ref(r, c or 0), raw)
        return code

    def _row_month(self, r: int, row: list[Any]) -> str | None:
        from kctrack.parse import parse_month

        c = self.header.month_col
        raw = row[c] if c is not None and c < len(row) else None
        if is_blank(raw):
            return self.sheet_month or None
        month = parse_month(raw, self.year)
        if month is None or not self.plan.start <= month <= self.plan.end:
            self.problem(cell_ref(r, c or 0), raw, "imp_bad_month", value=norm_text(raw))
            return None
        return month

    def _finish(self) -> None:
        """The lists read, each sent by a unit that sends this register; a list naming no unit or month is refused."""
        if self.unplaced and self.sheet_unit is None:
            self.problem(None, None, "reg_no_unit")
            return
        if self.unplaced and self.sheet_month is None:
            self.problem(None, None, "reg_no_month")
            return
        for (unit, _), lst in self.lists.items():
            if unit not in self.reg.units:
                senders = self.plan.unit_list(self.reg.units)
                self.problem(
                    None,
                    None,
                    "reg_not_sender",
                    unit=self.plan.unit_text(unit),
                    register=self.reg.name,
                    senders=senders,
                )
                return
            self.out.lists.append(lst)
