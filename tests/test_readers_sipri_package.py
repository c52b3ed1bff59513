"""readers/sipri is a package of one module per job behind a façade that keeps every name
the one-module reader had (issue 16): the list below was taken from
``dir(defbudget.readers.sipri)`` before the split, minus the standard library's and numpy's
and pandas' names it happened to import."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import SIPRI_RELEASES, raw_file

import defbudget.readers.sipri as sipri

#: Every name importable from defbudget.readers.sipri when it was one module (sipri.py).
NAMES_BEFORE_THE_SPLIT = """
BASIS COUNTRY_LABEL CURRENCY_BY_YEAR CURRENCY_LABEL DOWNLOAD_URL DefbudgetError
DefbudgetWarning ENV_VAR FISCAL_YEAR_LABEL FOOTNOTES_SHEET FULL_RELEASE_MIN FY_FROM_FOOTNOTES
KNOWN_REGIONS MAX_FILE_BYTES MAX_HEADER_ROW NOTES_LABEL NOT_INDEPENDENT NOT_INDEPENDENT_MARKERS
OMITTED_LABEL READER_VERSION REGION_LABEL REPORTING_YEAR_LABEL SHEET_KINDS SHEET_NAMES SOURCE_ID
SYMBOLS SheetKind SipriDuplicateWarning SipriFiscalYearWarning SipriFormatError
SipriMissingSheetWarning SipriNoteWarning SipriUnknownCurrencyWarning SipriWorkbookNotFoundError
SourceFormatError UNAVAILABLE UNAVAILABLE_MARKERS UNIT_FIXES UNKNOWN_UNIT UnitFix
UnknownCurrencyError WORKBOOK_GLOB WORLD XlsxLimitError YEAR_RANGE _BAD _BASE_YEAR_NOTE
_CURRENT_PRICES_HEADER _ConcatParts _Const _Context _EDITION _Entity _FRONT_PAGE _Header _KIND
_KNOWN_REGIONS _MARKER_FLAG _MONTHS _OLE_MAGIC _PerEntity _READERS _SCALE_PATTERNS _STR_COLUMNS
_SYMBOL_ORDER _TITLE_YEARS _YEARISH_TEXT _assemble _body _cache _check_frame _check_numbers
_check_plausible _check_unique_names _column _constant_base_year _country_sheet _display_names
_drop_usd_duplicates _edition_from_drawings _entity_notes _find_header _flatten _frame
_is_encrypted_ole _is_worksheet _label_col _limit_error _match_sheets _normalise_sheets
_not_found _notes_text _open_checked _open_workbook _raw_text _read _release_sort_key _scale
_scan_sheets _sheet_rows _start_month _text _unit_fix _values _year_of cell_problem cell_ref
check_zip clean_name currency_code find_sipri_workbook find_stack_level iso3_codes
normalise_name parse_fiscal_year parse_notes read_constant_usd_sheet read_current_usd_sheet
read_footnotes read_lcu_cy_sheet read_lcu_fy_sheet read_member read_per_capita_sheet
read_regional_sheet read_share_gdp_sheet read_share_govt_sheet read_sipri scan_sheet
sipri_release_info
""".split()

PUBLIC_BEFORE_THE_SPLIT = [
    "ENV_VAR", "SHEET_NAMES", "SYMBOLS", "SipriDuplicateWarning", "SipriFiscalYearWarning",
    "SipriFormatError", "SipriMissingSheetWarning", "SipriNoteWarning",
    "SipriUnknownCurrencyWarning", "SipriWorkbookNotFoundError", "find_sipri_workbook",
    "read_sipri", "sipri_release_info"]

SUBMODULES = ("locate", "open", "grammar", "layout", "values", "sheets", "frame", "assemble")


def test_every_name_of_the_one_module_reader_still_imports():
    assert len(NAMES_BEFORE_THE_SPLIT) == 129
    missing = [n for n in NAMES_BEFORE_THE_SPLIT if not hasattr(sipri, n)]
    assert missing == []


def test_the_public_list_is_unchanged():
    assert sorted(sipri.__all__) == sorted(PUBLIC_BEFORE_THE_SPLIT)


@pytest.mark.parametrize("name", [n for n in PUBLIC_BEFORE_THE_SPLIT if n[0].isupper()
                                  and n.startswith("Sipri")])
def test_the_error_classes_keep_their_public_module(name):
    cls = getattr(sipri, name)
    assert cls.__module__ == "defbudget.readers.sipri"
    assert pickle.loads(pickle.dumps(cls)) is cls


def test_one_module_per_job():
    import importlib

    for name in SUBMODULES:
        module = importlib.import_module(f"defbudget.readers.sipri.{name}")
        assert module.__doc__ and len(module.__doc__.split()) > 10, name
    # the façade defines nothing itself: every name comes from a submodule or elsewhere
    assert sipri.read_sipri.__module__ == "defbudget.readers.sipri.assemble"
    assert sipri.find_sipri_workbook.__module__ == "defbudget.readers.sipri.locate"
    assert sipri.parse_notes.__module__ == "defbudget.readers.sipri.grammar"


def test_xlsx_plumbing_lives_in_one_module():
    from defbudget import _xlsx
    from defbudget.readers import _common, _xlsx_styles

    assert _common.cell_ref is _xlsx.cell_ref
    assert _common.column_letters is _xlsx.column_letters
    assert _xlsx_styles._sheet_parts is _xlsx.sheet_parts
    assert _xlsx.parse_cell_ref("ZZ999") == (998, 701)
    assert _xlsx.cell_ref(998, 701) == "ZZ999"
    assert sipri.XlsxLimitError is _xlsx.XlsxLimitError


# --- the faster paths give exactly what the plain ones gave ---------------------------------

_STYLES = {b"9": "estimate", b"10": "highly_uncertain"}
_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b"<sheetData>%s</sheetData></worksheet>")


@pytest.mark.parametrize(("cells", "expected"), [
    # Excel's layout: one regex pass
    (b'<row r="2"><c r="B2" s="9"><v>1</v></c><c r="C2" s="5"><v>2</v></c>'
     b'<c r="D2" s="10" t="n"><v>3</v></c></row>',
     {(1, 1): "estimate", (1, 3): "highly_uncertain"}),
    # another attribute between r and s
    (b'<row r="3"><c r="AB3" t="n" s="10"><v>1</v></c></row>', {(2, 27): "highly_uncertain"}),
    # s before r: the per-style search
    (b'<row r="4"><c s="9" r="E4"><v>1</v></c></row>', {(3, 4): "estimate"}),
    # a commented-out cell is not a cell (expat)
    (b'<row r="5"><!-- <c r="A5" s="9"><v>1</v></c> --><c r="B5" s="9"><v>2</v></c></row>',
     {(4, 1): "estimate"}),
    # a row style is not a cell style
    (b'<row r="6" s="9" customFormat="1"><c r="A6"><v>1</v></c></row>', {}),
])
def test_font_colour_scans_agree(cells, expected):
    from defbudget._xlsx import scan_sheet
    from defbudget.readers._xlsx_styles import _NeedsSlowPath, _scan_expat, _scan_fast

    data = _SHEET % cells
    try:
        fast = _scan_fast(data, _STYLES)
    except _NeedsSlowPath:
        fast = None
    assert _scan_expat(data, _STYLES) == expected
    assert fast in (None, expected)
    try:
        tagged = _scan_fast(data, _STYLES, tags=scan_sheet(data, "s.xml").tags)
    except _NeedsSlowPath:
        tagged = None
    assert tagged in (None, expected)


_TAG_CASES = {
    # Excel's layout, one- and two-letter columns, one- to three-digit rows
    "plain": (b'<row r="2"><c r="B2" s="9"><v>1</v></c><c r="C2" s="5"><v>2</v></c>'
              b'<c r="AB2" s="10" t="n"><v>3</v></c><c r="ZZ999" s="9"/></row>',
              {(1, 1): "estimate", (1, 27): "highly_uncertain", (998, 701): "estimate"}),
    # typed cells with no style, and a style of three digits that is no flag
    "typed": (b'<row r="7"><c r="A7" t="s"><v>0</v></c><c r="B7" s="109"><v>1</v></c>'
              b'<c r="C7" s="10"/><c r="D7"><v>2</v></c></row>',
              {(6, 2): "highly_uncertain"}),
    # the style after a one-letter type, as some writers put it
    "type first": (b'<row r="8"><c r="A8" t="n" s="9"><v>1</v></c></row>', {(7, 0): "estimate"}),
    # single-quoted style
    "quoted": (b"<row r=\"9\"><c r=\"A9\" s='9'><v>1</v></c></row>", {(8, 0): "estimate"}),
    # a long type, then a style
    "inline": (b'<row r="3"><c r="C3" t="inlineStr" s="10"><is><t>x</t></is></c></row>',
               {(2, 2): "highly_uncertain"}),
    # a long type and no style
    "inline, no style": (b'<row r="3"><c r="C3" t="inlineStr"><is><t>x</t></is></c>'
                         b'<c r="D3" s="9"><v>1</v></c></row>', {(2, 3): "estimate"}),
    # a cell tag in a comment is no cell
    "comment": (b'<row r="5"><!-- <c r="A5" s="9"/> --><c r="B5" s="10"/></row>',
                {(4, 1): "highly_uncertain"}),
    # nor one in a processing instruction
    "instruction": (b'<row r="5"><?note <c r="A5" s="9"/> ?><c r="A5"/><c r="B5" s="10"/>'
                    b'</row>', {(4, 1): "highly_uncertain"}),
}


@pytest.mark.parametrize("case", list(_TAG_CASES))
def test_the_styles_read_at_the_tags_agree_with_expat(case):
    from defbudget._xlsx import scan_sheet
    from defbudget.readers._xlsx_styles import (
        FlagCells,
        _NeedsSlowPath,
        _scan_expat,
        _scan_fast,
        _scan_tags,
    )

    cells, expected = _TAG_CASES[case]
    data = _SHEET % cells
    tags = scan_sheet(data, "s.xml").tags
    assert tags is not None
    assert _scan_expat(data, _STYLES) == expected
    try:
        assert _scan_fast(data, _STYLES, tags=tags) == expected
    except _NeedsSlowPath:  # expat's cases: a comment, an instruction, single quotes
        assert case in ("comment", "instruction", "quoted")
    direct = _scan_tags(data, tags, _STYLES)
    if case in ("plain", "typed", "type first", "inline, no style"):  # read at the tags
        assert isinstance(direct, FlagCells) and dict(direct) == expected
    else:  # handed on to the regex or expat
        assert direct is None


def test_the_cell_tags_give_each_reference_its_row_and_column():
    import numpy as np

    from defbudget._xlsx import parse_cell_ref, scan_sheet

    refs = ["A1", "B9", "Z10", "AA11", "AZ100", "BA999", "ZZ1", "ZY998", "C07"]
    data = _SHEET % b"".join(b'<c r="%s"><v>1</v></c>' % r.encode() for r in refs)
    tags = scan_sheet(data, "s.xml").tags
    rows, cols = tags.cells(np.arange(len(refs)))
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [
        (0, 0), (8, 1), (9, 25), (10, 26), (99, 51), (998, 52), (0, 701), (997, 700), (6, 2)]
    assert [parse_cell_ref(r) for r in refs] == list(zip(rows.tolist(), cols.tolist(),
                                                         strict=True))


def test_a_flagged_tag_after_the_sheet_data_is_no_cell():
    from defbudget._xlsx import scan_sheet
    from defbudget.readers._xlsx_styles import _scan_tags

    data = (_SHEET % b'<row r="1"><c r="A1" s="9"/></row>').replace(
        b"</worksheet>", b'<extLst><c r="B1" s="9"/></extLst>'
        b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75"/></worksheet>')
    assert _scan_tags(data, scan_sheet(data, "s.xml").tags, _STYLES) is None


def test_many_odd_tags_go_to_the_regex_in_one_pass():
    from defbudget._xlsx import scan_sheet
    from defbudget.readers._xlsx_styles import _MAX_ODD_TAGS, _scan_regex, _scan_tags

    row = b"".join(b'<c r="A%d" t="str"><v>x</v></c>' % (i + 1) for i in range(600))
    many = _SHEET % (row * (_MAX_ODD_TAGS // 600 + 1)).replace(b'"A1" t', b'"A1" s="9" t')
    tags = scan_sheet(many, "s.xml").tags
    assert _scan_tags(many, tags, _STYLES) is None
    assert _scan_regex(many, _STYLES, many.find(b"<sheetData")) == {(0, 0): "estimate"}


@pytest.mark.sipri
@pytest.mark.parametrize("release", ["1948-2023", "1949-2023", "1949-2024_2"])
def test_font_colours_of_the_real_releases_agree_with_expat(raw_dir, release):
    from defbudget.readers._xlsx_styles import read_font_flags

    path = raw_file(raw_dir, SIPRI_RELEASES[release])
    names = list(sipri.sipri_release_info(path)["sheets"].values())
    fast = read_font_flags(path, names, method="fast")
    assert fast == read_font_flags(path, names, method="expat")
    assert sum(map(len, fast.values())) > 5000
    # as read_sipri reads them: at the places the bounds scan found the cell references
    from defbudget.readers._xlsx_styles import FlagCells
    from defbudget.readers.sipri.open import _open_checked, _scan_sheets

    _wb, members = _open_checked(path)
    tags: dict = {}
    parts = _scan_sheets(path, names, members, set(), tags)
    tagged = read_font_flags(path, names, data_of=members, cell_tags=tags, parts=parts)
    assert all(isinstance(v, FlagCells) for v in tagged.values())
    assert tagged == fast


def test_display_names_as_countries_gives_them():
    import numpy as np
    import pandas as pd

    from defbudget.countries import with_display_names

    string = pd.StringDtype(na_value=np.nan)
    frame = pd.DataFrame({
        "country": pd.array(["Korea, South", "World", "Korea, South", "USSR", "Turkey",
                             "Turkey", "Japan"], dtype=string),
        "iso3": pd.array(["KOR", np.nan, "KOR", np.nan, np.nan, "TUR", "JPN"], dtype=string),
        "year": [2020, 2020, 2021, 1990, 2019, 2020, 2020]})
    got = sipri._display_names(frame)
    want = with_display_names(frame.assign(country_as_published=frame["country"]))
    pd.testing.assert_frame_equal(got, want)
    assert got["country"].tolist() == ["South Korea", "World", "South Korea", "USSR",
                                       "Türkiye", "Türkiye", "Japan"]
    assert frame["country"].iloc[0] == "Korea, South"  # the input is left alone


@pytest.mark.sipri
def test_display_names_of_a_real_release_as_countries_gives_them(sipri_latest):
    import pandas as pd

    from defbudget.countries import with_display_names

    with pytest.warns(sipri.SipriFiscalYearWarning, match="Myanmar"):  # as read_sipri warns
        got, _info = sipri._read(sipri_latest, None)  # names given per built value
    # the frame as built, before the display names
    raw = got.drop(columns="country_as_published").assign(country=got["country_as_published"])
    pd.testing.assert_frame_equal(
        got, with_display_names(raw.assign(country_as_published=raw["country"])))
    pd.testing.assert_frame_equal(got, sipri._display_names(raw))  # names by factorising rows
    assert (got["country"] != got["country_as_published"]).sum() == 5296


def test_a_plain_sheet_is_scanned_once_for_its_cell_tags_and_still_for_comments():
    from defbudget._xlsx import scan_sheet
    from defbudget.readers._xlsx_styles import _scan_expat, _scan_regex

    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    plain = head + (b'<sheetData><row r="1"><c r="A1" s="4"><v>1</v></c>'
                    b'<c r="B1" s="1"><v>2</v></c></row></sheetData></worksheet>')
    no_ref = plain.replace(b'<c r="B1" s="1">', b'<c s="4">')
    commented = plain.replace(b"</row>", b'<!-- <c r="C1" s="4"> --></row>')
    assert scan_sheet(plain, "s.xml").plain
    assert not scan_sheet(no_ref, "s.xml").plain
    assert scan_sheet(commented, "s.xml").plain  # the bounds scan does not read comments
    wanted = {b"4": "estimate"}

    def regex(data: bytes, plain: bool):
        return _scan_regex(data, wanted, data.find(b"<sheetData"), plain)

    assert regex(plain, True) == regex(plain, False) == {(0, 0): "estimate"}
    # a comment still sends the sheet to expat, which sees no cell in it
    assert regex(commented, True) is None and regex(commented, False) is None
    assert _scan_expat(commented, wanted) == {(0, 0): "estimate"}
    assert regex(no_ref, False) is None
    formula = plain.replace(b"<v>2</v>", b"<f>'Other sheet'!A1</f><v>2</v>")
    assert regex(formula.replace(b"'", b""), True) == {(0, 0): "estimate"}  # '!' not after '<'


def test_the_numpy_look_at_cell_tags_sends_every_odd_one_to_the_regex():
    from defbudget._xlsx import _ODD_CELL, _plain_cell_tags, scan_sheet

    def _may_be_odd(data: bytes) -> bool:
        return _plain_cell_tags(data) is None

    row = b'<row r="1"><c r="A1" s="1"><v>1</v></c><c r="CB201" t="s"><v>2</v></c></row>'
    sheet = b"<worksheet><sheetData>" + row + b"</sheetData></worksheet>"
    assert not _may_be_odd(sheet) and _ODD_CELL.search(sheet) is None
    odd = {  # each one a cell the bounds regex finds (too wide, too tall, no reference)
        b'<c r="AAA1">': b"AAA", b'<c r="A1000">': b"A", b'<c r="ZZ9999">': b"ZZ",
        b'<c s="1">': None, b"<c>": None, b"<c/>": None, b'<c\tr="A1">': None,
    }
    for tag, letters in odd.items():
        data = sheet.replace(b"</row>", tag + b"</c></row>")
        assert _may_be_odd(data), tag
        assert _ODD_CELL.search(data).group(1) == letters, tag
    # near the end of the bytes the regex decides
    assert _may_be_odd(b'<c r="A1"/>')
    with pytest.raises(ValueError, match="beyond ZZ999"):
        scan_sheet(sheet.replace(b"</row>", b'<c r="A1000"/></row>'), "s.xml")


def test_the_font_regex_tries_s_after_every_space_of_the_tag():
    from defbudget.readers._xlsx_styles import _flagged_cells

    pattern = _flagged_cells((b"4",))
    tags = {b'<c r="A1" t="n" s="4">': [(b"A1", b"4")],
            b'<c r="A1"  s="4">': [(b"A1", b"4")],
            b'<c r="A1" s="1" s="4">': [(b"A1", b"4")],
            b'<c r="A1" s="44">': [], b'<c r="A1" x="a>b" s="4">': [],
            b'<c r="A1"><v> s="4"</v></c>': []}
    for tag, found in tags.items():
        assert pattern.findall(tag) == found, tag
