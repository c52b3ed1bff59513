"""Growth within each series: :func:`yoy`, :func:`cagr`, :func:`index_to`, :func:`rolling_mean`.

A series is one country, measure, basis, unit, price basis and base year and period
convention (:data:`~defbudget.compare.SERIES_KEYS`). Nothing is computed across a gap: a
change whose previous year is missing is NaN, flagged ``unavailable``, with a ``note`` saying
why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget._deprecate import renamed_keywords
from defbudget.compare._frame import (
    _FLAG_SEVERITY,
    _check_unique_years,
    _finish,
    _join_sources,
    _keys,
    _label,
    _require,
    _series_id,
    _worst_flag,
)
from defbudget.errors import ArgumentError, DataError
from defbudget.schema import is_currency_unit
from defbudget.vocabulary import period_label


def _labels(period: pd.Series, year: pd.Series) -> pd.Series:
    """Each row's year as :func:`defbudget.vocabulary.period_label` writes it ("FY2023",
    "2023"; a missing year "<NA>"), worked out once per distinct pair."""
    pairs = pd.Series(list(zip(period.astype(object), year.astype("Int64"), strict=True)),
                      index=year.index, dtype=object)
    names = {pair: "<NA>" if pd.isna(pair[1]) else period_label(int(pair[1]), pair[0])
             for pair in pairs.unique()}
    return pairs.map(names)


def _is_money(unit) -> bool:
    return is_currency_unit(unit) or unit == "USD/person"


def _suffix(unit: pd.Series, price_basis: pd.Series) -> pd.Series:
    """'_real' for money at constant prices, '_nominal' at current prices, '' otherwise."""
    money = unit.map(_is_money).astype(bool)
    out = np.where(money & price_basis.eq("constant").fillna(False), "_real",
                   np.where(money, "_nominal", ""))
    return pd.Series(out, index=unit.index)


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
    out["note"] = _yoy_notes(df, prev_year, prev_value, consecutive, pct=pct)
    out["value_type"] = "computed"
    return _finish(out)


def _yoy_notes(df: pd.DataFrame, prev_year: pd.Series, prev_value: pd.Series,
               consecutive: pd.Series, *, pct: bool) -> pd.Series:
    """Why each change of :func:`yoy` is missing (None where it was computed)."""
    value = df["value"]
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
    return notes


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
    out, ends = _end_points(frame.reset_index(drop=True), start, end)
    v0, v1 = ends["v0"], ends["v1"]
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = v1 / v0
        value = np.sign(growth) * np.abs(growth) ** (1.0 / (end - start)) - 1.0
    note = _cagr_notes(out, ends, growth, start, end)
    value = value.where(note.isna())
    flag = _worst_flag(ends["f0"], ends["f1"])
    out["value"] = value.to_numpy()
    out["year"] = end
    out["flag"] = flag.where(~(value.isna() & flag.isna()), "unavailable").to_numpy()
    out["from_year"] = pd.array([start] * len(out), dtype="Int64")
    out["source"] = _join_sources(ends["s0"], ends["s1"]).where(
        lambda x: x.notna(), out["source"].astype(object)).to_numpy()
    out["note"] = note.to_numpy()
    out["measure"] = out["measure"] + "_cagr" + _suffix(out["unit"], out["price_basis"])
    out["unit"] = "ratio"
    out["value_type"] = "computed"
    return _finish(out)


def _end_points(df: pd.DataFrame, start: int, end: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows :func:`cagr` is computed from, one per series of *df*.

    Returns the row each result is built on (the series' *end* row, else its *start* row,
    else its latest), and beside it whether the series has a *start*/*end* row (``has0``,
    ``has1``) and that row's value, flag and source (``v0``/``f0``/``s0``, ``v1``/...).
    """
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
    ends = pd.DataFrame({"has0": has0, "has1": has1})
    for col, missing in (("value", np.nan), ("flag", None), ("source", None)):
        column = df[col] if col == "value" else df[col].astype(object)
        for k, has, pos in ((0, has0, pos0), (1, has1, pos1)):
            ends[f"{col[0]}{k}"] = np.where(has, column.reindex(pos.reindex(ids)).to_numpy(),
                                            missing)
    return df.loc[pick].reset_index(drop=True), ends


def _cagr_notes(out: pd.DataFrame, ends: pd.DataFrame, growth: pd.Series, start: int,
                end: int) -> pd.Series:
    """Why each rate of :func:`cagr` is missing (None where it was computed)."""
    v0, v1 = ends["v0"], ends["v1"]
    l0 = _labels(out["period"], pd.Series(start, index=out.index))
    l1 = _labels(out["period"], pd.Series(end, index=out.index))
    conds = [~ends["has0"], ~ends["has1"], v0.isna(), v1.isna(), (v0 <= 0) | (growth < 0)]
    texts = ["no " + l0 + " value in this series", "no " + l1 + " value in this series",
             l0 + " value unavailable", l1 + " value unavailable",
             pd.Series("start value is not positive: compound growth undefined",
                       index=out.index)]
    note = pd.Series(None, index=out.index, dtype=object)
    for cond, text in zip(reversed(conds), reversed(texts), strict=True):
        note = note.where(~cond.to_numpy(), text)
    return note


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


def _windows(df: pd.DataFrame, window: int) -> pd.DataFrame:
    """The trailing windows of :func:`rolling_mean`, one row per row of *df* (same index).

    Columns: ``_mean`` (NaN unless all *window* years have a value), ``_count`` (years with
    a value), ``_worst`` (severity rank of the most severe flag, 0 for none) and ``_src``
    (the window's sources joined). Each series is laid on a complete year grid first, so a
    window never reaches across a gap.
    """
    sid = _series_id(df).to_numpy()
    sev = {f: len(_FLAG_SEVERITY) - i for i, f in enumerate(_FLAG_SEVERITY)}
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
    return full[full["_row"].notna()].set_index("_row").reindex(df.index)


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
    back = _windows(df, window)
    inv = {len(_FLAG_SEVERITY) - i: f for i, f in enumerate(_FLAG_SEVERITY)}
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


def _example_frame() -> pd.DataFrame:
    """Japan MOD budget FY2002, FY2022, FY2023 including SACO/realignment, in yen."""
    return schema.coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": [2002, 2022, 2023], "period": "FY",
        "fy_start_month": 4, "measure": "defense_budget", "basis": "mod_incl_saco_realignment",
        "value": [4.9557e12, 5.4005e12, 6.8219e12], "unit": "JPY", "price_basis": "current",
        "base_year": pd.NA, "stage": "enacted", "flag": None,
        "source": ["mod-white-paper-2002", "mod-white-paper-2022", "mod-white-paper-2023"]}))
