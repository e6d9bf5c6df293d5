"""The report to CAST (issue 15): ``kctrack export OUT.docx`` read back with python-docx.

One demo database as of December 2020 (the plan's closing month), built once for the module through
the CLI (the demo takes a SQLite path, so these tests run on SQLite only); its report in Chinese and in
English, each with its attachment workbook.  What is checked:

1. the page and type as GB/T 9704-2012 sets them, each measure worked out here from the standard's
   numbers (A4; 37/28 mm margins and a 156 × 225 mm type area; 22 lines of 28 characters; 3号 = 16 pt
   仿宋, 2号 = 22 pt 小标宋 title, 黑体 一、 and 楷体 （一） headings; — 1 — page numbers in 4号 = 14 pt 宋体,
   odd pages at the right, even pages at the left);
2. the parts of an official document: title, addressee, attachment line, issuers, date, and the two
   highlighted placeholders the analyst writes;
3. every figure traced back to ``status --format json`` at the same month: the report's table, its
   sentences (a target not achieved named with what it lacks) and the attachment workbook;
4. ``--lang en``; 5. a bad ``--attachment``; 6. the PDF LibreOffice makes of it (where installed).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import REPO, Db, clean_env, failed, kc, ok, run, target_row
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from test_export import HEADERS

from kctrack.words import figure_text, figure_words, percent_text, state_word, workbook_format

AS_OF = "2020-12"
NEXT_YEAR = 2021  # the plan ends in 2020: its 工作打算 are for the year after
ACHIEVED = ("done", "done_late")

# GB/T 9704-2012, worked out by hand (1 inch = 25.4 mm = 72 pt; 1 pt = 20 twips).
PAGE_MM = (210, 297)  # §5.1 幅面尺寸: A4
TOP_MM, LEFT_MM = 37, 28  # §5.2.1 页边: 天头, 订口
TYPE_MM = (156, 225)  # §5.2.1 版心
RIGHT_MM = 210 - 28 - 156  # 26
BOTTOM_MM = 297 - 37 - 225  # 35
LINE_PITCH_TWIPS = math.floor(225 / 25.4 * 72 / 22 * 20)  # §5.2.3 22 lines: 28.99 pt, down to 579 (580 sets 21)
CHAR_SPACING_TWIPS = math.floor((156 / 25.4 * 72 / 28 - 16) * 20)  # §5.2.3 28 characters of 16 pt: −0.21 pt, down to −5
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14  # 3号, 2号, 4号

CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
H1 = re.compile(r"^([一二三四五六七八九十]+)、")
H2 = re.compile(r"^（([一二三四五六七八九十]+)）")
ZH_DATE = re.compile(r"^(\d{4})年([1-9]\d?)月([1-9]\d?)日$")  # §7.3.5.4: no leading zeros
EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
EN_DATE = re.compile(rf"^[1-9]\d? ({EN_MONTHS}) \d{{4}}$")


# -- the data set -----------------------------------------------------------------------------------


@dataclass
class Exported:
    docx: Path
    xlsx: Path
    stderr: str
    days: tuple[date, date]  # the date before and after the export (the report is dated the day it is made)


@dataclass
class Demo:
    db: Path
    folder: Path
    status: dict[str, Any]  # status --format json at AS_OF
    plan: dict[str, Any]  # targets --format json

    def minimum(self, code: str) -> bool:
        return next(t["minimum"] for t in self.plan["targets"] if t["code"] == code)

    def plan_target(self, code: str) -> dict[str, Any]:
        return next(t for t in self.plan["targets"] if t["code"] == code)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("report-docx")
    db = folder / "demo.db"
    env = clean_env()
    ok(run("--db", db, "demo", "--as-of", AS_OF, env=env))
    status = json.loads(ok(run("--db", db, "status", "--format", "json", "--as-of", AS_OF, env=env)).stdout)
    plan = json.loads(ok(run("--db", db, "targets", "--format", "json", env=env)).stdout)
    return Demo(db, folder, status, plan)


def _export(demo: Demo, out: Path, *extra: Any, lang: tuple[str, ...] = ()) -> tuple[str, tuple[date, date]]:
    out.parent.mkdir(parents=True, exist_ok=True)
    before = date.today()
    result = ok(run("--db", demo.db, *lang, "export", out, "--as-of", AS_OF, *extra, env=clean_env()))
    return result.stderr, (before, date.today())


@pytest.fixture(scope="module")
def zh(demo: Demo) -> Exported:
    """The Chinese report with its default attachment (report.xlsx beside it)."""
    out = demo.folder / "zh" / "report.docx"
    stderr, days = _export(demo, out)
    return Exported(out, out.with_suffix(".xlsx"), stderr, days)


@pytest.fixture(scope="module")
def en(demo: Demo) -> Exported:
    """The English report, its attachment named with --attachment."""
    out = demo.folder / "en" / "report.docx"
    annex = demo.folder / "en" / "annex" / "Annex 1.xlsx"
    annex.parent.mkdir(parents=True)
    stderr, days = _export(demo, out, "--attachment", annex, lang=("--lang", "en"))
    return Exported(out, annex, stderr, days)


# -- reading the document ---------------------------------------------------------------------------


def east_asia(element: Any) -> str | None:
    """``w:rFonts/@w:eastAsia`` of a run's, a style's or the defaults' run properties (or of ``w:rPr`` itself)."""
    r_pr = element if element.tag == qn("w:rPr") else element.find(qn("w:rPr"))
    fonts = None if r_pr is None else r_pr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def spacing(r_pr: Any) -> int | None:
    el = r_pr.find(qn("w:spacing"))
    return None if el is None else int(el.get(qn("w:val")))


def doc_defaults_rpr(doc: Any) -> Any:
    return doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))


def texts(doc: Any) -> list[str]:
    """The body's paragraphs with text in them (a table's cells are not among them)."""
    return [p.text for p in doc.paragraphs if p.text]


def paragraph(doc: Any, text: str) -> Any:
    found = [p for p in doc.paragraphs if p.text == text]
    assert len(found) == 1, (text, len(found))
    return found[0]


def fonts_of(p: Any) -> set[tuple[str | None, float | None]]:
    """Each run's East Asian font and size in points."""
    return {(east_asia(r._r), r.font.size.pt if r.font.size is not None else None) for r in p.runs}


def table_rows(doc: Any) -> list[list[str]]:
    [table] = doc.tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def blocks_by_h1(doc: Any, pattern: re.Pattern[str]) -> list[tuple[str, list[str]]]:
    """The body's paragraphs grouped under each first-level heading (those before the first are left out)."""
    out: list[tuple[str, list[str]]] = []
    for text in texts(doc):
        if pattern.match(text):
            out.append((text, []))
        elif out:
            out[-1][1].append(text)
    return out


# == 1. the layout (zh) ===============================================================================


def test_page_is_a4_with_the_standards_type_area(zh: Exported) -> None:
    doc = Document(zh.docx)
    [section] = doc.sections
    measures = {
        "page width": (section.page_width, PAGE_MM[0]),
        "page height": (section.page_height, PAGE_MM[1]),
        "top": (section.top_margin, TOP_MM),
        "left": (section.left_margin, LEFT_MM),
        "right": (section.right_margin, RIGHT_MM),
        "bottom": (section.bottom_margin, BOTTOM_MM),
    }
    for what, (got, want) in measures.items():
        assert got is not None and got.mm == pytest.approx(want, abs=0.1), (what, got and got.mm, want)
    # the type area is what the margins leave
    assert Length(section.page_width - section.left_margin - section.right_margin).mm == pytest.approx(
        TYPE_MM[0], abs=0.1
    )
    assert Length(section.page_height - section.top_margin - section.bottom_margin).mm == pytest.approx(
        TYPE_MM[1], abs=0.1
    )


def test_the_page_has_a_grid_of_22_lines(zh: Exported) -> None:
    doc = Document(zh.docx)
    grids = doc.sections[0]._sectPr.findall(qn("w:docGrid"))
    assert len(grids) == 1
    assert LINE_PITCH_TWIPS == 579  # by hand: 225 mm = 637.80 pt; /22 = 28.99 pt; ×20 = 579.8, down: 22 × 28.95 ≤ 637.8
    assert 22 * LINE_PITCH_TWIPS / 20 <= 225 / 25.4 * 72 < 23 * LINE_PITCH_TWIPS / 20
    assert grids[0].get(qn("w:type")) == "lines"
    assert int(grids[0].get(qn("w:linePitch"))) == LINE_PITCH_TWIPS


def test_normal_style_and_defaults_are_16pt_fangsong_condensed_to_28_a_line(zh: Exported) -> None:
    doc = Document(zh.docx)
    assert CHAR_SPACING_TWIPS == -5  # by hand: 156 mm = 442.20 pt; /28 = 15.79 pt; 16 pt condensed 0.25 pt
    assert 28 * (16 + CHAR_SPACING_TWIPS / 20) <= 156 / 25.4 * 72 < 29 * (16 + CHAR_SPACING_TWIPS / 20)
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(BODY_PT)
    assert east_asia(normal.element) == "仿宋_GB2312"
    assert spacing(normal.element.find(qn("w:rPr"))) == CHAR_SPACING_TWIPS
    # the body's lines are set exactly on the grid's pitch
    assert normal.paragraph_format.line_spacing == Pt(LINE_PITCH_TWIPS / 20)
    defaults = doc_defaults_rpr(doc)
    assert east_asia(defaults) == "仿宋_GB2312"
    assert defaults.find(qn("w:sz")).get(qn("w:val")) == str(BODY_PT * 2)  # half-points
    assert spacing(defaults) == CHAR_SPACING_TWIPS


def test_title_is_centred_in_22pt_xiaobiaosong(zh: Exported) -> None:
    doc = Document(zh.docx)
    title = doc.paragraphs[0]
    assert title.text == "关于2020年服务企业科技创新专项行动工作情况的报告"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs and fonts_of(title) == {("方正小标宋简体", TITLE_PT)}


def test_headings_are_numbered_in_heiti_and_kaiti(zh: Exported) -> None:
    doc = Document(zh.docx)
    h1 = [p for p in doc.paragraphs if H1.match(p.text)]
    h2 = [p for p in doc.paragraphs if H2.match(p.text)]
    # the demo as of December: the document's five sections, then 时间节点, 名册汇总 (the demo keeps lists),
    # 数据报送, 目标完成情况汇总, 问题与不足 and 工作打算
    assert [H1.match(p.text)[1] for p in h1] == CN[:11]
    assert h2, "the sections have tasks"
    for p in h1:
        assert fonts_of(p) == {("黑体", BODY_PT)}, p.text
    for p in h2:
        assert fonts_of(p) == {("楷体_GB2312", BODY_PT)}, p.text
    # no other paragraph is set in a heading's font
    for p in doc.paragraphs:
        if p.text and not H1.match(p.text) and not H2.match(p.text):
            assert {f for f, _ in fonts_of(p)} & {"黑体", "楷体_GB2312"} == set(), p.text
    # second-level numbers start again at （一） under each first-level heading
    for heading, body in blocks_by_h1(doc, H1):
        numbers = [m[1] for m in map(H2.match, body) if m]
        assert numbers == CN[: len(numbers)], heading


def test_body_paragraphs_are_indented_two_characters(zh: Exported) -> None:
    doc = Document(zh.docx)
    opening = next(p for p in doc.paragraphs if p.text.startswith("按照"))
    # §7.3.3 左空二字: two characters as the line sets them (16 pt condensed to 15.75 pt)
    assert opening.paragraph_format.first_line_indent == Pt(2 * (BODY_PT + CHAR_SPACING_TWIPS / 20))
    assert fonts_of(opening) == {("仿宋_GB2312", BODY_PT)}
    addressee = paragraph(doc, "中国科协：")
    assert addressee.paragraph_format.first_line_indent in (None, 0)  # §7.3.2 顶格


def _field_tokens(p: Any) -> list[tuple[str, str]]:
    """The paragraph's runs as (kind, value): ("t", text), ("instr", field code), ("fld", begin|separate|end)."""
    tokens = []
    for r in p._p.findall(qn("w:r")):
        for child in r:
            if child.tag == qn("w:t"):
                tokens.append(("t", child.text or ""))
            elif child.tag == qn("w:instrText"):
                tokens.append(("instr", child.text or ""))
            elif child.tag == qn("w:fldChar"):
                tokens.append(("fld", child.get(qn("w:fldCharType"))))
    return tokens


def test_page_numbers_odd_at_the_right_even_at_the_left(zh: Exported) -> None:
    doc = Document(zh.docx)
    assert doc.settings.odd_and_even_pages_header_footer is True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        assert not footer.is_linked_to_previous
        numbered = [p for p in footer.paragraphs if _field_tokens(p)]
        assert len(numbered) == 1, align
        p = numbered[0]
        assert p.alignment == align
        # §7.5: one character in from the edge of the type area
        indent = (
            p.paragraph_format.right_indent if align == WD_ALIGN_PARAGRAPH.RIGHT else p.paragraph_format.left_indent
        )
        assert indent == Pt(PAGE_NUMBER_PT), align
        tokens = _field_tokens(p)
        fields = [v for k, v in tokens if k == "fld"]
        assert fields == ["begin", "separate", "end"], tokens
        begin, end = tokens.index(("fld", "begin")), tokens.index(("fld", "end"))
        instr = "".join(v for k, v in tokens[begin:end] if k == "instr")
        assert instr.split() == ["PAGE"], tokens
        before = "".join(v for k, v in tokens[:begin] if k == "t")
        after = "".join(v for k, v in tokens[end:] if k == "t")
        assert before.strip() == "—" and after.strip() == "—", tokens  # — 1 —, a 一字线 on each side
        assert fonts_of(p) == {("宋体", PAGE_NUMBER_PT)}, align


# == 2. the parts of the document (zh) ================================================================


def test_title_addressee_attachment_issuers_and_date(zh: Exported) -> None:
    doc = Document(zh.docx)
    body = texts(doc)
    assert body[0] == "关于2020年服务企业科技创新专项行动工作情况的报告"
    assert body[1] == "中国科协："
    *_, attachment, issuer1, issuer2, dated = body
    assert attachment == "附件：report.xlsx"
    assert (issuer1, issuer2) == ("江苏省科学技术协会", "江苏省工业和信息化厅")
    m = ZH_DATE.match(dated)
    assert m, dated
    assert date(int(m[1]), int(m[2]), int(m[3])) in zh.days  # 成文日期: the day it was written
    for text in (issuer1, issuer2, dated):
        assert paragraph(doc, text).alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # the attachment named is the workbook written beside the report
    assert zh.docx.exists() and zh.xlsx.exists()
    assert "指标明细" in openpyxl.load_workbook(zh.xlsx, read_only=True).sheetnames
    assert "report.docx" in zh.stderr and "report.xlsx" in zh.stderr


def test_placeholders_follow_the_two_sections_the_analyst_writes(zh: Exported) -> None:
    doc = Document(zh.docx)
    body = texts(doc)
    holders = [t for t in body if t.startswith("【待填写")]
    assert len(holders) == 2
    problems = next(i for i, t in enumerate(body) if H1.match(t) and t.endswith("、问题与不足"))
    plans = next(i for i, t in enumerate(body) if H1.match(t) and t.endswith(f"、{NEXT_YEAR}年工作打算"))
    assert body[problems + 1] == holders[0] and body[plans + 1] == holders[1]
    assert plans == problems + 2
    for text in holders:
        p = paragraph(doc, text)
        assert p.runs and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in p.runs), text
    # nothing else is highlighted
    for p in doc.paragraphs:
        if p.text not in holders:
            assert all(r.font.highlight_color is None for r in p.runs), p.text


# == 3. every figure traces back to status --format json ==============================================


def _table_row(demo: Demo, t: dict[str, Any], lang: str = "zh") -> list[str]:
    """A target's row as the report's table should show it (after its number)."""
    name = f"{t['name']}（{t['unit_of_measure']}）" if lang == "zh" else f"{t['name']} ({t['unit_of_measure']})"
    return [
        name,
        ("≥" if demo.minimum(t["code"]) else "") + figure_text(t["target"]),
        figure_text(t["actual"]),
        percent_text(t["percent"]) if t["percent"] is not None else "—",
        state_word(t["state"], lang, t["months_late"]),
    ]


def test_table_holds_every_target_of_status(demo: Demo, zh: Exported) -> None:
    doc = Document(zh.docx)
    head, *body = table_rows(doc)
    assert head == ["序号", "指标", "目标", "完成", "完成率", "状态"]
    targets = demo.status["targets"]
    assert len(targets) == 28 and len(body) == len(targets)
    assert [row[0] for row in body] == [str(i) for i in range(1, len(body) + 1)]
    # the document's task order
    task_order = {k["no"]: i for i, k in enumerate(demo.plan["tasks"])}
    in_order = sorted(targets, key=lambda t: task_order[t["task"]])
    assert [row[1:] for row in body] == [_table_row(demo, t) for t in in_order]
    # the table sits under its heading, 九、目标完成情况汇总
    heading = paragraph(doc, "九、目标完成情况汇总")
    assert heading._p.getnext().tag == qn("w:tbl")
    # a few rows worked out by hand from the seeded demo's figures
    rows = {row[1]: row[2:] for row in body}
    firms, patents, workers = (
        target_row(demo.status, c) for c in ("FIRMS_SERVED", "PATENT_INFO_PUSHES", "WORKER_TRAINEES")
    )
    assert (firms["target"], firms["actual"], firms["state"]) == (1000, 921, "not_achieved")
    assert rows["企业（家）"] == ["≥1,000", "921", "92.1%", "未完成"]
    assert (patents["target"], patents["actual"], patents["state"]) == (1_500_000, 1_650_000, "done")
    assert rows["专利信息推送（条）"] == ["1,500,000", "1,650,000", "110.0%", "已完成"]
    assert (workers["target"], workers["actual"]) == (10_000, 4_477)
    assert rows["企业技术工人培训（人）"] == ["10,000", "4,477", "44.8%", "未完成"]  # 44.77 % to one decimal


def test_sentences_name_each_target_and_what_it_lacks(demo: Demo, zh: Exported) -> None:
    doc = Document(zh.docx)
    sections = blocks_by_h1(doc, H1)
    tasks = {k["no"]: k for k in demo.plan["tasks"]}
    not_achieved = 0
    for t in demo.status["targets"]:
        p = demo.plan_target(t["code"])
        uom = t["unit_of_measure"]
        at_least = "不少于" if p["minimum"] else ""
        head = (
            f"{t['name']}{figure_words(t['actual'], 'zh')}{uom}，为目标{at_least}{figure_words(t['target'], 'zh')}{uom}"
            f"的{percent_text(t['percent']) if t['percent'] is not None else '—'}，"
        )
        state = state_word(t["state"], "zh", t["months_late"])
        if t["state"] in ACHIEVED or t["state"] == "on_track":
            sentence = f"{head}{state}。"
        else:
            not_achieved += 1
            gap = max(0.0, t["target"] - t["actual"])
            sentence = f"{head}尚差{figure_words(gap, 'zh')}{uom}，{state}。"
        # in its section (一、 for the document's first), in the paragraph after its task's heading
        heading, body = sections[p["section"] - 1]
        assert heading.startswith(CN[p["section"] - 1] + "、"), heading
        task_heads = [i for i, text in enumerate(body) if H2.match(text) and text.endswith(tasks[t["task"]]["short"])]
        assert len(task_heads) == 1, (t["code"], heading)
        assert sentence in body[task_heads[0] + 1], (t["code"], sentence, body[task_heads[0] + 1])
    assert not_achieved == 14  # the demo at its closing month: half of the 28 short
    # worked out by hand: 1,650,000 in 万 is exactly 165万; 10,000 − 4,477 = 5,523 (below 十万: as is)
    paras = texts(doc)
    assert any("专利信息推送165万条，为目标150万条的110.0%，已完成。" in text for text in paras)
    assert any("企业技术工人培训4,477人，为目标10,000人的44.8%，尚差5,523人，未完成。" in text for text in paras)
    assert any("企业921家，为目标不少于1,000家的92.1%，尚差79家，未完成。" in text for text in paras)


TARGETS_HEADER = HEADERS["zh"]["targets"]  # the attachment is the year-end workbook (tests/test_export.py)


def test_attachment_figures_equal_status(demo: Demo, zh: Exported) -> None:
    ws = openpyxl.load_workbook(zh.xlsx)["指标明细"]
    assert [ws.cell(4, c).value for c in range(1, 13)] == TARGETS_HEADER
    rows = {}
    r = 5
    while ws.cell(r, 1).value is not None:
        rows[ws.cell(r, 1).value] = [ws.cell(r, c) for c in range(1, 13)]
        r += 1
    targets = demo.status["targets"]
    assert sorted(rows) == sorted(t["code"] for t in targets)
    for t in targets:
        code, name, uom, deadline, goal, expected, actual, gap, _forecast, percent, state, task = rows[t["code"]]
        assert (code.value, name.value, uom.value, deadline.value, task.value) == (
            t["code"],
            t["name"],
            t["unit_of_measure"],
            t["deadline"],
            t["task"],
        ), t["code"]
        assert goal.value == pytest.approx(t["target"]), t["code"]
        assert actual.value == pytest.approx(t["actual"]), t["code"]
        assert expected.value == pytest.approx(t["expected"], abs=1e-4), t["code"]
        assert gap.value == pytest.approx(max(0.0, t["target"] - t["actual"])), t["code"]
        assert percent.value == pytest.approx(t["percent"], abs=1e-4), t["code"]
        assert state.value == state_word(t["state"], "zh", t["months_late"]), t["code"]
        # the report writes a figure as these formats show it (kctrack.words)
        assert actual.number_format == workbook_format(actual.value), t["code"]
        assert goal.number_format == workbook_format(goal.value), t["code"]
        assert workbook_format(527) == "#,##0" and workbook_format(333.33) == "#,##0.##"  # by hand
        assert percent.number_format == '0.0"%"', t["code"]


# == 4. --lang en =====================================================================================


def test_english_report(demo: Demo, en: Exported) -> None:
    doc = Document(en.docx)
    body = texts(doc)
    assert body[0].startswith("Report on the ")
    assert paragraph(doc, body[0]).alignment == WD_ALIGN_PARAGRAPH.CENTER
    numbered = re.compile(r"^(\d+)\. ")
    heads = [t for t in body if numbered.match(t)]
    assert [int(numbered.match(t)[1]) for t in heads] == list(range(1, 12))
    assert heads[-2:] == ["10. Problems and shortcomings", f"11. Plans for {NEXT_YEAR}"]
    holders = [t for t in body if t.startswith("[TO BE WRITTEN")]
    assert len(holders) == 2
    for text in holders:
        assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in paragraph(doc, text).runs)
    *_, attachment, _issuer1, _issuer2, dated = body
    assert attachment == "Attachment: Annex 1.xlsx"  # named by --attachment
    assert EN_DATE.match(dated), dated
    assert en.xlsx.exists() and not en.docx.with_suffix(".xlsx").exists()
    # the same page, without the Chinese character grid
    [section] = doc.sections
    assert section.page_width.mm == pytest.approx(210, abs=0.1) and section.page_height.mm == pytest.approx(
        297, abs=0.1
    )
    for grid in section._sectPr.findall(qn("w:docGrid")):
        assert grid.get(qn("w:type")) in (None, "default"), grid.get(qn("w:type"))
    # Times New Roman throughout, nothing condensed
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and east_asia(normal.element) == "Times New Roman"
    assert spacing(normal.element.find(qn("w:rPr"))) is None
    defaults = doc_defaults_rpr(doc)
    assert east_asia(defaults) == "Times New Roman" and spacing(defaults) is None
    for p in doc.paragraphs:
        for r in p.runs:
            assert r.font.name in (None, "Times New Roman") and east_asia(r._r) in (None, "Times New Roman"), p.text
    # the table in English, figure for figure as status has them
    head, *rows = table_rows(doc)
    assert head == ["No.", "Target", "Goal", "Actual", "Percent", "State"]
    en_status = json.loads(
        ok(run("--db", demo.db, "--lang", "en", "status", "--format", "json", "--as-of", AS_OF, env=clean_env())).stdout
    )
    task_order = {k["no"]: i for i, k in enumerate(demo.plan["tasks"])}
    in_order = sorted(en_status["targets"], key=lambda t: task_order[t["task"]])
    en_names = json.loads(
        ok(run("--db", demo.db, "--lang", "en", "targets", "--format", "json", env=clean_env())).stdout
    )
    named = {t["code"]: t for t in en_names["targets"]}
    expected = [
        _table_row(
            demo, {**t, "name": named[t["code"]]["name"], "unit_of_measure": named[t["code"]]["unit_of_measure"]}, "en"
        )
        for t in in_order
    ]
    assert [row[1:] for row in rows] == expected


def test_english_report_has_no_chinese_punctuation(en: Exported) -> None:
    """Full-width brackets, commas and stops belong to the Chinese text (the document's number, 苏科协发〔2020〕71号,
    is a name and keeps its own 〔〕)."""
    doc = Document(en.docx)
    cells = [c for row in table_rows(doc) for c in row]
    offending = [text for text in texts(doc) + cells if set(text) & set("（）：，。；、")]
    assert offending == []


# == 5. a bad --attachment ============================================================================


@pytest.mark.parametrize(
    ("out", "extra"),
    [
        ("report.docx", ("--attachment", "x.docx")),  # not a workbook
        ("report.docx", ("--attachment", "report.docx")),  # the report's own name
        ("report.docx", ("--attachment", "sub/../report.docx")),  # the report itself, spelt otherwise
        ("report.xlsx", ("--format", "docx")),  # the default attachment (OUT with .xlsx) would be the report
        ("report.xlsx", ("--format", "docx", "--attachment", "./report.xlsx")),
    ],
)
def test_bad_attachment_is_a_usage_error(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, extra: tuple[str, ...]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    message = failed(kc(db, "export", out, "--as-of", AS_OF, *extra), 2)
    assert "附件须为另一个 .xlsx 文件" in message, message
    assert list(folder.iterdir()) == []  # nothing written
    en = failed(kc(db, "--lang", "en", "export", out, "--as-of", AS_OF, *extra), 2)
    assert "the attachment must be another .xlsx file" in en, en
    assert list(folder.iterdir()) == []


# == 6. the PDF LibreOffice makes of it ================================================================

A4_PT = (595.3, 841.9)  # 210 × 297 mm in points


def _convert(office: str, docx: Path, outdir: Path) -> Path:
    profile = outdir.parent / f"lo-profile-{outdir.name}"  # its own profile: other conversions may be running
    env = {**os.environ, "FONTCONFIG_FILE": str(REPO / ".ci" / "fonts.conf")}
    proc = subprocess.run(
        [office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(outdir), str(docx)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = outdir / f"{docx.stem}.pdf"
    assert pdf.exists(), (proc.stdout, proc.stderr)
    return pdf


def _pages(pdf: Path) -> tuple[int, list[tuple[float, float]]]:
    """How many pages, and the sizes (width, height in points) the file gives them: pdfinfo's, page by page,
    where installed; else every /MediaBox in the file (the pages' own and their page tree's)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is not None:
        out = subprocess.run(
            [pdfinfo, "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        sizes = [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]
        [count] = re.findall(r"^Pages:\s+(\d+)$", out, re.M)
        assert int(count) == len(sizes), out
        return len(sizes), sizes
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    sizes = [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]
    return len(re.findall(rb"/Type\s*/Page(?!s)", data)), sizes


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_report_converts_to_the_same_a4_pdf_twice(zh: Exported, tmp_path: Path) -> None:
    office = shutil.which("libreoffice")
    assert office is not None
    first = _convert(office, zh.docx, tmp_path / "pdf1")
    second = _convert(office, zh.docx, tmp_path / "pdf2")
    (pages1, sizes1), (pages2, sizes2) = _pages(first), _pages(second)
    assert first.read_bytes().startswith(b"%PDF") and second.read_bytes().startswith(b"%PDF")
    assert pages1 == pages2 > 1
    assert sizes1 and sizes2
    for w, h in sizes1 + sizes2:
        assert (w, h) == (pytest.approx(A4_PT[0], abs=1), pytest.approx(A4_PT[1], abs=1))


def test_attachment_is_for_the_report_only(demo: Demo, tmp_path: Path) -> None:
    out = run("--db", demo.db, "export", tmp_path / "r.xlsx", "--attachment", tmp_path / "a.xlsx")
    assert failed(out, 2) == "--attachment: --attachment 只用于 .docx 报告"
    out = run("--db", demo.db, "export", tmp_path / "r.xlsx", "--date", "2020-12-31")
    assert failed(out, 2) == "--date: --date 只用于 .docx 报告"
    assert list(tmp_path.iterdir()) == []


def test_the_report_is_dated_as_asked(demo: Demo, tmp_path: Path) -> None:
    ok(run("--db", demo.db, "export", tmp_path / "r.docx", "--as-of", AS_OF, "--date", "2020年12月31日"))
    texts = [p.text for p in Document(tmp_path / "r.docx").paragraphs]
    assert texts[-1] == "2020年12月31日"  # §7.3.5.4: the year whole, no leading zeros
    out = run("--db", demo.db, "export", tmp_path / "s.docx", "--date", "2020-02-30")
    assert failed(out, 2) == "--date: 日期 “2020-02-30” 无法识别：请写成 YYYY-MM-DD，例如 2020-12-31"
    assert not (tmp_path / "s.docx").exists() and not (tmp_path / "s.xlsx").exists()


def test_a_report_that_cannot_be_written_leaves_no_attachment(demo: Demo, tmp_path: Path) -> None:
    (tmp_path / "dd.docx").mkdir()  # a folder where the report would go
    out = run("--db", demo.db, "export", tmp_path / "dd.docx", "--as-of", AS_OF)
    assert out.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dd.docx"]  # no dd.xlsx written beside it


def test_a_plan_without_addressee_or_issuers_says_where_they_go(tmp_path: Path) -> None:
    from kctrack.narrative import report_blocks

    text = (REPO / "data" / "targets.yaml").read_text(encoding="utf-8")
    start, end = text.index("  addressee:"), text.index("# Units of measure")
    from kctrack.planfile import parse_plan

    plan = parse_plan(text[:start] + "\n" + text[end:], "p.yaml")
    assert plan.addressee is None and plan.issuers == ()

    class Data:  # what report_blocks reads of kctrack.export.ExportData, for an empty year
        from kctrack.status import compute

        report = compute(plan, "2020-12", {}, {})
        grid, registers, findings = None, [], []

    blocks = report_blocks(Data, "zh", "a.xlsx", date(2020, 12, 31))
    assert blocks[1].text == "【主送机关：计划文件未写 plan.addressee】："
    assert [b.text for b in blocks if b.kind == "issuer"] == ["【发文机关署名：计划文件未写 plan.issuers】"]
