"""Exchange rates: ECB cross rates, Fed H.10 before 1999, spot rates, convert()."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from defbudget import fx
from defbudget.fx import (
    RateUnavailableError,
    average_rate,
    convert,
    implied_rate,
    monthly_average,
    monthly_averages,
    rate_on,
    rate_range,
    spot,
)
from defbudget.schema import validate

DATA = Path(__file__).resolve().parents[1] / "data"


# ------------------------------------------------------------------ independent reference
@pytest.fixture(scope="module")
def ecb_jpy_per_usd(raw_dir) -> dict[dt.date, float]:
    """JPY per USD by day, read straight from the ECB zip with the csv module."""
    zips = sorted(raw_dir.glob("ECB_eurofxref-hist_*.zip"))
    if not zips:
        pytest.skip(f"no ECB_eurofxref-hist_*.zip in {raw_dir}")
    with zipfile.ZipFile(zips[-1]) as zf:
        text = zf.read("eurofxref-hist.csv").decode("utf-8")
    rates = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["USD"] not in ("N/A", "") and row["JPY"] not in ("N/A", ""):
            rates[dt.date.fromisoformat(row["Date"])] = float(row["JPY"]) / float(row["USD"])
    return rates


def _mean_between(rates, first: dt.date, last: dt.date) -> float:
    return statistics.fmean(v for d, v in rates.items() if first <= d <= last)


def yen_frame(values: dict[int, float], *, period="FY", start_month=4, **extra):
    years = sorted(values)
    return pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": years, "period": period,
        "fy_start_month": start_month if period == "FY" else 1, "measure": "defense_budget",
        "basis": "mod_incl_saco_realignment", "value": [values[y] for y in years],
        "unit": "JPY", "price_basis": "current", "base_year": pd.NA, "stage": "enacted",
        "flag": pd.NA, "source": "test_source", **extra})


# ------------------------------------------------------------------ the pins
def test_fy2024_average_from_ecb_cross_rates(ecb_jpy_per_usd):
    got = average_rate("JPY", "USD", year=2024, period="FY", fy_start_month=4)
    assert got == pytest.approx(152.4, abs=0.2)
    expected = _mean_between(ecb_jpy_per_usd, dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert got == pytest.approx(expected, rel=1e-12)
    # without fy_start_month the yen's country (Japan, April) is used
    assert average_rate("JPY", year=2024, period="FY") == got


def test_cy2023_average(ecb_jpy_per_usd):
    got = average_rate("JPY", year=2023)
    assert got == pytest.approx(140.5, abs=0.2)
    assert got == pytest.approx(
        _mean_between(ecb_jpy_per_usd, dt.date(2023, 1, 1), dt.date(2023, 12, 31)), rel=1e-12)


def test_fy2025_budget_at_fy2025_average(ecb_jpy_per_usd):
    expected_rate = _mean_between(ecb_jpy_per_usd, dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    expected_usd = 8_700.5e9 / expected_rate
    usd = convert(yen_frame({2025: 8_700.5e9}), to="USD", rate="fy_average")
    assert usd["value"].iloc[0] == pytest.approx(expected_usd, rel=1e-12)
    assert usd["fx_rate"].iloc[0] == pytest.approx(expected_rate, rel=1e-12)
    assert 55e9 < expected_usd < 60e9  # ~ $57.7B, between the press's $55.5B and $60.1B


def test_cy1990_uses_the_fred_h10_table(raw_dir):
    got = average_rate("JPY", year=1990)
    assert got == pytest.approx(144.8, abs=0.3)
    fred = pd.read_csv(raw_dir / "FRED_EXJPUS_monthly_1971-01_2024-09.csv")
    expected = fred[fred["DATE"].str.startswith("1990")]["EXJPUS"].astype(float).mean()
    assert got == pytest.approx(expected, rel=1e-12)
    usd = convert(yen_frame({1990: 41593e8}, period="CY"), to="USD", rate="cy_average")
    assert usd["fx_source"].iloc[0] == "frb-h10-exjpus"


# ------------------------------------------------------------------ sources and windows
def test_shipped_h10_table_equals_the_raw_fred_file(raw_dir):
    fred = pd.read_csv(raw_dir / "FRED_EXJPUS_monthly_1971-01_2024-09.csv")
    fred = fred[fred["DATE"] < "1999-01-01"].reset_index(drop=True)
    ours = pd.read_csv(DATA / "fx_jpy_usd_h10_monthly.csv")
    assert len(ours) == 336 == len(fred)
    assert (ours["date"] + "-01").tolist() == fred["DATE"].tolist()
    np.testing.assert_array_equal(ours["value"].to_numpy(), fred["EXJPUS"].to_numpy(float))
    assert set(ours["source"]) == {"frb-h10-exjpus"} and set(ours["unit"]) == {"JPY"}
    assert ours["basis"].tolist() == [f"per_usd_m{m:02d}" for m in ours["month"]]


def test_shipped_h10_table_passes_the_schema():
    from defbudget.schema import coerce
    validate(coerce(pd.read_csv(DATA / "fx_jpy_usd_h10_monthly.csv")))


def test_monthly_means_reproduce_the_derived_table(raw_dir):
    derived = pd.read_csv(raw_dir / "DERIVED_jpy_per_usd_calendar_and_fiscal_year_averages.csv",
                          index_col="year")
    for year in (2000, 2012, 2023, 2024):
        assert average_rate("JPY", year=year, period="FY", averaging="monthly") == \
            pytest.approx(derived.at[year, "fy_apr_mar_avg_ecb_cross"], abs=1e-3)
        assert average_rate("JPY", year=year, averaging="monthly") == pytest.approx(
            derived.at[year, "cy_avg_ecb_cross"], abs=1e-3)
    for year in (1975, 1985, 1997):
        assert average_rate("JPY", year=year, period="FY") == pytest.approx(
            derived.at[year, "fy_apr_mar_avg_fred"], abs=1e-3)


def test_fiscal_year_spanning_the_source_change_uses_both():
    # FY1998 = Apr 1998–Mar 1999: 9 H.10 months and 3 ECB months, monthly means.
    months = monthly_averages("JPY", start="1998-04", end="1999-03")
    assert months["source"].tolist() == ["frb-h10-exjpus"] * 9 + ["ecb-eurofxref-hist"] * 3
    # Worked from the raw files: FRED EXJPUS Apr–Dec 1998 = 131.7536, 134.896, 140.3305,
    # 140.7874, 144.68, 134.4805, 121.0486, 120.2895, 117.0709; ECB monthly means of the daily
    # JPY/EUR ÷ USD/EUR crosses Jan–Mar 1999 = 113.1633, 116.7168, 119.6392; mean of the 12
    # = 127.90470 yen per dollar.
    assert average_rate("JPY", year=1998, period="FY") == pytest.approx(127.904696, abs=1e-6)
    usd = convert(yen_frame({1998: 1e12}), to="USD")
    assert usd["fx_source"].iloc[0] == "frb-h10-exjpus;ecb-eurofxref-hist"
    with pytest.raises(RateUnavailableError, match=r"averaging='monthly'"):
        average_rate("JPY", year=1998, period="FY", averaging="daily")


def test_monthly_average():
    assert monthly_average("JPY", year=1985, month=9) == pytest.approx(236.53, abs=0.01)
    # ECB raw file: mean of the 22 daily crosses of January 2024 = 146.22833 yen per dollar
    assert monthly_average("JPY", year=2024, month=1) == pytest.approx(146.228331, abs=1e-6)
    usd_per_jpy = monthly_average("USD", "JPY", year=1985, month=9)
    assert usd_per_jpy == pytest.approx(1 / 236.5273, rel=1e-5)
    with pytest.raises(ValueError, match=r"1–12"):
        monthly_average("JPY", year=2024, month=13)


def test_cross_rates_for_other_pairs():
    # ECB raw file, 2024: mean of the 256 daily GBP quotes = 0.8466166 pounds per euro;
    # mean of the daily KRW/EUR ÷ USD/EUR crosses = 1,363.5283 won per dollar
    assert average_rate("GBP", "EUR", year=2024) == pytest.approx(0.8466166, abs=1e-7)
    assert average_rate("KRW", year=2024) == pytest.approx(1363.52835, abs=1e-5)


def test_before_1999_only_jpy_usd_exists():
    with pytest.raises(RateUnavailableError, match=r"H.10 yen/dollar"):
        average_rate("GBP", year=1995)
    with pytest.raises(RateUnavailableError, match=r"1971"):
        average_rate("JPY", year=1970)


def test_a_fiscal_year_not_over_has_no_average():
    with pytest.raises(RateUnavailableError, match=r"2026-04-01.*2027-03-31.*2026-10-30"):
        average_rate("JPY", year=2026, period="FY")
    # calendar 2026 is not over either in the bundled file (ends 30 October 2026)
    with pytest.raises(RateUnavailableError):
        average_rate("JPY", year=2026)


def test_unknown_currency_and_period():
    with pytest.raises(ValueError, match=r"'YEN' is not an ISO 4217"):
        average_rate("YEN", year=2024)
    with pytest.raises(ValueError, match=r"'Q'"):
        average_rate("JPY", year=2024, period="Q")
    with pytest.raises(ValueError, match=r"fy_start_month"):
        average_rate("EUR", year=2024, period="FY")
    with pytest.raises(RateUnavailableError, match=r"do not cover TWD"):
        average_rate("TWD", year=2024)
    with pytest.raises(TypeError, match=r"integer"):
        average_rate("JPY", year="2024")


# ------------------------------------------------------------------ spot rates
def test_spot_uses_last_business_day_before(ecb_jpy_per_usd):
    sat = spot("JPY", date="2025-12-27")
    assert sat.date == dt.date(2025, 12, 24)  # 25, 26 Dec: TARGET holidays; 27: Saturday
    assert sat.rate == pytest.approx(ecb_jpy_per_usd[dt.date(2025, 12, 24)], rel=1e-12)
    assert rate_on("JPY", date="2025-12-24") == sat.rate
    assert rate_on("JPY", date=dt.date(2024, 3, 29)) == rate_on("JPY", date="2024-03-28")
    assert spot("USD", "JPY", date="2024-03-28").rate == pytest.approx(
        1 / ecb_jpy_per_usd[dt.date(2024, 3, 28)])


def test_spot_outside_coverage():
    with pytest.raises(RateUnavailableError, match=r"monthly_average"):
        rate_on("JPY", date="1998-06-01")
    with pytest.raises(RateUnavailableError, match=r"ends 2026-10-30"):
        rate_on("JPY", date="2027-01-15")


def test_rate_range(ecb_jpy_per_usd):
    r = rate_range("JPY", start="2024-04-01", end="2026-03-31")
    window = {d: v for d, v in ecb_jpy_per_usd.items()
              if dt.date(2024, 4, 1) <= d <= dt.date(2026, 3, 31)}
    assert r.min == pytest.approx(min(window.values()))
    assert r.max == pytest.approx(max(window.values()))
    assert window[r.date_min] == pytest.approx(r.min) and r.n == len(window)
    clipped = rate_range("JPY", start="2025-04-01", end="2027-03-31")
    assert clipped.last == dt.date(2026, 10, 30)


def test_implied_rate():
    assert implied_rate(8.7005e12, 55.5e9) == pytest.approx(156.77, abs=0.01)
    np.testing.assert_allclose(implied_rate([9e12, 9.0353e12], [85.9e9, 58e9]),
                               [104.77, 155.78], atol=0.01)
    assert np.isnan(implied_rate(np.nan, 5.0))
    with pytest.raises(ValueError, match=r"positive"):
        implied_rate(1e12, 0)


# ------------------------------------------------------------------ convert
def test_convert_records_basis_and_source_and_validates():
    f = yen_frame({2023: 6.8219e12, 2024: 7.9496e12})
    before = f.copy(deep=True)
    usd = convert(f, to="USD", rate="fy_average")
    pd.testing.assert_frame_equal(f, before)
    validate(usd)
    assert usd["unit"].tolist() == ["USD", "USD"]
    assert usd["fx_basis"].tolist() == ["fy_average", "fy_average"]
    assert usd["fx_source"].tolist() == ["ecb-eurofxref-hist"] * 2
    assert usd["fx_from"].tolist() == ["JPY", "JPY"]
    # fx_rate is as quoted, yen per dollar: the dollar amount is the yen amount divided by it
    assert usd["fx_rate"].between(130, 160).all()
    np.testing.assert_allclose(usd["value"], f["value"] / usd["fx_rate"])
    assert usd["value"].iloc[1] == pytest.approx(
        7.9496e12 / 152.440331)  # ECB: FY2024 mean of 256 daily crosses


def test_convert_cy_average_on_fiscal_rows():
    usd = convert(yen_frame({2024: 1e12}), to="USD", rate="cy_average")
    assert usd["fx_basis"].iloc[0] == "cy_average"
    # ECB: CY2024 mean of 256 daily crosses = 151.431028 yen per dollar
    assert usd["value"].iloc[0] == pytest.approx(1e12 / 151.431028, rel=1e-8)


def test_convert_spot_names_the_fixing_day():
    usd = convert(yen_frame({2025: 9e12}), to="USD", rate="spot:2025-12-27")
    assert usd["fx_basis"].iloc[0] == "spot:2025-12-24"
    assert usd["value"].iloc[0] == pytest.approx(9e12 / rate_on("JPY", date="2025-12-24"))


def test_convert_fixed_rate_is_units_of_the_row_currency_per_target():
    usd = convert(yen_frame({2025: 9e12}), to="USD", rate=150)
    assert usd["value"].iloc[0] == pytest.approx(60e9)
    assert usd["fx_basis"].iloc[0] == "fixed" and usd["fx_source"].iloc[0] == "user"
    back = convert(usd, to="JPY", rate=1 / 150)
    assert back["value"].iloc[0] == pytest.approx(9e12)
    assert back["fx_from"].iloc[0] == "JPY"  # the original currency survives a round trip


def test_convert_constant_prices_use_the_base_year_rate():
    f = yen_frame({2015: 5e12}).assign(price_basis="constant", base_year=2020)
    usd = convert(f, to="USD", rate="cy_average")
    assert usd["fx_basis"].iloc[0] == "cy_average:2020"
    # ECB: CY2020 mean of 257 daily crosses = 106.741290 yen per dollar (the base year's)
    assert usd["value"].iloc[0] == pytest.approx(5e12 / 106.741290, rel=1e-8)
    validate(usd)


def test_convert_missing_rate_raises_or_flags():
    f = yen_frame({2025: 8.7005e12, 2026: 9.0353e12})
    with pytest.raises(RateUnavailableError, match=r"row 1 .*FY2026.*on_missing='nan'"):
        convert(f, to="USD")
    usd = convert(f, to="USD", on_missing="nan")
    row = usd.iloc[1]
    assert np.isnan(row["value"]) and row["flag"] == "unavailable"
    assert "2027-03-31" in row["note"]
    assert not np.isnan(usd["value"].iloc[0])
    validate(usd)


def test_convert_same_currency_and_non_money_rows():
    usd = convert(yen_frame({2024: 1.0}).assign(unit="USD"), to="USD")
    assert usd["fx_rate"].iloc[0] == 1.0 and usd["fx_basis"].iloc[0] == "same_currency"
    with pytest.raises(ValueError, match=r"unit 'ratio'.*ISO 4217"):
        convert(yen_frame({2024: 0.01}).assign(unit="ratio"), to="USD")


@pytest.mark.parametrize(("rate", "match"), [
    ("fy-average", "not understood"), ("spot:2025-13-01", "not a valid date"),
    ("spot:26 Dec 2025", "not understood"), (-150, "positive"), (float("nan"), "positive"),
    (True, "not a rate")])
def test_convert_bad_rates(rate, match):
    with pytest.raises((ValueError, TypeError), match=match):
        convert(yen_frame({2024: 1.0}), to="USD", rate=rate)


def test_convert_bad_target():
    with pytest.raises(ValueError, match=r"'dollars' is not an ISO 4217"):
        convert(yen_frame({2024: 1.0}), to="dollars")


def test_import_defbudget_does_not_load_currency_data():
    code = ("import sys, defbudget; import defbudget.fx; "
            "assert 'currency_converter' not in sys.modules; "
            "assert 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_module_exports():
    for name in fx.__all__:
        assert hasattr(fx, name)
