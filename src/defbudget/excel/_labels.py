"""What the export says about a series: titles, flag and stage meanings, units, periods,
sheet names, and which rows and columns make one data sheet."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from defbudget import vocabulary
from defbudget.excel._cells import _ILLEGAL_XML, _is_missing

#: Columns that together define one series, i.e. one data sheet.
SERIES_COLUMNS = ("measure", "unit", "price_basis", "base_year", "period", "fy_start_month")
#: Columns added to a data sheet's row labels, in this order, only when needed to tell rows
#: apart ("basis" whenever a series has more than one basis).
ROW_LABEL_CANDIDATES = ("basis", "source", "stage", "iso3")

_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = {"history"}  # Excel reserves "History"
_MAX_SHEET_NAME = 31

# The titles and the flag and stage meanings printed on the sheets are the vocabulary's.
MEASURE_TITLES = vocabulary.MEASURE_TITLES
FLAG_MEANINGS = vocabulary.FLAG_MEANINGS
STAGE_MEANINGS = vocabulary.STAGE_MEANINGS

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively) Excel sheet name close to *wanted*."""
    name = _FORBIDDEN_SHEET_CHARS.sub("_", wanted)
    name = _ILLEGAL_XML.sub("_", name)
    # No leading/trailing apostrophe (Excel forbids it) and no leading underscore (reserved
    # for the hidden sheets).
    name = re.sub(r"\s+", " ", name).lstrip("'_ ").rstrip("' ")
    name = name[:_MAX_SHEET_NAME].rstrip("' ") or "Sheet"
    candidate, n = name, 1
    while candidate.lower() in used or candidate.lower() in _RESERVED_SHEET_NAMES:
        n += 1
        suffix = f" ({n})"
        candidate = name[:_MAX_SHEET_NAME - len(suffix)].rstrip().rstrip("'") + suffix
    used.add(candidate.lower())
    return candidate


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# Series and their description
# --------------------------------------------------------------------------------------------

def series_groups(frame: pd.DataFrame) -> list[tuple[tuple, np.ndarray]]:
    """(series key, row positions) of each series in *frame*, in order of first appearance;
    a missing key value is None. One groupby, not one comparison of the frame per series."""
    keys = frame[list(SERIES_COLUMNS)]
    if not len(keys):
        return []
    codes = keys.groupby(list(SERIES_COLUMNS), dropna=False, sort=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    out = []
    for pos in np.split(order, np.flatnonzero(np.diff(codes[order])) + 1):
        first = keys.iloc[int(pos[0])].tolist()
        out.append((tuple(None if _is_missing(v) else v for v in first), pos))
    return out


def _price_text(price_basis, base_year) -> str:
    return f"constant {int(base_year)} prices" if price_basis == "constant" else "current prices"


def _period_text(period: str, start: int, year_is: str = "start", iso3: str | None = None
                 ) -> str:
    if period == "CY":
        return "calendar years (January–December)"
    if start == 1:
        return "fiscal years = calendar years (January–December)"
    end = _MONTHS[(start - 2) % 12]
    if year_is == "end":
        return (f"fiscal years {_MONTHS[start - 1]}–{end}, labelled by the year they end in "
                f"({_year_label(2025, period, start, year_is, iso3)} = {_MONTHS[start - 1]} "
                f"2024 – {end} 2025)")
    return (f"fiscal years {_MONTHS[start - 1]}–{end}, labelled by the year they start in "
            f"({_year_label(2025, period, start, year_is, iso3)} = {_MONTHS[start - 1]} 2025 "
            f"– {end} 2026)")


def _year_label(year: int, period: str, start: int, year_is: str = "start",
                iso3: str | None = None):
    if period == "CY":
        return int(year)
    if iso3 is not None:  # one government's sheet: its own name for the year
        from defbudget.fiscal import official_label

        label = official_label(iso3, int(year), int(start), year_is=year_is)
        return int(label) if label.isdigit() else label
    # several countries on one sheet: the year a fiscal year starts in, named by the
    # vocabulary's default ("FY2025"; a calendar fiscal year is written "2025")
    label = vocabulary.fiscal_year_label(None, int(year), int(start))
    return int(label) if label.isdigit() else label


def _sheet_fy(sub: pd.DataFrame) -> tuple[str, str | None]:
    """(year_is, iso3) of a data sheet: the government's naming when one country fills it."""
    year_is = "start"
    if "fy_year_is" in sub.columns:
        named = set(sub["fy_year_is"].dropna())
        if named == {"end"}:
            year_is = "end"
    countries = sub["iso3"].dropna().unique() if "iso3" in sub.columns else []
    iso3 = str(countries[0]) if len(countries) == 1 else None
    return year_is, iso3


def _unit_display(unit: str, max_abs: float) -> tuple[str, str, str]:
    """Number format, short unit label (e.g. '¥ bn') and a sentence on scaling."""
    if unit == "ratio":
        return "0.00%", "%", "Cells hold ratios (0.0137); the number format shows percent (1.37%)."
    if unit in ("index", "count"):
        fmt = "#,##0.0" if unit == "index" else "#,##0"
        return fmt, unit, f"Cells hold the {unit} values as published."
    base = unit.split("/")[0]
    per = " per person" if unit.endswith("/person") else ""
    symbol = vocabulary.CURRENCY_SYMBOLS.get(base, base)
    name = vocabulary.CURRENCY_NAMES.get(base, base)
    for factor, commas, short, long in ((1e9, ",,,", "bn", "billions"),
                                        (1e6, ",,", "m", "millions")):
        if max_abs >= factor:
            return (f"#,##0.0{commas}", f"{symbol} {short}{per}",
                    f"Cells hold whole {name}{per}; the number format shows {long}.")
    return "#,##0", f"{symbol}{per}", f"Cells hold whole {name}{per}."


# --------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------
def _categories(flag, stage) -> list[str]:
    """Style categories of one observation: at most one font and one fill."""
    cats = []
    flags = [] if flag is None else [f.strip() for f in str(flag).split(",")]
    if "highly_uncertain" in flags:
        cats.append("highly_uncertain")
    elif "estimate" in flags:
        cats.append("estimate")
    elif any(f not in ("unavailable", "") for f in flags):
        cats.append("other")
    if "unavailable" in flags:
        cats.append("unavailable")
    elif stage in ("draft", "request"):
        cats.append(stage)
    return cats


# --------------------------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------------------------


def _wanted_name(frame_key: str | None, skey: tuple, varying: set[str]) -> str:
    measure, unit, price_basis, base_year, period, start = skey
    parts = [] if frame_key is None else [frame_key]
    if frame_key is None or "measure" in varying:
        parts.append(measure)
    if frame_key is None or "unit" in varying:
        parts.append("%" if unit == "ratio" else unit)
    if "price_basis" in varying or "base_year" in varying:
        parts.append(f"const{int(base_year)}" if price_basis == "constant" else "current")
    if "period" in varying or "fy_start_month" in varying:
        parts.append(period if period == "CY" else f"FY{int(start):02d}")
    return " ".join(str(p) for p in parts)


def _row_dims(sub: pd.DataFrame) -> list[str]:
    dims = ["country"]
    for col in ROW_LABEL_CANDIDATES:
        if col == "basis" and sub["basis"].nunique(dropna=False) > 1:
            dims.append(col)
            continue
        if not sub.duplicated([*dims, "year"]).any():
            break
        if col != "basis" and sub[col].nunique(dropna=False) > 1:
            dims.append(col)
    return dims


def _year_width(fmt: str, max_abs: float, year_headers: list) -> float:
    if fmt.endswith("%"):
        digits = len(f"{max_abs * 100:,.2f}%")
    else:
        scale = 1e9 if fmt.endswith(",,,") else 1e6 if fmt.endswith(",,") else 1.0
        decimals = 1 if "." in fmt else 0
        digits = len(f"{max_abs / scale:,.{decimals}f}")
    header = max((len(str(h)) for h in year_headers), default=4)
    return max(digits + 3, header + 2, 8)


