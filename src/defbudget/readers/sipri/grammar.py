"""SIPRI's written conventions: value-cell markers, note symbols, footnote numbers, fiscal
years and the text of names. Pure functions of cell values; nothing here reads a file.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "FY_FROM_FOOTNOTES",
    "NOT_INDEPENDENT",
    "NOT_INDEPENDENT_MARKERS",
    "SYMBOLS",
    "UNAVAILABLE",
    "UNAVAILABLE_MARKERS",
    "clean_name",
    "parse_fiscal_year",
    "parse_notes",
    "read_footnotes",
]

# Markers in value cells ------------------------------------------------------------------
UNAVAILABLE = "unavailable"
NOT_INDEPENDENT = "not_independent"
#: Cell texts meaning "data unavailable" (compared after trimming).
UNAVAILABLE_MARKERS = ("...", ". .", "..", ". . .")
#: Cell texts meaning "country did not exist or was not independent".
NOT_INDEPENDENT_MARKERS = ("xxx", "XXX")
_MARKER_FLAG = {**dict.fromkeys(UNAVAILABLE_MARKERS, UNAVAILABLE),
                **dict.fromkeys(NOT_INDEPENDENT_MARKERS, NOT_INDEPENDENT)}

#: SIPRI's special-note symbols (Footnotes sheet, "special notes used in each worksheet").
SYMBOLS: dict[str, str] = {
    "†": "excludes_pensions",  # figures do not include military pensions
    "‡": "current_spending_only",  # current spending only, i.e. exclude capital spending
    "§": "adopted_budget",  # figures are for the adopted budget, not actual expenditure
    "¶": "excludes_paramilitary",  # figures do not include spending on paramilitary forces
    "‖": "currency_redenominated",  # currency changed; figures converted to the latest one
}
_SYMBOL_ORDER = list(SYMBOLS.values())

#: Fiscal-year conventions SIPRI gives only in a footnote ("See footnote"), transcribed into
#: the grammar of the "Fiscal Year" column. Years the rule does not cover get start month 1
#: and a :class:`SipriFiscalYearWarning` when they hold a value.
FY_FROM_FOOTNOTES: dict[str, str] = {
    # Footnote 17 (2024, 2025 editions): Jan-Dec up to 1994, 1995 an 18-month year from Jan.,
    # Jul-Jun 1996/97 to 1999/2000, 2000 a 6-month Jul-Dec year, Jan-Dec from 2001.
    "Morocco": "Till: 1995 Jan-Dec, From 1996 Till: 1999 Jul-Jun, 2000: Jul-Dec, "
               "From 2001: Jan-Dec",
    # Footnote 22: Jan-Dec to 1966, Jul-Jun 1967/68-1969/70, Jan-Dec 1970-1979, Jul-Jun
    # 1980/81 and 1981/82, Jan-Dec from 1982 (the text's own overlap kept as printed).
    "Ghana": "Till: 1966 Jan-Dec, From 1967 Till: 1969 Jul-Jun, From 1970 Till: 1979 Jan-Dec, "
             "From 1980 Till: 1981 Jul-Jun, From 1982: Jan-Dec",
    # Footnote 95: Jul-Jun 1969-1973, Apr-Mar 1974, Jul-Jun 1976/77-1999/2000, 2000/01 a
    # 9-month Jul-Mar year, Apr-Mar from 2001.
    "Kuwait": "From 1969 Till: 1973 Jul-Jun, 1974: Apr-Mar, From 1976 Till: 1999 Jul-Jun, "
              "2000: Jul-Mar, From 2001: Apr-Mar",
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}



def clean_name(name: str) -> str:
    """A name as printed, NFKC-normalised, invisible format characters (zero-width space
    U+200B, right-to-left override U+202E, soft hyphen ...) removed and spaces collapsed, so
    that 'Jap\u200ban' and 'Japan' are one country.

    Examples
    --------
    >>> clean_name("Jap\u200ban"), clean_name("\u202eJapan "), clean_name("Ｊａｐａｎ")
    ('Japan', 'Japan', 'Japan')
    """
    if name.isascii():  # NFKC leaves ASCII alone and format characters are not ASCII
        return " ".join(name.split())
    text = unicodedata.normalize("NFKC", name)
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_notes(cell: object) -> tuple[list[str], list[str], str]:
    """Split a Notes cell into symbol names, footnote numbers and any other text.

    Examples
    --------
    >>> parse_notes("‡§¶16")
    (['current_spending_only', 'adopted_budget', 'excludes_paramilitary'], ['16'], '')
    >>> parse_notes(56.0)
    ([], ['56'], '')
    >>> parse_notes("§4, 12")
    (['adopted_budget'], ['4', '12'], '')
    """
    text = _text(cell)
    symbols: list[str] = []
    numbers: list[str] = []
    rest: list[str] = []
    digits = ""
    for ch in text:
        if ch.isdigit():
            digits += ch
            continue
        if digits:
            numbers.append(digits)
            digits = ""
        if ch in SYMBOLS:
            if SYMBOLS[ch] not in symbols:
                symbols.append(SYMBOLS[ch])
        elif ch in " ,;/" or ch.isspace():
            continue
        else:
            rest.append(ch)
    if digits:
        numbers.append(digits)
    symbols.sort(key=_SYMBOL_ORDER.index)
    return symbols, numbers, "".join(rest)


@functools.lru_cache(maxsize=4096, typed=True)  # typed: 1.0 (footnote 1) is not True
def _notes_of(cell: object) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """:func:`parse_notes` of a Notes cell, kept: each country's cell recurs on every sheet."""
    symbols, numbers, rest = parse_notes(cell)
    return tuple(symbols), tuple(numbers), rest


def parse_fiscal_year(text: str) -> list[tuple[int | None, int | None, int]]:
    """Rules ``(first_year, last_year, start_month)`` from SIPRI's "Fiscal Year" text.

    Blank means Jan-Dec. Returns an empty list when the text states no convention
    ("See footnote").

    Examples
    --------
    >>> parse_fiscal_year("Apr-Mar")
    [(None, None, 4)]
    >>> parse_fiscal_year("")
    [(None, None, 1)]
    >>> parse_fiscal_year("Till: 1956 Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec")
    [(None, 1956, 4), (1957, 1957, 4), (1958, None, 1)]
    >>> parse_fiscal_year("See footnote")
    []
    """
    text = " ".join(str(text).split())
    if not text:
        return [(None, None, 1)]
    rules: list[tuple[int | None, int | None, int]] = []
    for part in text.split(","):
        m = re.search(r"([A-Za-z]{3})[a-z]*\.?\s*[-–]\s*([A-Za-z]{3})", part)
        if not m or m.group(1).lower() not in _MONTHS:
            continue
        start = _MONTHS[m.group(1).lower()]
        head = part[: m.start()]
        lo = re.search(r"From\s*:?\s*(\d{4})", head, re.I)
        hi = re.search(r"Till\s*:?\s*(\d{4})", head, re.I)
        single = re.fullmatch(r"\s*(\d{4})\s*:?\s*", head)
        if single:
            y = int(single.group(1))
            rules.append((y, y, start))
        else:
            rules.append((int(lo.group(1)) if lo else None, int(hi.group(1)) if hi else None,
                          start))
    return rules


def _start_month(rules, year: int) -> int | None:
    for lo, hi, month in rules:
        if (lo is None or year >= lo) and (hi is None or year <= hi):
            return month
    return None



def read_footnotes(rows: list[list]) -> tuple[dict[str, str], dict[str, str]]:
    """Numbered footnotes and the special-note legend of a Footnotes sheet.

    Returns ``(numbers, legend)``: footnote number (as text) → its text, and symbol → its
    text. A release without numbered footnotes (the April 2024 "1948-2023" file) gives an
    empty first dict.

    Examples
    --------
    >>> read_footnotes([["Footnotes and special notes", ""], ["§", "Adopted budget"],
    ...                 [56.0, "", "Japan: includes SACO."]])
    ({'56': 'Japan: includes SACO.'}, {'§': 'Adopted budget'})
    """
    numbers: dict[str, str] = {}
    legend: dict[str, str] = {}
    for row in rows:
        if not row:
            continue
        key = _text(row[0])
        rest = next((_text(v) for v in row[1:] if _text(v)), "")
        if not key or not rest:
            continue
        if key.isdigit():
            numbers[key] = rest
        elif key in SYMBOLS:
            legend[key] = rest
    return numbers, legend
