"""Two series side by side, year by year: :func:`difference` and :func:`ratio`.

Each side is a country or a mapping of column to value that picks exactly one series; the two
must be on one basis (unit, price basis and base year, period convention).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget.compare._frame import (
    _check_unique_years,
    _finish,
    _join_sources,
    _keys,
    _label,
    _require,
    _same_basis,
    _series_id,
    _worst_flag,
)
from defbudget.compare.select import Selection, _resolve_country, select
from defbudget.errors import ArgumentError


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
