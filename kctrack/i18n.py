"""Every user-facing string, in Chinese (the default) and English."""

from __future__ import annotations

import os
from typing import Any, Protocol

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # errors: usage
    "many_errors": ("发现 {count} 个问题，未写入任何内容：", "{count} problem(s) found; nothing was written:"),
    "unknown_code": (
        "未知的指标编号 “{code}”{hint_zh}。用 kctrack targets 查看全部编号。",
        "unknown target code '{code}'{hint_en}. Run kctrack targets to list the codes.",
    ),
    "unknown_unit": (
        "未知的填报单位 “{unit}”{hint_zh}。可用单位：{known}",
        "unknown reporting unit '{unit}'{hint_en}. Known units: {known}",
    ),
    "bad_month": (
        "月份 “{value}” 无法识别：请写成 YYYY-MM，例如 2020-06",
        "month '{value}' is not understood: write it as YYYY-MM, e.g. 2020-06",
    ),
    "month_outside": (
        "月份 {value} 不在计划期 {start} … {end} 之内",
        "month {value} is outside the plan window {start} … {end}",
    ),
    "bad_value": (
        "数值 “{value}” 不是数字：请填写一个不小于 0 的数，里程碑填 done",
        "value '{value}' is not a number: give a number ≥ 0, or done for a milestone",
    ),
    "negative_value": (
        "数值 {value} 为负数：完成量不能小于 0",
        "value {value} is negative: an amount cannot be below 0",
    ),
    "milestone_needs_done": (
        "{code} 是里程碑：请用 kctrack record {code} done --month YYYY-MM",
        "{code} is a milestone: use kctrack record {code} done --month YYYY-MM",
    ),
    "done_needs_milestone": (
        "{code} 是数量指标，需要填写数值，不能填 done",
        "{code} is a quantified target: give a number, not done",
    ),
    "unit_required": (
        "{code} 由多个单位填报，请用 --unit 指定其一：{units}",
        "{code} is reported by several units: name one with --unit: {units}",
    ),
    "unit_not_reporter": (
        "{unit} 不负责指标 {code}；填报单位为：{units}",
        "{unit} does not report {code}; it is reported by: {units}",
    ),
    "bad_format": ("不支持的输出格式 “{value}”：可用 {choices}", "unsupported format '{value}': use one of {choices}"),
    "bad_lang": ("不支持的语言 “{value}”：可用 zh 或 en", "unsupported language '{value}': use zh or en"),
    # errors: plan file
    "plan_missing": ("计划文件不存在：请检查路径", "the plan file does not exist: check the path"),
    "plan_unreadable": ("计划文件无法读取：{reason}", "the plan file cannot be read: {reason}"),
    "plan_yaml": ("YAML 语法错误：{reason}", "YAML syntax error: {reason}"),
    "plan_not_mapping": ("计划文件应为 YAML 映射（键: 值）", "the plan file must be a YAML mapping (key: value)"),
    "plan_duplicate_key": ("键 {key_path} 重复出现", "key {key_path} appears twice"),
    "plan_unknown_key": ("未知的键 {key_path}：请检查拼写", "unknown key {key_path}: check the spelling"),
    "plan_missing_key": ("缺少必填的键 {key_path}", "required key {key_path} is missing"),
    "plan_negative": ("{key_path} 不能为负数", "{key_path} must not be negative"),
    "plan_bad_value": ("{key_path} 的值 “{value}” 无效：{reason}", "{key_path}: invalid value '{value}': {reason}"),
    "plan_bad_month": (
        '{key_path} 的月份 “{value}” 应写成 "YYYY-MM"',
        "{key_path}: month '{value}' must be \"YYYY-MM\"",
    ),
    "plan_window": ("计划期结束 {end} 早于开始 {start}", "the plan ends ({end}) before it starts ({start})"),
    "plan_duplicate_code": ("编号 {code} 重复（{key_path}）", "code {code} is used twice ({key_path})"),
    "plan_unknown_unit": (
        "{key_path}：未定义的单位 {unit}（请在 units 中定义）",
        "{key_path}: unit {unit} is not defined under units",
    ),
    "plan_unknown_section": ("{key_path}：未定义的部分 {value}", "{key_path}: section {value} is not defined"),
    "plan_unknown_task": ("{key_path}：未定义的任务 {value}", "{key_path}: task {value} is not defined"),
    "plan_outside_window": (
        "{key_path}：{value} 不在计划期 {start} … {end} 之内",
        "{key_path}: {value} is outside the plan window {start} … {end}",
    ),
    "plan_breakdown_sum": (
        "{key_path}：分解合计 {sum}，与目标值 {value} 不符",
        "{key_path}: the split adds up to {sum}, not to the target's {value}",
    ),
    "plan_checkpoint_high": (
        "{key_path}：节点值 {value} 超过目标值 {target}",
        "{key_path}: checkpoint {value} exceeds the target {target}",
    ),
    "plan_rule_range": ("{key_path}：min 大于 max", "{key_path}: min is greater than max"),
    "resource_above_available": (
        "依托资源 {code}（{name}）：{unit} 截至 {month} 累计已动员 {total}，超过文件所列的 {available}{uom}："
        "“本月”请填当月新动员的数量，“累计”请填至今动员的总数，不能超过 {available}",
        "resource {code} ({name}): {unit} would have engaged {total} by {month}, more than the {available} {uom}"
        " the document says exist: This month is how many were newly engaged that month, Cumulative how many so"
        " far, never more than {available}",
    ),
    "record_resource_above": (
        "依托资源 {code}（{name}）：{unit} 截至 {month} 累计已动员将达 {total}，超过文件所列的 {available}{uom}："
        "VALUE 是当月新动员的数量，这个月最多还能记 {room}",
        "resource {code} ({name}): {unit} would have engaged {total} by {month}, more than the {available} {uom}"
        " the document says exist: VALUE is how many were newly engaged that month, at most {room} for this month",
    ),
    "plan_deadline_missing": (
        "{key_path}：目标须有截止月份 deadline（依托资源 kind: resource 可不写）",
        "{key_path}: a target needs a deadline month (a resource, kind: resource, does not)",
    ),
    # errors: database
    "db_missing": (
        "数据库不存在：先运行 kctrack init（或用 --db 指定已有数据库）",
        "no database here: run kctrack init first (or point --db at an existing one)",
    ),
    "db_not_initialised": (
        "数据库尚未初始化：请运行 kctrack init",
        "the database is not initialised: run kctrack init",
    ),
    "db_no_plan": ("数据库中没有计划：请运行 kctrack init", "the database holds no plan: run kctrack init"),
    "db_newer": (
        "数据库结构版本 {version} 比本程序（{head}）新：请升级 kctrack 后再打开",
        "the database schema ({version}) is newer than this kctrack ({head}): upgrade kctrack to open it",
    ),
    "db_busy": (
        "数据库正被其他进程写入，等待 {seconds} 秒后仍未释放：请稍后重试",
        "the database is busy with another writer and stayed locked for {seconds} s: try again shortly",
    ),
    "db_not_sqlite": (
        "该文件不是 kctrack 的 SQLite 数据库，或已损坏",
        "this file is not a kctrack SQLite database, or it is damaged",
    ),
    "db_cannot_open": ("无法打开数据库：{reason}", "cannot open the database: {reason}"),
    "db_no_driver": (
        "缺少 PostgreSQL 驱动 psycopg：pip install 'psycopg[binary]'",
        "the PostgreSQL driver psycopg is missing: pip install 'psycopg[binary]'",
    ),
    "db_url_unsupported": (
        "不支持的数据库地址 {url}：请用文件路径、sqlite:///路径 或 postgresql+psycopg://…",
        "unsupported database URL {url}: use a file path, sqlite:///path or postgresql+psycopg://…",
    ),
    "db_backup_pg": (
        "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f kctrack.dump 数据库名",
        "back a PostgreSQL database up with pg_dump, e.g. pg_dump -Fc -f kctrack.dump DBNAME",
    ),
    "db_backup_exists": (
        "备份文件已存在，未覆盖：请换一个文件名",
        "the backup file exists and was not overwritten: choose another name",
    ),
    "db_upgraded": (
        "数据库结构已从 {old} 升级到 {new}；升级前的副本：{copy}",
        "database schema upgraded from {old} to {new}; a copy from before is at {copy}",
    ),
    "db_upgraded_pg": ("数据库结构已从 {old} 升级到 {new}", "database schema upgraded from {old} to {new}"),
    "demo_not_empty": (
        "{path} 已有非演示数据，演示不会覆盖它：请用 --db 指定另一个文件",
        "{path} holds data that is not the demo's, and the demo will not overwrite it: use --db to name another file",
    ),
    # results
    "init_created": (
        "已初始化数据库 {db}，载入计划 {plan}：{targets} 项目标、{resources} 项依托资源、{milestones} 个里程碑、{units} 个填报单位",
        "initialised {db} with plan {plan}: {targets} targets, {resources} resources drawn on, {milestones} milestones,"
        " {units} reporting units",
    ),
    "init_unchanged": ("数据库 {db} 已是最新，计划 {plan} 无变化", "{db} is up to date; plan {plan} unchanged"),
    "init_changed": (
        "计划 {plan} 已更新：新增 {added}，移除 {removed}，修改 {changed} 处",
        "plan {plan} updated: {added} added, {removed} removed, {changed} changed",
    ),
    "init_added": ("  新增 {code}", "  added {code}"),
    "init_removed": ("  移除 {code}（历史记录保留）", "  removed {code} (its records are kept)"),
    "init_change": ("  {code}.{field}: {old} → {new}", "  {code}.{field}: {old} → {new}"),
    "recorded": (
        "已记录 {code} · {unit} · {month}：{value}（批次 {batch}）",
        "recorded {code} · {unit} · {month}: {value} (batch {batch})",
    ),
    "recorded_correction": (
        "已更正 {code} · {unit} · {month}：{old} → {value}（批次 {batch}；原值保留在历史中。若要累加，请记录本月合计）",
        "corrected {code} · {unit} · {month}: {old} → {value} (batch {batch}; the old figure stays in history. To add to it, record the month's total)",
    ),
    "demo_written": (
        "演示数据库已写入 {db}（{records} 条记录，数据截至 {month}）",
        "demo database written to {db} ({records} records, data up to {month})",
    ),
    # returns: template
    "tpl_sheet": ("月报", "Return"),
    "tpl_title": ("{plan}（{doc}）月报", "{plan} ({doc}): monthly return"),
    "tpl_unit_label": ("填报单位", "Reporting unit"),
    "tpl_month_label": ("月份", "Month"),
    "tpl_month_hint": ("请填写月份，如 2020-06", "fill in the month, e.g. 2020-06"),
    "tpl_h_code": ("指标编号", "code"),
    "tpl_h_name": ("指标名称", "name"),
    "tpl_h_uom": ("计量单位", "unit_of_measure"),
    "tpl_h_quota": ("本单位任务", "quota"),
    "tpl_h_this_month": ("本月完成", "this_month"),
    "tpl_h_cumulative": ("累计完成", "cumulative"),
    "tpl_h_note": ("备注", "note"),
    "tpl_milestone_uom": ("里程碑", "milestone"),
    "tpl_done_word": ("完成", "done"),
    "tpl_dv_error": ("请填写不小于 0 的数字", "enter a number of at least 0"),
    "tpl_dv_error_title": ("数值无效", "Invalid value"),
    "tpl_dv_prompt": (
        "填写本月新增完成量（数字，≥0）；只知道累计数时可只填“累计完成”",
        "the amount achieved this month (a number ≥ 0); if you only know the running total, fill cumulative only",
    ),
    "tpl_dv_ms_prompt": ("本月完成的里程碑请选“完成”", "choose done if the milestone was reached this month"),
    "tpl_dv_note": ("备注（可选，500 字以内）", "note (optional, up to 500 characters)"),
    "tpl_cumulative_comment": (
        "选填：自 4 月起的累计完成量；只填累计时，本月完成量按上月累计推算",
        "optional: the running total since April; when only this is filled, the month's amount is derived from the previous total",
    ),
    "tpl_need_unit": (
        "请用 --unit 指定填报单位，或用 --all-units 为所有单位生成",
        "name the unit with --unit, or use --all-units for every unit",
    ),
    "tpl_need_xlsx": ("输出文件应以 .xlsx 结尾", "the output file must end in .xlsx"),
    "tpl_dir_is_file": ("--all-units 需要一个目录，而这是一个文件", "--all-units needs a folder, and this is a file"),
    "tpl_written": ("已生成 {path}（{unit}，{rows} 行{registers}）", "wrote {path} ({unit}, {rows} rows{registers})"),
    "bad_date": ("日期 “{value}” 应写成 YYYY-MM-DD", "date '{value}' must be YYYY-MM-DD"),
    # returns: import
    "xl_missing": ("文件不存在", "no such file"),
    "xl_empty": ("文件为空：请重新导出或索取月报", "the file is empty: export it again or ask for the return again"),
    "xl_too_big": (
        "文件超过 {mb} MB，不像月报：请检查文件",
        "the file is over {mb} MB, too large for a return: check the file",
    ),
    "xl_ole": (
        "这是加密的工作簿或旧版 .xls 文件：请在 Excel/WPS 中取消密码并另存为 .xlsx",
        "this is an encrypted workbook or an old .xls file: remove the password and save it as .xlsx in Excel/WPS",
    ),
    "xl_not_xlsx": (
        "不是 .xlsx 工作簿（可能是改了扩展名的 CSV 或 .xls）：请在 Excel/WPS 中另存为 .xlsx",
        "not an .xlsx workbook (perhaps a renamed CSV or .xls): save it as .xlsx in Excel/WPS",
    ),
    "xl_corrupt": (
        "工作簿已损坏（压缩包无法打开）：请重新导出",
        "the workbook is damaged (its zip cannot be opened): export it again",
    ),
    "xl_corrupt_detail": (
        "工作簿无法读取（{reason}）：请在 Excel/WPS 中打开并另存",
        "the workbook cannot be read ({reason}): open and save it again in Excel/WPS",
    ),
    "xl_bomb": (
        "解压后达 {mb} MB，远超月报应有的大小，已拒绝（可能是压缩炸弹）",
        "it expands to {mb} MB, far beyond any return, and was refused (possibly a zip bomb)",
    ),
    "xl_doctype": (
        "XML 含 DOCTYPE/实体声明，正常工作簿不会有，已拒绝",
        "the XML declares a DOCTYPE/entities, which no genuine workbook does; refused",
    ),
    "imp_no_header": (
        "没有找到月报表头：前 {rows} 行内应有“指标编号”和“本月完成”（或“累计完成”）两列。请使用 kctrack template 生成的模板",
        "no return header found: the first {rows} rows must hold the columns 指标编号/code and 本月完成/this_month (or 累计完成/cumulative). Use the form from kctrack template",
    ),
    "imp_unknown_code": ("未知的指标编号 {code}{hint_zh}", "unknown target code {code}{hint_en}"),
    "imp_unknown_unit": (
        "未知的填报单位 “{unit}”{hint_zh}：请填写计划中的单位名称",
        "unknown reporting unit '{unit}'{hint_en}: use a unit name from the plan",
    ),
    "imp_not_reporter": (
        "{unit} 不填报 {code}（填报单位：{units}）：请删除此行",
        "{unit} does not report {code} (it is reported by: {units}): delete this row",
    ),
    "imp_bad_month": (
        "月份 “{value}” 无法识别：请写成 2020-06",
        "month '{value}' is not understood: write it as 2020-06",
    ),
    "imp_month_outside": (
        "月份 {value} 不在计划期 {start} … {end} 之内",
        "month {value} is outside the plan window {start} … {end}",
    ),
    "imp_no_unit": (
        "不知道这份月报属于哪个单位：请在“填报单位”处填写，或在命令中加 --unit",
        "no reporting unit for this return: fill in 填报单位, or add --unit to the command",
    ),
    "imp_no_month": (
        "不知道这份月报属于哪个月：请在“月份”处填写，或在命令中加 --month",
        "no month for this return: fill in 月份, or add --month to the command",
    ),
    "imp_no_value_column": (
        "这张表有“指标编号”列，却没有“本月完成”或“累计完成”列：不是月报，请用 kctrack template 生成的模板",
        "this sheet has a code column but no this_month or cumulative column: it is not a return; use the form from kctrack template",
    ),
    "imp_no_code": ("有数值但没有指标编号：请补上编号", "a figure without a target code: add the code"),
    "imp_not_number": ("“{value}” 不是数字：请填写数字，如 12", "'{value}' is not a number: enter a number such as 12"),
    "imp_negative": ("{value} 为负数：完成量不能小于 0", "{value} is negative: an amount cannot be below 0"),
    "imp_milestone_value": ("里程碑只能填“完成”（或留空）", "a milestone takes only done (or blank)"),
    "imp_duplicate": (
        "指标 {code} 在同一份月报中出现两次（首次在 {first}）：请合并为一行",
        "target {code} appears twice in one return (first at {first}): merge them into one row",
    ),
    "imp_formula_no_value": (
        "公式没有保存计算结果：请在 Excel/WPS 中打开并保存后再导入",
        "the formula has no saved result: open and save the file in Excel/WPS, then import again",
    ),
    "imp_already": (
        "{unit} {month} 的月报已导入（批次 {batch}，{source}）：若是更正版，请加 --replace",
        "the return of {unit} for {month} is already imported (batch {batch}, {source}): if this is a correction, add --replace",
    ),
    "imp_return_twice": (
        "{unit} {month} 的月报在本次导入中出现两次（另见 {other}）",
        "the return of {unit} for {month} appears twice in this import (also in {other})",
    ),
    # the reader and the series checks (kctrack.returns, kctrack.service.import_returns)
    "imp_formula_not_calculated": (
        "公式的保存结果未经计算（工作簿由程序生成，要求打开时重算）：请在 Excel/WPS 中打开并保存后再导入，或直接填写数字",
        "the formula's saved result was never calculated (a program wrote the workbook and asks for a recalculation"
        " on opening): open and save it in Excel/WPS, or type the figure",
    ),
    "imp_implausible": (
        "{value} 超过整项目标 {target} 的 {factor} 倍，不可能是本单位一个月的数：请检查单位（万、亿）和数位",
        "{value} is more than {factor} times the whole target of {target}: check the magnitude (万, 亿) and the digits",
    ),
    "imp_merged_figure": (
        "数值单元格 {cells} 被合并跨越多行：请拆分合并单元格，每行填写自己的数",
        "the figure cells {cells} are merged over several rows: unmerge them and give each row its own figure",
    ),
    "imp_unknown_figure_column": (
        "“{heading}” 列有数字，但不是 kctrack 认识的列名：请改为“本月完成”或“累计完成”",
        "the column '{heading}' holds figures under a heading kctrack does not know: rename it 本月完成 (this month)"
        " or 累计完成 (cumulative)",
    ),
    "imp_unknown_figure_column_warn": (
        "警告：“{heading}” 列有数字，但不是 kctrack 认识的列名，未导入；如需导入请改为“本月完成”或“累计完成”",
        "warning: the column '{heading}' holds figures under a heading kctrack does not know; they were not read"
        " (rename it 本月完成 / this_month or 累计完成 / cumulative to import them)",
    ),
    "imp_option_contradicts": (
        "表内写的是 {sheet}，而 {option} 指定 {given}：二者矛盾，请去掉 {option} 或改正表格",
        "the sheet says {sheet} but {option} says {given}: remove {option} or correct the sheet",
    ),
    "imp_nil_no_month": (
        "空白月报（无任何数值）未写月份：请填写月份，或用 --month 指定，作为零报告导入",
        "a blank return (no figures) names no month: fill in the month, or give --month, to import it as a nil return",
    ),
    "imp_total_differs": (
        "警告：合计行 {total} 与其上各行之和 {rows} 不一致（合计行未导入）",
        "warning: the total line says {total} but the rows it totals sum to {rows} (the total line is not imported)",
    ),
    "imp_cumulative_conflict": (
        "累计 {cumulative} ≠ 此前各月合计 {earlier} + 本月 {this_month} = {sum}：请改正本月或累计",
        "cumulative {cumulative} ≠ earlier months {earlier} + this month {this_month} = {sum}: correct this month"
        " or the cumulative",
    ),
    "imp_cumulative_down": (
        "累计 {cumulative} 小于此前各月合计 {earlier}：累计不能减少，请改正",
        "cumulative {cumulative} is below the earlier months' total {earlier}: a cumulative cannot go down",
    ),
    "imp_breaks_later": (
        "此数使 {month} 已导入的累计 {cumulative} 与此前各月合计 {sum} 矛盾：请先更正 {month} 的月报",
        "this figure would make the cumulative {cumulative} already imported for {month} disagree with the months"
        " before it ({sum}): correct {month}'s return first",
    ),
    "imp_cumulative_gap": (
        "警告：累计 {cumulative} 比此前各月合计 {earlier} + 本月 {this_month} 多 {missing}：之前月份的月报可能缺失或少报",
        "warning: cumulative {cumulative} exceeds earlier months {earlier} + this month {this_month} by {missing}:"
        " an earlier month's return may be missing or short",
    ),
    "imp_above_quota": (
        "警告：{code} 本月 {value} 超过{unit}的任务数 {quota}：请核实",
        "warning: {code} this month {value} is above {unit}'s quota of {quota}: please check",
    ),
    "imp_cumulative_far": (
        "警告：{code} 累计 {value} 超过{unit}任务数 {quota} 的 {factor} 倍：请核实",
        "warning: {code} cumulative {value} is more than {factor} times {unit}'s quota of {quota}: please check",
    ),
    "imp_previous_differs": (
        "警告：表中上月累计 {shown} 与 kctrack 现有的 {held} 不同（此前月份已更正？）：请核对累计",
        "warning: the form's cumulative to last month {shown} differs from kctrack's {held} (an earlier month was"
        " corrected?): check the cumulative",
    ),
    "series_conflict": (
        "{unit} {code} {month} 已导入的累计 {cumulative} 将与此前各月合计 {earlier} + 本月 {this_month} 矛盾："
        "未做任何修改；请先更正 {month} 的月报",
        "{unit} {code} {month}: its cumulative {cumulative}, already imported, would disagree with the earlier"
        " months {earlier} + this month {this_month}: nothing was changed; correct {month}'s return first",
    ),
    "series_conflict_down": (
        "{unit} {code} {month} 已导入的累计 {cumulative} 将小于此前各月合计 {earlier}：未做任何修改；"
        "请先更正 {month} 的月报",
        "{unit} {code} {month}: its cumulative {cumulative}, already imported, would fall below the earlier months'"
        " total {earlier}: nothing was changed; correct {month}'s return first",
    ),
    "imp_warnings": ("{count} 条警告（--strict 时视为错误）：", "{count} warning(s) (refusals with --strict):"),
    "imp_nil": ("，其中零报告 {count} 份", "; {count} of them nil return(s)"),
    "imp_figure_twice": (
        "两列都是同一个数（如“本月”和“本月完成”）：无法判断该读哪一列，请删去或改名其一",
        "two columns name the same figure (this month, or cumulative): kctrack cannot tell which to read;"
        " remove or rename one",
    ),
    "imp_run": (
        "导入批次组 {run}（可用 kctrack undo --run {run} 整体撤销）",
        "import run {run} (undo it all with kctrack undo --run {run})",
    ),
    "imp_problem": ("{where}: {value} → {reason}", "{where}: {value} → {reason}"),
    "imp_summary": (
        "{files} 个文件，{returns} 份月报：新增 {new}，修改 {changed}，不变 {unchanged}，移除 {removed}，拒绝 {rejected}",
        "{files} file(s), {returns} return(s): {new} new, {changed} changed, {unchanged} unchanged, {removed} removed, {rejected} rejected",
    ),
    "imp_done": ("已导入，批次 {batches}", "imported as batch(es) {batches}"),
    "imp_dry": ("预演：数据库未改动", "dry run: the database was not changed"),
    "imp_nothing_written": ("有错误，未写入任何内容。", "there are errors; nothing was written."),
    "imp_skipped": (
        "{file}：{unit} {month} 与批次 {batch} 完全相同，跳过",
        "{file}: {unit} {month} is identical to batch {batch}; skipped",
    ),
    "imp_error_copy": ("已写出标注错误的副本：{source} → {copy}", "bad cells marked: {source} → {copy}"),
    "imp_error_copy_format": (
        "{source} 不是 .xlsx/.xlsm 工作簿，无法写出标注副本：其错误已在上面列出",
        "{source} is no .xlsx/.xlsm workbook, so no marked copy was written: its problems are listed above",
    ),
    "imp_error_copy_failed": (
        "未能写出 {source} 的标注副本（{reason}）：其错误已在上面列出",
        "no marked copy of {source} could be written ({reason}): its problems are listed above",
    ),
    # returns: template, column H (the cumulative figure to the end of the month before)
    "tpl_h_previous": ("上月累计", "cumulative_to_last_month"),
    "tpl_previous_comment": (
        "kctrack 截至上月末的累计数，供填写累计完成时参考；请勿修改",
        "kctrack's cumulative figure to the end of last month, for reference when filling in cumulative; do not change it",
    ),
    "imp_reading": ("读取月报", "reading returns"),
    # returns: which files are read (kctrack/excel.py)
    "xl_not_spreadsheet": (
        "不是电子表格（如 .txt、.pdf、.docx），未读取：月报应为 .xlsx 工作簿（也可读 .xlsm、.xls、.ods），请在 Excel/WPS 中另存为 .xlsx",
        "not a spreadsheet (e.g. a .txt, .pdf or .docx), so not read: a return is an .xlsx workbook (.xlsm, .xls and .ods are read too); save it as .xlsx in Excel/WPS",
    ),
    "xl_csv": (
        "CSV 文件不是月报，未读取：请在 Excel/WPS 中将工作簿另存为 .xlsx",
        "a CSV is not a return, so not read: save the workbook as .xlsx in Excel/WPS",
    ),
    "xl_lock_file": (
        "这是 Excel/WPS 打开工作簿时留下的锁文件（~$ 开头），未读取：请保存并关闭对应的工作簿；若已关闭，可删除此文件",
        "this is the lock file Excel/WPS leaves while a workbook is open (~$…), so not read: save and close that workbook; if it is closed, delete this file",
    ),
    "xl_unreadable": (
        "无法作为工作簿读取（可能是 WPS 专有格式、网页导出的伪 .xls 或已损坏）：请在 WPS/Excel 中打开并另存为 .xlsx",
        "cannot be read as a workbook (perhaps a WPS-only format, a web page saved as .xls, or a damaged file): open it and save it as .xlsx in WPS/Excel",
    ),
    "xl_too_many_files": (
        "文件夹（含子文件夹）中的文件超过 {limit} 个，未读取任何文件：请指定存放月报的文件夹，而不是上层目录",
        "the folder (with its subfolders) holds more than {limit} files, so none was read: name the folder that holds the returns, not a folder above it",
    ),
    "h_old": ("原值", "old"),
    "h_new": ("新值", "new"),
    "h_change": ("变化", "change"),
    "h_month": ("月份", "month"),
    "h_source": ("来源", "source"),
    "h_batch": ("批次", "batch"),
    "h_run": ("导入批次组", "run"),
    "h_created": ("时间", "time"),
    "h_operator": ("操作人", "operator"),
    "h_records": ("记录", "records"),
    "h_status": ("状态", "status"),
    "h_counts": ("计入", "counts"),
    "change_new": ("新增", "new"),
    "change_changed": ("修改", "changed"),
    "change_unchanged": ("不变", "unchanged"),
    "change_removed": ("移除", "removed"),
    # history, undo, explain, returns grid
    "undo_no_batch": (
        "没有批次 {batch}：用 kctrack history 查看批次号",
        "there is no batch {batch}: see kctrack history for batch numbers",
    ),
    "undo_already": ("批次 {batch} 已于 {at} 撤销", "batch {batch} was already undone at {at}"),
    "undo_superseded": (
        "批次 {batch} 已被批次 {newer} 取代：请先撤销批次 {newer}",
        "batch {batch} is superseded by batch {newer}: undo batch {newer} first",
    ),
    "undo_batch_or_run": (
        "请给出一个批次号，或用 --run 给出一次导入的编号（二者只能选一）",
        "give one batch number, or an import run with --run (one of the two)",
    ),
    "undo_no_run": (
        "没有导入批次组 {run}：用 kctrack history 查看",
        "there is no import run {run}: see kctrack history",
    ),
    "undo_run_already": ("导入批次组 {run} 已全部撤销", "import run {run} is already undone"),
    "undo_dry": ("预演：数据库未改动", "dry run: the database was not changed"),
    "undo_would": (
        "将撤销批次 {batch}（{source}，{records} 条记录）",
        "would undo batch {batch} ({source}, {records} records)",
    ),
    "undo_would_restore": (
        "将恢复被其取代的批次 {batches}",
        "would restore the batch(es) it had superseded: {batches}",
    ),
    "undone": ("已撤销批次 {batch}（{source}，{records} 条记录）", "undid batch {batch} ({source}, {records} records)"),
    "undone_restored": ("已恢复被其取代的批次 {batches}", "restored the batch(es) it had superseded: {batches}"),
    "batch_live": ("有效", "live"),
    "batch_undone": ("已撤销 {at}", "undone {at}"),
    "batch_superseded": ("被批次 {by} 取代", "superseded by batch {by}"),
    "batch_replaces": ("取代批次 {ids}", "replaces batch {ids}"),
    "explain_title": ("{code} {name}：截至 {as_of} 累计 {total}", "{code} {name}: {total} up to {as_of}"),
    "out_unwritable": (
        "无法写入此文件（{reason}）：请换一个有写权限的文件夹或另一个文件名。",
        "cannot write this file ({reason}): choose a folder you can write to, or another name.",
    ),
    "explain_limited": (
        "只列出前 {shown} 条记录（共 {total} 条）：用 --unit 只看一个单位，或 --limit 0 列出全部。",
        "listing the first {shown} of {total} records: --unit narrows to one unit, --limit 0 lists them all.",
    ),
    "history_limited": (
        "只列出最近的 {shown} 个批次（共 {total} 个）：用 --target、--unit 缩小范围，或 --limit 0 列出全部。",
        "listing the newest {shown} of {total} batches: --target or --unit narrow it, --limit 0 lists them all.",
    ),
    "why_undone": ("已撤销", "undone"),
    "why_superseded": ("被更正版月报取代", "superseded by a corrected return"),
    "why_corrected": ("被更新的记录更正", "corrected by a newer record"),
    "title_returns": (
        "月报收取情况 · 截至 {as_of}（每月报表应于次月 {day} 日前报送）",
        "Returns received · as of {as_of} (due by day {day} of the following month)",
    ),
    "grid_received": ("✔", "✔"),
    "grid_late": ("迟", "late"),
    "grid_missing": ("✖", "✖"),
    "grid_not_due": ("·", "·"),
    "grid_legend": (
        "✔ 按时收到  迟 逾期收到  ✖ 缺报  · 未到期",
        "✔ received on time  late received late  ✖ missing  · not yet due",
    ),
    "h_received": ("按时", "on time"),
    "h_late": ("迟报", "late"),
    "h_missing": ("缺报", "missing"),
    # export
    "xp_subtitle": (
        "截至 {as_of} · 生成于 {generated} · 数据由 kctrack 生成，可用 kctrack explain 追溯",
        "as of {as_of} · generated {generated} · every figure traceable with kctrack explain",
    ),
    "xp_sheet_summary": ("总表", "Summary"),
    "xp_sheet_targets": ("指标明细", "Targets"),
    "xp_sheet_by_city": ("分市", "By city"),
    "xp_sheet_monthly": ("月度进展", "Monthly"),
    "xp_sheet_milestones": ("里程碑", "Milestones"),
    "xp_sheet_sources": ("数据来源", "Sources"),
    "xp_h_no": ("序号", "No."),
    "xp_h_task": ("重点目标任务", "Key task"),
    "xp_h_responsible": ("责任单位", "Responsible unit"),
    "xp_h_participating": ("参与单位", "Participating units"),
    "xp_h_time_node": ("时间节点", "Time node"),
    "xp_h_target_name": ("指标", "Target"),
    "xp_h_value": ("目标", "Target value"),
    "xp_h_actual": ("完成", "Actual"),
    "xp_h_percent": ("完成率", "Completion"),
    "xp_h_state": ("状态", "State"),
    "xp_h_code": ("编号", "Code"),
    "xp_h_uom": ("计量单位", "Unit of measure"),
    "xp_h_deadline": ("截止", "Deadline"),
    "xp_h_expected": ("应完成", "Expected"),
    "xp_h_gap": ("差距", "Gap"),
    "xp_h_forecast": ("预计截止时", "Forecast at deadline"),
    "xp_h_unit": ("填报单位", "Reporting unit"),
    "xp_h_quota": ("任务数", "Quota"),
    "xp_h_series": ("系列", "Series"),
    "xp_h_milestone": ("里程碑", "Milestone"),
    "xp_h_due": ("时间节点", "Due"),
    "xp_h_done_on": ("完成月份", "Done in"),
    "xp_h_batch": ("批次", "Batch"),
    "xp_h_created": ("时间", "Time"),
    "xp_h_operator": ("操作人", "Operator"),
    "xp_h_kind": ("类型", "Kind"),
    "xp_h_source": ("来源", "Source"),
    "xp_h_month": ("月份", "Month"),
    "xp_h_records": ("记录数", "Records"),
    "xp_h_received": ("收到日期", "Received"),
    "xp_h_reason": ("锁定期修改原因", "Reason (locked month)"),
    "xp_total": ("合计（全省）", "Total (province)"),
    "xp_actual": ("实际累计", "Actual"),
    "xp_expected": ("应完成", "Expected"),
    "xp_chart_percent": ("各指标完成率（%）", "Completion by target (%)"),
    "xp_notes": ("备注", "Notes"),
    "xp_h_note": ("备注", "Note"),
    "xp_batches": ("数据批次", "Import batches"),
    "xp_batches_left_out": (
        "另有 {n} 个已被取代或已撤销的批次未列出；全部批次见 kctrack history",
        "{n} superseded or undone batches are left out; kctrack history lists them all",
    ),
    "xp_grid_received": ("按时", "received"),
    "xp_grid_late": ("迟报", "late"),
    "xp_grid_missing": ("缺报", "missing"),
    "xp_grid_not_due": ("未到期", "not due"),
    "xp_written": ("已导出 {path}（{format}，截至 {as_of}）", "exported {path} ({format}, as of {as_of})"),
    "xp_bad_format": (
        "无法从扩展名判断格式：请加 --format xlsx|md|csv|json",
        "cannot tell the format from the extension: add --format xlsx|md|csv|json",
    ),
    # locks, backups
    "locked_month": (
        '月份 {months} 已锁定（已上报）：确需修改请加 --reason "原因"，修改将在历史和导出中标注',
        'month(s) {months} are locked (already reported): to change them anyway add --reason "why"; the change is flagged in history and the export',
    ),
    "locked": ("已锁定 {month}：此后修改需 --reason", "locked {month}: changes now need --reason"),
    "unlocked": ("已解锁 {month}", "unlocked {month}"),
    "lock_unchanged": ("{month} 本已{state}，未改动", "{month} was already {state}; nothing changed"),
    "lock_state_locked": ("锁定", "locked"),
    "lock_state_unlocked": ("解锁", "unlocked"),
    "backup_written": ("已备份到 {path}", "backed up to {path}"),
    "check_report": (
        "数据库 {db}（{dialect}）：结构版本 {version}（程序 {head}），完整性 {integrity}，{batches} 个批次，{records} 条记录",
        "database {db} ({dialect}): schema {version} (code {head}), integrity {integrity}, {batches} batches, {records} records",
    ),
    "check_bad": (
        "完整性检查未通过：{integrity}。请从备份恢复（kctrack db backup 的副本）",
        "integrity check failed: {integrity}. Restore from a backup (a copy made by kctrack db backup)",
    ),
    "batch_reason": ("锁定期修改：{reason}", "locked-month change: {reason}"),
    # labels
    "h_code": ("编号", "Code"),
    "h_target_name": ("指标", "Target"),
    "h_value": ("目标", "Target"),
    "h_actual": ("完成", "Actual"),
    "h_expected": ("应完成", "Expected"),
    "h_progress": ("完成率", "Progress"),
    "h_state": ("状态", "State"),
    "h_deadline": ("截止", "Deadline"),
    "h_uom": ("单位", "UoM"),
    "h_unit": ("填报单位", "Reporting unit"),
    "h_quota": ("任务数", "Quota"),
    "h_minimum": ("至少", "Minimum"),
    "h_task": ("任务", "Task"),
    "h_responsible": ("责任单位", "Responsible"),
    "h_participating": ("参与单位", "Participating"),
    "h_time_node": ("时间节点", "Time node"),
    "h_milestone": ("里程碑", "Milestone"),
    "h_due": ("时间节点", "Due"),
    "h_done_on": ("完成月份", "Done in"),
    "h_breakdown": ("分解", "Split"),
    "title_status": ("{plan}（{doc}）· 截至 {as_of} · 数据库 {db}", "{plan} ({doc}) · as of {as_of} · database {db}"),
    "title_targets": ("{plan}（{doc}）· 计划期 {start} … {end}", "{plan} ({doc}) · plan window {start} … {end}"),
    "title_milestones": ("里程碑", "Milestones"),
    "section_heading": ("{numeral}、{name}", "Section {no}: {name}"),
    "title_by_month": (
        "逐月累计完成（颜色为当月应完成对照）",
        "Cumulative actual by month (coloured against that month's expected value)",
    ),
    "legend": (
        "✔ 已完成 ✔ 逾期完成 ● 按期 ▲ 滞后 ✖ 严重滞后 ✘ 未完成 ! 逾期未完成 ○ 未到期",
        "✔ done ✔ late ● on track ▲ behind ✖ off track ✘ not achieved ! overdue ○ pending",
    ),
    "returns_incomplete": (
        "数据不完整：缺报 {missing}/{due} 份月报（截至 {as_of}），未计入：见 kctrack returns",
        "incomplete: {missing} of {due} returns due by {as_of} missing: see kctrack returns",
    ),
    "returns_incomplete_sep": ("；", "; "),
    "and_more": ("… 共 {n} 个单位", "… {n} units in all"),
    # the command line's own usage errors (unknown command or option, missing argument, bad value)
    "cli_usage": ("用法：{usage}", "Usage: {usage}"),
    "cli_try_help": ("运行 “{command} -h” 查看帮助。", "Try '{command} -h' for help."),
    "cli_no_command": ("没有 “{name}” 这个命令{hint_zh}", "No such command '{name}'{hint_en}"),
    "cli_no_option": ("没有 “{option}” 这个选项{hint_zh}", "No such option '{option}'{hint_en}"),
    "cli_missing_argument": ("缺少参数 {name}。", "Missing argument {name}."),
    "cli_missing_option": ("缺少选项 {name}。", "Missing option {name}."),
    "cli_needs_value": ("选项 {option} 后面要跟一个值。", "Option {option} requires a value."),
    "cli_not_a_choice": (
        "{param} 的值 “{value}” 无效，可选：{choices}。",
        "Invalid value '{value}' for {param}: choose one of {choices}.",
    ),
    "cli_not_integer": ("{param} 要填一个整数。", "{param} must be a whole number."),
    "cli_not_number": ("{param} 要填一个数。", "{param} must be a number."),
    "cli_bad_value": ("{param} 的值无效：{detail}", "Invalid value for {param}: {detail}"),
    "cli_extra_arguments": ("多余的参数：{args}", "Unexpected extra argument(s): {args}"),
    "cli_usage_error": ("用法错误：{detail}", "Usage error: {detail}"),
    "cli_aborted": ("已中止。", "Aborted."),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # figures (kctrack.parse.parse_number): the caller adds the place (a cell or VALUE)
    "num_not_number": (
        "“{value}” 不是数字：请填写一个不小于 0 的数，如 12、1,234 或 1.5万",
        "'{value}' is not a number: enter a number of at least 0, such as 12, 1,234 or 1.5万",
    ),
    "num_negative": (
        "“{value}” 是负数：完成量不能小于 0，请填写 0 或正数",
        "'{value}' is negative: an amount cannot be below 0; enter 0 or more",
    ),
    "num_not_finite": (
        "“{value}” 不是一个有限的数：请填写具体的数字",
        "'{value}' is not a finite number: enter an actual figure",
    ),
    "num_too_large": (
        "“{value}” 太大：超过上限 {max}，请检查是否多打了数字或写错了万/亿",
        "'{value}' is too large: it is above the limit of {max}; check for extra digits or a wrong 万/亿",
    ),
    "num_grouping": (
        "“{value}” 的千位分隔符位置不对：逗号只能每三位一组，如 1,234；小数请用点号",
        "'{value}' has a thousands separator in the wrong place: commas group three digits, as in 1,234; use a point for decimals",
    ),
    "num_bad_suffix": (
        "“{value}” 末尾的 “{suffix}” 无法识别：数字后面只能跟计量单位或量词（个、项、家、人 等），请只填数字",
        "'{value}' ends in '{suffix}', which is not understood: only a unit of measure or counting word (个, 项, 家, 人 …) may follow the number; enter the number alone",
    ),
    "num_percent": (
        "“{value}” 是百分比，但这一项不按百分比计：请填写实际数量，如 12",
        "'{value}' is a percentage, but this figure is not measured in percent: enter the amount itself, such as 12",
    ),
    "num_formula_error": (
        "显示为 {value}（公式出错）：请在 Excel/WPS 中修正公式，或直接填写数字",
        "shows {value}: fix the formula in Excel/WPS, or type the figure",
    ),
    "num_not_whole": (
        "“{value}” 不是整数：这一项是计数（单位：{uom}），请填写整数，如 3",
        "'{value}' is not a whole number: this figure is a count ({uom_en}); enter a whole number such as 3",
    ),
    # states
    "state_done": ("已完成", "done"),
    "state_on_track": ("按期", "on track"),
    "state_behind": ("滞后", "behind"),
    "state_off_track": ("严重滞后", "off track"),
    "state_overdue": ("逾期未完成", "overdue"),
    "state_pending": ("未到期", "pending"),
    "state_not_achieved": ("未完成", "not achieved"),
    "state_done_late": ("逾期完成", "done late"),
    "state_done_late_by": ("逾期完成（晚 {n} 个月）", "done late ({n} month{s} late)"),  # words.state_word
    "state_shared": ("共同指标", "shared"),
    "title_resources": (
        "依托资源（文件所列已有资源，不是目标，不计进度）",
        "Resources drawn on (what the document says exists; not targets, no schedule)",
    ),
    "h_resource": ("依托资源", "Resource"),
    "h_available": ("可依托", "Available"),
    "h_engaged": ("已动员", "Engaged"),
    "shared_intro": (
        "共同指标：{units}共同完成，表中“完成”为本单位数。",
        "shared targets: reported jointly by {units}; Actual above is this unit's own.",
    ),
    "shared_total": ("{name}：全省 {actual} / {target}，{state}", "{name}: province {actual} of {target}, {state}"),
    # issue 12 §5 small things
    "unit_hint": ("（是否想输入 {names}？）", " (did you mean {names}?)"),
    "unit_hint_or": (" 或 ", " or "),
    "record_unchanged": (
        "{code} · {unit} · {month} 已是 {value}，未改动（未写入批次）",
        "{code} · {unit} · {month} is already {value}: unchanged, nothing written",
    ),
    "lock_none": ("没有锁定的月份", "no month is locked"),
    "h_lock_reason": ("说明", "reason"),
    "lock_reason_needs_month": (
        "--reason 用于锁定某个月份：kctrack lock MONTH --reason …",
        "--reason goes with a month to lock: kctrack lock MONTH --reason …",
    ),
    "lock_format_needs_list": (
        "--format 用于列出锁定的月份（kctrack lock 不带月份）",
        "--format applies to the list of locked months (kctrack lock without a month)",
    ),
    "cli_repeated_option": (
        "选项 {option} 只能给一次，这里给了 {values_zh}",
        "option {option} can be given only once; it was given as {values_en}",
    ),
    "tpl_units_need_dir": (
        "{count} 个单位各生成一个文件：输出应为一个目录",
        "{count} units get one file each: the output must be a folder",
    ),
    "tpl_unit_and_all_units": (
        "--unit 与 --all-units 只能选一个",
        "give --unit or --all-units, not both",
    ),
    # issue 12 §4 time, Ctrl-C, BOM
    "interrupted": ("已中断：{what}", "interrupted: {what}"),
    "intr_nothing": ("未写入任何内容", "nothing was written"),
    "intr_run": (
        "本次导入已写入（导入批次组 {run}，批次 {batches}；kctrack undo --run {run} 可撤销）",
        "this import had been written (run {run}, batches {batches}; kctrack undo --run {run} reverts it)",
    ),
    "intr_batches": ("已写入批次 {batches}", "batch {batches} had been written"),
    "intr_changed": ("修改已写入数据库", "the change had been written to the database"),
    "intr_files": ("已写入 {n} 个文件（最后一个：{last}）", "{n} file(s) had been written (the last: {last})"),
    "intr_migrating": (
        "数据库结构正在创建或升级，可能只完成了一部分（kctrack db check 查看）",
        "the database schema was being created or upgraded and may be part-way (kctrack db check shows it)",
    ),
    "intr_migrated": ("数据库结构已创建或升级", "the database schema had been created or upgraded"),
    # issue 12 one language: csv and md headers and words (kctrack.render *_flat), and messages
    "col_name": ("指标", "Name"),
    "col_sheet": ("工作表", "Sheet"),
    "col_target_code": ("指标编号", "Target code"),
    "col_this_month": ("本月完成", "This month"),
    "col_cumulative": ("累计完成", "Cumulative"),
    "col_cell": ("单元格", "Cell"),
    "col_record": ("记录号", "Record"),
    "col_why_not": ("未计入原因", "Why not counted"),
    "kind_commitment": ("目标", "target"),
    "kind_quota": ("本单位任务", "unit's quota"),
    "kind_shared": ("共同指标", "shared target"),
    "kind_resource": ("依托资源", "resource"),
    "kind_milestone": ("里程碑", "milestone"),
    "batch_kind_import": ("导入", "import"),
    "batch_kind_record": ("记录", "record"),
    "batch_kind_register": ("名册", "register"),
    "batch_state_superseded": ("已被取代", "superseded"),
    "batch_state_undone": ("已撤销", "undone"),
    "check_ok": ("正常", "ok"),
    # issue 12 export
    "xp_title_closing": ("{plan}（{doc}）年终总结（终期报告）", "{plan} ({doc}): year-end closing report"),
    "xp_title_progress": ("{plan}（{doc}）进展报告", "{plan} ({doc}): progress report"),
    "xp_counts_closing": (
        "年终：{total} 项目标中已完成 {done} 项{late}，未完成 {not_achieved} 项",
        "Year end: of {total} targets, {done} achieved{late}, {not_achieved} not achieved",
    ),
    "xp_late_closing": ("，逾期完成 {n} 项", ", {n} achieved late"),  # {late} above, when there are any
    "xp_counts_progress": (
        "{total} 项目标：已完成 {done}{late}，按期 {on_track}，滞后 {behind}，严重滞后 {off_track}，到期未完成 {not_achieved}",
        "{total} targets: {done} done{late}, {on_track} on track, {behind} behind, {off_track} off track,"
        " {not_achieved} not achieved by their deadline",
    ),
    "xp_late_progress": ("，逾期完成 {n}", ", {n} done late"),  # {late} above, when there are any
    "xp_resources_apart": (
        "；另列依托资源 {n} 项（不是目标，不计入）",
        "; {n} resources drawn on are listed apart (not targets, not counted)",
    ),
    "xp_sheet_resources": ("依托资源", "Resources"),
    "xp_h_resource": ("依托资源", "Resource"),
    "xp_h_available": ("可依托", "Available"),
    "xp_h_task_no": ("任务序号", "Task"),
    "xp_h_months_late": ("晚几个月", "Months late"),
    "xp_h_engaged": ("已动员", "Engaged"),
    "xp_not_recorded": ("未填报", "not recorded"),
    # issue 12 tables
    "title_status_unit": (
        "{plan}（{doc}）· {unit} · 截至 {as_of} · 数据库 {db}",
        "{plan} ({doc}) · {unit} · as of {as_of} · database {db}",
    ),
    "title_by_reporter": ("分单位完成情况（分解指标与共同指标）", "By reporting unit (split and shared targets)"),
    "ht_goal": ("目标", "Goal"),
    "ht_expected": ("应完成", "By now"),
    "ht_percent": ("完成率", "%"),
    "ht_deadline": ("截止", "Due"),
    "ht_grid_received": ("按时", "✔"),
    "ht_grid_late": ("迟报", "late"),
    "ht_grid_missing": ("缺报", "✖"),
    "row_total": ("合计", "Total"),
    "task_heading": ("任务{no}：{short}（{resp}）", "Task {no}: {short} ({resp})"),
    "units_rest": ("另 {n} 个单位未列出：{states}", "{n} more units not listed: {states}"),
    "units_rest_shared": ("另 {n} 个单位未列出，合计 {total}", "{n} more units not listed, {total} in all"),
    "units_limited": (
        "每个指标先列出最落后的 {limit} 个单位，共略去 {left_out} 行（--limit N 或 --all 查看全部；csv/json 为全部）",
        "each target lists its {limit} units furthest behind first; {left_out} rows left out"
        " (--limit N or --all for every unit; csv and json list all)",
    ),
    "months_hidden": (
        "{first}–{last} 未显示（终端宽度不够；加宽终端或用 --format csv）",
        "{first}–{last} not shown (the terminal is too narrow; widen it or use --format csv)",
    ),
    # -- plan file limits (issue 13) --
    "plan_too_large": (
        "计划文件大小为 {size} 字节，超过上限 {limit} 字节（{limit_mb} MB；真实的计划文件约 60 KB）：请检查是否选错了文件",
        "the plan file is {size} bytes, over the limit of {limit} bytes ({limit_mb} MB;"
        " a real plan file is about 60 KB): check that this is the right file",
    ),
    "plan_too_many_nodes": (
        "YAML 节点（值、列表、映射，别名按其代表的内容计）超过上限 {limit} 个（真实的计划文件约 2700 个）："
        "若用了别名（*名称），请删去重复引用的别名，把内容直接写出；否则请检查是否选错了文件",
        "more than {limit} YAML nodes (values, lists, mappings; an alias counts what it stands for;"
        " a real plan file has about 2700): if the file uses aliases (*name), write the values out"
        " instead of repeating aliases; otherwise check that this is the right file",
    ),
    "plan_too_many_aliases": (
        "YAML 别名（*名称）超过上限 {limit} 个：计划文件不需要别名，请把内容直接写出",
        "more than {limit} YAML aliases (*name): a plan file needs none; write the values out",
    ),
    "plan_too_deep": (
        "嵌套超过上限 {limit} 层（真实的计划文件为 6 层）：请检查缩进和未闭合的括号 [ {{",
        "nested more than {limit} levels deep (a real plan file has 6): check the indentation"
        " and unclosed brackets [ {{",
    ),
    "plan_alias_cycle": (
        "别名 *{anchor} 位于其锚点 &{anchor} 自身之内（循环引用）：请删去该别名",
        "alias *{anchor} is inside its own anchor &{anchor} (a cycle): remove the alias",
    ),
    "plan_not_finite": (
        "{key_path} 的值 “{value}” 不是有限的数：请填写普通数字（不能是 .nan、.inf 或 1e400 这样超出范围的数）",
        "{key_path}: '{value}' is not a finite number: give an ordinary number"
        " (not .nan, .inf, nor one too large such as 1e400)",
    ),
    "plan_stored_not_finite": (
        "数据库中保存的计划在 {key_path} 处的值 “{value}” 不是有限的数：请用 kctrack init --plan 文件 重新载入正确的计划",
        "the plan stored in the database holds '{value}' at {key_path}, which is not a finite number:"
        " load a correct plan again with kctrack init --plan FILE",
    ),
    # -- workbooks, databases and settings refused (issue 13) --
    "env_bad": (
        "环境变量的值 “{value}” 不可用：应为 {expected}。请改正或删除该环境变量",
        "the value '{value}' cannot be used: it must be {expected}. Correct or unset the variable",
    ),
    "xl_too_many_parts": (
        "工作簿由 {count} 个部件组成，超过上限 {limit}（月报约 10–30 个），不像月报，已拒绝：请在 Excel/WPS 中另存后重新提交",
        "the workbook is made of {count} parts, over the limit of {limit} (a return has 10–30),"
        " and was refused: save it again in Excel/WPS",
    ),
    "xl_range_too_large": (
        "已用区域延伸到 {last}（{cells} 个单元格），超过上限 {limit}，已拒绝（月报约 500 个）："
        "请删除远处单元格的内容（Ctrl+End 可找到最后一个单元格）后另存",
        "the used range reaches {last} ({cells} cells), over the limit of {limit}, and was refused"
        " (a return has about 500): clear the far cells (Ctrl+End finds the last one) and save again",
    ),
    "xl_book_too_large": (
        "各工作表的已用区域合计 {cells} 个单元格，超过上限 {limit}，已拒绝：请删去多余的工作表或远处单元格后另存",
        "the sheets' used ranges add up to {cells} cells, over the limit of {limit}, and were refused:"
        " delete the extra sheets or far cells and save again",
    ),
    "xl_bad_shared_string": (
        "工作簿已损坏：文本单元格的编号 “{value}” 无效（应为非负整数）：请在 Excel/WPS 中打开并另存，或重新导出",
        "the workbook is damaged: a text cell's index '{value}' is not valid (it must be a whole number"
        " from 0): open and save it again in Excel/WPS, or export it again",
    ),
    "db_read_only": (
        "数据库不可写（{reason}）：此命令需要写入。请检查该文件及其所在目录的写权限，或把数据库复制到可写的位置再用 --db 指定；"
        "只读的命令（status、history、export 等）仍可使用",
        "the database cannot be written ({reason}): this command writes. Check the write permission of the file"
        " and its folder, or copy the database somewhere writable and point --db at it; commands that only read"
        " (status, history, export…) still work",
    ),
    "db_read_only_wal": (
        "数据库位于只读位置，且其预写日志 {wal} 中还有未合并的更改，直接读取会显示旧数字：请把数据库文件连同 -wal、-shm 文件复制到可写的位置再打开",
        "the database is on a read-only place and its write-ahead log {wal} holds changes not yet merged, so"
        " reading it here would show old figures: copy the database with its -wal and -shm files somewhere"
        " writable and open it there",
    ),
    "db_disk_full": (
        "磁盘已满（{reason}），未写入任何内容：请腾出空间后重试",
        "the disk is full ({reason}); nothing was written: free some space and try again",
    ),
    "db_io_error": (
        "读写数据库时磁盘出错（{reason}），未写入任何内容：请检查磁盘或网络盘后重试",
        "the disk failed while the database was read or written ({reason}); nothing was written:"
        " check the disk or network drive and try again",
    ),
    "db_error": (
        "数据库出错（{reason}），未写入任何内容",
        "the database reported an error ({reason}); nothing was written",
    ),
    "db_needs_upgrade": (
        "数据库结构版本 {version} 较旧（本程序为 {head}）；只读的命令不升级数据库：请先运行 kctrack db upgrade（会先备份）",
        "the database schema ({version}) is older than this kctrack's ({head}); a command that only reads does"
        " not upgrade it: run kctrack db upgrade first (it backs the database up first)",
    ),
    "db_bad_path": (
        "数据库路径 “{url}” 含有空字符，不能使用：请检查 --db 或 KCTRACK_DB",
        "the database path '{url}' holds a NUL character and cannot be used: check --db or KCTRACK_DB",
    ),
    "db_conninfo": (
        "--db（或 KCTRACK_DB）是一个含密码的 libpq 连接串，不是数据库地址（为保密不在此显示）：请写成 postgresql://用户@主机/数据库，密码放在 ~/.pgpass 或 PGPASSWORD 中",
        "--db (or KCTRACK_DB) is a libpq connection string holding a password, not a database URL (not shown"
        " here, to keep it secret): write postgresql://user@host/dbname and keep the password in ~/.pgpass"
        " or PGPASSWORD",
    ),
    "db_url_unencoded": (
        "数据库地址 {url} 的用户名或密码中含有未编码的 @ 或 /，无法确定密码到哪里为止（为保密不显示）：请把它们写成 %40 和 %2F",
        "the user part of the database URL {url} holds an @ or / that is not encoded, so where the password"
        " ends cannot be told (it is not shown, to keep it secret): write them as %40 and %2F",
    ),
    "db_upgrade_done": ("数据库结构已是最新（{head}）", "the database schema is current ({head})"),
    # -- history streaming and note bound (issue 13) --
    "imp_note_too_long": (
        "备注有 {n} 个字，超过上限 {max} 字：请把备注缩短到 {max} 字以内（详细说明另附），再重新导入",
        "the note is {n} characters long, above the limit of {max}: shorten it to {max} characters or fewer"
        " (send a longer explanation separately) and import again",
    ),
    "text_too_long": (
        "太长：{n} 个字，上限 {max} 字；请缩短到 {max} 字以内",
        "too long: {n} characters, the limit is {max}; shorten it to {max} characters or fewer",
    ),
    "xp_note_cut": (
        " …〔已截断：原文 {n} 字，Excel 单元格最多 {max} 字；全文见 kctrack history --format json〕",
        " … [cut: {n} characters in all, an Excel cell holds {max}; kctrack history --format json has it whole]",
    ),
    "xp_notes_cut": (
        "{n} 条备注或原因超过 Excel 单元格上限 {max} 字，已截断并在末尾注明；全文见 kctrack history --format json",
        "{n} notes or reasons are longer than an Excel cell holds ({max} characters): each is cut and says so at its"
        " end; kctrack history --format json has them whole",
    ),
    # -- registers (issue 14): the plan's registers ------------------------------------
    "plan_register_choices": (
        "{key_path}：字段 {field} 的类型为 choice 时须列出 choices，其他类型不能有 choices",
        "{key_path}: field {field} needs choices when its type is choice, and none otherwise",
    ),
    "plan_register_field": (
        "{key_path}：名册中没有字段 “{field}”",
        "{key_path}: the register has no field '{field}'",
    ),
    "plan_register_choice": (
        "{key_path}：“{value}” 不是该字段的可选值（{choices}）",
        "{key_path}: '{value}' is not one of the field's choices ({choices})",
    ),
    "plan_register_target": (
        "{key_path}：计划中没有指标 {target}",
        "{key_path}: the plan sets no target {target}",
    ),
    "plan_register_fed_twice": (
        "{key_path}：指标 {target} 已由名册 {other} 计数，一个指标只能由一个名册计数",
        "{key_path}: target {target} is already counted by register {other}; a target is counted by one register",
    ),
    "plan_register_sum": (
        "{key_path}：count: sum 须用 field 指明一个 integer 类型的字段（现为 “{field}”）",
        "{key_path}: count: sum needs field naming an integer field (given '{field}')",
    ),
    "reg_uscc_length": (
        "统一社会信用代码应为 {length} 位，这里是 {n} 位（GB 32100-2015）",
        "a unified social credit code has {length} characters; this one has {n} (GB 32100-2015)",
    ),
    "reg_uscc_format": (
        "统一社会信用代码含有 GB 32100-2015 不用的字符（不用 I、O、Z、S、V；前两位为登记管理部门和机构类别代码）",
        "the unified social credit code holds characters GB 32100-2015 does not use (no I, O, Z, S, V; the first"
        " two name the registering authority and the kind of entity)",
    ),
    "reg_uscc_check": (
        "统一社会信用代码校验位不对（按 GB 32100-2015 应为 {expected}）：请与营业执照核对",
        "the check character of the unified social credit code is wrong (GB 32100-2015 gives {expected}):"
        " check it against the business licence",
    ),
    "reg_uscc_number": (
        "统一社会信用代码被存成了数字（Excel 只保留 15 位有效数字，代码已失真）：请把该列设为文本后重新填写",
        "the unified social credit code is stored as a number (Excel keeps 15 significant digits: the code is"
        " already lost): format the column as text and type it again",
    ),
    "reg_bad_integer": ("{field} 应为整数：{reason}", "{field} must be a whole number: {reason}"),
    "reg_bad_month": (
        "{field} 不是月份：请写成 YYYY-MM，例如 2020-06",
        "{field} is not a month: write it as YYYY-MM, e.g. 2020-06",
    ),
    "reg_bad_date": (
        "{field} 不是日期：请写成 YYYY-MM-DD，例如 2020-06-15",
        "{field} is not a date: write it as YYYY-MM-DD, e.g. 2020-06-15",
    ),
    "reg_bad_choice": ("{field} 只能填：{choices}", "{field} must be one of: {choices}"),
    "reg_bad_unit": ("{field} 不是计划中的设区市或单位{hint_zh}", "{field} is not a unit of the plan{hint_en}"),
    "reg_text_long": (
        "{field} 有 {n} 字，超过上限 {max} 字",
        "{field} has {n} characters, more than the {max} allowed",
    ),
    "reg_required": ("{field} 必填", "{field} is required"),
    "reg_no_unit": (
        "名册未写明填报单位：请在表头上方写“填报单位：……”，或用 --unit 指定",
        "the register does not say its reporting unit: write 填报单位：… above the header, or give --unit",
    ),
    "reg_no_month": (
        "名册未写明月份：请在表头上方写“月份：YYYY-MM”，或用 --month 指定",
        "the register does not say its month: write 月份：YYYY-MM above the header, or give --month",
    ),
    "reg_not_sender": (
        "{unit} 不报送{register}（报送单位：{senders}）",
        "{unit} does not send the {register} (it is sent by: {senders})",
    ),
    "reg_row_twice": (
        "与第 {other} 行是同一条目（{entry}），只计一次：请删去一行",
        "the same entry as row {other} ({entry}); counted once: delete one of the rows",
    ),
    "reg_listed_by_other": (
        "{entry} 也列在 {other} 的{register}中：全省只计一次",
        "{entry} is also listed in {other}'s {register}: the province counts it once",
    ),
    "reg_count_differs": (
        "{unit} {month} 月报中 {code} 为 {stated}，其{register}计 {listed}：以名册为准，请核对",
        "{unit}'s return for {month} gives {code} as {stated}, its {register} counts {listed}: the list counts;"
        " check which is right",
    ),
    "reg_already": (
        "{unit} {month} 的{register}已于批次 {batch} 导入（{source}）：更正请加 --replace",
        "{unit}'s {register} for {month} was already imported in batch {batch} ({source}): add --replace to correct it",
    ),
    "reg_list_twice": (
        "{unit} {month} 的{register}在本次导入中出现两次（另见 {other}）",
        "{unit}'s {register} for {month} appears twice in this import (also in {other})",
    ),
    "rc_group_size": (
        "“{group}” 有 {n} 人，应为 {min} 至 {max} 人",
        "'{group}' has {n} members; the document asks for {min} to {max}",
    ),
    "rc_quota": (
        "{member} 已解决 {n} 项，低于应完成的 {goal} 项",
        "{member} has {n} solved, below its {goal}",
    ),
    "rc_quota_unnamed": (
        "计划文件未列出按“{by}”计数的对象：请在计划文件 {path} 中列出（学会写名册中的名称，城市写编号如 suzhou），再运行 kctrack init --plan 文件",
        "the plan file names no one to count by '{by}': list them under {path} in the plan"
        " file (a society as the register names it, a city by its code, e.g. suzhou), then run kctrack init --plan FILE",
    ),
    "rc_member_twice": (
        "“{member}” 同时在 {n} 个队：{groups}",
        "'{member}' is in {n} teams: {groups}",
    ),
    "rc_two_names": (
        "统一社会信用代码 {code} 对应了不同的企业名称：{names}",
        "unified social credit code {code} is listed with different firm names: {names}",
    ),
    "imp_lists": ("名册 {lists} 份，共 {entries} 条", "{lists} register list(s), {entries} entries"),
    "imp_notes": ("{count} 条提示：", "{count} note(s):"),
    "why_list_counts": ("以名册计", "its list counts"),
    "why_counted_once": ("重复，只计一次", "duplicate: counted once"),
    "why_not_matching": ("不符合计数条件", "not what is counted"),
    "ht_returned": ("月报数", "returned"),
    "returned_note": (
        "月报数：本单位月报所填与其名册计数不同之处；完成数以名册计（kctrack explain 编号 --unit 本单位 列出名册条目）",
        "returned: where the unit's returns give another figure than its register counts; the register counts"
        " (kctrack explain CODE --unit UNIT lists the entries)",
    ),
    "tpl_written_registers": ("；名册：{names}", "; registers: {names}"),
    "reg_header_incomplete": (
        "第 {row} 行像是{register}的表头，但缺少必填列：{missing}（列名须与模板一致，或为计划文件中该字段的别名）",
        "row {row} looks like the header of the {register}, but lacks the required column(s): {missing} (name"
        " them as the template does, or as an alias the plan file gives)",
    ),
    "reg_replaces": (
        "{unit} {month} 的{register}更正为 {n} 条，替换批次 {batch} 的 {old} 条",
        "{unit}'s {register} for {month} corrected to {n} entries, replacing batch {batch}'s {old}",
    ),
    "reg_outside_window": (
        "{field} {value} 不在计划期 {start} … {end} 之内",
        "{field} {value} is outside the plan window {start} … {end}",
    ),
    "reg_row_twice_differs": (
        "与第 {other} 行是同一条目（{entry}），但{fields}不同：无法判断以哪一行计，请合并为一行或改正条目名称",
        "the same entry as row {other} ({entry}) with another {fields}: which row counts cannot be told; merge"
        " them into one row or correct the entry's name",
    ),
    "reg_carried": (
        "{unit} 自 {month} 起报送{register}：此前月报所填 {code} 共 {carried} 已计入，名册从此累加"
        "（若名册已重复列出这些条目，请在计划内核对并更正月报）",
        "{unit} sends the {register} from {month}: the {carried} its returns gave for {code} before are"
        " carried and the lists add to them (if the list restates those entries, correct the returns)",
    ),
    "reg_unknown_heading": (
        "列标题“{heading}”不是{register}的字段，该列未读入",
        "the column headed '{heading}' is no field of the {register}: it is not read",
    ),
    "plan_register_key_optional": (
        "{key_path}：键字段 {field} 须为必填（required: true）：键为空的各行会被当成同一条目",
        "{key_path}: key field {field} must be required (required: true): rows with a blank key would be one entry",
    ),
    "reg_recorded_listed": (
        "已记录，但 {unit} 自 {first} 起的 {code} 以其{register}计：状态中的数来自名册（kctrack explain {code}）",
        "recorded, but {unit}'s {code} is counted from its {register} from {first} on: status shows the list's"
        " count (kctrack explain {code})",
    ),
    "unknown_register": (
        "未知的名册 “{register}”。可用名册：{known}",
        "unknown register '{register}'. Known registers: {known}",
    ),
    # -- registers: commands and export (issue 14) --
    "rg_h_listed": ("列入月份", "listed in"),
    "rg_h_register": ("名册", "register"),
    "rg_h_rule": ("规则", "rule"),
    "rg_h_kind": ("类别", "kind"),
    "rg_h_finding": ("问题", "finding"),
    "rg_h_units": ("单位", "units"),
    "rg_h_cells": ("单元格", "cells"),
    "rg_h_cell": ("单元格", "cell"),
    "rg_list_title": ("{name}（{code}）截至 {as_of} 在册 {n} 条", "{name} ({code}) as of {as_of}: {n} in force"),
    "rg_list_title_unit": (
        "{name}（{code}）{unit} 截至 {as_of} 在册 {n} 条",
        "{name} ({code}), {unit}, as of {as_of}: {n} in force",
    ),
    "rg_list_none": ("截至 {as_of} 没有在册条目", "no entries in force as of {as_of}"),
    "rg_list_group": ("{unit} {month} 名册：{source}", "{unit}, list of {month}: {source}"),
    "rg_list_legend": (
        "每个单位的每个条目取截至该月最新列出的一行；几个单位都列出的条目各列一次，全省只计一次（kctrack explain 指标编号）",
        "each unit's entries as last listed up to that month; an entry several units list is shown for each, and"
        " counted once for the province (kctrack explain CODE)",
    ),
    "rg_personal_left_out": (
        "未显示个人信息字段：{fields}（加 --with-names 显示）",
        "personal data left out: {fields} (add --with-names to show it)",
    ),
    "rg_columns_left_out": (
        "此宽度下未显示的字段：{fields}（--format csv、json 或 md 列出全部字段）",
        "fields left out at this width: {fields} (--format csv, json or md lists every field)",
    ),
    "rg_check_title": ("名册检查（截至 {as_of}）", "Register check as of {as_of}"),
    "rg_check_rule": ("{registers} · 规则：{rule}", "{registers} · rule: {rule}"),
    "rg_violation": ("违反规则", "violation"),
    "rg_notice": ("尚无法检查", "cannot check yet"),
    "rg_cells_more": ("{cells} 等（共{n}处）", "{cells} and {more} more ({n} in all)"),
    "rg_check_counts": (
        "截至 {as_of}：{violations} 处违反规则，{notices} 条规则尚无法检查",
        "as of {as_of}: {violations} violation(s), {notices} rule(s) that cannot be checked yet",
    ),
    "rg_check_clean": (
        "截至 {as_of} 名册未发现违反规则之处（{notices} 条规则尚无法检查）",
        "no violations in the registers as of {as_of} ({notices} rule(s) cannot be checked yet)",
    ),
    "rg_name_hidden": ("姓名未显示", "name left out"),
    "rg_names_hidden": (
        "{n} 条问题中的姓名未显示（加 --with-names 显示）",
        "names left out of {n} finding(s) (add --with-names to show them)",
    ),
    "xp_sheet_findings": ("名册检查", "Register check"),
    "xp_h_register": ("名册", "Register"),
    "xp_h_rule": ("规则（文件原文）", "Rule (the document's words)"),
    "xp_h_finding_kind": ("类别", "Kind"),
    "xp_h_finding": ("问题", "Finding"),
    "xp_h_units": ("单位", "Units"),
    "xp_h_cells": ("单元格", "Cells"),
    "xp_h_listed": ("列入月份", "Listed in"),
    "xp_register_line": (
        "{name}：在册 {n} 条（各单位名册中每个条目最新列出的一行；几个单位都列出的各列一次）",
        "{name}: {n} entries in force (each unit's entries as last listed; an entry several units list, once each)",
    ),
    "xp_register_personal": (
        "未列出个人信息（{fields}）：本名册按计划不随表报送个人信息；如需报送，请在计划文件中为该名册写 shared: true",
        "personal data ({fields}) left out: the plan does not hand this register's personal data on; to hand it on,"
        " write shared: true for the register in the plan file",
    ),
    "xp_findings_line": (
        "名册检查（截至 {as_of}）：{violations} 处违反规则，{notices} 条规则尚无法检查",
        "Register check as of {as_of}: {violations} violation(s), {notices} rule(s) that cannot be checked yet",
    ),
    "xp_findings_none": ("未发现问题", "no findings"),
    # -- registers: template (issue 14) --
    "tpl_reg_title": ("{plan}（{doc}）{register}", "{plan} ({doc}): {register}"),
    "tpl_reg_note": (
        "每行填写一条；粗体列为必填；可只填本月新增或有变化的条目，已报送且未变的条目不必重复。",
        "One row per entry; the columns in bold are required; you may list only what is new or changed"
        " this month, entries already sent and unchanged need not be repeated.",
    ),
    "tpl_reg_source": ("依据：{source}", "From the document: {source}"),
    "tpl_reg_personal": (
        "个人信息：不出现在报表和导出中，除非计划将本名册整体报送（shared）",
        "Personal data: kept out of reports and exports unless the plan shares this register",
    ),
    "tpl_reg_required": ("必填。{hint}", "Required. {hint}"),
    "tpl_reg_dv_error_title": ("填写有误", "Invalid entry"),
    "tpl_reg_dv_uscc": (
        "18 位统一社会信用代码（GB 32100-2015，末位为校验码），按文本填写",
        "The 18-character unified social credit code (GB 32100-2015, the last one a check character), as text",
    ),
    "tpl_reg_dv_uscc_error": (
        "统一社会信用代码应为 18 位（含末位校验码）",
        "A unified social credit code has 18 characters (with its check character)",
    ),
    "tpl_reg_dv_month": ("月份，格式 YYYY-MM，如 {example}", "YYYY-MM, e.g. {example}"),
    "tpl_reg_dv_month_error": (
        "请按 YYYY-MM 格式填写 {years} 年的月份，如 {example}",
        "Enter a month of {years} as YYYY-MM, e.g. {example}",
    ),
    "tpl_reg_dv_date": ("日期，格式 yyyy-mm-dd，如 {example}", "A date as yyyy-mm-dd, e.g. {example}"),
    "tpl_reg_dv_date_error": (
        "请填写 {first} 至 {last} 之间的日期（yyyy-mm-dd）",
        "Enter a date from {first} to {last} (yyyy-mm-dd)",
    ),
    "tpl_reg_dv_integer": ("不小于 0 的整数", "A whole number, 0 or more"),
    "tpl_reg_dv_integer_error": ("请填写不小于 0 的整数", "Enter a whole number of at least 0"),
    "tpl_reg_choice_sep": ("、", ", "),
    "tpl_reg_dv_choice": ("从下拉列表中选择：{choices}", "Choose from the list: {choices}"),
    "tpl_reg_dv_choice_free": ("填写其中之一：{choices}", "One of: {choices}"),
    "tpl_reg_dv_choice_error": ("请从下拉列表中选择", "Choose a value from the list"),
    "tpl_reg_dv_unit": ("从下拉列表中选择单位", "Choose a unit from the list"),
    "tpl_reg_dv_unit_free": ("填写本计划中的单位名称，如 {example}", "A unit of the plan by its name, e.g. {example}"),
    "tpl_reg_dv_unit_error": ("请从下拉列表中选择单位", "Choose a unit from the list"),
    "tpl_reg_dv_text": ("文本，{max} 字以内", "Text, up to {max} characters"),
    "tpl_reg_dv_text_error": ("不能超过 {max} 字", "At most {max} characters"),
    # -- the report to CAST (issue 15): kctrack export 报告.docx -------------------------------
    "rp_title": ("关于{name}工作情况的报告", "Report on the {name}"),
    "rp_opening_closing": (
        "按照{doc}部署，{period}开展{name}。文件确定的{total}项量化目标中，已完成{achieved}项{late}，"
        "占{share}；未完成{missing}项。",
        "Under {doc}, the {name} ran from {period}. Of the {total} numeric targets it set, {achieved} were"
        " achieved{late} ({share}); {missing} were not.",
    ),
    "rp_opening_progress": (
        "按照{doc}部署，{period}开展{name}。文件确定的{total}项量化目标中，已完成{achieved}项{late}，"
        "占{share}；其余{missing}项未完成。",
        "Under {doc}, the {name} ran from {period}. Of the {total} numeric targets it set, {achieved} are"
        " achieved so far{late} ({share}); {missing} are not.",
    ),
    "rp_opening_late": ("（其中逾期完成{n}项）", " ({n} of them after their deadline)"),
    "rp_at_least": ("不少于", "at least "),
    "rp_target": (
        "{name}{actual}{uom}，为目标{at_least}{goal}{uom}的{percent}，{state}。",
        "{name}: {actual} {uom}, {percent} of the target of {at_least}{goal} {uom}; {state}. ",
    ),
    "rp_target_short": (
        "{name}{actual}{uom}，为目标{at_least}{goal}{uom}的{percent}，尚差{gap}{uom}，{state}。",
        "{name}: {actual} {uom}, {percent} of the target of {at_least}{goal} {uom}, {gap} {uom} short; {state}. ",
    ),
    "rp_task_milestones": ("该项任务{n}个时间节点中已完成{done}个。", "Milestones done: {done} of {n}. "),
    "rp_late_by": ("晚{n}个月", "{n} month{s} late"),
    "rp_opening_failed": ("其中{n}项已过期限仍未完成：{names}。", " {n} of them are past their deadline: {names}."),
    "rp_opening_end": ("现将有关情况报告如下。", " The details follow."),
    "rp_target_plain": ("{name}{actual}{uom}，{state}。", "{name}: {actual} {uom}; {state}. "),
    "rp_register_unchecked": ("；另有{n}条规则尚无法检查", "; {n} rule(s) cannot be checked yet"),
    "rp_unit_count": ("{unit}{n}份", "{unit} {n}"),
    "rp_no_addressee": (
        "【主送机关：计划文件未写 plan.addressee】",
        "[ADDRESSEE: the plan file gives no plan.addressee]",
    ),
    "rp_no_issuers": ("【发文机关署名：计划文件未写 plan.issuers】", "[ISSUERS: the plan file gives no plan.issuers]"),
    "rp_h_milestones": ("时间节点完成情况", "Milestones"),
    "rp_milestones": (
        "文件确定的{total}个时间节点中，已到期{due}个：按期完成{done}个，逾期完成{late}个，逾期未完成{overdue}个；"
        "未到期{pending}个。",
        "Of the document's {total} milestones, {due} are due: {done} done on time, {late} done late, {overdue}"
        " overdue; {pending} are not due yet.",
    ),
    "rp_milestones_late": ("逾期完成的：{names}。", "Done late: {names}."),
    "rp_milestones_overdue": ("逾期未完成的：{names}。", "Overdue and not done: {names}."),
    "rp_due": ("应于{due}完成", "due {due}"),
    "rp_h_registers": ("名册汇总", "Registers"),
    "rp_register_entries": ("{name}在册{n}条", "{name}: {n} entries"),
    "rp_register_counts": (
        "按名册计{name}{value}{uom}（多个单位列出的同一对象只计一次）",
        "by the list, {value} {uom} ({name}; one listed by several units counted once)",
    ),
    "rp_register_groups": ("共{n}支队伍，每队{low}至{high}人", "{n} teams of {low} to {high}"),
    "rp_register_check": (
        "名册检查发现{n}处不符合文件规定之处{unchecked}（详见附件“名册检查”表）。",
        "The register check found {n} breach(es) of the document's rules{unchecked} (see the attachment's Register"
        " check sheet).",
    ),
    "rp_h_returns": ("数据报送情况", "Returns"),
    "rp_returns": (
        "截至{as_of}，各单位应报月报{due}份，按时报送{received}份，迟报{late}份，缺报{missing}份。",
        "As of {as_of}, {due} monthly returns were due: {received} on time, {late} late, {missing} missing.",
    ),
    "rp_returns_missing": ("缺报：{units}。", " Missing: {units}."),
    "rp_returns_late": ("迟报：{units}。", " Late: {units}."),
    "rp_h_table": ("目标完成情况汇总", "All targets"),
    "rp_t_no": ("序号", "No."),
    "rp_t_target": ("指标", "Target"),
    "rp_t_goal": ("目标", "Goal"),
    "rp_t_actual": ("完成", "Actual"),
    "rp_t_percent": ("完成率", "Percent"),
    "rp_t_state": ("状态", "State"),
    "rp_h_problems": ("问题与不足", "Problems and shortcomings"),
    "rp_h_problems_todo": (
        "【待填写：请在此写明工作中存在的问题与不足。本段为占位提示，定稿前请改写并删去本提示。】",
        "[TO BE WRITTEN: the problems and shortcomings of the work. This paragraph is a placeholder: replace it"
        " before the report is signed.]",
    ),
    "rp_h_plans": ("{year}年工作打算", "Plans for {year}"),
    "rp_h_plans_todo": (
        "【待填写：请在此写明下一年度的工作打算。本段为占位提示，定稿前请改写并删去本提示。】",
        "[TO BE WRITTEN: the plans for next year. This paragraph is a placeholder: replace it before the report is"
        " signed.]",
    ),
    "rp_attachment": ("附件：{name}", "Attachment: {name}"),
    "rp_bad_attachment": (
        "附件须为另一个 .xlsx 文件（不能与报告同名）",
        "the attachment must be another .xlsx file (not the report itself)",
    ),
    "rp_option_docx_only": (
        "{option} 只用于 .docx 报告",
        "{option} is for a .docx report only",
    ),
    "rp_bad_date": (
        "日期 “{value}” 无法识别：请写成 YYYY-MM-DD，例如 2020-12-31",
        "date '{value}' is not understood: write it as YYYY-MM-DD, e.g. 2020-12-31",
    ),
    "rp_written": (
        "已导出 {path}（报告，截至 {month}）及附件 {attachment}",
        "exported {path} (report, as of {month}) and its attachment {attachment}",
    ),
}


def lang_from_env() -> str:
    lang = os.environ.get("KCTRACK_LANG", "zh")
    return lang if lang in LANGS else "zh"


class Localized(Protocol):
    """A text in both languages (:class:`kctrack.plan.Bilingual`), as a message parameter or an error's place."""

    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str: ...


def in_lang(value: Any, lang: str) -> Any:
    """A message parameter in ``lang``: a text given in both languages (anything with a ``zh`` and an ``en``
    string, as :class:`kctrack.plan.Bilingual`: a unit's name) becomes the one of ``lang``; anything else stays.

    So the domain names a unit once, and the message reads 苏州市 in Chinese and Suzhou in English.
    """
    zh, en = getattr(value, "zh", None), getattr(value, "en", None)
    if isinstance(zh, str) and isinstance(en, str):
        return en if lang == "en" else zh
    return value


def tr(key: str, lang: str = "zh", /, **params: Any) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    params = {k: in_lang(v, lang) for k, v in params.items()}
    suggestion = params.get("suggestion")
    params.setdefault("hint_zh", f"（是否想输入 {suggestion}？）" if suggestion else "")
    params.setdefault("hint_en", f"; did you mean {suggestion}?" if suggestion else "")
    try:
        message = text.format(**params)
    except (KeyError, IndexError):
        return text
    if message.isprintable():  # the usual case: nothing to escape, at the cost of one check
        return message
    # A parameter is data (a cell's value, a file or sheet name, a note): a control character in it is shown
    # escaped (kctrack.words.printable), never sent to the terminal.  The template's own text (a newline in
    # it) stays as it is: only the parameters are escaped, and a figure keeps its format.
    from kctrack.words import printable

    return text.format(**{k: v if isinstance(v, int | float) else printable(str(v)) for k, v in params.items()})
