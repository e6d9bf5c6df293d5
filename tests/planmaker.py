"""Generated plans and returns for the tests that need volume (concurrency, crashes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def make_plan(n_units: int, n_targets: int, quota: int = 10) -> dict[str, Any]:
    units = [
        {"code": f"u{i:03d}", "name": {"zh": f"测试市{i:03d}", "en": f"Test city {i:03d}"}, "kind": "city"}
        for i in range(n_units)
    ]
    codes = [u["code"] for u in units]
    targets = [
        {
            "code": f"T{t:02d}",
            "name": {"zh": f"指标{t:02d}", "en": f"Target {t:02d}"},
            "uom": {"zh": "个", "en": "items"},
            "value": quota * n_units,
            "deadline": "2020-12",
            "task": 1,
            "source": "generated",
            "breakdown": dict.fromkeys(codes, quota),
        }
        for t in range(n_targets)
    ]
    return {
        "schema": 1,
        "plan": {
            "code": "GEN",
            "name": {"zh": "生成的计划", "en": "Generated plan"},
            "document": "test",
            "start": "2020-04",
            "end": "2020-12",
        },
        "sections": [{"id": 1, "numeral": "一", "name": {"zh": "唯一部分", "en": "Only section"}}],
        "units": units,
        "tasks": [
            {
                "id": 1,
                "section": 1,
                "text": "generated",
                "short": {"zh": "生成", "en": "generated"},
                "responsible": codes[:1],
                "time_node": "全年",
            }
        ],
        "targets": targets,
    }


def write_plan(path: Path, plan: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_long_workbook(path: Path, rows: list[tuple[str, str, str, float]]) -> Path:
    """A consolidated return in long format: code | unit | month | this_month."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(["code", "unit", "month", "this_month"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
