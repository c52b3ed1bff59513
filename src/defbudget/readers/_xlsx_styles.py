"""Font colours of workbook cells, read straight from the xlsx zip.

SIPRI marks estimates in blue and highly uncertain figures in red, and the font colour is the
only place that information lives: pandas, calamine and csv exports all drop it. openpyxl keeps
it but builds a Python object per cell (seconds for a SIPRI workbook). This module reads only
what is needed:

1. ``xl/styles.xml``: each font's colour (``rgb="FF0000FF"``, or ``indexed="12"`` resolved
   through the workbook's own ``<indexedColors>`` or Excel's default palette), and for each
   cell format (``cellXfs``) its ``fontId``; so each style index ``s`` maps to a colour class.
2. each sheet's XML: the ``r`` (A1 reference) and ``s`` (style index) of every ``<c>`` cell
   whose style is blue or red. A byte scanner handles the ordinary layout; anything unusual
   (namespace prefixes, comments, CDATA, single-quoted attributes, cells without ``r``) goes
   through the stdlib expat parser with DTDs and entities refused. If the zip cannot be read
   this way at all, openpyxl (read-only) is the fallback.

Theme colours (``theme="4"``) are not resolved: SIPRI's workbooks use rgb or indexed
colours, and a theme colour is reported as neither blue nor red.

Only the colour class of each flagged cell is returned; values come from calamine.
"""

from __future__ import annotations

import contextlib
import functools
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping
from os import PathLike
from xml.parsers import expat

import numpy as np

from defbudget._xlsx import CellTags, parse_cell_ref
from defbudget._xlsx import sheet_parts as _sheet_parts
from defbudget.readers._common import SourceFormatError

__all__ = ["BLUE", "ESTIMATE", "HIGHLY_UNCERTAIN", "RED", "read_font_flags", "style_flags"]

#: Flag given to a cell in blue font (SIPRI: "Figures in blue are SIPRI estimates").
ESTIMATE = "estimate"
#: Flag given to a cell in red font (SIPRI: "Figures in red indicate highly uncertain data").
HIGHLY_UNCERTAIN = "highly_uncertain"
#: The rgb values (without alpha) SIPRI uses.
BLUE = "0000FF"
RED = "FF0000"
_CLASS_OF_RGB = {BLUE: ESTIMATE, RED: HIGHLY_UNCERTAIN}

#: Excel's default indexed palette (rgb without alpha), entries 0-63; 64/65 are system
#: foreground/background. Pure blue sits at 4, 12 and 39, pure red at 2 and 10.
DEFAULT_PALETTE = (
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "800000", "008000", "000080", "808000", "800080", "008080", "C0C0C0", "808080",
    "9999FF", "993366", "FFFFCC", "CCFFFF", "660066", "FF8080", "0066CC", "CCCCFF",
    "000080", "FF00FF", "FFFF00", "00FFFF", "800080", "800000", "008080", "0000FF",
    "00CCFF", "CCFFFF", "CCFFCC", "FFFF99", "99CCFF", "FF99CC", "CC99FF", "FFCC99",
    "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699", "969696",
    "003366", "339966", "003300", "333300", "993300", "993366", "333399", "333333",
)

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

FlagMap = dict[tuple[int, int], str]
#: What a scan gives for a sheet: a :data:`FlagMap`, or a :class:`FlagCells` read as one.
Flags = Mapping[tuple[int, int], str]


class FlagCells(Mapping[tuple[int, int], str]):
    """Flagged cells as arrays: zero-based ``rows`` and ``cols`` and each one's ``flags``
    (object array of ``"estimate"`` / ``"highly_uncertain"``), in document order. Read as a
    mapping it is the :data:`FlagMap` (row, column) → flag, as the other scans give it (a
    reference given twice keeps its last flag); readers that want arrays take them as they
    are."""

    __slots__ = ("_map", "cols", "flags", "rows")

    def __init__(self, rows: np.ndarray, cols: np.ndarray, flags: np.ndarray):
        self.rows, self.cols, self.flags = rows, cols, flags
        self._map: FlagMap | None = None

    def _as_map(self) -> FlagMap:
        if self._map is None:
            self._map = dict(zip(zip(self.rows.tolist(), self.cols.tolist(), strict=True),
                                 self.flags.tolist(), strict=True))
        return self._map

    def __getitem__(self, cell: tuple[int, int]) -> str:
        return self._as_map()[cell]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._as_map())

    def __len__(self) -> int:
        return len(self._as_map())

    def __bool__(self) -> bool:  # without building the mapping
        return bool(self.rows.size)

    def __repr__(self) -> str:
        return f"FlagCells({self._as_map()!r})"


def _fromstring(data: bytes):
    import defusedxml.ElementTree as DET

    return DET.fromstring(data)


def _colour_class(attrib: dict[str, str], palette: list[str]) -> str | None:
    rgb = attrib.get("rgb")
    if rgb:
        return _CLASS_OF_RGB.get(rgb[-6:].upper())
    idx = attrib.get("indexed")
    if idx is not None and idx.isdigit():
        i = int(idx)
        if i < len(palette):
            return _CLASS_OF_RGB.get(palette[i].upper())
    return None


def style_flags(styles_xml: bytes) -> dict[int, str]:
    """Map cell-format (``s``) indices to ``"estimate"`` (blue) or ``"highly_uncertain"`` (red).

    Parameters
    ----------
    styles_xml
        The bytes of ``xl/styles.xml``.

    Returns
    -------
    dict
        Style index → flag, only for styles whose font is pure blue or pure red.

    Examples
    --------
    >>> xml = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ...        b'<fonts count="3"><font/><font><color indexed="12"/></font>'
    ...        b'<font><color rgb="FFFF0000"/></font></fonts>'
    ...        b'<cellXfs count="3"><xf fontId="0"/><xf fontId="1"/><xf fontId="2"/></cellXfs>'
    ...        b'</styleSheet>')
    >>> style_flags(xml)
    {1: 'estimate', 2: 'highly_uncertain'}
    """
    root = _fromstring(styles_xml)
    ns = {"m": _MAIN_NS}
    palette = list(DEFAULT_PALETTE)
    custom = root.find("m:colors/m:indexedColors", ns)
    if custom is not None:
        rgbs = [c.get("rgb", "")[-6:] for c in custom.findall("m:rgbColor", ns)]
        palette[: len(rgbs)] = rgbs
    font_class: list[str | None] = []
    for font in root.findall("m:fonts/m:font", ns):
        colour = font.find("m:color", ns)
        font_class.append(None if colour is None else _colour_class(colour.attrib, palette))
    out: dict[int, str] = {}
    for i, xf in enumerate(root.findall("m:cellXfs/m:xf", ns)):
        fid = xf.get("fontId", "0")
        if fid.isdigit() and int(fid) < len(font_class) and font_class[int(fid)]:
            out[i] = font_class[int(fid)]
    return out


class _NeedsSlowPath(Exception):
    pass


#: A1 reference (bytes) → (row, column); SIPRI sheets share most references.
_REF_MEMO: dict[bytes, tuple[int, int]] = {}


#: Inside <sheetData>: a comment, a CDATA section, a processing instruction, or a cell tag
#: not starting with ' r="'.
_ODD_IN_SHEET_DATA = re.compile(rb'<(?:!--|!\[CDATA\[|\?|c(?! r="))')


@functools.lru_cache(maxsize=32)
def _flagged_cells(styles: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """Regex of a cell tag that starts with its reference and has one of *styles*: group 1
    the reference, group 2 the style (attributes between them may be anything but ``<>``).
    The reference is matched possessively (``*+``): a shorter one could not be followed by
    its closing quote, so trying one is wasted work (a third of the scan).

    ``s="`` is tried right after each space of the tag, found a run of other bytes at a
    time (``(?:[^<> ]*+ )*?``): the places ``[^<>]*? s="`` would try one byte at a time,
    so the same cells match, for a sixth less time."""
    alternatives = b"|".join(re.escape(s) for s in styles)
    return re.compile(rb'<c r="([^"]*+)"(?:[^<> ]*+ )*?s="(' + alternatives + rb')"')


def _scan_regex(data: bytes, wanted: dict[bytes, str], start: int, plain: bool = False
                ) -> FlagMap | None:
    """The flagged cells found by one regex pass over <sheetData>, in C, when there is no
    comment or CDATA and every cell tag starts with its double-quoted reference (as Excel
    writes them); None otherwise. *plain*: the caller's scan of the sheet
    (:func:`defbudget._xlsx.scan_sheet`) found every cell tag so, and only comments and
    CDATA are looked for."""
    if start < 0 or b"'" in data:
        return None
    end = data.find(b"</sheetData>", start)
    end = len(data) if end < 0 else end
    if plain:
        if _markup_declaration(data, start, end):
            return None
    elif _ODD_IN_SHEET_DATA.search(data, start, end) is not None:
        return None
    refs = _REF_MEMO
    out: FlagMap = {}
    for ref, style in _flagged_cells(tuple(wanted)).findall(data, start, end):
        cell = refs.get(ref)
        if cell is None:
            cell = refs[ref] = parse_cell_ref(ref.decode("ascii"))
        out[cell] = wanted[style]
    return out


def _markup_declaration(data: bytes, start: int, end: int) -> bool:
    """True if a comment, a CDATA section (``<!``) or a processing instruction (``<?``) may
    lie in ``data[start:end]``: text that looks like a cell there is none. '!' and '?' are
    rare in sheet XML (sheet names in formulas, text), so their places are found with memchr
    and the byte before each looked at; many of them: plain searches instead."""
    for mark, needles in ((b"!", (b"<!--", b"<![CDATA[")), (b"?", (b"<?",))):
        k = data.find(mark, start, end)
        seen = 0
        while k >= 0:
            if data[k - 1:k] == b"<":
                return True
            seen += 1
            if seen > 1000:
                if any(data.find(n, start, end) >= 0 for n in needles):
                    return True
                break
            k = data.find(mark, k + 1, end)
    return False


#: The flags in the order of their codes in :func:`_scan_tags` (code 0: no flag).
_FLAG_CODES = (None, ESTIMATE, HIGHLY_UNCERTAIN)
#: A cell tag whose attributes after the reference are not `` s="`` nor one of these is
#: looked at one by one; beyond this many, the regex scan does the whole sheet instead.
_MAX_ODD_TAGS = 2000


def _scan_tags(data: bytes, tags: CellTags, wanted: dict[bytes, str]) -> FlagCells | None:
    """The flagged cells, read with numpy at the places :func:`defbudget._xlsx.scan_sheet`
    found the cell references (*tags*): a style right after the reference, or after a
    one-letter type (`` s="12"``, `` t="n" s="12"``, as Excel and other writers put them),
    is read there; a tag that goes on otherwise must close there or have no `` s=`` in it
    (looked at one by one, a few). None when the sheet is not that plain (comments, CDATA,
    more odd tags): the regex scan decides."""
    start = data.find(b"<sheetData")
    if start < 0:
        return None
    end = data.find(b"</sheetData>", start)
    end = len(data) if end < 0 else end
    if _markup_declaration(data, start, end):
        return None
    a, quote = tags.array, tags.quote  # TAG_ROOM bytes follow the last tag's start
    if len(quote) and not (start < tags.ref[0] and tags.ref[-1] < end):
        return None  # a tag outside <sheetData> is no cell
    typed = ((a[quote + 1] == 32) & (a[quote + 2] == 116) & (a[quote + 3] == 61)
             & (a[quote + 4] == 34) & (a[quote + 6] == 34))  # ' t="n"': a one-letter type
    place = quote + 1 + 6 * typed  # where a style attribute would start
    after = [a[place + k] for k in (0, 1, 2, 3)]
    styled = (after[0] == 32) & (after[1] == 115) & (after[2] == 61) & (after[3] == 34)
    if not _unstyled_hold_no_style(data, place[~styled], after[0][~styled]):
        return None
    which = np.flatnonzero(styled)
    first = place[which] + 4
    style = np.zeros(len(which), dtype=np.int64)
    digits = np.zeros(len(which), dtype=np.int64)
    going = np.ones(len(which), dtype=bool)
    for k in range(6):  # the style index: one to six digits, then the closing quote
        digit = a[first + k] - 48
        going &= digit < 10
        if not going.any():
            break
        style = np.where(going, style * 10 + digit, style)
        digits += going
    if not ((digits > 0) & (a[first + digits] == 34)).all():
        return None
    code_of = {flag: i for i, flag in enumerate(_FLAG_CODES)}
    table = np.zeros(max((int(k) for k in wanted), default=0) + 2, dtype=np.int8)
    for index, flag in wanted.items():
        table[int(index)] = code_of[flag]
    codes = table[np.minimum(style, len(table) - 1)]
    hit = np.flatnonzero(codes)
    rows, cols = tags.cells(which[hit])
    if (rows < 0).any():  # row 0 ("A0") is no reference: the regex scan decides
        return None
    return FlagCells(rows, cols, np.asarray(_FLAG_CODES, dtype=object)[codes[hit]])


def _unstyled_hold_no_style(data: bytes, place: np.ndarray, first: np.ndarray) -> bool:
    """True if none of the cell tags whose attributes go on at *place* (after the reference
    and any one-letter type; *first*: the byte there) without `` s="`` has a style further
    on: each closes there (``>``, ``/>``), or has no `` s=`` before its ``>`` (looked at one
    by one, at most :data:`_MAX_ODD_TAGS`)."""
    rest = place[(first != 62) & (first != 47)]
    if rest.size > _MAX_ODD_TAGS:
        return False
    for q in rest.tolist():
        end = data.find(b">", q)
        if _STYLE_ATTR.search(data, q, len(data) if end < 0 else end):
            return False
    return True


#: A style attribute among a tag's attributes.
_STYLE_ATTR = re.compile(rb"\ss\s*=")


def _scan_fast(data: bytes, wanted: dict[bytes, str], plain: bool = False,
               tags: CellTags | None = None) -> Flags:
    """Find the cells whose ``s`` is a flagged style by searching for ``s="N"`` directly.

    Where :func:`defbudget._xlsx.scan_sheet` found where every reference lies (*tags*),
    the style after each is read there with numpy (:func:`_scan_tags`). In the layout Excel
    writes (every cell tag starting with its double-quoted reference, no comment or CDATA)
    one regex pass over <sheetData> finds them; otherwise only the (few) flagged cells are
    visited, one search per style. Raises _NeedsSlowPath when the layout
    is not the plain one this relies on (then expat does the work).
    """
    start = data.find(b"<sheetData")
    if b"<!DOCTYPE" in data[:start] or b"<!ENTITY" in data[:start]:
        raise _NeedsSlowPath  # expat refuses DTDs and entities, with a clear message
    if tags is not None:
        cells = _scan_tags(data, tags, wanted)
        if cells is not None:
            return cells
    found = _scan_regex(data, wanted, start, plain)
    return found if found is not None else _scan_per_style(data, wanted, start)


def _scan_per_style(data: bytes, wanted: dict[bytes, str], start: int) -> FlagMap:
    """The flagged cells found by one search per flagged style (`` s="N"``), visiting only
    those cells; for cell tags that do not start with their reference. Raises
    _NeedsSlowPath where a comment, CDATA, single quotes or odd whitespace could hide or fake
    a cell, or a cell has no reference."""
    refs = _REF_MEMO
    out: FlagMap = {}
    if start < 0 or b"<!--" in data or b"<![CDATA[" in data or b"='" in data:
        raise _NeedsSlowPath
    if data.find(b"<?", start) >= 0:  # a processing instruction inside <sheetData>
        raise _NeedsSlowPath
    for sep in (b"<c\n", b"<c\t", b"<c\r"):
        if sep in data:
            raise _NeedsSlowPath
    find, rfind = data.find, data.rfind
    for style, flag in wanted.items():
        token = b' s="' + style + b'"'
        pos = find(token, start)
        while pos >= 0:
            tag = rfind(b"<", start, pos)
            if data[tag : tag + 3] == b"<c ":
                chunk = data[tag + 2 : pos]  # attributes before s=
                k = chunk.find(b' r="')
                if k < 0:
                    end = find(b">", pos)
                    chunk = data[pos : end]  # r= may come after s=
                    k = chunk.find(b' r="')
                    if k < 0:
                        raise _NeedsSlowPath  # cell without a reference: count positions
                e = chunk.find(b'"', k + 4)
                ref = chunk[k + 4 : e]
                cell = refs.get(ref)
                if cell is None:
                    cell = refs[ref] = parse_cell_ref(ref.decode("ascii"))
                out[cell] = flag
            pos = find(token, pos + 1)
    return out


def _scan_expat(data: bytes, wanted: dict[bytes, str]) -> FlagMap:
    """Namespace-aware expat scan; tracks positions when ``r`` attributes are absent."""
    wanted_s = {k.decode(): v for k, v in wanted.items()}
    out: FlagMap = {}
    state = {"row": -1, "col": -1}
    row_tag = f"{_MAIN_NS} row"
    c_tag = f"{_MAIN_NS} c"

    def start(tag, attrs):
        if tag == c_tag:
            ref = attrs.get("r")
            if ref:
                r, c = parse_cell_ref(ref)
                state["row"], state["col"] = r, c
            else:
                state["col"] += 1
            flag = wanted_s.get(attrs.get("s", ""))
            if flag:
                out[(state["row"], state["col"])] = flag
        elif tag == row_tag:
            r = attrs.get("r")
            state["row"] = int(r) - 1 if r and r.isdigit() else state["row"] + 1
            state["col"] = -1

    def refuse(*_args):
        raise SourceFormatError("the sheet XML declares a DTD or entities; refusing to parse it "
                                "(a genuine Excel file never does)")

    p = expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start
    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.Parse(data, True)
    return out


class _Hostile(Exception):
    """An XML part declares a DTD or entities: refused, never handed to another parser."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


def _hostile_error(path, part: str, sheet: str | None = None) -> SourceFormatError:
    return SourceFormatError(
        f"the XML part {part} declares a DTD or entities, which Excel never writes (entity "
        "expansion is how 'billion laughs' files exhaust memory); refused without expanding "
        "it. Expected a workbook as saved by Excel: download it again from its source, or "
        "open it in Excel and save a fresh copy.", path=path, sheet=sheet)


def _guard(part: str, parse, *args):
    """Run *parse*; turn defusedxml's or expat's refusal of a DTD into :class:`_Hostile`."""
    from defusedxml import DefusedXmlException

    try:
        return parse(*args)
    except (DefusedXmlException, SourceFormatError) as exc:
        raise _Hostile(part) from exc


def _read_zip(path: str | PathLike, sheets: Iterable[str], method: str,
              data_of: dict[str, bytes] | None = None,
              plain_cells: Collection[str] = (),
              cell_tags: Mapping[str, CellTags] | None = None,
              parts: dict[str, str] | None = None) -> dict[str, Flags]:
    data_of, cell_tags = data_of or {}, cell_tags or {}
    with contextlib.ExitStack() as stack:
        opened: list[zipfile.ZipFile] = []

        def archive() -> zipfile.ZipFile:  # opened only for what the caller did not give
            if not opened:
                opened.append(stack.enter_context(zipfile.ZipFile(path)))
            return opened[0]

        styles = data_of.get("xl/styles.xml")
        flags = _guard("xl/styles.xml", style_flags,
                       archive().read("xl/styles.xml") if styles is None else styles)
        if parts is None:
            parts = _guard("xl/workbook.xml", _sheet_parts, archive())
        wanted = {str(k).encode(): v for k, v in flags.items()}
        result: dict[str, Flags] = {}
        for name in sheets:
            if not wanted:
                result[name] = {}
                continue
            member = parts[name]
            data = data_of.get(member)
            if data is None:
                data = archive().read(member)
            if method == "expat":
                result[name] = _guard(member, _scan_expat, data, wanted)
                continue
            try:
                result[name] = _scan_fast(data, wanted, member in plain_cells,
                                          cell_tags.get(member))
            except _NeedsSlowPath:
                result[name] = _guard(member, _scan_expat, data, wanted)
        return result


def _read_openpyxl(path: str | PathLike, sheets: Iterable[str]) -> dict[str, FlagMap]:
    import openpyxl

    palette = list(DEFAULT_PALETTE)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if wb._colors:  # the workbook's own indexed palette, if it defines one
            palette[: len(wb._colors)] = [c[-6:] for c in wb._colors]
        result: dict[str, FlagMap] = {}
        for name in sheets:
            out: FlagMap = {}
            for row in wb[name].iter_rows():
                for cell in row:
                    if not hasattr(cell, "font") or cell.font is None:
                        continue
                    colour = cell.font.color
                    if colour is None:
                        continue
                    attrib = {}
                    if colour.type == "rgb" and isinstance(colour.rgb, str):
                        attrib["rgb"] = colour.rgb
                    elif colour.type == "indexed":
                        attrib["indexed"] = str(colour.indexed)
                    flag = _colour_class(attrib, palette)
                    if flag:
                        out[(cell.row - 1, cell.column - 1)] = flag
            result[name] = out
        return result
    finally:
        wb.close()


def read_font_flags(path: str | PathLike, sheets: Iterable[str], *, method: str = "auto",
                    data_of: dict[str, bytes] | None = None,
                    plain_cells: Collection[str] = (),
                    cell_tags: Mapping[str, CellTags] | None = None,
                    parts: dict[str, str] | None = None) -> Mapping[str, Flags]:
    """Cells in blue or red font, per sheet.

    Parameters
    ----------
    path
        An ``.xlsx`` workbook. It is opened read-only.
    sheets
        Names of the sheets to scan.
    method
        ``"auto"`` (byte scan, expat where the layout is unusual, openpyxl if the zip cannot
        be read directly), or force ``"fast"``, ``"expat"`` or ``"openpyxl"`` (for testing).
    data_of
        Zip member → its bytes, already inflated (and checked) by the caller.
    plain_cells
        Members of *data_of* whose cell tags the caller found all plain
        (:attr:`defbudget._xlsx.SheetScan.plain`): the scan does not look for other forms
        of cell tag again.
    cell_tags
        Member → where its cell references lie (:attr:`defbudget._xlsx.SheetScan.tags`):
        the styles are read at those places (:class:`FlagCells` is returned for the sheet).
    parts
        Sheet name → zip member (:func:`defbudget._xlsx.sheet_parts`), when the caller has
        read ``xl/workbook.xml`` already.

    Returns
    -------
    dict
        Sheet name → {(row, column) zero-based: ``"estimate"`` | ``"highly_uncertain"``}.

    Examples
    --------
    >>> import tempfile, os, openpyxl
    >>> from openpyxl.styles import Font
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Data"
    >>> ws["B2"] = 1.5; ws["B2"].font = Font(color="FF0000FF")
    >>> ws["C2"] = 2.5; ws["C2"].font = Font(color="FFFF0000")
    >>> ws["D2"] = 3.5
    >>> path = os.path.join(tempfile.mkdtemp(), "flags.xlsx"); wb.save(path)
    >>> sorted(read_font_flags(path, ["Data"])["Data"].items())
    [((1, 1), 'estimate'), ((1, 2), 'highly_uncertain')]
    """
    sheets = list(sheets)
    if method == "openpyxl":
        return _read_openpyxl_checked(path, sheets)
    try:
        return _read_zip(path, sheets, method, data_of, plain_cells, cell_tags, parts)
    except _Hostile as exc:
        raise _hostile_error(path, exc.part) from exc
    except (KeyError, zipfile.BadZipFile, expat.ExpatError, ValueError, SyntaxError):
        if method != "auto":
            raise
        return _read_openpyxl_checked(path, sheets)


def _read_openpyxl_checked(path: str | PathLike, sheets: list[str]) -> dict[str, FlagMap]:
    """The openpyxl fallback, with its errors turned into :class:`SourceFormatError`."""
    from defusedxml import DefusedXmlException

    try:
        return _read_openpyxl(path, sheets)
    except Exception as exc:  # openpyxl raises IndexError, KeyError, ValueError, ...
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, DefusedXmlException):
                raise _hostile_error(path, "of the workbook") from exc
            cause = cause.__cause__ or cause.__context__
        raise SourceFormatError(
            "the font colours (SIPRI's blue estimates and red uncertain figures) cannot be "
            f"read: the cell styles (xl/styles.xml) or a sheet's XML are damaged or missing "
            f"({type(exc).__name__}: {exc}). Expected an .xlsx as saved by Excel: download "
            "it again, or open it in Excel and save a fresh copy.", path=path) from exc
