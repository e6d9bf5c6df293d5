"""The report to CAST as a Word document laid out as GB/T 9704-2012 (党政机关公文格式) asks.

Every measure of the layout stands in :data:`ZH` with the standard's clause; :func:`write_docx` lays
out the blocks of :func:`kctrack.narrative.report_blocks` with python-docx.  Fonts are named with their
East Asian attribute (``w:eastAsia``) so that Word on Chinese Windows sets 仿宋_GB2312, 黑体, 楷体_GB2312
and 方正小标宋简体; a machine without them substitutes its own (LibreOffice with fonts-noto-cjk: Noto
Serif CJK).  The English report keeps the page (A4, the same type area and page numbers) and uses
Times New Roman without the Chinese character grid: GB/T 9704 is a standard for Chinese documents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kctrack.narrative import Block

MM_PER_INCH = 25.4
PT_PER_INCH = 72


def mm_to_pt(mm: float) -> float:
    """Millimetres in points (1 pt = 1/72 inch)."""
    return mm / MM_PER_INCH * PT_PER_INCH


@dataclass(frozen=True)
class Layout:
    """The measures of a report's pages and type (mm, points); see :data:`ZH` for their sources."""

    page_width_mm: float
    page_height_mm: float
    top_mm: float
    left_mm: float
    type_width_mm: float
    type_height_mm: float
    lines_per_page: int | None  # the character grid's lines (None: no grid)
    chars_per_line: int | None
    body_pt: float
    title_pt: float
    table_pt: float
    page_number_pt: float
    body_font: str
    title_font: str
    h1_font: str
    h2_font: str
    page_number_font: str
    latin_font: str | None = None  # the font of Latin letters and digits (None: the East Asian one's)
    line_pt: float | None = None  # the line pitch when there is no grid
    page_number_below_mm: float = 7.0

    @property
    def right_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.type_width_mm

    @property
    def bottom_mm(self) -> float:
        return self.page_height_mm - self.top_mm - self.type_height_mm

    @property
    def line_twips(self) -> int:
        """The distance between lines in twentieths of a point: the type area's height over its lines, rounded
        down so that they all fit (225 mm / 22 = 28.99 pt → 579: 22 × 28.95 pt ≤ 637.8 pt; 580 would set 21)."""
        if self.lines_per_page:
            return math.floor(mm_to_pt(self.type_height_mm) / self.lines_per_page * 20)
        assert self.line_pt is not None
        return round(self.line_pt * 20)

    @property
    def line_pitch_pt(self) -> float:
        return self.line_twips / 20

    @property
    def char_spacing_twips(self) -> int:
        """How much each character is condensed, in twentieths of a point, so that :attr:`chars_per_line`
        characters fit the type area's width, rounded down: 156 mm / 28 = 15.79 pt, a 16 pt character
        condensed by 0.25 pt (−5: 28 × 15.75 = 441 pt ≤ 442.2 pt; −4 would set 27); 0 without a count."""
        if not self.chars_per_line:
            return 0
        return math.floor((mm_to_pt(self.type_width_mm) / self.chars_per_line - self.body_pt) * 20)

    @property
    def char_pt(self) -> float:
        """The width a body character takes: its size and its spacing (15.75 pt)."""
        return self.body_pt + self.char_spacing_twips / 20


ZH = Layout(
    page_width_mm=210,  # §5.1 幅面尺寸: A4, 210 mm × 297 mm
    page_height_mm=297,
    top_mm=37,  # §5.2.1 页边与版心尺寸: 天头（上白边）37 mm ± 1 mm
    left_mm=28,  # §5.2.1: 订口（左白边）28 mm ± 1 mm
    type_width_mm=156,  # §5.2.1: 版心尺寸 156 mm × 225 mm (so 26 mm right, 35 mm below)
    type_height_mm=225,
    lines_per_page=22,  # §5.2.3 行数和字数: 一般每面排 22 行，每行排 28 个字
    chars_per_line=28,
    body_pt=16,  # §5.2.2 字体和字号 / §7.3.3: 正文用 3 号仿宋体字 (3号 = 16 pt)
    title_pt=22,  # §7.3.1 标题: 2 号小标宋体字 (2号 = 22 pt), 居中
    table_pt=12,  # a table's cells in 小四 (12 pt) 仿宋, so that six columns fit the 156 mm type area
    page_number_pt=14,  # §7.5 页码: 4 号半角宋体阿拉伯数字 (4号 = 14 pt)，数字左右各放一条一字线
    body_font="仿宋_GB2312",  # §7.3.3: 正文 仿宋; 一级标题 黑体, 二级标题 楷体
    title_font="方正小标宋简体",  # §7.3.1: 小标宋体
    h1_font="黑体",
    h2_font="楷体_GB2312",
    page_number_font="宋体",
    page_number_below_mm=7,  # §7.5: 一字线上距版心下边缘 7 mm; 单页码居右空一字，双页码居左空一字
)

EN = Layout(
    page_width_mm=210,
    page_height_mm=297,
    top_mm=37,
    left_mm=28,
    type_width_mm=156,
    type_height_mm=225,
    lines_per_page=None,
    chars_per_line=None,
    body_pt=12,
    title_pt=16,
    table_pt=10,
    page_number_pt=12,
    body_font="Times New Roman",
    title_font="Times New Roman",
    h1_font="Times New Roman",
    h2_font="Times New Roman",
    page_number_font="Times New Roman",
    latin_font="Times New Roman",
    line_pt=18,
)

TABLE_COLUMNS_MM = (11, 54, 24, 22, 19, 26)  # 序号 指标 目标 完成 完成率 状态: 156 mm, the type area's width
INDENT_CHARS = 2  # §7.3.3 正文: 每个自然段左空二字
SIGN_RIGHT_CHARS = 2  # §7.3.5.2: 发文机关署名 右空二字
PAGE_NUMBER_DASH = "—"  # §7.5: 一字线


def layout_for(lang: str) -> Layout:
    """The Chinese report's layout (GB/T 9704-2012), or the English one's."""
    return ZH if lang == "zh" else EN


def write_docx(path: Path, blocks: list[Block], lang: str) -> None:
    """Write the report's blocks to ``path`` (.docx) in the layout of ``lang`` (:data:`ZH`, :data:`EN`).

    The page and its grid (:func:`_page`), the fonts of the body (:func:`_styles`), the page numbers
    (:func:`_page_numbers`), then each block by its kind."""
    from docx import Document

    layout = layout_for(lang)
    doc = Document()
    _page(doc, layout)
    _styles(doc, layout)
    _page_numbers(doc, layout)
    body = doc.paragraphs[0] if doc.paragraphs else None
    writers = {
        "title": _title,
        "addressee": _addressee,
        "para": _para,
        "h1": _h1,
        "h2": _h2,
        "placeholder": _placeholder,
        "table": _table,
        "attachment": _attachment,
        "issuer": _issuer,
        "date": _issuer,
    }
    for block in blocks:
        writers[block.kind](doc, block, layout)
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)
    doc.save(str(path))


# -- the page ---------------------------------------------------------------------------------------


def _page(doc: Any, layout: Layout) -> None:
    """A4, the type area's margins, and (Chinese) the character grid: 22 lines of 28 characters."""
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(layout.page_width_mm), Mm(layout.page_height_mm)
    section.top_margin, section.bottom_margin = Mm(layout.top_mm), Mm(layout.bottom_mm)
    section.left_margin, section.right_margin = Mm(layout.left_mm), Mm(layout.right_mm)
    number_height_mm = layout.page_number_pt / PT_PER_INCH * MM_PER_INCH
    section.footer_distance = Mm(layout.bottom_mm - layout.page_number_below_mm - number_height_mm)
    section.header_distance = Mm(layout.top_mm / 2)
    if layout.lines_per_page:
        _grid(section, layout)


def _grid(section: Any, layout: Layout) -> None:
    """``w:docGrid type="lines"``: 22 lines a page, the line pitch in twentieths of a point (:attr:`Layout.line_twips`).

    The 28 characters a line come from the characters' own pitch (:attr:`Layout.char_spacing_twips`), not
    from a character grid: LibreOffice sets a 16 pt character on a 15.79 pt grid cell across two cells
    (fourteen a line), where Word and LibreOffice both honour a condensed spacing."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(layout.line_twips))
    sect.append(grid)


def set_font(run_or_style: Any, east_asia: str, size_pt: float, latin: str | None = None) -> None:
    """A run's (or style's) font and size, the East Asian font named in ``w:eastAsia``."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.size = Pt(size_pt)
    font.name = latin or east_asia
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)


def _styles(doc: Any, layout: Layout) -> None:
    """The Normal style: the body's font and size, the exact line pitch, justified."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    _defaults(doc, layout)
    normal = doc.styles["Normal"]
    set_font(normal, layout.body_font, layout.body_pt, layout.latin_font)
    if layout.char_spacing_twips:
        _condense(normal.element.get_or_add_rPr(), layout.char_spacing_twips)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(layout.line_pitch_pt)
    fmt.space_before = fmt.space_after = Pt(0)
    # Chinese fills its grid's lines (justified); English reads better ragged than with stretched spaces
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if layout.chars_per_line else WD_ALIGN_PARAGRAPH.LEFT


def _defaults(doc: Any, layout: Layout) -> None:
    """The document's default run properties (``w:docDefaults``): the body's font and size.  The character
    grid's pitch is counted from this size (Word and LibreOffice alike), so it must be the body's 16 pt."""
    from docx.oxml.ns import qn

    r_pr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = r_pr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    latin = layout.latin_font or layout.body_font
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", layout.body_font)):
        fonts.set(qn(attr), name)
    half_points = str(round(layout.body_pt * 2))
    for tag in ("w:sz", "w:szCs"):
        r_pr.find(qn(tag)).set(qn("w:val"), half_points)
    if layout.char_spacing_twips:
        _condense(r_pr, layout.char_spacing_twips)
    lang = r_pr.find(qn("w:lang"))
    if lang is not None and layout.chars_per_line:  # Chinese line breaking and proofing
        lang.set(qn("w:eastAsia"), "zh-CN")


def _condense(r_pr: Any, twips: int) -> None:
    """``w:spacing`` of run properties: characters condensed (negative) or expanded, in twentieths of a point
    (0: as the font sets them, overriding a style's)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = r_pr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        r_pr.append(el)
    el.set(qn("w:val"), str(twips))


def _page_numbers(doc: Any, layout: Layout) -> None:
    """— 1 —: odd pages at the right, one character in; even pages at the left, one character in (§7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    one_char = Pt(layout.page_number_pt)
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)
        # its own line, one 4号 line high, off the body's grid: the dash 7 mm under the type area (§7.5)
        p.paragraph_format.line_spacing = Pt(layout.page_number_pt)
        _off_grid(p)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = one_char
        else:
            p.paragraph_format.left_indent = one_char
        _number_run(p, f"{PAGE_NUMBER_DASH} ", layout)
        _page_field(p, layout)
        _number_run(p, f" {PAGE_NUMBER_DASH}", layout)


def _number_run(p: Any, text: str, layout: Layout) -> Any:
    """A run of the page number: 4号 宋体, half-width digits, not condensed as the body is."""
    run = p.add_run(text)
    set_font(run, layout.page_number_font, layout.page_number_pt, layout.page_number_font)
    if layout.char_spacing_twips:
        _condense(run.element.get_or_add_rPr(), 0)
    return run


def _page_field(p: Any, layout: Layout) -> None:
    """A ``PAGE`` field (begin, instruction, separate, its shown value, end)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        _number_run(p, "", layout)._r.append(el)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    _number_run(p, "", layout)._r.append(instr)
    char("separate")
    _number_run(p, "1", layout)
    char("end")


# -- the blocks ---------------------------------------------------------------------------------------


def _paragraph(doc: Any, text: str, layout: Layout, font: str, *, indent: bool = True) -> Any:
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(layout.char_pt * INDENT_CHARS)
    run = p.add_run(text)
    set_font(run, font, layout.body_pt, layout.latin_font)
    return p


def _title(doc: Any, block: Block, layout: Layout) -> None:
    """标题: 2号小标宋, centred (§7.3.1), then a blank line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(max(layout.line_pitch_pt, layout.title_pt * 1.3))
    _off_grid(p)  # a 22 pt line on the 28.98 pt grid would take two of its lines
    run = p.add_run(block.text)
    set_font(run, layout.title_font, layout.title_pt, layout.latin_font)
    if layout.latin_font:  # the English title: bold, as English reports set it
        run.bold = True
    doc.add_paragraph()


def _addressee(doc: Any, block: Block, layout: Layout) -> None:
    """主送机关: 顶格 under the title (§7.3.2)."""
    _paragraph(doc, block.text, layout, layout.body_font, indent=False)


def _para(doc: Any, block: Block, layout: Layout) -> None:
    if block.text:
        _paragraph(doc, block.text, layout, layout.body_font)


def _h1(doc: Any, block: Block, layout: Layout) -> None:
    """First-level heading 一、: 黑体 (§7.3.3)."""
    p = _paragraph(doc, block.text, layout, layout.h1_font)
    p.paragraph_format.keep_with_next = True
    if layout.latin_font:
        p.runs[0].bold = True


def _h2(doc: Any, block: Block, layout: Layout) -> None:
    """Second-level heading （一）: 楷体 (§7.3.3)."""
    p = _paragraph(doc, block.text, layout, layout.h2_font)
    p.paragraph_format.keep_with_next = True
    if layout.latin_font:
        p.runs[0].italic = True


def _placeholder(doc: Any, block: Block, layout: Layout) -> None:
    """A paragraph the analyst writes: its text in brackets, highlighted yellow, so that it cannot be missed."""
    from docx.enum.text import WD_COLOR_INDEX

    p = _paragraph(doc, block.text, layout, layout.body_font)
    p.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW


def _table(doc: Any, block: Block, layout: Layout) -> None:
    """Every target in a grid table as wide as the type area, in the body's font at :attr:`Layout.table_pt`,
    the header row repeated on each page, lines off the page grid (single, tight)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    head, *rows = block.rows
    table = doc.add_table(rows=len(block.rows), cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(TABLE_COLUMNS_MM):  # the grid's columns (LibreOffice reads these) and each cell
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    for r, values in enumerate(block.rows):
        for c, value in enumerate(values):
            p = table.cell(r, c).paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing = Pt(layout.table_pt * 1.3)
            _off_grid(p)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 1 else WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(value)
            set_font(run, layout.h1_font if r == 0 else layout.body_font, layout.table_pt, layout.latin_font)
    _repeat_header(table)
    for row in table.rows:  # a row never splits across two pages
        row._tr.get_or_add_trPr().append(_on("w:cantSplit"))


def _on(tag: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    return el


def _off_grid(p: Any) -> None:
    """``w:snapToGrid w:val="0"``: a table's lines keep their own pitch, not the page's 28.98 pt."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "0")
    p._p.get_or_add_pPr().append(el)


def _repeat_header(table: Any) -> None:
    """The header row repeated at the top of each page the table runs on."""
    table.rows[0]._tr.get_or_add_trPr().append(_on("w:tblHeader"))


def _attachment(doc: Any, block: Block, layout: Layout) -> None:
    """附件说明: under the body after a blank line, two characters in (§7.3.4)."""
    doc.add_paragraph()
    _paragraph(doc, block.text, layout, layout.body_font).paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True  # 附件说明 and 署名 on one page


def _issuer(doc: Any, block: Block, layout: Layout) -> None:
    """发文机关署名 and 成文日期: at the right, two characters in (§7.3.5.2)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = _paragraph(doc, block.text, layout, layout.body_font, indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.right_indent = Pt(layout.char_pt * SIGN_RIGHT_CHARS)
    # the signature and the date stay on one page (the date's own "keep" is harmless: nothing follows)
    p.paragraph_format.keep_with_next = block.kind == "issuer"
