"""Load and validate a plan file (data/targets.yaml or any file of the same schema).

The file is parsed with YAML's safe loader, checked by pydantic for shape and
by :func:`_check` for the rules that span the file (unique codes, splits that
sum, months inside the plan window, known units and tasks).  Every problem is
reported at once with file, line and key; nothing is returned unless all pass.

A plan file is untrusted input: before anything walks it, its size, the number
of its YAML nodes (counted with aliases expanded), of its aliases and its depth
are bounded (the ``MAX_PLAN_*`` limits below), so that an alias bomb ("billion
laughs") or a deeply nested file is refused at once, and every number must be
finite (no ``.nan``, ``.inf``, nor ``1e400``, which overflows to infinity).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kctrack.errors import ManyErrors, PlanError
from kctrack.plan import (
    Bilingual,
    Feed,
    Measure,
    Milestone,
    Plan,
    Register,
    RegisterField,
    RegisterRule,
    Rule,
    Section,
    Target,
    Task,
    Unit,
)
from kctrack.schedule import is_month

Month = str

# -- limits (docs/security.md) ------------------------------------------------------------------
# The real plan (data/targets.yaml) is ~56 KB, 2 674 YAML nodes, no alias, 6 levels deep.

# Largest plan file read, checked on the file's size before reading it: 35 times the real one,
# while a file of gigabytes (or a device that never ends) is refused without being read;
# 2 MB of mere comments or blank lines take PyYAML 2 to 6 s to scan.
MAX_PLAN_BYTES = 2 * 1024 * 1024
# Most YAML nodes (values, lists, mappings), counted as PyYAML composes them with every alias
# expanded (an alias counts the nodes it stands for): 19 times the real plan, while 9 levels
# of 9 aliases (a 500-byte "billion laughs") would stand for 387 million.  PyYAML's composer is
# pure Python (~70 µs a node): 50 000 nodes are refused within seconds, 200 000 took 15 s.
MAX_PLAN_NODES = 50_000
# Most aliases (*name): a plan needs none; a few repeated lists are fine, more are a hand-made bomb.
MAX_PLAN_ALIASES = 100
# Deepest nesting of lists and mappings: the real plan has 6 levels; PyYAML composes
# recursively, so a file of 10 000 "[" would otherwise end in a RecursionError.
MAX_PLAN_DEPTH = 50


class _Model(BaseModel):
    # allow_inf_nan=False: .nan, .inf, -.inf and numbers that overflow to infinity (1e400, also
    # given as a string) are refused in every float and int of the schema; status would divide by them
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class TextModel(_Model):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


def _month(v: Any) -> str:
    v = str(v)
    if not is_month(v):
        raise ValueError("month_format")
    return v


class Thresholds(_Model):
    behind: float = Field(0.8, gt=0, le=1)


class PlanHead(_Model):
    code: str = Field(min_length=1)
    name: TextModel
    document: str
    issued: str | None = None
    start: Month
    end: Month
    returns_due_day: int = Field(10, ge=1, le=28)
    office: str | None = None
    addressee: TextModel | None = None  # 主送机关 of the report to CAST (kctrack export 报告.docx)
    issuers: list[TextModel] = []  # 发文机关: the bodies issuing the document, who sign the report
    thresholds: Thresholds = Field(default_factory=lambda: Thresholds(behind=0.8))

    _m = field_validator("start", "end", mode="before")(_month)


class SectionModel(_Model):
    id: int = Field(ge=1)
    numeral: str
    name: TextModel


class UnitModel(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: TextModel
    kind: Literal["city", "provincial"]
    aliases: list[str] = []


class TaskModel(_Model):
    id: int = Field(ge=1)  # the row's 序号 (not "no": YAML reads that key as false)
    section: int
    text: str
    short: TextModel
    responsible: list[str] = Field(min_length=1)
    responsible_text: str | None = None
    participating: list[str] = []
    time_node: str
    requirements: str = ""


class RuleModel(_Model):
    kind: str
    text: str
    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)
    per: str | None = None
    value: float | None = Field(None, ge=0)  # a stated number that is neither a minimum nor a maximum


class TargetModel(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: TextModel
    uom: TextModel
    value: float = Field(ge=0)
    minimum: bool = False
    # commitment: a number to reach; resource (依托资源): what exists and is drawn on, never scheduled
    kind: Literal["commitment", "resource"] = "commitment"
    deadline: Month | None = None  # required for a commitment; a resource's is the plan's end
    task: int
    responsible: list[str] | None = None
    participating: list[str] | None = None
    source: str = Field(min_length=1)
    note: str = ""
    breakdown: dict[str, float] = {}
    checkpoints: dict[str, float] = {}
    rules: list[RuleModel] = []

    _m = field_validator("deadline", mode="before")(_month)

    @field_validator("breakdown", "checkpoints")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        for key, x in v.items():
            if x < 0:
                raise ValueError(f"negative:{key}")
        return v

    @field_validator("checkpoints", mode="before")
    @classmethod
    def _months(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {_month(k): x for k, x in v.items()}
        return v


class MeasureModel(_Model):
    whole: bool = True
    en: str | None = None


class MilestoneModel(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: TextModel
    due: Month
    task: int | None = None
    section: int | None = None
    responsible: list[str] | None = None
    source: str = Field(min_length=1)
    note: str = ""

    _m = field_validator("due", mode="before")(_month)


class RegisterFieldModel(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    type: Literal["text", "integer", "month", "date", "unit", "choice", "uscc"] = "text"
    required: bool = False
    personal: bool = False
    choices: list[str] = []
    name_field: str | None = None
    aliases: list[str] = []
    unit_kind: Literal["city", "provincial"] | None = None


class FeedModel(_Model):
    target: str
    count: Literal["distinct", "rows", "sum"]
    fields: list[str] = []
    field: str | None = None
    where: dict[str, str] = {}


class RegisterRuleModel(_Model):
    kind: Literal["group_size", "quota", "one_group_per_member"]
    source: str = Field(min_length=1)
    group: list[str] = []
    member: list[str] = []
    by: str | None = None
    members: list[str] = []
    where: dict[str, str] = {}
    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)
    value: float | None = Field(None, ge=0)


class RegisterModel(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: TextModel
    source: str = ""
    fields: list[RegisterFieldModel] = Field(min_length=1)
    key: list[str] = Field(min_length=1)
    feeds: list[FeedModel] = []
    units: list[str] | None = None  # who sends the list; the reporters of the targets it feeds when absent
    shared: bool = False
    rules: list[RegisterRuleModel] = []


class PlanFile(_Model):
    schema_version: Literal[1] = Field(1, alias="schema")
    plan: PlanHead
    sections: list[SectionModel] = Field(min_length=1)
    units: list[UnitModel] = Field(min_length=1)
    tasks: list[TaskModel] = Field(min_length=1)
    targets: list[TargetModel]
    milestones: list[MilestoneModel] = []
    # the units of measure and whether their figures are whole numbers (a measure not listed is a count)
    units_of_measure: dict[str, MeasureModel] = {}
    # the lists the document asks the province to keep, and the targets they count (kctrack.registers)
    registers: list[RegisterModel] = []


# ---------------------------------------------------------------------------


def load_plan(path: str | Path) -> Plan:
    """Read, validate and convert a plan file into a :class:`~kctrack.plan.Plan`.

    The file's size is read first: a file over :data:`MAX_PLAN_BYTES` is refused
    (``plan_too_large``) without reading it, and no more than that is ever read
    (a file that grows meanwhile, a device).  Raises :class:`PlanError` (exit 2)
    for a missing, unreadable, too large or malformed file, :class:`ManyErrors`
    (exit 2) listing every problem of a file that parses (see :func:`parse_plan`).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise _too_large(path, size)
        with path.open("rb") as f:
            data = f.read(MAX_PLAN_BYTES + 1)
        if len(data) > MAX_PLAN_BYTES:
            raise _too_large(path, len(data))
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise PlanError("plan_missing", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError("plan_unreadable", where=str(path), reason=str(exc)) from None
    return parse_plan(text, str(path))


def _too_large(path: Path, size: int) -> PlanError:
    return PlanError(
        "plan_too_large", where=str(path), size=size, limit=MAX_PLAN_BYTES, limit_mb=MAX_PLAN_BYTES // (1024 * 1024)
    )


def parse_plan(text: str, filename: str = "<plan>") -> Plan:
    """Validate a plan file's text and convert it into a :class:`~kctrack.plan.Plan`.

    ``filename`` only names the file in messages (``FILE:LINE: key: problem``).
    Raises :class:`PlanError` (exit 2) for a YAML syntax error, a file that is
    not a mapping, or a limit reached while composing (:class:`_BoundedLoader`:
    too many nodes or aliases, too deep, an alias cycle), before anything
    follows an alias; :class:`ManyErrors` (exit 2) with every problem of the
    schema (unknown or missing keys, bad or non-finite values, duplicate keys)
    or of the cross-checks (:func:`_check`) otherwise.
    """
    loader = None
    try:
        loader = _BoundedLoader(text, filename)  # its reader refuses control characters at once
        node = loader.get_single_node()
        errors: list[tuple[tuple[Any, ...], str, dict[str, Any]]] = []
        # on the composed graph, before construction merges ("<<") keys into the mappings
        errors += [(loc, "plan_duplicate_key", {}) for loc in _duplicate_keys(node)]
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise PlanError("plan_yaml", where=where, reason=str(getattr(exc, "problem", exc))) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict) or node is None:
        raise PlanError("plan_not_mapping", where=filename)

    try:
        model = PlanFile.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            errors.append(_pydantic_error(e))
        model = None
    if model is not None:
        errors += _check(model)
    if errors:
        raise ManyErrors(
            [
                PlanError(key, where=f"{filename}:{_line(node, loc)}", key_path=_path(loc), **params)
                for loc, key, params in errors
            ],
            exit_code=2,
        )
    assert model is not None
    return _to_plan(model)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting while it composes: refuses a document over the limits.

    Every composed node counts 1 and every alias the number of nodes it stands
    for (its anchor's node with the aliases inside expanded), so the count is
    the size of the tree a walk would see; aliases and depth are counted too.
    A limit reached raises :class:`PlanError` (exit 2) at the node's line; an
    alias inside its own anchor (a cycle) as well.  Nothing is expanded: the
    size of an anchored node is known once it is composed.  A value its tag
    cannot hold (``2020-13-01``) is a YAML error at its line, not a crash.
    """

    def __init__(self, text: str, filename: str) -> None:
        super().__init__(text)
        self.filename = filename
        self._nodes = 0  # with aliases expanded
        self._aliases = 0
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes it stands for, once composed

    def _limit(self, key: str, mark: Any, **params: Any) -> PlanError:
        return PlanError(key, where=f"{self.filename}:{mark.line + 1}", **params)

    def _count(self, n: int, mark: Any) -> None:
        self._nodes += n
        if self._nodes > MAX_PLAN_NODES:
            raise self._limit("plan_too_many_nodes", mark, limit=MAX_PLAN_NODES)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_PLAN_ALIASES:
                raise self._limit("plan_too_many_aliases", event.start_mark, limit=MAX_PLAN_ALIASES)
            node = super().compose_node(parent, index)  # the anchor's node (or an undefined alias: YAMLError)
            size = self._sizes.get(id(node))
            if size is None:  # its anchor is still being composed: the alias is inside it
                raise self._limit("plan_alias_cycle", event.start_mark, anchor=event.anchor)
            self._count(size, event.start_mark)
            return node
        if self._depth >= MAX_PLAN_DEPTH:
            raise self._limit("plan_too_deep", event.start_mark, limit=MAX_PLAN_DEPTH)
        self._count(1, event.start_mark)
        before = self._nodes
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._sizes[id(node)] = 1 + self._nodes - before
        return node

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # a value its tag cannot hold (2020-13-01 read as a date, !!int x) is a YAML error at its line, not a crash
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{str(node.value)[:40]!r}: {exc}", node.start_mark
            ) from None


_PYDANTIC_KEYS = {
    "extra_forbidden": "plan_unknown_key",
    "missing": "plan_missing_key",
    "greater_than_equal": "plan_negative",
    "greater_than": "plan_bad_value",
    "finite_number": "plan_not_finite",
}


def _pydantic_error(e: Any) -> tuple[tuple[Any, ...], str, dict[str, Any]]:
    loc = tuple(e["loc"])
    msg = str(e.get("msg", ""))
    if "month_format" in msg:
        return loc, "plan_bad_month", {"value": e.get("input")}
    if "negative:" in msg:
        return (*loc, msg.split("negative:", 1)[1]), "plan_negative", {}
    key = _PYDANTIC_KEYS.get(e["type"], "plan_bad_value")
    return loc, key, {"reason": msg, "value": e.get("input")}


def _check(f: PlanFile) -> list[tuple[tuple[Any, ...], str, dict[str, Any]]]:
    errs: list[tuple[tuple[Any, ...], str, dict[str, Any]]] = []
    start, end = f.plan.start, f.plan.end
    if end < start:
        errs.append((("plan", "end"), "plan_window", {"start": start, "end": end}))
    unit_codes = {u.code for u in f.units}
    if f.plan.office is not None and f.plan.office not in unit_codes:
        errs.append((("plan", "office"), "plan_unknown_unit", {"unit": f.plan.office}))
    sections = {s.id for s in f.sections}
    tasks = {t.id for t in f.tasks}

    def dupes(kind: str, codes: list[Any]) -> None:
        seen: set[Any] = set()
        for i, c in enumerate(codes):
            if c in seen:
                errs.append(((kind, i, "code" if kind != "tasks" else "id"), "plan_duplicate_code", {"code": c}))
            seen.add(c)

    dupes("units", [u.code for u in f.units])
    dupes("tasks", [t.id for t in f.tasks])
    all_codes = [("targets", i, t.code) for i, t in enumerate(f.targets)] + [
        ("milestones", i, m.code) for i, m in enumerate(f.milestones)
    ]
    seen: set[str] = set()
    for kind, i, code in all_codes:
        if code in seen:
            errs.append(((kind, i, "code"), "plan_duplicate_code", {"code": code}))
        seen.add(code)

    def units_known(loc: tuple[Any, ...], codes: list[str] | None) -> None:
        for j, c in enumerate(codes or []):
            if c not in unit_codes:
                errs.append(((*loc, j), "plan_unknown_unit", {"unit": c}))

    for i, t in enumerate(f.tasks):
        if t.section not in sections:
            errs.append((("tasks", i, "section"), "plan_unknown_section", {"value": t.section}))
        units_known(("tasks", i, "responsible"), t.responsible)
    for i, g in enumerate(f.targets):
        if g.task not in tasks:
            errs.append((("targets", i, "task"), "plan_unknown_task", {"value": g.task}))
        if g.deadline is None:
            if g.kind == "commitment":
                errs.append((("targets", i, "deadline"), "plan_deadline_missing", {}))
        elif not start <= g.deadline <= end:
            errs.append(
                (("targets", i, "deadline"), "plan_outside_window", {"value": g.deadline, "start": start, "end": end})
            )
        units_known(("targets", i, "responsible"), g.responsible)
        for u in g.breakdown:
            if u not in unit_codes:
                errs.append((("targets", i, "breakdown", u), "plan_unknown_unit", {"unit": u}))
        if g.breakdown and abs(sum(g.breakdown.values()) - g.value) > 1e-9:
            errs.append(
                (
                    ("targets", i, "breakdown"),
                    "plan_breakdown_sum",
                    {"sum": _num(sum(g.breakdown.values())), "value": _num(g.value)},
                )
            )
        for cm, v in g.checkpoints.items():
            if not start <= cm <= (g.deadline or end):
                errs.append(
                    (
                        ("targets", i, "checkpoints", cm),
                        "plan_outside_window",
                        {"value": cm, "start": start, "end": g.deadline or end},
                    )
                )
            if v > g.value:
                errs.append(
                    (
                        ("targets", i, "checkpoints", cm),
                        "plan_checkpoint_high",
                        {"value": _num(v), "target": _num(g.value)},
                    )
                )
        for j, r in enumerate(g.rules):
            if r.min is not None and r.max is not None and r.min > r.max:
                errs.append((("targets", i, "rules", j), "plan_rule_range", {}))
    for i, m in enumerate(f.milestones):
        if not start <= m.due <= end:
            errs.append((("milestones", i, "due"), "plan_outside_window", {"value": m.due, "start": start, "end": end}))
        if m.task is not None and m.task not in tasks:
            errs.append((("milestones", i, "task"), "plan_unknown_task", {"value": m.task}))
        units_known(("milestones", i, "responsible"), m.responsible)
    errs += _check_registers(f, unit_codes)
    return errs


_Err = tuple[tuple[Any, ...], str, dict[str, Any]]  # where (a key path), message key, its parameters
_RULE_NEEDS = {"group_size": ("group",), "quota": ("by",), "one_group_per_member": ("group", "member")}


def _check_registers(f: PlanFile, unit_codes: set[str]) -> list[_Err]:
    """Every register: a code no target or milestone has, fields it names, targets the plan sets (each
    counted by one register only), units the plan lists, choices for a choice field and a ``where``
    value among them, a key of required fields, rules with what their kind needs."""
    errs: list[_Err] = []
    targets = {t.code for t in f.targets}
    fed: dict[str, str] = {}  # a target → the register counting it
    codes: set[str] = targets | {m.code for m in f.milestones}
    for i, reg in enumerate(f.registers):
        loc = ("registers", i)
        if reg.code in codes:
            errs.append(((*loc, "code"), "plan_duplicate_code", {"code": reg.code}))
        codes.add(reg.code)
        fields = {x.code: x for x in reg.fields}
        errs += _check_fields(loc, reg)
        errs += _unknown_fields((*loc, "key"), reg.key, fields)
        errs += [((*loc, "key", j), "plan_register_key_optional", {"field": k})
                 for j, k in enumerate(reg.key) if k in fields and not fields[k].required]  # fmt: skip
        for j, feed in enumerate(reg.feeds):
            errs += _check_feed((*loc, "feeds", j), feed, fields, targets, fed.get(feed.target))
            fed.setdefault(feed.target, reg.code)
        errs += [((*loc, "units", j), "plan_unknown_unit", {"unit": u})
                 for j, u in enumerate(reg.units or []) if u not in unit_codes]  # fmt: skip
        for j, rule in enumerate(reg.rules):
            errs += _check_rule((*loc, "rules", j), rule, fields)
    return errs


def _check_fields(loc: tuple[Any, ...], reg: RegisterModel) -> list[_Err]:
    """Field codes and headings once each; choices exactly for a choice field; a firm-name field that exists."""
    errs: list[_Err] = []
    codes = {x.code for x in reg.fields}
    for j, x in enumerate(reg.fields):
        if any(x.code == y.code or x.zh == y.zh for y in reg.fields[:j]):
            errs.append(((*loc, "fields", j, "code"), "plan_duplicate_code", {"code": x.code}))
        if (x.type == "choice") != bool(x.choices):
            errs.append(((*loc, "fields", j, "choices"), "plan_register_choices", {"field": x.code}))
        if x.name_field is not None and (x.type != "uscc" or x.name_field not in codes):
            errs.append(((*loc, "fields", j, "name_field"), "plan_register_field", {"field": x.name_field}))
    return errs


def _check_feed(
    at: tuple[Any, ...], feed: FeedModel, fields: dict[str, Any], targets: set[str], other: str | None
) -> list[_Err]:
    """A feed counts a target of the plan no other register counts, by fields the register has; a sum sums
    a whole number."""
    errs: list[_Err] = []
    if feed.target not in targets:
        errs.append(((*at, "target"), "plan_register_target", {"target": feed.target}))
    elif other is not None:
        errs.append(((*at, "target"), "plan_register_fed_twice", {"target": feed.target, "other": other}))
    errs += _unknown_fields((*at, "fields"), feed.fields, fields) + _bad_values((*at, "where"), feed.where, fields)
    summed = fields.get(feed.field or "")
    if feed.count == "sum" and (summed is None or summed.type != "integer"):
        errs.append(((*at, "field"), "plan_register_sum", {"field": feed.field or ""}))
    return errs


def _check_rule(at: tuple[Any, ...], rule: RegisterRuleModel, fields: dict[str, Any]) -> list[_Err]:
    """A rule names fields the register has and gives what its kind needs (a group, a member, a bound)."""
    errs = _unknown_fields((*at, "group"), rule.group, fields) + _unknown_fields((*at, "member"), rule.member, fields)
    errs += _bad_values((*at, "where"), rule.where, fields)
    if rule.by is not None:
        errs += _unknown_fields(at, [rule.by], fields)
    errs += [((*at, name), "plan_missing_key", {}) for name in _RULE_NEEDS[rule.kind] if not getattr(rule, name)]
    if (rule.kind == "quota" and rule.min is None and rule.value is None) or (
        rule.kind == "group_size" and rule.min is None and rule.max is None
    ):
        errs.append(((*at, "min"), "plan_missing_key", {}))
    if rule.min is not None and rule.max is not None and rule.min > rule.max:
        errs.append((at, "plan_rule_range", {}))
    return errs


def _unknown_fields(at: tuple[Any, ...], names: list[str] | None, fields: dict[str, Any]) -> list[_Err]:
    return [
        ((*at, k), "plan_register_field", {"field": name}) for k, name in enumerate(names or []) if name not in fields
    ]


def _bad_values(at: tuple[Any, ...], pairs: dict[str, str], fields: dict[str, Any]) -> list[_Err]:
    """``where`` pairs naming a field of the register, and for a choice field one of its choices."""
    errs: list[_Err] = []
    for name, value in pairs.items():
        x = fields.get(name)
        if x is None:
            errs.append(((*at, name), "plan_register_field", {"field": name}))
        elif x.choices and value not in x.choices:
            errs.append(((*at, name), "plan_register_choice", {"value": value, "choices": "、".join(x.choices)}))
    return errs


def _num(x: float) -> str:
    return f"{x:g}"


def _to_plan(f: PlanFile) -> Plan:
    def t(x: TextModel) -> Bilingual:
        return Bilingual(x.zh, x.en)

    units = {u.code: u for u in f.units}
    tasks = {k.id: k for k in f.tasks}
    return Plan(
        code=f.plan.code,
        name=t(f.plan.name),
        document=f.plan.document,
        start=f.plan.start,
        end=f.plan.end,
        returns_due_day=f.plan.returns_due_day,
        office=f.plan.office or f.units[0].code,
        behind_ratio=f.plan.thresholds.behind,
        sections=tuple(Section(s.id, s.numeral, t(s.name)) for s in f.sections),
        units=tuple(Unit(u.code, t(u.name), u.kind, tuple(u.aliases)) for u in f.units),
        tasks=tuple(
            Task(
                no=k.id,
                section=k.section,
                text=k.text,
                short=t(k.short),
                responsible=tuple(k.responsible),
                responsible_text=k.responsible_text or "、".join(units[c].name.zh for c in k.responsible),
                participating=tuple(k.participating),
                time_node=k.time_node,
                requirements=k.requirements,
            )
            for k in f.tasks
        ),
        targets=tuple(
            Target(
                code=g.code,
                name=t(g.name),
                uom=t(g.uom),
                value=g.value,
                minimum=g.minimum,
                deadline=g.deadline or f.plan.end,
                task=g.task,
                section=tasks[g.task].section,
                responsible=tuple(g.responsible if g.responsible is not None else tasks[g.task].responsible),
                participating=tuple(g.participating if g.participating is not None else tasks[g.task].participating),
                source=g.source,
                note=g.note,
                breakdown=tuple(g.breakdown.items()),
                checkpoints=tuple(sorted(g.checkpoints.items())),
                rules=tuple(Rule(r.kind, r.text, r.min, r.max, r.per, r.value) for r in g.rules),
                kind=g.kind,
            )
            for g in f.targets
        ),
        milestones=tuple(
            Milestone(
                code=m.code,
                name=t(m.name),
                due=m.due,
                task=m.task,
                section=m.section if m.section is not None else (tasks[m.task].section if m.task else None),
                responsible=tuple(
                    m.responsible if m.responsible is not None else (tasks[m.task].responsible if m.task else ())
                ),
                source=m.source,
                note=m.note,
            )
            for m in f.milestones
        ),
        measures=tuple(Measure(zh, m.whole) for zh, m in f.units_of_measure.items()),
        registers=tuple(_to_register(r, f) for r in f.registers),
        addressee=t(f.plan.addressee) if f.plan.addressee else None,
        issuers=tuple(t(x) for x in f.plan.issuers),
    )


def _to_register(r: RegisterModel, f: PlanFile) -> Register:
    """A validated register; who sends it defaults to the units reporting the targets it counts."""
    tasks = {k.id: k for k in f.tasks}
    units = r.units
    if units is None:
        by_code = {t.code: t for t in f.targets}
        units = []
        for feed in r.feeds:
            t = by_code[feed.target]
            for u in t.breakdown or (t.responsible if t.responsible is not None else tasks[t.task].responsible):
                if u not in units:
                    units.append(u)
    return Register(
        code=r.code,
        name=Bilingual(r.name.zh, r.name.en),
        fields=tuple(
            RegisterField(
                x.code,
                Bilingual(x.zh, x.en),
                x.type,
                x.required,
                x.personal,
                tuple(x.choices),
                x.name_field,
                tuple(x.aliases),
                x.unit_kind,
            )
            for x in r.fields
        ),
        key=tuple(r.key),
        feeds=tuple(Feed(x.target, x.count, tuple(x.fields), x.field, tuple(x.where.items())) for x in r.feeds),
        units=tuple(units),
        shared=r.shared,
        rules=tuple(
            RegisterRule(
                x.kind,
                x.source,
                tuple(x.group),
                tuple(x.member),
                x.by,
                tuple(x.members),
                tuple(x.where.items()),
                x.min,
                x.max,
                x.value,
            )
            for x in r.rules
        ),
        source=r.source,
    )


# -- YAML positions -----------------------------------------------------------


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line(node: Any, loc: tuple[Any, ...]) -> int:
    """The line (1-based) of the deepest node of ``loc`` that exists in the YAML tree."""
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(part):
                    line = k.start_mark.line + 1
                    node = v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _duplicate_keys(root: Any) -> list[tuple[Any, ...]]:
    """The places (key paths) of the keys that appear twice in one mapping of the composed YAML graph.

    Each node is visited once, at the first path that reaches it: an aliased
    node is not walked again (an alias bomb would be walked exponentially, and
    an alias cycle forever), and a duplicate inside it is reported once.
    Keys that are not scalars (``? [a, b]``) are left to the constructor.
    """
    found: list[tuple[Any, ...]] = []
    visited: set[int] = set()
    # (node, its path, whether its key repeats one before it), popped in the file's order
    stack: list[tuple[Any, tuple[Any, ...], bool]] = [(root, (), False)]
    while stack:
        node, loc, repeated = stack.pop()
        if repeated:
            found.append(loc)
        if id(node) in visited:
            continue
        visited.add(id(node))
        children: list[tuple[Any, tuple[Any, ...], bool]] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    children.append((v, (*loc, k.value), k.value in seen))
                    seen.add(k.value)
        elif isinstance(node, yaml.SequenceNode):
            children = [(v, (*loc, i), False) for i, v in enumerate(node.value)]
        stack.extend(reversed(children))
    return found
