"""Hostile and faulty SIPRI workbooks, generated from the factory's small workbook.

Families (see :data:`CASES`): ``value`` (what a value cell holds), ``header`` (year
headers and the edition), ``name`` (duplicate countries hidden by invisible characters),
``bomb`` (zip members, grids and files over the limits; lying zip headers), ``entity`` and
``formula`` (sheet XML a parser must not trust), ``sheet`` (a full release missing a sheet
kind), ``currency`` (a currency name the reader does not know), ``sorter`` (a hostile older
release next to a good one).

The generated workbook has one sheet, ``Current US$``: header in row 6 (A6 Country, B6 Notes,
C6..G6 the years 2019..2023), Japan in row 15 (E15 is Japan 2021, 54100 US$ m.), the
Front page says "SIPRI Military Expenditure Database 2024".
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sipri_factory import ALL_SHEETS, DEFAULT_COUNTRIES, SHEET_TITLES, FakeCountry

from corpus import SIPRI_NAME, _sheet_member, _sipri, rewrite_member

_F = SIPRI_NAME
SHEET = "Current US$"


@dataclass(frozen=True)
class Case:
    """One hostile input and its exact outcome.

    ``error``: exception class name, or None when the workbook must read. ``where``: texts
    the message must contain (file, sheet, cell, value), ``cell``: the error's ``cell``
    attribute. ``warning``: (class name, texts) of a warning the read must give.
    ``check``: called with the frame read, returns None when it is exactly right.
    """

    family: str
    make: Callable[[Path], Path]
    error: str | None = None
    where: tuple[str, ...] = ()
    cell: str | None = None
    warning: tuple[str, tuple[str, ...]] | None = None
    check: Callable | None = None
    sheets: tuple[str, ...] | None = None
    reader: str = "read_sipri"
    extra: dict = field(default_factory=dict)


# --- helpers ---------------------------------------------------------------------------------

def _edit(folder: Path, edit: Callable, **kwargs) -> Path:
    """The factory workbook with *edit(ws)* applied to its Current US$ sheet (openpyxl)."""
    import openpyxl

    path = _sipri(folder, "good.xlsx", **kwargs)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    out = folder / _F
    wb.save(out)
    # openpyxl drops the Front page drawing: put the edition text back
    with zipfile.ZipFile(path) as src:
        drawing = src.read("xl/drawings/drawing1.xml")
    with zipfile.ZipFile(out, "a") as zf:
        if "xl/drawings/drawing1.xml" not in zf.namelist():
            zf.writestr("xl/drawings/drawing1.xml", drawing)
    return out


def _cell(ref: str, value) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        def edit(wb):
            wb[SHEET][ref].value = value
        return _edit(folder, edit)
    return make


def _xml(transform: Callable[[bytes], bytes], **kwargs) -> Callable[[Path], Path]:
    """Rewrite the Current US$ sheet's XML."""
    def make(folder: Path) -> Path:
        path = _sipri(folder, **kwargs)
        return rewrite_member(path, _sheet_member(path, SHEET), transform)
    return make


def _set_cell_xml(ref: str, cell_xml: str) -> Callable[[bytes], bytes]:
    """Replace the whole <c r="ref" ...>...</c> element (or <c .../>) by *cell_xml*."""
    def transform(data: bytes) -> bytes:
        pat = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
        new, n = pat.subn(cell_xml.encode(), data, count=1)
        assert n == 1, ref
        return new
    return transform


def _add_cell_xml(cell_xml: str, row: int) -> Callable[[bytes], bytes]:
    """Append a row holding *cell_xml* at the end of sheetData."""
    def transform(data: bytes) -> bytes:
        return data.replace(b"</sheetData>", f'<row r="{row}">{cell_xml}</row></sheetData>'
                            .encode(), 1)
    return transform


def _japan_twin(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        japan = next(c for c in DEFAULT_COUNTRIES if c.name == "Japan")
        twin = FakeCountry(**{**japan.__dict__, "name": name,
                              "values": {2019: 1.0, 2020: 2.0, 2021: 3.0, 2022: 4.0, 2023: 5.0}})
        return _sipri(folder, countries=[*DEFAULT_COUNTRIES, twin])
    return make


def _japan_renamed(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        countries = [FakeCountry(**{**c.__dict__, "name": name}) if c.name == "Japan" else c
                     for c in DEFAULT_COUNTRIES]
        return _sipri(folder, countries=countries)
    return make


def _header_years(values: list) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        def edit(wb):
            for ref, v in zip(("C6", "D6", "E6", "F6", "G6"), values, strict=True):
                wb[SHEET][ref].value = v
        return _edit(folder, edit)
    return make


def _add_member(name: str, data: bytes, method=zipfile.ZIP_DEFLATED,
                replace: bool = True) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = _sipri(folder)
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", method) as dst:
            for info in src.infolist():
                if not (replace and info.filename == name):
                    dst.writestr(info, src.read(info.filename))
            dst.writestr(name, data, compress_type=method)
        tmp.replace(path)
        return path
    return make


def _lie_about_size(member: str, payload: bytes, declared: int) -> Callable[[Path], Path]:
    """Replace *member* with *payload* but declare *declared* bytes inflated (and a CRC of
    the first *declared* bytes), as a hostile zip would to slip past a size check."""
    import zlib

    def make(folder: Path) -> Path:
        path = _sipri(folder)
        rewrite_member(path, member, lambda _b: payload)
        data = bytearray(path.read_bytes())
        crc = zlib.crc32(payload[:declared])
        name = member.encode()
        # central directory entries: signature PK\x01\x02, CRC at +16, usize at +24
        for m in re.finditer(rb"PK\x01\x02", bytes(data)):
            k = m.start()
            n_len = struct.unpack("<H", data[k + 28:k + 30])[0]
            if bytes(data[k + 46:k + 46 + n_len]) == name:
                struct.pack_into("<I", data, k + 16, crc)
                struct.pack_into("<I", data, k + 24, declared)
        for m in re.finditer(rb"PK\x03\x04", bytes(data)):
            k = m.start()
            n_len = struct.unpack("<H", data[k + 26:k + 28])[0]
            if bytes(data[k + 30:k + 30 + n_len]) == name:
                struct.pack_into("<I", data, k + 14, crc)
                struct.pack_into("<I", data, k + 22, declared)
        path.write_bytes(bytes(data))
        return path
    return make


def _renamed_sheet(short: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        def edit(wb):
            title = SHEET_TITLES[short].format(base=2022)
            wb[title].title = "Sheet1"
        return _edit(folder, edit, sheets=ALL_SHEETS)
    return make


def _currency(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        countries = [FakeCountry(**{**c.__dict__, "currency": name}) if c.name == "Japan" else c
                     for c in DEFAULT_COUNTRIES]
        return _sipri(folder, countries=countries, sheets=("lcu_cy",))
    return make


# --- expectations --------------------------------------------------------------------------

def _japan_2021(expected: float | None, flag=None):
    def check(df):
        row = df[(df["country"] == "Japan") & (df["year"] == 2021)]
        got = row["value"].tolist()
        ok = (len(got) == 1 and ((expected is None and got[0] != got[0])
                                 or got[0] == expected)
              and (row["flag"].isna().all() if flag is None else row["flag"].tolist() == [flag]))
        return None if ok else f"Japan 2021: {row[['value', 'flag']].to_dict('records')}"
    return check


def _japan_once(df):
    japan = df[df["iso3"] == "JPN"]
    if sorted(japan["country"].unique()) != ["Japan"] or len(japan) != 5:
        return f"Japan rows: {japan[['country', 'year']].to_dict('records')}"
    if japan["value"].tolist() != [47600e6, 49000e6, 54100e6, 46000e6, 50200e6]:
        return f"Japan values: {japan['value'].tolist()}"
    return None


CASES: dict[str, Case] = {}


def _add(name: str, case: Case) -> None:
    assert name not in CASES, name
    CASES[name] = case


# value cells: Japan 2021 is E15
_VALUE_ERRORS = {
    "negative": (-1.0, "a negative figure (-1.0)"),
    "negative_small": (-0.001, "a negative figure (-0.001)"),
    "overflow_1e308": (1e308, "overflows to inf once scaled to whole units (x 1e+06)"),
    "max_float_rounded": (1.7976931348623157e308, "an infinite number (inf)"),
    "empty_none": (None, "is empty"),
    "empty_string": ("", "is empty"),
    "empty_spaces": ("   ", "is empty"),
    "empty_tab": ("\t", "is empty"),
    "text_nan": ("nan", "found 'nan'"),
    "text_inf": ("inf", "found 'inf'"),
    "text_minus": ("-", "found '-'"),
}
for _name, (_v, _text) in _VALUE_ERRORS.items():
    _add(f"value_{_name}", Case("value", _cell("E15", _v), "SipriFormatError",
                                (_F, "sheet 'Current US$'", "cell E15", "Japan", _text,
                                 "original SIPRI download"), cell="E15"))
_add("value_xml_1E+308", Case("value", _xml(_set_cell_xml("E15", '<c r="E15"><v>1E+308</v></c>')),
                              "SipriFormatError", (_F, "cell E15", "overflows to inf"),
                              cell="E15"))
for _name, _v, _text in (("inf", "inf", "an infinite number (inf)"),
                         ("INF", "INF", "an infinite number (inf)"),
                         ("minus_inf", "-inf", "an infinite number (-inf)"),
                         ("nan", "nan", "not a number (NaN)"),
                         ("1E+309", "1E+309", "an infinite number (inf)")):
    _add(f"value_xml_{_name}", Case("value", _xml(_set_cell_xml(
        "E15", f'<c r="E15"><v>{_v}</v></c>')), "SipriFormatError",
        (_F, "cell E15", "Japan", _text), cell="E15"))
_add("value_xml_NaN", Case("value", _xml(_set_cell_xml("E15", '<c r="E15"><v>NaN</v></c>')),
                           "SipriFormatError", (_F, "cell E15", "NaN"), cell="E15"))
_add("value_usd_scaled_twice", Case("value", _cell("E15", 2e7), "SipriFormatError",
                                    (_F, "cell E15", "E15 holds an implausible value",
                                     "more than the whole world spends"), cell="E15"))
_add("value_share_percent_as_ratio", Case(
    "value", lambda folder: _edit(folder, lambda wb: setattr(
        wb["Share of GDP"]["E15"], "value", 0.6), sheets=("share_gdp",)),
    "SipriFormatError", (_F, "sheet 'Share of GDP'", "cell E15", "60.0% is above the 50%"),
    cell="E15", sheets=("share_gdp",)))
_add("value_marker_spaced_reads", Case("value", _cell("E15", " . . "),
                                       check=_japan_2021(None, "unavailable")))
_add("value_int_reads", Case("value", _cell("E15", 54100),
                             check=_japan_2021(54100e6)))
_add("value_zero_reads", Case("value", _cell("E15", 0.0), check=_japan_2021(0.0)))

# year headers: C6..G6 hold 2019..2023
_HEADER_ERRORS = {
    "text_trailing_space": ([2019, 2020, "2021 ", 2022, 2023], "E6", "the text '2021 '"),
    "text_plain": ([2019, 2020, 2021, 2022, "2023"], "G6", "the text '2023'"),
    "text_leading_space": ([2019, " 2020", 2021, 2022, 2023], "D6", "the text ' 2020'"),
    "text_float": ([2019, 2020, 2021, "2022.0", 2023], "F6", "the text '2022.0'"),
    "typo_2204": ([2019, 2020, 2021, 2022, 2204], "G6", "holds '2204'"),
    "typo_2042_last": ([2019, 2020, 2021, 2022, 2042], "G6", "2042 follows 2022"),
    "typo_1202": ([2019, 2020, 1202, 2022, 2023], "E6", "holds '1202'"),
    "fraction": ([2019, 2020, 2021.5, 2022, 2023], "E6", "holds '2021.5'"),
    "gap": ([2019, 2020, 2021, 2022, 2025], "G6", "2 year(s) missing"),
    "five_digits": ([2019, 2020, 2021, 20220, 2023], "F6", "holds '20220'"),
    "zero": ([2019, 2020, 2021, 2022, 0], "G6", "holds '0'"),
    "negative": ([2019, 2020, -2021, 2022, 2023], "E6", "holds '-2021'"),
}
for _name, (_years, _ref, _text) in _HEADER_ERRORS.items():
    _add(f"header_{_name}", Case("header", _header_years(_years), "SipriFormatError",
                                 (_F, "sheet 'Current US$'", f"cell {_ref}", _text,
                                  "original SIPRI download"), cell=_ref))
_add("header_past_edition", Case(
    "header", _header_years([2023, 2024, 2025, 2026, 2027]), "SipriFormatError",
    (_F, "cell G6", "last year column is 2027, after the edition's year 2024"), cell="G6"))

# names: a second Japan row (row 27) disguised by invisible or compatibility characters
_TWINS = {
    "zwsp": "Jap\u200ban", "zwnj": "Japan\u200c", "zwj": "\u200dJapan",
    "word_joiner": "Ja\u2060pan",
    "bom": "\ufeffJapan", "rlo": "\u202eJapan", "lro": "Japan\u202d", "soft_hyphen": "Ja\u00adpan",
    "fullwidth": "\uff2a\uff41\uff50\uff41\uff4e", "nbsp": "Japan\u00a0", "double_space": "Japan  ",
    "upper": "JAPAN",
}
for _name, _twin in _TWINS.items():
    _add(f"name_twin_{_name}", Case("name", _japan_twin(_twin), "SipriFormatError",
                                    (_F, "sheet 'Current US$'", "cell A27", "appears twice",
                                     "rows 15 and 27", "Delete the copied row"), cell="A27"))
for _name in ("zwsp", "rlo", "fullwidth", "soft_hyphen"):
    _add(f"name_single_{_name}_reads", Case("name", _japan_renamed(_TWINS[_name]),
                                            check=_japan_once))

# bombs: members over the size or ratio limit, lying headers, far cells, big files
_BIG = b"<x>" + b"A" * (14 * 1024 * 1024) + b"</x>"  # 14 MB, over the 12.8 MB limit
_DENSE = b"<x>" + b"B" * (2 * 1024 * 1024) + b"</x>"  # 2 MB at ~1000:1, over the 167:1 limit
for _member in ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
                "docProps/core.xml", "xl/worksheets/sheet2.xml", "xl/drawings/drawing1.xml",
                "xl/theme/theme1.xml", "[Content_Types].xml"):
    _short = _member.rsplit("/", 1)[-1].replace(".xml", "").replace("[", "").replace("]", "")
    _add(f"bomb_size_{_short}", Case("bomb", _add_member(_member, _BIG), "SipriFormatError",
                                     (_F, _member, "over the limit of 12.8 MB",
                                      "refused before parsing"), extra={"bomb": True}))
    _add(f"bomb_ratio_{_short}", Case("bomb", _add_member(_member, _DENSE), "SipriFormatError",
                                      (_F, _member, "to 1, over the limit of 167 to 1",
                                       "zip bomb"), extra={"bomb": True}))
_add("bomb_extra_member", Case("bomb", _add_member("xl/media/image1.png", _BIG, replace=False),
                               "SipriFormatError", (_F, "xl/media/image1.png", "12.8 MB")))
_add("bomb_stored_big", Case("bomb", _add_member("xl/media/big.bin", _BIG * 2,
                                                 method=zipfile.ZIP_STORED, replace=False),
                             "SipriFormatError", (_F, "the file is", "over the limit of 16.8 MB")))
_add("bomb_lying_header_styles", Case(
    "bomb", _lie_about_size("xl/styles.xml", _DENSE, 4096), "SipriFormatError",
    (_F, "xl/styles.xml", "inflates to more than its declared", "lies about its size"),
    extra={"bomb": True}))
_add("bomb_lying_header_sheet", Case(
    "bomb", _lie_about_size("xl/worksheets/sheet2.xml", _DENSE, 8192), "SipriFormatError",
    (_F, "xl/worksheets/sheet2.xml", "lies about its size"), extra={"bomb": True}))
for _ref, _rows, _cols in (("XFD1048576", 1_048_576, 16_384), ("A1048576", 1_048_576, 1),
                           ("XFD1", 1, 16_384), ("AAA1", 1, 703), ("ZZ1000", 1_000, 702),
                           ("A1000", 1_000, 1), ("BZ5000", 5_000, 78)):
    _row = int(re.sub(r"[A-Z]", "", _ref))
    _add(f"bomb_far_cell_{_ref}", Case(
        "bomb", _xml(_add_cell_xml(f'<c r="{_ref}"><v>1</v></c>', _row)) if _row > 31 else
        _xml(lambda d, r=_ref: d.replace(b"</row>", f'<c r="{r}"><v>1</v></c></row>'.encode(),
                                         1)),
        "SipriFormatError", (_F, "sheet 'Current US$'", f"cell {_ref}", "beyond ZZ999",
                             f"{_rows:,} rows x {_cols:,} columns", "999 x 702"),
        cell=_ref, extra={"bomb": True}))
_add("bomb_far_cell_without_reference", Case(
    "bomb", _xml(lambda d: d.replace(b"</row>", b"<c><v>1</v></c>" * 800 + b"</row>", 1)),
    "SipriFormatError", (_F, "sheet 'Current US$'", "beyond ZZ999", "999 x 702"),
    cell="ADU24", extra={"bomb": True}))
for _name, _cellxml in (("prefixed", b'<x:c r="XFD1"><x:v>1</x:v></x:c>'),
                        ("single_quoted", b"<c r='XFD1'><v>1</v></c>"),
                        ("reference_second", b'<c s="0" r="XFD1"><v>1</v></c>')):
    _add(f"bomb_far_cell_{_name}", Case(
        "bomb", _xml(lambda d, c=_cellxml: d.replace(b"</row>", c + b"</row>", 1)),
        "SipriFormatError", (_F, "sheet 'Current US$'", "cell XFD24", "beyond ZZ999",
                             "24 rows x 16,384 columns"), cell="XFD24", extra={"bomb": True}))
_add("grid_ZZ999_reads", Case("bomb", _xml(lambda d: _add_cell_xml(
    '<c r="A999" t="inlineStr"><is><t>Source: SIPRI</t></is></c>', 999)(d.replace(
        b"</row>", b'<c r="ZZ1" t="inlineStr"><is><t>x</t></is></c></row>', 1))),
    check=_japan_2021(54100e6)))
_add("bomb_dimension_claim_reads", Case(
    "bomb", _xml(lambda d: re.sub(rb'<dimension ref="[^"]*"/>',
                                  b'<dimension ref="A1:XFD1048576"/>', d, count=1)),
    check=_japan_2021(54100e6)))

# entity references and formulas inside sheet cells
_ENTITIES = {
    "undefined": ('<c r="E15" t="inlineStr"><is><t>&foo;</t></is></c>', "&foo;"),
    "lol9": ('<c r="E15" t="inlineStr"><is><t>&lol9;</t></is></c>', "&lol9;"),
    "html_nbsp": ('<c r="E15" t="inlineStr"><is><t>1&nbsp;000</t></is></c>', "&nbsp;"),
    "in_value": ('<c r="E15"><v>&x;</v></c>', "&x;"),
}
for _name, (_xmlc, _ent) in _ENTITIES.items():
    _add(f"entity_{_name}", Case("entity", _xml(_set_cell_xml("E15", _xmlc)), "SipriFormatError",
                                 (_F, "sheet 'Current US$'", "cell E15", f"'{_ent}'",
                                  "save a fresh copy"), cell="E15"))
_add("entity_numeric_reads", Case("entity", _xml(_set_cell_xml(
    "E15", '<c r="E15" t="inlineStr"><is><t>&#46;&#46;&#46;</t></is></c>')),
    check=_japan_2021(None, "unavailable")))
for _err in ("#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"):
    _add(f"formula_error_{_err.strip('#!?/').replace('/', '')}", Case(
        "formula", _xml(_set_cell_xml("E15", f'<c r="E15" t="e"><f>1/0</f><v>{_err}</v></c>')),
        "SipriFormatError", (_F, "sheet 'Current US$'", "cell E15", f"error value '{_err}'",
                             "let it calculate"),
        cell="E15"))
_add("formula_error_without_formula", Case(
    "formula", _xml(_set_cell_xml("E15", '<c r="E15" t="e"><v>#N/A</v></c>')),
    "SipriFormatError", (_F, "cell E15", "error value '#N/A'"), cell="E15"))
_add("formula_no_cached_value", Case(
    "formula", _xml(_set_cell_xml("E15", '<c r="E15"><f>D15*1.1</f></c>')),
    "SipriFormatError", (_F, "cell E15", "formula with no cached value"), cell="E15"))
_add("formula_empty_cached_value", Case(
    "formula", _xml(_set_cell_xml("E15", '<c r="E15"><f>D15*1.1</f><v></v></c>')),
    "SipriFormatError", (_F, "cell E15", "formula with no cached value"), cell="E15"))
_add("formula_openpyxl", Case("formula", _cell("E15", "=D15*1.1"), "SipriFormatError",
                              (_F, "cell E15", "formula with no cached value"), cell="E15"))
_add("formula_cached_value_reads", Case("formula", _xml(_set_cell_xml(
    "E15", '<c r="E15"><f>D15+5100</f><v>54100</v></c>')), check=_japan_2021(54100e6)))

# a full release missing one sheet kind: warned in the default read, the rest read
for _short in ALL_SHEETS:
    _title = SHEET_TITLES[_short].format(base=2022)
    _expected = SHEET_TITLES[_short].split(" (")[0]
    _add(f"sheet_missing_{_short}", Case(
        "sheet", _renamed_sheet(_short),
        warning=("SipriMissingSheetWarning", (_F, f"no sheet like '{_expected}", f"({_short})",
                                              "Sheets matching no kind: ['Sheet1']"))))

# currency names the reader does not know: warned, the name kept, unit XXX
for _name in ("Doubloons", "Bitcoin", "New Leones 2"):
    _add(f"currency_unknown_{_name.replace(' ', '_')}", Case(
        "currency", _currency(_name), sheets=("lcu_cy",),
        warning=("SipriUnknownCurrencyWarning", (_F, "Local currency calendar years",
                                                 "cell B15", repr(_name), "'XXX'")),
        check=(lambda n: lambda df: None if (
            df.loc[df["country"] == "Japan", "unit"].unique().tolist() == ["XXX"]
            and df.loc[df["country"] == "Japan", "currency_name"].unique().tolist() == [n]
            and df.loc[df["country"] == "South Korea", "unit"].unique().tolist() == ["KRW"])
            else "units")(_name)))


def family_counts() -> dict[str, int]:
    out: dict[str, int] = {}
    for case in CASES.values():
        out[case.family] = out.get(case.family, 0) + 1
    return out
