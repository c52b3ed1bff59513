"""One reader per SIPRI sheet kind, each a documented function of the sheet's rows, and
the shared engine of the country sheets (header, rows, values, notes, currencies, fiscal
years). Each returns the sheet's columns for :func:`defbudget.readers.sipri.frame._frame`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from defbudget._xlsx import cell_ref
from defbudget.errors import find_stack_level
from defbudget.readers._countries import (
    CURRENCY_BY_YEAR,
    UnknownCurrencyError,
    currency_code,
    iso3_codes,
)
from defbudget.readers.sipri._errors import (
    SipriFiscalYearWarning,
    SipriFormatError,
    SipriUnknownCurrencyWarning,
)
from defbudget.readers.sipri.frame import Columns, _assemble, _ConcatParts
from defbudget.readers.sipri.grammar import (
    FY_FROM_FOOTNOTES,
    _start_month,
    _text,
    parse_fiscal_year,
)
from defbudget.readers.sipri.layout import (
    _BASE_YEAR_NOTE,
    _KIND,
    CURRENCY_LABEL,
    FISCAL_YEAR_LABEL,
    OMITTED_LABEL,
    REPORTING_YEAR_LABEL,
    SheetKind,
    _body,
    _check_unique_names,
    _constant_base_year,
    _Entity,
    _find_header,
    _Header,
    _label_col,
    _notes_text,
    _scale,
)
from defbudget.readers.sipri.values import (
    _check_numbers,
    _check_plausible,
    _Context,
    _entity_notes,
    _values,
)

__all__ = [
    "UNIT_FIXES",
    "UNKNOWN_UNIT",
    "UnitFix",
    "read_constant_usd_sheet",
    "read_current_usd_sheet",
    "read_lcu_cy_sheet",
    "read_lcu_fy_sheet",
    "read_per_capita_sheet",
    "read_regional_sheet",
    "read_share_gdp_sheet",
    "read_share_govt_sheet",
]

#: Unit of local-currency rows whose currency name the reader does not know (ISO 4217 "XXX",
#: no currency): such rows convert only after the user maps the name to a code.
UNKNOWN_UNIT = "XXX"


@dataclass(frozen=True)
class UnitFix:
    """A currency SIPRI labels one way while its figures are in another, by release."""

    iso3: str
    labelled: str  # the code the Currency column's name maps to
    unit: str  # the currency the figures are really in
    editions: tuple[int, int]  # first and last edition (inclusive) the fix applies to
    note: str


#: Figures whose currency is not the one SIPRI's Currency column names, found from the
#: implied exchange rates (local-currency figure / Current US$ figure) of the real releases
#: (tests/test_readers_sipri.py derives both from the workbooks):
#: * Croatia: labelled "Kunas" (HRK) in the 2024 and 2025 editions, but its implied rate
#:   equals the euro countries' to four decimals in every year: SIPRI re-expressed the
#:   series in euros when Croatia adopted the euro (2023).
#: * Sierra Leone: "Leones" is the new leone (SLE) since 2022, but in the 2024 edition
#:   (data to 2023) the implied rate is ~19,700 per US$ in 2023, the old leone (SLL, 1,000
#:   to 1 SLE); the 2025 edition gives 21.8, new leones.
UNIT_FIXES: tuple[UnitFix, ...] = (
    UnitFix("HRV", "HRK", "EUR", (2024, 2100),
            "unit EUR: SIPRI labels the currency Kunas (HRK), but the figures are in euros "
            "(their implied exchange rate equals the euro area's)"),
    UnitFix("SLE", "SLE", "SLL", (2024, 2024),
            "unit SLL: SIPRI labels the currency Leones, but in this edition the figures are "
            "in old leones (SLL, 1,000 to 1 SLE; implied rate ~19,700 per US$ in 2023)"),
)



_EDITION_OF_SOURCE = re.compile(r"(\d{4})$")


def _unit_fix(iso3: str | None, code: str, ctx: _Context) -> UnitFix | None:
    m = _EDITION_OF_SOURCE.search(ctx.source)
    edition = int(m.group(1)) if m else 0
    for fix in UNIT_FIXES:
        if (fix.iso3 == iso3 and fix.labelled == code
                and fix.editions[0] <= edition <= fix.editions[1]):
            return fix
    return None


def _country_sheet(rows: list[list], kind: SheetKind, ctx: _Context, sheet: str) -> Columns:
    """Shared engine of the country sheets (everything but Regional totals)."""
    header = ctx.header or _find_header(rows, kind, ctx.path, sheet)
    entities = _body(rows, header, kind, ctx.path, sheet)
    _check_unique_names(rows, entities, header, kind, ctx.path, sheet)
    values, flags = _values(rows, header, entities, header.year_cols, ctx, sheet)
    values = _scaled(values, rows, header, entities, kind, ctx, sheet)
    iso3 = iso3_codes([e.name for e in entities], context=f"{ctx.path.name}, sheet {sheet!r}: ")
    _check_plausible(values, entities, header, kind, ctx, sheet, iso3)
    symbols, footnotes, notes = _entity_notes(rows, header, entities, ctx, sheet)
    rep_col = header.labels.get(REPORTING_YEAR_LABEL)
    if rep_col is not None:
        for k, e in enumerate(entities):
            rep = _text(rows[e.row][rep_col])
            if rep:
                notes[k] = "\n".join(filter(None, [notes[k], f"Reporting year: {rep}"]))
    extra: dict = {}
    if kind.unit is None:  # local currency: the unit is each row's currency
        extra.update(_local_currency(rows, header, entities, iso3, notes, ctx, sheet))
    if kind.period == "FY":
        extra.update(_fiscal_years(rows, header, entities, values, ctx, sheet))
    base_year = ctx.base_year if kind.price_basis == "constant" else None
    return _assemble(entities, header.years, values, flags, kind, ctx, iso3,
                     base_year=base_year, symbols=symbols, footnotes=footnotes, notes=notes,
                     **extra)


def _scaled(values: np.ndarray, rows: list[list], header: _Header, entities: list[_Entity],
            kind: SheetKind, ctx: _Context, sheet: str) -> np.ndarray:
    """Values in whole units: × the scale the sheet's notes state (US$ m. → × 1e6), shares
    given as percentages ÷ 100; a figure that overflows once scaled is refused."""
    scale = _scale(_notes_text(rows, header), kind)
    if kind.share:
        finite = values[np.isfinite(values)]
        if finite.size and float(np.median(np.abs(finite))) > 1.0:
            scale = 0.01  # the sheet holds percentages (e.g. 1.37), not fractions (0.0137)
    if scale != 1.0:
        values = values * scale
        _check_numbers(values, None, entities, header.year_cols, ctx, sheet, scaled=scale)
    return values


def _local_currency(rows: list[list], header: _Header, entities: list[_Entity],
                    iso3: dict, notes: list, ctx: _Context, sheet: str) -> dict:
    """``unit`` (per row and year: a currency changed in :data:`CURRENCY_BY_YEAR`, a
    :data:`UNIT_FIXES` correction) and ``currency_name`` of a local-currency sheet; a fix
    adds its note to *notes* (changed in place)."""
    cur_col = _label_col(header, CURRENCY_LABEL)
    if cur_col is None:
        raise SipriFormatError(
            "no 'Currency' column in the header row; expected 'Country, Currency, ...'.",
            path=ctx.path, sheet=sheet, cell=cell_ref(header.row, header.name_col))
    years = header.years
    ny = len(years)
    names, units = [], []
    for k, e in enumerate(entities):
        cname = _text(rows[e.row][cur_col])
        try:
            code = currency_code(cname, iso3=iso3.get(e.name), country=e.name)
        except UnknownCurrencyError as exc:
            warnings.warn(
                f"{ctx.path.name}, sheet {sheet!r}, cell {cell_ref(e.row, cur_col)}: {exc} "
                f"Its rows keep the name in 'currency_name' and get unit {UNKNOWN_UNIT!r} "
                "(ISO 4217: no currency), so they convert only once you map it, e.g. "
                f"df.loc[df.currency_name == {cname!r}, 'unit'] = '<ISO code>'.",
                SipriUnknownCurrencyWarning, stacklevel=find_stack_level())
            code = UNKNOWN_UNIT
        row_units = [code] * ny
        for first, later in CURRENCY_BY_YEAR.get(iso3.get(e.name) or "", []):
            row_units = [later if y >= first else u for y, u in zip(years, row_units,
                                                                   strict=True)]
        fix = _unit_fix(iso3.get(e.name), code, ctx)
        if fix is not None:
            row_units = [fix.unit] * ny
            notes[k] = "\n".join(filter(None, [notes[k], fix.note]))
        names.append(cname)
        units.extend(row_units)
    return {"unit": np.asarray(units, dtype=object), "currency_name": names}


def _fiscal_years(rows: list[list], header: _Header, entities: list[_Entity],
                  values: np.ndarray, ctx: _Context, sheet: str) -> dict:
    """``fy_start_month`` per row and year, and ``fy_convention`` as printed, from the Fiscal
    Year column (or :data:`FY_FROM_FOOTNOTES`); a year with a value that no rule covers gets
    month 1 and a :class:`SipriFiscalYearWarning`."""
    fy_col = _label_col(header, FISCAL_YEAR_LABEL)
    if fy_col is None:
        raise SipriFormatError(
            "no 'Fiscal Year' column in the header row of the financial-year sheet; "
            "expected 'Country, Currency, Fiscal Year (Jan-Dec if not stated), Notes, "
            "<years>'.", path=ctx.path, sheet=sheet,
            cell=cell_ref(header.row, header.name_col))
    years = header.years
    ny = len(years)
    months = np.ones(len(entities) * ny, dtype=np.int64)
    conventions = []
    for k, e in enumerate(entities):
        text = _text(rows[e.row][fy_col])
        rules = parse_fiscal_year(text)
        if not rules and e.name in FY_FROM_FOOTNOTES:
            rules = parse_fiscal_year(FY_FROM_FOOTNOTES[e.name])
        conventions.append(text or "Jan-Dec")
        if len(rules) == 1 and rules[0][:2] == (None, None):  # one convention for all years
            months[k * ny:(k + 1) * ny] = rules[0][2]
            continue
        uncovered = []
        for t, y in enumerate(years):
            m = _start_month(rules, y)
            if m is None:
                m = 1
                if not np.isnan(values[k * ny + t]):
                    uncovered.append(y)
            months[k * ny + t] = m
        if uncovered:
            span = (f"{uncovered[0]}" if len(uncovered) == 1
                    else f"{uncovered[0]}-{uncovered[-1]}")
            warnings.warn(
                f"{ctx.path.name}, sheet {sheet!r}, cell {cell_ref(e.row, fy_col)}: the "
                f"fiscal year of {e.name} in {span} is not stated ({text!r}); those rows "
                "got fy_start_month 1 (their text is in 'fy_convention'). Check the "
                "footnote and use the calendar-year sheet if in doubt.",
                SipriFiscalYearWarning, stacklevel=find_stack_level())
    return {"fy_start": months, "fy_convention": conventions}


def read_constant_usd_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Constant (YYYY) US$``: milex in USD at constant YYYY prices and exchange rates.

    SIPRI prints US$ m.; values are × 1e6 (the scale is taken from the sheet's notes when they
    state one). The base year comes from the sheet name and must agree with the title.
    """
    base = _constant_base_year(sheet)
    title = _text(rows[0][0]) if rows and rows[0] else ""
    t = _BASE_YEAR_NOTE.search(title)
    if t and int(t.group(1)) != base:
        raise SipriFormatError(
            f"the sheet name says constant {base} US$ but its title says constant "
            f"{t.group(1)}; expected the same base year in both.", path=ctx.path,
            sheet=sheet, cell="A1")
    ctx.base_year = base
    return _country_sheet(rows, _KIND["constant_usd"], ctx, sheet)


def read_current_usd_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Current US$``: milex in USD at current prices and exchange rates (US$ m. × 1e6)."""
    return _country_sheet(rows, _KIND["current_usd"], ctx, sheet)


def read_lcu_fy_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Local currency financial years``: milex in the local currency (whole units), period FY.

    ``year`` is the year the fiscal year starts in (SIPRI: "Financial years are always treated
    as starting in the specified year"); ``fy_start_month`` comes from the Fiscal Year column
    (Japan "Apr-Mar" → 4; blank → Jan-Dec → 1; multi-period texts such as "Till: 1956
    Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec" per year; "See footnote" via
    :data:`FY_FROM_FOOTNOTES`). ``unit`` is the ISO 4217 code of the Currency column.
    """
    return _country_sheet(rows, _KIND["lcu_fy"], ctx, sheet)


def read_lcu_cy_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Local currency calendar years``: milex in the local currency (whole units), period CY."""
    return _country_sheet(rows, _KIND["lcu_cy"], ctx, sheet)


def read_share_gdp_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Share of GDP``: milex_share_gdp as a ratio (0.0137 = 1.37 %).

    SIPRI stores fractions; a sheet whose values have a median above 1 is taken to hold
    percentages and divided by 100.
    """
    return _country_sheet(rows, _KIND["share_gdp"], ctx, sheet)


def read_per_capita_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Per capita``: milex_per_capita in current US$ per person (unit ``USD/person``)."""
    return _country_sheet(rows, _KIND["per_capita"], ctx, sheet)


def read_share_govt_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Share of Govt. spending``: milex_share_govt as a ratio of general government spending.

    A non-empty "Reporting year" cell is appended to ``note``.
    """
    return _country_sheet(rows, _KIND["share_govt"], ctx, sheet)


def read_regional_sheet(rows: list[list], ctx: _Context, sheet: str) -> Columns:
    """``Regional totals``: milex of the world, regions and sub-regions, iso3 missing.

    SIPRI prints US$ b. at constant prices of the base year stated in the sheet's notes
    ("at constant 2023 prices"), × 1e9; the column headed "YYYY (current prices)" becomes a
    row at current prices. Red figures ("more than 10% of the total figure consists of
    estimates") get flag ``highly_uncertain``; "Omitted countries" goes to ``note``.
    """
    kind = _KIND["regional"]
    header = ctx.header or _find_header(rows, kind, ctx.path, sheet)
    notes_text = _notes_text(rows, header)
    m = re.search(r"constant\s*\(?\s*((?:19|20)\d{2})\s*\)?\s*prices", notes_text, re.I)
    if not m:
        raise SipriFormatError(
            "the notes above the header do not state the constant-price base year; expected "
            "a sentence like 'Figures are in US$ b., at constant 2023 prices'.",
            path=ctx.path, sheet=sheet, cell="A2")
    base = int(m.group(1))
    scale = _scale(notes_text, kind)
    entities = _body(rows, header, kind, ctx.path, sheet)
    omitted_col = header.labels.get(OMITTED_LABEL)
    notes = []
    for e in entities:
        omitted = _text(rows[e.row][omitted_col]) if omitted_col is not None else ""
        notes.append(f"Omitted countries: {omitted}" if omitted else None)
    iso3: dict[str, str | None] = {}
    values, flags = _values(rows, header, entities, header.year_cols, ctx, sheet)
    _check_numbers(values * scale, None, entities, header.year_cols, ctx, sheet, scaled=scale)
    parts = [_assemble(entities, header.years, values * scale, flags, kind, ctx, iso3,
                       base_year=base, notes=notes)]
    for col, year in header.extra_years.items():
        v, f = _values(rows, header, entities, [col], ctx, sheet)
        parts.append(_assemble(entities, [year], v * scale, f, kind, ctx, iso3,
                               price_basis="current", base_year=None, notes=notes))
    return {c: _ConcatParts([p[c] for p in parts]) for c in parts[0]}


_READERS = {
    "constant_usd": read_constant_usd_sheet,
    "current_usd": read_current_usd_sheet,
    "lcu_fy": read_lcu_fy_sheet,
    "lcu_cy": read_lcu_cy_sheet,
    "share_gdp": read_share_gdp_sheet,
    "per_capita": read_per_capita_sheet,
    "share_govt": read_share_govt_sheet,
    "regional": read_regional_sheet,
}
