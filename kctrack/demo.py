"""A demo database: the bundled plan with realistic monthly returns.

Every reporting unit sends a return for each month up to the as-of month (a nil
return when it has nothing new); the pace differs from target to target and city
to city (seeded, so the demo is the same on every machine), some returns arrive
late, one (宿迁, the month before the as-of month) is missing, a few milestones
slip and a few are done a month late, so that a newcomer sees every state at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kctrack import store
from kctrack.errors import DataError
from kctrack.plan import Plan
from kctrack.schedule import add_months, expected, months_between

SEED = 71  # 苏科协发〔2020〕71号


@dataclass
class DemoResult:
    db: str
    records: int
    as_of: str


def build_demo(db: str, as_of: str) -> DemoResult:
    from kctrack.service import check_month, init

    loc = store.locate(db)
    _clear_previous_demo(loc)
    result = init(db, None)
    plan = result.plan
    as_of = check_month(as_of, plan, "--as-of")
    opened = store.open_db(db)
    conn = opened.conn
    count = 0
    try:
        figures = demo_returns(plan, as_of)
        reporting = [u.code for u in plan.units if plan.reports_anything(u.code)]
        with conn.transaction():
            for month in months_between(plan.start, as_of):
                for unit in reporting:
                    if (unit, month) == ("suqian", add_months(as_of, -1)):
                        continue  # one return not in: the completeness grid shows it missing
                    # a unit with nothing new to report still sends its return: a nil return
                    count += _write_return(conn, unit, month, figures.get((unit, month), []))
            _write_lists(conn, plan, demo_lists(plan, figures, as_of))
    finally:
        conn.close()
    return DemoResult(result.db, count, as_of)


def _write_return(conn: store.Connection, unit: str, month: str, rows: list[store.NewRecord]) -> int:
    """One unit's return for a month, received on a day of the next month (some after the 10th: late)."""
    rng = random.Random(f"{SEED}-{unit}-{month}")
    day = rng.choice([3, 5, 6, 8, 9, 10, 10, 12, 15])
    received = f"{add_months(month, 1)}-{day:02d}"
    store.write_batch(
        conn,
        rows,
        kind="import",
        source=f"demo/{unit}-{month}.xlsx",
        sheet="月报",
        unit_code=unit,
        month=month,
        received=received,
        created=f"{received}T09:00:00+00:00",
    )
    return len(rows)


def demo_returns(plan: Plan, as_of: str) -> dict[tuple[str, str], list[store.NewRecord]]:
    """The demo's figures, grouped as returns (unit × month)."""
    rng = random.Random(SEED)
    months = months_between(plan.start, as_of)
    out: dict[tuple[str, str], list[store.NewRecord]] = {}
    for t in plan.targets:
        pace = rng.choice([0.55, 0.75, 0.85, 0.95, 1.0, 1.05, 1.15, 1.3])
        shares = list(t.breakdown) or [(u, t.value / len(t.reporters)) for u in t.reporters]
        for unit, quota in shares:
            unit_pace = pace * rng.uniform(0.8, 1.2)
            done = 0
            for m in months:
                goal = round(expected(quota, plan.start, t.deadline, m) * unit_pace)
                # a resource cannot be engaged beyond what exists; a target may be overshot a little
                goal = min(goal, round(quota) if t.is_resource else round(quota * 1.1))
                amount = max(0, goal - done)
                done += amount
                if amount:
                    out.setdefault((unit, m), []).append(
                        store.NewRecord(t.code, unit, m, float(amount), cell=None, note=None)
                    )
    for i, ms in enumerate(plan.milestones):
        # every seventh slips (overdue), and of the rest every seventh is done a month late
        done_in = add_months(ms.due, 1) if i % 7 == 5 else ms.due
        if done_in > as_of or i % 7 == 3:
            continue  # not done yet: not due, or slipping
        for unit in plan.milestone_units(ms):  # done when every responsible unit has done it
            out.setdefault((unit, done_in), []).append(store.NewRecord(ms.code, unit, done_in, 1.0))
    return out


def _clear_previous_demo(loc: store.Location) -> None:
    """Start afresh on a demo database; never touch one that holds real data."""
    if loc.dialect == "sqlite" and loc.path is not None and not loc.path.exists():
        return
    try:
        conn = store.connect(loc)
    except Exception:
        raise DataError("demo_not_empty", path=loc.display) from None
    try:
        if store.schema_version(conn) is None:
            empty = (
                not conn.all("SELECT name FROM sqlite_master WHERE type = 'table'") if loc.dialect == "sqlite" else True
            )
            if not empty:
                raise DataError("demo_not_empty", path=loc.display)
            return
        real = conn.scalar("SELECT count(*) FROM batch WHERE source NOT LIKE 'demo/%'")
    finally:
        conn.close()
    if real:
        raise DataError("demo_not_empty", path=loc.display)
    if loc.dialect == "sqlite" and loc.path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(loc.path) + suffix).unlink(missing_ok=True)
    else:
        raise DataError("demo_not_empty", path=loc.display)


# -- the registers' lists -------------------------------------------------------------------------

# the registers the demo fills: each unit's list counts what its returns say, month by month
DEMO_LISTS = {"FIRMS_REGISTER": "FIRMS_SERVED", "SERVICE_TEAM_ROSTER": "SERVICE_TEAMS",
              "EXPERT_POOL_REGISTER": "EXPERT_POOL", "CHOKEPOINT_REGISTER": "CHOKEPOINTS_SOLVED"}  # fmt: skip
SHARED_FIRMS = 0.1  # of the firms the innovation centre serves, this share the office serves too
SHORT_TEAM = 6  # one service team short of the document's 7 to 10 experts: `register check` finds it
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆帅旭宁龙林欣佳慧颖琳晨阳"
_EMPLOYERS = ("南京大学", "东南大学", "江南大学", "苏州大学", "河海大学", "南京理工大学", "南京航空航天大学", "中国矿业大学",
              "江苏大学", "扬州大学", "省农科院", "中科院苏州纳米所")  # fmt: skip
_TITLES = ("教授", "研究员", "正高级工程师", "副教授", "高级工程师")
_FIELDS = ("智能制造", "新材料", "生物医药", "集成电路", "新能源", "节能环保", "现代农业", "软件和信息服务")
_CITIES = ("南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁")
_REGIONS = ("320100", "320200", "320300", "320400", "320500", "320600", "320700", "320800", "320900", "321000",
            "321100", "321200", "321300")  # fmt: skip


def demo_lists(
    plan: Plan, figures: dict[tuple[str, str], list[store.NewRecord]], as_of: str
) -> dict[tuple[str, str, str], list[dict[str, object]]]:
    """The demo's lists by (register, unit, month): as many new entries each month as the unit's return
    adds to the register's target, so that each unit's list and its returns agree; the innovation
    centre serves some of the office's firms too (the province counts them once), and one service team
    has :data:`SHORT_TEAM` experts."""
    rng = random.Random(f"{SEED}-lists")
    out: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    makers = {"FIRMS_REGISTER": _firm, "SERVICE_TEAM_ROSTER": _team, "EXPERT_POOL_REGISTER": _expert,
              "CHOKEPOINT_REGISTER": _problem}  # fmt: skip
    made: dict[str, list[dict[str, object]]] = {}  # register → the entries made so far
    for code, target in DEMO_LISTS.items():
        reg = plan.register(code)
        if reg is None:
            continue
        for (unit, month), rows in sorted(figures.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            amount = sum(int(r.value or 0) for r in rows if r.target_code == target)
            if amount <= 0 or unit not in reg.units:
                continue
            listed = out.setdefault((code, unit, month), [])
            for _ in range(amount):
                listed += makers[code](rng, month, unit, made.setdefault(code, []))
    return out


def _uscc(rng: random.Random, region: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015) for a made-up firm."""
    from stdnum import exceptions
    from stdnum.cn import uscc

    while True:
        org = f"{rng.randrange(10**7, 10**8)}"
        for digit in "0123456789X":
            code = f"91{region}{org}{digit}"
            try:
                return str(uscc.validate(code + uscc.calc_check_digit(code)))
            except exceptions.ValidationError:
                continue


Made = list[dict[str, Any]]


def _firm(rng: random.Random, month: str, unit: str, firms: Made) -> Made:
    """A new firm, or (for the innovation centre, now and then) one the office served and the centre has
    not listed yet: the centre's own count stays its returns', the province counts the firm once.

    ``firms``: every firm made so far, each as ``{"by": unit, "shared": bool, "values": {...}}``."""
    if unit == "enterprise_innovation_centre" and rng.random() < SHARED_FIRMS:
        offered = [f for f in firms if f["by"] == "enterprise_office" and not f["shared"]]
        if offered:
            old = rng.choice(offered)
            old["shared"] = True
            return [{**old["values"], "month": month, "service": "关键问题会商"}]
    city = rng.randrange(len(_CITIES))
    name = f"{_CITIES[city]}{rng.choice(_GIVEN)}{rng.choice(_GIVEN)}{rng.choice(('科技', '智能', '材料', '装备', '生物'))}有限公司"
    firm = {"uscc": _uscc(rng, _REGIONS[city]), "firm": name, "place": _CITIES[city] + "市",
            "service": rng.choice(("重大项目研究", "关键问题会商", "核心技术攻关")), "month": month}  # fmt: skip
    firms.append({"by": unit, "shared": False, "values": firm})
    return [firm]


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")


def _team(rng: random.Random, month: str, unit: str, made: Made) -> Made:
    """One service team: 7 to 10 experts (the demo's second team has :data:`SHORT_TEAM`)."""
    no = len({m["team"] for m in made}) + 1
    field = _FIELDS[no % len(_FIELDS)]
    size = SHORT_TEAM if no == 2 else rng.randint(7, 10)
    team = f"{field}科技服务队（{no}）"
    society = f"江苏省{field}学会"
    members = [{"team": team, "society": society, "expert": _person(rng), "employer": rng.choice(_EMPLOYERS),
                "title": rng.choice(_TITLES), "speciality": field} for _ in range(size)]  # fmt: skip
    made += members
    return members


def _expert(rng: random.Random, month: str, unit: str, made: Made) -> Made:
    """One expert of the pool, never the same name and employer twice (the pool's key)."""
    while True:
        expert = {"name": _person(rng), "employer": rng.choice(_EMPLOYERS),
                  "title": rng.choice((*_TITLES, "中国科学院院士", "中国工程院院士")), "speciality": rng.choice(_FIELDS)}  # fmt: skip
        if all((m["name"], m["employer"]) != (expert["name"], expert["employer"]) for m in made):
            made.append(expert)
            return [expert]


def _problem(rng: random.Random, month: str, unit: str, made: Made) -> Made:
    """A chokepoint problem solved this month."""
    n = len(made)
    field = rng.choice(_FIELDS)
    city = rng.randrange(len(_CITIES))
    name = f"{_CITIES[city]}{rng.choice(_GIVEN)}{rng.choice(_GIVEN)}{field[:2]}有限公司"
    problem: Made = [{"problem": f"{field}关键技术难题（{month[5:]}-{n + 1}）", "uscc": _uscc(rng, _REGIONS[city]), "firm": name,
             "society": f"江苏省{field}学会", "city": _CITY_CODES[city], "state": "已解决", "solved": month}]  # fmt: skip
    made += problem
    return problem


_CITY_CODES = ("nanjing", "wuxi", "xuzhou", "changzhou", "suzhou", "nantong", "lianyungang", "huaian", "yancheng",
               "yangzhou", "zhenjiang", "taizhou", "suqian")  # fmt: skip


def _write_lists(
    conn: store.Connection, plan: Plan, lists: dict[tuple[str, str, str], list[dict[str, object]]]
) -> None:
    """Each list as a batch of kind ``register``, as `kctrack import` writes one."""
    from kctrack.registers import Entry, entry_key

    batches = []
    for (code, unit, month), rows in sorted(lists.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])):
        reg = plan.register(code)
        assert reg is not None
        source = f"demo/{unit}-{month}.xlsx"
        entries = [
            Entry(code, unit, month, entry_key(reg, values), values, {}, 6 + i, None, f"{source}!{reg.name.zh}")
            for i, values in enumerate(rows)
        ]
        received = f"{add_months(month, 1)}-08"
        batches.append(
            store.NewBatch(
                [],
                kind="register",
                source=source,
                sheet=reg.name.zh,
                unit_code=unit,
                month=month,
                received=received,
                created=f"{received}T09:00:00+00:00",
                register_code=code,
                entries=entries,
            )  # fmt: skip
        )
    store.write_batches(conn, batches)
