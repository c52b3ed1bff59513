"""Regenerate defbudget's exchange-rate and price-index tables from the raw inputs.

Reads ``../shared/data/raw`` (or the folder given as the first argument, or
``$DEFBUDGET_RAW_DIR``) and writes, in tidy form (see ``defbudget.schema``):

``data/fx_jpy_usd_h10_monthly.csv``
    Fed H.10 yen per US dollar, monthly averages, January 1971 – December 1998, from
    ``FRED_EXJPUS_monthly_1971-01_2024-09.csv`` (later months are left to the ECB rates).
``data/price_indices.csv``
    US CPI-U annual averages (BLS, 1982-84=100), US GDP implicit price deflator (BEA via FRED,
    2017=100; calendar-year and October-start fiscal-year means of the quarterly index),
    Japan CPI all items and all items less fresh food (Statistics Bureau, 2020=100; calendar
    years, plus April-start fiscal years FY2020–FY2025 as computed from the monthly index).

Run from the repository root::

    python scripts/build_money_data.py [RAW_DIR]

The script is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"

FRED_EXJPUS = "FRED_EXJPUS_monthly_1971-01_2024-09.csv"
FRED_GDPDEF = "FRED_GDPDEF_quarterly_1947Q1-2025Q3.csv"
BLS_CPI_ANNUAL = "BLS_CPI-U_CUUR0000SA0_annual_avg_1913-2025_from_pypi_cpi-2.1.0.csv"
JP_CPI = "DERIVED_japan_cpi_2020base_headline_series_CY1970-2025_FY2020-2025.csv"

#: Last month taken from H.10: from January 1999 the ECB reference rates are used.
H10_LAST_MONTH = "1998-12"
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
               "dec")
#: US federal fiscal year starts 1 October (31 U.S.C. § 1102).
US_FY_START = 10
#: Japan's fiscal year starts 1 April (Public Finance Act, art. 11; SIPRI: "Apr-Mar").
JP_FY_START = 4

TIDY = ["country", "iso3", "year", "period", "fy_start_month", "measure", "basis", "value",
        "unit", "price_basis", "base_year", "stage", "flag", "source"]


def _tidy(frame: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    for col in ("base_year", "stage", "flag"):
        if col not in frame.columns:
            frame[col] = pd.NA
    return frame[TIDY + extra]


def build_h10(raw: Path) -> pd.DataFrame:
    """H.10 JPY per USD monthly averages, 1971-01..1998-12, one row per month.

    The tidy key has no month column, so the month is part of ``basis``
    (``per_usd_m01`` … ``per_usd_m12``) and also given as the integer column ``month``.
    """
    src = pd.read_csv(raw / FRED_EXJPUS, dtype={"EXJPUS": str})
    if list(src.columns) != ["DATE", "EXJPUS"]:
        raise ValueError(f"{FRED_EXJPUS}: expected columns DATE, EXJPUS; got {list(src.columns)}")
    src["DATE"] = pd.to_datetime(src["DATE"], format="%Y-%m-%d", errors="raise")
    src = src[src["DATE"] <= pd.Timestamp(H10_LAST_MONTH)]
    if src["EXJPUS"].isin([".", ""]).any():
        raise ValueError(f"{FRED_EXJPUS}: missing months before {H10_LAST_MONTH}")
    out = pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": src["DATE"].dt.year,
        "period": "CY", "fy_start_month": 1, "measure": "exchange_rate",
        "basis": [f"per_usd_m{m:02d}" for m in src["DATE"].dt.month],
        "value": src["EXJPUS"].astype(float), "unit": "JPY", "price_basis": "current",
        "source": "frb_h10_exjpus", "month": src["DATE"].dt.month,
        "date": src["DATE"].dt.strftime("%Y-%m"),
    })
    if len(out) != (1998 - 1971 + 1) * 12:
        raise ValueError(f"{FRED_EXJPUS}: expected 336 months 1971-01..1998-12, got {len(out)}")
    return _tidy(out, ["month", "date"])


def _index_rows(frame: pd.DataFrame, *, country: str, iso3: str, basis: str, index_base: str,
                source: str, value_type: str, note: str) -> pd.DataFrame:
    out = frame.assign(country=country, iso3=iso3, measure="price_index", basis=basis,
                       unit="index", price_basis="current", source=source,
                       index_base=index_base, value_type=value_type, note=note)
    return _tidy(out, ["index_base", "value_type", "note"])


def build_price_indices(raw: Path) -> pd.DataFrame:
    parts = []
    # US CPI-U, annual averages as published by BLS (period M13).
    cpi = pd.read_csv(raw / BLS_CPI_ANNUAL)
    if set(cpi["series_id"]) != {"CUUR0000SA0"}:
        raise ValueError(f"{BLS_CPI_ANNUAL}: expected series CUUR0000SA0 only")
    parts.append(_index_rows(
        pd.DataFrame({"year": cpi["year"], "period": "CY", "fy_start_month": 1,
                      "value": cpi["cpi_u_annual_avg"].astype(float)}),
        country="United States", iso3="USA", basis="us_cpi_u", index_base="1982-84=100",
        source="bls_cpi_u", value_type="reported",
        note="CPI-U, U.S. city average, all items, not seasonally adjusted; BLS annual average"))

    # US GDP deflator: quarterly -> calendar-year and US fiscal-year (Oct-Sep) means of 4 quarters.
    q = pd.read_csv(raw / FRED_GDPDEF)
    q["date"] = pd.to_datetime(q["observation_date"], format="%Y-%m-%d", errors="raise")
    q["value"] = q["GDPDEF"].astype(float)
    for period, start in (("CY", 1), ("FY", US_FY_START)):
        label = q["date"].dt.year - (q["date"].dt.month < start).astype(int)
        g = q.groupby(label)["value"].agg(["mean", "size"])
        g = g[g["size"] == 4]  # complete years only
        what = ("calendar-year mean of the four quarters" if period == "CY" else
                "US fiscal year (Oct-Sep, labelled by start year) mean of the four quarters")
        parts.append(_index_rows(
            pd.DataFrame({"year": g.index.astype(int), "period": period,
                          "fy_start_month": start, "value": g["mean"].round(4)}),
            country="United States", iso3="USA", basis="us_gdp_deflator",
            index_base="2017=100", source="bea_gdpdef", value_type="computed",
            note=f"GDP implicit price deflator (GDPDEF, seasonally adjusted); {what}"))

    # Japan CPI (2020 base): calendar years as published, FY Apr-Mar means computed.
    jp = pd.read_csv(raw / JP_CPI)
    for column, basis, label in (("all_items", "jp_cpi_all_items", "all items"),
                                 ("all_items_less_fresh_food", "jp_cpi_less_fresh_food",
                                  "all items less fresh food")):
        for kind, period, start, value_type, how in (
                ("calendar_year_average", "CY", 1, "reported",
                 "calendar-year average as published (zni2020a)"),
                ("fiscal_year_Apr-Mar_average_computed_from_monthly", "FY", JP_FY_START,
                 "computed", "April-March mean of the monthly index (zmi2020aa), rounded to "
                 "1 decimal; not an official release")):
            rows = jp[jp["basis"] == kind]
            parts.append(_index_rows(
                pd.DataFrame({"year": rows["year"].astype(int), "period": period,
                              "fy_start_month": start, "value": rows[column].astype(float)}),
                country="Japan", iso3="JPN", basis=basis, index_base="CY2020=100",
                source="statjp_cpi_2020", value_type=value_type,
                note=f"Consumer Price Index, Japan, {label}, 2020-base; {how}"))
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["iso3", "basis", "period", "year"], kind="stable")
    return out.reset_index(drop=True)


def main(argv: list[str]) -> int:
    raw = Path(argv[1]) if len(argv) > 1 else Path(os.environ.get("DEFBUDGET_RAW_DIR",
                                                                   DEFAULT_RAW))
    if not raw.is_dir():
        print(f"raw data folder not found: {raw}", file=sys.stderr)
        return 2
    DATA.mkdir(exist_ok=True)
    h10 = build_h10(raw)
    h10.to_csv(DATA / "fx_jpy_usd_h10_monthly.csv", index=False, lineterminator="\n")
    prices = build_price_indices(raw)
    prices.to_csv(DATA / "price_indices.csv", index=False, lineterminator="\n")
    print(f"wrote {len(h10)} rows to data/fx_jpy_usd_h10_monthly.csv and {len(prices)} rows "
          "to data/price_indices.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
