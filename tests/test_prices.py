"""Price indices, rebasing, constant prices and the two constant-dollar methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from defbudget import prices
from defbudget.prices import constant_usd, price_index, real_growth, rebase, to_constant
from defbudget.schema import BasisMismatchError, validate

BLS_FILE = "BLS_CPI-U_CUUR0000SA0_annual_avg_1913-2025_from_pypi_cpi-2.1.0.csv"


def money(values: dict[int, float], *, unit="JPY", period="FY", start=4, iso3="JPN"):
    years = sorted(values)
    return pd.DataFrame({
        "country": "Japan", "iso3": iso3, "year": years, "period": period,
        "fy_start_month": start if period == "FY" else 1, "measure": "defense_budget",
        "basis": "mod_incl_saco_realignment", "value": [float(values[y]) for y in years],
        "unit": unit, "price_basis": "current", "base_year": pd.NA, "stage": "enacted",
        "flag": pd.NA, "source": "test_source"})


def test_shipped_indices_match_the_raw_files(raw_dir):
    bls = pd.read_csv(raw_dir / BLS_FILE)
    cpi = price_index("us_cpi_u").set_index("year")["value"]
    assert cpi[2023] == 304.702 and cpi[2024] == 313.689
    assert cpi.to_dict() == dict(zip(bls["year"], bls["cpi_u_annual_avg"], strict=True))
    q = pd.read_csv(raw_dir / "FRED_GDPDEF_quarterly_1947Q1-2025Q3.csv")
    q2017 = q[q["observation_date"].str.startswith("2017")]["GDPDEF"].mean()
    gdp = price_index("us_gdp_deflator", period="CY").set_index("year")["value"]
    assert gdp[2017] == pytest.approx(q2017, abs=5e-5) and 2025 not in gdp.index  # 3 quarters
    us_fy = price_index("us_gdp_deflator", period="FY").set_index("year")["value"]
    oct_sep = q[(q["observation_date"] >= "2023-10-01") & (q["observation_date"] < "2024-10-01")]
    assert us_fy[2023] == pytest.approx(oct_sep["GDPDEF"].mean(), abs=5e-5)
    jp = price_index("jp_cpi_all_items")
    assert jp.query("period == 'CY' and year == 2020")["value"].item() == 100.0
    assert jp.query("period == 'FY' and year == 2024")["value"].item() == 109.5
    assert set(jp.query("period == 'FY'")["fy_start_month"]) == {4}
    defl = price_index("jp_gdp_deflator")
    assert defl.query("year == 2024")["value"].item() == pytest.approx(109.48, abs=0.01)
    assert set(defl["period"]) == {"FY"}
    for frame in (jp, defl, price_index("us_cpi_u")):
        validate(frame)
        assert frame["source"].notna().all()


def test_unknown_index_suggests():
    with pytest.raises(KeyError, match=r"'jp_cpi'.*jp_cpi_all_items"):
        price_index("jp_cpi")


def test_rebase():
    cpi = price_index("us_cpi_u")
    r = rebase(cpi, 2024)
    assert r.set_index("year").at[2024, "value"] == 100.0
    assert set(r["index_base"]) == {"2024=100"}
    ratio = (r["value"] / cpi["value"]).to_numpy()
    np.testing.assert_allclose(ratio, ratio[0])  # a rescaling, nothing else
    assert cpi["index_base"].iloc[0] == "1982-84=100"  # input untouched
    fy = rebase(price_index("jp_cpi_all_items", period="FY"), 2023)
    assert set(fy["index_base"]) == {"FY2023=100"}
    with pytest.raises(ValueError, match=r"no value for that year.*1913–2025"):
        rebase(cpi, 1900)


def test_to_constant_with_a_fiscal_year_deflator():
    f = money({2020: 5.3133e12, 2024: 7.9496e12})
    before = f.copy(deep=True)
    real = to_constant(f, base_year=2020, index="jp_gdp_deflator")
    pd.testing.assert_frame_equal(f, before)
    # ESRI raw file (DERIVED_ESRI_japan_gdp_...csv): deflator = nominal / real GDP x 100;
    # FY2020 554,591.8 / 554,550.0 = 100.0075, FY2024 645,138.7 / 589,297.3 = 109.4759;
    # 7.9496e12 x 100.0075 / 109.4759 = 7.262052e12
    assert real["value"].iloc[1] == pytest.approx(7.262052e12, rel=1e-6)
    assert real["value"].iloc[0] == pytest.approx(5.3133e12)
    assert set(real["price_basis"]) == {"constant"} and set(real["base_year"]) == {2020}
    assert set(real["deflator"]) == {"jp_gdp_deflator"}
    assert set(real["deflator_source"]) == {"esri-sna-qe-2026q2-2nd"}
    validate(real)
    # constant rows are rebased, not deflated twice
    again = to_constant(real, base_year=2024, index="jp_gdp_deflator")
    assert again["value"].iloc[1] == pytest.approx(7.9496e12)


def test_to_constant_refuses_a_period_mismatch_and_names_calendarise():
    with pytest.raises(BasisMismatchError, match=r"FY rows.*defbudget.fiscal.calendarise"):
        to_constant(money({2015: 1e12}, unit="USD"), base_year=2020, index="us_cpi_u")


def test_to_constant_refuses_a_foreign_index_and_names_convert():
    with pytest.raises(BasisMismatchError, match=r"JPY.*'us_cpi_u'.*defbudget.fx.convert"):
        to_constant(money({2015: 1e12}, period="CY"), base_year=2020, index="us_cpi_u")


def test_to_constant_missing_year():
    f = money({2019: 1e12, 2021: 2e12})  # FY CPI exists from FY2020
    with pytest.raises(ValueError, match=r"no FY2019 value.*on_missing='nan'"):
        to_constant(f, base_year=2020, index="jp_cpi_all_items")
    out = to_constant(f, base_year=2020, index="jp_cpi_all_items", on_missing="nan")
    assert np.isnan(out["value"].iloc[0]) and out["flag"].iloc[0] == "unavailable"
    validate(out)


def test_real_growth():
    f = money({2023: 6.8219e12, 2024: 7.9496e12})
    g = real_growth(f, index="jp_gdp_deflator")
    # ESRI raw file: FY2023 deflator 620,605.5 / 585,176.3 = 106.0544, FY2024 109.4759;
    # (7.9496e12 / 109.4759) / (6.8219e12 / 106.0544) - 1 = 0.128886
    assert g["value"].item() == pytest.approx(0.128886, abs=1e-6)
    assert g["unit"].item() == "ratio" and g["measure"].item() == "defense_budget_real_growth"
    with pytest.raises(ValueError, match="needs index="):
        real_growth(f)


def test_constant_usd_two_methods_differ_and_say_how():
    f = money({2022: 6.0e12, 2024: 8.0e12}, period="CY")
    sipri = constant_usd(f, base_year=2023, method="sipri")
    # Japan CPI (Statistics Bureau zni2020a): CY2023 105.6, CY2024 108.5. ECB raw file:
    # mean of the 255 daily JPY/EUR ÷ USD/EUR crosses of 2023 = 140.5884 yen per dollar.
    # 8.0e12 x 105.6 / 108.5 / 140.5884 = 5.538277e10
    assert sipri["value"].iloc[1] == pytest.approx(5.538277e10, rel=1e-6)
    assert sipri["fx_basis"].tolist() == ["cy_average:2023"] * 2
    assert set(sipri["deflator"]) == {"jp_cpi_all_items"}
    other = constant_usd(f, base_year=2023, method="convert_then_deflate")
    # ECB: 2024 mean of 256 daily crosses = 151.4310 yen per dollar. FRED GDPDEF: mean of
    # the four quarters 2023 = 122.38175, 2024 = 125.42175.
    # 8.0e12 / 151.4310 x 122.38175 / 125.42175 = 5.154884e10
    assert other["value"].iloc[1] == pytest.approx(5.154884e10, rel=1e-6)
    assert other["fx_basis"].tolist() == ["cy_average"] * 2
    assert set(other["deflator"]) == {"us_gdp_deflator"}
    for out in (sipri, other):
        validate(out)
        assert set(out["unit"]) == {"USD"} and set(out["base_year"]) == {2023}
    assert abs(sipri["value"].iloc[1] / other["value"].iloc[1] - 1) > 0.05  # methods matter


def test_constant_usd_fiscal_year_rows_need_calendarising():
    with pytest.raises(BasisMismatchError, match="calendarise"):
        constant_usd(money({2015: 5e12}), base_year=2023, method="convert_then_deflate")
    with pytest.raises(ValueError, match="'chained'"):
        constant_usd(money({2015: 5e12}), base_year=2023, method="chained")


def test_module_exports():
    for name in prices.__all__:
        assert hasattr(prices, name)


def test_deflator_source_names_the_years_actually_used():
    """A user index whose source differs by year: each row cites the two years it divides.

    A constant-2020 value dated 2023 rebased to 2024 divides the 2024 level by the 2020 level
    (120 / 100), so its sources are those of 2020 and 2024, never of 2023, the row's own year.
    """
    index = pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": [2020, 2023, 2024], "period": "FY",
        "fy_start_month": 4, "measure": "price_index", "basis": "my_index",
        "value": [100.0, 110.0, 120.0], "unit": "index", "price_basis": "current",
        "source": ["src-2020", "src-2023", "src-2024"]})
    row = money({2023: 1.0e12})
    row["price_basis"], row["base_year"] = "constant", 2020
    out = to_constant(row, base_year=2024, index=index)
    assert out["value"].iloc[0] == pytest.approx(1.2e12)
    assert out["deflator_source"].iloc[0] == "src-2020;src-2024"
    current = to_constant(money({2023: 1.0e12}), base_year=2024, index=index)
    assert current["value"].iloc[0] == pytest.approx(1.0e12 * 120 / 110)
    assert current["deflator_source"].iloc[0] == "src-2023;src-2024"
