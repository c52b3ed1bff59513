"""One year across countries: :func:`rank`, :func:`top_n`, :func:`share_of_total`.

Each works on one measure on one basis (unit, price basis and base year, period convention);
aggregates (World, regions) are told apart from countries by
:data:`~defbudget.compare.AGGREGATE_NAMES` and the frame's region columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget.compare._frame import (
    _aggregate_mask,
    _finish,
    _join_sources,
    _label,
    _one_measure,
    _require,
    _same_basis,
    _worst_flag,
)
from defbudget.compare.select import _resolve_country
from defbudget.errors import ArgumentError, DataError, MissingColumnError


def _pick_year(frame: pd.DataFrame, year, what: str) -> int:
    if isinstance(year, str) and year == "latest":
        have = frame[frame["value"].notna() & ~_aggregate_mask(frame)]
        if have.empty:
            raise DataError(f"{what}: the frame has no country values, so no latest year.")
        return int(have["year"].max())
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise TypeError(f"{what}: year must be an int (e.g. 2024) or 'latest'; you passed "
                        f"{year!r}.")
    if not frame["year"].eq(year).any():
        raise DataError(f"{what}: no rows for year {year}; the frame covers "
                        f"{int(frame['year'].min())}–{int(frame['year'].max())}.")
    return int(year)


def rank(frame: pd.DataFrame, *, year: int | Literal["latest"], ascending: bool = False,
         include_aggregates: bool = False) -> pd.DataFrame:
    """Rank countries by value in one year (1 = largest unless *ascending*).

    Parameters
    ----------
    frame
        A tidy frame holding one measure on one basis (one unit, price basis and base year,
        period convention); otherwise :class:`~defbudget.schema.BasisMismatchError`.
    year
        The year to rank, or ``"latest"`` for the latest year with any country value.
    ascending
        Rank the smallest first.
    include_aggregates
        Keep regions and other aggregates (rows without ``iso3``); off by default.

    Returns
    -------
    pandas.DataFrame
        The year's rows in rank order with a nullable-int ``rank`` column (ties share the
        lower rank; unavailable values have no rank and come last). Values, unit and price
        basis are those of the input.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_cross_section()
    >>> cmp.rank(f, year=2024)[["country", "value", "rank"]]
             country         value  rank
    0  United States  9.970000e+11     1
    1          China  3.140000e+11     2
    2          India  8.610000e+10     3
    3          Japan  5.530000e+10     4
    4      Australia  3.380000e+10     5
    5   Korea, North           NaN  <NA>
    """
    _require(frame, "compare.rank")
    y = _pick_year(frame, year, "compare.rank")
    sub = frame[frame["year"] == y]
    if not include_aggregates:
        sub = sub[sub["iso3"].notna()]
    if sub.empty:
        raise DataError(f"compare.rank: no country rows in {y}.")
    _one_measure(sub, "compare.rank")
    _same_basis(sub, what="compare.rank")
    dup = sub[sub.duplicated(["country"], keep=False)]
    if not dup.empty:
        c = dup["country"].iloc[0]
        d = dup[dup["country"] == c]
        raise DataError(
            f"compare.rank: {c} appears {len(d)} times in {y} (basis "
            f"{', '.join(map(str, d['basis'].unique()))}; source "
            f"{', '.join(map(str, d['source'].unique()))}); rank one series per country — "
            "filter with select(frame, basis=..., source=...).")
    out = sub.copy()
    out["rank"] = out["value"].rank(ascending=ascending, method="min").astype("Int64")
    out = schema.coerce(out)
    return out.sort_values(["rank", "country"], na_position="last",
                           kind="stable").reset_index(drop=True)


def top_n(frame: pd.DataFrame, *, year: int | Literal["latest"], n: int = 10,
          ascending: bool = False) -> pd.DataFrame:
    """The *n* largest countries in one year (aggregates and regions excluded).

    Parameters
    ----------
    frame
        A tidy frame holding one measure on one basis (see :func:`rank`).
    year
        The year, or ``"latest"``.
    n
        How many; ties at the cut-off are all kept, so the result can be longer than *n*.
    ascending
        The *n* smallest instead.

    Returns
    -------
    pandas.DataFrame
        Rows with a value, in rank order, with a ``rank`` column; unit and price basis as
        the input.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> cmp.top_n(cmp._example_cross_section(), year="latest", n=2)["iso3"].tolist()
    ['USA', 'CHN']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ArgumentError(f"compare.top_n: n must be a positive int; you passed {n!r}.")
    ranked = rank(frame, year=year, ascending=ascending, include_aggregates=False)
    ranked = ranked[ranked["value"].notna()]
    return ranked[ranked["rank"] <= n].reset_index(drop=True)


_GROUP_KEYS = ("measure", "basis", "unit", "price_basis", "base_year", "period",
               "fy_start_month", "year")


def share_of_total(frame: pd.DataFrame, *,
                   total: Literal["world", "region", "subregion"] | Mapping[str, Sequence[str]]
                   = "world",
                   denominator: Literal["reported", "sum"] = "reported") -> pd.DataFrame:
    """Each country's share of a total: the world, its region, or a named group.

    Parameters
    ----------
    frame
        A tidy frame holding one measure on one basis (one unit, price basis and base year,
        period convention); otherwise :class:`~defbudget.schema.BasisMismatchError`.
    total
        ``"world"``; ``"region"`` or ``"subregion"`` (needs that column, as SIPRI frames have);
        or a mapping of group names to members (ISO3 codes or names), e.g.
        ``{"Quad": ["JPN", "USA", "AUS", "IND"]}``.
    denominator
        For ``"world"`` and regions: ``"reported"`` divides by the aggregate row the source
        publishes (``country == "World"`` or the region's name, ``iso3`` missing), which
        includes the source's estimates for countries without data; ``"sum"`` divides by the
        sum of the countries in the frame that have a value. A group's total is always the
        sum of its members and is NaN when a member has no value that year.

    Returns
    -------
    pandas.DataFrame
        One row per country (or group member) and year: unit ``ratio`` (0.37 = 37 %),
        ``measure`` ``<measure>_share_of_total``, price basis as the input (shares at constant
        and at current prices differ), plus ``total_name``, ``total_value`` (in the input
        unit), ``total_kind`` (``reported``, ``sum_of_countries``, ``sum_of_members``) and
        ``total_count`` (countries summed).

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_cross_section()
    >>> out = cmp.share_of_total(f, total={"Quad": ["JPN", "USA", "AUS", "IND"]})
    >>> out[["country", "value", "total_kind"]]
             country     value      total_kind
    0      Australia  0.028835  sum_of_members
    1          India  0.073452  sum_of_members
    2          Japan  0.047176  sum_of_members
    3  United States  0.850537  sum_of_members
    >>> w = cmp.share_of_total(f, total="world")
    >>> w.loc[w["iso3"] == "USA", ["value", "total_kind"]].round(4)
        value total_kind
    5  0.3668   reported
    """
    _require(frame, "compare.share_of_total")
    _one_measure(frame, "compare.share_of_total")
    _same_basis(frame, what="compare.share_of_total")
    if denominator not in ("reported", "sum"):
        raise ArgumentError(f"compare.share_of_total: denominator must be 'reported' or 'sum'; "
                            f"you passed {denominator!r}.")
    df = frame.reset_index(drop=True)
    is_agg = _aggregate_mask(df)
    countries = df[~is_agg]
    gk = [*_GROUP_KEYS, *(["vintage"] if "vintage" in df.columns else [])]
    if isinstance(total, Mapping):
        out = pd.concat([_group_total(countries, name, members, gk)
                         for name, members in total.items()], ignore_index=True)
    elif total in ("world", "region", "subregion"):
        out = _area_total(countries, df[is_agg], total, denominator, gk)
    else:
        raise ArgumentError(f"compare.share_of_total: total must be 'world', 'region', "
                            f"'subregion' or a mapping like {{'Quad': ['JPN', 'USA']}}; you "
                            f"passed {total!r}.")

    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = (out["value"] / out["total_value"]).where(out["total_value"].ne(0))
    out["flag"] = _worst_flag(out["flag"], out["total_flag"])
    out["flag"] = out["flag"].where(~(out["value"].isna() & out["flag"].isna()), "unavailable")
    out["source"] = _join_sources(out["source"], out["total_source"])
    out = out.drop(columns=["total_flag", "total_source"])
    out["measure"] = out["measure"] + "_share_of_total"
    out["unit"] = "ratio"
    out["total_count"] = pd.to_numeric(out["total_count"]).astype("Int64")
    out["value_type"] = "computed"
    return _finish(out, sort=("total_name", "year", "country"))


def _group_total(countries: pd.DataFrame, name: str, members: Sequence[str],
                 gk: list[str]) -> pd.DataFrame:
    """The rows of a named group's members, each with the group's total beside it (the sum
    of the members, NaN with a note in a year when a member has no value)."""
    if isinstance(members, str) or not isinstance(members, Iterable):
        raise TypeError(f"compare.share_of_total: members of {name!r} must be a list "
                        f"of ISO3 codes or names; you passed {members!r}.")
    masks = [_resolve_country(countries, m) for m in members]
    mask = np.logical_or.reduce(masks)
    rows = countries[mask].copy()
    names = sorted(rows["country"].unique())
    # Every member needs a value for the total to mean anything.
    rows = rows.reset_index(drop=True)
    rows["total_value"] = np.nan
    rows["total_count"] = 0
    notes = pd.Series(None, index=rows.index, dtype=object)
    gid = rows.groupby(gk, dropna=False, sort=False).ngroup()
    for _, idx in rows.groupby(gid, sort=False).groups.items():
        g = rows.loc[idx]
        have = set(g.loc[g["value"].notna(), "country"])
        rows.loc[idx, "total_count"] = len(have)
        missing = [n for n in names if n not in have]
        if missing:
            first = g.iloc[0]
            notes[idx] = (f"{name} total incomplete in "
                          f"{_label(first['period'], first['year'])}: no value for "
                          f"{', '.join(missing)}")
        else:
            rows.loc[idx, "total_value"] = float(g["value"].sum())
        rows.loc[idx, "total_source"] = ";".join(
            dict.fromkeys(g["source"].dropna().astype(str)))
    rows["note"] = notes
    rows["total_name"] = name
    rows["total_kind"] = "sum_of_members"
    rows["total_flag"] = None
    return rows


def _area_total(countries: pd.DataFrame, aggregates: pd.DataFrame, total: str,
                denominator: str, gk: list[str]) -> pd.DataFrame:
    """The country rows, each with the total of the world or of its region or subregion."""
    if total != "world" and total not in countries.columns:
        raise MissingColumnError(
            f"compare.share_of_total: total={total!r} needs a {total!r} column (SIPRI "
            "frames from defbudget.read_sipri have one).", columns=[total])
    rows = countries.copy()
    rows["total_name"] = "World" if total == "world" else countries[total].astype(object)
    rows["_k"] = rows["total_name"].map(lambda v: v.casefold() if isinstance(v, str)
                                        else None)
    if denominator == "reported":
        rows = _reported_total(rows, aggregates, total, gk)
    else:
        rows = _summed_total(rows, total, gk)
    return rows.drop(columns=["_k"])


def _reported_total(rows: pd.DataFrame, aggregates: pd.DataFrame, total: str,
                    gk: list[str]) -> pd.DataFrame:
    """*rows* (countries, keyed by ``_k``, the casefolded name of their world or region) with
    the aggregate row the source reports for it beside each (``total_kind`` ``reported``)."""
    agg = aggregates.copy()
    agg["_k"] = agg["country"].astype(object).map(
        lambda v: v.casefold() if isinstance(v, str) else None)
    agg = agg[agg["_k"].isin(set(rows["_k"].dropna()))]
    if agg.empty:
        raise DataError(
            f"compare.share_of_total: the frame has no reported {total} total "
            "(an aggregate row, iso3 missing, named "
            f"{'World' if total == 'world' else 'after the region'}) on this basis. "
            "SIPRI publishes regional totals in constant US$ (and the latest year in "
            "current US$); pass denominator='sum' to divide by the sum of the "
            f"{rows['country'].nunique()} countries in the frame instead.")
    agg = agg[[*gk, "_k", "value", "flag", "source"]].rename(
        columns={"value": "total_value", "flag": "total_flag", "source": "total_source"})
    rows = rows.merge(agg, on=[*gk, "_k"], how="left")
    rows["total_kind"] = "reported"
    rows["total_count"] = pd.NA
    notes = pd.Series(None, index=rows.index, dtype=object)
    nt = rows["total_value"].isna()
    notes[nt] = [f"no reported {n} total for {_label(p, y)}" if isinstance(n, str)
                 else f"no {total} for this country"
                 for n, p, y in zip(rows.loc[nt, "total_name"], rows.loc[nt, "period"],
                                    rows.loc[nt, "year"], strict=True)]
    rows["note"] = notes
    return rows


def _summed_total(rows: pd.DataFrame, total: str, gk: list[str]) -> pd.DataFrame:
    """*rows* (countries, keyed by ``_k`` as in :func:`_reported_total`) with the sum of the
    countries of their world or region that have a value (``total_kind``
    ``sum_of_countries``)."""
    keys = [*gk, "_k"]
    grouped = rows.groupby(keys, dropna=False)
    tot = grouped["value"].agg(["sum", "count"])
    tot.columns = ["total_value", "total_count"]
    tot["total_source"] = grouped["source"].agg(
        lambda x: ";".join(dict.fromkeys(x.dropna().astype(str))))
    rows = rows.merge(tot, left_on=keys, right_index=True, how="left")
    rows.loc[rows["_k"].isna(), "total_value"] = np.nan
    rows["total_kind"] = "sum_of_countries"
    rows["total_flag"] = None
    rows["note"] = pd.Series(f"no {total} for this country", index=rows.index,
                             dtype=object).where(rows["_k"].isna(), None)
    return rows


def _example_cross_section() -> pd.DataFrame:
    """Illustrative 2024 values in current US$ (rounded, not a data source)."""
    return schema.coerce(pd.DataFrame({
        "country": ["United States", "China", "Japan", "Australia", "India", "Korea, North",
                    "World"],
        "iso3": ["USA", "CHN", "JPN", "AUS", "IND", "PRK", None], "year": 2024, "period": "CY",
        "fy_start_month": 1, "measure": "milex", "basis": "sipri",
        "value": [997e9, 314e9, 55.3e9, 33.8e9, 86.1e9, np.nan, 2718e9], "unit": "USD",
        "price_basis": "current", "base_year": pd.NA, "stage": None,
        "flag": [None, "estimate", None, None, None, "unavailable", None],
        "source": "example"}))
