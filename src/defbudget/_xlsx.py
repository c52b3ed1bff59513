"""xlsx plumbing shared by the readers and the export: bounds, sheet parts, cell references.

* Cell references: :func:`cell_ref` / :func:`parse_cell_ref` (zero-based row and column to
  and from ``"D12"``) and :func:`column_letters`.
* :func:`sheet_parts`: sheet name -> the zip member of its XML, from ``xl/workbook.xml`` and
  its relationships (parsed with defusedxml).
* The guard: bounds checked on an .xlsx before any parser (calamine, openpyxl, expat) sees it.

An .xlsx is a zip archive, and a small file can inflate into gigabytes ("zip bomb"), or name
one cell at ``XFD1048576`` so that a reader building a dense grid asks for 17 billion cells.
This module checks, with the standard library only and in bounded memory:

1. :func:`check_zip`: every member's uncompressed size and compression ratio, *measured* by
   inflating it in bounded chunks (the sizes a zip header declares can lie), and its CRC.
   The limits are 20 times what the real SIPRI releases need (see the constants).
2. :func:`read_member`: one member's bytes, inflated with the same bounds (for the release
   sorter and the edition lookup, which read one small member each).
3. :func:`scan_sheet`: that no cell reference lies beyond ``ZZ999`` (the grid calamine will
   allocate), and no entity reference (``&name;``) that no parser should expand. The
   ``<dimension>`` element is not trusted: the cells are. :func:`cell_problem` says why a
   cell reads as empty (an error value, a formula without a cached value).

Each check raises :class:`XlsxLimitError` naming the member (and the cell) and the limit;
the reader re-raises it as its own format error with the file name and the fix.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from defbudget.errors import DefbudgetError

__all__ = [
    "LARGEST_REAL_GRID",
    "LARGEST_REAL_MEMBER",
    "LARGEST_REAL_RATIO",
    "MAX_CELL",
    "MAX_FILE_BYTES",
    "MAX_GRID_CELLS",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "CellTags",
    "SheetScan",
    "XlsxLimitError",
    "cell_problem",
    "cell_ref",
    "check_zip",
    "column_letters",
    "parse_cell_ref",
    "read_member",
    "scan_sheet",
    "sheet_parts",
]

#: The largest member of the three real SIPRI releases (xl/worksheets/sheet7.xml of
#: SIPRI-Milex-data-1949-2023.xlsx, 642,090 bytes inflated).
LARGEST_REAL_MEMBER = 642_090
#: The highest compression ratio of any member of those releases ([Content_Types].xml of
#: SIPRI-Milex-data-1949-2024_2.xlsx, 8.36).
LARGEST_REAL_RATIO = 8.36
#: The largest sheet grid of those releases: A1:CB201 (80 columns x 201 rows).
LARGEST_REAL_GRID = 80 * 201
#: The largest real file (SIPRI-Milex-data-1948-2023.xlsx, 839,559 bytes).
LARGEST_REAL_FILE = 839_559

#: Limits: 20 times the real releases' largest, generous for growth.
MAX_MEMBER_BYTES = 20 * LARGEST_REAL_MEMBER
MAX_RATIO = 20 * LARGEST_REAL_RATIO
MAX_FILE_BYTES = 20 * LARGEST_REAL_FILE
#: The farthest cell a sheet may use: column ZZ (702 columns, 8.8 times the real 80) and row
#: 999 (5 times the real 201). Checked with one byte search (no reference with three
#: letters or four digits), it bounds calamine's dense grid to 701,298 cells (~30 MB).
MAX_CELL = "ZZ999"
MAX_ROWS, MAX_COLS = 999, 702
MAX_GRID_CELLS = MAX_ROWS * MAX_COLS
#: Members smaller than this are not held to the ratio limit (they cannot exhaust memory).
RATIO_FLOOR_BYTES = 1 << 16
_CHUNK = 1 << 20


# --- cell references -------------------------------------------------------------------------

def column_letters(col: int) -> str:
    """Spreadsheet column letters of a zero-based column index.

    Examples
    --------
    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    if col < 0:
        raise ValueError(f"column index must be >= 0, got {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """A1 reference of a zero-based (row, column) position.

    Examples
    --------
    >>> cell_ref(0, 0), cell_ref(5, 2), cell_ref(13, 27)
    ('A1', 'C6', 'AB14')
    """
    return f"{column_letters(col)}{row + 1}"


def parse_cell_ref(ref: str) -> tuple[int, int]:
    """Zero-based (row, column) of an A1 reference such as ``"D12"``.

    Examples
    --------
    >>> parse_cell_ref("A1"), parse_cell_ref("D12"), parse_cell_ref("AB14")
    ((0, 0), (11, 3), (13, 27))
    """
    col = 0
    i = 0
    n = len(ref)
    while i < n and "A" <= ref[i] <= "Z":
        col = col * 26 + (ord(ref[i]) - 64)
        i += 1
    if i == 0 or i == n:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(ref[i:]) - 1, col - 1


# --- sheet parts -----------------------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def sheet_parts(zf: zipfile.ZipFile, read: Callable[[str], bytes] | None = None
                ) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from ``xl/workbook.xml`` and its relationships.

    Both parts are parsed with defusedxml (a DTD or entity declaration raises
    ``defusedxml.DefusedXmlException``); a relationship target is resolved against ``xl/``
    unless it is absolute. *read* gives a member's bytes (default ``zf.read``; the export's
    reader passes one bounded by its own limits).
    """
    import defusedxml.ElementTree as DET

    read = zf.read if read is None else read
    wb = DET.fromstring(read("xl/workbook.xml"))
    rels = DET.fromstring(read("xl/_rels/workbook.xml.rels"))
    target = {}
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        t = rel.get("Target", "")
        t = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        target[rel.get("Id")] = t
    parts = {}
    for sheet in wb.iter(f"{{{_MAIN_NS}}}sheet"):
        rid = sheet.get(f"{{{_REL_NS}}}id")
        name = sheet.get("name")
        if rid in target and name is not None:
            parts[name] = target[rid]
    return parts


class XlsxLimitError(DefbudgetError, ValueError):
    """A workbook breaks one of the bounds; ``member`` and ``cell`` say where."""

    def __init__(self, message: str, *, member: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.member = member
        self.cell = cell


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def _raw_data(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of *info*, found through its local header."""
    fp = zf.fp
    if fp is None:
        raise XlsxLimitError("the zip archive is closed", member=info.filename)
    fp.seek(info.header_offset)
    head = fp.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise XlsxLimitError(f"the zip member {info.filename} has no valid local header",
                             member=info.filename)
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    data = fp.read(info.compress_size)
    if len(data) != info.compress_size:
        raise XlsxLimitError(f"the zip member {info.filename} is truncated",
                             member=info.filename)
    return data


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, keep: bool) -> bytes:
    """Inflate *info* in 1 MB chunks, refusing it as soon as it passes the limits."""
    name = info.filename
    limit = min(MAX_MEMBER_BYTES, max(info.file_size, 0))
    if info.file_size > MAX_MEMBER_BYTES:
        raise XlsxLimitError(
            f"the zip member {name} would inflate to {_mb(info.file_size)}, over the limit of "
            f"{_mb(MAX_MEMBER_BYTES)} (20 times the largest member of a real SIPRI release)",
            member=name)
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1):
        raise XlsxLimitError(
            f"the zip member {name} is compressed {info.file_size / max(info.compress_size, 1):.0f}"
            f" to 1, over the limit of {MAX_RATIO:.0f} to 1 (20 times the highest ratio in a "
            "real SIPRI release): a zip bomb", member=name)
    from zlib_ng import zlib_ng as zlib  # zlib's API, inflating in about 60% of its time

    damaged = cast("type[Exception]", zlib.error)  # zlib_ng's stub types it as an instance

    raw = _raw_data(zf, info)
    out: list[bytes] = []
    total = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces = [raw]
        total = len(raw)
        crc = zlib.crc32(raw)
        if keep:
            out.append(raw)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        d = zlib.decompressobj(-15)
        data = raw
        try:
            while data and not d.eof:
                piece = d.decompress(data, _CHUNK)
                data = d.unconsumed_tail
                total += len(piece)
                if total > limit:
                    raise XlsxLimitError(
                        f"the zip member {name} inflates to more than its declared "
                        f"{_mb(info.file_size)}: its header lies about its size",
                        member=name)
                crc = zlib.crc32(piece, crc)
                if keep:
                    out.append(piece)
        except damaged as exc:
            raise XlsxLimitError(f"the zip member {name} is damaged ({exc})",
                                 member=name) from exc
        pieces = out
    else:
        raise XlsxLimitError(
            f"the zip member {name} uses compression method {info.compress_type}; Excel "
            "writes only 'stored' and 'deflate'", member=name)
    if total != info.file_size:
        raise XlsxLimitError(
            f"the zip member {name} inflates to {total} bytes, not the {info.file_size} its "
            "header declares (damaged or truncated)", member=name)
    if crc != info.CRC:
        raise XlsxLimitError(f"the zip member {name} is damaged (its checksum does not match)",
                             member=name)
    return b"".join(pieces) if keep else b""


def check_zip(zf: zipfile.ZipFile, keep: Callable[[str], bool] = lambda _n: False
              ) -> dict[str, bytes]:
    """Inflate every member in bounded chunks; raise :class:`XlsxLimitError` on the first one
    over the size or ratio limits, lying about its size, or damaged. Replaces ``testzip``.

    Returns the bytes of the members for which *keep(name)* is true (so that later steps need
    not inflate them again)."""
    infos = zf.infolist()
    total = sum(max(i.file_size, 0) for i in infos)
    if total > 4 * MAX_MEMBER_BYTES:
        raise XlsxLimitError(
            f"the zip members would inflate to {_mb(total)} in all, over the limit of "
            f"{_mb(4 * MAX_MEMBER_BYTES)}", member=None)
    kept: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        wanted = keep(info.filename)
        data = _inflate(zf, info, keep=wanted)
        if wanted:
            kept[info.filename] = data
    return kept


def read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """The inflated bytes of member *name*, within the limits (``KeyError`` if absent)."""
    return _inflate(zf, zf.getinfo(name), keep=True)


# --- sheets ----------------------------------------------------------------------------------

_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,4})([0-9]{1,9})["']""")
_ODD_CELL = re.compile(  # possessive letters: giving one back never makes a match
    rb'<c(?: r="([A-Z]{3,}+|[A-Z]{1,2}+(?=[0-9]{4}))([0-9]*)|(?! r=")[\s>/])')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)([^;\s<&]{0,40};?)")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s/>]")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")


@dataclass(frozen=True)
class SheetScan:
    """What :func:`scan_sheet` found: the grid calamine will build, from A1."""

    rows: int
    cols: int
    last_cell: str | None
    #: every cell tag starts with its double-quoted reference (``<c r="A1"``) and none is
    #: namespace-prefixed: the plain layout Excel writes, so a scan of the cells by their
    #: ``<c r="`` need not look for other forms again
    plain: bool = False
    #: where each cell's reference lies, when every one is within :data:`MAX_CELL` in the
    #: plain layout (else None)
    tags: CellTags | None = field(default=None, compare=False, repr=False)


def _cell_at(data: bytes, pos: int) -> str | None:
    """A1 reference of the cell enclosing byte *pos* (None when the cell has no ``r``)."""
    starts = [m.start() for m in _CELL_TAG.finditer(data, max(0, pos - 4096), pos + 1)]
    if not starts:
        return None
    m = _REF.search(data, starts[-1], data.find(b">", starts[-1]) + 1)
    return (m.group(1) + m.group(2)).decode() if m else None


def _positions(data: bytes) -> tuple[int, int]:
    """Rows and columns of the grid when some cells or rows carry no reference: count them
    (a reader places such a cell right of the previous one)."""
    rows = cols = 0
    row = col = -1
    for m in re.finditer(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)([\s/>])([^>]*)", data):
        tag, attrs = m.group(1), m.group(3)
        ref = _REF.search(b" " + attrs) if attrs else None
        if tag == b"row":
            r = re.search(rb"""\sr\s*=\s*["']([0-9]{1,9})["']""", b" " + attrs)
            row = int(r.group(1)) - 1 if r else row + 1
            col = -1
        else:
            if ref:
                row_c, col = parse_cell_ref((ref.group(1) + ref.group(2)).decode())
                row = max(row, row_c)
            else:
                col += 1
            cols = max(cols, col + 1)
        rows = max(rows, row + 1)
    return rows, cols


def scan_sheet(data: bytes, member: str) -> SheetScan:
    """Check one sheet's XML before a parser builds its grid.

    Raises :class:`XlsxLimitError` when a cell reference lies beyond :data:`MAX_CELL`
    (column ZZ, row 999: a grid of at most :data:`MAX_GRID_CELLS` cells, whatever the
    ``<dimension>`` claims) or when a cell holds an entity reference other than XML's five
    (``&amp;`` ...). Formula and error cells are looked at only when a value cell comes out
    empty (:func:`cell_problem`), so a good sheet costs a few byte searches.
    """
    # one pass finds the first cell whose reference is beyond ZZ999, or that does not start
    # with a double-quoted reference (then positions are counted as a reader would)
    prefixed = _prefixed_cell(data)
    tags = None if prefixed else _plain_cell_tags(data)
    odd = None if prefixed or tags is not None else _ODD_CELL.search(data)
    if odd is not None and odd.group(1):
        ref = (odd.group(1) + odd.group(2)).decode()
        row, col = parse_cell_ref(ref)
        _too_wide(ref, row + 1, col + 1, member)
    rows = cols = 0
    if odd is not None or prefixed:
        rows, cols = _positions(data)
        if rows > MAX_ROWS or cols > MAX_COLS:
            _too_wide(cell_ref(rows - 1, cols - 1), rows, cols, member)
    if b"&" in data:
        m = _ENTITY.search(data, max(data.find(b"<sheetData"), 0))
        if m:
            cell = _cell_at(data, m.start())
            raise XlsxLimitError(
                f"a cell holds the entity reference '&{m.group(1).decode('utf-8', 'replace')}',"
                " which Excel never writes (only &amp; &lt; &gt; &quot; &apos; and numeric "
                "ones)", member=member, cell=cell)
    return SheetScan(rows, cols, None, plain=odd is None and not prefixed, tags=tags)


#: The bytes that may follow ``<c`` in a cell tag (``\s``, ``>`` and ``/``, as in _ODD_CELL).
_AFTER_C = np.frombuffer(b" \t\n\r\x0b\x0c>/", dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class CellTags:
    """Where the cell references of a sheet in the plain layout lie in its XML: every cell tag
    starts ``<c r="``, then one or two letters and one to three digits (within
    :data:`MAX_CELL`) and the closing quote. Found with numpy by :func:`scan_sheet`, so that
    a reader can look at the bytes after each reference (the cell's style, in
    :mod:`defbudget.readers._xlsx_styles`) without a regex over every cell.

    ``array`` is the sheet's bytes (uint8), with at least :data:`TAG_ROOM` of them after the
    last tag's start; ``ref`` the position of each reference's first letter, ``quote`` that
    of its closing quote, ``letters`` its number of letters (1 or 2), all in document
    order."""

    array: np.ndarray
    ref: np.ndarray
    quote: np.ndarray
    letters: np.ndarray

    def cells(self, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Zero-based rows and columns (int64) of the tags at positions *which*."""
        a, ref, quote = self.array, self.ref[which], self.quote[which]
        two = self.letters[which] == 2
        first = a[ref].astype(np.int64) - 64
        second = a[ref + 1].astype(np.int64) - 64
        cols = np.where(two, first * 26 + second, first) - 1
        digits = ref + 1 + two
        rows = np.zeros(len(ref), dtype=np.int64)
        for k in range(3):  # one to three digits, up to the closing quote
            here = digits + k < quote
            rows = np.where(here, rows * 10 + (a[digits + k] - 48), rows)
        return rows - 1, cols


#: Bytes of a sheet's XML that :func:`_plain_cell_tags` wants after the start of its last
#: cell tag, so that a reader looking a few bytes past any reference (its type and style,
#: :mod:`defbudget.readers._xlsx_styles`) stays inside the sheet; a real sheet ends with
#: ``</sheetData>`` and ``</worksheet>`` after it.
TAG_ROOM = 40


def _plain_cell_tags(data: bytes) -> CellTags | None:
    """The cell tags of *data* when :data:`_ODD_CELL` cannot match it: every cell tag starts
    with ``<c r="`` and each reference has one or two letters and one to three digits, then
    its closing quote. Looked at with numpy over the places of ``<c`` (a fraction of the
    time of the regex, which tries every cell in turn); None sends the sheet to the regex,
    which says where the odd tag is."""
    m = len(data) - TAG_ROOM  # cell tags are looked for before this
    if m < 1 or b"<c" in data[m - 1:]:  # a tag in the last bytes: the regex decides
        return None
    a = np.frombuffer(data, dtype=np.uint8)
    lt = a[:m] == 60  # '<'
    lt &= a[1:m + 1] == 99  # 'c'
    lt = np.flatnonzero(lt)
    after = a[lt + 2]
    lt = lt[(after == 32) | (after == 62) | (after == 47) | ((after >= 9) & (after <= 13))]
    if not ((a[lt + 2] == 32) & (a[lt + 3] == 114) & (a[lt + 4] == 61)
            & (a[lt + 5] == 34)).all():  # ' r="'
        return None
    ref = lt + 6
    up = [(a[ref + k] - 65) < 26 for k in (0, 1, 2)]  # 'A'-'Z' (uint8 wraps below 'A')
    if not up[0].all() or (up[1] & up[2]).any():  # no letter, or three: the regex decides
        return None
    digits = ref + 1 + up[1]
    dig = [(a[digits + k] - 48) < 10 for k in range(4)]  # '0'-'9'
    if not dig[0].all() or (dig[1] & dig[2] & dig[3]).any():  # no digit, or four
        return None
    quote = digits + 1 + dig[1] + (dig[1] & dig[2])
    if not (a[quote] == 34).all():
        return None
    return CellTags(a, ref, quote, 1 + up[1].astype(np.int64))


def _prefixed_cell(data: bytes) -> bool:
    """True if a namespace-prefixed cell element (``<x:c ...>``) may occur: ':' is rare in
    sheet XML (namespace declarations, ``x14ac:dyDescent``), so its positions are found with
    memchr and the next bytes looked at."""
    k = data.find(b":")
    seen = 0
    while k >= 0:
        if data[k + 1:k + 2] == b"c" and data[k + 2:k + 3] in b" >/\t\r\n":
            return True
        seen += 1
        if seen > 5000:  # colon-heavy text: fall back to one plain search
            return b":c" in data
        k = data.find(b":", k + 1)
    return False


def _too_wide(ref: str, rows: int, cols: int, member: str) -> None:
    raise XlsxLimitError(
        f"the sheet's cells reach {ref}, beyond {MAX_CELL} (a grid of {rows:,} rows x "
        f"{cols:,} columns where the limit is {MAX_ROWS:,} x {MAX_COLS:,}; the largest real "
        "SIPRI sheet is 201 x 80)", member=member, cell=ref)


def cell_problem(data: bytes | None, ref: str) -> str | None:
    """Why the cell *ref* reads as empty, when its XML says: an error value (``t="e"``) or a
    formula without a cached value. None when it is simply empty (or *data* is None)."""
    if not data:
        return None
    m = re.search(rb"""<(?:[A-Za-z_][\w.\-]*:)?c\s[^>]*?\br\s*=\s*["']""" + ref.encode()
                  + rb"""["'][^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.\-]*:)?c>)""", data, re.S)
    if m is None:
        return None
    head, body = m.group(0), m.group(1) or b""
    vm = re.search(rb"<(?:[A-Za-z_][\w.\-]*:)?v(?:\s[^>]*)?>([^<]*)<", body)
    value = vm.group(1).decode("utf-8", "replace") if vm else ""
    if _ERROR_TYPE.search(head[: head.find(b">") + 1]):
        return f"the error value {value!r} (a formula that failed), not a figure"
    if _FORMULA.search(body) and not value.strip():
        return ("a formula with no cached value (the file was written by a program that does "
                "not calculate), so its figure is unknown")
    return None


