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
from typing import Literal

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget.schema import BasisMismatchError, is_currency_unit, require_same_basis

__all__ = [
    "BASIS_COLUMNS",
    "SERIES_KEYS",
    "BasisMismatchError",
    "UnknownCountryError",
    "cagr",
    "difference",
    "index_to",
    "rank",
    "ratio",
    "rolling_mean",
    "select",
    "share_of_total",
    "top_n",
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


class UnknownCountryError(LookupError):
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
        raise schema.SchemaError(
            [schema.Violation("required column is missing", column=c) for c in missing],
            name=f"the frame passed to {what}")


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
        raise ValueError(
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
    codes = frame["iso3"].dropna().astype(str).unique().tolist()
    return sorted(set(names) | set(codes))


def _resolve_country(frame: pd.DataFrame, name: str) -> pd.Series:
    """Boolean mask of rows whose country name or ISO3 code is *name* (case-insensitive)."""
    if not isinstance(name, str):
        raise TypeError(f"a country is named by a string (name or ISO3 code); you passed "
                        f"{name!r}.")
    key = name.strip().casefold()
    mask = (frame["country"].astype(object).map(lambda v: isinstance(v, str)
                                                 and v.casefold() == key)
            | frame["iso3"].astype(object).map(lambda v: isinstance(v, str)
                                                and v.casefold() == key))
    mask = mask.astype(bool)
    if not mask.any():
        known = _country_names(frame)
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
        close += [k for k in known if key and key in k.casefold() and k not in close][:5]
        hint = (f" Did you mean: {', '.join(repr(c) for c in close[:5])}?" if close
                else f" The frame has {len(known)} names/codes, e.g. "
                     f"{', '.join(known[:5])}.")
        raise UnknownCountryError(f"unknown country {name!r}: no row has that country name "
                                  f"or ISO3 code.{hint}")
    return mask


def _one_measure(frame: pd.DataFrame, what: str) -> str:
    measures = frame["measure"].dropna().unique().tolist()
    if len(measures) != 1:
        raise ValueError(
            f"{what} works on one measure at a time; the frame has {len(measures)}: "
            f"{', '.join(map(str, measures[:6]))}. Filter first, e.g. "
            f"select(frame, measure={measures[0]!r}, unit='USD', price_basis='current').")
    return measures[0]


def _pick_year(frame: pd.DataFrame, year, what: str) -> int:
    if isinstance(year, str) and year == "latest":
        have = frame[frame["value"].notna() & ~_aggregate_mask(frame)]
        if have.empty:
            raise ValueError(f"{what}: the frame has no country values, so no latest year.")
        return int(have["year"].max())
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise TypeError(f"{what}: year must be an int (e.g. 2024) or 'latest'; you passed "
                        f"{year!r}.")
    if not frame["year"].eq(year).any():
        raise ValueError(f"{what}: no rows for year {year}; the frame covers "
                         f"{int(frame['year'].min())}–{int(frame['year'].max())}.")
    return int(year)


# --------------------------------------------------------------------------------------------
# selection
# --------------------------------------------------------------------------------------------

def select(frame: pd.DataFrame, **criteria) -> pd.DataFrame:
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
    defbudget.compare.UnknownCountryError: unknown country 'Japn': ... Did you mean: 'Japan'?
    """
    _require(frame, "compare.select", ())
    mask = pd.Series(True, index=frame.index)
    for col, wanted in criteria.items():
        if col not in frame.columns:
            close = difflib.get_close_matches(col, list(map(str, frame.columns)), n=3)
            raise KeyError(f"select: no column {col!r}"
                           + (f"; did you mean {', '.join(map(repr, close))}?" if close else "."))
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
                raise ValueError(
                    f"select: no row has {col} == {absent[0]!r}."
                    + (f" Close values: {', '.join(map(repr, close))}." if close else
                       f" Values present: {', '.join(map(repr, sorted(map(str, present))[:8]))}"
                       + ("…" if len(present) > 8 else "") + "."))
        mask &= m
    return frame[mask].copy().reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# growth
# --------------------------------------------------------------------------------------------

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
        raise ValueError(f"compare.cagr: start ({start}) must be before end ({end}).")
    _check_unique_years(frame, "compare.cagr")
    df = frame.reset_index(drop=True)
    sid = _series_id(df)
    rows = []
    for _, idx in df.groupby(sid, sort=False).groups.items():
        s = df.loc[idx]
        s0, s1 = s[s["year"] == start], s[s["year"] == end]
        base = (s1 if len(s1) else (s0 if len(s0) else s.iloc[[-1]])).iloc[0].copy()
        period = base["period"]
        v0 = float(s0["value"].iloc[0]) if len(s0) else np.nan
        v1 = float(s1["value"].iloc[0]) if len(s1) else np.nan
        note = None
        if not len(s0):
            note = f"no {_label(period, start)} value in this series"
        elif not len(s1):
            note = f"no {_label(period, end)} value in this series"
        elif np.isnan(v0) or np.isnan(v1):
            which = start if np.isnan(v0) else end
            note = f"{_label(period, which)} value unavailable"
        elif v0 <= 0 or v1 / v0 < 0:
            note = "start value is not positive: compound growth undefined"
        value = (v1 / v0) ** (1.0 / (end - start)) - 1.0 if note is None else np.nan
        flags = [f for f in (s0["flag"].tolist() + s1["flag"].tolist()) if isinstance(f, str)]
        flag = _worst_flag(pd.Series([flags[0] if flags else None]),
                           pd.Series([flags[-1] if flags else None])).iloc[0]
        base["value"] = value
        base["year"] = end
        base["flag"] = "unavailable" if (np.isnan(value) and flag is None) else flag
        base["from_year"] = start
        base["source"] = _join_sources(pd.Series([s0["source"].iloc[0] if len(s0) else None]),
                                       pd.Series([s1["source"].iloc[0] if len(s1) else None])
                                       ).iloc[0] or base["source"]
        base["note"] = note
        rows.append(base)
    out = pd.DataFrame(rows).reset_index(drop=True)
    out["measure"] = out["measure"] + "_cagr" + _suffix(out["unit"], out["price_basis"])
    out["unit"] = "ratio"
    out["from_year"] = out["from_year"].astype("Int64")
    out["value_type"] = "computed"
    return _finish(out)


def index_to(frame: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """Index each series to its value in *base_year* (= 100).

    Parameters
    ----------
    frame
        A tidy frame; it may hold many series.
    base_year
        The label year whose value becomes 100 (for a fiscal year, the year it starts in).
        Not to be confused with the price ``base_year`` column of constant-price series,
        which is kept unchanged.

    Returns
    -------
    pandas.DataFrame
        Tidy frame, unit ``index``, ``measure`` ``<measure>_index`` plus ``_real``/``_nominal``
        for money, and an ``index_year`` column. A series without a value in *base_year*
        gives NaN rows flagged ``unavailable`` with a ``note``.

    Raises
    ------
    ValueError
        No series has a value in *base_year*.

    Examples
    --------
    >>> import defbudget.compare as cmp
    >>> cmp.index_to(cmp._example_frame(), base_year=2022)[["year", "value", "unit"]]
       year       value   unit
    0  2002   91.763726  index
    1  2022  100.000000  index
    2  2023  126.319785  index
    """
    _require(frame, "compare.index_to")
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)):
        raise TypeError(f"compare.index_to: base_year must be an int year; you passed "
                        f"{base_year!r}.")
    _check_unique_years(frame, "compare.index_to")
    df = frame.reset_index(drop=True)
    at_base = df["year"].eq(base_year) & df["value"].notna()
    if not at_base.any():
        raise ValueError(f"compare.index_to: no series has a value in {base_year}; the frame "
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
    lab = _label(df["period"].iloc[0] if df["period"].nunique() == 1 else "CY", base_year)
    notes = pd.Series(None, index=df.index, dtype=object)
    notes[denom.isna()] = f"no {lab} value in this series to index to"
    notes[denom.eq(0)] = f"{lab} value is zero: cannot index to it"
    out["note"] = notes
    out["source"] = _join_sources(sid.map(base_src), df["source"])
    out["flag"] = df["flag"].where(~(out["value"].isna() & df["flag"].isna()), "unavailable")
    out["measure"] = df["measure"] + "_index" + _suffix(df["unit"], df["price_basis"])
    out["unit"] = "index"
    out["index_year"] = base_year
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
        raise ValueError(f"compare.rolling_mean: window must be a positive int; you passed "
                         f"{window!r}.")
    _check_unique_years(frame, "compare.rolling_mean")
    df = frame.reset_index(drop=True)
    sid = _series_id(df)
    sev = {f: len(_FLAG_SEVERITY) - i for i, f in enumerate(_FLAG_SEVERITY)}
    mean = pd.Series(np.nan, index=df.index)
    count = pd.Series(0, index=df.index)
    worst = pd.Series(0.0, index=df.index)
    sources = pd.Series(None, index=df.index, dtype=object)
    for _, idx in df.groupby(sid, sort=False).groups.items():
        s = df.loc[idx]
        years = range(int(s["year"].min()), int(s["year"].max()) + 1)
        v = s.set_index("year")["value"].astype(float).reindex(years)
        f = s.set_index("year")["flag"].map(lambda x: sev.get(x, 0) if isinstance(x, str)
                                            else 0).reindex(years, fill_value=0)
        m = v.rolling(window, min_periods=window).mean()
        c = v.notna().astype(int).rolling(window, min_periods=1).sum()
        w = f.astype(float).rolling(window, min_periods=1).max()
        ys = s["year"].to_numpy()
        src = s.set_index("year")["source"].astype(object).reindex(years)
        sources[idx] = [_join_sources(*[pd.Series([x]) for x in
                                        src.loc[max(y - window + 1, years[0]):y]]).iloc[0]
                        for y in ys]
        mean[idx] = m.reindex(ys).to_numpy()
        count[idx] = c.reindex(ys).to_numpy()
        worst[idx] = w.reindex(ys).to_numpy()
    out = df.copy()
    out["value"] = mean.to_numpy()
    inv = {len(_FLAG_SEVERITY) - i: f for i, f in enumerate(_FLAG_SEVERITY)}
    flag = worst.map(lambda x: inv.get(int(x))).astype(object)
    flag = flag.where(flag.notna(), df["flag"].astype(object))
    out["flag"] = flag.where(~(out["value"].isna() & flag.isna()), "unavailable")
    short = out["value"].isna() & (count < window)
    notes = pd.Series(None, index=df.index, dtype=object)
    notes[short] = ("window " + _labels(df["period"], df["year"] - window + 1)[short] + "–"
                    + _labels(df["period"], df["year"])[short] + " incomplete: "
                    + count[short].astype(str) + f" of {window} values")
    out["note"] = notes
    out["source"] = sources.where(sources.notna(), df["source"].astype(object))
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
        raise ValueError(f"compare.rank: no country rows in {y}.")
    _one_measure(sub, "compare.rank")
    _same_basis(sub, what="compare.rank")
    dup = sub[sub.duplicated(["country"], keep=False)]
    if not dup.empty:
        c = dup["country"].iloc[0]
        d = dup[dup["country"] == c]
        raise ValueError(
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
        raise ValueError(f"compare.top_n: n must be a positive int; you passed {n!r}.")
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
        raise ValueError(f"compare.share_of_total: denominator must be 'reported' or 'sum'; "
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
                raise ValueError(f"compare.share_of_total: total={total!r} needs a {total!r} "
                                 "column (SIPRI frames from defbudget.read_sipri have one).")
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
                raise ValueError(
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
        raise ValueError(f"compare.share_of_total: total must be 'world', 'region', "
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
        raise ValueError(
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
        raise ValueError(f"{what}: a and b select the same series ({ia['country']}, "
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
    notes = []
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


def difference(frame: pd.DataFrame, a, b) -> pd.DataFrame:
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


def ratio(frame: pd.DataFrame, a, b) -> pd.DataFrame:
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
# small example frames for the docstrings (offline, no files)
# --------------------------------------------------------------------------------------------

def _example_frame() -> pd.DataFrame:
    """Japan MOD budget FY2002, FY2022, FY2023 including SACO/realignment, in yen."""
    return schema.coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": [2002, 2022, 2023], "period": "FY",
        "fy_start_month": 4, "measure": "defense_budget", "basis": "mod_incl_saco_realignment",
        "value": [4.9557e12, 5.4005e12, 6.8219e12], "unit": "JPY", "price_basis": "current",
        "base_year": pd.NA, "stage": "enacted", "flag": None, "source": "japan_mod_budget"}))


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
