"""Burden against targets: :func:`load_targets`, :func:`against_targets`,
:func:`first_year_meeting`.

Targets are shares of GDP (unit ``ratio``) shipped in ``data/targets.csv``, each citing the
document that set it.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from defbudget import schema
from defbudget.compare._frame import _aggregate_mask, _label, _one_measure, _require, _series_id
from defbudget.errors import ArgumentError, DataError, MissingColumnError, UnknownNameError
from defbudget.schema import BasisMismatchError

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
        rows = _rows_for_target(obs, share, tg, proxy=proxy)
        if len(rows):
            parts.append(_against_one_target(rows, tg))
    if not parts:
        raise DataError(
            "compare.against_targets: no target applies to this frame. It has measures "
            f"{sorted(map(str, frame['measure'].dropna().unique()))[:6]}; the targets are set "
            f"on {sorted(map(str, t['measure'].unique()))}. Select share-of-GDP rows (e.g. "
            "measure='milex_share_gdp'), or pass proxy=True to compare another share of GDP.")
    result = schema.coerce(pd.concat(parts, ignore_index=True))
    return result.sort_values(["country", "year", "target_id"], kind="stable").reset_index(
        drop=True)


def _rows_for_target(obs: pd.DataFrame, share: pd.Series, tg: pd.Series, *,
                     proxy: bool) -> pd.DataFrame:
    """The rows of *obs* target *tg* applies to: its measure (or, with *proxy*, any share of
    GDP when the target is one), and its country when it names one."""
    if proxy and _is_share_of_gdp(pd.Series([tg["measure"]])).iloc[0]:
        rows = obs[share | obs["measure"].eq(tg["measure"])]
    else:
        rows = obs[obs["measure"].eq(tg["measure"])]
    if isinstance(tg["iso3"], str):
        rows = rows[rows["iso3"].eq(tg["iso3"])]
    bad = rows[rows["unit"] != "ratio"]
    if len(bad):
        raise BasisMismatchError(
            f"compare.against_targets: target {tg['target_id']!r} is a ratio of GDP but "
            f"{bad['country'].iloc[0]} {bad['measure'].iloc[0]} is in "
            f"{bad['unit'].iloc[0]!r}; divide by GDP first.")
    return rows


def _against_one_target(rows: pd.DataFrame, tg: pd.Series) -> pd.DataFrame:
    """*rows* with target *tg* beside each: threshold, gap, met, and how well they match."""
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
    out["target_note"] = [_target_note(m, b, p, tg) for m, b, p in
                          zip(out["measure"], out["basis"], out["period"], strict=True)]
    out["target_source"] = tg["source"]
    return out


def _target_note(measure: str, basis: str, period: str, tg: pd.Series) -> str | None:
    """How an observation of *measure*, *basis* and *period* differs from target *tg*."""
    parts = []
    if measure != tg["measure"]:
        parts.append(f"proxy: {measure} stands in for the target's {tg['measure']}")
    if basis != tg["basis"]:
        parts.append(f"the observation counts spending on the {basis!r} definition; "
                     f"the target, on {tg['basis']!r}")
    if period != tg["period"]:
        parts.append(f"observation by {period}, target by {tg['period']}")
    ref = tg.get("gdp_reference")
    if isinstance(ref, str) and ref != "same year":
        parts.append(f"the target is a share of {ref} GDP")
    return "; ".join(parts) or None


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
    _require(frame, "compare.first_year_meeting")
    if isinstance(target, str):
        rows = against_targets(frame, targets=_one_target(target, targets), proxy=proxy)
    else:
        rows = _against_threshold(frame, target)
    thr = rows["threshold"]
    rows = rows.assign(_met=(rows["value"] > thr) if strict else (rows["value"] >= thr))
    word = "above" if strict else "at or above"
    out = [_first_met(rows.loc[idx].sort_values("year"), word)
           for _, idx in rows.groupby(_series_id(rows), sort=False).groups.items()]
    result = pd.DataFrame(out).drop(columns=["_met"]).reset_index(drop=True)
    result["first_year"] = result["first_year"].astype("Int64")
    result["years_met"] = result["years_met"].astype("Int64")
    result = schema.coerce(result)
    return result.sort_values(["first_year", "country"], na_position="last",
                              kind="stable").reset_index(drop=True)


def _one_target(target: str, targets: pd.DataFrame | None) -> pd.DataFrame:
    """The row of the targets table with id *target*, which must be a level to meet."""
    t = _targets_table(targets)
    hit = t[t["target_id"] == target]
    if hit.empty:
        close = difflib.get_close_matches(target, t["target_id"].tolist(), n=3, cutoff=0.4)
        raise UnknownNameError(f"unknown target {target!r}."
                               + (f" Did you mean {', '.join(map(repr, close))}?" if close
                                  else "")
                               + f" Targets: {', '.join(t['target_id'])}.")
    if hit["direction"].iloc[0] != "at_least":
        raise ArgumentError(f"target {target!r} is an allowance ({hit['direction'].iloc[0]}), "
                            "not a level that can be met.")
    return hit


def _against_threshold(frame: pd.DataFrame, target: object) -> pd.DataFrame:
    """The country rows of *frame* (one measure, shares) with an ad-hoc threshold beside."""
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
    return rows


def _first_met(g: pd.DataFrame, word: str) -> pd.Series:
    """One series' answer: its first row that met the threshold (``_met``), or its latest
    row with a note saying it never did; with ``first_year`` and ``years_met``."""
    from defbudget.formatting import format_ratio

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
    return row
