"""Generate the benchmark data: a national-scale plan, databases and a consolidated workbook.

Everything goes to ``bench/_data/`` (git-ignored) and is reused while its
parameters, the generator and the database schema are unchanged; ``--regen``
forces a rebuild.

* ``plan.yaml``: 320 cities (c001…c320, kind city) plus a national office,
  15 tasks in 5 sections, 60 targets (24 split across every city with quotas
  summing exactly to the value, 24 reported by every city, 12 by a third of the
  cities), 5 milestones, window 2020-04…2020-12.
* ``records-N.db``: ``kctrack --db … init --plan plan.yaml``, then N records
  written through kctrack's store (``write_batches``, else ``write_batch``): one batch per unit × month
  return (every target the unit reports), then rounds of corrected returns that
  supersede the earlier ones, until there are exactly N records.  The figures in
  force stay bounded by reporters × months (about 149,000).
* ``tiny.db``: the same plan with a few records (the floor's database).
* ``empty.db``: the same plan and no records (copied before every import run).
* ``returns-100000.xlsx``: one sheet ``code | unit | month | this_month | note``,
  every city × month return with each target at most once and only targets the
  city reports, written with openpyxl's write-only mode.

Usage: python bench/gen.py [--regen] [--records 10000 1000000] [--rows 100000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
GEN_VERSION = 1  # bump when the generated data changes shape
SEED = 2020
N_CITIES = 320
START, END = "2020-04", "2020-12"
MONTHS = [f"2020-{m:02d}" for m in range(4, 13)]
OFFICE = "office"
DEFAULT_SIZES = (10_000, 1_000_000)
DEFAULT_ROWS = 100_000
TINY_RECORDS = 200

# Two-character city names: every pair of a first and a second syllable, each list
# with distinct readings, so names stay unique with or without 市 and in English.
_FIRST = (
    "安An 宝Bao 昌Chang 德De 丰Feng 广Guang 海Hai 华Hua 嘉Jia 建Jian 金Jin 乐Le 临Lin 龙Long 明Ming 南Nan "
    "平Ping 庆Qing 瑞Rui 绍Shao 泰Tai 通Tong 文Wen 新Xin 阳Yang 永Yong 云Yun 枣Zao"
).split()
_SECOND = (
    "州zhou 江jiang 山shan 城cheng 宁ning 源yuan 川chuan 口kou 水shui 兴xing 化hua 林lin 河he 门men "
    "溪xi 泉quan 峰feng 台tai 都du 陵ling 沙sha 湖hu 关guan 坪ping"
).split()

_SECTIONS = (
    ("一", "构建网络化服务体系", "Build a networked service system"),
    ("二", "打造团队化运行模式", "Build a team-based operating model"),
    ("三", "推动一体化整体联动", "Drive integrated coordination"),
    ("四", "集聚高端化海外资源", "Pool high-end overseas resources"),
    ("五", "开展产业化决策咨询", "Provide industry-oriented consulting"),
)
# (code, zh, en, uom zh, uom en, monthly figure per unit)
_BASES = (
    ("SERVICE_TEAMS", "科技服务队", "S&T service teams", "个", "teams", 2),
    ("TECH_MANAGERS", "技术经理人团队", "Technology-manager teams", "个", "teams", 2),
    ("FIRMS_SERVED", "服务企业", "Firms served", "家", "firms", 12),
    ("CHOKEPOINTS", "“卡脖子”技术难题", "Chokepoint problems solved", "项", "problems", 1),
    ("TRAINING", "科技人才培训", "Training sessions", "场", "sessions", 3),
    ("TRAINEES", "参加培训人数", "Persons trained", "人", "persons", 60),
    ("WORKSTATIONS", "院士专家工作站", "Academician workstations", "个", "stations", 1),
    ("ENTERPRISE_ASSOC", "企业科协", "Enterprise S&T associations", "家", "associations", 4),
    ("SOCIETIES", "学会合作", "Society partnerships", "家", "societies", 2),
    ("OUTREACH", "科普活动", "Outreach events", "场", "events", 5),
    ("NEEDS", "技术需求征集", "Technology needs collected", "项", "needs", 8),
    ("TRANSFERS", "成果转化项目", "Technology transfer projects", "项", "projects", 2),
)
_SECTORS = (
    ("MFG", "制造业", "manufacturing"),
    ("ICT", "电子信息", "ICT"),
    ("BIO", "生物医药", "biomedicine"),
    ("MAT", "新材料", "new materials"),
    ("AGR", "现代农业", "agriculture"),
)
_NOTES = ("含线上服务", "已核实", "补报上月数", "与工信部门联合开展", "数据来自县区汇总")


# -- the plan ------------------------------------------------------------------------


def cities() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    pairs = []
    seen: set[str] = set()
    for a in _FIRST:
        for b in _SECOND:
            zh, en = a[0] + b[0], a[1:] + b[1:]
            if a[0] != b[0] and en.lower() not in seen:
                seen.add(en.lower())
                pairs.append((zh, en))
    rng.shuffle(pairs)
    return [
        {
            "code": f"c{i + 1:03d}",
            "name": {"zh": f"{zh}市", "en": en},
            "kind": "city",
            "aliases": [f"{zh}市科协"],
        }
        for i, (zh, en) in enumerate(pairs[:N_CITIES])
    ]


def plan_dict() -> dict[str, Any]:
    """The national plan, as the YAML document (same schema as data/targets.yaml)."""
    rng = random.Random(SEED + 1)
    units = cities()
    codes = [u["code"] for u in units]
    units.append(
        {"code": OFFICE, "name": {"zh": "全国协调办公室", "en": "National Coordination Office"}, "kind": "provincial"}
    )
    sections = [{"id": i + 1, "numeral": n, "name": {"zh": zh, "en": en}} for i, (n, zh, en) in enumerate(_SECTIONS)]
    tasks = [
        {
            "id": k + 1,
            "section": k // 3 + 1,
            "text": f"全国基准任务{k + 1}：组织各市科协按月报送进展",
            "short": {"zh": f"基准任务{k + 1}", "en": f"Benchmark task {k + 1}"},
            "responsible": [OFFICE],
            "participating": ["市科协"],
            "time_node": "全年",
        }
        for k in range(15)
    ]
    targets = []
    for i, (base, sector) in enumerate((b, s) for b in _BASES for s in _SECTORS):
        code, zh, en, uom_zh, uom_en, per_month = base
        kind = i % 5  # 0, 1: split across every city; 2, 3: every city reports; 4: a third of the cities
        deadline = ("2020-12", "2020-12", "2020-09", "2020-12", "2020-07")[i % 5] if i % 7 else "2020-10"
        n_months = MONTHS.index(deadline) + 1
        t: dict[str, Any] = {
            "code": f"{code}_{sector[0]}",
            "name": {"zh": f"{sector[1]}{zh}", "en": f"{en} ({sector[2]})"},
            "uom": {"zh": uom_zh, "en": uom_en},
            "value": 0,
            "minimum": i % 4 == 1,
            "deadline": deadline,
            "task": i // 4 + 1,
            "source": f"全国基准计划第{i + 1}项",
        }
        if kind in (0, 1):
            quotas = {c: rng.randint(max(1, per_month * n_months // 2), per_month * n_months * 3 // 2) for c in codes}
            t["value"] = sum(quotas.values())
            t["breakdown"] = quotas
        else:
            reporters = codes if kind in (2, 3) else [c for j, c in enumerate(codes) if j % 3 == i % 3]
            t["value"] = per_month * n_months * len(reporters)
            t["responsible"] = reporters
        if i % 6 == 3 and deadline > "2020-07":
            t["checkpoints"] = {"2020-07": round(t["value"] * 0.4)}
        targets.append(t)
    milestones = [
        {
            "code": f"M_{k + 1:02d}",
            "name": {"zh": f"全国基准里程碑{k + 1}", "en": f"Benchmark milestone {k + 1}"},
            "due": due,
            "task": k * 3 + 1,
            "responsible": [OFFICE] if k != 4 else codes[:5],
            "source": f"全国基准计划里程碑{k + 1}",
        }
        for k, due in enumerate(("2020-05", "2020-06", "2020-09", "2020-12", "2020-12"))
    ]
    return {
        "schema": 1,
        "plan": {
            "code": "CN-2020-BENCH",
            "name": {
                "zh": "2020年服务企业科技创新专项行动（全国基准）",
                "en": "2020 special action (national benchmark)",
            },
            "document": "基准测试用计划（生成）",
            "start": START,
            "end": END,
            "office": OFFICE,
            "returns_due_day": 10,
            "thresholds": {"behind": 0.8},
        },
        "sections": sections,
        "units": units,
        "tasks": tasks,
        "targets": targets,
        "milestones": milestones,
    }


def write_plan(path: Path) -> None:
    import yaml

    text = "# Generated by bench/gen.py: a national-scale plan for the benchmarks.\n" + yaml.safe_dump(
        plan_dict(), allow_unicode=True, sort_keys=False, width=200
    )
    path.write_text(text, encoding="utf-8")


# -- returns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Return:
    unit: str
    month: str
    rows: tuple[tuple[str, float], ...]  # (target code, this month's figure)


def _monthly(t: Any, unit: str) -> float:
    """A unit's typical monthly figure for a target: its share spread over the months to the deadline."""
    n_months = MONTHS.index(t.deadline) + 1 if t.deadline in MONTHS else len(MONTHS)
    share = t.quota(unit) if t.breakdown else t.value / len(t.reporters)
    return share / n_months


def reported_by(plan: Any) -> dict[str, list[Any]]:
    """Each unit's targets, in plan order (a target's reporters: its split's units, else its responsible)."""
    out: dict[str, list[Any]] = {u.code: [] for u in plan.units}
    for t in plan.targets:
        for u in t.reporters:
            out[u].append(t)
    return out


def returns(plan: Any, rng: random.Random, correction: int = 0) -> Iterator[Return]:
    """Every city's full return for every month, month by month."""
    by_unit = reported_by(plan)
    for month in MONTHS:
        for unit, targets in by_unit.items():
            if targets:
                rows = tuple((t.code, _figure(rng, _monthly(t, unit), correction)) for t in targets)
                yield Return(unit, month, rows)


def _figure(rng: random.Random, typical: float, correction: int) -> float:
    spread = 0.5 if correction == 0 else 0.6
    return float(max(0, round(typical * rng.uniform(1 - spread, 1 + spread))))


# -- databases -------------------------------------------------------------------------


def kctrack_cmd() -> list[str]:
    """The kctrack console script next to this Python, else ``python -m kctrack``."""
    script = Path(sys.executable).with_name("kctrack")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kctrack"]


def init_db(path: Path, plan_path: Path) -> None:
    for p in _db_files(path):
        p.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [*kctrack_cmd(), "--db", str(path), "init", "--plan", str(plan_path)], check=True, capture_output=True
    )


def _db_files(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))]


def fill_db(path: Path, n_records: int, progress: bool = False) -> dict[str, int]:
    """Write exactly ``n_records`` records through kctrack.store's batch writer.

    Up to 500 batches go to the store in one call and one transaction, the way
    ``kctrack import`` writes a folder of returns: ``store.write_batches`` where
    the store has it, else ``store.write_batch`` for each.
    """
    from kctrack import store
    from kctrack.plan import Plan

    os.environ.setdefault("KCTRACK_USER", "bench")
    opened = store.open_db(str(path))
    conn = opened.conn
    plan = Plan.from_json(store.current_plan_json(conn))  # as `init` stored it (parsing the YAML again takes seconds)
    rng = random.Random(SEED + n_records)
    written = batches = corrections = 0
    live: dict[tuple[str, str], int] = {}  # the import batch in force per (unit, month)
    # records, write_batch keywords, the batch it corrects, its (unit, month)
    pending: list[tuple[list[Any], dict[str, Any], int | None, tuple[str, str] | None]] = []
    t0 = time.perf_counter()

    def write(items: list[tuple[list[Any], dict[str, Any]]]) -> list[int]:
        if hasattr(store, "write_batches"):
            return list(store.write_batches(conn, [store.NewBatch(recs, **kw) for recs, kw in items]))
        return [store.write_batch(conn, recs, **kw) for recs, kw in items]

    def flush() -> None:
        ids = write([(recs, kw) for recs, kw, _, _ in pending])
        for bid, (_, _, old, key) in zip(ids, pending, strict=True):
            if old is not None:
                # A correction that covers the same keys as the return it supersedes leaves the
                # figures in force pointing at its own records, which is what refresh_current
                # would recompute; so it is only marked (the partial last one goes through it).
                conn.execute("UPDATE batch SET superseded_by = :new WHERE id = :old", {"new": bid, "old": old})
            if key is not None:
                live[key] = bid
        pending.clear()

    def stream() -> Iterator[tuple[Return, int]]:
        # milestones the office has done, as `kctrack record … done` would write them
        for m in plan.milestones[:3]:
            yield Return(OFFICE, m.due, ((m.code, 1.0),)), -1
        yield from ((r, 0) for r in returns(plan, rng))
        round_ = 1
        while True:
            rounds = list(returns(plan, rng, round_))
            rng.shuffle(rounds)
            yield from ((r, round_) for r in rounds)
            round_ += 1

    try:
        it = stream()
        while written < n_records:
            with conn.transaction():
                for _ in range(500):
                    ret, round_ = next(it)
                    key = (ret.unit, ret.month)
                    if round_ >= 0 and any(k == key for _, _, _, k in pending):
                        flush()  # one call may not write a key twice
                    rows = ret.rows[: n_records - written]
                    records = [store.NewRecord(code, ret.unit, ret.month, v, note=None) for code, v in rows]
                    if round_ < 0:
                        pending.append(
                            (
                                records,
                                {"kind": "record", "source": "kctrack record", "created": _at(ret.month)},
                                None,
                                None,
                            )
                        )
                    else:
                        old = live.get(key)
                        partial = len(rows) < len(ret.rows)
                        kw = {
                            "kind": "import",
                            "source": f"returns/{ret.month}/{ret.unit}-r{round_}.xlsx",
                            "sheet": "月报",
                            "sha256": hashlib.sha256(f"{ret.unit}{ret.month}{round_}".encode()).hexdigest(),
                            "unit_code": ret.unit,
                            "month": ret.month,
                            "received": _received(ret.month, round_, rng),
                            "created": _at(ret.month, round_),
                            "supersedes": [old] if old is not None and partial else [],
                        }
                        pending.append((records, kw, old if not partial else None, key))
                        corrections += old is not None
                    written += len(rows)
                    batches += 1
                    if written >= n_records:
                        break
                flush()
            if progress:
                rate = written / (time.perf_counter() - t0)
                print(f"\r  {path.name}: {written:,}/{n_records:,} records ({rate:,.0f}/s)", end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
        conn.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        current = int(conn.scalar("SELECT count(*) FROM current_value"))
    finally:
        conn.close()
    return {"records": written, "batches": batches, "corrected_batches": corrections, "current_values": current}


def _at(month: str, round_: int = 0) -> str:
    from kctrack.schedule import add_months

    return f"{add_months(month, 1 + round_ % 3)}-05T09:00:00+00:00"


def _received(month: str, round_: int, rng: random.Random) -> str:
    from kctrack.schedule import add_months

    return f"{add_months(month, 1 + round_ % 3)}-{rng.randint(1, 14):02d}"


# -- the consolidated workbook ------------------------------------------------------------------


def write_workbook(path: Path, db: Path, n_rows: int) -> dict[str, int]:
    """One sheet code | unit | month | this_month | note, n_rows rows, write-only openpyxl.

    The plan is read from ``db``, a database initialised with it.
    """
    from openpyxl import Workbook

    from kctrack import store
    from kctrack.plan import Plan

    conn = store.open_db(str(db)).conn
    try:
        plan = Plan.from_json(store.current_plan_json(conn))
    finally:
        conn.close()
    rng = random.Random(SEED + 7)
    by_unit = {u: ts for u, ts in reported_by(plan).items() if ts}
    n_returns = len(by_unit) * len(MONTHS)
    per, extra = divmod(n_rows, n_returns)
    if per + (extra > 0) > min(len(ts) for ts in by_unit.values()):
        raise SystemExit(f"{n_rows} rows need more targets per unit than the plan has")
    names = {u.code: u.name.zh for u in plan.units}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    ws.append(["code", "unit", "month", "this_month", "note"])
    rows = returns_ = index = 0
    for month in MONTHS:
        for unit, targets in by_unit.items():
            k = per + (1 if index < extra else 0)
            index += 1
            if not k:
                continue
            picked = sorted(rng.sample(range(len(targets)), k))
            for j in picked:
                t = targets[j]
                note = rng.choice(_NOTES) if rng.random() < 0.04 else None
                ws.append([t.code, names[unit], month, _figure(rng, _monthly(t, unit), 0), note])
                rows += 1
            returns_ += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return {"rows": rows, "returns": returns_}


# -- caching ------------------------------------------------------------------------------------


@dataclass
class Paths:
    data: Path
    plan: Path
    tiny: Path
    empty: Path
    workbook: Path
    dbs: dict[int, Path]
    info: dict[str, Any]


def _schema_head() -> str:
    from kctrack import store

    return store.SCHEMA_HEAD


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def ensure(
    data: Path = DATA,
    sizes: tuple[int, ...] = DEFAULT_SIZES,
    rows: int = DEFAULT_ROWS,
    regen: bool = False,
    log: Any = print,
) -> Paths:
    """Generate whatever is missing or stale; return the paths and what each holds."""
    data.mkdir(parents=True, exist_ok=True)
    manifest_path = data / "manifest.json"
    manifest: dict[str, Any] = {}
    if manifest_path.exists() and not regen:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    common = {"gen": GEN_VERSION, "seed": SEED, "schema": _schema_head()}

    def fresh(name: str, path: Path, params: dict[str, Any]) -> bool:
        entry = manifest.get(name)
        return (
            entry is not None
            and entry.get("params") == params
            and path.exists()
            and entry.get("size") == path.stat().st_size
        )

    def done(name: str, path: Path, params: dict[str, Any], info: dict[str, Any], seconds: float) -> None:
        manifest[name] = {"params": params, "size": path.stat().st_size, "info": info, "seconds": round(seconds, 1)}
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")

    plan_path = data / "plan.yaml"
    params = dict(common)
    if not fresh("plan", plan_path, params):
        t0 = time.perf_counter()
        write_plan(plan_path)
        done("plan", plan_path, params, {}, time.perf_counter() - t0)
        log(f"gen: wrote {plan_path}")
    dep = {**common, "plan": _sha(plan_path)}

    def db(name: str, path: Path, n: int) -> None:
        p = {**dep, "records": n}
        if fresh(name, path, p):
            return
        log(f"gen: building {path.name} ({n:,} records) …")
        t0 = time.perf_counter()
        if n == 0:
            init_db(path, plan_path)
            info = {"records": 0}
        else:  # a copy of the initialised empty.db: the same bytes `init` writes, without its seconds
            for f in _db_files(path):
                f.unlink(missing_ok=True)
            shutil.copyfile(empty, path)
            info = fill_db(path, n, progress=n >= 100_000)
        done(name, path, p, info, time.perf_counter() - t0)
        log(f"gen: {path.name}: {info} in {time.perf_counter() - t0:.1f} s")

    empty, tiny = data / "empty.db", data / "tiny.db"
    db("empty", empty, 0)
    db("tiny", tiny, TINY_RECORDS)
    dbs = {}
    for n in sizes:
        dbs[n] = data / f"records-{n}.db"
        db(f"records-{n}", dbs[n], n)

    workbook = data / f"returns-{rows}.xlsx"
    p = {**dep, "rows": rows}
    if not fresh("workbook", workbook, p):
        log(f"gen: writing {workbook.name} …")
        t0 = time.perf_counter()
        info = write_workbook(workbook, empty, rows)
        done("workbook", workbook, p, info, time.perf_counter() - t0)
        log(
            f"gen: {workbook.name}: {info}, {workbook.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - t0:.1f} s"
        )
    info = {k: v.get("info", {}) for k, v in manifest.items()}
    return Paths(data, plan_path, tiny, empty, workbook, dbs, info)


def db_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
        return {
            t: int(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in ("batch", "record", "current_value")
        }


def check_db(path: Path) -> tuple[int, int]:
    """(figures in force that are the newest record of a live batch, figures in force): equal when consistent.

    Where the schema has the derived ``month_total`` table, each of its rows that disagrees
    with the figures in force counts against the first number too.
    """
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
        good = c.execute(
            "SELECT count(*) FROM current_value c JOIN ("
            " SELECT r.target_code t, r.unit_code u, r.month m, max(r.id) rid FROM record r"
            " JOIN batch b ON b.id = r.batch_id WHERE b.undone_at IS NULL AND b.superseded_by IS NULL"
            " GROUP BY r.target_code, r.unit_code, r.month) w"
            " ON c.target_code = w.t AND c.unit_code = w.u AND c.month = w.m AND c.record_id = w.rid"
        ).fetchone()[0]
        total = c.execute("SELECT count(*) FROM current_value").fetchone()[0]
        if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'month_total'").fetchone():
            # the store's derived per-target, per-month totals must agree with the figures in force
            wrong = c.execute(
                "SELECT count(*) FROM (SELECT target_code, month, SUM(value) v FROM current_value"
                " GROUP BY target_code, month) s LEFT JOIN month_total t USING (target_code, month)"
                " WHERE t.value IS NULL OR abs(t.value - s.v) > 1e-6"
            ).fetchone()[0]
            good -= wrong
    return int(good), int(total)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA, help="where to write (default bench/_data)")
    ap.add_argument("--records", type=int, nargs="+", default=list(DEFAULT_SIZES), help="database sizes")
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows of the consolidated workbook")
    ap.add_argument("--regen", action="store_true", help="rebuild everything")
    ap.add_argument("--check", action="store_true", help="check every figure in force is the newest live record")
    a = ap.parse_args()
    paths = ensure(a.data, tuple(a.records), a.rows, a.regen)
    for name, path in (("tiny", paths.tiny), *((f"{n:,} records", p) for n, p in paths.dbs.items())):
        print(f"{name:>18}: {path}  {db_counts(path)}")
        if a.check:
            good, total = check_db(path)
            print(f"{'':>18}  figures in force consistent: {good:,} of {total:,}")
            if good != total:
                raise SystemExit(f"{path}: inconsistent figures in force")
    print(f"{'workbook':>18}: {paths.workbook}  {paths.workbook.stat().st_size / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
