"""Read a World Bank World Development Indicators (WDI) bulk CSV into the tidy frame.

The bulk download of one indicator (``API_<INDICATOR>_DS2_en_csv_v2_<n>.csv``) has a UTF-8
byte-order mark, four preamble lines::

    "Data Source","World Development Indicators",
    <blank>
    "Last Updated Date","2024-03-28",
    <blank>

then a wide table ``Country Name, Country Code, Indicator Name, Indicator Code, 1960, ...``
(with a trailing empty column). Beside it, ``Metadata_Country_API_<...>.csv`` gives each code's
``Region``; aggregates (World, income groups, "Africa Eastern and Southern", ...) have an
empty Region, which is how they are told apart from countries.
"""

from __future__ import annotations

import csv
import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from defbudget.readers._checks import (
    clean_name,
    finish,
    normalise_key,
    read_csv_checked,
    refuse_duplicates,
    refuse_non_finite,
    whole_year,
)
from defbudget.readers._common import SourceFormatError

__all__ = ["INDICATORS", "WdiFormatError", "read_wdi_csv"]

#: Supported indicators → (measure, unit, price_basis, basis, multiplier to the unit).
#: PA.NUS.FCRF is local currency units per US$; the file does not name the currency, so the
#: unit is ``"LCU/USD"`` and the country column says which currency it is.
INDICATORS: dict[str, tuple[str, str, str, str, float]] = {
    "MS.MIL.XPND.CD": ("milex", "USD", "current", "sipri", 1.0),
    "MS.MIL.XPND.GD.ZS": ("milex_share_gdp", "ratio", "current", "sipri", 0.01),
    "MS.MIL.XPND.ZS": ("milex_share_govt", "ratio", "current", "sipri", 0.01),
    "NY.GDP.MKTP.CD": ("gdp", "USD", "current", "wdi", 1.0),
    "NY.GDP.DEFL.ZS": ("gdp_deflator", "index", "current", "wdi", 1.0),
    "PA.NUS.FCRF": ("exchange_rate", "LCU/USD", "current", "wdi", 1.0),
}
SOURCE_ID = "worldbank-wdi-{indicator}"
#: Part of the cache key: raise it when the frame this reader returns changes.
CACHE_VERSION = 1
PREAMBLE_FIRST = "Data Source"
PREAMBLE_DATE = "Last Updated Date"
HEADER = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
FIX = ("Use the CSV exactly as downloaded from data.worldbank.org (the API_...csv file, not "
       "re-saved from Excel).")
META_FIX = ("Pass the Metadata_Country_...csv that came with the download, unchanged (UTF-8, "
            "one line per country code).")


class WdiFormatError(SourceFormatError):
    """The file is not a WDI bulk CSV in the expected layout (names file, line and column)."""


def _metadata_beside(path: Path) -> Path | None:
    name = path.name
    i = name.find("API_")
    if i < 0:
        return None
    candidate = path.with_name(name[:i] + "Metadata_Country_" + name[i:])
    return candidate if candidate.is_file() else None


def _read_metadata(path: Path) -> dict[str, str]:
    meta = read_csv_checked(path, WdiFormatError, META_FIX)
    if "Country Code" not in meta.columns or "Region" not in meta.columns:
        raise WdiFormatError(
            f"expected columns 'Country Code' and 'Region' in the country metadata file, "
            f"found {list(meta.columns)[:6]}. Pass the Metadata_Country_...csv that came "
            "with the download.", path=path)
    codes = meta["Country Code"].map(normalise_key)
    return dict(zip(codes, meta["Region"].str.strip(), strict=True))


def read_wdi_csv(path: str | PathLike, *, metadata: str | PathLike | None = None,
                 cache: bool = True) -> pd.DataFrame:
    """Read a WDI bulk CSV (one or more indicators) into the tidy frame.

    Parameters
    ----------
    path
        ``API_<INDICATOR>_DS2_en_csv_v2_<n>.csv`` as downloaded from the World Bank.
    metadata
        The ``Metadata_Country_...csv`` of the same download. Default: the file of that name
        beside *path*. Without one, codes that country_converter does not know as ISO3 are
        treated as aggregates.
    cache
        Reuse the frame of an earlier read of the same files (same content, SHA-256), kept
        in memory and in the on-disk cache (``defbudget cache info``; off with
        ``DEFBUDGET_NO_CACHE=1``); its warnings are issued again. A copy is returned.

    Returns
    -------
    pandas.DataFrame
        Tidy frame, one row per code, year and indicator, calendar years: MS.MIL.XPND.CD →
        ``milex`` in current USD; NY.GDP.MKTP.CD → ``gdp`` in current USD; NY.GDP.DEFL.ZS →
        ``gdp_deflator`` (``index``, base year differs by country); PA.NUS.FCRF →
        ``exchange_rate`` in local currency units per US$ (unit ``LCU/USD``); shares (…GD.ZS,
        …XPND.ZS) as ratios. Aggregates keep ``iso3`` missing; ``region`` is the World Bank
        region. Empty cells are rows with missing value and flag ``unavailable``. ``source``
        is ``worldbank-wdi-<INDICATOR>``; ``vintage`` the "Last Updated Date".

    Raises
    ------
    WdiFormatError
        Another preamble or header, an unsupported indicator, text or ``inf`` in a value
        cell, a header that is not a whole year or a year twice, a country and indicator
        twice, or a file that is empty, not UTF-8 or not a regular CSV (each naming the
        file and line).
    defbudget.schema.SchemaError, defbudget.sanity.SanityError
        The frame breaks the tidy contract, or holds an implausible value (negative
        spending, a share of GDP above 50 % that is not a documented outlier).

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv")
    >>> with open(p, "w", encoding="utf-8-sig") as fh:
    ...     _ = fh.write('"Data Source","World Development Indicators",\\n\\n'
    ...                  '"Last Updated Date","2024-03-28",\\n\\n'
    ...                  '"Country Name","Country Code","Indicator Name","Indicator Code",'
    ...                  '"2021","2022",\\n"Japan","JPN","GDP (current US$)","NY.GDP.MKTP.CD",'
    ...                  '"5.0e12","4.2e12",\\n"World","WLD","GDP (current US$)",'
    ...                  '"NY.GDP.MKTP.CD","9.7e13","",\\n')
    >>> with open(os.path.join(d, "Metadata_Country_API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv"),
    ...           "w", encoding="utf-8-sig") as fh:
    ...     _ = fh.write('"Country Code","Region",\\n"JPN","East Asia & Pacific",\\n'
    ...                  '"WLD","",\\n')
    >>> df = read_wdi_csv(p)
    >>> print(df[["country", "iso3", "year", "value", "unit", "flag"]].to_string())
      country iso3  year         value unit         flag
    0   Japan  JPN  2021  5.000000e+12  USD          NaN
    1   Japan  JPN  2022  4.200000e+12  USD          NaN
    2   World  NaN  2021  9.700000e+13  USD          NaN
    3   World  NaN  2022           NaN  USD  unavailable
    """
    path = Path(path)
    meta_path = Path(metadata) if metadata is not None else _metadata_beside(path)
    from defbudget.readers import _cache

    return _cache.read_file_through("wdi", [path, meta_path], {"v": CACHE_VERSION},
                                    lambda: _read(path, meta_path), cache=cache)


def _read(path: Path, meta_path: Path | None) -> pd.DataFrame:
    """The checked tidy frame of *path* (see :func:`read_wdi_csv`), parsed afresh."""
    updated, header = _check_head(path)
    _check_years(header, path)
    raw = read_csv_checked(path, WdiFormatError, FIX, skiprows=4)
    year_cols = [c for c in raw.columns if re.fullmatch(r"\d{4}", str(c))]
    raw["Country Code"] = raw["Country Code"].map(normalise_key)  # case, U+200B, NFKC
    raw["Country Name"] = raw["Country Name"].map(clean_name)
    unknown = sorted(set(raw["Indicator Code"]) - set(INDICATORS))
    if unknown:
        raise WdiFormatError(
            f"unsupported indicator(s) {unknown[:5]}; this reader knows {sorted(INDICATORS)}. "
            "Add the indicator to defbudget.readers.worldbank.INDICATORS with its measure and "
            "unit.", path=path)
    is_country, region_of = _regions(raw, meta_path)
    long, values = _long_values(raw, year_cols, path)
    refuse_duplicates(raw[["Country Code", "Indicator Code"]], np.arange(len(raw)) + 6,
                      WdiFormatError, path, "country code and indicator")
    return finish(_tidy(long, values, is_country, region_of, updated), path)


def _check_head(path: Path) -> tuple[str, list[str]]:
    """(the "Last Updated Date", the header row) of a WDI file, after checking its first five
    lines: not a workbook, UTF-8 throughout, the WDI preamble and header."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise WdiFormatError(
            "this is an Excel workbook, not a CSV file; expected the World Bank's CSV "
            "download (API_<indicator>_DS2_en_csv_v2_<n>.csv). Download the indicator as CSV "
            "from data.worldbank.org (Download > CSV) and unzip it.", path=path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            head = [next(csv.reader([fh.readline()]), []) for _ in range(5)]
            fh.read()  # decode the whole file now, so a bad byte is reported here
    except UnicodeDecodeError as exc:
        raise WdiFormatError(
            f"cannot be read as a UTF-8 CSV ({exc}); expected the World Bank's CSV download. "
            "Use the file exactly as downloaded from data.worldbank.org (not re-saved from "
            "Excel in another encoding).", path=path) from exc
    except csv.Error as exc:
        raise WdiFormatError(
            f"the first five lines cannot be parsed as CSV ({exc}); expected the WDI "
            f"preamble. {FIX}", path=path) from exc
    if not head[0] or head[0][0] != PREAMBLE_FIRST:
        raise WdiFormatError(
            f"line 1 is {','.join(head[0])[:80]!r}; expected the WDI preamble "
            f"'\"{PREAMBLE_FIRST}\",\"World Development Indicators\"' followed by "
            f"'\"{PREAMBLE_DATE}\",...' and the table from line 5. Use the CSV exactly as "
            "downloaded from data.worldbank.org (the API_...csv file).", path=path)
    updated = head[2][1] if len(head[2]) > 1 and head[2][0] == PREAMBLE_DATE else None
    if updated is None or tuple(head[4][:4]) != HEADER:
        raise WdiFormatError(
            f"lines 3 and 5 are {head[2][:2]} and {head[4][:4]}; expected "
            f"['{PREAMBLE_DATE}', <date>] and {list(HEADER)}. The preamble changed: use the "
            "file exactly as downloaded.", path=path)
    return updated, head[4]


def _check_years(header: list[str], path: Path) -> None:
    """Every header cell after the four name columns is a whole year, each year once."""
    seen: dict[int, int] = {}
    for i, cell in enumerate(header[4:], start=5):
        if not cell.strip() and i == len(header):
            continue  # the download's trailing empty column
        year = whole_year(cell)
        if year is None:
            raise WdiFormatError(
                f"line 5, column {i}: header {cell!r} is not a year; expected whole years "
                f"such as 2020 after {list(HEADER)}. {FIX}", path=path)
        if year in seen:
            raise WdiFormatError(
                f"line 5: year {year} is both column {seen[year]} and column {i}; expected "
                f"each year once. {FIX}", path=path)
        seen[year] = i


def _regions(raw: pd.DataFrame, meta_path: Path | None) -> tuple[dict, dict]:
    """({code: is a country}, {code: World Bank region}) from the metadata file, or, without
    one, from country_converter's ISO3 codes (no regions)."""
    if meta_path is not None:
        regions = _read_metadata(meta_path)
        is_country = {code: bool(regions.get(code, "")) for code in raw["Country Code"]}
        region_of = regions
    else:
        from defbudget.readers._countries import current_iso3

        iso = current_iso3()
        is_country = {code: code in iso for code in raw["Country Code"]}
        region_of = {}
    return is_country, region_of


def _long_values(raw: pd.DataFrame, year_cols: list, path: Path
                 ) -> tuple[pd.DataFrame, pd.Series]:
    """The table one row per code, indicator and year (in file order, with its ``_line``),
    and its values as numbers; text or a non-finite number in a cell is an error."""
    long = raw.melt(id_vars=list(HEADER), value_vars=year_cols, var_name="year",
                    value_name="raw")
    long["_line"] = np.tile(np.arange(len(raw)) + 6, len(year_cols))  # 1-based file line
    long = long.sort_values(["_line", "year"], kind="stable").reset_index(drop=True)
    text = long["raw"].str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = text.ne("") & values.isna()
    if bad.any():
        k = bad.idxmax()
        raise WdiFormatError(
            f"line {long.at[k, '_line']}, column {long.at[k, 'year']}: found "
            f"{long.at[k, 'raw']!r} where a number or an empty cell was expected. Use the "
            "file exactly as downloaded from data.worldbank.org (re-saving it from Excel can "
            "add thousands separators).", path=path)
    refuse_non_finite(values, long["_line"].to_numpy(), long["year"].to_numpy(),
                      WdiFormatError, path)
    return long, values


def _tidy(long: pd.DataFrame, values: pd.Series, is_country: dict, region_of: dict,
          updated: str) -> pd.DataFrame:
    """The tidy frame of the long table (units scaled, aggregates without ``iso3``)."""
    spec = long["Indicator Code"].map(INDICATORS)
    scale = spec.map(lambda s: s[4]).astype(float)
    codes = long["Country Code"]
    country_mask = codes.map(is_country).astype(bool)
    frame = pd.DataFrame({
        "country": long["Country Name"],
        "iso3": codes.where(country_mask),
        "year": long["year"].astype(np.int64),
        "period": "CY",
        "fy_start_month": np.int64(1),
        "measure": spec.map(lambda s: s[0]),
        "basis": spec.map(lambda s: s[3]),
        "value": values.astype(float) * scale,
        "unit": spec.map(lambda s: s[1]),
        "price_basis": spec.map(lambda s: s[2]),
        "base_year": pd.array([pd.NA] * len(long), dtype="Int64"),
        "stage": None,
        "flag": values.isna().map({True: "unavailable", False: None}),
        "source": long["Indicator Code"].map(lambda c: SOURCE_ID.format(indicator=c)),
        "region": codes.map(lambda c: region_of.get(c) or None),
        "vintage": updated,
    })
    from defbudget.schema import coerce

    return coerce(frame)
