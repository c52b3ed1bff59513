"""Opening a SIPRI workbook: what the file is (empty, encrypted, HTML, .xls, a damaged
zip), the bounds of :mod:`defbudget._xlsx` checked before any parser sees it, then calamine,
with every third-party error turned into a :class:`SipriFormatError` naming the file, sheet
and cell. Also the edition printed on the Front page.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from defbudget._xlsx import (
    MAX_FILE_BYTES,
    CellTags,
    XlsxLimitError,
    check_zip,
    read_member,
    scan_sheet,
)
from defbudget.readers.sipri._errors import SipriFormatError
from defbudget.readers.sipri.locate import DOWNLOAD_URL

__all__: list[str] = []

_EDITION = re.compile(r"SIPRI Military Expenditure Database\s+((?:19|20)\d{2})")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_encrypted_ole(path: Path) -> bool:
    """True if the OLE compound file names an "EncryptedPackage" stream (an encrypted .xlsx).

    Directory entries store names in UTF-16-LE; looking for the name in the first MB is
    enough for the files Excel writes (the directory sits near the start or the end).
    """
    needle = "EncryptedPackage".encode("utf-16-le")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if needle in fh.read(1 << 20):
            return True
        if size > 1 << 20:
            fh.seek(max(0, size - (1 << 20)))
            return needle in fh.read()
    return False


def _open_workbook(path: Path):
    """Calamine workbook, after checking the file really is an xlsx (zip) workbook."""
    return _open_checked(path)[0]


def _open_checked(path: Path) -> tuple[Any, dict[str, bytes]]:
    """Calamine workbook and the checked bytes of every zip member, after checking the file
    really is an xlsx (zip) workbook within the size limits.

    Calamine parses the very bytes the guard inflated and checked (re-packed uncompressed in
    memory, :func:`_calamine`), so the file is inflated once and nothing can change between
    the check and the parse."""
    _check_head(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SipriFormatError(
            f"the file is {size / 1e6:.1f} MB, over the limit of {MAX_FILE_BYTES / 1e6:.1f} MB "
            "(20 times the largest real SIPRI release); refused before unpacking it. Expected "
            f"the Excel workbook; download it again from {DOWNLOAD_URL}.", path=path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "xl/workbook.xml" not in names:
                raise SipriFormatError(
                    "the zip archive is not an Excel workbook: it has no xl/workbook.xml "
                    f"(members: {sorted(set(names))[:5]}). Expected the Excel workbook; "
                    f"download it again from {DOWNLOAD_URL}.", path=path)
            members = check_zip(zf, keep=lambda _name: True)
            order = [i.filename for i in zf.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as exc:
        raise SipriFormatError(
            f"the .xlsx (zip) archive is damaged or truncated ({exc}). Download the workbook "
            f"again from {DOWNLOAD_URL}.", path=path) from exc
    except XlsxLimitError as exc:
        raise _limit_error(exc, path) from None
    try:
        return _calamine(path, members, order), members
    except Exception as exc:  # calamine raises its own error types
        raise SipriFormatError(
            f"the workbook cannot be read ({type(exc).__name__}: {exc}). Expected an .xlsx as "
            f"saved by Excel; download it again from {DOWNLOAD_URL}.", path=path) from exc


def _calamine(path: Path, members: dict[str, bytes], order: list[str]) -> Any:
    """The calamine workbook of the checked *members*, re-packed uncompressed in memory (no
    second inflation: that costs calamine a quarter of its time). An archive naming one
    member twice, which Excel never writes, is opened from the file as it is."""
    from python_calamine import CalamineWorkbook

    if len(order) != len(members):
        return CalamineWorkbook.from_path(str(path))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for name in order:
            out.writestr(name, members[name])
    buf.seek(0)
    return CalamineWorkbook.from_filelike(buf)


def _check_head(path: Path) -> None:
    """Refuse, from its first bytes, a file that is not a zip: empty, encrypted, HTML, an old
    .xls or text, each with its own message."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        raise SipriFormatError(
            f"the file is empty (0 bytes): the download did not finish. Expected the Excel "
            f"workbook; download it again from {DOWNLOAD_URL}.", path=path)
    if head.startswith(_OLE_MAGIC) and _is_encrypted_ole(path):
        raise SipriFormatError(
            "the workbook is encrypted (password-protected): Excel stores it as an "
            "'EncryptedPackage', which cannot be read without the password. Expected the "
            "unprotected .xlsx; open it in Excel, remove the password (File > Info > Protect "
            f"Workbook > Encrypt with Password, clear it), save, or download it again from "
            f"{DOWNLOAD_URL}.", path=path)
    if not head.startswith(b"PK\x03\x04"):
        text = head.lstrip().lower()
        looks = ("an HTML page (a failed or login-walled download?)"
                 if text.startswith((b"<!doctype html", b"<html")) else
                 "an old binary .xls file (resave it as .xlsx)" if head.startswith(
                     b"\xd0\xcf\x11\xe0") else
                 "a text/CSV file" if head and all(32 <= b < 127 or b in (9, 10, 13)
                                                   for b in head[:200]) else
                 "not a zip archive")
        raise SipriFormatError(
            f"not an .xlsx workbook: the file is {looks}. Expected the Excel workbook "
            f"downloaded from {DOWNLOAD_URL}.", path=path)


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _limit_error(exc: XlsxLimitError, path: Path, sheet: str | None = None
                 ) -> SipriFormatError:
    """The guard's finding as the reader's error, with the file, sheet, cell and the fix."""
    where = f" (zip member {exc.member})" if exc.member and sheet is None else ""
    return SipriFormatError(
        f"{exc}{where}; refused before parsing it. Expected an .xlsx as saved by Excel: "
        f"download the workbook again from {DOWNLOAD_URL}, or open it in Excel and save a "
        "fresh copy.", path=path, sheet=sheet, cell=exc.cell)


def _edition_from_drawings(members: dict[str, bytes]) -> int | None:
    """The edition named on the Front page text box ("SIPRI Military Expenditure Database
    2025"), or None; *members* are the checked zip members."""
    counts: Counter[int] = Counter()
    for name, data in members.items():
        if name.startswith("xl/drawings/") and name.endswith(".xml"):
            text = re.sub(r"<[^>]+>", "", data.decode("utf-8", "replace"))
            counts.update(int(y) for y in _EDITION.findall(text))
    return counts.most_common(1)[0][0] if counts else None


def _scan_sheets(path: Path, sheet_names: list[str], sheets_xml: dict[str, bytes],
                 plain: set[str] | None = None,
                 tags: dict[str, CellTags] | None = None) -> dict[str, str]:
    """Bounds of each sheet's XML (cells beyond ZZ999, entity references), checked before
    calamine builds its dense grid. Returns sheet name → zip member; the members whose cell
    tags are all plain (:attr:`defbudget._xlsx.SheetScan.plain`) are added to *plain*, and
    where their references lie (:attr:`defbudget._xlsx.SheetScan.tags`) to *tags*."""
    from defbudget.readers._xlsx_styles import _guard, _Hostile, _hostile_error, _sheet_parts

    with zipfile.ZipFile(path) as zf:
        try:
            parts = _guard("xl/workbook.xml", _sheet_parts, zf)
        except _Hostile as exc:
            raise SipriFormatError(_hostile_error(path, exc.part).detail, path=path) from None
        except Exception:  # calamine reports a broken workbook.xml itself
            return {}
        for name in sheet_names:
            member = parts.get(name)
            if member is None or member not in zf.NameToInfo:
                continue
            data = sheets_xml.get(member)
            try:
                scan = scan_sheet(read_member(zf, member) if data is None else data, member)
            except XlsxLimitError as exc:
                raise _limit_error(exc, path, name) from None
            if data is None:
                continue
            if plain is not None and scan.plain:
                plain.add(member)
            if tags is not None and scan.tags is not None:
                tags[member] = scan.tags
    return parts


def _sheet_rows(wb, name: str, path: Path) -> list[list]:
    """A sheet's cells from calamine, its errors turned into the reader's own."""
    try:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise SipriFormatError(
            f"the sheet's XML cannot be read ({type(exc).__name__}: {exc}). Expected an .xlsx "
            f"as saved by Excel: download the workbook again from {DOWNLOAD_URL}, or open it "
            "in Excel and save a fresh copy.", path=path, sheet=name) from None
