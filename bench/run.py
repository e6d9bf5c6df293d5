"""Run kctrack against its floors, as whole processes, and print medians and ratios.

Each benchmark runs a kctrack command and its floor (bench/floor_*.py) in the
same session, alternating (kctrack, floor, floor, kctrack, …) after one
untimed warm-up of each, and reports the median wall time of each side, their
ratio, the peak resident memory of each process (from ``os.wait4``) and the
goal.  The data comes from bench/gen.py and is generated on first use, then
reused from bench/_data (``--regen`` rebuilds it).

Usage: python bench/run.py [--runs 7] [--only status-1m,import] [--json results.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gen

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GROWTH_GOAL = 1.15  # status at 1,000,000 records over status at 10,000: flat, within noise


@dataclass
class Sample:
    seconds: float
    maxrss_mb: float
    code: int
    timed_out: bool = False
    stderr: str = ""


@dataclass
class Bench:
    name: str
    what: str
    kctrack: list[str]
    floor: list[str]
    goal: float | None = None  # ratio kctrack / floor
    limit: float | None = None  # ratio not to exceed in any case
    goal_seconds: float | None = None  # absolute goal for kctrack's median
    prepare: Callable[[], None] | None = None  # before every kctrack run (untimed)
    prepare_floor: Callable[[], None] | None = None  # before every floor run (untimed)
    after_warmup: Callable[[], None] | None = None  # once, after kctrack's warm-up


@dataclass
class Result:
    name: str
    what: str
    kctrack_cmd: str
    floor_cmd: str
    runs: int
    kctrack_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)
    kctrack_median: float | None = None
    floor_median: float | None = None
    ratio: float | None = None
    kctrack_peak_mb: float | None = None
    floor_peak_mb: float | None = None
    goal: float | None = None
    limit: float | None = None
    goal_seconds: float | None = None
    verdict: str = ""
    error: str = ""


# -- running one process ------------------------------------------------------------------


TIME = Path("/usr/bin/time")


def run_once(cmd: list[str], env: dict[str, str], timeout: float) -> Sample:
    """Wall time and peak RSS of one whole process; killed after ``timeout`` seconds.

    Peak RSS comes from ``/usr/bin/time`` when present: ``os.wait4``'s figure
    would include the memory of this script, which the child shares until it
    execs.  Without it, that (upper-bound) figure is reported.
    """
    killed = threading.Event()
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = [str(TIME), "-q", "-f", "%M", "-o", rss.name, *cmd] if TIME.exists() else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, start_new_session=True)

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
        kb = float(usage.ru_maxrss)
        if TIME.exists():
            lines = rss.read().split()
            kb = float(lines[-1]) if lines and lines[-1].isdigit() else 0.0
    return Sample(seconds, kb / 1024, proc.returncode, killed.is_set(), tail)


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCTRACK_")}
    env.update(COLUMNS="160", KCTRACK_USER="bench")
    return env


def precompile() -> str:
    """Compile kctrack's modules to bytecode, as installing a wheel does, and return the package folder.

    An editable install compiles on first import and caches the result, unless the environment says
    not to (PYTHONDONTWRITEBYTECODE, set on some CI machines): then every run would compile ~7,000
    lines again (20–30 ms), a cost no installed copy pays.  The floor scripts are run as scripts,
    which Python never caches, so they get no such help; they are a few dozen lines.
    """
    import kctrack

    folder = str(Path(kctrack.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True)
    return folder


def measure(b: Bench, runs: int, budget: float, timeout: float, log: Callable[[str], None]) -> Result:
    r = Result(
        b.name,
        b.what,
        " ".join(b.kctrack),
        " ".join(b.floor),
        0,
        goal=b.goal,
        limit=b.limit,
        goal_seconds=b.goal_seconds,
    )
    env = bench_env()
    k_samples: list[Sample] = []
    f_samples: list[Sample] = []

    def side(kind: str) -> Sample:
        if kind == "k":
            if b.prepare:
                b.prepare()
            s = run_once(b.kctrack, env, timeout)
        else:
            if b.prepare_floor:
                b.prepare_floor()
            s = run_once(b.floor, env, timeout)
        if s.timed_out or s.code != 0:
            who = "kctrack" if kind == "k" else "floor"
            why = f"timed out after {timeout:g} s" if s.timed_out else f"exit {s.code}: {s.stderr.strip()[-600:]}"
            raise RuntimeError(f"{who} {why}")
        return s

    try:
        warm_k = side("k")
        if b.after_warmup:
            b.after_warmup()
        warm_f = side("f")
        n = max(1, min(runs, int(budget // max(warm_k.seconds, warm_f.seconds, 1e-3))))
        log(f"  warm-up: kctrack {warm_k.seconds:.2f} s, floor {warm_f.seconds:.2f} s → {n} timed runs each")
        for i in range(n):
            order = ("k", "f") if i % 2 == 0 else ("f", "k")
            for kind in order:
                (k_samples if kind == "k" else f_samples).append(side(kind))
    except RuntimeError as exc:
        r.error = str(exc)
        log(f"  {exc}")
        if r.error.startswith("kctrack timed out"):
            r.kctrack_median = timeout  # a lower bound
            with contextlib.suppress(RuntimeError):
                while len(f_samples) < runs:
                    f_samples.append(side("f"))
    r.runs = len(k_samples)
    r.kctrack_s = [round(s.seconds, 4) for s in k_samples]
    r.floor_s = [round(s.seconds, 4) for s in f_samples]
    if k_samples:
        r.kctrack_median = statistics.median(r.kctrack_s)
        r.kctrack_peak_mb = round(max(s.maxrss_mb for s in k_samples), 1)
    if f_samples:
        r.floor_median = statistics.median(r.floor_s)
        r.floor_peak_mb = round(max(s.maxrss_mb for s in f_samples), 1)
    if r.kctrack_median and r.floor_median and (k_samples or r.error.startswith("kctrack timed out")):
        r.ratio = r.kctrack_median / r.floor_median
    r.verdict = verdict(r)
    return r


def verdict(r: Result) -> str:
    if r.error and "timed out" in r.error and r.error.startswith("kctrack"):
        return "MISS (timed out)"
    if r.error:
        return "FAILED"
    if r.goal_seconds is not None and r.kctrack_median is not None:
        if r.kctrack_median >= r.goal_seconds:
            return "MISS"
        if r.goal is None or r.ratio is None:
            return "ok"  # a goal in seconds alone; with a ratio goal too, both must be met
    if r.ratio is None or r.goal is None:
        return ""
    if r.ratio <= r.goal:
        return "ok"
    if r.limit is not None and r.ratio <= r.limit:
        return "within limit"
    return "MISS"


# -- the export's shape ---------------------------------------------------------------------


def workbook_shape(path: Path) -> dict[str, Any]:
    """Sheets (title, rows, columns) and chart count of a workbook kctrack wrote."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        sheets = [[ws.title, ws.max_row or 0, ws.max_column or 0] for ws in wb.worksheets]
    finally:
        wb.close()
    with zipfile.ZipFile(path) as z:
        charts = sum(1 for n in z.namelist() if n.startswith("xl/charts/chart") and n.endswith(".xml"))
    return {"sheets": sheets, "charts": charts}


# -- the suite --------------------------------------------------------------------------------


def kctrack(*args: str) -> list[str]:
    return [*gen.kctrack_cmd(), *args]


def py(script: str, *args: str) -> list[str]:
    return [sys.executable, str(HERE / script), *args]


def benches(paths: gen.Paths, tmp: Path, sizes: tuple[int, ...]) -> list[Bench]:
    tiny = str(paths.tiny)
    floor_status = py("floor_status.py", "--db", tiny)
    big = max(sizes)
    out: list[Bench] = [
        Bench("help", "kctrack --help vs the typer+rich floor", kctrack("--help"), floor_status, 1.3, None),
        Bench(
            "targets",
            f"kctrack targets on the national plan ({tiny})",
            kctrack("--db", tiny, "targets"),
            floor_status,
            1.3,
            None,
        ),
    ]
    for n in sizes:
        out.append(
            Bench(
                f"status-{_short(n)}",
                f"kctrack status --as-of 2020-12 on {n:,} records",
                kctrack("--db", str(paths.dbs[n]), "status", "--as-of", "2020-12"),
                floor_status,
                1.5,
                2.0,
            )
        )
    out.append(
        Bench(
            f"status-by-unit-{_short(big)}",
            f"kctrack status --by unit --as-of 2020-12 on {big:,} records (per target the 13 units furthest behind)",
            kctrack("--db", str(paths.dbs[big]), "status", "--as-of", "2020-12", "--by", "unit"),
            py("floor_status_units.py", "--db", str(paths.dbs[big]), "--as-of", "2020-12"),
            1.5,
            2.0,
            goal_seconds=1.0,
        )
    )
    work_db = tmp / "import.db"
    floor_db = tmp / "floor-import.db"

    def fresh_copy() -> None:
        for f in gen._db_files(work_db):
            f.unlink(missing_ok=True)
        shutil.copyfile(paths.empty, work_db)

    def no_floor_db() -> None:
        floor_db.unlink(missing_ok=True)

    out.append(
        Bench(
            "import",
            f"kctrack import of {paths.workbook.name} into a fresh copy of {paths.empty.name}",
            kctrack("--db", str(work_db), "import", str(paths.workbook), "--received", "2021-01-05"),
            py("floor_import.py", str(paths.workbook), str(floor_db)),
            1.5,
            2.0,
            prepare=fresh_copy,
            prepare_floor=no_floor_db,
        )
    )
    schema_db = tmp / "floor-schema.db"

    def fresh_schema_copy() -> None:
        for f in gen._db_files(schema_db):
            f.unlink(missing_ok=True)
        shutil.copyfile(paths.empty, schema_db)

    out.append(
        Bench(
            "import-schema",
            "the same import against the database work kctrack's schema asks for (reported, no goal)",
            kctrack("--db", str(work_db), "import", str(paths.workbook), "--received", "2021-01-05"),
            py("floor_import_schema.py", str(paths.workbook), str(schema_db)),
            prepare=fresh_copy,
            prepare_floor=fresh_schema_copy,
        )
    )
    xlsx, floor_xlsx, shape = tmp / "export.xlsx", tmp / "floor-export.xlsx", tmp / "shape.json"

    def take_shape() -> None:
        shape.write_text(json.dumps(workbook_shape(xlsx), ensure_ascii=False), encoding="utf-8")

    out.append(
        Bench(
            f"export-{_short(big)}",
            f"kctrack export .xlsx --as-of 2020-12 on {big:,} records",
            kctrack("--db", str(paths.dbs[big]), "export", str(xlsx), "--as-of", "2020-12"),
            py("floor_export.py", str(shape), str(floor_xlsx)),
            goal_seconds=1.0,
            after_warmup=take_shape,
        )
    )
    return out


def _short(n: int) -> str:
    return f"{n // 1_000_000}m" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": git("rev-parse", "--short", "HEAD"),
        "kctrack_dirty": bool(git("status", "--porcelain", "--", "kctrack", "migrations")),
        "loadavg_before": os.getloadavg(),
    }


def fmt_s(x: float | None, error: str = "") -> str:
    if x is None:
        return "-"
    return (">" if error.startswith("kctrack timed out") else "") + (f"{x:.3f} s" if x < 10 else f"{x:.1f} s")


def goal_text(r: Result) -> str:
    seconds = f"< {r.goal_seconds:g} s" if r.goal_seconds is not None else ""
    if r.goal is None:
        return seconds
    ratio = f"≤ {r.goal:g}×" + (f" (≤ {r.limit:g}×)" if r.limit else "")
    return f"{seconds} and {ratio}" if seconds else ratio


def report(results: list[Result], growth: float | None, info: dict[str, Any]) -> str:
    head = ("benchmark", "kctrack", "floor", "ratio", "goal", "verdict", "runs", "peak MB k/f")
    rows = []
    for r in results:
        ratio = "-" if r.ratio is None else (">" if r.verdict == "MISS (timed out)" else "") + f"{r.ratio:.2f}×"
        peak = f"{r.kctrack_peak_mb or 0:.0f}/{r.floor_peak_mb or 0:.0f}"
        rows.append(
            (r.name, fmt_s(r.kctrack_median, r.error), fmt_s(r.floor_median), ratio, goal_text(r), r.verdict)
            + (str(r.runs), peak)
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip() for line in (head, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if growth is not None:
        ok = "ok" if growth <= GROWTH_GOAL else "MISS"
        lines.append(
            f"\nstatus growth with records (median at most records / at fewest): {growth:.2f}× "
            f"(goal: flat, ≤ {GROWTH_GOAL}×) {ok}"
        )
    for r in results:
        if r.error:
            lines.append(f"{r.name}: {r.error}")
    m = info["machine"]
    lines.append(
        f"\nmachine: {m['cpus']} cpus {m['cpu']}, Python {m['python']}, load {m['loadavg_before'][0]:.2f} → "
        f"{m['loadavg_after'][0]:.2f}; python -c pass {m['python_start_s']:.3f} s; kctrack {m['commit']}{' + uncommitted changes' if m['kctrack_dirty'] else ''}"
    )
    busy = max(m["loadavg_before"][0], m["loadavg_after"][0])
    if m["cpus"] and busy > m["cpus"] / 2:
        lines.append(
            f"warning: the machine was busy (load {busy:.2f} on {m['cpus']} cpus): medians are slower and ratios "
            "noisier than on an idle machine; run again when it is quiet"
        )
    for r in results:
        lines.append(f"  {r.name}: {r.what}\n      {r.kctrack_cmd}\n      floor: {r.floor_cmd}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each side (default 7)")
    ap.add_argument("--only", help="comma-separated benchmark names (python, help, targets, status-10k, …)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--regen", action="store_true", help="regenerate the data in bench/_data")
    ap.add_argument("--data", type=Path, default=gen.DATA, help="data folder (default bench/_data)")
    ap.add_argument("--records", type=int, nargs="+", default=list(gen.DEFAULT_SIZES), help="database sizes")
    ap.add_argument("--rows", type=int, default=gen.DEFAULT_ROWS, help="rows of the consolidated workbook")
    ap.add_argument(
        "--budget", type=float, default=90, help="seconds per side per benchmark: slow ones get fewer runs (90)"
    )
    ap.add_argument("--timeout", type=float, default=120, help="kill a process after this many seconds (120)")
    a = ap.parse_args()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    info: dict[str, Any] = {"machine": machine()}
    info["machine"]["bytecode_compiled_in"] = precompile()
    starts = [run_once([sys.executable, "-c", "pass"], bench_env(), 30).seconds for _ in range(5)]
    info["machine"]["python_start_s"] = round(statistics.median(starts), 4)
    paths = gen.ensure(a.data, tuple(a.records), a.rows, a.regen, log=log)
    info["data"] = {
        **paths.info,
        "plan_path": str(paths.plan),
        "workbook_path": str(paths.workbook),
        "workbook_mb": round(paths.workbook.stat().st_size / 2**20, 2),
    }
    only = set(a.only.split(",")) if a.only else None
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="kctrack-bench-") as tmp:
        for b in benches(paths, Path(tmp), tuple(sorted(a.records))):
            if only and b.name not in only:
                continue
            log(f"{b.name}: {b.what}")
            results.append(measure(b, a.runs, a.budget, a.timeout, log))
    info["machine"]["loadavg_after"] = os.getloadavg()
    by_name = {r.name: r for r in results}
    sizes = sorted(a.records)
    lo, hi = by_name.get(f"status-{_short(sizes[0])}"), by_name.get(f"status-{_short(sizes[-1])}")
    growth = None
    if lo and hi and lo is not hi and lo.kctrack_median and hi.kctrack_median and not (lo.error or hi.error):
        growth = hi.kctrack_median / lo.kctrack_median
    print(report(results, growth, info))
    if a.json:
        doc = {**info, "results": [asdict(r) for r in results], "status_growth": growth, "growth_goal": GROWTH_GOAL}
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
