"""The plan file: the real data/targets.yaml, and every kind of bad file.

Figures are checked against the document (苏科协发〔2020〕71号 and its 重点目标任务分解表),
not against the program's output.  Bad files are derived from the real one in the
test, by editing its text or its parsed form, and must make ``kctrack init --plan``
exit 2 with a message naming the file, the line and the key, without a traceback
and without creating or changing a database.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import (
    CITY_NAMES,
    PLAN_FILE,
    TMT_QUOTA_ZH,
    Db,
    db_state,
    dump_plan,
    find_target,
    kc,
    line_of,
    plan_dict,
    plan_text,
    write_plan,
)

from kctrack.errors import KctrackError
from kctrack.planfile import load_plan, parse_plan
from kctrack.resources import default_plan


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return load_plan(PLAN_FILE)


def target(plan, code):  # type: ignore[no-untyped-def]
    found = [t for t in plan.targets if t.code == code]
    assert len(found) == 1, code
    return found[0]


# -- the real file ---------------------------------------------------------------------------------


def test_the_bundled_plan_is_data_targets_yaml() -> None:
    assert default_plan().resolve() == PLAN_FILE.resolve()


def test_plan_head(plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.document == "苏科协发〔2020〕71号"
    assert (plan.start, plan.end) == ("2020-04", "2020-12")  # 四、进度安排: April … December


def test_tech_manager_teams(plan) -> None:  # type: ignore[no-untyped-def]
    # 全省组建200个企业和园区科协行业型“技术经理人团队”…7月底前完成并开展服务
    t = target(plan, "TECH_MANAGER_TEAMS")
    assert t.value == 200
    assert t.deadline == "2020-07"
    assert t.task == 7
    split = {plan.unit_name(u, "zh"): q for u, q in t.breakdown}
    assert split == TMT_QUOTA_ZH
    # 25 × 5 + 15 × 3 + 6 × 5 = 125 + 45 + 30 = 200
    assert sum(split.values()) == 200
    assert {u for u, _ in t.breakdown} == set(CITY_NAMES)


def test_firms_served_is_a_minimum(plan) -> None:  # type: ignore[no-untyped-def]
    # 共同面向至少1000家企业
    t = target(plan, "FIRMS_SERVED")
    assert (t.value, t.minimum, t.deadline, t.task) == (1000, True, "2020-12", 8)


def test_chokepoints(plan) -> None:  # type: ignore[no-untyped-def]
    # 全年推动解决企业“卡脖子”核心技术难题30项 (repeated in 二、工作目标: one target)
    t = target(plan, "CHOKEPOINTS_SOLVED")
    assert (t.value, t.deadline, t.task) == (30, "2020-12", 8)
    assert [x.code for x in plan.targets].count("CHOKEPOINTS_SOLVED") == 1
    # quotas: 推动2项 per society with an academician centre (no 至少: a stated number, not a
    # minimum), 至少推动3项 per pilot city (a minimum)
    rules = {r.per: r for r in t.rules if r.per}
    assert (rules["society"].value, rules["society"].min) == (2, None)
    assert (rules["city"].min, rules["city"].value) == (3, None)


def test_patent_pushes(plan) -> None:  # type: ignore[no-untyped-def]
    # 实现年专利信息推送150万条 = 1 500 000
    t = target(plan, "PATENT_INFO_PUSHES")
    assert t.value == 1_500_000
    assert t.deadline == "2020-12"


def test_service_teams(plan) -> None:  # type: ignore[no-untyped-def]
    # 联合组建30个省级“科技服务队”…每队由7至10名相关联专家组成…7月底前完成并开展服务
    t = target(plan, "SERVICE_TEAMS")
    assert (t.value, t.deadline, t.task) == (30, "2020-07", 6)
    size = [r for r in t.rules if r.kind == "team_size"]
    assert len(size) == 1
    assert (size[0].min, size[0].max) == (7, 10)


@pytest.mark.parametrize(
    ("code", "value", "deadline"),
    [
        ("EXPERT_POOL", 500, "2020-07"),  # 7月份: 500人院士专家人才库
        ("BOTTLENECK_POOL", 300, "2020-07"),  # 7月份: 300个企业创新瓶颈问题库
        ("KEY_TECH_PROJECT_POOL", 50, "2020-07"),  # 50个核心技术攻关项目库
        ("NATIONAL_SOCIETIES", 30, "2020-12"),  # 至少30家全国性学会
        ("TALENT_TRAINING_SESSIONS", 30, "2020-12"),  # 至少30场科技人才培训
        ("WORKER_TRAINEES", 10000, "2020-12"),  # 企业技术工人培训10000人
        ("YOUTH_TRAININGS", 50, "2020-12"),  # 至少50场省科协青年会员双创培训
        ("LANDED_PROJECTS", 70, "2020-12"),  # 落地项目70个
        ("SIGNED_PROJECTS", 400, "2020-12"),  # 签约项目400个
    ],
)
def test_spot_values(plan, code: str, value: float, deadline: str) -> None:  # type: ignore[no-untyped-def]
    t = target(plan, code)
    assert (t.value, t.deadline) == (value, deadline)


def test_fifteen_tasks(plan) -> None:  # type: ignore[no-untyped-def]
    assert [k.no for k in plan.tasks] == list(range(1, 16))
    assert {k.section for k in plan.tasks} == {1, 2, 3, 4, 5}


def test_thirteen_cities(plan) -> None:  # type: ignore[no-untyped-def]
    cities = {u.code: u.name.zh for u in plan.units if u.kind == "city"}
    assert cities == CITY_NAMES


def test_every_deadline_inside_the_window(plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.targets
    for t in plan.targets:
        assert plan.start <= t.deadline <= plan.end, t.code
        assert t.deadline in ("2020-07", "2020-12"), t.code  # 7月份/7月底前, else the plan year
        assert t.value >= 0, t.code
    for m in plan.milestones:
        assert plan.start <= m.due <= plan.end, m.code


def test_codes_are_unique(plan) -> None:  # type: ignore[no-untyped-def]
    codes = [t.code for t in plan.targets] + [m.code for m in plan.milestones]
    assert len(codes) == len(set(codes))


def test_every_split_sums_to_its_value(plan) -> None:  # type: ignore[no-untyped-def]
    for t in plan.targets:
        if t.breakdown:
            assert sum(q for _, q in t.breakdown) == t.value, t.code


def test_schedule_milestones(plan) -> None:  # type: ignore[no-untyped-def]
    # 四、进度安排: items due in April, May, July–August (→ August), October and December
    dues = {m.due for m in plan.milestones}
    assert {"2020-04", "2020-05", "2020-08", "2020-10", "2020-12"} <= dues


def test_plan_survives_its_json_form(plan) -> None:  # type: ignore[no-untyped-def]
    from kctrack.plan import Plan

    again = Plan.from_json(plan.to_json())
    assert again == plan
    assert again.to_json() == plan.to_json()


# -- bad files ----------------------------------------------------------------------------------------

# The head of TECH_MANAGER_TEAMS (HAIZHI_EVENTS is worth 200 too, so the value line alone is not unique).
TMT_HEAD = '    value: 200\n    minimum: false\n    deadline: "2020-07"\n    task: 7\n'
TMT_VALUE = "    value: 200\n"
TMT_INDEX = [t["code"] for t in plan_dict()["targets"]].index("TECH_MANAGER_TEAMS")


def _edit_tmt_value(new_lines: str) -> str:
    """The real file with the value line of TECH_MANAGER_TEAMS replaced by ``new_lines``."""
    text = plan_text()
    assert text.count(TMT_HEAD) == 1
    return text.replace(TMT_HEAD, new_lines + TMT_HEAD[len(TMT_VALUE) :])


def bad_unknown_key() -> tuple[str, int, str]:
    text = _edit_tmt_value(TMT_VALUE + "    valeu: 3\n")
    return text, line_of(text, "    valeu: 3"), "valeu"


def bad_duplicate_code() -> tuple[str, int | tuple[int, ...], str]:
    # the second target takes the first one's code
    text = plan_text().replace("  - code: BOTTLENECK_POOL\n", "  - code: EXPERT_POOL\n")
    first = line_of(text, "  - code: EXPERT_POOL")
    second = line_of(text, "  - code: EXPERT_POOL", text.index("  - code: EXPERT_POOL") + 1)
    return text, (first, second), "EXPERT_POOL"


def bad_duplicate_yaml_key() -> tuple[str, int | tuple[int, ...], str]:
    text = _edit_tmt_value(TMT_VALUE + "    value: 201\n")
    first = line_of(text, "    value: 201") - 1
    return text, (first, first + 1), "value"


def bad_breakdown_sum() -> tuple[str, int, str]:
    # 宿迁 7 instead of 6: the split sums to 201, not 200
    data = plan_dict()
    find_target(data, "TECH_MANAGER_TEAMS")["breakdown"]["suqian"] = 7
    text = dump_plan(data)
    # the message points at the breakdown of TECH_MANAGER_TEAMS
    start = text.index("code: TECH_MANAGER_TEAMS")
    return text, line_of(text, "breakdown:", start), "breakdown"


def bad_deadline_outside() -> tuple[str, int, str]:
    data = plan_dict()
    find_target(data, "FIRMS_SERVED")["deadline"] = "2021-03"
    text = dump_plan(data)
    start = text.index("code: FIRMS_SERVED")
    return text, line_of(text, "deadline:", start), "deadline"


def bad_negative_value() -> tuple[str, int, str]:
    text = _edit_tmt_value("    value: -200\n")
    return text, line_of(text, "    value: -200"), "value"


def bad_negative_quota() -> tuple[str, int, str]:
    data = plan_dict()
    split = find_target(data, "TECH_MANAGER_TEAMS")["breakdown"]
    split["suqian"] = -6
    split["suzhou"] = 37  # still sums to 200: 200 − 6 − 6 + 12
    text = dump_plan(data)
    start = text.index("code: TECH_MANAGER_TEAMS")
    return text, line_of(text, "suqian: -6", start), "suqian"


def bad_checkpoint_above_value() -> tuple[str, int, str]:
    data = plan_dict()
    find_target(data, "SERVICE_TEAMS")["checkpoints"] = {"2020-05": 45}  # the value is 30
    text = dump_plan(data)
    start = text.index("code: SERVICE_TEAMS")
    return text, line_of(text, "2020-05", text.index("checkpoints:", start)), "checkpoints"


def bad_month_format() -> tuple[str, int, str]:
    text = plan_text().replace('    deadline: "2020-07"\n    task: 7\n', '    deadline: "2020-7"\n    task: 7\n')
    return text, line_of(text, '    deadline: "2020-7"'), "deadline"


def bad_unknown_unit() -> tuple[str, int, str]:
    text = plan_text().replace("      suqian: 6\n", "      hangzhou: 6\n")
    return text, line_of(text, "      hangzhou: 6"), "hangzhou"


BAD_FILES = {
    "unknown key": bad_unknown_key,
    "duplicate code": bad_duplicate_code,
    "duplicate YAML key": bad_duplicate_yaml_key,
    "breakdown does not sum": bad_breakdown_sum,
    "deadline outside the window": bad_deadline_outside,
    "negative value": bad_negative_value,
    "negative quota": bad_negative_quota,
    "checkpoint above the value": bad_checkpoint_above_value,
    "malformed month": bad_month_format,
    "unknown unit in a split": bad_unknown_unit,
}


def _check_message(stderr: str, path: Path, lines: int | tuple[int, ...], key: str) -> None:
    assert "Traceback" not in stderr
    wanted = (lines,) if isinstance(lines, int) else lines
    places = [f"{path}:{n}" for n in wanted]
    hits = [line for line in stderr.splitlines() if any(line.startswith(p + ":") for p in places)]
    assert hits, f"no line of the message starts with one of {places}:\n{stderr}"
    assert any(key in line for line in hits), f"the key {key!r} is not named:\n{stderr}"


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_plan_is_refused_and_nothing_is_created(kind: str, tmp_path: Path) -> None:
    text, lines, key = BAD_FILES[kind]()
    bad = write_plan(tmp_path / "bad.yaml", text)
    db = tmp_path / "kctrack.db"
    result = kc(db, "init", "--plan", bad)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    _check_message(result.stderr, bad, lines, key)
    assert not db.exists()
    assert not Path(f"{db}-wal").exists()
    assert list(tmp_path.iterdir()) == [bad]


# The plan is validated before the database is opened, whatever the problem: three kinds suffice here
# (one found by YAML, one by the schema, one by the cross-checks).
@pytest.mark.parametrize("kind", ["duplicate YAML key", "unknown key", "breakdown does not sum"])
def test_bad_plan_leaves_an_existing_database_unchanged(kind: str, db: Db, tmp_path: Path) -> None:
    text, lines, key = BAD_FILES[kind]()
    bad = write_plan(tmp_path / "bad.yaml", text)
    before = db_state(db)
    result = kc(db, "init", "--plan", bad)
    assert result.exit_code == 2, result.output
    _check_message(result.stderr, bad, lines, key)
    assert db_state(db) == before


def test_bad_plan_in_english(tmp_path: Path) -> None:
    text, line, _ = bad_unknown_key()
    bad = write_plan(tmp_path / "bad.yaml", text)
    result = kc(tmp_path / "x.db", "--lang", "en", "init", "--plan", bad)
    assert result.exit_code == 2
    assert f"{bad}:{line}: unknown key targets[{TMT_INDEX}].valeu" in result.stderr


def test_every_shape_problem_is_reported_at_once(tmp_path: Path) -> None:
    text, line1, _ = bad_unknown_key()
    text = text.replace("    value: 1500000\n", "    value: -1500000\n")  # PATENT_INFO_PUSHES, negative
    line2 = line_of(text, "    value: -1500000")
    bad = write_plan(tmp_path / "bad.yaml", text)
    result = kc(tmp_path / "x.db", "init", "--plan", bad)
    assert result.exit_code == 2
    assert re.search(r"\b2\b", result.stderr.splitlines()[0]), result.stderr  # "2 problems"
    assert f"{bad}:{line1}:" in result.stderr
    assert f"{bad}:{line2}:" in result.stderr


def test_every_cross_check_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = plan_dict()
    find_target(data, "TECH_MANAGER_TEAMS")["breakdown"]["suqian"] = 7  # sums to 201
    find_target(data, "FIRMS_SERVED")["deadline"] = "2021-03"
    bad = write_plan(tmp_path / "bad.yaml", dump_plan(data))
    result = kc(tmp_path / "x.db", "--lang", "en", "init", "--plan", bad)
    assert result.exit_code == 2
    assert re.search(r"\b2\b", result.stderr.splitlines()[0]), result.stderr
    assert "201" in result.stderr  # what the split adds up to
    assert "2021-03" in result.stderr


def test_malformed_yaml(tmp_path: Path, db: Db) -> None:
    text = _edit_tmt_value("    value: [200\n")
    bad = write_plan(tmp_path / "bad.yaml", text)
    before = db_state(db)
    for target_db in (tmp_path / "new.db", db):
        result = kc(target_db, "init", "--plan", bad)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        # the parser notices the broken flow sequence on the line after it opens
        opened = line_of(text, "    value: [200")
        assert re.search(rf"^{re.escape(str(bad))}:({opened}|{opened + 1}): ", result.stderr, re.M), result.stderr
    assert not (tmp_path / "new.db").exists()
    assert db_state(db) == before


def test_missing_plan_file(tmp_path: Path, db: Db) -> None:
    missing = tmp_path / "nowhere" / "plan.yaml"
    before = db_state(db)
    for target_db in (tmp_path / "new.db", db):
        result = kc(target_db, "init", "--plan", missing)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert str(missing) in result.stderr
    assert not (tmp_path / "new.db").exists()
    assert db_state(db) == before


@pytest.mark.parametrize("kind", ["GBK-encoded", "a folder", "empty"])
def test_unreadable_plan_files(tmp_path: Path, kind: str) -> None:
    if kind == "GBK-encoded":  # as a Windows editor may save it
        bad = tmp_path / "plan.yaml"
        bad.write_bytes(plan_text().encode("gbk"))
    elif kind == "a folder":
        bad = tmp_path / "plans"
        bad.mkdir()
    else:
        bad = write_plan(tmp_path / "plan.yaml", "")
    db = tmp_path / "x.db"
    result = kc(db, "init", "--plan", bad)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"{bad}:"), result.stderr
    assert not db.exists()


def test_plan_that_is_not_a_mapping(tmp_path: Path) -> None:
    bad = write_plan(tmp_path / "bad.yaml", "- just\n- a list\n")
    result = kc(tmp_path / "x.db", "init", "--plan", bad)
    assert result.exit_code == 2
    assert str(bad) in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()


def test_parse_plan_collects_errors_with_places() -> None:
    text, line, _ = bad_negative_value()
    with pytest.raises(KctrackError) as info:
        parse_plan(text, "p.yaml")
    assert info.value.exit_code == 2
    assert f"p.yaml:{line}: targets[{TMT_INDEX}].value" in info.value.render("en")


def test_a_plan_dumped_again_still_loads(tmp_path: Path) -> None:
    # the round trip the bad-file tests rely on: dumping the parsed file gives the same plan
    again = load_plan(write_plan(tmp_path / "plan.yaml", plan_dict()))
    assert again == load_plan(PLAN_FILE)
