"""Comparisons researchers make every day, on the tidy frame.

Every function takes a tidy frame (see :mod:`defbudget.schema`) and returns a new one; inputs
are never modified and nothing here reads files or the network (except :func:`load_targets`,
which reads the targets table shipped with the package). Results keep the ``source``, ``unit``,
``price_basis``/``base_year`` and ``basis`` columns so that charts and exports can print them,
and say in ``measure`` what was computed (``defense_budget_yoy_pct_real`` is a real
year-on-year change of a constant-price series).

Growth
    :func:`yoy`, :func:`cagr`, :func:`index_to`, :func:`rolling_mean` work within each series
    (one country, measure, basis, unit, price basis and base year, period convention and
    source) and never across a gap: a change whose previous year is missing is NaN, flagged
    ``unavailable`` with a ``note`` saying why.
Cross-section
    :func:`rank`, :func:`top_n`, :func:`share_of_total`, :func:`difference`, :func:`ratio`.
Burden against targets
    :func:`load_targets`, :func:`against_targets`, :func:`first_year_meeting`.
One basis
    :class:`Basis` and :func:`compare` put frames on one currency, price basis and period
    convention with :mod:`defbudget.fx`, :mod:`defbudget.prices` and :mod:`defbudget.fiscal`.
Display
    :func:`wide_table` and :func:`style_table` (a pandas ``Styler`` for notebooks), formatted
    with :mod:`defbudget.formatting`.

Importing this module also registers the ``df.budget`` accessor (see
:mod:`defbudget.accessor`); ``import defbudget`` alone does not.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget._deprecate import renamed_keywords
from defbudget.errors import ArgumentError, DataError, MissingColumnError, UnknownNameError
from defbudget.schema import BasisMismatchError, is_currency_unit, require_same_basis

if TYPE_CHECKING:  # pragma: no cover
    from pandas.io.formats.style import Styler

#: One series of a frame: a country (name or ISO3), or a mapping of column to value.
Selection: TypeAlias = str | Mapping[str, object]

__all__ = [
    "BASIS_COLUMNS",
    "SERIES_KEYS",
    "Basis",
    "BasisMismatchError",
    "UnknownCountryError",
    "against_targets",
    "cagr",
    "compare",
    "difference",
    "first_year_meeting",
    "index_to",
    "load_targets",
    "rank",
    "ratio",
    "rolling_mean",
    "select",
    "share_of_total",
    "split_unreliable_countries",
    "style_table",
    "top_n",
    "wide_table",
    "yoy",
]

#: Columns that identify one series: growth is computed within a series, never across two.
#: ``source`` is a per-row citation (a shipped series may cite a different white paper each
#: year), so it is not part of the identity; a ``vintage`` column, when present, is. Two rows
#: for one series and year (two releases, two stages) are refused, never averaged or mixed.
SERIES_KEYS = ("country", "iso3", "measure", "basis", "unit", "price_basis", "base_year",
               "period", "fy_start_month")

#: Names of aggregates (rows without ``iso3`` that sum countries). Region and subregion rows
#: are recognised by their name matching the row's ``region``/``subregion`` column, too.
#: Former states without a current ISO3 code (USSR, Czechoslovakia, ...) are countries.
AGGREGATE_NAMES = frozenset({"world", "africa", "north africa", "sub-saharan africa",
                             "americas", "central america and the caribbean", "north america",
                             "south america", "asia & oceania", "asia and oceania", "oceania",
                             "south asia", "east asia", "south east asia", "southeast asia",
                             "central asia", "europe", "central europe", "eastern europe",
                             "western europe", "middle east"})

#: Columns that must agree before values can be added, subtracted or divided.
BASIS_COLUMNS = ("unit", "price_basis", "base_year", "period", "fy_start_month")

#: Flags that make a derived value less certain, most severe first.
_FLAG_SEVERITY = ("unavailable", "not_independent", "highly_uncertain", "estimate", "outlier",
                  "derived", "transcribed")

_NEEDED = ("country", "iso3", "year", "measure", "basis", "value", "unit", "price_basis",
           "base_year", "period", "fy_start_month", "flag", "source")


class UnknownCountryError(UnknownNameError):
    """A country or group member named by the caller is not in the frame."""


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def _require(frame: pd.DataFrame, what: str, columns: Iterable[str] = _NEEDED) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} expects a tidy pandas DataFrame; you passed "
                        f"{type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError.in_frame(
            [schema.Violation("required column is missing", column=c) for c in missing],
            name=f"the frame passed to {what}")
    if frame.empty:
        raise DataError(f"{what} was given an empty frame (no rows), so there is nothing to "
                         "compare. Check the filters applied before the call (countries, "
                         "years, measure, basis).")


def _label(period, year) -> str:
    """'FY2023' for a fiscal year, '2023' for a calendar year."""
    if year is None or pd.isna(year):
        return "?"
    return f"FY{int(year)}" if period == "FY" else str(int(year))


def _labels(period: pd.Series, year: pd.Series) -> pd.Series:
    prefix = pd.Series(np.where(period.astype(object).eq("FY"), "FY", ""), index=year.index)
    return prefix + year.astype("Int64").astype(str)


def _is_money(unit) -> bool:
    return is_currency_unit(unit) or unit == "USD/person"


def _suffix(unit: pd.Series, price_basis: pd.Series) -> pd.Series:
    """'_real' for money at constant prices, '_nominal' at current prices, '' otherwise."""
    money = unit.map(_is_money).astype(bool)
    out = np.where(money & price_basis.eq("constant").fillna(False), "_real",
                   np.where(money, "_nominal", ""))
    return pd.Series(out, index=unit.index)


def _worst_flag(*flags: pd.Series) -> pd.Series:
    """Row-wise most severe flag among several flag columns (missing when none is set)."""
    order = {f: i for i, f in enumerate(_FLAG_SEVERITY)}
    other = len(order)
    index = flags[0].index
    best = np.full(len(index), other + 1)
    label = np.full(len(index), None, dtype=object)
    for f in flags:
        vals = f.astype(object).to_numpy()
        sev = np.array([order.get(v, other) if isinstance(v, str) else other + 1
                        for v in vals])
        better = sev < best
        best = np.where(better, sev, best)
        label = np.where(better, vals, label)
    return pd.Series(label, index=index, dtype=object)


def _same_basis(frame: pd.DataFrame, what: str) -> None:
    # require_same_basis looks rows up by label, so give it a unique index.
    require_same_basis(frame.reset_index(drop=True), what=what)


def _keys(frame: pd.DataFrame) -> list[str]:
    return [*SERIES_KEYS, *(["vintage"] if "vintage" in frame.columns else [])]


def _series_id(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(_keys(frame), dropna=False, sort=False).ngroup()


def _check_unique_years(frame: pd.DataFrame, what: str) -> None:
    dup = frame.duplicated([*_keys(frame), "year"], keep=False)
    if dup.any():
        row = frame[dup].iloc[0]
        same = frame[dup & frame["country"].eq(row["country"]) & frame["year"].eq(row["year"])
                     & frame["measure"].eq(row["measure"])]
        hints = []
        for col in ("stage", "source", "vintage"):
            if col in frame.columns and same[col].nunique() > 1:
                vals = [str(v) for v in same[col].dropna().unique()]
                hints.append(f"{col} {', '.join(vals)}: keep one, e.g. "
                             f"select(frame, {col}={vals[0]!r})")
        hint = f" ({'; '.join(hints)})" if hints else ""
        raise DataError(
            f"{what} needs one value per series and year, but {row['country']} "
            f"{row['measure']} ({row['basis']}, {row['unit']}) has "
            f"{len(same)} rows for {_label(row['period'], row['year'])}{hint}.")


def _join_sources(*cols: pd.Series) -> pd.Series:
    """Row-wise ';'-join of distinct source ids, in order (one id stays as it is)."""
    out = []
    for vals in zip(*(c.astype(object).tolist() for c in cols), strict=True):
        ids: list[str] = []
        for v in vals:
            for part in (v.split(";") if isinstance(v, str) else []):
                if part and part not in ids:
                    ids.append(part)
        out.append(";".join(ids) if ids else None)
    return pd.Series(out, index=cols[0].index, dtype=object)


def _aggregate_mask(frame: pd.DataFrame) -> pd.Series:
    """Rows that are aggregates: no ISO3 code and named like the world, a region or a
    subregion (matched against :data:`AGGREGATE_NAMES` and the frame's own region columns)."""
    names = set(AGGREGATE_NAMES)
    for col in ("region", "subregion"):
        if col in frame.columns:
            names |= {v.casefold() for v in frame[col].dropna().astype(str)}
    name = frame["country"].astype(object).map(lambda v: v.casefold()
                                               if isinstance(v, str) else "")
    return (frame["iso3"].isna() & name.isin(names)).astype(bool)


def _finish(out: pd.DataFrame, sort: Sequence[str] | None = None) -> pd.DataFrame:
    out = schema.coerce(out)
    sort = list(sort) if sort is not None else [*_keys(out), "year"]
    return out.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def _country_names(frame: pd.DataFrame) -> list[str]:
    names = frame["country"].dropna().astype(str).unique().tolist()
    codes = (frame["iso3"].dropna().astype(str).unique().tolist() if "iso3" in frame.columns
             else [])
    return sorted(set(names) | set(codes))


def _resolve_country(frame: pd.DataFrame, name: str) -> pd.Series:
    """Boolean mask of rows whose country is *name*: the frame's own name or ISO3 code
    (case-insensitive), or any name :func:`defbudget.countries.to_iso3` resolves."""
    from defbudget.countries import CountryNameError, to_iso3

    if not isinstance(name, str):
        raise TypeError(f"a country is named by a string (name or ISO3 code); you passed "
                        f"{name!r}.")
    key = name.strip().casefold()
    country = frame["country"].astype(object)
    iso3 = (frame["iso3"].astype(object) if "iso3" in frame.columns
            else pd.Series(None, index=frame.index, dtype=object))
    mask = (country.map(lambda v: isinstance(v, str) and v.casefold() == key)
            | iso3.map(lambda v: isinstance(v, str) and v.casefold() == key)).astype(bool)
    if mask.any():
        return mask
    try:
        code = to_iso3(name)
    except CountryNameError as err:
        known = _country_names(frame)
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
        close += [k for k in known if key and key in k.casefold() and k not in close][:5]
        hint = (f" Did you mean: {', '.join(repr(c) for c in close[:5])}?" if close
                else f" The frame has {len(known)} names/codes, e.g. "
                     f"{', '.join(known[:5])}.")
        raise UnknownCountryError(f"{err} No row of this frame has that country name or "
                                  f"ISO3 code.{hint}") from None
    mask = iso3.map(lambda v: isinstance(v, str) and v.upper() == code).astype(bool)
    if not mask.any():
        names = country.dropna().unique()
        codes: dict[str, str | None] = {}
        for n in names:
            try:
                codes[n] = to_iso3(n)
            except CountryNameError:
                codes[n] = None
        mask = country.map(lambda v: codes.get(v) == code).astype(bool)
    if not mask.any():
        held = sorted(map(str, country.dropna().unique()))
        raise UnknownCountryError(f"country {name!r} ({code}) has no row in this frame; it "
                                  f"holds {len(held)} countries, e.g. {', '.join(held[:6])}.")
    return mask


def _one_measure(frame: pd.DataFrame, what: str) -> str:
    measures = frame["measure"].dropna().unique().tolist()
    if len(measures) != 1:
        raise DataError(
            f"{what} works on one measure at a time; the frame has {len(measures)}: "
            f"{', '.join(map(str, measures[:6]))}. Filter first, e.g. "
            f"select(frame, measure={measures[0]!r}, unit='USD', price_basis='current').")
    return measures[0]


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


# --------------------------------------------------------------------------------------------
# selection
# --------------------------------------------------------------------------------------------

def select(frame: pd.DataFrame, **criteria: Any) -> pd.DataFrame:
    """Rows whose columns equal the given values; unknown values raise with close matches.

    Parameters
    ----------
    frame
        A tidy frame.
    **criteria
        ``column=value`` or ``column=[value, ...]``. ``country`` accepts display names or
        ISO3 codes, case-insensitively.

    Returns
    -------
    pandas.DataFrame
        A copy of the matching rows, units and price basis unchanged.

    Raises
    ------
    UnknownCountryError
        A country is not in the frame (the message lists the closest names).
    ValueError
        Another column has no row with that value (the message lists close values).

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_frame()
    >>> cmp.select(f, country="jpn", year=[2022, 2023])[["country", "year", "value"]]
      country  year         value
    0   Japan  2022  5.400500e+12
    1   Japan  2023  6.821900e+12
    >>> cmp.select(f, country="Japn")
    Traceback (most recent call last):
    ...
    defbudget.compare.UnknownCountryError: unknown country 'Japn'. ... Did you mean: 'Japan'?
    """
    _require(frame, "compare.select", ())
    mask = pd.Series(True, index=frame.index)
    for col, wanted in criteria.items():
        if col not in frame.columns:
            close = difflib.get_close_matches(col, list(map(str, frame.columns)), n=3)
            raise MissingColumnError(
                f"select: no column {col!r}"
                + (f"; did you mean {', '.join(map(repr, close))}?" if close else "."),
                columns=[col])
        values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        if col == "country":
            m = pd.Series(False, index=frame.index)
            for v in values:
                m |= _resolve_country(frame, v)
        else:
            m = frame[col].isin(values)
            present = set(frame[col].dropna().tolist())
            absent = [v for v in values if v not in present]
            if absent:
                close = difflib.get_close_matches(str(absent[0]), [str(p) for p in present],
                                                  n=5, cutoff=0.5)
                raise UnknownNameError(
                    f"select: no row has {col} == {absent[0]!r}."
                    + (f" Close values: {', '.join(map(repr, close))}." if close else
                       f" Values present: {', '.join(map(repr, sorted(map(str, present))[:8]))}"
                       + ("…" if len(present) > 8 else "") + "."))
        mask &= m
    return frame[mask].copy().reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# growth
# --------------------------------------------------------------------------------------------

def split_unreliable_countries(frame: pd.DataFrame, *, flag: str = "highly_uncertain",
                               ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Set aside countries whose *every* row carries ``flag``.

    A whole series flagged ``highly_uncertain`` (GMSD's Taiwan and Syria, ~90% of GDP in every
    year) would top any ranking and flatten every other line of a chart. Single flagged years
    (SIPRI's red figures) are kept: only countries flagged throughout are set aside.

    Returns
    -------
    (kept, set_aside)
        ``kept`` is a copy of the other rows; ``set_aside`` maps each country left out to the
        first non-empty ``note`` of its rows (or the flag), for the caller to print.

    Examples
    --------
    >>> f = pd.DataFrame({"country": ["A", "A", "B"], "value": [0.9, 0.95, 0.02],
    ...                   "flag": ["highly_uncertain", "highly_uncertain", "estimate"],
    ...                   "note": ["implausible level", "", ""]})
    >>> kept, aside = split_unreliable_countries(f)
    >>> list(kept["country"]), aside
    (['B'], {'A': 'implausible level'})
    """
    _require(frame, "split_unreliable_countries", ["country", "flag"])
    flagged = frame["flag"].eq(flag).groupby(frame["country"]).transform("all")
    set_aside = {}
    for country, rows in frame[flagged].groupby("country", sort=True):
        notes = rows["note"].dropna().astype(str) if "note" in rows else pd.Series(dtype=str)
        notes = notes[notes.str.len() > 0]
        set_aside[str(country)] = notes.iloc[0] if len(notes) else flag
    return frame[~flagged].copy(), set_aside


def yoy(frame: pd.DataFrame, *, pct: bool = True) -> pd.DataFrame:
    """Year-on-year change within each series, as a ratio (``pct=True``) or in the unit.

    The change is taken only between consecutive years of one series (same country,
    measure, basis, unit, price basis and base year, period convention and source). Where
    the previous year is missing — Japan's MOD series has no FY1999–FY2001 — the result is
    NaN, flagged ``unavailable``, with a ``note`` naming the gap; nothing is computed across
    it. The first year of each series is kept the same way.

    Parameters
    ----------
    frame
        A tidy frame; it may hold many series.
    pct
        True for the relative change (0.263 = +26.3 %, unit ``ratio``); False for the
        absolute change in the series' own unit (yen, US$, or ratio points for shares).

    Returns
    -------
    pandas.DataFrame
        Tidy frame, one row per input row. ``measure`` is ``<measure>_yoy_pct`` or
        ``<measure>_yoy``, with ``_real`` appended for money at constant prices (a real
        change, in ``base_year`` prices) and ``_nominal`` for money at current prices.
        ``from_year`` is the year compared with; ``price_basis``/``base_year``, ``basis`` and
        ``source`` are those of the input. ``flag`` is the more severe of the two years' flags.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> out = cmp.yoy(cmp._example_frame())
    >>> out[["year", "measure", "value", "unit", "flag"]]
       year                      measure     value   unit         flag
    0  2002  defense_budget_yoy_pct_nominal       NaN  ratio  unavailable
    1  2022  defense_budget_yoy_pct_nominal       NaN  ratio  unavailable
    2  2023  defense_budget_yoy_pct_nominal  0.263198  ratio          NaN
    >>> print(out.loc[1, "note"])
    no FY2021 value in this series (previous is FY2002): change across the gap not computed
    >>> float(cmp.yoy(cmp._example_frame(), pct=False).loc[2, "value"])  # yen
    1421400000000.0
    """
    _require(frame, "compare.yoy")
    _check_unique_years(frame, "compare.yoy")
    df = frame.sort_values([*_keys(frame), "year"], kind="stable",
                           na_position="last").reset_index(drop=True)
    g = df.groupby(_keys(df), dropna=False, sort=False)
    prev_year = g["year"].shift(1)
    prev_source = g["source"].shift(1)
    prev_value = g["value"].shift(1)
    prev_flag = g["flag"].shift(1)
    value = df["value"].astype(float)
    consecutive = prev_year.eq(df["year"] - 1).fillna(False).astype(bool)
    if pct:
        with np.errstate(divide="ignore", invalid="ignore"):
            change = value / prev_value - 1.0
        change = change.where(prev_value.ne(0))
    else:
        change = value - prev_value
    change = change.where(consecutive)

    lab = _labels(df["period"], df["year"])
    prev_lab = _labels(df["period"], df["year"] - 1)
    seen_lab = _labels(df["period"], prev_year.fillna(-1).astype(int))
    notes = pd.Series(None, index=df.index, dtype=object)
    first = prev_year.isna()
    gap = ~first & ~consecutive
    notes[first] = "first year of the series: no earlier value to compare with"
    notes[gap] = ("no " + prev_lab[gap] + " value in this series (previous is " + seen_lab[gap]
                  + "): change across the gap not computed")
    prev_na = consecutive & prev_value.isna()
    notes[prev_na] = prev_lab[prev_na] + " value unavailable"
    cur_na = consecutive & prev_value.notna() & value.isna()
    notes[cur_na] = lab[cur_na] + " value unavailable"
    if pct:
        zero = consecutive & prev_value.eq(0)
        notes[zero] = prev_lab[zero] + " value is zero: relative change undefined"

    out = df.copy()
    out["value"] = change.astype(float)
    out["measure"] = df["measure"] + ("_yoy_pct" if pct else "_yoy") + _suffix(
        df["unit"], df["price_basis"])
    if pct:
        out["unit"] = "ratio"
    flag = _worst_flag(df["flag"], prev_flag.where(consecutive))
    out["flag"] = flag.where(~(out["value"].isna() & flag.isna()), "unavailable")
    out["from_year"] = prev_year.astype("Int64")
    out["source"] = _join_sources(prev_source.where(consecutive), df["source"])
    out["note"] = notes
    out["value_type"] = "computed"
    return _finish(out)


def cagr(frame: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """Compound annual growth rate of each series between two years.

    ``(value[end] / value[start]) ** (1 / (end - start)) - 1``, using only the two end
    points (years in between may be missing). A series without a usable start or end value
    gives NaN, flagged ``unavailable``, with a ``note`` saying which.

    Parameters
    ----------
    frame
        A tidy frame; it may hold many series.
    start, end
        Label years (for a fiscal year, the year it starts in), ``start < end``.

    Returns
    -------
    pandas.DataFrame
        One row per series, ``year = end``, ``from_year = start``, unit ``ratio`` (0.138 =
        13.8 % a year), ``measure`` ``<measure>_cagr`` plus ``_real`` (constant prices, so a
        real rate in ``base_year`` prices) or ``_nominal`` (current prices) for money.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> out = cmp.cagr(cmp._example_frame(), start=2022, end=2023)
    >>> out[["from_year", "year", "measure", "value"]]
       from_year  year                   measure     value
    0       2022  2023  defense_budget_cagr_nominal  0.263198
    """
    _require(frame, "compare.cagr")
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"compare.cagr: {name} must be an int year; you passed {v!r}.")
    if not start < end:
        raise ArgumentError(f"compare.cagr: start ({start}) must be before end ({end}).")
    _check_unique_years(frame, "compare.cagr")
    df = frame.reset_index(drop=True)
    sid = _series_id(df)
    order = df.assign(_sid=sid.to_numpy()).sort_values(["_sid", "year"], kind="stable")
    last = order.groupby("_sid").tail(1)
    pos_last = pd.Series(last.index, index=last["_sid"].to_numpy())
    at0 = df[df["year"] == start]
    at1 = df[df["year"] == end]
    pos0 = pd.Series(at0.index, index=sid[at0.index].to_numpy())
    pos1 = pd.Series(at1.index, index=sid[at1.index].to_numpy())
    ids = pos_last.index
    has0, has1 = ids.isin(pos0.index), ids.isin(pos1.index)
    pick = np.where(has1, pos1.reindex(ids).fillna(-1).astype(int),
                    np.where(has0, pos0.reindex(ids).fillna(-1).astype(int), pos_last[ids]))
    out = df.loc[pick].reset_index(drop=True)
    v0 = pd.Series(np.where(has0, df["value"].reindex(pos0.reindex(ids)).to_numpy(), np.nan))
    v1 = pd.Series(np.where(has1, df["value"].reindex(pos1.reindex(ids)).to_numpy(), np.nan))
    f0 = pd.Series(np.where(has0, df["flag"].astype(object).reindex(pos0.reindex(ids)), None))
    f1 = pd.Series(np.where(has1, df["flag"].astype(object).reindex(pos1.reindex(ids)), None))
    s0 = pd.Series(np.where(has0, df["source"].astype(object).reindex(pos0.reindex(ids)), None))
    s1 = pd.Series(np.where(has1, df["source"].astype(object).reindex(pos1.reindex(ids)), None))
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = v1 / v0
        value = np.sign(growth) * np.abs(growth) ** (1.0 / (end - start)) - 1.0
    l0 = _labels(out["period"], pd.Series(start, index=out.index))
    l1 = _labels(out["period"], pd.Series(end, index=out.index))
    conds = [~pd.Series(has0), ~pd.Series(has1), v0.isna(), v1.isna(),
             (v0 <= 0) | (growth < 0)]
    texts = ["no " + l0 + " value in this series", "no " + l1 + " value in this series",
             l0 + " value unavailable", l1 + " value unavailable",
             pd.Series("start value is not positive: compound growth undefined",
                       index=out.index)]
    note = pd.Series(None, index=out.index, dtype=object)
    for cond, text in zip(reversed(conds), reversed(texts), strict=True):
        note = note.where(~cond.to_numpy(), text)
    value = value.where(note.isna())
    flag = _worst_flag(f0, f1)
    out["value"] = value.to_numpy()
    out["year"] = end
    out["flag"] = flag.where(~(value.isna() & flag.isna()), "unavailable").to_numpy()
    out["from_year"] = pd.array([start] * len(out), dtype="Int64")
    out["source"] = _join_sources(s0, s1).where(lambda x: x.notna(),
                                                out["source"].astype(object)).to_numpy()
    out["note"] = note.to_numpy()
    out["measure"] = out["measure"] + "_cagr" + _suffix(out["unit"], out["price_basis"])
    out["unit"] = "ratio"
    out["value_type"] = "computed"
    return _finish(out)


@renamed_keywords(base_year="index_year")
def index_to(frame: pd.DataFrame, *, index_year: int) -> pd.DataFrame:
    """Index each series to its value in *index_year* (= 100).

    Parameters
    ----------
    frame
        A tidy frame; it may hold many series.
    index_year
        The label year whose value becomes 100 (for a fiscal year, the year it starts in).
        Not to be confused with the price ``base_year`` column of constant-price series,
        which is kept unchanged. (Called ``base_year=`` before; the old keyword still works,
        with a FutureWarning.)

    Returns
    -------
    pandas.DataFrame
        Tidy frame, unit ``index``, ``measure`` ``<measure>_index`` plus ``_real``/``_nominal``
        for money, and an ``index_year`` column. A series without a value in *index_year*
        gives NaN rows flagged ``unavailable`` with a ``note``.

    Raises
    ------
    ValueError
        No series has a value in *index_year*.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> cmp.index_to(cmp._example_frame(), index_year=2022)[["year", "value", "unit"]]
       year       value   unit
    0  2002   91.763726  index
    1  2022  100.000000  index
    2  2023  126.319785  index
    """
    _require(frame, "compare.index_to")
    if isinstance(index_year, bool) or not isinstance(index_year, (int, np.integer)):
        raise TypeError(f"compare.index_to: index_year must be an int year; you passed "
                        f"{index_year!r}.")
    _check_unique_years(frame, "compare.index_to")
    df = frame.reset_index(drop=True)
    at_base = df["year"].eq(index_year) & df["value"].notna()
    if not at_base.any():
        raise DataError(f"compare.index_to: no series has a value in {index_year}; the frame "
                        f"covers {int(df['year'].min())}–{int(df['year'].max())}.")
    sid = _series_id(df)
    base_val = pd.Series(df["value"].where(at_base).to_numpy(), index=sid.to_numpy())
    base_val = base_val.groupby(level=0).max()
    base_src = pd.Series(df["source"].where(at_base).astype(object).to_numpy(),
                         index=sid.to_numpy()).dropna().groupby(level=0).first()
    denom = sid.map(base_val)
    out = df.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = (df["value"] / denom * 100.0).where(denom.ne(0))
    lab = _label(df["period"].iloc[0] if df["period"].nunique() == 1 else "CY", index_year)
    notes = pd.Series(None, index=df.index, dtype=object)
    notes[denom.isna()] = f"no {lab} value in this series to index to"
    notes[denom.eq(0)] = f"{lab} value is zero: cannot index to it"
    out["note"] = notes
    out["source"] = _join_sources(sid.map(base_src), df["source"])
    out["flag"] = df["flag"].where(~(out["value"].isna() & df["flag"].isna()), "unavailable")
    out["measure"] = df["measure"] + "_index" + _suffix(df["unit"], df["price_basis"])
    out["unit"] = "index"
    out["index_year"] = index_year
    out["value_type"] = "computed"
    return _finish(out)


def rolling_mean(frame: pd.DataFrame, *, window: int) -> pd.DataFrame:
    """Trailing mean over *window* consecutive years within each series.

    The mean for year *t* covers years *t − window + 1* … *t*; if any of them is missing or
    unavailable the result is NaN (flagged ``unavailable`` with a ``note``), so a window
    never silently spans a gap.

    Parameters
    ----------
    frame
        A tidy frame; it may hold many series.
    window
        Number of years, at least 1.

    Returns
    -------
    pandas.DataFrame
        Tidy frame in the series' own unit and price basis, ``measure``
        ``<measure>_mean_<window>y``. ``flag`` is the most severe flag in the window.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> out = cmp.rolling_mean(cmp._example_frame(), window=2)
    >>> out[["year", "measure", "value"]]
       year                  measure         value
    0  2002  defense_budget_mean_2y           NaN
    1  2022  defense_budget_mean_2y           NaN
    2  2023  defense_budget_mean_2y  6.111200e+12
    >>> print(out.loc[1, "note"])
    window FY2021–FY2022 incomplete: 1 of 2 values
    """
    _require(frame, "compare.rolling_mean")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ArgumentError(f"compare.rolling_mean: window must be a positive int; you passed "
                            f"{window!r}.")
    _check_unique_years(frame, "compare.rolling_mean")
    df = frame.reset_index(drop=True)
    sid = _series_id(df).to_numpy()
    sev = {f: len(_FLAG_SEVERITY) - i for i, f in enumerate(_FLAG_SEVERITY)}
    inv = {v: k for k, v in sev.items()}
    # A complete year grid per series, so that a window never reaches across a gap.
    span = df.assign(_sid=sid).groupby("_sid")["year"].agg(["min", "max"])
    lengths = (span["max"] - span["min"] + 1).to_numpy()
    grid = pd.DataFrame({
        "_sid": np.repeat(span.index.to_numpy(), lengths),
        "year": np.concatenate([np.arange(a, b + 1) for a, b in
                                zip(span["min"], span["max"], strict=True)])})
    obs = pd.DataFrame({"_sid": sid, "year": df["year"].to_numpy(),
                        "_v": df["value"].astype(float).to_numpy(),
                        "_f": df["flag"].astype(object).map(
                            lambda x: sev.get(x, 0) if isinstance(x, str) else 0).to_numpy(),
                        "_s": df["source"].astype(object).to_numpy(), "_row": df.index})
    full = grid.merge(obs, on=["_sid", "year"], how="left")
    full["_f"] = full["_f"].fillna(0)
    g = full.groupby("_sid", sort=False)
    full["_mean"] = g["_v"].rolling(window, min_periods=window).mean().reset_index(
        level=0, drop=True)
    full["_count"] = full["_v"].notna().astype(int).groupby(full["_sid"]).rolling(
        window, min_periods=1).sum().reset_index(level=0, drop=True)
    full["_worst"] = g["_f"].rolling(window, min_periods=1).max().reset_index(
        level=0, drop=True)
    lagged = [full["_s"]] + [g["_s"].shift(k) for k in range(1, window)]
    full["_src"] = _join_sources(*lagged[::-1])
    back = full[full["_row"].notna()].set_index("_row").reindex(df.index)

    out = df.copy()
    out["value"] = back["_mean"].to_numpy()
    count = back["_count"].astype(int)
    flag = back["_worst"].map(lambda x: inv.get(int(x))).astype(object)
    flag = flag.where(flag.notna(), df["flag"].astype(object))
    out["flag"] = flag.where(~(out["value"].isna() & flag.isna()), "unavailable")
    short = out["value"].isna() & (count < window)
    notes = pd.Series(None, index=df.index, dtype=object)
    notes[short] = ("window " + _labels(df["period"], df["year"] - window + 1)[short] + "–"
                    + _labels(df["period"], df["year"])[short] + " incomplete: "
                    + count[short].astype(str) + f" of {window} values")
    out["note"] = notes
    out["source"] = back["_src"].where(back["_src"].notna(),
                                       df["source"].astype(object)).to_numpy()
    out["measure"] = df["measure"] + f"_mean_{int(window)}y"
    out["value_type"] = "computed"
    return _finish(out)


# --------------------------------------------------------------------------------------------
# cross-section
# --------------------------------------------------------------------------------------------

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
    aggregates = df[is_agg]
    gk = [*_GROUP_KEYS, *(["vintage"] if "vintage" in df.columns else [])]

    if isinstance(total, Mapping):
        parts = []
        for name, members in total.items():
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
            parts.append(rows)
        out = pd.concat(parts, ignore_index=True)
    elif total in ("world", "region", "subregion"):
        if total == "world":
            level = pd.Series("World", index=countries.index)
        else:
            if total not in df.columns:
                raise MissingColumnError(
                    f"compare.share_of_total: total={total!r} needs a {total!r} column (SIPRI "
                    "frames from defbudget.read_sipri have one).", columns=[total])
            level = countries[total].astype(object)
        rows = countries.copy()
        rows["total_name"] = level
        rows["_k"] = level.map(lambda v: v.casefold() if isinstance(v, str) else None)
        if denominator == "reported":
            agg = aggregates.copy()
            agg["_k"] = agg["country"].astype(object).map(
                lambda v: v.casefold() if isinstance(v, str) else None)
            wanted = set(rows["_k"].dropna())
            agg = agg[agg["_k"].isin(wanted)]
            if agg.empty:
                raise DataError(
                    f"compare.share_of_total: the frame has no reported {total} total "
                    "(an aggregate row, iso3 missing, named "
                    f"{'World' if total == 'world' else 'after the region'}) on this basis. "
                    "SIPRI publishes regional totals in constant US$ (and the latest year in "
                    "current US$); pass denominator='sum' to divide by the sum of the "
                    f"{rows['country'].nunique()} countries in the frame instead.")
            agg = agg[[*gk, "_k", "value", "flag", "source"]].rename(
                columns={"value": "total_value", "flag": "total_flag",
                         "source": "total_source"})
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
        else:
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
            rows["note"] = np.where(rows["_k"].isna(), f"no {total} for this country", None)
        out = rows.drop(columns=["_k"])
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


def _pick_series(frame: pd.DataFrame, sel, what: str, side: str) -> pd.DataFrame:
    if isinstance(sel, str):
        rows = frame[_resolve_country(frame, sel)]
    elif isinstance(sel, Mapping):
        rows = select(frame, **sel)
    else:
        raise TypeError(f"{what}: {side} must be a country (name or ISO3) or a mapping of "
                        f"column to value such as {{'country': 'JPN', 'source': ...}}; you "
                        f"passed {sel!r}.")
    sid = _series_id(rows)
    if sid.nunique() != 1:
        cols = [c for c in _keys(rows) if c not in ("country", "iso3")
                and rows[c].nunique(dropna=False) > 1]
        combos = rows[["country", *cols]].drop_duplicates().head(6).to_dict("records")
        raise ArgumentError(
            f"{what}: {side}={sel!r} matches {sid.nunique()} series; name one, e.g. "
            f"{ {'country': rows['country'].iloc[0], **{c: rows[c].iloc[0] for c in cols}} }. "
            f"Series matched: {combos}")
    _check_unique_years(rows, what)
    return rows


def _pairwise(frame, a, b, *, what: str, op: str) -> pd.DataFrame:
    _require(frame, what)
    ra, rb = _pick_series(frame, a, what, "a"), _pick_series(frame, b, what, "b")
    both = pd.concat([ra, rb], ignore_index=True)
    _same_basis(both, what=what)
    ia, ib = ra.iloc[0], rb.iloc[0]
    cols = ["year", "source", "value"]
    if _series_id(both).nunique() == 1 and ra[cols].reset_index(drop=True).equals(
            rb[cols].reset_index(drop=True)):
        raise ArgumentError(f"{what}: a and b select the same series ({ia['country']}, "
                            f"{ia['measure']}, {ia['basis']}).")
    left = ra.set_index("year")
    right = rb.set_index("year")
    years = sorted(set(left.index) | set(right.index))
    va = left["value"].reindex(years).astype(float)
    vb = right["value"].reindex(years).astype(float)
    if op == "difference":
        val = va - vb
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            val = (va / vb).where(vb.ne(0))

    def desc(i):
        return f"{i['country']} {i['measure']} ({i['basis']}, {i['unit']})"

    def join(x, y, sep):
        return x if x == y else f"{x}{sep}{y}"

    same_country = ia["country"] == ib["country"]
    out = pd.DataFrame({
        "country": ia["country"] if same_country else f"{ia['country']} vs {ib['country']}",
        "iso3": ia["iso3"] if same_country else None,
        "year": years,
        "period": ia["period"],
        "fy_start_month": ia["fy_start_month"],
        "measure": (f"{ia['measure']}_{op}" if ia["measure"] == ib["measure"] else
                    f"{ia['measure']}_{'minus' if op == 'difference' else 'over'}_"
                    f"{ib['measure']}"),
        "basis": join(ia["basis"], ib["basis"], "_vs_"),
        "value": val.to_numpy(),
        "unit": ia["unit"] if op == "difference" else "ratio",
        "price_basis": ia["price_basis"],
        "base_year": ia["base_year"],
        "stage": [join(x, y, "/") if isinstance(x, str) and isinstance(y, str) else None
                  for x, y in zip(left["stage"].reindex(years), right["stage"].reindex(years),
                                  strict=True)] if "stage" in left.columns else None,
        "flag": _worst_flag(left["flag"].reindex(years).reset_index(drop=True),
                            right["flag"].reindex(years).reset_index(drop=True)).to_numpy(),
        "source": _join_sources(left["source"].reindex(years).reset_index(drop=True),
                                right["source"].reindex(years).reset_index(drop=True)
                                ).to_numpy(),
    })
    out["stage"] = out["stage"].where(out["stage"].isin(schema.STAGES))
    notes: list[str | None] = []
    for y, x1, x2 in zip(years, va, vb, strict=True):
        lab = _label(ia["period"], y)
        if y not in left.index:
            notes.append(f"no {lab} value for a ({desc(ia)})")
        elif y not in right.index:
            notes.append(f"no {lab} value for b ({desc(ib)})")
        elif np.isnan(x1) or np.isnan(x2):
            notes.append(f"{lab} value unavailable for {'a' if np.isnan(x1) else 'b'}")
        elif op == "ratio" and x2 == 0:
            notes.append(f"{lab} value of b is zero: ratio undefined")
        else:
            notes.append(None)
    out["note"] = notes
    out["flag"] = out["flag"].where(~(out["value"].isna() & out["flag"].isna()), "unavailable")
    out["a"] = desc(ia)
    out["b"] = desc(ib)
    out["value_type"] = "computed"
    return _finish(out, sort=("year",))


def difference(frame: pd.DataFrame, a: Selection, b: Selection) -> pd.DataFrame:
    """Year-by-year difference *a − b* between two countries or two sources.

    Parameters
    ----------
    frame
        A tidy frame holding both series.
    a, b
        Each a country (name or ISO3) when that picks one series, or a mapping of column to
        value that does, e.g. ``{"country": "JPN", "source": "sipri_milex"}``.

    Returns
    -------
    pandas.DataFrame
        One row per year either series covers, in the common unit and price basis; years
        only one side covers are NaN with a ``note``. ``a``/``b`` columns describe the two
        series; ``measure`` is ``<measure>_difference`` (or ``<a>_minus_<b>`` for two
        measures); ``source`` joins both ids with ``;``.

    Raises
    ------
    BasisMismatchError
        The two series differ in unit, price basis/base year or period convention; the
        message names the converting function.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_cross_section()
    >>> cmp.difference(f, "USA", "China")[["country", "year", "value", "unit"]]
                     country  year         value unit
    0  United States vs China  2024  6.830000e+11  USD
    """
    return _pairwise(frame, a, b, what="compare.difference", op="difference")


def ratio(frame: pd.DataFrame, a: Selection, b: Selection) -> pd.DataFrame:
    """Year-by-year ratio *a / b* between two countries or two sources.

    Parameters
    ----------
    frame
        A tidy frame holding both series.
    a, b
        As in :func:`difference`.

    Returns
    -------
    pandas.DataFrame
        As :func:`difference`, with unit ``ratio`` (3.18 = a is 3.18 times b) and ``measure``
        ``<measure>_ratio`` (or ``<a>_over_<b>``).

    Raises
    ------
    BasisMismatchError
        The two series are on different bases (e.g. yen and US$).

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> f = cmp._example_cross_section()
    >>> round(float(cmp.ratio(f, "USA", "CHN")["value"].iloc[0]), 3)
    3.175
    """
    return _pairwise(frame, a, b, what="compare.ratio", op="ratio")


# --------------------------------------------------------------------------------------------
# burden against targets
# --------------------------------------------------------------------------------------------

_TARGET_NEEDED = ("target_id", "label", "value", "unit", "measure", "basis", "year", "period",
                  "iso3", "direction", "source")


def load_targets() -> pd.DataFrame:
    """The shipped spending targets (``data/targets.csv``), each citing its document.

    Returns
    -------
    pandas.DataFrame
        Tidy frame, one row per target: ``value`` is the threshold as a ratio of GDP
        (0.02 = 2 %), ``year`` the deadline, ``measure``/``basis`` what it is set on, plus
        ``target_id``, ``label``, ``direction`` (``at_least`` or ``up_to``), ``applies_to``,
        ``gdp_reference``, ``adopted``, ``url`` and ``quote``. Resolve ``source`` with
        :func:`defbudget.cite`.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> t = cmp.load_targets()
    >>> t[["target_id", "value", "year", "source"]].head(2)
                 target_id  value  year                  source
    0  nato_2pct_guideline  0.020  2024  nato-wales-summit-2014
    1  nato_hague_core_3_5  0.035  2035  nato-hague-summit-2025
    """
    from defbudget import datasets

    return datasets.load("targets")


def _targets_table(targets: pd.DataFrame | None) -> pd.DataFrame:
    t = load_targets() if targets is None else targets
    if not isinstance(t, pd.DataFrame):
        raise TypeError(f"targets must be a DataFrame like load_targets(); you passed "
                        f"{type(t).__name__}.")
    missing = [c for c in _TARGET_NEEDED if c not in t.columns]
    if missing:
        raise MissingColumnError(f"targets lacks column(s) {', '.join(missing)}; start from "
                                 "load_targets() and add rows with the same columns.",
                                 columns=missing)
    bad = t[t["unit"] != "ratio"]
    if len(bad):
        raise BasisMismatchError(
            f"target {bad['target_id'].iloc[0]!r} is in unit {bad['unit'].iloc[0]!r}; "
            "against_targets compares shares of GDP (unit 'ratio').")
    return t.reset_index(drop=True)


def _is_share_of_gdp(measure: pd.Series) -> pd.Series:
    return measure.astype(object).map(lambda m: isinstance(m, str)
                                      and m.endswith("_share_gdp")).astype(bool)


def against_targets(frame: pd.DataFrame, *, targets: pd.DataFrame | None = None,
                    proxy: bool = False) -> pd.DataFrame:
    """Compare shares of GDP with spending targets: the gap to each, and whether it is met.

    A target applies to rows with its ``measure`` (military expenditure as a share of GDP
    for the NATO guideline and the Hague 3.5 % core commitment). A target with an ``iso3``
    (Japan's FY2027 goal) applies to that country only; alliance targets (no ``iso3``) are
    used as a benchmark for every country. Aggregates (World, regions) are left out.

    Parameters
    ----------
    frame
        A tidy frame with share-of-GDP rows (unit ``ratio``), e.g. SIPRI ``milex_share_gdp``.
    targets
        A targets table; by default :func:`load_targets`.
    proxy
        Also compare with targets set on a different share-of-GDP measure (any measure named
        ``*_share_gdp``), e.g. SIPRI's military burden against Japan's goal for defence plus
        related spending. Such rows have ``exact_match`` False and a ``target_note``.

    Returns
    -------
    pandas.DataFrame
        One row per observation and applicable target. ``value``, ``unit`` (``ratio``),
        ``basis`` and ``source`` are the observation's; added columns: ``target_id``,
        ``target_label``, ``threshold`` (ratio), ``deadline_year``, ``direction``, ``gap``
        (value − threshold, in ratio points: −0.006 = 0.6 points of GDP short), ``met``
        (nullable bool; missing for unavailable values and ``up_to`` allowances),
        ``exact_match`` (same measure and definition as the target), ``target_note`` and
        ``target_source`` (the document that set the target).

    Raises
    ------
    ValueError
        No target applies to any row (the message lists the measures on both sides).

    Examples
    --------
    >>> import pandas as pd
    >>> import defbudget.compare as cmp
    >>> from defbudget.schema import coerce
    >>> f = coerce(pd.DataFrame({
    ...     "country": "Japan", "iso3": "JPN", "year": [2023, 2024], "period": "CY",
    ...     "fy_start_month": 1, "measure": "milex_share_gdp", "basis": "sipri",
    ...     "value": [0.0122, 0.0137], "unit": "ratio", "price_basis": "current",
    ...     "source": "example"}))
    >>> out = cmp.against_targets(f)
    >>> out[["year", "target_id", "gap", "met", "exact_match"]].round(4)
       year            target_id     gap    met  exact_match
    0  2023  nato_2pct_guideline -0.0078  False        False
    1  2023  nato_hague_core_3_5 -0.0228  False        False
    2  2024  nato_2pct_guideline -0.0063  False        False
    3  2024  nato_hague_core_3_5 -0.0213  False        False
    >>> print(out.loc[0, "target_note"])
    the observation counts spending on the 'sipri' definition; the target, on 'nato_definition'
    """
    _require(frame, "compare.against_targets")
    t = _targets_table(targets)
    obs = frame[~_aggregate_mask(frame)].reset_index(drop=True)
    share = _is_share_of_gdp(obs["measure"])
    parts = []
    for _, tg in t.iterrows():
        if proxy and _is_share_of_gdp(pd.Series([tg["measure"]])).iloc[0]:
            rows = obs[share | obs["measure"].eq(tg["measure"])]
        else:
            rows = obs[obs["measure"].eq(tg["measure"])]
        if isinstance(tg["iso3"], str):
            rows = rows[rows["iso3"].eq(tg["iso3"])]
        if rows.empty:
            continue
        bad = rows[rows["unit"] != "ratio"]
        if len(bad):
            raise BasisMismatchError(
                f"compare.against_targets: target {tg['target_id']!r} is a ratio of GDP but "
                f"{bad['country'].iloc[0]} {bad['measure'].iloc[0]} is in "
                f"{bad['unit'].iloc[0]!r}; divide by GDP first.")
        out = rows.copy()
        out["target_id"] = tg["target_id"]
        out["target_label"] = tg["label"]
        out["threshold"] = float(tg["value"])
        out["deadline_year"] = int(tg["year"])
        out["direction"] = tg["direction"]
        out["gap"] = out["value"] - float(tg["value"])
        met = (out["value"] >= float(tg["value"])).astype("boolean")
        met[out["value"].isna() | (tg["direction"] != "at_least")] = pd.NA
        out["met"] = met
        same_measure = out["measure"].eq(tg["measure"])
        same_basis = out["basis"].eq(tg["basis"])
        out["exact_match"] = (same_measure & same_basis).astype(bool)
        notes = []
        for m, b, p in zip(out["measure"], out["basis"], out["period"], strict=True):
            parts_note = []
            if m != tg["measure"]:
                parts_note.append(f"proxy: {m} stands in for the target's {tg['measure']}")
            if b != tg["basis"]:
                parts_note.append(f"the observation counts spending on the {b!r} definition; "
                                  f"the target, on {tg['basis']!r}")
            if p != tg["period"]:
                parts_note.append(f"observation by {p}, target by {tg['period']}")
            ref = tg.get("gdp_reference")
            if isinstance(ref, str) and ref != "same year":
                parts_note.append(f"the target is a share of {ref} GDP")
            notes.append("; ".join(parts_note) or None)
        out["target_note"] = notes
        out["target_source"] = tg["source"]
        parts.append(out)
    if not parts:
        raise DataError(
            "compare.against_targets: no target applies to this frame. It has measures "
            f"{sorted(map(str, frame['measure'].dropna().unique()))[:6]}; the targets are set "
            f"on {sorted(map(str, t['measure'].unique()))}. Select share-of-GDP rows (e.g. "
            "measure='milex_share_gdp'), or pass proxy=True to compare another share of GDP.")
    result = schema.coerce(pd.concat(parts, ignore_index=True))
    return result.sort_values(["country", "year", "target_id"], kind="stable").reset_index(
        drop=True)


def first_year_meeting(frame: pd.DataFrame, *, target: str | float,
                       targets: pd.DataFrame | None = None, strict: bool = False,
                       proxy: bool = False) -> pd.DataFrame:
    """The first year each country's share of GDP met a target (or a threshold).

    "First" is the earliest year in the data at or above the threshold — not the start of
    a run of years above it; ``years_met`` says how many years were.

    Parameters
    ----------
    frame
        A tidy frame with share-of-GDP rows (unit ``ratio``).
    target
        A ``target_id`` of :func:`load_targets` (e.g. ``"nato_2pct_guideline"``), or a
        threshold as a ratio (0.012 = 1.2 % of GDP) for an ad-hoc question; a number is
        compared with every share in *frame*, which must then hold one measure.
    targets
        A targets table; by default :func:`load_targets`.
    strict
        Count only values above the threshold (``>``) instead of at or above (``>=``).
    proxy
        As in :func:`against_targets`.

    Returns
    -------
    pandas.DataFrame
        One row per series (country, measure, basis, ...): the observation in the first year
        met (``value`` is that year's share, ratio) with ``first_year``; for a series that
        never met it, its latest observation with ``first_year`` missing and a ``note``.
        Also ``target_id``, ``threshold``, ``years_met``, ``target_source``.

    Examples
    --------
    >>> import pandas as pd
    >>> import defbudget.compare as cmp
    >>> from defbudget.schema import coerce
    >>> f = coerce(pd.DataFrame({
    ...     "country": "Japan", "iso3": "JPN", "year": [2021, 2022, 2023, 2024],
    ...     "period": "CY", "fy_start_month": 1, "measure": "milex_share_gdp",
    ...     "basis": "sipri", "value": [0.0107, 0.0111, 0.0122, 0.0137], "unit": "ratio",
    ...     "price_basis": "current", "source": "example"}))
    >>> cmp.first_year_meeting(f, target=0.012, strict=True)[["country", "first_year",
    ...                                                       "value", "years_met"]]
      country  first_year   value  years_met
    0   Japan        2023  0.0122          2
    >>> out = cmp.first_year_meeting(f, target="nato_2pct_guideline")
    >>> out["first_year"].iloc[0] is pd.NA, out["note"].iloc[0]
    (True, 'never at or above 2.00% in 2021–2024 (4 years with data)')
    """
    from defbudget.formatting import format_ratio

    _require(frame, "compare.first_year_meeting")
    if isinstance(target, str):
        t = _targets_table(targets)
        hit = t[t["target_id"] == target]
        if hit.empty:
            close = difflib.get_close_matches(target, t["target_id"].tolist(), n=3,
                                              cutoff=0.4)
            raise UnknownNameError(f"unknown target {target!r}."
                                   + (f" Did you mean {', '.join(map(repr, close))}?" if close
                                else "")
                                   + f" Targets: {', '.join(t['target_id'])}.")
        if hit["direction"].iloc[0] != "at_least":
            raise ArgumentError(f"target {target!r} is an allowance ({hit['direction'].iloc[0]}), "
                                "not a level that can be met.")
        rows = against_targets(frame, targets=hit, proxy=proxy)
    else:
        if isinstance(target, bool) or not isinstance(target, (int, float, np.number)):
            raise TypeError(f"target must be a target_id or a ratio such as 0.02; you passed "
                            f"{target!r}.")
        if target > 1:
            raise ArgumentError(f"target={target!r}: thresholds are ratios (0.02 = 2% of GDP), "
                                "not percentages.")
        obs = frame[~_aggregate_mask(frame)]
        _one_measure(obs, "compare.first_year_meeting")
        if not (obs["unit"] == "ratio").all():
            raise BasisMismatchError(
                "compare.first_year_meeting compares shares (unit 'ratio') with a threshold; "
                f"the frame is in {obs['unit'].iloc[0]!r}.")
        rows = obs.copy()
        rows["target_id"] = f"threshold_{float(target):g}"
        rows["threshold"] = float(target)
        rows["target_source"] = None
    thr = rows["threshold"]
    rows = rows.assign(_met=(rows["value"] > thr) if strict else (rows["value"] >= thr))
    out = []
    word = "above" if strict else "at or above"
    for _, idx in rows.groupby(_series_id(rows), sort=False).groups.items():
        g = rows.loc[idx].sort_values("year")
        met = g[g["_met"].fillna(False).astype(bool)]
        have = g[g["value"].notna()]
        if len(met):
            row = met.iloc[0].copy()
            row["first_year"] = int(row["year"])
            row["note"] = None
        else:
            row = (have if len(have) else g).iloc[-1].copy()
            row["first_year"] = pd.NA
            span = (f"{_label(row['period'], have['year'].min())}–"
                    f"{_label(row['period'], have['year'].max())}" if len(have) else "the data")
            row["note"] = (f"never {word} {format_ratio(float(row['threshold']))} in {span} "
                           f"({len(have)} years with data)")
        row["years_met"] = len(met)
        out.append(row)
    result = pd.DataFrame(out).drop(columns=["_met"]).reset_index(drop=True)
    result["first_year"] = result["first_year"].astype("Int64")
    result["years_met"] = result["years_met"].astype("Int64")
    result = schema.coerce(result)
    return result.sort_values(["first_year", "country"], na_position="last",
                              kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# one basis
# --------------------------------------------------------------------------------------------

#: Price index used by default to deflate or rebase each currency (override with Basis.index).
DEFAULT_INDEX = {"JPY": "jp_cpi_all_items", "USD": "us_cpi_u"}


@dataclass(frozen=True)
class Basis:
    """The common basis :func:`compare` puts frames on.

    Parameters
    ----------
    unit
        ISO 4217 currency of the result, e.g. ``"USD"``.
    price_basis
        ``"current"`` or ``"constant"``.
    base_year
        Price year for constant prices (required then, refused for current prices).
    period
        ``"CY"`` (fiscal years are calendarised with *rule*), ``"FY"`` (rows must already be
        fiscal years with one start month) or None to keep each row's period.
    rate
        Exchange rate for :func:`defbudget.fx.convert`: ``"fy_average"``, ``"cy_average"``,
        ``"spot:YYYY-MM-DD"`` or a fixed number.
    rule
        Calendarisation rule for :func:`defbudget.fiscal.calendarise`.
    index
        Price index for :func:`defbudget.prices.to_constant`; by default the currency's own
        (:data:`DEFAULT_INDEX`).
    method
        Constant-US$ method for local-currency rows, see
        :func:`defbudget.prices.constant_usd` (``"sipri"``: deflate by the country's CPI,
        then convert at the base year's rate).

    Examples
    --------
    >>> from defbudget.compare import Basis
    >>> b = Basis(unit="USD", price_basis="constant", base_year=2023)
    >>> b.period, b.rate, b.rule
    ('CY', 'cy_average', 'sipri_even_spread')
    >>> Basis(price_basis="constant")
    Traceback (most recent call last):
    ...
    defbudget.errors.ArgumentError: Basis(price_basis='constant') needs a base_year, e.g. ...
    """

    unit: str = "USD"
    price_basis: Literal["current", "constant"] = "current"
    base_year: int | None = None
    period: Literal["CY", "FY"] | None = "CY"
    rate: str | float = "cy_average"
    rule: str = "sipri_even_spread"
    index: str | None = None
    method: str = "sipri"

    def __post_init__(self):
        if not is_currency_unit(self.unit):
            raise ArgumentError(f"Basis(unit={self.unit!r}): expected an ISO 4217 currency code "
                                "such as 'USD' or 'JPY'.")
        if self.price_basis not in schema.PRICE_BASES:
            raise ArgumentError(f"Basis(price_basis={self.price_basis!r}): expected one of "
                                f"{schema.PRICE_BASES}.")
        if self.price_basis == "constant" and self.base_year is None:
            raise ArgumentError("Basis(price_basis='constant') needs a base_year, e.g. "
                                "Basis(unit='USD', price_basis='constant', base_year=2023).")
        if self.price_basis == "current" and self.base_year is not None:
            raise ArgumentError(f"Basis(base_year={self.base_year}) only applies to constant "
                                "prices; pass price_basis='constant' too.")
        if self.period not in ("CY", "FY", None):
            raise ArgumentError(f"Basis(period={self.period!r}): expected 'CY', 'FY' or None.")


def _to_period(df: pd.DataFrame, basis: Basis) -> pd.DataFrame:
    """Step 1 of :func:`compare`: the period convention of *basis*."""
    from defbudget import fiscal

    if basis.period == "CY":
        fy = df["period"].eq("FY") & df["fy_start_month"].ne(1)
        if fy.any():
            df = pd.concat([df[~fy], fiscal.calendarise(df[fy], rule=basis.rule)],
                           ignore_index=True)
        df.loc[df["period"].eq("FY"), "period"] = "CY"  # FY starting in January is a CY
    elif basis.period == "FY":
        cy = df[df["period"].eq("CY")]
        if len(cy):
            raise BasisMismatchError(
                f"compare cannot turn calendar years into fiscal years ({cy['country'].iloc[0]} "
                f"{cy['measure'].iloc[0]} is by CY): no rule splits a calendar year into "
                "fiscal years. Use Basis(period='CY') to calendarise the fiscal years instead.")
        require_same_basis(df.reset_index(drop=True), what="compare (period='FY')",
                           columns=("fy_start_month",))
    return df


def _to_prices(rows: pd.DataFrame, basis: Basis, *, unit: str, price_basis: str,
               base_year: int | None) -> pd.DataFrame:
    """Step 2 of :func:`compare`: the currency and prices of *basis*, for rows sharing one
    unit, price basis and base year."""
    from defbudget import fx, prices

    pb, by = price_basis, base_year
    if basis.price_basis == "current":
        if pb == "constant":
            raise BasisMismatchError(
                f"compare cannot turn constant ({by}) prices into current prices "
                f"({rows['country'].iloc[0]} {rows['measure'].iloc[0]} in {unit}); use "
                "the source's current-price series, or compare at constant prices with "
                f"Basis(price_basis='constant', base_year={by}).")
        return rows if unit == basis.unit else fx.convert(rows, to=basis.unit, rate=basis.rate)
    target = basis.base_year
    if target is None:  # pragma: no cover - Basis refuses constant prices without a base year
        raise ArgumentError("compare: constant prices need Basis(base_year=...).")
    if pb == "constant" and unit != basis.unit:
        raise BasisMismatchError(
            f"compare cannot convert constant-{by} {unit} into constant {basis.unit}: "
            "the source's constant prices embed its own exchange rate. Use its current "
            f"{unit} series instead, which compare deflates and converts.")
    if unit == basis.unit:
        if pb == "constant" and by == target:
            return rows
        index = basis.index or DEFAULT_INDEX.get(unit)
        if index is None:
            raise BasisMismatchError(
                f"compare has no price index for {unit}; pass Basis(index=...) with one "
                f"of {sorted(prices.INDICES)} or a frame from prices.price_index().")
        return prices.to_constant(rows, base_year=target, index=index)
    if basis.unit == "USD":
        # the caller's rate is used as given (a fixed number or a spot date converts
        # every year at that rate; fx_rate/fx_basis record it), never swapped for another
        return prices.constant_usd(rows, base_year=target, method=basis.method,
                                   index=basis.index, rate=basis.rate)
    raise BasisMismatchError(
        f"compare can put {unit} at constant prices into constant US$ only; for "
        f"constant {basis.unit}, first convert with fx.convert(frame, to="
        f"{basis.unit!r}) at current prices.")


def compare(*frames: pd.DataFrame, basis: Basis | Mapping | None = None) -> pd.DataFrame:
    """Put several frames — countries, sources — on one basis, so they can be compared.

    Steps, in this order (each by the module that owns it, which records what it did in the
    provenance columns ``calendarised``, ``fx_rate``/``fx_basis``/``fx_source``,
    ``deflator``/``deflator_source``):

    1. period: fiscal years to calendar years with :func:`defbudget.fiscal.calendarise`
       (in the original currency and prices, as SIPRI does);
    2. prices and currency: :func:`defbudget.fx.convert` for current prices;
       :func:`defbudget.prices.to_constant` for constant prices in the same currency (rebasing
       other base years); :func:`defbudget.prices.constant_usd` for local currency at current
       prices to constant US$.

    Parameters
    ----------
    *frames
        Tidy frames of money values (currency units).
    basis
        A :class:`Basis` or a mapping of its fields; default ``Basis()`` (current US$, calendar
        years, calendar-year average rates).

    Returns
    -------
    pandas.DataFrame
        One tidy frame, every row in ``basis.unit`` at ``basis.price_basis`` (and
        ``base_year``) and, unless ``basis.period`` is None, in that period convention;
        ``source`` and ``basis`` columns are kept.

    Raises
    ------
    BasisMismatchError
        Something cannot be aligned, with the reason: a share or index (not money), calendar
        years asked to become fiscal years, constant prices asked to become current, a
        constant-price currency other than the target, fiscal years with different start
        months asked to stay fiscal, or no price index for a currency.

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.compare import Basis, compare
    >>> from defbudget.schema import coerce
    >>> jp = coerce(pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2024],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "value": [7.9496e12], "unit": "JPY",
    ...     "price_basis": "current", "stage": "enacted", "source": "example"}))
    >>> out = compare(jp, basis=Basis(unit="USD", period="FY", rate="fy_average"))
    >>> out[["year", "period", "unit", "fx_basis"]]
       year period unit    fx_basis
    0  2024     FY  USD  fy_average
    >>> round(float(out["value"].iloc[0]) / 1e9, 2)  # US$ bn at the FY2024 average rate
    52.15
    >>> cy = compare(jp, basis=Basis(period="CY"))  # CY2024 = ¼·FY2023 + ¾·FY2024
    >>> cy[["year", "period", "value", "flag"]]
       year period  value         flag
    0  2024     CY    NaN  unavailable
    >>> compare(jp.assign(unit="ratio"))
    Traceback (most recent call last):
    ...
    defbudget.schema.BasisMismatchError: compare aligns money; ... is in 'ratio', ...
    """
    if basis is None:
        basis = Basis()
    elif isinstance(basis, Mapping):
        basis = Basis(**basis)
    elif not isinstance(basis, Basis):
        raise TypeError(f"compare: basis must be a Basis or a dict of its fields; you passed "
                        f"{basis!r}.")
    if not frames:
        raise ArgumentError("compare: pass at least one frame.")
    for f in frames:
        _require(f, "compare.compare")
    df = pd.concat(frames, ignore_index=True)
    not_money = df[~df["unit"].map(is_currency_unit).astype(bool)]
    if len(not_money):
        r = not_money.iloc[0]
        raise BasisMismatchError(
            f"compare aligns money; {r['country']} {r['measure']} is in {r['unit']!r}, which "
            "has no currency or price basis to convert. Compare shares and indices directly "
            "(they are already unit-free), or select the money rows.")
    df = _to_period(df, basis)
    parts = [_to_prices(rows, basis, unit=unit, price_basis=pb,
                        base_year=None if pd.isna(by) else int(by))
             for (unit, pb, by), rows in df.groupby(["unit", "price_basis", "base_year"],
                                                    dropna=False, sort=False)]
    out = schema.coerce(pd.concat(parts, ignore_index=True))
    _same_basis(out, what="compare")
    return out.sort_values(["country", "measure", "basis", "year"], kind="stable").reset_index(
        drop=True)


# --------------------------------------------------------------------------------------------
# display
# --------------------------------------------------------------------------------------------

_DISPLAY_KEYS = ("measure", "basis", "unit", "price_basis", "base_year", "period",
                 "fy_start_month", "source")


def _display_index(frame: pd.DataFrame, index: Sequence[str] | None) -> list[str]:
    if index is not None:
        index = [index] if isinstance(index, str) else list(index)
        missing = [c for c in index if c not in frame.columns]
        if missing:
            raise MissingColumnError(f"wide_table: no column(s) {missing} in the frame.",
                                     columns=missing)
        return index
    varying = [c for c in _DISPLAY_KEYS if frame[c].nunique(dropna=False) > 1]
    if "source" in varying and frame.duplicated(["country", *[c for c in varying
                                                              if c != "source"], "year"]
                                                ).sum() == 0:
        varying.remove("source")  # a citation per row, not a separate series
    return ["country", *varying]


def wide_table(frame: pd.DataFrame, *, index: Sequence[str] | None = None,
               years: Iterable[int] | None = None, values: str = "value") -> pd.DataFrame:
    """Pivot a tidy frame to a wide table: one row per series, years across.

    Parameters
    ----------
    frame
        A tidy frame.
    index
        Columns that label the rows; by default ``country`` plus whichever of ``measure``,
        ``basis``, ``unit``, ``price_basis``, ``base_year``, ``period`` vary in the frame (so
        rows on different bases never share a row).
    years
        Years to keep, in order; by default all.
    values
        Column to spread (``value``; ``flag`` or ``note`` to see those).

    Returns
    -------
    pandas.DataFrame
        Unformatted values in their own units (whole yen, US$, ratios); columns are the
        years (the columns axis is named ``FY`` when every row is a fiscal year).

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> cmp.wide_table(cmp._example_frame())
    FY               2002          2022          2023
    country
    Japan    4.955700e+12  5.400500e+12  6.821900e+12
    """
    _require(frame, "compare.wide_table", ("country", "year", values))
    idx = _display_index(frame, index)
    dup = frame.duplicated([*idx, "year"], keep=False)
    if dup.any():
        others = [c for c in (*_DISPLAY_KEYS, "stage", "vintage") if c in frame.columns
                  and c not in idx and frame.loc[dup, c].nunique(dropna=False) > 1]
        raise DataError(f"wide_table: rows with the same {idx} and year differ in "
                        f"{others or 'nothing'}; add them to index=, or filter with select().")
    data = frame[[*idx, "year", values]].copy()
    for col in idx:
        if data[col].isna().any():
            data[col] = data[col].astype(object).where(data[col].notna(), "–")
    wide = data.pivot(index=idx, columns="year", values=values)
    if years is not None:
        wide = wide.reindex(columns=list(years))
    wide.columns.name = "FY" if frame["period"].eq("FY").all() else "year"
    return wide


def style_table(frame: pd.DataFrame, *, index: Sequence[str] | None = None,
                years: Iterable[int] | None = None, caption: str | None = None,
                sig: int = 3) -> Styler:
    """A pandas ``Styler`` for notebooks: years across, values formatted by their unit.

    Money prints as ``¥8.70T``/``$55.5B``, ratios as ``1.37%``, indices as ``104.2`` (with
    :mod:`defbudget.formatting`, as charts do). SIPRI estimates are shown in italics,
    highly uncertain values in red, unavailable ones as ``–``. The caption names the unit,
    price basis, period convention and sources.

    Parameters
    ----------
    frame
        A tidy frame.
    index, years
        As in :func:`wide_table`.
    caption
        Text before the generated caption.
    sig
        Significant digits for money.

    Returns
    -------
    pandas.io.formats.style.Styler
        Render it in Jupyter, or with ``.to_html()``; ``.data`` is :func:`wide_table`.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> sty = cmp.style_table(cmp._example_frame())
    >>> html = sty.to_html()
    >>> "¥6.82T" in html and "¥5.40T" in html
    True
    >>> print(sty.caption)  # doctest: +NORMALIZE_WHITESPACE
    Unit: yen, current prices. Fiscal years (FY2023 = April 2023 – March 2024).
    Sources: mod-white-paper-2002, mod-white-paper-2022, mod-white-paper-2023.
    """
    try:
        import jinja2  # noqa: F401  (pandas' Styler needs it)
    except ImportError as exc:  # pragma: no cover - jinja2 is a dependency
        raise ImportError("style_table needs jinja2: pip install jinja2") from exc
    from defbudget.formatting import format_value, unit_label

    wide = wide_table(frame, index=index, years=years)
    flags = wide_table(frame, index=index, years=years, values="flag").reindex_like(wide)
    idx = list(wide.index.names)
    units = (wide.index.get_level_values("unit") if "unit" in idx
             else [frame["unit"].iloc[0]] * len(wide))
    styler = wide.style
    for pos, unit in enumerate(units):
        styler = styler.format(
            lambda v, unit=unit: format_value(v, unit, **({"sig": sig} if unit not in (
                "ratio", "index", "count") else {})),
            subset=pd.IndexSlice[wide.index[pos:pos + 1], :], na_rep="–")

    def css(_):
        look = {"estimate": "font-style: italic", "highly_uncertain": "color: #b00020",
                "unavailable": "color: #888888"}
        return flags.map(lambda f: look.get(f, "") if isinstance(f, str) else "")

    styler = styler.apply(css, axis=None)
    parts = [caption] if caption else []
    bases = frame[["unit", "price_basis", "base_year"]].drop_duplicates()
    parts.append("Unit: " + "; ".join(
        unit_label(u, price_basis=p, base_year=None if pd.isna(b) else int(b))
        for u, p, b in bases.itertuples(index=False)) + ".")
    if frame["period"].eq("FY").all():
        months = frame["fy_start_month"].unique()
        if len(months) == 1:
            import calendar
            m = int(months[0])
            end = calendar.month_name[(m - 2) % 12 + 1]
            y1 = "2024" if m != 1 else "2023"
            parts.append(f"Fiscal years (FY2023 = {calendar.month_name[m]} 2023 – {end} "
                         f"{y1}).")
        else:
            parts.append("Fiscal years (start months differ by country).")
    elif frame["period"].eq("CY").all():
        parts.append("Calendar years.")
    if flags.isin(["estimate"]).any().any():
        parts.append("Italic: estimate.")
    if flags.isin(["highly_uncertain"]).any().any():
        parts.append("Red: highly uncertain.")
    srcs = sorted({p for v in frame["source"].dropna() for p in str(v).split(";")})
    parts.append(f"Source{'s' if len(srcs) > 1 else ''}: {', '.join(srcs)}.")
    return styler.set_caption(" ".join(parts))


# --------------------------------------------------------------------------------------------
# small example frames for the docstrings (offline, no files)
# --------------------------------------------------------------------------------------------

def _example_frame() -> pd.DataFrame:
    """Japan MOD budget FY2002, FY2022, FY2023 including SACO/realignment, in yen."""
    return schema.coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": [2002, 2022, 2023], "period": "FY",
        "fy_start_month": 4, "measure": "defense_budget", "basis": "mod_incl_saco_realignment",
        "value": [4.9557e12, 5.4005e12, 6.8219e12], "unit": "JPY", "price_basis": "current",
        "base_year": pd.NA, "stage": "enacted", "flag": None,
        "source": ["mod-white-paper-2002", "mod-white-paper-2022", "mod-white-paper-2023"]}))


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


# Importing defbudget.compare enables the df.budget accessor (import defbudget alone does not).
from defbudget import accessor as _accessor  # noqa: E402, F401
