"""What SIPRI revised between two releases of its Military Expenditure Database.

Every SIPRI release revises earlier years. :func:`sipri_revisions` compares two releases cell
by cell and returns a tidy frame of the changes, one row per country (or region), sheet and
year; :func:`revisions_summary` turns it into text a researcher can quote.

Rules
-----
* Countries are matched by ISO3 code first, then by name (historical states and regional
  totals have no code). A country whose name changed under the same code (Turkey →
  Türkiye) is a rename, not a removal plus an addition: its rows carry both names.
* A change of constant-price base year is not a revision. The old release's constant-price
  series is rebased to the new base year with SIPRI's own ratio before it is compared:
  the new release's constant-price value of the old base year divided by its current-price
  value of that year (for a country, ``Constant (2023) US$`` of 2022 ÷ ``Current US$`` of
  2022 — how SIPRI itself moves a series to a new base). Where the new release has no such
  pair (regional totals print current prices for their last year only; a country without a
  2022 figure), the old release's ratio is used: its current-price value of the new base year
  divided by its constant-price value of that year. Both factors are reported by
  :func:`rebasing_factors`, and the one used is in each row's ``rebase_factor``.
* Sheets, years and countries present in only one release come out as ``added`` or
  ``removed`` rows (cells that held a value), with ``detail`` saying which.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from defbudget.errors import ArgumentError, DataError, MissingColumnError
from defbudget.vocabulary import SIPRI_SHEET_VALUES

#: One SIPRI release: the workbook's path, or the frame read_sipri returns.
Release: TypeAlias = str | os.PathLike[str] | pd.DataFrame

__all__ = [
    "CHANGES",
    "SHEETS",
    "RevisionSummary",
    "rebasing_factors",
    "revisions_summary",
    "revisions_to_excel",
    "sheet_of",
    "sipri_revisions",
]

#: The ``change`` categories, in the order the summary lists them.
CHANGES = ("revised", "flag_changed", "added", "removed", "country_renamed", "rebased")

#: Sheet short names (as :func:`defbudget.read_sipri`'s ``sheets=``) and how the summary
#: names what they hold (:data:`defbudget.vocabulary.SIPRI_SHEET_VALUES`).
SHEETS = SIPRI_SHEET_VALUES

_NEEDED = ("country", "iso3", "year", "measure", "value", "unit", "price_basis", "base_year",
           "stage", "flag", "source", "period")

#: Relative difference below which two values are the same number (floating-point noise in
#: SIPRI's own recalculation is ~1e-16; real revisions start around 1e-7).
RTOL = 1e-9

_OUT_COLUMNS = ["sheet", "country", "old_country", "iso3", "region", "subregion", "year",
                "period", "fy_start_month", "measure", "unit", "price_basis", "old_base_year",
                "base_year", "old_value", "old_value_rebased", "new_value", "abs_change",
                "rel_change", "old_flag", "new_flag", "change", "detail", "rebase_factor",
                "old_release", "new_release", "old_source", "new_source"]


# ----------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------

def _sheet_id(name: str) -> int:
    return list(SHEETS).index(name)


def sheet_of(frame: pd.DataFrame) -> pd.Series:
    """The SIPRI sheet (short name) each row of a :func:`~defbudget.read_sipri` frame came from.

    Decided from the row's columns: ``measure`` for the share and per-capita sheets; for
    ``milex``, a missing ``stage`` marks the Regional totals, ``period`` FY the local-currency
    financial-year sheet, a ``currency_name`` the local-currency calendar-year sheet, and
    ``price_basis`` the two US$ sheets.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"measure": ["milex", "milex", "milex_share_gdp"],
    ...     "price_basis": ["constant", "current", "current"], "period": ["CY"] * 3,
    ...     "stage": ["actual", "actual", "actual"], "currency_name": [None] * 3})
    >>> sheet_of(f).tolist()
    ['constant_usd', 'current_usd', 'share_gdp']
    """
    ids = _sheet_ids(frame)
    return pd.Series(np.array(list(SHEETS), dtype=object)[ids], index=frame.index,
                     name="sheet", dtype=object)


def _sheet_ids(frame: pd.DataFrame) -> np.ndarray:
    """Position in :data:`SHEETS` of each row's sheet (see :func:`sheet_of`)."""
    measure = frame["measure"].to_numpy(dtype=object)
    milex = measure == "milex"
    stage_missing = frame["stage"].isna().to_numpy() if "stage" in frame else np.zeros(
        len(frame), bool)
    fy = frame["period"].to_numpy(dtype=object) == "FY"
    lcu = (frame["currency_name"].notna().to_numpy() if "currency_name" in frame
           else frame["unit"].to_numpy(dtype=object) != "USD")
    constant = frame["price_basis"].to_numpy(dtype=object) == "constant"
    names = ["share_gdp", "per_capita", "share_govt", "regional", "lcu_fy", "lcu_cy",
             "constant_usd", "current_usd"]
    ids = np.select(
        [measure == "milex_share_gdp", measure == "milex_per_capita",
         measure == "milex_share_govt", milex & stage_missing, milex & fy, milex & lcu,
         milex & constant, milex],
        [_sheet_id(n) for n in names], default=-1)
    if (ids < 0).any():
        bad = frame["measure"].to_numpy(dtype=object)[ids < 0][0]
        raise DataError(f"a row has measure {bad!r}, which no SIPRI sheet holds; pass a frame "
                        "from defbudget.read_sipri (measures milex, milex_share_gdp, "
                        "milex_per_capita, milex_share_govt).")
    return ids.astype(np.int64)


@dataclass
class _Release:
    frame: pd.DataFrame
    label: str
    source: str
    edition: int | None
    base_year: int | None
    sheet: np.ndarray
    sheet_id: np.ndarray


def _edition(source: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})$", source)
    return int(m.group(1)) if m else None


def _load(obj, side: str) -> _Release:
    from defbudget.readers.sipri import read_sipri

    if isinstance(obj, pd.DataFrame):
        frame, name = obj, None
    elif isinstance(obj, (str, os.PathLike)):
        frame = read_sipri(obj)
        name = Path(obj).name
    else:
        raise TypeError(f"sipri_revisions: {side} must be a path to a SIPRI workbook or a "
                        f"frame from defbudget.read_sipri; you passed {type(obj).__name__}.")
    if "country_as_published" in frame.columns:
        # renames are SIPRI's own ('Turkey' -> 'Türkiye'): compare the names as published,
        # not the kit's display names, which are the same in both releases
        frame = frame.assign(country=frame["country_as_published"].fillna(frame["country"]))
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"sipri_revisions: the {side} frame lacks columns {missing}; "
                                 "pass the frame defbudget.read_sipri returns (or the "
                                 "workbook's path).", columns=missing)
    sources = [s for s in pd.unique(frame["source"].to_numpy(dtype=object)) if isinstance(s, str)]
    if len(sources) != 1 or not str(sources[0]).startswith("sipri-milex"):
        raise DataError(
            f"sipri_revisions: the {side} frame must hold one SIPRI release; its source "
            f"column holds {sources[:4]}. Pass one frame per release (filter with "
            "defbudget.compare.select(frame, source=...)).")
    source = str(sources[0])
    sheet_id = _sheet_ids(frame)
    sheet = np.array(list(SHEETS), dtype=object)[sheet_id]
    years_base = frame["base_year"].astype("Float64").to_numpy(np.float64, na_value=np.nan)
    bases = pd.unique(years_base[((sheet_id == _sheet_id("constant_usd"))
                                  | (sheet_id == _sheet_id("regional")))
                                 & ~np.isnan(years_base)])
    if len(bases) > 1:
        raise DataError(f"sipri_revisions: the {side} frame mixes constant-price base years "
                        f"{sorted(int(b) for b in bases)}; pass one SIPRI release per side.")
    base = int(bases[0]) if len(bases) else None
    edition = _edition(source)
    years = frame["year"]
    span = f"{int(years.min())}-{int(years.max())}" if len(frame) else "empty"
    label = (f"SIPRI {edition} ({name})" if name else f"SIPRI {edition} ({span})") \
        if edition else (name or source)
    return _Release(frame, label, source, edition, base, sheet, sheet_id)


def _obj(frame: pd.DataFrame, col: str, *, none: bool = False) -> np.ndarray:
    """A column as an object array; with *none*, missing values become None (so that two
    missing values compare equal)."""
    if col not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    arr = frame[col].to_numpy(dtype=object)
    if none:
        missing = frame[col].isna().to_numpy()
        if missing.any():
            arr = arr.copy()
            arr[missing] = None
    return arr


def _prepare(rel: _Release) -> dict[str, np.ndarray]:
    """The columns the diff needs as arrays, with the sheet and the matching key of each row."""
    from defbudget.readers._countries import normalise_name

    f = rel.frame
    names = _obj(f, "country")
    codes, uniq = pd.factorize(names)
    norm = np.array([normalise_name(n) for n in uniq], dtype=object)[codes]
    iso3 = _obj(f, "iso3", none=True)
    key = np.where(f["iso3"].isna().to_numpy(), "name:" + norm, iso3)
    base = f["base_year"].astype("Float64").to_numpy(np.float64, na_value=np.nan)
    return {
        "sheet": rel.sheet,
        "sheet_id": rel.sheet_id,
        "const": f["price_basis"].to_numpy(dtype=object) == "constant",
        "price_basis": _obj(f, "price_basis"),
        "key": key.astype(object),
        "year": f["year"].to_numpy(np.int64),
        "country": names,
        "name_key": norm,
        "iso3": iso3,
        "region": _obj(f, "region"),
        "subregion": _obj(f, "subregion"),
        "period": _obj(f, "period"),
        "fy_start_month": (f["fy_start_month"].to_numpy(np.int64) if "fy_start_month" in f
                           else np.ones(len(f), np.int64)),
        "measure": _obj(f, "measure"),
        "unit": _obj(f, "unit", none=True),
        "base_year": base,
        "value": f["value"].to_numpy(np.float64),
        "flag": _obj(f, "flag", none=True),
    }


#: Columns coded by an integer column of the same rows (no need to factorise strings).
_INT_CODES = {"sheet": ("sheet_id", len(SHEETS) + 1), "price_basis": ("const", 2)}


def _codes(o: dict, n: dict, cols: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """One int64 code per row for the combination of *cols*, shared by both releases.

    Each column is factorised once over both releases (cached in the dicts under
    ``_code_<col>``; drop the cache entry when a column changes)."""
    no, nn = len(o["sheet"]), len(n["sheet"])
    code = np.zeros(no + nn, dtype=np.int64)
    for col in cols:
        cached = o.get(f"_code_{col}")
        if cached is None and col in _INT_CODES:
            src, size = _INT_CODES[col]
            cached = (np.concatenate([o[src], n[src]]).astype(np.int64), size)
        elif cached is None:
            c, uniq = pd.factorize(np.concatenate([o[col], n[col]]))
            cached = (c.astype(np.int64), len(uniq) + 1)
            o[f"_code_{col}"] = cached
        c, size = cached
        code = code * size + c
    return code[:no], code[no:]


def _check_unique(code: np.ndarray, arrays: dict, label: str) -> None:
    _, first, counts = np.unique(code, return_index=True, return_counts=True)
    if (counts > 1).any():
        i = first[np.argmax(counts > 1)]
        raise DataError(
            f"sipri_revisions: the {label} frame has {int((counts > 1).sum())} cells given "
            f"twice (first: {arrays['country'][i]} {arrays['year'][i]}, sheet "
            f"{arrays['sheet'][i]}); pass the frame read_sipri returns, without copied rows.")


def _entities(r: dict, code: np.ndarray) -> dict:
    """(sheet, key) → normalised name, over the distinct entities of a release."""
    _, first = np.unique(code, return_index=True)
    return {(r["sheet"][i], r["key"][i]): r["name_key"][i] for i in first}


def _unify_keys(o: dict, n: dict) -> None:
    """Match by name the entities the ISO3 codes left unmatched (in place, on ``key``)."""
    co, cn = _codes(o, n, ("sheet", "key"))
    ents_o, ents_n = _entities(o, co), _entities(n, cn)
    only_o = {sk: nm for sk, nm in ents_o.items() if sk not in ents_n}
    only_n = {(sk[0], nm): sk[1] for sk, nm in ents_n.items() if sk not in ents_o}
    remap = {sk: only_n[(sk[0], nm)] for sk, nm in only_o.items() if (sk[0], nm) in only_n}
    for (sheet, key), target in remap.items():
        o["key"] = np.where((o["sheet"] == sheet) & (o["key"] == key), target, o["key"])
    if remap:
        o.pop("_code_key", None)


# ----------------------------------------------------------------------------------------
# Rebasing
# ----------------------------------------------------------------------------------------

_FACTOR_COLUMNS = ["sheet", "key", "country", "iso3", "old_base_year", "base_year",
                   "factor_new_release", "factor_old_release", "rebase_factor", "factor_from"]


def _lookup(r: dict, sheet: str, price_basis: str, year: int) -> dict:
    mask = ((r["year"] == year) & (r["sheet_id"] == _sheet_id(sheet))
            & (r["const"] == (price_basis == "constant")))
    return dict(zip(r["key"][mask], r["value"][mask], strict=True))


def _ratio(a: dict, b: dict, key) -> float:
    x, y = a.get(key, np.nan), b.get(key, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = x / y if y else np.nan
    return float(r) if np.isfinite(r) and r > 0 else np.nan


def _factors(o: dict, n: dict, old_base: int, new_base: int,
             matched: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Per constant-price series: SIPRI's ratio from each release, and the one used."""
    rows = []
    for sheet, cur_sheet in (("constant_usd", "current_usd"), ("regional", "regional")):
        f_new_num = _lookup(n, sheet, "constant", old_base)
        f_new_den = _lookup(n, cur_sheet, "current", old_base)
        f_old_num = _lookup(o, cur_sheet, "current", new_base)
        f_old_den = _lookup(o, sheet, "constant", new_base)
        ents: dict = {}
        for r in (o, n):
            mask = (r["sheet_id"] == _sheet_id(sheet)) & r["const"]
            for k, c, i in zip(r["key"][mask], r["country"][mask], r["iso3"][mask],
                               strict=True):
                ents[k] = (c, i)
        for k, (c, i) in ents.items():
            fn = _ratio(f_new_num, f_new_den, k)
            fo = _ratio(f_old_num, f_old_den, k)
            if np.isfinite(fn):
                used, src = fn, f"new release: constant ({new_base}) ÷ current, of {old_base}"
            elif np.isfinite(fo):
                used, src = fo, f"old release: current ÷ constant ({old_base}), of {new_base}"
            else:
                used, src = np.nan, "none"
            rows.append((sheet, k, c, i, old_base, new_base, fn, fo, used, src))
    table = pd.DataFrame(rows, columns=_FACTOR_COLUMNS)
    need = (table["rebase_factor"].isna() & table["sheet"].eq("constant_usd")).to_numpy()
    if matched is not None and need.any():
        # Series with no price pair in either base year (e.g. no figure for 2022 or 2023):
        # the median ratio of the two releases' values over the years both give.
        oi, ni = matched
        ok = (o["sheet_id"][oi] == _sheet_id("constant_usd")) & o["const"][oi]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = n["value"][ni[ok]] / o["value"][oi[ok]]
        good = np.isfinite(ratio) & (ratio > 0)
        med = pd.Series(ratio[good]).groupby(o["key"][oi[ok]][good]).median().to_dict()
        keys = table["key"].to_numpy(dtype=object)
        factors = table["rebase_factor"].to_numpy(np.float64).copy()
        sources = table["factor_from"].to_numpy(dtype=object).copy()
        for i in np.flatnonzero(need):
            if keys[i] in med:
                factors[i] = med[keys[i]]
                sources[i] = ("median of new ÷ old over the years both releases give "
                              "(neither release has both prices for the base years)")
        table["rebase_factor"] = factors
        table["factor_from"] = sources
    table.loc[table["rebase_factor"].isna(), "factor_from"] = (
        "none: no year with a value in both releases")
    return table


def rebasing_factors(old: Release, new: Release) -> pd.DataFrame:
    """SIPRI's own factor from the old constant-price base year to the new one, per series.

    Parameters
    ----------
    old, new
        Two releases: paths to the workbooks, or frames from :func:`defbudget.read_sipri`.

    Returns
    -------
    pandas.DataFrame
        One row per country of ``Constant (YYYY) US$`` and per region of ``Regional totals``:
        ``sheet``, ``country``, ``iso3``, ``old_base_year``, ``base_year``,
        ``factor_new_release`` (the new release's constant-price value of the old base year
        ÷ its current-price value of that year: how SIPRI moved the series),
        ``factor_old_release`` (the old release's current-price value of the new base year
        ÷ its constant-price value of that year), ``rebase_factor`` (the first when known,
        else the second, else the median ratio of the two releases' values; what
        :func:`sipri_revisions` multiplies the old constant-price values by) and
        ``factor_from`` (which of the three). Empty when the base year did not move.
        Factors are pure ratios: US$ of the new base year per US$ of the old.

    Examples
    --------
    >>> f = rebasing_factors("SIPRI-Milex-data-1949-2023.xlsx",
    ...                      "SIPRI-Milex-data-1949-2024_2.xlsx")  # doctest: +SKIP
    >>> f.set_index("country").loc["Japan", "rebase_factor"]  # doctest: +SKIP
    0.96722...
    """
    o_rel, n_rel = _load(old, "old"), _load(new, "new")
    o, n = _prepare(o_rel), _prepare(n_rel)
    if o_rel.base_year is None or n_rel.base_year is None or o_rel.base_year == n_rel.base_year:
        return pd.DataFrame(columns=_FACTOR_COLUMNS).drop(columns="key")
    _unify_keys(o, n)
    oi, ni = _match(o, n)
    both = (oi >= 0) & (ni >= 0)
    table = _factors(o, n, o_rel.base_year, n_rel.base_year, (oi[both], ni[both]))
    return table.drop(columns="key").reset_index(drop=True)


# ----------------------------------------------------------------------------------------
# The diff
# ----------------------------------------------------------------------------------------

def _match(o: dict, n: dict) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (old, new) of the union of both releases' cells; -1 where absent."""
    co, cn = _codes(o, n, ("sheet", "price_basis", "key", "year"))
    _check_unique(co, o, "old")
    _check_unique(cn, n, "new")
    pos = pd.Index(cn).get_indexer(co)
    seen = np.zeros(len(cn), dtype=bool)
    seen[pos[pos >= 0]] = True
    new_only = np.flatnonzero(~seen)
    oi = np.concatenate([np.arange(len(co)), np.full(len(new_only), -1)])
    ni = np.concatenate([pos, new_only])
    return oi, ni


def _take(arr: np.ndarray, idx: np.ndarray, fill) -> np.ndarray:
    out = arr[np.where(idx >= 0, idx, 0)] if len(arr) else np.full(len(idx), fill)
    if out.dtype.kind in "iu" and fill is not None and isinstance(fill, float):
        out = out.astype(np.float64)
    out = out.copy()
    out[idx < 0] = fill
    return out


def sipri_revisions(old: Release, new: Release, *, rtol: float = RTOL,
                    include_unchanged: bool = False) -> pd.DataFrame:
    """Every value, flag and name that changed between two SIPRI releases.

    Parameters
    ----------
    old, new
        The two releases: paths to the workbooks (read with :func:`defbudget.read_sipri`) or
        the frames it returns, one release each (all sheets, or the same sheets of both).
    rtol
        Relative difference above which a value counts as revised (default 1e-9: anything
        beyond floating-point noise). :func:`revisions_summary` counts the large ones.
    include_unchanged
        Also return the cells that did not change (``change`` ``"unchanged"``), e.g. to draw
        whole series old against new with :func:`defbudget.plot.revision_lines`.

    Returns
    -------
    pandas.DataFrame
        One row per changed cell: ``sheet`` (short name, see :data:`SHEETS`), ``country``
        (the new release's name; the old one's for removed countries) and ``old_country``,
        ``iso3``, ``region``, ``subregion``, ``year``, ``period``, ``fy_start_month``,
        ``measure``, ``unit`` (whole units: US$, local currency, ``ratio`` for shares),
        ``price_basis``, ``old_base_year`` and ``base_year`` (constant prices),
        ``old_value`` (as the old release prints it), ``old_value_rebased`` (in the new base
        year's prices for constant-price rows whose base year moved, else ``old_value``),
        ``new_value``, ``abs_change`` (``new_value - old_value_rebased``, in ``unit``),
        ``rel_change`` (that over ``|old_value_rebased|``, a ratio), ``old_flag`` and
        ``new_flag`` (``estimate``, ``highly_uncertain``, ``unavailable``,
        ``not_independent``, or missing for a final figure), ``change`` (below),
        ``detail``, ``rebase_factor`` (see :func:`rebasing_factors`), ``old_release`` and
        ``new_release`` (labels), ``old_source`` and ``new_source`` (ids for
        :func:`defbudget.cite`).

        ``change`` is the first that applies of:

        ``revised``          the value changed (after rebasing, for constant prices)
        ``flag_changed``     same value, another flag (e.g. an estimate became final)
        ``added``            a value where the old release had none (a new year, country or
                             sheet, or a cell that was ". ." or "xxx"; ``detail`` says which)
        ``removed``          the reverse
        ``country_renamed``  same value and flag, another name for the country (same ISO3)
        ``rebased``          same value once the old one is moved to the new base year's
                             prices; regional totals whose base year moved are always
                             ``rebased`` (a total of countries each rebased by its own factor
                             cannot be rebased by one ratio), with ``rel_change`` left to read

        Unchanged cells (unless *include_unchanged*), and cells empty in both releases or
        in the only release that has them, are left out.

    Raises
    ------
    ValueError
        A frame that is not one SIPRI release (the message says how to split it).

    Examples
    --------
    >>> rev = sipri_revisions("SIPRI-Milex-data-1949-2023.xlsx",
    ...                       "SIPRI-Milex-data-1949-2024_2.xlsx")  # doctest: +SKIP
    >>> print(revisions_summary(rev))  # doctest: +SKIP
    """
    if not (isinstance(rtol, (int, float)) and 0 <= rtol < 1):
        raise ArgumentError(f"sipri_revisions: rtol={rtol!r}; expected a relative tolerance "
                            "in [0, 1), e.g. 1e-9 (the default) or 0.001 to ignore changes "
                         "below 0.1 %.")
    key = _cache_key(old, new, rtol, include_unchanged)
    if key is not None:
        from defbudget.readers import _cache

        hit = _cache.get(key)
        if hit is not None:
            return hit
    out = _diff(_load(old, "old"), _load(new, "new"), rtol, include_unchanged)
    if key is not None:
        _cache.put(key, out)
    return out


#: Bumped whenever the output of sipri_revisions changes, so cached results are not reused.
VERSION = "1"


def _cache_key(old, new, rtol: float, unchanged: bool) -> str | None:
    """Content key of a diff of two workbooks (None when either side is a frame)."""
    if not all(isinstance(x, (str, os.PathLike)) for x in (old, new)):
        return None
    from defbudget.readers import _cache
    from defbudget.readers.sipri import READER_VERSION, find_sipri_workbook

    paths = [find_sipri_workbook(x) for x in (old, new)]
    digests = "-".join(_cache.file_digest(p) for p in paths)
    names = "|".join(p.name for p in paths)  # the labels name the files
    return f"sipri-revisions-{digests}-{names}-{rtol!r}-{unchanged}-r{READER_VERSION}-v{VERSION}"


def _diff(o_rel: _Release, n_rel: _Release, rtol: float,
          include_unchanged: bool = False) -> pd.DataFrame:
    """The cell-by-cell comparison behind :func:`sipri_revisions`.

    The cells of both releases are matched once; every step after works on the matched
    arrays: the rebasing of constant prices, the change of each cell, why (for the cells
    kept), and the frame.
    """
    o, n = _prepare(o_rel), _prepare(n_rel)
    _unify_keys(o, n)
    oi, ni = _match(o, n)
    in_old = oi >= 0
    ov = _take(o["value"], oi, np.nan)
    nv = _take(n["value"], ni, np.nan)
    sheet_id = np.where(in_old, _take(o["sheet_id"], oi, 0), _take(n["sheet_id"], ni, 0))
    is_const = np.where(in_old, _take(o["const"], oi, False), _take(n["const"], ni, False))
    rebasing, factor = _rebasing(o, n, oi, ni, o_rel, n_rel, is_const)
    old_cmp = np.where(rebasing, ov * factor, ov)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = nv - old_cmp
        differs = np.abs(diff) > rtol * np.maximum(np.abs(nv), np.abs(old_cmp))
        rel = np.where(old_cmp != 0, diff / np.abs(old_cmp), np.nan)
    change, unit_changed = _changes(o, n, oi, ni, ov, nv, differs=differs, rebasing=rebasing,
                                    factor=factor, sheet_id=sheet_id,
                                    include_unchanged=include_unchanged)
    keep = np.flatnonzero(change != "")
    m = _Kept(o, n, oi[keep], ni[keep],
              np.array(list(SHEETS), dtype=object)[sheet_id][keep],
              np.where(is_const, "constant", "current").astype(object)[keep], change[keep])
    detail = _details(m, unit_changed[keep], rebasing[keep], factor[keep])
    both = ~np.isnan(ov) & ~np.isnan(nv)
    return _diff_frame(m, o_rel, n_rel, detail, values={
        "old_value": ov[keep], "old_value_rebased": old_cmp[keep], "new_value": nv[keep],
        "abs_change": np.where(both[keep], diff[keep], np.nan),
        "rel_change": np.where(both[keep], rel[keep], np.nan), "rebase_factor": factor[keep]})


def _rebasing(o: dict, n: dict, oi: np.ndarray, ni: np.ndarray, o_rel: _Release,
              n_rel: _Release, is_const: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which cells are rebased, the factor of each): constant-price cells are, when the
    base year moved, by SIPRI's own ratio of the entity (:func:`rebasing_factors`)."""
    in_old, in_new = oi >= 0, ni >= 0
    rebasing = np.zeros(len(oi), dtype=bool)
    factor = np.full(len(oi), np.nan)
    moved = (o_rel.base_year is not None and n_rel.base_year is not None
             and o_rel.base_year != n_rel.base_year)
    if not moved:
        return rebasing, factor
    pair = in_old & in_new
    table = _factors(o, n, o_rel.base_year, n_rel.base_year, (oi[pair], ni[pair]))
    rebasing = is_const.astype(bool)
    eo, en = _codes(o, n, ("sheet", "key"))
    ent = np.where(in_old, _take(eo, oi, -1), _take(en, ni, -1))
    code_of = {}
    for codes, r in ((eo, o), (en, n)):
        _, first = np.unique(codes, return_index=True)
        for i in first:
            code_of[(r["sheet"][i], r["key"][i])] = codes[i]
    table_codes = np.array([code_of.get((s_, k_), -2) for s_, k_ in
                            zip(table["sheet"], table["key"], strict=True)], dtype=np.int64)
    pos = pd.Index(table_codes).get_indexer(ent[rebasing])
    got = table["rebase_factor"].to_numpy(np.float64)[np.where(pos >= 0, pos, 0)]
    factor[rebasing] = np.where(pos >= 0, got, np.nan)
    return rebasing, factor


def _changes(o: dict, n: dict, oi: np.ndarray, ni: np.ndarray, ov: np.ndarray,
             nv: np.ndarray, *, differs: np.ndarray, rebasing: np.ndarray, factor: np.ndarray,
             sheet_id: np.ndarray, include_unchanged: bool) -> tuple[np.ndarray, np.ndarray]:
    """(the change of each matched cell, "" for none; whether its unit changed). The first
    category that applies wins, in the order of :data:`CHANGES`."""
    in_old, in_new = oi >= 0, ni >= 0
    has_o, has_n = ~np.isnan(ov), ~np.isnan(nv)
    both = has_o & has_n
    pos_pair = np.flatnonzero(in_old & in_new)
    o_pair, n_pair = oi[pos_pair], ni[pos_pair]

    def differs_in(col: str) -> np.ndarray:
        """Rows present in both releases whose *col* differs (object columns)."""
        out = np.zeros(len(oi), dtype=bool)
        out[pos_pair] = o[col][o_pair] != n[col][n_pair]
        return out

    unit_changed = differs_in("unit")
    flag_diff = differs_in("flag")
    name_diff = differs_in("country")
    no_ratio = rebasing & np.isnan(factor)
    regional_rebase = rebasing & (sheet_id == _sheet_id("regional"))

    labels = np.array(["", *CHANGES, "unchanged"], dtype=object)
    code = {label: i for i, label in enumerate(labels)}
    change_id = np.zeros(len(oi), dtype=np.int8)

    def assign(mask, label):
        change_id[(change_id == 0) & mask] = code[label]

    assign(both & (unit_changed | (differs & ~no_ratio & ~regional_rebase)), "revised")
    assign(both & flag_diff, "flag_changed")
    assign(has_n & ~has_o, "added")
    assign(has_o & ~has_n, "removed")
    assign(~has_o & ~has_n & flag_diff, "flag_changed")
    assign(both & rebasing & ~((ov == 0) & (nv == 0)), "rebased")
    assign(name_diff & (has_o | has_n), "country_renamed")
    if include_unchanged:
        assign(has_o | has_n, "unchanged")
    return labels[change_id], unit_changed


@dataclass(frozen=True)
class _Kept:
    """The matched cells kept in the result: their positions in each release (-1: absent),
    sheet, price basis and change."""

    o: dict
    n: dict
    oi: np.ndarray
    ni: np.ndarray
    sheet: np.ndarray
    price_basis: np.ndarray
    change: np.ndarray

    @property
    def in_old(self) -> np.ndarray:
        return self.oi >= 0

    @property
    def in_new(self) -> np.ndarray:
        return self.ni >= 0

    def year(self) -> np.ndarray:
        return np.where(self.in_old, _take(self.o["year"], self.oi, 0),
                        _take(self.n["year"], self.ni, 0))

    def pick(self, col: str) -> np.ndarray:
        """*col* from the new release where the cell is in it, else from the old."""
        return np.where(self.in_new, _take(self.n[col], self.ni, None),
                        _take(self.o[col], self.oi, None))


def _details(m: _Kept, unit_changed: np.ndarray, rebasing: np.ndarray,
             factor: np.ndarray) -> np.ndarray:
    """Why each kept cell changed, where the change alone does not say it."""
    o, n, oi, ni = m.o, m.n, m.oi, m.ni
    detail = np.full(len(oi), None, dtype=object)
    k_in_old, k_in_new = m.in_old, m.in_new
    k_year, k_change = m.year(), m.change
    one_sided = np.flatnonzero(~(k_in_old & k_in_new))
    if len(one_sided):
        sheets = {"old": set(pd.unique(o["sheet"])), "new": set(pd.unique(n["sheet"]))}
        yo, yn = _codes(o, n, ("sheet", "price_basis", "year"))
        eo, en = _codes(o, n, ("sheet", "key"))
        years = {"old": set(np.unique(yo).tolist()), "new": set(np.unique(yn).tolist())}
        ents = {"old": set(np.unique(eo).tolist()), "new": set(np.unique(en).tolist())}
        row_year = np.where(k_in_old, _take(yo, oi, -1), _take(yn, ni, -1))
        row_ent = np.where(k_in_old, _take(eo, oi, -1), _take(en, ni, -1))
        for j in one_sided:
            side, other = ("new", "old") if k_in_new[j] else ("old", "new")
            s, p, y = m.sheet[j], m.price_basis[j], int(k_year[j])
            prices = " (current prices)" if s == "regional" and p == "current" else ""
            if s not in sheets[other]:
                detail[j] = f"sheet only in the {side} release"
            elif int(row_year[j]) not in years[other]:
                detail[j] = f"year {y}{prices} only in the {side} release"
            elif int(row_ent[j]) not in ents[other]:
                detail[j] = f"country only in the {side} release"
            else:
                detail[j] = f"cell missing from the {other} release"
    k_of, k_nf = _take(o["flag"], oi, None), _take(n["flag"], ni, None)
    two = k_in_old & k_in_new
    for j in np.flatnonzero(two & (k_change == "added")):
        detail[j] = f"was {k_of[j] or 'blank'} in the old release"
    for j in np.flatnonzero(two & (k_change == "removed")):
        detail[j] = f"{k_nf[j] or 'blank'} in the new release"
    k_unit_o, k_unit_n = _take(o["unit"], oi, None), _take(n["unit"], ni, None)
    for j in np.flatnonzero(unit_changed):
        detail[j] = f"unit changed from {k_unit_o[j]} to {k_unit_n[j]}"
    detail[(k_change == "rebased") & rebasing & (m.sheet == "regional")] = (
        "regional total: rebased with the region's own ratio; rel_change mixes revisions "
        "with the rebasing of each country by its own factor")
    detail[(k_change == "rebased") & rebasing & np.isnan(factor)] = (
        "base year moved; no factor to compare with")
    detail[(k_change == "revised") & rebasing & (detail == None)] = (  # noqa: E711
        "compared after rebasing the old value")
    return detail


def _diff_frame(m: _Kept, o_rel: _Release, n_rel: _Release, detail: np.ndarray,
                values: dict[str, np.ndarray]) -> pd.DataFrame:
    """The result of :func:`sipri_revisions`: one row per kept cell, in sheet, country and
    year order, columns :data:`_OUT_COLUMNS`."""
    o, n, oi, ni = m.o, m.n, m.oi, m.ni
    string = pd.StringDtype(na_value=np.nan)

    def text(arr) -> pd.arrays.StringArray:
        return pd.array(arr, dtype=string)

    k_year = m.year()
    n_keep = len(oi)
    out = pd.DataFrame({
        "sheet": text(m.sheet),
        "country": text(m.pick("country")),
        "old_country": text(_take(o["country"], oi, None)),
        "iso3": text(m.pick("iso3")),
        "region": text(m.pick("region")),
        "subregion": text(m.pick("subregion")),
        "year": k_year.astype(np.int64),
        "period": text(m.pick("period")),
        "fy_start_month": np.where(m.in_new, _take(n["fy_start_month"], ni, 1),
                                   _take(o["fy_start_month"], oi, 1)).astype(np.int64),
        "measure": text(m.pick("measure")),
        "unit": text(m.pick("unit")),
        "price_basis": text(m.price_basis),
        "old_base_year": pd.array(_take(o["base_year"], oi, np.nan),
                                  dtype="Float64").astype("Int64"),
        "base_year": pd.array(_take(n["base_year"], ni, np.nan),
                              dtype="Float64").astype("Int64"),
        **{k: values[k] for k in ("old_value", "old_value_rebased", "new_value", "abs_change",
                                  "rel_change")},
        "old_flag": text(_take(o["flag"], oi, None)),
        "new_flag": text(_take(n["flag"], ni, None)),
        "change": text(m.change),
        "detail": text(detail),
        "rebase_factor": values["rebase_factor"],
        "old_release": text(np.full(n_keep, o_rel.label, dtype=object)),
        "new_release": text(np.full(n_keep, n_rel.label, dtype=object)),
        "old_source": text(np.full(n_keep, o_rel.source, dtype=object)),
        "new_source": text(np.full(n_keep, n_rel.source, dtype=object)),
    })
    order = {s: i for i, s in enumerate(SHEETS)}
    sort_sheet = np.array([order.get(s, 99) for s in m.sheet])
    by = np.lexsort((k_year, m.pick("country").astype(str), sort_sheet))
    return out.take(by).reset_index(drop=True)[_OUT_COLUMNS]


# ----------------------------------------------------------------------------------------
# The summary
# ----------------------------------------------------------------------------------------

@dataclass
class RevisionSummary:
    """What :func:`revisions_summary` returns: quotable text plus the tables behind it.

    ``str(summary)`` (or ``print(summary)``) gives the text; ``by_category`` counts changed
    cells per sheet and category, ``by_region`` per SIPRI region and category, ``largest``
    holds the largest revisions quoted.
    """

    text: str
    by_category: pd.DataFrame
    by_region: pd.DataFrame
    largest: pd.DataFrame

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def _release_name(label: str, source: str) -> str:
    ed = _edition(source)
    return f"the {ed} release" if ed else f"the release {label}"


def _fmt_value(value: float, unit: str) -> str:
    from defbudget.formatting import format_money

    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "USD/person":
        return f"${value:,.1f} per person"
    return format_money(value, unit, sig=4)


def _counts_table(rev: pd.DataFrame, by: str, order: Sequence[str]) -> pd.DataFrame:
    keys = rev[by].astype(object).where(rev[by].notna(), "(none)")
    table = pd.crosstab(keys, rev["change"].astype(object))
    table = table.reindex(columns=list(CHANGES), fill_value=0)
    rows = [r for r in order if r in table.index] + sorted(r for r in table.index
                                                           if r not in order)
    table = table.reindex(rows)
    table["total"] = table.sum(axis=1)
    table.index.name = by
    table.columns.name = None
    return table


def revisions_summary(revisions: pd.DataFrame, *, threshold: float = 0.01, top: int = 5,
                      sheet: str = "current_usd") -> RevisionSummary:
    """A summary of :func:`sipri_revisions` a researcher can quote.

    Parameters
    ----------
    revisions
        The frame :func:`sipri_revisions` returns (or a subset of its rows, e.g. one region).
    threshold
        Relative revision counted as large (0.01 = 1 %).
    top
        How many of the largest revisions to name.
    sheet
        Which sheet's revisions to quote first (default current US$; see :data:`SHEETS`).

    Returns
    -------
    RevisionSummary
        Prints as text: the releases compared; the number of cells per change category; the
        quotable sentence ("The 2025 release revised 156 current-US$ values by more than
        1 % ..., the largest were ..."); estimates that became final; the base-year move and
        SIPRI's rebasing factors; renamed, added and removed countries; years and sheets in
        one release only; counts per region. Tables in ``by_category`` (sheet × category),
        ``by_region`` (region × category, regional totals under "(regional totals)") and
        ``largest``.

    Examples
    --------
    >>> rev = sipri_revisions("SIPRI-Milex-data-1949-2023.xlsx",
    ...                       "SIPRI-Milex-data-1949-2024_2.xlsx")  # doctest: +SKIP
    >>> print(revisions_summary(rev))  # doctest: +SKIP
    """
    missing = [c for c in ("change", "sheet", "rel_change", "old_release", "new_release")
               if c not in revisions.columns]
    if missing:
        raise MissingColumnError(f"revisions_summary: the frame lacks {missing}; pass what "
                                 "defbudget.sipri_revisions returns.", columns=missing)
    rev = revisions[revisions["change"] != "unchanged"]
    first = revisions.iloc[0] if len(revisions) else {}
    old_label = str(first.get("old_release", "old release"))
    new_label = str(first.get("new_release", "new release"))
    new_src = str(first.get("new_source", ""))
    old_src = str(first.get("old_source", ""))
    who = (_release_name(new_label, new_src) if _edition(new_src) != _edition(old_src)
           else f"the release {new_label}")
    lines = [f"SIPRI revisions: {old_label} -> {new_label}"]
    by_cat = _counts_table(rev, "sheet", list(SHEETS))
    by_reg_src = rev.assign(region=rev["region"].where(rev["sheet"] != "regional",
                                                       "(regional totals)"))
    by_region = _counts_table(by_reg_src, "region", [])
    counts = rev["change"].value_counts()
    lines.append(f"{len(rev):,} cells changed: " + ", ".join(
        f"{int(counts.get(c, 0)):,} {c}" for c in CHANGES) + ".")
    sentence, largest = _quotable(rev, who=who, sheet=sheet, threshold=threshold, top=top)
    lines += [sentence, *_flag_moves(rev), *_base_year_move(rev), *_one_release_only(rev)]
    lines += ["", "Changed cells per sheet and category:", by_cat.to_string(), "",
              "Changed cells per region and category (all sheets):", by_region.to_string()]
    keep = ["country", "year", "sheet", "old_value_rebased", "new_value", "abs_change",
            "rel_change", "old_flag", "new_flag"]
    return RevisionSummary("\n".join(lines), by_cat, by_region,
                           largest[[c for c in keep if c in largest.columns]]
                           .reset_index(drop=True))


def _quotable(rev: pd.DataFrame, *, who: str, sheet: str, threshold: float, top: int
              ) -> tuple[str, pd.DataFrame]:
    """The quotable sentence (large revisions of one sheet, the largest by amount) and the
    largest revisions it names."""
    rv = rev[(rev["change"] == "revised") & (rev["sheet"] == sheet)]
    what = SHEETS.get(sheet, sheet)
    large = rv[rv["rel_change"].abs() > threshold]
    largest = large.reindex(large["abs_change"].abs().sort_values(ascending=False).index)
    largest = largest.head(top)
    if not len(rv):
        return f"{who[0].upper() + who[1:]} revised no {what}.", largest
    named = "; ".join(
        f"{r.country} {r.year} ({_fmt_value(r.old_value_rebased, r.unit)} -> "
        f"{_fmt_value(r.new_value, r.unit)}, {r.rel_change * 100:+.1f}%)"
        for r in largest.itertuples())
    sentence = (f"{who[0].upper() + who[1:]} revised {len(large):,} {what} by more than "
                f"{threshold * 100:g}% ({len(rv):,} by any amount)")
    return sentence + (f"; the largest were: {named}." if named else "."), largest


def _flag_moves(rev: pd.DataFrame) -> list[str]:
    """Estimates that became final figures, and the reverse."""
    if not {"old_flag", "new_flag"} <= set(rev.columns):
        return []
    both = rev["old_value"].notna() & rev["new_value"].notna()
    became_final = both & rev["old_flag"].eq("estimate") & rev["new_flag"].isna()
    became_est = both & rev["old_flag"].isna() & rev["new_flag"].eq("estimate")
    n1, n2 = int(became_final.sum()), int(became_est.sum())
    if not (n1 or n2):
        return []
    return [f"Estimates that became final figures: {n1:,}; final figures that "
            f"became estimates: {n2:,} (all sheets)."]


def _base_year_move(rev: pd.DataFrame) -> list[str]:
    """The base-year move and SIPRI's rebasing factors, when the base year moved."""
    rb = rev[rev["old_base_year"].notna() & rev["base_year"].notna()
             & (rev["old_base_year"] != rev["base_year"])]
    if not len(rb):
        return []
    ob, nb = int(rb["old_base_year"].iloc[0]), int(rb["base_year"].iloc[0])
    ctry = rb[(rb["sheet"] == "constant_usd")].drop_duplicates("country")
    f = ctry["rebase_factor"].dropna()
    text = (f"Constant-price base year moved from {ob} to {nb}; not a revision: old "
            f"constant-US$ values were rebased with SIPRI's own factor per country before "
            f"comparing")
    if len(f):
        text += (f" (median {f.median():.4f} over {len(f)} countries, range "
                 f"{f.min():.4f}-{f.max():.4f}")
        world = rb[(rb["sheet"] == "regional") & (rb["country"] == "World")]
        if len(world) and world["rebase_factor"].notna().any():
            text += f"; World total {world['rebase_factor'].dropna().iloc[0]:.4f}"
        text += ")"
    n_reb = int((rb["change"] == "rebased").sum())
    n_rev = int((rb["change"] == "revised").sum())
    return [text + f"; {n_reb:,} constant-price cells changed only by the rebasing, "
            f"{n_rev:,} were revised as well."]


def _one_release_only(rev: pd.DataFrame) -> list[str]:
    """Countries renamed, added, removed; years and sheets in one release only."""
    lines = []
    if "old_country" in rev.columns:
        ren = rev[rev["old_country"].notna() & rev["country"].notna()
                  & (rev["old_country"] != rev["country"])]
        pairs = list(dict.fromkeys(zip(ren["old_country"], ren["country"], strict=True)))
        if pairs:
            lines.append("Countries renamed: " + ", ".join(f"{a} -> {b}" for a, b in pairs)
                         + ".")
    detail = rev["detail"].astype(object).fillna("") if "detail" in rev else pd.Series(
        "", index=rev.index)
    for side in ("new", "old"):
        who_side = "added (only in the new release)" if side == "new" else \
            "removed (only in the old release)"
        c = rev[detail.eq(f"country only in the {side} release")]
        names = list(dict.fromkeys(c["country"]))
        if names:
            lines.append(f"Countries {who_side}: {', '.join(names)}.")
        y = detail[detail.str.match(rf"^year \d{{4}}.* only in the {side} release$")]
        if len(y):
            yc = y.str.replace(f" only in the {side} release", "", regex=False).value_counts(
                sort=False)
            lines.append(f"Only in the {side} release: " + ", ".join(
                f"{k} ({v:,} values)" for k, v in sorted(yc.items())) + ".")
        s = rev[detail.eq(f"sheet only in the {side} release")]
        if len(s):
            lines.append(f"Sheets only in the {side} release: " + ", ".join(
                f"{k} ({v:,} values)" for k, v in s["sheet"].value_counts().items()) + ".")
    return lines


# ----------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------

def revisions_to_excel(revisions: pd.DataFrame, path: str | os.PathLike, *,
                       overwrite: bool = False) -> Path:
    """Write the revisions to a formatted workbook through :func:`defbudget.to_excel`.

    The rows become tidy frames (see :mod:`defbudget.schema`): sheet ``new`` holds the new
    release's value of every changed cell (flags styled as in SIPRI: estimates blue), sheet
    ``old`` the old release's value as printed, each with every revision column kept
    (``change``, ``abs_change``, ``rel_change``, ``detail`` ...), so that
    :func:`defbudget.read_excel_export` gives the table back. The Notes sheet carries
    :func:`revisions_summary`.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from defbudget.excel import to_excel

    frames = {}
    extra = [c for c in ("sheet", "old_country", "old_value", "old_value_rebased",
                         "new_value", "abs_change", "rel_change", "old_flag", "new_flag",
                         "change", "detail", "rebase_factor", "old_release", "new_release")
             if c in revisions.columns]
    for side in ("new", "old"):
        rows = revisions[revisions[f"{side}_value"].notna()
                         | revisions[f"{side}_flag"].notna()]
        if rows.empty:
            continue
        base = rows["base_year"] if side == "new" else rows["old_base_year"]
        tidy = pd.DataFrame({
            "country": rows["country"] if side == "new" else
            rows["old_country"].fillna(rows["country"]),
            "iso3": rows["iso3"], "year": rows["year"], "period": rows["period"],
            "fy_start_month": rows["fy_start_month"], "measure": rows["measure"],
            "basis": "sipri", "value": rows[f"{side}_value"], "unit": rows["unit"],
            "price_basis": rows["price_basis"], "base_year": base.astype("Int64"),
            "stage": pd.array([None] * len(rows), dtype=pd.StringDtype(na_value=np.nan)),
            "flag": rows[f"{side}_flag"], "source": rows[f"{side}_source"],
            "region": rows["region"], "subregion": rows["subregion"],
        })
        for c in extra:
            tidy[c] = rows[c]
        frames[side] = tidy.reset_index(drop=True)
    if not frames:
        raise DataError("revisions_to_excel: no changed cells to write (the two releases "
                        "agree); nothing was written.")
    notes = str(revisions_summary(revisions)).split("\n\n")[0].split("\n")
    notes.append("Sheets named 'new ...' hold the new release's value of every changed cell, "
                 "'old ...' the old release's value as printed (constant prices in its own "
                 "base year). The change, old and rebased values, relative change and reason "
                 "of each cell are kept with it: defbudget.read_excel_export(path) gives the "
                 "whole table back.")
    old = str(revisions["old_release"].iloc[0])
    new = str(revisions["new_release"].iloc[0])
    return to_excel(frames, path, overwrite=overwrite,
                    title=f"What SIPRI revised: {old} -> {new}", notes=notes)
