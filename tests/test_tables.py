"""The terminal tables: laid out for 80 columns first, golden files, national-scale summaries.

Golden files (tests/snapshots/) hold the rendered ``status``, ``status --by unit``,
``targets`` and ``returns`` tables of the demo database at 80 and 120 columns (Chinese,
and ``status`` in English), drawn by kctrack.render with a fixed database label.  A
difference fails with a diff; ``pytest tests/test_tables.py --update-snapshots`` writes
them again (look at the diff in git before committing it).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import clean_env, kc, ok, run
from rich.cells import cell_len
from tables import SYMBOLS, body, is_rule, sections

from kctrack import render, service
from kctrack.i18n import tr
from kctrack.status import ShareRow

SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = "2020-09"  # the demo's month
TMT = "TECH_MANAGER_TEAMS"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kctrack demo``: the bundled plan with seeded returns up to 2020-09 (SQLite; only read)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    ok(run("--db", path, "demo", env=clean_env()))
    return path


# -- golden files --------------------------------------------------------------------------


def _status(by: str, as_of: str, unit: str | None = None) -> Callable[[Path, render.Console, str], None]:
    def draw(db: Path, console: render.Console, lang: str) -> None:
        report = service.status(str(db), as_of, unit, breakdown=by == "unit").report
        render.status_table(console, report, lang, "demo.db", by, 13)

    return draw


def _targets(db: Path, console: render.Console, lang: str) -> None:
    render.targets_table(console, service.targets(str(db)), lang)


def _returns(db: Path, console: render.Console, lang: str) -> None:
    render.grid_table(console, service.returns_grid(str(db), AS_OF), lang)


VIEWS = {
    "status": _status("task", AS_OF),
    "status-by-unit": _status("unit", "2020-06"),
    "status-unit-shared": _status("task", AS_OF, "企工办"),
    "targets": _targets,
    "returns": _returns,
}
SNAPSHOT_CASES = [
    *((view, "zh", width) for view in ("status", "status-by-unit", "targets", "returns") for width in (80, 120)),
    ("status", "en", 80),
    ("status-unit-shared", "zh", 80),
]


def draw(demo: Path, view: str, lang: str, width: int) -> str:
    buf = io.StringIO()
    VIEWS[view](demo, render.make_console(no_color=True, file=buf, width=width), lang)
    return buf.getvalue()


@pytest.mark.parametrize(("view", "lang", "width"), SNAPSHOT_CASES, ids=lambda x: str(x))
def test_table_matches_its_snapshot(
    demo: Path, request: pytest.FixtureRequest, view: str, lang: str, width: int
) -> None:
    text = draw(demo, view, lang, width)
    path = SNAPSHOTS / f"{view}-{lang}-{width}.txt"
    if request.config.getoption("--update-snapshots"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run pytest tests/test_tables.py --update-snapshots"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), path.name, "now"))
        pytest.fail(f"{path.name} differs (pytest tests/test_tables.py --update-snapshots to accept):\n{diff}")


def test_every_snapshot_is_a_case() -> None:
    # a snapshot left behind by a case that was removed would never be compared again
    names = {f"{view}-{lang}-{width}.txt" for view, lang, width in SNAPSHOT_CASES}
    assert {p.name for p in SNAPSHOTS.glob("*.txt")} == names


# -- 80 columns: nothing wider, nothing cut -------------------------------------------------------


EVERY_VIEW = [
    ["status"],
    ["status", "--by", "unit", "--as-of", "2020-06"],
    ["status", "--by", "month"],
    ["status", "--unit", "南京"],
    ["status", "--unit", "企工办"],
    ["status", "--unit", "苏州", "--by", "unit"],
    ["targets"],
    ["returns"],
    ["history"],
    ["explain", TMT, "--unit", "苏州"],
    ["explain", "FIRMS_SERVED"],
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", EVERY_VIEW, ids=" ".join)
def test_nothing_is_wider_than_80_columns_or_cut(demo: Path, args: list[str], lang: str) -> None:
    out = ok(kc(demo, "--lang", lang, *args, env={"COLUMNS": "80"})).stdout
    wide = [(cell_len(line), line) for line in out.splitlines() if cell_len(line) > 80]
    assert not wide, wide[:3]
    # rich marks a cell it cuts with "…"; the title (a plan window "2020-04 … 2020-12") is above the rule
    cut = [line for line in body(out) if "…" in line]
    assert not cut, cut[:3]


STATES = re.compile(f"[{SYMBOLS}]")


@pytest.mark.parametrize("width", ["80", "200"])
@pytest.mark.parametrize(
    ("args", "marks"),
    [
        (["status"], (STATES, re.compile("%"))),
        (["status", "--by", "unit", "--as-of", "2020-06"], (STATES, re.compile("%"))),
        (["--lang", "en", "status"], (STATES, re.compile("%"))),
        (["status", "--unit", "苏州"], (STATES, re.compile("%"))),
        (["explain", TMT], (STATES,)),
        (["targets"], (re.compile(r"20\d\d-\d\d"),)),
    ],
    ids=lambda x: " ".join(x) if isinstance(x[0], str) else "",
)
def test_wide_chinese_text_stays_aligned(
    demo: Path, args: list[str], marks: tuple[re.Pattern[str], ...], width: str
) -> None:
    # under one header (a table per task lined up under it), a column starts (a state's symbol, a
    # deadline) or ends (a percent's "%") at the same cell offset on every line: Chinese characters
    # count as two cells
    out = ok(kc(demo, *args, env={"COLUMNS": width})).stdout
    checked = 0
    for lines in sections(out):
        for mark in marks:
            offsets = set()
            for line in lines:
                found = mark.search(line)
                if found and line[0] not in SYMBOLS:  # not the legend
                    offsets.add(cell_len(line[: found.start()]))
            assert len(offsets) <= 1, (mark.pattern, sorted(offsets), lines[:4])
            checked += len(offsets)
    assert checked


def test_the_code_shows_where_the_width_allows(demo: Path) -> None:
    # status: no code column at 80 (the name keeps 20 cells), a code column at 120
    narrow = ok(kc(demo, "status", env={"COLUMNS": "80"})).stdout
    wide = ok(kc(demo, "status", env={"COLUMNS": "120"})).stdout
    assert TMT not in narrow
    assert any(line.startswith(TMT) for line in body(wide))
    # targets, where the code is the key: under the name (dim) at 80, a column of its own at 120
    for width, column in (("80", False), ("120", True)):
        out = ok(kc(demo, "targets", env={"COLUMNS": width})).stdout
        header = out.splitlines()[next(n for n, line in enumerate(out.splitlines()) if is_rule(line)) - 1]
        assert ("编号" in header) is column
        assert any(line.startswith(TMT) for line in body(out))


def test_the_percent_bar_only_with_room(demo: Path) -> None:
    assert "█" not in ok(kc(demo, "status", env={"COLUMNS": "80"})).stdout
    assert "█" in ok(kc(demo, "status", env={"COLUMNS": "160"})).stdout


def test_by_month_leaves_out_the_oldest_months_and_says_so(demo: Path) -> None:
    narrow = ok(kc(demo, "status", "--by", "month", env={"COLUMNS": "80"})).stdout
    header = next(line for line in narrow.splitlines() if "9月" in line)
    assert "4月" not in header
    assert "4月–" in narrow and "--format csv" in narrow  # months_hidden names the first one left out
    wide = ok(kc(demo, "status", "--by", "month", env={"COLUMNS": "200"})).stdout
    assert "未显示" not in wide
    assert all(f"{m}月" in wide for m in range(4, 10))
    # the months are right-aligned and every target has a figure in the last one: rows end together
    for out in (narrow, wide):
        ends = {cell_len(line) for line in body(out) if line[0] not in SYMBOLS and any(ch in SYMBOLS for ch in line)}
        assert len(ends) == 1, ends


# -- status --unit: a shared target -----------------------------------------------------------


def test_a_units_shared_target_shows_its_own_figure_and_a_footnote(demo: Path) -> None:
    out = ok(kc(demo, "--lang", "en", "status", "--unit", "企工办", "--as-of", AS_OF, env={"COLUMNS": "120"})).stdout
    data = {t["code"]: t for t in _json(demo, "--unit", "企工办")["targets"]}
    firms = data["FIRMS_SERVED"]
    assert firms["scope"] == "shared"
    row = next(line for line in out.splitlines() if line.startswith("FIRMS_SERVED"))
    assert "shared*" in row and f" {firms['actual']:,} " in row
    assert "%" not in row  # no percent, expected or state of its own
    province = firms["province"]
    # the footnote: who reports the shared targets (once), then each one's province total
    intro = (
        "*shared targets: reported jointly by Enterprise Work Office, Enterprise Innovation Service Centre;"
        " Actual above is this unit's own."
    )
    assert intro in " ".join(out.split())
    total = f"  Firms given innovation services: province {province['actual']:,} of {province['target']:,}, "
    assert any(line.startswith(total) for line in out.splitlines()), out


def _json(db: Path, *args: str) -> dict[str, Any]:
    """``status --format json`` (as of the demo's month unless ``args`` give --as-of)."""
    as_of = [] if "--as-of" in args else ["--as-of", AS_OF]
    return json.loads(ok(kc(db, "status", "--format", "json", *as_of, *args)).stdout)


# -- status --by unit: the units furthest behind first, and a count of the rest ----------------------------


def _share(unit: str, quota: float | None, actual: float, state: str | None) -> ShareRow:
    return ShareRow(unit, quota, actual, None, state)


def test_furthest_behind_first_then_a_count_of_the_rest() -> None:
    shares = [
        _share("a", 10, 9, "on_track"),  # 90 %
        _share("b", 10, 3, "off_track"),
        _share("c", 10, 7, "behind"),
        _share("d", 10, 10, "done"),
        _share("e", 10, 8, "on_track"),  # 80 %: before a
        _share("f", 10, 4, "not_achieved"),
    ]
    shown, rest = render._furthest_behind(shares, 3)
    assert [s.unit for s in shown] == ["f", "b", "c"]  # not achieved, off track, behind
    assert [s.unit for s in rest] == ["e", "a", "d"]
    assert render._rest_line(rest, "zh") == "另 3 个单位未列出：按期 2，已完成 1"
    assert render._rest_line(rest, "en") == "3 more units not listed: on track 2, done 1"
    # everything fits: all of them, in the plan's order
    assert render._furthest_behind(shares, 6) == (shares, [])
    assert render._furthest_behind(shares, None) == (shares, [])


def test_a_shared_target_lists_the_smallest_figures_first() -> None:
    shares = [_share("a", None, 5, None), _share("b", None, 0, None), _share("c", None, 12, None)]
    shown, rest = render._furthest_behind(shares, 2)
    assert [s.unit for s in shown] == ["b", "a"]
    assert render._rest_line(rest, "zh") == "另 1 个单位未列出，合计 12"


def test_status_by_unit_limit_all_and_csv(demo: Path) -> None:
    args = ("status", "--by", "unit", "--as-of", "2020-06")
    csv_rows = list(csv.DictReader(io.StringIO(ok(kc(demo, "--lang", "en", *args, "--format", "csv")).stdout)))
    assert len([r for r in csv_rows if TMT in r.values()]) == 13  # csv lists every unit whatever the limit
    cut = ok(kc(demo, *args, "--limit", "3"))
    block = _block(cut.stdout)
    assert len(block) == 1 + 3 + 1  # the total, 3 cities, the count of the other 10
    assert block[-1].startswith("另 10 个单位未列出：")
    # the 3 listed are the 3 furthest behind by the complete JSON: worst state, then lowest share of the quota
    (tmt,) = [t for t in _json(demo, "--as-of", "2020-06")["targets"] if t["code"] == TMT]
    rank = {s: n for n, s in enumerate(("not_achieved", "off_track", "behind", "on_track", "done"))}
    behind = sorted(tmt["breakdown"], key=lambda s: (rank[s["state"]], s["actual"] / s["target"]))
    assert [line.split()[0] for line in block[1:4]] == [s["unit"] for s in behind[:3]]
    assert tr("units_limited", "zh", limit=3, left_out="10") in cut.stderr
    # --all and --limit 0 list every unit, in the plan's order, and say nothing on stderr
    for flag in (["--all"], ["--limit", "0"]):
        whole = ok(kc(demo, *args, *flag))
        assert [line.split()[0] for line in _block(whole.stdout)[1:]] == [s["unit"] for s in tmt["breakdown"]]
        assert whole.stderr == ""
    # the default lists the 13 cities of a province: nothing left out
    assert ok(kc(demo, *args)).stderr == ""


def _block(out: str) -> list[str]:
    """The lines of TECH_MANAGER_TEAMS's block in ``status --by unit``: its total, its units, the count of the rest."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.rstrip().endswith(TMT)) + 1
    end = next((n for n in range(start, len(lines)) if not lines[n].strip()), len(lines))
    return lines[start:end]


# -- the layout itself ------------------------------------------------------------------------


def test_layout_drops_optional_columns_highest_first_and_wraps_names() -> None:
    cols = [
        render.Col("code", drop=1),
        render.Col("name", wrap=True, min_width=10),
        render.Col("n", "right"),
        render.Col("", drop=2),
    ]
    rows = [["ABCDEFGHIJ", "一二三四五六七八九十", "1,234", "█" * 10]]

    def fit(width: int) -> tuple[list[int], list[int]]:
        layout = render.Layout(cols, rows, width)
        return layout.shown, layout.widths

    # everything at its natural width: 10 + 20 + 5 + 10 and 3 gaps of 2 = 51
    assert fit(51) == ([0, 1, 2, 3], [10, 20, 5, 10])
    # the name narrows down to its 10 before anything goes: 41 = 10 + 10 + 5 + 10 + 6
    assert fit(45) == ([0, 1, 2, 3], [10, 14, 5, 10])
    assert fit(41) == ([0, 1, 2, 3], [10, 10, 5, 10])
    # 40: the bar (drop 2) goes first; the name gets 40 - 10 - 5 - 4 = 21, no more than its 20
    assert fit(40) == ([0, 1, 2], [10, 20, 5])
    # 28: the code goes too (10 + 10 + 5 + 4 = 29); the name takes 28 - 5 - 2 = 21, capped at 20
    assert fit(28) == ([1, 2], [20, 5])
    # 15: nothing more can go; the figure keeps its 5 cells, the name gets the other 8
    assert fit(15) == ([1, 2], [8, 5])
    # a wider code: at 40 the bar goes, then the code; without the code the bar fits again
    rows[0][0] = "A" * 30
    assert fit(40) == ([1, 2, 3], [20, 5, 10])


def test_layout_prints_without_cutting() -> None:
    cols = [render.Col("名称", wrap=True, min_width=6), render.Col("完成", "right")]
    rows: list[list[render.Cell]] = [["技术工人培训（人）", "2,985"], ["合计", "12"]]
    buf = io.StringIO()
    console = render.make_console(no_color=True, file=buf, width=15)
    layout = render.Layout(cols, rows, 15)
    assert layout.widths == [8, 5]
    # folded at 8 cells the name would leave "培训（人" and "）": the line breaks before the bracket
    layout.print(console, rows)
    assert rows[0][0] == "技术工人培训（人）"  # the cell itself is left as it is
    lines = buf.getvalue().splitlines()
    assert lines[0] == "名称       完成" and is_rule(lines[1]) and cell_len(lines[1]) == 15
    # the name wraps, the figure stays whole and right-aligned; no trailing blanks
    assert lines[2:] == ["技术工人  2,985", "培训", "（人）", "合计         12"]
