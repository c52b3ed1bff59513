"""Broken and hostile inputs, generated on demand (nothing binary is committed).

Each generator writes one file (or builds one frame) under the folder it is given and
returns it. :data:`FILE_KINDS` maps a kind name to ``(generator, reader, expectation)`` so
that ``tests/test_corpus.py`` can run every kind through the reader a user would call and
check the error they would see.

The hostile XML payloads are the classic "billion laughs" (nested entity expansion) and a
sheet whose ``<dimension>`` claims a million rows; both are tiny on disk.
"""

from __future__ import annotations

import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for sipri_factory

from sipri_factory import DEFAULT_COUNTRIES, FakeCountry, make_sipri_workbook

__all__ = ["BILLION_LAUGHS_DTD", "FILE_KINDS", "Kind", "billion_laughs", "rewrite_member"]

SIPRI_NAME = "SIPRI-Milex-data-2019-2023.xlsx"

#: Nested entities: 10 levels of 10 copies, ~3 GB once expanded; the file is < 1 kB.
BILLION_LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>"
)


def billion_laughs(root_xml: bytes) -> bytes:
    """*root_xml* with the billion-laughs DTD declared and ``&lol9;`` inside its root."""
    decl = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    body = root_xml.split(b"?>", 1)[1] if root_xml.startswith(b"<?xml") else root_xml
    body = body.lstrip()
    # put the expansion inside the first child element's text-free zone: after the root tag
    end_of_root_tag = body.index(b">") + 1
    bomb = body[:end_of_root_tag] + b"<!-- -->" + body[end_of_root_tag:]
    bomb = bomb.replace(b"<!-- -->", b"&lol9;", 1)
    return decl + BILLION_LAUGHS_DTD.encode() + b"\n" + bomb


def rewrite_member(path: Path, member: str, transform: Callable[[bytes], bytes]) -> Path:
    """Rewrite one zip member of *path* in place (a copy of the zip with it replaced)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data = transform(data)
            dst.writestr(info, data)
    shutil.move(tmp, path)
    return path


def _sheet_member(path: Path, title: str) -> str:
    """Zip member holding the sheet called *title* (the factory writes them in order)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        index = wb.sheetnames.index(title) + 1
    finally:
        wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def _sipri(folder: Path, name: str = SIPRI_NAME, **kwargs) -> Path:
    kwargs.setdefault("sheets", ("current_usd",))
    return make_sipri_workbook(folder / name, **kwargs)


# --- files that are not workbooks --------------------------------------------------------

def truncated_zip(folder: Path) -> Path:
    good = _sipri(folder, "good.xlsx")
    data = good.read_bytes()
    path = folder / SIPRI_NAME
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_not_workbook(folder: Path) -> Path:
    path = folder / SIPRI_NAME
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "holiday photos")
        zf.writestr("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)
    return path


def html_error_page(folder: Path) -> Path:
    path = folder / SIPRI_NAME
    path.write_text("<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>"
                    "<body><h1>Access denied</h1></body></html>\n", encoding="utf-8")
    return path


def empty_file(folder: Path) -> Path:
    path = folder / SIPRI_NAME
    path.write_bytes(b"")
    return path


def csv_as_workbook(folder: Path) -> Path:
    path = folder / SIPRI_NAME
    path.write_text("Country,2019,2020\nJapan,47600,49000\n", encoding="utf-8")
    return path


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3) holding *streams* in the root storage.

    Each stream is stored in regular 512-byte sectors (the mini-stream cutoff is set to 0),
    enough for a file-type sniffer to find the "EncryptedPackage" entry Excel writes.
    """
    sector = 512
    names = list(streams)
    data_sectors: list[bytes] = []
    starts = []
    for name in names:
        blob = streams[name]
        starts.append(len(data_sectors))
        n = max(1, -(-len(blob) // sector))
        padded = blob.ljust(n * sector, b"\0")
        data_sectors += [padded[i * sector:(i + 1) * sector] for i in range(n)]
    n_data = len(data_sectors)
    dir_sector = n_data
    fat_sector = n_data + 1
    fat = [0xFFFFFFFF] * 128
    for name, start in zip(names, starts, strict=True):
        n = max(1, -(-len(streams[name]) // sector))
        for k in range(n):
            fat[start + k] = start + k + 1 if k < n - 1 else 0xFFFFFFFE
    fat[dir_sector] = 0xFFFFFFFE
    fat[fat_sector] = 0xFFFFFFFD

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF,
              right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\0" * 16 + b"\0" * 4
                + b"\0" * 16 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for i, (name, start) in enumerate(zip(names, starts, strict=True)):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries.append(entry(name, 2, start, len(streams[name]), right=right))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 0, 0xFFFFFFFE, 0,
                            0xFFFFFFFE, 0))
    difat = [fat_sector] + [0xFFFFFFFF] * 108
    header += struct.pack("<109I", *difat)
    assert len(header) == sector
    return header + b"".join(data_sectors) + directory + struct.pack("<128I", *fat)


def encrypted_workbook(folder: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE file, not a zip."""
    path = folder / SIPRI_NAME
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    path.write_bytes(_cfb({"EncryptionInfo": info,
                           "EncryptedPackage": struct.pack("<Q", 4096) + b"\x13" * 600}))
    return path


# --- workbooks whose layout is off --------------------------------------------------------

def sheet_renamed(folder: Path) -> Path:
    path = _sipri(folder, "good.xlsx", sheets=("current_usd", "share_gdp"))
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["Current US$"].title = "Sheet1"
    out = folder / SIPRI_NAME
    wb.save(out)
    return out


def header_moved(folder: Path) -> Path:
    """Header pushed below the rows the reader searches (70 extra note lines)."""
    return _sipri(folder, header_offset=70)


def header_missing(folder: Path) -> Path:
    path = _sipri(folder, "good.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Current US$"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "Country":
                cell.value = None
    out = folder / SIPRI_NAME
    wb.save(out)
    return out


def _edit_header_years(folder: Path, edit: Callable[[list], list]) -> Path:
    path = _sipri(folder, "good.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Current US$"]
    for row in ws.iter_rows():
        if row[0].value == "Country":
            cells = [c for c in row if isinstance(c.value, (int, float))]
            for cell, value in zip(cells, edit([c.value for c in cells]), strict=True):
                cell.value = value
            break
    out = folder / SIPRI_NAME
    wb.save(out)
    return out


def years_out_of_order(folder: Path) -> Path:
    """Two year headers swapped (the data under them not): 2021 before 2020."""
    return _edit_header_years(folder, lambda ys: [ys[0], ys[2], ys[1], *ys[3:]])


def duplicate_year_column(folder: Path) -> Path:
    return _edit_header_years(folder, lambda ys: [ys[0], ys[0], *ys[2:]])


def duplicate_country_rows(folder: Path) -> Path:
    japan = next(c for c in DEFAULT_COUNTRIES if c.name == "Japan")
    twin = FakeCountry(**{**japan.__dict__, "values": {2019: 1.0, 2020: 2.0, 2021: 3.0,
                                                       2022: 4.0, 2023: 5.0}})
    return _sipri(folder, countries=[*DEFAULT_COUNTRIES, twin])


def _text_cell(text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        japan = next(c for c in DEFAULT_COUNTRIES if c.name == "Japan")
        bad = FakeCountry(**{**japan.__dict__, "values": {**japan.values, 2021: text}})
        countries = [bad if c.name == "Japan" else c for c in DEFAULT_COUNTRIES]
        return _sipri(folder, countries=countries)
    make.__name__ = f"text_cell_{text}"
    return make


# --- hostile or corrupt workbooks ----------------------------------------------------------

def broken_styles(folder: Path) -> Path:
    path = _sipri(folder)
    return rewrite_member(path, "xl/styles.xml", lambda b: b[: len(b) // 2])


def missing_styles(folder: Path) -> Path:
    path = _sipri(folder)
    tmp = folder / "tmp.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/styles.xml":
                dst.writestr(info, src.read(info.filename))
    shutil.move(tmp, path)
    return path


def bomb_in_styles(folder: Path) -> Path:
    return rewrite_member(_sipri(folder), "xl/styles.xml", billion_laughs)


def bomb_in_sheet(folder: Path) -> Path:
    path = _sipri(folder)
    return rewrite_member(path, _sheet_member(path, "Current US$"), billion_laughs)


def bomb_in_workbook_xml(folder: Path) -> Path:
    return rewrite_member(_sipri(folder), "xl/workbook.xml", billion_laughs)


def dimension_million_rows(folder: Path) -> Path:
    """A sheet whose <dimension> claims A1:XFD1048576 (every cell of the grid)."""
    import re

    path = _sipri(folder)
    member = _sheet_member(path, "Current US$")
    return rewrite_member(path, member, lambda b: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', b, count=1))


# --- WDI / OWID CSVs -------------------------------------------------------------------------

WDI_HEADER = ('"Country Name","Country Code","Indicator Name","Indicator Code",'
              '"2019","2020","2021",')
WDI_ROW = ('"Japan","JPN","Military expenditure (current USD)","MS.MIL.XPND.CD",'
           '"47609000000","49149000000","54124000000",')


def wdi_good_text() -> str:
    return ('"Data Source","World Development Indicators",\n\n'
            '"Last Updated Date","2025-07-01",\n\n' + WDI_HEADER + "\n" + WDI_ROW + "\n")


def wdi_preamble_changed(folder: Path) -> Path:
    """The World Bank renamed its first line (as it did once before)."""
    path = folder / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"
    path.write_text(wdi_good_text().replace('"Data Source","World Development Indicators"',
                                            '"Source","WDI Databank"'), encoding="utf-8")
    return path


def wdi_preamble_dropped(folder: Path) -> Path:
    """A Databank export: the table starts on line 1, no preamble."""
    path = folder / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"
    path.write_text(WDI_HEADER + "\n" + WDI_ROW + "\n", encoding="utf-8")
    return path


def wdi_text_value(folder: Path) -> Path:
    path = folder / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"
    path.write_text(wdi_good_text().replace('"49149000000"', '"49,149,000,000"'),
                    encoding="utf-8")
    return path


def wdi_given_workbook(folder: Path) -> Path:
    """A SIPRI workbook handed to the WDI reader."""
    src = _sipri(folder, "good.xlsx")
    path = folder / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"
    shutil.copy(src, path)
    return path


def owid_wrong_columns(folder: Path) -> Path:
    path = folder / "military-spending-as-a-share-of-gdp-sipri.csv"
    path.write_text("country,code,yr,share\nJapan,JPN,2020,1.0\n", encoding="utf-8")
    return path


def owid_not_utf8(folder: Path) -> Path:
    path = folder / "military-spending-as-a-share-of-gdp-sipri.csv"
    path.write_bytes("Entity,Code,Year,Military\nC\u00f4te d'Ivoire,CIV,2020,1.0\n"
                     .encode("utf-16"))
    return path


def excel_export_not_ours(folder: Path) -> Path:
    """A SIPRI workbook handed to read_excel_export (it reads only defbudget's own exports)."""
    return _sipri(folder, "not-an-export.xlsx")


def excel_export_garbage(folder: Path) -> Path:
    path = folder / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    return path


@dataclass(frozen=True)
class Kind:
    """One kind of broken file: how to make it, which reader meets it, what it must say.

    ``where`` are texts the message must contain to locate the problem (file name, sheet,
    cell or line); ``expected`` says what should have been there; ``fix`` the remedy.
    """

    make: Callable[[Path], Path]
    reader: str  # "sipri", "sipri:current_usd", "wdi", "owid", "export"
    error: str  # exception class name
    where: tuple[str, ...]
    expected: tuple[str, ...]
    fix: tuple[str, ...]


_F = SIPRI_NAME
_DL = ("download",)  # "Download the workbook again from ..." (case-insensitive match)
FILE_KINDS: dict[str, Kind] = {
    # not workbooks
    "truncated_zip": Kind(truncated_zip, "sipri", "SipriFormatError", (_F,),
                          ("damaged or truncated",), _DL),
    "zip_not_workbook": Kind(zip_not_workbook, "sipri", "SipriFormatError", (_F,),
                             ("not an excel workbook", "xl/workbook.xml"), _DL),
    "html_error_page": Kind(html_error_page, "sipri", "SipriFormatError", (_F,),
                            ("HTML page", "expected the excel workbook"), _DL),
    "empty_file": Kind(empty_file, "sipri", "SipriFormatError", (_F,),
                       ("empty (0 bytes)", "expected the excel workbook"), _DL),
    "csv_as_workbook": Kind(csv_as_workbook, "sipri", "SipriFormatError", (_F,),
                            ("CSV", "expected the excel workbook"), _DL),
    "encrypted_workbook": Kind(encrypted_workbook, "sipri", "SipriFormatError", (_F,),
                               ("encrypted", "expected the unprotected"), ("remove the password",)),
    # layout off
    "sheet_renamed": Kind(sheet_renamed, "sipri:current_usd", "SipriFormatError",
                          (_F, "Sheet1"), ("Current US$",), ("pass sheets=",)),
    "header_moved": Kind(header_moved, "sipri", "SipriFormatError", (_F, "Current US$"),
                         ("'Country'", "year cells"), ("original SIPRI download",)),
    "header_missing": Kind(header_missing, "sipri", "SipriFormatError", (_F, "Current US$"),
                           ("'Country'", "year cells"), ("original SIPRI download",)),
    "years_out_of_order": Kind(years_out_of_order, "sipri", "SipriFormatError",
                               (_F, "Current US$", "cell E6"), ("increasing order",),
                               ("original SIPRI download",)),
    "duplicate_year_column": Kind(duplicate_year_column, "sipri", "SipriFormatError",
                                  (_F, "Current US$", "cell D6"), ("each year once",),
                                  ("original SIPRI download",)),
    "duplicate_country_rows": Kind(duplicate_country_rows, "sipri", "SipriFormatError",
                                   (_F, "Current US$", "cell A27", "rows 15 and 27"),
                                   ("each country once",),
                                   ("delete the copied row",)),
    "text_cell_n/a": Kind(_text_cell("n/a"), "sipri", "SipriFormatError",
                          (_F, "Current US$", "cell E15", "'n/a'"), ("a number",),
                          ("restore the cell",)),
    "text_cell_1,234": Kind(_text_cell("1,234"), "sipri", "SipriFormatError",
                            (_F, "Current US$", "cell E15", "'1,234'"), ("a number",),
                            ("restore the cell",)),
    "text_cell_12%": Kind(_text_cell("12%"), "sipri", "SipriFormatError",
                          (_F, "Current US$", "cell E15", "'12%'"), ("a number",),
                          ("restore the cell",)),
    # hostile or corrupt
    "broken_styles": Kind(broken_styles, "sipri", "SipriFormatError", (_F,),
                          ("cannot be read", "expected an .xlsx"), _DL),
    "missing_styles": Kind(missing_styles, "sipri", "SipriFormatError",
                           (_F, "xl/styles.xml"), ("font colours", "expected an .xlsx"), _DL),
    "bomb_in_styles": Kind(bomb_in_styles, "sipri", "SipriFormatError", (_F, "xl/styles.xml"),
                           ("DTD or entities", "expected a workbook"), ("save a fresh copy",)),
    "bomb_in_sheet": Kind(bomb_in_sheet, "sipri", "SipriFormatError",
                          (_F, "xl/worksheets/sheet"), ("DTD or entities", "expected a workbook"),
                          ("save a fresh copy",)),
    "bomb_in_workbook_xml": Kind(bomb_in_workbook_xml, "sipri", "SipriFormatError",
                                 (_F, "xl/workbook.xml"), ("DTD or entities",),
                                 ("save a fresh copy",)),
    # WDI / OWID / exports
    "wdi_preamble_changed": Kind(wdi_preamble_changed, "wdi", "WdiFormatError",
                                 ("API_MS.MIL.XPND.CD", "line 1"), ("Data Source",),
                                 ("exactly as downloaded",)),
    "wdi_preamble_dropped": Kind(wdi_preamble_dropped, "wdi", "WdiFormatError",
                                 ("API_MS.MIL.XPND.CD", "line 1"), ("Data Source",),
                                 ("exactly as downloaded",)),
    "wdi_text_value": Kind(wdi_text_value, "wdi", "WdiFormatError",
                           ("API_MS.MIL.XPND.CD", "line 6", "column 2020"), ("a number",),
                           ("exactly as downloaded",)),
    "wdi_given_workbook": Kind(wdi_given_workbook, "wdi", "WdiFormatError",
                               ("API_MS.MIL.XPND.CD",), ("expected the world bank's csv",),
                               ("download the indicator as csv",)),
    "owid_wrong_columns": Kind(owid_wrong_columns, "owid", "OwidFormatError",
                               ("military-spending",), ("Entity",), ("Full data (CSV)",)),
    "owid_not_utf8": Kind(owid_not_utf8, "owid", "OwidFormatError", ("military-spending",),
                          ("UTF-8",), ("Full data (CSV)",)),
    "export_not_ours": Kind(excel_export_not_ours, "export", "SourceFormatError",
                            ("not-an-export.xlsx", "'_meta' sheet"),
                            ("written by defbudget.to_excel",),
                            ("pandas.read_excel",)),
    "export_garbage": Kind(excel_export_garbage, "export", "SourceFormatError",
                           ("export.xlsx",), ("not a readable .xlsx",),
                           ("pass a workbook written by defbudget.to_excel",)),
}

#: The dimension-bomb is not an error: the reader must read it correctly and quickly.
READ_FINE_KINDS = {"dimension_million_rows": dimension_million_rows}

