"""Fiscal-year conventions, labels and the two calendarisation rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from defbudget import fiscal
from defbudget.fiscal import (
    FY_START_MONTH,
    calendarise,
    fiscal_year_of,
    fy_bounds,
    fy_label,
    fy_start_month,
)
from defbudget.schema import validate


def fy_frame(values: dict[int, float], *, start_month=4, iso3="JPN", country="Japan",
             stage="enacted", **extra) -> pd.DataFrame:
    years = sorted(values)
    return pd.DataFrame({
        "country": country, "iso3": iso3, "year": years, "period": "FY",
        "fy_start_month": start_month, "measure": "defense_budget",
        "basis": "mod_incl_saco_realignment", "value": [float(values[y]) for y in years],
        "unit": "JPY", "price_basis": "current", "base_year": pd.NA, "stage": stage,
        "flag": pd.NA, "source": "test_source", **extra})


@pytest.mark.parametrize(("iso3", "month"), [
    ("JPN", 4), ("USA", 10), ("GBR", 4), ("IND", 4), ("AUS", 7), ("CAN", 4), ("KOR", 1),
    ("CHN", 1), ("DEU", 1), ("FRA", 1), ("TWN", 1)])
def test_start_months_of_the_issue(iso3, month):
    assert FY_START_MONTH[iso3] == month
    assert fy_start_month(iso3) == month
    assert fy_start_month(iso3.lower()) == month


def test_convention_history_taiwan():
    assert fy_start_month("TWN", year=1998) == 7
    assert fy_start_month("TWN", year=2000) == 1
    with pytest.raises(ValueError, match=r"transition period"):
        fy_start_month("TWN", year=1999)


def test_unknown_country_names_the_value_and_the_fix():
    with pytest.raises(KeyError, match=r"'XYZ'.*fy_start_month column"):
        fy_start_month("XYZ")


@pytest.mark.parametrize(("year", "month", "naming", "label"), [
    (2025, 4, "start", "FY2025 (Apr 2025–Mar 2026)"),
    (2026, 4, "start", "FY2026 (Apr 2026–Mar 2027)"),
    (2024, 10, "start", "FY2024 (Oct 2024–Sep 2025)"),
    (2024, 10, "end", "FY2025 (Oct 2024–Sep 2025)"),
    (2025, 7, "start", "FY2025 (Jul 2025–Jun 2026)"),
    (2025, 1, "start", "CY2025"),
    (1999, 2, "start", "FY1999 (Feb 1999–Jan 2000)"),
])
def test_fy_label(year, month, naming, label):
    assert fy_label(year, month, naming=naming) == label


@pytest.mark.parametrize("bad", [0, 13, 4.5, "4", None, True])
def test_bad_start_month_is_refused(bad):
    with pytest.raises(ValueError, match=r"integer 1–12"):
        fy_label(2025, bad)


def test_fy_bounds_and_fiscal_year_of():
    assert [d.isoformat() for d in fy_bounds(2024, 4)] == ["2024-04-01", "2025-03-31"]
    assert [d.isoformat() for d in fy_bounds(2024, 2)] == ["2024-02-01", "2025-01-31"]
    assert [d.isoformat() for d in fy_bounds(2023, 3)] == ["2023-03-01", "2024-02-29"]
    assert fiscal_year_of("2025-03-31", 4) == 2024
    assert fiscal_year_of("2025-04-01", 4) == 2025
    assert fiscal_year_of("2024-10-01", 10) == 2024  # the US government calls this FY2025
    assert fiscal_year_of("2025-06-30", 1) == 2025


def test_even_spread_april_start_matches_sipri_quarter_rule():
    cy = calendarise(fy_frame({2023: 6.8219e12, 2024: 7.9496e12, 2025: 8.7005e12}))
    got = cy.set_index("year")["value"]
    assert np.isnan(got[2023])
    assert got[2024] == pytest.approx(0.25 * 6.8219e12 + 0.75 * 7.9496e12, rel=1e-15)
    assert got[2025] == pytest.approx(0.25 * 7.9496e12 + 0.75 * 8.7005e12, rel=1e-15)
    assert set(cy["period"]) == {"CY"} and set(cy["fy_start_month"]) == {1}
    assert set(cy["calendarised"]) == {"sipri_even_spread"}
    validate(cy)


@pytest.mark.parametrize(("month", "w_prev"), [(2, 1 / 12), (4, 3 / 12), (7, 6 / 12),
                                               (10, 9 / 12), (12, 11 / 12)])
def test_even_spread_any_start_month(month, w_prev):
    cy = calendarise(fy_frame({2020: 100.0, 2021: 220.0}, start_month=month))
    assert cy.set_index("year").at[2021, "value"] == pytest.approx(
        w_prev * 100.0 + (1 - w_prev) * 220.0)


def test_even_spread_january_start_is_the_identity():
    f = fy_frame({2020: 5.0, 2021: 7.0}, start_month=1, iso3="KOR", country="South Korea")
    cy = calendarise(f)
    assert cy["value"].tolist() == [5.0, 7.0] and cy["flag"].isna().all()


def test_missing_adjacent_year_gives_nan_with_a_reason():
    cy = calendarise(fy_frame({2019: 1.0, 2020: 2.0, 2022: 4.0}))  # FY2021 missing
    row = cy.set_index("year").loc[2022]
    assert np.isnan(row["value"]) and row["flag"] == "unavailable"
    assert "FY2021" in row["note"] and "missing" in row["note"]
    assert cy.set_index("year").at[2020, "value"] == pytest.approx(0.25 * 1 + 0.75 * 2)
    validate(cy)  # a NaN value with a flag is a valid tidy row


def test_frame_start_month_wins_over_the_country_convention():
    f = fy_frame({2020: 120.0, 2021: 240.0}, start_month=7)  # iso3 JPN, but the frame says 7
    assert calendarise(f).set_index("year").at[2021, "value"] == pytest.approx(180.0)


def test_missing_start_month_is_filled_from_the_convention():
    f = fy_frame({2020: 120.0, 2021: 240.0}, start_month=np.nan, iso3="USA",
                 country="United States")
    assert calendarise(f).set_index("year").at[2021, "value"] == pytest.approx(
        0.75 * 120 + 0.25 * 240)


def test_calendar_rows_pass_through_and_input_is_not_mutated():
    f = pd.concat([fy_frame({2020: 1.0, 2021: 2.0}),
                   fy_frame({2021: 9.0}, start_month=1).assign(period="CY")],
                  ignore_index=True)
    before = f.copy(deep=True)
    cy = calendarise(f)
    pd.testing.assert_frame_equal(f, before)
    passed = cy[cy["calendarised"].isna()]
    assert passed["value"].tolist() == [9.0]


def test_stage_change_between_years_is_noted():
    f = pd.concat([fy_frame({2024: 4.0}, stage="enacted"), fy_frame({2025: 8.0}, stage="draft")],
                  ignore_index=True)
    row = calendarise(f).set_index("year").loc[2025]
    assert row["value"] == pytest.approx(7.0)
    assert row["stage"] == "draft" and "stage FY2024 'enacted', FY2025 'draft'" in row["note"]


def test_two_rows_for_one_year_are_refused():
    f = pd.concat([fy_frame({2025: 8.5e12}, stage="request"),
                   fy_frame({2025: 8.7e12}, stage="draft")], ignore_index=True)
    with pytest.raises(ValueError, match=r"same series and year.*'draft', 'request'"):
        calendarise(f)


def test_series_are_calendarised_separately():
    a = fy_frame({2020: 1.0, 2021: 2.0})
    b = fy_frame({2020: 10.0, 2021: 20.0}).assign(basis="mod_excl_saco_realignment")
    cy = calendarise(pd.concat([a, b], ignore_index=True)).dropna(subset=["value"])
    assert sorted(cy["value"]) == [pytest.approx(1.75), pytest.approx(17.5)]


@pytest.mark.parametrize(("month", "tie", "shift"), [(4, None, 0), (2, None, 0), (6, None, 0),
                                                     (8, None, 1), (10, None, 1),
                                                     (7, "start", 0), (7, "end", 1)])
def test_majority_year(month, tie, shift):
    f = fy_frame({2020: 1.0, 2021: 2.0}, start_month=month)
    cy = calendarise(f, rule="majority_year", tie=tie)
    assert cy["year"].tolist() == [2020 + shift, 2021 + shift]
    assert cy["value"].tolist() == [1.0, 2.0]
    assert set(cy["calendarised"]) == {"majority_year"}
    validate(cy)


def test_majority_year_july_needs_a_tie_rule():
    f = fy_frame({2020: 1.0}, start_month=7, iso3="AUS", country="Australia")
    with pytest.raises(ValueError, match=r"tie='start' or tie='end'.*Australia|Australia.*tie="):
        calendarise(f, rule="majority_year")


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match=r"'even'.*sipri_even_spread"):
        calendarise(fy_frame({2020: 1.0}), rule="even")


def test_module_exports():
    for name in fiscal.__all__:
        assert hasattr(fiscal, name)


# --------------------------------------------------------------------- end-labelled fiscal years
def test_us_fy2025_named_by_end_year_has_october_2024_to_september_2025_bounds():
    import datetime as dt

    from defbudget.fiscal import fiscal_year_of, fy_bounds, start_year
    assert fy_bounds(2025, 10, year_is="end") == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    assert fy_bounds(2024, 10) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    assert start_year(2025, 10, "end") == 2024
    assert fiscal_year_of("2024-09-30", 10, year_is="end") == 2024
    assert fiscal_year_of("2024-10-01", 10, year_is="end") == 2025
    # a calendar year is the same whichever year names it
    assert fy_bounds(2025, 1, year_is="end") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError, match=r"year_is='middle'.*'start'.*'end'"):
        fy_bounds(2025, 10, year_is="middle")


def test_official_labels_are_each_governments_own():
    from defbudget.fiscal import official_label
    assert official_label("USA", 2025, 10, year_is="end") == "FY2025"
    assert official_label("USA", 2024, 10, year_is="start") == "FY2025"
    assert official_label("AUS", 2025, 7) == "2025–26"
    assert official_label("IND", 2025, 4) == "2025–26"
    assert official_label("IND", 1999, 4) == "1999–00"
    assert official_label("JPN", 2025, 4) == "FY2025"
    assert official_label("CHN", 2025, 1) == "2025"
    assert official_label("TWN", 2026, 1) == "2026"


def test_us_fy2025_average_rate_uses_october_2024_to_september_2025():
    """KRW per USD over US FY2025 named by its end year equals the average over the months
    Oct 2024–Sep 2025 computed here from the daily series, and differs from the Oct 2025
    start that a start-year reading of '2025' would give."""
    import datetime as dt

    from defbudget import fx
    days = fx.daily_rates("KRW", "USD", start=dt.date(2024, 10, 1), end=dt.date(2025, 9, 30))
    assert days.index[0].date() == dt.date(2024, 10, 1)
    assert days.index[-1].date() == dt.date(2025, 9, 30)
    expected = float(days.mean())
    got = fx.average_rate("KRW", "USD", year=2025, period="FY", fy_start_month=10,
                          year_is="end")
    assert got == pytest.approx(expected, rel=1e-12)
    same = fx.average_rate("KRW", "USD", year=2024, period="FY", fy_start_month=10)
    assert got == pytest.approx(same, rel=1e-12)
    # convert() reads the frame's fy_year_is column
    frame = pd.DataFrame({"country": "United States", "iso3": "USA", "year": [2025],
                          "period": "FY", "fy_start_month": 10, "fy_year_is": "end",
                          "measure": "defense_budget", "basis": "x", "value": [1e9],
                          "unit": "KRW", "price_basis": "current", "source": "example"})
    usd = fx.convert(frame, to="USD", rate="fy_average")
    assert usd["value"].iloc[0] == pytest.approx(1e9 / expected, rel=1e-12)


def test_us_fy2025_calendarised_from_its_months_oct_2024_to_sep_2025():
    """Even spread: CY2025 = 9/12 of FY2025 (Jan-Sep 2025) + 3/12 of FY2026 (Oct-Dec 2025).
    With FY2025 = 120 and FY2026 = 240 (end-labelled): 0.75*120 + 0.25*240 = 150."""
    from defbudget.fiscal import calendarise
    frame = pd.DataFrame({"country": "United States", "iso3": "USA", "year": [2025, 2026],
                          "period": "FY", "fy_start_month": 10, "fy_year_is": "end",
                          "measure": "defense_budget", "basis": "x", "value": [120.0, 240.0],
                          "unit": "USD", "price_basis": "current", "source": "example"})
    cy = calendarise(frame).set_index("year")
    # CY2024 needs FY2024 (Oct 2023-Sep 2024), absent; CY2025 is complete
    assert cy.loc[2025, "value"] == pytest.approx(150.0)
    assert cy.loc[2025, "period"] == "CY"
    assert pd.isna(cy.loc[2024, "value"]) and cy.loc[2024, "flag"] == "unavailable"
    # the note names the missing year as the US does: FY2024 = Oct 2023-Sep 2024
    assert cy.loc[2024, "note"].startswith("CY2024 needs FY2024 (0.75·FY2024 + 0.25·FY2025")
    assert "_fy_name_offset" not in cy.columns
    assert 2026 not in cy.index or pd.isna(cy.loc[2026, "value"])
