"""Bounds checked on an export before calamine (or any parser) sees it.

The sizes an export records in its own ``_meta`` are never trusted: a workbook may have been
edited, damaged or made to look like an export. Before any sheet is parsed:

* every zip member is inflated in bounded chunks (:func:`defbudget._xlsx`'s
  checks, with limits sized for exports rather than SIPRI releases: a tidy sheet may hold
  Excel's 1,048,576 rows), so that a member lying about its size or inflating past the
  limits is refused;
* each hidden sheet's cells are scanned: every cell carries a reference, none lies beyond
  the rows and columns ``_meta`` records, no entity reference other than XML's own; the
  ``<dimension>`` of a tidy sheet must be exactly the recorded one.

So a lying ``_meta`` or a hostile sheet ends in a clear error, never in a huge allocation.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator

from defbudget._xlsx import XlsxLimitError, sheet_parts

#: Largest inflated member of an export: a tidy sheet of 1,048,576 rows of ~25 columns of
#: short text is about 1.2 GB; twice that.
MAX_EXPORT_MEMBER = 2_500_000_000
#: Highest compression ratio allowed for a member over 1 MB (a tidy sheet of one repeated
#: row compresses about 60 to 1 with XlsxWriter's deflate).
MAX_EXPORT_RATIO = 250
#: Small members (workbook.xml, relationships, _meta) are read whole, up to this size.
MAX_SMALL_MEMBER = 64_000_000
#: Largest hidden tidy sheet read back: calamine builds the whole grid, and Python objects of
#: every cell, before the columns are cast, so memory grows with cells and text. A 1,000,000-row
#: export of format 3 holds a few million cells; these limits keep a read-back under ~1.5 GB.
MAX_READ_CELLS = 8_000_000
MAX_READ_SHEET = 400_000_000
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 22
_OVERLAP = 64

_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
_BARE_CELL = re.compile(rb"<c(?! r=\")[\s/>]")
_ROW_REF = re.compile(rb'<row r="([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z0-9:]+)"')


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse members whose declared size or ratio passes the export limits (before any
    inflating; the true sizes are checked while inflating, see :func:`inflate`)."""
    for info in archive.infolist():
        if info.file_size > MAX_EXPORT_MEMBER:
            raise XlsxLimitError(
                f"the zip member {info.filename} would inflate to {_mb(info.file_size)}, over "
                f"the limit of {_mb(MAX_EXPORT_MEMBER)} for an export", member=info.filename)
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_EXPORT_RATIO * max(
                info.compress_size, 1):
            raise XlsxLimitError(
                f"the zip member {info.filename} is compressed "
                f"{info.file_size / max(info.compress_size, 1):.0f} to 1, over the limit of "
                f"{MAX_EXPORT_RATIO} to 1 for an export: a zip bomb", member=info.filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise XlsxLimitError(f"the zip member {info.filename} uses compression method "
                                 f"{info.compress_type}; Excel writes only 'stored' and "
                                 "'deflate'", member=info.filename)


def inflate(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The inflated bytes of member *name* in chunks, refused as soon as they pass its
    declared size (a header that lies) or the limits; the checksum is zipfile's."""
    info = archive.getinfo(name)
    total = 0
    try:
        with archive.open(info) as stream:
            while True:
                piece = stream.read(_CHUNK)
                if not piece:
                    break
                total += len(piece)
                if total > min(info.file_size, MAX_EXPORT_MEMBER):
                    raise XlsxLimitError(f"the zip member {name} inflates to more than its "
                                         f"declared {_mb(info.file_size)}: its header lies "
                                         "about its size", member=name)
                yield piece
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise XlsxLimitError(f"the zip member {name} is damaged ({exc})", member=name) from exc


def read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small member whole (workbook.xml, relationships), within :data:`MAX_SMALL_MEMBER`."""
    info = archive.getinfo(name)
    if info.file_size > MAX_SMALL_MEMBER:
        raise XlsxLimitError(f"the zip member {name} would inflate to {_mb(info.file_size)}, "
                             f"over the limit of {_mb(MAX_SMALL_MEMBER)} for this part",
                             member=name)
    return b"".join(inflate(archive, name))


def check_read_size(archive: zipfile.ZipFile, member: str, rows: int, cols: int, *,
                    sheet: str) -> None:
    """Refuse, before parsing, a tidy sheet bigger than a read-back holds in bounded memory:
    more than :data:`MAX_READ_CELLS` cells as *rows* x *cols* (which :func:`check_sheet` then
    verifies), or an XML part over :data:`MAX_READ_SHEET` (which :func:`inflate` verifies)."""
    size = archive.getinfo(member).file_size
    if rows * cols > MAX_READ_CELLS or size > MAX_READ_SHEET:
        raise XlsxLimitError(
            f"the hidden sheet {sheet!r} holds {rows:,} rows x {cols:,} columns "
            f"({rows * cols:,} cells, {_mb(size)} of XML), over the read-back limit of "
            f"{MAX_READ_CELLS:,} cells and {_mb(MAX_READ_SHEET)} (memory would pass ~1.5 GB); "
            "exports of this defbudget store a 1,000,000-row tidy frame well within it. Read "
            "the frame from its source again, or export it in parts", member=member)


def _cell_limits(rows: int, cols: int) -> re.Pattern[bytes]:
    """A pattern finding a cell reference beyond *rows* x *cols* by its length: more letters
    than the last column, a later letter at the last column's length, or more digits than
    the last row (rows of the same length are checked through the row elements)."""
    from defbudget.excel._tidy import column_letter

    last = column_letter(max(cols - 1, 0))
    n, d = len(last), len(str(rows))
    parts = [rb'<c r="[A-Z]{%d,}' % (n + 1), rb'<c r="[A-Z]*[0-9]{%d,}"' % (d + 1)]
    if n == 1 and last != "Z":
        parts.append(rb'<c r="[%s-Z][0-9]' % chr(ord(last) + 1).encode())
    return re.compile(b"|".join(parts))


def check_sheet(archive: zipfile.ZipFile, member: str, rows: int, cols: int, *,
                exact: bool, sheet: str | None = None) -> None:
    """Scan one sheet's cells, streamed: each has a reference within *rows* x *cols*, rows
    are numbered within *rows*, no entity references; with *exact*, the ``<dimension>`` is
    A1 to the last cell. Raises :class:`XlsxLimitError` naming the member and the cell."""
    beyond = _cell_limits(rows, cols)
    where = member if sheet is None else f"sheet {sheet!r} ({member})"
    tail = b""
    max_row = 0
    dimension = None
    pieces = inflate(archive, member)
    done = False
    while not done:
        piece = next(pieces, None)
        done = piece is None
        data = tail + (piece or b"")
        if dimension is None:
            m = _DIMENSION.search(data)
            dimension = m.group(1).decode() if m else None
        # A match starting in the last _OVERLAP bytes may be cut short by the chunk's end
        # ('<c r=' seen as '<c ' and a reference-less cell): it is looked at again with the
        # next chunk, and at the end of the part.
        limit = len(data) if done else len(data) - _OVERLAP
        for pattern, what in ((beyond, "lies beyond"), (_BARE_CELL, "has no reference in"),
                              (_ENTITY, "holds an entity reference, not allowed in")):
            m = pattern.search(data)
            if m and m.start() < limit:
                raise XlsxLimitError(
                    f"a cell of {where} {what} the {rows:,} rows x {cols:,} columns that "
                    f"_meta records (near byte {m.start()}: "
                    f"{data[m.start():m.start() + 24]!r})", member=member)
        found = _ROW_REF.findall(data)
        if found:
            max_row = max(max_row, max(int(r) for r in found))
        tail = data[-_OVERLAP:]
    if max_row > rows:
        raise XlsxLimitError(f"{where} has a row {max_row:,}, beyond the {rows:,} rows that "
                             "_meta records", member=member)
    if exact:
        from defbudget.excel._tidy import column_letter

        want = f"A1:{column_letter(max(cols - 1, 0))}{rows}"
        if dimension != want:
            raise XlsxLimitError(f"{where} says its cells span {dimension}, but _meta records"
                                 f" {rows:,} rows x {cols:,} columns ({want})", member=member)


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> path inside the xlsx archive: :func:`defbudget._xlsx.sheet_parts`,
    with workbook.xml and its relationships read within the export's limits."""
    return sheet_parts(archive, read=lambda name: read_small(archive, name))
