"""Price indices, rebasing and constant prices, with the index named on every result.

Indices (see :data:`INDICES`; each row cites its source, resolve it with ``defbudget.cite``):

``us_cpi_u``
    BLS CPI-U annual averages, 1982-84 = 100, calendar years 1913–.
``us_gdp_deflator``
    BEA GDP implicit price deflator via FRED, 2017 = 100, calendar years and US fiscal years
    (October–September, ``fy_start_month=10``) as means of the quarterly index.
``jp_cpi_all_items`` / ``jp_cpi_less_fresh_food``
    Statistics Bureau of Japan CPI, 2020 = 100, calendar years 1970–, plus April–March fiscal
    years FY2020– computed from the monthly index.
``jp_gdp_deflator``
    Cabinet Office (ESRI) implicit GDP deflator, calendar 2020 = 100, April–March fiscal
    years, from the shipped ``japan_gdp`` dataset.

A value at constant prices of base year *B* is ``value × I(B) / I(t)`` with the index *I* of
the same period convention as the row (a fiscal-year row needs a fiscal-year index with the
same start month; otherwise :func:`to_constant` refuses and names
``defbudget.fiscal.calendarise``).

Two named methods give constant US dollars (:func:`constant_usd`):

``"sipri"``
    SIPRI's: deflate local-currency values by the country's own CPI to base-year prices, then
    convert at the base year's average exchange rate.
``"convert_then_deflate"``
    Convert each year at that year's average rate, then deflate the dollars by a US index.
"""

from __future__ import annotations

import pandas as pd

from defbudget.errors import ArgumentError, DataError, MissingColumnError, UnknownNameError
from defbudget.schema import COLUMNS, BasisMismatchError, coerce, require_same_basis
from defbudget.vocabulary import CURRENCY_COUNTRY, SERIES_KEYS

__all__ = [
    "INDICES",
    "constant_usd",
    "price_index",
    "real_growth",
    "rebase",
    "to_constant",
]

#: Index name -> (ISO3 of the country whose prices it measures, description).
INDICES: dict[str, tuple[str, str]] = {
    "us_cpi_u": ("USA", "US CPI-U, all items, U.S. city average (BLS), 1982-84=100"),
    "us_gdp_deflator": ("USA", "US GDP implicit price deflator (BEA), 2017=100"),
    "jp_cpi_all_items": ("JPN", "Japan CPI, all items (Statistics Bureau), 2020=100"),
    "jp_cpi_less_fresh_food": ("JPN", "Japan CPI, all items less fresh food, 2020=100"),
    "jp_gdp_deflator": ("JPN", "Japan implicit GDP deflator (ESRI), FY, CY2020=100"),
}
#: Default consumer price index of a country for the SIPRI method (SIPRI deflates by CPI).
_COUNTRY_CPI = {"USA": "us_cpi_u", "JPN": "jp_cpi_all_items"}


def price_index(name: str, *, period: str | None = None) -> pd.DataFrame:
    """One shipped price index as a tidy frame (measure ``price_index``, unit ``index``).

    Parameters
    ----------
    name
        One of :data:`INDICES`.
    period
        ``"CY"`` or ``"FY"`` to keep one period convention; both when omitted.

    Returns
    -------
    pandas.DataFrame
        Index levels (reference period in ``index_base`` = 100), with ``basis`` = *name*
        and the ``source`` id of each row.

    Examples
    --------
    >>> cpi = price_index("jp_cpi_all_items", period="FY")
    >>> row = cpi.set_index("year").loc[2024]
    >>> print(row["value"], row["index_base"], row["source"])
    109.5 CY2020=100 statjp-cpi-2020-base
    """
    from defbudget.datasets import load

    if name not in INDICES:
        import difflib

        close = difflib.get_close_matches(str(name), INDICES, n=3)
        raise UnknownNameError(f"unknown price index {name!r}; "
                               f"{'did you mean ' + ', '.join(close) + '? ' if close else ''}"
                               f"known: {', '.join(INDICES)}.")
    if name == "jp_gdp_deflator":
        gdp = load("japan_gdp")
        out = gdp[gdp["measure"] == "gdp_deflator"].copy()
        out["measure"], out["basis"], out["index_base"] = "price_index", name, "CY2020=100"
    else:
        table = load("price_indices")
        out = table[table["basis"] == name]
    if period is not None:
        if period not in ("CY", "FY"):
            raise ArgumentError(f"period={period!r}; expected 'CY', 'FY' or None.")
        out = out[out["period"] == period]
    return out.reset_index(drop=True)


def _index_frame(index) -> tuple[pd.DataFrame, str]:
    """(index rows, index name) from a name or a price-index frame."""
    if isinstance(index, str):
        return price_index(index), index
    if isinstance(index, pd.DataFrame):
        names = index["basis"].dropna().unique().tolist()
        if len(names) != 1:
            raise DataError(f"the index frame holds {len(names)} indices {names}; pass one "
                            "(filter on its basis column).")
        return index, str(names[0])
    raise TypeError(f"index={index!r}: expected an index name such as 'jp_cpi_all_items' or "
                    "a price-index frame from defbudget.prices.price_index().")


def rebase(index: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Rescale a price index so that *base_year* = 100.

    Each series (index, country, period convention) is rebased separately, to its own value
    in *base_year* (a fiscal year for a fiscal-year series).

    Returns
    -------
    pandas.DataFrame
        New frame, unit ``index``, ``index_base`` = ``"<base_year>=100"`` (``"FY2020=100"``
        for fiscal-year series).

    Examples
    --------
    >>> cpi = rebase(price_index("us_cpi_u"), 2024)
    >>> cpi.set_index("year").loc[[2023, 2024], "value"].round(2).tolist()
    [97.14, 100.0]
    """
    if not {"year", "value"} <= set(index.columns):
        raise MissingColumnError("rebase needs 'year' and 'value' columns.",
                                 columns=[c for c in ("year", "value") if c not in index])
    out = index.copy()
    keys = [c for c in SERIES_KEYS if c in out.columns]
    groups = out.groupby(keys, dropna=False, sort=False).groups if keys else {(): out.index}
    for _, idx in groups.items():
        part = out.loc[idx]
        at_base = part.loc[part["year"] == base_year, "value"]
        if at_base.empty or pd.isna(at_base.iloc[0]):
            label = part["basis"].iloc[0] if "basis" in part.columns else "the index"
            raise DataError(f"cannot rebase {label} to {base_year}: no value for that year "
                            f"(it covers {int(part['year'].min())}–{int(part['year'].max())}).")
        out.loc[idx, "value"] = part["value"].astype(float) / float(at_base.iloc[0]) * 100.0
        fy = "period" in part.columns and part["period"].iloc[0] == "FY"
        out.loc[idx, "index_base"] = f"{'FY' if fy else ''}{base_year}=100"
    return out


def _deflators(rows: pd.DataFrame, idx: pd.DataFrame, name: str) -> pd.DataFrame:
    """Index levels matched to each row's year and period convention."""
    periods_rows = rows[["period", "fy_start_month"]].drop_duplicates()
    periods_idx = idx[["period", "fy_start_month"]].drop_duplicates()
    merged = periods_rows.merge(periods_idx, how="left", indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    if not missing.empty:
        p, m = missing.iloc[0]["period"], int(missing.iloc[0]["fy_start_month"])
        have = ", ".join(f"{a} (start month {int(b)})" for a, b in periods_idx.to_numpy())
        raise BasisMismatchError(
            f"to_constant cannot combine rows with different period: the frame has {p} rows "
            f"(start month {m}) and index {name!r} has {have}. Convert one into the other "
            "first with defbudget.fiscal.calendarise(frame, rule=...), or choose an index with "
            "that period.")
    return idx[["year", "period", "fy_start_month", "value", "source"]]


def _check_deflatable(frame: pd.DataFrame, name: str) -> None:
    """Refuse rows that are not money, or money of another country than the index's."""
    country = INDICES.get(name, (None,))[0]
    for unit in set(frame["unit"].dropna()):
        if unit == "index" or unit == "ratio" or unit.endswith("/person"):
            raise DataError(f"to_constant deflates money; the frame has unit {unit!r}.")
        home = CURRENCY_COUNTRY.get(unit)  # whose prices the rows are in
        if country is not None and home is not None and home != country:
            raise BasisMismatchError(
                f"to_constant cannot combine rows in {unit} with index {name!r} ({country} "
                f"prices). Convert one into the other first with defbudget.fx.convert(frame, "
                f"to=...), or deflate with an index of {home}.")


def _with_deflator_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* with the columns to_constant fills (``base_year`` as objects)."""
    out = frame.copy()
    if "deflator" not in out.columns:
        out["deflator"] = pd.Series(pd.NA, index=out.index, dtype="object")
        out["deflator_source"] = pd.Series(pd.NA, index=out.index, dtype="object")
    for col in ("flag", "note"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="object")
    out["base_year"] = out["base_year"].astype("object") if "base_year" in out.columns \
        else pd.Series(pd.NA, index=out.index, dtype="object")
    return out


def to_constant(frame: pd.DataFrame, *, base_year: int,
                index: str | pd.DataFrame = "jp_cpi_all_items",
                on_missing: str = "raise") -> pd.DataFrame:
    """Express money values at the prices of *base_year* using a named price index.

    Parameters
    ----------
    frame
        Tidy frame of money rows, current or constant prices.
    base_year
        Price year of the result (a fiscal year for fiscal-year rows).
    index
        Name in :data:`INDICES` or a frame from :func:`price_index`. Its country must be the
        country of the frame's currency (yen rows need a Japanese index).
    on_missing
        ``"raise"`` or ``"nan"`` (value NaN, flag ``unavailable``, a ``note`` saying why).

    Returns
    -------
    pandas.DataFrame
        New frame, same currency, ``price_basis="constant"``, ``base_year`` = *base_year*,
        ``deflator`` = the index name and ``deflator_source`` its source id. Constant-price
        rows of another base year are rebased.

    Examples
    --------
    >>> import pandas as pd
    >>> yen = pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2020, 2024],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "value": [5.3133e12, 7.9496e12],
    ...     "unit": "JPY", "price_basis": "current", "source": "example"})
    >>> real = to_constant(yen, base_year=2020, index="jp_gdp_deflator")
    >>> (real["value"] / 1e12).round(3).tolist(), real["deflator"].iloc[0]
    ([5.313, 7.262], 'jp_gdp_deflator')
    """
    if on_missing not in ("raise", "nan"):
        raise ArgumentError(f"on_missing={on_missing!r}; expected 'raise' or 'nan'.")
    idx, name = _index_frame(index)
    _check_deflatable(frame, name)
    table = _deflators(frame, idx, name).set_index(["year", "period", "fy_start_month"])
    out = _with_deflator_columns(frame)

    def level(year, period, month):
        key = (int(year), period, int(month))
        return float(table.loc[key, "value"]) if key in table.index else float("nan")

    for i, row in out.iterrows():
        period, month = row["period"], row["fy_start_month"]
        from_year = (int(row["base_year"]) if row.get("price_basis") == "constant"
                     else int(row["year"]))
        i_from, i_to = level(from_year, period, month), level(base_year, period, month)
        if pd.isna(i_from) or pd.isna(i_to):
            missing = from_year if pd.isna(i_from) else base_year
            msg = (f"index {name!r} has no {period}{missing} value (covers "
                   f"{int(idx['year'].min())}–{int(idx['year'].max())})")
            if on_missing == "raise":
                raise DataError(f"row {i!r}: {msg}. Pass on_missing='nan' to keep the row "
                                "as NaN flagged 'unavailable'.")
            out.at[i, "value"] = float("nan")
            out.at[i, "flag"] = "unavailable"
            out.at[i, "note"] = msg
        else:
            out.at[i, "value"] = float(row["value"]) * i_to / i_from
        out.at[i, "deflator"] = name
        sources = idx.loc[idx["year"].isin([from_year, base_year]), "source"].dropna()
        out.at[i, "deflator_source"] = ";".join(dict.fromkeys(sources)) or None
    out["price_basis"] = "constant"
    out["base_year"] = int(base_year)
    return coerce(out) if all(c in out.columns for c in COLUMNS) else out


def real_growth(frame: pd.DataFrame, *, index: str | pd.DataFrame | None = None,
                base_year: int | None = None) -> pd.DataFrame:
    """Year-on-year real growth of each series, as a ratio (0.05 = 5 %).

    Parameters
    ----------
    frame
        Tidy money frame. Current-price rows need *index* (and the growth is computed at
        constant prices of *base_year*, default the first year); constant-price rows are used
        as they are.

    Returns
    -------
    pandas.DataFrame
        One row per series and year with a previous year, ``measure`` = ``<measure>_real_growth``,
        ``unit`` ``ratio``, ``price_basis`` constant, and the deflator columns.

    Examples
    --------
    >>> import pandas as pd
    >>> yen = pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2023, 2024],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "value": [6.8219e12, 7.9496e12],
    ...     "unit": "JPY", "price_basis": "current", "source": "example"})
    >>> g = real_growth(yen, index="jp_gdp_deflator")
    >>> print(f"{g['value'].iloc[0]:.2%}")  # nominal +16.5 %, deflator +3.2 %
    12.89%
    """
    if (frame["price_basis"] == "current").any():
        if index is None:
            raise ArgumentError("real_growth of current-price rows needs index= (e.g. "
                                "'jp_cpi_all_items'), or pass a frame from to_constant().")
        years = frame["year"].astype(int)
        frame = to_constant(frame, base_year=base_year or int(years.min()), index=index)
    keys = [c for c in (*SERIES_KEYS, "stage") if c in frame.columns]
    rows = []
    for _, part in frame.groupby(keys, dropna=False, sort=False):
        require_same_basis(part, what="real_growth")
        part = part.sort_values("year")
        by_year = part.set_index(part["year"].astype(int))["value"].astype(float)
        for _, row in part.iterrows():
            prev = int(row["year"]) - 1
            if prev not in by_year.index:
                continue
            new = row.copy()
            new["value"] = by_year[int(row["year"])] / by_year[prev] - 1.0
            new["measure"] = f"{row['measure']}_real_growth"
            new["unit"] = "ratio"
            rows.append(new)
    out = pd.DataFrame(rows).reset_index(drop=True) if rows else frame.iloc[0:0].copy()
    return coerce(out) if all(c in out.columns for c in COLUMNS) and rows else out


def constant_usd(frame: pd.DataFrame, *, base_year: int, method: str = "sipri",
                 index: str | pd.DataFrame | None = None, rate: str | float = "fy_average"
                 ) -> pd.DataFrame:
    """Constant US dollars of *base_year* by a named method.

    Parameters
    ----------
    frame
        Local-currency money rows at current prices.
    base_year
        Price and exchange-rate year of the result.
    method
        ``"sipri"``: deflate by the country's own CPI (default index by the frame's iso3,
        e.g. ``jp_cpi_all_items``), then convert at the base year's average rate.
        ``"convert_then_deflate"``: convert each year at that year's average rate, then
        deflate by a US index (default ``us_gdp_deflator``).
    index
        Override the price index of the method.
    rate
        ``"fy_average"`` (the rows' own period), ``"cy_average"``, ``"spot:YYYY-MM-DD"`` or a
        fixed number of local currency per US$; see :func:`defbudget.fx.convert`.

    Returns
    -------
    pandas.DataFrame
        Unit USD, ``price_basis="constant"``, ``base_year`` = *base_year*, with ``fx_rate``,
        ``fx_basis``, ``fx_source``, ``deflator`` and ``deflator_source`` on every row.

    Examples
    --------
    >>> import pandas as pd
    >>> yen = pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2022, 2024],
    ...     "period": "CY", "fy_start_month": 1, "measure": "milex", "basis": "sipri",
    ...     "value": [6.0e12, 8.0e12], "unit": "JPY", "price_basis": "current",
    ...     "source": "example"})
    >>> sipri = constant_usd(yen, base_year=2023, method="sipri")
    >>> other = constant_usd(yen, base_year=2023, method="convert_then_deflate")
    >>> (sipri["value"] / 1e9).round(1).tolist(), (other["value"] / 1e9).round(1).tolist()
    ([44.1, 55.4], [47.3, 51.5])
    """
    from defbudget.fx import convert

    if method not in ("sipri", "convert_then_deflate"):
        raise ArgumentError(f"method={method!r}; expected 'sipri' or 'convert_then_deflate'.")
    if (frame["price_basis"] != "current").any():
        raise DataError("constant_usd starts from current prices; the frame has constant-"
                        "price rows (pass the current-price series).")
    if method == "sipri":
        if index is None:
            countries = set(frame["iso3"].dropna())
            if len(countries) != 1 or next(iter(countries)) not in _COUNTRY_CPI:
                raise ArgumentError(f"no default CPI for {sorted(countries)}; pass index=.")
            index = _COUNTRY_CPI[next(iter(countries))]
        local = to_constant(frame, base_year=base_year, index=index)
        return convert(local, to="USD", rate=rate)
    usd = convert(frame, to="USD", rate=rate)
    return to_constant(usd, base_year=base_year, index=index or "us_gdp_deflator")
