"""reconcile(): the rate behind every press conversion of Japan's FY2025 and FY2026 budgets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from defbudget import fx, load
from defbudget.reconciliation import COLUMNS, reconcile

CHART_COLUMNS = ["budget", "country", "year", "basis", "stage", "outlet", "published",
                 "reported_usd", "local_amount", "local_amount_source", "implied_rate",
                 "fy_average_rate", "cy_average_rate", "spot_rate", "spot_date",
                 "usd_at_fy_average", "usd_at_cy_average", "usd_at_spot", "rate_min",
                 "rate_max", "supported", "verdict", "source", "fx_source"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return reconcile(country="JPN")  # the other countries: tests/test_official_budgets.py


def test_columns_the_charts_rely_on(table):
    assert list(table.columns) == COLUMNS
    assert set(CHART_COLUMNS) <= set(table.columns)
    assert table["supported"].dtype == bool


def test_every_usd_figure_of_the_fy2025_and_fy2026_budgets_is_reported(table):
    ledger = load("reported_figures")
    expected = ledger[(ledger["refers_to"] == "budget") & (ledger["unit"] == "USD")
                      & ledger["year"].isin([2025, 2026]) & ledger["iso3"].eq("JPN")]
    assert len(expected) >= 10
    assert sorted(table["figure_id"]) == sorted(expected["figure_id"])
    assert table["implied_rate"].notna().all()
    got = table.set_index("figure_id")
    for _, row in expected.iterrows():
        r = got.loc[row["figure_id"]]
        assert r["reported_usd"] == row["value"]
        assert r["implied_rate"] == pytest.approx(r["local_amount"] / row["value"])
        if pd.notna(row["local_amount"]):
            assert r["local_amount"] == row["local_amount"]
            assert r["local_amount_source"] == "as printed with the figure"


def test_missing_yen_amount_comes_from_the_mod_series(table):
    mod = load("japan_mod_budget")
    wt = table.set_index("figure_id").loc["wt-jp-budget-fy2025"]
    incl = mod.query("year == 2025 and basis == 'mod_incl_saco_realignment'")["value"].item()
    assert wt["local_amount"] == incl == 8_700_500_000_000
    assert "basis not stated" in wt["local_amount_source"]
    assert wt["implied_rate"] == pytest.approx(8_700.5e9 / 55.5e9)


def test_report_az_is_flagged_and_the_rest_supported(table):
    flagged = table[~table["supported"]]
    assert flagged["outlet"].tolist() == ["report.az"]
    row = flagged.iloc[0]
    assert row["implied_rate"] == pytest.approx(104.77, abs=0.01)
    assert row["verdict"].startswith("no rate of the period supports it")
    assert row["implied_rate_high"] < row["rate_min"]


def test_55_5_or_60_1(table):
    """The seed question: $55.5B and $60.1B imply 156.8 and 144.8 yen per dollar."""
    t = table.set_index("figure_id")
    a, b = t.loc["wt-jp-budget-fy2025"], t.loc["thx-jp-budget-2025-table"]
    assert a["implied_rate"] == pytest.approx(156.77, abs=0.01)
    assert b["implied_rate"] == pytest.approx(144.77, abs=0.01)
    fy = fx.average_rate("JPY", year=2025, period="FY")
    assert a["fy_average_rate"] == b["fy_average_rate"] == pytest.approx(fy)
    assert a["usd_at_fy_average"] == pytest.approx(8_700.5e9 / fy)
    assert a["implied_rate"] > fy > b["implied_rate"]  # one above, one below the FY average
    assert a["supported"] and b["supported"]


def test_rate_columns(table):
    fy25 = table[table["year"] == 2025].iloc[0]
    assert fy25["fy_average_rate"] == pytest.approx(fx.average_rate("JPY", year=2025,
                                                                    period="FY"))
    assert fy25["cy_average_rate"] == pytest.approx(fx.average_rate("JPY", year=2025))
    window = fx.rate_range("JPY", start="2024-04-01", end="2026-03-31")
    assert (fy25["rate_min"], fy25["rate_max"]) == (window.min, window.max)
    assert set(table["fx_source"]) == {"ecb-eurofxref-hist"}
    assert table["source"].notna().all()


def test_spot_on_publication(table):
    sputnik = table.set_index("figure_id").loc["sputnik-jp-draft-fy2025"]
    assert sputnik["spot_date"] == "2024-12-27"
    assert sputnik["spot_rate"] == pytest.approx(fx.rate_on("JPY", date="2024-12-27"))
    assert sputnik["verdict"] == "consistent with the spot rate on publication"
    assert sputnik["usd_at_spot"] == pytest.approx(8.7e12 / sputnik["spot_rate"])
    diplomat = table.set_index("figure_id").loc["diplomat-jp-draft-fy2026"]
    assert diplomat["spot_basis"] == "average of the publication month"
    assert diplomat["spot_rate"] == pytest.approx(fx.monthly_average("JPY", year=2025,
                                                                     month=12))
    undated = table[table["published"].isna()]
    assert undated["spot_rate"].isna().all() and len(undated) > 0


def test_fiscal_year_not_over_is_nan_with_a_reason(table):
    fy26 = table[table["year"] == 2026]
    assert fy26["fy_average_rate"].isna().all() and fy26["usd_at_fy_average"].isna().all()
    assert fy26["verdict"].str.contains("FY2026 average not available").all()
    assert fy26["rate_max"].notna().all()


def test_rounding_interval_contains_the_implied_rate(table):
    assert (table["implied_rate_low"] <= table["implied_rate"]).all()
    assert (table["implied_rate"] <= table["implied_rate_high"]).all()
    kyodo = table.set_index("figure_id").loc["kyodo-jp-draft-fy2025"]
    # $55.4 billion (±0.05) for 8.7 trillion yen (±0.05)
    assert kyodo["implied_rate_low"] == pytest.approx(8.65e12 / 55.45e9)
    assert kyodo["implied_rate_high"] == pytest.approx(8.75e12 / 55.35e9)


def test_budgets_filter_and_unknown_budget():
    only = reconcile(budgets=["Japan FY2026 cabinet draft"])
    assert set(only["budget"]) == {"Japan FY2026 cabinet draft"}
    assert set(reconcile(budgets=2025)["year"]) == {2025}
    with pytest.raises(KeyError, match=r"FY2030.*known budgets"):
        reconcile(budgets=["Japan FY2030 cabinet draft"])


def test_a_ledger_given_by_the_user_and_no_crash_without_rates():
    ledger = load("reported_figures")
    row = ledger[ledger["figure_id"] == "sputnik-jp-draft-fy2025"].copy()
    row["figure_id"], row["year"], row["published"] = "made-up", 1990, "1990-06-01"
    row["local_amount"] = 4.1593e12
    out = reconcile(row)
    assert len(out) == 1 and np.isnan(out["spot_rate"].iloc[0])
    assert np.isnan(out["rate_min"].iloc[0]) and not out["supported"].iloc[0]
    assert out["verdict"].iloc[0].startswith("no daily rates for 1989-04-01")
    assert out["fy_average_rate"].iloc[0] == pytest.approx(
        fx.average_rate("JPY", year=1990, period="FY"))
    with pytest.raises(KeyError, match="lacks columns"):
        reconcile(row.drop(columns=["local_amount"]))


def test_a_rounding_interval_straddling_the_edge_of_the_daily_range_is_supported():
    """Supported means the implied rate's rounding interval *meets* the daily range.

    Working, from the raw ECB file (eurofxref-hist, JPY and USD columns, 2023-04-01 to
    2025-03-31, the FY2024 window of FY2023 and FY2024): the highest yen-per-dollar day is
    2024-07-03 at 161.907. The figure below prints ¥7,950,012,345,678 (rounding ±0.5 yen)
    and "$49.1 billion" (±$0.05 billion), so its implied rate is 7,950,012,345,678 / 49.1e9 =
    161.915, just above that maximum, and its interval runs from
    7,950,012,345,678 / 49.15e9 = 161.750 to 7,950,012,345,678 / 49.05e9 = 162.080. The
    interval straddles the top of the range: supported. A rule that wants the whole interval
    inside the range, or the implied rate itself inside it, would say no.
    """
    row = load("reported_figures").query("refers_to == 'budget'").iloc[[0]].copy()
    row[["year", "period", "fy_start_month", "stage", "unit", "local_unit"]] = [
        2024, "FY", 4, "enacted", "USD", "JPY"]
    row["value"] = 49.1e9
    row["amount_as_printed"] = "$49.1 billion"
    row["local_amount"] = 7_950_012_345_678.0
    row["published"] = None
    (got,) = reconcile(figures=row).itertuples()
    assert got.rate_max == pytest.approx(161.907, abs=5e-4)
    assert got.implied_rate == pytest.approx(161.915, abs=5e-4)
    assert got.implied_rate > got.rate_max
    assert bool(got.supported)
