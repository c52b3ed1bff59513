"""Small tidy frames for the plot tests (built here, so the tests need no data files)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from defbudget.schema import coerce

#: Japan MOD initial budgets incl. SACO/realignment, FY2018–FY2026, in 100-million yen
#: (as compiled in ../shared/data/raw; FY2026 is the Dec 2025 cabinet draft).
JAPAN_OKU = {2018: 51911, 2019: 52574, 2020: 53133, 2021: 53422, 2022: 54005,
             2023: 68219, 2024: 79496, 2025: 87005, 2026: 90353}


def japan_budget(*, gap: tuple[int, ...] = (), basis: str = "mod_incl_saco_realignment",
                 draft_year: int = 2026, scale: float = 1.0) -> pd.DataFrame:
    """Japan's budget, whole yen; *gap* years present with value NaN flagged unavailable."""
    years = sorted(JAPAN_OKU)
    value = [np.nan if y in gap else JAPAN_OKU[y] * 1e8 * scale for y in years]
    return coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": years, "period": "FY",
        "fy_start_month": 4, "measure": "defense_budget", "basis": basis, "value": value,
        "unit": "JPY", "price_basis": "current",
        "stage": ["draft" if y == draft_year else "enacted" for y in years],
        "flag": ["unavailable" if y in gap else None for y in years],
        "source": "japan_mod_budget"}))


def sipri_like(countries: dict[str, float], years=range(2015, 2025), *, unit: str = "USD",
               measure: str = "milex", growth: float = 0.03, estimate: tuple = (),
               uncertain: tuple = ()) -> pd.DataFrame:
    """SIPRI-shaped rows: constant-2023 US$ (or ratios), calendar years, optional flags."""
    rows = []
    for i, (name, start) in enumerate(countries.items()):
        for y in years:
            flag = ("estimate" if (name, y) in estimate else
                    "highly_uncertain" if (name, y) in uncertain else None)
            rows.append({"country": name, "year": y,
                         "value": start * (1 + growth + 0.01 * i) ** (y - years[0]),
                         "flag": flag})
    frame = pd.DataFrame(rows).assign(
        period="CY", fy_start_month=1, measure=measure, basis="sipri", unit=unit,
        price_basis="current" if unit == "ratio" else "constant",
        base_year=None if unit == "ratio" else 2023, source="sipri_milex_2025")
    return coerce(frame)
