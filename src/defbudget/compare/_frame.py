"""Frame helpers shared by the modules of :mod:`defbudget.compare` (private).

The columns that identify a series and the names of aggregates; the checks comparisons make
on their input (a tidy frame, not empty, one value per series and year, one measure, one
basis); the label, worst flag and joined sources of a derived row; and the final coercion
and sort. Helpers used by one module only live in that module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget.errors import DataError, MissingColumnError
from defbudget.schema import require_same_basis
from defbudget.vocabulary import SERIES_KEYS, period_label

# SERIES_KEYS (from the vocabulary) identify one series: growth is computed within a series,
# never across two. ``source`` is a per-row citation (a shipped series may cite a different
# white paper each year), so it is not part of the identity; a ``vintage`` column, when
# present, is. Two rows for one series and year (two releases, two stages) are refused,
# never averaged or mixed.

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
    return period_label(int(year), period)








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


def _one_measure(frame: pd.DataFrame, what: str) -> str:
    measures = frame["measure"].dropna().unique().tolist()
    if len(measures) != 1:
        raise DataError(
            f"{what} works on one measure at a time; the frame has {len(measures)}: "
            f"{', '.join(map(str, measures[:6]))}. Filter first, e.g. "
            f"select(frame, measure={measures[0]!r}, unit='USD', price_basis='current').")
    return measures[0]

