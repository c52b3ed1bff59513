"""Sanity checks on tidy frames: negative or absurd values, with an allow-list of real ones.

A wrong number that passes silently is worse than an error. :func:`sanity_check` flags values
that no real defence budget takes: negative spending, a share of GDP above
:data:`MAX_SHARE_GDP`, a share of government spending above 100 %, or a money value larger
than the whole world's military spending (usually a "US$ m." figure multiplied by 1e6 twice).

Some extreme values are real. :data:`KNOWN_OUTLIERS` lists them, each with its citation, so
they pass without an ``allow=``: Kuwait's military spending in 1991, the year of its
liberation, was 117 % of its GDP in SIPRI's Share of GDP sheet (OWID's SIPRI chart carries
it too and keeps it as a known outlier). Add your own with ``allow=[("KWT", 1991)]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from defbudget.errors import DefbudgetError

__all__ = [
    "KNOWN_OUTLIERS",
    "MAX_MONEY_USD",
    "MAX_SHARE_GDP",
    "KnownOutlier",
    "SanityError",
    "sanity_check",
]

#: Shares of GDP above this are flagged (the highest SIPRI value besides Kuwait 1991 is
#: Kuwait 1990 at 48.5 %).
MAX_SHARE_GDP = 0.5
#: Money values above this (in US dollars) are flagged: world military spending was
#: US$ 2.7 trillion in 2024 (SIPRI), so 10 trillion for one row is a scaling error.
MAX_MONEY_USD = 1e13

_SHARE_MEASURES = {"milex_share_gdp": MAX_SHARE_GDP, "milex_share_govt": 1.0}


@dataclass(frozen=True)
class KnownOutlier:
    """A real value outside the sanity limits, with where it is documented."""

    iso3: str
    year: int
    measure: str
    value: float  # as published, in the tidy frame's units (a ratio for shares)
    citation: str


#: Real values that pass the checks, as data: ISO3, year, measure, value and citation.
KNOWN_OUTLIERS: tuple[KnownOutlier, ...] = (
    KnownOutlier(
        "KWT", 1991, "milex_share_gdp", 1.1734983,
        "SIPRI Military Expenditure Database, sheet 'Share of GDP', Kuwait 1991 (117.3 %); "
        "republished by Our World in Data, 'Military spending as a share of GDP' "
        "(https://ourworldindata.org/grapher/military-spending-as-a-share-of-gdp-sipri), "
        "whose SIPRI pipeline keeps it as a known outlier (Gulf War, liberation year)."),
)


class SanityError(DefbudgetError, ValueError):
    """Values that no real defence budget takes. ``rows`` lists each offending row."""

    def __init__(self, message: str, rows: pd.DataFrame):
        super().__init__(message)
        self.rows = rows


def _reason(measure: str, unit: str, value: float) -> str | None:
    if not np.isfinite(value):
        return None
    if value < 0:
        return "negative (spending and shares cannot be below zero)"
    limit = _SHARE_MEASURES.get(measure)
    if limit is not None and value > limit:
        return (f"{value:.1%} is above the {limit:.0%} limit for {measure} "
                "(was a percentage read as a ratio, or a ratio multiplied by 100 twice?)")
    if unit == "USD" and value > MAX_MONEY_USD:
        return (f"{value:.3g} USD is more than the whole world spends (US$ 2.7e12 in 2024): "
                "was a 'US$ m.' figure scaled to whole dollars twice?")
    return None


def sanity_check(frame: pd.DataFrame, *, name: str = "frame",
                 allow: Iterable[tuple[str, int]] = ()) -> pd.DataFrame:
    """Refuse negative or absurd values; return *frame* unchanged when all are plausible.

    Parameters
    ----------
    frame
        A tidy frame (:mod:`defbudget.schema`); uses ``iso3``, ``country``, ``year``,
        ``measure``, ``unit`` and ``value``. It is not modified.
    name
        What to call the frame in the message (e.g. the file it came from).
    allow
        Further ``(iso3, year)`` pairs whose extreme values are real, on top of
        :data:`KNOWN_OUTLIERS`. Cite where each is documented in your own work.

    Returns
    -------
    pandas.DataFrame
        *frame* itself (so the check can sit in a chain).

    Raises
    ------
    SanityError
        Naming every offending row (index, country, year, measure, value), why it is implausible
        and what to do.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"country": ["Kuwait", "Japan"], "iso3": ["KWT", "JPN"],
    ...                   "year": [1991, 2023], "measure": "milex_share_gdp",
    ...                   "unit": "ratio", "value": [1.1735, 0.012]})
    >>> sanity_check(f) is f  # Kuwait 1991 is a known, cited outlier
    True
    >>> sanity_check(f.assign(value=[1.1735, -0.012]), name="my.csv")
    ... # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    SanityError: my.csv: 1 implausible value(s); ... row 1 (index 1): Japan 2023 ...
    """
    needed = ["year", "measure", "unit", "value"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"sanity_check({name}): missing column(s) {missing}; expected a tidy "
                         "frame (see defbudget.schema.COLUMNS).")
    allowed = {(o.iso3, int(o.year), o.measure) for o in KNOWN_OUTLIERS}
    extra = {(str(i), int(y)) for i, y in allow}
    iso3 = frame["iso3"] if "iso3" in frame.columns else pd.Series(None, index=frame.index)
    country = frame["country"] if "country" in frame.columns else iso3
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    bad = []
    for pos, (idx, m, u, v, i3, y, c) in enumerate(zip(
            frame.index, frame["measure"], frame["unit"], values, iso3, frame["year"], country,
            strict=True)):
        why = _reason(str(m), str(u), float(v))
        if why is None:
            continue
        key = None if pd.isna(i3) else str(i3)
        if key is not None and ((key, int(y), str(m)) in allowed or (key, int(y)) in extra):
            continue
        bad.append({"row": pos, "index": idx, "country": c, "iso3": key, "year": int(y),
                    "measure": m, "unit": u, "value": float(v), "why": why})
    if not bad:
        return frame
    rows = pd.DataFrame(bad)
    shown = "\n".join(
        f"  - row {b['row']} (index {b['index']!r}): {b['country']} {b['year']} {b['measure']} "
        f"= {b['value']:.6g} {b['unit']}: {b['why']}" for b in bad[:20])
    more = f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else ""
    raise SanityError(
        f"{name}: {len(bad)} implausible value(s); expected non-negative values, shares of GDP "
        f"up to {MAX_SHARE_GDP:.0%} and money below {MAX_MONEY_USD:.0e} USD:\n{shown}{more}\n"
        "Fix: check the unit scaling of the source (percent vs ratio, 'US$ m.' vs dollars) "
        "and the cell in the source file; if the value is real, pass "
        "allow=[(iso3, year), ...] and cite where it is documented "
        "(defbudget.sanity.KNOWN_OUTLIERS lists the ones already known).", rows)
