"""The plan as plain, immutable data.

Built from a validated plan file (:mod:`kctrack.planfile`) or read back from
the database as JSON, so that the commands that only read (``status``,
``targets``) need neither pydantic nor YAML.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from kctrack.errors import UsageError


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Section:
    id: int
    numeral: str
    name: Text


@dataclass(frozen=True)
class Unit:
    code: str
    name: Text
    kind: str  # city | provincial
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    no: int
    section: int
    text: str
    short: Text
    responsible: tuple[str, ...]
    responsible_text: str
    participating: tuple[str, ...]
    time_node: str
    requirements: str


@dataclass(frozen=True)
class Rule:
    kind: str
    text: str
    min: float | None = None
    max: float | None = None
    per: str | None = None


@dataclass(frozen=True)
class Target:
    code: str
    name: Text
    uom: Text
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
    name: Text
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


@dataclass(frozen=True)
class Plan:
    code: str
    name: Text
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
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- serialisation -------------------------------------------------------
    def to_json(self) -> str:
        data = asdict(self)
        data.pop("_index")
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        d = json.loads(text)

        def t(x: dict[str, str]) -> Text:
            return Text(**x)

        def pairs(xs: list[list[Any]]) -> tuple[tuple[str, float], ...]:
            return tuple((str(a), float(b)) for a, b in xs)

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
                        "breakdown": pairs(g["breakdown"]),
                        "checkpoints": pairs(g["checkpoints"]),
                        "rules": tuple(Rule(**r) for r in g["rules"]),
                    }
                )
                for g in d["targets"]
            ),
            milestones=tuple(
                Milestone(**{**m, "name": t(m["name"]), "responsible": tuple(m["responsible"])})
                for m in d["milestones"]
            ),
            measures=tuple(Measure(**x) for x in d.get("measures", ())),  # plans stored before 0.2 have none
        )

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
            self._index["reporters"] = {t.code: frozenset(t.reporters) for t in self.targets} | {
                m.code: frozenset(m.responsible or (self.office,)) for m in self.milestones
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

    def unit(self, code: str) -> Unit:
        return self._lookup()["unit"][code]

    def task(self, no: int) -> Task:
        return self._lookup()["task"][no]

    def find_unit(self, name: str) -> str | None:
        """A unit's code from its code, Chinese or English name or alias, with or without 市."""
        return self._lookup()["units"].get(_norm_unit(name))

    def resolve_unit(self, name: str) -> str:
        code = self.find_unit(name)
        if code is None:
            names = [u.name.zh for u in self.units]
            close = difflib.get_close_matches(name, names, n=1)
            raise UsageError("unknown_unit", unit=name, suggestion=close[0] if close else "", known=" ".join(names))
        return code

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
            for t in plan.targets
        ],
        "milestones": [
            {
                "code": m.code,
                "name": m.name.get(lang),
                "due": m.due,
                "task": m.task,
                "section": m.section,
                "responsible": units(m.responsible),
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
