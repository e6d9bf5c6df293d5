"""Reading a register's list (名册) from a sheet of a return.

The pipeline, one small step each: which register a sheet holds
(:func:`scan_registers`: the row whose cells are a register's headings), the
unit and month it states (labels above the header, the template's hidden sheet,
``--unit``/``--month``, as for the figures), every row's cells by their field's type
(:func:`kctrack.registers.cell_value`, each bad cell named ``file!sheet!cell``), then
the rows of one entry given twice.  What it gives, :class:`RegisterList`, is one unit ×
month × register: the unit of import, history, undo and ``--replace``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kctrack.errors import DataError
from kctrack.excel import cell_ref, is_blank, norm_text
from kctrack.plan import Bilingual, Plan, Register
from kctrack.registers import Entry, cell_value, counting_fields, entry_key, same_text
from kctrack.returns import HEADER_SCAN_ROWS, Label, Options, ReadResult, SheetBase, heading_key, total_kind

if TYPE_CHECKING:
    from kctrack.excel import Sheet, Workbook

# what a unit's own sheet may add to a heading: a required mark, a bracketed note (（必填）, (选填))
_HEADING_NOISE = re.compile(r"[*＊※]|[(（][^)）]*[)）]")
MIN_FIELDS_MATCHED = 2  # a row naming one heading only (备注, 姓名) is no register's header
REFUSED = ""  # a row's unit or month whose cell was refused (already a problem): the row is not read


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


@functools.cache
def _heading_index(reg: Register) -> dict[str, str]:
    """A register's headings as compared (Chinese, English, aliases) → the field's code; built once."""
    names: dict[str, str] = {}
    for f in reg.fields:
        for name in (f.heading.zh, f.heading.en, *f.aliases):
            names.setdefault(_heading(name), f.code)
    return names


def _field_columns(reg: Register, row: list[Any]) -> dict[str, int]:
    """The columns of a row that name a field of ``reg`` (its Chinese or English heading, or an alias)."""
    names = _heading_index(reg)
    out: dict[str, int] = {}
    for c, value in enumerate(row):
        code = names.get(_heading(value)) if isinstance(value, str) else None
        if code is not None and code not in out:
            out[code] = c
    return out


def named_register(plan: Plan, sheet_name: str) -> Register | None:
    """The register a sheet is named after (服务企业名册, or its English name): then the sheet is that
    register's list or nothing, whatever other register's headings it might also match."""
    wanted = same_text(sheet_name)
    return next((r for r in plan.registers if wanted in (same_text(r.name.zh), same_text(r.name.en))), None)


@dataclass
class HeaderScan:
    """What the top rows of a sheet say of the registers: the header found (every required heading of a
    register), else the nearest miss (a row naming :data:`MIN_FIELDS_MATCHED` or more headings of one,
    with the required ones it lacks)."""

    header: RegisterHeader | None = None
    near: tuple[Register, int, list[str]] | None = None


def scan_registers(rows: list[list[Any]], plan: Plan, only: Register | None = None) -> HeaderScan:
    """The first row of the sheet's top :data:`HEADER_SCAN_ROWS` giving every required heading of a
    register (of ``only``, when the sheet is named after one) and at least :data:`MIN_FIELDS_MATCHED`;
    of several registers, the one naming the most fields.  Else the nearest miss."""
    out = HeaderScan()
    matched = 0
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for reg in (only,) if only is not None else plan.registers:
            columns = _field_columns(reg, row)
            if len(columns) < MIN_FIELDS_MATCHED:
                continue
            missing = [f.heading.zh for f in reg.fields if f.required and f.code not in columns]
            if not missing and (out.header is None or len(columns) > len(out.header.columns)):
                out.header = RegisterHeader(reg, r, columns)
            elif missing and out.header is None and len(columns) > matched:
                out.near, matched = (reg, r, missing), len(columns)
        if out.header is not None:
            _unit_and_month_columns(out.header, rows[out.header.row])
            return out
    return out


def _unit_and_month_columns(header: RegisterHeader, row: list[Any]) -> None:
    """Columns beside the fields naming each row's unit (填报单位) or month (报送月份)."""
    taken = set(header.columns.values())
    for c, value in enumerate(row):
        key = heading_key(value) if c not in taken else None
        if key == "unit" and header.unit_col is None:
            header.unit_col = c
        elif key == "month" and header.month_col is None:
            header.month_col = c


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
        self.first: dict[tuple[str, str, str], Entry] = {}  # unit, month, key → the row that gave it first
        self.unplaced = False  # a row read with no unit or no month to put it under
        self.sheet_unit, self.sheet_month = self._sheet_unit_and_month(meta)

    def read(self) -> bool:
        """The pipeline: every row below the header, then the lists' checks.  Returns whether the sheet
        held anything (an entry or a problem): an empty register sheet (a template's, left blank) is no
        list, and a workbook holding nothing else is refused like one without a header."""
        self._apply_merges()
        self._unknown_headings()
        rows = self.sheet.rows
        for r in range(self.header.row + 1, len(rows)):
            self.read_row(r, rows[r])
        self._finish()
        return bool(self.lists) or self.unplaced or len(self.out.problems) > self.problems_at_start

    def _unknown_headings(self) -> None:
        """A header cell naming no field (联系人, 电话): a warning, so that a column read by nobody is said."""
        known = {*self.header.columns.values(), self.header.unit_col, self.header.month_col}
        for c, value in enumerate(self.sheet.rows[self.header.row]):
            if c not in known and not is_blank(value):
                self.warning(cell_ref(self.header.row, c), None, "reg_unknown_heading", heading=norm_text(value),
                             register=self.reg.name)  # fmt: skip

    def _apply_merges(self) -> None:
        """A cell merged down several rows (a team's name beside its 7 experts, one 状态 for several
        problems) applies to every row it covers; a whole number merged so (参训人数) is refused: whose
        is it?"""
        rows = self.sheet.rows
        by_col = {c: self.reg.field(code) for code, c in self.header.columns.items()}
        for r0, c0, r1, c1 in self.sheet.merged:
            f = by_col.get(c0)
            if r1 <= self.header.row or r1 == r0 or f is None or r0 >= len(rows) or c0 >= len(rows[r0]):
                continue
            if f.type == "integer":
                span = f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
                self.problem(cell_ref(r0, c0), None, "imp_merged_figure", cells=span)
                continue
            value = rows[r0][c0]
            for r in range(max(r0, self.header.row + 1), min(r1, len(rows) - 1) + 1):
                if c0 < len(rows[r]):
                    rows[r][c0] = value

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
        if not self._once(r, unit, month, key, entry):
            return
        lst = self.lists.get((unit, month))
        if lst is None:
            lst = self.lists[(unit, month)] = RegisterList(
                self.wb.path, self.sheet.name, self.wb.sha256, unit, month, self.reg
            )
        lst.entries.append(entry)

    def _once(self, r: int, unit: str, month: str, key: str, entry: Entry) -> bool:
        """An entry given twice in a list: the same again is a warning (counted once); two rows that
        differ in what a count reads (two sessions of one name and day, 参训人数 100 and 80) are refused,
        as the count would depend on which is read.  Returns whether the row is kept."""
        first = self.first.setdefault((unit, month, key), entry)
        if first is entry:
            return True
        shown = " ".join(str(entry.values.get(k, "")) for k in self.reg.key)
        cell = cell_ref(r, min(self.header.columns.values()))
        differ = [self.reg.field(k).heading for k in sorted(counting_fields(self.reg))
                  if same_text(first.values.get(k, "")) != same_text(entry.values.get(k, ""))]  # fmt: skip
        if differ:
            names = Bilingual("、".join(h.zh for h in differ), ", ".join(h.en for h in differ))
            self.problem(cell, None, "reg_row_twice_differs", other=first.row, entry=shown, fields=names)
            return False
        self.warning(cell, None, "reg_row_twice", other=first.row, entry=shown)
        return True

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
        """The row's unit: its unit column's (refused at the cell when unknown or against ``--unit``), else
        the sheet's; None when neither says, :data:`REFUSED` when the cell was refused."""
        c = self.header.unit_col
        raw = row[c] if c is not None and c < len(row) else None
        if is_blank(raw):
            return self.sheet_unit or None
        assert c is not None
        code = self.plan.find_unit(norm_text(raw))
        if code is None:
            self._unknown_unit(cell_ref(r, c), raw)
            return REFUSED
        if self.options.unit is not None and code != self.options.unit:
            self._contradiction(Label(raw, cell_ref(r, c)), "--unit", self.plan.unit_text(code), self.options.unit)
            return REFUSED
        return code

    def _row_month(self, r: int, row: list[Any]) -> str | None:
        """The row's month: its month column's (refused at the cell when no month of the plan or against
        ``--month``), else the sheet's; None when neither says, :data:`REFUSED` when the cell was refused."""
        from kctrack.parse import parse_month

        c = self.header.month_col
        raw = row[c] if c is not None and c < len(row) else None
        if is_blank(raw):
            return self.sheet_month or None
        assert c is not None
        month = parse_month(raw, self.year)
        if month is None or not self.plan.start <= month <= self.plan.end:
            self.problem(cell_ref(r, c), raw, "imp_bad_month", value=norm_text(raw))
            return REFUSED
        if self.options.month is not None and month != self.options.month:
            self._contradiction(Label(raw, cell_ref(r, c)), "--month", month, self.options.month)
            return REFUSED
        return month

    def _finish(self) -> None:
        """The lists read, each sent by a unit that sends this register; a list naming no unit or month is refused."""
        if self.unplaced and (self.sheet_unit is None or self.sheet_month is None):
            for key, given in (("reg_no_unit", self.sheet_unit), ("reg_no_month", self.sheet_month)):
                if given is None:  # both said at once: one round trip to the unit, not two
                    self.problem(None, None, key)
            return
        refused = sorted({unit for unit, _ in self.lists if unit not in self.reg.units})
        for unit in refused:  # every unit that does not send the register, each at its first row
            first = min(e.row for (u, _), lst in self.lists.items() if u == unit for e in lst.entries)
            cell = cell_ref(first - 1, self.header.unit_col) if self.header.unit_col is not None else None
            senders = self.plan.unit_list(self.reg.units)
            self.problem(cell, None, "reg_not_sender", unit=self.plan.unit_text(unit), register=self.reg.name,
                         senders=senders)  # fmt: skip
        if not refused:
            self.out.lists += self.lists.values()
