"""Hostile plan files (issue 13, rows 3 and 4): alias bombs, deep nesting, huge files, non-finite numbers.

Each hostile file is built in the test and given to the real command line
(``kctrack init --plan FILE``, also ``kctrack targets --plan FILE``).  It must be
refused at once with exit code 2 and one message naming the file, the line, the
limit reached or the key, and how to fix it: no traceback, no database created.
The alias bomb and the huge file run in a child process bounded in time
(``timeout``) and memory (``RLIMIT_AS``): before the fix the bomb hung.

A plan stored in the database whose numbers are not finite (written by an older
kctrack, or edited by hand) is refused when read back, with a message, not a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_FILE, dump_plan, find_target, kc, line_of, ok, plan_dict, plan_text, write_plan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kctrack.planfile import MAX_PLAN_ALIASES, MAX_PLAN_BYTES, MAX_PLAN_DEPTH, MAX_PLAN_NODES

TIMEOUT = 20  # seconds: the real plan loads in well under one
MEMORY = 1 << 30  # bytes of address space for the child process (1 GiB)


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def kctrack_process(*args: Any) -> subprocess.CompletedProcess[str]:
    """``python -m kctrack ARGS…`` in a child process with at most :data:`MEMORY` and :data:`TIMEOUT`."""
    return subprocess.run(
        [sys.executable, "-m", "kctrack", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_bounded,
        env=dict(os.environ),
        check=False,
    )


def refused(result: Any, db: Path) -> list[str]:
    """The lines of the message of a plan refused with exit code 2, no traceback, no database; checked."""
    code = result.returncode if hasattr(result, "returncode") else result.exit_code
    assert code == 2, f"exit {code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout == ""
    assert not db.exists(), "a refused plan must not create the database"
    assert not Path(f"{db}-wal").exists()
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- alias bombs -----------------------------------------------------------------------------------


def billion_laughs(levels: int = 9, fan: int = 9) -> str:
    """``levels`` levels of ``fan`` aliases each to the level below: fan**levels strings (9**9 = 387 420 489)."""
    lines = ['l0: &l0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 9, fan: int = 9) -> str:
    """The same with merge keys: each mapping merges ``fan`` copies of the one below (``<<: [*m, *m…]``)."""
    lines = ["m0: &m0 {a: 1, b: 2, c: 3}"]
    for i in range(1, levels + 1):
        lines.append(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * fan)}], k{i}: {i}}}")
    return "\n".join(lines) + "\n"


def bomb_in_real_plan() -> tuple[str, int]:
    """The real plan with a bomb as the note of a target: a valid file but for the bomb."""
    text = plan_text()
    head = "  - code: TECH_MANAGER_TEAMS\n"
    assert text.count(head) == 1
    bomb = "".join("    x_" + line + "\n" for line in billion_laughs().splitlines())  # keys of the target
    text = text.replace(head, head + bomb, 1)
    return text, line_of(text, "x_l5:")


def test_billion_laughs_is_small() -> None:
    # the point of the bomb: a few hundred bytes standing for hundreds of millions of nodes
    assert len(billion_laughs().encode()) < 600
    assert billion_laughs().count("*") == 81 < MAX_PLAN_ALIASES  # under the alias limit: the node count stops it


@pytest.mark.parametrize("command", ["init", "targets"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_billion_laughs_is_refused_at_once(tmp_path: Path, command: str, lang: str) -> None:
    bomb = write_plan(tmp_path / "bomb.yaml", billion_laughs())
    db = tmp_path / "k.db"
    lines = refused(kctrack_process("--db", db, "--lang", lang, command, "--plan", bomb), db)
    assert len(lines) == 1, lines
    # level 5 is the first to stand for more than 50 000 nodes (9**5 = 59 049), on line 6
    assert lines[0].startswith(f"{bomb}:6: "), lines
    if lang == "en":
        assert "more than 50000 YAML nodes" in lines[0]
        assert "an alias counts what it stands for" in lines[0]
        assert "write the values out instead of repeating aliases" in lines[0]
    else:
        assert "YAML 节点" in lines[0] and "超过上限 50000 个" in lines[0]
        assert "请删去重复引用的别名" in lines[0]


def test_merge_key_bomb_is_refused_at_once(tmp_path: Path) -> None:
    bomb = write_plan(tmp_path / "bomb.yaml", merge_bomb())
    db = tmp_path / "k.db"
    lines = refused(kctrack_process("--db", db, "--lang", "en", "init", "--plan", bomb), db)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{bomb}:"), lines
    assert "more than 50000 YAML nodes" in lines[0]


def test_bomb_inside_a_valid_plan_is_refused_at_its_line(tmp_path: Path) -> None:
    text, line = bomb_in_real_plan()
    bomb = write_plan(tmp_path / "plan.yaml", text)
    db = tmp_path / "k.db"
    lines = refused(kctrack_process("--db", db, "--lang", "en", "init", "--plan", bomb), db)
    assert lines == [f"{bomb}:{line}: " + lines[0].split(": ", 1)[1]], lines
    assert "more than 50000 YAML nodes" in lines[0]


def test_too_many_aliases(tmp_path: Path) -> None:
    # 101 aliases of one small value: no bomb, but more aliases than a plan has any use for
    text = "x: &x 1\n" + "y:\n" + "".join("  - *x\n" for _ in range(MAX_PLAN_ALIASES + 1))
    bad = write_plan(tmp_path / "bad.yaml", text)
    db = tmp_path / "k.db"
    lines = refused(kc(db, "--lang", "en", "init", "--plan", bad), db)
    assert lines == [
        f"{bad}:{2 + MAX_PLAN_ALIASES + 1}: more than 100 YAML aliases (*name): a plan file needs none;"
        " write the values out"
    ]
    zh = refused(kc(db, "init", "--plan", bad), db)
    assert zh == [f"{bad}:103: YAML 别名（*名称）超过上限 100 个：计划文件不需要别名，请把内容直接写出"]


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    # the real plan with its list of the 13 cities written once and aliased where it comes again: loads as before
    text = plan_text()
    cities = "    responsible: [nanjing, wuxi, xuzhou, changzhou, suzhou, nantong, lianyungang, huaian, yancheng,"
    assert text.count(cities) == 2
    first = text.index(cities)
    end = text.index("\n", first)
    aliased = (
        text[:first]
        + "    responsible: &cities"
        + text[first + len("    responsible:") : end + 1]
        + text[end + 1 :].replace(text[first : end + 1], "    responsible: *cities\n", 1)
    )
    assert aliased.count("*cities") == 1 and aliased.count("&cities") == 1
    db = tmp_path / "k.db"
    ok(kc(db, "init", "--plan", write_plan(tmp_path / "plan.yaml", aliased)))
    same = tmp_path / "same.db"
    ok(kc(same, "init", "--plan", PLAN_FILE))
    assert ok(kc(db, "targets", "--format", "json")).stdout == ok(kc(same, "targets", "--format", "json")).stdout


def test_alias_cycle_is_refused(tmp_path: Path) -> None:
    bad = write_plan(tmp_path / "bad.yaml", "schema: 1\nplan: &p\n  loop: *p\n")
    db = tmp_path / "k.db"
    lines = refused(kc(db, "--lang", "en", "init", "--plan", bad), db)
    assert lines == [f"{bad}:3: alias *p is inside its own anchor &p (a cycle): remove the alias"]


def test_duplicate_keys_under_aliases_are_reported_once(tmp_path: Path) -> None:
    # the duplicate-key check walks the composed graph: an aliased mapping is looked at once
    text = "x: &x {a: 1, a: 2}\ny: [*x, *x, *x]\n"
    bad = write_plan(tmp_path / "bad.yaml", text)
    db = tmp_path / "k.db"
    result = kc(db, "--lang", "en", "init", "--plan", bad)
    assert result.exit_code == 2
    assert result.stderr.count("key x.a appears twice") == 1, result.stderr
    assert "y[0].a" not in result.stderr


@pytest.mark.parametrize(
    ("edit", "line_text", "reason"),
    [
        ('  issued: "2020-05-18"\n', "  issued: 2020-13-18\n", "'2020-13-18': month must be in 1..12"),
        ("  returns_due_day: 10\n", "  returns_due_day: !!int ten\n", "'ten': invalid literal for int()"),
        ("  returns_due_day: 10\n", "  returns_due_day: \x1f\n", "special characters are not allowed"),
    ],
)
def test_values_yaml_cannot_hold_are_refused_without_a_crash(
    tmp_path: Path, edit: str, line_text: str, reason: str
) -> None:
    text = plan_text()
    assert text.count(edit) == 1
    text = text.replace(edit, line_text)
    bad = write_plan(tmp_path / "bad.yaml", text)
    db = tmp_path / "k.db"
    lines = refused(kc(db, "--lang", "en", "init", "--plan", bad), db)
    assert len(lines) == 1, lines
    # the reader refuses a control character before any line is known: the message names the file alone
    where = f"{bad}:" if "\x1f" in line_text else f"{bad}:{line_of(text, line_text)}:"
    assert lines[0].startswith(f"{where} YAML syntax error: "), lines
    assert reason in lines[0]


# -- deep nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_PLAN_DEPTH + 1, 100_000])
def test_deep_flow_nesting(tmp_path: Path, depth: int) -> None:
    bad = write_plan(tmp_path / "deep.yaml", "schema: 1\nplan: " + "[" * depth + "]" * depth + "\n")
    db = tmp_path / "k.db"
    lines = refused(kctrack_process("--db", db, "--lang", "en", "init", "--plan", bad), db)
    assert lines == [
        f"{bad}:2: nested more than 50 levels deep (a real plan file has 6): check the indentation"
        " and unclosed brackets [ {"
    ]


def test_deep_block_nesting(tmp_path: Path) -> None:
    text = "schema: 1\n" + "".join("  " * i + f"k{i}:\n" for i in range(MAX_PLAN_DEPTH + 10)) + "  " * 60 + "x: 1\n"
    bad = write_plan(tmp_path / "deep.yaml", text)
    db = tmp_path / "k.db"
    lines = refused(kc(db, "init", "--plan", bad), db)
    # the root mapping is level 1, k0 its key and the mapping under k0 level 2 … k48's value is level 50
    line = line_of(text, "k49:")
    assert lines == [f"{bad}:{line}: 嵌套超过上限 50 层（真实的计划文件为 6 层）：请检查缩进和未闭合的括号 [ {{"]


def test_depth_limit_is_exact(tmp_path: Path) -> None:
    # the root mapping is level 1 and "plan: [[…]]" opens a level per bracket: 49 brackets reach level 50
    db = tmp_path / "k.db"
    at_limit = "[" * (MAX_PLAN_DEPTH - 1) + "]" * (MAX_PLAN_DEPTH - 1)
    bad = write_plan(tmp_path / "at.yaml", "schema: 1\nplan: " + at_limit + "\n")
    lines = refused(kc(db, "--lang", "en", "init", "--plan", bad), db)
    assert not any("nested more than" in line for line in lines), lines
    assert any(line.startswith(f"{bad}:2: plan: invalid value '[[[") for line in lines), lines  # not a mapping
    over = write_plan(tmp_path / "over.yaml", "schema: 1\nplan: [" + at_limit + "]\n")
    lines = refused(kc(db, "--lang", "en", "init", "--plan", over), db)
    assert len(lines) == 1 and lines[0].startswith(f"{over}:2: nested more than 50 levels deep"), lines


# -- huge files ------------------------------------------------------------------------------------


def test_huge_sparse_file_is_refused_without_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.write(b"schema: 1\n")
        f.truncate(3 * 1024**3)  # 3 GiB of holes: reading it would take the child's 1 GiB
    db = tmp_path / "k.db"
    lines = refused(kctrack_process("--db", db, "--lang", "en", "init", "--plan", huge), db)
    assert lines == [
        f"{huge}: the plan file is 3221225472 bytes, over the limit of 2097152 bytes (2 MB;"
        " a real plan file is about 60 KB): check that this is the right file"
    ]
    zh = refused(kctrack_process("--db", db, "targets", "--plan", huge), db)
    assert zh == [
        f"{huge}: 计划文件大小为 3221225472 字节，超过上限 2097152 字节（2 MB；真实的计划文件约 60 KB）：请检查是否选错了文件"
    ]


def _padded(size: int) -> str:
    """The real plan with a comment at its end making it exactly ``size`` bytes."""
    text = plan_text()
    room = size - len(text.encode()) - len("#\n")
    assert room > 0
    padded = text + "#" + "x" * room + "\n"
    assert len(padded.encode()) == size
    return padded


def test_file_at_the_size_limit_loads_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    at_limit = write_plan(tmp_path / "at.yaml", _padded(MAX_PLAN_BYTES))
    ok(kc(tmp_path / "ok.db", "init", "--plan", at_limit))
    over = write_plan(tmp_path / "over.yaml", _padded(MAX_PLAN_BYTES + 1))
    db = tmp_path / "k.db"
    lines = refused(kc(db, "--lang", "en", "init", "--plan", over), db)
    assert lines == [
        f"{over}: the plan file is 2097153 bytes, over the limit of 2097152 bytes (2 MB;"
        " a real plan file is about 60 KB): check that this is the right file"
    ]


def test_many_nodes_without_aliases(tmp_path: Path) -> None:
    # 300 KB and 60 600 values: refused on the node count, at the line where it is reached
    text = "schema: 1\nplan:\n" + "".join(f"  - [{', '.join(['1'] * 100)}]\n" for _ in range(600))
    assert len(text.encode()) < MAX_PLAN_BYTES
    bad = write_plan(tmp_path / "many.yaml", text)
    db = tmp_path / "k.db"
    lines = refused(kctrack_process("--db", db, "--lang", "en", "init", "--plan", bad), db)
    # 5 nodes before the rows (the root, schema, 1, plan, the list), 101 a row (a list of 100):
    # row 495 ends at node 5 + 495 * 101 = 50 000, so row 496 (line 498) passes the limit
    assert (MAX_PLAN_NODES - 5) // 101 == 495
    assert lines == [
        f"{bad}:498: more than 50000 YAML nodes (values, lists, mappings; an alias counts what it stands for;"
        " a real plan file has about 2700): if the file uses aliases (*name), write the values out"
        " instead of repeating aliases; otherwise check that this is the right file"
    ]


# -- non-finite numbers ----------------------------------------------------------------------------

MARK = "__NONFINITE__"
TMT = [t["code"] for t in plan_dict()["targets"]].index("TECH_MANAGER_TEAMS")
CHOKE = [t["code"] for t in plan_dict()["targets"]].index("CHOKEPOINTS_SOLVED")
SOCIETY_RULE = [r.get("per") for r in find_target(plan_dict(), "CHOKEPOINTS_SOLVED")["rules"]].index("society")
CITY_RULE = [r.get("per") for r in find_target(plan_dict(), "CHOKEPOINTS_SOLVED")["rules"]].index("city")
SERVICE = [t["code"] for t in plan_dict()["targets"]].index("SERVICE_TEAMS")


def _set(data: dict[str, Any], place: str) -> str:
    """Put :data:`MARK` at a place of the parsed plan; its key path as the message names it."""
    if place == "quota":
        find_target(data, "TECH_MANAGER_TEAMS")["breakdown"]["suqian"] = MARK
        return f"targets[{TMT}].breakdown.suqian"
    if place == "target value":
        find_target(data, "TECH_MANAGER_TEAMS")["value"] = MARK
        return f"targets[{TMT}].value"
    if place == "rule value":
        find_target(data, "CHOKEPOINTS_SOLVED")["rules"][SOCIETY_RULE]["value"] = MARK
        return f"targets[{CHOKE}].rules[{SOCIETY_RULE}].value"
    if place == "rule min":
        find_target(data, "CHOKEPOINTS_SOLVED")["rules"][CITY_RULE]["min"] = MARK
        return f"targets[{CHOKE}].rules[{CITY_RULE}].min"
    if place == "checkpoint":
        find_target(data, "SERVICE_TEAMS")["checkpoints"] = {"2020-05": MARK}
        return f"targets[{SERVICE}].checkpoints.2020-05"
    if place == "threshold":
        data["plan"]["thresholds"] = {"behind": MARK}
        return "plan.thresholds.behind"
    if place == "whole number":  # an int of the schema
        data["plan"]["returns_due_day"] = MARK
        return "plan.returns_due_day"
    raise AssertionError(place)


# YAML's own forms of nan and infinity, a float that overflows, and numbers given as strings (pydantic reads them)
FORMS = [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1.0e+400", "-1.5e+999", "1e400", '"nan"', "'-inf'", '"Infinity"']
FLOAT_FORMS = [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1.0e+400", "-1.5e+999"]  # what YAML itself reads as floats
CASES = [("quota", form) for form in FORMS] + [
    (place, form)
    for place in ["target value", "rule value", "rule min", "checkpoint", "threshold"]
    for form in [".nan", "-.inf", "1e400"]
]
CASES += [("whole number", form) for form in [".nan", "-.inf", "1.0e+400"]]  # "nan" is simply not a whole number


@pytest.mark.parametrize(("place", "form"), CASES)
def test_non_finite_number_is_refused(tmp_path: Path, place: str, form: str) -> None:
    data = plan_dict()
    key = _set(data, place)
    text = dump_plan(data)
    line = line_of(text, MARK)
    text = text.replace(f"'{MARK}'", form).replace(MARK, form)
    bad = write_plan(tmp_path / "bad.yaml", text)
    db = tmp_path / "k.db"
    en = refused(kc(db, "--lang", "en", "init", "--plan", bad), db)
    assert en[0] == "1 problem(s) found; nothing was written:"
    assert len(en) == 2, en
    assert en[1].startswith(f"{bad}:{line}: {key}: '"), en
    assert en[1].endswith(
        "' is not a finite number: give an ordinary number (not .nan, .inf, nor one too large such as 1e400)"
    )
    zh = refused(kc(db, "init", "--plan", bad), db)
    assert zh[1].startswith(f"{bad}:{line}: {key} 的值 “"), zh
    assert zh[1].endswith("” 不是有限的数：请填写普通数字（不能是 .nan、.inf 或 1e400 这样超出范围的数）")
    # targets --plan checks the file the same way
    assert refused(kc(db, "--lang", "en", "targets", "--plan", bad), db) == en


def _number_places(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], bool]]:
    """Every number of the real plan's targets and head: (path in the parsed plan, whether the schema's type is float)."""
    places: list[tuple[tuple[Any, ...], bool]] = [(("plan", "returns_due_day"), False)]
    for i, t in enumerate(data["targets"]):
        places += [(("targets", i, "value"), True), (("targets", i, "task"), False)]
        places += [(("targets", i, "breakdown", u), True) for u in t.get("breakdown", {})]
        places += [(("targets", i, "checkpoints", m), True) for m in t.get("checkpoints", {})]
        for j, r in enumerate(t.get("rules", [])):
            places += [(("targets", i, "rules", j, k), True) for k in ("min", "max", "value") if r.get(k) is not None]
    places += [(("sections", i, "id"), False) for i in range(len(data["sections"]))]
    places += [(("tasks", i, "id"), False) for i in range(len(data["tasks"]))]
    return places


PLAN_NUMBERS = _number_places(plan_dict())
HYPO = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@HYPO
@given(
    picks=st.lists(
        st.tuples(st.sampled_from(range(len(PLAN_NUMBERS))), st.sampled_from(FORMS)),
        min_size=1,
        max_size=4,
        unique_by=lambda p: p[0],
    )
)
def test_non_finite_numbers_anywhere_are_each_refused(picks: list[tuple[int, str]]) -> None:
    data = plan_dict()
    expected = []
    forms = {}
    for n, (index, form) in enumerate(picks):
        loc, is_float = PLAN_NUMBERS[index]
        if not is_float and form not in FLOAT_FORMS:
            form = "-.inf"  # a string in a whole number is "not a whole number", another message
        parent: Any = data
        for part in loc[:-1]:
            parent = parent[part]
        parent[loc[-1]] = f"{MARK}{n}"
        forms[f"{MARK}{n}"] = form
        expected.append(_key_path(loc))
    text = dump_plan(data)
    lines = {mark: line_of(text, mark) for mark in forms}
    for mark, form in forms.items():
        text = text.replace(f"'{mark}'", form).replace(mark, form)
    with tempfile.TemporaryDirectory() as d:
        bad = write_plan(Path(d) / "plan.yaml", text)
        db = Path(d) / "k.db"
        out = refused(kc(db, "--lang", "en", "init", "--plan", bad), db)
    assert out[0] == f"{len(picks)} problem(s) found; nothing was written:", out
    assert len(out) == 1 + len(picks), out
    for (mark, line), key in zip(lines.items(), expected, strict=True):
        hits = [x for x in out if x.startswith(f"{bad}:{line}: {key}: '")]
        assert len(hits) == 1, (mark, key, out)
        assert "is not a finite number" in hits[0]


# -- the plan stored in the database ---------------------------------------------------------------


def _stored(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        (body,) = conn.execute("SELECT body FROM plan_version ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(body)


def _store(db: Path, body: str) -> None:
    """Replace the plan in force with ``body`` and its digest, as a kctrack that let such a plan in stored it."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(
                "UPDATE plan_version SET body = ?, sha256 = ? WHERE id = (SELECT max(id) FROM plan_version)",
                (body, digest),
            )
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("edit", "key", "shown"),
    [
        ("value NaN", f"targets[{TMT}].value", "nan"),
        ("quota Infinity", f"targets[{TMT}].breakdown[12][1]", "inf"),
        ("behind -Infinity", "behind_ratio", "-inf"),
        ("rule 1e400", f"targets[{CHOKE}].rules[{SOCIETY_RULE}].value", "inf"),
        ("quota as the string nan", f"targets[{TMT}].breakdown[12]", "nan"),
    ],
)
def test_stored_plan_with_non_finite_numbers_is_refused(tmp_path: Path, edit: str, key: str, shown: str) -> None:
    db = tmp_path / "k.db"
    ok(kc(db, "init", "--plan", PLAN_FILE))
    body = _stored(db)
    tmt = body["targets"][TMT]
    assert tmt["code"] == "TECH_MANAGER_TEAMS" and tmt["breakdown"][12][0] == "suqian"
    if edit == "value NaN":
        tmt["value"] = float("nan")
    elif edit == "quota Infinity":
        tmt["breakdown"][12][1] = float("inf")
    elif edit == "behind -Infinity":
        body["behind_ratio"] = float("-inf")
    elif edit == "rule 1e400":
        body["targets"][CHOKE]["rules"][SOCIETY_RULE]["value"] = 12345.5
    else:
        tmt["breakdown"][12][1] = "nan"
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)  # writes NaN, Infinity, -Infinity
    if edit == "rule 1e400":
        assert text.count("12345.5") == 1
        text = text.replace("12345.5", "1e400")
    _store(db, text)
    for args in (("status", "--as-of", "2020-06"), ("targets",), ("export", tmp_path / "out.json")):
        result = kc(db, "--lang", "en", *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        assert result.stderr.strip() == (
            f"the plan stored in the database holds '{shown}' at {key}, which is not a finite number:"
            " load a correct plan again with kctrack init --plan FILE"
        ), result.stderr
    assert not (tmp_path / "out.json").exists()
    zh = kc(db, "status", "--as-of", "2020-06")
    assert zh.stderr.strip() == (
        f"数据库中保存的计划在 {key} 处的值 “{shown}” 不是有限的数：请用 kctrack init --plan 文件 重新载入正确的计划"
    )
    # the advice works: init with the good plan stores a good plan again
    ok(kc(db, "init", "--plan", PLAN_FILE))
    ok(kc(db, "status", "--as-of", "2020-06"))
