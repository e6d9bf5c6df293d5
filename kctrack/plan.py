"""The plan as plain, immutable data.

Built from a validated plan file (:mod:`kctrack.planfile`) or read back from
the database as JSON, so that the commands that only read (``status``,
``targets``) need neither pydantic nor YAML.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from kctrack.errors import DatabaseError, UsageError


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese and English; ``get(lang)`` gives the one to show."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Section:
    id: int
    numeral: str
    name: Bilingual


@dataclass(frozen=True)
class Unit:
    code: str
    name: Bilingual
    kind: str  # city | provincial
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    no: int
    section: int
    text: str
    short: Bilingual
    responsible: tuple[str, ...]
    responsible_text: str
    participating: tuple[str, ...]
    time_node: str
    requirements: str


@dataclass(frozen=True)
class Rule:
    """A rule the document sets on a target's parts, e.g. each team has 7–10 experts.

    ``min``/``max`` are bounds the document states (至少, 以上, 至…); ``value`` is a
    number it states with neither (建有院士协同创新中心的省级学会推动2项: 2 each,
    not "at least 2").  ``per`` names what the rule counts per (team, society, city).
    """

    kind: str
    text: str
    min: float | None = None
    max: float | None = None
    per: str | None = None
    value: float | None = None


@dataclass(frozen=True)
class Target:
    code: str
    name: Bilingual
    uom: Bilingual
    value: float
    minimum: bool
    deadline: str
    task: int
    section: int
    responsible: tuple[str, ...]
    participating: tuple[str, ...]
    source: str
    note: str = ""
    breakdown: tuple[tuple[str, float], ...] = ()
    checkpoints: tuple[tuple[str, float], ...] = ()
    rules: tuple[Rule, ...] = ()
    # "commitment": a number the document commits to reach (has a schedule and a state);
    # "resource" (依托资源): a figure of what already exists that the work draws on
    # (已签约5家海外基地, 40家智库基地…为支撑): never given a schedule state, optionally
    # recorded as "engaged N of M"
    kind: str = "commitment"

    @property
    def is_resource(self) -> bool:
        """A resource drawn on (依托资源), not a commitment: no deadline, schedule or state."""
        return self.kind == "resource"

    @functools.cached_property
    def reporters(self) -> tuple[str, ...]:
        """The units that report this target: the split's units, else the responsible ones."""
        return tuple(u for u, _ in self.breakdown) if self.breakdown else self.responsible

    @functools.cached_property
    def _quotas(self) -> dict[str, float]:
        return dict(self.breakdown)

    def quota(self, unit: str) -> float | None:
        return self._quotas.get(unit)


@dataclass(frozen=True)
class Milestone:
    code: str
    name: Bilingual
    due: str
    task: int | None
    section: int | None
    responsible: tuple[str, ...]
    source: str
    note: str = ""


@dataclass(frozen=True)
class Measure:
    """A unit of measure (计量单位) and whether its figures are whole numbers (teams, firms, people…)."""

    zh: str
    whole: bool = True


FIELD_TYPES = ("text", "integer", "month", "date", "unit", "choice", "uscc")
"""The types of a register's field: free text; a whole number (参训人数); a month (服务月份); a day
(日期); a reporting unit of the plan (所在市); one of the field's ``choices`` (状态); the unified
social credit code of GB 32100-2015 (统一社会信用代码, 18 characters with its check character)."""

COUNT_KINDS = ("distinct", "rows", "sum")
"""How a register feeds a target: the number of distinct values of some fields (firms by credit
code), the number of entries (problems whose 状态 is 已解决), or the sum of a field (参训人数)."""

RULE_KINDS = ("group_size", "quota", "one_group_per_member")


@dataclass(frozen=True)
class RegisterField:
    """A column of a register: its code, its heading (the Chinese one is the template's), its type.

    ``personal``: personal data (an expert's name), kept out of stdout tables unless asked and out of
    the export's CAST sheets unless the register is ``shared``.  ``name_field``: for a ``uscc`` field,
    the field giving the firm's name (one credit code must always come with one name).
    ``aliases``: other headings a unit's own sheet may use for the column.  ``unit_kind``: for a
    ``unit`` field, the kind of unit it takes (``city``: 所在市 is one of the 13 cities).
    """

    code: str
    heading: Bilingual
    type: str
    required: bool = False
    personal: bool = False
    choices: tuple[str, ...] = ()
    name_field: str | None = None
    aliases: tuple[str, ...] = ()
    unit_kind: str | None = None  # a ``unit`` field: only units of this kind (city: 所在市)


@dataclass(frozen=True)
class Feed:
    """A target a register counts: ``count`` (distinct | rows | sum) over the entries whose fields
    equal ``where`` (pairs of field code and value); ``fields`` the fields made distinct (the
    register's key when empty); ``field`` the field summed."""

    target: str
    count: str
    fields: tuple[str, ...] = ()
    field: str | None = None
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RegisterRule:
    """A rule of the document checked on a register's entries (``kctrack register check``).

    - ``group_size``: entries grouped by ``group`` number from ``min`` to ``max`` (每队由7至10名专家组成);
    - ``quota``: each of ``members`` (values of the ``by`` field) has at least ``min`` entries matching
      ``where`` (试点城市至少推动3项), or ``value`` where the document states a number without 至少
      (学会推动2项: fewer is short of it; more is no breach); an empty ``members`` cannot be checked;
    - ``one_group_per_member``: the same ``member`` (fields) in one ``group`` only (an expert in one team).
    ``source``: the document's words the rule comes from.
    """

    kind: str
    source: str
    group: tuple[str, ...] = ()
    member: tuple[str, ...] = ()
    by: str | None = None
    members: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    min: float | None = None
    max: float | None = None
    value: float | None = None


@dataclass(frozen=True)
class Register:
    """A list the document asks the province to keep (名册, 人才库, 档案): its columns, its key (what makes
    two entries the same one), the targets it counts, the units that send it, its rules.

    ``shared``: the plan marks the list as one handed to CAST whole, personal data included.
    """

    code: str
    name: Bilingual
    fields: tuple[RegisterField, ...]
    key: tuple[str, ...]
    feeds: tuple[Feed, ...] = ()
    units: tuple[str, ...] = ()
    shared: bool = False
    rules: tuple[RegisterRule, ...] = ()
    source: str = ""

    def field(self, code: str) -> RegisterField:
        return next(f for f in self.fields if f.code == code)

    @property
    def personal(self) -> tuple[str, ...]:
        """The codes of the fields holding personal data."""
        return tuple(f.code for f in self.fields if f.personal)


@dataclass(frozen=True)
class Plan:
    code: str
    name: Bilingual
    document: str
    start: str
    end: str
    returns_due_day: int
    office: str  # the unit that records a milestone nobody else is responsible for
    behind_ratio: float
    sections: tuple[Section, ...]
    units: tuple[Unit, ...]
    tasks: tuple[Task, ...]
    targets: tuple[Target, ...]
    milestones: tuple[Milestone, ...]
    measures: tuple[Measure, ...] = ()
    registers: tuple[Register, ...] = ()
    addressee: Bilingual | None = None  # 主送机关 of the report to CAST (中国科协)
    issuers: tuple[Bilingual, ...] = ()  # 发文机关: who issued the document and signs the report
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- serialisation -------------------------------------------------------
    def to_json(self) -> str:
        data = asdict(self)
        data.pop("_index")
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """The plan :meth:`to_json` wrote (stored in the database's ``plan_version.body``).

        Every number must be finite: JSON's ``NaN``, ``Infinity``, ``-Infinity``, a number
        that overflows (``1e400``) and a split or checkpoint given as such a string
        (``"nan"``) raise :class:`~kctrack.errors.DatabaseError` (``plan_stored_not_finite``,
        exit 1) naming the first such place, rather than crash a later division.
        """
        d = json.loads(text)
        _refuse_non_finite(d, ())

        def t(x: dict[str, str]) -> Bilingual:
            return Bilingual(**x)

        def pairs(xs: list[list[Any]], where: str) -> tuple[tuple[str, float], ...]:
            out = tuple((str(a), float(b)) for a, b in xs)
            for j, (_, x) in enumerate(out):
                if not math.isfinite(x):  # a string that float() reads as nan or inf
                    raise DatabaseError("plan_stored_not_finite", key_path=f"{where}[{j}]", value=xs[j][1])
            return out

        return cls(
            code=d["code"],
            name=t(d["name"]),
            document=d["document"],
            start=d["start"],
            end=d["end"],
            returns_due_day=d["returns_due_day"],
            office=d["office"],
            behind_ratio=d["behind_ratio"],
            sections=tuple(Section(s["id"], s["numeral"], t(s["name"])) for s in d["sections"]),
            units=tuple(Unit(u["code"], t(u["name"]), u["kind"], tuple(u["aliases"])) for u in d["units"]),
            tasks=tuple(
                Task(
                    **{
                        **k,
                        "short": t(k["short"]),
                        "responsible": tuple(k["responsible"]),
                        "participating": tuple(k["participating"]),
                    }
                )
                for k in d["tasks"]
            ),
            targets=tuple(
                Target(
                    **{
                        **g,
                        "name": t(g["name"]),
                        "uom": t(g["uom"]),
                        "responsible": tuple(g["responsible"]),
                        "participating": tuple(g["participating"]),
                        "breakdown": pairs(g["breakdown"], f"targets[{i}].breakdown"),
                        "checkpoints": pairs(g["checkpoints"], f"targets[{i}].checkpoints"),
                        "rules": tuple(Rule(**r) for r in g["rules"]),
                    }
                )
                for i, g in enumerate(d["targets"])
            ),
            milestones=tuple(
                Milestone(**{**m, "name": t(m["name"]), "responsible": tuple(m["responsible"])})
                for m in d["milestones"]
            ),
            measures=tuple(Measure(**x) for x in d.get("measures", ())),  # plans stored before 0.2 have none
            registers=tuple(_register_from_json(r) for r in d.get("registers", ())),  # none before 0.3
            addressee=t(d["addressee"]) if d.get("addressee") else None,
            issuers=tuple(t(x) for x in d.get("issuers", ())),
        )

    # -- the two kinds of target --------------------------------------------
    @functools.cached_property
    def commitments(self) -> tuple[Target, ...]:
        """The numbers the document commits to reach, in the file's order (28 in the 2020 plan)."""
        return tuple(t for t in self.targets if not t.is_resource)

    @functools.cached_property
    def resources(self) -> tuple[Target, ...]:
        """The resources the work draws on (依托资源; 6 in the 2020 plan): listed, never scheduled."""
        return tuple(t for t in self.targets if t.is_resource)

    # -- look-ups ----------------------------------------------------------
    def _lookup(self) -> dict[str, Any]:
        if not self._index:
            units: dict[str, str] = {}
            for u in self.units:
                for name in (u.code, u.name.zh, u.name.en, *u.aliases):
                    units[_norm_unit(name)] = u.code
            self._index["units"] = units
            self._index["unit"] = {u.code: u for u in self.units}
            self._index["whole"] = {m.zh: m.whole for m in self.measures}
            self._index["target"] = {t.code: t for t in self.targets}
            self._index["milestone"] = {m.code: m for m in self.milestones}
            self._index["task"] = {k.no: k for k in self.tasks}
            self._index["register"] = {r.code: r for r in self.registers}
            self._index["fed_by"] = {f.target: (r, f) for r in self.registers for f in r.feeds}
            self._index["reporters"] = {t.code: frozenset(t.reporters) for t in self.targets} | {
                m.code: frozenset(self.milestone_units(m)) for m in self.milestones
            }
            self._index["reporting"] = frozenset().union(*self._index["reporters"].values())
        return self._index

    def is_whole(self, uom: str) -> bool:
        """Whether figures in a unit of measure (its Chinese word, e.g. 个) are whole numbers.

        From the plan file's ``units_of_measure``; a measure it does not list is a count (whole):
        refusing 2.5 of something costs a phone call, accepting 2.5 teams lands a wrong figure.
        """
        whole = self._lookup()["whole"]
        return whole.get(uom, True)

    def milestone_units(self, m: Milestone) -> tuple[str, ...]:
        """The units responsible for a milestone: its own, else the office (领导小组办公室, which
        records a milestone nobody else is responsible for: 4月份组织调研…)."""
        return m.responsible or (self.office,)

    def register(self, code: str) -> Register | None:
        """The register of a code (e.g. ``FIRMS_SERVED_REGISTER``), None when the plan has none such."""
        return self._lookup()["register"].get(code)

    def resolve_register(self, text: str) -> Register:
        """A register from its code (any case), its Chinese or English name, or the code of a target it
        counts; a usage error (``unknown_register``) naming every register otherwise."""
        wanted = text.strip()
        for r in self.registers:
            if wanted.upper() == r.code or wanted in (r.name.zh, r.name.en):
                return r
        fed = self.fed_by(wanted.upper())  # a target's code: the register that counts it (FIRMS_SERVED)
        if fed is not None:
            return fed[0]
        known = Bilingual(
            "、".join(f"{r.code}（{r.name.zh}）" for r in self.registers) or "无",
            ", ".join(f"{r.code} ({r.name.en})" for r in self.registers) or "none",
        )
        raise UsageError("unknown_register", register=text, known=known)

    def fed_by(self, target: str) -> tuple[Register, Feed] | None:
        """The register that counts a target, and how; None for a target counted from returns alone."""
        return self._lookup()["fed_by"].get(target)

    def registers_of(self, unit: str) -> tuple[Register, ...]:
        """The registers a unit sends (its template holds a sheet for each)."""
        return tuple(r for r in self.registers if unit in r.units)

    def unit(self, code: str) -> Unit:
        return self._lookup()["unit"][code]

    def task(self, no: int) -> Task:
        return self._lookup()["task"][no]

    def find_unit(self, name: str) -> str | None:
        """A unit's code from its code, Chinese or English name or alias, with or without 市."""
        return self._lookup()["units"].get(_norm_unit(name))

    def resolve_unit(self, name: str) -> str:
        """A unit's code from any form :meth:`find_unit` reads; a usage error (``unknown_unit``) otherwise,
        with the closest units (:meth:`close_units`) as its hint and every unit's Chinese name."""
        code = self.find_unit(name)
        if code is None:
            names = self.unit_list(u.code for u in self.units)
            raise UsageError("unknown_unit", unit=name, known=names, **self.unit_hint(name))
        return code

    def close_units(self, name: str) -> list[str]:
        """The codes of the units a mistyped name most likely means, in the plan's order (several on a tie).

        The name is compared, normalised as :meth:`find_unit` normalises it, with
        every form a unit is known by (code, Chinese and English name, aliases,
        each without 市 or 科协), so that 苏洲, 苏洲市, nanjign and 南经 meet 苏州
        and 南京 (南经 is as close to 南通: both are offered).  More units than
        :data:`UNIT_SUGGESTIONS_AT_MOST` equally close are no suggestion: 杭州
        shares only 州 with five cities.
        """
        typed = _norm_unit(name)
        if not typed:
            return []
        scores: dict[str, float] = {}
        matcher = difflib.SequenceMatcher(b=typed)
        for form, code in self._lookup()["units"].items():
            matcher.set_seq1(form)
            score = matcher.ratio()
            if score >= UNIT_MATCH_CUTOFF and score > scores.get(code, 0.0):
                scores[code] = score
        best = max(scores.values(), default=0.0)
        closest = [u.code for u in self.units if u.code in scores and scores[u.code] >= best - 1e-9]
        return closest if len(closest) <= UNIT_SUGGESTIONS_AT_MOST else []

    def unit_hint(self, name: str) -> dict[str, str]:
        """``hint_zh``/``hint_en`` for a message about an unknown unit: "did you mean" the closest units
        (their Chinese name, or their English one), empty when none is close."""
        from kctrack.i18n import tr

        codes = self.close_units(name)
        if not codes:
            return {"hint_zh": "", "hint_en": ""}
        hint = {}
        for lang in ("zh", "en"):
            names = tr("unit_hint_or", lang).join(self.unit_name(c, lang) for c in codes)
            hint[f"hint_{lang}"] = tr("unit_hint", lang, names=names)
        return hint

    def reports(self, unit: str, code: str) -> bool:
        """Whether a unit reports a target (its split's units, else its responsible ones) or a milestone."""
        return unit in self._lookup()["reporters"].get(code, ())

    def reports_anything(self, unit: str) -> bool:
        """Whether a unit reports any target or milestone (has a template, owes returns)."""
        return unit in self._lookup()["reporting"]

    def find_code(self, code: str) -> Target | Milestone | None:
        idx = self._lookup()
        return idx["target"].get(code) or idx["milestone"].get(code)

    def resolve_code(self, code: str) -> Target | Milestone:
        found = self.find_code(code) or self.find_code(code.upper())
        if found is None:
            codes = [t.code for t in self.targets] + [m.code for m in self.milestones]
            close = difflib.get_close_matches(code.upper(), codes, n=1, cutoff=0.5)
            raise UsageError("unknown_code", code=code, suggestion=close[0] if close else "")
        return found

    def unit_name(self, code: str, lang: str) -> str:
        u = self._lookup()["unit"].get(code)
        return u.name.get(lang) if u else code

    def unit_text(self, code: str) -> Bilingual:
        """A unit's name in both languages, for a message parameter (:func:`kctrack.i18n.tr` says the one asked)."""
        return Bilingual(self.unit_name(code, "zh"), self.unit_name(code, "en"))

    def unit_list(self, codes: Iterable[str]) -> Bilingual:
        """Several units' names in both languages, for a message parameter: 苏州市 无锡市 / Suzhou, Wuxi."""
        codes = list(codes)
        zh, en = (self.unit_name(u, "zh") for u in codes), (self.unit_name(u, "en") for u in codes)
        return Bilingual(" ".join(zh), ", ".join(en))


def _register_from_json(d: dict[str, Any]) -> Register:
    """A :class:`Register` from the dict :func:`dataclasses.asdict` made of it."""

    def pairs(xs: list[list[str]]) -> tuple[tuple[str, str], ...]:
        return tuple((str(a), str(b)) for a, b in xs)

    return Register(
        code=d["code"],
        name=Bilingual(**d["name"]),
        fields=tuple(
            RegisterField(
                **{
                    **f,
                    "heading": Bilingual(**f["heading"]),
                    "choices": tuple(f["choices"]),
                    "aliases": tuple(f["aliases"]),
                }
            )
            for f in d["fields"]
        ),
        key=tuple(d["key"]),
        feeds=tuple(Feed(**{**x, "fields": tuple(x["fields"]), "where": pairs(x["where"])}) for x in d["feeds"]),
        units=tuple(d["units"]),
        shared=d["shared"],
        rules=tuple(
            RegisterRule(
                **{
                    **r,
                    "group": tuple(r["group"]),
                    "member": tuple(r["member"]),
                    "members": tuple(r["members"]),
                    "where": pairs(r["where"]),
                }
            )
            for r in d["rules"]
        ),
        source=d.get("source", ""),
    )


def _refuse_non_finite(value: Any, loc: tuple[Any, ...]) -> None:
    """Raise :class:`~kctrack.errors.DatabaseError` at the first non-finite float of parsed JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        raise DatabaseError("plan_stored_not_finite", key_path=path, value=value)
    if isinstance(value, dict):
        for k, v in value.items():
            _refuse_non_finite(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _refuse_non_finite(v, (*loc, i))


# How close (difflib's ratio) a mistyped unit name must come to one of a unit's names to be offered:
# one character of two (苏洲 for 苏州) is 0.5, one of three (连云岗) 0.67, a swapped pair in nanjing 0.86.
UNIT_MATCH_CUTOFF = 0.5
# More units than this equally close tell the user nothing (杭州 is as close to 徐州, 常州, 苏州, 扬州, 泰州).
UNIT_SUGGESTIONS_AT_MOST = 3


def _norm_unit(name: str) -> str:
    name = name.strip().lower()
    for suffix in ("市科学技术协会", "市科协", "科学技术协会", "科协", "市", " city"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def targets_json(plan: Plan, lang: str = "zh") -> dict[str, Any]:
    """The stable JSON contract of ``kctrack targets --format json``."""
    from kctrack.status import num

    def units(codes: tuple[str, ...]) -> list[str]:
        return [plan.unit_name(c, lang) for c in codes]

    return {
        "plan": plan.code,
        "name": plan.name.get(lang),
        "document": plan.document,
        "start": plan.start,
        "end": plan.end,
        "targets": [
            {
                "code": t.code,
                "name": t.name.get(lang),
                "unit_of_measure": t.uom.get(lang),
                "target": num(t.value),
                "minimum": t.minimum,
                "deadline": t.deadline,
                "task": t.task,
                "section": t.section,
                "responsible": units(t.responsible),
                "participating": list(t.participating),
                "breakdown": [{"unit": plan.unit_name(u, lang), "target": num(q)} for u, q in t.breakdown],
                "checkpoints": {m: num(v) for m, v in t.checkpoints},
                "rules": [asdict(r) for r in t.rules],
                "source": t.source,
                "note": t.note,
            }
            for t in plan.commitments
        ],
        "resources": [
            {
                "code": t.code,
                "name": t.name.get(lang),
                "unit_of_measure": t.uom.get(lang),
                "available": num(t.value),
                "task": t.task,
                "section": t.section,
                "responsible": units(t.responsible),
                "source": t.source,
                "note": t.note,
            }
            for t in plan.resources
        ],
        "milestones": [
            {
                "code": m.code,
                "name": m.name.get(lang),
                "due": m.due,
                "task": m.task,
                "section": m.section,
                "responsible": units(plan.milestone_units(m)),
                "source": m.source,
                "note": m.note,
            }
            for m in plan.milestones
        ],
        "tasks": [
            {
                "no": k.no,
                "section": k.section,
                "short": k.short.get(lang),
                "text": k.text,
                "responsible": k.responsible_text,
                "participating": list(k.participating),
                "time_node": k.time_node,
                "requirements": k.requirements,
            }
            for k in plan.tasks
        ],
        "units": [{"code": u.code, "name": u.name.get(lang), "kind": u.kind} for u in plan.units],
    }
