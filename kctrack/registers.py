"""Registers (名册): the lists behind the counts, as plain data and pure rules.

The document asks the province to keep lists, not only numbers: 建立500人院士专家人才库
(task 1), 每队由7至10名相关联专家组成，同时建立名册 (task 6), the firms served and the
chokepoint problems solved (task 8), 建立培训档案 (task 9).  A plan's ``registers:``
section (:class:`kctrack.plan.Register`) says each list's columns, its key and the
targets it counts.  This module holds what follows from the entries alone: what a
cell means (:func:`cell_value`), when two entries are one (:func:`entry_key`), which
entries are in force at a month (:func:`in_force`), the figures they give
(:func:`feed_count`, :func:`levels`) and the document's rules (:func:`check`).  No
database, no workbook: the store reads entries, the sheets are read in
:mod:`kctrack.register_sheets`.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kctrack.errors import DataError
from kctrack.parse import NOTE_MAX_CHARS, parse_day, parse_month, parse_number
from kctrack.plan import Bilingual, Feed, Plan, Register, RegisterField, RegisterRule

KEY_SEP = "\x1f"  # between the key's fields in ``entry_key`` (never typed in a cell: control characters are refused)
USCC_LENGTH = 18  # GB 32100-2015 §4: 18 characters, the last a check character


@dataclass(frozen=True)
class Entry:
    """One row of a register's list as a return gave it.

    ``values``: field code → value (text; an int for ``integer``; ``YYYY-MM`` for ``month``;
    ``YYYY-MM-DD`` for ``date``; a unit code for ``unit``; the compact code for ``uscc``; a
    field left blank is absent).  ``cells``: field code → the cell it came from (``C7``).
    ``month``: the month of the return that listed it.  ``batch``: the batch it was written in
    (None before it is written); ``source``: ``file!sheet`` it came from.
    """

    register: str
    unit: str
    month: str
    key: str
    values: dict[str, Any] = field(compare=False)
    cells: dict[str, str] = field(compare=False)
    row: int = 0
    batch: int | None = None
    source: str = ""

    def where(self, code: str | None = None) -> str:
        """``file!sheet!cell`` of a field (of the row's first cell when ``code`` is None or blank)."""
        cell = self.cells.get(code) if code else None
        if cell is None:
            cell = next(iter(self.cells.values()), f"A{self.row}") if self.cells else f"A{self.row}"
        return f"{self.source}!{cell}" if self.source else cell


# -- what a cell means -------------------------------------------------------------------


def cell_value(f: RegisterField, raw: Any, plan: Plan) -> Any:
    """The value of one register cell, by its field's type; None for a blank cell.

    Raises :class:`~kctrack.errors.DataError` (exit 1) naming what is wrong:
    ``reg_uscc_length`` / ``reg_uscc_format`` / ``reg_uscc_check`` for a credit code that is
    not 18 characters, holds a character GB 32100-2015 does not use, or whose check
    character is wrong (validated by python-stdnum's ``stdnum.cn.uscc``, GB 32100-2015 §4–5);
    ``reg_uscc_number`` for a code stored as a number (Excel keeps 15 significant digits: the
    code is already lost); ``reg_bad_integer``, ``reg_bad_month``, ``reg_bad_date``,
    ``reg_bad_choice``, ``reg_bad_unit``; ``reg_text_long`` for text over
    :data:`~kctrack.parse.NOTE_MAX_CHARS` characters.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    year = int(plan.start[:4])
    kind = f.type
    if kind == "uscc":
        return _uscc(raw)
    if kind == "integer":
        try:
            return int(parse_number(raw, whole=True))
        except DataError as exc:
            raise DataError(
                "reg_bad_integer", field=f.heading, reason=Bilingual(exc.message("zh"), exc.message("en"))
            ) from None
    if kind == "month":
        month = parse_month(raw, year)
        if month is None:
            raise DataError("reg_bad_month", field=f.heading)
        _in_window(f, month, plan)
        return month
    if kind == "date":
        day = parse_day(raw)
        if day is None:
            raise DataError("reg_bad_date", field=f.heading)
        _in_window(f, day[:7], plan)
        return day
    text = _text(raw)
    if len(text) > NOTE_MAX_CHARS:
        raise DataError("reg_text_long", field=f.heading, n=len(text), max=NOTE_MAX_CHARS)
    if kind == "choice":
        choice = next((c for c in f.choices if same_text(c) == same_text(text)), None)
        if choice is None:
            raise DataError("reg_bad_choice", field=f.heading, choices="、".join(f.choices))
        return choice
    if kind == "unit":
        code = plan.find_unit(unicodedata.normalize("NFKC", text))
        if code is None or (f.unit_kind is not None and plan.unit(code).kind != f.unit_kind):
            raise DataError("reg_bad_unit", field=f.heading, **plan.unit_hint(text))
        return code
    return text


def _in_window(f: RegisterField, month: str, plan: Plan) -> None:
    """A month or day of an entry lies within the plan's window (a 2019 session is not the 2020 plan's)."""
    if not plan.start <= month <= plan.end:
        raise DataError("reg_outside_window", field=f.heading, value=month, start=plan.start, end=plan.end)


def counting_fields(register: Register) -> set[str]:
    """The fields a count reads besides the key: ``where`` fields, a summed field, distinct fields, firm
    names.  Two rows of one entry that differ in one of them make the count depend on which is read."""
    out: set[str] = set()
    for feed in register.feeds:
        out |= {k for k, _ in feed.where} | set(feed.fields) | ({feed.field} if feed.field else set())
    out |= {f.name_field for f in register.fields if f.name_field}
    return out - set(register.key)


def _text(raw: Any) -> str:
    """A cell as typed, trimmed; a whole float without its ``.0`` (an employer typed as 12 stays 12).

    Kept as typed (``苏州（工业园区）…`` keeps its full-width brackets: it is the firm's registered name);
    comparisons use :func:`same_text`."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _uscc(raw: Any) -> str:
    """A unified social credit code, compact and upper case, validated by ``stdnum.cn.uscc``."""
    from stdnum import exceptions
    from stdnum.cn import uscc

    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise DataError("reg_uscc_number")
    text = unicodedata.normalize("NFKC", _text(raw))  # full-width digits and letters are the code's own
    try:
        return str(uscc.validate(text))
    except exceptions.InvalidLength:
        raise DataError("reg_uscc_length", n=len(uscc.compact(text)), length=USCC_LENGTH) from None
    except exceptions.InvalidChecksum:
        raise DataError("reg_uscc_check", expected=uscc.calc_check_digit(uscc.compact(text)[:-1])) from None
    except exceptions.ValidationError:
        raise DataError("reg_uscc_format") from None


def same_text(value: Any) -> str:
    """A value as compared: NFKC, case folded, without white space.

    ``南京ＸＸ科技有限公司`` and ``南京XX科技有限公司 `` are one firm; ``（南京）`` and ``(南京)`` too;
    ``张　伟`` (a two-character name padded with a full-width space, as forms often are) is ``张伟``.
    Values are stored as typed; only comparing uses this form."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return "".join(text.split())


def entry_key(register: Register, values: dict[str, Any]) -> str:
    """What makes two entries one: the register's key fields, compared as :func:`same_text` does."""
    return KEY_SEP.join(same_text(values.get(k, "")) for k in register.key)


# -- what is in force ---------------------------------------------------------------------


def in_force(entries: Iterable[Entry], as_of: str, unit: str | None = None) -> list[Entry]:
    """The entries that count at the end of ``as_of``: of each unit's entries of a key, the newest listed
    in a month up to ``as_of`` (by month, then by batch, then by row); of every unit, or of ``unit``.

    A list adds to and restates the unit's lists before it: a problem listed 攻关中 in June and 已解决 in
    August is solved from August.  A row a later list leaves out still counts (lists may give only
    what is new); a corrected list replaces its own month's list (``--replace``).  Two units listing
    one key each keep their own entry: which of them counts is :func:`feed_count`'s rule.
    """
    newest: dict[tuple[str, str, str], Entry] = {}
    for e in entries:
        if e.month > as_of or (unit is not None and e.unit != unit):
            continue
        k = (e.unit, e.register, e.key)
        old = newest.get(k)
        if old is None or _order(e) >= _order(old):
            newest[k] = e
    return list(newest.values())


def _order(e: Entry) -> tuple[str, int, int]:
    """Which of two entries of a key is newer: by month, then batch, then row."""
    return (e.month, e.batch or 0, e.row)


def matches(e: Entry, where: Sequence[tuple[str, str]]) -> bool:
    """Whether an entry's fields hold the values a feed or rule asks for (状态 = 已解决)."""
    return all(e.values.get(k) == v for k, v in where)


def chosen(register: Register, feed: Feed, entries: Iterable[Entry]) -> dict[str, Entry]:
    """Of each key, the entry that counts for a feed: the newest of those matching ``where``.

    Order does not decide between units: a problem one unit lists 已解决 and another 攻关中 in the same
    month is solved (the unit that solved it says so), whichever list came in first."""
    out: dict[str, Entry] = {}
    for e in entries:
        if e.register != register.code or not matches(e, feed.where):
            continue
        old = out.get(e.key)
        if old is None or _order(e) > _order(old):
            out[e.key] = e
    return out


def feed_count(register: Register, feed: Feed, entries: Iterable[Entry]) -> float:
    """A target's figure from the entries in force (:func:`in_force`) of its register.

    ``distinct``: the number of different values of the feed's fields (the register's key when it
    names none): a firm two units served counts once.  ``rows``: the keys with an entry matching
    ``where``.  ``sum``: the sum of ``field`` over them (参训人数), each key (one session) once.
    """
    counted = chosen(register, feed, entries)
    if feed.count == "sum":
        return float(sum(e.values.get(feed.field or "", 0) or 0 for e in counted.values()))
    if feed.count == "rows":
        return float(len(counted))
    fields = feed.fields or register.key
    return float(len({tuple(same_text(e.values.get(k, "")) for k in fields) for e in counted.values()}))


@dataclass
class Figures:
    """A plan's register-fed targets as the lists give them, month by month.

    ``province[target][month]``: the distinct count at the end of the month of all units' lists
    together (a firm two units list counts once).  ``by_unit[(target, unit)][month]``: one unit's own
    list.  ``listing``: per target, the units that have sent its register up to the last month (a
    unit that has not is counted from its returns' figures).  ``first[(target, unit)]``: the month of
    the unit's first list (before it, the unit's returns count; from it, what they gave before it
    is carried and the list adds to it: :func:`carried_level`).
    """

    province: dict[str, dict[str, float]] = field(default_factory=dict)
    by_unit: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    listing: dict[str, set[str]] = field(default_factory=dict)
    first: dict[tuple[str, str], str] = field(default_factory=dict)


def levels(plan: Plan, entries: Sequence[Entry], months: Sequence[str]) -> Figures:
    """The figures of every target a register feeds at the end of each of ``months`` (ascending).

    Only a register some unit has sent counts: a target whose register holds no entry up to the
    last month is left out (its figure comes from the returns, as before registers).
    """
    out = Figures()
    if not months:
        return out
    last = months[-1]
    by_register: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.month <= last:
            by_register[e.register].append(e)
    for reg in plan.registers:
        mine = by_register.get(reg.code)
        if not mine:
            continue
        units = sorted({e.unit for e in mine})
        for feed in reg.feeds:
            out.listing[feed.target] = set(units)
            out.province[feed.target] = {m: feed_count(reg, feed, in_force(mine, m)) for m in months}
            for u in units:
                out.by_unit[(feed.target, u)] = {m: feed_count(reg, feed, in_force(mine, m, u)) for m in months}
                out.first[(feed.target, u)] = min(e.month for e in mine if e.unit == u)
    return out


def carried_level(
    returned: dict[str, float], listed: dict[str, float], first: str, months: Sequence[str]
) -> dict[str, float]:
    """A listing unit's figure at the end of each month: its returns' running total before its first
    list; from the month of its first list, the total its returns reached the month before, plus what
    its lists count.

    A unit that starts sending lists in July (lists may give only what is new) keeps the 45 firms its
    returns gave April–June: its figure never drops to the 3 of its first list.  ``returned``: the
    unit's month amounts from its returns; ``listed``: its list's level per month (``Figures.by_unit``).
    """
    out, running, carried = {}, 0.0, None
    for m in months:
        if m < first:
            running += returned.get(m, 0.0)
            out[m] = running
            continue
        if carried is None:
            carried = running
        out[m] = carried + listed.get(m, 0.0)
    return out


def amounts(levels_by_month: dict[str, float], months: Sequence[str]) -> dict[str, float]:
    """Month amounts from end-of-month levels (what status adds up): the growth of each month."""
    out, before = {}, 0.0
    for m in months:
        level = levels_by_month.get(m, before)
        if level != before:
            out[m] = level - before
        before = level
    return out


# -- the document's rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What ``kctrack register check`` says: a rule broken (``violation``) or a rule it cannot check yet.

    ``key``: the message (``rc_*`` in :mod:`kctrack.i18n`), ``params`` its parameters; ``entries``: the
    entries concerned, for their cells; ``rule``: the document's words (the rule's ``source``).
    """

    register: str
    kind: str
    key: str
    params: dict[str, Any]
    rule: str
    violation: bool = True
    entries: tuple[Entry, ...] = ()

    @property
    def units(self) -> list[str]:
        return sorted({e.unit for e in self.entries})


def check(plan: Plan, entries: Sequence[Entry], as_of: str) -> list[Finding]:
    """Every rule of every register over the entries in force at ``as_of``, and the credit codes.

    Rules (:class:`~kctrack.plan.RegisterRule`): ``group_size`` (每队由7至10名相关联专家组成:
    a team of 6 or of 11 is a violation); ``quota`` (each named society or city below its number
    of problems solved; with no ``members`` named, one finding that cannot be checked yet);
    ``one_group_per_member`` (an expert in two teams).  And across every register: a unified
    social credit code listed with two different firm names (GB 32100-2015 gives each legal
    entity one code).  Findings come in the plan's order of registers and rules.
    """
    live = in_force(entries, as_of)
    by_register: dict[str, list[Entry]] = defaultdict(list)
    for e in live:
        by_register[e.register].append(e)
    out: list[Finding] = []
    for reg in plan.registers:
        mine = by_register.get(reg.code, [])
        for rule in reg.rules:
            out += _RULES[rule.kind](plan, reg, rule, mine)
    out += _one_name_per_code(plan, live)
    return out


def _group(entries: Iterable[Entry], fields: Sequence[str]) -> dict[tuple[str, ...], list[Entry]]:
    groups: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[tuple(same_text(e.values.get(k, "")) for k in fields)].append(e)
    return groups


def _shown(entries: Sequence[Entry], fields: Sequence[str]) -> str:
    """A group's name as its first entry wrote it."""
    return " ".join(str(entries[0].values.get(k, "")) for k in fields)


def _group_size(plan: Plan, reg: Register, rule: RegisterRule, entries: list[Entry]) -> list[Finding]:
    out = []
    for _, members in _group(entries, rule.group).items():
        n = len({e.key for e in members})  # a member two units list is one member
        low = rule.min is not None and n < rule.min
        high = rule.max is not None and n > rule.max
        if low or high:
            params = {"group": _shown(members, rule.group), "n": n, "min": _num(rule.min), "max": _num(rule.max)}
            out.append(Finding(reg.code, rule.kind, "rc_group_size", params, rule.source, True, tuple(members)))
    return out


def _quota(plan: Plan, reg: Register, rule: RegisterRule, entries: list[Entry]) -> list[Finding]:
    by = reg.field(rule.by or "")
    if not rule.members:
        j = reg.rules.index(rule)
        i = plan.registers.index(reg)
        params = {"by": by.heading, "path": f"registers[{i}].rules[{j}].members"}
        return [Finding(reg.code, rule.kind, "rc_quota_unnamed", params, rule.source, False)]
    goal = rule.min if rule.min is not None else rule.value
    counted = [e for e in entries if matches(e, rule.where)]
    out = []
    for member in rule.members:
        wanted = plan.find_unit(member) if by.type == "unit" else None
        name = same_text(wanted or member)
        mine = [e for e in counted if same_text(e.values.get(by.code, "")) == name]
        n = len({e.key for e in mine})
        if goal is not None and n < goal:
            shown: Any = plan.unit_text(wanted) if wanted else member
            params = {"member": shown, "n": n, "goal": _num(goal)}
            out.append(Finding(reg.code, rule.kind, "rc_quota", params, rule.source, True, tuple(mine)))
    return out


def _one_group_per_member(plan: Plan, reg: Register, rule: RegisterRule, entries: list[Entry]) -> list[Finding]:
    out = []
    for _, listed in _group(entries, rule.member).items():
        groups = _group(listed, rule.group)
        if len(groups) > 1:
            names = "、".join(_shown(g, rule.group) for g in groups.values())
            params = {"member": _shown(listed, rule.member), "groups": names, "n": len(groups)}
            out.append(Finding(reg.code, rule.kind, "rc_member_twice", params, rule.source, True, tuple(listed)))
    return out


_RULES = {"group_size": _group_size, "quota": _quota, "one_group_per_member": _one_group_per_member}


def _one_name_per_code(plan: Plan, entries: Sequence[Entry]) -> list[Finding]:
    """A credit code listed with two firm names, in any registers and by any units."""
    names: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    first: dict[str, dict[str, str]] = defaultdict(dict)
    for reg in plan.registers:
        for f in reg.fields:
            if f.type != "uscc" or f.name_field is None:
                continue
            for e in entries:
                code, name = e.values.get(f.code), e.values.get(f.name_field)
                if e.register != reg.code or not code or not name:
                    continue
                names[code][same_text(name)].append(e)
                first[code].setdefault(same_text(name), str(name))
    out = []
    for code, by_name in names.items():
        if len(by_name) > 1:
            shown = "、".join(first[code][n] for n in by_name)
            listed = tuple(e for es in by_name.values() for e in es)
            params = {"code": code, "names": shown}
            out.append(
                Finding(listed[0].register, "one_name_per_code", "rc_two_names", params, "GB 32100-2015", True, listed)
            )
    return out


def _num(x: float | None) -> str:
    from kctrack.words import fmt

    return fmt(x) if x is not None else "—"


def value_text(plan: Plan, reg: Register, code: str, value: Any, lang: str) -> str:
    """A value as a person reads it: a unit's name for a ``unit`` field, the value itself otherwise."""
    if value is None:
        return ""
    if reg.field(code).type == "unit":
        return plan.unit_name(str(value), lang)
    return str(value)


@dataclass(frozen=True)
class Counted:
    """An entry behind a register-fed figure: what it adds (``value``) and, when nothing, why (``why_not``:
    ``counted_once``, the same firm / team / person counted at an earlier entry; ``not_matching``, a
    field does not hold what the feed counts, e.g. 状态 攻关中)."""

    entry: Entry
    value: float
    why_not: str | None = None


def counted(register: Register, feed: Feed, entries: Sequence[Entry]) -> list[Counted]:
    """Each entry with what it adds to :func:`feed_count`, in month, unit and row order: the values add up
    to the figure of the same entries.

    ``entries``: every unit's entries in force (:func:`in_force`), so that an entry two units list is
    shown for both: the one :func:`chosen` counts, the other counted once already (``counted_once``);
    when none of a key's entries matches the feed, each is ``not_matching``."""
    picked = chosen(register, feed, entries)
    out = []
    seen: set[Any] = set()
    fields = feed.fields or register.key
    for e in sorted(entries, key=lambda e: (e.month, e.unit, e.batch or 0, e.row)):
        if e.register != register.code:
            continue
        if e.key not in picked:
            out.append(Counted(e, 0.0, "not_matching"))
        elif picked[e.key] is not e:
            out.append(Counted(e, 0.0, "counted_once"))
        elif feed.count == "sum":
            out.append(Counted(e, float(e.values.get(feed.field or "", 0) or 0)))
        elif feed.count == "rows":
            out.append(Counted(e, 1.0))
        else:
            same = tuple(same_text(e.values.get(k, "")) for k in fields)
            out.append(Counted(e, 0.0, "counted_once") if same in seen else Counted(e, 1.0))
            seen.add(same)
    return out
