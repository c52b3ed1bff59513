"""One vocabulary of keywords: fy_start_month, index_year, fx's (quote, base, *, date=...).
Old names keep working for one release with a DefbudgetFutureWarning. compare() uses the
exchange rate it is given."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from defbudget import compare, fiscal, fx
from defbudget.errors import ArgumentError, DefbudgetFutureWarning
from defbudget.schema import coerce


def test_fiscal_functions_take_fy_start_month():
    assert fiscal.fy_bounds(2025, fy_start_month=4) == (dt.date(2025, 4, 1),
                                                         dt.date(2026, 3, 31))
    assert fiscal.fiscal_year_of("2026-02-15", fy_start_month=4) == 2025
    assert fiscal.fy_label(2025, fy_start_month=4) == "FY2025 (Apr 2025–Mar 2026)"


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: fiscal.fy_bounds(2025, start_month=7), (dt.date(2025, 7, 1), dt.date(2026, 6, 30))),
    (lambda: fiscal.fiscal_year_of("2026-02-15", start_month=4), 2025),
    (lambda: fiscal.fy_label(2025, start_month=1), "CY2025"),
])
def test_fiscal_start_month_still_works_with_a_future_warning(call, expected):
    with pytest.warns(DefbudgetFutureWarning, match="start_month= is now fy_start_month="):
        assert call() == expected


def test_old_and_new_keyword_together_is_refused():
    with pytest.raises(ArgumentError, match="pass fy_start_month= only"):
        fiscal.fy_bounds(2025, start_month=4, fy_start_month=4)


def _yen() -> pd.DataFrame:
    return coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": [2022, 2023, 2024], "period": "CY",
        "fy_start_month": 1, "measure": "milex", "basis": "sipri",
        "value": [6.0e12, 7.0e12, 8.0e12], "unit": "JPY", "price_basis": "current",
        "source": "example"}))


def test_index_to_takes_index_year_and_base_year_still_works():
    new = compare.index_to(_yen(), index_year=2023)
    assert new["value"].tolist() == pytest.approx([600 / 7, 100.0, 800 / 7])
    with pytest.warns(DefbudgetFutureWarning, match="base_year= is now index_year="):
        old = compare.index_to(_yen(), base_year=2023)
    pd.testing.assert_frame_equal(old, new)
    import defbudget.accessor  # noqa: F401
    with pytest.warns(DefbudgetFutureWarning):
        via = _yen().budget.index_to(base_year=2023)
    pd.testing.assert_frame_equal(via, new)


def test_indexed_growth_takes_index_year_and_base_still_works():
    import matplotlib.pyplot as plt

    from defbudget import plot
    fig, ax = plt.subplots()
    try:
        plot.indexed_growth(_yen(), index_year=2023, ax=ax)
        new = ax.lines[0].get_ydata().tolist()
        assert new == pytest.approx([600 / 7, 100.0, 800 / 7])
        ax.clear()
        with pytest.warns(DefbudgetFutureWarning, match="base= is now index_year="):
            plot.indexed_growth(_yen(), base=2023, ax=ax)
        assert ax.lines[0].get_ydata().tolist() == pytest.approx(new)
    finally:
        plt.close(fig)


def test_spot_takes_quote_base_then_date_and_the_old_order_still_works():
    new = fx.spot("JPY", "USD", date="2025-12-27")
    assert new.date == dt.date(2025, 12, 24)
    with pytest.warns(DefbudgetFutureWarning, match=r"spot\(quote, base, \*, date=...\)"):
        old = fx.spot("2025-12-27", "JPY", "USD")
    assert old == new
    with pytest.warns(DefbudgetFutureWarning):
        assert fx.rate_on(dt.date(2025, 12, 27), "JPY") == new.rate
    with pytest.raises(ArgumentError, match="needs date="):
        fx.spot("JPY")


def test_compare_honours_a_fixed_rate_on_the_constant_dollar_path():
    out = compare.compare(_yen(), basis=compare.Basis(
        unit="USD", price_basis="constant", base_year=2023, rate=150.0))
    assert out["fx_rate"].tolist() == [150.0, 150.0, 150.0]
    assert set(out["fx_basis"]) == {"fixed"}
    # 2023 is the price base year: 7.0e12 yen at 150 yen per US$
    assert out.loc[out["year"] == 2023, "value"].item() == pytest.approx(7.0e12 / 150.0)


def test_compare_honours_a_spot_rate_on_the_constant_dollar_path():
    rate = fx.rate_on("JPY", date="2023-06-30")
    out = compare.compare(_yen(), basis=compare.Basis(
        unit="USD", price_basis="constant", base_year=2023, rate="spot:2023-06-30"))
    assert out["fx_rate"].tolist() == pytest.approx([rate] * 3)
    assert out.loc[out["year"] == 2023, "value"].item() == pytest.approx(7.0e12 / rate)
