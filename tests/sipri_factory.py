"""Small workbooks in the layout of the SIPRI Military Expenditure Database, for tests.

SIPRI's terms forbid committing their workbook, so tests build their own with openpyxl: the
same sheet names, title and note rows, header rows, region/sub-region heading rows, markers
("...", ". .", ". . .", "xxx"; SIPRI leaves no value cell blank, so neither does this), Notes
symbols and footnote numbers, and blue/red fonts stored either as rgb (2025 edition) or as
indexed palette colours (2024 editions).

Typical use::

    from sipri_factory import make_sipri_workbook, FakeCountry
    path = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-2019-2023.xlsx")
    path = make_sipri_workbook(tmp_path / "x.xlsx", colour_mode="indexed", float_years=False,
                               header_offset=3, column_offset=1)

Every numeric value written is ``country.values[year] * SHEET_FACTORS[sheet]`` (for the LCU
sheets also ``* country.lcu_per_usd``), so tests can predict what the reader returns:
US$ sheets hold US$ m. (the reader multiplies by 1e6), shares hold fractions.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Color, Font

__all__ = [
    "ALL_SHEETS",
    "DEFAULT_COUNTRIES",
    "DEFAULT_FOOTNOTES",
    "SHEET_FACTORS",
    "SHEET_TITLES",
    "FakeCountry",
    "expected_value",
    "make_sipri_workbook",
]

#: Sheet short names (as read_sipri's ``sheets=``) → sheet name in the workbook.
SHEET_TITLES = {
    "regional": "Regional totals",
    "lcu_fy": "Local currency financial years",
    "lcu_cy": "Local currency calendar years",
    "constant_usd": "Constant ({base}) US$",
    "current_usd": "Current US$",
    "share_gdp": "Share of GDP",
    "per_capita": "Per capita",
    "share_govt": "Share of Govt. spending",
}
ALL_SHEETS = tuple(SHEET_TITLES)

#: Multiplier applied to a country's base value (current US$ m.) on each sheet.
SHEET_FACTORS = {
    "constant_usd": 0.9,
    "current_usd": 1.0,
    "lcu_fy": 1e6,  # × lcu_per_usd as well: whole local-currency units
    "lcu_cy": 1e6,
    "share_gdp": 1e-7,  # fractions: 50,000 US$ m. → 0.005
    "per_capita": 0.1,
    "share_govt": 3e-7,
}

#: The two colours SIPRI uses, as rgb and as indexes of Excel's default palette.
RGB = {"blue": "FF0000FF", "red": "FFFF0000"}
INDEXED = {"blue": 12, "red": 10}


@dataclass
class FakeCountry:
    """One country row. ``values`` maps year → number (current US$ m.) or a marker string."""

    name: str
    region: str
    subregion: str | None = None
    currency: str = "Dollars"
    fiscal_year: str = ""
    notes: str | float = ""
    values: dict[int, float | str] = field(default_factory=dict)
    colours: dict[int, str] = field(default_factory=dict)  # year → "blue" | "red"
    lcu_per_usd: float = 1.0


DEFAULT_FOOTNOTES = {
    4: "Algeria: The figures for Algeria are budget figures.",
    56: "Japan: The figures for Japan include the budgeted amount for SACO.",
}


def _default_countries() -> list[FakeCountry]:
    return [
        FakeCountry("Algeria", "Africa", "North Africa", "Dinar", "", "§4",
                    {2019: 10000.0, 2020: 9700.0, 2021: "...", 2022: 9100.0, 2023: 18300.0},
                    {2021: "blue", 2022: "blue"}, lcu_per_usd=135.0),
        FakeCountry("Angola", "Africa", "sub-Saharan Africa", "Kwanzas   ", "", "§‖",
                    {2019: 1500.0, 2020: ". .", 2021: ". . .", 2022: 1600.0, 2023: 1300.0},
                    {2019: "red", 2023: "red"}, lcu_per_usd=600.0),
        FakeCountry("Japan", "Asia & Oceania", "East Asia", "Yen       ", "Apr-Mar", "56",
                    {2019: 47600.0, 2020: 49000.0, 2021: 54100.0, 2022: 46000.0,
                     2023: 50200.0}, {2023: "blue"}, lcu_per_usd=140.0),
        FakeCountry("Korea, South", "Asia & Oceania", "East Asia", "Won", "", "†",
                    {2019: 43900.0, 2020: 45700.0, 2021: 50200.0, 2022: 46400.0,
                     2023: 47900.0}, lcu_per_usd=1300.0),
        FakeCountry("USSR", "Europe", "Eastern Europe", "Roubles", "", "‡¶",
                    {y: "xxx" for y in range(1940, 2100)}),
        FakeCountry("United States of America", "Americas", "North America", "US dollars",
                    "Oct-Sep", "",
                    {2019: 734000.0, 2020: 778000.0, 2021: 806000.0, 2022: 860000.0,
                     2023: 916000.0}, {2023: "blue"}),
        FakeCountry("Saudi Arabia", "Middle East", None, "Riyals    ", "", "§",
                    {2019: 78000.0, 2020: 64000.0, 2021: 70900.0, 2022: 75800.0,
                     2023: "..."}, {2019: "blue", 2020: "red"}, lcu_per_usd=3.75),
    ]


DEFAULT_COUNTRIES = tuple(_default_countries())


def expected_value(country: FakeCountry, sheet: str, year: int) -> float | None:
    """The value read_sipri should return for *country*, *sheet*, *year* (None if missing)."""
    v = country.values.get(year, "")
    if isinstance(v, str):
        return None
    factor = SHEET_FACTORS[sheet]
    if sheet in ("lcu_fy", "lcu_cy"):
        return v * factor * country.lcu_per_usd
    if sheet in ("constant_usd", "current_usd"):
        return v * factor * 1e6
    return v * factor


def _font(colour: str | None, mode: str) -> Font:
    if colour is None:
        return Font(name="Times New Roman", size=10)
    if mode == "rgb":
        return Font(name="Times New Roman", size=10, color=Color(rgb=RGB[colour]))
    if mode == "indexed":
        return Font(name="Times New Roman", size=10, color=Color(indexed=INDEXED[colour]))
    raise ValueError(f"colour_mode must be 'rgb' or 'indexed', not {mode!r}")


def _header(short: str) -> list[str]:
    return {
        "constant_usd": ["Country", "", "Notes"],
        "current_usd": ["Country", "Notes"],
        "lcu_fy": ["Country", "Currency", "Fiscal Year (Jan-Dec if not stated)", "Notes"],
        "lcu_cy": ["Country", "Currency", "Notes"],
        "share_gdp": ["Country", "Notes"],
        "per_capita": ["Country", "Notes"],
        "share_govt": ["Country", "Notes", "Reporting year"],
    }[short]


def _title_rows(short: str, first: int, last: int, base: int, edition: int) -> list[str]:
    span = f"{first}-{last}"
    common = ['Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain '
              'data.', '". ." = data unavailable. "xxx" = country did not exist or was not '
              'independent during all or part of the year in question.']
    return {
        "constant_usd": [f"Military expenditure by country, in constant ({base}) US$ m., {span}"
                         f"      © SIPRI {edition - 1}",
                         f"Figures are in US $m., at constant {base} prices and exchange rates",
                         *common],
        "current_usd": ["Military expenditure by country, in millions of US$ at current prices "
                        f"and exchange rates, {span}      © SIPRI {edition - 1}",
                        "Figures are in US $m., in current prices.", *common],
        "lcu_fy": [f"Military expenditure by country, in local currency, {span}",
                   "Figures are in local currency at current prices and are for financial "
                   "years.", *common],
        "lcu_cy": [f"Military expenditure by country, in local currency, {span}",
                   "Figures are in local currency at current prices and are for calendar "
                   "years.", *common],
        "share_gdp": ["Military expenditure by country as percentage of gross domestic product"
                      f", {span}", "Countries are grouped by region and subregion", *common],
        "per_capita": [f"Military expenditure per capita  by country, {span}",
                       "Figures are in current US$", *common],
        "share_govt": ["Military expenditure by country as percentage of government spending, "
                       f"{span}", "Countries are grouped by region and subregion", *common],
    }[short]


def _put(ws, row: int, col: int, value, font: Font | None = None) -> None:
    if value is None or value == "":
        if value == "":
            ws.cell(row=row, column=col, value="")
        return
    cell = ws.cell(row=row, column=col, value=value)
    if font is not None:
        cell.font = font


def make_sipri_workbook(
    path: str | Path,
    *,
    countries: Sequence[FakeCountry] = DEFAULT_COUNTRIES,
    years: Iterable[int] | None = None,
    first_year: int = 2019,
    last_year: int = 2023,
    float_years: bool = True,
    colour_mode: str = "rgb",
    header_offset: int = 0,
    column_offset: int = 0,
    sheets: Sequence[str] = ALL_SHEETS,
    base_year: int = 2022,
    edition: int | None = 2024,
    footnotes: dict[int, str] | None = DEFAULT_FOOTNOTES,
    blank_row_after_header: bool = True,
    cell_overrides: dict[tuple[str, int, int], object] | None = None,
    constant_factors: dict[str, float] | None = None,
    regional_scale: float = 1.0,
) -> Path:
    """Write a SIPRI-shaped workbook and return its path.

    Parameters
    ----------
    path
        Where to write the ``.xlsx``.
    countries
        The rows (see :class:`FakeCountry`), grouped by region and sub-region in order.
    years, first_year, last_year
        The year columns (``years`` wins when given).
    float_years
        Write year headers as floats (1949.0, as the 2024/2025 downloads) or ints (April 2024).
    colour_mode
        ``"rgb"`` (FF0000FF / FFFF0000) or ``"indexed"`` (palette 12 / 10).
    header_offset, column_offset
        Extra note rows above the header, and empty columns to the left of the table.
    sheets
        Which data sheets to write (short names, see :data:`SHEET_TITLES`).
    base_year
        Constant-price base year (sheet name ``Constant (base_year) US$``).
    edition
        Year of the "SIPRI Military Expenditure Database <edition>" text of the Front page
        (written as a drawing part like SIPRI's); None writes no Front page text.
    footnotes
        Numbered footnotes for a ``Footnotes`` sheet; None writes no Footnotes sheet.
    blank_row_after_header
        SIPRI leaves an empty row under most headers (not under Per capita).
    cell_overrides
        ``{(short, row, col): value}`` written last (1-based row/col), to plant bad input.
    constant_factors
        Country name → multiplier used on the constant-price sheet instead of
        ``SHEET_FACTORS["constant_usd"]`` (e.g. 1.0 makes constant = current, as SIPRI's
        figures are in the base year; another release's ratio then rebases the series).
    regional_scale
        Multiplier on every Regional totals figure (to make a second release differ).
    """
    path = Path(path)
    years = list(years) if years is not None else list(range(first_year, last_year + 1))
    edition_year = edition or (years[-1] + 1)
    wb = openpyxl.Workbook()
    front = wb.active
    front.title = "Front page"
    c0 = 1 + column_offset
    for short in sheets:
        ws = wb.create_sheet(SHEET_TITLES[short].format(base=base_year))
        if short == "regional":
            _write_regional(ws, countries, years, base_year, colour_mode, header_offset, c0,
                            float_years, regional_scale)
            continue
        notes = _title_rows(short, years[0], years[-1], base_year, edition_year)
        notes += [f"Extra note line {k + 1}." for k in range(header_offset)]
        for r, text in enumerate(notes, start=1):
            _put(ws, r, c0, text)
        hrow = len(notes) + 2
        labels = _header(short)
        for j, label in enumerate(labels):
            _put(ws, hrow, c0 + j, label)
        ycol = c0 + len(labels)
        for t, y in enumerate(years):
            _put(ws, hrow, ycol + t, float(y) if float_years else int(y))
        r = hrow + (2 if blank_row_after_header else 1)
        region = subregion = object()
        for country in countries:
            if country.region != region:
                region, subregion = country.region, object()
                _put(ws, r, c0, region)
                r += 1
            if country.subregion != subregion:
                subregion = country.subregion
                if subregion is not None:
                    _put(ws, r, c0, subregion)
                    r += 1
            _put(ws, r, c0, country.name)
            for j, label in enumerate(labels[1:], start=1):
                value = {"Currency": country.currency, "Notes": country.notes,
                         "Fiscal Year (Jan-Dec if not stated)": country.fiscal_year,
                         "Reporting year": ""}.get(label, "")
                _put(ws, r, c0 + j, value)
            for t, y in enumerate(years):
                v = country.values.get(y, "...")  # SIPRI marks every gap
                colour = country.colours.get(y)
                if isinstance(v, (int, float)):
                    factor = SHEET_FACTORS[short]
                    if short == "constant_usd" and constant_factors:
                        factor = constant_factors.get(country.name, factor)
                    v = v * factor
                    if short in ("lcu_fy", "lcu_cy"):
                        v = v * country.lcu_per_usd
                _put(ws, r, ycol + t, v, _font(colour, colour_mode))
            r += 1
    if footnotes is not None:
        ws = wb.create_sheet("Footnotes")
        ws["A1"] = "Footnotes and special notes"
        ws["A4"] = "The following special notes are used in each worksheet"
        legend = {"†": "Figures for these countries do not include military pensions",
                  "‡": "Figures for these countries are for current spending only",
                  "§": "Figures for these countries are for the adopted budget",
                  "¶": "Figures for these countries do not include paramilitary forces",
                  "‖": "This country changed or redenominated its currency"}
        for k, (sym, text) in enumerate(legend.items(), start=5):
            ws.cell(row=k, column=1, value=sym)
            ws.cell(row=k, column=2, value=text)
        for k, (num, text) in enumerate(sorted(footnotes.items()), start=12):
            ws.cell(row=k, column=1, value=float(num))
            ws.cell(row=k, column=3, value=text)
    for (short, row, col), value in (cell_overrides or {}).items():
        title = SHEET_TITLES[short].format(base=base_year)
        wb[title].cell(row=row, column=col, value=value)
    wb.save(path)
    if edition is not None:
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("xl/drawings/drawing1.xml",
                        '<xdr:wsDr xmlns:xdr="urn:x" xmlns:a="urn:a"><a:t>The SIPRI Military '
                        f"Expenditure Database {edition} is the source</a:t></xdr:wsDr>")
    return path


def _write_regional(ws, countries, years, base_year, colour_mode, header_offset, c0,
                    float_years, scale: float = 1.0) -> None:
    notes = ["Military expenditure by region in constant US dollars",
             f"Figures are in US$ b., at constant {base_year} prices and exchange rates, except "
             f"for the last figure which is in US$ b. at {years[-1]} prices and exchange rates.",
             "Figures in red indicate that more than 10% of the total figure consists of "
             "estimates."]
    notes += [f"Extra note line {k + 1}." for k in range(header_offset)]
    for r, text in enumerate(notes, start=1):
        _put(ws, r, c0, text)
    hrow = len(notes) + 2
    _put(ws, hrow, c0, "Region")
    for t, y in enumerate(years):
        _put(ws, hrow, c0 + 1 + t, float(y) if float_years else int(y))
    _put(ws, hrow, c0 + 1 + len(years), f"{years[-1]} (current prices)")
    _put(ws, hrow, c0 + 3 + len(years), "Omitted countries")
    names = ["World"]
    for c in countries:
        if c.region not in names:
            names.append(c.region)
        if c.subregion is not None and c.subregion not in names:
            names.append(c.subregion)
    for k, name in enumerate(names):
        r = hrow + 1 + k
        _put(ws, r, c0, name)
        for t, _y in enumerate(years):
            colour = "red" if (k == 0 and t == 0) else None
            _put(ws, r, c0 + 1 + t, float(100 * (k + 1) + t) * scale, _font(colour, colour_mode))
        _put(ws, r, c0 + 1 + len(years), float(100 * (k + 1) + len(years)) * scale)
        if name == "Africa":
            _put(ws, r, c0 + 3 + len(years), "Djibouti, Eritrea")
