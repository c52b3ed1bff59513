"""Read an Our World in Data grapher CSV into the tidy frame.

A grapher download ("Download → Full data (CSV)") has the columns ``Entity, Code, Year`` and
one value column whose name carries the unit, e.g. ``Military expenditure (% of GDP)``,
sometimes followed by annotation columns such as ``World region according to OWID``.
OWID's own aggregates ("World", "European Union (SIPRI)") have no ISO code (an empty Code or
one starting ``OWID_``) and keep ``iso3`` missing.
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

__all__ = ["UNIT_RULES", "OwidFormatError", "read_owid_csv"]

ID_COLUMNS = ("Entity", "Code", "Year")
#: Annotation columns that are not values.
REGION_COLUMNS = ("World region according to OWID", "Continent", "Region")

#: (pattern on the value column's name, measure, unit, multiplier), first match wins.
UNIT_RULES: tuple[tuple[re.Pattern, str, str, float], ...] = (
    (re.compile(r"military .*\(% of gdp\)", re.I), "milex_share_gdp", "ratio", 0.01),
    (re.compile(r"military .*\(% of (general )?government (spending|expenditure)\)", re.I),
     "milex_share_govt", "ratio", 0.01),
    (re.compile(r"military .*per capita", re.I), "milex_per_capita", "USD/person", 1.0),
    (re.compile(r"military (expenditure|spending).*\(constant", re.I), "milex", "USD", 1.0),
    (re.compile(r"military (expenditure|spending).*\((current )?us\$\)", re.I), "milex",
     "USD", 1.0),
)
SOURCE_ID = "owid-{slug}"
#: Part of the cache key: raise it when the frame this reader returns changes.
CACHE_VERSION = 1
#: OWID's own codes for entities that have a user-assigned code elsewhere (Kosovo is XKX in
#: SIPRI and the World Bank; see defbudget.schema.USER_ASSIGNED_CODES).
OWID_USER_ASSIGNED = {"OWID_KOS": "XKX"}
FIX = ("Download the chart again from ourworldindata.org with the grapher's 'Full data (CSV)' "
       "and use it unchanged.")


class OwidFormatError(SourceFormatError):
    """The file is not an OWID grapher CSV this reader understands."""


def _slug(text: str) -> str:
    text = re.sub(r"^owid[_-]", "", text, flags=re.I)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_owid_csv(path: str | PathLike, *, column: str | None = None,
                  cache: bool = True) -> pd.DataFrame:
    """Read an OWID grapher CSV into the tidy frame.

    Parameters
    ----------
    path
        The CSV as downloaded from ourworldindata.org/grapher/<slug>.
    column
        The value column, when the file has more than one candidate.
    cache
        Reuse the frame of an earlier read of the same file (same content, SHA-256, and
        name, which gives the source id), kept in memory and in the on-disk cache
        (``defbudget cache info``; off with ``DEFBUDGET_NO_CACHE=1``); its warnings are
        issued again. A copy is returned.

    Returns
    -------
    pandas.DataFrame
        Tidy frame, calendar years, current prices. Units come from the column name:
        ``(% of GDP)`` → ``milex_share_gdp`` as a ratio (÷ 100); ``(% of government
        spending)`` → ``milex_share_govt`` ratio; ``per capita`` → ``USD/person``; US$ →
        ``milex`` in USD (constant-dollar columns are refused: their base year is not in the
        file). ``source`` is ``owid-<slug of the file name>``, ``basis`` ``sipri`` or ``gmsd``
        when the slug names them (else ``owid``); entities without an ISO code (OWID
        aggregates) keep ``iso3`` missing; ``region`` is OWID's world region when present.

    Raises
    ------
    OwidFormatError
        Missing ``Entity/Code/Year`` columns, a column twice, an ambiguous or unknown value
        column, text or ``inf`` in a value cell, a year that is not a whole non-negative
        number, an entity and year twice, or a file that is empty, not UTF-8 or not a
        regular CSV (each naming the file and line). Codes are matched case-insensitively.
    defbudget.schema.SchemaError, defbudget.sanity.SanityError
        The frame breaks the tidy contract, or holds an implausible value.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "military-spending-as-a-share-of-gdp-sipri.csv")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write("Entity,Code,Year,Military expenditure (% of GDP)\\n"
    ...                  "Japan,JPN,2024,1.4\\nEuropean Union (SIPRI),,2024,1.9\\n")
    >>> df = read_owid_csv(p)
    >>> print(df[["country", "iso3", "value", "unit"]].to_string())
                      country iso3  value   unit
    0                   Japan  JPN  0.014  ratio
    1  European Union (SIPRI)  NaN  0.019  ratio
    >>> df["source"].iloc[0]
    'owid-military-spending-as-a-share-of-gdp-sipri'
    """
    path = Path(path)
    from defbudget.readers import _cache

    options = {"v": CACHE_VERSION, "column": column, "name": path.stem}
    return _cache.read_file_through("owid", [path], options, lambda: _read(path, column),
                                    cache=cache)


def _read(path: Path, column: str | None) -> pd.DataFrame:
    """The checked tidy frame of *path* (see :func:`read_owid_csv`), parsed afresh."""
    raw, column, rule = _raw_and_rule(path, column)
    _, measure, unit, scale = rule
    values = _values(raw, column, path)
    years = _years(raw, path)
    lines = np.arange(len(raw)) + 2
    refuse_non_finite(values, lines, [column] * len(raw), OwidFormatError, path)
    refuse_duplicates(raw[["Entity", "Code", "Year"]], lines, OwidFormatError, path,
                      "entity, code and year")
    coded = raw["Code"].str.strip().ne("")
    refuse_duplicates(raw.loc[coded, ["Code", "Year"]], lines[coded.to_numpy()],
                      OwidFormatError, path, "code and year")
    return finish(_tidy(raw, path, values, years, measure, unit, scale), path)


def _raw_and_rule(path: Path, column: str | None) -> tuple[pd.DataFrame, str, tuple]:
    """The file as text columns, its value column and the unit rule that column matches."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader([fh.readline()]), [])
    except (UnicodeDecodeError, csv.Error):
        header = []  # read_csv_checked below says what is wrong with the file
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise OwidFormatError(
            f"line 1: column(s) {repeated} appear more than once; expected each column once. "
            f"{FIX}", path=path)
    raw = read_csv_checked(path, OwidFormatError, FIX)
    missing = [c for c in ID_COLUMNS if c not in raw.columns]
    if missing:
        raise OwidFormatError(
            f"missing column(s) {missing}; expected {list(ID_COLUMNS)} followed by one value "
            f"column, found {list(raw.columns)[:6]}. Use the grapher's 'Full data (CSV)'.",
            path=path)
    candidates = [c for c in raw.columns if c not in ID_COLUMNS and c not in REGION_COLUMNS]
    if column is None:
        if len(candidates) != 1:
            raise OwidFormatError(
                f"expected one value column besides {list(ID_COLUMNS)}, found {candidates}; "
                "pass column=<name>.", path=path)
        column = candidates[0]
    elif column not in raw.columns:
        raise OwidFormatError(f"no column {column!r}; columns are {list(raw.columns)}.",
                              path=path)
    rule = next((r for r in UNIT_RULES if r[0].search(column)), None)
    if rule is None or "constant" in column.lower():
        raise OwidFormatError(
            f"cannot tell the measure and unit of column {column!r}; known patterns: "
            f"{[r[0].pattern for r in UNIT_RULES]} (constant-dollar columns are refused: "
            "the base year is not in the file).", path=path)
    return raw, column, rule


def _values(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """The value column as numbers (empty cells missing); text in a cell is an error."""
    text = raw[column].str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.ne("")
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        raise OwidFormatError(
            f"line {k + 2}, column {column!r}: found {raw.at[k, column]!r} where a number "
            f"was expected. {FIX}", path=path)
    return values


def _years(raw: pd.DataFrame, path: Path) -> pd.Series:
    """The ``Year`` column as whole years; a fraction, a negative year or text is an error."""
    years = raw["Year"].map(whole_year)
    bad = years.isna()
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        raise OwidFormatError(
            f"line {k + 2}, column 'Year': found {raw.at[k, 'Year']!r} where a whole year "
            f"such as 2020 was expected (no fractions, no negative years). {FIX}", path=path)
    return years


def _tidy(raw: pd.DataFrame, path: Path, values: pd.Series, years: pd.Series, measure: str,
          unit: str, scale: float) -> pd.DataFrame:
    """The tidy frame (ratios scaled, OWID aggregates without ``iso3``)."""
    code = raw["Code"].map(normalise_key).replace(OWID_USER_ASSIGNED)
    iso3 = code.where(code.str.fullmatch(r"[A-Z]{3}"))
    slug = _slug(path.stem)
    basis = "sipri" if "sipri" in slug else "gmsd" if "gmsd" in slug else "owid"
    region_col = next((c for c in REGION_COLUMNS if c in raw.columns), None)
    frame = pd.DataFrame({
        "country": raw["Entity"].map(clean_name),
        "iso3": iso3,
        "year": years.astype(np.int64),
        "period": "CY",
        "fy_start_month": np.int64(1),
        "measure": measure,
        "basis": basis,
        "value": values.astype(float) * scale,
        "unit": unit,
        "price_basis": "current",
        "base_year": pd.array([pd.NA] * len(raw), dtype="Int64"),
        "stage": None,
        "flag": values.isna().map({True: "unavailable", False: None}),
        "source": SOURCE_ID.format(slug=slug),
    })
    if region_col is not None:
        frame["region"] = raw[region_col].replace("", None)
    from defbudget.schema import coerce

    return coerce(frame)
