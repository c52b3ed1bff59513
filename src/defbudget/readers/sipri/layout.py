"""Where things are in a SIPRI workbook, found by content: the sheet kinds by their tab
titles, the header row by its "Country"/"Region" label next to year cells, the years and
label columns, the scale stated in the notes, and the country rows under their region
headings. Every year header is checked here (whole, consecutive, no text that looks like a
year), and so is every name (once per sheet after normalisation).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from defbudget._xlsx import cell_ref
from defbudget.readers._countries import normalise_name
from defbudget.readers.sipri._errors import SipriFormatError
from defbudget.readers.sipri.grammar import _text, clean_name
from defbudget.readers.sipri.locate import DOWNLOAD_URL

__all__ = [
    "COUNTRY_LABEL",
    "CURRENCY_LABEL",
    "FISCAL_YEAR_LABEL",
    "FOOTNOTES_SHEET",
    "FULL_RELEASE_MIN",
    "KNOWN_REGIONS",
    "MAX_HEADER_ROW",
    "NOTES_LABEL",
    "OMITTED_LABEL",
    "REGION_LABEL",
    "REPORTING_YEAR_LABEL",
    "SHEET_KINDS",
    "SHEET_NAMES",
    "WORLD",
    "YEAR_RANGE",
    "SheetKind",
]

# Header labels (compared lower-case, single-spaced) ---------------------------------------
COUNTRY_LABEL = "country"
REGION_LABEL = "region"
NOTES_LABEL = "notes"
CURRENCY_LABEL = "currency"
FISCAL_YEAR_LABEL = "fiscal year"  # "Fiscal Year (Jan-Dec if not stated)"
REPORTING_YEAR_LABEL = "reporting year"
OMITTED_LABEL = "omitted countries"
_YEARISH_TEXT = re.compile(r"^\s*'?\s*\d{4}(?:\.0+)?\s*$")
_CURRENT_PRICES_HEADER = re.compile(r"^\s*(\d{4})\s*\(current prices\)\s*$", re.I)

#: Region headings SIPRI uses; any other heading followed directly by another heading is a
#: region too, every other heading is a sub-region of the region above it.
KNOWN_REGIONS = ("Africa", "Americas", "Asia & Oceania", "Asia and Oceania", "Europe",
                 "Middle East")
WORLD = "World"
_KNOWN_REGIONS = {normalise_name(r) for r in KNOWN_REGIONS}

#: Plausible years for year-column headers.
YEAR_RANGE = (1900, 2100)
#: How far down a sheet the header row is looked for.
MAX_HEADER_ROW = 60

@dataclass(frozen=True)
class SheetKind:
    """How one kind of SIPRI sheet maps onto the tidy frame."""

    short: str
    title: re.Pattern
    measure: str
    unit: str | None  # None: the local currency of each row
    price_basis: str
    period: str
    scale: float  # multiplier to whole units when the sheet's notes do not state one
    first_label: str = COUNTRY_LABEL
    share: bool = False


#: Sheet kinds, matched against sheet names (tab titles). Short names are what ``sheets=``
#: takes; the mapping is also SHEET_NAMES.
SHEET_KINDS: tuple[SheetKind, ...] = (
    SheetKind("constant_usd", re.compile(r"^\s*constant\s*\(\s*(\d{4})\s*\)\s*us\$", re.I),
              "milex", "USD", "constant", "CY", 1e6),
    SheetKind("current_usd", re.compile(r"^\s*current\s+us\$", re.I),
              "milex", "USD", "current", "CY", 1e6),
    SheetKind("lcu_fy", re.compile(r"^\s*local\s+currency\s+financial\s+years?", re.I),
              "milex", None, "current", "FY", 1.0),
    SheetKind("lcu_cy", re.compile(r"^\s*local\s+currency\s+calendar\s+years?", re.I),
              "milex", None, "current", "CY", 1.0),
    SheetKind("share_gdp", re.compile(r"^\s*share\s+of\s+gdp", re.I),
              "milex_share_gdp", "ratio", "current", "CY", 1.0, share=True),
    SheetKind("per_capita", re.compile(r"^\s*per\s+capita", re.I),
              "milex_per_capita", "USD/person", "current", "CY", 1.0),
    SheetKind("share_govt", re.compile(r"^\s*share\s+of\s+gov", re.I),
              "milex_share_govt", "ratio", "current", "CY", 1.0, share=True),
    SheetKind("regional", re.compile(r"^\s*regional\s+totals", re.I),
              "milex", "USD", "constant", "CY", 1e9, first_label=REGION_LABEL),
)
_KIND = {k.short: k for k in SHEET_KINDS}


def _constant_base_year(sheet: str) -> int:
    """The price year in a ``Constant (YYYY) US$`` sheet name; a clear error if it has none."""
    m = _KIND["constant_usd"].title.search(sheet)
    if m is None:
        raise SipriFormatError(f"sheet {sheet!r} is not a 'Constant (YYYY) US$' sheet: its name "
                               "gives no price year.", sheet=sheet)
    return int(m.group(1))
#: Short name → what the sheet holds.
SHEET_NAMES: dict[str, str] = {
    "constant_usd": "Constant (YYYY) US$: milex, USD at constant YYYY prices (US$ m. × 1e6)",
    "current_usd": "Current US$: milex, USD at current prices (US$ m. × 1e6)",
    "lcu_fy": "Local currency financial years: milex, local currency, period FY",
    "lcu_cy": "Local currency calendar years: milex, local currency, period CY",
    "share_gdp": "Share of GDP: milex_share_gdp, ratio",
    "per_capita": "Per capita: milex_per_capita, USD/person at current prices",
    "share_govt": "Share of Govt. spending: milex_share_govt, ratio",
    "regional": "Regional totals: milex of regions, USD (US$ b. × 1e9) at constant prices, "
                "plus the last year at current prices",
}
FOOTNOTES_SHEET = re.compile(r"^\s*footnotes", re.I)
_FRONT_PAGE = re.compile(r"^\s*front\s*page", re.I)
#: A workbook with at least this many data-sheet kinds is taken for a full release, which
#: has all of them (the three real releases do): a missing kind gets a warning.
FULL_RELEASE_MIN = 5
_SCALE_PATTERNS = (
    (re.compile(r"US\s?\$\s?b(?:n)?\b|billions? of US", re.I), 1e9),
    (re.compile(r"US\s?\$\s?m\b|millions? of US", re.I), 1e6),
)
_BASE_YEAR_NOTE = re.compile(r"constant\s*\(?\s*((?:19|20)\d{2})\s*\)?", re.I)


def _match_sheets(sheet_names: Sequence[str], path: Path) -> dict[str, str]:
    """Short name → sheet name, by title text."""
    found: dict[str, str] = {}
    for name in sheet_names:
        for kind in SHEET_KINDS:
            if kind.title.search(name):
                if kind.short in found:
                    raise SipriFormatError(
                        f"two sheets look like {kind.short!r}: {found[kind.short]!r} and "
                        f"{name!r}. Expected one of each kind; remove or rename the copy "
                        "(the original SIPRI download has one).", path=path, sheet=name)
                found[kind.short] = name
                break
    if not found:
        raise SipriFormatError(
            f"this is not a SIPRI Military Expenditure workbook: its sheets are "
            f"{list(sheet_names)}, none of which is a SIPRI data sheet (expected titles such "
            f"as 'Current US$', 'Constant (2023) US$', 'Share of GDP'). Download the workbook "
            f"from {DOWNLOAD_URL}.", path=path)
    return found



def _year_of(v) -> int | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not v.is_integer():
        return None
    y = int(v)
    return y if YEAR_RANGE[0] <= y <= YEAR_RANGE[1] else None


@dataclass
class _Header:
    row: int
    name_col: int
    year_cols: list[int]
    years: list[int]
    labels: dict[str, int]  # normalised label → column
    extra_years: dict[int, int]  # "2024 (current prices)" column → year


def _find_header(rows: list[list], kind: SheetKind, path: Path, sheet: str) -> _Header:
    """The header row: the first of the top :data:`MAX_HEADER_ROW` rows whose first filled
    cell is the kind's label ("Country", "Region") with at least two year cells right of it.
    Its other cells must not look like years (:func:`_header_labels`), and its years must
    run one per column without gaps (:func:`_check_year_sequence`)."""
    for i, row in enumerate(rows[:MAX_HEADER_ROW]):
        first = next((j for j, v in enumerate(row) if _text(v)), None)
        if first is None or normalise_name(_text(row[first])) != kind.first_label:
            continue
        year_cols = [j for j in range(first + 1, len(row)) if _year_of(row[j]) is not None]
        if len(year_cols) < 2:
            continue
        labels, extra = _header_labels(row, i, first, set(year_cols), path, sheet)
        years = [int(row[j]) for j in year_cols]  # _year_of said each is a whole year
        _check_year_sequence(years, year_cols, i, path, sheet)
        return _Header(i, first, year_cols, years, labels, extra)
    raise SipriFormatError(
        f"no header row found in the first {MAX_HEADER_ROW} rows: expected a row whose first "
        f"cell is {kind.first_label.title()!r} followed by year cells (e.g. 1949 ... 2024). "
        "Was the sheet edited? Use the original SIPRI download.", path=path, sheet=sheet)


def _header_labels(row: list, i: int, first: int, year_cols: set[int], path: Path,
                   sheet: str) -> tuple[dict[str, int], dict[int, int]]:
    """Label → column and "YYYY (current prices)" column → year of the header's non-year
    cells; a number that is not a year in range, or text that reads as a year, is refused."""
    labels: dict[str, int] = {}
    extra: dict[int, int] = {}
    for j in range(first + 1, len(row)):
        if j in year_cols:
            continue
        v = row[j]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            raise SipriFormatError(
                f"the header cell holds {_text(v)!r}, which is not a year in sequence "
                f"(expected whole years from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}, one per "
                "column, each one more than the last): a mistyped year would drop or "
                "misplace its column. Restore the header from the original SIPRI download.",
                path=path, sheet=sheet, cell=cell_ref(i, j))
        if isinstance(v, str) and _YEARISH_TEXT.match(v):
            raise SipriFormatError(
                f"the header cell holds the text {v!r}, not a year number: the column "
                "would be dropped with its year. Expected a number such as 2024 (type it "
                "again as a number, or restore the header from the original SIPRI "
                "download).", path=path, sheet=sheet, cell=cell_ref(i, j))
        t = _text(v)
        if not t:
            continue
        m = _CURRENT_PRICES_HEADER.match(t)
        if m:
            extra[j] = int(m.group(1))
            continue
        labels[normalise_name(t)] = j
    return labels, extra


def _check_year_sequence(years: list[int], year_cols: list[int], i: int, path: Path,
                         sheet: str) -> None:
    """Each year once, in increasing order, one column per year with no gap: a mistyped or
    moved year header would put values under the wrong year."""
    if len(set(years)) != len(years):
        dup = next(y for y, n in Counter(years).items() if n > 1)
        second = year_cols[len(years) - 1 - years[::-1].index(dup)]
        raise SipriFormatError(
            f"the header row lists year {dup} twice; expected each year once, in "
            "increasing order. Restore the header from the original SIPRI download.",
            path=path, sheet=sheet, cell=cell_ref(i, second))
    for k in range(1, len(years)):
        if years[k] <= years[k - 1]:
            raise SipriFormatError(
                f"the year columns are out of order: {years[k]} follows {years[k - 1]}; "
                "expected the years in increasing order (a sorted or edited header would "
                "put values under the wrong year). Restore the header from the original "
                "SIPRI download.", path=path, sheet=sheet, cell=cell_ref(i, year_cols[k]))
    for k in range(1, len(years)):
        if years[k] != years[k - 1] + 1 or year_cols[k] != year_cols[k - 1] + 1:
            gap = ("columns between them" if years[k] == years[k - 1] + 1
                   else f"{years[k] - years[k - 1] - 1} year(s) missing")
            raise SipriFormatError(
                f"the year columns are not consecutive: {years[k]} follows "
                f"{years[k - 1]} ({gap}); expected one column per year, each one more than "
                "the last (a mistyped year such as 2042 for 2024 would become data for "
                "the wrong year). Restore the header from the original SIPRI download.",
                path=path, sheet=sheet, cell=cell_ref(i, year_cols[k]))


def _label_col(header: _Header, prefix: str) -> int | None:
    for label, j in header.labels.items():
        if label.startswith(prefix):
            return j
    return None


def _notes_text(rows: list[list], header: _Header) -> str:
    return " ".join(t for row in rows[: header.row] for t in map(_text, row) if t)


def _scale(notes: str, kind: SheetKind) -> float:
    if kind.unit not in ("USD",):
        return kind.scale
    for pattern, scale in _SCALE_PATTERNS:
        if pattern.search(notes):
            return scale
    return kind.scale



@dataclass
class _Entity:
    row: int
    name: str
    region: str | None
    subregion: str | None


def _body(rows: list[list], header: _Header, kind: SheetKind, path: Path, sheet: str
          ) -> list[_Entity]:
    """Country (or region) rows below the header, with the region headings they sit under."""
    width, nc = len(rows[header.row]), header.name_col
    data_cols = [j for j in range(width) if j != nc]
    classified = []
    for i in range(header.row + 1, len(rows)):
        row = rows[i]
        name = _text(row[nc]) if nc < len(row) else ""
        others = row[nc + 1:width] if nc == 0 else row[:nc] + row[nc + 1:width]
        # an empty cell reads as '' (calamine): a row of them is looked at no further
        filled = others.count("") != len(others) and any(map(_text, others))
        if not name:
            if filled:
                j = next(j for j in data_cols if j < len(row) and _text(row[j]))
                raise SipriFormatError(
                    f"row {i + 1} has values but no {kind.first_label} name in column "
                    f"{cell_ref(i, header.name_col)[:-len(str(i + 1))]}; expected a name or an "
                    "empty row.", path=path, sheet=sheet, cell=cell_ref(i, j))
            continue
        classified.append((i, clean_name(name), filled))
    entities: list[_Entity] = []
    region = subregion = None
    for k, (i, name, filled) in enumerate(classified):
        key = normalise_name(name)
        if kind.short == "regional":
            if key == normalise_name(WORLD):
                entities.append(_Entity(i, name, None, None))
            elif key in _KNOWN_REGIONS:
                region = name
                entities.append(_Entity(i, name, name, None))
            else:
                entities.append(_Entity(i, name, region, name))
            continue
        if not filled:  # a heading row
            next_is_heading = k + 1 < len(classified) and not classified[k + 1][2]
            if key in _KNOWN_REGIONS or next_is_heading:
                region, subregion = name, None
            else:
                subregion = name
            continue
        entities.append(_Entity(i, name, region, subregion))
    return entities



def _raw_text(rows, r: int, c: int) -> str:
    return _text(rows[r][c]) if c < len(rows[r]) else ""


def _check_unique_names(rows, entities, header: _Header, kind: SheetKind, path: Path,
                        sheet: str) -> None:
    """Refuse a sheet listing one country twice: which row's figures are right is unknowable."""
    seen: dict[str, int] = {}
    for e in entities:
        key = normalise_name(e.name)
        if key in seen:
            raw = [_raw_text(rows, r, header.name_col) for r in (seen[key], e.row)]
            hidden = (f" (as printed {raw[0]!r} and {raw[1]!r}: the same name once invisible "
                      "characters and compatibility forms are removed)"
                      if raw[0] != raw[1] else "")
            raise SipriFormatError(
                f"{kind.first_label} {e.name!r} appears twice (rows {seen[key] + 1} and "
                f"{e.row + 1}){hidden}; expected each {kind.first_label} once per sheet. "
                "Delete the copied row, or restore the sheet from the original SIPRI download.",
                path=path, sheet=sheet, cell=cell_ref(e.row, header.name_col))
        seen[key] = e.row
